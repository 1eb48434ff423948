// Round trips of every codec: textIn(textOut(v)) and binaryIn(binaryOut(v)) give back a value
// equal to v (compareValues === 0 and the same text), for hand-picked edge values and for
// fast-check generated values. The fast-check seed is fixed and printed on failure.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  TypeOid, DEFAULT_FORMAT_SETTINGS, textIn, textOut, binaryIn, binaryOut, compareValues, Numeric,
  type FormatSettings, type Interval,
} from '../../../catalog/index.js';

const SEED = 20241124;
const FMT: FormatSettings = { ...DEFAULT_FORMAT_SETTINGS };
const O = TypeOid;

// json has no ordering in PostgreSQL (42883); its values are compared as the text they keep.
const same = (oid: number, a: unknown, b: unknown): number => (oid === O.json ? (a === b ? 0 : 1) : compareValues(oid, a, b));

function roundTrip(oid: number, v: unknown, fmt: FormatSettings = FMT): void {
  const text = textOut(oid, v, fmt);
  const back = textIn(oid, text, fmt);
  expect(same(oid, back, v), `text ${oid} ${text}`).toBe(0);
  expect(textOut(oid, back, fmt)).toBe(text);
  const bin = binaryOut(oid, v);
  const back2 = binaryIn(oid, bin);
  expect(same(oid, back2, v), `binary ${oid} ${text}`).toBe(0);
  expect(textOut(oid, back2, fmt)).toBe(text);
}

const sign = (n: number): number => (n > 0 ? 1 : n < 0 ? -1 : 0);

const iv = (months: number, days: number, micros: bigint): Interval => ({ months, days, micros });

