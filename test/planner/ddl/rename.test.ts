// RENAME of relations, columns and schemas, ALTER on views/sequences/indexes, and PREPAREd
// statements replanned after DDL; messages recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient([
  'CREATE TABLE t (a int, b int CHECK (b > 0))', 'INSERT INTO t VALUES (1, 1), (2, 2)',
  'CREATE VIEW v AS SELECT a FROM t', 'CREATE SEQUENCE s', 'CREATE INDEX i ON t (a)',
]);

async function errorOf(sql: string): Promise<[string, string, string | undefined]> {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.detail];
}

describe('ALTER … RENAME TO', () => {
  it('ALTER VIEW renames a view, in a transaction that can roll back', async () => {
    await client().query('BEGIN');
    expect((await client().query('ALTER VIEW v RENAME TO v2')).tag).toBe('ALTER VIEW');
    expect((await client().query('SELECT a FROM v2 ORDER BY a')).text).toEqual([['1'], ['2']]);
    await client().query('ROLLBACK');
    expect((await client().query('SELECT a FROM v ORDER BY a')).text).toEqual([['1'], ['2']]);
    expect(await errorOf('SELECT * FROM v2')).toEqual(['42P01', 'relation "v2" does not exist', undefined]);
  });

  it('insists on the kind its keyword names; ALTER TABLE renames any relation', async () => {
    expect(await errorOf('ALTER VIEW t RENAME TO t2')).toEqual(['42809', '"t" is not a view', undefined]);
    expect(await errorOf('ALTER SEQUENCE t RENAME TO t2')).toEqual(['42809', '"t" is not a sequence', undefined]);
    expect(await errorOf('ALTER VIEW nope RENAME TO x')).toEqual(['42P01', 'relation "nope" does not exist', undefined]);
    expect(await errorOf('ALTER VIEW v RENAME TO t')).toEqual(['42P07', 'relation "t" already exists', undefined]);
    expect((await client().query('ALTER VIEW IF EXISTS nope RENAME TO x')).tag).toBe('ALTER VIEW');
    expect((await client().query('ALTER TABLE v RENAME TO v3')).tag).toBe('ALTER TABLE');
    expect((await client().query('SELECT count(*) FROM v3')).text).toEqual([['2']]);
    await client().query('ALTER TABLE v3 RENAME TO v');
  });

  it('a renamed serial table still drops its sequence', async () => {
    await client().query('CREATE TABLE ser (id serial, x int)');
    await client().query('ALTER TABLE ser RENAME TO ser2');
    expect((await client().query('INSERT INTO ser2 (x) VALUES (5) RETURNING id')).text).toEqual([['1']]);
    await client().query('DROP TABLE ser2');
    expect((await client().query('CREATE SEQUENCE ser_id_seq')).tag).toBe('CREATE SEQUENCE');
    await client().query('DROP SEQUENCE ser_id_seq');
  });
});

describe('ALTER actions a relation kind refuses', () => {
  it('names the action and the kind (42809 with DETAIL)', async () => {
    expect(await errorOf('ALTER VIEW v ADD COLUMN x int')).toEqual(['42809', 'ALTER action ADD COLUMN cannot be performed on relation "v"', 'This operation is not supported for views.']);
    expect(await errorOf('ALTER TABLE v ADD PRIMARY KEY (a)')).toEqual(['42809', 'ALTER action ADD CONSTRAINT cannot be performed on relation "v"', 'This operation is not supported for views.']);
    expect(await errorOf('ALTER TABLE s ADD COLUMN x int')).toEqual(['42809', 'ALTER action ADD COLUMN cannot be performed on relation "s"', 'This operation is not supported for sequences.']);
    expect(await errorOf('ALTER TABLE i ALTER a SET NOT NULL')).toEqual(['42809', 'ALTER action ALTER COLUMN ... SET NOT NULL cannot be performed on relation "i"', 'This operation is not supported for indexes.']);
    expect(await errorOf('ALTER VIEW t ADD COLUMN x int')).toEqual(['42809', '"t" is not a view', undefined]);
  });
});

describe('RENAME COLUMN', () => {
  it('CHECK constraints follow the column; PREPAREd statements are replanned', async () => {
    await client().query('CREATE TABLE rc (i int CHECK (i < 10), j int)');
    await client().query('PREPARE p1 AS SELECT i, j FROM rc');
    await client().query('ALTER TABLE rc RENAME COLUMN i TO k');
    await client().query('INSERT INTO rc (k, j) VALUES (1, 2)');
    expect(await errorOf('INSERT INTO rc (k, j) VALUES (100, 2)')).toEqual(['23514', 'new row for relation "rc" violates check constraint "rc_i_check"', 'Failing row contains (100, 2).']);
    expect(await errorOf('EXECUTE p1')).toEqual(['42703', 'column "i" does not exist', undefined]);
  });
});

describe('ALTER SCHEMA … RENAME TO', () => {
  it('moves the schema with its tables', async () => {
    await client().query('CREATE SCHEMA sc');
    await client().query('CREATE TABLE sc.x (a int)');
    await client().query('INSERT INTO sc.x VALUES (7)');
    expect((await client().query('ALTER SCHEMA sc RENAME TO sc2')).tag).toBe('ALTER SCHEMA');
    expect((await client().query('SELECT a FROM sc2.x')).text).toEqual([['7']]);
    expect(await errorOf('SELECT a FROM sc.x')).toEqual(['42P01', 'relation "sc.x" does not exist', undefined]);
    expect(await errorOf('ALTER SCHEMA nope RENAME TO y')).toEqual(['3F000', 'schema "nope" does not exist', undefined]);
    expect(await errorOf('ALTER SCHEMA sc2 RENAME TO public')).toEqual(['42P06', 'schema "public" already exists', undefined]);
    expect(await errorOf('ALTER SCHEMA sc2 RENAME TO pg_x')).toEqual(['42939', 'unacceptable schema name "pg_x"', 'The prefix "pg_" is reserved for system schemas.']);
    await client().query('DROP TABLE sc2.x');
    await client().query('DROP SCHEMA sc2');
  });
});
