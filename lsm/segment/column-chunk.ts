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
import type { Cell, Entry, Row, TableId } from '../types.js';
import { decodeUtf8 } from './cells.js';
import { encodeColumns } from './column-encode.js';
import { encodeSegment, kindOf, type EncodeSegmentOptions, type EncodedSegment } from './encode.js';
import type { ColumnEncoding } from './meta.js';

const INT64_MAX = (1n << 63n) - 1n;
const TWO_32 = 4294967296;
// putI64 writes an int64 as two 32-bit halves (low first): the BigInt64Array's layout on a
// little-endian host, which every platform Node supports here is (asserted, not assumed).
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('lsm column chunk: big-endian host not supported');
const INT64_MIN = -(1n << 63n);
const INITIAL_ROWS = 1024;

/** A growable byte buffer (a Buffer: write() puts a string's UTF-8 in place). */
export class Bytes {
  buf: Buffer;
  used = 0;
  constructor(capacityBytes = 4096) {
    this.buf = Buffer.allocUnsafeSlow(capacityBytes);
  }
  /** Empty bytes over an existing buffer's whole capacity (a recycled chunk's). */
  static over(ab: ArrayBuffer): Bytes {
    const b = new Bytes(0);
    b.buf = Buffer.from(ab, 0, ab.byteLength);
    return b;
  }
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
export class ColumnBuilder {
  kind: ColumnEncoding = 'null';
  /** 1 where the cell is not null (rows beyond a row's width are null). */
  valid: Uint8Array;
  f64: Float64Array | undefined;
  i64: BigInt64Array | undefined;
  /** utf8/bin: value i is bytes [offsets[i], offsets[i + 1]); bool: 0/1 in `bools`. */
  bytes: Bytes | undefined;
  offsets: Int32Array | undefined;
  bools: Uint8Array | undefined;
  /** `i64` as 32-bit halves (putI64); dropped whenever `i64` is replaced. */
  private i64w: Uint32Array | undefined;

  /**
   * `capacityRows`/`capacityBytes`: first sizes of the arrays (ChunkSizes of the previous chunk).
   * `spare`: a finished chunk's column buffers to take instead of allocating (any that are
   * large enough; `valid` is cleared, the others are written before they are read).
   */
  constructor(capacityRows = INITIAL_ROWS, private readonly capacityBytes = 4096, private spare?: ColumnParts) {
    if (spare !== undefined && spare.valid.length >= capacityRows) {
      this.valid = spare.valid;
      this.valid.fill(0);
    } else this.valid = new Uint8Array(capacityRows);
  }

  /** Appends cell `v` at row `i` (rows arrive in order); false when its kind differs. */
  add(i: number, v: Cell): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (v === null) {
      if (this.offsets) this.offsets[i + 1] = this.bytes!.used;
      else this.rowsBefore = i + 1;
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

  // Typed appends for a caller that converts input itself (ColumnarRow.writeInto): add(i, v)
  // for a value of one kind without the dispatch, and without a BigInt or string per value.
  // Each answers false, writing nothing, when the column holds another kind (add's rule).

  /** add(i, v) of a number. */
  putF64(i: number, v: number): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.kind !== 'f64') {
      if (this.kind !== 'null') return false;
      this.start('f64');
    }
    this.valid[i] = 1;
    this.f64![i] = v;
    return true;
  }

