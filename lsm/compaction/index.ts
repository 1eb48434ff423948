// lsm/compaction door: picker, merge, worker pool, rate limiter, stats, main-thread runner.
export { pickCompaction, levelBudgetBytes, CompactionPointers } from './picker.js';
export type { CompactionTask, CompactionReason, PickerOptions } from './picker.js';
export { runCompaction, estimateEntryBytes } from './merge.js';
export type { CompactionInput, CompactionOptions, CompactionResult } from './merge.js';
export { WorkerPool } from './pool.js';
export type { WorkerPoolOptions } from './pool.js';
export { RateLimiter } from './rate.js';
export type { RateLimiterOptions } from './rate.js';
export { CompactionStats } from './stats.js';
export type { LevelStats } from './stats.js';
export { executeCompaction, deleteObsoleteFiles, segmentFileFromMeta } from './run.js';
export type { CompactionContext, ExecuteOptions } from './run.js';
