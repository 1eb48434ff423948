#!/usr/bin/env node
// Generates test/catalog/types/oracle/now-fixtures.json: the clock-dependent special inputs
// ('now', 'today', 'tomorrow', 'yesterday', 'allballs', combinations with times and zones) as
// PostgreSQL 15 resolves them inside one transaction, together with that transaction's now()
// in microseconds since 2000-01-01 UTC — the `nowMicros` the codecs take.
// Usage: PGHOST=/tmp/pg15 PGPORT=55443 PGUSER=postgres node test/catalog/types/oracle/gen/gen-pg-now-oracle.mjs
import pg from 'pg';
import { writeFileSync } from 'node:fs';

const OUT = new URL('../now-fixtures.json', import.meta.url);
const INPUTS = ['now', 'today', 'tomorrow', 'yesterday', 'today 12:00', 'tomorrow 23:59:59.5', 'yesterday allballs', 'now UTC', 'today America/New_York', 'today +05', ' NOW ', 'Today', 'now 12:00', 'epoch'];
const TYPES = ['timestamptz', 'timestamp', 'date', 'time'];
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];

const client = new pg.Client({ host: process.env.PGHOST ?? '/tmp/pg15', port: Number(process.env.PGPORT ?? 55443), user: process.env.PGUSER ?? 'postgres', database: 'postgres' });
await client.connect();
const version = (await client.query('show server_version')).rows[0].server_version;
const raw = { getTypeParser: () => (v) => v };
const groups = [];
for (const zone of ZONES) {
  await client.query('begin');
  await client.query(`select set_config('TimeZone', $1, true)`, [zone]);
  await client.query(`set local datestyle = 'ISO, MDY'`);
  // now() as integer microseconds since 2000-01-01 UTC.
  const nowMicros = (await client.query(`select ((extract(epoch from now()) - 946684800) * 1000000)::bigint::text as n`)).rows[0].n;
  const cases = [];
  for (const type of TYPES) {
    for (const input of INPUTS) {
      await client.query('savepoint s');
      try {
        const r = await client.query({ text: `select $1::${type} as x`, values: [input], types: raw });
        cases.push({ type, oid: r.fields[0].dataTypeID, input, out: r.rows[0].x });
        await client.query('release savepoint s');
      } catch (e) {
        if (e.code === undefined) throw e;
        await client.query('rollback to savepoint s');
        const oid = Number((await client.query(`select $1::regtype::oid as o`, [type])).rows[0].o);
        cases.push({ type, oid, input, error: { code: e.code, message: e.message } });
      }
    }
  }
  await client.query('commit');
  groups.push({ zone, nowMicros, cases });
}
await client.end();
writeFileSync(OUT, JSON.stringify({ generatedBy: 'test/catalog/types/oracle/gen/gen-pg-now-oracle.mjs', serverVersion: version, groups }).replace(/\},\{"type"/g, '},\n{"type"') + '\n');
console.log(`${groups.reduce((n, g) => n + g.cases.length, 0)} clock cases → ${OUT.pathname}`);
