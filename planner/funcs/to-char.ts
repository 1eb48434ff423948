// to_char(timestamp|timestamptz|interval, format) and to_timestamp/to_date(text, format):
// PostgreSQL's template patterns (formatting.c) for the common subset — HH/HH12/HH24, MI, SS,
// MS, US, FF1-6, SSSS, AM/PM, YYYY/YYY/YY/Y, Y,YYY, IYYY, MONTH/Month/month, MON/Mon/mon, MM,
// DAY/Day/day, DY/Dy/dy, DDD, DD, D, ID, IDDD, W, WW, IW, CC, J, Q, RM, TZ, TZH, TZM, OF,
// BC/AD, with the FM prefix, TH/th suffixes, "quoted text" and backslash escapes. Anything
// else is copied through, as PostgreSQL does with non-pattern characters.

import { DbError, dayOfWeek, daysFromCivil, localToUtc, offsetAt, type Interval, type TimestampFields, type Zone } from '../../catalog/index.js';
import type { EvalContext } from '../bind/expr.js';
import { isoWeek, julianDay } from './datetime-fields.js';
import { sessionZone } from './zone.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

/** Patterns, longest first; `ci` = matched case-insensitively (no case variants). */
const PATTERNS: Array<{ p: string; ci: boolean }> = [
  'A.D.', 'a.d.', 'B.C.', 'b.c.', 'A.M.', 'a.m.', 'P.M.', 'p.m.', 'Y,YYY', 'MONTH', 'Month', 'month',
  'SSSSS', 'HH24', 'HH12', 'IYYY', 'IDDD', 'SSSS', 'YYYY', 'TZH', 'TZM', 'YYY', 'IYY', 'MON', 'Mon', 'mon',
  'DAY', 'Day', 'day', 'DDD', 'FF1', 'FF2', 'FF3', 'FF4', 'FF5', 'FF6', 'AD', 'ad', 'BC', 'bc', 'AM', 'am', 'PM', 'pm',
  'HH', 'MI', 'SS', 'MS', 'US', 'YY', 'IY', 'MM', 'DY', 'Dy', 'dy', 'DD', 'ID', 'WW', 'IW', 'CC', 'RM', 'rm', 'TZ', 'tz', 'OF',
  'Y', 'I', 'D', 'W', 'J', 'Q',
].map((p) => ({ p, ci: /^[A-Z0-9,]+$/.test(p) && !['AD', 'BC', 'AM', 'PM', 'TZ', 'RM', 'DY', 'DAY', 'MON', 'MONTH'].includes(p) }));

type Token = { kind: 'lit'; text: string } | { kind: 'pat'; p: string; fm: boolean; th: '' | 'TH' | 'th' };

function tokenize(fmt: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    if (fmt.startsWith('FM', i) || fmt.startsWith('fm', i)) {
      fm = true;
      i += 2;
    }
    if (fmt.startsWith('FX', i) || fmt.startsWith('fx', i)) {
      i += 2;
      continue;
    }
    const c = fmt[i];
    if (c === undefined) break;
    if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < fmt.length && fmt[j] !== '"') {
        if (fmt[j] === '\\' && j + 1 < fmt.length) j++;
        text += fmt[j];
        j++;
      }
      out.push({ kind: 'lit', text });
      i = j + 1;
      continue;
    }
    if (c === '\\' && i + 1 < fmt.length) {
      out.push({ kind: 'lit', text: fmt[i + 1]! });
      i += 2;
      continue;
    }
    const hit = PATTERNS.find(({ p, ci }) => (ci ? fmt.slice(i, i + p.length).toUpperCase() === p : fmt.startsWith(p, i)));
    if (!hit) {
      out.push({ kind: 'lit', text: c });
      i++;
      continue;
    }
    i += hit.p.length;
    let th: '' | 'TH' | 'th' = '';
    if (fmt.startsWith('TH', i)) { th = 'TH'; i += 2; } else if (fmt.startsWith('th', i)) { th = 'th'; i += 2; }
    out.push({ kind: 'pat', p: hit.ci ? hit.p : hit.p, fm, th });
  }
  return out;
}

function ordinal(n: number, upper: boolean): string {
  const a = Math.abs(n) % 100;
  const s = a >= 11 && a <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][Math.abs(n) % 10] ?? 'th');
  return upper ? s.toUpperCase() : s;
}

function num(n: number, width: number, fm: boolean): string {
  const s = String(Math.abs(n));
  const body = fm ? s : s.padStart(width, '0');
  return (n < 0 ? '-' : '') + body;
}

