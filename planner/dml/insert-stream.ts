// Statements that consume a query themselves (INSERT … SELECT, CREATE TABLE AS, COPY (query) TO
// STDOUT) pull its rows through the query's cursor in batches (issue 5: importing a 10 M-row
// Parquet file with INSERT INTO native SELECT … FROM external must not collect the whole result
// first, which is bounded by ROWS_IN_MEMORY_MAX / pyralog.result_rows_max, 53200 beyond).
//
// Invariants:
// - At most one batch (STREAM_BATCH_ROWS rows) of the source is held here at a time; the
//   consumer writes/sends it before the next batch is pulled.
// - Every exit (end, the consumer's error, the source's error, cancel) closes the cursor, so
//   streamed DuckDB cursors close and the external rows set up for the statement are released.
// - A plan without a cursor (or whose cursor answers with rows at once) is consumed as one
//   collected batch: the collected path, with its bounds.
// - Halloween protection (PostgreSQL reads the statement's source as of the statement start: an
//   INSERT never sees its own new rows): an lsm scan takes the transaction's write set when it
//   is opened (lsm/mvcc/txn.ts `scan`), but a scan opened later (a nested loop's inner side, a
//   correlated subquery, a point get) would see rows this statement already wrote. So a source
//   that may read the target (`queryMayRead`: any relation name in its text, views expanded,
//   resolving to the target) is collected whole before the first write, as before.
import { DbError, type TableDesc } from '../../catalog/index.js';
import { LsmError } from '../../lsm/index.js';
import type { RowCursor } from '../api.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { QueryPlan } from '../exec/query.js';
import { tablesOfBinder } from '../rel/from.js';

/** Rows pulled from the source per batch (the wire's FETCH_BATCH_ROWS). */
export const STREAM_BATCH_ROWS = 4096;

/** Calls `consume` with the query's rows, batch after batch; resolves once all were consumed. */
export async function forEachBatch(
  q: QueryPlan,
  ctx: EvalContext,
  stream: boolean,
  consume: (rows: Value[][]) => void | Promise<void>,
): Promise<void> {
  try {
    await pullBatches(q, ctx, stream, consume);
  } catch (e) {
    throw withWriteSetHint(e);
  }
}

/** lsm/mvcc/budget.ts WRITE_SET_HINT (lsm's LimitError carries it, but catalog's lsmToDbError
 *  forwards only code and message so far). */
const WRITE_SET_HINT =
  'Load large amounts of data with CREATE TABLE AS, or with COPY into a table created or truncated in the same transaction, or split the work into smaller transactions.';

/** The transaction write-set limit (54000) or the server-wide write-set budget (53200) reached by
 *  a statement that loads a query: PostgreSQL-shaped error plus the HINT naming the ways to load
 *  that much (README.md "COPY FROM by ingest", CREATE TABLE AS). */
function withWriteSetHint(e: unknown): unknown {
  if (e instanceof LsmError) {
    // Not mapped on the way. Only lsm's LimitError (it has a `hint`) is mapped here; any other
    // LsmError is left to the usual mapping (catalog's lsmToDbError rewords some).
    const { detail, hint } = e as { detail?: unknown; hint?: unknown };
    if (typeof hint !== 'string') return e;
    return new DbError(e.code, e.message, { ...(typeof detail === 'string' ? { detail } : {}), hint });
  }
  if (!(e instanceof DbError) || e.fields.hint !== undefined) return e;
  const limit = e.code === '54000' && /^transaction write set exceeds \d+ bytes$/.test(e.message);
  const budget = e.code === '53200' && e.message === 'out of memory';
  return limit || budget ? new DbError(e.code, e.message, { ...e.fields, hint: WRITE_SET_HINT }) : e;
}

async function pullBatches(
  q: QueryPlan,
  ctx: EvalContext,
  stream: boolean,
  consume: (rows: Value[][]) => void | Promise<void>,
): Promise<void> {
  if (!stream || !q.openCursor) {
    const rows = await q.run(ctx);
    if (rows.length > 0) await consume(rows);
    return;
  }
  const opened = await q.openCursor(ctx);
  if (Array.isArray(opened)) {
    if (opened.length > 0) await consume(opened);
    return;
  }
  const cursor: RowCursor = opened;
  try {
    for (;;) {
      const r = await cursor.fetch(STREAM_BATCH_ROWS);
      if (r.rows.length > 0) await consume(r.rows);
      if (r.done) return;
      const reason = ctx.cancel.reason;
      if (reason) throw reason;
    }
  } finally {
    cursor.close();
  }
}

/** Nodes visited at most by queryMayRead (a view's query counts too): beyond, assume it reads. */
const WALK_NODES_MAX = 1_000_000;

/**
 * True when the query text (a parse tree) may read `target`: some RangeVar resolves to it, or to
 * a view whose query may read it. Conservative: a CTE or alias named like the target counts.
 */
export function queryMayRead(b: Binder, tree: unknown, target: TableDesc): boolean {
  const ts = tablesOfBinder(b);
  const reader = ts.reader();
  const path = ts.searchPath();
  const seenViews = new Set<number>();
  let budget = WALK_NODES_MAX;
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const n = stack.pop();
    if (--budget < 0) return true;
    if (n === null || typeof n !== 'object') continue;
    if (Array.isArray(n)) {
      for (const x of n) stack.push(x);
      continue;
    }
    const o = n as Record<string, unknown>;
    if (o.kind === 'RangeVar' && typeof o.relname === 'string') {
      if (o.relname === target.name) return true; // also a CTE of that name: conservative
      const t = ts.catalog.resolve(reader, ts.host.database, path, o.relname, typeof o.schemaname === 'string' ? o.schemaname : undefined);
      if (t && (t.oid === target.oid || (t.kind === 'table' && t.storageId === target.storageId))) return true;
      if (t?.kind === 'view' && !seenViews.has(t.oid)) {
        seenViews.add(t.oid);
        stack.push(t.viewQuery);
      }
    }
    for (const k in o) {
      const v = o[k];
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
  return false;
}
