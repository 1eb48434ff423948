// Date/time text input, modelled on PostgreSQL 15's ParseDateTime/DecodeDateTime: the input is
// split into fields (numbers, dates with - / . delimiters, times with colons, signed offsets,
// words), then the fields are interpreted in context. Covered: ISO 8601 (extended and basic,
// with 'T'), 'Mon DD YYYY' and 'DD Mon YYYY' orders, numeric dates under DateStyle's MDY/DMY/YMD,
// AM/PM, AD/BC, two-digit years, offsets (+05, -03:30, +0530), zone abbreviations (PostgreSQL's
// Default set), IANA zone names, and epoch/infinity/-infinity/now/today/tomorrow/yesterday/allballs.
// Also Julian days ('J2451545'). Not covered (raises 22007 like any unknown input): day-of-year forms.
import { DbError } from '../errors.js';
import { civilFromDays, daysFromCivil, daysInMonth, isValidDateDays, isValidJulianYmd, isValidTimestamp, splitTimestamp } from './calendar.js';
import { parseDateStyle, type DateOrder } from './dt-format.js';
import { badDateTimeSyntax, dateTimeFieldOverflow, isPgSpace, notSupported } from './errors.js';
import type { InputSettings } from './settings.js';
import { localToUtc, offsetAt, resolveZone, zoneOrThrow, type Zone } from './timezone.js';
import { DATE_NEG_INFINITY, DATE_POS_INFINITY, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY, USECS_PER_DAY } from './values.js';
import { ZONE_ABBREVS } from './zone-abbrevs.js';

