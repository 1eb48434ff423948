// Segment reader: validates a segment's bytes, then answers point gets and range iterations
// straight from the Arrow buffers. Spec: FORMAT.md.
// Invariants: open() checks magic, trailer crc, format version, footer crc, body crc and the
// Arrow schema before anything is read, so later reads never see unchecked bytes. Values are
// read on demand from Arrow vectors; keys and Binary cells are views into the file bytes (the
// caller must not mutate them, and the bytes must stay alive while entries are used). Decoded
// record-batch headers are cached per reader (at most one per batch).
import { crc32 } from 'node:zlib';
import { RecordBatchFileReader, RecordBatchReader, Type } from 'apache-arrow';
import type { RecordBatch } from 'apache-arrow';
import type { Cell, Entry, Seq } from '../types.js';
import { columnReader, columnVector, compareAt, compareKeys, rowAt, type ColumnVector, type LoadedBatch } from './batch.js';
import { bloomMayContain, bloomMayContainHashed, keyHash1, keyHash2 } from './bloom.js';
import { SegmentCorruptionError } from './errors.js';
import { SEGMENT_FORMAT_VERSION, TRAILER_BYTES, decodeFooter, decodeTrailer } from './footer.js';
import type { DecodedFooter } from './footer.js';
import type { BatchInfo, ColumnEncoding, SegmentMeta } from './meta.js';
import { VisibleScan, type VisibleRow } from './visible-scan.js';
import { VectorScan, type OverlayRow, type ScanPart } from './vec-scan.js';
import type { DeriveFn, VecCache } from './vec-cache.js';

export interface IterateOptions {
  lower?: Uint8Array;
  upper?: Uint8Array;
  /** Default true. */
  lowerInclusive?: boolean;
  /** Default true. */
  upperInclusive?: boolean;
  /** Reverse = exact mirror of forward order: key desc, and within a key seq ASC. */
  reverse?: boolean;
  /**
   * User column positions to decode (a projection); every other cell of a returned row is null.
   * Undefined: all of them. Rows keep their stored width either way.
   */
  columns?: readonly number[] | undefined;
}

const EXPECTED_TYPE: Record<ColumnEncoding, Type> = {
  null: Type.Null,
  bool: Type.Bool,
  f64: Type.Float,
  i64: Type.Int,
  utf8: Type.Utf8,
  bin: Type.Binary,
  packed: Type.Binary,
};


export class SegmentReader {
  readonly meta: SegmentMeta;
  readonly batches: readonly BatchInfo[];
  private readonly loaded: (LoadedBatch | undefined)[];
  /** Global row index of each batch's first row; one extra entry = rowCount. */
  private readonly batchStart: number[];
  /** keyPrefix of each batch's last key: the batch search compares numbers, not key views. */
  private readonly lastPrefix: Float64Array;

  private constructor(
    readonly fileName: string,
    /** The whole file (already validated); e.g. to hand to a compaction without re-reading. */
    readonly bytes: Uint8Array,
    private readonly arrow: RecordBatchFileReader,
    private readonly footer: DecodedFooter,
    /** The trailer's body checksum: with the name, what a VecCache keys this file's values by. */
    readonly bodyCrc: number,
    /** The manifest's file-level sequence number (open()'s `fileSeq`), else undefined. */
    readonly fileSeq: Seq | undefined,
  ) {
    this.meta = { ...footer.meta, formatVersion: SEGMENT_FORMAT_VERSION, sizeBytes: bytes.length };
    this.batches = footer.batches;
    if (fileSeq !== undefined) {
      // Every version has the file's seq: the footer's seq ranges (file and per batch) say so
      // too, so pruning by seq (allVisible, minSeq checks) sees what reads see.
      this.meta = { ...this.meta, smallestSeq: fileSeq, largestSeq: fileSeq };
      this.batches = footer.batches.map((b) => ({ ...b, smallestSeq: fileSeq, largestSeq: fileSeq }));
    }
    this.loaded = new Array(footer.batches.length).fill(undefined);
    this.lastPrefix = new Float64Array(footer.batches.length);
    for (let i = 0; i < footer.batches.length; i++) {
      const k = footer.batches[i]!.lastKey;
      this.lastPrefix[i] = keyPrefix(k, 0, k.length);
    }
    this.batchStart = [0];
    for (const b of footer.batches) this.batchStart.push(this.batchStart[this.batchStart.length - 1]! + b.rowCount);
  }

