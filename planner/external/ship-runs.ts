// Shipped keys answered from key runs (issue 5, placement B: "recent activity + history"): when a
// join ships the native side's keys into an external scan (ship.ts) and the key column is an
// integer column whose files have key runs (external/key-runs.ts, lookup-runs.ts) covering every
// key, the rows holding those keys are read by `file_row_number` — DuckDB then decompresses only
// the other columns' pages of the row groups holding them, never the key column's — instead of
// `key IN (…)` over the files.
// Exactness: (1) the rows are exactly those whose key is one of the shipped keys (a block either
// is dense — key k at row k − offset — or makes this path give up; a key outside every block's
// [min, max] is in no row); the key column's value of each row is the key its block places there;
// (2) the scan's other pushed conjuncts are not sent to DuckDB: placement B re-checks every pushed
// conjunct natively above the scan (scan-spec.ts), and the join re-checks the key equality;
// (3) key runs are used only for the identity (size, mtime ns, inode) they were built for: each
// file is stat'ed before its runs are looked up and again after its rows are read — a file
// replaced meanwhile makes the whole scan take the usual path (its rows are discarded);
// (4) anything else — no runs yet (the first lookups start their build in the background), a
// key in a block that is not dense, a key over a partition column, more than
// KEY_RUN_SCAN_FILES_MAX files left after pruning, more rows than the statement may hold —
// returns undefined and the scan runs as before, with the keys already read (ship.ts
// rememberKeys). Loaded by dynamic import (it pulls in DuckDB), from fetch-run.ts.
import { keyRunsSupported, rowsWithKey, type RefFile } from '../../external/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { externalRowCursor } from './cursor.js';
import { renderFragment, type Fragment } from './fragment.js';
import type { ExternalHost } from './host.js';
import { fileIdentity } from './lookup-runs.js';
import { currentRef, pruneFiles } from './prefetch.js';
import type { ExternalScan } from './scan-spec.js';
import { rememberKeys, shipMode, SHIP_ROWS_AUTO_MAX, SHIP_ROWS_FORCED_MAX } from './ship.js';

/** Files (after pruning) a scan reads by row number at most: one DuckDB query each. */
export const KEY_RUN_SCAN_FILES_MAX = 16;
/** Target rows per file up to which the query is a prepared shape (one per IN-list length). */
const SMALL_TARGET_ROWS_MAX = 64;
/** Target rows per file up to which DuckDB computes the result in one call (duck.ts `materialize`). */
const MATERIALIZE_ROWS_MAX = 10_000;
const FETCH_ROWS = 4096;
const CANCEL_POLL_MS = 50;
const INT_OIDS = new Set([20, 21, 23]);

interface FilePlan {
  file: RefFile;
  identity: string;
  /** Target row → the key value (in the external column's representation) at that row. */
  keyAt: Map<bigint, Value>;
  /** Blocks (row groups) holding target rows. */
  blocks: number;
}

/**
 * The rows of `scan` for this execution (one slot per table column) read by row number from the
 * key runs of its files, or undefined: read the scan as usual.
 */
