// Published ingest: a bulk load of a table that other transactions can see and write (a COPY
// that is its whole transaction, into a table committed earlier — ../MVCC.md "Published
// ingest"). Rows in strictly ascending key order become segment files (TableIngest, written
// during the load but added to no version: private, named from FileNumbers so the open-time
// orphan sweep deletes them after a crash). The transaction's commit publishes them: one
// manifest edit adds them (each at the deepest level where nothing of the table overlaps it at
// or above: the bottom for a load into an empty table, else up to level 0) with a file-level
// sequence number S (every version in them has seq S) — that record is the commit record.
//
// Locks: the load holds the row lock of every key it took, as a bulk holder (BulkKeys in the
// lock manager, mvcc/locks.ts): a writer asking for such a key waits for the loading
// transaction through the ordinary wait machinery (FIFO, 40P01, lock_timeout, cancel), then
// re-checks and finds the published row (23505) or nothing (the load rolled back).
//
// Interleavings (single-threaded; every `await` is one):
//  1. writer W locks key k BEFORE the load appends k: W holds an exact lock. close() lists the
//     exact holders of the load's keys (LockManager.heldByOthers) and waits for each lock like
//     any requester (deadlocks detected); W commits (visible before it releases) or rolls back.
//     validate() then sees W's row: 23505 for the load, as PostgreSQL's COPY would get after
//     waiting for W. A transaction that queued behind W on k gets k from W's release and is
//     waited for the same way (the loop repeats until no other transaction holds a key of ours).
//  2. W asks for k AFTER the load appended it: the bulk holder answers; W waits until the load's
//     transaction ends (after its publish is visible), then sees the row (23505) or nothing.
//  2b. another load L2 of the same table with a common key: the one that took the first common
//     key later waits at its close for the other's transaction (heldByOthers compares when each
//     took it; asking for the key makes L2 its exact holder), then validates against L2's
//     committed rows — 23505 at that key, as PostgreSQL's later COPY blocks at the row and fails
//     when the earlier commits. Both compare the same key, so exactly one of two waits.
//  3. after close() validated, no live version of a load's key can appear before the publish:
//     every SQL writer locks a key before writing it (MVCC.md), and every key is ours. Commits
//     without locks (LsmDb.write: catalog, sequences) never touch user tables. The publish still
//     re-validates under the commit gate (cheap: key ranges) and flushes memtables that hold any
//     version (a tombstone too) in the load's key range — reads take the first version they
//     find, memtables first, so an older tombstone there would hide the new row.
//  4. publish runs under the commit gate (LsmDb.publishIngest): no commit allocates a sequence
//     number between the validation and the manifest edit, and every commit allocated before
//     is visible before S is: snapshots stay consistent.
//  5. rollback / error / disconnect / cancel before the publish: abort() removes the files; the
//     transaction's end releases the bulk hold (waking waiters). A crash before the manifest
//     edit: orphan files, deleted at the next open; after it: the rows are committed.
import { compareBytes } from '../iter/index.js';
import type { Manifest, SegmentFile } from '../manifest/index.js';
import type { Memtable } from '../memtable/index.js';
import { BulkKeys, type LockManager, type LockOptions, type TxnId } from '../mvcc/index.js';
import type { ColumnarRow } from '../segment/index.js';
import { LsmError, type Entry, type Io, type Row, type Seq, type TableId } from '../types.js';
import type { IngestAdd, TableIngest } from './ingest.js';
import type { SegmentCache } from './segments.js';

/** What close() and publish need from the database. */
export interface PublishHost {
  io: Io;
  dir: string;
  locks: LockManager;
  /** Newest version of (table, key) regardless of snapshots. */
  latest(table: TableId, key: Uint8Array): Entry | undefined;
  /** The active memtable and the sealed ones. */
  memtables(): readonly Memtable[];
  /** Segment files of the table in the current version. */
  segments(table: TableId): readonly SegmentFile[];
}

/** What publish needs beyond PublishHost, under the commit gate (LsmDb.publishIngest). */
export interface PublishGate extends PublishHost {
  manifest: Manifest;
  cache: SegmentCache;
  /** Seals and flushes every memtable (no commit runs meanwhile). */
  flushMemtables(): Promise<void>;
  /** Allocates the next sequence number. */
  nextSeq(): Seq;
  /** Makes `seq` the newest visible commit. */
  makeVisible(seq: Seq): void;
  /** The deepest level (where a table with no segment file gets the files). */
  bottomLevel: number;
}

type State = 'loading' | 'closing' | 'written' | 'abandoned' | 'publishing' | 'published' | 'aborted';

