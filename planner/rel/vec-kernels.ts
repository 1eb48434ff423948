// Per-aggregate state of the vectorised aggregate (vec-agg.ts), kept column-wise over group ids
// (typed arrays indexed by group, not an object per group), fed two ways:
//  - `addVectors`: the selected rows of one segment record batch, read straight from the Arrow
//    buffers (lsm/segment/batch.ts ColumnVector): Float64Array / BigInt64Array words / UTF-8
//    bytes, no Value per row for the common kernels;
//  - `addValue`: one decoded value (the row path: memtables, overlapping segments, narrow rows).
// Results equal agg-steps.ts's steps (and so agg.ts's accumulators) for the same values in the
// same order (test/planner/rel/vec-agg.test.ts compares both paths):
//  - count(*) / count(x): a counter per group;
//  - sum/avg(int2|int4): an exact float partial sum below 2^52, spilled into a bigint beyond;
//  - sum/avg(int8): the int64's low (unsigned) and high (signed) 32-bit words summed apart in
//    floats (each exact below 2^52), spilled into a bigint before either could round;
//  - sum/avg(float4|float8): the same float additions in the same order as the row path;
//  - sum/avg(numeric): the stored canonical text parsed from its bytes into coefficient digits
//    (≤ 15 digits: a JS number) once per segment batch and kept in the lsm's derived-vector
//    cache (vec-numeric.ts), and added at the group's largest scale (exact integers below
//    2^52, a bigint beyond; the scale is read from the text, which is the value's dscale — a
//    numeric(p,s) value was coerced to s when written, and an unconstrained column's values
//    keep their own scales, so the typmod adds nothing); NaN, ±Infinity and longer values go
//    through Numeric.add. Exact decimal addition is associative and commutative, so this
//    equals NumericSum's sum (value and scale = the largest input scale);
//  - anything else (min/max): the decoded value into agg-steps.ts's step for the group.
import { Numeric, TypeOid } from '../../catalog/index.js';
import { decodeUtf8, type Cell, type ColumnVector, type VectorBatch } from '../../lsm/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { stepFactory, type Step, type StepCall } from './agg-steps.js';
import { DbError } from '../../catalog/index.js';
import { SCALED_NUMERICS, scaleNumerics } from './vec-numeric.js';

/** One aggregate's state for every group. */
export interface Kernel {
  /** Makes room for groups [0, n). */
  grow(n: number): void;
  addValue(g: number, v: Value): void;
  /**
   * One stored cell of the argument's column (a full-width row of a rows part, vec-agg.ts): the
   * value fromCell would give — the cell itself for the admitted types but numeric, whose cell
   * is its canonical text.
   */
  addCell(g: number, c: Cell): void;
  /** Rows `sel[0..count)` of `vb`, row i in group `gids[i]`; `vec`: the argument's column (count(*): undefined). */
  addVectors(vb: VectorBatch, vec: ColumnVector | undefined, col: number, sel: Int32Array, gids: Int32Array, count: number): void;
  result(g: number): Value;
}

const SPILL = 2 ** 52;
const TWO32 = 4294967296;
const TWO32N = 4294967296n;
const INT8_MAX = (1n << 63n) - 1n;
const INT8_MIN = -(1n << 63n);

/** Arrow validity of batch row r (valid undefined: no nulls). */
export function isValid(v: ColumnVector, r: number): boolean {
  const valid = v.valid;
  if (valid === undefined) return true;
  const i = v.offset + r;
  return (valid[i >> 3]! & (1 << (i & 7))) !== 0;
}

function grownF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2, 16));
  b.set(a);
  return b;
}

