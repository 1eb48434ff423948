// LsmDb: the public face of the storage engine (API documented in README.md).
// It owns the write path (transactions → WAL group commit → memtable), the read path
// (memtables + segments at a snapshot), sealing/flushing memtables, compaction scheduling and
// recovery at open. Invariants:
//  - a commit is visible (memtable + visibleSeq) only after its WAL record is durable, and
//    commits become visible in sequence order;
//  - `visibleSeq` is the newest visible commit; snapshots are taken at it;
//  - at most one flush and one compaction run at a time; commits stall while
//    `immutableMemtablesMax` sealed memtables wait for a flush (back-pressure);
//  - a background failure (flush or compaction I/O) is sticky: later writes fail with it and
//    the database must be reopened; reads keep working.
//  - file numbers come from FileNumbers (db/filenumbers.ts), a monotonic floor over the
//    manifest's counter kept as defence in depth (lsm-storage fixed the counter reset that made
//    it necessary, commit 8da60ca).
import type { Packr } from 'msgpackr';
import { MAX_LEVELS, Manifest } from './manifest/index.js';
import { Memtable, SEQ_MAX } from './memtable/index.js';
import { ALL_TXNS_HEAP_FRACTION, LockManager, SnapshotRegistry, Txn, WriteSetBudget, boundedTxnBytes, opKey, type KeyRow, type LockOptions, type ScanOptions, type Snapshot, type TxnHost, type TxnId, type TxnIngest, type WriteOp } from './mvcc/index.js';
import { prefixSuccessor } from './keys/index.js';
import { RealIo, errnoToLsmError } from './io/index.js';
import { LsmError } from './types.js';
import type { Entry, Io, Row, Seq, TableId } from './types.js';
import { WalWriter, encodeRecord, makePackr, preciseClockOf } from './wal/index.js';
import { Compactor, type CompactionSettings } from './db/compact.js';
import { flushMemtable, type FlushContext } from './db/flush.js';
import { WorkerPool } from './compaction/index.js';
import { getEntry, scanParts, scanVisible, type ReadSources, type VectorRequest, type VectorScanStats } from './db/reads.js';
import { recover, type RecoveryResult } from './db/recovery.js';
import { SegmentCache } from './db/segments.js';
import type { ScanPart } from './segment/index.js';
import { checkValue } from './db/values.js';
import { buildStats } from './db/stats.js';
import { MiB, resolveOptions, type BeginOptions, type DbScanOptions, type LsmOptions, type LsmStats, type ResolvedOptions } from './db/options.js';

export type { BeginOptions, DbScanOptions, LsmOptions, LsmStats } from './db/options.js';
import { FileNumbers } from './db/filenumbers.js';
import { TableIngest } from './db/ingest.js';
import { PublishIngest, type PublishHost } from './db/publish.js';
import { InFlightKeys } from './db/inflight.js';
import { BACKPRESSURE_DEFAULTS, WriteCounters, admit, type BackpressureSettings } from './db/backpressure.js';
import { DROP_POLL_MS, DROP_TOMBSTONES_MAX, DROP_WAIT_MS, memtableKeys, memtableVersions } from './db/drop.js';

