// Date/time functions and operators. The clock functions follow PostgreSQL's stability rules:
// now()/transaction_timestamp() are fixed for the transaction, statement_timestamp() for the
// statement, clock_timestamp() reads the clock on every call. Calendar and zone arithmetic is
// catalog's (addInterval, age, zones); this file maps SQL signatures onto it.

import {
  DbError, TypeOid, addInterval, age, dateToTimestamp, daysFromCivil, fieldsToTimestamptz, intervalAdd, intervalNegate,
  intervalSub, isTimestampInfinite, joinTimestamp, justifyDays, justifyHours, justifyInterval, localToUtc, offsetAt,
  resolveZone, splitTimestamp, subInterval, timestampDiff, timestampToDate, timestamptzToFields, daysInMonth,
  DATE_NEG_INFINITY, DATE_POS_INFINITY, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY, type Interval, type Zone,
} from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { nowMicros } from '../clock.js';
import { decFormat, type Dec } from '../eval/decimal.js';
import { fromDec } from '../eval/numeric.js';
import { fn, type FnDef } from './def.js';
import { infiniteField, intervalField, normalizeUnit, timeField, timestampField, truncFields } from './datetime-fields.js';
import { toCharTimestamp, toCharInterval, toTimestampFormat } from './to-char.js';
import { sessionZone, zoneArg } from './zone.js';
import { toCharNumber } from './to-char-number.js';
import { decParse } from '../eval/decimal.js';
import { toDec } from '../eval/numeric.js';

/** A float as the decimal PostgreSQL's float to_char starts from (15 significant digits). */
function floatDec(x: number): Dec {
  if (Number.isNaN(x)) return { kind: 'nan' };
  if (!Number.isFinite(x)) return { kind: 'inf', neg: x < 0 };
  return decParse(x.toPrecision(15));
}

export { sessionZone };

const O = TypeOid;
const DAY_US = 86_400_000_000n;

/** AdjustTimestampForTypmod: round µs to `precision` fractional digits (half away from zero). */
export function roundMicros(us: bigint, precision: number): bigint {
  if (precision < 0 || precision >= 6) return us;
  const unit = 10n ** BigInt(6 - precision);
  const half = unit / 2n;
  return us >= 0n ? ((us + half) / unit) * unit : -(((-us + half) / unit) * unit);
}

function dateOutOfRange(): DbError {
  return new DbError('22008', 'date out of range');
}

const isInfDate = (d: number): boolean => d === DATE_NEG_INFINITY || d === DATE_POS_INFINITY;

function dateToTs(d: number): bigint {
  if (d === DATE_NEG_INFINITY) return TIMESTAMP_NEG_INFINITY;
  if (d === DATE_POS_INFINITY) return TIMESTAMP_POS_INFINITY;
  return dateToTimestamp(d);
}

function dateToTstz(d: number, ctx: EvalContext): bigint {
  if (isInfDate(d)) return dateToTs(d);
  return localToUtc(sessionZone(ctx), dateToTimestamp(d));
}

function datePlus(d: number, n: number): number {
  if (isInfDate(d)) return d;
  const r = d + n;
  // PostgreSQL's date range: 4714-11-24 BC .. 5874897-12-31.
  if (r < -2451545 || r > 2145031948) throw dateOutOfRange();
  return r;
}

