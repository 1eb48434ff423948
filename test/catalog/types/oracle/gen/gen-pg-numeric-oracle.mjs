#!/usr/bin/env node
// Generates test/catalog/types/oracle/numeric-fixtures.json: PostgreSQL 15's answers for numeric
// arithmetic (result text including its display scale, or the error), so the Numeric class's
// scale rules (select_div_scale, sqrt/exp/ln/power scales, rounding) are checked against the
// real thing. Seeded (mulberry32), so reruns give the same file.
// Usage: PGHOST=/tmp/pg15 PGPORT=55443 PGUSER=postgres node test/catalog/types/oracle/gen/gen-pg-numeric-oracle.mjs
import { answerEach, connectOracle, writeFixtures } from './pg-oracle-client.mjs';

const OUT = new URL('../numeric-fixtures.json', import.meta.url);
let a = 77331;
const rnd = () => { a |= 0; a = (a + 0x6d2b79f5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');
function num() {
  const r = rnd();
  if (r < 0.05) return ['NaN', 'Infinity', '-Infinity'][int(0, 2)];
  if (r < 0.12) return ['0', '1', '-1', '0.0', '2', '10', '0.5', '-0.5'][int(0, 7)];
  const sign = rnd() < 0.35 ? '-' : '';
  const ip = digits(int(1, r < 0.6 ? 6 : 30)).replace(/^0+(?=\d)/, '');
  const fp = rnd() < 0.7 ? '.' + digits(int(1, r < 0.6 ? 6 : 25)) : '';
  return sign + ip + fp;
}
const small = () => String(int(-5, 5)) + (rnd() < 0.3 ? '.' + digits(int(1, 3)) : '');

const cases = [];
const BIN = { add: '+', sub: '-', mul: '*', div: '/', mod: '%' };
for (let i = 0; i < 160; i++) for (const op of Object.keys(BIN)) cases.push({ op, a: num(), b: num() });
for (const [x, y] of [['1', '3'], ['2', '3'], ['10', '4'], ['1', '0'], ['0', '0'], ['1.000', '3'], ['123456789.123', '0.001'], ['1', '7.00000000000000000000'], ['-7', '2'], ['7', '-2'], ['5.5', '2'], ['1e-20', '3'], ['99999999999999999999', '0.0000000001'], ['NaN', '0'], ['Infinity', '0'], ['Infinity', 'Infinity'], ['-Infinity', '2'], ['1', 'Infinity'], ['0', 'NaN']]) {
  for (const op of Object.keys(BIN)) cases.push({ op, a: x, b: y });
}
for (let i = 0; i < 60; i++) cases.push({ op: 'round', a: num(), s: int(-3, 8) }, { op: 'trunc', a: num(), s: int(-3, 8) });
for (const x of ['2.5', '-2.5', '0.5', '-0.5', '1.45', '999.5', '0.05', 'NaN', 'Infinity']) cases.push({ op: 'round', a: x, s: 0 }, { op: 'round', a: x, s: 1 }, { op: 'ceil', a: x }, { op: 'floor', a: x });
for (let i = 0; i < 40; i++) cases.push({ op: 'sqrt', a: num() }, { op: 'abs', a: num() }, { op: 'neg', a: num() }, { op: 'ceil', a: num() }, { op: 'floor', a: num() });
for (const x of ['2', '4', '0', '-1', '1e-10', '0.0001', '1000000', '2.0000', 'NaN', 'Infinity', '-Infinity', '12345678901234567890']) cases.push({ op: 'sqrt', a: x }, { op: 'ln', a: x }, { op: 'exp', a: x });
for (let i = 0; i < 30; i++) cases.push({ op: 'exp', a: small() }, { op: 'ln', a: num().replace('-', '') });
for (const [x, y] of [['2', '10'], ['2', '0.5'], ['2', '-2'], ['10', '-3'], ['0', '0'], ['0', '-1'], ['-8', '0.5'], ['-2', '3'], ['1.5', '2.5'], ['9', '0.5'], ['2', '100'], ['NaN', '0'], ['1', 'NaN'], ['Infinity', '2'], ['2', 'Infinity'], ['0.5', '-Infinity'], ['10', '131072']]) cases.push({ op: 'pow', a: x, b: y });
for (let i = 0; i < 30; i++) cases.push({ op: 'pow', a: String(int(0, 20)) + (rnd() < 0.5 ? '.' + digits(2) : ''), b: small() });
for (const x of ['0', '1.5', '-1.5', '2.5', '2147483647.4', '2147483647.5', '-2147483648.5', '9223372036854775807', '9223372036854775807.5', 'NaN', 'Infinity', '32767.5']) cases.push({ op: 'int4', a: x }, { op: 'int8', a: x }, { op: 'int2', a: x }, { op: 'float8', a: x });
for (const x of ['0', '-0', '1.5', '0.1', '1e300', '1.7976931348623157e308', '5e-324', '123456789.123456789', 'NaN', 'Infinity', '-Infinity', '1e-20', '3.14159265358979']) cases.push({ op: 'fromFloat8', a: x }, { op: 'fromFloat4', a: x });

// Round 2 (11:35): wider operands (up to 60 digits, scales up to 40), random ln/exp/power with
// non-integer exponents, mod/div with mixed signs; appended so round-1 draws stay the same.
function wide() {
  const sign = rnd() < 0.4 ? '-' : '';
  const ip = digits(int(1, 60)).replace(/^0+(?=\d)/, '');
  const fp = rnd() < 0.8 ? '.' + digits(int(1, 40)) : '';
  return sign + ip + fp;
}
const tiny = () => (rnd() < 0.5 ? '-' : '') + '0.' + '0'.repeat(int(0, 30)) + digits(int(1, 20));
for (let i = 0; i < 60; i++) for (const op of Object.keys(BIN)) cases.push({ op, a: wide(), b: rnd() < 0.3 ? tiny() : wide() });
for (let i = 0; i < 40; i++) cases.push({ op: 'ln', a: wide().replace('-', '') }, { op: 'ln', a: tiny().replace('-', '') }, { op: 'exp', a: (rnd() * 200 - 100).toFixed(int(0, 12)) }, { op: 'sqrt', a: wide().replace('-', '') }, { op: 'sqrt', a: tiny().replace('-', '') });
for (let i = 0; i < 60; i++) cases.push({ op: 'pow', a: (rnd() * 50).toFixed(int(0, 6)), b: (rnd() * 20 - 10).toFixed(int(0, 4)) });
for (let i = 0; i < 20; i++) cases.push({ op: 'pow', a: wide().replace('-', '').slice(0, 20), b: String(int(-6, 6)) });
for (let i = 0; i < 30; i++) cases.push({ op: 'round', a: wide(), s: int(-10, 45) }, { op: 'trunc', a: tiny(), s: int(0, 40) });

const SQL = {
  add: 'select ($1::numeric + $2::numeric)::text', sub: 'select ($1::numeric - $2::numeric)::text', mul: 'select ($1::numeric * $2::numeric)::text',
  div: 'select ($1::numeric / $2::numeric)::text', mod: 'select ($1::numeric % $2::numeric)::text', pow: 'select power($1::numeric, $2::numeric)::text',
  round: 'select round($1::numeric, $2::int)::text', trunc: 'select trunc($1::numeric, $2::int)::text', ceil: 'select ceil($1::numeric)::text', floor: 'select floor($1::numeric)::text',
  sqrt: 'select sqrt($1::numeric)::text', exp: 'select exp($1::numeric)::text', ln: 'select ln($1::numeric)::text', abs: 'select abs($1::numeric)::text', neg: 'select (-$1::numeric)::text',
  int4: 'select $1::numeric::int4::text', int8: 'select $1::numeric::int8::text', int2: 'select $1::numeric::int2::text', float8: 'select $1::numeric::float8::text',
  fromFloat8: 'select $1::float8::numeric::text', fromFloat4: 'select $1::float4::numeric::text',
};

const { client, version } = await connectOracle('set extra_float_digits = 1');
await answerEach(client, cases, (c) => ({ text: SQL[c.op], values: [c.a, ...(c.b !== undefined ? [c.b] : []), ...(c.s !== undefined ? [String(c.s)] : [])] }));
await client.end();
writeFixtures(OUT, 'test/catalog/types/oracle/gen/gen-pg-numeric-oracle.mjs', version, { cases }, 'op');
console.log(`${cases.length} numeric cases → ${OUT.pathname}`);