export class LsmDb implements TxnHost {
  private mem = new Memtable();
  /** Sealed memtables, newest first, each with the WAL number that follows its records. */
  private imms: { mem: Memtable; nextLogNumber: number }[] = [];
  /** imms' memtables, newest first; replaced (never mutated) when imms changes. */
  private immMems: Memtable[] = [];
  private visibleSeq: Seq;
  private allocSeq: Seq;
  private readonly snapshots = new SnapshotRegistry();
  private readonly locks = new LockManager();
  /** Keys of commits queued in the WAL but not yet visible (first-committer-wins checks). */
  private readonly inFlight = new InFlightKeys();
  private bgError: LsmError | undefined;
  private closed = false;
  private sealing: Promise<void> | undefined;
  private flushing: Promise<void> | undefined;
  private stallWaiters: (() => void)[] = [];
  private nextTxnId: TxnId = 1;
  private readonly compactor: Compactor;
  private readonly fileNumbers: FileNumbers;
  private readonly counters = { userBytes: 0, flushes: 0, flushBytes: 0 };
  /** Per-transaction write-set limit (estimated heap bytes): the configured one bounded by the
   *  heap (mvcc/budget.ts). */
  readonly txnBytesMax: number;
  /** What all open transactions' write sets, and the rows committed from them into memtables
   *  not flushed yet, may hold together. */
  readonly writeSetBudget: WriteSetBudget;
  /** The charge of the committed write sets each memtable holds (returned when it is flushed):
   *  after a big commit the memtable keeps the rows on the heap until its flush ends, and a
   *  second big load must not count on that room (MVCC.md "Write-set limits"). */
  private readonly memHeapBytes = new Map<Memtable, number>();
  private readonly valueBytesMax: number;
  /** Where ingested files go: the deepest level compaction uses. */
  private readonly ingestLevel: number;
  private readonly ingestFileBytes: number;
  private readonly backpressure: BackpressureSettings;
  private readonly writeCounters = new WriteCounters();
  /** Closed (a promise) while a published ingest commits: commits wait before their seq. */
  private gate: Promise<void> | undefined;
  /** Commits between their seq allocation and the end of their WAL append. */
  private commitsRunning = 0;
  private commitsIdleWaiters: (() => void)[] = [];

  private constructor(
    private readonly io: Io,
    readonly dir: string,
    private readonly opts: ResolvedOptions,
    private readonly manifest: Manifest,
    fileNumbers: FileNumbers,
    private wal: WalWriter,
    private readonly packr: Packr,
    private readonly cache: SegmentCache,
    private readonly pool: WorkerPool,
    mem: Memtable,
    readonly recovery: RecoveryResult,
    compaction: Partial<CompactionSettings>,
  ) {
    this.mem = mem;
    this.fileNumbers = fileNumbers;
    this.visibleSeq = recovery.lastSeq;
    this.allocSeq = recovery.lastSeq;
    this.txnBytesMax = boundedTxnBytes(opts.txnBytesMax, opts.heapLimitBytes);
    this.writeSetBudget = new WriteSetBudget(Math.max(this.txnBytesMax, Math.floor(opts.heapLimitBytes * ALL_TXNS_HEAP_FRACTION)));
    this.valueBytesMax = opts.valueBytesMax;
    this.ingestLevel = Math.min(compaction.levels ?? MAX_LEVELS, MAX_LEVELS) - 1;
    this.ingestFileBytes = compaction.targetFileBytes ?? 2 * MiB;
    this.backpressure = {
      l0SlowdownTrigger: compaction.l0SlowdownTrigger ?? BACKPRESSURE_DEFAULTS.l0SlowdownTrigger,
      l0StopTrigger: compaction.l0StopTrigger ?? BACKPRESSURE_DEFAULTS.l0StopTrigger,
      slowdownMs: compaction.slowdownMs ?? BACKPRESSURE_DEFAULTS.slowdownMs,
    };
    this.compactor = new Compactor(
      {
        io, dir, manifest: fileNumbers.guarded(), cache, pool, batchRows: opts.batchRows,
        smallestSnapshot: () => this.snapshots.smallest(this.visibleSeq), onError: (e) => this.fail(e), onProgress: () => this.wakeStalled(),
      },
      compaction,
    );
  }

  static async open(o: LsmOptions): Promise<LsmDb> {
    const io = o.io ?? new RealIo();
    const opts = resolveOptions(o);
    const dir = opts.dir;
    try {
      await io.mkdirp(dir);
    } catch (e) {
      throw errnoToLsmError(e, `create database directory "${dir}"`);
    }
    const { manifest } = await Manifest.open(io, dir);
    const packr = makePackr();
    const mem = new Memtable();
    // A record never exceeds the write-set limit plus framing slack (the heap estimate charged
    // per entry is never below its encoded size, mvcc/budget.ts). Recovery accepts records up
    // to the configured limit even when this process's heap bounds new write sets lower: a
    // WAL written by a process with a larger heap must replay.
    const recordBytesMax = opts.txnBytesMax + 16 * MiB;
    let recovery: RecoveryResult;
    let wal: WalWriter;
    const fileNumbers = new FileNumbers(manifest);
    try {
      recovery = await recover(io, dir, manifest, packr, mem, recordBytesMax);
      wal = await WalWriter.create(io, dir, fileNumbers.next(), {
        syncMode: opts.syncMode,
        queueBytesMax: opts.walQueueBytesMax,
        preallocBytes: opts.walPreallocBytes,
        groupBytesMax: recordBytesMax,
        syncIntervalMs: opts.syncIntervalMs,
        clockMs: preciseClockOf(io),
      });
    } catch (e) {
      await manifest.close().catch(() => undefined);
      if (e instanceof LsmError) throw e;
      throw errnoToLsmError(e, `open database "${dir}"`);
    }
    const cache = new SegmentCache(io, dir, opts.segmentCacheBytesMax);
    const db = new LsmDb(io, dir, opts, manifest, fileNumbers, wal, packr, cache, new WorkerPool({ workers: o.workers ?? 1 }), mem, recovery, o.compaction ?? {});
    db.maybeSeal();
    db.compactor.kick();
    return db;
  }

