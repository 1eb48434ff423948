// The host's compiled tz database (TZif files under /usr/share/zoneinfo, RFC 8536), which is
// what PostgreSQL built with --with-system-tzdata (Debian's) reads: exact offsets including
// pre-1970 history, and the abbreviations (EST, CEST, LMT, +0530) non-ISO DateStyles print.
// Format: see TZFILE.md. When a zone file is absent or malformed, callers fall back to ICU.
import { readFileSync } from 'node:fs';
import { daysFromCivil } from './calendar.js';

/** One local time type: offset in seconds east, DST flag, abbreviation. */
export interface TzType { offsetSec: number; isDst: boolean; abbrev: string }

export interface TzData {
  /** Transition instants (unix seconds, ascending) and the type index that starts at each. */
  readonly times: readonly number[];
  readonly typeIdx: readonly number[];
  readonly types: readonly TzType[];
  /** The POSIX TZ footer rule for instants after the last transition, when present. */
  readonly rule: PosixRule | undefined;
}

/** Largest zone file accepted (real ones are under 4 KiB). */
const TZIF_MAX_BYTES = 1 << 20;
const ZONEINFO_DIR = '/usr/share/zoneinfo';

/** Read and parse `<dir>/<name>`; undefined when missing or not a valid TZif file. */
export function loadTzFile(name: string, dir = ZONEINFO_DIR): TzData | undefined {
  if (!/^[A-Za-z0-9_+\-]+(?:\/[A-Za-z0-9_+\-]+)*$/.test(name)) return undefined;
  let buf: Buffer;
  try {
    buf = readFileSync(`${dir}/${name}`);
  } catch {
    return undefined;
  }
  if (buf.length > TZIF_MAX_BYTES) return undefined;
  try {
    return parseTzif(buf);
  } catch {
    return undefined;
  }
}

interface Header { version: number; isutcnt: number; isstdcnt: number; leapcnt: number; timecnt: number; typecnt: number; charcnt: number }

function header(b: Buffer, at: number): Header {
  if (b.toString('latin1', at, at + 4) !== 'TZif') throw new Error('not TZif');
  const v = b[at + 4]!;
  const n = (i: number) => b.readUInt32BE(at + 20 + 4 * i);
  return { version: v === 0 ? 1 : v - 0x30, isutcnt: n(0), isstdcnt: n(1), leapcnt: n(2), timecnt: n(3), typecnt: n(4), charcnt: n(5) };
}

function blockSize(h: Header, timeBytes: number): number {
  return h.timecnt * timeBytes + h.timecnt + h.typecnt * 6 + h.charcnt + h.leapcnt * (timeBytes + 4) + h.isstdcnt + h.isutcnt;
}

/** Parse TZif bytes (v1 uses the 32-bit block; v2+ the 64-bit block and the footer rule). */
export function parseTzif(b: Buffer): TzData {
  let h = header(b, 0);
  let at = 44;
  let timeBytes = 4;
  if (h.version >= 2) {
    at += blockSize(h, 4);
    h = header(b, at);
    at += 44;
    timeBytes = 8;
  }
  if (h.typecnt === 0 || at + blockSize(h, timeBytes) > b.length) throw new Error('truncated');
  const times: number[] = [];
  for (let i = 0; i < h.timecnt; i++) {
    times.push(timeBytes === 8 ? Number(b.readBigInt64BE(at + 8 * i)) : b.readInt32BE(at + 4 * i));
  }
  at += h.timecnt * timeBytes;
  const typeIdx: number[] = [];
  for (let i = 0; i < h.timecnt; i++) {
    const t = b[at + i]!;
    if (t >= h.typecnt) throw new Error('bad type index');
    typeIdx.push(t);
  }
  at += h.timecnt;
  const raw: Array<[number, boolean, number]> = [];
  for (let i = 0; i < h.typecnt; i++) raw.push([b.readInt32BE(at + 6 * i), b[at + 6 * i + 4] !== 0, b[at + 6 * i + 5]!]);
  at += h.typecnt * 6;
  const chars = b.toString('latin1', at, at + h.charcnt);
  const types = raw.map(([offsetSec, isDst, ai]) => ({ offsetSec, isDst, abbrev: chars.slice(ai, chars.indexOf('\0', ai) < 0 ? undefined : chars.indexOf('\0', ai)) }));
  at += blockSize(h, timeBytes) - h.timecnt * timeBytes - h.timecnt - h.typecnt * 6;
  let rule: PosixRule | undefined;
  if (h.version >= 2 && b[at] === 0x0a) {
    const end = b.indexOf(0x0a, at + 1);
    if (end > at + 1) rule = parsePosixTz(b.toString('latin1', at + 1, end));
  }
  return { times, typeIdx, types, rule };
}

/** The local time type in effect at a unix second. */
export function tzTypeAt(tz: TzData, unixSec: number): TzType {
  const { times, typeIdx, types } = tz;
  if (times.length === 0 || unixSec < times[0]!) {
    // RFC 8536: type 0 before the first transition (a footer alone describes all time).
    if (times.length === 0 && tz.rule !== undefined) return ruleTypeAt(tz.rule, unixSec);
    return types[0]!;
  }
  if (unixSec >= times[times.length - 1]! && tz.rule !== undefined) return ruleTypeAt(tz.rule, unixSec);
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= unixSec) lo = mid; else hi = mid - 1;
  }
  return types[typeIdx[lo]!]!;
}

