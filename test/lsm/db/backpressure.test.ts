// Write backpressure: the admission rules (stop / slow / go) and their effect on LsmDb commits:
// level-0 slowdowns are counted and delay commits once, level-0 triggers are ignored when
// compaction does not run by itself, and a level-0 stop never deadlocks writers.
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey } from '../../../lsm/index.js';
import { admission, BACKPRESSURE_DEFAULTS, type WriteState } from '../../../lsm/db/backpressure.js';

const k = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
const base: WriteState = { immutableMemtables: 0, immutableMemtablesMax: 2, memtableBytes: 0, memtableBytesMax: 1000, l0Files: 0, autoCompaction: true };

describe('admission', () => {
  it('stops at the sealed-memtable limit and the level-0 stop trigger, slows down before both', () => {
    const b = BACKPRESSURE_DEFAULTS;
    expect(admission(base, b)).toBe('go');
    expect(admission({ ...base, immutableMemtables: 2 }, b)).toBe('stop');
    expect(admission({ ...base, immutableMemtables: 1, memtableBytes: 749 }, b)).toBe('go');
    expect(admission({ ...base, immutableMemtables: 1, memtableBytes: 750 }, b)).toBe('slow');
    expect(admission({ ...base, memtableBytes: 999 }, b)).toBe('go');
    expect(admission({ ...base, l0Files: 7 }, b)).toBe('go');
    expect(admission({ ...base, l0Files: 8 }, b)).toBe('slow');
    expect(admission({ ...base, l0Files: 12 }, b)).toBe('stop');
    expect(admission({ ...base, l0Files: 50, autoCompaction: false }, b)).toBe('go');
    expect(admission({ ...base, l0Files: 50, autoCompaction: false, immutableMemtables: 2 }, b)).toBe('stop');
  });
});

async function writeMany(db: LsmDb, n: number): Promise<void> {
  // Scattered keys (37 is prime to every n used here): flushes overlap, so compactions merge.
  for (let i = 0; i < n; i++) await db.write([{ table: 1, key: k((i * 37) % n), kind: 'put', row: [BigInt(i), 'x'.repeat(200)] }]);
}

describe('LsmDb backpressure', () => {
  it('counts slowdowns once level 0 reaches its slowdown trigger; the data is intact', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(1), workers: 0, memtableBytesMax: 8 * 1024, compaction: { l0FileTrigger: 1000, l0SlowdownTrigger: 2, l0StopTrigger: 1000 } });
    await writeMany(db, 400);
    await db.flush();
    const st = db.stats();
    expect(st.levelBytes[0]).toBeGreaterThan(0);
    expect(st.writeSlowdowns).toBeGreaterThan(0);
    expect(st.writeStalls).toBe(0);
    expect([...db.scan(1)].length).toBe(400);
    await db.close();
  });

  it('ignores level-0 triggers when compaction does not run by itself', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(2), workers: 0, memtableBytesMax: 8 * 1024, compaction: { auto: false, l0SlowdownTrigger: 1, l0StopTrigger: 2 } });
    await writeMany(db, 400);
    await db.flush();
    expect(db.stats().writeSlowdowns).toBe(0);
    expect(db.stats().writeStalls).toBe(0);
    await db.close();
  });

  it('a level-0 stop waits for compaction and never deadlocks', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(3), workers: 0, memtableBytesMax: 8 * 1024, compaction: { l0FileTrigger: 2, l0SlowdownTrigger: 2, l0StopTrigger: 3 } });
    await writeMany(db, 1500);
    await db.flush();
    await db.compactNow();
    expect([...db.scan(1)].length).toBe(1500);
    expect(db.stats().compactions).toBeGreaterThan(0);
    await db.close();
  });
});