  // ---- reads ---------------------------------------------------------------------------

  private sources(): ReadSources {
    return { mem: this.mem, imms: this.immMems, version: this.manifest.current(), cache: this.cache };
  }

  private lookup(table: TableId, key: Uint8Array, seq: Seq, columns?: readonly number[]): Entry | undefined {
    return getEntry(this.mem, this.immMems, this.manifest.current(), this.cache, table, key, seq, columns);
  }

  /** A consistent read view; release it when done (compaction keeps what it can see). */
  snapshot(): Snapshot {
    this.checkOpen();
    return this.snapshots.acquire(this.visibleSeq);
  }

  newSnapshot(): Snapshot {
    return this.snapshot();
  }

  get lastVisibleSeq(): Seq {
    return this.visibleSeq;
  }

  /** The row of (table, key) at the snapshot (default: latest). Synchronous. */
  get(table: TableId, key: Uint8Array, snapshot?: Snapshot): Row | undefined {
    return this.readAt(table, key, snapshot?.seq ?? this.visibleSeq);
  }

  /** `columns`: a projection — a row read from a segment decodes only these user columns (the
   *  others are null); a memtable row is returned whole. */
  readAt(table: TableId, key: Uint8Array, seq: Seq, columns?: readonly number[]): Row | undefined {
    this.checkOpen();
    const e = this.lookup(table, key, seq, columns);
    return e && e.kind === 'put' ? e.row : undefined;
  }

  latestVersion(table: TableId, key: Uint8Array): Entry | undefined {
    this.checkOpen();
    return this.lookup(table, key, SEQ_MAX);
  }

  /** Rows in key order (or reverse) visible at the snapshot (default: now). */
  scan(table: TableId, o: DbScanOptions = {}): IterableIterator<KeyRow> {
    return this.scanAt(table, o, o.snapshot?.seq ?? this.visibleSeq);
  }

  scanAt(table: TableId, o: ScanOptions, seq: Seq): IterableIterator<KeyRow> {
    this.checkOpen();
    return scanVisible(this.sources(), table, o, seq);
  }

  /** scanAt's rows (forward) as parts: column vectors where a segment allows it (db/reads.ts scanParts). */
  scanPartsAt(table: TableId, o: ScanOptions, seq: Seq, req: VectorRequest): IterableIterator<ScanPart> {
    this.checkOpen();
    return scanParts(this.sources(), table, o, seq, req, this.vectorStats);
  }

  /** What scanPartsAt handed out so far (tests assert the vector path is taken). */
  readonly vectorStats: VectorScanStats = { vectorParts: 0, vectorRows: 0, rowParts: 0 };

  /** Rows whose key starts with `prefix` (e.g. an encoded leading key column). */
  scanPrefix(table: TableId, prefix: Uint8Array, o: { reverse?: boolean; snapshot?: Snapshot } = {}): IterableIterator<KeyRow> {
    const upper = prefixSuccessor(prefix);
    return this.scan(table, { ...o, lower: prefix, lowerInclusive: true, ...(upper ? { upper, upperInclusive: false } : {}) });
  }

  // ---- writes --------------------------------------------------------------------------

  begin(o: BeginOptions = {}): Txn {
    this.checkOpen();
    return new Txn(this, this.nextTxnId++, o.isolation ?? 'snapshot', this.snapshot());
  }

