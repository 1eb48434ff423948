// interval: text output in the four IntervalStyles and text input (PostgreSQL 15 DecodeInterval
// and DecodeISO8601Interval, the common forms), plus justify_*.
// Value: { months, days, micros } kept apart exactly as PostgreSQL keeps them.
import { DbError } from '../errors.js';
import { fractionMicros } from './dt-parse.js';
import { badDateTimeSyntax, isPgSpace } from './errors.js';
import { fraction } from './dt-format.js';
import type { Interval } from './values.js';
import { USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC } from './values.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function intervalOutOfRange(): DbError {
  return new DbError('22008', 'interval out of range');
}

interface Parts {
  year: number; mon: number; mday: number;
  hour: number; min: number; sec: number; fsec: number;
}

function toParts(v: Interval): Parts {
  const year = Math.trunc(v.months / 12);
  const mon = v.months - year * 12;
  let t = v.micros;
  const hour = t / USECS_PER_HOUR;
  t -= hour * USECS_PER_HOUR;
  const min = t / USECS_PER_MINUTE;
  t -= min * USECS_PER_MINUTE;
  const sec = t / USECS_PER_SEC;
  const fsec = t - sec * USECS_PER_SEC;
  return { year, mon: mon === 0 ? 0 : mon, mday: v.days, hour: Number(hour), min: Number(min), sec: Number(sec), fsec: Number(fsec) };
}

function p2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** seconds[.fraction] of |sec|,|fsec|; zero-padded to two digits when `pad`. */
function seconds(sec: number, fsec: number, pad: boolean): string {
  const s = Math.abs(sec);
  return (pad ? p2(s) : String(s)) + fraction(Math.abs(fsec));
}

export function formatInterval(v: Interval, style: string): string {
  const p = toParts(v);
  switch (style) {
    case 'postgres': return formatPostgres(p);
    case 'iso_8601': return formatIso(p);
    case 'sql_standard': return formatSqlStandard(p);
    case 'postgres_verbose': return formatVerbose(p);
    default: return formatPostgres(p);
  }
}

function formatPostgres(p: Parts): string {
  let out = '';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    out += `${isZero ? '' : ' '}${isBefore && value > 0 ? '+' : ''}${value} ${unit}${value !== 1 ? 's' : ''}`;
    isBefore = value < 0;
    isZero = false;
  };
  part(p.year, 'year');
  part(p.mon, 'mon');
  part(p.mday, 'day');
  if (isZero || p.hour !== 0 || p.min !== 0 || p.sec !== 0 || p.fsec !== 0) {
    const minus = p.hour < 0 || p.min < 0 || p.sec < 0 || p.fsec < 0;
    out += `${isZero ? '' : ' '}${minus ? '-' : isBefore ? '+' : ''}${p2(Math.abs(p.hour))}:${p2(Math.abs(p.min))}:${seconds(p.sec, p.fsec, true)}`;
  }
  return out;
}

function formatIso(p: Parts): string {
  if (p.year === 0 && p.mon === 0 && p.mday === 0 && p.hour === 0 && p.min === 0 && p.sec === 0 && p.fsec === 0) return 'PT0S';
  let out = 'P';
  const part = (v: number, c: string): void => { if (v !== 0) out += `${v}${c}`; };
  part(p.year, 'Y');
  part(p.mon, 'M');
  part(p.mday, 'D');
  if (p.hour !== 0 || p.min !== 0 || p.sec !== 0 || p.fsec !== 0) out += 'T';
  part(p.hour, 'H');
  part(p.min, 'M');
  if (p.sec !== 0 || p.fsec !== 0) {
    if (p.sec < 0 || p.fsec < 0) out += '-';
    out += seconds(p.sec, p.fsec, false) + 'S';
  }
  return out;
}

