import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildBloom, bloomMayContain, encodeSegment, SegmentReader } from '../../../lsm/segment/index.js';
import { compareBytes } from '../../../lsm/iter/index.js';
import type { Entry } from '../../../lsm/types.js';
import { plain, sorted } from './helpers.js';

const SEED = Number(process.env.PYRALOG_SEED ?? 20261124);

describe('bloom filter', () => {
  it('has no false negatives and ~1 % false positives', () => {
    const n = 20_000;
    const key = (i: number): Uint8Array => new TextEncoder().encode(`user:${i}`);
    const keys = Array.from({ length: n }, (_, i) => key(i));
    const bits = buildBloom(keys, n);
    for (const k of keys) expect(bloomMayContain(bits, k)).toBe(true);
    let fp = 0;
    const probes = 100_000;
    for (let i = n; i < n + probes; i++) if (bloomMayContain(bits, key(i))) fp++;
    const rate = fp / probes;
    console.log(`bloom false-positive rate: ${(rate * 100).toFixed(3)} % (10 bits/key, 7 probes)`);
    expect(rate).toBeLessThan(0.015);
    expect(rate).toBeGreaterThan(0.002); // a filter that says "absent" to everything would also pass the bound above
  });
});

// Model: a sorted array of entries; get and iterate computed by brute force.
function modelGet(entries: Entry[], key: Uint8Array, snap: bigint): Entry | undefined {
  return entries.find((e) => compareBytes(e.key, key) === 0 && e.seq <= snap);
}
function inRange(e: Entry, lo: Uint8Array | undefined, loIn: boolean, hi: Uint8Array | undefined, hiIn: boolean): boolean {
  if (lo !== undefined) { const c = compareBytes(e.key, lo); if (c < 0 || (c === 0 && !loIn)) return false; }
  if (hi !== undefined) { const c = compareBytes(e.key, hi); if (c > 0 || (c === 0 && !hiIn)) return false; }
  return true;
}

const keyArb = fc.uint8Array({ minLength: 0, maxLength: 3, max: 5 });
const entriesArb = fc
  .array(fc.record({ key: keyArb, seq: fc.integer({ min: 0, max: 40 }), del: fc.boolean(), v: fc.integer() }), { minLength: 1, maxLength: 300 })
  .map((xs) => {
    const seen = new Set<string>();
    const out: Entry[] = [];
    for (const x of xs) {
      const id = `${Array.from(x.key)}/${x.seq}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ table: 7, key: x.key, seq: BigInt(x.seq), kind: x.del ? 'del' : 'put', row: x.del ? undefined : [x.v] });
    }
    return sorted(out);
  });

describe('sparse index lookups vs a brute-force model', () => {
  it('get and iterate agree with the model', () => {
    fc.assert(
      fc.property(
        entriesArb,
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.record({ key: keyArb, snap: fc.integer({ min: 0, max: 45 }) }), { maxLength: 30 }),
        fc.array(fc.record({ lo: fc.option(keyArb), hi: fc.option(keyArb), loIn: fc.boolean(), hiIn: fc.boolean(), reverse: fc.boolean() }), { maxLength: 10 }),
        (entries, batchRows, gets, ranges) => {
          const r = SegmentReader.open(encodeSegment(7, entries, { batchRows }).bytes, 'p.seg');
          for (const g of gets) expect(plain(r.get(g.key, BigInt(g.snap)))).toEqual(plain(modelGet(entries, g.key, BigInt(g.snap))));
          for (const e of entries) expect(r.mayContain(e.key)).toBe(true);
          for (const q of ranges) {
            const lo = q.lo ?? undefined;
            const hi = q.hi ?? undefined;
            let want = entries.filter((e) => inRange(e, lo, q.loIn, hi, q.hiIn));
            if (q.reverse) want = want.reverse();
            const got = [...r.iterate({ lower: lo, upper: hi, lowerInclusive: q.loIn, upperInclusive: q.hiIn, reverse: q.reverse })];
            expect(got.map(plain)).toEqual(want.map(plain));
          }
        },
      ),
      { seed: SEED, numRuns: 300, verbose: true },
    );
  });
});
