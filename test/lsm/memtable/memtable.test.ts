import { describe, it, expect } from 'vitest';
import { Memtable } from '../../../lsm/memtable/index.js';
import { Prng } from '../../../lsm/io/index.js';
import type { Entry } from '../../../lsm/types.js';

const k = (n: number) => Buffer.from(String(n).padStart(6, '0'));
const put = (table: number, key: Uint8Array, seq: bigint, v: number): Entry => ({ table, key, seq, kind: 'put', row: [v] });

function model(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => a.table - b.table || Buffer.compare(a.key, b.key) || (a.seq > b.seq ? -1 : a.seq < b.seq ? 1 : 0));
}

describe('Memtable', () => {
  it('keeps (table, key asc, seq desc) order against a model, forward and reverse, with bounds', () => {
    const prng = new Prng(42);
    const m = new Memtable();
    const all: Entry[] = [];
    for (let i = 0; i < 5000; i++) {
      const e = put(prng.int(3), k(prng.int(800)), BigInt(i + 1), i);
      m.put(e);
      all.push(e);
    }
    expect(m.count).toBe(5000);
    for (const t of [0, 1, 2]) {
      const want = model(all.filter((e) => e.table === t));
      expect([...m.iterate(t)]).toEqual(want);
      expect([...m.iterate(t, { reverse: true })]).toEqual([...want].reverse());
      const lo = k(100), hi = k(300);
      const inRange = want.filter((e) => Buffer.compare(e.key, lo) > 0 && Buffer.compare(e.key, hi) <= 0);
      expect([...m.iterate(t, { lower: lo, upper: hi, lowerInclusive: false, upperInclusive: true })]).toEqual(inRange);
      expect([...m.iterate(t, { lower: lo, upper: hi, lowerInclusive: false, upperInclusive: true, reverse: true })]).toEqual([...inRange].reverse());
    }
    expect(m.tables()).toEqual([0, 1, 2]);
  });

  it('get returns the newest version at or below the snapshot', () => {
    const m = new Memtable();
    m.put(put(1, k(1), 5n, 50));
    m.put(put(1, k(1), 9n, 90));
    m.put({ table: 1, key: k(1), seq: 12n, kind: 'del', row: undefined });
    expect(m.get(1, k(1), 4n)).toBeUndefined();
    expect(m.get(1, k(1), 5n)?.row).toEqual([50]);
    expect(m.get(1, k(1), 11n)?.row).toEqual([90]);
    expect(m.get(1, k(1), 12n)?.kind).toBe('del');
    expect(m.get(1, k(2), 100n)).toBeUndefined();
    expect(m.get(2, k(1), 100n)).toBeUndefined();
  });

  it('re-inserting the same (table, key, seq) replaces (idempotent replay)', () => {
    const m = new Memtable();
    m.put(put(1, k(1), 5n, 1));
    m.put(put(1, k(1), 5n, 2));
    expect(m.count).toBe(1);
    expect([...m.iterate(1)].map((e) => e.row)).toEqual([[2]]);
  });

  it('an iterator stays consistent while inserts split leaves underneath', () => {
    const m = new Memtable();
    for (let i = 0; i < 1000; i += 2) m.put(put(1, k(i), 1n, i));
    const seen: number[] = [];
    let seq = 2n;
    for (const e of m.iterate(1)) {
      seen.push(e.row![0] as number);
      // Insert newer versions and new keys everywhere while iterating.
      if (seq < 3000n) for (let j = 0; j < 5; j++) m.put(put(1, k((seen.length * 37 + j * 101) % 1000), seq++, -1));
    }
    const old = seen.filter((v) => v >= 0);
    expect(old).toEqual([...Array(500).keys()].map((i) => i * 2));
    const rev: number[] = [];
    for (const e of m.iterate(1, { reverse: true })) {
      if (e.seq === 1n) rev.push(e.row![0] as number);
      if (seq < 6000n) m.put(put(1, k(rev.length % 1000), seq++, -1));
    }
    expect(rev).toEqual([...Array(500).keys()].map((i) => i * 2).reverse());
  });

  it('is fast enough for batched puts (sanity, not a benchmark)', () => {
    const m = new Memtable();
    const prng = new Prng(7);
    const n = 200_000;
    const keys = Array.from({ length: n }, () => k(prng.int(1e6)));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) m.put({ table: 1, key: keys[i]!, seq: BigInt(i + 1), kind: 'put', row: [i] });
    const ms = performance.now() - t0;
    expect(m.count).toBe(n);
    // eslint-disable-next-line no-console
    console.log(`memtable: ${Math.round(n / (ms / 1000))} random puts/s`);
  });
});