function caseLike(pattern: string, word: string): string {
  if (pattern === pattern.toUpperCase()) return word.toUpperCase();
  if (pattern === pattern.toLowerCase()) return word.toLowerCase();
  return word;
}

export interface TzInfo {
  offsetSec: number;
  zone: Zone;
}

function offsetText(off: number, withMinutes: boolean): string {
  const a = Math.abs(off);
  const h = Math.floor(a / 3600), m = Math.floor((a % 3600) / 60);
  return `${off < 0 ? '-' : '+'}${String(h).padStart(2, '0')}${withMinutes || m ? ':' + String(m).padStart(2, '0') : ''}`;
}

export function toCharTimestamp(f: TimestampFields, fmt: string, tz: TzInfo | undefined, _ctx: EvalContext, _t: bigint, isInterval = false): string {
  if (isInterval) return toCharIntervalFields(f, fmt);
  const days = daysFromCivil(f.year, f.month, f.day);
  const dow = dayOfWeek(days);
  const yearOut = f.year > 0 ? f.year : 1 - f.year;
  const bc = f.year <= 0;
  let out = '';
  for (const tok of tokenize(fmt)) {
    if (tok.kind === 'lit') {
      out += tok.text;
      continue;
    }
    const { p, fm } = tok;
    let s: string;
    let n: number | undefined;
    switch (p.toUpperCase()) {
      case 'HH': case 'HH12': n = f.hour % 12 === 0 ? 12 : f.hour % 12; s = num(n, 2, fm); break;
      case 'HH24': n = f.hour; s = num(n, 2, fm); break;
      case 'MI': n = f.minute; s = num(n, 2, fm); break;
      case 'SS': n = f.second; s = num(n, 2, fm); break;
      case 'MS': n = Math.floor(f.micros / 1000); s = num(n, 3, fm); break;
      case 'US': n = f.micros; s = num(n, 6, fm); break;
      case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': {
        const d = Number(p[2]);
        n = Math.floor(f.micros / 10 ** (6 - d));
        s = num(n, d, false);
        break;
      }
      case 'SSSS': case 'SSSSS': n = (f.hour * 60 + f.minute) * 60 + f.second; s = String(n); break;
      case 'AM': case 'PM': s = caseLike(p, f.hour < 12 ? 'AM' : 'PM'); break;
      case 'A.M.': case 'P.M.': s = caseLike(p, f.hour < 12 ? 'A.M.' : 'P.M.'); break;
      case 'AD': case 'BC': s = caseLike(p, bc ? 'BC' : 'AD'); break;
      case 'A.D.': case 'B.C.': s = caseLike(p, bc ? 'B.C.' : 'A.D.'); break;
      case 'Y,YYY': s = `${Math.floor(yearOut / 1000)},${String(yearOut % 1000).padStart(3, '0')}`; break;
      case 'YYYY': n = yearOut; s = num(n, 4, fm); break;
      case 'YYY': n = yearOut % 1000; s = num(n, 3, fm); break;
      case 'YY': n = yearOut % 100; s = num(n, 2, fm); break;
      case 'Y': n = yearOut % 10; s = String(n); break;
      case 'IYYY': n = isoWeek(f.year, f.month, f.day).isoYear; s = num(n, 4, fm); break;
      case 'IYY': n = isoWeek(f.year, f.month, f.day).isoYear % 1000; s = num(n, 3, fm); break;
      case 'IY': n = isoWeek(f.year, f.month, f.day).isoYear % 100; s = num(n, 2, fm); break;
      case 'I': n = isoWeek(f.year, f.month, f.day).isoYear % 10; s = String(n); break;
      case 'MONTH': { const w = caseLike(p, MONTHS[f.month - 1]!); s = fm ? w : w.padEnd(9); break; }
      case 'MON': s = caseLike(p, MONTHS[f.month - 1]!.slice(0, 3)); break;
      case 'MM': n = f.month; s = num(n, 2, fm); break;
      case 'DAY': { const w = caseLike(p, DAYS[dow]!); s = fm ? w : w.padEnd(9); break; }
      case 'DY': s = caseLike(p, DAYS[dow]!.slice(0, 3)); break;
      case 'DDD': n = days - daysFromCivil(f.year, 1, 1) + 1; s = num(n, 3, fm); break;
      case 'IDDD': { const w = isoWeek(f.year, f.month, f.day); n = (w.week - 1) * 7 + (dow === 0 ? 7 : dow); s = num(n, 3, fm); break; }
      case 'DD': n = f.day; s = num(n, 2, fm); break;
      case 'D': n = dow + 1; s = String(n); break;
      case 'ID': n = dow === 0 ? 7 : dow; s = String(n); break;
      case 'W': n = Math.floor((f.day - 1) / 7) + 1; s = String(n); break;
      case 'WW': n = Math.floor((days - daysFromCivil(f.year, 1, 1)) / 7) + 1; s = num(n, 2, fm); break;
      case 'IW': n = isoWeek(f.year, f.month, f.day).week; s = num(n, 2, fm); break;
      case 'CC': n = f.year > 0 ? Math.floor((f.year - 1) / 100) + 1 : -(Math.floor((-f.year) / 100) + 1); s = num(n, 2, fm); break;
      case 'J': n = julianDay(f.year, f.month, f.day); s = String(n); break;
      case 'Q': n = Math.floor((f.month - 1) / 3) + 1; s = String(n); break;
      case 'RM': { const w = caseLike(p, ROMAN[f.month - 1]!); s = fm ? w : w.padEnd(4); break; }
      case 'TZ': s = tz ? caseLike(p, zoneAbbrevAt(tz)) : ''; break;
      case 'TZH': s = tz ? offsetText(tz.offsetSec, false).slice(0, 3) : ''; break;
      case 'TZM': s = tz ? String(Math.floor((Math.abs(tz.offsetSec) % 3600) / 60)).padStart(2, '0') : ''; break;
      case 'OF': s = tz ? offsetText(tz.offsetSec, false) : ''; break;
      default: s = p;
    }
    if (tok.th && n !== undefined) s += ordinal(n, tok.th === 'TH');
    out += s;
  }
  return out;
}

