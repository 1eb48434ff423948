// Reads over every source of a database, newest first: the active memtable, the immutable
// memtables (newest first), then segment files (L0 newest first, then L1, L2, ...). For one key
// the first source holding a version at or below the snapshot has the answer, because a newer
// source only ever holds newer versions of a key (flushes and compactions keep that order).
import { compareBytes, mergeSorted, visibleOnly } from '../iter/index.js';
import type { SegmentFile, Version } from '../manifest/index.js';
import { keyHash1, keyHash2, type ColumnEncoding, type OverlayRow, type ScanPart, type SegmentReader, type VecCacheStats } from '../segment/index.js';
import { MemtableVisibleScan, type KeyRange as MemRange, type Memtable } from '../memtable/index.js';
import type { KeyRow, ScanOptions } from '../mvcc/index.js';
import type { Entry, Seq, TableId } from '../types.js';
import type { SegmentCache, VersionPin } from './segments.js';

export interface ReadSources {
  mem: Memtable;
  /** Newest first. */
  imms: readonly Memtable[];
  version: Version;
  cache: SegmentCache;
}

/**
 * Point lookup; parameters instead of a ReadSources object so the hot path allocates nothing.
 * `columns`: the user columns a segment row decodes (a projection: its other cells are null;
 * memtable rows come whole); undefined: all of them.
 */
export function getEntry(mem: Memtable, imms: readonly Memtable[], version: Version, cache: SegmentCache, table: TableId, key: Uint8Array, seq: Seq, columns?: readonly number[]): Entry | undefined {
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
    e = cache.reader(f.fileNumber, true, f.fileSeq).getHashed(key, seq, h1, h2, columns);
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
    e = cache.reader(f.fileNumber, true, f.fileSeq).getHashed(key, seq, h1, h2, columns);
    if (e) return e;
  }
  return undefined;
}

const compare = compareBytes;

/**
 * Rows of `table` visible at `seq`, in key order (or reverse). The set of sources is fixed NOW
 * (the memtables and the current version's files), their segment files are opened lazily: a
 * group's segments when the scan reaches the group, dropped by the scan once it has passed it
 * (the reader cache may keep them: db/segments.ts). The scan pins the version it started on
 * (SegmentCache.pinVersion) until it ends (done, return(), or garbage collected unfinished), so
 * a compaction meanwhile deletes none of the files it may still open. When at most one group
 * holds segments (a short range scan) they are opened at once and held instead (needsPin).
 *
 * Sources whose key ranges overlap form a group merged by the heap (mergeSorted keeps their
 * newest-first order for equal versions); groups are disjoint in key range, so they are read
 * one after the other without any merge. A group of one source applies visibility itself
 * (SegmentReader.iterateVisible, MemtableVisibleScan). After a bulk load with ascending keys (COPY) every
 * source is its own group. Key ranges are taken when the scan starts; a version inserted into
 * the active memtable later may fall outside its range, but it is newer than `seq` and so
 * invisible: the visibility filter drops it wherever it appears.
 */
export function scanVisible(s: ReadSources, table: TableId, o: ScanOptions, seq: Seq): IterableIterator<KeyRow> {
  const reverse = o.reverse ?? false;
  const range = {
    lowerInclusive: o.lowerInclusive ?? true,
    upperInclusive: o.upperInclusive ?? false,
    reverse,
    ...(o.lower ? { lower: o.lower } : {}),
    ...(o.upper ? { upper: o.upper } : {}),
    ...(o.columns ? { columns: o.columns } : {}),
  };
  const sources = sourcesOf(s, table, range, o, seq);
  const groups = groupByRange(sources);
  if (reverse) groups.reverse();
  return new GroupScan(groups.map((g) => () => openGroup(g, seq, reverse)), s, needsPin(groups));
}

