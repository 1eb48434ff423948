// Compaction scheduling (the merge itself, the picker and the manifest swap are
// lsm/compaction's): one compaction at a time, started after each flush and at open when
// `auto` is on, or driven to completion by compactNow(). The smallest live snapshot is read
// when a compaction starts; snapshots taken later are never older, so they see the same data.
// After each swap, segment files that no live version lists are deleted and evicted.
import {
  CompactionPointers, CompactionStats, RateLimiter, deleteObsoleteFiles, executeCompaction, pickCompaction,
  type PickerOptions, type WorkerPool,
} from '../compaction/index.js';
import { parseFileName, type Manifest } from '../manifest/index.js';
import type { Io, Seq } from '../types.js';
import type { SegmentCache } from './segments.js';

export interface CompactionSettings extends PickerOptions {
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
  batchRows: number | undefined;
}

export class Compactor {
  readonly stats = new CompactionStats();
  private readonly pointers = new CompactionPointers();
  private readonly limiter: RateLimiter;
  private readonly settings: CompactionSettings;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly ctx: CompactorContext, s: Partial<CompactionSettings>) {
    this.settings = { auto: true, bytesPerSec: 64 * 1024 * 1024, ...s };
    this.limiter = new RateLimiter({ bytesPerSec: this.settings.bytesPerSec, nowMs: () => ctx.io.nowMs() });
  }

  /** Starts background compaction if enabled and idle. */
  kick(): void {
    if (!this.settings.auto || this.running || this.stopped) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Compacts until the picker finds nothing (waits for a running background pass first). */
  async runUntilIdle(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
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
        for (const name of await deleteObsoleteFiles(this.ctx.io, this.ctx.dir, manifest)) {
          const p = parseFileName(name);
          if (p.kind === 'segment') this.ctx.cache.evict(p.fileNumber);
        }
      }
    } catch (e) {
      this.ctx.onError(e);
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
