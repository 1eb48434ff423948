// LsmDb's use of the inline flush (lsm/db.ts commitOps, lsm/wal/inline.ts): a transaction's
// commit takes it only while no other snapshot is live; write() never does; walInlineSync false
// turns it off; and a commit acknowledged on it survives a crash (MemIo's crash model).
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, encodeKey } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);

async function openMem(io: MemIo, extra: Partial<Parameters<typeof LsmDb.open>[0]> = {}) {
  return LsmDb.open({ dir: '/db', io, workers: 0, ...extra });
}

async function commitOne(db: LsmDb, n: number): Promise<void> {
  const t = db.begin();
  t.put(1, k(n), [n]);
  await t.commit();
}

describe('LsmDb inline flush', () => {
  it('a lone transaction commits inline; acknowledged commits survive a crash', async () => {
    const io = new MemIo(1, { tornTail: true });
    const db = await openMem(io);
    for (let i = 0; i < 5; i++) await commitOne(db, i);
    expect(db.stats()).toMatchObject({ walCommits: 5, walSyncs: 5, walInlineSyncs: 5 });
    const db2 = await openMem(io.crash());
    for (let i = 0; i < 5; i++) expect(db2.get(1, k(i))).toEqual([i]);
    await db2.close();
  });

  it('not while another transaction (or a statement snapshot) is live', async () => {
    const io = new MemIo(2);
    const db = await openMem(io);
    const other = db.begin(); // another session's open transaction
    await commitOne(db, 1);
    expect(db.stats().walInlineSyncs).toBe(0);
    other.rollback();
    const snap = db.snapshot(); // a statement running elsewhere
    await commitOne(db, 2);
    expect(db.stats().walInlineSyncs).toBe(0);
    snap.release();
    await commitOne(db, 3);
    expect(db.stats()).toMatchObject({ walCommits: 3, walInlineSyncs: 1 });
    await db.close();
  });

  it('concurrent transactions keep group commit (fewer syncs than commits, none inline)', async () => {
    const io = new MemIo(3);
    const db = await openMem(io);
    const txns = Array.from({ length: 20 }, (_, i) => {
      const t = db.begin();
      t.put(1, k(i), [i]);
      return t;
    });
    await Promise.all(txns.map((t) => t.commit()));
    const s = db.stats();
    expect(s.walCommits).toBe(20);
    expect(s.walSyncs).toBeLessThan(20);
    // Each commit saw the others' snapshots live; only the last ones may have found none.
    expect(s.walInlineSyncs).toBeLessThanOrEqual(1);
    await db.close();
  });

  it('write() never commits inline; walInlineSync false turns it off', async () => {
    const io = new MemIo(4);
    const db = await openMem(io);
    await db.write([{ table: 1, key: k(1), kind: 'put', row: [1] }]);
    expect(db.stats()).toMatchObject({ walSyncs: 1, walInlineSyncs: 0 });
    await db.close();
    const off = await openMem(io, { walInlineSync: false });
    await commitOne(off, 2);
    expect(off.stats()).toMatchObject({ walCommits: 1, walSyncs: 1, walInlineSyncs: 0 });
    await off.close();
    await expect(openMem(new MemIo(5), { walInlineSync: 'yes' as unknown as boolean })).rejects.toThrow(/walInlineSync must be a boolean/);
  });

  it('a failed inline sync fails the commit (nothing becomes visible) and the database goes on', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const io = new MemIo(seed, { tornTail: true });
      const db = await openMem(io);
      await commitOne(db, 1);
      io.faults = { ...io.faults, eioOneInN: 1, eioOps: new Set(['sync']) };
      await expect(commitOne(db, 2)).rejects.toMatchObject({ code: '58030' });
      io.faults = { ...io.faults, eioOneInN: 0 };
      expect(db.get(1, k(2))).toBeUndefined();
      await commitOne(db, 3);
      const db2 = await openMem(io.crash());
      expect([1, 2, 3].map((n) => db2.get(1, k(n)))).toEqual([[1], undefined, [3]]);
      await db2.close();
    }
  });
});