  /** add(i, BigInt(n)) of a safe integer `n`, without the BigInt. */
  putI64(i: number, n: number): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.kind !== 'i64') {
      if (this.kind !== 'null') return false;
      this.start('i64');
    }
    this.valid[i] = 1;
    let w = this.i64w;
    if (w === undefined) w = this.i64w = new Uint32Array(this.i64!.buffer, this.i64!.byteOffset, this.i64!.length * 2);
    const hi = Math.floor(n / TWO_32); // an int32 for a safe integer; stored modulo 2^32 (two's complement)
    w[2 * i] = n - hi * TWO_32;
    w[2 * i + 1] = hi;
    return true;
  }

  /** add(i, s) of the string whose UTF-8 is src[s, e) (copied: no string made). */
  putUtf8(i: number, src: Uint8Array, s: number, e: number): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.kind !== 'utf8') {
      if (this.kind !== 'null') return false;
      this.start('utf8');
    }
    this.valid[i] = 1;
    const by = this.bytes!;
    const n = e - s;
    by.reserve(n);
    const buf = by.buf;
    let at = by.used;
    // Short values: a JS loop beats a subarray and a set() call.
    if (n <= 32) for (let k = s; k < e; k++) buf[at++] = src[k]!;
    else {
      buf.set(src.subarray(s, e), at);
      at += n;
    }
    by.used = at;
    this.offsets![i + 1] = at;
    return true;
  }

  /** Appends `count` bytes `byte` to row i's value, the last one put (putUtf8): padding. */
  padUtf8(i: number, byte: number, count: number): void {
    const by = this.bytes!;
    by.reserve(count);
    by.buf.fill(byte, by.used, by.used + count);
    by.used += count;
    this.offsets![i + 1] = by.used;
  }

  /** Null for row i (a row narrower than this column). */
  addNull(i: number): void {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.offsets) this.offsets[i + 1] = this.bytes!.used;
    else this.rowsBefore = i + 1;
  }

  private start(k: ColumnEncoding): void {
    this.kind = k;
    const cap = this.valid.length;
    const sp = this.spare;
    this.spare = undefined;
    if (k === 'f64') this.f64 = sp?.f64 !== undefined && sp.f64.length >= cap ? sp.f64 : new Float64Array(cap);
    else if (k === 'i64') {
      this.i64 = sp?.i64 !== undefined && sp.i64.length >= cap ? sp.i64 : new BigInt64Array(cap);
      this.i64w = undefined;
    }
    else if (k === 'bool') this.bools = sp?.bools !== undefined && sp.bools.length >= cap ? sp.bools : new Uint8Array(cap);
    else {
      const old = sp?.bytes?.buffer as ArrayBuffer | undefined;
      this.bytes = old !== undefined && old.byteLength >= this.capacityBytes ? Bytes.over(old) : new Bytes(this.capacityBytes);
      // Earlier rows: empty (null) values.
      if (sp?.offsets !== undefined && sp.offsets.length >= cap + 1) {
        this.offsets = sp.offsets;
        this.offsets.fill(0, 0, this.rowsBefore + 1);
      } else this.offsets = new Int32Array(cap + 1);
    }
  }

  /** Rows added before the first non-null cell (their offsets must read 0). */
  private rowsBefore = 0;

  private ensure(rows: number): void {
    const cap = Math.max(this.valid.length * 2, rows);
    this.valid = grow(this.valid, cap);
    if (this.f64) this.f64 = grow(this.f64, cap);
    if (this.i64) {
      this.i64 = grow(this.i64, cap);
      this.i64w = undefined;
    }
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

/**
 * How large a chunk's arrays grew: the next chunk of the same ingest starts at these sizes
 * (plus a margin) instead of doubling from 1024 rows / 4 KiB. Chunks are cut at about the same
 * size, so each array is allocated once instead of ~6 times: every ArrayBuffer counts as
 * external memory, and their churn (not garbage) drove most of a COPY's mark-compacts.
 */
export interface ChunkSizes {
  rows: number;
  keyBytes: number;
  /** UTF-8/binary bytes per column (0 for other kinds). */
  colBytes: readonly number[];
}

/** Rows of one table as columns; see the file header. */
export class ColumnChunk {
  private readonly keys: Bytes;
  private keyOffsets: Int32Array;
  private widths: Uint16Array;
  private readonly cols: ColumnBuilder[] = [];
  /** Set when a column's cells differ in kind: from then on plain entries (encodeSegment). */
  private entries: Entry[] | undefined;
  private readonly capRows: number;
  rows = 0;

  /** `spare`: a chunk of the same table whose encode is done (ColumnChunkParts handed back by
   *  the worker); its buffers are taken where large enough. */
  constructor(readonly table: TableId, private readonly sizeHint?: ChunkSizes, private readonly spare?: ColumnChunkParts) {
    this.capRows = sizeHint ? withMargin(sizeHint.rows, INITIAL_ROWS) : INITIAL_ROWS;
    const keyBytes = sizeHint ? withMargin(sizeHint.keyBytes, 4096) : 4096;
    const oldKeys = spare?.keys.buffer as ArrayBuffer | undefined;
    this.keys = oldKeys !== undefined && oldKeys.byteLength >= keyBytes ? Bytes.over(oldKeys) : new Bytes(keyBytes);
    // keyOffsets[0] must read 0; the rest is written before it is read.
    this.keyOffsets = spare !== undefined && spare.keyOffsets.length >= this.capRows + 1 ? spare.keyOffsets : new Int32Array(this.capRows + 1);
    this.keyOffsets[0] = 0;
    this.widths = spare !== undefined && spare.widths.length >= this.capRows ? spare.widths : new Uint16Array(this.capRows);
  }

  /** Sizes of this chunk's arrays so far (the hint for the next chunk). */
  sizes(): ChunkSizes {
    return { rows: this.rows, keyBytes: this.keys.used, colBytes: this.cols.map((b) => b.bytes?.used ?? 0) };
  }

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

  /**
   * add() of a row the caller writes into the builders itself (ColumnarRow: no Cell[] per row).
   * The same columns, bytes and fallback as add(key, r.cells()).
   */
  addFrom(key: Uint8Array, r: ColumnarRow): void {
    const w = r.width;
    if (w > 0xffff) throw new Error('encodeSegment: row wider than 65535 cells');
    if (this.entries) {
      this.entries.push({ table: this.table, key: key.slice(), seq: 0n, kind: 'put', row: r.cells() });
      this.rows++;
      return;
    }
    const i = this.rows;
    if (i + 2 > this.keyOffsets.length) this.keyOffsets = grow(this.keyOffsets, i + 2);
    if (i + 1 > this.widths.length) this.widths = grow(this.widths, i + 1);
    while (this.cols.length < w) this.newColumn();
    if (!r.writeInto(this.cols, i)) {
      // As in add(): row i's cells written so far stay unread; the fallback takes rows < i.
      this.toEntries(i);
      this.entries!.push({ table: this.table, key: key.slice(), seq: 0n, kind: 'put', row: r.cells() });
      this.rows++;
      return;
    }
    for (let c = w; c < this.cols.length; c++) this.cols[c]!.addNull(i);
    this.widths[i] = w;
    this.keys.put(key);
    this.keyOffsets[i + 1] = this.keys.used;
    this.rows = i + 1;
  }

  private newColumn(): void {
    const hintBytes = this.sizeHint?.colBytes[this.cols.length];
    const b = new ColumnBuilder(Math.max(this.capRows, this.rows), hintBytes ? withMargin(hintBytes, 4096) : 4096, this.spare?.cols[this.cols.length]);
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
    return encodeColumns(this.table, this.rows, this.parts, opts);
  }

  /**
   * The chunk's buffers as plain data for a trip to a worker thread (transfer them:
   * columnChunkTransferables); the chunk must not be used afterwards. fromParts() rebuilds it.
   */
  toParts(): ColumnChunkParts {
    const cols = this.cols.map((b): ColumnParts => ({ kind: b.kind, valid: b.valid, f64: b.f64, i64: b.i64, bools: b.bools, bytes: b.bytes ? new Uint8Array(b.bytes.buf.buffer, b.bytes.buf.byteOffset, b.bytes.used) : undefined, offsets: b.offsets }));
    return { table: this.table, rows: this.rows, keys: new Uint8Array(this.keys.buf.buffer, this.keys.buf.byteOffset, this.keys.used), keyOffsets: this.keyOffsets, widths: this.widths, cols, entries: this.entries };
  }

  static fromParts(p: ColumnChunkParts): ColumnChunk {
    const c = new ColumnChunk(p.table);
    c.rows = p.rows;
    c.keys.buf = Buffer.from(p.keys.buffer, p.keys.byteOffset, p.keys.byteLength);
    c.keys.used = p.keys.byteLength;
    c.keyOffsets = p.keyOffsets;
    c.widths = p.widths;
    c.entries = p.entries;
    for (const q of p.cols) {
      const b = new ColumnBuilder(0);
      b.kind = q.kind;
      b.valid = q.valid;
      b.f64 = q.f64;
      b.i64 = q.i64;
      b.bools = q.bools;
      b.offsets = q.offsets;
      if (q.bytes) {
        b.bytes = new Bytes(0);
        b.bytes.buf = Buffer.from(q.bytes.buffer, q.bytes.byteOffset, q.bytes.byteLength);
        b.bytes.used = q.bytes.byteLength;
      }
      c.cols.push(b);
    }
    return c;
  }

  /** For encodeColumns (column-encode.ts). */
  get parts(): ChunkColumns {
    return { keys: this.keys, keyOffsets: this.keyOffsets, widths: this.widths, cols: this.cols };
  }
}

/** A previous size plus 1/16 (chunks are cut near one size), at least `min`. */
function withMargin(n: number, min: number): number {
  return Math.max(min, n + (n >> 4) + 64);
}

/**
 * A row that writes itself into a chunk's column builders (ColumnChunk.addFrom): a bulk loader
 * converting input bytes appends values without making a cell per value.
 */
export interface ColumnarRow {
  /** Cells in the row (as Row.length). */
  readonly width: number;
  /** Writes cell c of the row into cols[c] at row i for every c < width (put*, add, addNull);
   *  false as soon as a column refuses a value's kind (the chunk then takes cells()). */
  writeInto(cols: readonly ColumnBuilder[], i: number): boolean;
  /** The row as cells: exactly the values writeInto writes. */
  cells(): Row;
  /** TableIngest's size estimate of cells() without the key (approxBytes). */
  approxBytes(): number;
}

/** What the column encoder reads of a chunk. */
export interface ChunkColumns {
  keys: Bytes;
  keyOffsets: Int32Array;
  widths: Uint16Array;
  cols: readonly ColumnBuilder[];
}

/** A ColumnChunk as plain data (structured-clone safe; see ColumnChunk.toParts). */
export interface ColumnChunkParts {
  table: TableId;
  rows: number;
  keys: Uint8Array;
  keyOffsets: Int32Array;
  widths: Uint16Array;
  cols: ColumnParts[];
  entries: Entry[] | undefined;
}

interface ColumnParts {
  kind: ColumnEncoding;
  valid: Uint8Array;
  f64: Float64Array | undefined;
  i64: BigInt64Array | undefined;
  bools: Uint8Array | undefined;
  bytes: Uint8Array | undefined;
  offsets: Int32Array | undefined;
}

/** The buffers of `p` to transfer (each its own ArrayBuffer; entries travel by clone). */
export function columnChunkTransferables(p: ColumnChunkParts): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>([p.keys.buffer as ArrayBuffer, p.keyOffsets.buffer as ArrayBuffer, p.widths.buffer as ArrayBuffer]);
  for (const c of p.cols) for (const a of [c.valid, c.f64, c.i64, c.bools, c.bytes, c.offsets]) if (a) out.add(a.buffer as ArrayBuffer);
  return [...out];
}
