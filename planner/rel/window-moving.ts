// Moving-aggregate forms (PostgreSQL's msfunc/minvfunc pairs) of the window aggregates whose
// inverse is exact: count, and sum/avg over integers. With them a frame whose head moves
// forward (ROWS 10 PRECEDING, RANGE 5 PRECEDING, GROUPS ...) costs O(rows) per partition
// instead of O(rows × frame). Results are identical to rel/agg.ts's accumulators (same types,
// same NULL-on-empty rules, same 22003), which the executor uses for everything else; floats
// and numerics are deliberately absent: PostgreSQL restarts those (no exact inverse / dscale
// tracking), and so does the executor, keeping results bit-identical.

import { DbError, Numeric, TypeOid } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import type { SqlType } from '../bind/types.js';
import type { WindowAccum } from './window.js';

export interface MovingAccum extends WindowAccum {
  /** Takes back an earlier add() of the same arguments. */
  remove(args: Value[]): void;
}

const INT_OIDS = new Set<number>([TypeOid.int2, TypeOid.int4, TypeOid.int8]);
const INT8_MIN = -(1n << 63n);
const INT8_MAX = (1n << 63n) - 1n;

/** The moving form of aggregate `name` over `argTypes`, when it has an exact inverse. */
export function movingAggregate(name: string, argTypes: readonly SqlType[], star: boolean): (() => MovingAccum) | undefined {
  const a0 = argTypes[0];
  if (name === 'count') {
    const all = star || argTypes.length === 0;
    return () => {
      let n = 0n;
      return {
        add: (a) => { if (all || a[0] !== null) n++; },
        remove: (a) => { if (all || a[0] !== null) n--; },
        result: () => n,
      };
    };
  }
  if ((name !== 'sum' && name !== 'avg') || argTypes.length !== 1 || !a0 || !INT_OIDS.has(a0.oid)) return undefined;
  const int8 = a0.oid === TypeOid.int8;
  return () => {
    let s = 0n;
    let n = 0n;
    return {
      add: (a) => { if (a[0] !== null) { s += BigInt(a[0] as number | bigint); n++; } },
      remove: (a) => { if (a[0] !== null) { s -= BigInt(a[0] as number | bigint); n--; } },
      result: () => {
        if (n === 0n) return null;
        if (name === 'avg') return Numeric.fromBigInt(s).div(Numeric.fromBigInt(n));
        if (int8) return Numeric.fromBigInt(s);
        if (s < INT8_MIN || s > INT8_MAX) throw new DbError('22003', 'bigint out of range');
        return s;
      },
    };
  };
}
