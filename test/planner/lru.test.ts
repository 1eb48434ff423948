// planner/lru.ts: the bound is exact, values are never confused, a hot entry survives a stream of
// cold ones, and what is evicted was not hit since it fell into the older half.
import { describe, expect, it } from 'vitest';
import { Lru } from '../../planner/lru.js';

describe('Lru', () => {
  it('never holds more than entriesMax entries and returns what was set', () => {
    const lru = new Lru<number, string>(5);
    for (let i = 0; i < 100; i++) {
      lru.set(i, `v${i}`);
      expect(lru.size).toBeLessThanOrEqual(5);
      expect(lru.get(i)).toBe(`v${i}`);
    }
    expect(lru.get(94)).toBeUndefined();
    for (let i = 95; i < 100; i++) expect(lru.get(i)).toBe(`v${i}`);
    lru.set(97, 'again');
    expect(lru.get(97)).toBe('again');
    expect(lru.size).toBe(5);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.get(97)).toBeUndefined();
  });

  it('keeps an entry that is hit every few insertions while cold ones stream through', () => {
    const lru = new Lru<string, number>(8);
    lru.set('hot', 1);
    for (let i = 0; i < 1000; i++) {
      lru.set(`cold${i}`, i);
      if (i % 3 === 0) expect(lru.get('hot')).toBe(1);
    }
    expect(lru.get('hot')).toBe(1);
  });

  it('evicts the entry not hit since it fell into the older half, as a strict LRU would here', () => {
    const lru = new Lru<string, number>(4);
    for (const k of ['a', 'b', 'c', 'd']) lru.set(k, 0);
    // 'a' is the oldest insertion and in the older half: a hit moves it to the newest end.
    expect(lru.get('a')).toBe(0);
    lru.set('e', 0); // evicts 'b', not 'a'
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(0);
    expect(lru.size).toBe(4);
  });

  it('refuses a bound below one', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
  });
});
