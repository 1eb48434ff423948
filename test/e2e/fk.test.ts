// FOREIGN KEY constraints end to end over the wire (real server, `pg` client). Expected errors
// (SQLSTATE, message, DETAIL, HINT) and notices were produced by PostgreSQL 15.20 running the
// same statements.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from './server.js';

interface Failure { code?: string; message: string; detail?: string; hint?: string; constraint?: string; table?: string }

describe('foreign keys', () => {
  let srv: RunningServer;
  const clients: pg.Client[] = [];
  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'tester', database: 'postgres' });
    await c.connect();
    clients.push(c);
    return c;
  };
  const fails = async (c: pg.Client, sql: string): Promise<Failure> => {
    try {
      await c.query(sql);
    } catch (e) {
      const f = e as Failure;
      return { code: f.code, message: f.message, detail: f.detail, hint: f.hint, constraint: f.constraint, table: f.table };
    }
    throw new Error(`expected an error from: ${sql}`);
  };

  beforeAll(async () => {
    srv = await startServer();
  }, 30_000);
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await srv?.stop();
  });

  it('defines FKs with PostgreSQL names and checks the definition', async () => {
    const c = await connect();
    await c.query('CREATE TABLE p (id int PRIMARY KEY, u int UNIQUE, t text)');
    expect(await fails(c, 'CREATE TABLE c (x int REFERENCES p, y text REFERENCES p(t))')).toMatchObject({
      code: '42830', message: 'there is no unique constraint matching given keys for referenced table "p"',
    });
    expect(await fails(c, 'CREATE TABLE c (x text REFERENCES p)')).toMatchObject({
      code: '42804', message: 'foreign key constraint "c_x_fkey" cannot be implemented',
      detail: 'Key columns "x" and "id" are of incompatible types: text and integer.',
    });
    expect(await fails(c, 'CREATE TABLE c (x int, FOREIGN KEY (x) REFERENCES p DEFERRABLE INITIALLY DEFERRED)')).toMatchObject({ code: '0A000' });
    expect(await fails(c, 'CREATE TABLE c (x int REFERENCES nope)')).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist' });
    expect(await fails(c, 'CREATE TABLE c (x int, y int, FOREIGN KEY (x, y) REFERENCES p (id))')).toMatchObject({
      code: '42830', message: 'number of referencing and referenced columns for foreign key disagree',
    });
    expect(await fails(c, 'CREATE TABLE c (x int, FOREIGN KEY (x) REFERENCES p (zz))')).toMatchObject({
      code: '42703', message: 'column "zz" referenced in foreign key constraint does not exist',
    });
    await c.query('CREATE TABLE c (x int REFERENCES p, y int REFERENCES p(u), z bigint, FOREIGN KEY (z) REFERENCES p)');
    await c.query('INSERT INTO p VALUES (1, 10, \'a\')');
    expect(await fails(c, 'INSERT INTO c VALUES (5)')).toEqual({
      code: '23503', message: 'insert or update on table "c" violates foreign key constraint "c_x_fkey"',
      detail: 'Key (x)=(5) is not present in table "p".', hint: undefined, constraint: 'c_x_fkey', table: 'c',
    });
    expect(await fails(c, 'INSERT INTO c VALUES (1, 11)')).toMatchObject({ constraint: 'c_y_fkey', detail: 'Key (y)=(11) is not present in table "p".' });
    expect(await fails(c, 'INSERT INTO c VALUES (1, 10, 2)')).toMatchObject({ constraint: 'c_z_fkey', detail: 'Key (z)=(2) is not present in table "p".' });
    await c.query('INSERT INTO c VALUES (1, 10, 1), (NULL, NULL, NULL), (1, NULL, 1)');
    expect(await fails(c, 'UPDATE c SET x = 7 WHERE y = 10')).toMatchObject({ code: '23503', constraint: 'c_x_fkey', detail: 'Key (x)=(7) is not present in table "p".' });
    expect(await fails(c, 'DELETE FROM p')).toEqual({
      code: '23503', message: 'update or delete on table "p" violates foreign key constraint "c_x_fkey" on table "c"',
      detail: 'Key (id)=(1) is still referenced from table "c".', hint: undefined, constraint: 'c_x_fkey', table: 'c',
    });
    expect(await fails(c, 'UPDATE p SET id = 2')).toMatchObject({ code: '23503', detail: 'Key (id)=(1) is still referenced from table "c".' });
    await c.query('UPDATE p SET t = \'b\''); // referenced columns unchanged: no check
    expect(await fails(c, 'DROP TABLE p')).toEqual({
      code: '2BP01', message: 'cannot drop table p because other objects depend on it',
      detail: 'constraint c_x_fkey on table c depends on table p\nconstraint c_y_fkey on table c depends on table p\nconstraint c_z_fkey on table c depends on table p',
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.', constraint: undefined, table: undefined,
    });
    expect(await fails(c, 'TRUNCATE p')).toEqual({
      code: '0A000', message: 'cannot truncate a table referenced in a foreign key constraint',
      detail: 'Table "c" references "p".', hint: 'Truncate table "c" at the same time, or use TRUNCATE ... CASCADE.', constraint: undefined, table: undefined,
    });
    expect(await fails(c, 'TRUNCATE p CASCADE')).toMatchObject({ code: '0A000' });
    await c.query('BEGIN');
    await c.query('TRUNCATE p, c'); // both at once is fine
    await c.query('ROLLBACK');
    const notices: Array<{ message: string; detail?: string }> = [];
    c.on('notice', (n) => notices.push({ message: n.message, detail: n.detail }));
    await c.query('DROP TABLE p CASCADE');
    expect(notices).toEqual([{
      message: 'drop cascades to 3 other objects',
      detail: 'drop cascades to constraint c_x_fkey on table c\ndrop cascades to constraint c_y_fkey on table c\ndrop cascades to constraint c_z_fkey on table c',
    }]);
    await c.query('INSERT INTO c VALUES (99, 99, 99)'); // the constraints are gone
    await c.query('DROP TABLE c');
  });

  it('checks at the end of the statement (self reference) and validates ALTER TABLE ADD FOREIGN KEY', async () => {
    const c = await connect();
    await c.query('CREATE TABLE emp (id int PRIMARY KEY, boss int REFERENCES emp)');
    await c.query('INSERT INTO emp VALUES (2, 1), (1, NULL)'); // child before its parent in one statement
    expect(await fails(c, 'INSERT INTO emp VALUES (3, 3), (4, 5)')).toMatchObject({
      code: '23503', message: 'insert or update on table "emp" violates foreign key constraint "emp_boss_fkey"', detail: 'Key (boss)=(5) is not present in table "emp".',
    });
    await c.query('DELETE FROM emp'); // parent and child leave together
    expect((await c.query('SELECT count(*)::int AS n FROM emp')).rows).toEqual([{ n: 0 }]);
    expect(await fails(c, 'ALTER TABLE emp DROP COLUMN id')).toEqual({
      code: '2BP01', message: 'cannot drop column id of table emp because other objects depend on it',
      detail: 'constraint emp_boss_fkey on table emp depends on column id of table emp', hint: 'Use DROP ... CASCADE to drop the dependent objects too.', constraint: undefined, table: undefined,
    });

    await c.query('CREATE TABLE s (a int, b int, UNIQUE (a, b))');
    await c.query('CREATE TABLE sc (a int, b int)');
    await c.query('INSERT INTO s VALUES (1, 2)');
    await c.query('INSERT INTO sc VALUES (2, 1), (NULL, 7)');
    expect(await fails(c, 'ALTER TABLE sc ADD CONSTRAINT f FOREIGN KEY (a, b) REFERENCES s (a, b)')).toMatchObject({
      code: '23503', message: 'insert or update on table "sc" violates foreign key constraint "f"', detail: 'Key (a, b)=(2, 1) is not present in table "s".',
    });
    await c.query('ALTER TABLE sc ADD FOREIGN KEY (b, a) REFERENCES s (a, b)'); // (2,1) → s(a=1, b=2)
    expect(await fails(c, 'DELETE FROM s')).toMatchObject({
      message: 'update or delete on table "s" violates foreign key constraint "sc_b_a_fkey" on table "sc"', detail: 'Key (a, b)=(1, 2) is still referenced from table "sc".',
    });
    expect(await fails(c, 'ALTER TABLE s DROP CONSTRAINT s_a_b_key')).toMatchObject({
      code: '2BP01', message: 'cannot drop constraint s_a_b_key on table s because other objects depend on it', detail: 'constraint sc_b_a_fkey on table sc depends on index s_a_b_key',
    });
    await c.query('ALTER TABLE sc DROP CONSTRAINT sc_b_a_fkey');
    await c.query('DELETE FROM s');

    // Cross-schema reference.
    await c.query('CREATE SCHEMA fk_s');
    await c.query('CREATE TABLE fk_s.par (k text PRIMARY KEY)');
    await c.query('CREATE TABLE chi (k varchar(10) REFERENCES fk_s.par)');
    await c.query('INSERT INTO fk_s.par VALUES (\'x\')');
    await c.query('INSERT INTO chi VALUES (\'x\')');
    expect(await fails(c, 'INSERT INTO chi VALUES (\'y\')')).toMatchObject({ code: '23503', detail: 'Key (k)=(y) is not present in table "par".' });
    // DROP SCHEMA ... CASCADE drops the constraints of other schemas' tables that reference it.
    await c.query('DROP SCHEMA fk_s CASCADE');
    await c.query('INSERT INTO chi VALUES (\'y\')');
  });

  it('a rolled-back statement leaves no pending checks; a transaction sees its own writes', async () => {
    const c = await connect();
    await c.query('CREATE TABLE rp (id int PRIMARY KEY)');
    await c.query('CREATE TABLE rc (id int REFERENCES rp)');
    await c.query('INSERT INTO rp VALUES (4)');
    expect(await fails(c, 'INSERT INTO rc VALUES (5)')).toMatchObject({ detail: 'Key (id)=(5) is not present in table "rp".' });
    await c.query('INSERT INTO rc VALUES (4)');
    await c.query('BEGIN');
    await c.query('INSERT INTO rp VALUES (6)');
    await c.query('INSERT INTO rc VALUES (6)');
    await c.query('DELETE FROM rc WHERE id = 6');
    await c.query('DELETE FROM rp WHERE id = 6');
    await c.query('COMMIT');
  });

  it('a child insert waits for a concurrent parent delete and then fails (and the reverse)', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('CREATE TABLE cp (id int PRIMARY KEY)');
    await a.query('CREATE TABLE cc (id int REFERENCES cp)');
    await a.query('INSERT INTO cp VALUES (1), (2)');

    await a.query('BEGIN');
    await a.query('DELETE FROM cp WHERE id = 1');
    const childInsert = fails(b, 'INSERT INTO cc VALUES (1)');
    await new Promise((r) => setTimeout(r, 200));
    await a.query('COMMIT');
    expect(await childInsert).toMatchObject({ code: '23503', detail: 'Key (id)=(1) is not present in table "cp".' });

    await a.query('BEGIN');
    await a.query('INSERT INTO cc VALUES (2)');
    const parentDelete = fails(b, 'DELETE FROM cp WHERE id = 2');
    await new Promise((r) => setTimeout(r, 200));
    await a.query('COMMIT');
    expect(await parentDelete).toMatchObject({ code: '23503', detail: 'Key (id)=(2) is still referenced from table "cc".' });
    expect((await b.query('SELECT id FROM cp ORDER BY id')).rows).toEqual([{ id: 2 }]);
  });

  it('ON DELETE / ON UPDATE CASCADE, SET NULL and SET DEFAULT (chains and self references)', async () => {
    const c = await connect();
    const rows = async (sql: string): Promise<unknown[]> => (await c.query({ text: sql, rowMode: 'array' })).rows;
    await c.query('CREATE TABLE ap (id int PRIMARY KEY, v text)');
    await c.query('CREATE TABLE ac (id int PRIMARY KEY, p int REFERENCES ap ON DELETE CASCADE ON UPDATE CASCADE)');
    await c.query('CREATE TABLE an (id int PRIMARY KEY, p int DEFAULT 0 REFERENCES ap ON DELETE SET NULL ON UPDATE SET DEFAULT)');
    await c.query('CREATE TABLE ag (id int REFERENCES ac ON DELETE CASCADE)');
    await c.query("INSERT INTO ap VALUES (0, 'zero'), (1, 'a'), (2, 'b'), (3, 'c')");
    await c.query('INSERT INTO ac VALUES (10, 1), (11, 1), (12, 2)');
    await c.query('INSERT INTO an VALUES (20, 1), (21, 2), (22, 3)');
    await c.query('INSERT INTO ag VALUES (10), (12)');
    await c.query('DELETE FROM ap WHERE id = 1');
    expect(await rows('SELECT * FROM ac ORDER BY id')).toEqual([[12, 2]]);
    expect(await rows('SELECT * FROM an ORDER BY id')).toEqual([[20, null], [21, 2], [22, 3]]);
    expect(await rows('SELECT * FROM ag ORDER BY id')).toEqual([[12]]);
    await c.query('UPDATE ap SET id = 7 WHERE id = 2');
    expect(await rows('SELECT * FROM ac ORDER BY id')).toEqual([[12, 7]]);
    expect(await rows('SELECT * FROM an ORDER BY id')).toEqual([[20, null], [21, 0], [22, 3]]);
    await c.query('CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree ON DELETE CASCADE)');
    await c.query('INSERT INTO tree VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, NULL)');
    await c.query('DELETE FROM tree WHERE id = 1');
    expect(await rows('SELECT * FROM tree')).toEqual([[5, null]]);
    await c.query('CREATE TABLE nn (id int NOT NULL REFERENCES ap ON DELETE SET NULL)');
    await c.query('INSERT INTO nn VALUES (3)');
    expect(await fails(c, 'DELETE FROM ap WHERE id = 3')).toMatchObject({
      code: '23502', message: 'null value in column "id" of relation "nn" violates not-null constraint', detail: 'Failing row contains (null).',
    });
  });

  it('names unnamed CHECK constraints like PostgreSQL', async () => {
    const c = await connect();
    await c.query('CREATE TABLE integers (i int CHECK (i > 0), j int, CHECK (i > j), CHECK (j < 10), CHECK (i > 0))');
    const names = async (sql: string): Promise<string | undefined> => (await fails(c, sql)).constraint;
    expect(await names('INSERT INTO integers VALUES (1, 2)')).toBe('integers_check');
    expect(await names('INSERT INTO integers VALUES (-1, -2)')).toBe('integers_i_check');
    expect(await names('INSERT INTO integers VALUES (20, 11)')).toBe('integers_j_check');
  });
});