/** What a vector consumer reads (scanParts). */
export interface VectorRequest {
  /** The user columns read from vectors and, for each, the encodings the consumer understands
   *  ('null' always is): a segment storing one of them otherwise is read as rows. */
  columns: ReadonlyArray<{ column: number; encodings: readonly ColumnEncoding[] }>;
}

/** Counters of scanParts (LsmDb.vectorStats): how much was read as vectors, how much as rows. */
export interface VectorScanStats {
  vectorParts: number;
  vectorRows: number;
  rowParts: number;
  /** The derived-vector cache's counters (segments.ts SegmentCache.vectors), once a scan ran. */
  derived?: VecCacheStats;
}

/**
 * scanVisible's rows, forward, as parts (lsm/segment/vec-scan.ts). A group whose oldest source
 * is a segment storing the needed columns in encodings the consumer reads gives that segment's
 * visible rows as column vectors (rows narrower than the needed columns as rows parts); the
 * keys its newer sources (memtables, newer overlapping segments) hold any version of are taken
 * out of the vectors and come, resolved across the group, as rows parts in their key position
 * (overlayOf; when there are too many, the whole group is read as rows). Groups without a
 * segment or with other encodings come as one rows part through scanVisible's path. Parts come
 * in key order, so the consumer sees the rows scanVisible would, in its order.
 */
export function scanParts(s: ReadSources, table: TableId, o: ScanOptions, seq: Seq, req: VectorRequest, stats: VectorScanStats): IterableIterator<ScanPart> {
  if (o.reverse) throw new Error('lsm invariant violated: scanParts is forward only');
  const range = {
    lowerInclusive: o.lowerInclusive ?? true,
    upperInclusive: o.upperInclusive ?? false,
    reverse: false,
    ...(o.lower ? { lower: o.lower } : {}),
    ...(o.upper ? { upper: o.upper } : {}),
    ...(o.columns ? { columns: o.columns } : {}),
  };
  stats.derived = s.cache.vectors.stats;
  const minWidth = req.columns.reduce((w, c) => Math.max(w, c.column + 1), 0);
  const sources = sourcesOf(s, table, range, o, seq);
  const readable = (reader: SegmentReader): boolean => reader.meta.columnCount >= minWidth &&
    req.columns.every((c) => { const e = reader.meta.columns[c.column]!.encoding; return e === 'null' || c.encodings.includes(e); });
  const grouped = groupByRange(sources);
  const pin = needsPin(grouped);
  const groups = grouped.map((g): (() => Iterator<ScanPart>) => () => {
    // The group's oldest source (last: newest first) is a segment in every group that has one.
    const reader = g[g.length - 1]!.segment?.();
    if (reader === undefined || !readable(reader)) return singlePart(openGroup(g, seq, false));
    if (g.length === 1) return reader.vectorParts(range, seq, minWidth, [], s.cache.vectors);
    {
      const overlay = overlayOf(g.slice(0, -1), reader, seq, Math.min(OVERLAY_KEYS_MAX, reader.meta.rowCount >> 2));
      return overlay === undefined ? singlePart(openGroup(g, seq, false)) : reader.vectorParts(range, seq, minWidth, overlay, s.cache.vectors);
    }
  });
  return new CountedParts(new GroupScan(groups, s, pin), stats);
}

/** Keys the newer sources of a group may hold before it is read as rows after all. */
const OVERLAY_KEYS_MAX = 65_536;

/**
 * The visible rows at `seq` of the keys the newer sources `newer` hold any version of (in
 * range), key ascending, each with its visible row or undefined (deleted, or no version
 * visible anywhere): the newest version at or below `seq` among them decides; with none,
 * `oldest` (the group's oldest source: only older versions of a key) does. Undefined when they
 * hold more than `keysMax` keys (the group is then read as rows).
 */
