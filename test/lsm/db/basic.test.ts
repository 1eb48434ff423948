import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey, type Row } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);

async function openMem(io: MemIo, extra: Partial<Parameters<typeof LsmDb.open>[0]> = {}) {
  return LsmDb.open({ dir: '/db', io, workers: 0, ...extra });
}

describe('LsmDb basics', () => {
  it('put/get/delete/scan, forward and reverse, across flushes and reopen', async () => {
    const io = new MemIo(1);
    let db = await openMem(io, { memtableBytesMax: 4096 });
    const model = new Map<number, Row>();
    for (let i = 0; i < 300; i++) {
      const row: Row = [i, `v${i}`, BigInt(i) * 3n];
      await db.write([{ table: 1, key: k(i), kind: 'put', row }]);
      model.set(i, row);
    }
    for (let i = 0; i < 300; i += 7) {
      await db.write([{ table: 1, key: k(i), kind: 'del', row: undefined }]);
      model.delete(i);
    }
    await db.write([{ table: 2, key: k(5), kind: 'put', row: ['other table'] }]);
    const check = (d: LsmDb) => {
      for (let i = 0; i < 300; i++) expect(d.get(1, k(i))).toEqual(model.get(i));
      const keys = [...model.keys()].sort((a, b) => a - b);
      expect([...d.scan(1)].map((r) => r.row[0])).toEqual(keys);
      expect([...d.scan(1, { reverse: true })].map((r) => r.row[0])).toEqual([...keys].reverse());
      expect([...d.scan(1, { lower: k(10), upper: k(20) })].map((r) => r.row[0])).toEqual(keys.filter((x) => x >= 10 && x < 20));
      expect([...d.scan(1, { lower: k(10), upper: k(20), lowerInclusive: false, upperInclusive: true, reverse: true })].map((r) => r.row[0])).toEqual(keys.filter((x) => x > 10 && x <= 20).reverse());
      expect([...d.scan(2)].map((r) => r.row)).toEqual([['other table']]);
    };
    check(db);
    expect(db.stats().flushes).toBeGreaterThan(0);
    await db.flush();
    check(db);
    await db.close();
    db = await openMem(io);
    check(db);
    await db.compactNow();
    check(db);
    await db.close();
    db = await openMem(io.crash());
    check(db);
    await db.close();
  });

  it('snapshots see a frozen view; the latest view moves on', async () => {
    const db = await openMem(new MemIo(2), { memtableBytesMax: 2048 });
    await db.write([{ table: 1, key: k(1), kind: 'put', row: ['a'] }]);
    const s = db.snapshot();
    await db.write([{ table: 1, key: k(1), kind: 'put', row: ['b'] }, { table: 1, key: k(2), kind: 'put', row: ['new'] }]);
    for (let i = 10; i < 100; i++) await db.write([{ table: 1, key: k(i), kind: 'put', row: ['x'.repeat(50)] }]);
    await db.flush();
    await db.compactNow();
    expect(db.get(1, k(1), s)).toEqual(['a']);
    expect(db.get(1, k(2), s)).toBeUndefined();
    expect([...db.scan(1, { snapshot: s })].length).toBe(1);
    expect(db.get(1, k(1))).toEqual(['b']);
    s.release();
    await db.close();
  });

  it('refuses values larger than valueBytesMax with 54000 and keeps working', async () => {
    const db = await openMem(new MemIo(3), { valueBytesMax: 100 });
    await expect(db.write([{ table: 1, key: k(1), kind: 'put', row: ['x'.repeat(200)] }])).rejects.toMatchObject({ code: '54000', message: expect.stringMatching(/row is too big/) });
    await db.write([{ table: 1, key: k(1), kind: 'put', row: ['ok'] }]);
    expect(db.get(1, k(1))).toEqual(['ok']);
    await db.close();
  });

  it('dropTable deletes every row atomically; approximateStats counts', async () => {
    const db = await openMem(new MemIo(4), { memtableBytesMax: 2048 });
    for (let i = 0; i < 50; i++) await db.write([{ table: 3, key: k(i), kind: 'put', row: [i] }]);
    await db.write([{ table: 4, key: k(1), kind: 'put', row: [1] }]);
    expect(db.approximateStats(3).rows).toBeGreaterThanOrEqual(50);
    await db.dropTable(3);
    expect([...db.scan(3)]).toEqual([]);
    expect(db.get(4, k(1))).toEqual([1]);
    await db.close();
  });

  it('scanPrefix returns exactly the keys under a prefix', async () => {
    const db = await openMem(new MemIo(5));
    const schema = [{ type: 'text' as const }, { type: 'int4' as const }];
    for (const [a, b] of [['a', 1], ['a', 2], ['ab', 1], ['b', 0]] as const) {
      await db.write([{ table: 1, key: encodeKey(schema, [a, b]), kind: 'put', row: [a, b] }]);
    }
    const { encodeKeyPrefix } = await import('../../../lsm/index.js');
    expect([...db.scanPrefix(1, encodeKeyPrefix(schema, ['a']))].map((r) => r.row)).toEqual([['a', 1], ['a', 2]]);
    await db.close();
  });
});

