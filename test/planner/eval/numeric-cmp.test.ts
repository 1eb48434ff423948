// Numeric comparison without the text round trip: cmpNumeric / comparatorFor(numeric) /
// Numeric.cmp / toDec against the previous parse-based comparison (kept here as the oracle) on
// random values of many scales and spellings plus the special values; then ORDER BY, min/max
// and comparison operators through the engine, expectations from PostgreSQL 15.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT_SETTINGS, Numeric, TypeOid, textOut } from '../../../catalog/index.js';
import { cmpNumeric, comparatorFor } from '../../../planner/eval/compare.js';
import { decCmp, decParse } from '../../../planner/eval/decimal.js';
import { toDec } from '../../../planner/eval/numeric.js';
import type { Value } from '../../../planner/index.js';
import { openSession, query, withEngine } from '../helpers.js';
import { rng } from '../../seeded-rng.js';

/** The comparator as it was: both values to canonical text, parsed, aligned, compared. */
function oracleCmp(a: Value, b: Value): number {
  const p = (v: Value) => decParse(textOut(TypeOid.numeric, v, DEFAULT_FORMAT_SETTINGS));
  return decCmp(p(a), p(b));
}

const SPECIALS = ['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-inf', '+Infinity'];

/** A numeric_in spelling: specials, zeros of any scale and sign, leading/trailing zeros, exponents. */
function randomText(r: () => number): string {
  const pick = r();
  if (pick < 0.06) return SPECIALS[Math.floor(r() * SPECIALS.length)]!;
  if (pick < 0.12) return (r() < 0.5 ? '-' : '') + '0' + (r() < 0.5 ? '.' + '0'.repeat(Math.floor(r() * 6)) : '');
  const digits = (n: number): string => { let s = ''; for (let i = 0; i < n; i++) s += String(Math.floor(r() * 10)); return s; };
  // Small digit alphabets make equal values and shared prefixes frequent.
  const narrow = r() < 0.4;
  const d = (n: number): string => (narrow ? digits(n).replace(/[2-9]/g, '1') : digits(n));
  const intLen = r() < 0.3 ? Math.floor(r() * 3) : Math.floor(r() * 40);
  const fracLen = r() < 0.3 ? 0 : Math.floor(r() * 30);
  let s = (r() < 0.45 ? '-' : r() < 0.1 ? '+' : '') + (r() < 0.2 ? '00' : '') + (intLen === 0 && fracLen === 0 ? '7' : d(intLen));
  if (fracLen > 0) s += '.' + d(fracLen) + (r() < 0.3 ? '000' : '');
  if (r() < 0.1) s += 'e' + String(Math.floor(r() * 40) - 20);
  return s;
}

const sign = (x: number): number => (x < 0 ? -1 : x > 0 ? 1 : 0);

