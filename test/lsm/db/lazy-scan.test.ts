// Scans open their segment files lazily, in key order (db/reads.ts), and pin the version they
// started on (SegmentCache.pinVersion) so a compaction meanwhile deletes none of their files.
// Loads are counted through the Io seam (MemIo.readFileSync wrapped): the reader cache reads a
// segment file exactly once per miss.
import { describe, expect, it } from 'vitest';
import { LsmDb, MemIo, Prng, encodeKey, type Row, type Snapshot } from '../../../lsm/index.js';

const key = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
const keyOf = (k: Uint8Array) => Number(new DataView(k.buffer, k.byteOffset + 1, 8).getBigUint64(0) ^ (1n << 63n));

/** Segment file loads (reads of *.seg through readFileSync) on `io` from now on. */
function countLoads(io: MemIo): { paths: string[] } {
  const seen = { paths: [] as string[] };
  const orig = io.readFileSync.bind(io);
  io.readFileSync = (p: string) => {
    seen.paths.push(p);
    return orig(p);
  };
  return seen;
}

/** A database holding `segments` disjoint level-0 files of 50 ascending rows each, reopened (empty reader cache). */
async function manySegments(segments: number, extra: { segmentCacheBytesMax?: number } = {}): Promise<{ db: LsmDb; io: MemIo }> {
  const io = new MemIo(7);
  const opts = { dir: '/db', io, workers: 0, compaction: { auto: false }, ...extra };
  let db = await LsmDb.open(opts);
  for (let s = 0; s < segments; s++) {
    const ops = [];
    for (let i = 0; i < 50; i++) ops.push({ table: 1, key: key(s * 50 + i), kind: 'put' as const, row: [s * 50 + i, 'x'.repeat(20)] });
    await db.write(ops);
    await db.flush();
  }
  expect(db.stats().segmentFiles).toBe(segments);
  await db.close();
  db = await LsmDb.open(opts);
  return { db, io };
}

const segFiles = async (io: MemIo) => (await io.list('/db')).filter((n) => n.endsWith('.seg')).sort();

