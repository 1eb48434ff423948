// Versions: immutable sets of live segment files per level, reference-counted.
// Invariants: L0 is ordered newest first (largestSeq desc, then fileNumber desc) and its files
// may overlap; every level >= 1 is ordered by (table, smallestKey) and no two files of one table
// overlap there. A file is obsolete (deletable) once no live version lists it; a version is live
// while it is current or while any reader holds a reference to it.
import { compareBytes } from '../iter/index.js';
import type { TableId } from '../types.js';
import { MAX_LEVELS } from './edit.js';
import type { SegmentFile, VersionEdit } from './edit.js';

export class Version {
  private refs = 0;
  constructor(
    readonly levels: readonly (readonly SegmentFile[])[],
    private readonly onDead: (v: Version) => void,
  ) {}

  /** Take a reference (readers and iterators hold one while they read this version's files). */
  ref(): this {
    this.refs++;
    return this;
  }

  unref(): void {
    if (this.refs <= 0) throw new Error('lsm invariant violated: Version.unref without ref');
    if (--this.refs === 0) this.onDead(this);
  }

  get refCount(): number {
    return this.refs;
  }

  allFiles(): SegmentFile[] {
    return this.levels.flat();
  }

  levelBytes(level: number): number {
    return this.levels[level]!.reduce((n, f) => n + f.sizeBytes, 0);
  }

  /** Files of `table` in `level` whose key range intersects [lo, hi] (undefined = unbounded). */
  overlapping(level: number, table: TableId, lo: Uint8Array | undefined, hi: Uint8Array | undefined): SegmentFile[] {
    const files = this.levels[level]!;
    const hit = (f: SegmentFile): boolean =>
      f.table === table && (hi === undefined || compareBytes(f.smallestKey, hi) <= 0) && (lo === undefined || compareBytes(f.largestKey, lo) >= 0);
    if (level === 0) return files.filter(hit);
    // L1+: sorted by (table, smallestKey) and disjoint, so largestKeys ascend too: binary-search
    // the first file of the table that ends at or after `lo`, then walk while files start <= hi.
    const out: SegmentFile[] = [];
    for (let i = this.firstReaching(files, table, lo); i < files.length && hit(files[i]!); i++) out.push(files[i]!);
    return out;
  }

  /** L1+: the one file of `level` that may hold `key` of `table`, if any (binary search). */
  fileForKey(level: number, table: TableId, key: Uint8Array): SegmentFile | undefined {
    const files = this.levels[level]!;
    if (level === 0) throw new Error('lsm invariant violated: fileForKey on L0 (files overlap)');
    const f = files[this.firstReaching(files, table, key)];
    return f !== undefined && f.table === table && compareBytes(f.smallestKey, key) <= 0 ? f : undefined;
  }

  /** The files a point read of (table, key) must consult, newest data first. */
  filesForKey(table: TableId, key: Uint8Array): SegmentFile[] {
    const out = this.overlapping(0, table, key, key);
    for (let l = 1; l < this.levels.length; l++) {
      const f = this.fileForKey(l, table, key);
      if (f !== undefined) out.push(f);
    }
    return out;
  }

  /** Index of the first file with (table, largestKey) >= (table, lo) in a level >= 1. */
  private firstReaching(files: readonly SegmentFile[], table: TableId, lo: Uint8Array | undefined): number {
    let a = 0;
    let z = files.length;
    while (a < z) {
      const mid = (a + z) >> 1;
      const f = files[mid]!;
      const before = f.table < table || (f.table === table && lo !== undefined && compareBytes(f.largestKey, lo) < 0);
      if (before) a = mid + 1;
      else z = mid;
    }
    return a;
  }
}

export function sortLevel(level: number, files: SegmentFile[]): SegmentFile[] {
  if (level === 0) {
    return files.sort((a, b) => (a.largestSeq !== b.largestSeq ? (a.largestSeq > b.largestSeq ? -1 : 1) : b.fileNumber - a.fileNumber));
  }
  return files.sort((a, b) => (a.table !== b.table ? a.table - b.table : compareBytes(a.smallestKey, b.smallestKey)));
}

/** Apply an edit to level lists; returns an error message instead of throwing. */
export function applyEdit(base: readonly (readonly SegmentFile[])[], edit: VersionEdit): SegmentFile[][] | string {
  const levels = Array.from({ length: MAX_LEVELS }, (_, l) => [...(base[l] ?? [])]);
  for (const f of [...(edit.removed ?? []), ...(edit.added ?? [])]) {
    if (!Number.isInteger(f.level) || f.level < 0 || f.level >= MAX_LEVELS) return `names level ${f.level} (levels are 0..${MAX_LEVELS - 1})`;
  }
  for (const r of edit.removed ?? []) {
    const i = levels[r.level]!.findIndex((f) => f.fileNumber === r.fileNumber);
    if (i < 0) return `removes file ${r.fileNumber} which is not in level ${r.level}`;
    levels[r.level]!.splice(i, 1);
  }
  const present = new Set(levels.flat().map((f) => f.fileNumber));
  for (const f of edit.added ?? []) {
    if (present.has(f.fileNumber)) return `adds file ${f.fileNumber} twice`;
    if (compareBytes(f.smallestKey, f.largestKey) > 0) return `file ${f.fileNumber} has smallestKey > largestKey`;
    present.add(f.fileNumber);
    levels[f.level]!.push(f);
  }
  for (let l = 0; l < MAX_LEVELS; l++) {
    sortLevel(l, levels[l]!);
    if (l === 0) continue;
    const files = levels[l]!;
    for (let i = 1; i < files.length; i++) {
      const a = files[i - 1]!;
      const b = files[i]!;
      if (a.table === b.table && compareBytes(a.largestKey, b.smallestKey) >= 0) {
        return `files ${a.fileNumber} and ${b.fileNumber} overlap in level ${l}`;
      }
    }
  }
  return levels;
}