class CountKernel implements Kernel {
  private n = new Float64Array(16);
  constructor(private readonly star: boolean) {}
  grow(n: number): void {
    this.n = grownF64(this.n, n);
  }
  addCell(g: number, c: Cell): void {
    this.addValue(g, c as Value);
  }
  addValue(g: number, v: Value): void {
    if (this.star || v !== null) this.n[g]++;
  }
  addVectors(_vb: VectorBatch, vec: ColumnVector | undefined, _col: number, sel: Int32Array, gids: Int32Array, count: number): void {
    const n = this.n;
    if (vec === undefined || vec.valid === undefined) {
      for (let i = 0; i < count; i++) n[gids[i]!]++;
      return;
    }
    for (let i = 0; i < count; i++) if (isValid(vec, sel[i]!)) n[gids[i]!]++;
  }
  result(g: number): Value {
    return BigInt(this.n[g]!);
  }
}

/** Σ of int2/int4 values (f64 vectors): `small` exact below 2^52, `big` beyond. */
class IntSumKernel implements Kernel {
  private small = new Float64Array(16);
  private n = new Float64Array(16);
  private readonly big: bigint[] = [];
  constructor(private readonly avg: boolean) {}
  grow(n: number): void {
    this.small = grownF64(this.small, n);
    this.n = grownF64(this.n, n);
  }
  private add(g: number, v: number): void {
    this.n[g]++;
    const s = this.small[g]! + v;
    if (s >= SPILL || s <= -SPILL) {
      this.big[g] = (this.big[g] ?? 0n) + BigInt(s);
      this.small[g] = 0;
    } else this.small[g] = s;
  }
  addCell(g: number, c: Cell): void {
    this.addValue(g, c as Value);
  }
  addValue(g: number, v: Value): void {
    if (v !== null) this.add(g, v as number);
  }
  addVectors(_vb: VectorBatch, vec: ColumnVector | undefined, _col: number, sel: Int32Array, gids: Int32Array, count: number): void {
    if (vec === undefined || vec.enc !== 'f64') return; // 'null': no values
    const vals = vec.values;
    const off = vec.offset;
    const nulls = vec.valid !== undefined;
    for (let i = 0; i < count; i++) {
      const r = sel[i]!;
      if (nulls && !isValid(vec, r)) continue;
      this.add(gids[i]!, vals[off + r]!);
    }
  }
  result(g: number): Value {
    const n = this.n[g] ?? 0;
    if (n === 0) return null;
    const t = (this.big[g] ?? 0n) + BigInt(this.small[g]!);
    if (this.avg) return Numeric.fromBigInt(t).div(Numeric.fromBigInt(BigInt(n)));
    if (t > INT8_MAX || t < INT8_MIN) throw new DbError('22003', 'bigint out of range');
    return t;
  }
}

/** Σ of int8 values: low words (unsigned) and high words (signed) summed apart, exact. */
class Int8SumKernel implements Kernel {
  private lo = new Float64Array(16);
  private hi = new Float64Array(16);
  private n = new Float64Array(16);
  private readonly big: bigint[] = [];
  constructor(private readonly avg: boolean) {}
  grow(n: number): void {
    this.lo = grownF64(this.lo, n);
    this.hi = grownF64(this.hi, n);
    this.n = grownF64(this.n, n);
  }
  private spill(g: number): void {
    this.big[g] = (this.big[g] ?? 0n) + BigInt(this.hi[g]!) * TWO32N + BigInt(this.lo[g]!);
    this.lo[g] = 0;
    this.hi[g] = 0;
  }
  addCell(g: number, c: Cell): void {
    this.addValue(g, c as Value);
  }
  addValue(g: number, v: Value): void {
    if (v === null) return;
    this.n[g]++;
    this.big[g] = (this.big[g] ?? 0n) + (typeof v === 'bigint' ? v : BigInt(v as number));
  }
  addVectors(_vb: VectorBatch, vec: ColumnVector | undefined, _col: number, sel: Int32Array, gids: Int32Array, count: number): void {
    if (vec === undefined || vec.enc !== 'i64') return;
    const w = vec.words;
    const off = vec.offset;
    const nulls = vec.valid !== undefined;
    const lo = this.lo, hi = this.hi, n = this.n;
    for (let i = 0; i < count; i++) {
      const r = sel[i]!;
      if (nulls && !isValid(vec, r)) continue;
      const g = gids[i]!;
      const j = (off + r) * 2;
      n[g]++;
      const l = (lo[g] += w[j]! >>> 0);
      const h = (hi[g] += w[j + 1]!);
      // Each add moves a word sum by < 2^32: below 2^52 it is still exact.
      if (l >= SPILL || h >= SPILL || h <= -SPILL) this.spill(g);
    }
  }
  result(g: number): Value {
    const n = this.n[g] ?? 0;
    if (n === 0) return null;
    const t = (this.big[g] ?? 0n) + BigInt(this.hi[g]!) * TWO32N + BigInt(this.lo[g]!);
    const s = Numeric.fromBigInt(t);
    return this.avg ? s.div(Numeric.fromBigInt(BigInt(n))) : s;
  }
}

