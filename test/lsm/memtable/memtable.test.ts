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

describe('Memtable sort keys (strings) agree with byte order', () => {
  it('binary keys with every byte value, prefix keys, empty keys and table ids past one byte', () => {
    const prng = new Prng(7);
    const m = new Memtable();
    const all: Entry[] = [];
    const tables = [0, 1, 255, 256, 65_535, 65_536, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER];
    const bytes = [0, 1, 0x7f, 0x80, 0x9f, 0xa0, 0xfe, 0xff];
    for (let i = 0; i < 4000; i++) {
      const len = prng.int(4);
      const key = new Uint8Array(len);
      for (let j = 0; j < len; j++) key[j] = bytes[prng.int(bytes.length)]!;
      const e: Entry = { table: tables[prng.int(tables.length)]!, key, seq: BigInt(1 + prng.int(50)), kind: 'put', row: [i] };
      m.put(e);
      // (table, key, seq) is unique: a re-insert replaces.
      const at = all.findIndex((x) => x.table === e.table && x.seq === e.seq && Buffer.compare(x.key, e.key) === 0);
      if (at >= 0) all[at] = e;
      else all.push(e);
    }
    expect(m.count).toBe(all.length);
    for (const t of tables) {
      const want = model(all.filter((e) => e.table === t));
      expect([...m.iterate(t)]).toEqual(want);
      expect([...m.iterate(t, { reverse: true })]).toEqual([...want].reverse());
      for (const e of want.slice(0, 200)) {
        for (const snap of [e.seq, e.seq - 1n, 1000n]) {
          const vis = want.find((x) => Buffer.compare(x.key, e.key) === 0 && x.seq <= snap);
          expect(m.get(t, e.key, snap)).toBe(vis);
        }
      }
    }
  });
});

describe('Memtable.bulkLoad', () => {
  it('gives the same memtable as put() of each entry in order (duplicates: the later wins)', () => {
    for (const seed of [1, 2, 3]) {
      const prng = new Prng(seed);
      const entries: Entry[] = [];
      for (let i = 0; i < 3000; i++) entries.push(put(prng.int(3), k(prng.int(seed === 3 ? 5000 : 400)), BigInt(1 + prng.int(seed === 1 ? 30 : 3000)), i));
      // seed 3: sorted input (the no-sort path)
      if (seed === 3) entries.sort((a, b) => a.table - b.table || Buffer.compare(a.key, b.key) || (a.seq > b.seq ? -1 : a.seq < b.seq ? 1 : 0));
      const a = new Memtable();
      for (const e of entries) a.put(e);
      const b = new Memtable();
      b.bulkLoad(entries);
      expect(b.count).toBe(a.count);
      expect(b.sizeBytes).toBe(a.sizeBytes);
      expect([b.minSeq, b.maxSeq]).toEqual([a.minSeq, a.maxSeq]);
      const byTable = (m: Memtable) => [...m.perTable].sort((x, y) => x[0] - y[0]);
      expect(byTable(b)).toEqual(byTable(a));
      for (const t of [0, 1, 2]) {
        const want = [...a.iterate(t)];
        const got = [...b.iterate(t)];
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBe(want[i]);
        expect([...b.iterate(t, { reverse: true })]).toEqual([...a.iterate(t, { reverse: true })]);
      }
      // Later inserts keep working on bulk-loaded leaves.
      for (let i = 0; i < 2000; i++) {
        const e = put(prng.int(3), k(prng.int(400)), BigInt(5000 + i), i);
        a.put(e);
        b.put(e);
      }
      for (const t of [0, 1, 2]) expect([...b.iterate(t)]).toEqual([...a.iterate(t)]);
      expect(() => b.bulkLoad(entries)).toThrow(/non-empty/);
    }
  });
});
