// Reads over every source of a database, newest first: the active memtable, the immutable
// memtables (newest first), then segment files (L0 newest first, then L1, L2, ...). For one key
// the first source holding a version at or below the snapshot has the answer, because a newer
// source only ever holds newer versions of a key (flushes and compactions keep that order).
import { compareBytes, mergeSorted, visibleOnly } from '../iter/index.js';
import type { Version } from '../manifest/index.js';
import { keyHash1, keyHash2 } from '../segment/index.js';
import type { Memtable } from '../memtable/index.js';
import type { KeyRow, ScanOptions } from '../mvcc/index.js';
import type { Entry, Seq, TableId } from '../types.js';
import type { SegmentCache } from './segments.js';

export interface ReadSources {
  mem: Memtable;
  /** Newest first. */
  imms: readonly Memtable[];
  version: Version;
  cache: SegmentCache;
}

/** Point lookup; parameters instead of a ReadSources object so the hot path allocates nothing. */
export function getEntry(mem: Memtable, imms: readonly Memtable[], version: Version, cache: SegmentCache, table: TableId, key: Uint8Array, seq: Seq): Entry | undefined {
  let e = mem.get(table, key, seq);
  if (e) return e;
  for (let i = 0; i < imms.length; i++) {
    e = imms[i]!.get(table, key, seq);
    if (e) return e;
  }
  const levels = version.levels;
  // The bloom hashes of the key, computed at the first segment probed and reused for the rest.
  let h1 = 0;
  let h2 = 0;
  let hashed = false;
  // L0 files overlap: every one whose range holds the key, newest first.
  const l0 = levels[0] ?? [];
  for (let i = 0; i < l0.length; i++) {
    const f = l0[i]!;
    if (f.table !== table || f.smallestSeq > seq) continue;
    if (compare(f.smallestKey, key) > 0 || compare(f.largestKey, key) < 0) continue;
    if (!hashed) {
      h1 = keyHash1(key);
      h2 = keyHash2(key);
      hashed = true;
    }
    e = cache.reader(f.fileNumber).getHashed(key, seq, h1, h2);
    if (e) return e;
  }
  // L1+: files are sorted by (table, smallestKey) and do not overlap: at most one candidate,
  // found by binary search (the first file whose (table, largestKey) is >= (table, key)).
  for (let l = 1; l < levels.length; l++) {
    const files = levels[l]!;
    let lo = 0;
    let hi = files.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const f = files[mid]!;
      if (f.table < table || (f.table === table && compare(f.largestKey, key) < 0)) lo = mid + 1;
      else hi = mid;
    }
    const f = files[lo];
    if (!f || f.table !== table || f.smallestSeq > seq || compare(f.smallestKey, key) > 0) continue;
    if (!hashed) {
      h1 = keyHash1(key);
      h2 = keyHash2(key);
      hashed = true;
    }
    e = cache.reader(f.fileNumber).getHashed(key, seq, h1, h2);
    if (e) return e;
  }
  return undefined;
}

const compare = compareBytes;

/** Rows of `table` visible at `seq`, in key order (or reverse). The sources are opened NOW,
 *  not at the first next(): a scan at an unregistered seq must hold the segment readers that
 *  still have its versions before any later compaction can drop them. */
export function scanVisible(s: ReadSources, table: TableId, o: ScanOptions, seq: Seq): IterableIterator<KeyRow> {
  const reverse = o.reverse ?? false;
  const range = {
    lowerInclusive: o.lowerInclusive ?? true,
    upperInclusive: o.upperInclusive ?? false,
    reverse,
    ...(o.lower ? { lower: o.lower } : {}),
    ...(o.upper ? { upper: o.upper } : {}),
  };
  const sources: Iterator<Entry>[] = [s.mem.iterate(table, range)];
  for (const m of s.imms) sources.push(m.iterate(table, range));
  const levels = s.version.levels;
  for (let l = 0; l < levels.length; l++) {
    for (const f of s.version.overlapping(l, table, o.lower, o.upper)) {
      if (f.smallestSeq > seq) continue;
      sources.push(s.cache.reader(f.fileNumber).iterate(range)[Symbol.iterator]());
    }
  }
  return rows(visibleOnly(mergeSorted(sources, reverse), seq, reverse));
}

function* rows(entries: Iterable<Entry>): Generator<KeyRow> {
  for (const e of entries) yield { key: e.key, row: e.row! };
}
