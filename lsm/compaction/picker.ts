// Leveled compaction picker. Pure function of a version (plus round-robin pointers).
// Rules: L0 → L1 when L0 holds >= l0FileTrigger files (all L0 files of the table of the OLDEST
// L0 file are taken, so newer L0 data never ends up below older data); Ln → Ln+1 when level n
// exceeds its byte budget (l1BytesMax × levelMultiplier^(n-1)); the level with the highest
// score (>= 1) goes first. Inputs are widened with every overlapping file of the output level
// of the same table. Files that a running compaction already uses are never picked.
import { compareBytes } from '../iter/index.js';
import { MAX_LEVELS } from '../manifest/index.js';
import type { SegmentFile, Version } from '../manifest/index.js';
import type { TableId } from '../types.js';

export interface PickerOptions {
  /** L0 file count that triggers an L0 → L1 compaction. Default 4. */
  l0FileTrigger?: number;
  /** Byte budget of L1. Default 10 MiB. */
  l1BytesMax?: number;
  /** Budget growth per level. Default 10. */
  levelMultiplier?: number;
  /** Levels in use (the last one has no budget). Default MAX_LEVELS (7). */
  levels?: number;
  /** File numbers in use by running compactions. */
  busyFiles?: ReadonlySet<number>;
}

export type CompactionReason = 'l0-file-count' | 'level-bytes';

export interface CompactionTask {
  reason: CompactionReason;
  table: TableId;
  level: number;
  outputLevel: number;
  /** Files taken from `level` (L0: newest first). */
  inputs: SegmentFile[];
  /** Overlapping files of `outputLevel`, sorted by key. */
  overlaps: SegmentFile[];
  /** No deeper level holds data of this table in the task's key range: tombstones may go. */
  isBottomLevel: boolean;
  smallestKey: Uint8Array;
  largestKey: Uint8Array;
  /** Score that selected the task (>= 1). */
  score: number;
  /** Inputs that do not overlap each other and nothing to merge with below: the files can
   *  change level without being rewritten (several at once when L0 holds, e.g., the flushes
   *  of a sequential load). */
  trivialMove: boolean;
}

/** Round-robin position per level, so that Ln compactions sweep the key space. */
export class CompactionPointers {
  private readonly at = new Map<number, { table: TableId; key: Uint8Array }>();
  get(level: number): { table: TableId; key: Uint8Array } | undefined {
    return this.at.get(level);
  }
  advance(task: CompactionTask): void {
    if (task.level === 0) return;
    // The inputs' own end, not the range widened by overlaps: the next file of the level is next.
    let key = task.inputs[0]!.largestKey;
    for (const f of task.inputs) if (compareBytes(f.largestKey, key) > 0) key = f.largestKey;
    this.at.set(task.level, { table: task.table, key });
  }
}

export function levelBudgetBytes(level: number, opts: PickerOptions = {}): number {
  const l1 = opts.l1BytesMax ?? 10 * 1024 * 1024;
  return l1 * (opts.levelMultiplier ?? 10) ** Math.max(0, level - 1);
}

export function pickCompaction(version: Version, opts: PickerOptions = {}, pointers?: CompactionPointers): CompactionTask | undefined {
  const levels = Math.min(opts.levels ?? MAX_LEVELS, MAX_LEVELS);
  const busy = opts.busyFiles ?? new Set<number>();
  const scored: { level: number; score: number }[] = [];
  scored.push({ level: 0, score: version.levels[0]!.length / (opts.l0FileTrigger ?? 4) });
  for (let l = 1; l < levels - 1; l++) scored.push({ level: l, score: version.levelBytes(l) / levelBudgetBytes(l, opts) });
  scored.sort((a, b) => b.score - a.score);
  for (const { level, score } of scored) {
    if (score < 1) break;
    const task = level === 0 ? pickL0(version, busy, score) : pickLn(version, level, busy, score, pointers);
    if (task !== undefined) return task;
  }
  return undefined;
}

function pickL0(version: Version, busy: ReadonlySet<number>, score: number): CompactionTask | undefined {
  const l0 = version.levels[0]!;
  // Oldest first: try the table of the oldest L0 file, then the next oldest table.
  const tried = new Set<TableId>();
  for (let i = l0.length - 1; i >= 0; i--) {
    const table = l0[i]!.table;
    if (tried.has(table)) continue;
    tried.add(table);
    const inputs = l0.filter((f) => f.table === table);
    const task = complete(version, 'l0-file-count', table, 0, inputs, score);
    if (!uses(task, busy)) return task;
  }
  return undefined;
}

function pickLn(version: Version, level: number, busy: ReadonlySet<number>, score: number, pointers: CompactionPointers | undefined): CompactionTask | undefined {
  const files = version.levels[level]!;
  const p = pointers?.get(level);
  let start = 0;
  if (p !== undefined) {
    const i = files.findIndex((f) => f.table > p.table || (f.table === p.table && compareBytes(f.smallestKey, p.key) > 0));
    start = i < 0 ? 0 : i;
  }
  for (let k = 0; k < files.length; k++) {
    const f = files[(start + k) % files.length]!;
    const task = complete(version, 'level-bytes', f.table, level, [f], score);
    if (!uses(task, busy)) return task;
  }
  return undefined;
}

function complete(version: Version, reason: CompactionReason, table: TableId, level: number, inputs: SegmentFile[], score: number): CompactionTask {
  let lo = inputs[0]!.smallestKey;
  let hi = inputs[0]!.largestKey;
  for (const f of inputs) {
    if (compareBytes(f.smallestKey, lo) < 0) lo = f.smallestKey;
    if (compareBytes(f.largestKey, hi) > 0) hi = f.largestKey;
  }
  const outputLevel = level + 1;
  const overlaps = version.overlapping(outputLevel, table, lo, hi);
  for (const f of overlaps) {
    if (compareBytes(f.smallestKey, lo) < 0) lo = f.smallestKey;
    if (compareBytes(f.largestKey, hi) > 0) hi = f.largestKey;
  }
  let isBottomLevel = true;
  for (let l = outputLevel + 1; l < version.levels.length; l++) {
    if (version.overlapping(l, table, lo, hi).length > 0) isBottomLevel = false;
  }
  const trivialMove = overlaps.length === 0 && disjoint(inputs);
  return { reason, table, level, outputLevel, inputs, overlaps, isBottomLevel, smallestKey: lo, largestKey: hi, score, trivialMove };
}

/** True when no two files' key ranges intersect (one file always is). */
function disjoint(files: readonly SegmentFile[]): boolean {
  const byKey = [...files].sort((a, b) => compareBytes(a.smallestKey, b.smallestKey));
  for (let i = 1; i < byKey.length; i++) if (compareBytes(byKey[i - 1]!.largestKey, byKey[i]!.smallestKey) >= 0) return false;
  return true;
}

function uses(task: CompactionTask, busy: ReadonlySet<number>): boolean {
  return task.inputs.some((f) => busy.has(f.fileNumber)) || task.overlaps.some((f) => busy.has(f.fileNumber));
}
