import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compareEntries, mergeSorted, visibleOnly, compareBytes } from '../../../lsm/iter/index.js';
import type { Entry } from '../../../lsm/types.js';

const SEED = Number(process.env.PYRALOG_SEED ?? 424242);

const entryArb = fc.record({
  table: fc.integer({ min: 0, max: 2 }),
  key: fc.uint8Array({ maxLength: 2, max: 3 }),
  seq: fc.bigInt({ min: 0n, max: 30n }),
  del: fc.boolean(),
});
const toEntry = (x: { table: number; key: Uint8Array; seq: bigint; del: boolean }): Entry => ({
  table: x.table, key: x.key, seq: x.seq, kind: x.del ? 'del' : 'put', row: x.del ? undefined : [Number(x.seq)],
});
const id = (e: Entry): string => `${e.table}/${Array.from(e.key)}/${e.seq}`;

/** Sources sorted and free of internal duplicates; the same version may be in several sources. */
const sourcesArb = fc.array(fc.array(entryArb, { maxLength: 40 }), { maxLength: 6 }).map((srcs) =>
  srcs.map((s) => {
    const m = new Map<string, Entry>();
    for (const x of s) { const e = toEntry(x); m.set(id(e), e); }
    return [...m.values()].sort(compareEntries);
  }),
);

describe('mergeSorted', () => {
  it('yields the sorted union without duplicates, forward and reverse', () => {
    fc.assert(
      fc.property(sourcesArb, (sources) => {
        const m = new Map<string, Entry>();
        for (let s = sources.length - 1; s >= 0; s--) for (const e of sources[s]!) m.set(id(e), e); // earlier source wins
        const want = [...m.values()].sort(compareEntries);
        const fwd = [...mergeSorted(sources.map((s) => s[Symbol.iterator]()), false)];
        expect(fwd.map(id)).toEqual(want.map(id));
        for (const e of fwd) expect(e).toBe(m.get(id(e))); // duplicate resolved to the newest source's object
        const rev = [...mergeSorted(sources.map((s) => [...s].reverse()[Symbol.iterator]()), true)];
        expect(rev.map(id)).toEqual([...want].reverse().map(id));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('closes every source when the consumer stops early', () => {
    let closed = 0;
    const src = (): Iterator<Entry> => {
      const inner = [toEntry({ table: 0, key: Uint8Array.of(1), seq: 1n, del: false }), toEntry({ table: 0, key: Uint8Array.of(2), seq: 1n, del: false })][Symbol.iterator]();
      return { next: () => inner.next(), return: () => { closed++; return { done: true, value: undefined }; } };
    };
    const it = mergeSorted([src(), src(), src()], false);
    it.next();
    it.return!();
    expect(closed).toBe(3);
  });
});

describe('visibleOnly', () => {
  it('yields the newest visible non-deleted version per key in both directions', () => {
    fc.assert(
      fc.property(sourcesArb, fc.bigInt({ min: 0n, max: 32n }), (sources, snap) => {
        const all = [...mergeSorted(sources.map((s) => s[Symbol.iterator]()), false)];
        const want: Entry[] = [];
        for (let i = 0; i < all.length; i++) {
          const e = all[i]!;
          const prevSame = i > 0 && all[i - 1]!.table === e.table && compareBytes(all[i - 1]!.key, e.key) === 0;
          if (prevSame) continue;
          const newestVisible = all.slice(i).find((x) => x.table === e.table && compareBytes(x.key, e.key) === 0 && x.seq <= snap);
          if (newestVisible && newestVisible.kind === 'put') want.push(newestVisible);
        }
        expect([...visibleOnly(all[Symbol.iterator](), snap)].map(id)).toEqual(want.map(id));
        expect([...visibleOnly([...all].reverse()[Symbol.iterator](), snap, true)].map(id)).toEqual([...want].reverse().map(id));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