class FloatSumKernel implements Kernel {
  private s = new Float64Array(16);
  private n = new Float64Array(16);
  constructor(private readonly avg: boolean, private readonly float4: boolean) {}
  grow(n: number): void {
    this.s = grownF64(this.s, n);
    this.n = grownF64(this.n, n);
  }
  addCell(g: number, c: Cell): void {
    this.addValue(g, c as Value);
  }
  addValue(g: number, v: Value): void {
    if (v === null) return;
    this.s[g] += v as number;
    this.n[g]++;
  }
  addVectors(_vb: VectorBatch, vec: ColumnVector | undefined, _col: number, sel: Int32Array, gids: Int32Array, count: number): void {
    if (vec === undefined || vec.enc !== 'f64') return;
    const vals = vec.values;
    const off = vec.offset;
    const nulls = vec.valid !== undefined;
    const s = this.s, n = this.n;
    for (let i = 0; i < count; i++) {
      const r = sel[i]!;
      if (nulls && !isValid(vec, r)) continue;
      const g = gids[i]!;
      s[g] += vals[off + r]!;
      n[g]++;
    }
  }
  result(g: number): Value {
    const n = this.n[g] ?? 0;
    if (n === 0) return null;
    if (this.avg) return this.s[g]! / n;
    return this.float4 ? Math.fround(this.s[g]!) : this.s[g]!;
  }
}

/**
 * Σ of numerics: per group the coefficient sum `big + small` at `scale` (the largest finite
 * input scale so far; -1: none) and `rest`, the Numeric sum of the values kept apart (NaN,
 * ±Infinity, more than 15 digits).
 */
