// Column chunk: rows of one ingest (seq 0, 'put', strictly ascending keys) appended straight into
// per-column builders — Float64Array for numbers, BigInt64Array for int64 bigints, one UTF-8
// byte buffer + offsets for strings (bytes for byte cells), bits for booleans — and encoded into
// a segment from those columns (encodeColumnChunk). The row arrays, key arrays and strings a
// caller hands in are garbage as soon as add() returns: a bulk load kept ~30 k rows of JS
// objects per chunk alive until their encode, so every young-generation GC copied them to the
// old generation (a quarter of a COPY's CPU). The bytes are exactly encodeSegment's for the
// same entries (test/lsm/segment/column-chunk.test.ts): the same encoding per column (first
// non-null kind; a column whose cells differ in kind, or a bigint beyond int64, makes the whole
// chunk fall back to plain entries and encodeSegment), the same statistics (UTF-8 byte order for
// strings, NaN counted apart, the first of equal values kept), the same batches and bloom.
//
// Invariants: keys are strictly ascending (the caller checks: TableIngest.add); rows are at most
// 65535 cells wide; memory is the caller's to bound (TableIngest cuts a chunk at its file size).
import { Binary, Bool, Float64, Int64, Null, Uint16, Uint8, Utf8, makeData } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import type { Cell, Entry, Row, TableId } from '../types.js';
import { decodeUtf8 } from './cells.js';
import { DEFAULT_BATCH_ROWS, MAX_BATCH_ROWS, assembleSegment, encodeSegment, segmentFields, type BuiltBatch, type EncodeSegmentOptions, type EncodedSegment } from './encode.js';
import type { ColumnEncoding, ColumnStats } from './meta.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const INITIAL_ROWS = 1024;

/** A growable byte buffer (a Buffer: write() puts a string's UTF-8 in place). */
class Bytes {
  buf = Buffer.allocUnsafeSlow(4096);
  used = 0;
  reserve(n: number): void {
    if (this.used + n > 0x7fffffff) throw new Error('column chunk exceeds 2 GiB');
    if (this.used + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + n));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
  put(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }
  putString(s: string): void {
    const n = s.length;
    this.reserve(n * 3);
    const buf = this.buf;
    const at = this.used;
    // Short ASCII (numerics as text, names): a JS loop beats Buffer#write's binding call.
    if (n <= 32) {
      let k = 0;
      for (; k < n; k++) {
        const c = s.charCodeAt(k);
        if (c >= 0x80) break;
        buf[at + k] = c;
      }
      if (k === n) {
        this.used = at + n;
        return;
      }
    }
    this.used = at + buf.write(s, at, 'utf8');
  }
}

function grow<T extends Float64Array | BigInt64Array | Uint8Array | Int32Array | Uint16Array>(a: T, rows: number): T {
  if (rows <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(a.length * 2, rows));
  (next as Uint8Array).set(a as Uint8Array);
  return next;
}

/** One column's values so far; `kind` is 'null' until the first non-null cell. */
class ColumnBuilder {
  kind: ColumnEncoding = 'null';
  /** 1 where the cell is not null (rows beyond a row's width are null). */
  valid = new Uint8Array(INITIAL_ROWS);
  f64: Float64Array | undefined;
  i64: BigInt64Array | undefined;
  /** utf8/bin: value i is bytes [offsets[i], offsets[i + 1]); bool: 0/1 in `bools`. */
  bytes: Bytes | undefined;
  offsets: Int32Array | undefined;
  bools: Uint8Array | undefined;

