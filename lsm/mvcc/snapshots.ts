// Snapshots: a snapshot is a sequence number; it sees every commit with seq <= it and nothing
// newer. The registry counts live snapshots per sequence number so that compaction can ask for
// the smallest one and keep every version it can still see (see ../MVCC.md).
//
// Hot path: every READ COMMITTED statement and every implicit transaction takes and releases a
// snapshot, nearly always at the newest sequence number. Counts live in small cells that the
// Snapshot keeps a reference to, and the cell of the newest sequence number is remembered, so
// acquire and release at an unchanged sequence number touch no Map (a bigint key is hashed
// from its digits on every Map operation).
// Invariants: a cell is in `counts` exactly while its count is > 0 or it is `last`; `smallest`
// and `liveCount` ignore cells whose count is 0.
import type { Seq } from '../types.js';

export interface Cell {
  readonly seq: Seq;
  n: number;
}

export class Snapshot {
  private released = false;
  /** @internal the registry's count cell of `seq` */
  constructor(readonly seq: Seq, private readonly registry: SnapshotRegistry, private readonly cell: Cell) {}
  /** Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.registry.drop(this.cell);
  }
  get isReleased(): boolean {
    return this.released;
  }
}

export class SnapshotRegistry {
  private readonly counts = new Map<Seq, Cell>();
  /** The cell most recently acquired (kept in `counts` even at count 0, see the invariants). */
  private last: Cell | undefined;

  acquire(seq: Seq): Snapshot {
    let cell = this.last;
    if (cell === undefined || cell.seq !== seq) {
      cell = this.counts.get(seq);
      if (cell === undefined) {
        cell = { seq, n: 0 };
        this.counts.set(seq, cell);
      }
      const prev = this.last;
      this.last = cell;
      // The previous newest cell stays mapped only while snapshots still count on it.
      if (prev !== undefined && prev.n === 0 && prev !== cell) this.counts.delete(prev.seq);
    }
    cell.n++;
    return new Snapshot(seq, this, cell);
  }

  /** @internal Snapshot.release's half. */
  drop(cell: Cell): void {
    if (cell.n <= 0) throw new Error('lsm invariant violated: snapshot released twice');
    cell.n--;
    if (cell.n === 0 && cell !== this.last) this.counts.delete(cell.seq);
  }

  /** The oldest live snapshot, or `current` when none is live. */
  smallest(current: Seq): Seq {
    let min = current;
    for (const c of this.counts.values()) if (c.n > 0 && c.seq < min) min = c.seq;
    return min;
  }

  get liveCount(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c.n;
    return n;
  }
}
