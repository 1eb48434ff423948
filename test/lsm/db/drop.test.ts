// LsmDb.dropTable: whole files removed in one edit (no tombstone per row), memtable rows
// tombstoned or flushed first, snapshots older than the drop keep their rows until released,
// other tables untouched, the drop survives a reopen and never races a compaction.
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
const open = (io: MemIo, extra: Partial<Parameters<typeof LsmDb.open>[0]> = {}) => LsmDb.open({ dir: '/db', io, workers: 0, ...extra });

async function fill(db: LsmDb, table: number, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i += 100) {
    const ops = [];
    for (let j = i; j < Math.min(from + n, i + 100); j++) ops.push({ table, key: k(j), kind: 'put' as const, row: [BigInt(j), 'v'.repeat(30)] });
    await db.write(ops);
  }
}

describe('LsmDb.dropTable', () => {
  it('removes segment files whole and tombstones the few rows still in the memtable', async () => {
    const io = new MemIo(1);
    let db = await open(io, { memtableBytesMax: 64 * 1024 });
    await fill(db, 3, 0, 3000);
    await fill(db, 4, 0, 50);
    await db.flush();
    await fill(db, 3, 3000, 20); // still in the memtable
    const walBefore = db.stats().walBytes;
    await db.dropTable(3);
    expect([...db.scan(3)]).toEqual([]);
    expect(db.get(3, k(10))).toBeUndefined();
    expect(db.get(3, k(3010))).toBeUndefined();
    expect(db.approximateStats(3).bytes).toBeLessThan(4096); // only the 20 tombstoned memtable rows
    // 20 tombstones were logged, not 3 020.
    expect(db.stats().walBytes - walBefore).toBeLessThan(3000);
    expect([...db.scan(4)].length).toBe(50);
    await db.close();
    db = await open(io);
    expect([...db.scan(3)]).toEqual([]);
    expect([...db.scan(4)].length).toBe(50);
    await db.close();
  });

  it('flushes a large memtable share of the table first, then drops its files', async () => {
    const io = new MemIo(2);
    const db = await open(io, { memtableBytesMax: 64 * 1024 * 1024 });
    await fill(db, 5, 0, 12_000);
    await fill(db, 6, 0, 10);
    const walBefore = db.stats().walBytes;
    await db.dropTable(5);
    expect(db.stats().walBytes).toBe(walBefore);
    expect([...db.scan(5)]).toEqual([]);
    expect(db.approximateStats(5).rows).toBe(0);
    expect([...db.scan(6)].length).toBe(10);
    await db.close();
  });

  it('waits for snapshots older than the drop: they keep reading the rows until released', async () => {
    const io = new MemIo(3);
    const db = await open(io);
    await fill(db, 3, 0, 500);
    await db.flush();
    const old = db.snapshot();
    let done = false;
    const drop = db.dropTable(3).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 60));
    expect(done).toBe(false);
    expect([...db.scan(3, { snapshot: old })].length).toBe(500);
    old.release();
    await drop;
    expect([...db.scan(3)]).toEqual([]);
    await db.close();
  });

  it('does not race a compaction of the same table', async () => {
    const io = new MemIo(4);
    const db = await open(io, { memtableBytesMax: 16 * 1024, compaction: { l0FileTrigger: 2 } });
    await fill(db, 3, 0, 4000);
    await fill(db, 9, 0, 100);
    const compacting = db.compactNow();
    await db.dropTable(3);
    await compacting;
    await db.compactNow();
    expect([...db.scan(3)]).toEqual([]);
    expect([...db.scan(9)].length).toBe(100);
    expect(db.failure).toBeUndefined();
    await db.close();
  });
});
