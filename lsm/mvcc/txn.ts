// Transactions (see ../MVCC.md). A transaction reads at its snapshot, buffers its writes in a
// private write set (read-your-own-writes), and at commit hands the write set to the database
// as one WAL record: all of it becomes visible at once, and only once durable.
// Isolation:
//  - 'snapshot' (REPEATABLE READ / SERIALIZABLE): one snapshot for the whole transaction;
//    first-committer-wins: commit fails with 40001 if another transaction committed (or is
//    committing) a write to any key in the write set after the snapshot was taken.
//  - 'read-committed': the SQL layer calls setSnapshot() per statement; no commit-time
//    conflict check — lost updates are prevented by row locks (lockRow, wait, then re-check
//    with getLatestCommitted), as PostgreSQL's READ COMMITTED does.
// Invariants: after commit/rollback every method throws 25P02 (except rollback, idempotent);
// row locks are released exactly when the transaction ends; the write set and the locks are
// charged their estimated heap cost (budget.ts) against the transaction's limit (54000) and the
// database-wide WriteSetBudget (53200), and the charge is returned when the transaction ends.
import { compareBytes } from '../keys/compare.js';
import { LOCK_HEAP_BYTES, entryHeapBytes, writeSetLimitError, type WriteSetBudget } from './budget.js';
import { KeySlab, sortKeyOf } from '../memtable/sortkey.js';
import { LsmError } from '../types.js';
import type { Entry, Row, Seq, TableId } from '../types.js';
import type { LockOptions, TryLockOptions, TxnId } from './locks.js';
import type { Snapshot } from './snapshots.js';

export type Isolation = 'snapshot' | 'read-committed';

export interface ScanOptions {
  lower?: Uint8Array;
  upper?: Uint8Array;
  /** Default true. */
  lowerInclusive?: boolean;
  /** Default false. */
  upperInclusive?: boolean;
  reverse?: boolean;
  /**
   * User column positions the caller reads (a projection hint): a segment leaves every other
   * cell of the rows it returns null instead of decoding it. Rows from memtables and the
   * transaction's own writes are whole. Undefined: all columns.
   */
  columns?: readonly number[] | undefined;
}

export interface KeyRow {
  key: Uint8Array;
  row: Row;
}

export interface WriteOp {
  table: TableId;
  key: Uint8Array;
  kind: 'put' | 'del';
  row: Row | undefined;
}

/**
 * A published ingest attached to a transaction (lsm/db/publish.ts, MVCC.md "Published
 * ingest"): rows written to private segment files whose keys the transaction holds as a bulk
 * holder. The commit publishes them (TxnHost.publishIngest) when the write set is empty; any
 * other use of the transaction after the load was written (a further statement reading or
 * writing) first moves its rows into the write set ("materialize"), so the transaction then sees
 * and commits them the ordinary way.
 */
export interface TxnIngest {
  readonly table: TableId;
  /** Rows taken so far. */
  readonly rows: number;
  /** The load ended: files written and keys validated (close()). */
  readonly written: boolean;
  /** Neither aborted nor published. */
  readonly active: boolean;
  /** The rows in key order (only once written). */
  rowsBack(): Iterable<{ key: Uint8Array; row: Row }>;
  /** Removes the files (not after the publish began). */
  abort(): Promise<void>;
}