describe('scans opened before a compaction', () => {
  it('see the state at creation even if compaction runs before the first next()', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(9), workers: 0, memtableBytesMax: 1024, compaction: { auto: false, l0FileTrigger: 1 } });
    for (let i = 0; i < 20; i++) await db.write([{ table: 1, key: k(i), kind: 'put', row: ['old'] }]);
    await db.flush();
    const it = db.scan(1); // unregistered: reads at the current seq
    for (let i = 0; i < 20; i++) await db.write([{ table: 1, key: k(i), kind: 'put', row: ['new'] }]);
    await db.flush();
    await db.compactNow(); // drops the 'old' versions: no snapshot holds them
    expect([...it].map((r) => r.row[0])).toEqual(Array(20).fill('old'));
    await db.close();
  });
});

describe('point gets over many non-overlapping files', () => {
  it('find every key of every table after compaction into small files', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(11), workers: 0, memtableBytesMax: 2048, compaction: { l0FileTrigger: 2, l1BytesMax: 4096, targetFileBytes: 1024 } });
    for (let i = 0; i < 400; i++) await db.write([1, 2, 3].map((t) => ({ table: t, key: k(i * 3 + t), kind: 'put' as const, row: [t, i] })));
    await db.flush();
    await db.compactNow();
    const s = db.stats();
    expect(s.segmentFiles).toBeGreaterThan(10);
    expect(s.levelBytes.slice(1).some((b) => b > 0)).toBe(true);
    for (let i = 0; i < 400; i++) {
      for (const t of [1, 2, 3]) {
        expect(db.get(t, k(i * 3 + t))).toEqual([t, i]);
        expect(db.get(t, k(i * 3 + ((t % 3) + 1)))).toBeUndefined();
      }
    }
    expect(db.get(4, k(1))).toBeUndefined();
    await db.close();
  });
});

describe('write() input handling', () => {
  it('copies keys and rows; rejects cells the segments cannot hold', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(12), workers: 0 });
    const key = k(1);
    const row: Row[number][] = ['a'];
    await db.write([{ table: 1, key, kind: 'put', row }]);
    key[key.length - 1] = 99;
    row[0] = 'mutated';
    expect(db.get(1, k(1))).toEqual(['a']);
    await expect(db.write([{ table: 1, key: k(2), kind: 'put', row: [2n ** 64n] }])).rejects.toThrow(/outside int64/);
    await expect(db.write([{ table: 1, key: k(2), kind: 'put', row: [{} as never] }])).rejects.toThrow(/unsupported cell/);
    await db.close();
  });
});

describe('options', () => {
  it('refuses nonsense limits', async () => {
    await expect(LsmDb.open({ dir: '/db', io: new MemIo(1), memtableBytesMax: 0 })).rejects.toThrow(/memtableBytesMax must be a positive number/);
    await expect(LsmDb.open({ dir: '/db', io: new MemIo(1), syncMode: 'sometimes' as never })).rejects.toThrow(/syncMode/);
  });
});

describe('automatic compaction', () => {
  it('runs in the background after flushes push L0 past its trigger', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(13), workers: 0, memtableBytesMax: 2048, compaction: { l0FileTrigger: 3, bytesPerSec: 0 } });
    for (let i = 0; i < 300; i++) await db.write([{ table: 1, key: k(i % 100), kind: 'put', row: [i, 'x'.repeat(20)] }]);
    await db.flush();
    for (let t = 0; t < 200 && db.stats().compactions === 0; t++) await new Promise((r) => setTimeout(r, 10));
    expect(db.stats().compactions).toBeGreaterThan(0);
    expect(db.stats().levelBytes[0]! < db.stats().segmentBytes).toBe(true);
    for (let i = 0; i < 100; i++) expect(db.get(1, k(i))?.[0]).toBe(200 + i);
    await db.close();
  });
});