/** date_part/extract over any datetime type. */
function extract(unitText: string, typeOid: number, v: Value, ctx: EvalContext): Dec | null {
  const unit = normalizeUnit(unitText, typeOid);
  switch (typeOid) {
    case O.interval:
      return intervalField(unit, v as Interval);
    case O.time:
      return timeField(unit, v as bigint);
    case O.date: {
      const d = v as number;
      if (isInfDate(d)) return infiniteField(unit, d > 0);
      if (['hour', 'minute', 'second', 'milliseconds', 'microseconds', 'timezone', 'timezone_hour', 'timezone_minute'].includes(unit)) {
        throw new DbError('0A000', `unit "${unitText}" not supported for type date`);
      }
      const t = dateToTimestamp(d);
      return timestampField(unit, splitTimestamp(t), t, typeOid, undefined, true);
    }
    case O.timestamp: {
      const t = v as bigint;
      if (isTimestampInfinite(t)) return infiniteField(unit, t > 0n);
      return timestampField(unit, splitTimestamp(t), t, typeOid, undefined, false);
    }
    case O.timestamptz: {
      const t = v as bigint;
      if (isTimestampInfinite(t)) return infiniteField(unit, t > 0n);
      const f = timestamptzToFields(t, sessionZone(ctx));
      return timestampField(unit, f, t, typeOid, f.offsetSec, false);
    }
    default:
      throw new DbError('XX000', `extract from type ${typeOid}`);
  }
}

function decToFloat(d: Dec | null): number | null {
  if (d === null) return null;
  if (d.kind === 'nan') return NaN;
  if (d.kind === 'inf') return d.neg ? -Infinity : Infinity;
  return Number(decFormat(d));
}

function truncTimestamp(unitText: string, t: bigint): bigint {
  if (isTimestampInfinite(t)) return t;
  const unit = normalizeUnit(unitText, O.timestamp);
  return joinTimestamp(truncFields(unit, splitTimestamp(t), O.timestamp));
}

function truncTimestamptz(unitText: string, t: bigint, zone: Zone): bigint {
  if (isTimestampInfinite(t)) return t;
  const unit = normalizeUnit(unitText, O.timestamptz);
  const f = truncFields(unit, timestamptzToFields(t, zone), O.timestamptz);
  return fieldsToTimestamptz(f, zone);
}

function truncInterval(unitText: string, v: Interval): Interval {
  const unit = normalizeUnit(unitText, O.interval);
  const years = Math.trunc(v.months / 12);
  switch (unit) {
    case 'millennium': return { months: Math.trunc(years / 1000) * 12000, days: 0, micros: 0n };
    case 'century': return { months: Math.trunc(years / 100) * 1200, days: 0, micros: 0n };
    case 'decade': return { months: Math.trunc(years / 10) * 120, days: 0, micros: 0n };
    case 'year': return { months: years * 12, days: 0, micros: 0n };
    case 'quarter': return { months: years * 12 + Math.trunc((v.months % 12) / 3) * 3, days: 0, micros: 0n };
    case 'month': return { months: v.months, days: 0, micros: 0n };
    case 'day': return { months: v.months, days: v.days, micros: 0n };
    case 'hour': return { ...v, micros: (v.micros / 3_600_000_000n) * 3_600_000_000n };
    case 'minute': return { ...v, micros: (v.micros / 60_000_000n) * 60_000_000n };
    case 'second': return { ...v, micros: (v.micros / 1_000_000n) * 1_000_000n };
    case 'milliseconds': return { ...v, micros: (v.micros / 1000n) * 1000n };
    case 'microseconds': return v;
    default:
      throw new DbError('0A000', `unit "${unitText}" not supported for type interval`);
  }
}

