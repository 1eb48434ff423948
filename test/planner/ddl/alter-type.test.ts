// ALTER COLUMN … TYPE: conversions, USING, defaults, CHECK/FOREIGN KEY re-validation, keys and
// rollback; results and messages recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient();

async function errorOf(sql: string): Promise<[string, string, string | undefined]> {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.detail ?? e.fields.hint];
}

describe('ALTER COLUMN TYPE', () => {
  it('converts every row (assignment cast, USING over the old row)', async () => {
    await client().query('CREATE TABLE t (i int, j int CHECK (j < 10), k text DEFAULT \'x\')');
    await client().query("INSERT INTO t VALUES (1, 1, '1'), (2, 2, '2'), (3, NULL, NULL)");
    await client().query('ALTER TABLE t ALTER i TYPE text');
    expect((await client().query("SELECT i, j FROM t WHERE i = '1'")).text).toEqual([['1', '1']]);
    await client().query('ALTER TABLE t ALTER i TYPE bigint USING i::int * 10 + j');
    expect((await client().query('SELECT i FROM t ORDER BY i')).text).toEqual([['11'], ['22'], [null]]);
    expect((await client().query('SELECT pg_typeof(i) FROM t LIMIT 1')).text).toEqual([['bigint']]);
  });

  it('refuses what cannot be cast, as PostgreSQL words it', async () => {
    expect(await errorOf('ALTER TABLE t ALTER nope TYPE int')).toEqual(['42703', 'column "nope" of relation "t" does not exist', undefined]);
    expect(await errorOf('ALTER TABLE t ALTER i TYPE bool')).toEqual(['42804', 'column "i" cannot be cast automatically to type boolean', 'You might need to specify "USING i::boolean".']);
    expect(await errorOf("ALTER TABLE t ALTER i TYPE bool USING 'x'::text")).toEqual(['42804', 'result of USING clause for column "i" cannot be cast automatically to type boolean', 'You might need to add an explicit cast.']);
    expect(await errorOf('ALTER TABLE t ALTER k TYPE int USING k::int')).toEqual(['42804', 'default for column "k" cannot be cast automatically to type integer', undefined]);
    expect(await errorOf('ALTER TABLE t ALTER j TYPE text')).toEqual(['42883', 'operator does not exist: text < integer', 'No operator matches the given name and argument types. You might need to add explicit type casts.']);
    expect(await errorOf('ALTER TABLE t ALTER j TYPE int USING j + 100')).toEqual(['23514', 'check constraint "t_j_check" of relation "t" is violated by some row', undefined]);
  });

  it('keeps NOT NULL, rebuilds keys, and rolls back', async () => {
    await client().query('CREATE TABLE p (id int PRIMARY KEY, u int UNIQUE NOT NULL)');
    await client().query('INSERT INTO p VALUES (1, 1), (2, 2)');
    expect(await errorOf("ALTER TABLE p ALTER u TYPE text USING 'same'")).toEqual(['23505', 'could not create unique index "p_u_key"', 'Key (u)=(same) is duplicated.']);
    expect(await errorOf('ALTER TABLE p ALTER u TYPE int USING NULL')).toEqual(['23502', 'column "u" of relation "p" contains null values', undefined]);
    await client().query('ALTER TABLE p ALTER id TYPE bigint');
    await client().query('INSERT INTO p VALUES (3000000000, 3)');
    expect(await errorOf('INSERT INTO p VALUES (3000000000, 4)')).toEqual(['23505', 'duplicate key value violates unique constraint "p_pkey"', 'Key (id)=(3000000000) already exists.']);
    await client().query('BEGIN');
    await client().query('ALTER TABLE p ALTER u TYPE varchar(5)');
    await client().query("INSERT INTO p VALUES (5, 'abc')");
    await client().query('ROLLBACK');
    expect((await client().query('SELECT id, u, pg_typeof(u) FROM p ORDER BY id')).text).toEqual([['1', '1', 'integer'], ['2', '2', 'integer'], ['3000000000', '3', 'integer']]);
  });

  it('re-checks FOREIGN KEYs through the column on either side', async () => {
    await client().query('CREATE TABLE emp (id int PRIMARY KEY, boss int REFERENCES emp (id), name int)');
    expect(await errorOf('ALTER TABLE emp ALTER id TYPE text')).toEqual(['42804', 'foreign key constraint "emp_boss_fkey" cannot be implemented', 'Key columns "boss" and "id" are of incompatible types: integer and text.']);
    await client().query('ALTER TABLE emp ALTER name TYPE text');
    await client().query('CREATE TABLE c (pid bigint REFERENCES p (id))');
    expect(await errorOf('ALTER TABLE c ALTER pid TYPE numeric')).toEqual(['42804', 'foreign key constraint "c_pid_fkey" cannot be implemented', 'Key columns "pid" and "id" are of incompatible types: numeric and bigint.']);
    await client().query('ALTER TABLE c ALTER pid TYPE int');
  });
});
