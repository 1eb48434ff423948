// EXTRACT / date_part fields and date_trunc units over timestamps, dates, times and intervals,
// with PostgreSQL 15's results (extract() is exact numeric, date_part() float8) and errors.

import { DbError, dayOfWeek, daysFromCivil, formatType, isTimestampInfinite, splitTimestamp, TypeOid, type Interval, type TimestampFields } from '../../catalog/index.js';
import { decRound, type Dec } from '../eval/decimal.js';

const UNIT_ALIASES: Record<string, string> = {
  y: 'year', yr: 'year', yrs: 'year', year: 'year', years: 'year',
  mon: 'month', mons: 'month', month: 'month', months: 'month',
  d: 'day', day: 'day', days: 'day',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  m: 'minute', min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  s: 'second', sec: 'second', secs: 'second', second: 'second', seconds: 'second',
  ms: 'milliseconds', msec: 'milliseconds', msecs: 'milliseconds', millisecond: 'milliseconds', milliseconds: 'milliseconds', millisecon: 'milliseconds',
  us: 'microseconds', usec: 'microseconds', usecs: 'microseconds', microsecond: 'microseconds', microseconds: 'microseconds', microsecon: 'microseconds',
  w: 'week', week: 'week', weeks: 'week',
  qtr: 'quarter', quarter: 'quarter',
  dec: 'decade', decade: 'decade', decades: 'decade', decs: 'decade',
  c: 'century', cent: 'century', century: 'century', centuries: 'century',
  mil: 'millennium', mils: 'millennium', millennium: 'millennium', millennia: 'millennium',
  dow: 'dow', isodow: 'isodow', doy: 'doy', epoch: 'epoch', j: 'julian', julian: 'julian', isoyear: 'isoyear',
  timezone: 'timezone', timezone_h: 'timezone_hour', timezone_hour: 'timezone_hour', timezone_m: 'timezone_minute', timezone_minute: 'timezone_minute',
};

export function normalizeUnit(unit: string, typeOid: number): string {
  const u = UNIT_ALIASES[unit.trim().toLowerCase()];
  if (u === undefined) throw new DbError('22023', `unit "${unit}" not recognized for type ${formatType(typeOid)}`);
  return u;
}

function notSupported(unit: string, typeOid: number): DbError {
  return new DbError('0A000', `unit "${unit}" not supported for type ${formatType(typeOid)}`);
}

const int = (n: number | bigint): Dec => ({ kind: 'num', v: BigInt(n), scale: 0 });
const scaled = (v: bigint, scale: number): Dec => ({ kind: 'num', v, scale });

/** ISO 8601 week number and ISO year of a civil date. */
export function isoWeek(y: number, m: number, d: number): { week: number; isoYear: number } {
  const days = daysFromCivil(y, m, d);
  const isodow = ((dayOfWeek(days) + 6) % 7) + 1; // 1 = Monday
  const thursday = days - isodow + 4;
  const ty = civilYear(thursday);
  const jan1 = daysFromCivil(ty, 1, 1);
  return { week: Math.floor((thursday - jan1) / 7) + 1, isoYear: ty };
}

function civilYear(days: number): number {
  return splitTimestamp(BigInt(days) * 86_400_000_000n).year;
}

/** PostgreSQL's date2j: Julian day number of a civil date. */
export function julianDay(y: number, m: number, d: number): number {
  return daysFromCivil(y, m, d) + 2451545;
}

