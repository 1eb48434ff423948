// Fetching external scans before the native executor runs (its operators are synchronous).
// Per scan: the WHERE conjuncts pushed into it (scan-spec.ts) are evaluated with this
// execution's parameters; those over partition columns prune files against the catalog's
// partition values (prune.ts); DuckDB receives the explicit file list and the pushed filter;
// conjuncts over file columns skip the files whose registered min/max statistics exclude
// them (pruneByStats); rows stream batch by batch, are converted to internal values and held in memory up to
// ROWS_IN_MEMORY_MAX rows in total (53200 beyond, like every blocking operator). A filter that
// cannot be rendered faithfully (renderFragment says not pushable) is dropped from the fragment
// and left to the native filter above the scan, which re-checks every pushed conjunct anyway.
// Loaded by dynamic import: this file pulls in DuckDB.
import { statSync } from 'node:fs';
import { DbError } from '../../catalog/index.js';
import { decodeRef, relistRef, type ExternalTableRef, type RefFile } from '../../external/index.js';
import { dbErrorFromExternal } from './convert.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { ROWS_IN_MEMORY_MAX, tooMany } from '../rel/ops.js';
import { externalRowCursor } from './cursor.js';
import { renderFragment, type Fragment } from './fragment.js';
import type { ExternalHost } from './host.js';
import { prunePartitions, pruneByStats, typedPartitions } from './prune.js';
import type { ExternalScan, ScanRequest } from './scan-spec.js';
import { collectKeys, shipMode, SHIP_ROWS_AUTO_MAX, SHIP_ROWS_FORCED_MAX } from './ship.js';

/** Rows asked from DuckDB per fetch. */
const FETCH_ROWS = 4096;
const CANCEL_POLL_MS = 50;

/**
 * Fetches every scan in `scans` into `out` (rows with one slot per table column); a scan with a
 * partial aggregate (`scan.partial`) whose fragment renders faithfully goes into `aggregated`
 * instead (the branch's output rows), when that map is given.
 */
export async function prefetchScans(
  host: ExternalHost,
  scans: readonly ExternalScan[],
  ctx: EvalContext,
  out: Map<ExternalScan, readonly Value[][]>,
  rowsMax = ROWS_IN_MEMORY_MAX,
  aggregated?: Map<ExternalScan, readonly Value[][]>,
): Promise<void> {
  let total = 0;
  for (const scan of scans) {
    const t = scan.table;
    const ref = await currentRef(host, t.external!);
    const names = [...ref.columns, ...ref.partitionColumns].map((c) => c.name);
    if (names.length !== t.columns.length || names.some((n, i) => n !== t.columns[i]!.name)) {
      throw new Error(`assertion: external table ${t.name}'s columns do not match its reference`);
    }
    if (scan.partial && aggregated) {
      const rows = await fetchPartial(host, scan, ref, ctx, rowsMax - total);
      if (rows) {
        total += rows.length;
        aggregated.set(scan, rows);
        continue;
      }
    }
    const p = prepareScan(scan, ref, ctx);
    if (p.kind === 'empty') {
      out.set(scan, []);
      continue;
    }
    const { r, fetch } = p;
    const engine = await host.engine();
    const cursor = externalRowCursor(engine, ctx.cancel, { sql: r.sql, files: r.files, cancelPollMs: CANCEL_POLL_MS });
    const rows: Value[][] = [];
    try {
      for (;;) {
        const f = await cursor.fetch(FETCH_ROWS);
        total += f.rows.length;
        if (total > rowsMax) throw tooMany();
        if (fetch.length === names.length) for (const row of f.rows) rows.push(row as Value[]);
        else {
          // One slot per table column; columns the statement never names stay NULL.
          for (const row of f.rows) {
            const full = new Array<Value>(names.length).fill(null);
            for (let k = 0; k < fetch.length; k++) full[fetch[k]!] = row[k] as Value;
            rows.push(full);
          }
        }
        if (f.done) break;
      }
    } finally {
      cursor.close();
    }
    out.set(scan, rows);
  }
}

