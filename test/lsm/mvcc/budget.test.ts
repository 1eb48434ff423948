// Write-set accounting (lsm/mvcc/budget.ts): the heap estimate matches what V8 really spends,
// the per-transaction limit (54000, with the workaround HINT) and the database-wide budget
// (53200) refuse cleanly, a refused write changes nothing (no lock kept, nothing charged), and
// every charge is returned when the transaction ends.
import { describe, it, expect } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LsmDb, MemIo, Txn, encodeKey } from '../../../lsm/index.js';
import { LimitError, TXN_HEAP_FRACTION, entryHeapBytes } from '../../../lsm/mvcc/index.js';

const k = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
const MiB = 1024 * 1024;
const open = (heapLimitBytes: number, txnBytesMax?: number) =>
  LsmDb.open({ dir: '/db', io: new MemIo(1), workers: 0, heapLimitBytes, ...(txnBytesMax ? { txnBytesMax } : {}) });

/** A row like INSERT … SELECT g, g % 1000, 'row-' || g writes. */
const row = (i: number) => [BigInt(i), i % 1000, `row-${i}`];

function putRow(t: Txn, i: number): void {
  t.put(1, k(i), row(i));
}

function limitErrorOf(f: () => void): LimitError {
  try {
    f();
  } catch (e) {
    if (e instanceof LimitError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('write-set accounting', () => {
  it('charges about what V8 spends per entry (never much less)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const db = await open(64 * 1024 * MiB, 8 * 1024 * MiB);
    const n = 50_000;
    for (const mode of ['put', 'insertIfAbsent'] as const) {
      const t = db.begin({ isolation: 'read-committed' });
      const own = new Set<string>(); // the SQL layer's own-key set, which the estimate includes
      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < n; i++) {
        if (mode === 'put') {
          t.put(1, k(i), row(i));
          own.add(Txn.keyOf(1, k(i)));
        } else {
          const o = t.internKey(1, k(i));
          expect(t.insertIfAbsent(1, o.key, row(i), o.k)).toBe('inserted');
          own.add(o.k);
        }
      }
      gc();
      gc();
      const measured = (process.memoryUsage().heapUsed - before) / n;
      const charged = t.chargedBytes / n;
      expect(own.size).toBe(n);
      if (process.env.BUDGET_VERBOSE) console.log(mode, { measured, charged });
      // Under-charging lets the heap run out; over-charging by much refuses loads that fit.
      expect(charged).toBeGreaterThan(measured * 0.85);
      expect(charged).toBeLessThan(measured * 2);
      t.rollback();
    }
    await db.close();
  });

  it('the heap bounds the configured limit', async () => {
    const db = await open(64 * MiB, 1024 * MiB);
    expect(db.txnBytesMax).toBe(64 * MiB * TXN_HEAP_FRACTION);
    await db.close();
    const small = await open(64 * MiB, 1 * MiB);
    expect(small.txnBytesMax).toBe(1 * MiB);
    await small.close();
  });

  it('54000 with the HINT past the transaction limit; ROLLBACK frees; the database keeps working', async () => {
    const db = await open(4 * MiB); // 1 MiB per transaction
    await db.write([{ table: 2, key: k(1), kind: 'put', row: ['before'] }]);
    const t = db.begin();
    let i = 0;
    const err = limitErrorOf(() => {
      for (;;) putRow(t, i++);
    });
    expect(err.code).toBe('54000');
    expect(err.message).toBe(`transaction write set exceeds ${db.txnBytesMax} bytes`);
    expect(err.hint).toMatch(/CREATE TABLE AS.*COPY.*smaller transactions/);
    expect(t.chargedBytes).toBeLessThanOrEqual(db.txnBytesMax);
    expect(t.chargedBytes).toBeGreaterThan(db.txnBytesMax - 1000);
    expect(db.writeSetBudget.used).toBe(t.chargedBytes);
    // The refused put changed nothing: the rows before it are there, the refused one is not.
    expect(t.get(1, k(i - 2))).toEqual(row(i - 2));
    expect(t.get(1, k(i - 1))).toBeUndefined();
    expect(t.writeCount).toBe(i - 1);
    t.rollback();
    expect(db.writeSetBudget.used).toBe(0);
    expect(db.get(1, k(0))).toBeUndefined();
    expect(db.get(2, k(1))).toEqual(['before']);
    const t2 = db.begin();
    t2.put(1, k(0), row(0));
    await t2.commit();
    expect(db.get(1, k(0))).toEqual(row(0));
    await db.close();
  });

  it('a write set just under the limit commits, and its charge is returned', async () => {
    const db = await open(4 * MiB);
    const t = db.begin();
    let i = 0;
    while (t.chargedBytes + 2 * entryHeapBytes(k(i), row(i), true) < db.txnBytesMax) t.put(1, k(i), row(i++));
    expect(i).toBeGreaterThan(1000);
    await t.commit();
    await db.flush();
    expect(db.writeSetBudget.used).toBe(0);
    expect([...db.scan(1)].length).toBe(i);
    await db.close();
  });

  it('committed rows stay charged until their memtable is flushed', async () => {
    const db = await open(4 * MiB); // 2 MiB for all; the default 16 MiB memtable never seals here
    let i = 0;
    let charged = 0;
    for (let round = 0; round < 2; round++) {
      const t = db.begin();
      while (t.chargedBytes < db.txnBytesMax * 0.9) putRow(t, i++);
      charged += t.chargedBytes;
      await t.commit();
      expect(db.writeSetBudget.used).toBe(charged);
    }
    // A third load does not fit while the first two ones' rows are in memory.
    const u = db.begin();
    const err = limitErrorOf(() => {
      for (;;) putRow(u, i++);
    });
    expect(err.code).toBe('53200');
    u.rollback();
    await db.flush();
    expect(db.writeSetBudget.used).toBe(0);
    const v = db.begin();
    while (v.chargedBytes < db.txnBytesMax * 0.9) putRow(v, i++);
    await v.commit();
    await db.flush();
    expect(db.writeSetBudget.used).toBe(0);
    await db.close();
  });

  it('53200 when all open write sets together pass the budget; each fits its own limit', async () => {
    const db = await open(4 * MiB); // 1 MiB each, 2 MiB together
    const ts = [db.begin(), db.begin(), db.begin()];
    const per = db.txnBytesMax * 0.8;
    let i = 0;
    for (const t of ts.slice(0, 2)) while (t.chargedBytes < per) putRow(t, i++);
    const err = limitErrorOf(() => {
      for (;;) putRow(ts[2]!, i++);
    });
    expect(err.code).toBe('53200');
    expect(err.message).toBe('out of memory');
    expect(err.detail).toMatch(/^Failed on request of size \d+ in memory context "TransactionWriteSets"/);
    expect(ts[2]!.chargedBytes).toBeLessThan(db.txnBytesMax);
    ts[0]!.rollback();
    putRow(ts[2]!, i++); // room again
    await ts[1]!.commit();
    ts[2]!.rollback();
    await db.flush(); // ts[1]'s rows leave the memtable
    expect(db.writeSetBudget.used).toBe(0);
    await db.close();
  });

  it('insertIfAbsent over the limit keeps no lock and charges nothing', async () => {
    const db = await open(4 * MiB);
    const a = db.begin({ isolation: 'read-committed' });
    const b = db.begin({ isolation: 'read-committed' });
    let i = 0;
    let last: string | undefined;
    const err = limitErrorOf(() => {
      for (;;) {
        const o = a.internKey(1, k(i));
        last = o.k;
        let called = false;
        try {
          a.insertIfAbsent(1, o.key, row(i), o.k, () => (called = true));
        } finally {
          // The undo callback runs only for a write that happens.
          expect(called).toBe(a.wrote(o.k));
        }
        i++;
      }
    });
    expect(err.code).toBe('54000');
    const charged = a.chargedBytes;
    expect(a.wrote(last!)).toBe(false);
    expect(b.tryLockRow(last!)).toBe(true); // a gave the refused key's lock back
    expect(b.tryLockRow(Txn.keyOf(1, k(0)))).toBe(false); // written keys stay locked
    expect(a.chargedBytes).toBe(charged);
    // Locking or re-inserting a key a already wrote costs nothing and keeps its lock.
    expect(a.tryLockRow(Txn.keyOf(1, k(1)))).toBe(true);
    await a.lockRow(1, k(2));
    const again = a.internKey(1, k(3));
    expect(a.insertIfAbsent(1, again.key, row(3), again.k)).toBe('exists');
    expect(a.chargedBytes).toBe(charged);
    for (const n of [1, 2, 3]) expect(b.tryLockRow(Txn.keyOf(1, k(n)))).toBe(false);
    a.rollback();
    b.rollback();
    expect(db.writeSetBudget.used).toBe(0);
    await db.close();
  });

  it('row locks and reserve() count against the same limit', async () => {
    const db = await open(1 * MiB); // 256 KiB per transaction
    const t = db.begin({ isolation: 'read-committed' });
    let i = 0;
    const err = await (async () => {
      try {
        for (;;) await t.lockRow(1, k(i++));
      } catch (e) {
        return e as LimitError;
      }
    })();
    expect(err.code).toBe('54000');
    // The refused lock is not held: another transaction takes it at once.
    const other = db.begin({ isolation: 'read-committed' });
    expect(other.tryLockRow(Txn.keyOf(1, k(i - 1)))).toBe(true);
    expect(other.tryLockRow(Txn.keyOf(1, k(0)))).toBe(false);
    other.rollback();
    t.rollback();
    const u = db.begin();
    u.reserve(db.txnBytesMax - 10);
    expect(() => u.reserve(11)).toThrow(expect.objectContaining({ code: '54000' }));
    expect(() => u.put(1, k(1), row(1))).toThrow(expect.objectContaining({ code: '54000' }));
    u.unreserve(db.txnBytesMax / 2); // a statement's structure freed: room again
    u.put(1, k(1), row(1));
    expect(db.writeSetBudget.used).toBe(u.chargedBytes);
    u.rollback();
    expect(db.writeSetBudget.used).toBe(0);
    await db.close();
  });
});
