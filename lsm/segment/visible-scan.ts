// The forward visible scan of one segment (SegmentReader.iterateVisible): for each key the
// newest version with seq <= the snapshot, nothing for a key whose visible version is a
// deletion — what visibleOnly(iterate()) yields, as a plain iterator over the batch buffers:
// no Entry and no key view for the versions it passes over, no generator frame per row.
// Invariant: rows are read in segment order (key asc, seq desc), so a key's versions are
// adjacent (possibly across a batch boundary).
import type { Row, Seq } from '../types.js';
import { compareAt, rowAt, type LoadedBatch } from './batch.js';

/** What the scan needs from its reader. */
export interface VisibleScanSource {
  load(batch: number): LoadedBatch;
  batchRows(batch: number): number;
  columnCount: number;
  /** Every key has one version (footer: distinctKeys = rows): no key comparisons needed. */
  oneVersionPerKey: boolean;
  /** Every version is at or below the snapshot: no seq checks needed. */
  allVisible: boolean;
}

/**
 * A visible row: KeyRow's shape, with the key view made only when read (a full scan feeding
 * an aggregate never reads it).
 */
export class VisibleRow {
  constructor(private readonly keyBytes: Uint8Array, private readonly start: number, private readonly end: number, readonly row: Row) {}

  get key(): Uint8Array {
    return this.keyBytes.subarray(this.start, this.end);
  }
}

export class VisibleScan implements IterableIterator<VisibleRow> {
  private lb: LoadedBatch | undefined;
  private rows = 0;
  /** Key whose fate is settled (multi-version segments only). */
  private decided: Uint8Array | undefined;

  /** `left` versions from row `r` of batch `b` on. */
  constructor(
    private readonly src: VisibleScanSource,
    private readonly snapshotSeq: Seq,
    private readonly cols: readonly number[] | undefined,
    private b: number,
    private r: number,
    private left: number,
  ) {}

  next(): IteratorResult<VisibleRow> {
    const src = this.src;
    while (this.left > 0) {
      this.left--;
      let lb = this.lb;
      if (lb === undefined || this.r === this.rows) {
        if (lb !== undefined) {
          this.b++;
          this.r = 0;
        }
        lb = this.lb = src.load(this.b);
        this.rows = src.batchRows(this.b);
      }
      const r = this.r++;
      if (src.oneVersionPerKey) {
        if ((src.allVisible || lb.seqs[r]! <= this.snapshotSeq) && lb.kinds[r] === 0) return { done: false, value: this.rowOf(lb, r) };
        continue;
      }
      if (this.decided !== undefined && compareAt(lb, r, this.decided) === 0) continue;
      if (lb.seqs[r]! > this.snapshotSeq) continue;
      this.decided = lb.keyValues.subarray(lb.keyOffsets[r]!, lb.keyOffsets[r + 1]!);
      if (lb.kinds[r] === 0) return { done: false, value: this.rowOf(lb, r) };
    }
    return { done: true, value: undefined };
  }

  return(): IteratorResult<VisibleRow> {
    this.left = 0;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): IterableIterator<VisibleRow> {
    return this;
  }

  private rowOf(lb: LoadedBatch, r: number): VisibleRow {
    return new VisibleRow(lb.keyValues, lb.keyOffsets[r]!, lb.keyOffsets[r + 1]!, rowAt(lb, r, this.cols, this.src.columnCount));
  }
}
