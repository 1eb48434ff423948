// Memtable.get through the newest-version index (memtable.ts `newest`): against a brute-force
// model at every snapshot, with versions inserted out of seq order, re-inserts of the same
// (table, key, seq) that replace, deletions, bulkLoad (WAL replay) and an index that outgrows
// its limit mid-way (gets then search the leaves).
import { describe, it, expect } from 'vitest';
import { Memtable } from '../../../lsm/memtable/index.js';
import { Prng } from '../../../lsm/io/index.js';
import type { Entry } from '../../../lsm/types.js';

const key = (n: number): Uint8Array => Uint8Array.of(1, 0x80, 0, n >> 8, n & 255);

/** The newest version of (table, key) at or below snap; the last inserted of equal seqs. */
function modelGet(all: Entry[], table: number, k: Uint8Array, snap: bigint): Entry | undefined {
  let best: Entry | undefined;
  for (const e of all) {
    if (e.table !== table || Buffer.compare(e.key, k) !== 0 || e.seq > snap) continue;
    if (best === undefined || e.seq >= best.seq) best = e;
  }
  return best;
}

function randomEntries(seed: number, n: number): Entry[] {
  const prng = new Prng(seed);
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const table = 16384 + prng.int(3);
    const k = key(prng.int(60));
    // Seqs in random order, some repeated (a repeated (table, key, seq) replaces the earlier).
    const seq = BigInt(1 + prng.int(200));
    out.push(prng.int(5) === 0 ? { table, key: k, seq, kind: 'del', row: undefined } : { table, key: k, seq, kind: 'put', row: [i] });
  }
  return out;
}

function checkGets(m: Memtable, all: Entry[]): void {
  for (const table of [16383, 16384, 16385, 16386, 16387]) {
    for (let n = 0; n < 62; n++) {
      for (const snap of [0n, 1n, 50n, 100n, 150n, 199n, 200n, 1000n]) {
        const want = modelGet(all, table, key(n), snap);
        expect(m.get(table, key(n), snap)).toBe(want);
      }
    }
  }
}

describe('Memtable newest-version index', () => {
  for (const seed of [1, 2, 3]) {
    it(`get agrees with the model after puts in random seq order (seed ${seed})`, () => {
      const entries = randomEntries(seed, 900);
      const m = new Memtable();
      const seen: Entry[] = [];
      entries.forEach((e, i) => {
        m.put(e);
        seen.push(e);
        if (i % 150 === 0) checkGets(m, seen);
      });
      checkGets(m, seen);
    });
  }

  it('get agrees with the model when the index outgrows its limit mid-way', () => {
    const entries = randomEntries(7, 900);
    const m = new Memtable(25);
    const seen: Entry[] = [];
    entries.forEach((e, i) => {
      m.put(e);
      seen.push(e);
      if (i % 100 === 0) checkGets(m, seen);
    });
    checkGets(m, seen);
  });

  it('bulkLoad (WAL replay, duplicates replaced by the later one) then puts', () => {
    const entries = randomEntries(11, 700);
    for (const limit of [undefined, 40]) {
      const m = limit === undefined ? new Memtable() : new Memtable(limit);
      m.bulkLoad(entries.slice(0, 500));
      checkGets(m, entries.slice(0, 500));
      for (const e of entries.slice(500)) m.put(e);
      checkGets(m, entries);
    }
  });

  it('a version above the snapshot does not hide the older visible one; a delete is returned as such', () => {
    const m = new Memtable();
    const a: Entry = { table: 20000, key: key(1), seq: 5n, kind: 'put', row: ['a'] };
    const d: Entry = { table: 20000, key: key(1), seq: 9n, kind: 'del', row: undefined };
    const b: Entry = { table: 20000, key: key(1), seq: 12n, kind: 'put', row: ['b'] };
    m.put(b);
    m.put(a);
    m.put(d);
    expect(m.get(20000, key(1), 4n)).toBeUndefined();
    expect(m.get(20000, key(1), 5n)).toBe(a);
    expect(m.get(20000, key(1), 11n)).toBe(d);
    expect(m.get(20000, key(1), 12n)).toBe(b);
    expect(m.get(20000, key(2), 12n)).toBeUndefined();
    const b2: Entry = { table: 20000, key: key(1), seq: 12n, kind: 'put', row: ['b2'] };
    m.put(b2);
    expect(m.get(20000, key(1), 100n)).toBe(b2);
  });
});
