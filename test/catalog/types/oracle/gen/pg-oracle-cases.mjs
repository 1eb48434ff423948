// Inputs for test/catalog/types/oracle/gen/gen-pg-oracle.mjs: [SQL type, input text] pairs grouped by session
// settings. Hand-picked edge cases plus seeded random values (mulberry32, fixed seed).

const SEED = 20241124;
function mulberry32(a) {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (xs) => xs[int(0, xs.length - 1)];
const pad = (n, w) => String(n).padStart(w, '0');
const times = (n, f) => Array.from({ length: n }, f);

function randomDouble() {
  const b = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) b[i] = int(0, 255);
  const x = b.readDoubleBE(0);
  return Number.isFinite(x) ? x : 1.5;
}
function randomFloat4() {
  const b = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) b[i] = int(0, 255);
  const x = b.readFloatBE(0);
  return Number.isFinite(x) ? x : 2.5;
}
const randomDigits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');
function randomNumeric() {
  const sign = rnd() < 0.3 ? '-' : '';
  const ip = randomDigits(int(1, 25)).replace(/^0+(?=\d)/, '');
  const fp = rnd() < 0.7 ? '.' + randomDigits(int(0, 20)) : '';
  return sign + ip + fp;
}
function randomTimestamp(withZone) {
  const y = rnd() < 0.1 ? int(1, 4000) : int(1900, 2100);
  let s = `${pad(y, 4)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}`;
  if (rnd() < 0.6) s += '.' + randomDigits(int(1, 6));
  if (rnd() < 0.05) s += ' BC';
  if (withZone && rnd() < 0.5) s += pick(['+00', '-05', '+05:30', '+13:45', '-03:00:15', 'Z', ' UTC']);
  return s;
}
function randomInterval() {
  const parts = [];
  if (rnd() < 0.5) parts.push(`${int(-30, 30)} years`);
  if (rnd() < 0.5) parts.push(`${int(-30, 30)} mons`);
  if (rnd() < 0.6) parts.push(`${int(-400, 400)} days`);
  if (rnd() < 0.7) parts.push(`${rnd() < 0.3 ? '-' : ''}${pad(int(0, 99), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}${rnd() < 0.5 ? '.' + randomDigits(int(1, 6)) : ''}`);
  return parts.length ? parts.join(' ') : '0';
}
function randomBytes() {
  return '\\x' + Array.from({ length: int(0, 12) }, () => pad(int(0, 255).toString(16), 2)).join('');
}

const ints = ['0', '1', '-1', '  42  ', '+7', '-0', '2147483647', '-2147483648', '2147483648', '-2147483649', 'abc', '', ' ', '1.5', '12abc', '0x10', '1e3', '00012', '1_000', '\t9\n'];
const bigs = ['9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809', '123456789012345678', '  -5 ', 'x', '99999999999999999999999'];
const smalls = ['32767', '-32768', '32768', '-32769', '100', 'abc'];
const oids = ['0', '4294967295', '4294967296', '-1', '-2147483648', '-2147483649', 'abc', ' 12 '];
const floats = ['0', '-0', '1', '-1', '0.1', '1.5', '3.14159265358979', '1e15', '1e16', '123456789012345', '1234567890123456', '1e-4', '1e-5', '0.0001', '0.00001',
  '1e300', '1e308', '1e309', '-1e309', '1e-320', '1e-400', '2.2250738585072014e-308', '4.9e-324', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-inf', '+inf', 'infinity', '  1.5  ',
  'abc', '', '1.5.5', '.5', '5.', '1e', '0x10', '123.456e-3', '100', '1e2', '1E+2', '-1.25e-10', '9007199254740993', '0.30000000000000004'];
const float4s = ['0', '-0', '1.1', '0.1', '3.4028235e38', '3.5e38', '1e-45', '1e-46', '1.17549435e-38', '1e6', '100000', '999999', '1234567', '16777217', 'NaN', 'Infinity', '-inf', '1.5', '123.456', 'abc', '1e-5', '0.0001'];
const bools = ['t', 'true', 'TRUE', 'True', 'tr', 'y', 'yes', 'on', '1', 'f', 'false', 'fa', 'n', 'no', 'off', 'of', '0', ' true ', 'o', 'ye', 'x', '', '2', 'truex', '10'];
const numerics = ['0', '-0', '1', '-1', '0.1', '1.50', '2.500', '123.456', '-123.456', '1e3', '1.5e-3', '1E+5', '  7  ', '.5', '5.', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '+inf', '-inf',
  '99999999999999999999999999999999999999.99999999999999999999', '0.000000000000000000000000001', '1e-10', '1e100', '12345678901234567890', '10000', '100000000', '0.0001', '1.0000', 'abc', '', '1.2.3', '1e', '- 1', '1e131072', '1e-16384'];
