// LsmDb's option, result and statistics types, and the option defaults (API: ../README.md).
import { getHeapStatistics } from 'node:v8';
import type { CompactionSettings } from './compact.js';
import type { Isolation, ScanOptions, Snapshot } from '../mvcc/index.js';
import type { Io, Seq } from '../types.js';
import { DEFAULT_WAL_PREALLOC_BYTES, type SyncMode } from '../wal/index.js';
import type { RecoveryResult } from './recovery.js';

export interface LsmOptions {
  dir: string;
  /** Default: the real filesystem. */
  io?: Io;
  /** Seal the memtable past this many bytes. Default 16 MiB. */
  memtableBytesMax?: number;
  /** 'fsync' (default): a commit returns once durable. 'off': once appended (synchronous_commit = off). */
  syncMode?: SyncMode;
  /** syncMode 'off': background fdatasync period. Default 200 ms. */
  syncIntervalMs?: number;
  /** Largest row (approximate bytes of its cells). Default 64 MiB. */
  valueBytesMax?: number;
  /** Largest transaction write set, in estimated heap bytes (mvcc/budget.ts). Default 256 MiB;
   *  bounded at open by `heapLimitBytes × TXN_HEAP_FRACTION` (LsmDb.txnBytesMax is the result). */
  txnBytesMax?: number;
  /** The JavaScript heap this process may use, which bounds the write-set limits (one
   *  transaction: 25%, all open transactions: 50%). Default: V8's heap_size_limit at open. */
  heapLimitBytes?: number;
  /** WAL queue bound before commits wait. Default 64 MiB. */
  walQueueBytesMax?: number;
  /** Size each WAL file is preallocated (zero-filled and synced) to, and of the spare prepared
   *  for the next one; 0 = files grow with every append. Default 16 MiB (PostgreSQL's segment
   *  size): an fdatasync then commits no file-size metadata (../wal/prealloc.ts). */
  walPreallocBytes?: number;
  /** syncMode 'fsync': a commit made while no other session holds a snapshot is written and
   *  fdatasynced synchronously on the event loop (../wal/inline.ts) instead of through the
   *  thread pool. Default true; false = always the pool (A/B measurements). */
  walInlineSync?: boolean;
  /** Sealed memtables waiting for a flush before commits stall. Default 2. */
  immutableMemtablesMax?: number;
  /** Segment bytes kept open in memory. Default 512 MiB. */
  segmentCacheBytesMax?: number;
  /** Rows per Arrow record batch in segments. Default: the segment encoder's. */
  batchRows?: number;
  /** Worker threads for flush encoding and compaction merges; 0 = inline. Default 1. */
  workers?: number;
  compaction?: Partial<CompactionSettings>;
}

export interface BeginOptions {
  isolation?: Isolation;
}

export interface DbScanOptions extends ScanOptions {
  snapshot?: Snapshot;
}

export interface LsmStats {
  visibleSeq: Seq;
  memtableBytes: number;
  immutableMemtables: number;
  liveSnapshots: number;
  heldLocks: number;
  walCommits: number;
  walGroups: number;
  walSyncs: number;
  /** Of walSyncs, those done inline (synchronously, a lone commit: ../wal/inline.ts). */
  walInlineSyncs: number;
  walBytes: number;
  userBytes: number;
  flushes: number;
  flushBytes: number;
  compactions: number;
  compactionBytesIn: number;
  compactionBytesOut: number;
  segmentFiles: number;
  segmentBytes: number;
  levelBytes: number[];
  /** (WAL + flush + compaction bytes written) / user bytes committed. */
  writeAmplification: number;
  /** All segment bytes / bytes of the deepest non-empty level (LevelDB's rough measure). */
  spaceAmplification: number;
  segmentCacheHits: number;
  segmentCacheMisses: number;
  segmentCacheBytes: number;
  recovery: RecoveryResult;
  /** Commits that waited for a flush/compaction (db/backpressure.ts), the time they waited. */
  writeStalls: number;
  writeStallMs: number;
  /** Commits delayed once because flushes or compactions fell behind. */
  writeSlowdowns: number;
}


export const MiB = 1024 * 1024;
export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

export type ResolvedOptions = Required<Omit<LsmOptions, 'io' | 'workers' | 'batchRows' | 'compaction'>> & { batchRows: number | undefined };

export function resolveOptions(o: LsmOptions): ResolvedOptions {
  for (const [name, v] of Object.entries(o)) {
    if (name.endsWith('Max') || name.endsWith('Ms') || name === 'batchRows') {
      if (v !== undefined && !(typeof v === 'number' && v > 0)) throw new Error(`lsm: option ${name} must be a positive number, got ${String(v)}`);
    }
  }
  if (o.heapLimitBytes !== undefined && !(typeof o.heapLimitBytes === 'number' && o.heapLimitBytes > 0)) throw new Error(`lsm: option heapLimitBytes must be a positive number, got ${String(o.heapLimitBytes)}`);
  if (o.syncMode !== undefined && o.syncMode !== 'fsync' && o.syncMode !== 'off') throw new Error(`lsm: syncMode must be 'fsync' or 'off'`);
  if (o.walInlineSync !== undefined && typeof o.walInlineSync !== 'boolean') throw new Error(`lsm: option walInlineSync must be a boolean, got ${String(o.walInlineSync)}`);
  if (o.walPreallocBytes !== undefined && !(Number.isSafeInteger(o.walPreallocBytes) && o.walPreallocBytes >= 0)) throw new Error(`lsm: option walPreallocBytes must be a non-negative integer, got ${String(o.walPreallocBytes)}`);
  return {
    dir: o.dir.replace(/\/+$/, ''),
    memtableBytesMax: o.memtableBytesMax ?? 16 * MiB,
    syncMode: o.syncMode ?? 'fsync',
    syncIntervalMs: o.syncIntervalMs ?? 200,
    valueBytesMax: o.valueBytesMax ?? 64 * MiB,
    txnBytesMax: o.txnBytesMax ?? 256 * MiB,
    heapLimitBytes: o.heapLimitBytes ?? getHeapStatistics().heap_size_limit,
    walQueueBytesMax: o.walQueueBytesMax ?? 64 * MiB,
    walPreallocBytes: o.walPreallocBytes ?? DEFAULT_WAL_PREALLOC_BYTES,
    walInlineSync: o.walInlineSync ?? true,
    immutableMemtablesMax: o.immutableMemtablesMax ?? 2,
    segmentCacheBytesMax: o.segmentCacheBytesMax ?? 512 * MiB,
    batchRows: o.batchRows,
  };
}
