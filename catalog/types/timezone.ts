// Time zones: IANA names through the ICU data built into Node (Intl), fixed offsets, and
// POSIX-style 'UTC+3' specs (POSIX signs are inverted: 'UTC+3' is three hours WEST of UTC).
// Offsets are seconds EAST of UTC (the ISO sign), as PostgreSQL prints them.
//
// Intl costs ~5 µs per lookup, so resolved zones and per-year offset segments are memoised in
// bounded maps. That memo is the one module-level mutable structure in catalog/types: it holds
// only pure functions of (zone name, instant) from ICU's immutable data, so sharing it across
// sessions cannot change any result; each map is capped and cleared when full.
import { DbError } from '../errors.js';
import { daysFromCivil } from './calendar.js';
import { loadTzFile, tzTypeAt, type TzData } from './tzfile.js';
import { ZONE_ABBREVS } from './zone-abbrevs.js';

export type Zone =
  /** A constant offset: UTC itself, '+05:30', 'UTC+3', '<-03>+03', numeric SET TIME ZONE. */
  | { kind: 'fixed'; name: string; offsetSec: number; abbrev: string }
  /** An IANA zone resolved through Intl. */
  | {
    kind: 'iana'; name: string; fmt: Intl.DateTimeFormat; buckets: Map<number, SpanOffsets>;
    /** The host's compiled tz data for this zone (what PostgreSQL reads), when present. */
    tz: TzData | undefined;
  };

const ZONES_MAX = 256;
const BUCKETS_MAX = 4096;
const zoneMemo = new Map<string, Zone | null>();

export const UTC_ZONE: Zone = Object.freeze({ kind: 'fixed', name: 'UTC', offsetSec: 0, abbrev: 'UTC' });

/** JS Date's range (±8.64e15 ms); instants beyond it are folded by 400-year cycles. */
const JS_SEC_MAX = 8.64e12;
const SECS_PER_400Y = 146097 * 86400;

function parseOffsetText(s: string): number | undefined {
  // h, hh, hh:mm, hh:mm:ss, hhmm
  const m = /^(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/.exec(s);
  if (m === null) return undefined;
  const h = Number(m[1]);
  const mi = m[2] === undefined ? 0 : Number(m[2]);
  const se = m[3] === undefined ? 0 : Number(m[3]);
  if (mi > 59 || se > 59) return undefined;
  return h * 3600 + mi * 60 + se;
}

/**
 * Resolve a time zone name as a TimeZone setting or an AT TIME ZONE argument would: 'UTC',
 * IANA names (case-insensitive), POSIX 'STD[+-]h[:mm[:ss]]' without a DST part, '<+03>-3'.
 * Returns undefined when the name is not recognised (callers raise 22023 with their wording).
 */
export function resolveZone(name: string): Zone | undefined {
  const memo = zoneMemo.get(name);
  if (memo !== undefined) return memo ?? undefined;
  const z = resolveZoneUncached(name);
  if (zoneMemo.size >= ZONES_MAX) zoneMemo.clear();
  zoneMemo.set(name, z ?? null);
  return z;
}

function resolveZoneUncached(name: string): Zone | undefined {
  const upper = name.toUpperCase();
  if (upper === 'UTC' || upper === 'ETC/UTC' || upper === 'UCT' || upper === 'ZULU' || upper === 'UNIVERSAL' || upper === 'ETC/UCT') {
    return { kind: 'fixed', name, offsetSec: 0, abbrev: 'UTC' };
  }
  if (upper === 'GMT' || upper === 'ETC/GMT' || upper === 'GMT0' || upper === 'GREENWICH') {
    return { kind: 'fixed', name, offsetSec: 0, abbrev: 'GMT' };
  }
  // A bare number is hours east of UTC (SET TIME ZONE -7, '5.5'): check_timezone's strtod path.
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(name)) {
    const hours = Number(name);
    return Math.abs(hours) <= 15 ? fixedZoneFromHours(hours) : undefined;
  }
  // POSIX: <abbr>[+-]offset, ALPHA+[+-]offset, or a signed offset with colons ('+05:30'), no DST
  // rule part. POSIX offsets count hours WEST of UTC: 'UTC+3' and '+05:30' are behind UTC.
  const posix = /^(?:<([A-Za-z0-9:+-]+)>|([A-Za-z]+))?([+-]?)(\d{1,2}(?::\d{2}(?::\d{2})?)?)$/.exec(name);
  if (posix !== null && (posix[1] !== undefined || posix[2] !== undefined || (posix[3] !== '' && name.includes(':')))) {
    const off = parseOffsetText(posix[4]!);
    if (off !== undefined && off <= 24 * 3600) {
      const west = posix[3] === '-' ? -off : off;
      return { kind: 'fixed', name, offsetSec: -west, abbrev: posix[1] ?? posix[2] ?? name };
    }
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return undefined;
  // PostgreSQL's tz directory also answers to 'posix/<zone>' (the same data).
  if (upper.startsWith('POSIX/')) return resolveZoneUncached(name.slice(6));
  // ICU accepts legacy Java IDs that the tz database does not have (SET TIME ZONE 'PST' fails).
  if (ICU_ONLY_IDS.has(upper)) return undefined;
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', era: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    const canonical = fmt.resolvedOptions().timeZone;
    if (canonical === 'UTC' || canonical === 'Etc/UTC') return { kind: 'fixed', name: canonical, offsetSec: 0, abbrev: 'UTC' };
    return { kind: 'iana', name: canonical, fmt, buckets: new Map(), tz: loadTzFile(canonical) ?? loadTzFile(name) };
  } catch {
    return undefined;
  }
}

