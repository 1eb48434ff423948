// Aggregate functions (PostgreSQL's pg_aggregate set that the conformance files use) and the
// hash aggregate operator. Each aggregate is an accumulator factory; DISTINCT and FILTER are
// applied around it, as nodeAgg.c does.
//
// Result types follow PostgreSQL: count → int8; sum(int2|int4) → int8, sum(int8|numeric) →
// numeric, sum(float4) → float4, sum(float8) → float8; avg(integer|numeric) → numeric,
// avg(float) → float8; min/max → the argument type; bool_and/bool_or/every → bool;
// string_agg → text; variance/stddev over float → float8 (numeric inputs: 0A000 for now).

import { DbError, Numeric, TypeOid } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { T, t, typeName, type SqlType } from '../bind/types.js';
import type { Compiled } from '../eval/compile.js';
import type { BoundExpr } from '../bind/expr.js';
import type { NodeReport } from '../exec/explain-node.js';
import type { SlotNames } from '../exec/explain-deparse.js';
import { aggOutputSlots, aggReport, type AggShown } from '../exec/explain-rel.js';
import { SUSPEND } from './suspend.js';
import { fastAggregate } from './agg-fast.js';
import { vectorAggregate, type VecAgg } from './vec-agg.js';
import { comparatorFor } from '../eval/compare.js';
import { arrayAggregate } from '../eval/array-agg.js';
import { jsonbAggregate } from '../funcs/json.js';
import { checkCancel, CANCEL_CHECK_ROWS, compareRows, iter, type SortKey, ROWS_IN_MEMORY_MAX, rowKey, tooMany, valueKey, type RelNode, type Row } from './ops.js';

export const AGGREGATE_NAMES = new Set(['count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'string_agg',
  'stddev', 'variance', 'stddev_pop', 'stddev_samp', 'var_pop', 'var_samp', 'array_agg', 'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg',
  'bit_and', 'bit_or', 'bit_xor', 'covar_pop', 'covar_samp', 'corr']);

interface Accum {
  add(args: Value[]): void;
  result(): Value;
}

export interface AggSpec {
  name: string;
  args: Compiled[];
  distinct: boolean;
  filter: Compiled | undefined;
  type: SqlType;
  /** A fresh accumulator; `ctx` carries the statement's settings (json aggregates format with them). */
  make: (ctx: EvalContext) => Accum;
  /** ORDER BY inside the call: inputs are sorted before they reach the accumulator. */
  order?: { exprs: Compiled[]; keys: SortKey[] };
  /** The bound arguments (none: `count(*)`): EXPLAIN shows them; the fast path (agg-fast.ts) reads their types. */
  shownArgs?: BoundExpr[];
}

const O = TypeOid;
const INT_OIDS = new Set<number>([O.int2, O.int4, O.int8]);

function overflowInt8(): DbError {
  return new DbError('22003', 'bigint out of range');
}

