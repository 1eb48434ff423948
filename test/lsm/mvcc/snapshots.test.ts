// The snapshot registry against a plain model (a count per sequence number): smallest() and
// liveCount after any interleaving of acquires and releases, with the newest-cell fast path.
import { describe, it, expect } from 'vitest';
import { SnapshotRegistry, type Snapshot } from '../../../lsm/mvcc/index.js';

describe('SnapshotRegistry', () => {
  it('counts snapshots per sequence number; release is idempotent', () => {
    const r = new SnapshotRegistry();
    expect(r.smallest(9n)).toBe(9n);
    const a = r.acquire(5n);
    const b = r.acquire(5n);
    const c = r.acquire(7n);
    expect(r.liveCount).toBe(3);
    expect(r.smallest(9n)).toBe(5n);
    a.release();
    a.release();
    expect(a.isReleased).toBe(true);
    expect(r.liveCount).toBe(2);
    expect(r.smallest(9n)).toBe(5n);
    b.release();
    expect(r.smallest(9n)).toBe(7n);
    c.release();
    expect(r.liveCount).toBe(0);
    expect(r.smallest(9n)).toBe(9n);
    // Acquiring again at a sequence number whose count fell to 0 (the newest cell) works.
    const d = r.acquire(7n);
    expect(r.smallest(9n)).toBe(7n);
    d.release();
    expect(r.smallest(9n)).toBe(9n);
  });

  it('agrees with a plain count model under random interleavings', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      const r = new SnapshotRegistry();
      const model = new Map<bigint, number>();
      const live: Snapshot[] = [];
      let seq = 1n;
      for (let step = 0; step < 300; step++) {
        const op = rnd(10);
        if (op < 2) seq += 1n;
        else if (op < 6 || live.length === 0) {
          // Mostly the newest sequence number, sometimes an older one (a long-lived reader's).
          const s = rnd(5) === 0 ? seq - BigInt(rnd(3)) : seq;
          live.push(r.acquire(s));
          model.set(s, (model.get(s) ?? 0) + 1);
        } else {
          const snap = live.splice(rnd(live.length), 1)[0]!;
          snap.release();
          const n = model.get(snap.seq)! - 1;
          if (n === 0) model.delete(snap.seq);
          else model.set(snap.seq, n);
        }
        let min = seq + 100n;
        let count = 0;
        for (const [s, n] of model) {
          if (s < min) min = s;
          count += n;
        }
        expect(r.liveCount).toBe(count);
        expect(r.smallest(seq + 100n)).toBe(min);
      }
    }
  });
});
