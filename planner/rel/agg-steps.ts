// One-argument aggregate steps for the hash aggregate's fast path (agg-fast.ts): the same
// transition and final functions as resolveAggregate's accumulators (agg.ts), fed one value per
// row instead of an argument array, with the common states kept in JS numbers:
// - count(*) / count(x): a number counter, int8 (bigint) at the end;
// - sum/avg over int2/int4: a number while |sum| < 2^52 (every partial sum exact: an int4 adds
//   less than 2^31), spilled into a bigint beyond; the int8 range check of sum() at the end;
// - sum/avg over numeric: finite values of one scale add their coefficients into one bigint
//   (no Numeric per row); any other value goes through Numeric.add. Exact addition with the
//   larger scale and NaN/±Infinity absorbing is associative and commutative, so regrouping
//   the additions gives today's result;
// - everything else: the accumulator of resolveAggregate, called with a one-element array.
// Result values and types are exactly those of agg.ts (test/planner/rel/agg-fast.test.ts runs
// each query through both paths).

import { DbError, Numeric, TypeOid } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { SqlType } from '../bind/types.js';
import { comparatorFor } from '../eval/compare.js';

/** The per-group state of one aggregate call with at most one argument. */
export interface Step {
  add(v: Value): void;
  result(): Value;
}

/** The accumulator interface of agg.ts (resolveAggregate's `make`). */
interface Accum {
  add(args: Value[]): void;
  result(): Value;
}

/** Partial sums of integers stay in a number below this magnitude: adding an int4 keeps them exact. */
const SPILL = 2 ** 52;
const INT8_MAX = (1n << 63n) - 1n;
const INT8_MIN = -(1n << 63n);

class CountStar implements Step {
  n = 0;
  add(): void {
    this.n++;
  }
  result(): Value {
    return BigInt(this.n);
  }
}

class CountValues implements Step {
  n = 0;
  add(v: Value): void {
    if (v !== null) this.n++;
  }
  result(): Value {
    return BigInt(this.n);
  }
}

/** Σ of int2/int4 values: `small` + `big`, exact. */
class IntSum {
  small = 0;
  big = 0n;
  n = 0;
  add(v: number): void {
    this.n++;
    const s = this.small + v;
    if (s >= SPILL || s <= -SPILL) {
      this.big += BigInt(s);
      this.small = 0;
    } else this.small = s;
  }
  total(): bigint {
    return this.big + BigInt(this.small);
  }
}

class SumInt4 implements Step {
  readonly s = new IntSum();
  add(v: Value): void {
    if (v !== null) this.s.add(v as number);
  }
  result(): Value {
    if (this.s.n === 0) return null;
    const t = this.s.total();
    if (t > INT8_MAX || t < INT8_MIN) throw overflowInt8();
    return t;
  }
}

class AvgInt4 implements Step {
  readonly s = new IntSum();
  add(v: Value): void {
    if (v !== null) this.s.add(v as number);
  }
  result(): Value {
    return this.s.n === 0 ? null : Numeric.fromBigInt(this.s.total()).div(Numeric.fromBigInt(BigInt(this.s.n)));
  }
}

/** Σ of numerics: `coef` × 10^-`scale` (scale -1: none yet) plus `rest` (the other values' sum). */
class NumericSum {
  coef = 0n;
  scale = -1;
  rest: Numeric | null = null;
  n = 0;
  add(v: Numeric): void {
    this.n++;
    if (v.scale === this.scale && v.kind === 'finite') {
      this.coef += v.coef;
      return;
    }
    if (this.scale < 0 && v.kind === 'finite') {
      this.coef = v.coef;
      this.scale = v.scale;
      return;
    }
    this.rest = this.rest === null ? v : this.rest.add(v);
  }
  /** The sum (undefined: no values). */
  total(): Numeric | undefined {
    if (this.n === 0) return undefined;
    if (this.scale < 0) return this.rest!;
    const own = Numeric.of(this.coef, this.scale);
    return this.rest === null ? own : this.rest.add(own);
  }
}

