// The ISO fast paths of date/time input must agree with the general parser whenever they answer
// (and decline, not guess, on anything unusual). Property-checked with a fixed fast-check seed.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_FORMAT_SETTINGS, parseDateTime } from '../../../catalog/index.js';
import { fastDate, fastTime, fastTimestamp } from '../../../catalog/types/dt-fast.js';

const SEED = 20241124;
const p2 = (n: number) => String(n).padStart(2, '0');

function check<T>(arb: fc.Arbitrary<T>, pred: (v: T) => void, numRuns = 2000): void {
  const out = fc.check(fc.property(arb, (v) => { pred(v); }), { seed: SEED, numRuns });
  if (out.failed) throw new Error(`property failed (seed ${SEED}): ${JSON.stringify(out.counterexample)}\n${String(out.errorInstance)}`);
}

const general = (kind: 'date' | 'time' | 'timestamp' | 'timestamptz', s: string, timeZone: string): unknown => {
  try { return parseDateTime(kind as 'timestamp', s, { ...DEFAULT_FORMAT_SETTINGS, timeZone }); } catch (e) { return e; }
};

const fieldsArb = fc.record({
  y: fc.integer({ min: 0, max: 9999 }), m: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }),
  h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 61 }),
  frac: fc.oneof(fc.constant(''), fc.stringMatching(/^\.[0-9]{0,8}$/)),
  sep: fc.constantFrom(' ', 'T', 't', '  '),
  off: fc.oneof(fc.constant(''), fc.constantFrom('Z', 'z', '+00', '-03', '+05:30', '+0530', '-04:56:02', '+16', '+05:3', '+14:59', ' +01')),
  zone: fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', '-7', 'UTC+3'),
});

describe(`dt-fast agrees with dt-parse (seed ${SEED})`, () => {
  it('timestamp and timestamptz', () => {
    check(fieldsArb, (f) => {
      const text = `${String(f.y).padStart(4, '0')}-${p2(f.m)}-${p2(f.d)}${f.sep}${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}${f.frac}${f.off}`;
      for (const withTz of [false, true]) {
        const fast = fastTimestamp(text, withTz, f.zone);
        if (fast === undefined) continue;
        expect(general(withTz ? 'timestamptz' : 'timestamp', text, f.zone), text).toBe(fast);
      }
    });
  });
  it('date and time', () => {
    check(fieldsArb, (f) => {
      const d = `${String(f.y).padStart(4, '0')}-${p2(f.m)}-${p2(f.d)}`;
      const fd = fastDate(d);
      if (fd !== undefined) expect(general('date', d, 'UTC'), d).toBe(fd);
      const t = `${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}${f.frac}`;
      const ft = fastTime(t);
      if (ft !== undefined) expect(general('time', t, 'UTC'), t).toBe(ft);
    });
  });
  it('answers the canonical forms and declines the rest', () => {
    expect(fastDate('2024-02-29')).toBe(8825);
    expect(fastDate('2023-02-29')).toBeUndefined();
    expect(fastDate('0000-01-01')).toBeUndefined();
    expect(fastTimestamp('2024-01-02 03:04:05.123456', false, 'UTC')).toBe(757_479_845_123_456n);
    expect(fastTimestamp('2024-01-02T03:04:05Z', true, 'Asia/Kolkata')).toBe(757_479_845_000_000n);
    expect(fastTimestamp('2024-01-02 03:04:05', true, 'Asia/Kolkata')).toBe(757_479_845_000_000n - 19_800_000_000n);
    for (const s of ['2024-01-02 24:00:00', '2024-01-02 03:04:05.1234567', '2024-01-02 03:04:05 BC', 'Jan 2 2024', '2024-01-02 03:04', '2024-01-02 03:04:05+16']) {
      expect(fastTimestamp(s, true, 'UTC'), s).toBeUndefined();
    }
    expect(fastTime('24:00:00')).toBeUndefined();
    expect(fastTime('23:59:59.999999')).toBe(86_399_999_999n);
  });
});
