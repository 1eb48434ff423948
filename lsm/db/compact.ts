// Compaction scheduling (the merge itself, the picker and the manifest swap are
// lsm/compaction's): one compaction at a time, started after each flush and at open when
// `auto` is on, or driven to completion by compactNow(). The smallest live snapshot is read
// when a compaction starts; snapshots taken later are never older, so they see the same data.
// After each swap, segment files that no live version lists are deleted and evicted.
// `exclusive()` holds compaction off while a caller edits the version itself (dropping a
// table's files): a compaction that merged files removed meanwhile would put their rows back.
import {
  CompactionPointers, CompactionStats, RateLimiter, deleteObsoleteFiles, executeCompaction, pickCompaction,
  type PickerOptions, type WorkerPool,
} from '../compaction/index.js';
import { parseFileName, type Manifest } from '../manifest/index.js';
import type { Io, Seq, TableId } from '../types.js';
import type { SegmentCache } from './segments.js';
import type { BackpressureSettings } from './backpressure.js';

export interface CompactionSettings extends PickerOptions, Partial<BackpressureSettings> {
  /** Compact in the background after flushes. Default true. */
  auto: boolean;
  /** Split compaction outputs near this size. Default 2 MiB (the merge's default). */
  targetFileBytes?: number;
  /** Compaction I/O budget; 0 = unlimited. Default 64 MiB/s. */
  bytesPerSec: number;
}

export interface CompactorContext {
  io: Io;
  dir: string;
  manifest: Manifest;
  cache: SegmentCache;
  pool: WorkerPool;
  smallestSnapshot: () => Seq;
  onError: (e: unknown) => void;
  /** After every version change made here (compaction, dropped files): stalled writers recheck. */
  onProgress: () => void;
  batchRows: number | undefined;
}

export class Compactor {
  readonly stats = new CompactionStats();
  private readonly pointers = new CompactionPointers();
  private readonly limiter: RateLimiter;
  private readonly settings: CompactionSettings;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** exclusive() sections open; no compaction starts while > 0. */
  private paused = 0;
  private resumeWaiters: (() => void)[] = [];

  constructor(private readonly ctx: CompactorContext, s: Partial<CompactionSettings>) {
    this.settings = { auto: true, bytesPerSec: 64 * 1024 * 1024, ...s };
    this.limiter = new RateLimiter({ bytesPerSec: this.settings.bytesPerSec, nowMs: () => ctx.io.nowMs() });
  }

  /** True when compaction runs by itself after flushes. */
  get auto(): boolean {
    return this.settings.auto;
  }

  /** Starts background compaction if enabled and idle. */
  kick(): void {
    if (!this.settings.auto || this.running || this.stopped || this.paused > 0) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Compacts until the picker finds nothing (waits for a running background pass first). */
  async runUntilIdle(): Promise<void> {
    while (this.paused > 0) await new Promise<void>((r) => this.resumeWaiters.push(r));
    while (this.running) await this.running;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped || this.paused > 0) return;
        const { manifest } = this.ctx;
        // Nothing to compact in an empty database (cheap early exit).
        if (manifest.current().allFiles().length === 0) return;
        const task = pickCompaction(manifest.current(), this.settings, this.pointers);
        if (!task) return;
        await executeCompaction(
          { io: this.ctx.io, dir: this.ctx.dir, manifest, pool: this.ctx.pool, limiter: this.limiter, stats: this.stats },
          task,
          {
            smallestLiveSnapshotSeq: this.ctx.smallestSnapshot(),
            ...(this.settings.targetFileBytes !== undefined ? { targetFileBytes: this.settings.targetFileBytes } : {}),
            ...(this.ctx.batchRows !== undefined ? { batchRows: this.ctx.batchRows } : {}),
          },
        );
        this.pointers.advance(task);
        this.ctx.onProgress();
        await this.deleteObsolete();
      }
    } catch (e) {
      this.ctx.onError(e);
    }
  }

  /** Runs `f` once no compaction runs, with none starting until it is done. */
  async exclusive<T>(f: () => Promise<T>): Promise<T> {
    this.paused++;
    try {
      while (this.running) await this.running;
      return await f();
    } finally {
      if (--this.paused === 0) {
        for (const w of this.resumeWaiters.splice(0)) w();
        this.kick();
      }
    }
  }

  /** Removes every segment file of `table` from the version in one edit (exclusive with
   *  compaction), deletes the files no reader holds any more; returns the rows they held. */
  async dropFilesOf(table: TableId): Promise<number> {
    return this.exclusive(async () => {
      const { manifest } = this.ctx;
      const files = manifest.current().allFiles().filter((f) => f.table === table);
      if (files.length === 0) return 0;
      await manifest.logAndApply({ removed: files.map((f) => ({ level: f.level, fileNumber: f.fileNumber })) });
      this.ctx.onProgress();
      await this.deleteObsolete();
      return files.reduce((n, f) => n + f.rowCount, 0);
    });
  }

  private async deleteObsolete(): Promise<void> {
    for (const name of await deleteObsoleteFiles(this.ctx.io, this.ctx.dir, this.ctx.manifest)) {
      const p = parseFileName(name);
      if (p.kind === 'segment') this.ctx.cache.evict(p.fileNumber);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    while (this.running) await this.running;
  }

  abandon(): void {
    this.stopped = true;
  }
}