class NumericSumKernel implements Kernel {
  private small = new Float64Array(16);
  private n = new Float64Array(16);
  private scale = new Int32Array(16).fill(-1);
  private readonly big: bigint[] = [];
  private readonly rest: Array<Numeric | undefined> = [];
  constructor(private readonly avg: boolean) {}
  grow(n: number): void {
    this.small = grownF64(this.small, n);
    this.n = grownF64(this.n, n);
    if (n > this.scale.length) {
      const b = new Int32Array(Math.max(n, this.scale.length * 2)).fill(-1);
      b.set(this.scale);
      this.scale = b;
    }
  }
  /** Adds the finite value d × 10^-s (|d| < 2^52); n is counted by the caller. */
  private addScaled(g: number, d: number, s: number): void {
    const sc = this.scale[g]!;
    if (sc === s) {
      const x = this.small[g]! + d;
      if (x >= SPILL || x <= -SPILL) {
        this.big[g] = (this.big[g] ?? 0n) + BigInt(x);
        this.small[g] = 0;
      } else this.small[g] = x;
      return;
    }
    if (sc < 0) {
      this.scale[g] = s;
      this.small[g] = d;
      return;
    }
    if (s < sc) {
      // d × 10^(sc - s) is an exact float while it stays below 2^52.
      const k = sc - s;
      const d2 = k <= 15 ? d * 10 ** k : Infinity;
      if (d2 < SPILL && d2 > -SPILL) this.addScaled(g, d2, sc);
      else this.big[g] = (this.big[g] ?? 0n) + BigInt(d) * 10n ** BigInt(k);
      return;
    }
    // A larger scale: the sum so far moves to it.
    this.big[g] = ((this.big[g] ?? 0n) + BigInt(this.small[g]!)) * 10n ** BigInt(s - sc);
    this.small[g] = 0;
    this.scale[g] = s;
    this.addScaled(g, d, s);
  }
  private addNumeric(g: number, v: Numeric): void {
    if (v.kind === 'finite' && v.coef < 4503599627370496n && v.coef > -4503599627370496n) {
      this.addScaled(g, Number(v.coef), v.scale);
      return;
    }
    const r = this.rest[g];
    this.rest[g] = r === undefined ? v : r.add(v);
  }
  addValue(g: number, v: Value): void {
    if (v === null) return;
    this.n[g]++;
    this.addNumeric(g, v as Numeric);
  }
  addCell(g: number, c: Cell): void {
    if (c === null) return;
    this.n[g]++;
    const t = c as string;
    // The canonical text [-]digits[.digits], as addVectors reads its bytes (no Numeric object).
    let p = 0;
    const neg = t.charCodeAt(0) === 45;
    if (neg) p++;
    let d = 0, digits = 0, dot = -1, plain = p < t.length;
    for (; p < t.length; p++) {
      const ch = t.charCodeAt(p);
      if (ch >= 48 && ch <= 57) {
        d = d * 10 + (ch - 48);
        digits++;
      } else if (ch === 46 && dot < 0) dot = p;
      else {
        plain = false;
        break;
      }
    }
    if (plain && digits > 0 && digits <= 15) this.addScaled(g, neg ? -d : d, dot < 0 ? 0 : t.length - dot - 1);
    else this.addNumeric(g, Numeric.fromString(t));
  }
  addVectors(vb: VectorBatch, vec: ColumnVector | undefined, col: number, sel: Int32Array, gids: Int32Array, count: number): void {
    if (vec === undefined || vec.enc !== 'utf8') return;
    // The batch's values as scaled integers, parsed once per segment batch (vec-numeric.ts).
    const sn = vb.derived(col, SCALED_NUMERICS, scaleNumerics);
    const coef = sn.coef;
    const uniform = sn.scale;
    const scales = sn.scales;
    // Group ids are assigned before the kernels run: the arrays are not regrown in this loop.
    const n = this.n, small = this.small, scale = this.scale;
    for (let i = 0; i < count; i++) {
      // The common rows in a tight loop (sumRun); the row it stops at goes the general way.
      if (uniform >= 0) i = sumRun(coef, uniform, sel, i, count, gids, n, small, scale);
      if (i === count) break;
      const r = sel[i]!;
      const d = coef[r]!;
      if (d !== d) {
        // NaN: a null, or a value kept apart (NaN, ±Infinity, > 15 digits) parsed as before.
        if (!isValid(vec, r)) continue;
        const g = gids[i]!;
        n[g]++;
        this.addNumeric(g, Numeric.fromString(decodeUtf8(vec.bytes, vec.offsets[vec.offset + r]!, vec.offsets[vec.offset + r + 1]!)));
        continue;
      }
      const g = gids[i]!;
      n[g]++;
      const sc = uniform >= 0 ? uniform : scales![r]!;
      // The group's scale and no spill (|sum| < 2^52 stays exact): inline; else addScaled.
      const x = small[g]! + d;
      if (scale[g] === sc && x < SPILL && x > -SPILL) small[g] = x;
      else this.addScaled(g, d, sc);
    }
  }
  result(g: number): Value {
    const n = this.n[g] ?? 0;
    if (n === 0) return null;
    const sc = this.scale[g]!;
    const rest = this.rest[g];
    let t: Numeric;
    if (sc < 0) t = rest!;
    else {
      const own = Numeric.of((this.big[g] ?? 0n) + BigInt(this.small[g]!), sc);
      t = rest === undefined ? own : rest.add(own);
    }
    return this.avg ? t.div(Numeric.fromBigInt(BigInt(n))) : t;
  }
}

