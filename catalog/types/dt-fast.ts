// Fast paths for the date/time text most often seen on the wire and in COPY: canonical ISO
// 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.ffffff]' (or 'T'), an optional 'Z' / '+HH[:MM[:SS]]' /
// '+HHMM' offset, and 'HH:MM:SS[.ffffff]'. They scan characters without splitting or regexes.
// Anything else — other orders, words, BC, 24:00, leap seconds, more than 6 fraction digits,
// out-of-range fields — returns undefined and the caller uses dt-parse, which owns every error
// message. Invariant: when a fast path answers, dt-parse would answer the same value.
import { daysFromCivil, daysInMonth } from './calendar.js';
import { localToUtc, zoneOrThrow } from './timezone.js';
import { USECS_PER_DAY } from './values.js';

/** Digit value at i, or -1. */
function dig(s: string, i: number): number {
  const c = s.charCodeAt(i) - 0x30;
  return c >= 0 && c <= 9 ? c : -1;
}

function two(s: string, i: number): number {
  const a = dig(s, i);
  const b = dig(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** Days since 2000-01-01 for 'YYYY-MM-DD' at the start of s, or -1 (never a valid day count here). */
function ymd(s: string): number | undefined {
  if (s.length < 10 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return undefined;
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  const m = two(s, 5);
  const d = two(s, 8);
  if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1) return undefined;
  const y = y1 * 100 + y2;
  if (y === 0 || d > daysInMonth(y, m)) return undefined;
  return daysFromCivil(y, m, d);
}

/** µs since midnight for 'HH:MM:SS[.f{1,6}]' starting at i; [micros, end] or undefined. */
function hms(s: string, i: number): [number, number] | undefined {
  if (s.length < i + 8 || s.charCodeAt(i + 2) !== 0x3a || s.charCodeAt(i + 5) !== 0x3a) return undefined;
  const h = two(s, i);
  const mi = two(s, i + 3);
  const se = two(s, i + 6);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  let us = ((h * 60 + mi) * 60 + se) * 1_000_000;
  let j = i + 8;
  if (s.charCodeAt(j) === 0x2e) {
    j++;
    let scale = 100_000;
    const start = j;
    while (j < s.length && dig(s, j) >= 0) {
      if (scale < 1) return undefined; // more than 6 digits: PostgreSQL rounds; leave it to dt-parse
      us += dig(s, j) * scale;
      scale /= 10;
      j++;
    }
    if (j === start) return undefined;
  }
  return [us, j];
}

/** Offset in seconds east for 'Z', '+HH', '+HH:MM', '+HH:MM:SS', '+HHMM' filling s from i. */
function offset(s: string, i: number): number | undefined {
  const c = s.charCodeAt(i);
  if (c === 0x5a || c === 0x7a) return i + 1 === s.length ? 0 : undefined; // Z
  if (c !== 0x2b && c !== 0x2d) return undefined;
  const sign = c === 0x2d ? -1 : 1;
  const h = two(s, i + 1);
  if (h < 0 || h > 15) return undefined;
  let mi = 0;
  let se = 0;
  let j = i + 3;
  if (j < s.length) {
    if (s.charCodeAt(j) === 0x3a) j++;
    mi = two(s, j);
    j += 2;
    if (j < s.length) {
      if (s.charCodeAt(j) !== 0x3a) return undefined;
      se = two(s, j + 1);
      j += 3;
    }
  }
  if (j !== s.length || mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  return sign * (h * 3600 + mi * 60 + se);
}

/** 'YYYY-MM-DD' → days since 2000-01-01, or undefined (use the general parser). */
export function fastDate(s: string): number | undefined {
  return s.length === 10 ? ymd(s) : undefined;
}

/** 'HH:MM:SS[.ffffff]' → µs since midnight, or undefined. */
export function fastTime(s: string): bigint | undefined {
  const t = hms(s, 0);
  return t !== undefined && t[1] === s.length ? BigInt(t[0]) : undefined;
}

/**
 * Canonical ISO timestamp text → µs since 2000-01-01 (wall clock for timestamp, UTC for
 * timestamptz, where a missing offset means the session zone), or undefined.
 * timestamp input ignores an offset, as PostgreSQL does.
 */
export function fastTimestamp(s: string, withTz: boolean, timeZone: string): bigint | undefined {
  const days = ymd(s);
  if (days === undefined) return undefined;
  const sep = s.charCodeAt(10);
  if (s.length === 10 || (sep !== 0x20 && sep !== 0x54)) return undefined;
  const t = hms(s, 11);
  if (t === undefined) return undefined;
  const [us, end] = t;
  let off: number | undefined;
  if (end < s.length) {
    off = offset(s, end);
    if (off === undefined) return undefined;
  }
  // Years ~1727–2273 (|days| ≤ 100 000): every step is an exact double, one BigInt at the end
  // (COPY converts a timestamp per row; the bigint arithmetic was most of the cost).
  if (days <= DAYS_EXACT_MAX && days >= -DAYS_EXACT_MAX) {
    const localNum = days * USECS_PER_DAY_NUM + us;
    if (!withTz) return BigInt(localNum);
    if (off !== undefined) return BigInt(localNum - off * 1_000_000);
    return localToUtc(zoneOrThrow(timeZone), BigInt(localNum));
  }
  const local = BigInt(days) * USECS_PER_DAY + BigInt(us);
  if (!withTz) return local;
  return off !== undefined ? local - BigInt(off) * 1_000_000n : localToUtc(zoneOrThrow(timeZone), local);
}

/** |days| up to this keeps days * USECS_PER_DAY + µs (and an offset) below 2^53. */
const DAYS_EXACT_MAX = 100_000;
const USECS_PER_DAY_NUM = 86_400_000_000;