function formatSqlStandard(p0: Parts): string {
  const p = { ...p0 };
  const neg = p.year < 0 || p.mon < 0 || p.mday < 0 || p.hour < 0 || p.min < 0 || p.sec < 0 || p.fsec < 0;
  const pos = p.year > 0 || p.mon > 0 || p.mday > 0 || p.hour > 0 || p.min > 0 || p.sec > 0 || p.fsec > 0;
  const hasYm = p.year !== 0 || p.mon !== 0;
  const hasDt = p.mday !== 0 || p.hour !== 0 || p.min !== 0 || p.sec !== 0 || p.fsec !== 0;
  const standard = !(neg && pos) && !(hasYm && hasDt);
  let out = '';
  if (neg && standard) {
    out = '-';
    p.year = -p.year; p.mon = -p.mon; p.mday = -p.mday; p.hour = -p.hour; p.min = -p.min; p.sec = -p.sec; p.fsec = -p.fsec;
  }
  if (!neg && !pos) return '0';
  if (!standard) {
    const ys = p.year < 0 || p.mon < 0 ? '-' : '+';
    const ds = p.mday < 0 ? '-' : '+';
    const ss = p.hour < 0 || p.min < 0 || p.sec < 0 || p.fsec < 0 ? '-' : '+';
    return `${out}${ys}${Math.abs(p.year)}-${Math.abs(p.mon)} ${ds}${Math.abs(p.mday)} ${ss}${Math.abs(p.hour)}:${p2(Math.abs(p.min))}:${seconds(p.sec, p.fsec, true)}`;
  }
  if (hasYm) return `${out}${p.year}-${p.mon}`;
  if (p.mday !== 0) return `${out}${p.mday} ${p.hour}:${p2(p.min)}:${seconds(p.sec, p.fsec, true)}`;
  return `${out}${p.hour}:${p2(p.min)}:${seconds(p.sec, p.fsec, true)}`;
}

function formatVerbose(p: Parts): string {
  let out = '@';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    if (isZero) { isBefore = value < 0; value = Math.abs(value); } else if (isBefore) value = -value;
    out += ` ${value} ${unit}${value === 1 ? '' : 's'}`;
    isZero = false;
  };
  part(p.year, 'year');
  part(p.mon, 'mon');
  part(p.mday, 'day');
  part(p.hour, 'hour');
  part(p.min, 'min');
  if (p.sec !== 0 || p.fsec !== 0) {
    out += ' ';
    if (p.sec < 0 || (p.sec === 0 && p.fsec < 0)) {
      if (isZero) isBefore = true; else if (!isBefore) out += '-';
    } else if (isBefore) out += '-';
    out += seconds(p.sec, p.fsec, false) + ` sec${Math.abs(p.sec) !== 1 || p.fsec !== 0 ? 's' : ''}`;
    isZero = false;
  }
  if (isZero) out += ' 0';
  if (isBefore) out += ' ago';
  return out;
}

// ---- input ---------------------------------------------------------------------------------

type Unit = 'us' | 'ms' | 's' | 'min' | 'h' | 'd' | 'w' | 'mon' | 'y' | 'dec' | 'cent' | 'mil';

