// The hash aggregate's fast path (planner/rel/agg-fast.ts, agg-steps.ts) against the general
// path of agg.ts: the same accumulator results for random inputs (including NULLs, numeric
// NaN/±Infinity and mixed scales, float specials), int4 sums past 2^52 and the int8 range, group
// keys that `rowKey` equates (5 and 5n, -0 and 0, NaN, integers beyond 2^53) or keeps apart,
// first-seen group order, and the SUSPEND protocol (forwarded, the input closed).
// The recorded PostgreSQL 15 answers through the real engine are agg-recorded.test.ts.
import { describe, expect, it } from 'vitest';
import { DbError, Numeric } from '../../../catalog/index.js';
import type { BoundExpr, EvalContext, Value } from '../../../planner/bind/expr.js';
import { T, type SqlType } from '../../../planner/bind/types.js';
import { AggNode, resolveAggregate, type AggSpec } from '../../../planner/rel/agg.js';
import { stepFactory } from '../../../planner/rel/agg-steps.js';
import { RowsNode, type RelNode, type Row } from '../../../planner/rel/ops.js';
import { drainRows, Suspension } from '../../../planner/rel/suspend.js';
import { rng } from '../../seeded-rng.js';
import { ChunkedLeaf } from './chunked-leaf.js';

const ctx = { cancel: { reason: undefined } } as unknown as EvalContext;

const show = (v: Value): string => (v === null ? 'NULL' : v instanceof Numeric ? `N${v.toString()}` : typeof v === 'number' && Object.is(v, -0) ? '-0' : `${typeof v}:${String(v)}`);

function randomValue(type: SqlType, r: () => number): Value {
  if (r() < 0.1) return null;
  const pick = r();
  switch (type) {
    case T.int2: return Math.floor(r() * 65536) - 32768;
    case T.int4: return pick < 0.3 ? (r() < 0.5 ? 2147483647 : -2147483648) : Math.floor(r() * 4294967296) - 2147483648;
    case T.int8: return pick < 0.3 ? (r() < 0.5 ? 9223372036854775807n : -9223372036854775807n) : BigInt(Math.floor(r() * 2 ** 53)) - 2n ** 52n;
    case T.numeric:
      if (pick < 0.05) return Numeric.NaN;
      if (pick < 0.1) return r() < 0.5 ? Numeric.POS_INF : Numeric.NEG_INF;
      return Numeric.of(BigInt(Math.floor(r() * 2e9) - 1e9), pick < 0.7 ? 2 : Math.floor(r() * 5));
    case T.float4: return pick < 0.05 ? NaN : pick < 0.1 ? -0 : Math.fround(r() * 1000 - 500);
    case T.float8: return pick < 0.03 ? NaN : pick < 0.06 ? Infinity : pick < 0.1 ? -0 : r() * 1e6 - 5e5;
    default: throw new Error('no generator');
  }
}

