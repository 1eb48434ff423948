// One COPY row converted from its input bytes but not yet made into cells (copy-fast.ts
// FastTextRows.stage): per listed column a tag and the value's number or its byte range in the
// input buffer. An ingest writes it straight into its column builders (lsm ColumnarRow:
// ColumnChunk.addFrom) — an int8/timestamp as a number into the BigInt64Array, text and numeric
// bytes copied from the input — so a bulk load makes no Cell[], BigInt or string per row. cells()
// gives the row exactly as FastTextRows.next would (the row path, errors, the chunk's fallback).
//
// Invariants: valid only until the source's next push() or stage() (byte ranges point into its
// buffer, which moves); a Bytes value is valid UTF-8 (the source validated it), and the strings
// cells() makes from it encode back to the same bytes, so both ways store the same bytes.

import type { Cell, ColumnBuilder, ColumnarRow } from '../../lsm/index.js';
import { NUMERIC_DOT, numericText } from './copy-bytes.js';

export const enum Tag {
  Null,
  /** A number cell (int2, int4): `num`. */
  F64,
  /** An int64 cell (int8, timestamp[tz]) whose value is the safe integer `num`. */
  I64,
  /** A string cell: UTF-8 bytes [start, end) of the buffer, then `pad`. */
  Bytes,
  /** Any cell, converted by the general converter: `cell`. */
  Cell,
}

/** `pad` of a bpchar(n) value: PAD_SPACES | blanks to append. Otherwise numericPad's (zeros,
 *  NUMERIC_DOT for a '.' first), 0 for none. */
export const PAD_SPACES = 0x20000;
const PAD_COUNT = 0xffff;
const SPACES = ' '.repeat(256);

interface BufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

export class StagedRow implements ColumnarRow {
  /** Per listed column (input order). */
  readonly tag: Uint8Array;
  readonly num: Float64Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly pad: Int32Array;
  readonly cell: Cell[];
  /** The buffer Bytes values point into, and whether the record is all ASCII. */
  buf: Buffer = Buffer.alloc(0);
  ascii = true;
  /** approxBytes() of the row, summed by the source while it stages (sizeOf per column). */
  approx = 0;
  /** approxBytes() of the columns that are not listed (null: 8 each). */
  readonly unlistedBytes: number;
  /** Listed column of each table column (attnum - 1), -1 when not listed (null). */
  private readonly byAttnum: Int32Array;

  /** `width`: cells in a row (dropped columns included); `attnums`: of the listed columns. */
  constructor(readonly width: number, attnums: readonly number[]) {
    const n = attnums.length;
    this.tag = new Uint8Array(n);
    this.num = new Float64Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.pad = new Int32Array(n);
    this.cell = new Array<Cell>(n).fill(null);
    this.byAttnum = new Int32Array(width).fill(-1);
    for (let i = 0; i < n; i++) this.byAttnum[attnums[i]! - 1] = i;
    this.unlistedBytes = 8 * (width - n);
  }

  /** Listed column i's value is null (or the column is not listed: i < 0). */
  isNull(i: number): boolean {
    return i < 0 || this.tag[i] === Tag.Null;
  }

  writeInto(cols: readonly ColumnBuilder[], row: number): boolean {
    const { tag, byAttnum } = this;
    for (let a = 0; a < this.width; a++) {
      const b = cols[a]!;
      const i = byAttnum[a]!;
      if (i < 0) {
        b.addNull(row);
        continue;
      }
      switch (tag[i] as Tag) {
        case Tag.Null:
          b.addNull(row);
          break;
        case Tag.F64:
          if (!b.putF64(row, this.num[i]!)) return false;
          break;
        case Tag.I64:
          if (!b.putI64(row, this.num[i]!)) return false;
          break;
        case Tag.Bytes: {
          if (!b.putUtf8(row, this.buf, this.start[i]!, this.end[i]!)) return false;
          const p = this.pad[i]!;
          if (p === 0) break;
          if (p & PAD_SPACES) b.padUtf8(row, 0x20, p & PAD_COUNT);
          else {
            if (p & NUMERIC_DOT) b.padUtf8(row, 0x2e, 1);
            b.padUtf8(row, 0x30, p & PAD_COUNT);
          }
          break;
        }
        case Tag.Cell:
          if (!b.add(row, this.cell[i]!)) return false;
          break;
      }
    }
    return true;
  }

  /** Listed column i's cell (as FastTextRows.next makes it). */
  cellAt(i: number): Cell {
    switch (this.tag[i] as Tag) {
      case Tag.Null:
        return null;
      case Tag.F64:
        return this.num[i]!;
      case Tag.I64:
        return BigInt(this.num[i]!);
      case Tag.Bytes: {
        const b = this.buf as unknown as BufferSlices;
        const s = this.ascii ? b.latin1Slice(this.start[i]!, this.end[i]!) : b.utf8Slice(this.start[i]!, this.end[i]!);
        const p = this.pad[i]!;
        if (p === 0) return s;
        return p & PAD_SPACES ? s + SPACES.slice(0, p & PAD_COUNT) : numericText(s, p);
      }
      case Tag.Cell:
        return this.cell[i]!;
    }
  }

  cells(): Cell[] {
    const out = new Array<Cell>(this.width);
    for (let a = 0; a < this.width; a++) {
      const i = this.byAttnum[a]!;
      out[a] = i < 0 ? null : this.cellAt(i);
    }
    return out;
  }

  /** lsm TableIngest's approxBytes of cells() without the key: a string counts its UTF-16
   *  length + 4, bytes their length + 4, anything else 8 (unlistedBytes + sizeOf of each listed
   *  column, which the source sums into `approx` while it stages: no second pass per row). */
  approxBytes(): number {
    return this.approx;
  }

  /** Listed column i's share of approxBytes (once its tag and value are set). */
  sizeOf(i: number): number {
    switch (this.tag[i] as Tag) {
      case Tag.Bytes: {
        const p = this.pad[i]!;
        return this.utf16Length(this.start[i]!, this.end[i]!) + (p & PAD_COUNT) + (p & NUMERIC_DOT ? 1 : 0) + 4;
      }
      case Tag.Cell: {
        const c = this.cell[i];
        return typeof c === 'string' || c instanceof Uint8Array ? c.length + 4 : 8;
      }
      default:
        return 8;
    }
  }

  /** String length (UTF-16 units) of the UTF-8 bytes [s, e). */
  private utf16Length(s: number, e: number): number {
    if (this.ascii) return e - s;
    const b = this.buf;
    let n = 0;
    for (let k = s; k < e; k++) {
      const c = b[k]!;
      if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
    }
    return n;
  }
}
