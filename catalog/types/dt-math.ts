// Date/time arithmetic the planner's operators and functions build on, with PostgreSQL 15's
// rules: interval addition applies months (clamping the day to the month's length), then days,
// then microseconds; timestamptz months/days are applied to the wall clock in the session zone;
// timestamp - timestamp is justify_hours of the µs difference; age() borrows field by field.
import { DbError } from '../errors.js';
import { civilFromDays, daysFromCivil, daysInMonth, isTimestampInfinite, isValidTimestamp, joinTimestamp, splitTimestamp, type TimestampFields } from './calendar.js';
import { justifyHours } from './interval.js';
import { localToUtc, offsetAt, type Zone } from './timezone.js';
import type { Interval } from './values.js';
import { USECS_PER_DAY } from './values.js';

function tsOutOfRange(): DbError {
  return new DbError('22008', 'timestamp out of range');
}

/** Wall-clock fields of a timestamptz in `zone`, with the offset (seconds east) used. */
export function timestamptzToFields(t: bigint, zone: Zone): TimestampFields & { offsetSec: number } {
  const off = offsetAt(zone, t);
  return { ...splitTimestamp(t + BigInt(off) * 1_000_000n), offsetSec: off };
}

/** The instant of wall-clock fields in `zone` (gap/overlap rules as PostgreSQL). */
export function fieldsToTimestamptz(f: TimestampFields, zone: Zone): bigint {
  return localToUtc(zone, joinTimestamp(f));
}

/** Add months to fields, clamping the day to the target month's length. */
export function addMonthsToFields(f: TimestampFields, months: number): TimestampFields {
  const total = f.year * 12 + (f.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const day = Math.min(f.day, daysInMonth(year, month));
  return { ...f, year, month, day };
}

function addDaysToFields(f: TimestampFields, days: number): TimestampFields {
  const c = civilFromDays(daysFromCivil(f.year, f.month, f.day) + days);
  return { ...f, year: c.year, month: c.month, day: c.day };
}

/**
 * timestamp + interval (zone undefined) or timestamptz + interval (zone = session TimeZone).
 * Infinite timestamps are returned unchanged. Throws 22008 "timestamp out of range".
 */
export function addInterval(t: bigint, iv: Interval, zone?: Zone): bigint {
  if (isTimestampInfinite(t)) return t;
  let r = t;
  if (iv.months !== 0 || iv.days !== 0) {
    if (!isValidTimestamp(r)) throw tsOutOfRange();
    let f = zone === undefined ? splitTimestamp(r) : timestamptzToFields(r, zone);
    if (iv.months !== 0) {
      f = addMonthsToFields(f, iv.months);
      r = zone === undefined ? joinTimestamp(f) : fieldsToTimestamptz(f, zone);
      if (!isValidTimestamp(r)) throw tsOutOfRange();
      f = zone === undefined ? f : timestamptzToFields(r, zone);
    }
    if (iv.days !== 0) {
      f = addDaysToFields(f, iv.days);
      r = zone === undefined ? joinTimestamp(f) : fieldsToTimestamptz(f, zone);
    }
  }
  r += iv.micros;
  if (!isValidTimestamp(r)) throw tsOutOfRange();
  return r;
}

/** timestamp - interval. */
export function subInterval(t: bigint, iv: Interval, zone?: Zone): bigint {
  return addInterval(t, { months: -iv.months, days: -iv.days, micros: -iv.micros }, zone);
}

/** timestamp - timestamp (either kind): justify_hours of the µs difference. */
export function timestampDiff(a: bigint, b: bigint): Interval {
  if (isTimestampInfinite(a) || isTimestampInfinite(b)) throw new DbError('22008', 'cannot subtract infinite timestamps');
  const d = a - b;
  if (d < -(1n << 63n) || d >= 1n << 63n) throw new DbError('22008', 'interval out of range');
  return justifyHours({ months: 0, days: 0, micros: d });
}

/**
 * age(a, b): the symbolic field difference (years, months, days, time), borrowing from the next
 * field up as PostgreSQL's timestamp_age does. For timestamptz pass the session zone.
 */
export function age(a: bigint, b: bigint, zone?: Zone): Interval {
  if (isTimestampInfinite(a) || isTimestampInfinite(b)) throw new DbError('22008', 'cannot subtract infinite timestamps');
  const f1 = zone === undefined ? splitTimestamp(a) : timestamptzToFields(a, zone);
  const f2 = zone === undefined ? splitTimestamp(b) : timestamptzToFields(b, zone);
  const neg = a < b;
  let us = f1.micros - f2.micros;
  let sec = f1.second - f2.second;
  let min = f1.minute - f2.minute;
  let hour = f1.hour - f2.hour;
  let mday = f1.day - f2.day;
  let mon = f1.month - f2.month;
  let year = f1.year - f2.year;
  if (neg) { us = -us; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year; }
  while (us < 0) { us += 1_000_000; sec--; }
  while (sec < 0) { sec += 60; min--; }
  while (min < 0) { min += 60; hour--; }
  while (hour < 0) { hour += 24; mday--; }
  while (mday < 0) {
    const ref = neg ? f1 : f2;
    mday += daysInMonth(ref.year, ref.month);
    mon--;
  }
  while (mon < 0) { mon += 12; year--; }
  if (neg) { us = -us; sec = -sec; min = -min; hour = -hour; mday = -mday; mon = -mon; year = -year; }
  const micros = BigInt(((hour * 60 + min) * 60 + sec)) * 1_000_000n + BigInt(us);
  return { months: year * 12 + mon, days: mday, micros };
}

/** date (days since 2000-01-01) at midnight as a timestamp (µs). */
export function dateToTimestamp(days: number): bigint {
  return BigInt(days) * USECS_PER_DAY;
}

/** The date part of a wall-clock timestamp (floor). */
export function timestampToDate(t: bigint): number {
  let d = t / USECS_PER_DAY;
  if (t < 0n && d * USECS_PER_DAY !== t) d -= 1n;
  return Number(d);
}