/**
 * Resolve the zone argument of AT TIME ZONE / timezone(zone, ts) as PostgreSQL 15's
 * timestamptz_zone does: a time zone abbreviation first ('PST', 'cet': a fixed offset), else a
 * zone name through pg_tzset, where a bare number is a POSIX offset, i.e. hours WEST of UTC
 * ('-7' is UTC+7) — unlike the TimeZone setting, where it is hours east (see resolveZone).
 */
export function resolveZoneArg(name: string): Zone | undefined {
  const lower = name.toLowerCase();
  const ab = ZONE_ABBREVS.get(lower);
  if (ab !== undefined) return { kind: 'fixed', name, offsetSec: ab, abbrev: name.toUpperCase() };
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(name)) {
    const hours = Number(name);
    if (Math.abs(hours) > 24) return undefined;
    return { kind: 'fixed', name, offsetSec: -Math.round(hours * 3600), abbrev: name };
  }
  return resolveZone(name);
}

/** Zone IDs ICU resolves but PostgreSQL's tz database lacks (checked against pg_timezone_names). */
const ICU_ONLY_IDS: ReadonlySet<string> = new Set('ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT IET IST JST MIT NET NST PLT PNT PRT PST SST VST'.split(' '));

/** A numeric TimeZone setting (SET TIME ZONE -3 / 5.5): hours east of UTC (ISO sign). */
export function fixedZoneFromHours(hours: number): Zone {
  const offsetSec = Math.round(hours * 3600);
  const a = Math.abs(offsetSec);
  const hh = Math.floor(a / 3600);
  const mm = Math.floor(a / 60) % 60;
  const ss = a % 60;
  const body = `${offsetSec < 0 ? '-' : '+'}${String(hh).padStart(2, '0')}${mm || ss ? ':' + String(mm).padStart(2, '0') : ''}${ss ? ':' + String(ss).padStart(2, '0') : ''}`;
  const posixBody = `${offsetSec < 0 ? '+' : '-'}${hh}${mm || ss ? ':' + String(mm).padStart(2, '0') : ''}${ss ? ':' + String(ss).padStart(2, '0') : ''}`;
  // PostgreSQL shows such a zone as '<-03>+03' (abbreviation, then the POSIX offset).
  return { kind: 'fixed', name: `<${body}>${posixBody}`, offsetSec, abbrev: body };
}

/** resolveZone or DbError 22023 `time zone "x" not recognized`. */
export function zoneOrThrow(name: string): Zone {
  const z = resolveZone(name);
  if (z === undefined) throw new DbError('22023', `time zone "${name}" not recognized`);
  return z;
}

function icuOffsetSec(fmt: Intl.DateTimeFormat, utcSec: number): number {
  let fold = 0;
  while (utcSec + fold > JS_SEC_MAX - SECS_PER_400Y) fold -= SECS_PER_400Y;
  while (utcSec + fold < -JS_SEC_MAX + SECS_PER_400Y) fold += SECS_PER_400Y;
  const t = utcSec + fold;
  let year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, bc = false;
  for (const p of fmt.formatToParts(t * 1000)) {
    switch (p.type) {
      case 'year': year = Number(p.value); break;
      case 'month': month = Number(p.value); break;
      case 'day': day = Number(p.value); break;
      case 'hour': hour = Number(p.value); break;
      case 'minute': minute = Number(p.value); break;
      case 'second': second = Number(p.value); break;
      case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
      default: break;
    }
  }
  if (bc) year = 1 - year;
  const localSec = (daysFromCivil(year, month, day) + 10957) * 86400 + hour * 3600 + minute * 60 + second;
  return localSec - t;
}

/**
 * Offsets over one span of SPAN_SEC seconds: segment i starts at starts[i] (unix seconds) and
 * has offsets[i]; starts[0] is the span start. Built once per span from ICU and kept, so
 * values spread over months or years cost one Intl sweep per year, not one per value.
 */
interface SpanOffsets { starts: number[]; offsets: number[] }

const SPAN_SEC = 366 * 86400;
/** Sampling step inside a span: transitions closer together than this could be missed. */
const SAMPLE_SEC = 7 * 86400;