// ---- POSIX TZ rules (the TZif footer), e.g. 'EST5EDT,M3.2.0,M11.1.0', '<+0530>-5:30' ----------

/** A date rule: Mm.w.d (month, week 1-5 where 5 = last, weekday 0=Sunday), Jn or n. */
type DateRule = { kind: 'M'; month: number; week: number; weekday: number } | { kind: 'J'; day: number } | { kind: 'N'; day: number };

export interface PosixRule {
  std: TzType;
  dst?: { type: TzType; start: DateRule; startSec: number; end: DateRule; endSec: number };
}

class PosixScanner {
  i = 0;
  constructor(readonly s: string) {}
  name(): string {
    if (this.s[this.i] === '<') {
      const end = this.s.indexOf('>', this.i);
      if (end < 0) throw new Error('bad name');
      const n = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return n;
    }
    const m = /^[A-Za-z]{3,}/.exec(this.s.slice(this.i));
    if (m === null) throw new Error('bad name');
    this.i += m[0].length;
    return m[0];
  }
  /** [+-]hh[:mm[:ss]] as seconds (sign as written). */
  hms(): number {
    const m = /^([+-]?)(\d{1,3})(?::(\d{2}))?(?::(\d{2}))?/.exec(this.s.slice(this.i));
    if (m === null) throw new Error('bad time');
    this.i += m[0].length;
    const v = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    return m[1] === '-' ? -v : v;
  }
  peek(): string | undefined { return this.s[this.i]; }
  date(): DateRule {
    const rest = this.s.slice(this.i);
    let m = /^M(\d{1,2})\.(\d)\.(\d)/.exec(rest);
    if (m !== null) { this.i += m[0].length; return { kind: 'M', month: Number(m[1]), week: Number(m[2]), weekday: Number(m[3]) }; }
    m = /^J(\d{1,3})/.exec(rest);
    if (m !== null) { this.i += m[0].length; return { kind: 'J', day: Number(m[1]) }; }
    m = /^(\d{1,3})/.exec(rest);
    if (m !== null) { this.i += m[0].length; return { kind: 'N', day: Number(m[1]) }; }
    throw new Error('bad date rule');
  }
}

export function parsePosixTz(s: string): PosixRule | undefined {
  const sc = new PosixScanner(s);
  const stdName = sc.name();
  const stdOff = 0 - sc.hms(); // POSIX offsets are west-positive (0 - x: never -0)
  const std = { offsetSec: stdOff, isDst: false, abbrev: stdName };
  if (sc.peek() === undefined) return { std };
  const dstName = sc.name();
  let dstOff = stdOff + 3600;
  if (sc.peek() !== ',' && sc.peek() !== undefined) dstOff = 0 - sc.hms();
  if (sc.peek() !== ',') return undefined; // DST without rules: not produced by zic; let ICU answer
  sc.i++;
  const start = sc.date();
  let startSec = 7200;
  if (sc.peek() === '/') { sc.i++; startSec = sc.hms(); }
  if (sc.peek() !== ',') throw new Error('bad rule');
  sc.i++;
  const end = sc.date();
  let endSec = 7200;
  if (sc.peek() === '/') { sc.i++; endSec = sc.hms(); }
  if (sc.peek() !== undefined) throw new Error('trailing characters');
  return { std, dst: { type: { offsetSec: dstOff, isDst: true, abbrev: dstName }, start, startSec, end, endSec } };
}

const UNIX_EPOCH_DAYS = daysFromCivil(1970, 1, 1);

/** Days since 1970-01-01 of a date rule in `year`. */
function ruleDay(r: DateRule, year: number): number {
  const jan1 = daysFromCivil(year, 1, 1) - UNIX_EPOCH_DAYS;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  switch (r.kind) {
    case 'J': return jan1 + r.day - 1 + (leap && r.day >= 60 ? 1 : 0); // J: Feb 29 is never counted
    case 'N': return jan1 + r.day;
    case 'M': {
      const first = daysFromCivil(year, r.month, 1) - UNIX_EPOCH_DAYS;
      const dowFirst = (((first + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
      let d = first + ((r.weekday - dowFirst + 7) % 7) + (r.week - 1) * 7;
      const nextMonth = r.month === 12 ? daysFromCivil(year + 1, 1, 1) - UNIX_EPOCH_DAYS : daysFromCivil(year, r.month + 1, 1) - UNIX_EPOCH_DAYS;
      while (d >= nextMonth) d -= 7; // week 5 = the last such weekday
      return d;
    }
    default: { const never: never = r; return never; }
  }
}

function ruleTypeAt(rule: PosixRule, unixSec: number): TzType {
  const dst = rule.dst;
  if (dst === undefined) return rule.std;
  const year = yearOfUnixSec(unixSec + rule.std.offsetSec);
  // Start is given in standard local time, end in daylight local time.
  const start = ruleDay(dst.start, year) * 86400 + dst.startSec - rule.std.offsetSec;
  const end = ruleDay(dst.end, year) * 86400 + dst.endSec - dst.type.offsetSec;
  const inDst = start < end ? unixSec >= start && unixSec < end : !(unixSec >= end && unixSec < start);
  return inDst ? dst.type : rule.std;
}

function yearOfUnixSec(sec: number): number {
  // Civil year of a day count (Howard Hinnant's days_from_civil inverse, era-based).
  const z = Math.floor(sec / 86400) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (m <= 2 ? 1 : 0);
}
