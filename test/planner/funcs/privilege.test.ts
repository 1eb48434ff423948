// has_table_privilege / has_schema_privilege / has_function_privilege (object and role by name or
// by OID); PostgreSQL 15.20's answers for a superuser, whose every privilege Pyralog's sessions have.
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

  it('take the object by OID: regclass and integers, NULL for an OID that names nothing, privileges checked first', async () => {
    expect((await client().query("SELECT has_table_privilege('bar'::regclass, 'SELECT'), has_table_privilege(12345678::oid, 'SELECT'), has_table_privilege(12345678, 'SELECT'), has_schema_privilege(2200::oid, 'USAGE'), has_schema_privilege(1::oid, 'USAGE')")).text)
      .toEqual([['t', null, null, 't', null]]);
    expect(await err("SELECT has_table_privilege('bar'::regclass, 'FOO')")).toEqual(['22023', 'unrecognized privilege type: "FOO"']);
    expect(await err("SELECT has_table_privilege(12345678::oid, 'FOO')")).toEqual(['22023', 'unrecognized privilege type: "FOO"']);
  });

  it('check a named role first (42704), answer for the superuser and false for a role OID that names no role', async () => {
    expect((await client().query("SELECT has_table_privilege('postgres', 'bar', 'SELECT'), has_table_privilege(10::oid, 'bar', 'SELECT'), has_table_privilege(999::oid, 'bar', 'SELECT'), has_schema_privilege('postgres', 'public', 'USAGE'), has_function_privilege('postgres', 'upper(text)', 'EXECUTE')")).text)
      .toEqual([['t', 't', 'f', 't', 't']]);
    expect(await err("SELECT has_table_privilege('nobody', 'nobar', 'FOO')")).toEqual(['42704', 'role "nobody" does not exist']);
    expect(await err("SELECT has_table_privilege('nobody'::name, 'bar'::regclass, 'SELECT')")).toEqual(['42704', 'role "nobody" does not exist']);
    expect(await err("SELECT has_schema_privilege('nobody', 'public', 'USAGE')")).toEqual(['42704', 'role "nobody" does not exist']);
    expect(await err("SELECT has_function_privilege('test_user', 'invalid_func()', 'EXECUTE')")).toEqual(['42704', 'role "test_user" does not exist']);
    // PUBLIC's and the predefined roles' privileges are PostgreSQL's ACL defaults, not modeled here.
    expect((await err("SELECT has_table_privilege('public', 'bar', 'SELECT')"))[0]).toBe('0A000');
  });

  it('read a function signature as regprocedurein does', async () => {
    expect((await client().query("SELECT has_function_privilege('now()', 'EXECUTE'), has_function_privilege('lower(text)', 'execute'), has_function_privilege('pg_catalog.lower(text)', 'execute'), has_function_privilege(' lower ( text ) ', 'execute')")).text)
      .toEqual([['t', 't', 't', 't']]);
    expect(await err("SELECT has_function_privilege('invalid_func()', 'EXECUTE')")).toEqual(['42883', 'function "invalid_func()" does not exist']);
    expect(await err("SELECT has_function_privilege('lower(int)', 'execute')")).toEqual(['42883', 'function "lower(int)" does not exist']);
    expect(await err("SELECT has_function_privilege('now', 'EXECUTE')")).toEqual(['22P02', 'expected a left parenthesis']);
    expect(await err("SELECT has_function_privilege('lower(text', 'execute')")).toEqual(['22P02', 'expected a right parenthesis']);
    expect(await err("SELECT has_function_privilege('lower(nosuchtype)', 'execute')")).toEqual(['42704', 'type "nosuchtype" does not exist']);
    expect(await err("SELECT has_function_privilege('nosch.lower(text)', 'execute')")).toEqual(['3F000', 'schema "nosch" does not exist']);
    expect(await err("SELECT has_function_privilege('lower(text)', 'select')")).toEqual(['22023', 'unrecognized privilege type: "select"']);
  });
});
