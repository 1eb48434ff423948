// COPY FROM by direct segment ingest (lsm TableIngest, RocksDB's IngestExternalFile): rows
// become segment files of the table's storage instead of entries of the transaction's write set,
// WAL and memtable.
//
// When (ingestTarget): the table's storage was created by this transaction (CREATE TABLE or
// TRUNCATE earlier in it: no committed relation names the storage id, so no other transaction
// can read or write it, and this transaction holds the relation's name lock), the storage holds
// no version at all (no rows, no own write in it — not even a deletion; writes to other tables,
// such as pgbench's INSERTs into branches and tellers before its COPY, do not matter), and the table has nothing an ingest cannot check: no UNIQUE or
// secondary index, no FOREIGN KEY of its own (rows of a referenced table need no check on
// insert), not temporary.
//
// A COPY into a table committed earlier (copyIngestStart → 'committed') ingests too when the
// COPY is its whole transaction: an implicit transaction (not inside BEGIN … COMMIT) that wrote
// nothing before, into a table with the same exclusions (the table may hold rows). It goes by
// the lsm's published ingest (lsm/db/publish.ts, lsm/MVCC.md "Published ingest"): the files are
// private to the transaction, its keys are held as a bulk row lock (a concurrent INSERT of a
// taken key waits for the COPY, then gets 23505), the end of the COPY waits for writers that
// locked a key first and validates every key (23505 with CONTEXT "COPY t, line N", before the
// command completes, as PostgreSQL reports it at the row), and the commit publishes the files
// with one manifest edit at a file-level sequence number: snapshots older than the commit do not
// see the rows. A later statement of the same transaction (a multi-statement Query) first moves
// the rows into the write set (lsm Txn "materialize"), so it sees them; a rollback removes the
// files. Keys that stop ascending: the rows taken so far are read back and inserted through the
// checked row path (locks, duplicate checks), and the COPY continues there.
// Anything else takes the row path (copy.ts).
//
// Keys: rows stream into the ingest while their keys ascend (hidden row ids always do). A key
// equal to the previous one is a duplicate (23505, as the row path words it). A key below it
// ends the ingest: every row taken so far is read back from the written files and the chunk in
// memory (TableIngest.abandon) into the transaction's write set — the storage is fresh, so no
// lock or check is needed for them — the files are removed, and the COPY continues on the row
// path with the row that broke the order. No row is lost or taken twice: each row is either in
// the ingest or, after the switch, in the write set, never both.
//
// Atomicity and durability: at the end of the COPY the ingest's files are fsynced and added to
// the manifest in one edit; the storage becomes reachable only through this transaction's
// catalog rows, which commit with it. A crash before the edit leaves orphan files (deleted at
// the next open); a ROLLBACK, an error or a crash after it leaves storage that only ingests
// wrote and no committed relation names (dropped at the next open: SchemaCatalog.open). An
// error or a disconnect during the COPY removes the files at once (abort). Ingested rows carry
// seq 0 (visible to every snapshot of the storage): snapshots older than the commit cannot name
// the storage, so they see the table as before. ROLLBACK TO a savepoint taken before the COPY
// cannot unmake the files: the COPY counts as DDL (noteDdl), so such a ROLLBACK TO is refused
// with 0A000 (as after any DDL) instead of leaving the rows behind.

import { DbError, type TableDesc } from '../../catalog/index.js';
import { Txn, type Cell, type ColumnarRow, type PublishIngest, type TableIngest } from '../../lsm/index.js';
import type { EvalContext } from '../bind/expr.js';
import type { TableSession } from '../rel/runtime.js';
import { lockOptions, type TableWriter } from './write.js';

/** True when this transaction created the table's storage (CREATE TABLE or TRUNCATE in it): no
 *  committed relation names it (storage ids are never reused). Reads every committed relation. */
export function storageCreatedHere(ts: TableSession, tab: TableDesc): boolean {
  return !ts.catalog.committedStorageIds().has(tab.storageId);
}

