#!/usr/bin/env node
// Generates test/catalog/types/oracle/fixtures.json: what a real PostgreSQL 15 answers for
// text input → (text output, binary send bytes) or an error, for every type of the registry,
// under several DateStyle/TimeZone/IntervalStyle/extra_float_digits/bytea_output settings.
// The fixtures are committed; tests never need a running PostgreSQL.
//
// Usage: node test/catalog/types/oracle/gen/gen-pg-oracle.mjs [connection options as PG* env vars]
//   e.g. PGHOST=/tmp/pg15 PGPORT=55443 PGUSER=postgres node test/catalog/types/oracle/gen/gen-pg-oracle.mjs
// Random cases come from a fixed seed (SEED below), so reruns give the same file.
import { connectOracle, writeFixtures } from './pg-oracle-client.mjs';
import { CASES } from './pg-oracle-cases.mjs';

const OUT = new URL('../fixtures.json', import.meta.url);

const SEND = {
  16: 'boolsend', 17: 'byteasend', 18: 'charsend', 19: 'namesend', 20: 'int8send', 21: 'int2send',
  23: 'int4send', 25: 'textsend', 26: 'oidsend', 114: 'json_send', 700: 'float4send', 701: 'float8send',
  1042: 'bpcharsend', 1043: 'varcharsend', 1082: 'date_send', 1083: 'time_send', 1114: 'timestamp_send',
  1184: 'timestamptz_send', 1186: 'interval_send', 1700: 'numeric_send', 2950: 'uuid_send', 3802: 'jsonb_send',
};

const DEFAULTS = { DateStyle: 'ISO, MDY', TimeZone: 'UTC', IntervalStyle: 'postgres', extra_float_digits: '1', bytea_output: 'hex' };

async function main() {
  const { client, version } = await connectOracle();
  const raw = { getTypeParser: () => (v) => v };
  const groups = [];
  let count = 0;
  for (const group of CASES) {
    const settings = { ...DEFAULTS, ...(group.settings ?? {}) };
    for (const [k, v] of Object.entries(settings)) await client.query(`select set_config($1, $2, false)`, [k, v]);
    const out = [];
    groups.push({ settings, assign: group.assign === true, explicit: group.explicit === true, cases: out });
    for (const [type, input] of group.cases) {
      const rec = { type, input };
      count++;
      try {
        let r;
        if (group.assign) {
          // Assignment to a typed column: the input function with the column's typmod, and a
          // non-explicit length coercion (22001 instead of silent truncation).
          await client.query('drop table if exists oracle_t');
          await client.query(`create temp table oracle_t (x ${type})`);
          // The column's type and typmod, known even when the insert fails.
          const a = await client.query(`select atttypid::int as oid, atttypmod as typmod from pg_attribute where attrelid = 'oracle_t'::regclass and attname = 'x'`);
          rec.oid = a.rows[0].oid;
          rec.typmod = a.rows[0].typmod;
          r = await client.query({ text: `insert into oracle_t values ($1) returning x`, values: [input], types: raw });
        } else {
          if (group.explicit) {
            // Learn the type's typmod from a column even when the cast below fails.
            await client.query('drop table if exists oracle_t');
            await client.query(`create temp table oracle_t (x ${type})`);
            const a = await client.query(`select atttypid::int as oid, atttypmod as typmod from pg_attribute where attrelid = 'oracle_t'::regclass and attname = 'x'`);
            rec.oid = a.rows[0].oid;
            rec.typmod = a.rows[0].typmod;
          }
          r = await client.query({ text: `select $1::${type} as x`, values: [input], types: raw });
        }
        const f = r.fields[0];
        rec.oid = f.dataTypeID;
        rec.typmod = f.dataTypeModifier;
        rec.out = r.rows[0].x;
        const send = SEND[rec.oid];
        if (send === undefined) throw new Error(`no send function for oid ${rec.oid}`);
        // The send bytes of the very same value (for typmod cases, of the stored column value).
        const b = group.assign
          ? await client.query({ text: `select encode(${send}(x), 'hex') as b from oracle_t`, types: raw })
          : await client.query({ text: `select encode(${send}($1::${type}), 'hex') as b`, values: [input], types: raw });
        rec.bin = b.rows[0].b;
      } catch (e) {
        if (e.code === undefined) throw e;
        if (rec.oid === undefined) {
          const t = await client.query({ text: `select $1::regtype::oid as o`, values: [type.replace(/\(.*\)/, '')] }).catch(() => undefined);
          rec.oid = t ? Number(t.rows[0].o) : 0;
        }
        rec.error = { code: e.code, message: e.message };
        if (e.detail) rec.error.detail = e.detail;
        if (e.hint) rec.error.hint = e.hint;
      }
      out.push(rec);
    }
  }
  await client.end();
  writeFixtures(OUT, 'test/catalog/types/oracle/gen/gen-pg-oracle.mjs', version, { groups }, 'type');
  console.log(`${count} cases from PostgreSQL ${version} → ${OUT.pathname}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