function zoneAbbrevAt(tz: TzInfo): string {
  if (tz.zone.kind === 'fixed') return tz.zone.abbrev;
  return offsetText(tz.offsetSec, false);
}

export function toCharInterval(v: Interval, fmt: string, ctx: EvalContext): string {
  // interval2tm: signed fields, hours not reduced modulo 24.
  const neg = v.micros < 0n;
  const a = neg ? -v.micros : v.micros;
  const sign = neg ? -1 : 1;
  const secs = Number(a / 1_000_000n);
  const f: TimestampFields = {
    year: Math.trunc(v.months / 12), month: v.months % 12, day: v.days,
    hour: sign * Math.floor(secs / 3600), minute: sign * (Math.floor(secs / 60) % 60), second: sign * (secs % 60),
    micros: sign * Number(a % 1_000_000n),
  };
  return toCharTimestamp(f, fmt, undefined, ctx, 0n, true);
}

function cFormat(n: number, width: number): string {
  // C's "%0*d": the width counts the sign.
  const s = String(Math.abs(n));
  return n < 0 ? '-' + s.padStart(width - 1, '0') : s.padStart(width, '0');
}

/** Patterns meaningless for an interval: PostgreSQL refuses them. */
const NOT_FOR_INTERVALS = new Set(['TZ', 'TZH', 'TZM', 'OF', 'DAY', 'DY', 'D', 'ID', 'MONTH', 'MON', 'RM', 'W', 'WW', 'IW', 'IDDD', 'J', 'Q', 'CC', 'AD', 'BC', 'A.D.', 'B.C.']);

