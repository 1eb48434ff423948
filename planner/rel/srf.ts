// Functions in FROM (PostgreSQL's RangeFunction): generate_series over integers, numeric and
// timestamps (PostgreSQL's argument rules and errors), any scalar function as a one-row
// relation, WITH ORDINALITY. Arguments may read outer (correlated) values but not columns of
// other FROM items (LATERAL is 0A000).

import { DbError, Numeric, TypeOid, addInterval, intervalKey, resolveZone, type Interval } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { t as sqlType, T, type SqlType } from '../bind/types.js';
import { compile } from '../eval/compile.js';
import { strings, type FuncCall, type Node } from '../parse/ast.js';
import { ROWS_IN_MEMORY_MAX, tooMany, RowsNode } from './ops.js';
import { seriesRows } from '../exec/explain-rel.js';
import { arrayFunctionInFrom } from '../funcs/array-srf.js';

export interface FunctionRelation {
  node: RowsNode;
  columns: Array<{ name: string; type: SqlType }>;
}

const O = TypeOid;

export function planFunctionInFrom(b: Binder, f: FuncCall, ordinality: boolean, aliasName: string | undefined): FunctionRelation {
  const names = strings(f.funcname);
  const name = names[names.length - 1]!;
  const loc = f.location ?? -1;
  const arrays = arrayFunctionInFrom(b, f, ordinality, aliasName); // unnest, generate_subscripts
  if (arrays) return arrays;
  if (name !== 'generate_series') {
    // A scalar function: one row, one column named after the function (or the alias).
    const e = b.resolveUnknown(b.bind(f as unknown as Node));
    const fn = compile(e);
    const cols = [{ name: aliasName ?? name, type: e.type }];
    if (ordinality) cols.push({ name: 'ordinality', type: T.int8 });
    return { columns: cols, node: new RowsNode(cols.length, (ctx) => [ordinality ? [fn([], ctx), 1n] : [fn([], ctx)]], `Function Scan on ${name}`) };
  }
  let args = (f.args ?? []).map((a) => b.bind(a));
  if (args.length < 2 || args.length > 3) throw b.err('42883', `function generate_series(${args.map(() => 'unknown').join(', ')}) does not exist`, loc);
  // Argument type: the common numeric/timestamp type of start and stop.
  const oids = args.map((a) => a.type.oid);
  let ty: SqlType;
  const isTs = (o: number): boolean => o === O.timestamp || o === O.timestamptz || o === O.date;
  if (oids.slice(0, 2).some(isTs) || (oids[2] === O.interval)) ty = oids.slice(0, 2).includes(O.timestamptz) || oids.slice(0, 2).every((o) => o === O.unknown) ? T.timestamptz : T.timestamp;
  else if (oids.includes(O.numeric) || oids.some((o) => o === O.float8 || o === O.float4)) ty = T.numeric;
  else if (oids.includes(O.int8)) ty = T.int8;
  else ty = T.int4;
  const timestamps = ty.oid === O.timestamp || ty.oid === O.timestamptz;
  const coerced: BoundExpr[] = args.map((a, i) => b.coerceTo(b.resolveUnknown(a.type.oid === O.unknown ? a : a), i === 2 && timestamps ? sqlType(O.interval) : ty, 'generate_series', loc));
  args = coerced;
  if (timestamps && args.length !== 3) throw b.err('42883', 'function generate_series(timestamp without time zone, timestamp without time zone) does not exist', loc, { hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
  const fns = args.map((a) => compile(a));
  const colName = aliasName ?? 'generate_series';
  const cols = [{ name: colName, type: ty }];
  if (ordinality) cols.push({ name: 'ordinality', type: T.int8 });
  const produce = (ctx: EvalContext): Value[][] => {
    const v = fns.map((fn) => fn([], ctx));
    if (v.some((x) => x === null)) return [];
    const out: Value[][] = [];
    const push = (x: Value): void => {
      if (out.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
      out.push(ordinality ? [x, BigInt(out.length + 1)] : [x]);
    };
    if (timestamps) {
      const step = v[2] as Interval;
      const k = intervalKey(step);
      if (k === 0n) throw new DbError('22023', 'step size cannot equal zero');
      const zone = ty.oid === O.timestamptz ? resolveZone(ctx.fmt.timeZone) : undefined;
      const stop = v[1] as bigint;
      for (let cur = v[0] as bigint; k > 0n ? cur <= stop : cur >= stop; cur = addInterval(cur, step, zone ?? undefined)) {
        push(cur);
        if ((ctx.cancel.reason)) throw ctx.cancel.reason;
      }
      return out;
    }
    if (ty.oid === O.numeric) {
      const start = v[0] as Numeric, stop = v[1] as Numeric, step = (v[2] as Numeric | undefined) ?? Numeric.fromInt(1);
      if (start.isNaN() || stop.isNaN() || step.isNaN()) throw new DbError('22023', `${start.isNaN() ? 'start' : stop.isNaN() ? 'stop' : 'step size'} value cannot be NaN`);
      if (!start.isFinite() || !stop.isFinite()) throw new DbError('22023', `${!start.isFinite() ? 'start' : 'stop'} value cannot be infinity`);
      if (step.isZero()) throw new DbError('22023', 'step size cannot equal zero');
      const up = step.sign() > 0;
      for (let cur = start; up ? cur.cmp(stop) <= 0 : cur.cmp(stop) >= 0; cur = cur.add(step)) push(cur);
      return out;
    }
    const big = (x: Value): bigint => BigInt(x as number | bigint);
    const start = big(v[0]!), stop = big(v[1]!), step = v.length > 2 ? big(v[2]!) : 1n;
    if (step === 0n) throw new DbError('22023', 'step size cannot equal zero');
    for (let cur = start; step > 0n ? cur <= stop : cur >= stop; cur += step) push(ty.oid === O.int8 ? cur : Number(cur));
    return out;
  };
  const node = new RowsNode(cols.length, produce, 'Function Scan on generate_series');
  node.rowsEstimate = seriesRows(args); // EXPLAIN: PostgreSQL 15 counts a constant integer series too
  return { columns: cols, node };
}