/** A scan's rows for one execution: none (no file left, no shipped key), or one rendered fragment. */
export type PreparedScan =
  | { kind: 'empty' }
  | { kind: 'fragment'; r: { sql: string; files: string[] }; fetch: number[]; width: number };

/**
 * Filters of this execution, shipped keys, partition and statistics pruning, and the rendered
 * column fragment for `scan` (figures recorded in `scan.lastRun` for EXPLAIN).
 */
export function prepareScan(scan: ExternalScan, ref: ExternalTableRef, ctx: EvalContext): PreparedScan {
  const t = scan.table;
  const names = [...ref.columns, ...ref.partitionColumns].map((c) => c.name);
  const req = scan.request(ctx, new Set(ref.partitionColumns.map((c) => c.name)));
  // Key shipping: the small native side of a join restricts this scan to its keys (ship.ts).
  let shippedKeys: number | undefined;
  const mode = scan.ship ? shipMode(ctx) : 'off';
  if (scan.ship && mode !== 'off') {
    const keys = collectKeys(scan.ship, ctx, mode === 'on' ? SHIP_ROWS_FORCED_MAX : SHIP_ROWS_AUTO_MAX);
    if (keys) {
      shippedKeys = keys.length;
      if (keys.length === 0) {
        scan.lastRun = { partitionsKept: 0, partitionsTotal: 0, filesKept: 0, filesTotal: ref.files.length, statsPruned: 0, shippedKeys, sql: undefined };
        return { kind: 'empty' };
      }
      const p = scan.shipPredicate(scan.ship, keys);
      req.filters.push(p.frag);
      if (p.part) req.stats.push(p.part);
    }
  }
  const pr = pruneFiles(ref, req, ctx);
  const files = pr.files;
  const figures = { ...pr.figures, shippedKeys, sql: undefined as string | undefined };
  scan.lastRun = figures;
  if (files.length === 0) return { kind: 'empty' };
  const fetch = scan.columnsToFetch();
  const frag: Fragment = {
    table: t.name, ref, files, filters: req.filters,
    output: { kind: 'columns', columns: fetch.map((i) => names[i]!) },
    orderBy: [], limit: undefined, offset: undefined,
  };
  let r = renderFragment(frag);
  if (!r.pushable && frag.filters.length > 0) r = renderFragment({ ...frag, filters: [] });
  if (!r.pushable) throw new DbError('0A000', `external table "${t.name}" cannot be read: ${r.reason}`);
  if (r.columns.length !== fetch.length) throw new Error(`assertion: external table ${t.name}: ${fetch.length} columns asked, fragment has ${r.columns.length}`);
  figures.sql = r.sql;
  return { kind: 'fragment', r: { sql: r.sql, files: r.files }, fetch, width: names.length };
}

/**
 * The partial aggregate of `scan.partial` computed by DuckDB, or undefined when it cannot be
 * computed there exactly for this execution (a pushed conjunct not rendered exactly, no file left
 * — a global aggregate must still give its one row —, a construct DuckDB does not carry, output
 * types other than the branch's): the caller then fetches rows and the branch runs natively.
 */
async function fetchPartial(host: ExternalHost, scan: ExternalScan, ref: ExternalTableRef, ctx: EvalContext, rowsMax: number): Promise<Value[][] | undefined> {
  const r = preparePartial(scan, ref, ctx);
  if (!r) return undefined;
  const engine = await host.engine();
  const cursor = externalRowCursor(engine, ctx.cancel, { sql: r.sql, files: r.files, cancelPollMs: CANCEL_POLL_MS });
  return drainCursor(cursor, rowsMax);
}

/** All rows of `cursor`, at most `rowsMax` (53200 beyond); the cursor is closed either way. */
export async function drainCursor(cursor: ReturnType<typeof externalRowCursor>, rowsMax: number): Promise<Value[][]> {
  const rows: Value[][] = [];
  try {
    for (;;) {
      const f = await cursor.fetch(FETCH_ROWS);
      if (rows.length + f.rows.length > rowsMax) throw tooMany();
      for (const row of f.rows) rows.push(row as Value[]);
      if (f.done) break;
    }
  } finally {
    cursor.close();
  }
  return rows;
}

