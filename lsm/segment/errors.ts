// A segment that fails validation. Corruption is never skipped silently: the reader throws
// this, naming the file, and the caller decides (lsm/db.ts reports it as data corruption).
export class SegmentCorruptionError extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: string,
  ) {
    super(`segment file "${fileName}" is corrupt: ${reason}`);
    this.name = 'SegmentCorruptionError';
  }
}