export class PublishIngest {
  readonly keys: BulkKeys;
  private state: State = 'loading';
  /** By file number (key order), once close() wrote them. */
  private files: SegmentFile[] = [];
  /** Builds the error for the key at index i (the SQL layer names the constraint). */
  duplicateError: (index: number, key: Uint8Array) => Error = () => new Error('duplicate key in a published ingest');

  constructor(private readonly host: PublishHost, readonly txn: TxnId, private readonly ing: TableIngest) {
    this.keys = new BulkKeys(ing.table);
  }

  get table(): TableId {
    return this.ing.table;
  }

  get rows(): number {
    return this.ing.rows;
  }

  /** True once close() succeeded: the files are written and the keys validated. */
  get written(): boolean {
    return this.state === 'written';
  }

  /** Neither aborted, abandoned nor published (an abandoned load's rows go another way). */
  get active(): boolean {
    return this.state !== 'aborted' && this.state !== 'published' && this.state !== 'abandoned';
  }

  /** TableIngest.add, the key joining the bulk hold when taken. */
  add(key: Uint8Array, row: Row): IngestAdd {
    const r = this.ing.add(key, row);
    if (r === 'ok') this.keys.append(key, this.host.locks.bulkTick());
    return r;
  }

  /** TableIngest.addColumnar, the key joining the bulk hold when taken. */
  addColumnar(key: Uint8Array, r: ColumnarRow): IngestAdd {
    const res = this.ing.addColumnar(key, r);
    if (res === 'ok') this.keys.append(key, this.host.locks.bulkTick());
    return res;
  }

  get full(): boolean {
    return this.ing.full;
  }

  drain(): Promise<void> {
    return this.ing.drain();
  }

  /**
   * The end of the load: writes what is left, makes the files' directory entries durable, waits
   * for every other transaction holding the row lock of one of the keys (interleaving 1; each
   * wait is `lockRow`'s, with its timeout, cancel and deadlock check), then validates. Returns
   * the index of the first key that has a live committed version, or -1.
   */
  async close(lockRow: (key: Uint8Array, opts: LockOptions) => Promise<void>, opts: LockOptions): Promise<number> {
    if (this.state !== 'loading') throw new Error(`lsm invariant violated: close of a published ingest that is ${this.state}`);
    this.state = 'closing';
    const out = await this.ing.writeAll();
    this.files = out.files;
    if (this.files.length > 0) await this.host.io.syncDir(this.host.dir);
    const prefixLen = this.keys.prefix.length;
    for (;;) {
      const held = this.host.locks.heldByOthers(this.txn, this.keys);
      if (held.length === 0) break;
      for (const k of held) {
        this.checkClosing();
        const key = Uint8Array.from(k.slice(prefixLen), (c) => c.charCodeAt(0));
        await lockRow(key, opts);
      }
    }
    this.checkClosing();
    const dup = this.validate();
    if (dup < 0) this.state = 'written';
    return dup;
  }

  /** abort() while close() waited (the COPY's connection ended): close must not report success. */
  private checkClosing(): void {
    if (this.state !== 'closing') throw new LsmError('25P02', 'the bulk load ended while waiting for a row lock');
  }

  /**
   * Index of the first key with a live committed version, or -1. Keys are looked up one by one
   * only where a memtable's or segment's key range of the table meets the load's (the common
   * bulk load into an empty table, or past the table's largest key, looks up none).
   */
  validate(): number {
    const n = this.keys.count;
    if (n === 0) return -1;
    const first = this.keys.key(0);
    const last = this.keys.key(n - 1);
    const table = this.table;
    const ranges: [Uint8Array, Uint8Array][] = [];
    const add = (lo: Uint8Array, hi: Uint8Array): void => {
      if (compareBytes(hi, first) < 0 || compareBytes(lo, last) > 0) return;
      ranges.push([lo, hi]);
    };
    for (const m of this.host.memtables()) {
      const b = m.keyBounds(table);
      if (b) add(b.smallest, b.largest);
    }
    for (const f of this.host.segments(table)) add(f.smallestKey, f.largestKey);
    ranges.sort((a, b) => compareBytes(a[0], b[0]));
    let i = 0;
    for (const [lo, hi] of ranges) {
      i = Math.max(i, this.keys.lowerBound(lo));
      for (; i < n; i++) {
        const k = this.keys.key(i);
        if (compareBytes(k, hi) > 0) break;
        if (this.host.latest(table, k)?.kind === 'put') return i;
      }
    }
    return -1;
  }

