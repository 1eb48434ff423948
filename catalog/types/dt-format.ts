// Date/time text output as PostgreSQL 15 (EncodeDateOnly, EncodeTimeOnly, EncodeDateTime) for
// DateStyle ISO, SQL, Postgres and German. timestamptz is printed in the session TimeZone; the
// non-ISO styles print a zone abbreviation, which Pyralog knows only for fixed zones (UTC,
// POSIX specs): other zones raise 0A000 there rather than print a guess.
import { civilFromDays, dayOfWeek, splitTime, splitTimestamp, type TimestampFields } from './calendar.js';
import { notSupported } from './errors.js';
import type { FormatSettings } from './settings.js';
import { formatOffset, offsetAt, zoneAbbrevAt, zoneOrThrow } from './timezone.js';
import { DATE_NEG_INFINITY, DATE_POS_INFINITY, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY } from './values.js';

export type DateOutputStyle = 'ISO' | 'SQL' | 'Postgres' | 'German';
export type DateOrder = 'MDY' | 'DMY' | 'YMD';

export interface ParsedDateStyle {
  style: DateOutputStyle;
  order: DateOrder;
}

/** Parse a DateStyle value such as 'ISO, MDY' or 'German' (order defaults as PostgreSQL's). */
export function parseDateStyle(ds: string): ParsedDateStyle {
  let style: DateOutputStyle = 'ISO';
  let order: DateOrder | undefined;
  for (const raw of ds.split(',')) {
    const t = raw.trim().toLowerCase();
    if (t === 'iso') style = 'ISO';
    else if (t === 'sql') style = 'SQL';
    else if (t === 'postgres') style = 'Postgres';
    else if (t === 'german') { style = 'German'; order ??= 'DMY'; }
    else if (t === 'mdy' || t === 'us' || t === 'noneuropean' || t === 'non-european') order = 'MDY';
    else if (t === 'dmy' || t === 'euro' || t === 'european') order = 'DMY';
    else if (t === 'ymd') order = 'YMD';
  }
  return { style, order: order ?? 'MDY' };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function p2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function p4(n: number): string {
  return n >= 1000 ? String(n) : String(n).padStart(4, '0');
}

/** '.5', '.000123', or '' when there is no fraction (PostgreSQL trims trailing zeros). */
export function fraction(micros: number): string {
  if (micros === 0) return '';
  let s = String(micros).padStart(6, '0');
  let e = s.length;
  while (s.charCodeAt(e - 1) === 0x30) e--;
  s = s.slice(0, e);
  return '.' + s;
}

/** Display year and BC flag of an astronomical year. */
function displayYear(y: number): { year: number; bc: boolean } {
  return y > 0 ? { year: y, bc: false } : { year: 1 - y, bc: true };
}

function hms(f: { hour: number; minute: number; second: number; micros: number }): string {
  return p2(f.hour) + ':' + p2(f.minute) + ':' + p2(f.second) + fraction(f.micros);
}

function datePart(y: number, m: number, d: number, ps: ParsedDateStyle): string {
  switch (ps.style) {
    case 'ISO': return `${p4(y)}-${p2(m)}-${p2(d)}`;
    case 'SQL': return ps.order === 'DMY' ? `${p2(d)}/${p2(m)}/${p4(y)}` : `${p2(m)}/${p2(d)}/${p4(y)}`;
    case 'German': return `${p2(d)}.${p2(m)}.${p4(y)}`;
    case 'Postgres': return ps.order === 'DMY' ? `${p2(d)}-${p2(m)}-${p4(y)}` : `${p2(m)}-${p2(d)}-${p4(y)}`;
    default: { const never: never = ps.style; return never; }
  }
}

export function formatDate(days: number, fs: FormatSettings): string {
  if (days === DATE_POS_INFINITY) return 'infinity';
  if (days === DATE_NEG_INFINITY) return '-infinity';
  const c = civilFromDays(days);
  const { year, bc } = displayYear(c.year);
  const s = datePart(year, c.month, c.day, fs.dateStyle.startsWith('ISO') ? ISO_MDY : parseDateStyle(fs.dateStyle));
  return bc ? s + ' BC' : s;
}

const ISO_MDY: ParsedDateStyle = Object.freeze({ style: 'ISO', order: 'MDY' });

export function formatTime(us: bigint): string {
  return hms(splitTime(us));
}

/** The body of a timestamp in a given style, `tz` being the suffix (offset or abbreviation). */
function formatFields(f: TimestampFields, days: number, ps: ParsedDateStyle, tz: string | undefined): string {
  const { year, bc } = displayYear(f.year);
  const t = hms(f);
  let s: string;
  switch (ps.style) {
    case 'ISO':
      s = `${p4(year)}-${p2(f.month)}-${p2(f.day)} ${t}${tz ?? ''}`;
      break;
    case 'SQL':
    case 'German':
      s = `${datePart(year, f.month, f.day, ps)} ${t}${tz === undefined ? '' : ' ' + tz}`;
      break;
    case 'Postgres': {
      const dow = DAYS[dayOfWeek(days)]!;
      const md = ps.order === 'DMY' ? `${p2(f.day)} ${MONTHS[f.month - 1]}` : `${MONTHS[f.month - 1]} ${p2(f.day)}`;
      s = `${dow} ${md} ${t} ${p4(year)}${tz === undefined ? '' : ' ' + tz}`;
      break;
    }
    default: { const never: never = ps.style; return never; }
  }
  return bc ? s + ' BC' : s;
}

const SAFE_US = BigInt(Number.MAX_SAFE_INTEGER);

function daysOf(t: bigint): number {
  if (t <= SAFE_US && t >= -SAFE_US) {
    const n = Number(t);
    const d = Math.floor(n / 86_400_000_000);
    const r = n - d * 86_400_000_000; // exact; corrects a quotient rounded across a day boundary
    return r < 0 ? d - 1 : r >= 86_400_000_000 ? d + 1 : d;
  }
  const d = t / 86_400_000_000n;
  return Number(t < 0n && d * 86_400_000_000n !== t ? d - 1n : d);
}

export function formatTimestamp(t: bigint, fs: FormatSettings): string {
  if (t === TIMESTAMP_POS_INFINITY) return 'infinity';
  if (t === TIMESTAMP_NEG_INFINITY) return '-infinity';
  const ps = fs.dateStyle.startsWith('ISO') ? ISO_MDY : parseDateStyle(fs.dateStyle);
  return formatFields(splitTimestamp(t), daysOf(t), ps, undefined);
}

export function formatTimestamptz(t: bigint, fs: FormatSettings): string {
  if (t === TIMESTAMP_POS_INFINITY) return 'infinity';
  if (t === TIMESTAMP_NEG_INFINITY) return '-infinity';
  const zone = zoneOrThrow(fs.timeZone);
  const off = offsetAt(zone, t);
  const local = t + BigInt(off) * 1_000_000n;
  const ps = fs.dateStyle.startsWith('ISO') ? ISO_MDY : parseDateStyle(fs.dateStyle);
  if (ps.style === 'ISO') return formatFields(splitTimestamp(local), daysOf(local), ps, formatOffset(off));
  const abbrev = zoneAbbrevAt(zone, t);
  if (abbrev === undefined) {
    throw notSupported(`DateStyle ${ps.style} output of timestamp with time zone in time zone "${fs.timeZone}" is not supported yet (use DateStyle ISO)`);
  }
  return formatFields(splitTimestamp(local), daysOf(local), ps, abbrev);
}

/** Time with time zone is not a Pyralog type; kept here for the offset format only. */
export { formatOffset };
