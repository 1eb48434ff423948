// Scans over sources grouped by key range (db/reads.ts): sources whose ranges do not overlap are
// read one after another, a lone segment applies visibility itself (SegmentReader
// iterateVisible), overlapping ones go through the merge. Random workloads mixing ascending bulk
// loads (disjoint sources) with overwrites and deletions (overlapping ones), flushed into many
// level-0 files with compaction off and then compacted, checked against a model at held
// snapshots: full, bounded, reverse scans, and projections (ScanOptions.columns).
import { describe, expect, it } from 'vitest';
import { LsmDb, MemIo, Prng, encodeKey, type Row, type Snapshot } from '../../../lsm/index.js';

const key = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
type Model = Map<number, Row>;

function expected(model: Model, o: { lo?: number; hi?: number; reverse?: boolean; columns?: number[] } = {}): Array<[number, Row]> {
  const keys = [...model.keys()].filter((k) => (o.lo === undefined || k >= o.lo) && (o.hi === undefined || k < o.hi)).sort((a, b) => a - b);
  if (o.reverse) keys.reverse();
  return keys.map((k) => [k, model.get(k)!]);
}

function check(db: LsmDb, model: Model, snap: Snapshot | undefined, rand: Prng): void {
  const s = snap ? { snapshot: snap } : {};
  const got = (o: Parameters<LsmDb['scan']>[1]) => [...db.scan(1, { ...s, ...o })].map((r) => [r.key, r.row] as const);
  const asKeys = (xs: Array<[number, Row]>) => xs.map(([k, row]) => [key(k), row] as const);
  expect(got({})).toEqual(asKeys(expected(model)));
  expect(got({ reverse: true })).toEqual(asKeys(expected(model, { reverse: true })));
  for (let i = 0; i < 3; i++) {
    const lo = rand.int(1200);
    const hi = lo + (1 + rand.int(400 - 1));
    expect(got({ lower: key(lo), upper: key(hi) })).toEqual(asKeys(expected(model, { lo, hi })));
    expect(got({ lower: key(lo), upper: key(hi), reverse: true })).toEqual(asKeys(expected(model, { lo, hi, reverse: true })));
  }
  // A projection: the named cells as stored; the others null where a segment answered (rows
  // from memtables are whole), never anything else.
  for (const columns of [[], [1], [0, 2]]) {
    const rows = got({ columns });
    const want = expected(model);
    expect(rows.map((r) => r[0])).toEqual(want.map(([k]) => key(k)));
    const bad = rows.filter(([, row], i) => {
      const full = want[i]![1];
      return row.length !== full.length || row.some((c, j) => (columns.includes(j) ? c !== full[j] : c !== null && c !== full[j]));
    });
    expect(bad).toEqual([]);
  }
}

describe('scans over key-range groups of sources', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`agree with a model at held snapshots (seed ${seed})`, async () => {
      const rand = new Prng(seed);
      const db = await LsmDb.open({ dir: '/db', io: new MemIo(seed), workers: 0, memtableBytesMax: 8 * 1024, compaction: { auto: false } });
      const model: Model = new Map();
      const held: Array<{ snap: Snapshot; model: Model }> = [];
      let next = 0;
      for (let round = 0; round < 12; round++) {
        const op = rand.int(3);
        if (op === 0) {
          // An ascending load: a source of its own key range.
          const n = (20 + rand.int(150 - 20));
          for (let i = 0; i < n; i += 10) {
            const ops = [];
            for (let j = i; j < Math.min(n, i + 10); j++) {
              const row: Row = [BigInt(next), `v${next}`, next % 3 === 0 ? null : next * 1.5];
              ops.push({ table: 1, key: key(next), kind: 'put' as const, row });
              model.set(next, row);
              next++;
            }
            await db.write(ops);
          }
        } else {
          // Overwrites and deletions of existing keys: overlapping sources, several versions.
          for (let i = 0; i < 30 && next > 0; i++) {
            const k = rand.int(next);
            if (rand.int(4) === 0) {
              await db.write([{ table: 1, key: key(k), kind: 'del', row: undefined }]);
              model.delete(k);
            } else {
              const row: Row = [BigInt(k), `w${k}.${round}`, round];
              await db.write([{ table: 1, key: key(k), kind: 'put', row }]);
              model.set(k, row);
            }
          }
        }
        await db.write([{ table: 2, key: key(round), kind: 'put', row: ['other table'] }]);
        if (rand.int(2) === 0) await db.flush();
        if (rand.int(3) === 0) held.push({ snap: db.snapshot(), model: new Map(model) });
        check(db, model, undefined, rand);
      }
      for (const h of held) check(db, h.model, h.snap, rand);
      await db.flush();
      await db.compactNow();
      check(db, model, undefined, rand);
      for (const h of held) {
        check(db, h.model, h.snap, rand);
        h.snap.release();
      }
      await db.close();
    });
  }

  it('reads a bulk-loaded table without merging and sees its own transaction writes', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(9), workers: 0, memtableBytesMax: 16 * 1024, compaction: { auto: false } });
    for (let i = 0; i < 2000; i += 100) {
      const ops = [];
      for (let j = i; j < i + 100; j++) ops.push({ table: 1, key: key(j), kind: 'put' as const, row: [BigInt(j), 'x'] as Row });
      await db.write(ops);
    }
    await db.flush();
    const t = db.begin({ isolation: 'snapshot' });
    t.put(1, key(5), [5n, 'mine']);
    t.delete(1, key(6));
    t.put(1, key(5000), [5000n, 'new']);
    const rows = [...t.scan(1, { columns: [1] })];
    expect(rows.length).toBe(2000);
    expect(rows[5]!.row).toEqual([5n, 'mine']);
    expect(rows[6]!.row[1]).toBe('x');
    expect(rows[6]!.row[0]).toBe(null);
    expect(rows.at(-1)!.row).toEqual([5000n, 'new']);
    t.rollback();
    await db.close();
  });

  it('a memtable scan stays exact while commits insert around it (leaf splits included)', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(11), workers: 0, compaction: { auto: false } });
    const model: Model = new Map();
    for (let i = 0; i < 3000; i += 2) {
      const row: Row = [BigInt(i), 'old'];
      await db.write([{ table: 1, key: key(i), kind: 'put', row }]);
      model.set(i, row);
    }
    await db.write([{ table: 1, key: key(10), kind: 'del', row: undefined }]);
    model.delete(10);
    const snap = db.snapshot();
    const it = db.scan(1, { snapshot: snap });
    const got: Array<[Uint8Array, Row]> = [];
    const rand = new Prng(5);
    for (let r = it.next(); !r.done; r = it.next()) {
      got.push([r.value.key, r.value.row]);
      if (got.length % 50 === 0) {
        // New keys between the old ones, new versions and deletions of old keys: all newer
        // than the snapshot, so the scan must not see any of them.
        const ops = [];
        for (let j = 0; j < 40; j++) {
          const k = rand.int(3000);
          ops.push(k % 2 === 1 ? { table: 1, key: key(k), kind: 'put' as const, row: [BigInt(k), 'new'] as Row } : { table: 1, key: key(k), kind: 'del' as const, row: undefined });
        }
        await db.write(ops);
      }
    }
    expect(got).toEqual(expected(model).map(([k, row]) => [key(k), row]));
    snap.release();
    await db.close();
  });
});
