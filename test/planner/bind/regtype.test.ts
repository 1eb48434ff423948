// pg_typeof and the regtype type, against outputs recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';
import { TypeOid, regtypeIn, regtypeOut } from '../../../catalog/index.js';

const client = useClient(['CREATE TABLE t (arr int[], v varchar(3), c char(2))', "INSERT INTO t VALUES ('{1}', 'a', 'b')"]);

describe('pg_typeof', () => {
  it('names the bound type of its argument, unknown literals included', async () => {
    const r = await client().query("SELECT pg_typeof('123'), pg_typeof(null), pg_typeof(null::varchar), pg_typeof(-9223372036854775808), pg_typeof(round(null)), pg_typeof(array[array[1, 2]]), pg_typeof('a'::char(3))");
    expect(r.text).toEqual([['unknown', 'unknown', 'character varying', 'bigint', 'double precision', 'integer[]', 'character']]);
    expect(r.columns).toEqual(['pg_typeof', 'pg_typeof', 'pg_typeof', 'pg_typeof', 'pg_typeof', 'pg_typeof', 'pg_typeof']);
  });

  it('reads column types and is comparable with a regtype literal', async () => {
    const r = await client().query("SELECT pg_typeof(arr), pg_typeof(v), pg_typeof(c), pg_typeof(arr) = 'int4[]'::regtype, pg_typeof(v)::text || '!' FROM t");
    expect(r.text).toEqual([['integer[]', 'character varying', 'character', 't', 'character varying!']]);
  });

  it('evaluates its argument (errors surface)', async () => {
    expect((await client().error('SELECT pg_typeof(1/0)')).code).toBe('22012');
  });
});

describe('regtype', () => {
  it('casts between names, oids and integers as PostgreSQL 15', async () => {
    const r = await client().query(`SELECT 'integer[]'::regtype, ' int4 '::regtype, 'character varying(10)'::regtype, '"char"'::regtype, 'char'::regtype, 'pg_catalog.int8'::regtype, 'Int4'::regtype, 23::regtype, '99999'::regtype, 'int4'::regtype::oid`);
    expect(r.text).toEqual([['integer[]', 'integer', 'character varying', '"char"', 'character', 'bigint', 'integer', 'integer', '99999', '23']]);
  });

  it('rejects unknown names with 42704 and three-part names with 0A000', async () => {
    const e = await client().error("SELECT 'foo'::regtype");
    expect([e.code, e.message]).toEqual(['42704', 'type "foo" does not exist']);
    const q = await client().error(`SELECT '"Int4"'::regtype`);
    expect(q.message).toBe('type "Int4" does not exist');
    const x = await client().error("SELECT 'x.y.z'::regtype");
    expect([x.code, x.message]).toEqual(['0A000', 'cross-database references are not implemented: x.y.z']);
  });

  it('codec: out spells format_type without typmod, in reads SQL spellings', () => {
    expect(regtypeOut(TypeOid.bpchar)).toBe('character');
    expect(regtypeOut(TypeOid._bpchar)).toBe('character[]');
    expect(regtypeOut(TypeOid.timestamptz)).toBe('timestamp with time zone');
    expect(regtypeOut(4242)).toBe('4242');
    expect(regtypeIn('double precision')).toBe(TypeOid.float8);
    expect(regtypeIn('timestamp(3) with time zone')).toBe(TypeOid.timestamptz);
    expect(regtypeIn('int[][]')).toBe(TypeOid._int4);
    expect(regtypeIn('_text')).toBe(TypeOid._text);
  });
});
