// interval_in cases recorded from PostgreSQL 15.20 (psql): which overflow is a field overflow
// (22015) and which only overflows when the fields are combined (22008), and a sign separated
// from its number by spaces ('- 1 year').
import { describe, expect, it } from 'vitest';
import { DbError, formatInterval, parseInterval } from '../../../catalog/index.js';

const text = (s: string): string => formatInterval(parseInterval(s), 'postgres');
const error = (s: string): string => {
  try {
    parseInterval(s);
    return 'ok';
  } catch (e) {
    return `${(e as DbError).code} ${(e as DbError).message}`;
  }
};

describe('interval input as PostgreSQL 15', () => {
  it('field overflow (22015) versus an overflowing sum of fields (22008)', () => {
    expect(error('4 years 2147483600 mon')).toBe('22008 interval out of range');
    expect(text('4 years 2147483599 mon')).toBe('178956970 years 7 mons');
    expect(error('2147483648 mons')).toBe('22015 interval field value out of range: "2147483648 mons"');
    expect(error('178956971 years')).toBe('22008 interval out of range');
    expect(error('2147483648 days')).toBe('22015 interval field value out of range: "2147483648 days"');
    expect(error('1 year 2147483640 mons')).toBe('22008 interval out of range');
    expect(text('-178956970 years -8 mons')).toBe('-178956970 years -8 mons');
    expect(error('2147483648 years')).toBe('22015 interval field value out of range: "2147483648 years"');
    expect(text('@ 178956970 years 8 mons ago')).toBe('-178956970 years -8 mons');
  });

  it('a sign may stand apart from its number', () => {
    expect(text('- 1 year -1 months -       1 days 4 hours 5 minutes 6 seconds')).toBe('-1 years -1 mons -1 days +04:05:06');
    expect(text('- 1.5 hours')).toBe('-01:30:00');
    expect(text('+ 2 days')).toBe('2 days');
    expect(error('-')).toBe('22007 invalid input syntax for type interval: "-"');
  });
});
