// What a segment knows about itself: the decoded footer. Spec: FORMAT.md "Footer".
import type { Cell, Seq, TableId } from '../types.js';

/** Arrow storage of one user column in one segment (decided per segment from the values). */
export type ColumnEncoding = 'null' | 'bool' | 'f64' | 'i64' | 'utf8' | 'bin' | 'packed';

export interface ColumnStats {
  /** Rows where the column is null, including rows narrower than the column and deletions. */
  nullCount: number;
  /** NaN values of an f64 column; they are excluded from min/max. */
  nanCount: number;
  /** Smallest/largest non-null value; undefined for 'null' and 'packed' columns or no values. */
  min: Cell | undefined;
  max: Cell | undefined;
}

export interface ColumnInfo {
  encoding: ColumnEncoding;
  stats: ColumnStats;
}

/** One record batch as the sparse index sees it. */
export interface BatchInfo {
  firstKey: Uint8Array;
  lastKey: Uint8Array;
  rowCount: number;
  smallestSeq: Seq;
  largestSeq: Seq;
  columns: ColumnStats[];
}

export interface SegmentMeta {
  formatVersion: number;
  table: TableId;
  /** Versions stored (puts + deletions). */
  rowCount: number;
  putCount: number;
  delCount: number;
  distinctKeys: number;
  smallestKey: Uint8Array;
  largestKey: Uint8Array;
  smallestSeq: Seq;
  largestSeq: Seq;
  /** Width of the widest row; user columns are c0..c{columnCount-1}. */
  columnCount: number;
  columns: ColumnInfo[];
  sizeBytes: number;
}