describe('fast aggregate steps equal the agg.ts accumulators', () => {
  const types: SqlType[] = [T.int2, T.int4, T.int8, T.numeric, T.float4, T.float8];
  for (const name of ['count', 'sum', 'avg', 'min', 'max']) {
    for (const type of types) {
      it(`${name}(${type.oid}) over random inputs`, () => {
        const r = rng(name.length * 1000 + type.oid);
        const { make } = resolveAggregate(name, [type], false);
        const step = stepFactory({ name, argType: type, make });
        for (let trial = 0; trial < 60; trial++) {
          const n = trial === 0 ? 0 : Math.floor(r() * (trial < 30 ? 6 : 300));
          const values = Array.from({ length: n }, () => randomValue(type, r));
          const acc = make(ctx);
          const s = step(ctx);
          let want: string, got: string;
          try {
            for (const v of values) acc.add([v]);
            want = show(acc.result());
          } catch (e) {
            want = `ERROR ${(e as DbError).code}`;
          }
          try {
            for (const v of values) s.add(v);
            got = show(s.result());
          } catch (e) {
            got = `ERROR ${(e as DbError).code}`;
          }
          expect(got, values.map(show).join(',')).toBe(want);
        }
      });
    }
  }

  it('count(*) counts NULL rows too', () => {
    const { make } = resolveAggregate('count', [], true);
    const s = stepFactory({ name: 'count', argType: undefined, make })(ctx);
    s.add(null);
    s.add(1);
    expect(s.result()).toBe(2n);
  });

  it('sum(int4) stays exact past 2^52 and checks the int8 range at the end', () => {
    const { make } = resolveAggregate('sum', [T.int4], false);
    const f = stepFactory({ name: 'sum', argType: T.int4, make });
    const s = f(ctx);
    const n = 3_000_000; // 3e6 × (2^31 - 1) ≈ 6.4e15 > 2^52: crosses the spill into the bigint
    for (let i = 0; i < n; i++) s.add(2147483647);
    expect(s.result()).toBe(BigInt(n) * 2147483647n);
    const neg = f(ctx);
    for (let i = 0; i < n; i++) neg.add(-2147483648);
    neg.add(5);
    expect(neg.result()).toBe(BigInt(n) * -2147483648n + 5n);
    // Past the int8 range (2^32 rows of int4 max in practice): state set directly.
    const over = f(ctx) as unknown as { s: { big: bigint; n: number }; result(): Value };
    over.s.big = 1n << 63n;
    over.s.n = 1;
    expect(() => over.result()).toThrow(expect.objectContaining({ code: '22003', message: 'bigint out of range' }) as unknown as Error);
    over.s.big = (1n << 63n) - 1n;
    expect(over.result()).toBe((1n << 63n) - 1n);
  });
});

const col = (i: number) => (row: readonly Value[]): Value => row[i]!;
const bound = (type: SqlType): BoundExpr => ({ kind: 'column', index: 0, type, name: 'x', location: -1 }) as BoundExpr;

function spec(name: string, argType: SqlType | undefined, arg: number, general = false): AggSpec {
  const r = resolveAggregate(name, argType ? [argType] : [], argType === undefined);
  return {
    name, args: argType ? [col(arg)] : [], distinct: false,
    // FILTER (WHERE true) sends the node down the general path: the same result by definition.
    filter: general ? () => true : undefined,
    type: r.type, make: r.make, shownArgs: argType ? [bound(argType)] : [],
  };
}

function both(input: RelNode, groups: number[], aggs: Array<[string, SqlType | undefined, number]>, grouped = true): { fast: Row[]; general: Row[] } {
  const g = groups.map(col);
  const fast = new AggNode(input, g, aggs.map(([n, t, a]) => spec(n, t, a)), grouped);
  const general = new AggNode(input, g, aggs.map(([n, t, a]) => spec(n, t, a, true)), grouped);
  expect(fast.fastPath).toBe(true);
  expect(general.fastPath).toBe(false);
  return { fast: [...fast.open(ctx)], general: [...general.open(ctx)] };
}