const UNITS: ReadonlyMap<string, Unit> = new Map<string, Unit>([
  ...['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'useconds', 'microsecon'].map((u) => [u, 'us'] as [string, Unit]),
  ...['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'mseconds', 'millisecon'].map((u) => [u, 'ms'] as [string, Unit]),
  ...['second', 'seconds', 's', 'sec', 'secs'].map((u) => [u, 's'] as [string, Unit]),
  ...['minute', 'minutes', 'm', 'min', 'mins'].map((u) => [u, 'min'] as [string, Unit]),
  ...['hour', 'hours', 'h', 'hr', 'hrs'].map((u) => [u, 'h'] as [string, Unit]),
  ...['day', 'days', 'd'].map((u) => [u, 'd'] as [string, Unit]),
  ...['week', 'weeks', 'w'].map((u) => [u, 'w'] as [string, Unit]),
  ...['month', 'months', 'mon', 'mons'].map((u) => [u, 'mon'] as [string, Unit]),
  ...['year', 'years', 'y', 'yr', 'yrs'].map((u) => [u, 'y'] as [string, Unit]),
  ...['decade', 'decades', 'dec', 'decs'].map((u) => [u, 'dec'] as [string, Unit]),
  ...['century', 'centuries', 'c', 'cent'].map((u) => [u, 'cent'] as [string, Unit]),
  ...['millennium', 'millennia', 'mil', 'mils', 'millenniums'].map((u) => [u, 'mil'] as [string, Unit]),
]);

// DecodeInterval's field masks: a field whose bits were already set is a syntax error
// ('1 day 2 days', '01:02:03 5 min', '1-2 3 months').
const M_YEAR = 1, M_MONTH = 2, M_DAY = 4, M_HOUR = 8, M_MINUTE = 16, M_SECOND = 32, M_MS = 64, M_US = 128;
const M_WEEK = 256, M_DECADE = 512, M_CENTURY = 1024, M_MILLENNIUM = 2048;
const M_ALL_SECS = M_SECOND | M_MS | M_US;
const M_TIME = M_HOUR | M_MINUTE | M_ALL_SECS;

/** rint(): round half to even, as C's default rounding mode does. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

class Acc {
  months = 0;
  /** Months from year-like units (tm_year in DecodeInterval): only their sum with `months`
   *  can overflow into "interval out of range"; `months` alone is a field overflow. */
  yearMonths = 0;
  days = 0;
  micros = 0n;
  mask = 0;
  /** Claim field bits; a bit claimed twice is PostgreSQL's DTERR_BAD_FORMAT. */
  claim(bits: number): void {
    if (this.mask & bits) throw new Bad(false);
    this.mask |= bits;
  }
  /** AdjustFractMicroseconds: truncate frac × scale to whole µs, then rint the remainder. */
  fractMicros(frac: number, scaleMicros: number): void {
    if (frac === 0) return;
    let f = frac * scaleMicros;
    const usec = Math.trunc(f);
    f -= usec;
    this.micros += BigInt(usec + rint(f));
  }
  /** AdjustFractDays: whole days from frac × scale, the rest as µs of a day. */
  fractDays(frac: number, scaleDays: number): void {
    if (frac === 0) return;
    let f = frac * scaleDays;
    const extra = Math.trunc(f);
    this.days += extra;
    f -= extra;
    this.fractMicros(f, 86_400_000_000);
  }
  /** AdjustFractYears: the fraction becomes rint() months, never days. */
  years(val: number, frac: number, monthsPerUnit: number): void {
    this.yearMonths += val * monthsPerUnit + rint(frac * monthsPerUnit);
  }
}

/** range: a field overflowed (22015); whole: the fields fit but their sum does not (22008). */
class Bad { constructor(readonly range: boolean, readonly whole = false) {} }

/**
 * A number field split as DecodeInterval does: the integer part (strtoint) and the fraction
 * (strtod of '.ddd'), both carrying the field's sign. Splitting the text, not the double,
 * keeps '75.1' as 75 and 0.1 rather than 75 and 0.0999999999999943.
 */
function numText(s: string): { val: number; frac: number } {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) throw new Bad(false);
  const sign = m[1] === '-' ? -1 : 1;
  const val = m[2] === '' ? 0 : Number(m[2]);
  const frac = m[3] === undefined || m[3] === '' ? 0 : Number('0.' + m[3]);
  return { val: sign * val || 0, frac: sign * frac || 0 };
}

const UNIT_MASK: Record<Unit, number> = {
  us: M_US, ms: M_MS, s: M_SECOND, min: M_MINUTE, h: M_HOUR, d: M_DAY, w: M_WEEK, mon: M_MONTH,
  y: M_YEAR, dec: M_DECADE, cent: M_CENTURY, mil: M_MILLENNIUM,
};

function applyUnit(acc: Acc, n: { val: number; frac: number }, unit: Unit): void {
  // Seconds with a fraction also claim the sub-second fields.
  acc.claim(unit === 's' && n.frac !== 0 ? M_ALL_SECS : UNIT_MASK[unit]);
  const { val, frac } = n;
  switch (unit) {
    case 'us': acc.micros += BigInt(val); acc.fractMicros(frac, 1); break;
    case 'ms': acc.micros += BigInt(val) * 1000n; acc.fractMicros(frac, 1000); break;
    case 's': acc.micros += BigInt(val) * 1_000_000n; acc.fractMicros(frac, 1_000_000); break;
    case 'min': acc.micros += BigInt(val) * 60_000_000n; acc.fractMicros(frac, 60_000_000); break;
    case 'h': acc.micros += BigInt(val) * 3_600_000_000n; acc.fractMicros(frac, 3_600_000_000); break;
    case 'd': acc.days += val; acc.fractMicros(frac, 86_400_000_000); break;
    case 'w': acc.days += val * 7; acc.fractDays(frac, 7); break;
    case 'mon': acc.months += val; acc.fractDays(frac, 30); break;
    case 'y': acc.years(val, frac, 12); break;
    case 'dec': acc.years(val, frac, 120); break;
    case 'cent': acc.years(val, frac, 1200); break;
    case 'mil': acc.years(val, frac, 12000); break;
    default: { const never: never = unit; return never; }
  }
}