/** The rendered partial-aggregate fragment of `scan` for this execution, or undefined (see fetchPartial). */
export function preparePartial(scan: ExternalScan, ref: ExternalTableRef, ctx: EvalContext): { sql: string; files: string[] } | undefined {
  const p = scan.partial!;
  const req = scan.request(ctx, new Set(ref.partitionColumns.map((c) => c.name)));
  if (!req.complete || !scan.allWherePushed) return undefined;
  const pr = pruneFiles(ref, req, ctx);
  if (pr.files.length === 0) return undefined;
  const frag: Fragment = {
    table: scan.table.name, ref, files: pr.files, filters: req.filters,
    output: { kind: 'aggregate', groupBy: p.groupBy, aggs: p.aggs }, orderBy: [], limit: undefined, offset: undefined,
  };
  const r = renderFragment(frag);
  if (!r.pushable || r.columns.length !== p.oids.length) return undefined;
  for (let i = 0; i < p.oids.length; i++) {
    const got = r.columns[i]!.oid, want = p.oids[i]!;
    if (got !== want && !((got === 25 || got === 1043) && (want === 25 || want === 1043))) return undefined;
  }
  scan.lastRun = { ...pr.figures, shippedKeys: undefined, partialAggregate: true, sql: r.sql };
  return { sql: r.sql, files: r.files };
}

/** Size or modification time differ from the registration's record (or the file is gone). */
function changedSince(f: RefFile): boolean {
  try {
    const st = statSync(f.path);
    return st.size !== f.sizeBytes || Math.floor(st.mtimeMs) !== f.mtimeMs;
  } catch {
    return true;
  }
}

/** Partition pruning, then statistics pruning (trusted only for files unchanged since registration). */
export function pruneFiles(ref: ExternalTableRef, req: ScanRequest, ctx: EvalContext): { files: RefFile[]; figures: { partitionsKept: number; partitionsTotal: number; filesKept: number; filesTotal: number; statsPruned: number } } {
  let files: RefFile[] = ref.files;
  let partitionsTotal = 0, partitionsKept = 0;
  if (ref.partitionColumns.length > 0) {
    const pr = prunePartitions(ref, typedPartitions(ref, ref.files, ctx.fmt), req.partition);
    files = pr.kept;
    partitionsKept = pr.keptPartitions;
    partitionsTotal = pr.keptPartitions + pr.prunedPartitions;
  }
  const byStats = pruneByStats(ref, files, req.stats, ctx.fmt);
  let statsPruned = 0;
  if (byStats.pruned.length > 0) {
    // Statistics describe the files as registered: a file changed since is read after all.
    const stale = byStats.pruned.filter((f) => changedSince(f));
    statsPruned = byStats.pruned.length - stale.length;
    files = stale.length === 0 ? byStats.kept : files.filter((f) => byStats.kept.includes(f) || stale.includes(f));
  }
  return { files, figures: { partitionsKept, partitionsTotal, filesKept: files.length, filesTotal: ref.files.length, statsPruned } };
}

/**
 * The table's ref with the location listed again (external/relist.ts: added files are read,
 * removed ones are not). Statistics are carried over for files whose size and mtime are as
 * registered; a new or changed file has none (never pruned by statistics).
 */
export async function currentRef(host: ExternalHost, refText: string): Promise<ExternalTableRef> {
  const ref = host.decodedRef(refText, decodeRef);
  const engine = await host.engine();
  let now: ExternalTableRef;
  try {
    now = relistRef(engine, ref).ref;
  } catch (e) {
    throw dbErrorFromExternal(e);
  }
  if (now === ref) return ref;
  const old = new Map(ref.files.map((f) => [f.path, f]));
  const files = now.files.map((f) => {
    const o = old.get(f.path);
    return o?.stats && o.sizeBytes === f.sizeBytes && o.mtimeMs === f.mtimeMs ? { ...f, stats: o.stats } : f;
  });
  return { ...now, files };
}
