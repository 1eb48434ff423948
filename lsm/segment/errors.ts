// A segment that fails validation. Corruption is never skipped silently: the reader throws
// this (an LsmError with SQLSTATE XX001 data_corrupted), naming the file.
// Relies on LsmError from lsm/types.ts (added by the lsm-core engineer).
import { LsmError } from '../types.js';

export class SegmentCorruptionError extends LsmError {
  constructor(
    readonly fileName: string,
    readonly reason: string,
  ) {
    super('XX001', `segment file "${fileName}" is corrupt: ${reason}`);
    this.name = 'SegmentCorruptionError';
  }
}
