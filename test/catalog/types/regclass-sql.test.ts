// regclass through the server (regclassin/regclassout need the session's catalog and
// search_path): each query's text result and error as PostgreSQL 15 gave them for the same DDL
// (recorded with psql 15 -A -t -F'|' against a fresh PostgreSQL 15 database).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from '../../e2e/server.js';

const DDL = [
  'create table p (id int primary key)',
  'create table t (id int primary key)',
  'create schema other',
  'create table other.hidden (k int)',
  'create table "Mixed" (a int)',
  'create view vv as select 1 as x',
  'create temp table tt (a int)',
];

/** [query, PostgreSQL 15's rows joined by "|" and "\n", or "ERROR <sqlstate> <message>"]. */
const CASES: [string, string][] = [
  [`select 't'::regclass, 'other.hidden'::regclass, '"Mixed"'::regclass, 'pg_catalog.pg_class'::regclass, '-'::regclass, '0'::regclass::oid, 'T'::text::regclass, 'pg_class'::regclass::int4, 'pg_class'::regclass::int8, 'pg_class'::regclass = 1259, 1259::int8::regclass, 'pg_class'::regclass::text, ('t'::regclass)::oid = (select oid from pg_class where relname='t')`,
    't|other.hidden|"Mixed"|pg_class|-|0|t|1259|1259|t|pg_class|pg_class|t'],
  [`select c.oid::regclass from pg_class c where relname in ('t','p','hidden','Mixed') order by 1 desc`, '"Mixed"\nother.hidden\nt\np'],
  [`select 'pg_class'::regclass = 'pg_class'::regclass, 1259 = 'pg_class'::regclass, 'pg_class'::regclass in (1259::regclass), 99999::regclass, pg_typeof('t'::regclass)`, 't|t|t|99999|regclass'],
  // pg_relation_is_publishable(regclass): permanent ordinary tables outside the system only; NULL for no relation.
  [`select pg_relation_is_publishable('t'), pg_relation_is_publishable('pg_class'), pg_relation_is_publishable('vv'), pg_relation_is_publishable('tt'), pg_relation_is_publishable(99999), pg_relation_is_publishable('t'::regclass::oid::int4), pg_relation_is_publishable('t_pkey')`,
    't|f|f|f||t|f'],
  [`select '1X.ÄB'::regclass`, 'ERROR 3F000 schema "1x" does not exist'],
  // regnamespace: one schema name or a number; prints the quoted name, a number when unknown.
  [`select 'other'::regnamespace, 'public'::regnamespace::oid, 2200::regnamespace, 11::oid::regnamespace, 0::regnamespace, 99999::regnamespace, 'pg_catalog'::regnamespace::text, relnamespace::regnamespace from pg_class where relname = 'hidden'`,
    'other|2200|public|pg_catalog|-|99999|pg_catalog|other'],
  [`select 'nope'::regnamespace`, 'ERROR 3F000 schema "nope" does not exist'],
  [`select 'a.b'::regnamespace`, 'ERROR 42602 invalid name syntax'],
  [`select 'nope'::regclass`, 'ERROR 42P01 relation "nope" does not exist'],
  [`select 'public.nope'::regclass`, 'ERROR 42P01 relation "public.nope" does not exist'],
  [`select 'x.nope'::regclass`, 'ERROR 3F000 schema "x" does not exist'],
  [`select 'a b'::regclass`, 'ERROR 42602 invalid name syntax'],
  [`select 'x.y.z.w'::regclass`, 'ERROR 42601 improper relation name (too many dotted names): x.y.z.w'],
  [`select 'db.y.z'::regclass`, 'ERROR 0A000 cross-database references are not implemented: "db.y.z"'],
];

describe('regclass over the wire', () => {
  let srv: RunningServer;
  let c: pg.Client;
  const run = async (text: string): Promise<string> => {
    try {
      const r = await c.query({ text, rowMode: 'array' });
      return (r.rows as unknown[][]).map((row) => row.join('|')).join('\n');
    } catch (e) {
      const x = e as { code?: string; message: string };
      return `ERROR ${x.code} ${x.message}`;
    }
  };

  beforeAll(async () => {
    srv = await startServer();
    c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'postgres', database: 'postgres', types: { getTypeParser: () => (v: string) => v } });
    await c.connect();
    for (const d of DDL) await c.query(d);
  });
  afterAll(async () => {
    await c?.end();
    await srv?.stop();
  });

  for (const [query, want] of CASES) {
    it(query, async () => {
      expect(await run(query)).toBe(want);
    });
  }

  it('points a literal\'s error at the literal; a computed name\'s error has no position (as PostgreSQL)', async () => {
    const pos = async (text: string): Promise<string | undefined> => {
      try { await c.query(text); return 'no error'; } catch (e) { return (e as { position?: string }).position; }
    };
    expect(await pos(`select 1, 'nope'::regclass`)).toBe('11');
    expect(await pos(`select 1, 'x.y'::regnamespace`)).toBe('11');
    expect(await pos(`select 'nope'::text::regclass`)).toBeUndefined();
  });

  it('prints a relation qualified only when it is not visible on the search_path', async () => {
    await c.query('set search_path = other');
    try {
      expect(await run(`select 'hidden'::regclass, 'public.t'::regclass`)).toBe('hidden|public.t');
    } finally {
      await c.query('reset search_path');
    }
  });
});
