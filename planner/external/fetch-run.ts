// The relational planner's hook (rel/select.ts): a SELECT plan runs after the external scans
// planned inside it are set up — fetched into memory, or (the scans `streamed` names: reached
// from the plan's root only through operators that forward SUSPEND, rel/suspend.ts) opened as
// DuckDB streams that the plan drains while it runs. Nested plans (views, subqueries, CTE bodies)
// are run by their enclosing plan, which set up their scans already, so they stay synchronous;
// the plan that set up a scan forgets it when it finishes (streams closed). Static import;
// prefetch.ts / stream-rows.ts (DuckDB) are loaded on first use.
import { DbError } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { TableSession } from '../rel/runtime.js';
import { ROWS_IN_MEMORY_MAX, type RelNode } from '../rel/ops.js';
import { drainRows, Suspension } from '../rel/suspend.js';
import type { ExternalScan } from './scan-spec.js';
import { ExternalState, type StreamedRows } from './scan-rows.js';
import { forgetKeys } from './ship.js';

/** The session's external state, created on first use. */
export function externalState(ts: TableSession): ExternalState {
  return (ts.externalRows ??= new ExternalState());
}

/**
 * Rows a statement may fetch into memory from external tables: ROWS_IN_MEMORY_MAX, or less when
 * `SET pyralog.external_rows_max = n` lowers it (tests show streaming past a small cap without
 * generating millions of rows).
 */
export function externalRowsMax(ctx: EvalContext): number {
  let v: string | undefined;
  try {
    v = ctx.env?.getSetting('pyralog.external_rows_max');
  } catch {
    v = undefined;
  }
  const n = v === undefined || v.trim() === '' ? NaN : Number(v);
  return Number.isSafeInteger(n) && n >= 0 && n < ROWS_IN_MEMORY_MAX ? n : ROWS_IN_MEMORY_MAX;
}

/** What a plan may stream: its root operator and the scans reached from it through SUSPEND-forwarding operators. */
export interface StreamPlan {
  node: RelNode;
  scans: ReadonlySet<ExternalScan>;
}

/** Scans set up and published in the session's ExternalState; `release` forgets them (streams closed). */
export interface ScanSetUp {
  /** The Suspension the streams record their waits on (the driver awaits it). */
  susp: Suspension;
  release(): void;
}

/** The scans of `scans` that no enclosing plan set up already (those it runs synchronously). */
export function scansToSetUp(scans: readonly ExternalScan[], ctx: EvalContext): ExternalScan[] {
  const st = ctx.tables?.externalRows;
  return scans.filter((s) => !st?.fetched.has(s) && !st?.aggregated.has(s) && !st?.streams.has(s) && !st?.partialStreams.has(s));
}

/**
 * Sets up `missing` (from scansToSetUp) for one execution and publishes them: shipped keys
 * covered by key runs read by row number, the scans in `streamed` opened as DuckDB streams (or
 * DuckDB partial aggregates), the rest fetched under externalRowsMax. One set-up for the
 * collecting driver (runFetching) and the streaming cursor (rel/rel-cursor-fetch.ts).
 */
export async function setUpScans(missing: readonly ExternalScan[], ctx: EvalContext, streamed: ReadonlySet<ExternalScan> | undefined): Promise<ScanSetUp> {
  const st = ctx.tables?.externalRows;
  const host = st?.host;
  if (!st || !host) throw new DbError('0A000', 'external tables are not available on this server');
  const got = new Map<ExternalScan, readonly Value[][]>();
  const aggregated = new Map<ExternalScan, readonly Value[][]>();
  const susp = new Suspension();
  let streams = new Map<ExternalScan, StreamedRows>();
  let partials = new Map<ExternalScan, StreamedRows>();
  try {
    // Shipped keys covered by the files' key runs are read by row number (ship-runs.ts); the
    // other scans, and these when their runs do not cover the keys, are set up as usual.
    if (missing.some((s) => s.ship && !s.partial)) {
      const { fetchShippedByKeyRuns } = await import('./ship-runs.js');
      for (const s of missing) {
        if (!s.ship || s.partial) continue;
        const rows = await fetchShippedByKeyRuns(host, s, ctx, externalRowsMax(ctx));
        if (rows) got.set(s, rows);
      }
    }
    const pending = missing.filter((s) => !got.has(s));
    let toStream = streamed ? pending.filter((s) => streamed.has(s)) : [];
    const toFetch = pending.filter((s) => !toStream.includes(s));
    if (toStream.length > 0) {
      const { openPartialStreams, openStreams } = await import('./stream-rows.js');
      // A decomposed branch's scan: DuckDB's partial aggregate (started now, overlapping the
      // native work) when it renders, else its rows stream into the native partial aggregate.
      const withPartial = toStream.filter((s) => s.partial);
      if (withPartial.length > 0) {
        partials = await openPartialStreams(host, withPartial, ctx, susp, externalRowsMax(ctx));
        toStream = toStream.filter((s) => !partials.has(s));
      }
      streams = await openStreams(host, toStream, ctx, susp);
    }
    if (toFetch.length > 0) {
      const { prefetchScans } = await import('./prefetch.js');
      await prefetchScans(host, toFetch, ctx, got, externalRowsMax(ctx), aggregated);
    }
  } catch (e) {
    for (const s of [...streams.values(), ...partials.values()]) s.close();
    throw e;
  } finally {
    for (const s of missing) if (s.ship) forgetKeys(s.ship);
  }
  // Publish; a sibling plan (the other branch of a top-level UNION) setting up its own scans
  // concurrently only ever touches its own entries.
  for (const [s, rows] of got) st.fetched.set(s, rows);
  for (const [s, rows] of aggregated) st.aggregated.set(s, rows);
  for (const [s, rows] of streams) st.streams.set(s, rows);
  for (const [s, rows] of partials) st.partialStreams.set(s, rows);
  return {
    susp,
    release(): void {
      for (const s of got.keys()) st.fetched.delete(s);
      for (const s of aggregated.keys()) st.aggregated.delete(s);
      for (const [s, rows] of streams) {
        rows.close();
        st.streams.delete(s);
      }
      for (const [s, rows] of partials) {
        rows.close();
        st.partialStreams.delete(s);
      }
    },
  };
}

/**
 * Runs `run` once every scan in `scans` has its rows for this execution; with `streamed`, the
 * scans it names stream and the plan's root is drained here (awaiting SUSPENDs) instead of `run`.
 */
export function runFetching(scans: readonly ExternalScan[], ctx: EvalContext, run: () => Value[][], streamed?: StreamPlan): Value[][] | Promise<Value[][]> {
  const missing = scansToSetUp(scans, ctx);
  if (missing.length === 0) return run();
  return (async () => {
    const set = await setUpScans(missing, ctx, streamed?.scans);
    try {
      // drainRows is `run` when nothing suspends (same operators, same rows).
      return streamed ? await drainRows(streamed.node, ctx, set.susp) : run();
    } finally {
      set.release();
    }
  })();
}