/** '[+-]h:m[:s[.f]]' → µs. */
function timeText(s: string): bigint {
  const neg = s[0] === '-';
  const body = s[0] === '-' || s[0] === '+' ? s.slice(1) : s;
  const p = body.split(':');
  if (p.length < 2 || p.length > 3 || !/^\d+$/.test(p[0]!)) throw new Bad(false);
  // DecodeTime: empty minute/second fields are zero ('1:', '1::2'); 'mm:ss.fff' (two fields,
  // the second with a fraction) is MINUTE TO SECOND.
  let hours = p[0]!;
  let minutes: string;
  let secField: string | undefined;
  if (p.length === 2 && p[1]!.includes('.')) {
    hours = '0';
    minutes = p[0]!;
    secField = p[1]!;
  } else {
    minutes = p[1]!;
    secField = p[2];
  }
  if (!/^\d*$/.test(minutes)) throw new Bad(false);
  if (Number(minutes) > 59) throw new Bad(true);
  let us = BigInt(hours) * USECS_PER_HOUR + BigInt(minutes || '0') * USECS_PER_MINUTE;
  if (secField !== undefined) {
    const m = /^(\d*)(?:\.(\d*))?$/.exec(secField);
    if (m === null) throw new Bad(false);
    if (Number(m[1]) > 59) throw new Bad(true);
    us += BigInt(m[1] || '0') * USECS_PER_SEC + BigInt(fractionMicros(m[2] ?? ''));
  }
  // PostgreSQL builds the magnitude in int64 before applying the sign, so 2^63 overflows even
  // when negative: a signed field reports bad syntax (22007), an unsigned one 22015. Its own
  // output of the minimum interval therefore does not read back.
  if (us > INT64_MAX) throw new Bad(s[0] !== '-' && s[0] !== '+');
  return neg ? -us : us;
}

function parsePostgresInterval(s: string): Interval {
  const words = s.toLowerCase().split(/[\s,]+/).filter((w) => w !== '');
  // ParseDateTime reads a sign, skips the spaces after it and joins it to the number: '- 1 year'.
  for (let k = 0; k + 1 < words.length; k++) {
    if ((words[k] === '-' || words[k] === '+') && /^[\d.]/.test(words[k + 1]!)) words.splice(k, 2, words[k]! + words[k + 1]!);
  }
  const acc = new Acc();
  let ago = false;
  let i = 0;
  if (words[0] === '@') i++;
  else if (words[0]?.startsWith('@')) words[0] = words[0].slice(1);
  let any = false;
  for (; i < words.length; i++) {
    let w = words[i]!;
    if (w === 'ago') { if (i !== words.length - 1) throw new Bad(false); ago = true; continue; }
    // ParseDateTime skips punctuation that cannot start a field: ':30' is the number 30.
    if (w.charCodeAt(0) === 0x3a) {
      w = w.replace(/^:+/, '');
      if (w === '') continue;
      words[i] = w;
    }
    if (w.includes(':')) {
      acc.claim(M_TIME);
      acc.micros += timeText(w);
      any = true;
      continue;
    }
    // SQL-standard year-month 'Y-M'
    const ym = /^([+-]?)(\d+)-(\d+)$/.exec(w);
    if (ym !== null) {
      // DecodeInterval turns 'Y-M' into a MONTH field: it clashes with months, not with years.
      acc.claim(M_MONTH);
      const months = Number(ym[2]) * 12 + Number(ym[3]);
      if (Number(ym[3]) > 11) throw new Bad(true);
      acc.months += ym[1] === '-' ? -months : months;
      any = true;
      continue;
    }
    // number immediately followed by a unit: '5min', '1.5h'
    const glued = /^([+-]?(?:\d+\.?\d*|\.\d+))([a-z]+)$/.exec(w);
    let unitWord: string | undefined;
    if (glued !== null) { w = glued[1]!; unitWord = glued[2]; } else { unitWord = words[i + 1]; }
    const value = numText(w);
    const unit = unitWord === undefined ? undefined : UNITS.get(unitWord);
    if (unit === undefined) {
      // A bare number: seconds, or days before a time field ('1 02:03:04').
      const next = words[i + 1];
      if (glued === null && next !== undefined && next.includes(':') && value.frac === 0) { applyUnit(acc, value, 'd'); any = true; continue; }
      if (glued !== null || unitWord !== undefined) throw new Bad(false);
      applyUnit(acc, value, 's');
      any = true;
      continue;
    }
    if (glued === null) i++;
    applyUnit(acc, value, unit);
    any = true;
  }
  if (!any) throw new Bad(false);
  // 'ago' negates before the range check: '@ 178956970 years 8 mons ago' is -2^31 months,
  // representable although its positive counterpart is not.
  if (ago) { acc.months = -acc.months; acc.yearMonths = -acc.yearMonths; acc.days = -acc.days; acc.micros = -acc.micros; }
  return finish(acc);
}