function overlayOf(newer: Source[], oldest: SegmentReader, seq: Seq, keysMax: number): OverlayRow[] | undefined {
  const out: OverlayRow[] = [];
  const merged = mergeSorted(newer.map((x) => x.open()), false);
  try {
    let cur: OverlayRow | undefined;
    let decided = false;
    const settle = (): void => {
      if (cur !== undefined && !decided) {
        const e = oldest.get(cur.key, seq);
        cur.row = e !== undefined && e.kind === 'put' ? e.row : undefined;
      }
    };
    for (let r = merged.next(); !r.done; r = merged.next()) {
      const e = r.value;
      if (cur === undefined || compare(cur.key, e.key) !== 0) {
        settle();
        if (out.length === keysMax) return undefined;
        cur = { key: e.key, row: undefined };
        out.push(cur);
        decided = false;
      }
      if (!decided && e.seq <= seq) {
        decided = true;
        cur.row = e.kind === 'put' ? e.row : undefined;
      }
    }
    settle();
  } finally {
    merged.return?.();
  }
  return out;
}

function* singlePart(rows: Iterator<KeyRow>): Generator<ScanPart> {
  yield { kind: 'rows', rows };
}

/** Counts the parts handed out (VectorScanStats). */
class CountedParts implements IterableIterator<ScanPart> {
  constructor(private readonly inner: IterableIterator<ScanPart>, private readonly stats: VectorScanStats) {}
  next(): IteratorResult<ScanPart> {
    const r = this.inner.next();
    if (!r.done) {
      if (r.value.kind === 'vectors') {
        this.stats.vectorParts++;
        this.stats.vectorRows += r.value.batch.count;
      } else this.stats.rowParts++;
    }
    return r;
  }
  return(): IteratorResult<ScanPart> {
    return this.inner.return?.() ?? { done: true, value: undefined };
  }
  [Symbol.iterator](): IterableIterator<ScanPart> {
    return this;
  }
}

/**
 * Every source of `table` that may hold versions in range at `seq`, newest first. Segment sources open their file when first read, through the reader cache; a
 * scan reading more than SegmentCache.scanFillBytesMax bytes of segments does not fill it.
 */
function sourcesOf(s: ReadSources, table: TableId, range: MemRange & { columns?: readonly number[] }, o: ScanOptions, seq: Seq): Source[] {
  const list: Source[] = [];
  const mems = [s.mem, ...s.imms];
  for (const m of mems) {
    const b = m.keyBounds(table);
    if (b) list.push({ order: list.length, lo: b.smallest, hi: b.largest, open: () => m.iterate(table, range), visible: () => new MemtableVisibleScan(m, table, range, seq) as Iterator<KeyRow>, segment: undefined });
  }
  const files: SegmentFile[] = [];
  let bytes = 0;
  const levels = s.version.levels;
  for (let l = 0; l < levels.length; l++) {
    for (const f of s.version.overlapping(l, table, o.lower, o.upper)) {
      if (f.smallestSeq > seq) continue;
      files.push(f);
      bytes += f.sizeBytes;
    }
  }
  const cache = s.cache;
  const fill = bytes <= cache.scanFillBytesMax;
  for (const f of files) {
    const n = f.fileNumber;
    const fileSeq = f.fileSeq;
    // No reader is kept here: the iterator opened from it holds it while the scan reads it.
    const src: Source = {
      order: list.length, lo: f.smallestKey, hi: f.largestKey,
      open: () => reader().iterate(range), visible: () => reader().iterateVisible(range, seq), segment: () => reader(),
      held: undefined, hold: () => { src.held = reader(); },
    };
    // Nothing is kept here unless held (needsPin): the iterator opened from a reader holds it
    // while the scan reads that segment.
    const reader = (): SegmentReader => src.held ?? cache.reader(n, fill, fileSeq);
    list.push(src);
  }
  return list;
}

/**
 * Whether a scan over `groups` pins its version. When at most one group holds segments, its
 * files are opened now instead (they would be at that group's first row anyway) and held by
 * the scan: held readers keep their bytes, so no pin is needed, and a short range scan pays for
 * no pin (a FinalizationRegistry registration). Otherwise the files open lazily and the scan pins.
 */
