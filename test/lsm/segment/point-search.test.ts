// SegmentReader's point search (reader.ts lowerBound/rowLowerBound: key-prefix batch search and
// interpolation inside a batch) against brute force, on the key shapes where interpolation
// guesses well (dense int4 keys), badly (skewed keys, runs of versions of one key) and not at
// all (keys whose first 6 bytes are equal), with batches large enough for it to run. Also the
// projection of getHashed (`columns`).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeSegment, keyHash1, keyHash2, SegmentReader } from '../../../lsm/segment/index.js';
import { encodeKey } from '../../../lsm/keys/index.js';
import { compareBytes } from '../../../lsm/iter/index.js';
import type { Entry } from '../../../lsm/types.js';
import { plain, sorted } from './helpers.js';

const SEED = Number(process.env.PYRALOG_SEED ?? 20261125);
const int4Key = (v: number): Uint8Array => encodeKey([{ type: 'int4' }], [v]);

function modelGet(entries: Entry[], key: Uint8Array, snap: bigint): Entry | undefined {
  return entries.find((e) => compareBytes(e.key, key) === 0 && e.seq <= snap);
}

/** Entries for `keys` (deduplicated), `versions(i)` versions each, seqs descending per key. */
function entriesOf(keys: Uint8Array[], versions: (i: number) => number): Entry[] {
  const seen = new Set<string>();
  const out: Entry[] = [];
  keys.forEach((key, i) => {
    const id = Array.from(key).join(',');
    if (seen.has(id)) return;
    seen.add(id);
    const n = versions(i);
    for (let v = 0; v < n; v++) {
      const seq = BigInt(10 + 3 * v);
      out.push(v === 1 ? { table: 5, key, seq, kind: 'del', row: undefined } : { table: 5, key, seq, kind: 'put', row: [i, `r${i}v${v}`, seq] });
    }
  });
  return sorted(out);
}

/** Checks get at several snapshots for every stored key and for absent neighbours, and the
 *  first/last rows of inclusive and exclusive ranges, against the model. */
function checkAll(entries: Entry[], probes: Uint8Array[], batchRows: number): void {
  const r = SegmentReader.open(encodeSegment(5, entries, { batchRows }).bytes, 'p.seg');
  for (const key of probes) {
    for (const snap of [0n, 10n, 12n, 13n, 16n, 100n]) {
      expect(plain(r.get(key, snap))).toEqual(plain(modelGet(entries, key, snap)));
    }
    for (const loIn of [true, false]) {
      const want = entries.filter((e) => { const c = compareBytes(e.key, key); return c > 0 || (c === 0 && loIn); });
      const got = r.iterate({ lower: key, lowerInclusive: loIn });
      const first = got.next();
      expect(first.done ? undefined : plain(first.value)).toEqual(want.length === 0 ? undefined : plain(want[0]));
      const upTo = entries.filter((e) => { const c = compareBytes(e.key, key); return c < 0 || (c === 0 && loIn); });
      const rev = r.iterate({ upper: key, upperInclusive: loIn, reverse: true }).next();
      expect(rev.done ? undefined : plain(rev.value)).toEqual(upTo.length === 0 ? undefined : plain(upTo[upTo.length - 1]));
    }
  }
}

