// Main-thread side of a compaction: read inputs through Io (rate-limited), merge in the worker
// pool, write outputs durably (rate-limited), then record the swap in the manifest.
// Invariants: outputs are durable (file fsync + directory fsync) before the manifest edit that
// adds them; inputs are only REMOVED from the version here — their files are deleted later by
// deleteObsoleteFiles(), once no reader holds a version that lists them. On failure, outputs
// already written are removed best-effort if the manifest edit was never attempted; otherwise
// they stay for the orphan check at the next open.
import type { Io, Seq } from '../types.js';
import { segmentFileName } from '../manifest/index.js';
import type { Manifest, SegmentFile, Version } from '../manifest/index.js';
import type { SegmentMeta } from '../segment/index.js';
import type { CompactionTask } from './picker.js';
import type { WorkerPool } from './pool.js';
import type { RateLimiter } from './rate.js';
import type { CompactionStats } from './stats.js';

export interface CompactionContext {
  io: Io;
  dir: string;
  manifest: Manifest;
  pool: WorkerPool;
  limiter: RateLimiter;
  stats: CompactionStats;
  /** Segment bytes by file number; default reads the file through io. */
  readSegment?: (fileNumber: number) => Promise<Uint8Array>;
}

export interface ExecuteOptions {
  smallestLiveSnapshotSeq: Seq;
  targetFileBytes?: number;
  batchRows?: number;
}

/** The manifest record of a segment written as `fileNumber` into `level`. */
export function segmentFileFromMeta(meta: SegmentMeta, level: number, fileNumber: number): SegmentFile {
  return {
    level,
    fileNumber,
    table: meta.table,
    sizeBytes: meta.sizeBytes,
    smallestKey: meta.smallestKey,
    largestKey: meta.largestKey,
    smallestSeq: meta.smallestSeq,
    largestSeq: meta.largestSeq,
    rowCount: meta.rowCount,
  };
}

export async function executeCompaction(ctx: CompactionContext, task: CompactionTask, opts: ExecuteOptions): Promise<Version> {
  const { io, dir, manifest, pool, limiter, stats } = ctx;
  const t0 = io.nowMs();
  const waited0 = limiter.waitedMs;
  const all = [...task.inputs, ...task.overlaps];
  const read = ctx.readSegment ?? ((n: number) => io.readFile(`${dir}/${segmentFileName(n)}`));
  if (task.trivialMove) {
    // LevelDB's trivial move: nothing overlaps below and the inputs do not overlap each other,
    // so the files change level as they are (no rewrite, no write amplification), all in one
    // edit. Old versions in them are dropped by a later merge.
    const version = await manifest.logAndApply({
      removed: task.inputs.map((f) => ({ level: f.level, fileNumber: f.fileNumber })),
      added: task.inputs.map((f) => ({ ...f, level: task.outputLevel })),
    });
    stats.trivialMoves += task.inputs.length;
    return version;
  }
  const written: string[] = [];
  let editTried = false;
  try {
    const inputs = [];
    for (const f of all) {
      await limiter.acquire(f.sizeBytes);
      // A published ingest's file goes with its file-level seq: the merge (on the worker) gives
      // its versions that seq, and its outputs carry it per row.
      inputs.push({ bytes: await read(f.fileNumber), fileName: segmentFileName(f.fileNumber), ...(f.fileSeq !== undefined ? { fileSeq: f.fileSeq } : {}) });
    }
    await pool.whenRoom();
    const result = await pool.compact(inputs, {
      smallestLiveSnapshotSeq: opts.smallestLiveSnapshotSeq,
      isBottomLevel: task.isBottomLevel,
      ...(opts.targetFileBytes !== undefined ? { targetFileBytes: opts.targetFileBytes } : {}),
      ...(opts.batchRows !== undefined ? { batchRows: opts.batchRows } : {}),
    });
    const added: SegmentFile[] = [];
    for (const out of result.outputs) {
      const n = manifest.newFileNumber();
      await limiter.acquire(out.bytes.length);
      const name = segmentFileName(n);
      written.push(name);
      await io.writeFileDurable(`${dir}/${name}`, out.bytes);
      added.push(segmentFileFromMeta(out.meta, task.outputLevel, n));
    }
    if (written.length > 0) await io.syncDir(dir);
    editTried = true;
    const version = await manifest.logAndApply({ added, removed: all.map((f) => ({ level: f.level, fileNumber: f.fileNumber })) });
    stats.record(task.outputLevel, all.length, result, io.nowMs() - t0);
    stats.rateLimitWaitMs += limiter.waitedMs - waited0;
    return version;
  } catch (e) {
    stats.failures++;
    // Once the edit was attempted its record may be durable even though the call failed (a
    // failed fsync): the outputs must then stay; the orphan check at the next open decides.
    if (!editTried) for (const name of written) await io.remove(`${dir}/${name}`).catch(() => undefined);
    throw e;
  }
}

/** Delete segment files that no live version lists any more. Returns the names removed. */
export async function deleteObsoleteFiles(io: Io, dir: string, manifest: Manifest): Promise<string[]> {
  const names = manifest.takeObsoleteFiles().map(segmentFileName);
  for (const n of names) await io.remove(`${dir}/${n}`);
  if (names.length > 0) await io.syncDir(dir);
  return names;
}
