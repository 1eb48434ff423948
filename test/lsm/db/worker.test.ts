// The default configuration (one worker thread for flush encoding and compaction merges) works
// from the TypeScript sources too, so other folders' tests can open an LsmDb with defaults.
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey } from '../../../lsm/index.js';

describe('LsmDb with the worker pool', () => {
  it('flushes and compacts off the main thread', async () => {
    const io = new MemIo(1);
    const db = await LsmDb.open({ dir: '/db', io, memtableBytesMax: 8192, compaction: { l0FileTrigger: 2 } });
    // Keys in scattered order: flushes overlap, so L0 → L1 is a merge (disjoint flushes would
    // only be moved down).
    for (let i = 0; i < 500; i++) await db.write([{ table: 1, key: encodeKey([{ type: 'int4' }], [(i * 37) % 500]), kind: 'put', row: [i, 'x'.repeat(40)] }]);
    await db.flush();
    await db.compactNow();
    const s = db.stats();
    expect(s.flushes).toBeGreaterThan(1);
    expect(s.compactions).toBeGreaterThan(0);
    expect([...db.scan(1)].length).toBe(500);
    await db.close();
  });
});
