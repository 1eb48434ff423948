// LsmDb.beginIngest: sorted rows of an empty table → segment files at the bottom level in one
// manifest edit; duplicate/unsorted keys are refused row by row; abort and crashes before the
// edit leave nothing behind; after the edit everything survives a reopen.
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey, type Row } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
const open = (io: MemIo, extra: Partial<Parameters<typeof LsmDb.open>[0]> = {}) =>
  LsmDb.open({ dir: '/db', io, workers: 0, compaction: { targetFileBytes: 4096 }, ...extra });
const segs = async (io: MemIo) => (await io.list('/db')).filter((n) => n.startsWith('seg-')).sort();

async function ingest(db: LsmDb, table: number, n: number): Promise<number> {
  const ing = db.beginIngest(table);
  for (let i = 0; i < n; i++) {
    expect(ing.add(k(i), [BigInt(i), `row ${i}`.padEnd(40)])).toBe('ok');
    if (ing.full) await ing.drain();
  }
  return (await ing.finish()).files.length;
}

describe('LsmDb.beginIngest', () => {
  it('adds sorted rows as several bottom-level files in one edit; reads, snapshots and reopen see them', async () => {
    const io = new MemIo(1);
    let db = await open(io);
    await db.write([{ table: 1, key: k(1), kind: 'put', row: ['other'] }]);
    const old = db.snapshot();
    const files = await ingest(db, 7, 3000);
    expect(files).toBeGreaterThan(5);
    const levels = db.stats().levelBytes;
    expect(levels.slice(0, -1).every((b) => b === 0)).toBe(true);
    expect(levels.at(-1)).toBeGreaterThan(0);
    // seq 0: visible even to a snapshot taken before the ingest (the table id was unreachable).
    expect(db.get(7, k(2999), old)).toEqual([2999n, 'row 2999'.padEnd(40)]);
    old.release();
    expect([...db.scan(7)].length).toBe(3000);
    expect([...db.scan(7, { lower: k(100), upper: k(110) })].map((r) => r.row[0])).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(100 + i)));
    // Later writes are newer than the ingested rows.
    await db.write([{ table: 7, key: k(5), kind: 'put', row: [5n, 'updated'] }, { table: 7, key: k(6), kind: 'del', row: undefined }]);
    expect(db.get(7, k(5))).toEqual([5n, 'updated']);
    expect(db.get(7, k(6))).toBeUndefined();
    await db.close();
    db = await open(io);
    expect([...db.scan(7)].length).toBe(2999);
    expect(db.get(7, k(5))).toEqual([5n, 'updated']);
    expect(db.get(1, k(1))).toEqual(['other']);
    await db.compactNow();
    expect([...db.scan(7)].length).toBe(2999);
    await db.close();
  });

  it('with a worker pool open: an ingest of many chunks (encoded on the calling thread from column chunks) survives a reopen', async () => {
    const io = new MemIo(5);
    let db = await open(io, { workers: 1 });
    expect(await ingest(db, 7, 4000)).toBeGreaterThan(5);
    expect([...db.scan(7)].map((r) => r.row[0])).toEqual(Array.from({ length: 4000 }, (_, i) => BigInt(i)));
    await db.close();
    db = await open(io);
    expect([...db.scan(7)].length).toBe(4000);
    await db.close();
  });

  it('every ingested key is found by a point get and a bounded scan before any reopen (readers paired with their files)', async () => {
    // Chunks encoded by the worker and inline finish their writes out of order; a reader
    // attached to the wrong file made gets and bounded scans miss rows until a restart.
    // A disk whose segment writes take uneven time: every other one is slow.
    class UnevenIo extends MemIo {
      private writes = 0;
      override async writeFileDurable(path: string, data: Uint8Array): Promise<void> {
        if (path.includes('seg-') && this.writes++ % 2 === 0) await new Promise((r) => setTimeout(r, 30));
        return super.writeFileDurable(path, data);
      }
    }
    const io = new UnevenIo(7);
    const db = await open(io);
    const n = 6000;
    const ing = db.beginIngest(7);
    for (let i = 0; i < n; i++) {
      ing.add(k(i), [BigInt(i), `row ${i}`.padEnd(40)]);
      // drain() returns once the chunk is handed over: up to two chunk writes are in flight.
      if (ing.full) await ing.drain();
    }
    expect((await ing.finish()).files.length).toBeGreaterThan(5);
    const missing: number[] = [];
    for (let i = 0; i < n; i++) if (db.get(7, k(i)) === undefined) missing.push(i);
    expect(missing).toEqual([]);
    for (let lo = 0; lo < n; lo += 997) {
      expect([...db.scan(7, { lower: k(lo), upper: k(lo + 5) })].map((r) => r.row[0])).toEqual(Array.from({ length: 5 }, (_, i) => BigInt(lo + i)));
    }
    await db.close();
  });

  it('refuses duplicate and out-of-order keys without taking the row; abort removes written files', async () => {
    const io = new MemIo(2);
    const db = await open(io);
    const before = await segs(io);
    const ing = db.beginIngest(9);
    for (let i = 0; i < 1000; i++) {
      ing.add(k(i * 2), [BigInt(i)]);
      if (ing.full) await ing.drain();
    }
    expect(ing.add(k(1998), [0n])).toBe('duplicate');
    expect(ing.add(k(5), [0n])).toBe('unsorted');
    expect(ing.add(k(1999), [1n])).toBe('ok');
    await ing.drain();
    expect((await segs(io)).length).toBeGreaterThan(before.length);
    await ing.abort();
    expect(await segs(io)).toEqual(before);
    expect([...db.scan(9)]).toEqual([]);
    expect(() => ing.add(k(3000), [0n])).toThrow(/invariant/);
    await db.close();
  });

  it('refuses a table that holds data (memtable or segments)', async () => {
    const db = await open(new MemIo(3));
    await db.write([{ table: 4, key: k(1), kind: 'put', row: [1n] }]);
    expect(() => db.beginIngest(4)).toThrow(/holds data/);
    await db.flush();
    expect(() => db.beginIngest(4)).toThrow(/holds data/);
    await db.close();
  });

  it('a crash before the manifest edit leaves neither rows nor files; after it, all rows', async () => {
    const io = new MemIo(4);
    const db = await open(io);
    await db.write([{ table: 1, key: k(1), kind: 'put', row: ['kept'] }]);
    await db.flush();
    const before = await segs(io);
    const ing = db.beginIngest(8);
    for (let i = 0; i < 2000; i++) {
      ing.add(k(i), [BigInt(i), 'x'.repeat(20)]);
      if (ing.full) await ing.drain();
    }
    await ing.drain();
    const io2 = io.crash();
    db.abandon();
    const db2 = await open(io2);
    expect([...db2.scan(8)]).toEqual([]);
    expect(db2.get(1, k(1))).toEqual(['kept']);
    expect(await segs(io2)).toEqual(before);
    expect(await ingest(db2, 8, 2000)).toBeGreaterThan(1);
    const io3 = io2.crash();
    db2.abandon();
    const db3 = await open(io3);
    const rows: Row[] = [...db3.scan(8)].map((r) => r.row);
    expect(rows.length).toBe(2000);
    expect(rows[1999]).toEqual([1999n, 'row 1999'.padEnd(40)]);
    await db3.close();
  });
});
