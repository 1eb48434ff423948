// The forward visible rows of one segment as column vectors (SegmentReader.vectorParts): per
// record batch, a selection of the rows that are visible at the snapshot — for each key the
// newest version with seq <= the snapshot, nothing for a key whose visible version is a
// deletion: exactly the rows VisibleScan (visible-scan.ts) yields — handed out with the batch's
// raw Arrow buffers instead of one row object per version. A consumer (the SQL layer's
// vectorised aggregate) reads the vectors of the columns it needs straight from those buffers.
//
// Rows narrower than `minWidth` cells (written before an ALTER TABLE ADD COLUMN: the SQL layer
// gives their missing cells the column's default) are not selected; they come out as a rows
// part of their own, right after the batch that holds them, so the consumer sees every visible
// row exactly once and in key order.
//
// Invariants: exact only when no other source holds versions of these keys (db/reads.ts checks
// key ranges, as for iterateVisible). A part's selection buffer is reused by the next part: the
// consumer is done with a part before it asks for the next one. Forward only.
import type { Cell, Row, Seq } from '../types.js';
import { compareAt, rowAt, type ColumnVector, type LoadedBatch } from './batch.js';
import type { DeriveFn } from './vec-cache.js';

/** Rows of one record batch, selected, with the batch's column buffers. */
export interface VectorBatch {
  /** Row indexes (within the batch) of the selected rows, ascending; the first `count` are valid. */
  readonly sel: Int32Array;
  readonly count: number;
  /** The raw buffers of user column c (c < the segment's column count). */
  vector(c: number): ColumnVector;
  /** The cell of user column c at batch row r (the row reader's decoding, for any encoding). */
  cell(c: number, r: number): Cell;
  /**
   * What `make` derives from user column c's buffers over every row of this record batch
   * (indexed by batch row, as `sel`), from the reader's VecCache when it holds it (vec-cache.ts:
   * keyed by file, batch, column and `kind`; `make` must be a pure function of the buffers and
   * the one deriver of its kind). The value is shared: read it, never mutate it.
   */
  derived<T>(c: number, kind: string, make: DeriveFn<T>): T;
}

/** A visible row: mvcc's KeyRow shape (not imported: lsm/segment stays below lsm/mvcc). */
export interface KeyRow {
  key: Uint8Array;
  row: Row;
}

/**
 * A key decided by newer sources than the segment (db/reads.ts): its visible row (undefined:
 * none) replaces every version of the key in the segment, at the key's position.
 */
export interface OverlayRow {
  key: Uint8Array;
  row: Row | undefined;
}

export type ScanPart =
  | { kind: 'vectors'; batch: VectorBatch }
  | { kind: 'rows'; rows: Iterator<KeyRow> };

/** What the scan needs from its reader (SegmentReader passes its own). */
export interface VectorScanSource {
  load(batch: number): LoadedBatch;
  batchRows(batch: number): number;
  columnCount: number;
  /** Every key has one version (footer: distinctKeys = rows): no key comparisons needed. */
  oneVersionPerKey: boolean;
  /** Every version is at or below the snapshot: no seq checks needed. */
  allVisible: boolean;
  /** VectorBatch.derived of column c of batch b (cached or not: the reader's choice). */
  derive<T>(b: number, c: number, kind: string, vec: ColumnVector, make: DeriveFn<T>): T;
}

class Selected implements VectorBatch {
  count = 0;
  lb: LoadedBatch | undefined;
  /** The record batch `lb` is. */
  b = 0;
  constructor(readonly sel: Int32Array, private readonly src: VectorScanSource) {}
  vector(c: number): ColumnVector {
    return this.lb!.vectors[c]!;
  }
  cell(c: number, r: number): Cell {
    return this.lb!.columns[c]!(r);
  }
  derived<T>(c: number, kind: string, make: DeriveFn<T>): T {
    return this.src.derive(this.b, c, kind, this.lb!.vectors[c]!, make);
  }
}

/**
 * The parts of global rows [lo, lo + left) of a segment, as a plain iterator. `cols`: the
 * projection narrow rows are decoded with (as iterateVisible's rows are).
 */
export class VectorScan implements IterableIterator<ScanPart> {
  private readonly part: Selected;
  /** Key whose fate is settled (multi-version segments only); a view into the file bytes. */
  private decided: Uint8Array | undefined;

  constructor(
    private readonly src: VectorScanSource,
    private readonly snapshotSeq: Seq,
    private readonly minWidth: number,
    private readonly cols: readonly number[] | undefined,
    private b: number,
    private r: number,
    private left: number,
    batchRowsMax: number,
    /** Keys newer sources decide, ascending (see OverlayRow). */
    private readonly overlay: readonly OverlayRow[],
  ) {
    this.part = new Selected(new Int32Array(batchRowsMax), src);
  }

  /** Next overlay entry to place. */
  private op = 0;
  /** The overlay key whose segment versions are being skipped (a view into the overlay). */
  private skip: Uint8Array | undefined;