  /**
   * Validate and open. Throws SegmentCorruptionError (naming `fileName`) on any mismatch.
   * `fileSeq`: the manifest's file-level sequence number (../manifest/FORMAT.md): every version
   * then reads as having it (the file's own `_seq` column must be all 0: an ingest's file).
   */
  static open(bytes: Uint8Array, fileName: string, fileSeq?: Seq): SegmentReader {
    const bad = (reason: string): never => { throw new SegmentCorruptionError(fileName, reason); };
    const trailer = decodeTrailer(bytes);
    if (typeof trailer === 'string') bad(trailer);
    const t = trailer as Exclude<typeof trailer, string>;
    const footerEnd = bytes.length - TRAILER_BYTES;
    const footerBytes = bytes.subarray(footerEnd - t.footerBytes, footerEnd);
    if (crc32(footerBytes) !== t.footerCrc) bad('footer checksum mismatch');
    const body = bytes.subarray(0, footerEnd - t.footerBytes);
    if (crc32(body) !== t.bodyCrc) bad('body checksum mismatch');
    const footer = decodeFooter(footerBytes);
    if (typeof footer === 'string') bad(footer);
    const f = footer as DecodedFooter;
    let arrow: RecordBatchFileReader | undefined;
    try {
      const r = RecordBatchReader.from(body);
      if (r instanceof RecordBatchFileReader) arrow = r.open();
    } catch (e) {
      bad(`Arrow file does not parse: ${(e as Error).message}`);
    }
    if (arrow === undefined) bad('body is not an Arrow IPC file');
    const a = arrow!;
    const fields = a.schema.fields;
    const fixed = f.width !== -1;
    const sys = fixed ? 3 : 4;
    const sysOk =
      fields.length === sys + f.meta.columnCount &&
      fields[0]!.name === '_key' && fields[0]!.typeId === Type.Binary &&
      fields[1]!.name === '_seq' && fields[1]!.typeId === Type.Int &&
      fields[2]!.name === '_kind' && fields[2]!.typeId === Type.Int &&
      (fixed || (fields[3]!.name === '_width' && fields[3]!.typeId === Type.Int));
    if (!sysOk) bad('Arrow schema does not match the footer');
    f.meta.columns.forEach((c, i) => {
      const fld = fields[sys + i]!;
      if (fld.name !== `c${i}` || fld.typeId !== EXPECTED_TYPE[c.encoding]) bad(`column c${i} does not match the footer`);
    });
    if (a.numRecordBatches !== f.batches.length) bad('record batch count does not match the footer');
    if (fileSeq !== undefined && f.meta.largestSeq !== 0n) bad(`file-level seq ${fileSeq} given for a file whose _seq column is not all 0`);
    return new SegmentReader(fileName, bytes, a, f, t.bodyCrc, fileSeq);
  }

  /** This file read with a file-level seq (see open()), without validating the bytes again. */
  withFileSeq(fileSeq: Seq): SegmentReader {
    if (this.footer.meta.largestSeq !== 0n) throw new SegmentCorruptionError(this.fileName, `file-level seq ${fileSeq} given for a file whose _seq column is not all 0`);
    return new SegmentReader(this.fileName, this.bytes, this.arrow, this.footer, this.bodyCrc, fileSeq);
  }

  /** False means the key is certainly not in this segment. */
  mayContain(key: Uint8Array): boolean {
    return bloomMayContain(this.footer.bloom, key);
  }

  /** Newest version of `key` with seq <= snapshotSeq (a deletion is returned as such). */
  get(key: Uint8Array, snapshotSeq: Seq): Entry | undefined {
    return this.getHashed(key, snapshotSeq, keyHash1(key), keyHash2(key));
  }

