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
import type { ExternalEngine } from '../../external/index.js';
import type { ExternalHost } from './host.js';
import { stillSameFile, targetRows } from './lookup-run.js';

type ScanFiguresOf = ReturnType<typeof pruneFiles>['figures'];

const FETCH_ROWS = 4096;
/** A fragment with a LIMIT up to this is computed whole by DuckDB in one call (duck.ts `materialize`). */
const MATERIALIZE_ROWS_MAX = 10_000;
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
  // A shape with $n parameters (prepared once per DuckDB connection); EXPLAIN shows the literals.
  const r = renderFragment(frag, { parameters: true });
  if (!r.pushable) return undefined;
  // Same result types as the bound plan, column by column (else placement B).
  if (a.outputOrder.length !== wantOids.length) return undefined;
  for (let i = 0; i < wantOids.length; i++) {
    const c = r.columns[a.outputOrder[i]!];
    if (!c || !sameType(c.oid, wantOids[i]!)) return undefined;
  }
  const engine = await host.engine();
  const inOrder = a.outputOrder.every((o, i) => o === i) && r.columns.length === wantOids.length;
  const reorder = (rows: Value[][]): Value[][] => (inOrder ? rows : rows.map((row) => a.outputOrder.map((o) => row[o] as Value)));
  // A point lookup by an integer key: read only the rows the file's key runs point at.
  const targeted = await runTargeted(host, engine, frag, pr.figures, scan, ctx);
  if (targeted) return bufferedCursor(reorder(targeted));
  const shown = r.params.length === 0 ? r : renderFragment(frag);
  scan.lastRun = { ...pr.figures, shippedKeys: undefined, wholeStatement: true, sql: shown.pushable ? shown.sql : r.sql };
  const small = frag.limit !== undefined && frag.limit <= MATERIALIZE_ROWS_MAX;
  const cursor = externalRowCursor(engine, ctx.cancel, { sql: r.sql, files: r.files, params: r.params, materialize: small, cancelPollMs: CANCEL_POLL_MS });
  if (inOrder) return cursor;
  return {
    async fetch(maxRows: number): Promise<FetchResult> {
      const f = await cursor.fetch(maxRows);
      return { ...f, rows: reorder(f.rows as Value[][]) };
    },
    close: () => cursor.close(),
  };
}

/**
 * The rows of a point lookup read by position (lookup-run.ts), all of them (at most one per block
 * of the file), or undefined: run the fragment as usual. Undefined also when the file changed
 * while it was read — its rows are then discarded.
 */
async function runTargeted(host: ExternalHost, engine: ExternalEngine, frag: Fragment, figures: ScanFiguresOf, scan: PlacementA['scan'], ctx: EvalContext): Promise<Value[][] | undefined> {
  const t = targetRows(host.keyRuns, engine, frag);
  if (!t) return undefined;
  const lastRun = (sql: string | undefined): void => {
    scan.lastRun = { ...figures, shippedKeys: undefined, wholeStatement: true, sql };
  };
  if (t.rows.length === 0) {
    // No row has the key: no file needs reading, DuckDB is not asked.
    scan.lastRun = { ...figures, filesKept: 0, shippedKeys: undefined, wholeStatement: true, sql: undefined };
    return [];
  }
  const target = { rows: t.rows, keyColumn: t.lookup.column, key: { kind: 'constant' as const, ...t.lookup.key } };
  const r = renderFragment({ ...frag, rowTarget: target }, { parameters: true });
  if (!r.pushable) return undefined;
  // At most one row per block of the file: small enough to compute in one call, on one thread.
  const cursor = externalRowCursor(engine, ctx.cancel, { sql: r.sql, files: r.files, params: r.params, materialize: true, singleThread: true, cancelPollMs: CANCEL_POLL_MS });
  const rows: Value[][] = [];
  try {
    for (;;) {
      const f = await cursor.fetch(FETCH_ROWS);
      for (const row of f.rows) rows.push(row as Value[]);
      if (f.done) break;
    }
  } finally {
    cursor.close();
  }
  if (!stillSameFile(frag, t.identity)) {
    host.keyRuns.forget(frag.files[0]!.path, t.lookup.source);
    return undefined;
  }
  const shown = renderFragment({ ...frag, rowTarget: target });
  lastRun(shown.pushable ? shown.sql : r.sql);
  return rows;
}

/** A cursor over rows already in memory. */
function bufferedCursor(rows: Value[][]): RowCursor {
  let pos = 0;
  return {
    async fetch(maxRows: number): Promise<FetchResult> {
      const end = maxRows === 0 ? rows.length : Math.min(rows.length, pos + maxRows);
      const out = rows.slice(pos, end);
      pos = end;
      return pos >= rows.length ? { rows: out, done: true, tag: `SELECT ${rows.length}` } : { rows: out, done: false };
    },
    close: () => {
      pos = rows.length;
    },
  };
}

/** text and varchar are one type for results (both print and send the same way). */
function sameType(got: number, want: number): boolean {
  return got === want || ((got === 25 || got === 1043) && (want === 25 || want === 1043));
}