describe('numeric comparison fast path', () => {
  it('agrees with the parse-based comparison on random values', () => {
    const r = rng(20261124);
    const values: Numeric[] = [];
    for (let i = 0; i < 3000; i++) values.push(Numeric.fromString(randomText(r)));
    const cmp = comparatorFor(TypeOid.numeric)!;
    let equalPairs = 0;
    for (let i = 0; i < 40000; i++) {
      const a = values[Math.floor(r() * values.length)]!;
      // Often the same value at a larger scale, or one unit of that scale away from it.
      const k = Math.floor(r() * 4);
      const nudge = r() < 0.5 ? 0n : r() < 0.5 ? 1n : -1n;
      const b = r() < 0.3 && a.isFinite() ? Numeric.of(a.coef * 10n ** BigInt(k) + nudge, a.scale + k) : values[Math.floor(r() * values.length)]!;
      const want = sign(oracleCmp(a, b));
      if (want === 0) equalPairs++;
      expect([a.toString(), b.toString(), sign(cmpNumeric(a, b))]).toEqual([a.toString(), b.toString(), want]);
      expect(sign(cmp(b, a))).toBe(want === 0 ? 0 : -want);
      expect(sign(a.cmp(b))).toBe(want);
    }
    expect(equalPairs).toBeGreaterThan(100);
  });

  it('sorts like the parse-based comparison', () => {
    const r = rng(7);
    const values: Numeric[] = [];
    for (let i = 0; i < 5000; i++) values.push(Numeric.fromString(randomText(r)));
    const mine = [...values].sort(cmpNumeric).map(String);
    const oracle = [...values].sort(oracleCmp).map(String);
    // Equal values may print differently (1.5 / 1.50): compare the order of the values.
    for (let i = 0; i < mine.length; i++) expect(oracleCmp(Numeric.fromString(mine[i]!), Numeric.fromString(oracle[i]!))).toBe(0);
  });

  it('keeps the special values and zeros in PostgreSQL order', () => {
    const n = (s: string) => Numeric.fromString(s);
    const order = ['-Infinity', '-1e100', '-1.5', '-1.499', '-0.00000000000000000001', '0', '1.5', '9.9999999999999999999', '10', '1e20', 'Infinity', 'NaN'];
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) expect(sign(cmpNumeric(n(order[i]!), n(order[j]!)))).toBe(sign(i - j));
    }
    expect(cmpNumeric(n('1.50'), n('1.5'))).toBe(0);
    expect(cmpNumeric(n('-0.00'), n('0'))).toBe(0);
    expect(cmpNumeric(n('-0'), n('0.000'))).toBe(0);
    expect(cmpNumeric(n('NaN'), n('nan'))).toBe(0);
    expect(cmpNumeric(n('-Infinity'), n('-inf'))).toBe(0);
    expect(cmpNumeric(n('007.10'), n('7.1'))).toBe(0);
    expect(cmpNumeric(n('-2.00'), n('-1.9'))).toBe(-1);
    expect(cmpNumeric(n('-2'), n('-19.99'))).toBe(1);
  });

  it('reads a Numeric into a Dec exactly as its text parses', () => {
    const r = rng(99);
    for (let i = 0; i < 3000; i++) {
      const v = Numeric.fromString(randomText(r));
      expect(toDec(v)).toEqual(decParse(v.toString()));
    }
  });

  it('orders, min/max and compares through the engine as PostgreSQL 15', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const list = `('1.50'::numeric),('1.5'),('NaN'),('-Infinity'),('Infinity'),('-0.00'),('0'),('-1.5'),('-1.499'),('10'),('9.9999999999999999999'),('1e20'),('-1e-20')`;
      const [sorted] = await query(s, `SELECT v FROM (VALUES ${list},('NaN'),('1.500')) t(v) ORDER BY v, v::text`);
      expect(sorted!.rows.map((x) => x[0])).toEqual([
        '-Infinity', '-1.5', '-1.499', '-0.00000000000000000001', '0', '0.00', '1.5', '1.50', '1.500',
        '9.9999999999999999999', '10', '100000000000000000000', 'Infinity', 'NaN', 'NaN',
      ]);
      const [mm] = await query(s, `SELECT min(v), max(v), min(v) FILTER (WHERE v <> 'NaN'), max(v) FILTER (WHERE v <> 'NaN' AND v <> 'Infinity') FROM (VALUES ${list}) t(v)`);
      expect(mm!.rows).toEqual([['-Infinity', 'NaN', '-Infinity', '100000000000000000000']]);
      const [ops] = await query(s, `SELECT '1.50'::numeric = '1.5', '-0.00'::numeric = '0', 'NaN'::numeric = 'NaN', 'NaN'::numeric > 'Infinity', '-1.5'::numeric < '-1.499', greatest('2.0'::numeric, '2', '1.99999'), least('-Infinity'::numeric, '-1e100')`);
      expect(ops!.rows).toEqual([['t', 't', 't', 't', 't', '2.0', '-Infinity']]);
      await query(s, `CREATE TABLE s(p int, amount numeric(12,2)); INSERT INTO s SELECT g % 7, ((g * 37) % 1000 - 400) / 100.0 FROM generate_series(1, 200) g`);
      const [top] = await query(s, `SELECT p, sum(amount) AS revenue FROM s GROUP BY p ORDER BY revenue DESC LIMIT 4`);
      expect(top!.rows).toEqual([['0', '29.54'], ['6', '29.18'], ['5', '28.82'], ['4', '28.46']]);
      const [agg] = await query(s, `SELECT min(amount), max(amount), min(amount::numeric(12,4)) FROM s`);
      expect(agg!.rows).toEqual([['-3.70', '5.99', '-3.7000']]);
    });
  });
});
