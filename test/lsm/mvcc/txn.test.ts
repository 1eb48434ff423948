// Snapshot-isolation anomalies that must not happen, read-your-own-writes, READ COMMITTED with
// row locks, deadlock detection and lock wait timeouts, against the real LsmDb on MemIo.
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, Txn, encodeKey, LsmError } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int4' }], [n]);
const open = () => LsmDb.open({ dir: '/db', io: new MemIo(1), workers: 0 });

describe('transactions', () => {
  it('read-your-own-writes, rollback leaves nothing, commit is atomic', async () => {
    const db = await open();
    await db.write([{ table: 1, key: k(1), kind: 'put', row: [10] }]);
    const t = db.begin();
    t.put(1, k(2), [20]);
    t.delete(1, k(1));
    expect(t.get(1, k(2))).toEqual([20]);
    expect(t.get(1, k(1))).toBeUndefined();
    expect([...t.scan(1)].map((r) => r.row)).toEqual([[20]]);
    expect(db.get(1, k(2))).toBeUndefined(); // not visible outside before commit (no dirty read)
    t.rollback();
    expect(db.get(1, k(1))).toEqual([10]);
    expect(() => t.get(1, k(1))).toThrow(LsmError);
    const t2 = db.begin();
    t2.put(1, k(3), [30]);
    t2.put(2, k(3), [31]);
    const seq = await t2.commit();
    expect(typeof seq).toBe('bigint');
    expect(db.get(1, k(3))).toEqual([30]);
    expect(db.get(2, k(3))).toEqual([31]);
    await db.close();
  });

  it('scan merges own writes with the snapshot in both directions', async () => {
    const db = await open();
    for (const i of [1, 3, 5, 7]) await db.write([{ table: 1, key: k(i), kind: 'put', row: [i] }]);
    const t = db.begin();
    t.put(1, k(4), [4]);
    t.put(1, k(5), [50]);
    t.delete(1, k(3));
    t.put(1, k(9), [9]);
    expect([...t.scan(1)].map((r) => r.row[0])).toEqual([1, 4, 50, 7, 9]);
    expect([...t.scan(1, { reverse: true })].map((r) => r.row[0])).toEqual([9, 7, 50, 4, 1]);
    expect([...t.scan(1, { lower: k(4), upper: k(7) })].map((r) => r.row[0])).toEqual([4, 50]);
    t.rollback();
    await db.close();
  });

  it('no dirty read: uncommitted writes of another transaction are invisible', async () => {
    const db = await open();
    const a = db.begin();
    a.put(1, k(1), ['dirty']);
    const b = db.begin();
    expect(b.get(1, k(1))).toBeUndefined();
    a.rollback();
    b.rollback();
    await db.close();
  });

  it('no non-repeatable read under a snapshot', async () => {
    const db = await open();
    await db.write([{ table: 1, key: k(1), kind: 'put', row: ['v1'] }]);
    const reader = db.begin({ isolation: 'snapshot' });
    expect(reader.get(1, k(1))).toEqual(['v1']);
    const writer = db.begin();
    writer.put(1, k(1), ['v2']);
    writer.put(1, k(2), ['phantom']);
    await writer.commit();
    await db.flush(); // even after the versions moved to a segment
    await db.compactNow();
    expect(reader.get(1, k(1))).toEqual(['v1']);
    expect([...reader.scan(1)].map((r) => r.row)).toEqual([['v1']]);
    await reader.commit();
    expect(db.get(1, k(1))).toEqual(['v2']);
    await db.close();
  });

  it('no lost update under snapshot isolation: first committer wins, second gets 40001', async () => {
    const db = await open();
    await db.write([{ table: 1, key: k(1), kind: 'put', row: [100] }]);
    const a = db.begin();
    const b = db.begin();
    a.put(1, k(1), [(a.get(1, k(1))![0] as number) + 1]);
    b.put(1, k(1), [(b.get(1, k(1))![0] as number) + 1]);
    await a.commit();
    await expect(b.commit()).rejects.toMatchObject({ code: '40001', message: 'could not serialize access due to concurrent update' });
    expect(db.get(1, k(1))).toEqual([101]);
    await db.close();
  });

  it('concurrent commits racing through group commit: exactly one wins per key', async () => {
    const db = await open();
    await db.write([{ table: 1, key: k(1), kind: 'put', row: [0] }]);
    const txns = Array.from({ length: 10 }, () => db.begin());
    for (const t of txns) t.put(1, k(1), [(t.get(1, k(1))![0] as number) + 1]);
    const results = await Promise.allSettled(txns.map((t) => t.commit()));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as LsmError).code).toBe('40001');
    expect(db.get(1, k(1))).toEqual([1]);
    await db.close();
  });

  it('READ COMMITTED: lock, wait for the holder, re-check the latest committed row (no lost update)', async () => {
    const db = await open();
    await db.write([{ table: 1, key: k(1), kind: 'put', row: [0] }]);
    const increment = async () => {
      const t = db.begin({ isolation: 'read-committed' });
      t.setSnapshot();
      await t.lockRow(1, k(1), { timeoutMs: 5000 });
      const cur = t.getLatestCommitted(1, k(1))!;
      await new Promise((r) => setTimeout(r, 2));
      t.put(1, k(1), [(cur.row[0] as number) + 1]);
      await t.commit();
    };
    await Promise.all(Array.from({ length: 20 }, increment));
    expect(db.get(1, k(1))).toEqual([20]);
    expect(db.stats().heldLocks).toBe(0);
    await db.close();
  });

  it('deadlock: the transaction closing the cycle gets 40P01; the other proceeds', async () => {
    const db = await open();
    const a = db.begin({ isolation: 'read-committed' });
    const b = db.begin({ isolation: 'read-committed' });
    await a.lockRow(1, k(1));
    await b.lockRow(1, k(2));
    const aWaits = a.lockRow(1, k(2));
    await expect(b.lockRow(1, k(1))).rejects.toMatchObject({ code: '40P01', message: 'deadlock detected' });
    b.rollback();
    await aWaits;
    await a.commit();
    expect(db.stats().heldLocks).toBe(0);
    await db.close();
  });

  it('deadlock through three transactions', async () => {
    const db = await open();
    const [a, b, c] = [db.begin(), db.begin(), db.begin()];
    await a.lockRow(1, k(1));
    await b.lockRow(1, k(2));
    await c.lockRow(1, k(3));
    const pa = a.lockRow(1, k(2));
    const pb = b.lockRow(1, k(3));
    await expect(c.lockRow(1, k(1))).rejects.toMatchObject({ code: '40P01' });
    c.rollback();
    await pb;
    b.rollback();
    await pa;
    a.rollback();
    await db.close();
  });

  it('lock wait timeout (55P03) and NOWAIT; rollback while waiting releases the waiter', async () => {
    const db = await open();
    const a = db.begin();
    const b = db.begin();
    await a.lockRow(1, k(1));
    await expect(b.lockRow(1, k(1), { timeoutMs: 30 })).rejects.toMatchObject({ code: '55P03', message: 'canceling statement due to lock timeout' });
    await expect(b.lockRow(1, k(1), { nowait: true })).rejects.toMatchObject({ code: '55P03', message: 'could not obtain lock on row' });
    const waiting = b.lockRow(1, k(1));
    b.rollback();
    await expect(waiting).rejects.toMatchObject({ code: '25P02' });
    a.rollback();
    const c = db.begin();
    await c.lockRow(1, k(1), { nowait: true });
    c.rollback();
    await db.close();
  });

  it('read-only transaction commits without a WAL record; finished transactions refuse use', async () => {
    const db = await open();
    const t = db.begin();
    expect(await t.commit()).toBeUndefined();
    expect(db.stats().walCommits).toBe(0);
    await expect(t.commit()).rejects.toMatchObject({ code: '25P02' });
    await db.close();
  });
});

