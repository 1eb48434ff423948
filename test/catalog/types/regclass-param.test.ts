// regclass bind parameters (catalog/types/regclass.ts PendingRegclass): the value the codecs
// decode a text or binary regclass parameter into, resolved with the session where the
// statement reads it (planner/funcs/pg-catalog-regclass.ts) as PostgreSQL's regclassin does at
// Bind: along the search_path (pg_catalog first), 42P01 for unknown names, 42602 for bad
// syntax, the binary form being the OID. Expected results recorded with node-postgres against
// PostgreSQL 15.20 (`$1::regclass` with a text parameter).
import { describe, expect, it } from 'vitest';
import { regclassParamFromBinary, regclassParamFromText, TypeOid } from '../../../catalog/index.js';
import { DbError } from '../../../catalog/index.js';
import { useClient, type Client } from '../../sql/harness.js';

async function errorOf(c: Client, sql: string, params: unknown[], oids: number[]): Promise<DbError> {
  try {
    await c.query(sql, params as never, oids);
  } catch (e) {
    if (e instanceof DbError) return e;
    throw e;
  }
  throw new Error(`expected an error from: ${sql}`);
}

const client = useClient(['create schema other', 'create table other.ot (x int)', 'create table pt (y int)']);
const REGCLASS = [TypeOid.regclass];
const text = (s: string) => [regclassParamFromText(TypeOid.regclass, s)];

describe('regclass bind parameters', () => {
  it('resolve a name along the search_path', async () => {
    expect((await client().query('select relname from pg_class where oid = $1::regclass', text('pt'), REGCLASS)).text).toEqual([['pt']]);
    expect((await client().query("select $1::regclass::oid = 'pt'::regclass::oid", text('pt'), REGCLASS)).text).toEqual([['t']]);
    expect((await client().query('select relname from pg_class where oid = $1::regclass', text('other.ot'), REGCLASS)).text).toEqual([['ot']]);
    expect((await client().query('select relname from pg_class where oid = $1::regclass', text('pg_class'), REGCLASS)).text).toEqual([['pg_class']]);
    expect((await client().query('select $1::regclass::text', text('PT'), REGCLASS)).text).toEqual([['pt']]);
  });

  it('raise regclassin errors', async () => {
    const e = await errorOf(client(), 'select relname from pg_class where oid = $1::regclass', text('ot'), REGCLASS);
    expect([e.code, e.message]).toEqual(['42P01', 'relation "ot" does not exist']);
    const s = await errorOf(client(), 'select $1::regclass::oid', text('a.'), REGCLASS);
    expect([s.code, s.message]).toEqual(['42602', 'invalid name syntax']);
  });

  it('take the binary form as the OID', async () => {
    const oid = Number((await client().query("select 'pt'::regclass::oid")).rows[0]![0]);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, oid);
    expect((await client().query('select $1::regclass::text, $1::regclass::oid', [regclassParamFromBinary(TypeOid.regclass, bytes)], REGCLASS)).text).toEqual([['pt', String(oid)]]);
    expect(() => regclassParamFromBinary(TypeOid.regclass, new Uint8Array(3))).toThrow('incorrect binary data format');
  });
});
