// Column chunk: rows of one ingest (seq 0, 'put', strictly ascending keys) appended straight into
// per-column builders — Float64Array for numbers, BigInt64Array for int64 bigints, one UTF-8
// byte buffer + offsets for strings (bytes for byte cells), bits for booleans — and encoded into
// a segment from those columns (encodeColumnChunk; the builders: column-builder.ts). The row
// arrays, key arrays and strings a caller hands in are garbage as soon as add() returns: a bulk
// load kept ~30 k rows of JS objects per chunk alive until their encode, so every young-generation
// GC copied them to the old generation (a quarter of a COPY's CPU). The bytes are exactly encodeSegment's for the
// same entries (test/lsm/segment/column-chunk.test.ts): the same encoding per column (first
// non-null kind; a column whose cells differ in kind, or a bigint beyond int64, makes the whole
// chunk fall back to plain entries and encodeSegment), the same statistics (UTF-8 byte order for
// strings, NaN counted apart, the first of equal values kept), the same batches and bloom.
//
// Invariants: keys are strictly ascending (the caller checks: TableIngest.add); rows are at most
// 65535 cells wide; memory is the caller's to bound (TableIngest cuts a chunk at its file size).
import type { Cell, Entry, Row, TableId } from '../types.js';
import { Bytes, ColumnBuilder, INITIAL_ROWS, grow, type ColumnParts } from './column-builder.js';
import { encodeColumns } from './column-encode.js';
import { encodeSegment, type EncodeSegmentOptions, type EncodedSegment } from './encode.js';

export { Bytes, ColumnBuilder };

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
        this.fallBack(i, key, [...row]);
        return;
      }
    }
    this.endRow(i, w, key);
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
      this.fallBack(i, key, r.cells());
      return;
    }
    this.endRow(i, w, key);
  }

  /** Row i (width w) is in the builders: nulls in the wider columns, its width and key. */
  private endRow(i: number, w: number, key: Uint8Array): void {
    for (let c = w; c < this.cols.length; c++) this.cols[c]!.addNull(i);
    this.widths[i] = w;
    this.keys.put(key);
    this.keyOffsets[i + 1] = this.keys.used;
    this.rows = i + 1;
  }

  /** A cell no builder can take: rows < i become entries, then this row as one. */
  private fallBack(i: number, key: Uint8Array, row: Row): void {
    this.toEntries(i);
    this.entries!.push({ table: this.table, key: key.slice(), seq: 0n, kind: 'put', row });
    this.rows++;
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


/** The buffers of `p` to transfer (each its own ArrayBuffer; entries travel by clone). */
export function columnChunkTransferables(p: ColumnChunkParts): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>([p.keys.buffer as ArrayBuffer, p.keyOffsets.buffer as ArrayBuffer, p.widths.buffer as ArrayBuffer]);
  for (const c of p.cols) for (const a of [c.valid, c.f64, c.i64, c.bools, c.bytes, c.offsets]) if (a) out.add(a.buffer as ArrayBuffer);
  return [...out];
}