/** What a transaction needs from the database (LsmDb implements it). */
export interface TxnHost {
  newSnapshot(): Snapshot;
  readAt(table: TableId, key: Uint8Array, seq: Seq, columns?: readonly number[]): Row | undefined;
  scanAt(table: TableId, opts: ScanOptions, seq: Seq): Iterable<KeyRow>;
  latestVersion(table: TableId, key: Uint8Array): Entry | undefined;
  /** `opKeys[i]` = opKey of `ops[i]` (the write set already has them: not built twice).
   *  `heapBytes`: what the write set was charged; the rows keep costing it in the memtable until
   *  flushed, so the host charges that much to the memtable (writeSetBudget.add). */
  commitOps(ops: WriteOp[], conflictSnapshot: Seq | undefined, opKeys?: string[], heapBytes?: number): Promise<Seq>;
  lockRow(txn: TxnId, table: TableId, key: Uint8Array, opts: LockOptions): Promise<string>;
  /** Takes the lock of `lockKey` (an opKey) at once when that waits for no one (a row lock in
   *  `o.strength`, default FOR UPDATE, or the relation lock `o.relation`: LockManager.tryAcquire);
   *  false when it would wait (the caller then waits through lockRow). */
  tryLockRow(txn: TxnId, lockKey: string, o: TryLockOptions | undefined): boolean;
  /** Releases the locks and cancels a lock wait still pending for `txn`. */
  releaseLocks(txn: TxnId, lockKeys: Iterable<string>): void;
  checkValue(table: TableId, key: Uint8Array, row: Row | undefined): void;
  /** Publishes the transaction's ingest as its commit; returns the commit's seq. */
  publishIngest(ing: TxnIngest): Promise<Seq>;
  /** Ends the bulk hold of `txn` (a published ingest's keys), waking its waiters. */
  releaseBulk(txn: TxnId): void;
  /** The per-transaction limit of estimated heap bytes (budget.ts boundedTxnBytes). */
  readonly txnBytesMax: number;
  /** What all open transactions of the database charge together. */
  readonly writeSetBudget: WriteSetBudget;
}

type TxnState = 'active' | 'committing' | 'committed' | 'rolled-back';

/** The map key of (table, key) in write sets, in-flight commits and locks: the memtable's sort
 *  key, so a commit computes it once for both (memtable/sortkey.ts). */
export function opKey(table: TableId, key: Uint8Array): string {
  return sortKeyOf(table, key);
}

export class Txn {
  /** opKey(), for callers outside lsm/ that keep their own sets of written keys: one string
   *  then serves their set, the write set, the lock table and the memtable. */
  static keyOf(table: TableId, key: Uint8Array): string {
    return sortKeyOf(table, key);
  }

  private state: TxnState = 'active';
  /** The write set, made on the first write: a read-only transaction (every implicit SELECT)
   *  allocates neither it nor `lockSet`. Read it through `writeMap?.`, write through `writes`. */
  private writeMap: Map<string, WriteOp> | undefined = undefined;
  /** Estimated heap bytes of the write set, the locks and reserve()d structures, also charged
   *  to host.writeSetBudget until finish(). */
  private writeBytes = 0;
  /** Row locks held (made on the first lock; see writeMap). */
  private lockSet: Set<string> | undefined = undefined;
  /** Where internKey() copies keys (made on first use). */
  private keySlab: KeySlab | undefined;
  /** insertIfAbsent took locks that only the write set names: release its keys at the end. */
  private releaseWrittenKeys = false;
  /** A published ingest of this transaction (attachIngest), until materialized or ended. */
  private ingest: TxnIngest | undefined;
  /** Told each key (opKey) a materialized ingest put into the write set (attachIngest). */
  private onMaterialize: ((k: string) => void) | undefined;
  /** The lock manager holds a bulk hold of this transaction (released at the end). */
  private bulkHeld = false;

  constructor(
    private readonly host: TxnHost,
    readonly id: TxnId,
    readonly isolation: Isolation,
    private snap: Snapshot,
  ) {}

  private get writes(): Map<string, WriteOp> {
    return (this.writeMap ??= new Map());
  }

  private get locks(): Set<string> {
    return (this.lockSet ??= new Set());
  }

  get snapshotSeq(): Seq {
    return this.snap.seq;
  }
  get isActive(): boolean {
    return this.state === 'active';
  }
  /** Writes so far: the write set's entries plus the rows of an attached ingest. */
  get writeCount(): number {
    const ing = this.ingest;
    return (this.writeMap?.size ?? 0) + (ing !== undefined && ing.active ? ing.rows : 0);
  }

  private check(): void {
    if (this.state !== 'active') throw new LsmError('25P02', `transaction is already ${this.state}`);
    if (this.ingest !== undefined) this.settleIngest();
  }