  /** A non-transactional atomic batch (no conflict check, no row locks): last op per key wins.
   *  Keys and row arrays are copied; Uint8Array cells are kept by reference (do not mutate). */
  async write(ops: readonly WriteOp[]): Promise<Seq | undefined> {
    const byKey = new Map<string, WriteOp>();
    for (const op of ops) {
      this.checkValue(op.table, op.key, op.row);
      // Copies: the memtable keeps what it is given, and callers may reuse their buffers.
      const copy: WriteOp = { table: op.table, key: Uint8Array.from(op.key), kind: op.kind, row: op.row ? [...op.row] : undefined };
      byKey.set(opKey(op.table, op.key), copy);
    }
    if (byKey.size === 0) return undefined;
    return this.commitOps([...byKey.values()], undefined, [...byKey.keys()], 0, false);
  }

  checkValue(table: TableId, key: Uint8Array, row: Row | undefined): void {
    checkValue(table, key, row, this.valueBytesMax);
  }

  /** The commit path shared by transactions and write(): see the class invariants.
   *  `txnCommit`: a Txn's commit (it holds one live snapshot until the commit returns), which
   *  may take the inline flush (below). write() and internal commits never do: their callers'
   *  concurrency (many write() calls in flight without snapshots) is invisible here, and group
   *  commit is what serves them. */
  async commitOps(ops: WriteOp[], conflictSnapshot: Seq | undefined, opKeys?: string[], heapBytes = 0, txnCommit = true): Promise<Seq> {
    await admit(
      () => ({
        immutableMemtables: this.imms.length, immutableMemtablesMax: this.opts.immutableMemtablesMax,
        memtableBytes: this.mem.sizeBytes, memtableBytesMax: this.opts.memtableBytesMax,
        l0Files: this.manifest.current().levels[0]!.length, autoCompaction: this.compactor.auto,
      }),
      this.backpressure,
      this.writeCounters,
      () => new Promise<void>((r) => this.stallWaiters.push(r)),
      () => this.checkWritable(),
      () => this.io.nowMs(),
    );
    // A publishing ingest holds the commit gate: no sequence number is allocated behind its own.
    while (this.gate !== undefined) await this.gate;
    this.checkWritable();
    // From here to wal.append nothing awaits: the conflict check, the in-flight registration
    // and the sequence number are one atomic step.
    const keys = opKeys ?? ops.map((op) => opKey(op.table, op.key));
    if (conflictSnapshot !== undefined) {
      for (let i = 0; i < ops.length; i++) {
        const busy = this.inFlight.has(keys[i]!);
        const latest = busy ? undefined : this.lookup(ops[i]!.table, ops[i]!.key, SEQ_MAX);
        if (busy || (latest && latest.seq > conflictSnapshot)) {
          throw new LsmError('40001', 'could not serialize access due to concurrent update');
        }
      }
    }
    const seq = ++this.allocSeq;
    const entries: Entry[] = ops.map((op) => ({ table: op.table, key: op.key, seq, kind: op.kind, row: op.kind === 'put' ? op.row : undefined }));
    const frame = encodeRecord(this.packr, seq, entries);
    const token = this.inFlight.add(keys);
    this.commitsRunning++;
    // The inline flush (wal/inline.ts) blocks the event loop for the fdatasync, so it is taken
    // only when no snapshot but the committer's own is live: every other open transaction, and
    // every statement while it runs or waits (a lock, a socket, an external scan), holds one.
    // Then nothing else can use the loop during the flush except bytes not yet read from an
    // idle socket, which wait at most one flush, as they would behind any statement's CPU.
    const inline = txnCommit && this.opts.walInlineSync && this.snapshots.liveCount <= 1;
    try {
      await this.wal.append(frame, () => {
        const mem = this.mem;
        for (let i = 0; i < entries.length; i++) mem.put(entries[i]!, keys[i]);
        if (heapBytes > 0) {
          this.writeSetBudget.add(heapBytes);
          this.memHeapBytes.set(mem, (this.memHeapBytes.get(mem) ?? 0) + heapBytes);
        }
        if (seq > this.visibleSeq) this.visibleSeq = seq;
        this.counters.userBytes += frame.length;
      }, inline);
    } finally {
      this.inFlight.remove(token);
      if (--this.commitsRunning === 0) for (const w of this.commitsIdleWaiters.splice(0)) w();
    }
    this.maybeSeal();
    return seq;
  }