/**
 * Adds rows sel[i..count) of coefficients at scale `sc` to their groups while each is plain
 * (not NaN), its group already at scale sc and the sum stays below 2^52 (exact); returns the
 * index of the first row that is not (count: all done) — NumericSumKernel handles that one.
 */
function sumRun(coef: Float64Array, sc: number, sel: Int32Array, i: number, count: number, gids: Int32Array, n: Float64Array, small: Float64Array, scale: Int32Array): number {
  for (; i < count; i++) {
    const d = coef[sel[i]!]!;
    const g = gids[i]!;
    const x = small[g]! + d;
    // NaN d fails both comparisons.
    if (!(scale[g] === sc && x < SPILL && x > -SPILL)) return i;
    small[g] = x;
    n[g]++;
  }
  return count;
}

/** The value of batch row r of `vec` as the row path decodes it (fromCell for `oid`). */
export function vectorValue(vb: VectorBatch, vec: ColumnVector, col: number, r: number, oid: number): Value {
  if (!isValid(vec, r)) return null;
  switch (vec.enc) {
    case 'f64':
      return vec.values[vec.offset + r]!;
    case 'i64':
      return vec.values[vec.offset + r]!;
    case 'utf8': {
      const s = decodeUtf8(vec.bytes, vec.offsets[vec.offset + r]!, vec.offsets[vec.offset + r + 1]!);
      return oid === TypeOid.numeric ? Numeric.fromString(s) : s;
    }
    case 'null':
      return null;
    case 'bool':
    case 'bin':
    case 'packed':
      return vb.cell(col, r) as Value;
    default: {
      const never: never = vec;
      throw new Error(`unknown vector ${String(never)}`);
    }
  }
}

/** Any other aggregate (min/max): agg-steps.ts's step per group, fed decoded values. */
class StepKernel implements Kernel {
  private readonly steps: Step[] = [];
  constructor(private readonly make: (ctx: EvalContext) => Step, private readonly ctx: EvalContext, private readonly oid: number) {}
  grow(n: number): void {
    while (this.steps.length < n) this.steps.push(this.make(this.ctx));
  }
  addValue(g: number, v: Value): void {
    this.steps[g]!.add(v);
  }
  addCell(g: number, c: Cell): void {
    this.steps[g]!.add(c !== null && this.oid === TypeOid.numeric ? Numeric.fromString(c as string) : (c as Value));
  }
  addVectors(vb: VectorBatch, vec: ColumnVector | undefined, col: number, sel: Int32Array, gids: Int32Array, count: number): void {
    for (let i = 0; i < count; i++) this.steps[gids[i]!]!.add(vec === undefined ? null : vectorValue(vb, vec, col, sel[i]!, this.oid));
  }
  result(g: number): Value {
    return this.steps[g]!.result();
  }
}

/** Which kernel serves `call`; undefined when the call is not one the vector path takes. */
export function kernelFactory(call: StepCall): ((ctx: EvalContext) => Kernel) | undefined {
  const O = TypeOid;
  const t = call.argType;
  if (t === undefined) return call.name === 'count' ? () => new CountKernel(true) : undefined;
  const o = t.oid;
  const avg = call.name === 'avg';
  switch (call.name) {
    case 'count':
      return () => new CountKernel(false);
    case 'sum':
    case 'avg':
      if (o === O.int2 || o === O.int4) return () => new IntSumKernel(avg);
      if (o === O.int8) return () => new Int8SumKernel(avg);
      if (o === O.float4 || o === O.float8) return () => new FloatSumKernel(avg, o === O.float4 && !avg);
      if (o === O.numeric) return () => new NumericSumKernel(avg);
      return undefined;
    case 'min':
    case 'max': {
      const step = stepFactory(call);
      return (ctx) => new StepKernel(step, ctx, o);
    }
    default:
      return undefined;
  }
}
