// LockManager relation locks: shared (DML) and exclusive (DDL) modes, FIFO fairness, upgrades,
// generations, timeouts, cancel, and deadlocks through row and relation locks together.
import { describe, expect, it } from 'vitest';
import { LockManager, type RelGrant } from '../../../lsm/mvcc/index.js';

const S = { relation: 'shared' as const };
const X = { relation: 'exclusive' as const };

/** Settles to 'granted' / the error code, or 'pending' while the promise is still open. */
function track(p: Promise<void>): { get: () => string } {
  let s = 'pending';
  p.then(() => (s = 'granted'), (e: { code?: string }) => (s = `failed ${e.code ?? String(e)}`));
  return { get: () => s };
}
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('LockManager relation locks', () => {
  it('shared holders coexist; an exclusive request waits for all of them', async () => {
    const m = new LockManager();
    await m.acquire(1, 'r', S);
    await m.acquire(2, 'r', S);
    expect(m.relHolders('r').shared.sort()).toEqual([1, 2]);
    const x = track(m.acquire(3, 'r', X));
    await tick();
    expect(x.get()).toBe('pending');
    m.releaseAll(1, ['r']);
    await tick();
    expect(x.get()).toBe('pending');
    m.releaseAll(2, ['r']);
    await tick();
    expect(x.get()).toBe('granted');
    expect(m.relHolders('r')).toEqual({ exclusive: 3, shared: [] });
  });

  it('FIFO: a shared request queues behind a waiting exclusive one (no starvation)', async () => {
    const m = new LockManager();
    await m.acquire(1, 'r', S);
    const x = track(m.acquire(2, 'r', X));
    const s = track(m.acquire(3, 'r', S));
    await tick();
    expect([x.get(), s.get()]).toEqual(['pending', 'pending']);
    // A holder asking again is not queued behind requests that wait for it.
    await m.acquire(1, 'r', S);
    m.releaseAll(1, ['r']);
    await tick();
    expect([x.get(), s.get()]).toEqual(['granted', 'pending']);
    m.releaseAll(2, ['r']);
    await tick();
    expect(s.get()).toBe('granted');
  });

  it('several queued shared requests are granted together', async () => {
    const m = new LockManager();
    await m.acquire(1, 'r', X);
    const a = track(m.acquire(2, 'r', S));
    const b = track(m.acquire(3, 'r', S));
    const c = track(m.acquire(4, 'r', X));
    m.releaseAll(1, ['r']);
    await tick();
    expect([a.get(), b.get(), c.get()]).toEqual(['granted', 'granted', 'pending']);
  });

  it('reports the generation, which changes when an exclusive holder releases', async () => {
    const m = new LockManager();
    const g1: RelGrant = { gen: -1, waited: true };
    await m.acquire(1, 'r', { ...S, grant: g1 });
    expect(g1.waited).toBe(false);
    m.releaseAll(1, ['r']);
    const g2: RelGrant = { gen: -1, waited: true };
    await m.acquire(2, 'r', { ...S, grant: g2 });
    expect(g2.gen).toBe(g1.gen); // shared holders come and go: same generation
    m.releaseAll(2, ['r']);
    await m.acquire(3, 'r', X);
    const g3: RelGrant = { gen: -1, waited: false };
    const p = m.acquire(4, 'r', { ...S, grant: g3 });
    m.releaseAll(3, ['r']);
    await p;
    expect(g3.waited).toBe(true);
    expect(g3.gen).not.toBe(g1.gen);
  });

  it('upgrade: a lone shared holder gets exclusive at once; with others it waits for them', async () => {
    const m = new LockManager();
    await m.acquire(1, 'r', S);
    await m.acquire(1, 'r', X);
    expect(m.relHolders('r').exclusive).toBe(1);
    m.releaseAll(1, ['r']);
    expect(m.relHolders('r')).toEqual({ exclusive: undefined, shared: [] });
    await m.acquire(1, 'r', S);
    await m.acquire(2, 'r', S);
    const up = track(m.acquire(1, 'r', X));
    await tick();
    expect(up.get()).toBe('pending');
    m.releaseAll(2, ['r']);
    await tick();
    expect(up.get()).toBe('granted');
  });

  it('two upgraders deadlock: the second gets 40P01', async () => {
    const m = new LockManager();
    await m.acquire(1, 'r', S);
    await m.acquire(2, 'r', S);
    const a = track(m.acquire(1, 'r', X));
    await expect(m.acquire(2, 'r', X)).rejects.toMatchObject({ code: '40P01' });
    m.releaseAll(2, ['r']);
    await tick();
    expect(a.get()).toBe('granted');
  });

  it('a cycle through a row lock and a relation lock is found, with a DETAIL line per edge', async () => {
    const m = new LockManager();
    expect(m.tryAcquire(1, 'row')).toBe(true); // T1 updated a row
    await m.acquire(2, 'rel', { ...X, label: 'relation 16384' }); // T2 truncated the table
    const t1 = track(m.acquire(1, 'rel', { ...S, label: 'relation 16384' })); // T1 inserts: waits for T2
    await tick();
    expect(t1.get()).toBe('pending');
    const err = await m.acquire(2, 'row').then(() => undefined, (e: unknown) => e); // T2 updates T1's row
    expect(err).toMatchObject({ code: '40P01', message: 'deadlock detected' });
    expect((err as { detail: string }).detail).toBe(
      'Process 2 waits for ShareLock on transaction 1; blocked by process 1.\n' +
      'Process 1 waits for RowExclusiveLock on relation 16384; blocked by process 2.',
    );
    m.releaseAll(2, ['rel']);
    await tick();
    expect(t1.get()).toBe('granted');
  });

  it('a wait that times out leaves the queue; requests behind it are granted', async () => {
    const m = new LockManager();
    await m.acquire(1, 'r', S);
    const x = m.acquire(2, 'r', { ...X, timeoutMs: 20 });
    const s = track(m.acquire(3, 'r', S));
    await expect(x).rejects.toMatchObject({ code: '55P03', message: 'canceling statement due to lock timeout' });
    await tick();
    expect(s.get()).toBe('granted');
    expect(m.isWaiting(2)).toBe(false);
  });

  it('a cancel token ends the wait with its reason; NOWAIT fails at once', async () => {
    const m = new LockManager();
    await m.acquire(1, 'r', X);
    const token: { reason: unknown } = { reason: undefined };
    const p = m.acquire(2, 'r', { ...S, cancel: token });
    token.reason = new Error('canceled');
    await expect(p).rejects.toThrow('canceled');
    await expect(m.acquire(3, 'r', { ...S, nowait: true })).rejects.toMatchObject({ code: '55P03' });
    expect(m.isWaiting(2)).toBe(false);
  });

  it('row locks and relation locks release together; row locks keep their behaviour', async () => {
    const m = new LockManager();
    await m.acquire(1, 'rel', S);
    expect(m.tryAcquire(1, 'k1')).toBe(true);
    const w = track(m.acquire(2, 'k1'));
    const x = track(m.acquire(3, 'rel', X));
    m.releaseAll(1, new Set(['rel', 'k1']));
    await tick();
    expect([w.get(), x.get()]).toEqual(['granted', 'granted']);
    expect(m.holderOf('k1')).toBe(2);
    expect(m.heldCount).toBe(1);
  });

  it('cancelWait (transaction ended while waiting) settles a relation wait and unblocks the queue', async () => {
    const m = new LockManager();
    await m.acquire(1, 'r', S);
    const x = m.acquire(2, 'r', X);
    const s = track(m.acquire(3, 'r', S));
    m.cancelWait(2, Object.assign(new Error('ended'), { code: '25P02' }) as never);
    await expect(x).rejects.toThrow('ended');
    await tick();
    expect(s.get()).toBe('granted');
  });
});
