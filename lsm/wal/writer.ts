// The WAL writer: group commit over one append-only log file at a time.
//
// Commits queue up (bounded by queueBytesMax: a full queue makes `append` wait — back-pressure);
// one loop takes everything queued (up to groupBytesMax), appends it with ONE append, makes it
// durable with ONE fdatasync, then — synchronously, in queue order — calls each commit's
// `onDurable` (the database applies the batch to the memtable there, so visibility follows
// durability and log order) and resolves the commits' promises.
// syncMode 'off' (synchronous_commit = off): a commit resolves after its append; a timer (and
// rotation and close) fdatasyncs; a crash can lose the last syncIntervalMs of acknowledged
// commits but never reorders them or keeps half of one.
// A failed append/sync fails every commit of the group, then the writer truncates the log back
// to the last good offset (durable truncate) and reopens it; if that cleanup fails too the
// writer is broken for good and every later append fails until the database is reopened.
// Rotation (a new log file at each memtable seal) runs between groups, never inside one.
// Logs are preallocated (prealloc.ts): a zero-filled spare, prepared in the background, becomes
// the next log by a rename, and records overwrite its zeros from offset 0 (cheaper fdatasyncs:
// the file's size never changes); past its end a log simply grows.
// Inline flush (inline.ts): a commit whose caller says nothing else is in flight, arriving while
// the writer is idle (a "lone" commit), may be appended and fdatasynced synchronously in `append`
// itself — the same order (write, sync, onDurable, resolve) without the thread pool's round
// trip. flush-path.ts chooses, by measured latency, whether a lone commit does so.
import { errnoToLsmError } from '../io/errors.js';
import { SpareLog, hasOpenAt } from './prealloc.js';
import { INLINE_FRAME_BYTES_MAX, hasSyncWrites } from './inline.js';
import { FlushPathChooser } from './flush-path.js';
import { LsmError } from '../types.js';
import type { AppendFile, Io } from '../types.js';

export type SyncMode = 'fsync' | 'off';

export interface WalWriterOptions {
  syncMode: SyncMode;
  /** Bytes of frames waiting for the writer before `append` blocks. */
  queueBytesMax: number;
  /** Bytes one group may carry (one append call). */
  groupBytesMax: number;
  /** For syncMode 'off': how often the background fdatasync runs. */
  syncIntervalMs: number;
  /** Size of a preallocated (zero-filled) log file; 0 = growing logs. Default 16 MiB, as
   *  PostgreSQL's WAL segments. */
  preallocBytes?: number;
  /** A monotonic clock with sub-millisecond resolution (ms): lone commits then choose between
   *  the inline and the pool fdatasync by measured latency (flush-path.ts). Without one they
   *  are always inline. */
  clockMs?: () => number;
}

export const DEFAULT_WAL_PREALLOC_BYTES = 16 * 1024 * 1024;

