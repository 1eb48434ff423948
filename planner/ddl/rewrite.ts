// Key rewrites of ALTER TABLE (ADD PRIMARY KEY / UNIQUE, dropping a key column): every row of
// the old storage is written under the new layout into a fresh storage id, inside the
// transaction; the old storage is reclaimed after commit.
//
// Two paths:
//  - ingest (no UNIQUE besides the primary key): rows stream from one scan of the old storage
//    straight into segment files (LsmDb.beginIngest) while their new keys ascend — pgbench
//    loads aid ascending, and hidden row ids always ascend. Sorted keys make the uniqueness
//    check a comparison with the previous key. The files join the manifest in one edit when the
//    scan is done; the fresh storage id is reachable only through this transaction's catalog
//    row, so a ROLLBACK or a crash before COMMIT leaves the old table as it was (the new files
//    are then ingest-only storage no committed relation names, which SchemaCatalog.open drops
//    at the next start).
//  - write set (otherwise, or as soon as a key is out of order): rows go through the
//    transaction's write set; duplicates are found with in-memory sets.
// Checks, in PostgreSQL 15's order (its index build runs before the NOT NULL scan): duplicates
// among rows without NULL key values (23505, "could not create unique index", detail
// "Key (…)=(…) is duplicated."), then a NULL in a new key column (23502, "column … of relation
// … contains null values": the first such row, its first such column by attnum).

import { DbError, fromCell, type ColumnDesc, type TableDesc } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import type { Cell, Row as LsmRow, TableIngest } from '../../lsm/index.js';
import type { TableSession } from '../rel/runtime.js';
import { TableWriter } from '../dml/write.js';
import { latestRows } from './latest-rows.js';

type FmtCtx = Parameters<TableWriter['checkRow']>[1];

/** The stored cell of column `c` in a stored row (short rows read the column's `missing` value). */
export function cellOf(c: ColumnDesc, cells: LsmRow): Cell {
  if (c.dropped) return null;
  const i = c.attnum - 1;
  return i < cells.length ? (cells[i] ?? null) : ((c.missing ?? null) as Cell);
}

/** The first of `cols` (new NOT NULL key columns, by attnum) that is NULL in `stored`. */
function nullColumn(cols: readonly ColumnDesc[], stored: LsmRow): ColumnDesc | undefined {
  for (const c of cols) if (cellOf(c, stored) === null) return c;
  return undefined;
}

function nullError(t: TableDesc, c: ColumnDesc): DbError {
  return new DbError('23502', `column "${c.name}" of relation "${t.name}" contains null values`, { schema: t.schema, table: t.name, column: c.name });
}

function duplicateError(w: TableWriter, idx: NonNullable<TableDesc['primaryKey']>, row: Value[], fmtCtx: FmtCtx): DbError {
  const e = w.conflictError({ idx }, row, fmtCtx);
  return new DbError('23505', `could not create unique index "${idx.name}"`, { detail: (e.fields.detail ?? '').replace('already exists.', 'is duplicated.') });
}

/**
 * The primary and unique keys a rewrite into fresh storage has written so far (in memory: the new
 * storage is invisible to others until commit). `add` returns the row's keys, or fails as
 * CREATE UNIQUE INDEX does (23505 "is duplicated") when an earlier row had one of them.
 */
export class RewrittenKeys {
  private readonly seen: Set<string>[];
  constructor(private readonly next: TableDesc, private readonly w: TableWriter, private readonly fmtCtx: FmtCtx) {
    this.seen = [new Set<string>(), ...next.uniques.map(() => new Set<string>())];
  }

  add(ts: TableSession, row: Value[]): { key: Uint8Array; uniqueKeys: ReturnType<TableWriter['uniqueKeys']> } {
    const key = this.w.key(ts, row);
    const uniqueKeys = this.w.uniqueKeys(row);
    const keys = [key, ...uniqueKeys];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (!k || (i === 0 && !this.next.primaryKey)) continue;
      const s = Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1');
      if (this.seen[i]!.has(s)) throw duplicateError(this.w, i === 0 ? this.next.primaryKey! : this.next.uniques[i - 1]!, row, this.fmtCtx);
      this.seen[i]!.add(s);
    }
    return { key, uniqueKeys };
  }
}

/**
 * Rewrites all rows of `old` into fresh storage under the layout of `next` (new keys, new unique
 * entries). `old` and `next` have the same columns (only keys and storage differ), so stored
 * cells are copied as they are; only key and unique columns are decoded. `nullChecked` are the
 * columns that become NOT NULL key columns: a NULL there fails the statement (23502) first.
 */
