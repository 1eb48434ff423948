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
  /** columnCount nulls: the template a projected row is copied from (never handed out mutable). */
  nulls: Cell[];
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
