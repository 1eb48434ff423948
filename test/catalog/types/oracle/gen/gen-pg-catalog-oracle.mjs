#!/usr/bin/env node
// Generates test/catalog/types/oracle/catalog-fixtures.json from a real PostgreSQL 15:
//  - pg_type rows of every type the registry knows (and their array types);
//  - type spellings: libpg-query's TypeName.names for `NULL::<spelling>` and what PostgreSQL
//    resolves the spelling to (oid, typmod, format_type) or its error;
//  - format_type(oid, typmod) for typical typmods;
//  - ORDER BY results per type (text types with COLLATE "C"), for compareValues.
// Usage: PGHOST=/tmp/pg15 PGPORT=55443 PGUSER=postgres node test/catalog/types/oracle/gen/gen-pg-catalog-oracle.mjs
import { connectOracle } from './pg-oracle-client.mjs';
import { writeFileSync } from 'node:fs';
import { loadModule, parseSync } from 'libpg-query';

const OUT = new URL('../catalog-fixtures.json', import.meta.url);
const OIDS = [16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 705, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 2278, 2950, 3802];
const SPELLINGS = ['int', 'integer', 'int4', 'smallint', 'int2', 'bigint', 'int8', 'real', 'float4', 'float', 'float(24)', 'float(25)', 'double precision', 'float8', 'decimal', 'numeric', 'numeric(10,2)', 'decimal(5)', 'dec',
  'boolean', 'bool', 'text', 'varchar', 'varchar(10)', 'character varying', 'character varying(5)', 'char', 'char(3)', 'character', 'character(2)', 'bpchar', '"char"', 'name', 'bytea', 'oid', 'json', 'jsonb', 'uuid',
  'date', 'time', 'time(3)', 'time without time zone', 'timestamp', 'timestamp(0)', 'timestamp without time zone', 'timestamp with time zone', 'timestamptz', 'timestamptz(3)', 'interval', 'interval(2)', 'void', 'unknown',
  'int[]', 'integer[]', 'text[]', 'varchar(3)[]', '_int4', 'pg_catalog.int4', 'pg_catalog.text', 'public.text', 'INT', 'Integer', '"INT4"', '"int4"', 'nosuchtype', 'pg_catalog.nosuch', 'x.y.z'];