  /**
   * get() with the key's bloom hashes (keyHash1/keyHash2) computed once by the caller.
   * `columns`: the user columns to decode (a projection, as IterateOptions.columns; the other
   * cells of the returned row are null); undefined: all of them.
   */
  getHashed(key: Uint8Array, snapshotSeq: Seq, h1: number, h2: number, columns?: readonly number[]): Entry | undefined {
    const kp = keyPrefix(key, 0, key.length);
    let b = this.batchFor(key, kp, true);
    if (b === this.batches.length) return undefined; // past the last key
    // The bloom filter saves loading a batch for a key that is not there. Once the batch is
    // loaded, its search (a probe or two for dense keys) costs less than the filter's 7 random
    // bit reads, and a present key (every pgbench lookup) would pay both.
    if (this.loaded[b] === undefined && !bloomMayContainHashed(this.footer.bloom, h1, h2)) return undefined;
    const rows = this.batches[b]!.rowCount;
    let r = rowLowerBound(this.load(b), rows, key, kp, true);
    if (r === rows) {
      b++; // unreachable (the batch's last key reaches the key), as in lowerBound
      r = 0;
    }
    // Walk the key's versions (newest first), possibly into the next batch, without re-locating.
    while (b < this.batches.length) {
      const lb = this.load(b);
      if (compareAt(lb, r, key) !== 0) return undefined;
      if (lb.seqs[r]! <= snapshotSeq) return this.entryAt(lb, r, columns);
      if (++r === this.batches[b]!.rowCount) {
        b++;
        r = 0;
      }
    }
    return undefined;
  }

  /** All versions in [lower, upper] (bounds per options), forward or mirrored. */
  *iterate(opts: IterateOptions = {}): Generator<Entry> {
    const lo = opts.lower === undefined ? 0 : this.lowerBound(opts.lower, opts.lowerInclusive ?? true);
    const hi = opts.upper === undefined ? this.meta.rowCount : this.lowerBound(opts.upper, !(opts.upperInclusive ?? true));
    const cols = opts.columns;
    if (opts.reverse) {
      let [b, r] = hi > lo ? this.locate(hi - 1) : [0, 0];
      for (let g = hi - 1; g >= lo; g--) {
        yield this.entryAt(this.load(b), r, cols);
        if (--r < 0 && b > 0) r = this.batches[--b]!.rowCount - 1;
      }
    } else {
      let [b, r] = lo < hi ? this.locate(lo) : [0, 0];
      for (let g = lo; g < hi; g++) {
        yield this.entryAt(this.load(b), r, cols);
        if (++r === this.batches[b]!.rowCount) { b++; r = 0; }
      }
    }
  }

  /**
   * Forward only: for each key in [lower, upper] the newest version with seq <= snapshotSeq,
   * and nothing for a key whose visible version is a deletion — visibleOnly(iterate(opts))
   * without an entry (or key view) for the versions it skips (visible-scan.ts). Exact only when
   * no other source holds versions of these keys (the caller's job: db/reads.ts scans a segment
   * alone only when its key range overlaps no other source's).
   */
  iterateVisible(opts: IterateOptions, snapshotSeq: Seq): IterableIterator<VisibleRow> {
    if (opts.reverse) throw new Error('lsm invariant violated: iterateVisible is forward only');
    const lo = opts.lower === undefined ? 0 : this.lowerBound(opts.lower, opts.lowerInclusive ?? true);
    const hi = opts.upper === undefined ? this.meta.rowCount : this.lowerBound(opts.upper, !(opts.upperInclusive ?? true));
    const [b, r] = lo < hi ? this.locate(lo) : [0, 0];
    return new VisibleScan({
      load: (i) => this.load(i),
      batchRows: (i) => this.batches[i]!.rowCount,
      columnCount: this.meta.columnCount,
      oneVersionPerKey: this.meta.distinctKeys === this.meta.rowCount,
      allVisible: this.meta.largestSeq <= snapshotSeq,
    }, snapshotSeq, opts.columns, b, r, Math.max(0, hi - lo));
  }

