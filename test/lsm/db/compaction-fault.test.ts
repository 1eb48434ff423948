// A manifest fsync that fails during a compaction's swap may still have made the edit durable
// (MemIo flips a coin, as a real disk may). The database must then reopen with every file the
// manifest lists present, and with all data.
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int4' }], [n]);

describe('compaction swap with a failing manifest fsync', () => {
  it('reopens with all data whatever the fsync did', async () => {
    for (let seed = 0; seed < 16; seed++) {
      const io = new MemIo(seed);
      const db = await LsmDb.open({ dir: '/db', io, workers: 0, memtableBytesMax: 1024, compaction: { auto: false, l0FileTrigger: 2 } });
      for (let i = 0; i < 100; i++) await db.write([{ table: 1, key: k(i), kind: 'put', row: [i] }]);
      await db.flush();
      io.faults = { ...io.faults, eioOneInN: 1, eioOps: new Set(['sync']) };
      await expect(db.compactNow()).rejects.toThrow();
      db.abandon();
      const db2 = await LsmDb.open({ dir: '/db', io: io.crash(), workers: 0 });
      const rows = [...db2.scan(1)].map((r) => r.row[0]);
      expect(rows).toEqual([...Array(100).keys()]);
      await db2.close();
    }
  });
});
