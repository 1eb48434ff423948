// Proleptic Gregorian calendar arithmetic on PostgreSQL's epoch (2000-01-01). Years are
// astronomical here (1 BC = 0, 2 BC = -1); BC conversion happens only in text I/O.
// Invariant: every function is exact integer arithmetic (no Date, no floating point).
import { DATE_NEG_INFINITY, DATE_POS_INFINITY, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY, USECS_PER_DAY } from './values.js';

/** Days from 1970-01-01 to 2000-01-01. */
const UNIX_TO_PG_DAYS = 10957;

/** Days since 2000-01-01 of a civil date (Hinnant's days_from_civil, shifted to the PG epoch). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 - UNIX_TO_PG_DAYS;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Civil date of a day count since 2000-01-01 (inverse of daysFromCivil). */
export function civilFromDays(days: number): CivilDate {
  const z = days + UNIX_TO_PG_DAYS + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!;
}

/** 0 = Sunday ... 6 = Saturday (2000-01-01 was a Saturday). */
export function dayOfWeek(days: number): number {
  return (((days + 6) % 7) + 7) % 7;
}

/** Valid Julian-day range of dates: 4714-11-24 BC .. 5874897-12-31 AD (PostgreSQL's limits). */
export const DATE_MIN_DAYS = daysFromCivil(-4713, 11, 24);
export const DATE_END_DAYS = daysFromCivil(5874898, 1, 1);
/** Timestamps: 4714-11-24 00:00 BC .. 294276-12-31 23:59:59.999999 AD. */
export const TIMESTAMP_MIN = BigInt(DATE_MIN_DAYS) * USECS_PER_DAY;
export const TIMESTAMP_END = BigInt(daysFromCivil(294277, 1, 1)) * USECS_PER_DAY;

export function isValidDateDays(days: number): boolean {
  return days >= DATE_MIN_DAYS && days < DATE_END_DAYS;
}

/**
 * PostgreSQL's IS_VALID_JULIAN on civil fields: it checks year and month only (4713 BC November
 * through 5874898 May); callers then check the exact range (IS_VALID_DATE / IS_VALID_TIMESTAMP),
 * which for timestamptz happens after the zone shift.
 */
export function isValidJulianYmd(y: number, m: number, _d?: number): boolean {
  return (y > -4713 || (y === -4713 && m >= 11)) && (y < 5874898 || (y === 5874898 && m < 6));
}

export function isValidTimestamp(t: bigint): boolean {
  return t >= TIMESTAMP_MIN && t < TIMESTAMP_END;
}

export function isDateInfinite(d: number): boolean {
  return d === DATE_POS_INFINITY || d === DATE_NEG_INFINITY;
}

export function isTimestampInfinite(t: bigint): boolean {
  return t === TIMESTAMP_POS_INFINITY || t === TIMESTAMP_NEG_INFINITY;
}

/** A timestamp broken into wall-clock fields (astronomical year). */
export interface TimestampFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Microseconds within the second, 0..999999. */
  micros: number;
}

const SAFE_US = BigInt(Number.MAX_SAFE_INTEGER);

/** Split µs since 2000-01-01 (wall clock) into fields. */
export function splitTimestamp(t: bigint): TimestampFields {
  // Within ±2^53 µs (years 1715..2285) plain doubles are exact and avoid BigInt allocations.
  if (t <= SAFE_US && t >= -SAFE_US) {
    const n = Number(t);
    let d = Math.floor(n / 86_400_000_000);
    let r = n - d * 86_400_000_000;
    // The quotient is rounded: near a day boundary it can be one off; r is exact, so fix up.
    if (r < 0) { d--; r += 86_400_000_000; } else if (r >= 86_400_000_000) { d++; r -= 86_400_000_000; }
    const c = civilFromDays(d);
    const secs = Math.floor(r / 1e6);
    return { year: c.year, month: c.month, day: c.day, hour: Math.floor(secs / 3600), minute: Math.floor(secs / 60) % 60, second: secs % 60, micros: r - secs * 1e6 };
  }
  let days = t / USECS_PER_DAY;
  let rem = t - days * USECS_PER_DAY;
  if (rem < 0n) { rem += USECS_PER_DAY; days -= 1n; }
  const c = civilFromDays(Number(days));
  const r = Number(rem);
  const secs = Math.floor(r / 1e6);
  return {
    year: c.year,
    month: c.month,
    day: c.day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor(secs / 60) % 60,
    second: secs % 60,
    micros: r - secs * 1e6,
  };
}

/** Fields back to µs since 2000-01-01 (no range check; hour may be 24, fields may overflow). */
export function joinTimestamp(f: TimestampFields): bigint {
  const days = daysFromCivil(f.year, f.month, f.day);
  const timeUs = ((f.hour * 60 + f.minute) * 60 + f.second) * 1e6 + f.micros;
  return BigInt(days) * USECS_PER_DAY + BigInt(timeUs);
}

/** Split µs since midnight into time fields. */
export function splitTime(us: bigint): { hour: number; minute: number; second: number; micros: number } {
  const r = Number(us);
  const secs = Math.floor(r / 1e6);
  return { hour: Math.floor(secs / 3600), minute: Math.floor(secs / 60) % 60, second: secs % 60, micros: r - secs * 1e6 };
}