function needsPin(groups: Source[][]): boolean {
  let withSegments = 0;
  for (const g of groups) if (g.some((x) => x.hold !== undefined)) withSegments++;
  if (withSegments > 1) return true;
  for (const g of groups) for (const x of g) x.hold?.();
  return false;
}

interface Source {
  /** Position in the newest-first source list. */
  order: number;
  /** Smallest and largest key the source may hold (a superset of what it yields). */
  lo: Uint8Array;
  hi: Uint8Array;
  /** Every version in range (forward or reverse). */
  open: () => Iterator<Entry>;
  /** The visible rows in range, forward; exact only for a source alone in its group. */
  visible: () => Iterator<KeyRow>;
  /** The segment's reader, opened on call (undefined: a memtable). */
  segment: (() => SegmentReader) | undefined;
  /** A segment's reader held by the scan (needsPin), else undefined. */
  held?: SegmentReader | undefined;
  /** Opens and holds the segment's reader now (undefined: a memtable). */
  hold?: (() => void) | undefined;
}

/** Sources in groups of overlapping key ranges, groups ascending; newest first inside a group. */
function groupByRange(sources: Source[]): Source[][] {
  const sorted = [...sources].sort((a, b) => compare(a.lo, b.lo) || a.order - b.order);
  const groups: Source[][] = [];
  let cur: Source[] = [];
  let hi: Uint8Array | undefined;
  for (const src of sorted) {
    if (hi !== undefined && compare(src.lo, hi) > 0) {
      groups.push(cur.sort((a, b) => a.order - b.order));
      cur = [];
      hi = undefined;
    }
    cur.push(src);
    if (hi === undefined || compare(src.hi, hi) > 0) hi = src.hi;
  }
  if (cur.length > 0) groups.push(cur.sort((a, b) => a.order - b.order));
  return groups;
}

/** The visible rows of one group (Entry has KeyRow's shape: no object per row). */
function openGroup(g: Source[], seq: Seq, reverse: boolean): Iterator<KeyRow> {
  if (g.length === 1 && !reverse) return g[0]!.visible();
  const merged = g.length === 1 ? g[0]!.open() : mergeSorted(g.map((x) => x.open()), reverse);
  return visibleOnly(merged, seq, reverse) as Iterator<KeyRow>;
}

/**
 * Groups read one after another; returns the current group's results as they are. With `pin`
 * (segments in more than one group: needsPin) it pins the version it was built on until the last group is done or return() is
 * called (or the scan is garbage collected unfinished).
 */
class GroupScan<T> implements IterableIterator<T> {
  private i = 0;
  private cur: Iterator<T> | undefined;
  private pin: VersionPin | undefined;

  constructor(private groups: (() => Iterator<T>)[], s: ReadSources, pin: boolean) {
    if (pin) this.pin = s.cache.pinVersion(s.version, this);
  }

  next(): IteratorResult<T> {
    for (;;) {
      if (this.cur === undefined) {
        if (this.i === this.groups.length) {
          this.end();
          return { done: true, value: undefined };
        }
        // The thunk is dropped once used: nothing of a passed group stays reachable from here.
        const open = this.groups[this.i]!;
        this.groups[this.i++] = DONE;
        this.cur = open();
      }
      const r = this.cur.next();
      if (!r.done) return r;
      this.cur = undefined;
    }
  }

  return(): IteratorResult<T> {
    this.cur?.return?.();
    this.cur = undefined;
    this.i = this.groups.length;
    this.end();
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this;
  }

  private end(): void {
    this.groups = [];
    this.i = 0;
    this.pin?.release();
    this.pin = undefined;
  }
}

const DONE = (): never => {
  throw new Error('lsm invariant violated: a scan group opened twice');
};
