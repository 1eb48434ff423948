// Qualified column references as PostgreSQL 15 resolves them (refnameNamespaceItem,
// errorMissingRTE): schema-qualified names reach only unaliased tables of that schema,
// two entries with one refname are 42P09, and a qualifier that could mean an entry is
// "invalid reference" with PostgreSQL's hint (recorded with psql against PostgreSQL 15.20).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient([
  'create schema test', 'create table test.t (v int)', 'insert into test.t values (1)',
  'create schema s1', 'create schema s2', 'create table s1.a (x int)', 'create table s2.a (x int)',
  'create table s1.tbl (i int)', 'create table s2.tbl (i int)',
  'create schema s', 'create table s.tbl (col int)',
]);

async function err(sql: string): Promise<[string, string, string | undefined]> {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.hint];
}
const THERE = (t: string): string => `There is an entry for table "${t}", but it cannot be referenced from this part of the query.`;

describe('qualified column references', () => {
  it('with a schema reach only an unaliased table of that schema', async () => {
    expect(await err('SELECT ss.t.v FROM test.t AS tt')).toEqual(['42P01', 'missing FROM-clause entry for table "t"', undefined]);
    expect(await err('SELECT s.tt.v FROM test.t AS tt')).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "tt"', THERE('tt')]);
    expect(await err('SELECT test.tt.v FROM test.t AS tt')).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "tt"', THERE('tt')]);
    expect(await err('SELECT s2.tbl.i FROM s1.tbl')).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "tbl"', THERE('tbl')]);
    expect(await err('SELECT s.t.col FROM s.tbl t')).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "t"', THERE('t')]);
    expect((await client().query('select test.t.v from test.t')).text).toEqual([['1']]);
    expect((await client().query('select s1.a.x from s1.a, s2.a')).text).toEqual([]);
  });
  it('by a refname two entries share are 42P09', async () => {
    expect(await err('select a.x from s1.a, s2.a')).toEqual(['42P09', 'table reference "a" is ambiguous', undefined]);
    expect(await err('select * from s1.a, s2.a where a.x = 1')).toEqual(['42P09', 'table reference "a" is ambiguous', undefined]);
    expect(await err('select a.* from s1.a, s2.a')).toEqual(['42P09', 'table reference "a" is ambiguous', undefined]);
  });
  it('by the name of an aliased table hint at the alias', async () => {
    await client().query('create table pt (v int)');
    const ALIAS = (a: string): string => `Perhaps you meant to reference the table alias "${a}".`;
    expect(await err('SELECT test.t.v FROM test.t AS tt')).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "t"', ALIAS('tt')]);
    expect(await err('select x from s1.a AS a1 join s2.a AS a2 on s1.a.x = s2.a.x')).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "a"', ALIAS('a1')]);
    expect(await err('SELECT s1.tbl.i FROM s1.tbl AS q, s2.tbl')).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "tbl"', ALIAS('q')]);
    expect(await err('SELECT pt.v FROM pt AS x')).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "pt"', 'Perhaps you meant to reference the table alias "x".']);
  });
});
