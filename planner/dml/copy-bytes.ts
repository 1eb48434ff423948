// Byte-level field rules of COPY's text fast path (copy-fast.ts): each is the byte-for-byte
// twin of a string rule — copy-cells.ts plainInt / scanDecimal / numericFitting, catalog
// dt-fast.ts fastTimestamp — and answers undefined (or -1) wherever that rule would, so the
// caller falls back to the general converter with the same text. Plus where UTF-8 validation
// of a chunk may stop (completeEnd).

import { daysFromCivil, daysInMonth } from '../../catalog/index.js';

const NUMERIC_FAST_BYTES_MAX = 40;
const DAYS_EXACT_MAX = 100_000;
const USECS_PER_DAY = 86_400_000_000;

interface Latin1 {
  latin1Slice(start: number, end: number): string;
}

/** The date part last seen by timestampMicros: bulk loads repeat a day for many rows. */
export class DayCache {
  readonly bytes = new Uint8Array(10);
  /** Days since 2000-01-01 of `bytes`; NaN while empty. */
  days = NaN;
}

/**
 * Where validation may stop: before a trailing incomplete character that a later chunk can
 * complete (a lead byte and valid continuation bytes, fewer than it needs), else `end` (an
 * invalid tail fails validation now, as a streaming TextDecoder fails).
 */
export function completeEnd(b: Uint8Array, from: number, end: number): number {
  let i = end - 1;
  let k = 0;
  while (i >= from && k < 3 && (b[i]! & 0xc0) === 0x80) {
    i--;
    k++;
  }
  if (i < from) return end;
  const lead = b[i]!;
  const need = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
  if (need <= k) return end;
  if (k >= 1) {
    const c1 = b[i + 1]!;
    if ((lead === 0xe0 && c1 < 0xa0) || (lead === 0xed && c1 > 0x9f) || (lead === 0xf0 && c1 < 0x90) || (lead === 0xf4 && c1 > 0x8f)) return end;
  }
  return i;
}

/** copy-cells.ts plainInt over bytes: '-'? then 1–15 digits without a leading zero, or "0". */
export function plainInt(b: Uint8Array, s: number, e: number): number | undefined {
  let i = b[s] === 0x2d ? s + 1 : s;
  const digits = e - i;
  if (digits < 1 || digits > 15) return undefined;
  if (b[i] === 0x30) return e - s === 1 ? 0 : undefined;
  let v = 0;
  for (; i < e; i++) {
    const c = b[i]! - 0x30;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return e - s > digits ? -v : v;
}

function sameDay(b: Uint8Array, s: number, cache: DayCache): boolean {
  const k = cache.bytes;
  for (let i = 0; i < 10; i++) if (b[s + i] !== k[i]) return false;
  return cache.days === cache.days;
}

/** 'YYYY-MM-DD' at s → days since 2000-01-01 (remembered in `cache`), or undefined. */
function dayOf(b: Uint8Array, s: number, e: number, cache: DayCache): number | undefined {
  if (b[s + 4] !== 0x2d || b[s + 7] !== 0x2d) return undefined;
  const y1 = two(b, s, e);
  const y2 = two(b, s + 2, e);
  const m = two(b, s + 5, e);
  const d = two(b, s + 8, e);
  if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1) return undefined;
  const y = y1 * 100 + y2;
  if (y === 0 || d > daysInMonth(y, m)) return undefined;
  const days = daysFromCivil(y, m, d);
  cache.bytes.set(b.subarray(s, s + 10));
  cache.days = days;
  return days;
}

/** Two digits at i (i + 1 < e), or -1. */
function two(b: Uint8Array, i: number, e: number): number {
  if (i + 1 >= e) return -1;
  const x = b[i]! - 0x30;
  const y = b[i + 1]! - 0x30;
  return x < 0 || x > 9 || y < 0 || y > 9 ? -1 : x * 10 + y;
}

/**
 * catalog dt-fast.ts fastTimestamp over bytes, for input with an explicit offset only: µs since
 * 2000-01-01 as a number (a safe integer: |days| ≤ DAYS_EXACT_MAX), the cell is its BigInt.
 */