describe('transaction scans are cursors', () => {
  it('a scan keeps the snapshot it was opened with, across setSnapshot and compaction', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(3), workers: 0, memtableBytesMax: 1024, compaction: { auto: false, l0FileTrigger: 1 } });
    for (let i = 0; i < 10; i++) await db.write([{ table: 1, key: k(i), kind: 'put', row: ['old'] }]);
    const t = db.begin({ isolation: 'read-committed' });
    t.setSnapshot();
    const cursor = t.scan(1);
    for (let i = 0; i < 10; i++) await db.write([{ table: 1, key: k(i), kind: 'put', row: ['new'] }]);
    t.setSnapshot(); // next statement
    await db.flush();
    await db.compactNow();
    expect([...cursor].map((r) => r.row[0])).toEqual(Array(10).fill('old'));
    expect([...t.scan(1)].map((r) => r.row[0])).toEqual(Array(10).fill('new'));
    t.rollback();
    await db.close();
  });
});

describe('latestCommittedSeq', () => {
  it('sees a concurrent delete newer than the snapshot (early 40001 under REPEATABLE READ)', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(4), workers: 0 });
    await db.write([{ table: 1, key: k(1), kind: 'put', row: [1] }]);
    const t = db.begin({ isolation: 'snapshot' });
    expect(t.latestCommittedSeq(1, k(1))! <= t.snapshotSeq).toBe(true);
    await db.write([{ table: 1, key: k(1), kind: 'del', row: undefined }]);
    expect(t.getLatestCommitted(1, k(1))).toBeUndefined();
    expect(t.latestCommittedSeq(1, k(1))! > t.snapshotSeq).toBe(true);
    expect(t.latestCommittedSeq(1, k(2))).toBeUndefined();
    t.rollback();
    await db.close();
  });

  it('bulk path: putOwned and tryLockRow behave as put and lockRow', async () => {
    const db = await LsmDb.open({ dir: '/db', io: new MemIo(1), workers: 0, txnBytesMax: 4096 });
    const a = db.begin({ isolation: 'read-committed' });
    const b = db.begin({ isolation: 'read-committed' });
    const k1 = Txn.keyOf(1, k(1));
    expect(k1).toBe(Txn.keyOf(1, k(1)));
    expect(k1).not.toBe(Txn.keyOf(2, k(1)));
    expect(a.tryLockRow(k1)).toBe(true);
    expect(a.tryLockRow(k1)).toBe(true); // already ours
    expect(b.tryLockRow(k1)).toBe(false); // held by a: b must wait through lockRow
    let bGot = false;
    const bWait = b.lockRow(1, k(1)).then(() => (bGot = true));
    expect(a.wrote(k1)).toBe(false);
    a.putOwned(1, k(1), [1, 'x'], k1);
    expect(a.wrote(k1)).toBe(true);
    expect(a.ownRow(k1)).toEqual([1, 'x']);
    expect(a.get(1, k(1))).toEqual([1, 'x']);
    a.delete(1, k(1));
    expect(a.wrote(k1)).toBe(true);
    expect(a.ownRow(k1)).toBeUndefined();
    a.putOwned(1, k(1), [2, 'y'], k1);
    // The write-set byte limit still applies to owned rows.
    expect(() => a.putOwned(1, k(2), ['z'.repeat(4096)], Txn.keyOf(1, k(2)))).toThrow(expect.objectContaining({ code: '54000' }));
    await Promise.resolve();
    expect(bGot).toBe(false);
    await a.commit();
    await bWait;
    expect(bGot).toBe(true);
    expect(b.getLatestCommitted(1, k(1))?.row).toEqual([2, 'y']);
    b.rollback();
    // Released at b's end: a third transaction locks at once.
    const c = db.begin({ isolation: 'read-committed' });
    expect(c.tryLockRow(k1)).toBe(true);
    c.rollback();
    await db.close();
  });

  it('insertIfAbsent: busy / exists / inserted; its locks are released at commit and at rollback', async () => {
    const db = await open();
    await db.write([{ table: 1, key: k(9), kind: 'put', row: [9] }]);
    const a = db.begin({ isolation: 'read-committed' });
    const b = db.begin({ isolation: 'read-committed' });
    const key = (n: number) => Txn.keyOf(1, k(n));
    expect(a.insertIfAbsent(1, k(1), [1], key(1))).toBe('inserted');
    expect(a.insertIfAbsent(1, k(1), [1], key(1))).toBe('exists'); // own row
    expect(a.insertIfAbsent(1, k(9), [9], key(9))).toBe('exists'); // committed row; lock kept
    expect(b.insertIfAbsent(1, k(1), [2], key(1))).toBe('busy');
    expect(b.insertIfAbsent(1, k(9), [2], key(9))).toBe('busy');
    a.delete(1, k(9));
    expect(a.insertIfAbsent(1, k(9), [90], key(9))).toBe('inserted'); // over its own delete
    const waits = [b.lockRow(1, k(1)), b.lockRow(1, k(9))];
    let granted = 0;
    void waits[0]!.then(() => granted++);
    await new Promise((r) => setTimeout(r, 5));
    expect(granted).toBe(0);
    await a.commit();
    await waits[0];
    expect(granted).toBe(1);
    b.rollback(); // ends b's wait on k(9) (b waited for k(1) first: one wait at a time)
    await waits[1]!.catch(() => undefined);
    expect(db.get(1, k(1))).toEqual([1]);
    expect(db.get(1, k(9))).toEqual([90]);
    // Rollback releases insertIfAbsent's locks too.
    const c = db.begin({ isolation: 'read-committed' });
    expect(c.insertIfAbsent(1, k(5), [5], key(5))).toBe('inserted');
    c.rollback();
    const d = db.begin({ isolation: 'read-committed' });
    expect(d.tryLockRow(key(5))).toBe(true);
    expect(d.tryLockRow(key(1))).toBe(true);
    expect(d.tryLockRow(key(9))).toBe(true);
    d.rollback();
    expect(db.get(1, k(5))).toBeUndefined();
    await db.close();
  });
});

describe('KeySlab (Txn.internKey)', () => {
  it('copies keys into shared slabs with sort keys equal to Txn.keyOf', async () => {
    const db = await open();
    const t = db.begin({ isolation: 'read-committed' });
    const seen: Array<{ key: Uint8Array; k: string; src: Uint8Array; table: number }> = [];
    for (let i = 0; i < 3000; i++) {
      const table = [0, 1, 255, 256, 70000, 2 ** 40 + 3][i % 6]!;
      const src = i % 97 === 0 ? new Uint8Array(5000).fill(i & 0xff) : encodeKey([{ type: 'int8' }, { type: 'text' }], [BigInt(i * 7919 - 50000), 'x'.repeat(i % 40)]);
      const own = t.internKey(table, src);
      seen.push({ ...own, src: Uint8Array.from(src), table });
      src.fill(0); // the caller's buffer may be reused
    }
    for (const s of seen) {
      expect(Buffer.compare(s.key, s.src)).toBe(0);
      expect(s.k).toBe(Txn.keyOf(s.table, s.src));
    }
    expect(new Set(seen.map((s) => s.key.buffer)).size).toBeLessThan(40);
    t.rollback();
    await db.close();
  });
});
