// The date/time helpers catalog/ exports for the planner: zone resolution (TimeZone setting vs
// AT TIME ZONE semantics), splitting a timestamptz into fields in a zone and back (DST gaps and
// overlaps), interval arithmetic with month clamping, differences, age() and justify_*().
// Expected values are PostgreSQL 15.20 answers (TimeZone America/New_York unless noted).
import { describe, it, expect } from 'vitest';
import {
  TypeOid, DEFAULT_FORMAT_SETTINGS, textIn, textOut, resolveZone, resolveZoneArg, offsetAt,
  timestamptzToFields, fieldsToTimestamptz, localToUtc, addInterval, subInterval, timestampDiff, age,
  justifyInterval, justifyHours, justifyDays, daysFromCivil, civilFromDays, isLeapYear, daysInMonth,
  splitTimestamp, joinTimestamp, formatOffset, type Interval, type Zone,
} from '../../../catalog/index.js';

const O = TypeOid;
const NY = { ...DEFAULT_FORMAT_SETTINGS, timeZone: 'America/New_York' };
const ts = (s: string) => textIn(O.timestamp, s, NY) as bigint;
const tstz = (s: string) => textIn(O.timestamptz, s, NY) as bigint;
const iv = (s: string) => textIn(O.interval, s, NY) as Interval;
const outTs = (v: bigint) => textOut(O.timestamp, v, NY);
const outTstz = (v: bigint) => textOut(O.timestamptz, v, NY);
const outIv = (v: Interval) => textOut(O.interval, v, NY);
const zone = (name: string): Zone => {
  const z = resolveZone(name);
  if (z === undefined) throw new Error(`zone ${name}`);
  return z;
};

describe('zone resolution', () => {
  const at = (name: string): number | undefined => {
    const z = resolveZoneArg(name);
    return z === undefined ? undefined : offsetAt(z, tstz('2024-07-01 00:00+00'));
  };
  it('TimeZone setting: a bare number is hours EAST (SET TIME ZONE -7), POSIX specs are WEST', () => {
    expect(offsetAt(zone('-7'), 0n)).toBe(-7 * 3600);
    expect(offsetAt(zone('5.5'), 0n)).toBe(5.5 * 3600);
    expect(offsetAt(zone('+05:30'), 0n)).toBe(-5.5 * 3600);
    expect(offsetAt(zone('UTC+3'), 0n)).toBe(-3 * 3600);
    expect(offsetAt(zone('<+05:30>-05:30'), 0n)).toBe(5.5 * 3600);
    expect(resolveZone('PST')).toBeUndefined(); // invalid value for parameter "TimeZone": "PST"
    expect(resolveZone('Mars/Olympus')).toBeUndefined();
  });
  it('AT TIME ZONE: abbreviations first, a bare number is a POSIX offset (hours WEST)', () => {
    // timestamptz '2024-07-01 00:00+00' at time zone 'PST' | 'cet' | '5.5' | 'EST5EDT' | '-7'
    expect(at('PST')).toBe(-8 * 3600);
    expect(at('cet')).toBe(3600);
    expect(at('5.5')).toBe(-5.5 * 3600);
    expect(at('EST5EDT')).toBe(-4 * 3600);
    expect(at('-7')).toBe(7 * 3600);
    expect(at('America/New_York')).toBe(-4 * 3600);
    expect(at('nowhere/special')).toBeUndefined();
  });
  it('offset text as PostgreSQL prints it', () => {
    expect([0, 19800, -10800, -17762, 45900].map(formatOffset)).toEqual(['+00', '+05:30', '-03', '-04:56:02', '+12:45']);
  });
});

describe('fields in a zone and back', () => {
  const ny = zone('America/New_York');
  it('splits a timestamptz into wall-clock fields with the offset in effect', () => {
    const f = timestamptzToFields(tstz('2024-07-01 12:34:56.5-04'), ny);
    expect({ ...f }).toMatchObject({ year: 2024, month: 7, day: 1, hour: 12, minute: 34, second: 56, micros: 500000, offsetSec: -4 * 3600 });
    const back = fieldsToTimestamptz(f, ny);
    expect(outTstz(back)).toBe('2024-07-01 12:34:56.5-04');
  });
  it('a wall-clock time in the spring-forward gap moves forward; in the fall-back overlap it is standard time', () => {
    expect(outTstz(localToUtc(ny, ts('2024-03-10 02:30')))).toBe('2024-03-10 03:30:00-04');
    expect(outTstz(localToUtc(ny, ts('2024-11-03 01:30')))).toBe('2024-11-03 01:30:00-05');
  });
  it('calendar helpers agree with each other over the whole date range', () => {
    for (const days of [-2451545, -730120, -1, 0, 59, 60, 365, 2145031948]) {
      const c = civilFromDays(days);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(days);
    }
    expect([1900, 2000, 2024, 2100, 0, -4].map(isLeapYear)).toEqual([false, true, true, false, true, true]);
    expect(daysInMonth(2024, 2)).toBe(29);
    const t = ts('1999-12-31 23:59:59.999999');
    expect(joinTimestamp(splitTimestamp(t))).toBe(t);
  });
});