class SumNumeric implements Step {
  readonly s = new NumericSum();
  add(v: Value): void {
    if (v !== null) this.s.add(v as Numeric);
  }
  result(): Value {
    return this.s.total() ?? null;
  }
}

class AvgNumeric implements Step {
  readonly s = new NumericSum();
  add(v: Value): void {
    if (v !== null) this.s.add(v as Numeric);
  }
  result(): Value {
    const t = this.s.total();
    return t === undefined ? null : t.div(Numeric.fromBigInt(BigInt(this.s.n)));
  }
}

class SumInt8 implements Step {
  s = 0n;
  n = 0;
  add(v: Value): void {
    if (v === null) return;
    this.s += typeof v === 'bigint' ? v : BigInt(v as number);
    this.n++;
  }
  result(): Value {
    return this.n === 0 ? null : Numeric.fromBigInt(this.s);
  }
}

class AvgInt8 extends SumInt8 {
  override result(): Value {
    return this.n === 0 ? null : Numeric.fromBigInt(this.s).div(Numeric.fromBigInt(BigInt(this.n)));
  }
}

class SumFloat implements Step {
  s = 0;
  n = 0;
  constructor(readonly float4: boolean) {}
  add(v: Value): void {
    if (v === null) return;
    this.s += v as number;
    this.n++;
  }
  result(): Value {
    return this.n === 0 ? null : this.float4 ? Math.fround(this.s) : this.s;
  }
}

class AvgFloat implements Step {
  s = 0;
  n = 0;
  add(v: Value): void {
    if (v === null) return;
    this.s += v as number;
    this.n++;
  }
  result(): Value {
    return this.n === 0 ? null : this.s / this.n;
  }
}

class MinMax implements Step {
  best: Value = null;
  constructor(readonly cmp: (a: Value, b: Value) => number, readonly sign: number) {}
  add(v: Value): void {
    if (v !== null && (this.best === null || this.cmp(v, this.best) * this.sign > 0)) this.best = v;
  }
  result(): Value {
    return this.best;
  }
}

/** Any other aggregate: its agg.ts accumulator with a fresh one-element argument array per row. */
class Wrapped implements Step {
  constructor(readonly acc: Accum, readonly star: boolean) {}
  add(v: Value): void {
    this.acc.add(this.star ? [] : [v]);
  }
  result(): Value {
    return this.acc.result();
  }
}

function overflowInt8(): DbError {
  return new DbError('22003', 'bigint out of range');
}

/** What a fast step needs to know about one aggregate call. */
export interface StepCall {
  name: string;
  /** The argument's type; undefined for count(*). */
  argType: SqlType | undefined;
  make: (ctx: EvalContext) => Accum;
}

/** A factory of per-group steps for `call`, chosen once per plan. */
export function stepFactory(call: StepCall): (ctx: EvalContext) => Step {
  const O = TypeOid;
  const t = call.argType;
  if (t === undefined) {
    if (call.name === 'count') return () => new CountStar();
    return (ctx) => new Wrapped(call.make(ctx), true);
  }
  const o = t.oid;
  switch (call.name) {
    case 'count':
      return () => new CountValues();
    case 'sum':
      if (o === O.int2 || o === O.int4) return () => new SumInt4();
      if (o === O.int8) return () => new SumInt8();
      if (o === O.numeric) return () => new SumNumeric();
      if (o === O.float4 || o === O.float8) return () => new SumFloat(o === O.float4);
      break;
    case 'avg':
      if (o === O.int2 || o === O.int4) return () => new AvgInt4();
      if (o === O.int8) return () => new AvgInt8();
      if (o === O.numeric) return () => new AvgNumeric();
      if (o === O.float4 || o === O.float8) return () => new AvgFloat();
      break;
    case 'min':
    case 'max': {
      const cmp = comparatorFor(o);
      if (cmp) {
        const sign = call.name === 'min' ? -1 : 1;
        return () => new MinMax(cmp, sign);
      }
      break;
    }
  }
  return (ctx) => new Wrapped(call.make(ctx), false);
}