/** Whether a COPY into `tab` may ingest (see the file header); checked when the COPY starts. */
export function ingestTarget(ts: TableSession, tab: TableDesc, hasFk: boolean): boolean {
  if (tab.uniques.length > 0 || (tab.indexes?.length ?? 0) > 0 || hasFk || tab.schema.startsWith('pg_temp')) return false;
  if (!storageCreatedHere(ts, tab)) return false;
  // No own write (not even a deletion) in the storage: every row write of the transaction is in
  // ts.ownKeys (write.ts), named by the lsm op key, which starts with the table's fixed prefix.
  if (ts.writes !== 0) {
    const prefix = Txn.keyOf(tab.storageId, new Uint8Array(0));
    for (const k of ts.ownKeys) if (k.startsWith(prefix)) return false;
  }
  // Nothing readable in the storage (an earlier ingest of this transaction, rows of CREATE TABLE AS).
  return ts.current().scan(tab.storageId).next().done === true;
}

export type IngestAdd = 'ok' | 'unsorted';

/** Whether a COPY into a table committed earlier may ingest (file header): checked at its start. */
export function committedIngestTarget(ts: TableSession, tab: TableDesc, hasFk: boolean): boolean {
  if (tab.uniques.length > 0 || (tab.indexes?.length ?? 0) > 0 || hasFk || tab.schema.startsWith('pg_temp')) return false;
  if (ts.host.inTransactionBlock()) return false;
  // The COPY must be the transaction's first write (a later one materializes the rows anyway).
  if (ts.writes !== 0 || (ts.hasTxn() && ts.current().writeCount !== 0)) return false;
  return !storageCreatedHere(ts, tab);
}

/**
 * The ingest a COPY starts with (undefined: the row path): into storage this transaction
 * created (ingestTarget), else into a committed table when the COPY is its whole transaction
 * (committedIngestTarget). `lineBase`: input lines before the first row (a CSV header), for the
 * CONTEXT line of a duplicate found at the end.
 */
export function copyIngestStart(ts: TableSession, writer: TableWriter, hasFk: boolean, ctx: EvalContext, lineBase: number): CopyIngest | undefined {
  const tab = writer.table;
  if (ingestTarget(ts, tab, hasFk)) return CopyIngest.begin(ts, writer);
  if (committedIngestTarget(ts, tab, hasFk)) return CopyIngest.beginCommitted(ts, writer, ctx, lineBase);
  return undefined;
}

type Mode =
  | { kind: 'fresh'; ing: TableIngest }
  | { kind: 'committed'; ing: PublishIngest; ctx: EvalContext; lineBase: number };

/** One COPY's ingest into the storage of `writer.table`. */
export class CopyIngest {
  private mode: Mode | undefined;

  private constructor(private readonly ts: TableSession, private readonly writer: TableWriter, mode: Mode) {
    this.mode = mode;
  }

  /** Starts an ingest, or undefined when the lsm sees a version of the storage after all. */
  static begin(ts: TableSession, writer: TableWriter): CopyIngest | undefined {
    let ing: TableIngest;
    try {
      ing = ts.db.beginIngest(writer.table.storageId);
    } catch {
      return undefined;
    }
    return new CopyIngest(ts, writer, { kind: 'fresh', ing });
  }

  /** Starts a published ingest into a committed table (the file header's second case). */
  static beginCommitted(ts: TableSession, writer: TableWriter, ctx: EvalContext, lineBase: number): CopyIngest {
    // A later statement of the transaction moves the rows into the write set: they are then
    // this transaction's own writes, which the SQL layer tracks in ts.ownKeys (write.ts).
    const ing = ts.db.beginPublishIngest(ts.current(), writer.table.storageId, (k) => {
      ts.ownKeys.add(k);
      ts.writes++;
    });
    const ci = new CopyIngest(ts, writer, { kind: 'committed', ing, ctx, lineBase });
    // A duplicate found again at the commit (lsm re-validation under its commit gate).
    const mode = ci.mode as Extract<Mode, { kind: 'committed' }>;
    ing.duplicateError = (i) => ci.duplicateAt(mode, i);
    return ci;
  }

  get active(): boolean {
    return this.mode !== undefined;
  }

  /** True for an ingest into storage this transaction created. */
  get fresh(): boolean {
    return this.mode?.kind === 'fresh';
  }

  /**
   * Takes a checked row (the ingest owns key and cells afterwards) or answers 'unsorted' (nothing
   * taken). A duplicate key throws 23505 with the row path's message and detail; the caller adds
   * the CONTEXT line.
   */
  add(key: Uint8Array, cells: Cell[], ctx: EvalContext): IngestAdd {
    switch (this.mode!.ing.add(key, cells)) {
      case 'ok':
        return 'ok';
      case 'unsorted':
        return 'unsorted';
      case 'duplicate':
        return this.duplicate(cells, ctx);
    }
  }

