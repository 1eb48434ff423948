// Exact PostgreSQL 15 answers for a table of hand-picked inputs: text output strings, typmod
// coercions, Numeric arithmetic scales, and errors with SQLSTATE, message, detail and hint.
// Every expected string was produced by a PostgreSQL 15.20 server (select (<expr>)::text).
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import {
  TypeOid, DEFAULT_FORMAT_SETTINGS, textIn, textOut, binaryIn, binaryOut, Numeric, DbError, formatType,
  numericTypmod, charTypmod, type FormatSettings,
} from '../../../catalog/index.js';

const O = TypeOid;
const FMT: FormatSettings = { ...DEFAULT_FORMAT_SETTINGS };

/** [type, input, expected text output, settings overrides?] */
const OUT: Array<[number, string, string, Partial<FormatSettings>?]> = [
  [O.numeric, '  -0.000  ', '0.000'],
  [O.numeric, '1e-5', '0.00001'],
  [O.numeric, 'nan', 'NaN'],
  [O.numeric, '-inf', '-Infinity'],
  [O.float8, '0.1', '0.1'],
  [O.float8, '1e22', '1e+22'],
  [O.float8, '1e-7', '1e-07'],
  [O.float8, '123456789012345.6', '123456789012345.6'],
  [O.float8, '1e15', '1e+15'],
  [O.float8, '100000000000000', '100000000000000'],
  [O.float8, '-0', '-0'],
  [O.float8, '0.1', '0.1', { extraFloatDigits: 3 }],
  [O.float8, '0.1', '0.1', { extraFloatDigits: 0 }],
  [O.float8, '0.30000000000000004', '0.3', { extraFloatDigits: 0 }],
  [O.float8, '0.30000000000000004', '0.30000000000000004'],
  [O.float8, ' -INFINITY ', '-Infinity'],
  [O.float4, '0.1', '0.1'],
  [O.float4, '1e10', '1e+10'],
  [O.float4, '3.4028235e38', '3.4028235e+38'],
  [O.float4, '16777217', '1.6777216e+07'],
  [O.float4, '0.1', '0.1', { extraFloatDigits: 0 }],
  [O.bool, '  TR ', 't'],
  [O.bool, 'of', 'f'],
  [O.bool, 'YES', 't'],
  [O.bytea, '\\x41', '\\x41'],
  [O.bytea, 'abc\\000', '\\x61626300'],
  [O.bytea, 'abc\\000', 'abc\\000', { byteaOutput: 'escape' }],
  [O.bytea, '\\xde ad', '\\336\\255', { byteaOutput: 'escape' }],
  [O.jsonb, '{"b":1,"a":2,"b":3}', '{"a": 2, "b": 3}'],
  [O.jsonb, '{"aa":1,"b":2, "c": [1, 2.50, 1e2]}', '{"b": 2, "c": [1, 2.50, 100], "aa": 1}'],
  [O.json, '  {"b":1,"a":2,"b":3} ', '  {"b":1,"a":2,"b":3} '],
  [O.uuid, '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  [O.uuid, 'a0eebc999c0b4ef8bb6d6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  [O.name, 'x'.repeat(70), 'x'.repeat(63)],
  [O.interval, '1 year 2 months 3 days 04:05:06.789', '1 year 2 mons 3 days 04:05:06.789'],
  [O.interval, '-1 days +02:00:00', '-1 days +02:00:00'],
  [O.interval, '1-2', '1 year 2 mons'],
  [O.interval, 'P1Y2M3DT4H5M6.5S', '1 year 2 mons 3 days 04:05:06.5'],
  [O.interval, '@ 1 minute ago', '-00:01:00'],
  [O.interval, '1.5 years', '1 year 6 mons'],
  [O.interval, '1 day 2 hours', '1 day 02:00:00'],
  [O.interval, '01:02:03', '01:02:03'],
  [O.interval, '1 week -3 days', '4 days'],
  [O.interval, '0.5 months', '15 days'],
  [O.interval, '100000 years', '100000 years'],
  [O.interval, '0', '00:00:00'],
  [O.interval, '1:', '01:00:00'],
  [O.interval, ':30', '00:00:30'],
  [O.interval, '1::2', '01:00:02'],
  [O.interval, '1:2:', '01:02:00'],
  [O.interval, ':30 mins', '00:30:00'],
  [O.interval, '1:.5', '00:01:00.5'],
  [O.interval, '1:30.5', '00:01:30.5'],
  [O.interval, '-1:30.5', '-00:01:30.5'],
  [O.timestamptz, 'epoch 12:00', '1970-01-01 00:00:00+00'],
  [O.timestamptz, '24210409T080325-0330', '2421-04-09 11:33:25+00'],
  [O.timestamptz, '20240102 030405-05', '2024-01-02 08:04:05+00'],
  [O.timestamptz, '20240102T0304-0530', '2024-01-02 08:34:00+00'],
  [O.timestamptz, 'infinity +05', 'infinity'],
  [O.time, '2024-06-15 12:30 Europe/Paris', '12:30:00'],
  [O.time, 'Jun-15-2024 12:00', '12:00:00'],
  [O.time, '12:30 Etc/GMT+5', '12:30:00'],
  [O.time, 'allballs', '00:00:00'],
  [O.interval, '1 year 2 mons 3 days 04:05:06.789', 'P1Y2M3DT4H5M6.789S', { intervalStyle: 'iso_8601' }],
  [O.interval, '1 year 2 mons 3 days 04:05:06.789', '+1-2 +3 +4:05:06.789', { intervalStyle: 'sql_standard' }],
  [O.interval, '1 year 2 mons 3 days 04:05:06.789', '@ 1 year 2 mons 3 days 4 hours 5 mins 6.789 secs', { intervalStyle: 'postgres_verbose' }],
  [O.date, 'Jan 2 2024', '2024-01-02'],
  [O.date, '01/02/2024', '2024-01-02'],
  [O.date, '01/02/2024', '2024-02-01', { dateStyle: 'ISO, DMY' }],
  [O.date, '0001-01-01 BC', '0001-01-01 BC'],
  [O.date, 'epoch', '1970-01-01'],
  [O.date, '2024-02-29', '02/29/2024', { dateStyle: 'SQL, MDY' }],
  [O.date, '2024-02-29', '29.02.2024', { dateStyle: 'German' }],
  [O.date, 'infinity', 'infinity'],
  [O.timestamp, '2024-01-02 03:04:05.123456789', '2024-01-02 03:04:05.123457'],
  [O.timestamp, '2024-01-02T03:04:05Z', '2024-01-02 03:04:05'],
  [O.timestamp, '294276-12-31 23:59:59.999999', '294276-12-31 23:59:59.999999'],
  [O.timestamp, '4714-11-24 00:00:00 BC', '4714-11-24 00:00:00 BC'],
  [O.timestamp, '2024-01-02 03:04:05', 'Tue Jan 02 03:04:05 2024', { dateStyle: 'Postgres, MDY' }],
  [O.timestamptz, '2024-01-02 03:04:05.123456+05:30', '2024-01-01 21:34:05.123456+00'],
  [O.timestamptz, '2024-07-01 12:00 America/New_York', '2024-07-01 16:00:00+00'],
  [O.timestamptz, '2024-03-10 02:30 America/New_York', '2024-03-10 07:30:00+00'],
  [O.timestamptz, '2024-11-03 01:30 America/New_York', '2024-11-03 06:30:00+00'],
  // Local mean time before standard time (New York until 1883-11-18).
  [O.timestamptz, '1880-01-01 00:00 America/New_York', '1880-01-01 04:56:02+00'],
  [O.timestamptz, '2024-01-02 03:04:05+00', '2024-01-02 08:34:05+05:30', { timeZone: 'Asia/Kolkata' }],
  [O.timestamptz, '2024-01-02 03:04:05+00', '2024-01-02 00:04:05-03', { timeZone: 'UTC+3' }],
  [O.timestamptz, '2024-01-02 03:04:05+00', '2024-01-01 20:04:05-07', { timeZone: '-7' }],
  [O.timestamptz, '2024-01-02 03:04:05+00', '2024-01-02 08:34:05+05:30', { timeZone: '<+05:30>-05:30' }],
  [O.timestamptz, '1880-01-01 04:56:02+00', '1880-01-01 00:00:00-04:56:02', { timeZone: 'America/New_York' }],
  [O.time, '24:00:00', '24:00:00'],
  [O.time, '23:59:59.9999995', '24:00:00'],
  [O.time, '1:2', '01:02:00'],
];

describe('text output matches PostgreSQL 15', () => {
  for (const [oid, input, want, over] of OUT) {
    it(`${formatType(oid)} ${JSON.stringify(input)}${over ? ' ' + JSON.stringify(over) : ''}`, () => {
      const fmt = { ...FMT, ...over };
      expect(textOut(oid, textIn(oid, input, fmt), fmt)).toBe(want);
    });
  }
});

describe('typmod coercion', () => {
  it('bpchar pads, varchar keeps, explicit casts truncate, assignment raises 22001', () => {
    expect(textIn(O.bpchar, 'abc', FMT, charTypmod(5))).toBe('abc  ');
    expect(textIn(O.varchar, 'abc  ', FMT, charTypmod(4))).toBe('abc ');
    expect(textIn(O.varchar, 'abcdef', FMT, charTypmod(3), { explicitCast: true })).toBe('abc');
    expect(textIn(O.bpchar, 'abcdef', FMT, charTypmod(2), { explicitCast: true })).toBe('ab');
    expect(() => textIn(O.varchar, 'abcdef', FMT, charTypmod(3))).toThrow(expect.objectContaining({ code: '22001', message: 'value too long for type character varying(3)' }));
    // Lengths are characters, not bytes.
    expect(textIn(O.varchar, 'éèê', FMT, charTypmod(3))).toBe('éèê');
  });
  it('numeric(p,s) rounds and checks the precision with PostgreSQL detail', () => {
    expect(textOut(O.numeric, textIn(O.numeric, '123.456', FMT, numericTypmod(5, 2)), FMT)).toBe('123.46');
    expect(textOut(O.numeric, textIn(O.numeric, '1', FMT, numericTypmod(5, 2)), FMT)).toBe('1.00');
    expectError(() => textIn(O.numeric, '12345.678', FMT, numericTypmod(5, 2)), '22003', 'numeric field overflow', { detail: 'A field with precision 5, scale 2 must round to an absolute value less than 10^3.' });
    expectError(() => textIn(O.numeric, 'Infinity', FMT, numericTypmod(5, 2)), '22003', 'numeric field overflow', { detail: 'A field with precision 5, scale 2 cannot hold an infinite value.' });
  });
  it('timestamp(p) and time(p) round half up', () => {
    expect(textOut(O.timestamp, textIn(O.timestamp, '2024-01-02 03:04:05.125', FMT, 2), FMT)).toBe('2024-01-02 03:04:05.13');
    expect(textOut(O.time, textIn(O.time, '23:59:59.6', FMT, 0), FMT)).toBe('24:00:00');
  });
});

function expectError(f: () => unknown, code: string, message: string, fields: { detail?: string; hint?: string; where?: string } = {}): void {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(DbError);
  const e = err as DbError;
  expect({ code: e.code, message: e.message }).toEqual({ code, message });
  for (const [k, v] of Object.entries(fields)) expect(e.fields[k as 'detail'], k).toBe(v);
}

describe('errors match PostgreSQL 15 (code, message, detail, hint)', () => {
  const ERR: Array<[number, string, string, string, { detail?: string; hint?: string; where?: string }?]> = [
    [O.int4, '99999999999', '22003', 'value "99999999999" is out of range for type integer'],
    [O.int4, 'abc', '22P02', 'invalid input syntax for type integer: "abc"'],
    [O.int4, '1.5', '22P02', 'invalid input syntax for type integer: "1.5"'],
    [O.int2, '40000', '22003', 'value "40000" is out of range for type smallint'],
    [O.int8, '9223372036854775808', '22003', 'value "9223372036854775808" is out of range for type bigint'],
    [O.float8, 'xyz', '22P02', 'invalid input syntax for type double precision: "xyz"'],
    [O.float8, '1e400', '22003', '"1e400" is out of range for type double precision'],
    [O.bool, 'maybe', '22P02', 'invalid input syntax for type boolean: "maybe"'],
    [O.numeric, 'abc', '22P02', 'invalid input syntax for type numeric: "abc"'],
    [O.date, '2024-02-30', '22008', 'date/time field value out of range: "2024-02-30"'],
    [O.date, '2024-13-01', '22008', 'date/time field value out of range: "2024-13-01"', { hint: 'Perhaps you need a different "datestyle" setting.' }],
    [O.date, 'garbage', '22007', 'invalid input syntax for type date: "garbage"'],
    [O.date, '5874898-01-01', '22008', 'date out of range: "5874898-01-01"'],
    [O.timestamp, '294277-01-01', '22008', 'timestamp out of range: "294277-01-01"'],
    [O.timestamptz, '2024-01-01 12:00 Mars/Olympus', '22023', 'time zone "mars/olympus" not recognized'],
    [O.time, '25:00:00', '22008', 'date/time field value out of range: "25:00:00"'],
    [O.interval, 'xyz', '22007', 'invalid input syntax for type interval: "xyz"'],
    [O.interval, '75:30.5', '22015', 'interval field value out of range: "75:30.5"'],
    [O.interval, '2562047788:00:54.775808', '22015', 'interval field value out of range: "2562047788:00:54.775808"'],
    [O.interval, '-2562047788:00:54.775808', '22007', 'invalid input syntax for type interval: "-2562047788:00:54.775808"'],
    [O.interval, '+2562047788:00:54.775808', '22007', 'invalid input syntax for type interval: "+2562047788:00:54.775808"'],
    [O.interval, '1 day -2562047788:00:54.775808', '22007', 'invalid input syntax for type interval: "1 day -2562047788:00:54.775808"'],
    [O.timestamptz, 'now 12:00', '22007', 'invalid input syntax for type timestamp with time zone: "now 12:00"'],
    [O.timestamptz, 'epoch 2024-01-01', '22007', 'invalid input syntax for type timestamp with time zone: "epoch 2024-01-01"'],
    [O.time, 'Jun-15-2024', '22023', 'time zone "jun-15-2024" not recognized'],
    [O.time, '2024-06-15', '22007', 'invalid input syntax for type time: "2024-06-15"'],
    [O.time, '2024-06-15 allballs', '22007', 'invalid input syntax for type time: "2024-06-15 allballs"'],
    [O.time, '12:30 Asia/Kolkata', '22007', 'invalid input syntax for type time: "12:30 Asia/Kolkata"'],
    [O.time, '2024-06-15T12:30:45Z', '22007', 'invalid input syntax for type time: "2024-06-15T12:30:45Z"'],
    [O.uuid, 'not-a-uuid', '22P02', 'invalid input syntax for type uuid: "not-a-uuid"'],
    [O.bytea, '\\xZZ', '22023', 'invalid hexadecimal digit: "Z"'],
    [O.bytea, '\\x123', '22023', 'invalid hexadecimal data: odd number of digits'],
    [O.json, '{"a":}', '22P02', 'invalid input syntax for type json', { detail: 'Expected JSON value, but found "}".', where: 'JSON data, line 1: {"a":}' }],
    [O.jsonb, '[1,2', '22P02', 'invalid input syntax for type json', { detail: 'The input string ended unexpectedly.', where: 'JSON data, line 1: [1,2' }],
    [O.jsonb, '{"a" 1}', '22P02', 'invalid input syntax for type json', { detail: 'Expected ":", but found "1".', where: 'JSON data, line 1: {"a" 1...' }],
    [O.jsonb, `{"${'a'.repeat(61)}": 1, "b": x}`, '22P02', 'invalid input syntax for type json', { detail: 'Token "x" is invalid.', where: `JSON data, line 1: ...${'a'.repeat(37)}": 1, "b": x...` }],
    [O.jsonb, `{"${'é'.repeat(33)}": 1, "b": x}`, '22P02', 'invalid input syntax for type json', { detail: 'Token "x" is invalid.', where: `JSON data, line 1: ...${'é'.repeat(18)}": 1, "b": x...` }],
    [O.jsonb, '[1,\n2 x\n]', '22P02', 'invalid input syntax for type json', { detail: 'Token "x" is invalid.', where: 'JSON data, line 2: 2 x' }],
    [O.jsonb, '"\\u0000 x"', '22P05', 'unsupported Unicode escape sequence', { detail: '\\u0000 cannot be converted to text.', where: 'JSON data, line 1: "\\u0000...' }],
  ];
  for (const [oid, input, code, message, fields] of ERR) {
    it(`${formatType(oid)} ${JSON.stringify(input)} → ${code}`, () => expectError(() => textIn(oid, input, FMT), code, message, fields));
  }
  it('now/today without a clock are 0A000, with one they use it', () => {
    expectError(() => textIn(O.timestamp, 'now', FMT), '0A000', '"now" needs the transaction clock, which this context does not provide');
    const nowMicros = 757_382_400_000_000n + 45_296_000_000n; // 2024-01-01 12:34:56 UTC
    const fmt = { ...FMT, nowMicros };
    expect(textOut(O.timestamptz, textIn(O.timestamptz, 'now', fmt), FMT)).toBe('2024-01-01 12:34:56+00');
    expect(textOut(O.date, textIn(O.date, 'tomorrow', fmt), FMT)).toBe('2024-01-02');
    expect(textOut(O.timestamp, textIn(O.timestamp, 'yesterday', fmt), FMT)).toBe('2023-12-31 00:00:00');
    expect(textOut(O.date, textIn(O.date, 'today', { ...fmt, timeZone: 'Pacific/Kiritimati' }), FMT)).toBe('2024-01-02');
  });
});

describe('Numeric arithmetic keeps PostgreSQL scales', () => {
  const n = (s: string) => Numeric.fromString(s);
  const CASES: Array<[string, () => Numeric, string]> = [
    ['1/3', () => n('1').div(n('3')), '0.33333333333333333333'],
    ['10/4', () => n('10').div(n('4')), '2.5000000000000000'],
    ['1.000 * 2.50', () => n('1.000').mul(n('2.50')), '2.50000'],
    ['round(2.5)', () => n('2.5').round(0), '3'],
    ['round(-2.5)', () => n('-2.5').round(0), '-3'],
    ['trunc(-2.56, 1)', () => n('-2.56').trunc(1), '-2.5'],
    ['-7 % 3', () => n('-7').mod(n('3')), '-1'],
    ['sqrt(2)', () => n('2').sqrt(), '1.414213562373095'],
    ['big product', () => n('12345678901234567890').mul(n('98765432109876543210')), '1219326311370217952237463801111263526900'],
    ['0.1::float8::numeric', () => Numeric.fromNumber(0.1), '0.1'],
    ['1e20::float8::numeric', () => Numeric.fromNumber(1e20), '100000000000000000000'],
  ];
  for (const [label, f, want] of CASES) it(label, () => expect(f().toString()).toBe(want));
  it('division by zero is 22012', () => {
    expectError(() => n('1').div(n('0')), '22012', 'division by zero');
  });
  it('numeric binary send of 2.50 is base-10000 digits with dscale 2', () => {
    // ndigits 2, weight 0, sign +, dscale 2, digits 0002 1388 (5000)
    expect(Buffer.from(binaryOut(O.numeric, n('2.50'))).toString('hex')).toBe('000200000000000200021388');
  });
});

// timestamptz output in IANA zones through the host's tz database (what PostgreSQL reads):
// abbreviations for non-ISO DateStyles, LMT before standard time, the POSIX footer rule after
// 2037 (northern, southern and negative-DST zones). Skipped when /usr/share/zoneinfo is absent.
const TZ_CASES: Array<[string, string, string, string]> = [
  ['Europe/Paris', 'Postgres, MDY', '2024-07-01 12:00+00', 'Mon Jul 01 14:00:00 2024 CEST'],
  ['Europe/Paris', 'SQL, DMY', '2024-01-01 12:00+00', '01/01/2024 13:00:00 CET'],
  ['Asia/Kolkata', 'German', '2024-01-01 12:00+00', '01.01.2024 17:30:00 IST'],
  ['America/New_York', 'Postgres, MDY', '1880-01-01 12:00+00', 'Thu Jan 01 07:03:58 1880 LMT'],
  ['America/New_York', 'ISO, MDY', '2100-07-01 12:00+00', '2100-07-01 08:00:00-04'],
  ['America/New_York', 'SQL, MDY', '2100-12-01 12:00+00', '12/01/2100 07:00:00 EST'],
  ['Australia/Sydney', 'ISO, MDY', '2100-01-01 12:00+00', '2100-01-01 23:00:00+11'],
  ['Australia/Sydney', 'SQL, MDY', '2100-07-01 12:00+00', '07/01/2100 22:00:00 AEST'],
  ['Australia/Lord_Howe', 'Postgres, MDY', '2090-01-01 12:00+00', 'Sun Jan 01 23:00:00 2090 +11'],
  ['Europe/Amsterdam', 'ISO, MDY', '1900-01-01 00:00+00', '1900-01-01 00:19:32+00:19:32'],
  ['Europe/Amsterdam', 'SQL, MDY', '1930-07-01 00:00+00', '07/01/1930 01:19:32 NST'],
  ['Europe/Istanbul', 'SQL, MDY', '2024-01-01 00:00+00', '01/01/2024 03:00:00 +03'],
  ['America/Sao_Paulo', 'Postgres, MDY', '2024-01-01 00:00+00', 'Sun Dec 31 21:00:00 2023 -03'],
  ['Africa/Casablanca', 'ISO, MDY', '2087-05-01 00:00+00', '2087-05-01 00:00:00+00'],
  ['Europe/Dublin', 'SQL, MDY', '2024-01-01 00:00+00', '01/01/2024 00:00:00 GMT'],
  ['Europe/Dublin', 'SQL, MDY', '2024-07-01 00:00+00', '07/01/2024 01:00:00 IST'],
  ['America/New_York', 'ISO, MDY', '0500-01-01 00:00+00', '0499-12-31 19:03:58-04:56:02'],
];
describe.skipIf(!existsSync('/usr/share/zoneinfo/America/New_York'))('timestamptz in IANA zones matches PostgreSQL 15', () => {
  for (const [timeZone, dateStyle, input, want] of TZ_CASES) {
    it(`${timeZone} ${dateStyle} ${input}`, () => {
      const fmt = { ...FMT, timeZone, dateStyle };
      expect(textOut(O.timestamptz, textIn(O.timestamptz, input, fmt), fmt)).toBe(want);
    });
  }
});

describe('binary input with a column typmod (COPY BINARY), as the recv functions coerce', () => {
  it('varchar(n) length, bpchar padding, numeric(p,s), timestamp(p)', () => {
    const utf8 = (s: string) => Buffer.from(s, 'utf8');
    expect(() => binaryIn(O.varchar, utf8('abcd'), charTypmod(3))).toThrow(expect.objectContaining({ code: '22001', message: 'value too long for type character varying(3)' }));
    expect(binaryIn(O.bpchar, utf8('ab'), charTypmod(4))).toBe('ab  ');
    expect(textOut(O.numeric, binaryIn(O.numeric, binaryOut(O.numeric, Numeric.fromString('1.005')), numericTypmod(5, 2)), FMT)).toBe('1.01');
    expect(textOut(O.timestamp, binaryIn(O.timestamp, binaryOut(O.timestamp, textIn(O.timestamp, '2024-01-02 03:04:05.5', FMT)), 0), FMT)).toBe('2024-01-02 03:04:06');
    expect(binaryIn(O.varchar, utf8('abcd'))).toBe('abcd');
  });
});