function makeDate(y: number, m: number, d: number): number {
  const year = y < 0 ? y + 1 : y;
  if (y === 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(year, m)) {
    throw new DbError('22008', `date field value out of range: ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  }
  return daysFromCivil(year, m, d);
}

function makeTimeUs(h: number, mi: number, sec: number): bigint {
  if (h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60 || Number.isNaN(sec) || (h === 24 && (mi > 0 || sec > 0))) {
    throw new DbError('22008', `time field value out of range: ${h}:${String(mi).padStart(2, '0')}:${String(sec).padStart(2, '0')}`);
  }
  return BigInt((h * 60 + mi) * 60) * 1_000_000n + BigInt(Math.round(sec * 1e6));
}

function makeInterval(a: Value[]): Interval {
  const n = (i: number): number => (a[i] === undefined ? 0 : (a[i] as number));
  const secs = a[6] === undefined ? 0 : (a[6] as number);
  if (!Number.isFinite(secs)) throw new DbError('22008', 'interval out of range');
  const months = n(0) * 12 + n(1);
  const days = n(2) * 7 + n(3);
  const micros = BigInt(n(4)) * 3_600_000_000n + BigInt(n(5)) * 60_000_000n + BigInt(Math.round(secs * 1e6));
  return { months, days, micros };
}

/** interval_mul / interval_div: whole months and days, fractions cascaded down (PostgreSQL 15). */
function intervalMul(v: Interval, factor: number, divide = false): Interval {
  if (Number.isNaN(factor)) throw new DbError('22008', 'interval out of range');
  const op = (x: number): number => (divide ? x / factor : x * factor);
  const tsround = (x: number): number => rintHalfEven(x * 1e6) / 1e6;
  const monthF = op(v.months);
  const dayF = op(v.days);
  if (!Number.isFinite(monthF) || !Number.isFinite(dayF) || Math.abs(monthF) > 2147483647 || Math.abs(dayF) > 2147483647) {
    throw new DbError('22008', 'interval out of range');
  }
  const months = Math.trunc(monthF);
  let days = Math.trunc(dayF);
  const monthRemainderDays = tsround((monthF - months) * 30);
  let secRemainder = tsround((dayF - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
  if (Math.abs(secRemainder) >= 86400) {
    const whole = Math.trunc(secRemainder / 86400);
    days += whole;
    secRemainder -= whole * 86400;
  }
  days += Math.trunc(monthRemainderDays);
  // PostgreSQL 15.20 checks these additions (pg_add_s32_overflow); 15.2 wrapped silently.
  if (Math.abs(days) > 2147483647) throw new DbError('22008', 'interval out of range');
  const micros = rintHalfEven(op(Number(v.micros)) + secRemainder * 1e6);
  if (!Number.isFinite(micros) || Math.abs(micros) > 9.2e18) throw new DbError('22008', 'interval out of range');
  return { months: months === 0 ? 0 : months, days: days === 0 ? 0 : days, micros: BigInt(micros) };
}

function rintHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function atTimeZoneTstz(zoneName: string, t: bigint): bigint {
  // timestamptz AT TIME ZONE z → timestamp (wall clock in z).
  if (isTimestampInfinite(t)) return t;
  const z = zoneArg(zoneName);
  return t + BigInt(offsetAt(z, t)) * 1_000_000n;
}

function atTimeZoneTs(zoneName: string, t: bigint): bigint {
  // timestamp AT TIME ZONE z → timestamptz (the wall clock read in z).
  if (isTimestampInfinite(t)) return t;
  return localToUtc(zoneArg(zoneName), t);
}

const DOW = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** timeofday(): "Tue Nov 24 11:49:08.123456 2026 UTC" in the session zone (PostgreSQL's format). */
function timeofday(ctx: EvalContext): string {
  const z = sessionZone(ctx);
  const now = nowMicros();
  const f = timestamptzToFields(now, z);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const dow = new Date(Date.UTC(2000, 0, 1) + Number(timestampToDate(now + BigInt(f.offsetSec) * 1_000_000n)) * 86_400_000).getUTCDay();
  let abbrev: string;
  if (z.kind === 'fixed') abbrev = z.abbrev;
  else {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: z.name, timeZoneName: 'short' })
      .formatToParts(new Date(Number(now / 1000n) + 946_684_800_000))
      .find((x) => x.type === 'timeZoneName');
    abbrev = part?.value ?? z.name;
  }
  return `${DOW[dow]} ${MON[f.month - 1]} ${p2(f.day)} ${p2(f.hour)}:${p2(f.minute)}:${p2(f.second)}.${String(f.micros).padStart(6, '0')} ${f.year} ${abbrev}`;
}

function toTimestampEpoch(x: number): bigint {
  if (Number.isNaN(x)) throw new DbError('22008', 'timestamp cannot be NaN');
  if (x === Infinity) return TIMESTAMP_POS_INFINITY;
  if (x === -Infinity) return TIMESTAMP_NEG_INFINITY;
  const us = Math.round((x - 946_684_800) * 1e6);
  if (!Number.isFinite(us) || Math.abs(us) > 9.2e18) throw new DbError('22008', `timestamp out of range: "${x}"`);
  return BigInt(us);
}

const D = O.date, TS = O.timestamp, TZ = O.timestamptz, IV = O.interval, TM = O.time, TX = O.text, F8 = O.float8, I4 = O.int4, N = O.numeric;

export function datetimeFunctions(): FnDef[] {
  const out: FnDef[] = [
    fn('now', [], TZ, (_a, ctx) => ctx.env.txStartMicros(), { volatility: 'stable' }),
    fn('transaction_timestamp', [], TZ, (_a, ctx) => ctx.env.txStartMicros(), { volatility: 'stable' }),
    fn('statement_timestamp', [], TZ, (_a, ctx) => ctx.env.stmtStartMicros(), { volatility: 'stable' }),
    fn('clock_timestamp', [], TZ, () => nowMicros(), { volatility: 'volatile' }),
    fn('timeofday', [], TX, (_a, ctx) => timeofday(ctx), { volatility: 'volatile' }),
    fn('age', [TS, TS], IV, (a) => age(a[0] as bigint, a[1] as bigint)),
    fn('age', [TZ, TZ], IV, (a, ctx) => age(a[0] as bigint, a[1] as bigint, sessionZone(ctx)), { volatility: 'stable' }),
    fn('age', [TS], IV, (a, ctx) => {
      const z = sessionZone(ctx);
      const today = timestampToDate(ctx.env.txStartMicros() + BigInt(offsetAt(z, ctx.env.txStartMicros())) * 1_000_000n);
      return age(dateToTimestamp(today), a[0] as bigint);
    }, { volatility: 'stable' }),
    fn('age', [TZ], IV, (a, ctx) => {
      const z = sessionZone(ctx);
      const now = ctx.env.txStartMicros();
      const today = timestampToDate(now + BigInt(offsetAt(z, now)) * 1_000_000n);
      return age(localToUtc(z, dateToTimestamp(today)), a[0] as bigint, z);
    }, { volatility: 'stable' }),
    fn('make_date', [I4, I4, I4], D, (a) => makeDate(a[0] as number, a[1] as number, a[2] as number)),
    fn('make_time', [I4, I4, F8], TM, (a) => makeTimeUs(a[0] as number, a[1] as number, a[2] as number)),
    fn('make_timestamp', [I4, I4, I4, I4, I4, F8], TS, (a) => dateToTimestamp(makeDate(a[0] as number, a[1] as number, a[2] as number)) + makeTimeUs(a[3] as number, a[4] as number, a[5] as number)),
    fn('make_timestamptz', [I4, I4, I4, I4, I4, F8], TZ, (a, ctx) => localToUtc(sessionZone(ctx), dateToTimestamp(makeDate(a[0] as number, a[1] as number, a[2] as number)) + makeTimeUs(a[3] as number, a[4] as number, a[5] as number)), { volatility: 'stable' }),
    fn('make_timestamptz', [I4, I4, I4, I4, I4, F8, TX], TZ, (a) => localToUtc(zoneArg(a[6] as string), dateToTimestamp(makeDate(a[0] as number, a[1] as number, a[2] as number)) + makeTimeUs(a[3] as number, a[4] as number, a[5] as number))),
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) =>
      fn('make_interval', [I4, I4, I4, I4, I4, I4, F8].slice(0, n), IV, (a) => makeInterval(a))),
    fn('justify_days', [IV], IV, (a) => justifyDays(a[0] as Interval)),
    fn('justify_hours', [IV], IV, (a) => justifyHours(a[0] as Interval)),
    fn('justify_interval', [IV], IV, (a) => justifyInterval(a[0] as Interval)),
    fn('isfinite', [D], O.bool, (a) => !isInfDate(a[0] as number)),
    fn('isfinite', [TS], O.bool, (a) => !isTimestampInfinite(a[0] as bigint)),
    fn('isfinite', [TZ], O.bool, (a) => !isTimestampInfinite(a[0] as bigint)),
    fn('isfinite', [IV], O.bool, () => true),
    fn('timezone', [TX, TZ], TS, (a) => atTimeZoneTstz(a[0] as string, a[1] as bigint)),
    fn('timezone', [TX, TS], TZ, (a) => atTimeZoneTs(a[0] as string, a[1] as bigint)),
    fn('to_timestamp', [F8], TZ, (a) => toTimestampEpoch(a[0] as number)),
    fn('to_timestamp', [TX, TX], TZ, (a, ctx) => toTimestampFormat(a[0] as string, a[1] as string, ctx, 'timestamptz'), { volatility: 'stable' }),
    fn('to_date', [TX, TX], D, (a, ctx) => timestampToDate(toTimestampFormat(a[0] as string, a[1] as string, ctx, 'date')), { volatility: 'stable' }),
    fn('to_char', [TS, TX], TX, (a, ctx) => toCharTimestamp(splitTimestamp(a[0] as bigint), a[1] as string, undefined, ctx, a[0] as bigint), { volatility: 'stable' }),
    fn('to_char', [TZ, TX], TX, (a, ctx) => {
      const z = sessionZone(ctx);
      const f = timestamptzToFields(a[0] as bigint, z);
      return toCharTimestamp(f, a[1] as string, { offsetSec: f.offsetSec, zone: z }, ctx, a[0] as bigint);
    }, { volatility: 'stable' }),
    fn('to_char', [IV, TX], TX, (a, ctx) => toCharInterval(a[0] as Interval, a[1] as string, ctx)),
    fn('to_char', [N, TX], TX, (a) => toCharNumber(toDec(a[0]), a[1] as string)),
    fn('to_char', [O.int4, TX], TX, (a) => toCharNumber({ kind: 'num', v: BigInt(a[0] as number), scale: 0 }, a[1] as string)),
    fn('to_char', [O.int8, TX], TX, (a) => toCharNumber({ kind: 'num', v: a[0] as bigint, scale: 0 }, a[1] as string)),
    fn('to_char', [F8, TX], TX, (a) => toCharNumber(floatDec(a[0] as number), a[1] as string)),
    fn('to_char', [O.float4, TX], TX, (a) => toCharNumber(floatDec(a[0] as number), a[1] as string)),
    fn('date_trunc', [TX, TS], TS, (a) => truncTimestamp(a[0] as string, a[1] as bigint)),
    fn('date_trunc', [TX, TZ], TZ, (a, ctx) => truncTimestamptz(a[0] as string, a[1] as bigint, sessionZone(ctx)), { volatility: 'stable' }),
    fn('date_trunc', [TX, TZ, TX], TZ, (a) => truncTimestamptz(a[0] as string, a[1] as bigint, zoneArg(a[2] as string))),
    fn('date_trunc', [TX, IV], IV, (a) => truncInterval(a[0] as string, a[1] as Interval)),
  ];
  for (const t of [D, TS, TZ, IV, TM]) {
    // date_part(text, date) is PostgreSQL's SQL wrapper over the timestamp version.
    if (t !== D) out.push(fn('date_part', [TX, t], F8, (a, ctx) => decToFloat(extract(a[0] as string, t, a[1], ctx)), { volatility: t === TZ ? 'stable' : 'immutable' }));
    out.push(fn('extract', [TX, t], N, (a, ctx) => {
      const d = extract(a[0] as string, t, a[1], ctx);
      return d === null ? null : fromDec(d);
    }, { volatility: t === TZ ? 'stable' : 'immutable' }));
  }
  void N;
  return out;
}

export function datetimeOperators(): FnDef[] {
  return [
    fn('+', [D, I4], D, (a) => datePlus(a[0] as number, a[1] as number)),
    fn('+', [I4, D], D, (a) => datePlus(a[1] as number, a[0] as number)),
    fn('-', [D, I4], D, (a) => datePlus(a[0] as number, -(a[1] as number))),
    fn('-', [D, D], I4, (a) => {
      if (isInfDate(a[0] as number) || isInfDate(a[1] as number)) throw new DbError('22008', 'cannot subtract infinite dates');
      return (a[0] as number) - (a[1] as number);
    }),
    fn('+', [D, IV], TS, (a) => addInterval(dateToTs(a[0] as number), a[1] as Interval)),
    fn('+', [IV, D], TS, (a) => addInterval(dateToTs(a[1] as number), a[0] as Interval)),
    fn('-', [D, IV], TS, (a) => subInterval(dateToTs(a[0] as number), a[1] as Interval)),
    fn('+', [D, TM], TS, (a) => dateToTs(a[0] as number) + (a[1] as bigint)),
    fn('+', [TM, D], TS, (a) => dateToTs(a[1] as number) + (a[0] as bigint)),
    fn('+', [TS, IV], TS, (a) => addInterval(a[0] as bigint, a[1] as Interval)),
    fn('+', [IV, TS], TS, (a) => addInterval(a[1] as bigint, a[0] as Interval)),
    fn('-', [TS, IV], TS, (a) => subInterval(a[0] as bigint, a[1] as Interval)),
    fn('+', [TZ, IV], TZ, (a, ctx) => addInterval(a[0] as bigint, a[1] as Interval, sessionZone(ctx)), { volatility: 'stable' }),
    fn('+', [IV, TZ], TZ, (a, ctx) => addInterval(a[1] as bigint, a[0] as Interval, sessionZone(ctx)), { volatility: 'stable' }),
    fn('-', [TZ, IV], TZ, (a, ctx) => subInterval(a[0] as bigint, a[1] as Interval, sessionZone(ctx)), { volatility: 'stable' }),
    fn('-', [TS, TS], IV, (a) => timestampDiff(a[0] as bigint, a[1] as bigint)),
    fn('-', [TZ, TZ], IV, (a) => timestampDiff(a[0] as bigint, a[1] as bigint)),
    fn('+', [IV, IV], IV, (a) => intervalAdd(a[0] as Interval, a[1] as Interval)),
    fn('-', [IV, IV], IV, (a) => intervalSub(a[0] as Interval, a[1] as Interval)),
    fn('-', [IV], IV, (a) => intervalNegate(a[0] as Interval)),
    fn('+', [IV], IV, (a) => a[0]),
    fn('*', [IV, F8], IV, (a) => intervalMul(a[0] as Interval, a[1] as number)),
    fn('*', [F8, IV], IV, (a) => intervalMul(a[1] as Interval, a[0] as number)),
    fn('/', [IV, F8], IV, (a) => {
      if (a[1] === 0) throw new DbError('22012', 'division by zero');
      return intervalMul(a[0] as Interval, a[1] as number, true);
    }),
    fn('+', [TM, IV], TM, (a) => timeWrap((a[0] as bigint) + (a[1] as Interval).micros)),
    fn('+', [IV, TM], TM, (a) => timeWrap((a[1] as bigint) + (a[0] as Interval).micros)),
    fn('-', [TM, IV], TM, (a) => timeWrap((a[0] as bigint) - (a[1] as Interval).micros)),
    fn('-', [TM, TM], IV, (a) => ({ months: 0, days: 0, micros: (a[0] as bigint) - (a[1] as bigint) })),
  ];
}

function timeWrap(us: bigint): bigint {
  const r = us % DAY_US;
  return r < 0n ? r + DAY_US : r;
}

/** Session-local wall clock of a timestamptz (current_date, localtimestamp). */
export function localMicros(t: bigint, ctx: EvalContext): bigint {
  return t + BigInt(offsetAt(sessionZone(ctx), t)) * 1_000_000n;
}

export { dateToTstz, timestampToDate };
