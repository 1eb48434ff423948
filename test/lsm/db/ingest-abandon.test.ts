// TableIngest.abandon (COPY's fallback when keys stop ascending: every row taken so far comes
// back, in key order, from the written files and the chunk in memory) and
// LsmDb.ingestedOnlyTables (what the catalog's open-time sweep may drop), including across
// crashes of the fault-injecting MemIo at each step of an ingest.
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
const open = (io: MemIo, extra: Partial<Parameters<typeof LsmDb.open>[0]> = {}) =>
  LsmDb.open({ dir: '/db', io, workers: 0, compaction: { targetFileBytes: 4096 }, ...extra });
const segs = async (io: MemIo) => (await io.list('/db')).filter((n) => n.startsWith('seg-')).sort();

describe('TableIngest.abandon', () => {
  it('gives back every row added (files in key order, then the chunk), and abort then removes the files', async () => {
    for (const workers of [0, 1]) {
      const io = new MemIo(11);
      const db = await open(io, { workers });
      const before = await segs(io);
      const ing = db.beginIngest(9);
      const n = 2500;
      for (let i = 0; i < n; i++) {
        expect(ing.add(k(i * 3), [BigInt(i), `r${i}`.padEnd(30)])).toBe('ok');
        if (ing.full) await ing.drain();
      }
      // The last rows are still in the chunk: the row that breaks the order is not taken.
      expect(ing.add(k(1), [0n])).toBe('unsorted');
      expect((await segs(io)).length).toBeGreaterThan(before.length + 2);
      const back = [...(await ing.abandon())];
      expect(back.map((r) => r.row[0])).toEqual(Array.from({ length: n }, (_, i) => BigInt(i)));
      expect(back.every((r, i) => Buffer.compare(r.key, k(i * 3)) === 0)).toBe(true);
      expect(() => ing.add(k(99_999), [0n])).toThrow(/invariant/);
      await ing.abort();
      expect(await segs(io)).toEqual(before);
      expect([...db.scan(9)]).toEqual([]);
      // Nothing of the table is left: it can be ingested again.
      const again = db.beginIngest(9);
      again.add(k(1), [1n]);
      await again.finish();
      expect([...db.scan(9)].length).toBe(1);
      await db.close();
    }
  });

  it('gives back rows of an ingest that never drained (chunk only)', async () => {
    const db = await open(new MemIo(12));
    const ing = db.beginIngest(3);
    ing.add(k(1), [1n]);
    ing.add(k(2), [2n]);
    expect([...(await ing.abandon())].map((r) => r.row)).toEqual([[1n], [2n]]);
    await ing.abort();
    await db.close();
  });
});

describe('LsmDb.ingestedOnlyTables', () => {
  it('lists tables whose versions all come from ingests, across a crash after the manifest edit', async () => {
    const io = new MemIo(13);
    const db = await open(io);
    // Written the ordinary way (memtable, then a flushed segment): never listed.
    await db.write([{ table: 5, key: k(1), kind: 'put', row: [1n] }]);
    await db.write([{ table: 6, key: k(1), kind: 'put', row: [1n] }]);
    await db.flush();
    for (const t of [20_001, 20_002]) {
      const ing = db.beginIngest(t);
      for (let i = 0; i < 500; i++) {
        ing.add(k(i), [BigInt(i), 'x'.repeat(30)]);
        if (ing.full) await ing.drain();
      }
      await ing.finish();
    }
    expect(db.ingestedOnlyTables().sort()).toEqual([20_001, 20_002]);
    // A later write to an ingested table makes it an ordinary one (memtable, then segment).
    await db.write([{ table: 20_002, key: k(1000), kind: 'put', row: [0n] }]);
    expect(db.ingestedOnlyTables()).toEqual([20_001]);
    await db.flush();
    expect(db.ingestedOnlyTables()).toEqual([20_001]);
    // A crash after the edit: the ingested table is still there and still listed.
    const io2 = io.crash();
    db.abandon();
    const db2 = await open(io2);
    expect(db2.ingestedOnlyTables()).toEqual([20_001]);
    expect([...db2.scan(20_001)].length).toBe(500);
    // What the catalog's sweep does with an unreachable one: drop it; the files go.
    const before = (await segs(io2)).length;
    await db2.dropTable(20_001);
    expect([...db2.scan(20_001)]).toEqual([]);
    expect(db2.ingestedOnlyTables()).toEqual([]);
    expect((await segs(io2)).length).toBeLessThan(before);
    await db2.close();
  });

  it('a crash while files are written but before the edit leaves nothing listed and no file', async () => {
    const io = new MemIo(14);
    const db = await open(io);
    const before = await segs(io);
    const ing = db.beginIngest(20_003);
    for (let i = 0; i < 1500; i++) {
      ing.add(k(i), [BigInt(i), 'y'.repeat(30)]);
      if (ing.full) await ing.drain();
    }
    await ing.drain();
    const io2 = io.crash();
    db.abandon();
    const db2 = await open(io2);
    expect(db2.ingestedOnlyTables()).toEqual([]);
    expect(await segs(io2)).toEqual(before);
    await db2.close();
  });
});