  /**
   * Attaches a published ingest (LsmDb.beginPublishIngest, which also registers the bulk hold):
   * the commit publishes it; the transaction's end releases the hold and removes unpublished files.
   * `onMaterialize` learns every key the rows take in the write set when a later use moves them
   * there (the SQL layer's own-key set must name them before it next asks it).
   */
  attachIngest(ing: TxnIngest, onMaterialize?: (k: string) => void): void {
    this.check();
    if (this.ingest !== undefined || this.bulkHeld) throw new Error('lsm invariant violated: a second ingest in one transaction');
    this.ingest = ing;
    this.onMaterialize = onMaterialize;
    this.bulkHeld = true;
  }

  /** Forgets an aborted ingest; moves a written one into the write set (see TxnIngest). */
  private settleIngest(): void {
    const ing = this.ingest!;
    if (!ing.active) {
      this.ingest = undefined;
      return;
    }
    if (!ing.written) return; // still loading: its own calls (lock waits) pass
    this.ingest = undefined;
    // The keys stay locked by the bulk hold until the transaction ends.
    const tell = this.onMaterialize;
    for (const { key, row } of ing.rowsBack()) {
      const k = opKey(ing.table, key);
      this.store(k, ing.table, key, 'put', row);
      tell?.(k);
    }
    void ing.abort().catch(() => undefined);
  }

  /** READ COMMITTED: a fresh snapshot for the next statement (default: the latest commit). */
  setSnapshot(s?: Snapshot): void {
    this.check();
    const next = s ?? this.host.newSnapshot();
    this.snap.release();
    this.snap = next;
  }

  /** `columns`: a projection for a row read from a segment (the other cells are null; own
   *  writes and memtable rows are whole) — for readers that decode only those columns. */
  get(table: TableId, key: Uint8Array, columns?: readonly number[]): Row | undefined {
    this.check();
    // No own writes (read-only transactions): no opKey string to build.
    const ws = this.writeMap;
    if (ws !== undefined && ws.size !== 0) {
      const w = ws.get(opKey(table, key));
      if (w) return w.kind === 'put' ? w.row : undefined;
    }
    return this.host.readAt(table, key, this.snap.seq, columns);
  }

  /** Rows visible at the snapshot merged with this transaction's own writes. The snapshot and
   *  the write set are taken when scan() is called (like a cursor), not at the first next(). */
  scan(table: TableId, opts: ScanOptions = {}): IterableIterator<KeyRow> {
    this.check();
    const own = this.ownWrites(table, opts);
    const base = this.host.scanAt(table, opts, this.snap.seq)[Symbol.iterator]();
    if (own.length === 0) return toIterable(base);
    return mergeOwn(base, own, opts.reverse ? -1 : 1);
  }

  private ownWrites(table: TableId, r: ScanOptions): WriteOp[] {
    const out: WriteOp[] = [];
    if (this.writeMap === undefined) return out;
    const lowerIncl = r.lowerInclusive ?? true;
    const upperIncl = r.upperInclusive ?? false;
    for (const w of this.writes.values()) {
      if (w.table !== table) continue;
      if (r.lower) {
        const c = compareBytes(w.key, r.lower);
        if (c < 0 || (c === 0 && !lowerIncl)) continue;
      }
      if (r.upper) {
        const c = compareBytes(w.key, r.upper);
        if (c > 0 || (c === 0 && !upperIncl)) continue;
      }
      out.push(w);
    }
    out.sort((a, b) => compareBytes(a.key, b.key) * (r.reverse ? -1 : 1));
    return out;
  }

  put(table: TableId, key: Uint8Array, row: Row): void {
    this.write({ table, key, kind: 'put', row });
  }

  delete(table: TableId, key: Uint8Array): void {
    this.write({ table, key, kind: 'del', row: undefined });
  }

  private write(op: WriteOp): void {
    this.check();
    // Keys and rows are copied: the caller may reuse its buffers.
    this.store(opKey(op.table, op.key), op.table, Uint8Array.from(op.key), op.kind, op.row ? op.row.slice() : undefined, undefined, true);
  }