type Tok =
  | { k: 'num'; s: string }
  | { k: 'date'; s: string; delim: string }
  | { k: 'time'; s: string }
  | { k: 'signed'; s: string }
  | { k: 'word'; s: string; raw: string };

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** Split into fields; undefined when a character cannot start or continue a field. */
function tokenize(s: string): Tok[] | undefined {
  const toks: Tok[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isPgSpace(c) || c === 0x2c) { i++; continue; }
    const start = i;
    if (isDigit(c)) {
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      const d = s.charCodeAt(i);
      if (d === 0x3a) {
        while (i < n && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 0x3a || s.charCodeAt(i) === 0x2e)) i++;
        toks.push({ k: 'time', s: s.slice(start, i) });
      } else if (d === 0x2d || d === 0x2f || d === 0x2e) {
        const delim = s[i]!;
        i++;
        if (isDigit(s.charCodeAt(i))) {
          while (i < n && isDigit(s.charCodeAt(i))) i++;
          if (s[i] === delim) {
            i++;
            while (i < n && (isDigit(s.charCodeAt(i)) || s[i] === delim)) i++;
            toks.push({ k: 'date', s: s.slice(start, i), delim });
          } else if (delim === '.') {
            toks.push({ k: 'num', s: s.slice(start, i) });
          } else {
            toks.push({ k: 'date', s: s.slice(start, i), delim });
          }
        } else {
          while (i < n && (isAlpha(s.charCodeAt(i)) || isDigit(s.charCodeAt(i)) || s[i] === delim)) i++;
          toks.push({ k: 'date', s: s.slice(start, i).toLowerCase(), delim });
        }
      } else {
        toks.push({ k: 'num', s: s.slice(start, i) });
      }
    } else if (c === 0x2b || c === 0x2d) {
      i++;
      if (isAlpha(s.charCodeAt(i))) {
        while (i < n && isAlpha(s.charCodeAt(i))) i++;
        toks.push({ k: 'word', s: s.slice(start, i).toLowerCase(), raw: s.slice(start, i) });
      } else if (isDigit(s.charCodeAt(i))) {
        while (i < n && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 0x3a || s.charCodeAt(i) === 0x2e)) i++;
        toks.push({ k: 'signed', s: s.slice(start, i) });
      } else return undefined;
    } else if (isAlpha(c)) {
      while (i < n && (isAlpha(s.charCodeAt(i)) || s.charCodeAt(i) === 0x2e)) i++;
      let word = s.slice(start, i);
      const nx = s[i];
      if ((nx === '-' || nx === '/' || nx === '.') && MONTHS.has(word.toLowerCase()) && isDigit(s.charCodeAt(i + 1))) {
        const delim = nx;
        while (i < n && (isAlpha(s.charCodeAt(i)) || isDigit(s.charCodeAt(i)) || s[i] === delim)) i++;
        toks.push({ k: 'date', s: s.slice(start, i).toLowerCase(), delim });
        continue;
      }
      // PostgreSQL's ParseDateTime: after letters, '-', '/' or '.' always continue the field (a
      // zone name such as 'America/New_York' or POSIX 'abc-3'); '+' or a digit only when the
      // letters are not a keyword ('allballs+3' is not a zone, 'utc+3' is).
      const cont = nx === '/' || nx === '_' || nx === '-' ||
        ((nx === '+' || isDigit(s.charCodeAt(i))) && !KEYWORDS.has(word.toLowerCase()) && !MONTHS.has(word.toLowerCase()) && word.toLowerCase() !== 'j');
      if (cont) {
        while (i < n && /[A-Za-z0-9_/+\-:]/.test(s[i]!)) i++;
        word = s.slice(start, i);
      }
      toks.push({ k: 'word', s: word.toLowerCase(), raw: word });
    } else if (c < 0x80 && /[!-/:-@[-`{-~]/.test(s[i]!) && c !== 0x2e) {
      i++; // ParseDateTime skips other ASCII punctuation between fields: '(BC)' reads as 'BC'
    } else {
      return undefined;
    }
  }
  return toks;
}

const MONTHS: ReadonlyMap<string, number> = new Map([
  ['jan', 1], ['january', 1], ['feb', 2], ['february', 2], ['mar', 3], ['march', 3], ['apr', 4], ['april', 4],
  ['may', 5], ['jun', 6], ['june', 6], ['jul', 7], ['july', 7], ['aug', 8], ['august', 8],
  ['sep', 9], ['sept', 9], ['september', 9], ['oct', 10], ['october', 10], ['nov', 11], ['november', 11],
  ['dec', 12], ['december', 12],
]);
const WEEKDAYS = new Set(['sun', 'sunday', 'mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday', 'wednes',
  'thu', 'thur', 'thurs', 'thursday', 'fri', 'friday', 'sat', 'saturday']);
const KEYWORDS = new Set(['am', 'pm', 'ad', 'bc', 't', 'epoch', 'infinity', 'now', 'today', 'tomorrow', 'yesterday', 'allballs', 'at', 'on']);

type Special = 'epoch' | 'infinity' | '-infinity' | 'now' | 'today' | 'tomorrow' | 'yesterday';

interface Fields {
  year?: number;
  yearDigits: number;
  month?: number;
  day?: number;
  hasTime: boolean;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  tzSec?: number;
  zone?: Zone;
  bc: boolean;
  ampm?: 'am' | 'pm';
  special?: Special;
  /** A month above 12 came from a numeric date under MDY/DMY: PostgreSQL hints at DateStyle. */
  numericDate: boolean;
  /** The date came from a Julian day number (already a valid calendar date). */
  julian?: boolean;
  /** 'allballs' supplied the time (and a zero offset). */
  allballs?: boolean;
}

export type DateTimeKind = 'date' | 'time' | 'timestamp' | 'timestamptz';
const TYPE_NAMES: Record<DateTimeKind, string> = { date: 'date', time: 'time', timestamp: 'timestamp', timestamptz: 'timestamp with time zone' };

/** 'mdrange' is PostgreSQL's DTERR_MD_FIELD_OVERFLOW: a month or day field that no month has. */
class Fail { constructor(readonly kind: 'syntax' | 'range' | 'mdrange' | 'tz') {} }

/**
 * The digits after the point as microseconds, rounded the way PostgreSQL's
 * ParseFractionalSecond does: strtod, times 1e6, rint() (half to even, on the double).
 * So '.0000005' gives 0 (the double is a hair below one half) and '.7890125' gives 789012.
 */
export function fractionMicros(digits: string): number {
  if (digits === '') return 0;
  const x = Number('0.' + digits) * 1e6;
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** 'ss.ffff' → [seconds, micros]. */
function secondsFraction(s: string): [number, number] {
  const dot = s.indexOf('.');
  if (dot < 0) return [Number(s), 0];
  const whole = dot === 0 ? 0 : Number(s.slice(0, dot));
  const frac = s.slice(dot + 1);
  if (!/^\d*$/.test(frac)) throw new Fail('syntax');
  return [whole, fractionMicros(frac)];
}

function setTime(f: Fields, s: string): void {
  if (f.hasTime) throw new Fail('syntax');
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) throw new Fail('syntax');
  if (parts[0]!.includes('.') || parts[1]!.includes('.') && parts.length === 3) throw new Fail('syntax');
  if (parts.length === 2 && parts[1]!.includes('.')) throw new Fail('syntax');
  f.hour = Number(parts[0]);
  f.minute = Number(parts[1]);
  if (parts.length === 3) [f.second, f.micros] = secondsFraction(parts[2]!);
  if (f.micros === 1_000_000) { f.second++; f.micros = 0; }
  f.hasTime = true;
}

function setYear(f: Fields, s: string): void {
  if (f.year !== undefined) throw new Fail('syntax');
  f.year = Number(s);
  f.yearDigits = s.length;
}

function setDateParts(f: Fields, t: Tok & { k: 'date' }, order: DateOrder): void {
  if (f.month !== undefined || f.day !== undefined || f.year !== undefined) throw new Fail('syntax');
  const parts = t.s.split(t.delim);
  if (parts.length !== 3 || parts.some((p) => p === '')) throw new Fail('syntax');
  const mi = parts.findIndex((p) => isAlpha(p.charCodeAt(0)));
  if (mi >= 0) {
    const m = MONTHS.get(parts[mi]!);
    if (m === undefined) throw new Fail('syntax');
    f.month = m;
    const rest = parts.filter((_, i) => i !== mi);
    if (rest.some((p) => !/^\d+$/.test(p))) throw new Fail('syntax');
    if (rest[0]!.length >= 3) { setYear(f, rest[0]!); f.day = Number(rest[1]); } else { f.day = Number(rest[0]); setYear(f, rest[1]!); }
    return;
  }
  if (parts.some((p) => !/^\d+$/.test(p))) throw new Fail('syntax');
  const [a, b, c] = parts as [string, string, string];
  if (a.length >= 3 || order === 'YMD') { setYear(f, a); f.month = Number(b); f.day = Number(c); return; }
  f.numericDate = true;
  if (order === 'DMY') { f.day = Number(a); f.month = Number(b); } else { f.month = Number(a); f.day = Number(b); }
  setYear(f, c);
}

function setNumber(f: Fields, s: string, afterT: boolean, kind: DateTimeKind, julian: boolean): void {
  if (julian) {
    // 'J2451545': a Julian day number (day 0 is 4714-11-24 BC).
    if (f.year !== undefined || f.month !== undefined || f.day !== undefined) throw new Fail('syntax');
    const c = civilFromDays(Number(s) - 2451545);
    f.year = c.year; f.yearDigits = 4; f.month = c.month; f.day = c.day;
    f.julian = true;
    return;
  }
  if (kind === 'time' && !f.hasTime && (s.length === 6 || s.length === 4) && f.year === undefined) {
    // DecodeTimeOnly: run-together hhmmss / hhmm.
    f.hour = Number(s.slice(0, 2));
    f.minute = Number(s.slice(2, 4));
    f.second = s.length === 6 ? Number(s.slice(4, 6)) : 0;
    f.hasTime = true;
    return;
  }
  if (s.includes('.')) {
    // Only seconds with a fraction after a bare 'T' hhmmss: not supported; PostgreSQL's Julian forms neither.
    throw new Fail('syntax');
  }
  const haveDate = f.year !== undefined || f.month !== undefined || f.day !== undefined;
  if ((afterT || haveDate) && !f.hasTime && (s.length === 6 || s.length === 4) && (afterT || (f.year !== undefined && f.month !== undefined && f.day !== undefined))) {
    f.hour = Number(s.slice(0, 2));
    f.minute = Number(s.slice(2, 4));
    f.second = s.length === 6 ? Number(s.slice(4, 6)) : 0;
    f.hasTime = true;
    return;
  }
  if (!haveDate && (s.length === 8 || s.length === 6)) {
    const yl = s.length - 4;
    setYear(f, s.slice(0, yl));
    f.month = Number(s.slice(yl, yl + 2));
    f.day = Number(s.slice(yl + 2));
    return;
  }
  if (f.month !== undefined && f.day === undefined && s.length <= 2 && f.year === undefined) { f.day = Number(s); return; }
  // A leading one- or two-digit number before a month name: the day ('2 Jan 2024').
  if (f.month === undefined && f.day === undefined && f.year === undefined && s.length <= 2) { f.day = Number(s); return; }
  if (f.year === undefined && (s.length >= 3 || (f.month !== undefined && f.day !== undefined))) { setYear(f, s); return; }
  if (f.month !== undefined && f.day === undefined) { f.day = Number(s); return; }
  throw new Fail('syntax');
}

/** 'hhmmss-zz' / 'hhmm-zzzz' after a complete date: DecodeNumberField then DecodeTimezone. */
function setRunTogetherTimeWithZone(f: Fields, s: string): void {
  if (f.hasTime || f.tzSec !== undefined || f.zone !== undefined) throw new Fail('syntax');
  const dash = s.indexOf('-');
  const time = s.slice(0, dash);
  if (!/^\d+$/.test(time) || (time.length !== 6 && time.length !== 4)) throw new Fail('syntax');
  f.hour = Number(time.slice(0, 2));
  f.minute = Number(time.slice(2, 4));
  f.second = time.length === 6 ? Number(time.slice(4, 6)) : 0;
  f.hasTime = true;
  f.tzSec = parseTzOffset(s.slice(dash));
}

function parseTzOffset(s: string): number {
  const sign = s[0] === '-' ? -1 : 1;
  const body = s.slice(1);
  let h: number, m = 0, sec = 0;
  if (body.includes(':')) {
    const p = body.split(':');
    if (p.length > 3 || p.some((x) => !/^\d+$/.test(x))) throw new Fail('syntax');
    h = Number(p[0]); m = Number(p[1] ?? 0); sec = Number(p[2] ?? 0);
  } else if (/^\d+$/.test(body)) {
    // DecodeTimezone: more than two digits are hhmm (no run-together seconds); hours beyond
    // the limit, however many digits, are a displacement out of range.
    if (body.length <= 2) h = Number(body);
    else { h = Number(body.slice(0, -2)); m = Number(body.slice(-2)); }
  } else throw new Fail('syntax');
  if (h > 15 || m > 59 || sec > 59) throw new Fail('tz');
  return sign * (h * 3600 + m * 60 + sec);
}

/**
 * DecodeTimeOnly accepts a date field only as the first of at least two fields, when the last
 * field is also a date or the second is a time ('2024-06-15 12:30', 'Jun-15-2024 12:00');
 * otherwise the date is read as a time with a zone: a digit-led one fails as bad syntax, a
 * letter-led one as an unknown time zone ('Jun-15-2024' → time zone "jun-15-2024").
 */
function checkTimeOnlyDate(toks: Tok[]): void {
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.k !== 'date') continue;
    const ok = i === 0 && toks.length >= 2 && (toks[toks.length - 1]!.k === 'date' || toks[1]!.k === 'time');
    if (ok) continue;
    if (isDigit(t.s.charCodeAt(0))) throw new Fail('syntax');
    throw new DbError('22023', `time zone "${t.s}" not recognized`);
  }
}

function decode(text: string, order: DateOrder, kind: DateTimeKind): Fields {
  const toks = tokenize(text);
  if (toks === undefined || toks.length === 0) throw new Fail('syntax');
  if (kind === 'time') checkTimeOnlyDate(toks);
  const f: Fields = { yearDigits: 0, hasTime: false, hour: 0, minute: 0, second: 0, micros: 0, bc: false, numericDate: false };
  let afterT = false;
  let afterJ = false;
  for (const t of toks) {
    const wasT = afterT;
    const wasJ = afterJ;
    afterT = false;
    afterJ = false;
    if (wasJ && t.k !== 'num') throw new Fail('syntax');
    switch (t.k) {
      case 'time': setTime(f, t.s); break;
      case 'date':
        // With the date already known, a digit-led dashed field is a run-together time with a
        // trailing offset ('24210409T080325-0330'), as DecodeDateTime reads it.
        if (hasDate(f) && t.delim === '-' && isDigit(t.s.charCodeAt(0))) { setRunTogetherTimeWithZone(f, t.s); break; }
        setDateParts(f, t, order);
        break;
      case 'num': setNumber(f, t.s, wasT, kind, wasJ); break;
      case 'signed':
        if (f.tzSec !== undefined || f.zone !== undefined) throw new Fail('syntax');
        f.tzSec = parseTzOffset(t.s);
        break;
      case 'word': {
        const w = t.s;
        const m = MONTHS.get(w);
        if (m !== undefined) { if (f.month !== undefined) throw new Fail('syntax'); f.month = m; break; }
        if (WEEKDAYS.has(w)) break;
        switch (w) {
          case 't': afterT = true; continue;
          case 'j': afterJ = true; continue;
          case 'am': case 'a.m.': f.ampm = 'am'; continue;
          case 'pm': case 'p.m.': f.ampm = 'pm'; continue;
          case 'ad': case 'a.d.': continue;
          case 'bc': case 'b.c.': f.bc = true; continue;
          case 'epoch': case 'infinity': case '+infinity': case '-infinity': case 'now': case 'today': case 'tomorrow': case 'yesterday':
            if (f.special !== undefined) throw new Fail('syntax');
            f.special = (w === '+infinity' ? 'infinity' : w) as Special;
            continue;
          case 'allballs':
            if (f.hasTime) throw new Fail('syntax');
            f.hasTime = true;
            f.allballs = true;
            f.tzSec ??= 0;
            continue;
          default: break;
        }
        if (f.tzSec !== undefined || f.zone !== undefined) throw new Fail('syntax');
        const ab = ZONE_ABBREVS.get(w);
        if (ab !== undefined) { f.tzSec = ab; break; }
        const z = resolveZone(t.raw);
        if (z === undefined) {
          // DecodeDateTime: punctuated words after a date are zone names, and an unknown one is
          // reported by name (22023), not as a syntax error.
          if (/[/+\-_:]/.test(t.raw) && hasDate(f)) throw new DbError('22023', `time zone "${t.s}" not recognized`);
          throw new Fail(t.raw.includes('/') ? 'tz' : 'syntax');
        }
        f.zone = z;
        break;
      }
      default: { const never: never = t; return never; }
    }
  }
  if (f.ampm !== undefined) {
    if (f.hour > 12 || (f.hour === 0 && f.ampm !== undefined && f.minute === 0 && f.second === 0 && false)) throw new Fail('range');
    if (f.ampm === 'pm' && f.hour < 12) f.hour += 12;
    else if (f.ampm === 'am' && f.hour === 12) f.hour = 0;
  }
  if (f.year !== undefined) {
    if (f.bc) {
      if (f.year <= 0) throw new Fail('range');
      f.year = 1 - f.year;
    } else if (f.julian) {
      // already an astronomical year from the Julian day
    } else if (f.yearDigits <= 2) {
      f.year += f.year < 70 ? 2000 : 1900;
    } else if (f.year === 0 && !f.julian) throw new Fail('range');
  } else if (f.bc) throw new Fail('syntax');
  if (f.hour > 24 || f.minute > 59 || f.second > 60 || (f.hour === 24 && (f.minute > 0 || f.second > 0 || f.micros > 0))) throw new Fail('range');
  // A lone small number is the month under MDY (the day under DMY) to DecodeNumber, and
  // ValidateDate rejects an impossible one before the missing fields are noticed.
  if (kind !== 'time' && f.year === undefined && f.month === undefined && f.day !== undefined) {
    const v = f.day;
    if ((order === 'MDY' && (v < 1 || v > 12)) || (order === 'DMY' && (v < 1 || v > 31))) throw new Fail('mdrange');
  }
  return f;
}

/** True for a zone with one offset for all time (UTC, Etc/GMT+5): usable without a date. */
function isConstantZone(z: Zone): boolean {
  if (z.kind === 'fixed') return true;
  return z.tz !== undefined && z.tz.times.length === 0 && z.tz.types.length === 1 && (z.tz.rule === undefined || z.tz.rule.dst === undefined);
}

function hasDate(f: Fields): boolean {
  return f.year !== undefined && f.month !== undefined && f.day !== undefined;
}

function checkDate(f: Fields): void {
  if (!hasDate(f)) throw new Fail('syntax');
  // ValidateDate: an impossible month or day number (13, 32, 0) hints at DateStyle; a day the
  // given month lacks (Feb 30) is a plain range error.
  if (f.month! < 1 || f.month! > 12 || f.day! < 1 || f.day! > 31) throw new Fail('mdrange');
  if (f.day! > daysInMonth(f.year!, f.month!)) throw new Fail('range');
}

function timeOfDayMicros(f: Fields): bigint {
  return BigInt(((f.hour * 60 + f.minute) * 60 + f.second) * 1e6 + f.micros);
}

/** Wall-clock µs of the fields (date + time). Caller checked the date. */
function localMicros(f: Fields): bigint {
  return BigInt(daysFromCivil(f.year!, f.month!, f.day!)) * USECS_PER_DAY + timeOfDayMicros(f);
}

function needNow(is: InputSettings, text: string): bigint {
  if (is.nowMicros === undefined) throw notSupported(`"${text}" needs the transaction clock, which this context does not provide`);
  return is.nowMicros;
}

/** Local midnight (wall clock µs) of now's date in the session zone, shifted by `dayShift` days. */
function localMidnight(is: InputSettings, text: string, dayShift: number): bigint {
  const now = needNow(is, text);
  const zone = zoneOrThrow(is.timeZone);
  const local = now + BigInt(offsetAt(zone, now)) * 1_000_000n;
  let days = local / USECS_PER_DAY;
  if (local < 0n && days * USECS_PER_DAY !== local) days -= 1n;
  return (days + BigInt(dayShift)) * USECS_PER_DAY;
}

function raise(e: Fail, kind: DateTimeKind, text: string, f?: Fields, order?: DateOrder): never {
  switch (e.kind) {
    case 'syntax': throw badDateTimeSyntax(TYPE_NAMES[kind], text);
    case 'tz': throw new DbError('22009', `time zone displacement out of range: "${text}"`);
    case 'range': throw dateTimeFieldOverflow(text);
    case 'mdrange': {
      const err = dateTimeFieldOverflow(text);
      throw new DbError(err.code, err.message, { hint: 'Perhaps you need a different "datestyle" setting.' });
    }
    default: { const never: never = e.kind; return never; }
  }
}

/**
 * Parse date/time text for `kind`. Returns days (date), µs since midnight (time), or µs since
 * 2000-01-01 (timestamp: wall clock; timestamptz: UTC).
 */
export function parseDateTime(kind: 'date', text: string, is: InputSettings): number;
export function parseDateTime(kind: 'time' | 'timestamp' | 'timestamptz', text: string, is: InputSettings): bigint;
export function parseDateTime(kind: DateTimeKind, text: string, is: InputSettings): number | bigint {
  const order = is.dateStyle.startsWith('ISO, MDY') ? 'MDY' : parseDateStyle(is.dateStyle).order;
  let f: Fields | undefined;
  try {
    f = decode(text, order, kind);
    return build(kind, f, text, is);
  } catch (e) {
    if (e instanceof Fail) raise(e, kind, text, f, order);
    throw e;
  }
}

function build(kind: DateTimeKind, f: Fields, text: string, is: InputSettings): number | bigint {
  if (f.special !== undefined) return buildSpecial(kind, f, text, is);
  switch (kind) {
    case 'date': {
      checkDate(f);
      if (!isValidJulianYmd(f.year!, f.month!, f.day!)) throw new DbError('22008', `date out of range: "${text}"`);
      const days = daysFromCivil(f.year!, f.month!, f.day!);
      if (!isValidDateDays(days)) throw new DbError('22008', `date out of range: "${text}"`);
      return days;
    }
    case 'time':
      if (!f.hasTime) throw new Fail('syntax');
      if (hasDate(f)) checkDate(f);
      // A named zone whose offset ever varied needs a date to pick the offset (DecodeTimeOnly).
      if (f.zone !== undefined && !hasDate(f) && !isConstantZone(f.zone)) throw new Fail('syntax');
      return timeOfDayMicros(f);
    case 'timestamp':
    case 'timestamptz': {
      checkDate(f);
      if (!isValidJulianYmd(f.year!, f.month!, f.day!)) throw new DbError('22008', `timestamp out of range: "${text}"`);
      const local = localMicros(f);
      let t = local;
      if (kind === 'timestamptz') {
        if (f.tzSec !== undefined) t = local - BigInt(f.tzSec) * 1_000_000n;
        else t = localToUtc(f.zone ?? zoneOrThrow(is.timeZone), local);
      }
      if (!isValidTimestamp(t)) throw new DbError('22008', `timestamp out of range: "${text}"`);
      return t;
    }
    default: { const never: never = kind; return never; }
  }
}

function buildSpecial(kind: DateTimeKind, f: Fields, text: string, is: InputSettings): number | bigint {
  const sp = f.special!;
  const noDate = f.year === undefined && f.month === undefined && f.day === undefined;
  if (sp === 'now') {
    if (!noDate || f.hasTime || f.tzSec !== undefined || f.zone !== undefined) throw new Fail('syntax');
  } else if (sp === 'infinity' || sp === '-infinity' || sp === 'epoch') {
    // PostgreSQL ignores a time field and an offset next to these ('epoch 12:00' is the epoch;
    // 'now 12:00' is an error) but rejects a date, 'allballs' or a zone name.
    if (!noDate || f.allballs === true || f.zone !== undefined) throw new Fail('syntax');
  } else if (f.year !== undefined || f.month !== undefined || f.day !== undefined) throw new Fail('syntax');
  if (kind === 'time') {
    if (sp === 'now') return timeOfLocal(is, needNow(is, text));
    if (sp === 'infinity' || sp === '-infinity' || sp === 'epoch' || !f.hasTime) throw new Fail('syntax');
    return timeOfDayMicros(f);
  }
  if (sp === 'infinity') return kind === 'date' ? DATE_POS_INFINITY : TIMESTAMP_POS_INFINITY;
  if (sp === '-infinity') return kind === 'date' ? DATE_NEG_INFINITY : TIMESTAMP_NEG_INFINITY;
  if (sp === 'epoch') return kind === 'date' ? -10957 : -946_684_800_000_000n;
  if (sp === 'now') {
    const now = needNow(is, text);
    if (kind === 'timestamptz') return now;
    const local = now + BigInt(offsetAt(zoneOrThrow(is.timeZone), now)) * 1_000_000n;
    if (kind === 'timestamp') return local;
    return Number((local - (((local % USECS_PER_DAY) + USECS_PER_DAY) % USECS_PER_DAY)) / USECS_PER_DAY);
  }
  const shift = sp === 'today' ? 0 : sp === 'tomorrow' ? 1 : -1;
  const midnight = localMidnight(is, text, shift);
  if (kind === 'date') return Number(midnight / USECS_PER_DAY);
  const local = midnight + (f.hasTime ? timeOfDayMicros(f) : 0n);
  if (kind === 'timestamp') return local;
  if (f.tzSec !== undefined) return local - BigInt(f.tzSec) * 1_000_000n;
  return localToUtc(f.zone ?? zoneOrThrow(is.timeZone), local);
}

function timeOfLocal(is: InputSettings, now: bigint): bigint {
  const local = now + BigInt(offsetAt(zoneOrThrow(is.timeZone), now)) * 1_000_000n;
  const f = splitTimestamp(local);
  return BigInt(((f.hour * 60 + f.minute) * 60 + f.second) * 1e6 + f.micros);
}

/**
 * Round µs to `precision` fractional digits (time(p)/timestamp(p) typmods): half away from zero,
 * as PostgreSQL's AdjustTimestampForTypmod. precision >= 6 or < 0 leaves the value alone.
 */
export function roundToPrecision(us: bigint, precision: number): bigint {
  if (precision < 0 || precision >= 6) return us;
  const scale = 10n ** BigInt(6 - precision);
  const half = scale / 2n;
  return us >= 0n ? ((us + half) / scale) * scale : -(((-us + half) / scale) * scale);
}
