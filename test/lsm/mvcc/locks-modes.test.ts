// The lock manager's row-lock strengths (lsm/mvcc/row-holds.ts, PostgreSQL 15 docs table 13.3)
// and the bulk holders' wait order (heldByOthers yielding instead of forming a cycle).
import { describe, it, expect } from 'vitest';
import { BulkKeys, LockManager, type RowLockMode } from '../../../lsm/mvcc/index.js';

const MODES: RowLockMode[] = ['keyShare', 'share', 'noKeyUpdate', 'update'];
/** PostgreSQL's table 13.3: [held][requested] conflicts. */
const CONFLICT: Record<RowLockMode, Record<RowLockMode, boolean>> = {
  keyShare: { keyShare: false, share: false, noKeyUpdate: false, update: true },
  share: { keyShare: false, share: false, noKeyUpdate: true, update: true },
  noKeyUpdate: { keyShare: false, share: true, noKeyUpdate: true, update: true },
  update: { keyShare: true, share: true, noKeyUpdate: true, update: true },
};
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LockManager row-lock strengths', () => {
  for (const held of MODES) {
    for (const asked of MODES) {
      it(`${held} held, ${asked} asked: ${CONFLICT[held][asked] ? 'waits' : 'granted'}`, async () => {
        const m = new LockManager();
        expect(m.tryAcquire(1, 'k', { strength: held })).toBe(true);
        expect(m.tryAcquire(2, 'k', { strength: asked })).toBe(!CONFLICT[held][asked]);
        if (!CONFLICT[held][asked]) {
          expect(m.rowHolders('k')).toEqual([{ txn: 1, mode: held }, { txn: 2, mode: asked }]);
          return;
        }
        await expect(m.acquire(2, 'k', { strength: asked, nowait: true })).rejects.toMatchObject({ code: '55P03' });
        let got = false;
        const p = m.acquire(2, 'k', { strength: asked }).then(() => (got = true));
        await tick();
        expect(got).toBe(false);
        m.releaseAll(1, ['k']);
        await p;
        expect(m.rowHolders('k')).toEqual([{ txn: 2, mode: asked }]);
      });
    }
  }

  it('a transaction holds the strongest strength it asked for; a weaker request changes nothing', () => {
    const m = new LockManager();
    expect(m.tryAcquire(1, 'k', { strength: 'noKeyUpdate' })).toBe(true);
    expect(m.tryAcquire(1, 'k', { strength: 'keyShare' })).toBe(true);
    expect(m.rowHolders('k')).toEqual([{ txn: 1, mode: 'noKeyUpdate' }]);
    expect(m.tryAcquire(1, 'k')).toBe(true); // default: FOR UPDATE
    expect(m.rowHolders('k')).toEqual([{ txn: 1, mode: 'update' }]);
    expect(m.tryAcquire(2, 'k', { strength: 'keyShare' })).toBe(false);
  });

  it('an upgrade waits for the other holders it conflicts with, keeping what it holds', async () => {
    const m = new LockManager();
    await m.acquire(1, 'k', { strength: 'share' });
    await m.acquire(2, 'k', { strength: 'share' });
    await m.acquire(3, 'k', { strength: 'keyShare' });
    let got = false;
    const up = m.acquire(1, 'k', { strength: 'update' }).then(() => (got = true));
    await tick();
    expect(got).toBe(false);
    // Still holding FOR SHARE while waiting: a FOR NO KEY UPDATE of another waits too.
    expect(m.tryAcquire(4, 'k', { strength: 'noKeyUpdate' })).toBe(false);
    m.releaseAll(2, ['k']);
    await tick();
    expect(got).toBe(false); // transaction 3's FOR KEY SHARE conflicts with FOR UPDATE
    m.releaseAll(3, ['k']);
    await up;
    expect(m.rowHolders('k')).toEqual([{ txn: 1, mode: 'update' }]);
  });

  it('a request compatible with the holders is granted past a queued conflicting one (as PostgreSQL); a release grants every queued request that no longer conflicts, in order', async () => {
    const m = new LockManager();
    await m.acquire(1, 'k', { strength: 'share' });
    const order: number[] = [];
    const w2 = m.acquire(2, 'k', { strength: 'update' }).then(() => order.push(2));
    expect(m.tryAcquire(3, 'k', { strength: 'keyShare' })).toBe(true);
    const w4 = m.acquire(4, 'k', { strength: 'update' }).then(() => order.push(4));
    m.releaseAll(1, ['k']);
    await tick();
    expect(order).toEqual([]); // 3's FOR KEY SHARE still conflicts with both
    m.releaseAll(3, ['k']);
    await w2;
    expect(order).toEqual([2]);
    m.releaseAll(2, ['k']);
    await w4;
    expect(m.rowHolders('k')).toEqual([{ txn: 4, mode: 'update' }]);
    // Several share requests queued behind FOR UPDATE are all granted by its release.
    const w5 = m.acquire(5, 'k', { strength: 'share' });
    const w6 = m.acquire(6, 'k', { strength: 'keyShare' });
    m.releaseAll(4, ['k']);
    await Promise.all([w5, w6]);
    expect(m.rowHolders('k')).toEqual([{ txn: 5, mode: 'share' }, { txn: 6, mode: 'keyShare' }]);
    m.releaseAll(5, ['k']);
    m.releaseAll(6, ['k']);
    expect(m.heldCount).toBe(0);
  });

  it('two FOR SHARE holders both upgrading: the second is the deadlock victim, with PostgreSQL\'s DETAIL', async () => {
    const m = new LockManager();
    await m.acquire(1, 'k', { strength: 'share' });
    await m.acquire(2, 'k', { strength: 'share' });
    const up1 = m.acquire(1, 'k', { strength: 'noKeyUpdate' });
    await expect(m.acquire(2, 'k', { strength: 'update' })).rejects.toMatchObject({
      code: '40P01',
      detail: 'Process 2 waits for ShareLock on transaction 1; blocked by process 1.\nProcess 1 waits for ShareLock on transaction 2; blocked by process 2.',
    });
    m.releaseAll(2, ['k']);
    await up1;
    expect(m.rowHolders('k')).toEqual([{ txn: 1, mode: 'noKeyUpdate' }]);
  });

  it('a three-transaction cycle across strengths is found; shared holders that do not conflict are no edges', async () => {
    const m = new LockManager();
    await m.acquire(1, 'a', { strength: 'keyShare' });
    await m.acquire(2, 'b', { strength: 'noKeyUpdate' });
    await m.acquire(3, 'c', { strength: 'share' });
    // 1 wants b FOR SHARE: waits for 2. 2 wants c FOR NO KEY UPDATE: waits for 3.
    const w1 = m.acquire(1, 'b', { strength: 'share' });
    const w2 = m.acquire(2, 'c', { strength: 'noKeyUpdate' });
    // 3 wants a FOR NO KEY UPDATE: compatible with 1's FOR KEY SHARE — no wait, no cycle.
    await m.acquire(3, 'a', { strength: 'noKeyUpdate' });
    // 3 wants a FOR UPDATE: waits for 1 — closes the cycle 3 -> 1 -> 2 -> 3.
    await expect(m.acquire(3, 'a', { strength: 'update' })).rejects.toMatchObject({
      code: '40P01',
      detail: [
        'Process 3 waits for ShareLock on transaction 1; blocked by process 1.',
        'Process 1 waits for ShareLock on transaction 2; blocked by process 2.',
        'Process 2 waits for ShareLock on transaction 3; blocked by process 3.',
      ].join('\n'),
    });
    m.releaseAll(3, ['a', 'c']);
    await w2;
    m.releaseAll(2, ['b', 'c']);
    await w1;
    expect(m.rowHolders('b')).toEqual([{ txn: 1, mode: 'share' }]);
  });

  it('a timed-out or cancelled upgrade leaves the weaker lock held', async () => {
    const m = new LockManager();
    await m.acquire(1, 'k', { strength: 'keyShare' });
    await m.acquire(2, 'k', { strength: 'keyShare' });
    await expect(m.acquire(1, 'k', { strength: 'update', timeoutMs: 5 })).rejects.toMatchObject({ code: '55P03' });
    expect(m.rowHolders('k')).toEqual([{ txn: 1, mode: 'keyShare' }, { txn: 2, mode: 'keyShare' }]);
    expect(m.isWaiting(1)).toBe(false);
    await m.acquire(3, 'k', { strength: 'share' }); // compatible with both FOR KEY SHARE holders
    const cancel: { reason: unknown } = { reason: undefined };
    const p = m.acquire(2, 'k', { strength: 'noKeyUpdate', cancel }); // waits for 3's FOR SHARE
    expect(m.isWaiting(2)).toBe(true);
    cancel.reason = new Error('canceling statement due to user request');
    await expect(p).rejects.toThrow('canceling statement due to user request');
    expect(m.isWaiting(2)).toBe(false);
    expect(m.rowHolders('k')).toEqual([{ txn: 1, mode: 'keyShare' }, { txn: 2, mode: 'keyShare' }, { txn: 3, mode: 'share' }]);
  });
});

