// One loaded record batch of a segment: the raw Arrow buffers of the system columns, a reader
// per user column straight over its buffers (no Vector.get dispatch), and row decoding with an
// optional projection. Spec: FORMAT.md. Used by reader.ts and visible-scan.ts.
import type { Vector } from 'apache-arrow';
import type { Cell, Row } from '../types.js';
import { decodeCell, decodeUtf8 } from './cells.js';
import type { ColumnEncoding } from './meta.js';

export interface LoadedBatch {
  keyOffsets: Int32Array;
  keyValues: Uint8Array;
  seqs: BigInt64Array;
  kinds: Uint8Array;
  widths: Uint16Array | undefined;
  /** Per user column: the cell of row r, read straight from the Arrow buffers. */
  columns: ((r: number) => Cell)[];
  /** Per user column: its raw Arrow buffers, for consumers that read whole vectors (vec-scan.ts). */
  vectors: ColumnVector[];
  /** columnCount nulls: the template a projected row is copied from (never handed out mutable). */
  nulls: Cell[];
}

/**
 * The raw buffers of one user column of one batch. Row r of the batch is at index `offset + r`
 * of `values` / `offsets`; `valid` (Arrow validity bits, undefined when the batch has no null in
 * this column) says whether it is non-null: bit (offset + r). `words` views an i64 column's
 * values as little-endian int32 pairs (low word unsigned at 2i, high word signed at 2i+1), so a
 * reader can sum them without a BigInt per value.
 */
export type ColumnVector =
  | { enc: 'f64'; offset: number; valid: Uint8Array | undefined; values: Float64Array }
  | { enc: 'i64'; offset: number; valid: Uint8Array | undefined; values: BigInt64Array; words: Int32Array }
  | { enc: 'utf8'; offset: number; valid: Uint8Array | undefined; offsets: Int32Array; bytes: Uint8Array }
  | { enc: 'null' | 'bool' | 'bin' | 'packed'; offset: number; valid: Uint8Array | undefined };

/** The raw-buffer view of one column (see ColumnVector). */
export function columnVector(vec: Vector, enc: ColumnEncoding): ColumnVector {
  const d = vec.data[0]!;
  const offset = d.offset;
  const valid = d.nullCount > 0 ? d.nullBitmap : undefined;
  switch (enc) {
    case 'f64':
      return { enc, offset, valid, values: d.values as Float64Array };
    case 'i64': {
      const values = d.values as unknown as BigInt64Array;
      return { enc, offset, valid, values, words: new Int32Array(values.buffer, values.byteOffset, values.length * 2) };
    }
    case 'utf8':
      return { enc, offset, valid, offsets: d.valueOffsets as Int32Array, bytes: d.values as Uint8Array };
    case 'null':
      // Arrow's Null type has no validity buffer: every row is null.
      return { enc, offset, valid: new Uint8Array(0) };
    case 'bool':
    case 'bin':
    case 'packed':
      return { enc, offset, valid };
    default: {
      const never: never = enc;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

/** The cells of the put at row r (a projection `cols`: only those decoded, the rest null). */
export function rowAt(lb: LoadedBatch, r: number, cols: readonly number[] | undefined, columnCount: number): Row {
  const width = lb.widths === undefined ? columnCount : lb.widths[r]!;
  if (cols === undefined) {
    const row: Cell[] = new Array(width);
    for (let c = 0; c < width; c++) row[c] = lb.columns[c]!(r);
    return row;
  }
  // Rows are read-only: a projection of no column shares one row of nulls.
  if (cols.length === 0 && width === lb.nulls.length) return lb.nulls;
  const row = lb.nulls.slice(0, width);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    if (c < width) row[c] = lb.columns[c]!(r);
  }
  return row;
}

/** A reader of one column of one batch over the raw Arrow buffers (no Vector.get dispatch). */
export function columnReader(vec: Vector, enc: ColumnEncoding, corrupt: (why: string) => Error): (r: number) => Cell {
  const d = vec.data[0]!;
  const off = d.offset;
  const bitmap = d.nullCount > 0 ? d.nullBitmap : undefined;
  const valid = (r: number): boolean => bitmap === undefined || (bitmap[(off + r) >> 3]! & (1 << ((off + r) & 7))) !== 0;
  switch (enc) {
    case 'null':
      return () => null;
    case 'bool': {
      const bits = d.values as Uint8Array;
      return (r) => (valid(r) ? (bits[(off + r) >> 3]! & (1 << ((off + r) & 7))) !== 0 : null);
    }
    case 'f64': {
      const v = d.values as Float64Array;
      return (r) => (valid(r) ? v[off + r]! : null);
    }
    case 'i64': {
      const v = d.values as unknown as BigInt64Array;
      return (r) => (valid(r) ? v[off + r]! : null);
    }
    case 'utf8': {
      const o = d.valueOffsets as Int32Array;
      const v = d.values as Uint8Array;
      return (r) => (valid(r) ? decodeUtf8(v, o[off + r]!, o[off + r + 1]!) : null);
    }
    case 'bin': {
      const o = d.valueOffsets as Int32Array;
      const v = d.values as Uint8Array;
      return (r) => (valid(r) ? v.subarray(o[off + r]!, o[off + r + 1]!) : null);
    }
    case 'packed': {
      const o = d.valueOffsets as Int32Array;
      const v = d.values as Uint8Array;
      return (r) => {
        if (!valid(r)) return null;
        try {
          return decodeCell(v.subarray(o[off + r]!, o[off + r + 1]!));
        } catch (e) {
          throw corrupt(`packed cell: ${(e as Error).message}`);
        }
      };
    }
    default: {
      const never: never = enc;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return compareRange(a, 0, a.length, b);
}

/** Compare the key of row r of a loaded batch with `key`, without allocating. */
export function compareAt(lb: LoadedBatch, r: number, key: Uint8Array): number {
  return compareRange(lb.keyValues, lb.keyOffsets[r]!, lb.keyOffsets[r + 1]!, key);
}

function compareRange(buf: Uint8Array, start: number, end: number, key: Uint8Array): number {
  const len = end - start;
  const n = len < key.length ? len : key.length;
  for (let i = 0; i < n; i++) {
    const d = buf[start + i]! - key[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return len === key.length ? 0 : len < key.length ? -1 : 1;
}