describe('interval arithmetic (PostgreSQL 15 answers)', () => {
  const ny = zone('America/New_York');
  it('months first, clamping the day to the month length', () => {
    expect(outTs(addInterval(ts('2024-01-31 10:00'), iv('1 mon')))).toBe('2024-02-29 10:00:00');
    expect(outTs(subInterval(ts('2024-02-29'), iv('1 year')))).toBe('2023-02-28 00:00:00');
  });
  it('timestamptz: days are added on the wall clock in the zone, hours as elapsed time', () => {
    expect(outTstz(addInterval(tstz('2024-03-09 12:00'), iv('1 day'), ny))).toBe('2024-03-10 12:00:00-04');
    expect(outTstz(addInterval(tstz('2024-03-09 12:00'), iv('24 hours'), ny))).toBe('2024-03-10 13:00:00-04');
    expect(outTstz(addInterval(tstz('2024-01-31 10:00'), iv('1 mon 1 day 1 hour'), ny))).toBe('2024-03-01 11:00:00-05');
  });
  it('difference, age and justify', () => {
    expect(outIv(timestampDiff(ts('2024-03-31'), ts('2024-02-29 12:00')))).toBe('30 days 12:00:00');
    expect(outIv(age(ts('2024-03-31'), ts('2023-02-28 13:00')))).toBe('1 year 1 mon 2 days 11:00:00');
    expect(outIv(justifyInterval(iv('1 mon -1 day 25:00')))).toBe('1 mon 01:00:00');
    expect(outIv(justifyHours(iv('50 hours')))).toBe('2 days 02:00:00');
    expect(outIv(justifyDays(iv('-35 days')))).toBe('-1 mons -5 days');
  });
  it('infinite timestamps stay infinite; overflow is 22008', () => {
    expect(outTs(addInterval(ts('infinity'), iv('1 day')))).toBe('infinity');
    expect(() => addInterval(ts('294276-12-31'), iv('1 year'))).toThrow(expect.objectContaining({ code: '22008', message: 'timestamp out of range' }));
  });
});

describe('zone names PostgreSQL 15 knows', () => {
  it('accepts posix/ names and rejects ICU-only legacy IDs', () => {
    expect(resolveZone('posix/Europe/Paris')?.name).toBe('Europe/Paris');
    for (const n of ['PST', 'IST', 'CST', 'JST']) expect(resolveZone(n), n).toBeUndefined();
    for (const n of ['EST', 'MST', 'HST', 'EST5EDT', 'CET', 'Japan', 'GB', 'NZ-CHAT', 'Etc/GMT+5', 'europe/paris']) expect(resolveZone(n), n).toBeDefined();
  });
  it('Etc/GMT+5 is five hours WEST, as in the tz database', () => {
    expect(offsetAt(resolveZone('Etc/GMT+5')!, 0n)).toBe(-5 * 3600);
  });
});

describe('offsetAt agrees with a direct Intl computation (seed 20241124)', () => {
  // The zone memo keeps one sweep of offsets per year; check it against Intl instant by instant.
  const direct = (name: string, unixSec: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(unixSec * 1000);
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
    return local - unixSec;
  };
  it('at random instants 1900..2100 and around transitions', async () => {
    const fc = (await import('fast-check')).default;
    const names = ['America/New_York', 'Europe/Paris', 'Australia/Lord_Howe', 'Africa/Casablanca', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Chatham'];
    const out = fc.check(fc.property(fc.constantFrom(...names), fc.integer({ min: -2_208_988_800, max: 4_102_444_800 }), (name, sec) => {
      const us = BigInt(sec - 946_684_800) * 1_000_000n;
      expect(offsetAt(zone(name), us), `${name} ${sec}`).toBe(direct(name, sec));
    }), { seed: 20241124, numRuns: 3000 });
    if (out.failed) throw new Error(`seed 20241124: ${JSON.stringify(out.counterexample)} ${String(out.errorInstance)}`);
    // Exact transition seconds: New York 2024-03-10 07:00:00 UTC and 2024-11-03 06:00:00 UTC.
    const ny = zone('America/New_York');
    const at = (s: string) => offsetAt(ny, textIn(O.timestamptz, s, NY) as bigint);
    expect([at('2024-03-10 06:59:59+00'), at('2024-03-10 07:00:00+00'), at('2024-11-03 05:59:59+00'), at('2024-11-03 06:00:00+00')]).toEqual([-18000, -14400, -14400, -18000]);
  });
});