function toCharIntervalFields(f: TimestampFields, fmt: string): string {
  let out = '';
  // date2isoyear of the interval's (year, month, day) fields: an invalid date rolls back a year.
  const isoYear = f.month >= 1 && f.day >= 1 ? f.year : f.year - 1;
  const w = (n: number, width: number): number => (n >= 0 ? width : width + 1);
  for (const tok of tokenize(fmt)) {
    if (tok.kind === 'lit') {
      out += tok.text;
      continue;
    }
    const { p, fm } = tok;
    const up = p.toUpperCase();
    if (NOT_FOR_INTERVALS.has(up)) {
      throw new DbError('22007', 'invalid format specification for an interval value', { hint: 'Intervals are not tied to specific calendar dates.' });
    }
    let s: string;
    switch (up) {
      case 'HH': case 'HH12': {
        // The width follows the sign of the hour, not of the printed value (-120 h → "012").
        const v = f.hour % 12 === 0 ? 12 : f.hour % 12;
        s = fm ? String(v) : cFormat(v, w(f.hour, 2));
        break;
      }
      case 'HH24': s = fm ? String(f.hour) : cFormat(f.hour, w(f.hour, 2)); break;
      case 'MI': s = fm ? String(f.minute) : cFormat(f.minute, w(f.minute, 2)); break;
      case 'SS': s = fm ? String(f.second) : cFormat(f.second, w(f.second, 2)); break;
      case 'MS': s = cFormat(Math.trunc(f.micros / 1000), 3); break;
      case 'US': s = cFormat(f.micros, 6); break;
      case 'AM': case 'PM': s = caseLike(p, f.hour >= 12 ? 'PM' : 'AM'); break;
      case 'A.M.': case 'P.M.': s = caseLike(p, f.hour >= 12 ? 'P.M.' : 'A.M.'); break;
      case 'YYYY': s = fm ? String(f.year) : cFormat(f.year, w(f.year, 4)); break;
      case 'YYY': s = fm ? String(f.year % 1000) : cFormat(f.year % 1000, w(f.year, 3)); break;
      case 'YY': s = fm ? String(f.year % 100) : cFormat(f.year % 100, w(f.year, 2)); break;
      case 'Y': s = String(f.year % 10); break;
      case 'IYYY': s = fm ? String(isoYear) : cFormat(isoYear, w(f.year, 4)); break;
      case 'IYY': s = fm ? String(isoYear % 1000) : cFormat(isoYear % 1000, w(f.year, 3)); break;
      case 'IY': s = fm ? String(isoYear % 100) : cFormat(isoYear % 100, w(f.year, 2)); break;
      case 'I': s = String(isoYear % 10); break;
      case 'MM': s = fm ? String(f.month) : cFormat(f.month, w(f.month, 2)); break;
      case 'DD': s = fm ? String(f.day) : cFormat(f.day, 2); break;
      case 'DDD': s = fm ? String(f.day) : cFormat(f.day, 3); break;
      default: s = p;
    }
    out += s;
  }
  return out;
}

