import { describe, it, expect } from 'vitest';
import { RateLimiter } from '../../../lsm/compaction/index.js';

function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; }, slept };
}

describe('RateLimiter', () => {
  it('lets a burst through, then paces to the budget', async () => {
    const c = fakeClock();
    const r = new RateLimiter({ bytesPerSec: 1000, nowMs: c.now, sleepMs: c.sleep });
    await r.acquire(1000);
    expect(c.now()).toBe(0);
    for (let i = 0; i < 10; i++) await r.acquire(500);
    expect(c.now()).toBeGreaterThanOrEqual(5000);
    expect(c.now()).toBeLessThanOrEqual(5010);
    expect(r.waitedMs).toBe(c.now());
  });

  it('never deadlocks on a request larger than the bucket', async () => {
    const c = fakeClock();
    const r = new RateLimiter({ bytesPerSec: 100, burstBytes: 100, nowMs: c.now, sleepMs: c.sleep });
    await r.acquire(1000);
    await r.acquire(50);
    expect(c.now()).toBeGreaterThanOrEqual(9500); // the debt of the big request is paid first
  });

  it('serves waiters in order and bounds their number', async () => {
    const c = fakeClock();
    const r = new RateLimiter({ bytesPerSec: 100, nowMs: c.now, sleepMs: c.sleep, waitersMax: 3 });
    const order: number[] = [];
    const ps = [0, 1, 2].map((i) => r.acquire(100).then(() => order.push(i)));
    expect(() => r.acquire(1)).toThrow(/waiters/);
    await Promise.all(ps);
    expect(order).toEqual([0, 1, 2]);
  });

  it('is a no-op when unlimited', async () => {
    const c = fakeClock();
    const r = new RateLimiter({ bytesPerSec: 0, nowMs: c.now, sleepMs: c.sleep });
    await r.acquire(1e12);
    expect(c.slept).toEqual([]);
  });
});
