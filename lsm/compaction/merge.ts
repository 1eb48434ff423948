// The compaction merge: input segment bytes → output segment bytes. Pure CPU, no I/O; runs in a
// worker thread (worker.ts) or inline. Rules (see README.md):
//  - for each key keep every version with seq > smallestLiveSnapshotSeq, plus the newest
//    version with seq <= it (what the oldest live snapshot sees); older versions are dropped;
//  - at the bottom level that newest-visible version is dropped too when it is a tombstone;
//  - outputs are split at targetFileBytes (estimated), only between keys, so one key's
//    versions never straddle two files (levels >= 1 must not overlap).
import type { Entry, Seq } from '../types.js';
import { compareBytes, mergeSorted } from '../iter/index.js';
import { SegmentReader, encodeSegment } from '../segment/index.js';
import type { EncodedSegment } from '../segment/index.js';

export interface CompactionInput {
  bytes: Uint8Array;
  fileName: string;
  /** The manifest's file-level seq of the file (a published ingest's: every version in it has
   *  this seq, its `_seq` column says 0), read by the merge like any per-row seq. */
  fileSeq?: Seq;
}

export interface CompactionOptions {
  smallestLiveSnapshotSeq: Seq;
  isBottomLevel: boolean;
  /** Split outputs near this size. Default 2 MiB. */
  targetFileBytes?: number;
  batchRows?: number;
}

export interface CompactionResult {
  outputs: EncodedSegment[];
  entriesIn: number;
  entriesOut: number;
  droppedVersions: number;
  droppedTombstones: number;
  bytesIn: number;
  bytesOut: number;
}

/** Rough encoded size of an entry, used only to decide where to split outputs. */
export function estimateEntryBytes(e: Entry): number {
  let n = e.key.length + 4 + 8 + 1 + 2;
  if (e.row !== undefined) {
    for (const c of e.row) {
      if (c === null || typeof c === 'boolean') n += 1;
      else if (typeof c === 'number' || typeof c === 'bigint') n += 8;
      else if (typeof c === 'string') n += c.length + 4;
      else n += c.length + 4;
    }
  }
  return n;
}

/** Inputs in any order (newest first preferred: duplicates resolve to the earlier input). */
export function runCompaction(inputs: readonly CompactionInput[], opts: CompactionOptions): CompactionResult {
  if (inputs.length === 0) throw new Error('runCompaction: no inputs');
  const target = opts.targetFileBytes ?? 2 * 1024 * 1024;
  const readers = inputs.map((i) => SegmentReader.open(i.bytes, i.fileName, i.fileSeq));
  const table = readers[0]!.meta.table;
  for (const r of readers) if (r.meta.table !== table) throw new Error('runCompaction: inputs of different tables');
  const merged = mergeSorted(readers.map((r) => r.iterate()), false);
  const res: CompactionResult = { outputs: [], entriesIn: 0, entriesOut: 0, droppedVersions: 0, droppedTombstones: 0, bytesIn: 0, bytesOut: 0 };
  for (const i of inputs) res.bytesIn += i.bytes.length;
  for (const r of readers) res.entriesIn += r.meta.rowCount;
  let out: Entry[] = [];
  let outBytes = 0;
  let prevKey: Uint8Array | undefined;
  let sawVisible = false; // the newest version <= snapshot of the current key was already met
  const flush = (): void => {
    if (out.length === 0) return;
    const seg = encodeSegment(table, out, opts.batchRows ? { batchRows: opts.batchRows } : {});
    res.outputs.push(seg);
    res.bytesOut += seg.bytes.length;
    res.entriesOut += out.length;
    out = [];
    outBytes = 0;
  };
  for (const e of merged) {
    const newKey = prevKey === undefined || compareBytes(prevKey, e.key) !== 0;
    if (newKey) {
      if (outBytes >= target) flush();
      prevKey = e.key;
      sawVisible = false;
    }
    if (e.seq > opts.smallestLiveSnapshotSeq) {
      out.push(e);
      outBytes += estimateEntryBytes(e);
      continue;
    }
    if (sawVisible) {
      res.droppedVersions++;
      continue;
    }
    sawVisible = true;
    if (e.kind === 'del' && opts.isBottomLevel) {
      res.droppedTombstones++;
      continue;
    }
    out.push(e);
    outBytes += estimateEntryBytes(e);
  }
  flush();
  return res;
}
