// The SUSPEND protocol (planner/rel/suspend.ts) through the real operators: a leaf that must wait
// records its promise on the statement's Suspension and yields SUSPEND; every operator forwards
// it; drainRows awaits and resumes, and stays synchronous when nothing waits. The leaf (./chunked-leaf.ts) plays
// the part of a streamed external scan (stream-rows.ts needs DuckDB; test/external/stream-b.test.ts
// covers it end to end) with the same rules: one chunk at a time, an error if pulled before its
// chunk arrived, its `finally` closing the source.
import { describe, expect, it } from 'vitest';
import { DbError } from '../../../catalog/index.js';
import type { EvalContext, Value } from '../../../planner/bind/expr.js';
import { AppendNode } from '../../../planner/rel/append.js';
import { JoinNode } from '../../../planner/rel/join.js';
import { DistinctNode, FilterNode, LimitNode, ProjectNode, RowsNode, SortNode, TrimNode, type RelNode, type Row } from '../../../planner/rel/ops.js';
import { relQueryPlan } from '../../../planner/rel/select.js';
import { drainRows, streamingScans, Suspension, SUSPEND } from '../../../planner/rel/suspend.js';
import { comparatorFor } from '../../../planner/eval/compare.js';
import { ChunkedLeaf } from './chunked-leaf.js';

const ctx = { cancel: { reason: undefined } } as unknown as EvalContext;

const data = (n: number): Row[] => Array.from({ length: n }, (_, i) => [i, i % 7] as Value[]);
const lit = (i: number) => (r: readonly Value[]): Value => r[i]!;

describe('SUSPEND through the operators', () => {
  it('drainRows is synchronous when nothing suspends (the native fast path)', () => {
    const s = new Suspension();
    const r = drainRows(new RowsNode(2, () => data(5)), ctx, s);
    expect(Array.isArray(r)).toBe(true);
    expect(r).toEqual(data(5));
  });

  it('filter, project, sort, distinct, trim, limit: same rows as without waits, the leaf closed', async () => {
    const s = new Suspension();
    const leaf = new ChunkedLeaf(data(1000), 64, s);
    const f = new FilterNode(leaf, (r) => (r[0] as number) % 3 === 0);
    const p = new ProjectNode(f, [lit(1), lit(0), (r) => (r[0] as number) * 2]);
    const cmp = comparatorFor(23)!;
    const sorted = new SortNode(p, [{ expr: lit(0), cmp, desc: false, nullsFirst: false }, { expr: lit(1), cmp, desc: true, nullsFirst: false }]);
    const d = new DistinctNode(sorted, 1);
    const t = new TrimNode(d, 2);
    const r = drainRows(t, ctx, s);
    expect(r).toBeInstanceOf(Promise);
    const want = [0, 1, 2, 3, 4, 5, 6].map((g) => [g, Math.max(...data(1000).filter((x) => (x[0] as number) % 3 === 0 && x[1] === g).map((x) => x[0] as number))]);
    expect(await r).toEqual(want);
    expect(leaf.closed).toBe(1);
  });

  it('LIMIT stops pulling and closes the leaf early (its cursor would stop DuckDB)', async () => {
    const s = new Suspension();
    const leaf = new ChunkedLeaf(data(100_000), 100, s);
    const lim = new LimitNode(new ProjectNode(leaf, [lit(0)]), () => 3n, () => 150n);
    expect(await drainRows(lim, ctx, s)).toEqual([[150], [151], [152]]);
    expect(leaf.closed).toBe(1);
    expect(s.isPending).toBe(false);
  });

  it('Append and hash join (build and probe sides) forward SUSPEND', async () => {
    const s = new Suspension();
    const a = new ChunkedLeaf(data(300), 50, s);
    const b = new ChunkedLeaf(data(200), 30, s);
    const app = new AppendNode([a, new RowsNode(2, () => data(3))], 2, [undefined, undefined]);
    const j = new JoinNode(app, b, 'inner', undefined, [{ left: 0, right: 0 }]);
    const rows = await drainRows(j, ctx, s);
    expect(rows.length).toBe(200 + 3); // ids 0..199 once from a, 0..2 again from the VALUES part
    expect(rows.every((r) => r[0] === r[2])).toBe(true);
    expect(streamingScans(j, [] as unknown[]).size).toBe(0);
  });

  it('a SUSPEND leaked into a synchronous consumer is XX000, never a row', () => {
    const s = new Suspension();
    const leaf = new ChunkedLeaf(data(10), 5, s);
    // relQueryPlan.run drains synchronously (nested plans): it refuses SUSPEND.
    expect(() => relQueryPlan(leaf, []).run(ctx)).toThrow(expect.objectContaining({ code: 'XX000' }) as unknown as Error);
    // A consumer that takes SUSPEND for a row and pulls again: the leaf refuses (XX000).
    const s2 = new Suspension();
    const leaf2 = new ChunkedLeaf(data(10), 5, s2);
    const it = leaf2.open();
    expect(it.next().value).toBe(SUSPEND);
    expect(() => it.next()).toThrow(/before its rows arrived/);
    // Two waits recorded at once: XX000.
    const s3 = new Suspension();
    s3.suspend(Promise.resolve());
    expect(() => s3.suspend(Promise.resolve())).toThrow(expect.objectContaining({ code: 'XX000' }) as unknown as Error);
  });

  it('an error while waiting closes the leaf', async () => {
    const s = new Suspension();
    let closed = false;
    const failing: RelNode = {
      width: 1,
      *open(): Generator<Row> {
        try {
          yield [1];
          yield s.suspend(Promise.reject(new DbError('57014', 'canceling statement due to statement timeout')));
          yield [2];
        } finally {
          closed = true;
        }
      },
      describe: () => 'failing',
    };
    await expect(drainRows(new FilterNode(failing, () => true), ctx, s)).rejects.toThrow(/statement timeout/);
    expect(closed).toBe(true);
  });
});
