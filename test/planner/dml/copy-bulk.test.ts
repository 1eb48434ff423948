// COPY FROM's bulk path (rows converted straight to stored cells, keys locked without a promise
// when free, rows handed to the transaction without copies) against the real engine: results
// and errors as PostgreSQL 15 gives them (expected values taken from PostgreSQL 15 with psql).
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, Client } from '../../sql/harness.js';
import type { Engine } from '../../../planner/api.js';
import { DbError } from '../../../catalog/index.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const copyIn = (c: Client, sql: string, data: Parameters<Client['copyIn']>[1]): Promise<string> => c.copyIn(sql, data);

const fail = (p: Promise<unknown>): Promise<DbError> => p.then(() => { throw new Error('expected an error'); }, (e: DbError) => e);

describe('COPY FROM bulk path', () => {
  it('stores what PostgreSQL stores (numeric padding and rounding, timestamptz, bigint, text)', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE a (id bigint PRIMARY KEY, ts timestamptz, n int, amount numeric(12,2), note text, free numeric)');
    const rows = [
      ['1', '2024-01-01 00:00:01.000+00', '61958', '117047.53', 'note number 1', '1.50'],
      ['2', '2024-01-01 00:00:02+02', '-7', '5', 'x', '-0.00'],
      ['3', '2024-06-01 12:00:00', '0', '0.5', '', '007'],
      ['4', '2024-01-01', '2147483647', '1.999', 'ü', '1e3'],
      ['5', '2024-01-01', '1', '-0.00', 'y', '.5'],
    ];
    const data = rows.map((r) => r.join('\t') + '\n').join('');
    // Split in the middle of a row and inside the two bytes of 'ü'.
    const bytes = enc(data);
    const at = enc(data.slice(0, data.indexOf('ü'))).length + 1;
    expect(await copyIn(c, 'COPY a FROM STDIN', [bytes.slice(0, 40), bytes.slice(40, at), bytes.slice(at)])).toBe('COPY 5');
    // PostgreSQL 15 (TimeZone Etc/UTC), same input through psql's COPY.
    expect((await c.query('SELECT * FROM a ORDER BY id')).text).toEqual([
      ['1', '2024-01-01 00:00:01+00', '61958', '117047.53', 'note number 1', '1.50'],
      ['2', '2023-12-31 22:00:02+00', '-7', '5.00', 'x', '0.00'],
      ['3', '2024-06-01 12:00:00+00', '0', '0.50', '', '7'],
      ['4', '2024-01-01 00:00:00+00', '2147483647', '2.00', 'ü', '1000'],
      ['5', '2024-01-01 00:00:00+00', '1', '0.00', 'y', '0.5'],
    ]);
  });

  it('errors keep PostgreSQL messages and CONTEXT; nothing of a failed COPY remains', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL, a numeric(5,2))');
    // PostgreSQL 15: ERROR 23505 … DETAIL Key (id)=(1) already exists. CONTEXT COPY t, line 2
    let e = await fail(copyIn(c, 'COPY t FROM STDIN', ['1\t1\t1.5\n1\t2\t2\n']));
    expect([e.code, e.message, e.fields.detail, e.fields.where]).toEqual(['23505', 'duplicate key value violates unique constraint "t_pkey"', 'Key (id)=(1) already exists.', 'COPY t, line 2']);
    expect((await c.query('SELECT count(*) FROM t')).text).toEqual([['0']]);
    // 22003 numeric field overflow, CONTEXT COPY t, line 1, column a: "1234.5"
    e = await fail(copyIn(c, 'COPY t FROM STDIN', ['1\t1\t1234.5\n']));
    expect([e.code, e.message, e.fields.detail, e.fields.where]).toEqual(['22003', 'numeric field overflow', 'A field with precision 5, scale 2 must round to an absolute value less than 10^3.', 'COPY t, line 1, column a: "1234.5"']);
    // 22P02 invalid input syntax for type integer: "x", CONTEXT COPY t, line 3, column n: "x"
    e = await fail(copyIn(c, 'COPY t FROM STDIN', ['1\t1\t1\n2\t2\t2\n3\tx\t3\n']));
    expect([e.code, e.message, e.fields.where]).toEqual(['22P02', 'invalid input syntax for type integer: "x"', 'COPY t, line 3, column n: "x"']);
    // 23502 with the failing row as PostgreSQL prints it (numeric padded to its scale).
    e = await fail(copyIn(c, 'COPY t FROM STDIN', ['1\t\\N\t1.5\n']));
    expect([e.code, e.message, e.fields.detail]).toEqual(['23502', 'null value in column "n" of relation "t" violates not-null constraint', 'Failing row contains (1, null, 1.50).']);
    expect((await c.query('SELECT count(*) FROM t')).text).toEqual([['0']]);
  });

  it('a COPY after own writes in the same transaction sees them; UPDATE after COPY sees the COPY', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await c.query('BEGIN');
    await c.query(`INSERT INTO t VALUES (1, 'a')`);
    await c.query('DELETE FROM t WHERE id = 1');
    expect(await copyIn(c, 'COPY t FROM STDIN', ['1\tb\n2\tc\n'])).toBe('COPY 2');
    await c.query(`UPDATE t SET v = v || '!' WHERE id <= 2`);
    const e = await fail(copyIn(c, 'COPY t FROM STDIN', ['3\td\n2\tdup\n']));
    expect([e.code, e.fields.detail]).toEqual(['23505', 'Key (id)=(2) already exists.']);
    await c.query('ROLLBACK');
    await c.query('BEGIN');
    expect(await copyIn(c, 'COPY t FROM STDIN', ['1\tb\n2\tc\n'])).toBe('COPY 2');
    await c.query('SAVEPOINT s');
    expect(await copyIn(c, 'COPY t FROM STDIN', ['3\td\n'])).toBe('COPY 1');
    await c.query('ROLLBACK TO SAVEPOINT s');
    await c.query(`UPDATE t SET v = v || '!' WHERE id <= 2`);
    await c.query('COMMIT');
    expect((await c.query('SELECT * FROM t ORDER BY id')).text).toEqual([['1', 'b!'], ['2', 'c!']]);
  });

  it('a COPY waits for a key another transaction holds, then reports the duplicate', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    const b = Client.open(engine);
    await a.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await a.query('BEGIN');
    await a.query(`INSERT INTO t VALUES (2, 'held')`);
    let done = false;
    const copying = fail(copyIn(b, 'COPY t FROM STDIN', ['1\tx\n2\ty\n3\tz\n'])).finally(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    await a.query('COMMIT');
    const e = await copying;
    expect([e.code, e.fields.detail, e.fields.where]).toEqual(['23505', 'Key (id)=(2) already exists.', 'COPY t, line 2']);
    expect((await a.query('SELECT * FROM t ORDER BY id')).text).toEqual([['2', 'held']]);
  });

  it('defaults: nextval per row (the asynchronous path), NULL defaults, a column list', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query(`CREATE TABLE s (id serial PRIMARY KEY, v text, d int DEFAULT 7, e text)`);
    expect(await copyIn(c, 'COPY s (v) FROM STDIN', ['a\nb\n', 'c\n'])).toBe('COPY 3');
    expect(await copyIn(c, 'COPY s (id, v, e) FROM STDIN', ['10\tx\ty\n'])).toBe('COPY 1');
    expect((await c.query('SELECT * FROM s ORDER BY id')).text).toEqual([['1', 'a', '7', null], ['2', 'b', '7', null], ['3', 'c', '7', null], ['10', 'x', '7', 'y']]);
  });

  it('a table without keys (hidden row ids): COPY, UPDATE in the same transaction, ROLLBACK TO', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE h (a int, b text)');
    await c.query('BEGIN');
    expect(await copyIn(c, 'COPY h FROM STDIN', ['1\tx\n1\tx\n2\ty\n'])).toBe('COPY 3');
    await c.query(`UPDATE h SET b = b || '!' WHERE a = 1`);
    await c.query('SAVEPOINT s');
    expect(await copyIn(c, 'COPY h FROM STDIN', ['3\tz\n'])).toBe('COPY 1');
    await c.query('ROLLBACK TO SAVEPOINT s');
    await c.query('COMMIT');
    expect((await c.query('SELECT a, b FROM h ORDER BY a, b')).text).toEqual([['1', 'x!'], ['1', 'x!'], ['2', 'y']]);
  });
});

describe('COPY FROM and foreign keys', () => {
  it('checks every copied row against its parent at the end (23503 as PostgreSQL 15, no CONTEXT)', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE p (id int PRIMARY KEY)');
    await c.query('INSERT INTO p VALUES (1), (2)');
    await c.query('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p)');
    // PostgreSQL 15: ERROR 23503 insert or update on table "c" violates foreign key constraint
    // "c_p_fkey" / DETAIL Key (p)=(5) is not present in table "p". (no CONTEXT)
    const e = await fail(copyIn(c, 'COPY c FROM STDIN', ['1\t1\n2\t5\n3\t2\n']));
    expect([e.code, e.message, e.fields.detail, e.fields.where]).toEqual(['23503', 'insert or update on table "c" violates foreign key constraint "c_p_fkey"', 'Key (p)=(5) is not present in table "p".', undefined]);
    expect(await copyIn(c, 'COPY c FROM STDIN', ['1\t1\n2\t\\N\n'])).toBe('COPY 2');
    expect((await c.query('SELECT * FROM c ORDER BY id')).text).toEqual([['1', '1'], ['2', null]]);
  });
});
