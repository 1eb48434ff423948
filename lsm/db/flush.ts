// Flush: one sealed (immutable) memtable → one level-0 segment per table, then ONE manifest
// edit that adds them all and advances logNumber past the WAL files whose records they hold.
// Order of durability: segment bytes (write + fsync) → directory fsync → manifest edit. A
// crash before the edit leaves orphan segments (deleted at the next open) and the WAL still
// holding everything; a crash after it leaves obsolete WAL files (deleted at the next open).
import { segmentFileName, type Manifest, type SegmentFile } from '../manifest/index.js';
import type { Memtable } from '../memtable/index.js';
import { SegmentReader } from '../segment/index.js';
import type { Io } from '../types.js';
import { parseWalFileName } from '../wal/index.js';
import type { WorkerPool } from '../compaction/index.js';
import type { SegmentCache } from './segments.js';
import type { FileNumbers } from './filenumbers.js';

export interface FlushContext {
  io: Io;
  dir: string;
  manifest: Manifest;
  fileNumbers: FileNumbers;
  pool: WorkerPool;
  cache: SegmentCache;
  batchRows: number | undefined;
}

export interface FlushOutcome {
  files: SegmentFile[];
  bytesWritten: number;
}

export async function flushMemtable(ctx: FlushContext, mem: Memtable, nextLogNumber: number): Promise<FlushOutcome> {
  const { io, dir, manifest } = ctx;
  const added: SegmentFile[] = [];
  const readers: SegmentReader[] = [];
  let bytesWritten = 0;
  let editTried = false;
  try {
    for (const table of mem.tables()) {
      const entries = mem.entriesOf(table);
      if (entries.length === 0) continue;
      await ctx.pool.whenRoom();
      const seg = await ctx.pool.encodeSegment(table, entries, ctx.batchRows ? { batchRows: ctx.batchRows } : {});
      const fileNumber = ctx.fileNumbers.next();
      const name = segmentFileName(fileNumber);
      // Register before writing so a failed write still gets cleaned up below.
      added.push({
        level: 0,
        fileNumber,
        table,
        sizeBytes: seg.bytes.length,
        smallestKey: seg.meta.smallestKey,
        largestKey: seg.meta.largestKey,
        smallestSeq: seg.meta.smallestSeq,
        largestSeq: seg.meta.largestSeq,
        rowCount: seg.meta.rowCount,
      });
      await io.writeFileDurable(`${dir}/${name}`, seg.bytes);
      bytesWritten += seg.bytes.length;
      readers.push(SegmentReader.open(seg.bytes, name));
    }
    if (added.length > 0) await io.syncDir(dir);
    editTried = true;
    await manifest.logAndApply({ added, logNumber: nextLogNumber, ...(mem.maxSeq !== undefined ? { lastSeq: mem.maxSeq } : {}) });
  } catch (e) {
    // Once the edit was attempted its record may be durable even though it failed (a failed
    // fsync); the files must then stay, and the next open's orphan check decides.
    if (!editTried) for (const f of added) await io.remove(`${dir}/${segmentFileName(f.fileNumber)}`).catch(() => undefined);
    throw e;
  }
  added.forEach((f, i) => ctx.cache.insert(f.fileNumber, readers[i]!));
  await removeObsoleteLogs(io, dir, manifest.logNumber);
  return { files: added, bytesWritten };
}

export async function removeObsoleteLogs(io: Io, dir: string, logNumber: number): Promise<void> {
  for (const name of await io.list(dir)) {
    const n = parseWalFileName(name);
    if (n !== undefined && n < logNumber) await io.remove(`${dir}/${name}`).catch(() => undefined);
  }
}