  /**
   * Starts a published ingest (db/publish.ts, MVCC.md "Published ingest") of `table` for the
   * transaction `txn`: rows in strictly ascending key order become private segment files, the
   * transaction holds their keys' row locks as a bulk holder, and its commit publishes them.
   * `onMaterialize`: see Txn.attachIngest.
   */
  beginPublishIngest(txn: Txn, table: TableId, onMaterialize?: (k: string) => void): PublishIngest {
    this.checkWritable();
    const ing = new TableIngest({ ...this.segmentWriteContext(), level: 0, fileBytes: this.ingestFileBytes, tableHasData: () => false }, table);
    const pi = new PublishIngest(this.publishHost(), txn.id, ing);
    txn.attachIngest(pi, onMaterialize);
    this.locks.addBulk(txn.id, pi.keys);
    return pi;
  }

  private publishHost(): PublishHost {
    return {
      io: this.io, dir: this.dir, locks: this.locks,
      latest: (t, k) => this.lookup(t, k, SEQ_MAX),
      memtables: () => [this.mem, ...this.immMems],
      segments: (t) => this.manifest.current().allFiles().filter((f) => f.table === t),
    };
  }

  /** The commit of a transaction whose only write is a published ingest: under the commit gate
   *  (no commit allocates a seq meanwhile; every earlier one is visible first). */
  async publishIngest(pi: TxnIngest): Promise<Seq> {
    this.checkWritable();
    // No compaction runs during the publish (its files' levels are chosen from the version:
    // a running compaction could write a file overlapping one of them at the same level); it
    // is waited for before the gate closes, so commits do not wait for it.
    try {
      return await this.compactor.exclusive(() => this.publishGated(pi as PublishIngest));
    } finally {
      // Level-0 files may have arrived outside a flush: compaction must hear of them (it is
      // kicked after flushes), or commits stalled at l0StopTrigger would wait for it forever.
      this.compactor.kick();
      this.wakeStalled();
    }
  }

  private async publishGated(pi: PublishIngest): Promise<Seq> {
    while (this.gate !== undefined) await this.gate;
    let open!: () => void;
    this.gate = new Promise<void>((r) => (open = r));
    try {
      while (this.commitsRunning > 0) await new Promise<void>((r) => this.commitsIdleWaiters.push(r));
      this.checkWritable();
      return await pi.publish({
        ...this.publishHost(), manifest: this.manifest, cache: this.cache,
        flushMemtables: () => this.flush(),
        nextSeq: () => ++this.allocSeq,
        bottomLevel: this.ingestLevel,
        makeVisible: (seq) => {
          if (seq > this.visibleSeq) this.visibleSeq = seq;
        },
      });
    } finally {
      this.gate = undefined;
      open();
    }
  }

  releaseBulk(txn: TxnId): void {
    this.locks.releaseBulk(txn);
  }

  /**
   * Deletes every row of a table for snapshots taken from now on; meant for retiring a table id
   * that will not be written again (README "dropTable"). Whole segment files are removed in one
   * manifest edit once no older snapshot can read them; rows still in memtables get tombstones
   * when few, else are flushed first. Falls back to a tombstone per row when older snapshots
   * stay alive for DROP_WAIT_MS.
   */
  async dropTable(table: TableId): Promise<void> {
    this.checkWritable();
    if (memtableVersions(this.mem, this.immMems, table) > DROP_TOMBSTONES_MAX) {
      if (this.mem.perTable.has(table)) await this.seal();
      while (this.immMems.some((m) => m.perTable.has(table))) {
        this.checkWritable();
        if (!this.flushing) this.kickFlush();
        await this.flushing;
      }
    }
    const keys = memtableKeys(this.mem, this.immMems, table);
    if (keys.length > 0) await this.commitOps(keys.map((key) => ({ table, key, kind: 'del', row: undefined })), undefined, undefined, 0, false);
    const dropSeq = this.visibleSeq;
    const deadline = this.io.nowMs() + DROP_WAIT_MS;
    // Snapshots at or below dropSeq may have been taken before the drop: they keep their rows.
    while (this.snapshots.liveCount > 0 && this.snapshots.smallest(SEQ_MAX) <= dropSeq) {
      if (this.closed) return; // the files stay: a later dropTable of the same id finishes
      if (this.io.nowMs() > deadline) {
        const ops: WriteOp[] = [];
        for (const { key } of this.scan(table)) ops.push({ table, key, kind: 'del', row: undefined });
        if (ops.length > 0) await this.commitOps(ops, undefined, undefined, 0, false);
        return;
      }
      await new Promise((r) => setTimeout(r, DROP_POLL_MS));
    }
    this.checkWritable();
    await this.compactor.dropFilesOf(table);
  }