  /** Appends cell `v` at row `i` (rows arrive in order); false when its kind differs. */
  add(i: number, v: Cell): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (v === null) {
      if (this.offsets) this.offsets[i + 1] = this.bytes!.used;
      return true;
    }
    const k = kindOf(v);
    if (k !== this.kind) {
      if (this.kind !== 'null') return false;
      this.start(k);
    }
    this.valid[i] = 1;
    switch (k) {
      case 'f64': this.f64![i] = v as number; return true;
      case 'i64':
        if ((v as bigint) > INT64_MAX || (v as bigint) < INT64_MIN) return false;
        this.i64![i] = v as bigint;
        return true;
      case 'utf8': this.bytes!.putString(v as string); this.offsets![i + 1] = this.bytes!.used; return true;
      case 'bin': this.bytes!.put(v as Uint8Array); this.offsets![i + 1] = this.bytes!.used; return true;
      case 'bool': this.bools![i] = v === true ? 1 : 0; return true;
      default: return false;
    }
  }

  /** Null for row i (a row narrower than this column). */
  addNull(i: number): void {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.offsets) this.offsets[i + 1] = this.bytes!.used;
  }

  private start(k: ColumnEncoding): void {
    this.kind = k;
    const cap = this.valid.length;
    if (k === 'f64') this.f64 = new Float64Array(cap);
    else if (k === 'i64') this.i64 = new BigInt64Array(cap);
    else if (k === 'bool') this.bools = new Uint8Array(cap);
    else {
      this.bytes = new Bytes();
      this.offsets = new Int32Array(cap + 1); // earlier rows: empty (null) values
    }
  }

  private ensure(rows: number): void {
    const cap = Math.max(this.valid.length * 2, rows);
    this.valid = grow(this.valid, cap);
    if (this.f64) this.f64 = grow(this.f64, cap);
    if (this.i64) this.i64 = grow(this.i64, cap);
    if (this.bools) this.bools = grow(this.bools, cap);
    if (this.offsets) this.offsets = grow(this.offsets, cap + 1);
  }

  cell(i: number): Cell {
    if (i >= this.valid.length || this.valid[i] !== 1) return null;
    switch (this.kind) {
      case 'f64': return this.f64![i]!;
      case 'i64': return this.i64![i]!;
      case 'bool': return this.bools![i] === 1;
      case 'utf8': return decodeUtf8(this.bytes!.buf, this.offsets![i]!, this.offsets![i + 1]!);
      case 'bin': return new Uint8Array(this.bytes!.buf.subarray(this.offsets![i]!, this.offsets![i + 1]!));
      default: return null;
    }
  }
}

function kindOf(v: Exclude<Cell, null>): ColumnEncoding {
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'number': return 'f64';
    case 'bigint': return 'i64';
    case 'string': return 'utf8';
    case 'object': return 'bin';
  }
}

/** Rows of one table as columns; see the file header. */
export class ColumnChunk {
  private readonly keys = new Bytes();
  private keyOffsets = new Int32Array(INITIAL_ROWS + 1);
  private widths = new Uint16Array(INITIAL_ROWS);
  private readonly cols: ColumnBuilder[] = [];
  /** Set when a column's cells differ in kind: from then on plain entries (encodeSegment). */
  private entries: Entry[] | undefined;
  rows = 0;

  constructor(readonly table: TableId) {}

  /** Appends a row (copied: the caller may drop or reuse key and row). Keys must ascend. */
  add(key: Uint8Array, row: Row): void {
    if (row.length > 0xffff) throw new Error('encodeSegment: row wider than 65535 cells');
    if (this.entries) {
      this.entries.push({ table: this.table, key: key.slice(), seq: 0n, kind: 'put', row: [...row] });
      this.rows++;
      return;
    }
    const i = this.rows;
    if (i + 2 > this.keyOffsets.length) this.keyOffsets = grow(this.keyOffsets, i + 2);
    if (i + 1 > this.widths.length) this.widths = grow(this.widths, i + 1);
    const w = row.length;
    while (this.cols.length < w) this.newColumn();
    for (let c = 0; c < w; c++) {
      if (!this.cols[c]!.add(i, row[c]!)) {
        // This row's earlier cells stay in the builders unread: the fallback takes rows < i.
        this.toEntries(i);
        this.entries!.push({ table: this.table, key: key.slice(), seq: 0n, kind: 'put', row: [...row] });
        this.rows++;
        return;
      }
    }
    for (let c = w; c < this.cols.length; c++) this.cols[c]!.addNull(i);
    this.widths[i] = w;
    this.keys.put(key);
    this.keyOffsets[i + 1] = this.keys.used;
    this.rows = i + 1;
  }

  private newColumn(): void {
    const b = new ColumnBuilder();
    // Rows before this column existed are narrower: null here.
    for (let i = 0; i < this.rows; i++) b.addNull(i);
    this.cols.push(b);
  }

  /** Key of row i (a view: valid until the next add). */
  key(i: number): Uint8Array {
    if (this.entries) return this.entries[i]!.key;
    // A plain Uint8Array view, not a Buffer: the meta copies keys with slice(), which on a
    // Buffer would be another view pinning the whole chunk.
    const b = this.keys.buf;
    const s = this.keyOffsets[i]!;
    return new Uint8Array(b.buffer, b.byteOffset + s, this.keyOffsets[i + 1]! - s);
  }

  /** Row i as cells (fresh objects). */
  row(i: number): Cell[] {
    if (this.entries) return [...this.entries[i]!.row!];
    const w = this.widths[i]!;
    const out = new Array<Cell>(w);
    for (let c = 0; c < w; c++) out[c] = this.cols[c]!.cell(i);
    return out;
  }