export function timestampMicros(b: Uint8Array, s: number, e: number, withTz: boolean, cache: DayCache): number | undefined {
  if (e - s < 19) return undefined;
  const days = sameDay(b, s, cache) ? cache.days : dayOf(b, s, e, cache);
  if (days === undefined) return undefined;
  const sep = b[s + 10];
  if (sep !== 0x20 && sep !== 0x54) return undefined;
  const i = s + 11;
  if (b[i + 2] !== 0x3a || b[i + 5] !== 0x3a) return undefined;
  const h = two(b, i, e);
  const mi = two(b, i + 3, e);
  const se = two(b, i + 6, e);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  let us = ((h * 60 + mi) * 60 + se) * 1_000_000;
  let j = i + 8;
  if (j < e && b[j] === 0x2e) {
    j++;
    let scale = 100_000;
    const from = j;
    while (j < e && b[j]! >= 0x30 && b[j]! <= 0x39) {
      if (scale < 1) return undefined; // more than 6 digits: dt-parse rounds
      us += (b[j]! - 0x30) * scale;
      scale /= 10;
      j++;
    }
    if (j === from) return undefined;
  }
  if (days > DAYS_EXACT_MAX || days < -DAYS_EXACT_MAX) return undefined;
  const local = days * USECS_PER_DAY + us;
  // No offset: timestamptz takes the session zone (the general path); timestamp is the wall clock.
  if (j >= e) return withTz ? undefined : local;
  const off = offsetSeconds(b, j, e);
  if (off === undefined) return undefined;
  return withTz ? local - off * 1_000_000 : local;
}

/** dt-fast.ts offset(): 'Z', '±HH', '±HH:MM', '±HH:MM:SS', '±HHMM' filling [i, e). */
function offsetSeconds(b: Uint8Array, i: number, e: number): number | undefined {
  const c = b[i];
  if (c === 0x5a || c === 0x7a) return i + 1 === e ? 0 : undefined;
  if (c !== 0x2b && c !== 0x2d) return undefined;
  const sign = c === 0x2d ? -1 : 1;
  const h = two(b, i + 1, e);
  if (h < 0 || h > 15) return undefined;
  let mi = 0;
  let se = 0;
  let j = i + 3;
  if (j < e) {
    if (b[j] === 0x3a) j++;
    mi = two(b, j, e);
    j += 2;
    if (j < e) {
      if (b[j] !== 0x3a) return undefined;
      se = two(b, j + 1, e);
      j += 3;
    }
  }
  if (j !== e || mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  return sign * (h * 3600 + mi * 60 + se);
}

/**
 * copy-cells.ts scanDecimal over bytes: the fraction digit count of plain canonical decimal
 * text, with the integer digit count in the high bits (intDigits * 256 + fracDigits; a lone
 * integer zero counts 0), or -1 when the general parser must decide.
 */
export function scanDecimal(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 0 || n > NUMERIC_FAST_BYTES_MAX) return -1;
  let i = b[s] === 0x2d ? s + 1 : s;
  const intStart = i;
  while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
  const intEnd = i;
  const intDigits = intEnd - intStart;
  if (intDigits === 0) return -1;
  if (intDigits > 1 && b[intStart] === 0x30) return -1;
  let fracDigits = 0;
  if (i < e) {
    if (b[i] !== 0x2e) return -1;
    i++;
    const fracStart = i;
    while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    if (i !== e) return -1;
    fracDigits = i - fracStart;
    if (fracDigits === 0) return -1;
  }
  const lone0 = intDigits === 1 && b[intStart] === 0x30;
  if (intStart === s + 1 && lone0) {
    let zeros = true;
    for (let k = intEnd + 1; k < e; k++) if (b[k] !== 0x30) zeros = false;
    if (zeros) return -1; // negative zero prints without its sign
  }
  return (lone0 ? 0 : intDigits) * 256 + fracDigits;
}

const ZEROS = '0'.repeat(1000);

/**
 * How numericFitting stores bytes [s, e) in numeric(p,s): -1 when it does not (the general
 * parser decides), else the zeros to append (the field's text as it is when 0), plus NUMERIC_DOT
 * when a '.' comes before them (an integer).
 */
export function numericPad(b: Uint8Array, s: number, e: number, p: number, sc: number): number {
  const d = scanDecimal(b, s, e);
  if (d < 0) return -1;
  const frac = d & 0xff;
  if (frac > sc || d >> 8 > p - sc) return -1;
  if (frac === sc) return 0;
  return frac === 0 ? NUMERIC_DOT | sc : sc - frac;
}

/** numericPad's flag: a '.' before the zeros (scale ≤ 1000 < NUMERIC_DOT). */
export const NUMERIC_DOT = 0x10000;

/** copy-cells.ts numericFitting over bytes: the stored text of numeric(p,s), or undefined. */
export function numericFitting(b: Uint8Array, s: number, e: number, p: number, sc: number): string | undefined {
  const pad = numericPad(b, s, e, p, sc);
  if (pad < 0) return undefined;
  return numericText((b as unknown as Latin1).latin1Slice(s, e), pad);
}

/** The stored text of a field's text and its numericPad. */
export function numericText(text: string, pad: number): string {
  if (pad === 0) return text;
  return pad & NUMERIC_DOT ? `${text}.${ZEROS.slice(0, pad & 0xffff)}` : text + ZEROS.slice(0, pad);
}