  next(): IteratorResult<ScanPart> {
    const src = this.src;
    const snap = this.snapshotSeq;
    while (this.left > 0) {
      const lb = src.load(this.b);
      const rows = src.batchRows(this.b);
      const end = Math.min(rows, this.r + this.left);
      const sel = this.part.sel;
      const seqs = lb.seqs;
      const kinds = lb.kinds;
      const widths = lb.widths;
      const one = src.oneVersionPerKey;
      const all = src.allVisible;
      let n = 0;
      let narrow: KeyRow[] | undefined;
      let r = this.r;
      // A run of wide rows becomes a vectors part, a run of narrow ones a rows part: the parts
      // keep the rows' key order (a float sum adds in the same order as the row path).
      const overlay = this.overlay;
      const b = this.b;
      if (one && all && overlay.length === 0 && widths === undefined) {
        // The common case (a segment of one version per key, all visible, nothing newer, every
        // row full width): only deletions leave the selection.
        n = selectPuts(kinds, r, end, sel);
        r = end;
      } else if (one && all && overlay.length === 0) {
        // Only deletions and narrow rows leave the selection: no key compares, no seq checks.
        for (; r < end; r++) {
          if (kinds[r] !== 0) continue;
          if (widths !== undefined && widths[r]! < this.minWidth) {
            if (n > 0) break;
            (narrow ??= []).push(this.keyRow(lb, r));
          } else {
            if (narrow !== undefined) break;
            sel[n++] = r;
          }
        }
      } else for (; r < end; r++) {
        if (overlay.length > 0) {
          // Overlay keys before this row's key go first; this row's key, when the overlay
          // decides it, is replaced by the overlay's row (every version of it skipped).
          if (this.skip !== undefined) {
            if (compareAt(lb, r, this.skip) === 0) continue;
            this.skip = undefined;
          }
          let c = 1;
          while (this.op < overlay.length && (c = compareAt(lb, r, overlay[this.op]!.key)) >= 0) {
            if (n > 0) break;
            const o = overlay[this.op++]!;
            if (o.row !== undefined) (narrow ??= []).push({ key: o.key, row: o.row });
            if (c === 0) {
              this.skip = o.key;
              break;
            }
          }
          if (n > 0 && c >= 0 && this.op < overlay.length) break; // hand out the run first
          if (this.skip !== undefined) continue;
        }
        if (one) {
          if (kinds[r] !== 0 || (!all && seqs[r]! > snap)) continue;
        } else {
          if (this.decided !== undefined && compareAt(lb, r, this.decided) === 0) continue;
          if (seqs[r]! > snap) continue;
          this.decided = lb.keyValues.subarray(lb.keyOffsets[r]!, lb.keyOffsets[r + 1]!);
          if (kinds[r] !== 0) continue;
        }
        if (widths !== undefined && widths[r]! < this.minWidth) {
          if (n > 0) break; // hand out the wide run first; this row is looked at again
          (narrow ??= []).push(this.keyRow(lb, r));
        } else {
          if (narrow !== undefined) break;
          sel[n++] = r;
        }
      }
      // Rows before r are consumed. A row that ended a run was not: unmark its key (it was just
      // decided by this same row, so re-deciding it gives the same answer).
      if (r < end && !one) this.decided = undefined;
      this.left -= r - this.r;
      if (r === rows) {
        this.b++;
        this.r = 0;
      } else this.r = r;
      if (n > 0) {
        this.part.lb = lb;
        this.part.b = b;
        this.part.count = n;
        return { done: false, value: { kind: 'vectors', batch: this.part } };
      }
      if (narrow !== undefined) return { done: false, value: { kind: 'rows', rows: narrow[Symbol.iterator]() } };
    }
    // Overlay keys past the segment's last row.
    if (this.op < this.overlay.length) {
      const rest: KeyRow[] = [];
      for (; this.op < this.overlay.length; this.op++) {
        const o = this.overlay[this.op]!;
        if (o.row !== undefined) rest.push({ key: o.key, row: o.row });
      }
      if (rest.length > 0) return { done: false, value: { kind: 'rows', rows: rest[Symbol.iterator]() } };
    }
    return { done: true, value: undefined };
  }

  return(): IteratorResult<ScanPart> {
    this.left = 0;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): IterableIterator<ScanPart> {
    return this;
  }

  private keyRow(lb: LoadedBatch, r: number): KeyRow {
    return { key: lb.keyValues.subarray(lb.keyOffsets[r]!, lb.keyOffsets[r + 1]!), row: rowAt(lb, r, this.cols, this.src.columnCount) };
  }
}

/** Rows [r, end) that are puts (kind 0), into sel from 0; their count. */
function selectPuts(kinds: Uint8Array, r: number, end: number, sel: Int32Array): number {
  let n = 0;
  for (; r < end; r++) if (kinds[r] === 0) sel[n++] = r;
  return n;
}
