// has_table_privilege / has_schema_privilege (two-argument forms); PostgreSQL 15.20's answers
// for a superuser, whose every privilege Pyralog's sessions have.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient(['CREATE TABLE bar (i int)']);
const err = async (sql: string): Promise<[string, string]> => {
  const e = await client().error(sql);
  return [e.code, e.message];
};

describe('privilege inquiry functions', () => {
  it('answer true for existing objects and valid privilege lists', async () => {
    expect((await client().query("SELECT has_table_privilege('bar', 'INSERT'), has_table_privilege('public.bar', 'select, update'), has_table_privilege('Bar', 'SELECT WITH GRANT OPTION'), has_schema_privilege('public', 'USAGE'), has_schema_privilege('public', 'create,usage'), has_table_privilege(NULL, 'SELECT')")).text)
      .toEqual([['t', 't', 't', 't', 't', null]]);
  });

  it('check the object first, then the privileges', async () => {
    expect(await err("SELECT has_table_privilege('nope', 'FOO')")).toEqual(['42P01', 'relation "nope" does not exist']);
    expect(await err("SELECT has_table_privilege('bar', 'FOO')")).toEqual(['22023', 'unrecognized privilege type: "FOO"']);
    expect(await err("SELECT has_table_privilege('nos.bar', 'SELECT')")).toEqual(['3F000', 'schema "nos" does not exist']);
    expect(await err("SELECT has_table_privilege('x.y.z', 'SELECT')")).toEqual(['0A000', 'cross-database references are not implemented: "x.y.z"']);
    expect(await err("SELECT has_schema_privilege('nope', 'USAGE')")).toEqual(['3F000', 'schema "nope" does not exist']);
    expect(await err("SELECT has_schema_privilege('public', 'SELECT')")).toEqual(['22023', 'unrecognized privilege type: "SELECT"']);
  });
});