  private toEntries(n: number): void {
    const entries: Entry[] = [];
    for (let i = 0; i < n; i++) entries.push({ table: this.table, key: this.key(i).slice(), seq: 0n, kind: 'put', row: this.row(i) });
    this.entries = entries;
  }

  /** The segment of the rows so far: encodeSegment's bytes for the same entries. */
  encode(opts: EncodeSegmentOptions = {}): EncodedSegment {
    if (this.entries) return encodeSegment(this.table, this.entries, opts);
    return encodeColumns(this, opts);
  }

  /** For encodeColumns (same file). */
  get parts(): { keys: Bytes; keyOffsets: Int32Array; widths: Uint16Array; cols: readonly ColumnBuilder[] } {
    return { keys: this.keys, keyOffsets: this.keyOffsets, widths: this.widths, cols: this.cols };
  }
}

function encodeColumns(chunk: ColumnChunk, opts: EncodeSegmentOptions): EncodedSegment {
  const batchRows = opts.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > MAX_BATCH_ROWS) throw new Error(`batchRows ${batchRows} out of range`);
  const n = chunk.rows;
  if (n === 0) throw new Error('encodeSegment: no entries');
  const { keys, keyOffsets, widths, cols } = chunk.parts;
  let width = 0;
  let fixedWidth = true;
  for (let i = 0; i < n; i++) {
    const w = widths[i]!;
    if (w > width) width = w;
    if (w !== widths[0]) fixedWidth = false;
  }
  const encodings: ColumnEncoding[] = [];
  for (let c = 0; c < width; c++) encodings.push(cols[c]!.kind);
  const fields = segmentFields(width, fixedWidth, encodings);
  const batches: BuiltBatch[] = [];
  for (let start = 0; start < n; start += batchRows) {
    const end = Math.min(n, start + batchRows);
    const m = end - start;
    const seqs = new BigInt64Array(m);
    const children: Data[] = [
      varData(new Binary(), m, 0, undefined, keyOffsets, keys.buf, start),
      makeData({ type: new Int64(), length: m, nullCount: 0, data: seqs }),
      makeData({ type: new Uint8(), length: m, nullCount: 0, data: new Uint8Array(m) }),
    ];
    if (!fixedWidth) children.push(makeData({ type: new Uint16(), length: m, nullCount: 0, data: widths.slice(start, end) }));
    const colStats: ColumnStats[] = [];
    for (let c = 0; c < width; c++) {
      const col = columnData(cols[c]!, start, m);
      children.push(col.data);
      colStats.push(col.stats);
    }
    batches.push({ children, info: { firstKey: chunk.key(start), lastKey: chunk.key(end - 1), rowCount: m, smallestSeq: 0n, largestSeq: 0n, columns: colStats } });
  }
  // Keys ascend strictly: every key is distinct. firstKey/lastKey are views into the chunk's key
  // buffer; assembleSegment copies what the meta keeps and the footer encodes the batch keys
  // into its own bytes.
  return assembleSegment({ table: chunk.table, fields, batches, encodings, width, fixedWidth, rowCount: n, putCount: n, distinctKeys: bloomKeys(keys.buf, keyOffsets, n), distinctKeyCount: n, smallestKey: chunk.key(0), largestKey: chunk.key(n - 1) });
}

/**
 * The chunk's keys for the bloom filter, which hashes each key as it is handed out: keys of
 * equal length are copied into one reused array (a bulk load's keys mostly have one length),
 * so the filter costs no typed array per row.
 */
function bloomKeys(buf: Uint8Array, offsets: Int32Array, n: number): Iterable<Uint8Array> {
  return {
    [Symbol.iterator](): Iterator<Uint8Array> {
      let i = 0;
      let scratch = new Uint8Array(0);
      const res: IteratorResult<Uint8Array> = { value: scratch, done: false };
      return {
        next(): IteratorResult<Uint8Array> {
          if (i >= n) return { value: undefined, done: true };
          const s = offsets[i]!;
          const len = offsets[i + 1]! - s;
          i++;
          if (len > 64) {
            res.value = buf.subarray(s, s + len);
            return res;
          }
          if (scratch.length !== len) scratch = new Uint8Array(len);
          for (let k = 0; k < len; k++) scratch[k] = buf[s + k]!;
          res.value = scratch;
          return res;
        },
      };
    },
  };
}

/** A Binary/Utf8 column of rows [start, start + m) with offsets rebased to 0. */
function varData(type: Binary | Utf8, m: number, nullCount: number, nullBitmap: Uint8Array | undefined, offsets: Int32Array, buf: Buffer, start: number): Data {
  const base = offsets[start]!;
  const valueOffsets = new Int32Array(m + 1);
  for (let i = 1; i <= m; i++) valueOffsets[i] = offsets[start + i]! - base;
  const data = new Uint8Array(buf.subarray(base, offsets[start + m]!));
  return makeData({ type, length: m, nullCount, nullBitmap, valueOffsets, data } as Parameters<typeof makeData>[0]);
}