  /**
   * Starts loading a table that holds no rows yet from rows in strictly ascending key order,
   * outside the memtable and the WAL: segment files added to the manifest in one edit by
   * `finish()` (db/ingest.ts). Every ingested row has seq 0 — visible to every snapshot at
   * once — so the table must be unreachable for other readers until the caller publishes it.
   */
  /** What flushes and ingests need to write segment files into this database. */
  private segmentWriteContext(): FlushContext {
    return { io: this.io, dir: this.dir, manifest: this.manifest, fileNumbers: this.fileNumbers, pool: this.pool, cache: this.cache, batchRows: this.opts.batchRows };
  }

  beginIngest(table: TableId): TableIngest {
    this.checkWritable();
    return new TableIngest(
      {
        ...this.segmentWriteContext(),
        level: this.ingestLevel, fileBytes: this.ingestFileBytes,
        tableHasData: (t) => this.tableHasData(t),
      },
      table,
    );
  }

  /**
   * Tables whose every version came from an ingest: only in segment files, all at seq 0 (commits
   * start at seq 1 and compaction keeps seqs). A caller that knows which tables are reachable
   * drops the others at open: ingests whose publishing transaction never committed.
   */
  ingestedOnlyTables(): TableId[] {
    const only = new Map<TableId, boolean>();
    for (const f of this.manifest.current().allFiles()) only.set(f.table, (only.get(f.table) ?? true) && f.largestSeq === 0n);
    return [...only].filter(([t, o]) => o && !this.mem.perTable.has(t) && !this.immMems.some((m) => m.perTable.has(t))).map(([t]) => t);
  }

  /** True when any memtable or segment holds a version of `table`. */
  private tableHasData(table: TableId): boolean {
    if (this.mem.perTable.has(table)) return true;
    for (const m of this.immMems) if (m.perTable.has(table)) return true;
    for (const f of this.manifest.current().allFiles()) if (f.table === table) return true;
    return false;
  }

  // ---- locks ---------------------------------------------------------------------------

  async lockRow(txn: TxnId, table: TableId, key: Uint8Array, o: LockOptions): Promise<string> {
    const k = opKey(table, key);
    await this.locks.acquire(txn, k, o);
    return k;
  }

  tryLockRow(txn: TxnId, lockKey: string, o: LockOptions | undefined): boolean {
    return this.locks.tryAcquire(txn, lockKey, o);
  }

  releaseLocks(txn: TxnId, lockKeys: Iterable<string>): void {
    // Every transaction end passes here; build the error (and its stack) only for a waiter.
    if (this.locks.isWaiting(txn)) this.locks.cancelWait(txn, new LsmError('25P02', 'transaction ended while waiting for a row lock'));
    this.locks.releaseAll(txn, lockKeys);
  }

  // ---- memtable sealing and flushing ----------------------------------------------------

  private maybeSeal(): void {
    if (this.mem.sizeBytes >= this.opts.memtableBytesMax && !this.sealing && !this.bgError && !this.closed) {
      void this.seal().catch(() => undefined);
    }
  }

  /** Seals the active memtable (if it holds anything) and starts its flush. */
  private seal(): Promise<void> {
    if (this.sealing) return this.sealing;
    if (this.mem.count === 0) return Promise.resolve();
    const run = (async () => {
      const next = this.fileNumbers.next();
      await this.wal.rotate(next, () => {
        this.imms.unshift({ mem: this.mem, nextLogNumber: next });
        this.immMems = this.imms.map((i) => i.mem);
        this.mem = new Memtable();
      });
      this.kickFlush();
    })();
    this.sealing = run
      .catch((e) => {
        this.fail(e);
        throw e;
      })
      .finally(() => {
        this.sealing = undefined;
        // A commit that filled the new memtable while this seal ran skipped its own seal.
        this.maybeSeal();
      });
    return this.sealing;
  }

