// The cursor of a relational SELECT that reads external tables (issue 5): the scans planned inside
// it are set up by `setUpScans` (../external/fetch-run.ts), as runFetching does — the ones its root reaches
// through SUSPEND-forwarding operators stream from DuckDB, the others are fetched into memory
// first (bounded by pyralog.external_rows_max) — and then, instead of draining the plan, the
// rows go to the client through a RelCursor as they are pulled. What was set up is published
// in the session's ExternalState for as long as the cursor reads it, and forgotten (streams
// closed) when the cursor ends, fails, is closed or detached.
//
// Invariant: the streams and the cursor share one Suspension (the one the leaves record their
// waits on); a scan already set up by an enclosing statement is not set up again.
import type { EvalContext } from '../bind/expr.js';
import { scansToSetUp, setUpScans } from '../external/fetch-run.js';
import type { ExternalScan } from '../external/scan-spec.js';
import type { RelNode } from './ops.js';
import { RelCursor } from './rel-cursor.js';

export async function openFetchingCursor(node: RelNode, scans: readonly ExternalScan[], ctx: EvalContext, streamed: ReadonlySet<ExternalScan> | undefined): Promise<RelCursor> {
  const missing = scansToSetUp(scans, ctx);
  if (missing.length === 0) return new RelCursor(node.open(ctx), ctx, undefined, undefined);
  const set = await setUpScans(missing, ctx, streamed);
  let it;
  try {
    it = node.open(ctx);
  } catch (e) {
    set.release();
    throw e;
  }
  return new RelCursor(it, ctx, set.susp, () => set.release());
}
