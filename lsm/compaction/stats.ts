// Compaction counters for lsm/db.ts to publish (storage_stats). Plain numbers, owned by the
// database object (no module-level state).
import type { CompactionResult } from './merge.js';

export interface LevelStats {
  compactions: number;
  bytesIn: number;
  bytesOut: number;
  filesIn: number;
  filesOut: number;
  timeMs: number;
}

export class CompactionStats {
  compactions = 0;
  /** Files moved to the next level without a rewrite (not counted in `compactions`). */
  trivialMoves = 0;
  bytesIn = 0;
  bytesOut = 0;
  entriesIn = 0;
  entriesOut = 0;
  droppedVersions = 0;
  droppedTombstones = 0;
  timeMs = 0;
  rateLimitWaitMs = 0;
  failures = 0;
  /** Indexed by output level. */
  readonly perLevel: LevelStats[] = [];

  record(outputLevel: number, filesIn: number, r: CompactionResult, timeMs: number): void {
    this.compactions++;
    this.bytesIn += r.bytesIn;
    this.bytesOut += r.bytesOut;
    this.entriesIn += r.entriesIn;
    this.entriesOut += r.entriesOut;
    this.droppedVersions += r.droppedVersions;
    this.droppedTombstones += r.droppedTombstones;
    this.timeMs += timeMs;
    const l = (this.perLevel[outputLevel] ??= { compactions: 0, bytesIn: 0, bytesOut: 0, filesIn: 0, filesOut: 0, timeMs: 0 });
    l.compactions++;
    l.bytesIn += r.bytesIn;
    l.bytesOut += r.bytesOut;
    l.filesIn += filesIn;
    l.filesOut += r.outputs.length;
    l.timeMs += timeMs;
  }

  snapshot(): Omit<CompactionStats, 'record' | 'snapshot'> {
    return { ...this, perLevel: this.perLevel.map((l) => ({ ...(l ?? { compactions: 0, bytesIn: 0, bytesOut: 0, filesIn: 0, filesOut: 0, timeMs: 0 }) })) };
  }
}