/** Field of wall-clock timestamp fields (offsetSec for timestamptz). `t` for epoch (UTC µs). */
export function timestampField(unit: string, f: TimestampFields, t: bigint, typeOid: number, offsetSec: number | undefined, isDate: boolean): Dec {
  const yearOut = f.year > 0 ? f.year : f.year - 1; // no year zero in output
  switch (unit) {
    case 'microseconds': return int(f.second * 1_000_000 + f.micros);
    case 'milliseconds': return scaled(BigInt(f.second * 1_000_000 + f.micros), 3);
    case 'second': return scaled(BigInt(f.second * 1_000_000 + f.micros), 6);
    case 'minute': return int(f.minute);
    case 'hour': return int(f.hour);
    case 'day': return int(f.day);
    case 'month': return int(f.month);
    case 'quarter': return int(Math.floor((f.month - 1) / 3) + 1);
    case 'year': return int(yearOut);
    case 'week': return int(isoWeek(f.year, f.month, f.day).week);
    case 'isoyear': {
      const iy = isoWeek(f.year, f.month, f.day).isoYear;
      return int(iy > 0 ? iy : iy - 1);
    }
    case 'decade': return int(yearOut >= 0 ? Math.floor(yearOut / 10) : -Math.floor((8 - (yearOut - 1)) / 10));
    case 'century': return int(yearOut > 0 ? Math.floor((yearOut + 99) / 100) : -Math.floor((99 - (yearOut - 1)) / 100));
    case 'millennium': return int(yearOut > 0 ? Math.floor((yearOut + 999) / 1000) : -Math.floor((999 - (yearOut - 1)) / 1000));
    case 'dow': return int(dayOfWeek(daysFromCivil(f.year, f.month, f.day)));
    case 'isodow': { const w = dayOfWeek(daysFromCivil(f.year, f.month, f.day)); return int(w === 0 ? 7 : w); }
    case 'doy': return int(daysFromCivil(f.year, f.month, f.day) - daysFromCivil(f.year, 1, 1) + 1);
    case 'julian': {
      if (isDate) return int(julianDay(f.year, f.month, f.day));
      // Julian day plus the fraction of the day, as numeric with PostgreSQL's scale.
      const us = BigInt(((f.hour * 60 + f.minute) * 60 + f.second) * 1_000_000 + f.micros);
      const jd = BigInt(julianDay(f.year, f.month, f.day));
      const num = jd * 86_400_000_000n + us;
      return divExact(num, 86_400_000_000n);
    }
    case 'epoch': {
      const unixUs = t + 946_684_800_000_000n;
      return isDate ? int(unixUs / 1_000_000n) : scaled(unixUs, 6);
    }
    case 'timezone':
      if (offsetSec === undefined) throw notSupported(unit, typeOid);
      return int(offsetSec);
    case 'timezone_hour':
      if (offsetSec === undefined) throw notSupported(unit, typeOid);
      return int(Math.trunc(offsetSec / 3600));
    case 'timezone_minute':
      if (offsetSec === undefined) throw notSupported(unit, typeOid);
      return int(Math.trunc((offsetSec % 3600) / 60));
    default:
      throw notSupported(unit, typeOid);
  }
}

/** a / b as numeric with PostgreSQL's division scale (used for julian fractions). */
function divExact(a: bigint, b: bigint): Dec {
  // PostgreSQL computes julian as numeric division with enough digits; 20 decimals suffice.
  const scale = 20;
  const q = (a * 10n ** BigInt(scale + 1)) / b;
  const r = decRound(scaled(q, scale + 1), scale) as { kind: 'num'; v: bigint; scale: number };
  // Trim trailing zeros as numeric_div_opt_error would not; PostgreSQL shows them trimmed for
  // julian via select_div_scale; keep at most 20 digits.
  let v = r.v, s = r.scale;
  while (s > 0 && v % 10n === 0n) {
    v /= 10n;
    s--;
  }
  return scaled(v, s);
}

/** Infinite timestamps: epoch/year-like fields are ±Infinity, others NULL (PostgreSQL 15). */
export function infiniteField(unit: string, positive: boolean): Dec | null {
  switch (unit) {
    case 'epoch': case 'julian': case 'year': case 'isoyear': case 'decade': case 'century': case 'millennium':
      return { kind: 'inf', neg: !positive };
    default:
      return null;
  }
}