export async function fetchShippedByKeyRuns(host: ExternalHost, scan: ExternalScan, ctx: EvalContext, rowsMax: number): Promise<Value[][] | undefined> {
  const src = scan.ship;
  if (!src || scan.partial) return undefined;
  const mode = shipMode(ctx);
  if (mode === 'off') return undefined;
  const t = scan.table;
  const keyCol = t.columns[src.extCol];
  if (!keyCol || !INT_OIDS.has(keyCol.typeOid)) return undefined;
  const ref = await currentRef(host, t.external!);
  const names = [...ref.columns, ...ref.partitionColumns].map((c) => c.name);
  if (names.length !== t.columns.length || names.some((n, i) => n !== t.columns[i]!.name)) {
    throw new Error(`assertion: external table ${t.name}'s columns do not match its reference`);
  }
  const refCol = ref.columns.find((c) => c.name === keyCol.name);
  // A partition column has no key runs; a file type key runs do not read (UINTEGER…) neither.
  if (!refCol || !INT_OIDS.has(refCol.oid) || !keyRunsSupported(refCol.duckType)) return undefined;
  // A file column named like DuckDB's virtual column would be shadowed by it.
  if ([...ref.columns, ...ref.partitionColumns].some((c) => c.source.toLowerCase() === 'file_row_number')) return undefined;
  const fetch = scan.columnsToFetch();
  if (!fetch.includes(src.extCol)) return undefined;
  const keys = rememberKeys(src, ctx, mode === 'on' ? SHIP_ROWS_FORCED_MAX : SHIP_ROWS_AUTO_MAX);
  if (!keys || keys.length === 0) return undefined; // nothing shipped, or no key: the usual path says so
  const req = scan.request(ctx, new Set(ref.partitionColumns.map((c) => c.name)));
  const ship = scan.shipPredicate(src, keys);
  req.filters.push(ship.frag);
  if (ship.part) req.stats.push(ship.part);
  const pr = pruneFiles(ref, req, ctx);
  if (pr.files.length === 0 || pr.files.length > KEY_RUN_SCAN_FILES_MAX) return undefined;

  const engine = await host.engine();
  const asKey = keyCol.typeOid === 20 ? (k: bigint): Value => k : (k: bigint): Value => Number(k);
  const plans: FilePlan[] = [];
  let targets = 0;
  for (const file of pr.files) {
    const identity = fileIdentity(file.path);
    if (identity === undefined) return undefined;
    const runs = host.keyRuns.get(engine, file.path, refCol.source, refCol.duckType, identity);
    if (!runs) return undefined;
    const keyAt = new Map<bigint, Value>();
    const blocks = new Set<bigint>();
    for (const k of keys) {
      if (typeof k !== 'bigint' && typeof k !== 'number') return undefined;
      const key = BigInt(k);
      const rows = rowsWithKey(runs, key);
      if (!rows) return undefined;
      for (const r of rows) {
        keyAt.set(r, asKey(key));
        blocks.add(r / runs.blockRows);
      }
    }
    targets += keyAt.size;
    if (targets > rowsMax) return undefined;
    plans.push({ file, identity, keyAt, blocks: blocks.size });
  }

  const out: Value[][] = [];
  const keySlot = fetch.indexOf(src.extCol);
  let shownSql: string | undefined;
  let read = 0;
  for (const p of plans) {
    if (p.keyAt.size === 0) continue; // the runs say no row of this file has any of the keys
    const rows = [...p.keyAt.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const frag: Fragment = {
      table: t.name, ref, files: [p.file], filters: req.filters,
      output: { kind: 'columns', columns: fetch.map((i) => names[i]!) },
      orderBy: [], limit: undefined, offset: undefined,
      rowTarget: { rows, keyColumn: keyCol.name, key: { kind: 'rowNumber' } },
    };
    // A few rows: a prepared shape. One row group: the single-threaded instance (no worker
    // wake-ups); rows in several row groups: the main instance, whose threads read them in parallel.
    const small = rows.length <= SMALL_TARGET_ROWS_MAX;
    const r = renderFragment(frag, { parameters: small });
    if (!r.pushable) return undefined;
    const cursor = externalRowCursor(engine, ctx.cancel, {
      sql: r.sql, files: r.files, params: small ? r.params : undefined,
      materialize: rows.length <= MATERIALIZE_ROWS_MAX, singleThread: p.blocks === 1, cancelPollMs: CANCEL_POLL_MS,
    });
    const got: Value[][] = [];
    try {
      for (;;) {
        const f = await cursor.fetch(FETCH_ROWS);
        for (const row of f.rows) got.push(row as Value[]);
        if (f.done) break;
      }
    } finally {
      cursor.close();
    }
    if (fileIdentity(p.file.path) !== p.identity) {
      host.keyRuns.forget(p.file.path, refCol.source);
      return undefined;
    }
    for (const row of got) {
      const rn = row[keySlot];
      const key = typeof rn === 'bigint' ? p.keyAt.get(rn) : undefined;
      if (key === undefined) throw new Error(`assertion: ${t.name}: DuckDB returned row ${String(rn)}, not a target row`);
      const full = new Array<Value>(names.length).fill(null);
      for (let k = 0; k < fetch.length; k++) full[fetch[k]!] = k === keySlot ? key : row[k]!;
      out.push(full);
    }
    read++;
    if (shownSql === undefined) {
      const shown = small ? renderFragment(frag) : r;
      shownSql = shown.pushable ? shown.sql : r.sql;
    }
  }
  scan.lastRun = { ...pr.figures, shippedKeys: keys.length, keyRunFiles: read, sql: shownSql };
  return out;
}
