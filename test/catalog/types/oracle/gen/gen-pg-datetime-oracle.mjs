#!/usr/bin/env node
// Generates test/catalog/types/oracle/datetime-fixtures.json: PostgreSQL 15's answers for
// date/time arithmetic the planner builds on: timestamp(tz) ± interval (month-end clamping,
// DST days in the session zone), timestamp − timestamp, age(), justify_*(), interval ordering.
// Inputs and outputs are text in ISO DateStyle / postgres IntervalStyle. Seeded (mulberry32).
// Usage: PGHOST=/tmp/pg15 PGPORT=55443 PGUSER=postgres node test/catalog/types/oracle/gen/gen-pg-datetime-oracle.mjs
import { answerEach, connectOracle, writeFixtures } from './pg-oracle-client.mjs';

const OUT = new URL('../datetime-fixtures.json', import.meta.url);
let seed = 4242;
const rnd = () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pad = (n, w) => String(n).padStart(w, '0');
const pick = (xs) => xs[int(0, xs.length - 1)];
const ts = () => `${pad(int(1950, 2060), 4)}-${pad(int(1, 12), 2)}-${pad(int(1, 28) + (rnd() < 0.3 ? 3 : 0) > 28 ? int(28, 31) : int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}${rnd() < 0.4 ? '.' + pad(int(0, 999999), 6) : ''}`;
const iv = () => {
  const p = [];
  if (rnd() < 0.5) p.push(`${int(-3, 3)} years`);
  if (rnd() < 0.6) p.push(`${int(-14, 14)} mons`);
  if (rnd() < 0.6) p.push(`${int(-40, 40)} days`);
  if (rnd() < 0.6) p.push(`${int(-50, 50)} hours ${int(0, 59)} mins ${int(0, 59)}.${pad(int(0, 999999), 6)} secs`);
  return p.length ? p.join(' ') : '1 day';
};
function validTs(s) { const [y, m, d] = s.slice(0, 10).split('-').map(Number); return d <= new Date(Date.UTC(y, m, 0)).getUTCDate(); }
const goodTs = () => { for (;;) { const s = ts(); if (validTs(s)) return s; } };

const cases = [];
const zones = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe'];
for (let i = 0; i < 80; i++) cases.push({ op: 'ts_plus_iv', a: goodTs(), b: iv() }, { op: 'ts_minus_iv', a: goodTs(), b: iv() });
for (const z of zones) for (let i = 0; i < 25; i++) cases.push({ op: 'tstz_plus_iv', zone: z, a: goodTs(), b: iv() });
for (const [a, b] of [['2024-01-31', '1 mon'], ['2024-01-31', '2 mons'], ['2023-01-31', '1 mon'], ['2024-02-29', '1 year'], ['2024-02-29', '-1 year'], ['2024-03-31', '-1 mon'], ['2024-12-31 23:59:59.999999', '0.000001 sec'], ['294276-12-31 23:59:59', '1 sec'], ['infinity', '1 day'], ['2024-01-01', '1 mon -1 day']]) cases.push({ op: 'ts_plus_iv', a, b });
for (const [a, b] of [['2024-03-09 12:00', '1 day'], ['2024-03-09 12:00', '24 hours'], ['2024-03-10 01:30', '1 hour'], ['2024-11-02 12:00', '1 day'], ['2024-11-03 00:30', '1 day 1 hour'], ['2024-02-10 02:30', '1 mon']]) cases.push({ op: 'tstz_plus_iv', zone: 'America/New_York', a, b });
for (let i = 0; i < 60; i++) cases.push({ op: 'ts_minus_ts', a: goodTs(), b: goodTs() }, { op: 'age', a: goodTs(), b: goodTs() });
for (const [a, b] of [['2024-03-01', '2024-02-29'], ['2024-01-01', '2023-01-31'], ['2024-03-31', '2024-02-29 12:00'], ['2000-01-01', '1999-12-31 23:59:59.999999'], ['1999-12-31', '2000-03-01']]) cases.push({ op: 'ts_minus_ts', a, b }, { op: 'age', a, b });
for (const z of zones.slice(1)) for (let i = 0; i < 10; i++) cases.push({ op: 'tstz_age', zone: z, a: goodTs(), b: goodTs() });
for (let i = 0; i < 40; i++) cases.push({ op: 'justify_hours', a: iv() }, { op: 'justify_days', a: iv() }, { op: 'justify_interval', a: iv() });
for (const a of ['27 hours', '-27 hours', '1 mon -1 hour', '35 days', '-35 days', '1 mon -35 days', '-1 mon 35 days 25 hours', '0', '30 days', '24 hours', '-1 day 25 hours']) cases.push({ op: 'justify_hours', a }, { op: 'justify_days', a }, { op: 'justify_interval', a });
for (let i = 0; i < 60; i++) cases.push({ op: 'iv_cmp', a: iv(), b: rnd() < 0.2 ? '30 days' : iv() });
for (const [a, b] of [['1 mon', '30 days'], ['1 day', '24 hours'], ['1 year', '360 days'], ['1 year', '365 days'], ['-1 mon', '-30 days']]) cases.push({ op: 'iv_cmp', a, b });
for (let i = 0; i < 30; i++) cases.push({ op: 'date_plus_int', a: goodTs().slice(0, 10), b: String(int(-1000, 1000)) }, { op: 'date_minus_date', a: goodTs().slice(0, 10), b: goodTs().slice(0, 10) });