describe('LockManager bulk holders: the wait order of loads sharing keys', () => {
  const TABLE = 9;
  const key = (n: number) => Uint8Array.of(0, n);
  it('a load already waiting (through others) for this one yields for good: a timeout in the chain does not let both validate', async () => {
    const m = new LockManager();
    const load = (txn: number) => {
      const keys = new BulkKeys(TABLE);
      m.addBulk(txn, keys);
      return keys;
    };
    const A = load(1);
    const B = load(2);
    const C = load(3);
    const take = (b: BulkKeys, ns: number[]) => ns.forEach((n) => b.append(key(n), m.bulkTick()));
    // First common keys: A-B 5 (B first), B-C 6 (C first), A-C 7 (A first): a cycle of orders.
    take(B, [5]);
    take(C, [6]);
    take(B, [6]);
    take(A, [4, 5, 7]);
    take(C, [7]);
    const op = (b: BulkKeys, n: number) => b.opKeyAt(b.indexOf(key(n)));
    expect(m.heldByOthers(1, A)).toEqual([op(A, 5)]);
    const aWaits = m.acquire(1, op(A, 5));
    expect(m.heldByOthers(2, B)).toEqual([op(B, 6)]);
    const bWaits = m.acquire(2, op(B, 6), { timeoutMs: 5 });
    // C would wait for A, which waits for C through B: C goes on instead.
    expect(m.heldByOthers(3, C)).toEqual([]);
    await expect(bWaits).rejects.toMatchObject({ code: '55P03' });
    m.releaseBulk(2);
    await aWaits;
    // The chain is gone, but A still waits for C (by the ticks alone it would not: it took 7 first).
    expect(m.heldByOthers(1, A)).toEqual([op(A, 7)]);
    expect(m.heldByOthers(3, C)).toEqual([]);
    m.releaseBulk(3);
    expect(m.heldByOthers(1, A)).toEqual([]);
  });
});