const EDGES: Array<[string, number, unknown[]]> = [
  ['bool', O.bool, [true, false]],
  ['int2', O.int2, [0, 1, -1, 32767, -32768]],
  ['int4', O.int4, [0, 42, -42, 2147483647, -2147483648]],
  ['int8', O.int8, [0n, 9223372036854775807n, -9223372036854775808n, 1n << 53n]],
  ['oid', O.oid, [0, 1, 4294967295]],
  ['float8', O.float8, [0, -0, 1.5, 0.1, -1e300, 5e-324, 1.7976931348623157e308, Infinity, -Infinity, NaN]],
  ['float4', O.float4, [0, -0, Math.fround(0.1), Math.fround(3.4028234663852886e38), Math.fround(1.4e-45), Infinity, -Infinity, NaN]],
  ['numeric', O.numeric, ['0', '-1.50', '123456789012345678901234567890.000000000000000000001', '1e-20', 'NaN', 'Infinity', '-Infinity', '0.0000'].map((s) => Numeric.fromString(s))],
  ['text', O.text, ['', 'abc', 'héllo wörld', '日本語', '😀 emoji', 'tab\tnew\nline', "quote'\"\\"]],
  ['varchar', O.varchar, ['', 'x', 'trailing  ']],
  ['bpchar', O.bpchar, ['abc', 'a  ']],
  ['name', O.name, ['pg_catalog', '']],
  ['"char"', O.char, ['a', '', 'Z']],
  ['bytea', O.bytea, [new Uint8Array([]), new Uint8Array([0, 1, 92, 255, 39]), Buffer.from('hello')]],
  ['uuid', O.uuid, ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']],
  ['json', O.json, ['{"b": 1, "a": [1, 2.50, null]}', '"x"', '  [ ]  ']],
  ['jsonb', O.jsonb, ['{"a": 1, "bb": [1, 2.50, null]}', '[]', '"é"', '{"a": {"b": [true, false, null]}}']],
  // date: PG epoch, BC, leap days, infinities, the ends of the range
  ['date', O.date, [0, -1, 59, -730120, 2147483647, -2147483648, -2451545, 2145031948]],
  // time: midnight, 24:00:00, one microsecond before midnight
  ['time', O.time, [0n, 86_400_000_000n, 86_399_999_999n, 12_345_678_901n]],
  ['timestamp', O.timestamp, [0n, -1n, 9223372036854775807n, -9223372036854775808n, -211813488000000000n, 9223371331199999999n, 951782400000000n]],
  ['timestamptz', O.timestamptz, [0n, 1n, -63_000_000_000_000_000n, 9223371331199999999n]],
  ['interval', O.interval, [iv(0, 0, 0n), iv(14, 3, 14_706_789_000n), iv(0, -1, 7_200_000_000n), iv(-13, 5, -1n), iv(2147483647, 2147483647, 9223372036854775807n), iv(-2147483648, -2147483648, -9223372036854775807n)]],
];

describe('codec round trips of edge values', () => {
  for (const [name, oid, values] of EDGES) {
    it(name, () => {
      for (const v of values) roundTrip(oid, v);
    });
  }
  it('timestamptz and date round-trip in non-UTC zones and DateStyles', () => {
    const zones = ['America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC+3', '<+05:30>-05:30'];
    const styles = ['ISO, MDY', 'ISO, DMY', 'SQL, MDY', 'SQL, DMY', 'Postgres, MDY', 'German, DMY'];
    for (const timeZone of zones) {
      for (const dateStyle of styles) {
        const fmt = { ...FMT, timeZone, dateStyle };
        for (const t of [0n, 1_000_000_123_456n, -3_155_760_000_000_000n, 770_000_000_000_000n]) {
          // Non-ISO styles print a POSIX zone's abbreviation ('UTC' for 'UTC+3'), which reads
          // back as a different zone — in PostgreSQL too — so those pairs are left out.
          // Non-ISO styles print the zone abbreviation (EST, IST, LMT); PostgreSQL reads only
          // some abbreviations back (not LMT, not 'UTC' meaning UTC+3), so only check output is
          // stable where the abbreviation is one it knows.
          if (dateStyle.startsWith('ISO')) roundTrip(O.timestamptz, t, fmt);
          else expect(textOut(O.timestamptz, t, fmt)).toMatch(/ [A-Z+\-0-9:]+( BC)?$/);
          roundTrip(O.timestamp, t, fmt);
        }
        for (const d of [0, -800_000, 100_000]) roundTrip(O.date, d, fmt);
      }
    }
  });
  it('intervals round-trip in every IntervalStyle', () => {
    for (const intervalStyle of ['postgres', 'postgres_verbose', 'iso_8601', 'sql_standard']) {
      const fmt = { ...FMT, intervalStyle };
      for (const v of [iv(0, 0, 0n), iv(14, 3, 14_706_789_000n), iv(1, 2, 3n), iv(-1, -2, -3_000_000n), iv(-13, -5, -86_399_000_001n), iv(0, 0, 500_000n)]) {
        roundTrip(O.interval, v, fmt);
      }
    }
  });
  it('floats round-trip at every extra_float_digits', () => {
    for (let efd = -15; efd <= 3; efd++) {
      const fmt = { ...FMT, extraFloatDigits: efd };
      // Only efd >= 1 is exact for every value; lower settings round, so check they re-read stably.
      for (const v of [0.1, 1 / 3, 123456789.125, 1e-310, -2.5e20]) {
        const text = textOut(O.float8, v, fmt);
        const again = textOut(O.float8, textIn(O.float8, text, fmt), fmt);
        expect(again).toBe(text);
        if (efd >= 1) expect(textIn(O.float8, text, fmt)).toBe(v);
      }
    }
  });
  it('bytea round-trips in escape output too', () => {
    const fmt = { ...FMT, byteaOutput: 'escape' as const };
    roundTrip(O.bytea, new Uint8Array([0, 1, 92, 127, 128, 255, 65, 39]), fmt);
  });
});

/** Runs a fast-check property with the fixed seed and reports the seed when it fails. */
function check<T>(arb: fc.Arbitrary<T>, pred: (v: T) => void, numRuns = 300): void {
  const out = fc.check(fc.property(arb, (v) => { pred(v); }), { seed: SEED, numRuns });
  if (out.failed) {
    throw new Error(`property failed (seed ${SEED}, path ${String(out.counterexamplePath)}): ${JSON.stringify(out.counterexample, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}\n${String(out.errorInstance)}`);
  }
}

describe(`property round trips (fast-check seed ${SEED})`, () => {
  it('int2/int4/int8', () => {
    check(fc.integer({ min: -32768, max: 32767 }), (v) => roundTrip(O.int2, v));
    check(fc.integer(), (v) => roundTrip(O.int4, v));
    check(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => roundTrip(O.int8, v));
  });
  it('float8 and float4 (shortest-exact output reads back bit-identical)', () => {
    check(fc.double(), (v) => {
      roundTrip(O.float8, v);
      if (!Number.isNaN(v)) expect(Object.is(textIn(O.float8, textOut(O.float8, v, FMT), FMT), v)).toBe(true);
    }, 1000);
    check(fc.float(), (v) => {
      roundTrip(O.float4, v);
      if (!Number.isNaN(v)) expect(Object.is(textIn(O.float4, textOut(O.float4, v, FMT), FMT), v)).toBe(true);
    }, 1000);
  });
  it('numeric', () => {
    const arb = fc.tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }));
    check(arb, ([coef, scale]) => {
      const n = Numeric.of(coef, scale);
      roundTrip(O.numeric, n);
      expect(textOut(O.numeric, n, FMT).split('.')[1]?.length ?? 0).toBe(scale);
    });
  });
  it('text (any Unicode string without NUL)', () => {
    check(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\u0000')), (s) => roundTrip(O.text, s));
  });
  it('bytea (hex and escape)', () => {
    check(fc.uint8Array({ maxLength: 64 }), (b) => {
      roundTrip(O.bytea, b);
      roundTrip(O.bytea, b, { ...FMT, byteaOutput: 'escape' });
    });
  });
  it('uuid', () => {
    check(fc.uuid(), (u) => roundTrip(O.uuid, u));
  });
  it('date, time, timestamp, timestamptz over their whole ranges', () => {
    check(fc.integer({ min: -2451545, max: 2145031948 }), (d) => roundTrip(O.date, d));
    check(fc.bigInt({ min: 0n, max: 86_400_000_000n }), (t) => roundTrip(O.time, t));
    const ts = fc.bigInt({ min: -211813488000000000n, max: 9223371331199999999n });
    check(ts, (t) => roundTrip(O.timestamp, t));
    check(ts, (t) => roundTrip(O.timestamptz, t));
    check(fc.bigInt({ min: -3_000_000_000_000_000n, max: 3_000_000_000_000_000n }), (t) => roundTrip(O.timestamptz, t, { ...FMT, timeZone: 'Europe/Paris' }), 200);
  });
  it('interval in every IntervalStyle', () => {
    const arb = fc.record({
      months: fc.integer({ min: -2147483648, max: 2147483647 }),
      days: fc.integer({ min: -2147483648, max: 2147483647 }),
      // micros = -2^63 prints as '-2562047788:00:54.775808', which PostgreSQL 15 itself
      // rejects on input (22007), so the round trip starts one above it.
      micros: fc.bigInt({ min: -(1n << 63n) + 1n, max: (1n << 63n) - 1n }),
    });
    for (const intervalStyle of ['postgres', 'postgres_verbose', 'iso_8601', 'sql_standard']) {
      // sql_standard cannot express mixed-sign fields without ambiguity; PostgreSQL's own output
      // of such values does not read back identically, so keep the signs uniform there.
      const a = intervalStyle === 'sql_standard'
        ? arb.filter((v) => (v.months >= 0 && v.days >= 0 && v.micros >= 0n) || (v.months <= 0 && v.days <= 0 && v.micros <= 0n))
        : arb;
      check(a, (v) => roundTrip(O.interval, v, { ...FMT, intervalStyle }), 200);
    }
  });
  it('compareValues is antisymmetric and transitive on numerics and floats', () => {
    const num = fc.oneof(
      fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 6 })).map(([c, s]) => Numeric.of(c, s)),
      fc.constantFrom(Numeric.NaN, Numeric.POS_INF, Numeric.NEG_INF),
    );
    check(fc.tuple(num, num, num), ([a, b, c]) => {
      expect(sign(compareValues(O.numeric, a, b))).toBe(-sign(compareValues(O.numeric, b, a)) || 0);
      if (compareValues(O.numeric, a, b) <= 0 && compareValues(O.numeric, b, c) <= 0) expect(compareValues(O.numeric, a, c)).toBeLessThanOrEqual(0);
    });
    check(fc.tuple(fc.double(), fc.double()), ([a, b]) => {
      expect(sign(compareValues(O.float8, a, b))).toBe(-sign(compareValues(O.float8, b, a)) || 0);
    });
  });
});