// Round 2 (11:40): DST-crossing arithmetic in more zones, timestamptz differences, date + interval.
const zones2 = ['Europe/London', 'Australia/Sydney', 'Asia/Tehran', 'America/Sao_Paulo', 'Pacific/Auckland'];
const dstTs = () => `${int(1970, 2037)}-${pad(pick([3, 4, 9, 10, 11]), 2)}-${pad(int(1, 28), 2)} ${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:00`;
for (const z of zones2) for (let i = 0; i < 20; i++) cases.push({ op: 'tstz_plus_iv', zone: z, a: dstTs(), b: pick(['1 day', '-1 day', '24 hours', '1 mon', '1 day 1 hour', '-1 mon -1 day', '7 days', '1 year']) }, { op: 'tstz_minus_iv', zone: z, a: dstTs(), b: iv() });
for (const z of ['UTC', ...zones2]) for (let i = 0; i < 8; i++) cases.push({ op: 'tstz_minus_tstz', zone: z, a: dstTs(), b: dstTs() }, { op: 'tstz_age', zone: z, a: dstTs(), b: dstTs() });
for (let i = 0; i < 40; i++) cases.push({ op: 'date_plus_iv', a: goodTs().slice(0, 10), b: iv() });
for (const [a, b] of [['2024-01-31', '1 mon'], ['2024-02-29', '1 year'], ['0001-01-01', '-1 day'], ['2024-03-31', '-1 mon 1 day']]) cases.push({ op: 'date_plus_iv', a, b });

const SQL = {
  ts_plus_iv: 'select ($1::timestamp + $2::interval)::text',
  ts_minus_iv: 'select ($1::timestamp - $2::interval)::text',
  tstz_plus_iv: 'select ($1::timestamptz + $2::interval)::text',
  ts_minus_ts: 'select ($1::timestamp - $2::timestamp)::text',
  age: 'select age($1::timestamp, $2::timestamp)::text',
  tstz_age: 'select age($1::timestamptz, $2::timestamptz)::text',
  justify_hours: 'select justify_hours($1::interval)::text',
  justify_days: 'select justify_days($1::interval)::text',
  justify_interval: 'select justify_interval($1::interval)::text',
  iv_cmp: 'select (case when $1::interval < $2::interval then -1 when $1::interval > $2::interval then 1 else 0 end)::text',
  date_plus_int: 'select ($1::date + $2::int)::text',
  date_minus_date: 'select ($1::date - $2::date)::text',
  tstz_minus_iv: 'select ($1::timestamptz - $2::interval)::text',
  tstz_minus_tstz: 'select ($1::timestamptz - $2::timestamptz)::text',
  date_plus_iv: 'select ($1::date + $2::interval)::text',
};

const { client, version } = await connectOracle("set datestyle = 'ISO, MDY'; set intervalstyle = 'postgres'");
await answerEach(client, cases, (c) => ({ text: SQL[c.op], values: c.b !== undefined ? [c.a, c.b] : [c.a] }),
  (c) => client.query(`select set_config('TimeZone', $1, false)`, [c.zone ?? 'UTC']));
await client.end();
writeFixtures(OUT, 'test/catalog/types/oracle/gen/gen-pg-datetime-oracle.mjs', version, { cases }, 'op');
console.log(`${cases.length} datetime cases → ${OUT.pathname}`);