/** One column's Arrow data and statistics for rows [start, start + m) (encode.ts columnData's). */
function columnData(b: ColumnBuilder, start: number, m: number): { data: Data; stats: ColumnStats } {
  const stats: ColumnStats = { nullCount: 0, nanCount: 0, min: undefined, max: undefined };
  const bitmap = new Uint8Array((m + 7) >> 3);
  const valid = b.valid;
  for (let i = 0; i < m; i++) {
    if (valid[start + i] === 1) bitmap[i >> 3] = bitmap[i >> 3]! | (1 << (i & 7));
    else stats.nullCount++;
  }
  const nullCount = stats.nullCount;
  const nullBitmap = nullCount > 0 ? bitmap : undefined;
  switch (b.kind) {
    case 'null':
      return { data: makeData({ type: new Null(), length: m, nullCount: m }), stats };
    case 'f64': {
      const a = b.f64!.slice(start, start + m);
      let have = false;
      let min = 0, max = 0;
      for (let i = 0; i < m; i++) {
        if (valid[start + i] !== 1) { a[i] = 0; continue; }
        const v = a[i]!;
        if (Number.isNaN(v)) { stats.nanCount++; continue; }
        if (!have) { min = v; max = v; have = true; }
        else { if (v < min) min = v; if (v > max) max = v; }
      }
      if (have) { stats.min = min; stats.max = max; }
      return { data: makeData({ type: new Float64(), length: m, nullCount, nullBitmap, data: a }), stats };
    }
    case 'i64': {
      const a = b.i64!.slice(start, start + m);
      let have = false;
      let min = 0n, max = 0n;
      for (let i = 0; i < m; i++) {
        if (valid[start + i] !== 1) { a[i] = 0n; continue; }
        const v = a[i]!;
        if (!have) { min = v; max = v; have = true; }
        else { if (v < min) min = v; if (v > max) max = v; }
      }
      if (have) { stats.min = min; stats.max = max; }
      return { data: makeData({ type: new Int64(), length: m, nullCount, nullBitmap, data: a }), stats };
    }
    case 'bool': {
      const bits = new Uint8Array((m + 7) >> 3);
      let have = false;
      let min = true, max = false;
      for (let i = 0; i < m; i++) {
        if (valid[start + i] !== 1) continue;
        const v = b.bools![start + i] === 1;
        if (v) bits[i >> 3] = bits[i >> 3]! | (1 << (i & 7));
        if (!have) { min = v; max = v; have = true; }
        else { if (!v) min = false; if (v) max = true; }
      }
      if (have) { stats.min = min; stats.max = max; }
      return { data: makeData({ type: new Bool(), length: m, nullCount, nullBitmap, data: bits }), stats };
    }
    case 'utf8':
    case 'bin': {
      const buf = b.bytes!.buf;
      const off = b.offsets!;
      let minAt = -1, minEnd = 0, maxAt = -1, maxEnd = 0;
      for (let i = start; i < start + m; i++) {
        if (valid[i] !== 1) continue;
        const s = off[i]!, e = off[i + 1]!;
        if (minAt < 0) { minAt = s; minEnd = e; maxAt = s; maxEnd = e; continue; }
        if (compareRange(buf, s, e, minAt, minEnd) < 0) { minAt = s; minEnd = e; }
        if (compareRange(buf, s, e, maxAt, maxEnd) > 0) { maxAt = s; maxEnd = e; }
      }
      if (minAt >= 0) {
        stats.min = b.kind === 'utf8' ? decodeUtf8(buf, minAt, minEnd) : new Uint8Array(buf.subarray(minAt, minEnd));
        stats.max = b.kind === 'utf8' ? decodeUtf8(buf, maxAt, maxEnd) : new Uint8Array(buf.subarray(maxAt, maxEnd));
      }
      return { data: varData(b.kind === 'utf8' ? new Utf8() : new Binary(), m, nullCount, nullBitmap, off, buf, start), stats };
    }
    case 'packed':
      throw new Error('lsm invariant violated: packed column in a column chunk');
    default: {
      const never: never = b.kind;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

/** sign(bytes [as, ae) − bytes [bs, be)) of one buffer; a JS loop (short values: no binding call). */
function compareRange(buf: Uint8Array, as: number, ae: number, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const x = buf[as + k]!, y = buf[bs + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  const la = ae - as, lb = be - bs;
  return la === lb ? 0 : la < lb ? -1 : 1;
}
