// The CPU jobs that may run off the event loop, and their one dispatcher. Used by the worker
// entry (worker.ts) and by the pool's inline mode, so both execute exactly the same code.
import type { Entry, TableId } from '../types.js';
import { ColumnChunk, encodeSegment, encodeSegmentPacked } from '../segment/index.js';
import type { ColumnChunkParts, EncodeSegmentOptions, EncodedSegment } from '../segment/index.js';
import { runCompaction } from './merge.js';
import { unpackEntries } from './wire.js';
import type { PackedEntries } from './wire.js';
import type { CompactionInput, CompactionOptions, CompactionResult } from './merge.js';

export type Job =
  | { kind: 'encode'; table: TableId; entries: readonly Entry[]; opts: EncodeSegmentOptions }
  | { kind: 'encode-packed'; packed: PackedEntries; opts: EncodeSegmentOptions }
  // An ingest's column chunk (lsm/segment/column-chunk.ts), its buffers transferred.
  | { kind: 'encode-columns'; parts: ColumnChunkParts; opts: EncodeSegmentOptions }
  | { kind: 'compact'; inputs: readonly CompactionInput[]; opts: CompactionOptions };

export function runJob(job: Job): EncodedSegment | CompactionResult {
  switch (job.kind) {
    case 'encode':
      return encodeSegment(job.table, job.entries, job.opts);
    case 'encode-packed':
      // Straight from the flat buffers; columns of mixed kinds need the entry path.
      return encodeSegmentPacked(job.packed, job.opts) ?? encodeSegment(job.packed.table, unpackEntries(job.packed), job.opts);
    case 'encode-columns':
      return ColumnChunk.fromParts(job.parts).encode(job.opts);
    case 'compact':
      return runCompaction(job.inputs, job.opts);
    default: {
      const never: never = job;
      throw new Error(`unknown job ${String(never)}`);
    }
  }
}

/** Buffers to transfer (not copy) back to the main thread. */
export function transferablesOf(result: EncodedSegment | CompactionResult): ArrayBuffer[] {
  const segs = 'outputs' in result ? result.outputs : [result];
  return segs.map((s) => s.bytes.buffer as ArrayBuffer);
}

/** Messages between the pool and a worker. */
export interface JobRequest {
  id: number;
  job: Job;
}
export type JobResponse =
  // spare: an encode-columns job's chunk buffers handed back (transferred) for the next chunk.
  | { id: number; ok: true; result: EncodedSegment | CompactionResult; spare?: ColumnChunkParts }
  | { id: number; ok: false; message: string; code: string | undefined; name: string };