describe('segment point search (key prefixes, interpolation)', () => {
  it('dense int4 keys, one and several versions, big and small batches, present and absent keys', () => {
    const keys = Array.from({ length: 2500 }, (_, i) => int4Key(2 * i + 1)); // odd: the evens are absent
    const probes = [int4Key(-5), int4Key(0), int4Key(1), int4Key(2), int4Key(3), int4Key(2499), int4Key(2500), int4Key(4999), int4Key(5000), int4Key(2 ** 31 - 1), int4Key(-(2 ** 31))];
    for (let i = 0; i < 120; i++) probes.push(int4Key((i * 7919) % 5_005));
    for (const batchRows of [4096, 700, 7]) {
      checkAll(entriesOf(keys, () => 1), probes, batchRows);
      checkAll(entriesOf(keys, (i) => 1 + (i % 4)), probes, batchRows);
    }
  });

  it('skewed keys, long runs of one key, and keys equal in their first 6 bytes', () => {
    const skewed = Array.from({ length: 3000 }, (_, i) => int4Key(Math.floor(1.006 ** i) * (i % 2 === 0 ? 1 : -1)));
    const probes = [...skewed.slice(0, 200), int4Key(123456), int4Key(-7), int4Key(0)];
    checkAll(entriesOf(skewed, () => 1), probes, 4096);
    // A long run of versions of one key in the middle of dense keys.
    const runKeys = Array.from({ length: 2000 }, (_, i) => int4Key(i));
    checkAll(entriesOf(runKeys, (i) => (i === 1000 ? 200 : 1)), [int4Key(999), int4Key(1000), int4Key(1001), int4Key(1500)], 4096);
    // Text-like keys sharing a 6-byte prefix: only the tails differ.
    const enc = new TextEncoder();
    const tails = Array.from({ length: 2500 }, (_, i) => enc.encode(`prefix${String(i * 3).padStart(6, '0')}`));
    const tailProbes = [enc.encode('prefix'), enc.encode('prefi'), enc.encode('prefix000001'), enc.encode('prefix000003'), enc.encode('prefiy'), enc.encode('prefix999999'), new Uint8Array(0)];
    for (let i = 0; i < 100; i++) tailProbes.push(enc.encode(`prefix${String(i * 37).padStart(6, '0')}`));
    checkAll(entriesOf(tails, (i) => 1 + (i % 3)), tailProbes, 4096);
    // Short keys (below 6 bytes: zero-padded prefixes), a key that is a prefix of another.
    const short = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0, 0), Uint8Array.of(1), Uint8Array.of(1, 0), Uint8Array.of(1, 0, 0, 0, 0, 0, 0), Uint8Array.of(1, 0, 0, 0, 0, 0, 1), Uint8Array.of(255)];
    const many = [...short, ...Array.from({ length: 400 }, (_, i) => Uint8Array.of(2, i >> 8, i & 255))];
    checkAll(entriesOf(many, () => 2), [...short, Uint8Array.of(0, 0, 0), Uint8Array.of(1, 0, 0), Uint8Array.of(3)], 64);
  });

  it('random keys of random lengths agree with the model (property)', () => {
    const keyArb = fc.uint8Array({ minLength: 0, maxLength: 9, max: 255 });
    fc.assert(
      fc.property(fc.array(keyArb, { minLength: 1, maxLength: 600 }), fc.array(keyArb, { maxLength: 40 }), fc.integer({ min: 9, max: 700 }), (keys, extra, batchRows) => {
        const entries = entriesOf(keys, (i) => 1 + (i % 3));
        checkAll(entries, [...keys.slice(0, 40), ...extra], batchRows);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('getHashed decodes only the projected columns; the key and version are the same', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => int4Key(i));
    const entries = entriesOf(keys, () => 1);
    const r = SegmentReader.open(encodeSegment(5, entries, { batchRows: 4096 }).bytes, 'p.seg');
    const k = int4Key(1234);
    const whole = r.getHashed(k, 100n, keyHash1(k), keyHash2(k));
    const proj = r.getHashed(k, 100n, keyHash1(k), keyHash2(k), [1]);
    expect(whole?.row).toEqual([1234, 'r1234v0', 10n]);
    expect(proj?.row).toEqual([null, 'r1234v0', null]);
    expect(plain(proj)).toMatchObject({ key: Array.from(k), seq: 10n, kind: 'put' });
    const absent = int4Key(5000);
    expect(r.getHashed(absent, 100n, keyHash1(absent), keyHash2(absent), [1])).toBeUndefined();
  });
});