describe('timestamps one microsecond either side of midnight, across the whole range', () => {
  it('split exactly (double fast path and BigInt path agree)', () => {
    for (const days of [0, -1, 1, 104_249_991, -104_249_992, 106_751, -106_752, 2_000_000, -2_451_545]) {
      const mid = BigInt(days) * 86_400_000_000n;
      for (const t of [mid - 1n, mid, mid + 1n]) {
        if (t < -211813488000000000n || t > 9223371331199999999n) continue;
        roundTrip(O.timestamp, t);
        const text = textOut(O.timestamp, t, FMT);
        expect(text.includes(' 23:59:59.999999') || text.includes(' 00:00:00') || text.includes(' 00:00:00.000001'), text).toBe(true);
      }
    }
  });
});

describe(`array round trips (fast-check seed ${SEED})`, () => {
  it('int4[] and text[] with NULLs, quoting-worthy strings and 1-3 dimensions', () => {
    const dimsArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 });
    const text = fc.oneof(fc.string({ maxLength: 6 }).filter((s) => !s.includes('\u0000')), fc.constantFrom('', 'NULL', 'null', ' a ', '{x}', 'a,b', '"q"', '\\'));
    check(fc.tuple(dimsArb, fc.integer({ min: -3, max: 3 })).chain(([dims, lb]) => {
      const n = dims.reduce((a, b) => a * b, 1);
      return fc.tuple(fc.constant(dims), fc.constant(lb), fc.array(fc.option(fc.integer(), { nil: null }), { minLength: n, maxLength: n }), fc.array(fc.option(text, { nil: null }), { minLength: n, maxLength: n }));
    }), ([dims, lb, ints, strs]) => {
      const lbounds = dims.map(() => lb);
      roundTrip(O._int4, { dims, lbounds, values: ints });
      roundTrip(O._text, { dims, lbounds, values: strs });
    }, 300);
  });
});