const texts = ['', 'hello', 'héllo wörld', '日本語', '😀 emoji', 'trailing   ', '  leading', 'tab\there', 'new\nline', 'back\\slash', "quo'te", 'a"b'];
const byteas = ['\\x', '\\x00ff10', '\\xDEADBEEF', '\\x de ad ', 'abc', 'a\\\\b', '\\001\\002\\377', '\\x0', '\\xzz', 'a\\9b', '\\', 'héllo', '\\x 0 1'];
const uuids = ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'a0eebc999c0b4ef8bb6d6bb9bd380a11',
  'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11', '{a0eebc99c0b4ef8bb6d6bb9bd380a11}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111', ' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'x', '', '00000000-0000-0000-0000-000000000000'];
const jsons = ['{}', '[]', '1', '-1.50', '1e3', '"x"', 'true', 'null', ' {"b": 1, "a": [1, 2, {"c": null}]} ', '{"aa":1,"b":2,"a":3}', '{"a":1,"a":2}', '{"a": 1.0e2}', '"\\u00e9\\n"',
  '{"key": "val", "long key": [1,2,3], "k": {"z": 1, "y": 2}}', '[1,,2]', '{a:1}', '', '{"a":1', '01', '1.', '.5', '"\\u0000"', '"\\ud83d\\ude00"', '[true, false, null, 0, -0, 0.0, 1E400]', 'nul', '{"a" 1}', '[1] x'];
const chars = ['a', 'ab', '', 'é', '\\101', '\\377', ' '];
const names = ['simple', 'x'.repeat(70), 'é'.repeat(40), 'MixedCase'];
const dates = ['2024-01-02', '1999-12-31', '2000-01-01', '2024-02-29', '2023-02-29', '2024-13-01', '0001-01-01', '0001-01-01 BC', '4714-11-24 BC', '4714-11-23 BC', '5874897-12-31', '5874898-01-01',
  'infinity', '-infinity', 'epoch', 'Jan 2 2024', 'January 2, 2024', '2 Jan 2024', '01/02/2024', '1/2/24', '02.01.2024', '20240102', '2024.01.02', '99-01-02', '2024-01-02 12:34:56', 'J2451545', 'x', '', '2024-1-2', '  2024-01-02  ',
  'Tue Jan 2 2024', '2024-01-02T10:00:00Z', '10000-01-01', '294276-12-31', '2024-02-30', 'February 29 2023', '0000-01-01', '70-01-01', '69-12-31', '1/2/3'];
const timestamps = ['2024-01-02 03:04:05', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.1234567', '2024-01-02T03:04:05', '2024-01-02 03:04', '2024-01-02', '2024-01-02 24:00:00', '2024-01-02 24:00:01',
  '2024-01-02 03:04:05+05:30', '2024-01-02 03:04:05 PST', 'infinity', '-infinity', 'epoch', '294276-12-31 23:59:59.999999', '294277-01-01 00:00:00', '4714-11-24 00:00:00 BC', '4714-11-23 23:59:59 BC',
  '0001-01-01 00:00:00 BC', 'Jan 2 2024 3:04pm', 'Jan 2 2024 12:00am', 'Jan 2 2024 12:00pm', '01/02/2024 03:04:05', '2024-01-02 25:00:00', '2024-01-02 03:60:00', '2024-01-02 03:04:60', 'x', '', '2000-01-01 00:00:00.5',
  '1999-12-31 23:59:59.999999', '2024-01-02 03:04:05 BC', 'allballs', '20240102 030405', '20240102T030405', '2024-01-02 03:04:05 Europe/Paris', '2024-01-02 3:4:5', '2024-06-15 12:00:00 America/New_York'];
const times_ = ['00:00:00', '03:04:05', '03:04:05.123456', '3:04', '24:00:00', '24:00:00.000001', '23:59:59.999999', '23:59:59.9999999', '12:00 am', '12:00 pm', '1:30 pm', '13:30 pm', 'allballs', '2024-01-02 03:04:05', '03:04:05+05', '25:00', '03:60', 'x', '', '030405', '03:04:05.5'];
const intervals = ['1 day', '1 day 2 hours', '1 year 2 months 3 days 04:05:06.789', '-1 days +02:00:00', '1-2', '-1-2', '1 2:03:04', '-1 2:03:04', 'P1Y2M', 'P1Y2M3DT4H5M6S', 'PT1.5S', 'P1.5D', 'P0001-02-03T04:05:06', 'PT0S',
  '@ 1 minute ago', '@ 1 day 2 hours ago', '01:02:03', '-01:02:03', '1.5 days', '1.5 months', '1.5 years', '0.1 sec', '1 week', '2 weeks 3 days', '1 millennium', '1 century', '1 decade', '10', '1.5', '100 hours', '1000000 hours',
  '1 microsecond', '1 millisecond', '5 mins', '3 secs', '1 mon', '0', '', 'x', '1 fortnight', '178000000 years', '2147483647 days', '2147483648 days', '1 day -1 second', '-1 day 1 second', '+1 day', '1 day ago', '1:2', '1:2:3.5',
  '4 days 25:00:00', '1 year -1 month', '-2 years -3 months', '2 hours 30 minutes', '30 seconds', '0.000001 sec', '1e3 seconds', 'P-1Y', '1 day 1 day', '00:00:00.000001'];