const FORMATS = [[1043, 7], [1042, 5], [1700, (10 << 16 | 2) + 4], [1700, (5 << 16 | 0) + 4], [1700, ((3 << 16) | (2048 - 2)) + 4], [1083, 3], [1114, 0], [1184, 6], [1186, 2147418114], [1186, 2147483647], [1186, -1], [1043, -1], [1007, -1], [1015, 7], [1231, (10 << 16 | 2) + 4], [18, -1], [1042, -1], [701, -1], [2950, -1]];
const SORTS = [
  ['int4', ['5', '-3', '2147483647', '-2147483648', '0']],
  ['int8', ['5', '-3', '9223372036854775807', '-9223372036854775808', '0']],
  ['float8', ['NaN', '1', '-Infinity', 'Infinity', '-0', '0', '-1.5', '1e-300', 'nan']],
  ['float4', ['NaN', '1', '-Infinity', 'Infinity', '0', '-1.5']],
  ['numeric', ['NaN', '1.50', '1.5', '-Infinity', 'Infinity', '0', '-1.5', '100', '99.999', '1e-20', '0.000', '-0', '1e2', 'nan']],
  ['text', ['b', 'a', 'B', 'ab', '', 'é', 'z', 'Z', ' a', '😀', 'ｚ']],
  ['varchar', ['b', 'a', 'B', 'ab', '', 'é']],
  ['bpchar', ['b ', 'a', 'ab', 'a  ', '', '  ']],
  ['bytea', ['\\x', '\\x00', '\\xff', '\\x0001', '\\x01']],
  ['bool', ['true', 'false']],
  ['date', ['infinity', '2024-01-01', '-infinity', '0001-01-01 BC', '1999-12-31']],
  ['timestamp', ['infinity', '2024-01-01 00:00:00.000001', '2024-01-01', '-infinity', '1000-01-01 BC']],
  ['timestamptz', ['2024-01-01 00:00:00+01', '2024-01-01 00:00:00+00', '2023-12-31 23:30:00-00', 'infinity', '2023-12-31 23:00:00+00']],
  ['time', ['24:00:00', '00:00:00', '12:00:00', '23:59:59.999999']],
  ['interval', ['1 mon', '30 days', '29 days 23:59:59', '-1 year', '1 day', '25 hours', '0', '24 hours', '720 hours', '-360 days', '0.5 mons']],
  ['uuid', ['ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000000', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A10']],
  ['oid', ['4294967295', '0', '2147483648', '1']],
  ['"char"', ['b', 'a', '\\377', '']],
  ['name', ['b', 'a', 'B', 'é']],
  ['jsonb', ['{}', '[]', 'null', 'true', 'false', '1', '"a"', '{"a":1}', '[1]', '2', '"b"', '{"a":1,"b":2}', '[1,2]', '{"b":1}']],
];
const COLLATABLE = new Set(['text', 'varchar', 'bpchar', 'name']);

await loadModule();
const { client, version } = await connectOracle();
const raw = { getTypeParser: () => (v) => v };

const types = (await client.query(`select oid::int, typname::text, typlen::int, typbyval, typcategory::text, typispreferred, typalign::text, typarray::int, typelem::int
  from pg_type where oid = any($1) or typarray = any($1) or (typelem = any($1) and typcategory = 'A') order by oid`, [OIDS])).rows;

const spellings = [];
for (const s of SPELLINGS) {
  const rec = { spelling: s };
  try {
    const tn = parseSync(`select null::${s}`).stmts[0].stmt.SelectStmt.targetList[0].ResTarget.val.TypeCast.typeName;
    rec.names = tn.names.map((n) => n.String.sval);
    rec.array = tn.arrayBounds !== undefined;
  } catch (e) { rec.parseError = String(e.message); }
  try {
    await client.query('drop table if exists oracle_spell');
    await client.query(`create temp table oracle_spell (x ${s})`);
    const q = await client.query(`select atttypid::int as oid, atttypmod as typmod, format_type(atttypid, atttypmod) as formatted from pg_attribute where attrelid = 'oracle_spell'::regclass and attname = 'x'`);
    Object.assign(rec, q.rows[0]);
  } catch (e) {
    // Pseudo-types (void, unknown) cannot be column types; resolve them through a cast instead.
    const p = await client.query(`select pg_typeof(null::${s})::oid::int as oid`).catch(() => undefined);
    if (e.code === '42P16' && p) Object.assign(rec, { oid: p.rows[0].oid, typmod: -1, formatted: s });
    else rec.error = { code: e.code, message: e.message };
  }
  spellings.push(rec);
}

const formats = [];
for (const [oid, typmod] of FORMATS) {
  formats.push({ oid, typmod, formatted: (await client.query('select format_type($1, $2) as f', [oid, typmod])).rows[0].f });
}

const sorts = [];
for (const [type, values] of SORTS) {
  const coll = COLLATABLE.has(type) ? ' collate "C"' : '';
  const r = await client.query({ text: `select x from unnest($1::${type}[]) x order by x${coll}`, values: [values.map((v) => v)], types: raw, rowMode: 'array' }).catch((e) => { throw new Error(`${type}: ${e.message}`); });
  const oid = (await client.query(`select $1::regtype::oid::int as o`, [type])).rows[0].o;
  // PostgreSQL's equality over every pair (what GROUP BY / hash joins must agree with).
  const eq = await client.query({ text: `select a.o as i, b.o as j, (a.x = b.x${coll}) as e from unnest($1::${type}[]) with ordinality a(x, o), unnest($1::${type}[]) with ordinality b(x, o) order by 1, 2`, values: [values], rowMode: 'array' });
  const equal = eq.rows.filter((x) => x[2] === true && Number(x[0]) < Number(x[1])).map((x) => [Number(x[0]) - 1, Number(x[1]) - 1]);
  sorts.push({ type, oid, values, sorted: r.rows.map((x) => x[0]), equal });
}
await client.end();
writeFileSync(OUT, JSON.stringify({ generatedBy: 'test/catalog/types/oracle/gen/gen-pg-catalog-oracle.mjs', serverVersion: version, types, spellings, formats, sorts }, null, 1) + '\n');
console.log(`${types.length} types, ${spellings.length} spellings, ${formats.length} formats, ${sorts.length} sorts → ${OUT.pathname}`);
