// The cursor of a relational SELECT that reads external tables (issue 5): the scans planned inside
// it are set up as `runFetching` (../external/fetch-run.ts) does — the ones its root reaches
// through SUSPEND-forwarding operators stream from DuckDB, the others are fetched into memory
// first (bounded by pyralog.external_rows_max) — and then, instead of draining the plan, the
// rows go to the client through a RelCursor as they are pulled. What was set up is published
// in the session's ExternalState for as long as the cursor reads it, and forgotten (streams
// closed) when the cursor ends, fails, is closed or detached.
//
// Invariant: the streams and the cursor share one Suspension (the one the leaves record their
// waits on); a scan already set up by an enclosing statement is not set up again.
import { DbError } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { externalRowsMax } from '../external/fetch-run.js';
import type { StreamedRows } from '../external/scan-rows.js';
import type { ExternalScan } from '../external/scan-spec.js';
import type { RelNode } from './ops.js';
import { RelCursor } from './rel-cursor.js';
import { Suspension } from './suspend.js';

export async function openFetchingCursor(node: RelNode, scans: readonly ExternalScan[], ctx: EvalContext, streamed: ReadonlySet<ExternalScan> | undefined): Promise<RelCursor> {
  const st = ctx.tables?.externalRows;
  const missing = scans.filter((s) => !st?.fetched.has(s) && !st?.aggregated.has(s) && !st?.streams.has(s) && !st?.partialStreams.has(s));
  if (missing.length === 0) return new RelCursor(node.open(ctx), ctx, undefined, undefined);
  const host = st?.host;
  if (!st || !host) throw new DbError('0A000', 'external tables are not available on this server');
  let toStream = streamed ? missing.filter((s) => streamed.has(s)) : [];
  const toFetch = missing.filter((s) => !toStream.includes(s));
  const got = new Map<ExternalScan, readonly Value[][]>();
  const aggregated = new Map<ExternalScan, readonly Value[][]>();
  const susp = new Suspension();
  let streams = new Map<ExternalScan, StreamedRows>();
  let partials = new Map<ExternalScan, StreamedRows>();
  try {
    if (toStream.length > 0) {
      const { openPartialStreams, openStreams } = await import('../external/stream-rows.js');
      const withPartial = toStream.filter((s) => s.partial);
      if (withPartial.length > 0) {
        partials = await openPartialStreams(host, withPartial, ctx, susp, externalRowsMax(ctx));
        toStream = toStream.filter((s) => !partials.has(s));
      }
      streams = await openStreams(host, toStream, ctx, susp);
    }
    if (toFetch.length > 0) {
      const { prefetchScans } = await import('../external/prefetch.js');
      await prefetchScans(host, toFetch, ctx, got, externalRowsMax(ctx), aggregated);
    }
  } catch (e) {
    for (const s of [...streams.values(), ...partials.values()]) s.close();
    throw e;
  }
  for (const [s, rows] of got) st.fetched.set(s, rows);
  for (const [s, rows] of aggregated) st.aggregated.set(s, rows);
  for (const [s, rows] of streams) st.streams.set(s, rows);
  for (const [s, rows] of partials) st.partialStreams.set(s, rows);
  const release = (): void => {
    for (const s of got.keys()) st.fetched.delete(s);
    for (const s of aggregated.keys()) st.aggregated.delete(s);
    for (const [s, rows] of [...streams, ...partials]) {
      rows.close();
      st.streams.delete(s);
      st.partialStreams.delete(s);
    }
  };
  let it;
  try {
    it = node.open(ctx);
  } catch (e) {
    release();
    throw e;
  }
  return new RelCursor(it, ctx, susp, release);
}
