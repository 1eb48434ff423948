// LsmDb.stats(): counters from the WAL writer, flushes, compactions and the reader cache, and
// the derived amplification figures (definitions in LsmStats).
import type { CompactionStats } from '../compaction/index.js';
import type { Version } from '../manifest/index.js';
import type { Seq } from '../types.js';
import type { LsmStats } from './options.js';
import type { RecoveryResult } from './recovery.js';
import type { SegmentCache } from './segments.js';
import type { WriteCounters } from './backpressure.js';

export interface StatsInput {
  version: Version;
  visibleSeq: Seq;
  memtableBytes: number;
  immutableMemtables: number;
  liveSnapshots: number;
  heldLocks: number;
  wal: { commits: number; groups: number; syncs: number; bytes: number; inlineSyncs: number };
  compaction: CompactionStats;
  cache: SegmentCache;
  userBytes: number;
  flushes: number;
  flushBytes: number;
  recovery: RecoveryResult;
  writes: WriteCounters;
}

export function buildStats(i: StatsInput): LsmStats {
  const v = i.version;
  const levelBytes = v.levels.map((_, l) => v.levelBytes(l));
  const segmentBytes = levelBytes.reduce((a, b) => a + b, 0);
  const deepest = [...levelBytes].reverse().find((b) => b > 0) ?? 0;
  const written = i.wal.bytes + i.flushBytes + i.compaction.bytesOut;
  return {
    visibleSeq: i.visibleSeq,
    memtableBytes: i.memtableBytes,
    immutableMemtables: i.immutableMemtables,
    liveSnapshots: i.liveSnapshots,
    heldLocks: i.heldLocks,
    walCommits: i.wal.commits,
    walGroups: i.wal.groups,
    walSyncs: i.wal.syncs,
    walInlineSyncs: i.wal.inlineSyncs,
    walBytes: i.wal.bytes,
    userBytes: i.userBytes,
    flushes: i.flushes,
    flushBytes: i.flushBytes,
    compactions: i.compaction.compactions,
    compactionBytesIn: i.compaction.bytesIn,
    compactionBytesOut: i.compaction.bytesOut,
    segmentFiles: v.allFiles().length,
    segmentBytes,
    levelBytes,
    writeAmplification: i.userBytes > 0 ? written / i.userBytes : 0,
    spaceAmplification: deepest > 0 ? segmentBytes / deepest : 0,
    segmentCacheHits: i.cache.hits,
    segmentCacheMisses: i.cache.misses,
    segmentCacheBytes: i.cache.cachedBytes,
    recovery: i.recovery,
    writeStalls: i.writes.stalls,
    writeStallMs: i.writes.stallMs,
    writeSlowdowns: i.writes.slowdowns,
  };
}