/** to_timestamp(text, fmt) / to_date(text, fmt): returns µs (timestamptz) or local µs (date). */
export function toTimestampFormat(text: string, fmt: string, ctx: EvalContext, kind: 'timestamptz' | 'date'): bigint {
  let year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
  let pm: boolean | undefined;
  let bc = false;
  let tzSign: number | undefined, tzHour = 0, tzMinute = 0;
  let pos = 0;
  const skipSpaces = (): void => {
    while (pos < text.length && text[pos] === ' ') pos++;
  };
  const readInt = (maxDigits: number, what: string): number => {
    skipSpaces();
    const m = new RegExp(`^[+-]?\\d{1,${maxDigits}}`).exec(text.slice(pos));
    if (!m) throw new DbError('22007', `invalid value "${text.slice(pos, pos + maxDigits)}" for "${what}"`, { detail: 'Value must be an integer.' });
    pos += m[0].length;
    return Number(m[0]);
  };
  const readName = (names: string[], len: number | undefined, what: string): number => {
    skipSpaces();
    const rest = text.slice(pos).toLowerCase();
    for (let i = 0; i < names.length; i++) {
      const n = (len ? names[i]!.slice(0, len) : names[i]!).toLowerCase();
      if (rest.startsWith(n)) {
        pos += n.length;
        return i;
      }
    }
    throw new DbError('22007', `invalid value "${text.slice(pos, pos + 3)}" for "${what}"`, { detail: 'The given value did not match any of the allowed values for this field.' });
  };
  for (const tok of tokenize(fmt)) {
    if (tok.kind === 'lit') {
      // Literal characters consume one input character (spaces are lenient).
      if (tok.text === ' ') skipSpaces();
      else if (pos < text.length) pos += tok.text.length;
      continue;
    }
    switch (tok.p.toUpperCase()) {
      case 'YYYY': case 'IYYY': {
        // Year 0 and negative years are BC: -1 and 0 both mean 1 BC (internal year 0).
        const y = readInt(6, tok.p);
        year = y <= 0 ? y + 1 - (y === 0 ? 1 : 0) : y;
        break;
      }
      case 'Y,YYY': { const a = readInt(3, tok.p); pos++; year = a * 1000 + readInt(3, tok.p); break; }
      case 'YYY': case 'IYY': { const y = readInt(3, tok.p); year = y < 100 ? 2000 + y : y < 1000 ? 1000 + y : y; break; }
      case 'YY': case 'IY': { const y = readInt(2, tok.p); year = y < 70 ? 2000 + y : 1900 + y; break; }
      case 'Y': case 'I': year = 2000 + readInt(1, tok.p); break;
      case 'MM': month = readInt(2, tok.p); break;
      case 'MONTH': month = readName(MONTHS, undefined, tok.p) + 1; break;
      case 'MON': month = readName(MONTHS, 3, tok.p) + 1; break;
      case 'DAY': readName(DAYS, undefined, tok.p); break;
      case 'DY': readName(DAYS, 3, tok.p); break;
      case 'DD': day = readInt(2, tok.p); break;
      case 'DDD': { const doy = readInt(3, tok.p); month = 1; day = doy; break; }
      case 'HH': case 'HH12': hour = readInt(2, tok.p); if (hour < 1 || hour > 12) throw new DbError('22008', `hour "${hour}" is invalid for the 12-hour clock`, { hint: 'Use the 24-hour clock, or give an hour between 1 and 12.' }); break;
      case 'HH24': hour = readInt(2, tok.p); break;
      case 'MI': minute = readInt(2, tok.p); break;
      case 'SS': second = readInt(2, tok.p); break;
      case 'MS': { skipSpaces(); const m = /^\d{1,3}/.exec(text.slice(pos)); if (m) { pos += m[0].length; micros = Number(m[0].padEnd(3, '0')) * 1000; } break; }
      case 'US': { skipSpaces(); const m = /^\d{1,6}/.exec(text.slice(pos)); if (m) { pos += m[0].length; micros = Number(m[0].padEnd(6, '0')); } break; }
      case 'AM': case 'PM': case 'A.M.': case 'P.M.': { skipSpaces(); const r = text.slice(pos).toUpperCase().replace(/\./g, ''); pm = r.startsWith('PM'); pos += tok.p.length; break; }
      case 'AD': case 'BC': case 'A.D.': case 'B.C.': { skipSpaces(); bc = text.slice(pos).toUpperCase().startsWith('B'); pos += tok.p.length; break; }
      case 'SSSS': case 'SSSSS': { const s = readInt(5, tok.p); hour = Math.floor(s / 3600); minute = Math.floor(s / 60) % 60; second = s % 60; break; }
      case 'TZH': {
        skipSpaces();
        const m = /^([+-]?)(\d{1,2})/.exec(text.slice(pos));
        if (!m) throw new DbError('22007', `invalid value "${text.slice(pos, pos + 3)}" for "TZH"`, { detail: 'Value must be an integer.' });
        pos += m[0].length;
        tzSign = m[1] === '-' ? -1 : 1;
        tzHour = Number(m[2]);
        break;
      }
      case 'TZM': {
        const m = /^\d{1,2}/.exec(text.slice(pos));
        if (!m) throw new DbError('22007', `invalid value "${text.slice(pos, pos + 2)}" for "TZM"`, { detail: 'Value must be an integer.' });
        pos += m[0].length;
        tzMinute = Number(m[0]);
        tzSign ??= 1;
        break;
      }
      case 'J': { const j = readInt(8, tok.p); const d = j - 2451545; const dt = new Date(Date.UTC(2000, 0, 1) + d * 86400000); year = dt.getUTCFullYear(); month = dt.getUTCMonth() + 1; day = dt.getUTCDate(); break; }
      default: throw new DbError('0A000', `formatting field "${tok.p}" is only supported in to_char`);
    }
  }
  if (pm !== undefined) {
    if (hour === 12) hour = pm ? 12 : 0;
    else if (pm) hour += 12;
  }
  if (bc) year = 1 - year;
  if (month < 1 || month > 12) throw new DbError('22008', `date/time field value out of range: "${text}"`);
  if (hour > 24 || minute > 59 || second > 60) throw new DbError('22008', `date/time field value out of range: "${text}"`);
  const days = daysFromCivil(year, month, 1) + (day - 1);
  if (day < 1 || (kind === 'date' && day > 31)) throw new DbError('22008', `date/time field value out of range: "${text}"`);
  const local = BigInt(days) * 86_400_000_000n + BigInt(((hour * 60 + minute) * 60 + second) * 1_000_000 + micros);
  if (kind === 'date') return local;
  if (tzSign !== undefined) {
    if (tzHour > 15 || tzMinute > 59) throw new DbError('22009', `time zone displacement out of range: "${text}"`);
    return local - BigInt(tzSign * (tzHour * 3600 + tzMinute * 60)) * 1_000_000n;
  }
  const zone = sessionZone(ctx);
  return localToUtc(zone, local);
}

void offsetAt;