  /**
   * iterateVisible's rows as column vectors (vec-scan.ts): per record batch the visible rows'
   * selection with the batch's raw buffers; rows narrower than `minWidth` cells come as rows
   * parts (decoded with `opts.columns`). `overlay`: keys newer sources decide (vec-scan.ts):
   * their rows replace this segment's versions of those keys, in key order. Exact when no other
   * source holds versions of keys outside the overlay (db/reads.ts scanParts). `cache`: where
   * VectorBatch.derived values of this file are kept (none: derived anew each time).
   */
  vectorParts(opts: IterateOptions, snapshotSeq: Seq, minWidth: number, overlay: readonly OverlayRow[], cache?: VecCache): IterableIterator<ScanPart> {
    if (opts.reverse) throw new Error('lsm invariant violated: vectorParts is forward only');
    const lo = opts.lower === undefined ? 0 : this.lowerBound(opts.lower, opts.lowerInclusive ?? true);
    const hi = opts.upper === undefined ? this.meta.rowCount : this.lowerBound(opts.upper, !(opts.upperInclusive ?? true));
    const [b, r] = lo < hi ? this.locate(lo) : [0, 0];
    let batchRowsMax = 0;
    for (const x of this.batches) batchRowsMax = Math.max(batchRowsMax, x.rowCount);
    return new VectorScan({
      load: (i) => this.load(i),
      batchRows: (i) => this.batches[i]!.rowCount,
      columnCount: this.meta.columnCount,
      oneVersionPerKey: this.meta.distinctKeys === this.meta.rowCount,
      allVisible: this.meta.largestSeq <= snapshotSeq,
      derive: <T>(bi: number, c: number, kind: string, vec: ColumnVector, make: DeriveFn<T>): T => {
        const rows = this.batches[bi]!.rowCount;
        return cache === undefined ? make(vec, rows).value : cache.get(this.fileName, this.bodyCrc, bi, c, kind, vec, rows, make);
      },
    }, snapshotSeq, minWidth, opts.columns, b, r, Math.max(0, hi - lo), batchRowsMax, overlay);
  }

  /**
   * Global index of the first row whose key is >= key (inclusive) or > key (exclusive).
   * Sparse index: the first batch whose last key reaches the bound (binary search over the
   * batches' key prefixes), then that batch's row (rowLowerBound).
   */
  lowerBound(key: Uint8Array, inclusive: boolean): number {
    const kp = keyPrefix(key, 0, key.length);
    const b = this.batchFor(key, kp, inclusive);
    if (b === this.batches.length) return this.meta.rowCount;
    // Always below rowCount: the chosen batch's last key satisfies the bound.
    return this.batchStart[b]! + rowLowerBound(this.load(b), this.batches[b]!.rowCount, key, kp, inclusive);
  }

  /** The first batch whose last key is >= key (inclusive) or > key; batches.length when none.
   *  `kp` is keyPrefix(key). Reads no batch. */
  private batchFor(key: Uint8Array, kp: number, inclusive: boolean): number {
    const lastPrefix = this.lastPrefix;
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = lastPrefix[mid]!;
      // Prefixes that differ decide the order (keyPrefix); equal ones need the whole keys.
      const c = p < kp ? -1 : p > kp ? 1 : compareKeys(this.batches[mid]!.lastKey, key);
      if (inclusive ? c >= 0 : c > 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private locate(g: number): [number, number] {
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.batchStart[mid]! <= g) lo = mid;
      else hi = mid - 1;
    }
    return [lo, g - this.batchStart[lo]!];
  }

  private entryAt(lb: LoadedBatch, r: number, cols: readonly number[] | undefined): Entry {
    const key = lb.keyValues.subarray(lb.keyOffsets[r]!, lb.keyOffsets[r + 1]!);
    const seq = lb.seqs[r]!;
    if (lb.kinds[r] === 1) return { table: this.meta.table, key, seq, kind: 'del', row: undefined };
    return { table: this.meta.table, key, seq, kind: 'put', row: rowAt(lb, r, cols, this.meta.columnCount) };
  }