interface Pending {
  frame: Uint8Array;
  onDurable: () => void;
  /** A lone commit sent through the pool by the chooser: its group's latency is recorded. */
  lone: boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function walFileName(logNumber: number): string {
  return `wal-${String(logNumber).padStart(6, '0')}.log`;
}

export function parseWalFileName(name: string): number | undefined {
  const m = /^wal-(\d{6,})\.log$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

type Rotation = { logNumber: number; onRotated: () => void; resolve: () => void; reject: (e: unknown) => void };

export class WalWriter {
  private queue: Pending[] = [];
  private queueBytes = 0;
  private spaceWaiters: Array<() => void> = [];
  private running = false;
  private rotation: Rotation | undefined;
  private broken: LsmError | undefined;
  private closed = false;
  private dirty = false; // appended but not yet synced (syncMode 'off')
  private timer: NodeJS.Timeout | undefined;
  private goodBytes: number;
  /** Counters for observability and tests. */
  readonly stats = { groups: 0, commits: 0, syncs: 0, bytes: 0, failedGroups: 0, inlineSyncs: 0 };
  /** Picks the inline or the pool fdatasync for lone commits (flush-path.ts). */
  readonly flushPath: FlushPathChooser;

  private constructor(
    private readonly io: Io,
    private readonly dir: string,
    private file: AppendFile,
    private logNumberValue: number,
    private readonly opts: WalWriterOptions,
    private readonly spare: SpareLog | undefined,
  ) {
    this.goodBytes = file.sizeBytes;
    this.flushPath = new FlushPathChooser(opts.clockMs);
    spare?.startFill();
    if (opts.syncMode === 'off') {
      this.timer = setInterval(() => void this.backgroundSync(), opts.syncIntervalMs);
      this.timer.unref();
    }
  }

  /** Creates log `logNumber` and fsyncs the directory so the file itself survives. The first
   *  log is preallocated too (open waits for its fill; commits never do), unless that fails. */
  static async create(io: Io, dir: string, logNumber: number, opts: WalWriterOptions): Promise<WalWriter> {
    const preallocBytes = opts.preallocBytes ?? DEFAULT_WAL_PREALLOC_BYTES;
    const spare = preallocBytes > 0 && hasOpenAt(io) ? new SpareLog(io, dir, preallocBytes) : undefined;
    if (spare) await spare.fillNow();
    const file = await WalWriter.newLog(io, dir, logNumber, spare);
    return new WalWriter(io, dir, file, logNumber, opts, spare);
  }

  /** The ready spare renamed to the log's name, else a new empty file. Records are written
   *  from offset 0 either way: a failed earlier attempt at this rotation may have left the
   *  file behind, zero-filled, and a log number is never used for two logs. */
  private static async newLog(io: Io, dir: string, logNumber: number, spare: SpareLog | undefined): Promise<AppendFile> {
    const path = `${dir}/${walFileName(logNumber)}`;
    try {
      const taken = await spare?.take(path);
      if (taken) return taken;
      let f = await io.openAppend(path);
      if (f.sizeBytes > 0 && hasOpenAt(io)) {
        await f.close();
        f = await io.openAt(path, 0);
      }
      await io.syncDir(dir);
      return f;
    } catch (e) {
      throw errnoToLsmError(e, `create WAL file "${walFileName(logNumber)}"`);
    }
  }

  /** Counters of the preallocated spare logs (filled, used, failed fills). */
  get preallocStats(): { filled: number; used: number; failed: number } | undefined {
    return this.spare?.stats;
  }

  get logNumber(): number {
    return this.logNumberValue;
  }

  get failure(): LsmError | undefined {
    return this.broken;
  }

  /** Queues one frame; resolves once durable (or appended, in syncMode 'off'), after
   *  `onDurable` ran. Rejects with an LsmError (53100 / 58030) if the write failed.
   *  `inline`: the caller has no other work in flight (no other session could use the event
   *  loop meanwhile); if the writer is idle too, the frame is written and synced synchronously
   *  before this returns (inline.ts), else it joins the next group as usual. */
  async append(frame: Uint8Array, onDurable: () => void, inline = false): Promise<void> {
    if (frame.length > this.opts.groupBytesMax) throw new LsmError('54000', `WAL record of ${frame.length} bytes exceeds the limit of ${this.opts.groupBytesMax} bytes`);
    let lone = false;
    if (inline && this.canInline(frame)) {
      if (this.flushPath.chooseInline()) return this.writeInline(frame, onDurable);
      lone = true;
    }
    while (this.queueBytes + frame.length > this.opts.queueBytesMax && this.queue.length > 0) {
      await new Promise<void>((r) => this.spaceWaiters.push(r));
    }
    this.check();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ frame, onDurable, lone, resolve, reject });
      this.queueBytes += frame.length;
      this.kick();
    });
  }

  /** Switches to a new log file between groups; `onRotated` runs synchronously right after the
   *  new file is durable and before any later commit is applied (the memtable swap). */
  rotate(logNumber: number, onRotated: () => void): Promise<void> {
    this.check();
    if (this.rotation) throw new Error('WalWriter.rotate: a rotation is already pending');
    return new Promise<void>((resolve, reject) => {
      this.rotation = { logNumber, onRotated, resolve, reject };
      this.kick();
    });
  }

  /** Waits for queued commits, syncs, closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.running || this.queue.length > 0) await new Promise<void>((r) => setImmediate(r));
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    try {
      if (this.dirty && !this.broken) await this.file.sync();
    } finally {
      await this.file.close().catch(() => undefined);
      await this.spare?.settled();
    }
  }

  /** Abandons the writer without syncing (tests: a simulated crash). */
  abandon(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  private check(): void {
    if (this.broken) throw this.broken;
    if (this.closed) throw new LsmError('57P01', 'the database is closed');
  }

  /** The writer has nothing queued, running or pending, and the record is small: writing it
   *  now keeps the log order (it is the next record either way). */
  private canInline(frame: Uint8Array): boolean {
    return (
      this.opts.syncMode === 'fsync' && !this.running && this.queue.length === 0 && this.rotation === undefined &&
      this.broken === undefined && !this.closed && frame.length <= INLINE_FRAME_BYTES_MAX && hasSyncWrites(this.file)
    );
  }

  /** A group of one written without yielding: append, fdatasync, onDurable — then the promise
   *  resolves. Nothing else runs on this thread in between, so no other group can start. */
  private async writeInline(frame: Uint8Array, onDurable: () => void): Promise<void> {
    const file = this.file;
    if (!hasSyncWrites(file)) throw new Error('lsm invariant violated: inline WAL write on a file without sync writes');
    const clock = this.flushPath.clockMs;
    const startMs = clock?.();
    try {
      file.appendNow(frame);
      file.syncNow();
      if (clock !== undefined) this.flushPath.recordInline(clock() - startMs!);
    } catch (e) {
      // The failure cleanup is asynchronous: hold the writer as running so commits arriving
      // meanwhile queue behind it, as they would behind a failed group.
      this.running = true;
      this.stats.failedGroups++;
      const err = errnoToLsmError(e, `write to WAL file "${walFileName(this.logNumberValue)}"`);
      try {
        await this.recover(err);
      } finally {
        this.running = false;
        if (this.queue.length > 0 || this.rotation) this.kick();
      }
      throw err;
    }
    this.goodBytes += frame.length;
    this.stats.groups++;
    this.stats.commits++;
    this.stats.syncs++;
    this.stats.inlineSyncs++;
    this.stats.bytes += frame.length;
    onDurable();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.queue.length > 0) await this.writeGroup();
        else if (this.rotation) await this.doRotate();
        else break;
      }
    } finally {
      this.running = false;
    }
  }

  private takeGroup(): Pending[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || bytes + this.queue[n]!.frame.length <= this.opts.groupBytesMax)) {
      bytes += this.queue[n]!.frame.length;
      n++;
    }
    const group = this.queue.splice(0, n);
    this.queueBytes -= bytes;
    const waiters = this.spaceWaiters.splice(0);
    for (const w of waiters) w();
    return group;
  }

  private async writeGroup(): Promise<void> {
    const group = this.takeGroup();
    if (this.broken) {
      for (const p of group) p.reject(this.broken);
      return;
    }
    let total = 0;
    for (const p of group) total += p.frame.length;
    let buf = group[0]!.frame; // a group of one (large batches) is written without a copy
    if (group.length > 1) {
      buf = new Uint8Array(total);
      let off = 0;
      for (const p of group) {
        buf.set(p.frame, off);
        off += p.frame.length;
      }
    }
    const clock = group.length === 1 && group[0]!.lone ? this.flushPath.clockMs : undefined;
    const startMs = clock?.();
    try {
      await this.file.append(buf);
      if (this.opts.syncMode === 'fsync') {
        await this.file.sync();
        this.stats.syncs++;
        if (clock !== undefined) this.flushPath.recordPool(clock() - startMs!);
      } else this.dirty = true;
    } catch (e) {
      this.stats.failedGroups++;
      const err = errnoToLsmError(e, `write to WAL file "${walFileName(this.logNumberValue)}"`);
      await this.recover(err);
      for (const p of group) p.reject(err);
      return;
    }
    this.goodBytes += total;
    this.stats.groups++;
    this.stats.commits += group.length;
    this.stats.bytes += total;
    let applyError: unknown;
    for (const p of group) {
      try {
        p.onDurable();
      } catch (e) {
        applyError ??= e;
      }
    }
    for (const p of group) (applyError ? p.reject(applyError) : p.resolve());
  }

  /** After a failed group: cut the log back to the last good frame so the failed commits can
   *  never reappear at recovery, then continue on the same file. */
  private async recover(cause: LsmError): Promise<void> {
    const path = `${this.dir}/${walFileName(this.logNumberValue)}`;
    try {
      await this.file.close().catch(() => undefined);
      await this.io.truncate(path, this.goodBytes);
      this.file = await this.io.openAppend(path);
    } catch (e) {
      this.broken = new LsmError('58030', `WAL is unusable after a failed write (${cause.message}); reopen the database`, { cause: e });
      if (this.timer) clearInterval(this.timer);
    }
  }

  private async doRotate(): Promise<void> {
    const r = this.rotation!;
    this.rotation = undefined;
    if (this.broken) return r.reject(this.broken);
    try {
      if (this.dirty) await this.file.sync();
      this.dirty = false;
      const next = await WalWriter.newLog(this.io, this.dir, r.logNumber, this.spare);
      await this.file.close().catch(() => undefined);
      this.file = next;
      this.logNumberValue = r.logNumber;
      this.goodBytes = next.sizeBytes;
      this.spare?.startFill();
    } catch (e) {
      // The old log stays current (nothing was lost); the caller may retry later.
      return r.reject(errnoToLsmError(e, `create WAL file "${walFileName(r.logNumber)}"`));
    }
    try {
      r.onRotated();
      r.resolve();
    } catch (e) {
      r.reject(e);
    }
  }

  private async backgroundSync(): Promise<void> {
    if (!this.dirty || this.running || this.broken || this.closed) return;
    this.running = true;
    try {
      this.dirty = false;
      await this.file.sync();
      this.stats.syncs++;
    } catch {
      // An acknowledged-but-unsynced commit may be lost; that is the documented contract of
      // syncMode 'off'. The next group surfaces persistent errors.
      this.dirty = true;
    } finally {
      this.running = false;
      if (this.queue.length > 0 || this.rotation) this.kick();
    }
  }
}