  /**
   * Bulk insert path (COPY): put() without copies. The transaction takes ownership of `key` and
   * `row` (the caller must never touch them again) and `k` must be `Txn.keyOf(table, key)`.
   */
  putOwned(table: TableId, key: Uint8Array, row: Row, k: string): void {
    this.check();
    this.store(k, table, key, 'put', row);
  }

  private store(k: string, table: TableId, key: Uint8Array, kind: 'put' | 'del', row: Row | undefined, old = this.writes.get(k), keyCopied = false): void {
    this.host.checkValue(table, key, row);
    const bytes = entryHeapBytes(key, row, keyCopied) - (old ? entryHeapBytes(old.key, old.row, keyCopied) : 0);
    this.charge(bytes);
    this.writes.set(k, { table, key, kind, row });
  }

  /** Counts `bytes` (heap, estimated) against this transaction's limit (54000) and the
   *  database's budget (53200); nothing is charged when either refuses. */
  private charge(bytes: number): void {
    const next = this.writeBytes + bytes;
    if (bytes > 0 && next > this.host.txnBytesMax) throw writeSetLimitError(this.host.txnBytesMax);
    this.host.writeSetBudget.charge(bytes);
    this.writeBytes = next;
  }

  /**
   * Charges memory the caller keeps for this transaction until it ends (an undo log for
   * savepoints, rows noted for foreign-key checks) to the same limits as the write set, so that
   * no per-transaction structure grows without bound. Returned when the transaction ends.
   */
  reserve(bytes: number): void {
    this.check();
    if (bytes > 0) this.charge(bytes);
  }

  /** Returns part of what reserve() took, for structures freed before the transaction ends
   *  (rows a statement notes for its end-of-statement checks). Never below what write set and
   *  locks hold: the caller returns at most what it reserved. */
  unreserve(bytes: number): void {
    this.check();
    if (!(bytes > 0)) return;
    const n = Math.min(bytes, this.writeBytes);
    this.host.writeSetBudget.release(n);
    this.writeBytes -= n;
  }

  /** Estimated heap bytes charged so far (tests, diagnostics). */
  get chargedBytes(): number {
    return this.writeBytes;
  }

  private addLock(k: string): void {
    const n = this.locks.size;
    this.locks.add(k);
    // A key already locked, or written (its entry's charge includes its lock; insertIfAbsent
    // holds such locks outside `locks`), costs nothing more — and its lock must never be given
    // back below.
    if (this.locks.size === n || this.writes.has(k)) return;
    try {
      this.charge(LOCK_HEAP_BYTES);
    } catch (e) {
      // Over the limit: the lock just taken is not kept (the statement fails; nothing of this
      // transaction depends on it).
      this.locks.delete(k);
      this.host.releaseLocks(this.id, [k]);
      throw e;
    }
  }

  /** True when this transaction wrote (put or deleted) the key `k` (an opKey). */
  wrote(k: string): boolean {
    if (this.ingest !== undefined && this.state === 'active') this.settleIngest();
    return this.writeMap?.has(k) ?? false;
  }

  /** This transaction's own row at `k` (an opKey): undefined when it deleted the key or never
   *  wrote it (`wrote` tells which). */
  ownRow(k: string): Row | undefined {
    if (this.ingest !== undefined && this.state === 'active') this.settleIngest();
    return this.writeMap?.get(k)?.row;
  }

  /** Synchronous lockRow for the uncontended case: true when the lock of `k`
   *  (`Txn.keyOf(table, key)`) is now held in `o.strength` (default FOR UPDATE; or the relation
   *  lock `o.relation`); false when it would wait for another transaction (call lockRow with the
   *  same options to wait). */
  tryLockRow(k: string, o?: TryLockOptions): boolean {
    this.check();
    if (!this.host.tryLockRow(this.id, k, o)) return false;
    this.addLock(k);
    return true;
  }

  /** A copy of `key` owned by this transaction (packed with others in one slab) and its opKey,
   *  for insertIfAbsent: the caller may reuse or drop `key`. */
  internKey(table: TableId, key: Uint8Array): { key: Uint8Array; k: string } {
    const r = (this.keySlab ??= new KeySlab()).intern(table, key);
    return { key: r.key, k: r.sortKey };
  }

