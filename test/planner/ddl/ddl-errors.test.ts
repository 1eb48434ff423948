// DDL corner errors recorded from PostgreSQL 15.20: what CHECK / DEFAULT may not contain,
// dotted names in DROP and ALTER, and which unique index a duplicate is reported against.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient();
const err = async (sql: string): Promise<[string, string]> => {
  const e = await client().error(sql);
  return [e.code, e.message];
};

describe('CHECK and DEFAULT expressions', () => {
  it('refuse subqueries, aggregates and window functions', async () => {
    expect(await err('CREATE TABLE x (i int CHECK (i > (SELECT 1)))')).toEqual(['0A000', 'cannot use subquery in check constraint']);
    expect(await err('CREATE TABLE x (i int, CHECK (i > (2 * (SELECT 1))))')).toEqual(['0A000', 'cannot use subquery in check constraint']);
    expect(await err('CREATE TABLE x (i int CHECK (i > sum(i)))')).toEqual(['42803', 'aggregate functions are not allowed in check constraints']);
    expect(await err('CREATE TABLE x (i int CHECK (i > row_number() OVER ()))')).toEqual(['42P20', 'window functions are not allowed in check constraints']);
    expect(await err('CREATE TABLE x (i int DEFAULT (SELECT 1))')).toEqual(['0A000', 'cannot use subquery in DEFAULT expression']);
    expect(await err('CREATE TABLE x (i int DEFAULT sum(1))')).toEqual(['42803', 'aggregate functions are not allowed in DEFAULT expressions']);
    await client().query('CREATE TABLE y (i int)');
    expect(await err('ALTER TABLE y ADD CHECK (i > (SELECT 1))')).toEqual(['0A000', 'cannot use subquery in check constraint']);
    expect(await err('ALTER TABLE y ALTER i SET DEFAULT (SELECT 1)')).toEqual(['0A000', 'cannot use subquery in DEFAULT expression']);
  });
});

describe('dotted names', () => {
  it('DROP: another database is 0A000, the current one is accepted', async () => {
    expect(await err('DROP TABLE a.b.c')).toEqual(['0A000', 'cross-database references are not implemented: "a.b.c"']);
    expect(await err('DROP INDEX IF EXISTS a.b.c')).toEqual(['0A000', 'cross-database references are not implemented: "a.b.c"']);
    expect(await err('DROP VIEW a.b.c')).toEqual(['0A000', 'cross-database references are not implemented: "a.b.c"']);
    expect(await err('DROP TABLE a.b.c.d')).toEqual(['42601', 'improper relation name (too many dotted names): a.b.c.d']);
    expect(await err('DROP TABLE postgres.public.nonex')).toEqual(['42P01', 'table "nonex" does not exist']);
  });

  it('ALTER TABLE names a missing schema (IF EXISTS only notes the relation)', async () => {
    expect(await err('ALTER TABLE main.t ADD COLUMN k int')).toEqual(['3F000', 'schema "main" does not exist']);
    expect((await client().query('ALTER TABLE IF EXISTS main.t ADD COLUMN k int')).tag).toBe('ALTER TABLE');
  });
});

describe('duplicate keys', () => {
  it('are reported against the oldest unique index, as PostgreSQL checks them in OID order', async () => {
    await client().query('CREATE TABLE u (i int UNIQUE, j int)');
    await client().query('ALTER TABLE u ADD PRIMARY KEY (i)');
    await client().query('INSERT INTO u VALUES (1, 1)');
    expect(await err('INSERT INTO u VALUES (1, 2)')).toEqual(['23505', 'duplicate key value violates unique constraint "u_i_key"']);
    await client().query('CREATE TABLE u2 (i int PRIMARY KEY, j int UNIQUE)');
    await client().query('INSERT INTO u2 VALUES (1, 1)');
    expect(await err('INSERT INTO u2 VALUES (1, 1)')).toEqual(['23505', 'duplicate key value violates unique constraint "u2_pkey"']);
  });

  it('ON CONFLICT still finds its arbiter first', async () => {
    expect((await client().query('INSERT INTO u VALUES (1, 5) ON CONFLICT (i) DO UPDATE SET j = 9 RETURNING j')).text).toEqual([['9']]);
  });
});
