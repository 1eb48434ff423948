import { describe, it, expect } from 'vitest';
import { LockManager } from '../../../lsm/mvcc/index.js';

describe('LockManager', () => {
  it('grants FIFO, hands the lock to the next waiter on release, is re-entrant', async () => {
    const m = new LockManager();
    await m.acquire(1, 'k');
    await m.acquire(1, 'k'); // re-entrant
    const order: number[] = [];
    const p2 = m.acquire(2, 'k').then(() => order.push(2));
    const p3 = m.acquire(3, 'k').then(() => order.push(3));
    m.releaseAll(1, ['k']);
    await p2;
    expect(m.holderOf('k')).toBe(2);
    m.releaseAll(2, ['k']);
    await p3;
    expect(order).toEqual([2, 3]);
    m.releaseAll(3, ['k']);
    expect(m.heldCount).toBe(0);
  });

  it('a timed-out waiter leaves the queue; the next one still gets the lock', async () => {
    const m = new LockManager();
    await m.acquire(1, 'k');
    const t = m.acquire(2, 'k', { timeoutMs: 10 });
    const p3 = m.acquire(3, 'k');
    await expect(t).rejects.toMatchObject({ code: '55P03' });
    m.releaseAll(1, ['k']);
    await p3;
    expect(m.holderOf('k')).toBe(3);
  });

  it('releasing a lock one does not hold changes nothing', async () => {
    const m = new LockManager();
    await m.acquire(1, 'k');
    m.releaseAll(2, ['k']);
    expect(m.holderOf('k')).toBe(1);
  });

  it('bounds the number of waiters', async () => {
    const m = new LockManager(2);
    await m.acquire(1, 'k');
    const a = m.acquire(2, 'k');
    const b = m.acquire(3, 'k');
    await expect(m.acquire(4, 'k')).rejects.toMatchObject({ code: '53200' });
    m.releaseAll(1, ['k']);
    await a;
    m.releaseAll(2, ['k']);
    await b;
  });

  it('tryAcquire takes a free lock or confirms our own, never waits; waiters still queue behind it', async () => {
    const m = new LockManager();
    expect(m.tryAcquire(1, 'a')).toBe(true);
    expect(m.tryAcquire(1, 'a')).toBe(true);
    expect(m.tryAcquire(2, 'a')).toBe(false);
    expect(m.holderOf('a')).toBe(1);
    const t = m.acquire(2, 'a', { timeoutMs: 5 });
    await expect(t).rejects.toMatchObject({ code: '55P03' });
    const p3 = m.acquire(3, 'a');
    expect(m.isWaiting(3)).toBe(true);
    m.releaseAll(1, ['a']);
    await p3;
    expect(m.holderOf('a')).toBe(3);
    expect(m.isWaiting(3)).toBe(false);
    m.releaseAll(3, ['a']);
    expect(m.heldCount).toBe(0);
    expect(m.tryAcquire(2, 'a')).toBe(true);
  });
});