export function intervalField(unit: string, v: Interval): Dec {
  const us = v.micros;
  switch (unit) {
    case 'microseconds': return int(us % 60_000_000n);
    case 'milliseconds': return scaled(us % 60_000_000n, 3);
    case 'second': return scaled(us % 60_000_000n, 6);
    case 'minute': return int((us / 60_000_000n) % 60n);
    case 'hour': return int(us / 3_600_000_000n);
    case 'day': return int(v.days);
    case 'month': return int(v.months % 12);
    case 'quarter': return int(Math.trunc((v.months % 12) / 3) + 1);
    case 'year': return int(Math.trunc(v.months / 12));
    case 'decade': return int(Math.trunc(v.months / 120));
    case 'century': return int(Math.trunc(v.months / 1200));
    case 'millennium': return int(Math.trunc(v.months / 12000));
    case 'epoch': {
      // years as 365.25 days, remaining months as 30 days (DAYS_PER_YEAR, DAYS_PER_MONTH).
      const years = BigInt(Math.trunc(v.months / 12));
      const months = BigInt(v.months % 12);
      const secsUs = years * 31_557_600_000_000n + months * 30n * 86_400_000_000n + BigInt(v.days) * 86_400_000_000n + us;
      return scaled(secsUs, 6);
    }
    default:
      throw notSupported(unit, TypeOid.interval);
  }
}

export function timeField(unit: string, us: bigint): Dec {
  const secs = us / 1_000_000n;
  switch (unit) {
    case 'microseconds': return int(us % 60_000_000n);
    case 'milliseconds': return scaled(us % 60_000_000n, 3);
    case 'second': return scaled(us % 60_000_000n, 6);
    case 'minute': return int((secs / 60n) % 60n);
    case 'hour': return int(secs / 3600n);
    case 'epoch': return scaled(us, 6);
    default:
      throw notSupported(unit, TypeOid.time);
  }
}

/** date_trunc on wall-clock fields. */
export function truncFields(unit: string, f: TimestampFields, typeOid: number): TimestampFields {
  const z = { ...f };
  switch (unit) {
    case 'millennium': z.year = f.year > 0 ? Math.floor((f.year - 1) / 1000) * 1000 + 1 : -(Math.floor((999 - (f.year - 1)) / 1000) * 1000) + 1; z.month = 1; z.day = 1; z.hour = z.minute = z.second = z.micros = 0; return z;
    case 'century': z.year = f.year > 0 ? Math.floor((f.year - 1) / 100) * 100 + 1 : -(Math.floor((99 - (f.year - 1)) / 100) * 100) + 1; z.month = 1; z.day = 1; z.hour = z.minute = z.second = z.micros = 0; return z;
    case 'decade': z.year = f.year > 0 ? Math.floor(f.year / 10) * 10 : -Math.floor((8 - (f.year - 1)) / 10) * 10; z.month = 1; z.day = 1; z.hour = z.minute = z.second = z.micros = 0; return z;
    case 'year': z.month = 1; z.day = 1; z.hour = z.minute = z.second = z.micros = 0; return z;
    case 'quarter': z.month = Math.floor((f.month - 1) / 3) * 3 + 1; z.day = 1; z.hour = z.minute = z.second = z.micros = 0; return z;
    case 'month': z.day = 1; z.hour = z.minute = z.second = z.micros = 0; return z;
    case 'week': {
      const days = daysFromCivil(f.year, f.month, f.day);
      const isodow = ((dayOfWeek(days) + 6) % 7);
      const s = splitTimestamp(BigInt(days - isodow) * 86_400_000_000n);
      return { ...s };
    }
    case 'day': z.hour = z.minute = z.second = z.micros = 0; return z;
    case 'hour': z.minute = z.second = z.micros = 0; return z;
    case 'minute': z.second = z.micros = 0; return z;
    case 'second': z.micros = 0; return z;
    case 'milliseconds': z.micros = Math.floor(f.micros / 1000) * 1000; return z;
    case 'microseconds': return z;
    default:
      throw notSupported(unit, typeOid);
  }
}

export { isTimestampInfinite };