export const CASES = [
  { cases: [
    ...ints.map((s) => ['int4', s]), ...bigs.map((s) => ['int8', s]), ...ints.slice(0, 8).map((s) => ['int8', s]), ...smalls.map((s) => ['int2', s]), ...oids.map((s) => ['oid', s]),
    ...times(40, () => ['int4', String(int(-2147483648, 2147483647))]),
    ...times(40, () => ['int8', String(BigInt(int(-2147483648, 2147483647)) * BigInt(int(0, 4294967295)))]),
    ...floats.map((s) => ['float8', s]), ...floats.map((s) => ['float4', s]), ...float4s.map((s) => ['float4', s]),
    ...times(150, () => ['float8', randomDouble().toPrecision(17)]), ...times(150, () => ['float4', randomFloat4().toPrecision(9)]),
    ...bools.map((s) => ['bool', s]),
    ...numerics.map((s) => ['numeric', s]), ...times(120, () => ['numeric', randomNumeric()]),
    ...texts.map((s) => ['text', s]), ...texts.map((s) => ['varchar', s]), ...texts.map((s) => ['bpchar', s]),
    ...chars.map((s) => ['"char"', s]), ...names.map((s) => ['name', s]),
    ...byteas.map((s) => ['bytea', s]), ...times(30, () => ['bytea', randomBytes()]),
    ...uuids.map((s) => ['uuid', s]),
    ...jsons.map((s) => ['json', s]), ...jsons.map((s) => ['jsonb', s]),
    ...dates.map((s) => ['date', s]), ...timestamps.map((s) => ['timestamp', s]), ...timestamps.map((s) => ['timestamptz', s]),
    ...times(80, () => ['timestamp', randomTimestamp(false)]), ...times(80, () => ['timestamptz', randomTimestamp(true)]),
    ...times_.map((s) => ['time', s]), ...intervals.map((s) => ['interval', s]), ...times(80, () => ['interval', randomInterval()]),
  ] },
  { settings: { extra_float_digits: '0' }, cases: [...floats.map((s) => ['float8', s]), ...float4s.map((s) => ['float4', s]), ...times(30, () => ['float8', randomDouble().toPrecision(17)])] },
  { settings: { extra_float_digits: '-3' }, cases: [...floats.slice(0, 20).map((s) => ['float8', s]), ...float4s.slice(0, 10).map((s) => ['float4', s])] },
  { settings: { extra_float_digits: '3' }, cases: [...floats.slice(0, 20).map((s) => ['float8', s]), ...float4s.map((s) => ['float4', s])] },
  { settings: { bytea_output: 'escape' }, cases: [...byteas.map((s) => ['bytea', s]), ...times(20, () => ['bytea', randomBytes()])] },
  { settings: { TimeZone: 'America/New_York' }, cases: [
    ...timestamps.map((s) => ['timestamptz', s]), ...times(60, () => ['timestamptz', randomTimestamp(true)]),
    ['timestamptz', '2024-03-10 02:30:00'], ['timestamptz', '2024-11-03 01:30:00'], ['timestamptz', '1800-01-01 00:00'], ['timestamptz', '1883-11-18 12:00'], ['timestamptz', '2200-07-01 12:00'], ['timestamptz', '100000-07-01 12:00'],
    ['timestamp', '2024-01-02 03:04:05+05:30'], ['date', '2024-01-02 03:04:05 PST'],
  ] },
  { settings: { TimeZone: 'Asia/Kolkata' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '1900-01-01 00:00'], ['timestamptz', '1941-10-01 00:00'], ['timestamptz', '2024-01-02 03:04:05+00']] },
  { settings: { TimeZone: 'Europe/Paris' }, cases: [['timestamptz', '2024-07-02 03:04:05'], ['timestamptz', '2024-03-31 02:30'], ['timestamptz', '2024-10-27 02:30'], ['timestamptz', '1900-01-01 00:00'], ['timestamptz', 'epoch']] },
  { settings: { TimeZone: 'Australia/Lord_Howe' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '2024-07-02 03:04:05']] },
  { settings: { TimeZone: 'UTC+3' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '2024-01-02 03:04:05+00']] },
  { settings: { TimeZone: '+05:30' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '2024-01-02 03:04:05+00']] },
  { settings: { TimeZone: '-7' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '2024-01-02 03:04:05+00']] },
  { settings: { TimeZone: 'Pacific/Chatham' }, cases: [['timestamptz', '2024-01-02 03:04:05+00'], ['timestamptz', '2024-07-02 03:04:05+00']] },
  { settings: { DateStyle: 'ISO, DMY' }, cases: [['date', '01/02/2024'], ['date', '13/01/2024'], ['date', '1/2/24'], ['timestamp', '01/02/2024 03:04:05'], ['date', '02.01.2024']] },
  { settings: { DateStyle: 'ISO, YMD' }, cases: [['date', '24/01/02'], ['date', '2024/01/02'], ['date', '01/02/03']] },
  { settings: { DateStyle: 'SQL, MDY' }, cases: [['date', '2024-01-02'], ['date', '0044-03-15 BC'], ['timestamp', '2024-01-02 03:04:05.5'], ['timestamptz', '2024-01-02 03:04:05'], ['date', 'infinity']] },
  { settings: { DateStyle: 'SQL, DMY' }, cases: [['date', '2024-01-02'], ['timestamp', '2024-01-02 03:04:05'], ['timestamptz', '2024-01-02 03:04:05']] },
  { settings: { DateStyle: 'Postgres, MDY' }, cases: [['date', '2024-01-02'], ['timestamp', '2024-01-02 03:04:05.25'], ['timestamptz', '2024-01-02 03:04:05'], ['timestamp', '0044-03-15 12:00 BC']] },
  { settings: { DateStyle: 'Postgres, DMY' }, cases: [['date', '2024-01-02'], ['timestamp', '2024-01-02 03:04:05'], ['timestamptz', '2024-01-02 03:04:05']] },
  { settings: { DateStyle: 'German, DMY' }, cases: [['date', '2024-01-02'], ['timestamp', '2024-01-02 03:04:05'], ['timestamptz', '2024-01-02 03:04:05']] },
  { settings: { DateStyle: 'SQL, MDY', TimeZone: 'America/New_York' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '2024-07-02 03:04:05']] },
  { settings: { IntervalStyle: 'iso_8601' }, cases: [...intervals.map((s) => ['interval', s]), ...times(30, () => ['interval', randomInterval()])] },
  { settings: { IntervalStyle: 'sql_standard' }, cases: [...intervals.map((s) => ['interval', s]), ...times(30, () => ['interval', randomInterval()])] },
  { settings: { IntervalStyle: 'postgres_verbose' }, cases: [...intervals.map((s) => ['interval', s]), ...times(30, () => ['interval', randomInterval()])] },
  // Round 2 (11:15): more shapes, appended so the seeded draws above stay the same.
  { cases: [
    ...['{"a":{"b":[1,2,{"c":"d"}]},"aa":null}', '{"a": "\\u00e9\\ud83d\\ude00", "b": "\\t\\"\\\\"}', '[1E+2, 1e-2, -0.0, 10.50, 1.0E2]', '{"":1, "a":2, "":3}', '  [  ]  ', '"\\u0041\\u00"', '{"a":1}}', '[1 2]', '{"a":1,}', 'tru', 'True', '"\u0001"', '[-]', '-1.5e+300', '123456789012345678901234567890', '{"b":1,"a":{"d":1,"c":2}}', '"ab\nc"']
      .flatMap((s) => [['json', s], ['jsonb', s]]),
    ...['1 hour 30 minutes', '2.5 hours', '1.5 weeks', '0.5 mons', '1 mon 1.5 days', '-1.5 days', '1 year 0.5 months', '1000 years', '100000 millennia', 'P1.5Y', 'PT36H', 'P1W', 'P1Y-2M', 'PT-1H30M', '1 hr', '2 mins 3 secs', '10 msecs', '5 usecs', '1:', ':30', '1::2', '25:61', '1 day 25:00', '-0:00:01', '+1:00', '1 days 2 days'].map((s) => ['interval', s]),
    ...['2024-06-15 12:30:45.123456-07', '2024-06-15T12:30:45+0530', '2024-06-15 12:30:45 +05:30:15', '2024-06-15 12:30:45 -15:59', '2024-06-15 12:30:45 +16', 'June 15, 2024 12:30 PM EST', '15-Jun-2024 12:30', 'Jun-15-2024', '2024-Jun-15', '6/15/2024 12:30:45.5', '2024-06-15 12:30:45 z', '2024-06-15 12:30:45 CET', '2024-06-15 12:30:45 Asia/Tokyo', '2024-06-15 12:30:45 Mars/Olympus', '2024-06-15 allballs', '2024-06-15 12:30:45 am', 'today', 'epoch 12:00', '1999-01-08 04:05:06 +02', '1999-01-08 04:05:06.789 -8:00', 'January 8, 99 BC', '040506', '2024-06-15 24:00']
      .flatMap((s) => [['timestamptz', s], ['timestamp', s], ['date', s], ['time', s]]),
    ...['00:00:00.0000005', '12:34:56.7890125', '23:59:60', '12:60', '12:00:00 pm', '0:00 am', '11:59:59.999999 pm', '12:30:45+05', '12:30:45 America/New_York'].map((s) => ['time', s]),
    ...['\\x1', '\\x 12 34', '\\X12', '\\\\\\\\', '\\1234', '\\12', '\\400', '\\378', 'tab\there'].map((s) => ['bytea', s]),
    ...['{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11', 'a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc999c0b4ef8bb6d6bb9bd380a1-', 'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'].map((s) => ['uuid', s]),
    ...['1e-131072', '1e131071', '9.99e131071', '-1e-16383', '0e10', '1.5e', '1e+', '+.5', '-.5e1', ' NaN ', 'Inf', 'infinit', '0x1A'].map((s) => ['numeric', s]),
    ...['1e38', '3.4028234e38', '3.40282357e38', '1.4e-45', '7e-46', '0.1e-44', '16777216', '16777217', '33554435', '0.3', '2.5e-8'].map((s) => ['float4', s]),
    ...['1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308', '2.4703282292062328e-324', '2.4703282292062327e-324', '0x1p-1074', '0x1.8p1', '-0x10', '1e-7', '1.0000000000000002', '9007199254740993', '0.1e1', '1_000'].map((s) => ['float8', s]),
  ] },
  { settings: { DateStyle: 'SQL, DMY' }, cases: [['date', '0001-01-01 BC'], ['timestamp', '2024-01-02 03:04:05.123 BC'], ['date', '13/01/2024'], ['date', '01/13/2024']] },
  { settings: { DateStyle: 'Postgres, MDY' }, cases: [['timestamp', '2024-07-04 00:00'], ['timestamp', '2024-02-29 23:59:59.999999'], ['date', 'infinity'], ['timestamp', '-infinity']] },
  { settings: { DateStyle: 'German' }, cases: [['date', '31.12.2024'], ['timestamp', '31.12.2024 23:59'], ['date', '2024-12-31']] },
  { settings: { TimeZone: 'Europe/London' }, cases: [['timestamptz', '1847-12-01 00:00'], ['timestamptz', '1847-11-30 23:59'], ['timestamptz', '1971-06-01 12:00'], ['timestamptz', '2024-03-31 01:30'], ['timestamptz', '2024-10-27 01:30']] },
  { settings: { TimeZone: 'America/St_Johns' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '2024-07-02 03:04:05'], ['timestamptz', '1900-01-01']] },
  { settings: { TimeZone: 'Asia/Kathmandu' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '1980-01-01']] },
  { settings: { TimeZone: 'Africa/Monrovia' }, cases: [['timestamptz', '1960-01-01'], ['timestamptz', '1972-06-01']] },
  { settings: { TimeZone: 'EST5EDT' }, cases: [['timestamptz', '2024-01-02 03:04:05'], ['timestamptz', '2024-07-02 03:04:05']] },
  { settings: { TimeZone: 'Etc/GMT+5' }, cases: [['timestamptz', '2024-01-02 03:04:05']] },
  { settings: { TimeZone: 'GMT' }, cases: [['timestamptz', '2024-01-02 03:04:05']] },
  { settings: { IntervalStyle: 'postgres_verbose' }, cases: [['interval', '@ 1 day 2 hours ago'], ['interval', '-1 days +02:00:00'], ['interval', '1.5 secs'], ['interval', '-0.5 secs'], ['interval', '1 sec'], ['interval', '-1 mons -1 days'], ['interval', '0']] },
  // Round 3 (11:30): seeded random breadth.
  ...(() => {
    const zones = ['America/New_York', 'Europe/Paris', 'Australia/Sydney', 'America/Sao_Paulo', 'Asia/Tehran', 'Pacific/Apia', 'America/Los_Angeles', 'Europe/Moscow'];
    const nearDst = () => `${int(1900, 2037)}-${pick(['03', '04', '10', '11'])}-${pad(int(1, 28), 2)} ${pad(int(0, 3), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}`;
    return zones.map((z) => ({ settings: { TimeZone: z }, cases: [...times(25, () => ['timestamptz', nearDst()]), ...times(10, () => ['timestamptz', randomTimestamp(true)])] }));
  })(),
  { cases: [
    ...times(120, () => ['float8', (randomDouble() * (rnd() < 0.5 ? 1 : 1e-300)).toPrecision(int(1, 17))]),
    ...times(80, () => ['float4', randomFloat4().toPrecision(int(1, 9))]),
    ...times(60, () => ['interval', `${(rnd() * 100 - 50).toFixed(int(0, 4))} ${pick(['years', 'mons', 'weeks', 'days', 'hours', 'mins', 'secs', 'ms', 'decades'])} ${rnd() < 0.5 ? `${int(-9, 9)} ${pick(['days', 'hours', 'secs'])}` : ''}`.trim()]),
    ...times(60, () => ['jsonb', JSON.stringify(Object.fromEntries(times(int(0, 5), () => [pick(['a', 'b', 'aa', 'ab', 'é', 'key', '']), pick([1, -0.5, 'x', null, true, [1, { z: 2 }], { y: 1e21 }])])))]),
    ...times(40, () => ['jsonb', `{"k": ${pick(['1', '1.0', '1e2', '-0', '0.00', '1E-3', '12345678901234567890.5', '-1.50e+3'])}, "k": ${pick(['2', '[]', '{}', '"dup"'])}}`]),
  ] },
  { cases: [...times(400, () => ['float4', randomFloat4().toPrecision(9)]), ...times(300, () => ['float8', randomDouble().toPrecision(17)]), ...times(100, () => ['float4', String(int(1, 2 ** 30))])] },
  { settings: { extra_float_digits: '0' }, cases: times(100, () => ['float4', randomFloat4().toPrecision(9)]) },
  { assign: true, cases: times(60, () => { const p = int(1, 20); const sc = int(0, p); return [`numeric(${p},${sc})`, randomNumeric().slice(0, int(1, 24))]; }) },
  // Round 4 (11:37): JSON corner cases, text-ish types, bytea escape output.
  { cases: [
    ...['{"a":1e400}', '[1e-400]', '[0.0000000000000000000000000001]', '[1.000000000000000000000000001]', '[123e-2]', '[-0e5]', '["\\ud800"]', '["\\udc00"]', '["\\ud83d\\ude00x"]', '["\\u00"]', '["\\x"]', '["\\/"]', '["\t"]',
      '{"a":[{"b":[{"c":[]}]}]}', '\n{\n"a"\n:\n1\n}\n', '{"a":1} ', ' ', '[1,2,3,]', '[,1]', '{"a"}', '{"a":}', '{1:2}', 'nulls', '[null,]', '"abc', '{"a":"b"', '[true false]', '1 2',
      '{"z":1,"y":2,"x":{"b":1,"a":2},"ab":3,"a":4}', '{"aaa":1,"bb":2,"c":3}', '{"b":1,"b":2,"a":{"b":1,"b":[2]}}', '[{"a":1,"a":2},{"a":3}]', '{"é":1,"e":2,"ê":3}', '"\\u00e9"', '"é"', '{"a":"\\u0000"}', '"\\u0000"']
      .flatMap((x) => [['json', x], ['jsonb', x]]),
    ...['x'.repeat(63), 'x'.repeat(64), 'é'.repeat(32), 'ab😀'.repeat(20), ' leading', 'trailing '].map((x) => ['name', x]),
    ...['A', 'é', '😀', '\\000', '\\101', '\\1', 'ab', ' '].map((x) => ['"char"', x]),
    ...['  padded  ', 'é  ', ''].map((x) => ['bpchar', x]),
  ] },
  { settings: { bytea_output: 'escape' }, cases: [['bytea', '\\x00017f80fffe5c27'], ['bytea', '\\x5c5c'], ['bytea', '\\x20217e'], ['bytea', 'é']] },
  // Round 5 (11:45): random mixes of interval spellings and date/time formats.
  ...(() => {
    const ivUnits = ['year', 'years', 'yr', 'mon', 'mons', 'month', 'week', 'w', 'day', 'd', 'hour', 'h', 'hrs', 'minute', 'min', 'm', 'second', 's', 'sec', 'millisecond', 'ms', 'microsecond', 'us', 'decade', 'century', 'millennium'];
    const ivPart = () => {
      const r = rnd();
      if (r < 0.55) return `${rnd() < 0.3 ? '-' : rnd() < 0.1 ? '+' : ''}${rnd() < 0.3 ? (rnd() * 100).toFixed(int(1, 3)) : int(0, 500)}${rnd() < 0.2 ? '' : ' '}${pick(ivUnits)}`;
      if (r < 0.8) return `${rnd() < 0.3 ? '-' : ''}${int(0, 99)}:${pad(int(0, 59), 2)}${rnd() < 0.6 ? ':' + pad(int(0, 59), 2) + (rnd() < 0.4 ? '.' + randomDigits(int(1, 7)) : '') : ''}`;
      return `${int(0, 30)}-${int(0, 11)}`;
    };
    const ivText = () => `${rnd() < 0.1 ? '@ ' : ''}${times(int(1, 3), ivPart).join(' ')}${rnd() < 0.1 ? ' ago' : ''}`;
    const months = ['Jan', 'February', 'mar', 'APR', 'May', 'jun', 'July', 'aug', 'Sep', 'oct', 'Nov', 'December'];
    const dateText = () => {
      const y = int(1, 2999), m = int(1, 12), d = int(1, 28);
      switch (int(0, 7)) {
        case 0: return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        case 1: return `${m}/${d}/${y}`;
        case 2: return `${pick(months.slice(m - 1, m))} ${d}, ${y}`;
        case 3: return `${d} ${months[m - 1]} ${y}`;
        case 4: return `${pad(y, 4)}${pad(m, 2)}${pad(d, 2)}`;
        case 5: return `${d}.${m}.${y}`;
        case 6: return `${months[m - 1]}-${pad(d, 2)}-${y}`;
        default: return `${pad(y % 100, 2)}-${pad(m, 2)}-${pad(d, 2)}`;
      }
    };
    const timeText = () => pick([`${int(0, 23)}:${pad(int(0, 59), 2)}`, `${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${randomDigits(int(1, 8))}`, `${int(1, 12)}:${pad(int(0, 59), 2)} ${pick(['am', 'pm', 'AM', 'PM'])}`, `${pad(int(0, 23), 2)}${pad(int(0, 59), 2)}${pad(int(0, 59), 2)}`]);
    const zoneText = () => pick(['', '', ' UTC', 'Z', '+02', '-0330', ' EST', ' PDT', ' Europe/Berlin', ' +05:45', 'z', ' GMT']);
    const tsText = () => `${dateText()}${pick([' ', 'T', ' '])}${timeText()}${zoneText()}${rnd() < 0.05 ? ' BC' : ''}`;
    return [
      { cases: [...times(200, () => ['interval', ivText()]), ...times(150, () => ['timestamptz', tsText()]), ...times(100, () => ['timestamp', tsText()]), ...times(80, () => ['date', dateText()]), ...times(60, () => ['time', timeText()])] },
      { settings: { DateStyle: 'ISO, DMY', TimeZone: 'Europe/Berlin' }, cases: [...times(60, () => ['timestamptz', tsText()]), ...times(40, () => ['date', dateText()])] },
      { settings: { IntervalStyle: 'sql_standard' }, cases: times(60, () => ['interval', ivText()]) },
    ];
  })(),
  // Round 6 (11:50): output styles over random values.
  ...(() => {
    const ts = () => `${pad(int(1, 9999), 4)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}${rnd() < 0.5 ? '.' + randomDigits(int(1, 6)) : ''}${rnd() < 0.1 ? ' BC' : ''}`;
    const iv = () => `${int(-2000, 2000)} mons ${int(-5000, 5000)} days ${rnd() < 0.5 ? '-' : ''}${int(0, 9999)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${randomDigits(int(1, 6))}`;
    const groups = [];
    for (const ds of ['SQL, MDY', 'SQL, DMY', 'Postgres, MDY', 'Postgres, DMY', 'German, DMY', 'ISO, YMD']) {
      groups.push({ settings: { DateStyle: ds, TimeZone: pick(['UTC', '+05:30', 'UTC+3', '-7']) }, cases: [...times(15, () => ['timestamp', ts()]), ...times(15, () => ['timestamptz', ts()]), ...times(10, () => ['date', ts().slice(0, 10)])] });
    }
    for (const st of ['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601']) {
      groups.push({ settings: { IntervalStyle: st }, cases: [...times(40, () => ['interval', iv()]), ['interval', '-2147483648 mons -2147483648 days -2562047788:00:54.775808'], ['interval', '2147483647 mons 2147483647 days 2562047788:00:54.775807'], ['interval', '-0.000001 secs'], ['interval', '1 mon -1 days'], ['interval', '-1 mon 1 days -00:00:01']] });
    }
    return groups;
  })(),
  // Round 7 (11:55): explicit casts with a typmod ('abcd'::varchar(3) truncates silently).
  { explicit: true, cases: [['varchar(3)', 'abcd'], ['varchar(3)', 'ab'], ['varchar(2)', 'é日本'], ['char(2)', 'abc'], ['char(4)', 'a'], ['char(1)', '😀x'], ['numeric(4,1)', '123.45'], ['numeric(3,1)', '123.45'], ['timestamp(1)', '2024-01-01 00:00:00.16'], ['interval(0)', '1.5 secs'], ['time(2)', '12:00:00.125']] },
  // Round 8 (12:00): small-type fuzz (ints with spaces/signs/zeros, bool spellings, uuid shapes, bytea escapes).
  { cases: [
    ...times(60, () => ['int4', `${pick(['', ' ', '\t', '\n'])}${pick(['', '+', '-'])}${'0'.repeat(int(0, 3))}${int(0, 2 ** 31 + 10)}${pick(['', ' ', '  ', 'x', '.0', '\r'])}`]),
    ...times(40, () => ['int2', `${pick(['', '+', '-'])}${int(0, 40000)}`]),
    ...times(40, () => ['int8', `${pick(['', ' ', '-'])}${'0'.repeat(int(0, 5))}${randomDigits(int(1, 20))}`]),
    ...times(30, () => ['oid', `${pick(['', '-', '+'])}${int(0, 2 ** 32 + 5)}`]),
    ...times(30, () => ['bool', pick(['t', 'T', 'tRuE', 'ye', 'Y', 'of', 'OFF', 'n', 'No', ' on', '1 ', '00', 'tr ue', 'f\t', 'falsey', 'yes!'])]),
    ...times(30, () => ['uuid', (() => { let h = Array.from({ length: 32 }, () => '0123456789abcdefABCDEF'[int(0, 21)]).join(''); if (rnd() < 0.5) h = h.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5'); if (rnd() < 0.2) h = `{${h}}`; if (rnd() < 0.1) h = h.slice(1); return h; })()]),
    ...times(30, () => ['bytea', Array.from({ length: int(0, 6) }, () => pick(['a', '\\\\', '\\' + int(0, 3) + int(0, 7) + int(0, 7), '\\' + int(4, 9) + '00', 'é', ' '])).join('')]),
  ] },
  // Round 9 (12:05): extreme years in every DateStyle.
  ...['ISO, MDY', 'SQL, MDY', 'SQL, DMY', 'Postgres, MDY', 'Postgres, DMY', 'German, DMY'].map((ds) => ({ settings: { DateStyle: ds }, cases: [
    ...times(8, () => ['timestamp', `${int(10000, 294276)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${randomDigits(3)}`]),
    ...times(6, () => ['timestamptz', `${int(1, 4713)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:00:00 BC`]),
    ...times(6, () => ['date', `${int(10000, 5874897)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`]),
    ['date', '5874897-12-31'], ['date', '4714-11-24 BC'], ['timestamp', '294276-12-31 23:59:59.999999'], ['timestamptz', '4714-11-24 00:00:00+00 BC'], ['date', '0099-01-01'], ['date', '0999-12-31 BC'],
  ] })),
  { assign: true, cases: [['char(3)', 'é日'], ['char(2)', '😀😀'], ['char(2)', '😀😀😀'], ['varchar(2)', '😀😀 '], ['char(1)', ''], ['char(4)', 'ab  cd'], ['varchar(5)', '  a  b'], ['name', 'x'.repeat(70)], ['"char"', 'xyz']] },
  { assign: true, cases: [
    ['varchar(3)', 'abc'], ['varchar(3)', 'abcd'], ['varchar(3)', 'ab  '], ['varchar(3)', 'abc   '], ['varchar(3)', 'é日本'], ['varchar(3)', 'é日本語'],
    ['char(3)', 'a'], ['char(3)', 'abc'], ['char(3)', 'abcd'], ['char(3)', 'abc  '], ['char(3)', ''], ['char(1)', 'é'], ['char', 'xy'],
    ['numeric(5,2)', '123.456'], ['numeric(5,2)', '999.995'], ['numeric(5,2)', '1234.5'], ['numeric(5,2)', '-999.99'], ['numeric(5,2)', 'NaN'], ['numeric(5,2)', 'Infinity'], ['numeric(3)', '1.5'], ['numeric(3)', '999.5'],
    ['numeric(2,-3)', '12345'], ['numeric(3,5)', '0.001234'], ['numeric(3,5)', '0.01'], ['numeric(10,0)', '-0.4'],
    ['timestamp(0)', '2024-01-02 03:04:05.5'], ['timestamp(3)', '2024-01-02 03:04:05.123456'], ['timestamptz(2)', '2024-01-02 03:04:05.125'], ['time(1)', '03:04:05.25'], ['time(0)', '23:59:59.5'],
    ['interval(2)', '1 day 00:00:01.12345'],
    ['interval year to month', '1 year 2 months 3 days'], ['interval day to second', '1 year 2 days 03:04:05.678'], ['interval hour to minute', '1 day 02:03:04'], ['interval minute', '01:02:03'],
    ['interval day to second(1)', '1 day 00:00:01.25'], ['interval second(0)', '1.5 seconds'], ['interval year', '1 year 11 months'], ['interval month', '2 years 3 months 4 days'],
    ['time(3)', '23:59:59.9996'], ['timestamp(1)', '2024-12-31 23:59:59.96'], ['timestamptz(0)', '1999-12-31 23:59:59.5+00'], ['timestamp(6)', '2024-01-01 00:00:00.0000005'],
    ['numeric(1,0)', '9.5'], ['numeric(1,0)', '-9.4'], ['numeric(38,38)', '0.1'], ['numeric(6,3)', '-0.0004'], ['numeric(4,4)', '1'], ['numeric(1000,999)', '1.5'], ['numeric(5,-2)', '1234567'],
    ['varchar(1)', ' '], ['varchar(2)', 'a   '], ['char(2)', 'ab '], ['char(5)', 'é'],
  ] },
];