  /** True when a memtable holds any version of a key in the load's key range. */
  memtableOverlap(): boolean {
    const n = this.keys.count;
    if (n === 0) return false;
    const range = { lower: this.keys.key(0), upper: this.keys.key(n - 1), lowerInclusive: true, upperInclusive: true };
    for (const m of this.host.memtables()) {
      if (!m.perTable.has(this.table)) continue;
      if (!m.iterate(this.table, range).next().done) return true;
    }
    return false;
  }

  /**
   * Gives back every row taken so far, in key order (TableIngest.abandon), for a caller that
   * continues another way (keys stopped ascending); call abort() once they are consumed. The
   * bulk hold stays until the transaction ends (the caller writes these keys anyway).
   */
  async abandon(): Promise<IterableIterator<{ key: Uint8Array; row: Row }>> {
    if (this.state !== 'loading') throw new Error(`lsm invariant violated: abandon of a published ingest that is ${this.state}`);
    this.state = 'abandoned';
    return this.ing.abandon();
  }

  /** The load's row at `key` once its files are written (close() ran), else undefined: read
   *  back from the file whose key range holds it (a duplicate's report). */
  ownRow(key: Uint8Array): Row | undefined {
    for (const f of this.files) {
      if (compareBytes(f.smallestKey, key) > 0 || compareBytes(f.largestKey, key) < 0) continue;
      const e = this.ing.openFile(f.fileNumber).get(key, 0n);
      if (e?.kind === 'put') return e.row;
    }
    return undefined;
  }

  /** The rows, in key order, read back from the written files (one file's bytes at a time). */
  *rowsBack(): Generator<{ key: Uint8Array; row: Row }> {
    if (this.state !== 'written') throw new Error(`lsm invariant violated: rows of a published ingest that is ${this.state}`);
    for (const f of this.files) for (const e of this.ing.openFile(f.fileNumber).iterate()) yield { key: e.key, row: e.row! };
  }

  /**
   * The commit: under the commit gate (LsmDb.publishIngest). Re-validates, flushes memtables
   * that hold versions in the key range, then adds the files (levels: fitLevel) with file-level seq S
   * in one manifest edit carrying lastSeq ≥ S, and makes S visible. Returns S.
   */
  async publish(g: PublishGate): Promise<Seq> {
    if (this.state !== 'written') throw new Error(`lsm invariant violated: publish of an ingest that is ${this.state}`);
    const dup = this.validate();
    if (dup >= 0) throw this.duplicateError(dup, this.keys.key(dup));
    if (this.memtableOverlap()) await g.flushMemtables();
    if (this.state !== 'written') throw new Error(`lsm invariant violated: published ingest ${this.state} during its flush`);
    this.state = 'publishing';
    const seq = g.nextSeq();
    if (this.files.length > 0) {
      // Each file goes to the deepest level where no file of the table overlaps its key range
      // at that level or above (RocksDB's ingest rule): reads meet no older version of its keys
      // above it, and levels 1+ stay non-overlapping. A load into an empty table, or past its
      // largest key, lands at the bottom — no level-0 debt, no stall of later commits behind a
      // compaction. Safe because no compaction runs (LsmDb.publishIngest holds it off) and no
      // memtable holds a version in the key range (checked above; flushes add only other keys).
      const existing = this.host.segments(this.table);
      const added = this.files.map((f) => ({ ...f, level: fitLevel(existing, f, g.bottomLevel), smallestSeq: seq, largestSeq: seq, fileSeq: seq }));
      // The segment cache loads the files when read, with their fileSeq from the manifest.
      await g.manifest.logAndApply({ added, lastSeq: seq });
    }
    this.state = 'published';
    g.makeVisible(seq);
    return seq;
  }

  /** Drops the load: its files are removed (unless the manifest edit was tried: the next open's
   *  orphan check decides). The bulk hold ends with the transaction. */
  async abort(): Promise<void> {
    if (this.state === 'published' || this.state === 'aborted' || this.state === 'publishing') return;
    // 'abandoned' too: TableIngest.abort removes the files its rows were read from.
    this.state = 'aborted';
    await this.ing.abort();
  }
}

/** The deepest level ≤ `bottom` such that no file in `existing` at that level or above overlaps
 *  `f`'s key range (0 when a level-0 file overlaps it). */
export function fitLevel(existing: readonly SegmentFile[], f: SegmentFile, bottom: number): number {
  let level = 0;
  for (let l = 0; l <= bottom; l++) {
    if (existing.some((e) => e.level === l && compareBytes(e.smallestKey, f.largestKey) <= 0 && compareBytes(f.smallestKey, e.largestKey) <= 0)) break;
    level = l;
  }
  return level;
}
