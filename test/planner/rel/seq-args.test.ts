// nextval/currval/setval argument handling as PostgreSQL 15's regclass parameter: name syntax
// (stringToQualifiedNameList), integer arguments as relation OIDs, other types 42883 (expected
// values recorded with psql against PostgreSQL 15.20).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient(['create sequence seq', 'create table t (a int)']);

async function err(sql: string): Promise<[string, string]> {
  const e = await client().error(sql);
  return [e.code, e.message];
}

describe('sequence function arguments', () => {
  it('reject malformed names with 42602 / 42601', async () => {
    expect(await err(`select nextval('"a"."seq')`)).toEqual(['42602', 'invalid name syntax']);
    expect(await err(`select nextval('"a"b')`)).toEqual(['42602', 'invalid name syntax']);
    expect(await err(`select nextval('')`)).toEqual(['42602', 'invalid name syntax']);
    expect(await err(`select nextval('a.b.c.d')`)).toEqual(['42601', 'improper relation name (too many dotted names): a.b.c.d']);
  });
  it('accept quoted, schema-qualified and text-typed names', async () => {
    expect((await client().query(`select nextval('"seq"'), nextval(' public . seq '), nextval('SEQ'::text), nextval('seq'::varchar)`)).text).toEqual([['1', '2', '3', '4']]);
  });
  it('read an integer as a relation OID', async () => {
    expect(await err('select nextval(1 + 1)')).toEqual(['XX000', 'could not open relation with OID 2']);
    expect(await err('select currval(1::smallint)')).toEqual(['XX000', 'could not open relation with OID 1']);
    expect((await client().query(`select nextval('seq'::regclass)`)).text).toEqual([['5']]);
    expect((await client().query(`select nextval('seq'::regclass::oid::int)`)).text).toEqual([['6']]);
  });
  it('have no overload for other argument types', async () => {
    const e = await client().error('select currval(true)');
    expect([e.code, e.message, e.fields.hint]).toEqual(['42883', 'function currval(boolean) does not exist', 'No function matches the given name and argument types. You might need to add explicit type casts.']);
    expect(await err('select nextval(1.5)')).toEqual(['42883', 'function nextval(numeric) does not exist']);
    expect(await err(`select setval('seq', true)`)).toEqual(['42883', 'function setval(unknown, boolean) does not exist']);
  });
  it('null is null', async () => {
    expect((await client().query('select nextval(NULL)')).text).toEqual([[null]]);
  });
});