  /**
   * The bulk insert step (COPY into a table whose only unique key is `key`): takes the row lock
   * of `k` (= `Txn.keyOf(table, key)`) when it is free or ours, checks that no live row is at the
   * key (own write first, else the newest committed version, as lockRow + getLatestCommitted
   * would) and writes the row as putOwned does (ownership of `key` and `row` passes here).
   * 'busy': another transaction holds the lock, nothing happened (wait with lockRow);
   * 'exists': a live row is there, the lock is kept, nothing written; 'inserted' (after calling
   * `beforeWrite` with whether this transaction had written the key before).
   * A lock taken here for a written key is not added to `locks`: the write set names it, and
   * finish() releases the write set's keys too — one set less per row.
   */
  insertIfAbsent(table: TableId, key: Uint8Array, row: Row, k: string, beforeWrite?: (table: TableId, key: Uint8Array, ownBefore: boolean) => void): 'busy' | 'exists' | 'inserted' {
    this.check();
    if (!this.host.tryLockRow(this.id, k, undefined)) return 'busy';
    const old = this.writes.get(k);
    const live = old ? old.kind === 'put' : this.host.latestVersion(table, key)?.kind === 'put';
    if (live) {
      this.addLock(k);
      return 'exists';
    }
    // Charged before anything else changes: over the limit, the lock taken here (for a key
    // neither written nor locked before) is given back and the undo log has no entry.
    try {
      this.host.checkValue(table, key, row);
      this.charge(entryHeapBytes(key, row, false) - (old ? entryHeapBytes(old.key, old.row, false) : 0));
    } catch (e) {
      if (!old && !(this.lockSet?.has(k) ?? false)) this.host.releaseLocks(this.id, [k]);
      throw e;
    }
    // The caller's undo log learns whether the key was ours before (without a lookup of its own).
    beforeWrite?.(table, key, old !== undefined);
    this.releaseWrittenKeys = true;
    this.writes.set(k, { table, key, kind: 'put', row });
    return 'inserted';
  }

  /** Row lock in `opts.strength` (default FOR UPDATE, exclusive) held until commit/rollback.
   *  Waits (FIFO) for the holders it conflicts with; 40P01 on deadlock, 55P03 on timeout or
   *  nowait. */
  async lockRow(table: TableId, key: Uint8Array, opts: LockOptions = {}): Promise<void> {
    this.check();
    const k = await this.host.lockRow(this.id, table, key, opts);
    if (this.state !== 'active') {
      // Rolled back while waiting: give the lock straight back.
      this.host.releaseLocks(this.id, [k]);
      throw new LsmError('25P02', `transaction is already ${this.state}`);
    }
    this.addLock(k);
  }

  /** The newest committed version regardless of this transaction's snapshot (re-check after a
   *  lock wait under READ COMMITTED). Undefined when the key has no live row. */
  getLatestCommitted(table: TableId, key: Uint8Array): { row: Row; seq: Seq } | undefined {
    this.check();
    const e = this.host.latestVersion(table, key);
    return e && e.kind === 'put' ? { row: e.row!, seq: e.seq } : undefined;
  }

  /** Sequence number of the newest committed version of the key — a deletion included — or
   *  undefined if it never existed (or its history was compacted away entirely). Under
   *  'snapshot', `latestCommittedSeq(...) > snapshotSeq` after lockRow means a concurrent
   *  transaction changed the row: PostgreSQL raises 40001 at the UPDATE itself. */
  latestCommittedSeq(table: TableId, key: Uint8Array): Seq | undefined {
    this.check();
    return this.host.latestVersion(table, key)?.seq;
  }

  /** Makes the write set durable and visible; returns its sequence number (undefined for a
   *  transaction without writes). Throws 40001 on a write-write conflict under 'snapshot'. */
  commit(): Promise<Seq | undefined> {
    // A read-only transaction (every implicit SELECT) ends here without an async frame.
    if (this.state !== 'active' || (this.writeMap?.size ?? 0) !== 0 || this.ingest !== undefined) return this.commitWrites();
    this.state = 'committing';
    try {
      this.finish('committed');
    } catch (e) {
      return Promise.reject(e);
    }
    return NOTHING_COMMITTED;
  }

