#!/usr/bin/env node
// Generates test/catalog/types/oracle/binary-fixtures.json: how PostgreSQL 15's recv functions
// answer binary parameters (Bind with format 1) — the value's text output, or the error
// (22P03 incorrect binary data format, range errors, ...). Valid and malformed inputs.
// Usage: PGHOST=/tmp/pg15 PGPORT=55443 PGUSER=postgres node test/catalog/types/oracle/gen/gen-pg-binary-oracle.mjs
import { connectOracle, writeFixtures } from './pg-oracle-client.mjs';

const OUT = new URL('../binary-fixtures.json', import.meta.url);
const h = (s) => s.replace(/\s+/g, '');
const CASES = [
  ['int4', '00000001'], ['int4', 'ffffffff'], ['int4', '000001'], ['int4', '0000000001'], ['int4', ''],
  ['int2', '7fff'], ['int2', '00000001'], ['int8', '8000000000000000'], ['int8', '00000001'], ['oid', 'ffffffff'], ['oid', '00'],
  ['bool', '01'], ['bool', '00'], ['bool', '02'], ['bool', 'ff'], ['bool', '0101'], ['bool', ''],
  ['float4', '3fc00000'], ['float4', '7fc00000'], ['float4', 'ff800000'], ['float4', '3ff8000000000000'], ['float8', '3ff8000000000000'], ['float8', '7ff8000000000001'], ['float8', '8000000000000000'], ['float8', '3fc00000'],
  ['text', '68c3a9'], ['text', 'ff'], ['text', '6100'], ['text', ''], ['text', 'c328'], ['text', 'e282'], ['varchar', '616263'], ['bpchar', '61202020'], ['name', '61'], ['"char"', '41'], ['"char"', ''], ['"char"', '4142'],
  ['bytea', ''], ['bytea', '00ff'], ['uuid', 'a0eebc999c0b4ef8bb6d6bb9bd380a11'], ['uuid', 'a0eebc999c0b4ef8bb6d6bb9bd380a'], ['uuid', 'a0eebc999c0b4ef8bb6d6bb9bd380a1100'],
  ['json', '7b7d'], ['json', '7b'], ['jsonb', '017b22612220313d'], ['jsonb', '017b2262223a312c2261223a327d'], ['jsonb', '027b7d'], ['jsonb', '01'], ['jsonb', ''], ['jsonb', '017b'],
  ['date', '00000000'], ['date', '7fffffff'], ['date', '80000000'], ['date', 'ffffd8e0'], ['date', '7ffffff0'], ['date', '000000'],
  ['time', '0000000000000000'], ['time', '000000141dd76000'], ['time', '000000141dd76001'], ['time', 'ffffffffffffffff'], ['time', '00000000'],
  ['timestamp', '0000000000000000'], ['timestamp', '7fffffffffffffff'], ['timestamp', '8000000000000000'], ['timestamp', '7ffffffffffffffe'], ['timestamp', 'fd0cf5d1c5c66000'], ['timestamp', '000000'],
  ['timestamptz', '0000000000000000'], ['timestamptz', '7fffffffffffffff'], ['timestamptz', '7ffffffffffffffe'],
  ['interval', h('00000000000f4240 00000002 00000003')], ['interval', h('ffffffffff0bdc00 ffffffff 00000000')], ['interval', h('0000000000000000 00000000')], ['interval', h('7fffffffffffffff 7fffffff 7fffffff')],
  ['numeric', h('0000 0000 0000 0000')], ['numeric', h('0001 0000 0000 0000 0001')], ['numeric', h('0002 0000 4000 0002 0001 1388')], ['numeric', h('0000 0000 c000 0000')], ['numeric', h('0000 0000 d000 0000')], ['numeric', h('0000 0000 f000 0000')],
  ['numeric', h('0001 0000 1234 0000 0001')], ['numeric', h('0001 0000 0000 0000 2710')], ['numeric', h('0001 0000 0000 0000 ffff')], ['numeric', h('0002 0000 0000 0000 0001')], ['numeric', h('0001 0000 0000 4000 0001')],
  ['numeric', h('0001 fffe 0000 0008 0001')], ['numeric', h('0001 0001 0000 0000 0001')], ['numeric', h('0000 0000 0000 0002')], ['numeric', h('0001 0000 0000 0000 0001 00')], ['numeric', h('0001 0000 c000 0000 0001')],
  ['numeric', h('0003 0000 0000 0004 0001 0000 0000')], ['numeric', h('0001 0000 0000 0003 0001')], ['numeric', h('0002 ffff 0000 0006 0032 1388')],
];

const { client, version } = await connectOracle("set extra_float_digits = 1; set timezone = 'UTC'; set datestyle = 'ISO, MDY'; set intervalstyle = 'postgres'");
const raw = { getTypeParser: () => (v) => v };
const out = [];
for (const [type, hex] of CASES) {
  const rec = { type, hex };
  try {
    // A Buffer parameter is sent in binary format; its type comes from the cast.
    const r = await client.query({ text: `select $1::${type} as x`, values: [Buffer.from(hex, 'hex')], types: raw });
    rec.oid = r.fields[0].dataTypeID;
    rec.out = r.rows[0].x;
  } catch (e) {
    if (e.code === undefined) throw e;
    rec.oid = Number((await client.query(`select $1::regtype::oid as o`, [type])).rows[0].o);
    rec.error = { code: e.code, message: e.message };
    if (e.detail) rec.error.detail = e.detail;
  }
  out.push(rec);
}
await client.end();
writeFixtures(OUT, 'test/catalog/types/oracle/gen/gen-pg-binary-oracle.mjs', version, { cases: out }, 'type');
console.log(`${out.length} binary cases → ${OUT.pathname}`);
