// The hash aggregate's fast path, chosen once per plan (AggNode's constructor): no grouping
// sets and only plain aggregate calls (no DISTINCT, FILTER or ORDER BY inside the call) with at
// most one argument. Per row it evaluates the group key and each aggregate's argument straight
// into the group's steps (agg-steps.ts) — no grouping-key array, no argument array, no `rowKey`
// string for a single key — and pulls its input without the `iter` wrapper. Everything else
// runs on the general path in agg.ts.
//
// Grouping by one expression: a small non-negative integer key indexes an array of groups;
// any other value is looked up by itself, in one Map for
// numbers, strings and booleans (JS Map equality, SameValueZero, puts 0 with -0 and NaN with NaN,
// as `valueKey` does) and a second Map keyed by `valueKey` for every other value; NULL is its
// own group. A bigint within ±(2^53-1) is looked up as the equal number and an integer number
// beyond that range by `valueKey`, so a number and a bigint of one value meet in one group as
// they do under `rowKey`. Several keys: `rowKey` over a reused scratch array.
// Groups are emitted in the order they were first seen, as the general path's Map does.
//
// SUSPEND (suspend.ts) is forwarded unchanged from every pull, and the input is closed when
// this generator closes (LIMIT above, an error), as `iter` does.

import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import type { Compiled } from '../eval/compile.js';
import { stepFactory, type Step, type StepCall } from './agg-steps.js';
import { CANCEL_CHECK_ROWS, checkCancel, ROWS_IN_MEMORY_MAX, rowKey, tooMany, valueKey, type RelNode, type Row } from './ops.js';
import { SUSPEND } from './suspend.js';

/** The fields of an AggSpec (agg.ts) the fast path reads. */
export interface FastAggCall extends Omit<StepCall, 'argType'> {
  args: Compiled[];
  distinct: boolean;
  filter: Compiled | undefined;
  order?: unknown;
  shownArgs?: readonly BoundExpr[];
}

interface FastGroup {
  keys: Value[];
  steps: Step[];
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
/**
 * Integer keys in [0, DENSE_KEYS_MAX) index an array (grown by doubling) rather than the Map:
 * about 20 ms less per million rows (in-process, 1 000 groups); -0 lands on 0 as in the Map.
 */
const DENSE_KEYS_MAX = 1 << 16;
const DENSE_KEYS_MAX_BIG = BigInt(DENSE_KEYS_MAX);

/** `a` copied into an array of twice its length (at least 64) that has index `v`. */
function grown<T>(a: Array<T | undefined>, v: number): Array<T | undefined> {
  let n = Math.max(64, a.length);
  while (n <= v) n *= 2;
  const b = new Array<T | undefined>(n);
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return b;
}

/** `v`'s key in the value-keyed Map, or undefined when it is looked up by `valueKey` (header). */
function valueMapKey(v: Value): number | string | boolean | undefined {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && !Number.isSafeInteger(v) ? undefined : v;
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return v >= -MAX_SAFE_BIG && v <= MAX_SAFE_BIG ? Number(v) : undefined;
    default:
      return undefined;
  }
}

/**
 * The fast aggregate over `input`, or undefined when the plan needs the general path. The
 * result opens like AggNode: rows [group values..., aggregate results...].
 */
export function fastAggregate(input: RelNode, groups: readonly Compiled[], aggs: readonly FastAggCall[], grouped: boolean): ((ctx: EvalContext) => Generator<Row>) | undefined {
  const calls: StepCall[] = [];
  for (const a of aggs) {
    if (a.distinct || a.filter || a.order || a.args.length > 1) return undefined;
    const argType = a.args.length === 1 ? a.shownArgs?.[0]?.type : undefined;
    if (a.args.length === 1 && argType === undefined) return undefined;
    calls.push({ name: a.name, argType, make: a.make });
  }
  const factories = calls.map(stepFactory);
  const argFns: Array<Compiled | undefined> = aggs.map((a) => a.args[0]);
  const nAggs = aggs.length;
  const nKeys = groups.length;
  const key0 = groups[0];

  const newGroup = (keys: Value[], ctx: EvalContext): FastGroup => ({ keys, steps: factories.map((f) => f(ctx)) });
  const output = (g: FastGroup): Row => {
    const out = new Array<Value>(nKeys + nAggs);
    for (let i = 0; i < nKeys; i++) out[i] = g.keys[i]!;
    for (let i = 0; i < nAggs; i++) out[nKeys + i] = g.steps[i]!.result();
    return out;
  };

  return function* open(ctx: EvalContext): Generator<Row> {
    const order: FastGroup[] = [];
    const byValue = new Map<number | string | boolean, FastGroup>();
    const byKey = new Map<string, FastGroup>();
    let nullGroup: FastGroup | undefined;
    let dense: Array<FastGroup | undefined> = [];
    const scratch = new Array<Value>(nKeys);
    const add = (keys: Value[]): FastGroup => {
      if (order.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
      const g = newGroup(keys, ctx);
      order.push(g);
      return g;
    };
    const it = input.open(ctx);
    try {
      let n = 0;
      for (let r = it.next(); !r.done; r = it.next()) {
        const row = r.value;
        if (row === SUSPEND) {
          yield row;
          continue;
        }
        if (++n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
        let g: FastGroup | undefined;
        if (nKeys === 0) {
          g = order[0] ?? add([]);
        } else if (nKeys === 1) {
          const v = key0!(row, ctx);
          // The common case (ids, codes): a small non-negative integer indexes an array — as a
          // number or as a bigint (int8), which meet in one group as under rowKey.
          const d = typeof v === 'number' ? v : typeof v === 'bigint' && v >= 0n && v < DENSE_KEYS_MAX_BIG ? Number(v) : -1;
          if (d >= 0 && d < DENSE_KEYS_MAX && (d | 0) === d) {
            if (d >= dense.length) dense = grown(dense, d);
            g = dense[d];
            if (g === undefined) dense[d] = g = add([v]);
          } else if (v === null) g = nullGroup ??= add([null]);
          else {
            const mk = valueMapKey(v);
            if (mk !== undefined) {
              g = byValue.get(mk);
              if (g === undefined) byValue.set(mk, (g = add([v])));
            } else {
              const k = valueKey(v);
              g = byKey.get(k);
              if (g === undefined) byKey.set(k, (g = add([v])));
            }
          }
        } else {
          for (let i = 0; i < nKeys; i++) scratch[i] = groups[i]!(row, ctx);
          const k = rowKey(scratch);
          g = byKey.get(k);
          if (g === undefined) byKey.set(k, (g = add(scratch.slice())));
        }
        const steps = g.steps;
        for (let i = 0; i < nAggs; i++) {
          const f = argFns[i];
          steps[i]!.add(f === undefined ? null : f(row, ctx));
        }
      }
    } finally {
      it.return?.();
    }
    if (order.length === 0 && !grouped) order.push(newGroup([], ctx));
    for (const g of order) yield output(g);
  };
}