/** The result type and accumulator of aggregate `name` over argument types `argTypes`. */
export function resolveAggregate(name: string, argTypes: SqlType[], star: boolean): { type: SqlType; make: (ctx: EvalContext) => Accum } {
  const a0 = argTypes[0];
  const bad = (): DbError =>
    new DbError('42883', `function ${name}(${argTypes.map((x) => typeName(x)).join(', ')}) does not exist`, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  switch (name) {
    case 'count':
      if (star || argTypes.length === 0) return { type: T.int8, make: () => { let n = 0n; return { add: () => { n++; }, result: () => n }; } };
      return { type: T.int8, make: () => { let n = 0n; return { add: (a) => { if (a[0] !== null) n++; }, result: () => n }; } };
    case 'sum': {
      if (!a0 || argTypes.length !== 1) throw bad();
      const o = a0.oid;
      if (o === O.int2 || o === O.int4) {
        return { type: T.int8, make: () => { let s: bigint | null = null; return { add: (a) => { if (a[0] !== null) s = (s ?? 0n) + BigInt(a[0] as number); }, result: () => { if (s !== null && (s >= 1n << 63n || s < -(1n << 63n))) throw overflowInt8(); return s; } }; } };
      }
      if (o === O.int8) return { type: T.numeric, make: () => { let s: bigint | null = null; return { add: (a) => { if (a[0] !== null) s = (s ?? 0n) + (a[0] as bigint); }, result: () => (s === null ? null : Numeric.fromBigInt(s)) }; } };
      if (o === O.numeric) return { type: T.numeric, make: numericSum };
      if (o === O.float4 || o === O.float8) return { type: t(o), make: () => { let s: number | null = null; return { add: (a) => { if (a[0] !== null) s = (s ?? 0) + (a[0] as number); }, result: () => (o === O.float4 && s !== null ? Math.fround(s) : s) }; } };
      throw bad();
    }
    case 'avg': {
      if (!a0 || argTypes.length !== 1) throw bad();
      const o = a0.oid;
      if (INT_OIDS.has(o)) {
        return { type: T.numeric, make: () => { let s = 0n, n = 0n; return { add: (a) => { if (a[0] !== null) { s += BigInt(a[0] as number | bigint); n++; } }, result: () => (n === 0n ? null : Numeric.fromBigInt(s).div(Numeric.fromBigInt(n))) }; } };
      }
      if (o === O.numeric) {
        return { type: T.numeric, make: () => { const sum = numericSum(); let n = 0n; return { add: (a) => { if (a[0] !== null) { sum.add(a); n++; } }, result: () => (n === 0n ? null : (sum.result() as Numeric).div(Numeric.fromBigInt(n))) }; } };
      }
      if (o === O.float4 || o === O.float8) {
        return { type: T.float8, make: () => { let s = 0, n = 0; return { add: (a) => { if (a[0] !== null) { s += a[0] as number; n++; } }, result: () => (n === 0 ? null : s / n) }; } };
      }
      throw bad();
    }
    case 'min':
    case 'max': {
      if (!a0 || argTypes.length !== 1) throw bad();
      const cmp = comparatorFor(a0.oid);
      if (!cmp) throw bad();
      const sign = name === 'min' ? -1 : 1;
      return { type: a0, make: () => { let best: Value = null; return { add: (a) => { const v = a[0]; if (v !== null && (best === null || cmp(v, best) * sign > 0)) best = v; }, result: () => best }; } };
    }
    case 'bool_and':
    case 'every':
    case 'bool_or': {
      if (!a0 || a0.oid !== O.bool) throw bad();
      const and = name !== 'bool_or';
      return { type: T.bool, make: () => { let r: boolean | null = null; return { add: (a) => { const v = a[0]; if (v !== null) r = r === null ? (v as boolean) : and ? r && (v as boolean) : r || (v as boolean); }, result: () => r }; } };
    }
    case 'bit_and':
    case 'bit_or':
    case 'bit_xor': {
      if (!a0 || argTypes.length !== 1 || !INT_OIDS.has(a0.oid)) throw bad();
      const big = a0.oid === O.int8;
      const f = name === 'bit_and' ? (x: bigint, y: bigint) => x & y : name === 'bit_or' ? (x: bigint, y: bigint) => x | y : (x: bigint, y: bigint) => x ^ y;
      return { type: a0, make: () => {
        let r: bigint | null = null;
        return {
          add: (a) => { if (a[0] !== null) { const v = BigInt(a[0] as number | bigint); r = r === null ? v : f(r, v); } },
          result: () => (r === null ? null : big ? BigInt.asIntN(64, r) : Number(BigInt.asIntN(a0.oid === O.int2 ? 16 : 32, r))),
        };
      } };
    }
    case 'string_agg': {
      if (argTypes.length !== 2) throw bad();
      const isText = (x: SqlType): boolean => x.oid === O.text || x.oid === O.varchar || x.oid === O.bpchar || x.oid === O.name;
      if (!isText(argTypes[0]!) || !isText(argTypes[1]!)) throw bad();
      return { type: T.text, make: () => { let s: string | null = null; return { add: (a) => { if (a[0] === null) return; s = s === null ? (a[0] as string) : s + (a[1] === null ? '' : (a[1] as string)) + (a[0] as string); }, result: () => s }; } };
    }
    case 'stddev': case 'stddev_samp': case 'stddev_pop': case 'variance': case 'var_samp': case 'var_pop': {
      if (!a0 || argTypes.length !== 1) throw bad();
      const pop = name.endsWith('_pop');
      const sqrt = name.startsWith('stddev');
      if (INT_OIDS.has(a0.oid) || a0.oid === O.numeric) return { type: T.numeric, make: () => numericVariance(a0.oid === O.numeric, pop, sqrt) };
      if (a0.oid !== O.float4 && a0.oid !== O.float8) throw bad();
      return { type: T.float8, make: () => {
        // PostgreSQL's float8_accum (Youngs-Cramer): N, Sx, Sxx.
        let n = 0, sx = 0, sxx = 0;
        return {
          add: (a) => { if (a[0] === null) return; const x = a[0] as number; n++; sx += x; if (n > 1) { const tmp = x * n - sx; sxx += (tmp * tmp) / (n * (n - 1)); } else sxx = 0 * x; },
          result: () => { if (n === 0 || (!pop && n === 1)) return null; const v = sxx / (pop ? n : n - 1); return sqrt ? Math.sqrt(v) : v; },
        };
      } };
    }
    case 'jsonb_agg':
      if (!a0 || argTypes.length !== 1) throw bad();
      return { type: T.jsonb, make: jsonbAggregate('jsonb_agg', argTypes.map((x) => x.oid)) };
    case 'jsonb_object_agg':
      if (argTypes.length !== 2) throw bad();
      return { type: T.jsonb, make: jsonbAggregate('jsonb_object_agg', argTypes.map((x) => x.oid)) };
    case 'array_agg':
      if (!a0 || argTypes.length !== 1) throw bad();
      return arrayAggregate(a0, ROWS_IN_MEMORY_MAX);
    case 'covar_pop': case 'covar_samp': case 'corr': {
      // (float8, float8) only: integer and numeric arguments are cast implicitly.
      const toFloat = (x: SqlType): ((v: Value) => number) | undefined =>
        INT_OIDS.has(x.oid) || x.oid === O.float4 || x.oid === O.float8 ? (v) => Number(v) : x.oid === O.numeric ? (v) => (v as Numeric).toNumber() : undefined;
      const fx = argTypes.length === 2 ? toFloat(argTypes[0]!) : undefined;
      const fy = argTypes.length === 2 ? toFloat(argTypes[1]!) : undefined;
      if (!fx || !fy) throw bad();
      return { type: T.float8, make: () => regrAccum(name, fx, fy) };
    }
    default:
      throw new DbError('0A000', `aggregate function ${name}() is not supported yet`);
  }
}

/** PostgreSQL's numeric_stddev_internal over exact sums N, Σx, Σx². */
function numericVariance(isNumeric: boolean, pop: boolean, sqrt: boolean): Accum {
  let n = 0n;
  let sx = Numeric.ZERO, sxx = Numeric.ZERO;
  return {
    add: (a) => {
      const v = a[0];
      if (v === null) return;
      const x = isNumeric ? (v as Numeric) : Numeric.fromBigInt(BigInt(v as number | bigint));
      n++;
      sx = sx.add(x);
      sxx = sxx.add(x.mul(x));
    },
    result: () => {
      if (n === 0n || (!pop && n === 1n)) return null;
      if (sx.isNaN() || sxx.isNaN()) return Numeric.NaN;
      const N = Numeric.fromBigInt(n);
      const num = N.mul(sxx).sub(sx.mul(sx));
      if (num.sign() <= 0) return Numeric.ZERO;
      const den = pop ? N.mul(N) : N.mul(Numeric.fromBigInt(n - 1n));
      const v = num.div(den);
      return sqrt ? sqrtAtScale(v) : v;
    },
  };
}

/** sqrt_var at the variance's own scale (numeric_stddev_internal), rounded half away from zero. */
function sqrtAtScale(v: Numeric): Numeric {
  const r = v.scale;
  const n = v.coef * 10n ** BigInt(r + 2); // v × 10^(2(r+1)) as an integer
  let x = n, y = (x + 1n) / 2n; // Newton's integer square root: floor(sqrt(n))
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return Numeric.of((x + 5n) / 10n, r);
}

/**
 * float8_regr_accum (Youngs-Cramer sums N, Sx, Sy, Sxx, Syy, Sxy) with covar_pop, covar_samp
 * and corr as their final functions; rows with a NULL argument are skipped (strict).
 */
function regrAccum(name: string, fx: (v: Value) => number, fy: (v: Value) => number): Accum {
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  return {
    add: (a) => {
      if (a[0] === null || a[1] === null) return;
      const x = fx(a[0]), y = fy(a[1]);
      const n0 = n;
      n += 1;
      const sx0 = sx, sy0 = sy;
      sx += x;
      sy += y;
      if (n0 > 0) {
        const tx = x * n - sx, ty = y * n - sy, scale = 1 / (n * n0);
        sxx += tx * tx * scale;
        syy += ty * ty * scale;
        sxy += tx * ty * scale;
        const inf = (v: number): boolean => v === Infinity || v === -Infinity;
        if (inf(sx) || inf(sxx) || inf(sy) || inf(syy) || inf(sxy)) {
          if (((inf(sx) || inf(sxx)) && !inf(sx0) && !inf(x)) || ((inf(sy) || inf(syy)) && !inf(sy0) && !inf(y)) || (inf(sxy) && !inf(sx0) && !inf(x) && !inf(sy0) && !inf(y))) {
            throw new DbError('22003', 'value out of range: overflow');
          }
          if (inf(sxx)) sxx = NaN;
          if (inf(syy)) syy = NaN;
          if (inf(sxy)) sxy = NaN;
        }
      } else {
        if (!Number.isFinite(x)) sxx = sxy = NaN;
        if (!Number.isFinite(y)) syy = sxy = NaN;
      }
    },
    result: () => {
      if (name === 'covar_pop') return n < 1 ? null : sxy / n;
      if (name === 'covar_samp') return n < 2 ? null : sxy / (n - 1);
      if (n < 1 || sxx === 0 || syy === 0) return null;
      return sxy / Math.sqrt(sxx * syy);
    },
  };
}

function numericSum(): Accum {
  let s: Numeric | null = null;
  return { add: (a) => { if (a[0] !== null) s = s === null ? (a[0] as Numeric) : s.add(a[0] as Numeric); }, result: () => s };
}

/**
 * Hash aggregate: groups input rows by `groups` and emits one row per group laid out as
 * [group values..., aggregate results...]. With no GROUP BY it emits exactly one row (even for
 * empty input), as PostgreSQL's plain aggregation does.
 */
type Group = { keys: Value[]; accs: Accum[]; seen: Array<Set<string> | undefined>; ordered: Array<Array<{ args: Value[]; k: Value[] }> | undefined> };

export class AggNode implements RelNode {
  /** `sets`: grouping sets as indexes into `groups` (grouping.ts); they add a last slot, the set's index. */
  /** The specialised per-row path (agg-fast.ts), chosen once per plan; undefined: the general path below. */
  private readonly fast: ((ctx: EvalContext) => Generator<Row>) | undefined;
  /** The vectorised path over one native scan (vec-agg.ts), tried first at each execution. */
  readonly vector: VecAgg | undefined;

  constructor(readonly input: RelNode, readonly groups: Compiled[], readonly aggs: AggSpec[], readonly grouped: boolean, readonly shown?: AggShown, readonly sets?: readonly (readonly number[])[]) {
    this.fast = sets ? undefined : fastAggregate(input, groups, aggs, grouped);
    this.vector = sets ? undefined : vectorAggregate(input, groups, aggs, grouped, shown);
  }

  get width(): number {
    return this.groups.length + this.aggs.length + (this.sets ? 1 : 0);
  }

  /** Whether this plan runs the specialised per-row path (agg-fast.ts); for tests. */
  get fastPath(): boolean {
    return this.fast !== undefined;
  }

  *open(ctx: EvalContext): Generator<Row> {
    const vec = this.vector?.open(ctx);
    if (vec) {
      yield* vec;
      return;
    }
    if (this.fast) {
      yield* this.fast(ctx);
      return;
    }
    if (this.sets) {
      yield* this.openSets(ctx, this.sets);
      return;
    }
    const table = new Map<string, Group>();
    let n = 0;
    for (const row of iter(this.input.open(ctx))) {
      if (row === SUSPEND) {
        yield row;
        continue;
      }
      if (++n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
      const keys = this.groups.map((g) => g(row, ctx));
      const k = rowKey(keys);
      let g = table.get(k);
      if (!g) {
        if (table.size >= ROWS_IN_MEMORY_MAX) throw tooMany();
        g = this.newGroup(keys, ctx);
        table.set(k, g);
      }
      this.feed(g, row, ctx);
    }
    if (table.size === 0 && !this.grouped) table.set('', this.newGroup([], ctx));
    for (const g of table.values()) yield this.finish(g);
  }

  /**
   * Grouping sets (grouping.ts): one hash table per set, keyed by the set's items; the other
   * group slots are NULL; the set's index goes into the last slot (GROUPING() reads it). An
   * empty set yields its one row even for empty input, as PostgreSQL does.
   */
  private *openSets(ctx: EvalContext, sets: readonly (readonly number[])[]): Generator<Row> {
    const tables = sets.map(() => new Map<string, Group>());
    let total = 0;
    let n = 0;
    for (const row of iter(this.input.open(ctx))) {
      if (row === SUSPEND) {
        yield row;
        continue;
      }
      if (++n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
      const all = this.groups.map((g) => g(row, ctx));
      sets.forEach((set, si) => {
        const keys = all.map((v, i) => (set.includes(i) ? v : null));
        const k = rowKey(set.map((i) => all[i]));
        const table = tables[si]!;
        let g = table.get(k);
        if (!g) {
          if (++total > ROWS_IN_MEMORY_MAX) throw tooMany();
          g = this.newGroup(keys, ctx);
          table.set(k, g);
        }
        this.feed(g, row, ctx);
      });
    }
    for (let si = 0; si < sets.length; si++) {
      const table = tables[si]!;
      if (table.size === 0 && sets[si]!.length === 0) table.set('', this.newGroup(this.groups.map(() => null), ctx));
      for (const g of table.values()) yield [...this.finish(g), si];
    }
  }

  private newGroup(keys: Value[], ctx: EvalContext): Group {
    return { keys, accs: this.aggs.map((a) => a.make(ctx)), seen: this.aggs.map((a) => (a.distinct ? new Set<string>() : undefined)), ordered: [] };
  }

  private feed(g: Group, row: Row, ctx: EvalContext): void {
    for (let i = 0; i < this.aggs.length; i++) {
      const a = this.aggs[i]!;
      if (a.filter && a.filter(row, ctx) !== true) continue;
      const args = a.args.map((f) => f(row, ctx));
      if (a.order) {
        const buf = (g.ordered[i] ??= []);
        if (buf.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
        buf.push({ args, k: a.order.exprs.map((f) => f(row, ctx)) });
        continue;
      }
      const seen = g.seen[i];
      if (seen) {
        if (args.some((v) => v === null) && a.name !== 'count') continue;
        const dk = args.map(valueKey).join('\u0000');
        if (seen.has(dk)) continue;
        if (seen.size >= ROWS_IN_MEMORY_MAX) throw tooMany();
        seen.add(dk);
      }
      g.accs[i]!.add(args);
    }
  }

  private finish(g: Group): Row {
    // Ordered aggregates get their inputs now, sorted (stable), DISTINCT applied after sorting.
    this.aggs.forEach((a, i) => {
      const buf = g.ordered[i];
      if (!a.order || !buf) return;
      buf.sort((x, y) => compareRows(a.order!.keys, x.k, y.k));
      const seen = g.seen[i];
      for (const it of buf) {
        if (seen) {
          if (it.args.some((v) => v === null) && a.name !== 'count') continue;
          const dk = it.args.map(valueKey).join('\u0000');
          if (seen.has(dk)) continue;
          seen.add(dk);
        }
        g.accs[i]!.add(it.args);
      }
    });
    return [...g.keys, ...g.accs.map((a) => a.result())];
  }

  streamInputs(): readonly RelNode[] {
    return [this.input];
  }

  describe(i = ''): string {
    return `${i}HashAggregate\n${this.input.describe(i + '  ')}`;
  }

  explain(): NodeReport {
    return aggReport(this);
  }

  /** Names of the output slots (group keys, aggregates) for EXPLAIN lines above this node. */
  outputSlots(): SlotNames {
    return aggOutputSlots(this);
  }
}
