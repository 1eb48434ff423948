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
// insert), not temporary. Anything else takes the row path (copy.ts), as does a COPY into an
// empty table committed earlier: other transactions may be writing that storage, and nothing
// makes them wait for a COPY (see README "COPY FROM by ingest").
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

import type { TableDesc } from '../../catalog/index.js';
import { Txn, type Cell, type TableIngest } from '../../lsm/index.js';
import type { EvalContext } from '../bind/expr.js';
import type { TableSession } from '../rel/runtime.js';
import type { TableWriter } from './write.js';

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

/** One COPY's ingest into the storage of `writer.table`. */
export class CopyIngest {
  private ing: TableIngest | undefined;

  private constructor(private readonly ts: TableSession, private readonly writer: TableWriter, ing: TableIngest) {
    this.ing = ing;
  }

  /** Starts an ingest, or undefined when the lsm sees a version of the storage after all. */
  static begin(ts: TableSession, writer: TableWriter): CopyIngest | undefined {
    let ing: TableIngest;
    try {
      ing = ts.db.beginIngest(writer.table.storageId);
    } catch {
      return undefined;
    }
    return new CopyIngest(ts, writer, ing);
  }

  get active(): boolean {
    return this.ing !== undefined;
  }

  /**
   * Takes a checked row (the ingest owns key and cells afterwards) or answers 'unsorted' (nothing
   * taken). A duplicate key throws 23505 with the row path's message and detail; the caller adds
   * the CONTEXT line.
   */
  add(key: Uint8Array, cells: Cell[], ctx: EvalContext): IngestAdd {
    switch (this.ing!.add(key, cells)) {
      case 'ok':
        return 'ok';
      case 'unsorted':
        return 'unsorted';
      case 'duplicate':
        return this.duplicate(cells, ctx);
    }
  }

  private duplicate(cells: Cell[], ctx: EvalContext): never {
    throw this.writer.conflictError({ idx: this.writer.table.primaryKey! }, this.writer.valuesOf(cells), ctx);
  }

  /** True when the chunk being filled reached its file size: drain() before the next add. */
  get full(): boolean {
    return this.ing!.full;
  }

  drain(): Promise<void> {
    return this.ing!.drain();
  }

  /**
   * Leaves the ingest for the row path: the rows taken so far (ascending, unique) go into the
   * transaction's write set, then the ingest's files are removed.
   */
  async toRowPath(): Promise<void> {
    const ing = this.ing!;
    this.ing = undefined;
    try {
      for (const { key, row } of await ing.abandon()) this.writer.putNewCells(this.ts, key, row as Cell[]);
    } finally {
      await ing.abort();
    }
  }

  /** Makes the rows durable and part of the storage (one manifest edit); see the file header. */
  async finish(): Promise<void> {
    const ing = this.ing!;
    this.ing = undefined;
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
    const ing = this.ing;
    this.ing = undefined;
    if (ing) await ing.abort();
  }
}