  private kickFlush(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      while (this.imms.length > 0 && !this.bgError) {
        const oldest = this.imms[this.imms.length - 1]!;
        const out = await flushMemtable(
          this.segmentWriteContext(),
          oldest.mem,
          oldest.nextLogNumber,
        );
        this.imms.pop();
        this.immMems = this.imms.map((i) => i.mem);
        this.writeSetBudget.release(this.memHeapBytes.get(oldest.mem) ?? 0);
        this.memHeapBytes.delete(oldest.mem);
        this.counters.flushes++;
        this.counters.flushBytes += out.bytesWritten;
        this.wakeStalled();
        this.compactor.kick();
      }
    })()
      .catch((e) => this.fail(e))
      .finally(() => {
        this.flushing = undefined;
        this.wakeStalled();
      });
  }

  private wakeStalled(): void {
    const ws = this.stallWaiters.splice(0);
    for (const w of ws) w();
  }

  private fail(e: unknown): void {
    if (this.bgError) return;
    const err = errnoToLsmError(e, `complete background work in "${this.dir}"`);
    this.bgError = new LsmError(err.code, `${err.message}; the database must be reopened`, { cause: e });
    this.wakeStalled();
  }

  /** Seals the active memtable and waits until every sealed memtable is in segments. */
  async flush(): Promise<void> {
    this.checkWritable();
    await this.seal();
    while (this.flushing || this.imms.length > 0) {
      if (this.bgError) throw this.bgError;
      if (!this.flushing) this.kickFlush();
      await this.flushing;
    }
    if (this.bgError) throw this.bgError;
  }

  /** Runs compactions until the picker finds nothing to do. */
  async compactNow(): Promise<void> {
    this.checkWritable();
    await this.compactor.runUntilIdle();
    if (this.bgError) throw this.bgError;
  }

  // ---- observability -------------------------------------------------------------------

  approximateStats(table: TableId): { rows: number; bytes: number } {
    let rows = 0;
    let bytes = 0;
    for (const m of [this.mem, ...this.imms.map((i) => i.mem)]) {
      const t = m.perTable.get(table);
      if (t) {
        rows += t.count;
        bytes += t.bytes;
      }
    }
    for (const f of this.manifest.current().allFiles()) {
      if (f.table !== table) continue;
      rows += f.rowCount;
      bytes += f.sizeBytes;
    }
    return { rows, bytes };
  }

  stats(): LsmStats {
    return buildStats({
      version: this.manifest.current(),
      visibleSeq: this.visibleSeq,
      memtableBytes: this.mem.sizeBytes,
      immutableMemtables: this.imms.length,
      liveSnapshots: this.snapshots.liveCount,
      heldLocks: this.locks.heldCount,
      wal: this.wal.stats,
      compaction: this.compactor.stats,
      cache: this.cache,
      userBytes: this.counters.userBytes,
      flushes: this.counters.flushes,
      flushBytes: this.counters.flushBytes,
      recovery: this.recovery,
      writes: this.writeCounters,
    });
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /** The sticky failure that makes the database refuse writes until reopened, if any. A commit
   *  that failed while this is set may or may not survive the reopen (its WAL record may be
   *  durable); one that failed while this is unset never does. */
  get failure(): LsmError | undefined {
    return this.bgError ?? this.wal.failure;
  }

  private checkOpen(): void {
    if (this.closed) throw new LsmError('57P01', 'the database is closed');
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.bgError) throw this.bgError;
    const walFailure = this.wal.failure;
    if (walFailure) throw walFailure;
  }

  /** Waits for running commits, flushes and compactions; does not flush the memtable (the
   *  WAL holds it and the next open replays it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeStalled();
    await this.wal.close().catch(() => undefined);
    await this.sealing?.catch(() => undefined);
    while (this.flushing) await this.flushing;
    await this.compactor.stop();
    await this.manifest.close().catch(() => undefined);
    await this.pool.close();
  }

  /** Tests: drop the object without any further I/O (the Io was crashed underneath). */
  abandon(): void {
    this.closed = true;
    this.wal.abandon();
    this.compactor.abandon();
    this.wakeStalled();
    void this.pool.close();
  }
}