  private load(b: number): LoadedBatch {
    const cached = this.loaded[b];
    if (cached !== undefined) return cached;
    let batch: RecordBatch | null;
    try {
      batch = this.arrow.readRecordBatch(b);
    } catch (e) {
      throw new SegmentCorruptionError(this.fileName, `record batch ${b} does not decode: ${(e as Error).message}`);
    }
    if (batch === null || batch.numRows !== this.batches[b]!.rowCount) {
      throw new SegmentCorruptionError(this.fileName, `record batch ${b} row count does not match the footer`);
    }
    const kd = batch.getChildAt(0)!.data[0]!;
    const sys = this.footer.width === -1 ? 4 : 3;
    const columns: ((r: number) => Cell)[] = [];
    const vectors: ColumnVector[] = [];
    for (let c = 0; c < this.meta.columnCount; c++) {
      const enc = this.meta.columns[c]!.encoding;
      const vec = batch.getChildAt(sys + c)!;
      columns.push(columnReader(vec, enc, (why) => new SegmentCorruptionError(this.fileName, `column c${c}: ${why}`)));
      vectors.push(columnVector(vec, enc));
    }
    const lb: LoadedBatch = {
      keyOffsets: kd.valueOffsets as Int32Array,
      keyValues: kd.values as Uint8Array,
      // A file-level seq replaces the column for every reader of the batch (get, iterate, the
      // visible and vector scans all read `seqs`).
      seqs: this.fileSeq === undefined ? (batch.getChildAt(1)!.data[0]!.values as BigInt64Array) : new BigInt64Array(batch.numRows).fill(this.fileSeq),
      kinds: batch.getChildAt(2)!.data[0]!.values as Uint8Array,
      widths: sys === 4 ? (batch.getChildAt(3)!.data[0]!.values as Uint16Array) : undefined,
      columns,
      vectors,
      nulls: new Array<Cell>(this.meta.columnCount).fill(null),
    };
    this.loaded[b] = lb;
    return lb;
  }
}


/** Bytes of a key a keyPrefix reads: 6 bytes fit a double exactly (2^48). */
const PREFIX_BYTES = 6;

/**
 * The first PREFIX_BYTES bytes of buf[start, end) as a big-endian number, zero-padded. For two
 * keys, a smaller prefix means a smaller key (a shorter key padded with zeros is at most any
 * key it is a prefix of, and smaller than any other key its padding compares below); equal
 * prefixes decide nothing. int2/int4/date keys (KEY-ENCODING.md: 3 or 5 bytes) fit whole.
 */
function keyPrefix(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n >= PREFIX_BYTES) {
    return buf[start]! * 0x10000000000 + buf[start + 1]! * 0x100000000 + buf[start + 2]! * 0x1000000 + buf[start + 3]! * 0x10000 + buf[start + 4]! * 0x100 + buf[start + 5]!;
  }
  let v = 0;
  for (let i = 0; i < PREFIX_BYTES; i++) v = v * 256 + (i < n ? buf[start + i]! : 0);
  return v;
}

/** Ranges at most this long are binary searched without interpolating first. */
const INTERPOLATE_ROWS_MIN = 8;
/** Interpolation probes before the binary search takes over (skewed keys cost this many more). */
const INTERPOLATE_STEPS_MAX = 4;

/**
 * The first row of a batch whose key is >= key (inclusive) or > key (exclusive); `rows` when
 * none. `kp` is keyPrefix(key). The answer is kept in [a, z]: interpolation on the key prefixes
 * of rows a and z-1 guesses a row, whose real comparison halves the range on one side; a key
 * beyond either end row settles the answer at once. Dense integer keys (pgbench_accounts) are
 * found with one probe, near the end rows' cache lines, where a binary search makes ~12 probes
 * over the whole batch; skewed keys fall back to the binary search after a few probes.
 */
function rowLowerBound(lb: LoadedBatch, rows: number, key: Uint8Array, kp: number, inclusive: boolean): number {
  const offs = lb.keyOffsets;
  const vals = lb.keyValues;
  let a = 0;
  let z = rows;
  for (let step = 0; step < INTERPOLATE_STEPS_MAX && z - a > INTERPOLATE_ROWS_MIN; step++) {
    const pa = keyPrefix(vals, offs[a]!, offs[a + 1]!);
    // Row a's key is greater than key: the answer is a, inclusive or not.
    if (kp < pa) return a;
    const pz = keyPrefix(vals, offs[z - 1]!, offs[z]!);
    // Row z-1's key is smaller than key: no row before z reaches it.
    if (kp > pz) return z;
    if (kp === pa || kp === pz) break;
    // pa < kp < pz: a guess in [a, z-2].
    const est = a + Math.floor(((kp - pa) / (pz - pa)) * (z - 1 - a));
    const c = compareAt(lb, est, key);
    if (inclusive ? c >= 0 : c > 0) z = est;
    else a = est + 1;
  }
  while (a < z) {
    const mid = (a + z) >> 1;
    const c = compareAt(lb, mid, key);
    if (inclusive ? c >= 0 : c > 0) z = mid;
    else a = mid + 1;
  }
  return a;
}
