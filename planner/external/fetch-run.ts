// The relational planner's hook (rel/select.ts): a SELECT plan runs after the external scans
// planned inside it are fetched. Nested plans (views, subqueries, CTE bodies) are run by their
// enclosing plan, which fetched their scans already, so they stay synchronous; the plan that
// fetched a scan forgets its rows when it finishes. Static import; prefetch.ts (DuckDB) is
// loaded on first use.
import { DbError } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { TableSession } from '../rel/runtime.js';
import type { ExternalScan } from './scan-spec.js';
import { ExternalState } from './scan-rows.js';

/** The session's external state, created on first use. */
export function externalState(ts: TableSession): ExternalState {
  return (ts.externalRows ??= new ExternalState());
}

/** Runs `run` once every scan in `scans` has its rows for this execution. */
export function runFetching(scans: readonly ExternalScan[], ctx: EvalContext, run: () => Value[][]): Value[][] | Promise<Value[][]> {
  const st = ctx.tables?.externalRows;
  const missing = scans.filter((s) => !st?.fetched.has(s) && !st?.aggregated.has(s));
  if (missing.length === 0) return run();
  return (async () => {
    const host = st?.host;
    if (!st || !host) throw new DbError('0A000', 'external tables are not available on this server');
    const { prefetchScans } = await import('./prefetch.js');
    const got = new Map<ExternalScan, readonly Value[][]>();
    const aggregated = new Map<ExternalScan, readonly Value[][]>();
    await prefetchScans(host, missing, ctx, got, undefined, aggregated);
    // Publish, run and forget in one synchronous stretch: a sibling plan (the other branch of a
    // UNION over the same CTE) fetching concurrently never sees a half-published state.
    for (const [s, rows] of got) st.fetched.set(s, rows);
    for (const [s, rows] of aggregated) st.aggregated.set(s, rows);
    try {
      return run();
    } finally {
      for (const s of got.keys()) st.fetched.delete(s);
      for (const s of aggregated.keys()) st.aggregated.delete(s);
    }
  })();
}
