// Running a placement-A fragment (placement-a.ts): pruning as for a scan (partitions, then file
// statistics), one rendered fragment, rows streamed from DuckDB and held up to ROWS_IN_MEMORY_MAX
// (53200 beyond). Returns undefined when the fragment is not faithfully renderable or its output
// types differ from the bound plan's: the caller then runs placement B. Loaded by dynamic
// import: this file pulls in DuckDB.
import type { FetchResult, RowCursor } from '../api.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { ROWS_IN_MEMORY_MAX, tooMany } from '../rel/ops.js';
import { externalRowCursor } from './cursor.js';
import { renderFragment, type Fragment } from './fragment.js';
import type { PlacementA } from './placement-a.js';
import { currentRef, pruneFiles } from './prefetch.js';

const FETCH_ROWS = 4096;
const CANCEL_POLL_MS = 50;

/** All rows of the fragment, held up to `rowsMax` (53200 beyond); undefined: run placement B. */
export async function runPlacementA(a: PlacementA, wantOids: readonly number[], ctx: EvalContext, rowsMax = ROWS_IN_MEMORY_MAX): Promise<Value[][] | undefined> {
  const cursor = await openPlacementA(a, wantOids, ctx);
  if (!cursor) return undefined;
  const rows: Value[][] = [];
  try {
    for (;;) {
      const f = await cursor.fetch(FETCH_ROWS);
      if (rows.length + f.rows.length > rowsMax) throw tooMany();
      for (const row of f.rows) rows.push(row);
      if (f.done) break;
    }
  } finally {
    cursor.close();
  }
  return rows;
}

/**
 * A cursor streaming the fragment's rows in the bound plan's column order (one DuckDB chunk
 * buffered; Execute row limits and cancel reach DuckDB), or undefined: run placement B.
 */
export async function openPlacementA(a: PlacementA, wantOids: readonly number[], ctx: EvalContext): Promise<RowCursor | undefined> {
  const scan = a.scan;
  const st = ctx.tables?.externalRows;
  const host = st?.host;
  if (!host) return undefined;
  const ref = await currentRef(host, scan.table.external!);
  const req = scan.request(ctx, new Set(ref.partitionColumns.map((c) => c.name)));
  if (!req.complete) return undefined;
  const pr = pruneFiles(ref, req, ctx);
  const frag: Fragment = { table: scan.table.name, ref, files: pr.files, filters: req.filters, output: a.output, orderBy: a.orderBy, limit: a.limit, offset: a.offset };
  const r = renderFragment(frag);
  if (!r.pushable) return undefined;
  // Same result types as the bound plan, column by column (else placement B).
  if (a.outputOrder.length !== wantOids.length) return undefined;
  for (let i = 0; i < wantOids.length; i++) {
    const c = r.columns[a.outputOrder[i]!];
    if (!c || !sameType(c.oid, wantOids[i]!)) return undefined;
  }
  scan.lastRun = { ...pr.figures, shippedKeys: undefined, wholeStatement: true, sql: r.sql };
  const engine = await host.engine();
  const cursor = externalRowCursor(engine, ctx.cancel, { sql: r.sql, files: r.files, cancelPollMs: CANCEL_POLL_MS });
  const identity = a.outputOrder.every((o, i) => o === i) && r.columns.length === wantOids.length;
  if (identity) return cursor;
  return {
    async fetch(maxRows: number): Promise<FetchResult> {
      const f = await cursor.fetch(maxRows);
      return { ...f, rows: f.rows.map((row) => a.outputOrder.map((o) => row[o] as Value)) };
    },
    close: () => cursor.close(),
  };
}

/** text and varchar are one type for results (both print and send the same way). */
function sameType(got: number, want: number): boolean {
  return got === want || ((got === 25 || got === 1043) && (want === 25 || want === 1043));
}