describe('fast aggregate grouping equals the general path', () => {
  it('one key: rowKey equality (5 = 5n, -0 = 0, NaN = NaN, 2^60 = 2^60n), NULL group, first-seen order', () => {
    const keys: Value[] = [5, 'x', null, 5n, -0, 0, NaN, NaN, 2 ** 60, 2n ** 60n, 2 ** 53, 2n ** 53n + 1n, 'x', true, false, true, 1e21, 10n ** 21n, 0.5, 's5', Numeric.of(15n, 1), Numeric.of(150n, 2), null, 1000, 63, 64, 65535, 65536, 1000n, 65536n, -1, -1n, 3.5, 1000];
    const rows = keys.map((k, i) => [k, i] as Value[]);
    const { fast, general } = both(new RowsNode(2, () => rows), [0], [['count', undefined, 0], ['sum', T.int4, 1], ['max', T.int4, 1]]);
    expect(fast.map((r) => r.map(show))).toEqual(general.map((r) => r.map(show)));
    expect(fast.length).toBeLessThan(keys.length);
  });

  it('several keys, no keys, empty input with and without GROUP BY', () => {
    const r = rng(7);
    const rows = Array.from({ length: 2000 }, () => [Math.floor(r() * 5), r() < 0.2 ? null : Math.floor(r() * 3), Numeric.of(BigInt(Math.floor(r() * 1e6)), 2)] as Value[]);
    const aggs: Array<[string, SqlType | undefined, number]> = [['count', undefined, 0], ['sum', T.numeric, 2], ['avg', T.numeric, 2], ['min', T.int4, 1]];
    for (const groups of [[0, 1], [1], []]) {
      const { fast, general } = both(new RowsNode(3, () => rows), groups, aggs);
      expect(fast.map((x) => x.map(show))).toEqual(general.map((x) => x.map(show)));
    }
    const empty = new RowsNode(3, () => []);
    const plain = both(empty, [], aggs, false);
    expect(plain.fast.map((x) => x.map(show))).toEqual([['bigint:0', 'NULL', 'NULL', 'NULL']]);
    expect(plain.general.map((x) => x.map(show))).toEqual([['bigint:0', 'NULL', 'NULL', 'NULL']]);
    expect(both(empty, [], aggs, true)).toEqual({ fast: [], general: [] });
    expect(both(empty, [0], aggs)).toEqual({ fast: [], general: [] });
  });

  it('DISTINCT, ORDER BY or FILTER in a call, several arguments and grouping sets stay on the general path', () => {
    const input = new RowsNode(2, () => []);
    const plain = spec('count', T.int4, 0);
    expect(new AggNode(input, [], [{ ...plain, distinct: true }], false).fastPath).toBe(false);
    expect(new AggNode(input, [], [{ ...plain, order: { exprs: [col(0)], keys: [] } }], false).fastPath).toBe(false);
    expect(new AggNode(input, [], [spec('count', T.int4, 0, true)], false).fastPath).toBe(false);
    const sa = resolveAggregate('string_agg', [T.text, T.text], false);
    expect(new AggNode(input, [], [{ name: 'string_agg', args: [col(0), col(1)], distinct: false, filter: undefined, type: sa.type, make: sa.make, shownArgs: [bound(T.text), bound(T.text)] }], false).fastPath).toBe(false);
    expect(new AggNode(input, [col(0)], [plain], true, undefined, [[0], []]).fastPath).toBe(false);
    expect(new AggNode(input, [col(0)], [plain], true).fastPath).toBe(true);
  });
});

describe('fast aggregate and SUSPEND', () => {
  const data = Array.from({ length: 1000 }, (_, i) => [i % 7, i] as Value[]);

  it('forwards SUSPEND, gives the rows of a synchronous run and closes its input once', async () => {
    const s = new Suspension();
    const leaf = new ChunkedLeaf(data, 64, s);
    const node = new AggNode(leaf, [col(0)], [spec('count', undefined, 0), spec('sum', T.int4, 1)], true);
    expect(node.fastPath).toBe(true);
    const r = drainRows(node, ctx, s);
    expect(r).toBeInstanceOf(Promise);
    const want = [...new AggNode(new RowsNode(2, () => data), [col(0)], [spec('count', undefined, 0), spec('sum', T.int4, 1)], true).open(ctx)];
    expect(await r).toEqual(want);
    expect(leaf.closed).toBe(1);
    expect(s.isPending).toBe(false);
  });

  it('an error from the input propagates and closes it', async () => {
    const s = new Suspension();
    const leaf = new ChunkedLeaf(data, 64, s, 300);
    const node = new AggNode(leaf, [], [spec('count', undefined, 0)], false);
    await expect(drainRows(node, ctx, s)).rejects.toThrow(/user request/);
    expect(leaf.closed).toBe(1);
  });

  it('closing the aggregate early (LIMIT above) closes its input', () => {
    let closed = 0;
    const leaf: RelNode = {
      width: 2,
      *open(): Generator<Row> {
        try {
          yield* data;
        } finally {
          closed++;
        }
      },
      describe: () => 'leaf',
    };
    const it = new AggNode(leaf, [col(0)], [spec('count', undefined, 0)], true).open(ctx);
    expect(it.next().done).toBe(false);
    it.return?.(undefined);
    expect(closed).toBe(1);
  });
});