function buildSpan(fmt: Intl.DateTimeFormat, spanStart: number): SpanOffsets {
  const starts = [spanStart];
  const offsets = [icuOffsetSec(fmt, spanStart)];
  let prevT = spanStart;
  let prevOff = offsets[0]!;
  for (let t = spanStart + SAMPLE_SEC; ; t += SAMPLE_SEC) {
    const at = Math.min(t, spanStart + SPAN_SEC - 1);
    const off = icuOffsetSec(fmt, at);
    if (off !== prevOff) {
      // Binary search the first second with the new offset in (prevT, at].
      let lo = prevT;
      let hi = at;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (icuOffsetSec(fmt, mid) === prevOff) lo = mid; else hi = mid;
      }
      starts.push(hi);
      offsets.push(off);
      prevOff = off;
    }
    prevT = at;
    if (at === spanStart + SPAN_SEC - 1) break;
  }
  return { starts, offsets };
}

/** Offset (seconds east of UTC) in effect at a UTC instant given in seconds since 1970. */
export function offsetAtUnixSec(zone: Zone, utcSec: number): number {
  if (zone.kind === 'fixed') return zone.offsetSec;
  if (zone.tz !== undefined) return tzTypeAt(zone.tz, Math.floor(utcSec)).offsetSec;
  const bucket = Math.floor(utcSec / SPAN_SEC);
  let span = zone.buckets.get(bucket);
  if (span === undefined) {
    span = buildSpan(zone.fmt, bucket * SPAN_SEC);
    if (zone.buckets.size >= BUCKETS_MAX) zone.buckets.clear();
    zone.buckets.set(bucket, span);
  }
  const { starts, offsets } = span;
  let i = starts.length - 1;
  while (i > 0 && starts[i]! > utcSec) i--;
  return offsets[i]!;
}

const PG_EPOCH_UNIX_SEC = 946684800;

/** Offset (seconds east) at an instant given as µs since 2000-01-01 UTC. */
export function offsetAt(zone: Zone, utcMicros: bigint): number {
  if (zone.kind === 'fixed') return zone.offsetSec;
  const sec = Number(utcMicros / 1_000_000n) - (utcMicros < 0n && utcMicros % 1_000_000n !== 0n ? 1 : 0);
  return offsetAtUnixSec(zone, sec + PG_EPOCH_UNIX_SEC);
}

/**
 * The UTC instant of a wall-clock time in `zone` (PostgreSQL's DetermineTimeZoneOffset):
 * in a spring-forward gap the offset before the transition applies (02:30 becomes 03:30
 * daylight time); in a fall-back overlap the offset after the transition applies.
 */
export function localToUtc(zone: Zone, localMicros: bigint): bigint {
  if (zone.kind === 'fixed') return localMicros - BigInt(zone.offsetSec) * 1_000_000n;
  const day = 86_400_000_000n;
  const before = offsetAt(zone, localMicros - day);
  const after = offsetAt(zone, localMicros + day);
  const tBefore = localMicros - BigInt(before) * 1_000_000n;
  const tAfter = localMicros - BigInt(after) * 1_000_000n;
  const okBefore = offsetAt(zone, tBefore) === before;
  const okAfter = offsetAt(zone, tAfter) === after;
  // Ambiguous (fall-back overlap): PostgreSQL prefers the reading after the transition.
  if (okAfter) return tAfter;
  if (okBefore) return tBefore;
  // In a gap: use the offset in effect just before the transition.
  return tBefore;
}

/** The abbreviation non-ISO DateStyles print after a timestamptz, when Pyralog knows it. */
export function zoneAbbrev(zone: Zone): string | undefined {
  return zone.kind === 'fixed' ? zone.abbrev : undefined;
}

/**
 * The abbreviation in effect at an instant (µs since 2000-01-01 UTC): a fixed zone's own, or
 * the tz database's (EST, CEST, LMT, +0530). Undefined when only ICU data is available.
 */
export function zoneAbbrevAt(zone: Zone, utcMicros: bigint): string | undefined {
  if (zone.kind === 'fixed') return zone.abbrev;
  if (zone.tz === undefined) return undefined;
  const sec = Number(utcMicros / 1_000_000n) - (utcMicros < 0n && utcMicros % 1_000_000n !== 0n ? 1 : 0);
  return tzTypeAt(zone.tz, sec + PG_EPOCH_UNIX_SEC).abbrev;
}

/** '+HH', '+HH:MM' or '+HH:MM:SS' as PostgreSQL prints a UTC offset (seconds east). */
export function formatOffset(offsetSec: number): string {
  const a = Math.abs(offsetSec);
  const hh = Math.floor(a / 3600);
  const mm = Math.floor(a / 60) % 60;
  const ss = a % 60;
  let s = (offsetSec < 0 ? '-' : '+') + (hh < 10 ? '0' : '') + hh;
  if (mm !== 0 || ss !== 0) s += ':' + (mm < 10 ? '0' : '') + mm;
  if (ss !== 0) s += ':' + (ss < 10 ? '0' : '') + ss;
  return s;
}