function parseIsoInterval(s: string): Interval {
  const acc = new Acc();
  const m = /^P(?:(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?))?)$/i.exec(s);
  if (m !== null) {
    acc.months += Number(m[1]) * 12 + Number(m[2]);
    acc.days += Number(m[3]);
    if (m[4] !== undefined) acc.micros += timeText(`${m[4]}:${m[5]}:${m[6]}`);
    return finish(acc);
  }
  let i = 1;
  let inTime = false;
  let any = false;
  while (i < s.length) {
    const c = s[i]!.toUpperCase();
    if (c === 'T') { if (inTime) throw new Bad(false); inTime = true; i++; continue; }
    const num = /^[+-]?(?:\d+\.?\d*|\.\d+)/.exec(s.slice(i));
    if (num === null) throw new Bad(false);
    i += num[0].length;
    const d = s[i]?.toUpperCase();
    i++;
    const v = numText(num[0]);
    const key = (inTime ? 't' : 'd') + d;
    switch (key) {
      case 'dY': applyUnit(acc, v, 'y'); break;
      case 'dM': applyUnit(acc, v, 'mon'); break;
      case 'dW': applyUnit(acc, v, 'w'); break;
      case 'dD': applyUnit(acc, v, 'd'); break;
      case 'tH': applyUnit(acc, v, 'h'); break;
      case 'tM': applyUnit(acc, v, 'min'); break;
      case 'tS': applyUnit(acc, v, 's'); break;
      default: throw new Bad(false);
    }
    any = true;
  }
  if (!any) throw new Bad(false);
  return finish(acc);
}

function finish(acc: Acc): Interval {
  const fits = (m: number): boolean => m >= INT32_MIN && m <= INT32_MAX;
  // tm_year itself holds the count of years: only a count beyond int32 is a field overflow.
  if (fits(acc.months) && !fits(acc.months + acc.yearMonths) && Math.abs(acc.yearMonths) / 12 <= INT32_MAX) throw new Bad(true, true);
  acc.months += acc.yearMonths;
  acc.yearMonths = 0;
  if (acc.months < INT32_MIN || acc.months > INT32_MAX || acc.days < INT32_MIN || acc.days > INT32_MAX || acc.micros < INT64_MIN || acc.micros > INT64_MAX) {
    throw new Bad(true);
  }
  return { months: acc.months === 0 ? 0 : acc.months, days: acc.days === 0 ? 0 : acc.days, micros: acc.micros };
}

function negate(v: Interval): Interval {
  return { months: v.months === 0 ? 0 : -v.months, days: v.days === 0 ? 0 : -v.days, micros: -v.micros };
}

/**
 * interval_in. Errors: 22007 invalid syntax, 22015 interval field value out of range.
 * Under IntervalStyle sql_standard a leading '-' with no other explicit sign applies to every
 * field ('-1 2:03:04' is minus one day and minus 2:03:04), as PostgreSQL's DecodeInterval does.
 */