export async function rewrite(ts: TableSession, old: TableDesc, next: TableDesc, fmtCtx: FmtCtx, notNull: readonly ColumnDesc[]): Promise<void> {
  const nullChecked = [...notNull].sort((a, b) => a.attnum - b.attnum);
  next.storageId = await ts.catalog.allocOid();
  if (next.primaryKey) next.primaryKey.storageId = next.storageId;
  for (const u of next.uniques) u.storageId = await ts.catalog.allocOid();
  const done = next.uniques.length === 0 && (await rewriteByIngest(ts, old, next, fmtCtx, nullChecked));
  // (An abandoned ingest left nothing in the new storage.)
  if (!done) rewriteByWriteSet(ts, old, next, fmtCtx, nullChecked);
  ts.afterCommit(old.storageId);
  for (const u of old.uniques) ts.afterCommit(u.storageId);
}

/**
 * Reads stored rows under the new layout: `cells` are the stored cells (the stored array itself
 * when its shape already matches — stored rows are never mutated — else a copy with missing and
 * dropped columns filled in), `row` the decoded key columns (one array reused row after row).
 */
class RowReader {
  private readonly row: Value[];
  private readonly sameShape: boolean;
  constructor(private readonly cols: readonly ColumnDesc[], private readonly decoded: readonly number[]) {
    this.row = new Array<Value>(cols.length).fill(null);
    this.sameShape = !cols.some((c) => c.dropped);
  }
  read(stored: LsmRow): { cells: LsmRow; row: Value[] } {
    const cols = this.cols;
    let cells: LsmRow;
    if (this.sameShape && stored.length === cols.length) cells = stored;
    else {
      const copy = new Array<Cell>(cols.length);
      for (let i = 0; i < cols.length; i++) copy[i] = cellOf(cols[i]!, stored);
      cells = copy;
    }
    for (const a of this.decoded) this.row[a - 1] = fromCell(cols[a - 1]!.typeOid, cells[a - 1] ?? null) as Value;
    return { cells, row: this.row };
  }
}

/** The ingest path; false (nothing left behind) when the new keys turn out not to ascend. */
async function rewriteByIngest(ts: TableSession, old: TableDesc, next: TableDesc, fmtCtx: FmtCtx, nullChecked: readonly ColumnDesc[]): Promise<boolean> {
  const w = new TableWriter(next, []);
  const reader = new RowReader(next.columns, next.primaryKey?.attnums ?? []);
  const ing: TableIngest = ts.db.beginIngest(next.storageId);
  let firstNull: ColumnDesc | undefined;
  try {
    for (const kr of latestRows(ts, old.storageId)) {
      if (nullChecked.length > 0) {
        // Rows with a NULL key are not indexed (no duplicate among them); reported at the end.
        const c = nullColumn(nullChecked, kr.row);
        if (c) {
          firstNull ??= c;
          continue;
        }
      }
      const { cells, row } = reader.read(kr.row);
      const added = ing.add(w.key(ts, row), cells);
      if (added === 'unsorted') {
        await ing.abort();
        return false;
      }
      if (added === 'duplicate') throw duplicateError(w, next.primaryKey!, row, fmtCtx);
      if (ing.full) await ing.drain();
    }
    if (firstNull) throw nullError(next, firstNull);
    await ing.finish();
    return true;
  } catch (e) {
    await ing.abort();
    throw e;
  }
}

/**
 * The write-set path. Rows stream from the scan: its snapshot and own-write set are fixed when
 * it starts, and writes go to new storage. The new storage is invisible to other transactions
 * until commit: duplicates are found with in-memory sets, without row locks.
 */
function rewriteByWriteSet(ts: TableSession, old: TableDesc, next: TableDesc, fmtCtx: FmtCtx, nullChecked: readonly ColumnDesc[]): void {
  let firstNull: ColumnDesc | undefined;
  const w = new TableWriter(next, []);
  const reader = new RowReader(next.columns, [...new Set([...(next.primaryKey?.attnums ?? []), ...next.uniques.flatMap((u) => u.attnums)])]);
  const written = new RewrittenKeys(next, w, fmtCtx);
  for (const kr of latestRows(ts, old.storageId)) {
    if (nullChecked.length > 0) {
      const c = nullColumn(nullChecked, kr.row);
      if (c) {
        firstNull ??= c;
        continue;
      }
    }
    const { cells, row } = reader.read(kr.row);
    const { key, uniqueKeys } = written.add(ts, row);
    w.putCells(ts, key, cells, uniqueKeys);
  }
  if (firstNull) throw nullError(next, firstNull);
}
