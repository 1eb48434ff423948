// Snapshots: a snapshot is a sequence number; it sees every commit with seq <= it and nothing
// newer. The registry counts live snapshots per sequence number so that compaction can ask for
// the smallest one and keep every version it can still see (see ../MVCC.md).
import type { Seq } from '../types.js';

export class Snapshot {
  private released = false;
  constructor(readonly seq: Seq, private readonly registry: SnapshotRegistry) {}
  /** Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.registry.drop(this.seq);
  }
  get isReleased(): boolean {
    return this.released;
  }
}

export class SnapshotRegistry {
  private readonly counts = new Map<Seq, number>();

  acquire(seq: Seq): Snapshot {
    this.counts.set(seq, (this.counts.get(seq) ?? 0) + 1);
    return new Snapshot(seq, this);
  }

  drop(seq: Seq): void {
    const n = this.counts.get(seq);
    if (n === undefined) throw new Error('lsm invariant violated: snapshot released twice');
    if (n === 1) this.counts.delete(seq);
    else this.counts.set(seq, n - 1);
  }

  /** The oldest live snapshot, or `current` when none is live. */
  smallest(current: Seq): Seq {
    let min = current;
    for (const s of this.counts.keys()) if (s < min) min = s;
    return min;
  }

  get liveCount(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
}