export function parseInterval(text: string, intervalStyle = 'postgres'): Interval {
  let a = 0;
  let b = text.length;
  while (a < b && isPgSpace(text.charCodeAt(a))) a++;
  while (b > a && isPgSpace(text.charCodeAt(b - 1))) b--;
  const s = text.slice(a, b);
  try {
    if (s === '') throw new Bad(false);
    if (s[0] === 'P' || s[0] === 'p') return parseIsoInterval(s);
    if (intervalStyle === 'sql_standard' && s[0] === '-') {
      const fields = s.split(/[\s,]+/);
      if (!fields.slice(1).some((w) => w[0] === '-' || w[0] === '+')) {
        const abs = parsePostgresInterval(s.slice(1));
        return negate(abs);
      }
    }
    return parsePostgresInterval(s);
  } catch (e) {
    if (e instanceof Bad) {
      if (e.whole) throw intervalOutOfRange();
      if (e.range) throw new DbError('22015', `interval field value out of range: "${text}"`);
      throw badDateTimeSyntax('interval', text);
    }
    throw e;
  }
}

// ---- arithmetic helpers --------------------------------------------------------------------

function checkInterval(v: Interval): Interval {
  if (v.months < INT32_MIN || v.months > INT32_MAX || v.days < INT32_MIN || v.days > INT32_MAX || v.micros < INT64_MIN || v.micros > INT64_MAX) {
    throw intervalOutOfRange();
  }
  return { months: v.months === 0 ? 0 : v.months, days: v.days === 0 ? 0 : v.days, micros: v.micros };
}

export function intervalNegate(v: Interval): Interval {
  return checkInterval(negate(v));
}

export function intervalAdd(a: Interval, b: Interval): Interval {
  return checkInterval({ months: a.months + b.months, days: a.days + b.days, micros: a.micros + b.micros });
}

export function intervalSub(a: Interval, b: Interval): Interval {
  return checkInterval({ months: a.months - b.months, days: a.days - b.days, micros: a.micros - b.micros });
}

/** justify_hours: whole days out of the time part, signs made consistent. */
export function justifyHours(v: Interval): Interval {
  let days = v.days;
  let micros = v.micros;
  const wholeDays = micros / USECS_PER_DAY;
  micros -= wholeDays * USECS_PER_DAY;
  days += Number(wholeDays);
  if (days > 0 && micros < 0n) { micros += USECS_PER_DAY; days--; } else if (days < 0 && micros > 0n) { micros -= USECS_PER_DAY; days++; }
  return checkInterval({ months: v.months, days, micros });
}

/** justify_days: whole 30-day months out of the days, signs made consistent. */
export function justifyDays(v: Interval): Interval {
  let months = v.months + Math.trunc(v.days / 30);
  let days = v.days % 30;
  if (months > 0 && days < 0) { days += 30; months--; } else if (months < 0 && days > 0) { days -= 30; months++; }
  return checkInterval({ months, days, micros: v.micros });
}

/** justify_interval: both, with one sign across all fields where possible (PostgreSQL 15). */
export function justifyInterval(v: Interval): Interval {
  let months = v.months;
  let days = v.days;
  let micros = v.micros;
  // Pre-justify days when it cannot change the outcome, so large values do not overflow.
  if ((days > 0 && micros > 0n) || (days < 0 && micros < 0n)) {
    months += Math.trunc(days / 30);
    days %= 30;
  }
  const wd = micros / USECS_PER_DAY;
  micros -= wd * USECS_PER_DAY;
  days += Number(wd);
  months += Math.trunc(days / 30);
  days %= 30;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0n))) { days += 30; months--; } else if (months < 0 && (days > 0 || (days === 0 && micros > 0n))) { days -= 30; months++; }
  if (days > 0 && micros < 0n) { micros += USECS_PER_DAY; days--; } else if (days < 0 && micros > 0n) { micros -= USECS_PER_DAY; days++; }
  return checkInterval({ months, days, micros });
}

/**
 * PostgreSQL's interval comparison key: months as 30 days, days as 24 hours, in µs
 * (interval_cmp_value). '1 mon' = '30 days' = '720 hours' under it.
 */
export function intervalKey(v: Interval): bigint {
  return BigInt(v.months) * 30n * USECS_PER_DAY + BigInt(v.days) * USECS_PER_DAY + v.micros;
}

export function compareInterval(a: Interval, b: Interval): number {
  const x = intervalKey(a);
  const y = intervalKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
