// Date/time input corners recorded from PostgreSQL 15.20: punctuation between fields, a lone
// number read as a month (DecodeNumber + ValidateDate), time zone displacements (DecodeTimezone).
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT_SETTINGS, DbError, TypeOid, textIn, textOut } from '../../../catalog/index.js';

const fmt = { ...DEFAULT_FORMAT_SETTINGS, timeZone: 'UTC' };
const show = (oid: number, text: string, f = fmt): string => textOut(oid, textIn(oid, text, f), f);
function fail(oid: number, text: string, f = fmt): [string, string, string | undefined] {
  try {
    textIn(oid, text, f);
  } catch (e) {
    if (e instanceof DbError) return [e.code, e.message, e.fields.hint];
    throw e;
  }
  throw new Error(`accepted ${text}`);
}

describe('date/time input errors as PostgreSQL 15', () => {
  it('skips punctuation between fields', () => {
    expect(show(TypeOid.date, '2020-01-01 (BC)')).toBe('2020-01-01 BC');
    expect(show(TypeOid.date, '[2020-01-01]')).toBe('2020-01-01');
    expect(show(TypeOid.timestamp, '2020-01-01 00:00:00!')).toBe('2020-01-01 00:00:00');
    expect(fail(TypeOid.timestamp, '290309-12-22 (BC) 00:00:00')).toEqual(['22008', 'timestamp out of range: "290309-12-22 (BC) 00:00:00"', undefined]);
  });

  it('reads a lone number as the month (MDY) or day (DMY)', () => {
    const hint = 'Perhaps you need a different "datestyle" setting.';
    expect(fail(TypeOid.timestamptz, '0')).toEqual(['22008', 'date/time field value out of range: "0"', hint]);
    expect(fail(TypeOid.date, '13')).toEqual(['22008', 'date/time field value out of range: "13"', hint]);
    expect(fail(TypeOid.date, '12')).toEqual(['22007', 'invalid input syntax for type date: "12"', undefined]);
    expect(fail(TypeOid.date, '32', { ...fmt, dateStyle: 'ISO, DMY' })).toEqual(['22008', 'date/time field value out of range: "32"', hint]);
    expect(fail(TypeOid.time, '0')).toEqual(['22007', 'invalid input syntax for type time: "0"', undefined]);
  });

  it('reads numeric offsets as hh or hhmm only', () => {
    expect(fail(TypeOid.date, '-100000000-01-01')).toEqual(['22009', 'time zone displacement out of range: "-100000000-01-01"', undefined]);
    expect(fail(TypeOid.timestamptz, '2020-01-01 12:00 +053045')).toEqual(['22009', 'time zone displacement out of range: "2020-01-01 12:00 +053045"', undefined]);
    expect(show(TypeOid.timestamptz, '2020-01-01 12:00 +123')).toBe('2020-01-01 10:37:00+00');
  });
});
