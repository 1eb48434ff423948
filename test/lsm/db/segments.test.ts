import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey } from '../../../lsm/index.js';

describe('segment reader cache', () => {
  it('stays within its byte budget and reloads evicted segments on demand', async () => {
    const k = (n: number) => encodeKey([{ type: 'int4' }], [n]);
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(1), workers: 0, memtableBytesMax: 2048, segmentCacheBytesMax: 6000, compaction: { auto: false } });
    for (let i = 0; i < 200; i++) await db.write([{ table: 1, key: k(i), kind: 'put', row: ['v'.repeat(30), i] }]);
    await db.flush();
    const files = db.stats().segmentFiles;
    expect(files).toBeGreaterThan(5);
    for (let r = 0; r < 2; r++) for (let i = 0; i < 200; i++) expect(db.get(1, k(i))).toEqual(['v'.repeat(30), i]);
    const s = db.stats();
    expect(s.segmentCacheMisses).toBeGreaterThan(files); // evictions forced reloads
    expect(s.segmentCacheBytes).toBeLessThanOrEqual(6000);
    await db.close();
  });
});