describe('lazy segment loading in scans', () => {
  it('opens a segment when the scan reaches it, not when the scan starts', async () => {
    const { db, io } = await manySegments(20);
    const loads = countLoads(io);
    const it = db.scan(1);
    expect(loads.paths.length).toBe(0);
    expect(keyOf(it.next().value!.key)).toBe(0);
    expect(loads.paths.length).toBe(1);
    for (let i = 1; i < 50 * 5; i++) expect(keyOf(it.next().value!.key)).toBe(i);
    expect(loads.paths.length).toBe(5);
    expect(keyOf(it.next().value!.key)).toBe(250);
    expect(loads.paths.length).toBe(6);
    it.return!();
    expect(loads.paths.length).toBe(6);
    // A bounded scan opens only the files its range overlaps; a reverse scan starts at the end.
    expect([...db.scan(1, { lower: key(990), upper: key(1000) })].length).toBe(10);
    expect(loads.paths.length).toBe(7);
    const rev = db.scan(1, { reverse: true });
    expect(keyOf(rev.next().value!.key)).toBe(999);
    expect(loads.paths.length).toBe(7); // the last segment is cached now
    rev.return!();
    await db.close();
  });

  it('vector parts open their segments lazily too', async () => {
    const { db, io } = await manySegments(12);
    const loads = countLoads(io);
    const parts = db.scanPartsAt(1, {}, db.lastVisibleSeq, { columns: [{ column: 0, encodings: ['i64', 'f64'] }] });
    expect(loads.paths.length).toBe(0);
    parts.next();
    expect(loads.paths.length).toBe(1);
    let n = 1;
    for (let r = parts.next(); !r.done; r = parts.next()) n++;
    expect(n).toBeGreaterThanOrEqual(12);
    expect(loads.paths.length).toBe(12);
    await db.close();
  });

  it('a scan larger than a quarter of the cache does not fill it', async () => {
    const { db, io } = await manySegments(16, { segmentCacheBytesMax: 40_000 });
    const loads = countLoads(io);
    let rows = 0;
    for (const _ of db.scan(1)) rows++;
    expect(rows).toBe(800);
    expect(loads.paths.length).toBe(16);
    expect(db.stats().segmentCacheBytes).toBe(0);
    // A point get still caches its segment; a short range scan too.
    expect(db.get(1, key(3))).toEqual([3, 'x'.repeat(20)]);
    expect([...db.scan(1, { lower: key(60), upper: key(70) })].length).toBe(10);
    expect(db.stats().segmentCacheBytes).toBeGreaterThan(0);
    const before = loads.paths.length;
    expect([...db.scan(1, { lower: key(60), upper: key(70) })].length).toBe(10);
    expect(loads.paths.length).toBe(before);
    await db.close();
  });

  it('a compaction during an open scan neither breaks it nor deletes its files', async () => {
    const { db, io } = await manySegments(10);
    const filesAtStart = await segFiles(io);
    const it = db.scan(1);
    for (let i = 0; i < 120; i++) expect(keyOf(it.next().value!.key)).toBe(i);
    // Newer versions and deletions the scan must not see, then a compaction of everything.
    await db.write(Array.from({ length: 500 }, (_, i) => ({ table: 1, key: key(i * 2), kind: 'del' as const, row: undefined })));
    await db.write([{ table: 1, key: key(5000), kind: 'put', row: [5000, 'new'] }]);
    await db.flush();
    await db.compactNow();
    const after = await segFiles(io);
    for (const f of filesAtStart) expect(after).toContain(f);
    expect(db.stats().segmentFiles).toBeLessThan(filesAtStart.length);
    const rest: number[] = [];
    for (let r = it.next(); !r.done; r = it.next()) rest.push(keyOf(r.value.key));
    expect(rest).toEqual(Array.from({ length: 380 }, (_, i) => 120 + i));
    // The scan is over: its pin is released, so the next compaction pass deletes the old files.
    for (let round = 0; round < 4; round++) {
      await db.write([{ table: 1, key: key(6000 + round), kind: 'put', row: [round, 'y'] }]);
      await db.flush();
    }
    await db.compactNow();
    const final = await segFiles(io);
    for (const f of filesAtStart) expect(final).not.toContain(f);
    expect([...db.scan(1)].length).toBe(500 / 2 + 1 + 4);
    await db.close();
  });

  it('a scan whose segments lie in one group opens them at once and holds them (no pin)', async () => {
    const { db, io } = await manySegments(6);
    const loads = countLoads(io);
    const it = db.scan(1, { lower: key(110), upper: key(130) });
    expect(loads.paths.length).toBe(1); // opened when the scan is made
    await db.write(Array.from({ length: 6 }, (_, s) => ({ table: 1, key: key(s * 50 + 1), kind: 'del' as const, row: undefined })));
    await db.flush();
    await db.compactNow();
    expect(await segFiles(io)).not.toContain(loads.paths[0]!.slice('/db/'.length)); // deleted: the scan held no pin
    expect([...it].map((r) => keyOf(r.key))).toEqual(Array.from({ length: 20 }, (_, i) => 110 + i));
    await db.close();
  });

  it('an abandoned scan (return()) releases its pin', async () => {
    const { db, io } = await manySegments(6);
    const filesAtStart = await segFiles(io);
    const it = db.scan(1);
    it.next();
    it.return!();
    // Overlapping every file (a disjoint one would only be moved, keeping the file numbers).
    await db.write(Array.from({ length: 6 }, (_, s) => ({ table: 1, key: key(s * 50), kind: 'del' as const, row: undefined })));
    await db.flush();
    await db.compactNow();
    const final = await segFiles(io);
    for (const f of filesAtStart) expect(final).not.toContain(f);
    await db.close();
  });

  it('random multi-segment data with tombstones: scans left open across compactions read their snapshot', async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const rand = new Prng(seed);
      const io = new MemIo(seed);
      const db = await LsmDb.open({ dir: '/db', io, workers: 0, memtableBytesMax: 4096, compaction: { auto: false, l0FileTrigger: 3 } });
      const model = new Map<number, Row>();
      const open: Array<{ snap: Snapshot; it: Iterator<{ key: Uint8Array; row: Row }>; want: Array<[number, Row]>; at: number; reverse: boolean }> = [];
      const want = (reverse: boolean, lo: number, hi: number): Array<[number, Row]> => {
        const ks = [...model.keys()].filter((k) => k >= lo && k < hi).sort((a, b) => a - b);
        if (reverse) ks.reverse();
        return ks.map((k) => [k, model.get(k)!]);
      };
      const advance = (s: (typeof open)[number], n: number): void => {
        for (let i = 0; i < n && s.at < s.want.length; i++, s.at++) {
          const r = s.it.next();
          expect(r.done).toBe(false);
          expect([keyOf(r.value!.key), r.value!.row]).toEqual(s.want[s.at]);
        }
      };
      for (let step = 0; step < 40; step++) {
        const ops = [];
        for (let i = 0; i < 30; i++) {
          const k = rand.int(600);
          if (rand.int(4) === 0) {
            ops.push({ table: 1, key: key(k), kind: 'del' as const, row: undefined });
            model.delete(k);
          } else {
            const row: Row = [k, `v${step}-${i}`];
            ops.push({ table: 1, key: key(k), kind: 'put' as const, row });
            model.set(k, row);
          }
        }
        // Last op per key wins in write(): the model applied them in order, as write() does.
        await db.write(ops);
        if (rand.int(3) === 0) await db.flush();
        if (rand.int(4) === 0) {
          const reverse = rand.int(2) === 0;
          const lo = rand.int(300);
          const hi = lo + 50 + rand.int(400);
          const snap = db.snapshot();
          const it = db.scan(1, { snapshot: snap, reverse, lower: key(lo), upper: key(hi) });
          open.push({ snap, it, want: want(reverse, lo, hi), at: 0, reverse });
        }
        for (const s of open) advance(s, 1 + rand.int(20));
        if (rand.int(5) === 0) await db.compactNow();
      }
      await db.flush();
      await db.compactNow();
      for (const s of open) {
        advance(s, s.want.length);
        expect(s.it.next().done).toBe(true);
        s.snap.release();
      }
      expect([...db.scan(1)].map((r) => [keyOf(r.key), r.row])).toEqual(want(false, 0, 1e9));
      await db.close();
    }
  });
});