  private async commitWrites(): Promise<Seq | undefined> {
    const ing = this.ingest;
    if (this.state === 'active' && ing !== undefined && ing.active) {
      if (!ing.written) throw new Error('lsm invariant violated: commit while a published ingest is still loading');
      if ((this.writeMap?.size ?? 0) === 0) return this.commitIngest(ing);
    }
    this.check(); // moves a written ingest into a non-empty write set

    this.state = 'committing';
    try {
      if (this.writes.size === 0) return undefined;
      const ops = new Array<WriteOp>(this.writes.size);
      const keys = new Array<string>(this.writes.size);
      let i = 0;
      for (const [k, op] of this.writes) {
        ops[i] = op;
        keys[i++] = k;
      }
      return await this.host.commitOps(ops, this.isolation === 'snapshot' ? this.snap.seq : undefined, keys, this.writeBytes);
    } catch (e) {
      this.finish('rolled-back');
      throw e;
    } finally {
      if (this.state === 'committing') this.finish('committed');
    }
  }

  /** The commit of a transaction whose only write is its ingest: the publish is the commit. */
  private async commitIngest(ing: TxnIngest): Promise<Seq> {
    this.state = 'committing';
    try {
      return await this.host.publishIngest(ing);
    } catch (e) {
      this.finish('rolled-back');
      throw e;
    } finally {
      if (this.state === 'committing') this.finish('committed');
    }
  }

  /** Idempotent; a no-op once commit() has started (the commit decides the outcome). */
  rollback(): void {
    if (this.state !== 'active') return;
    this.finish('rolled-back');
  }

  private finish(state: TxnState): void {
    this.state = state;
    this.snap.release();
    this.host.releaseLocks(this.id, this.lockSet ?? NO_KEYS);
    // Keys this transaction wrote but does not hold are skipped by the lock manager.
    if (this.releaseWrittenKeys && this.writeMap !== undefined) this.host.releaseLocks(this.id, this.writeMap.keys());
    // After a publish its rows are visible: waiters for its keys wake to find them.
    if (this.bulkHeld) {
      this.bulkHeld = false;
      this.host.releaseBulk(this.id);
    }
    const ing = this.ingest;
    if (ing !== undefined) {
      this.ingest = undefined;
      void ing.abort().catch(() => undefined);
    }
    this.writeMap?.clear();
    this.lockSet?.clear();
    this.host.writeSetBudget.release(this.writeBytes);
    this.writeBytes = 0;
  }
}

/** No keys (finish() of a transaction that never locked a row); never mutated. */
const NO_KEYS: readonly string[] = [];

/** commit()'s answer for a transaction without writes (a settled promise is immutable). */
const NOTHING_COMMITTED: Promise<Seq | undefined> = Promise.resolve(undefined);

function toIterable(it: Iterator<KeyRow>): IterableIterator<KeyRow> {
  if (Symbol.iterator in it) return it as IterableIterator<KeyRow>;
  return { next: () => it.next(), return: (v?: unknown) => it.return?.(v) ?? { done: true, value: undefined }, [Symbol.iterator]() { return this; } };
}

/** Merges a snapshot scan with the transaction's own writes (which win on equal keys). */
function* mergeOwn(base: Iterator<KeyRow>, own: WriteOp[], dir: 1 | -1): Generator<KeyRow> {
  let b = base.next();
  let i = 0;
  try {
    while (!b.done || i < own.length) {
      const o = own[i];
      const c = b.done ? 1 : o === undefined ? -1 : compareBytes(b.value.key, o.key) * dir;
      if (c < 0) {
        yield b.value;
        b = base.next();
        continue;
      }
      if (c === 0) b = base.next();
      i++;
      if (o!.kind === 'put') yield { key: o!.key, row: o!.row! };
    }
  } finally {
    base.return?.();
  }
}