  /** add() of a row that writes itself into the ingest's column builders (copy-staged.ts). */
  addColumnar(key: Uint8Array, r: ColumnarRow, ctx: EvalContext): IngestAdd {
    switch (this.mode!.ing.addColumnar(key, r)) {
      case 'ok':
        return 'ok';
      case 'unsorted':
        return 'unsorted';
      case 'duplicate':
        return this.duplicate(r.cells() as Cell[], ctx);
    }
  }

  private duplicate(cells: Cell[], ctx: EvalContext): never {
    throw this.writer.conflictError({ idx: this.writer.table.primaryKey! }, this.writer.valuesOf(cells), ctx);
  }

  /** 23505 for the published ingest's row `i` (its key has a live committed version), with the
   *  CONTEXT line PostgreSQL gives the row. */
  private duplicateAt(m: Extract<Mode, { kind: 'committed' }>, i: number): DbError {
    const pk = this.writer.table.primaryKey;
    const row = m.ing.ownRow(m.ing.keys.key(i));
    if (!pk || !row) return new DbError('XX000', 'duplicate key in a COPY without its row');
    const e = this.writer.conflictError({ idx: pk }, this.writer.valuesOf(row as Cell[]), m.ctx);
    return new DbError(e.code, e.message, { ...e.fields, where: `COPY ${this.writer.table.name}, line ${m.lineBase + i + 1}` });
  }

  /** True when the chunk being filled reached its file size: drain() before the next add. */
  get full(): boolean {
    return this.mode!.ing.full;
  }

  drain(): Promise<void> {
    return this.mode!.ing.drain();
  }

  /**
   * Leaves the ingest for the row path: the rows taken so far (ascending, unique) go into the
   * transaction's write set, then the ingest's files are removed. Into fresh storage no lock or
   * check is needed; into a committed table each row goes through the checked insert (its lock,
   * waiting for another writer, and the duplicate check).
   */
  async toRowPath(): Promise<void> {
    const m = this.mode!;
    this.mode = undefined;
    if (m.kind === 'fresh') {
      try {
        for (const { key, row } of await m.ing.abandon()) this.writer.putNewCells(this.ts, key, row as Cell[]);
      } finally {
        await m.ing.abort();
      }
      return;
    }
    const { writer, ts } = this;
    try {
      let i = 0;
      for (const { key, row } of await m.ing.abandon()) {
        const cells = row as Cell[];
        try {
          if (writer.conflictFree) writer.putNewCells(ts, key, cells);
          else if (!writer.tryInsertCells(ts, key, cells, m.ctx)) await writer.insertCellsChecked(ts, key, cells, m.ctx, lockOptions(ts));
        } catch (e) {
          if (e instanceof DbError && e.code === '23505' && !e.fields.where) throw new DbError(e.code, e.message, { ...e.fields, where: `COPY ${writer.table.name}, line ${m.lineBase + i + 1}` });
          throw e;
        }
        i++;
      }
    } finally {
      await m.ing.abort();
    }
  }

  /** Makes the rows durable and part of the storage (one manifest edit); see the file header.
   *  A published ingest is validated here and published by the transaction's commit. */
  async finish(): Promise<void> {
    const m = this.mode!;
    this.mode = undefined;
    if (m.kind === 'committed') {
      const table = this.writer.table.storageId;
      const txn = this.ts.current();
      try {
        const dup = await m.ing.close((key, o) => txn.lockRow(table, key, o), lockOptions(this.ts, m.ctx.cancel));
        if (dup >= 0) throw this.duplicateAt(m, dup);
      } catch (e) {
        await m.ing.abort();
        throw e;
      }
      return;
    }
    const ing = m.ing;
    // Before the edit: from here a ROLLBACK TO an earlier savepoint is refused (0A000).
    this.ts.noteDdl();
    try {
      await ing.finish();
    } catch (e) {
      await ing.abort();
      throw e;
    }
  }

  /** Error or disconnect: the files written so far are removed. */
  async abort(): Promise<void> {
    const m = this.mode;
    this.mode = undefined;
    if (m) await m.ing.abort();
  }
}
