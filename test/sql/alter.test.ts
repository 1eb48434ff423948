import { afterEach, describe, expect, it } from 'vitest';
import { Client, openEngine } from './harness.js';
import type { Engine } from '../../planner/api.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('ALTER TABLE', () => {
  it('ADD PRIMARY KEY rekeys the rows (pgbench init order), rejects duplicates and NULLs', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE a (aid int NOT NULL, bid int, abalance int, filler char(84)) WITH (fillfactor=100)');
    await c.query("INSERT INTO a SELECT 3, 1, 0, 'x'; INSERT INTO a SELECT 1, 1, 0, 'y'; INSERT INTO a SELECT 2, 1, 0, 'z'");
    await c.query('ALTER TABLE a ADD PRIMARY KEY (aid)');
    expect((await c.query('SELECT aid FROM a')).text).toEqual([['1'], ['2'], ['3']]);
    expect((await c.error('INSERT INTO a VALUES (2, 1, 0)')).message).toBe('duplicate key value violates unique constraint "a_pkey"');
    await c.query('CREATE TABLE d (x int)');
    await c.query('INSERT INTO d VALUES (1), (1)');
    const e = await c.error('ALTER TABLE d ADD PRIMARY KEY (x)');
    expect([e.code, e.message, e.fields.detail]).toEqual(['23505', 'could not create unique index "d_pkey"', 'Key (x)=(1) is duplicated.']);
  });

  it('ADD/DROP/RENAME COLUMN, defaults for existing rows, RENAME TO, CHECK validation', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, a text)');
    await c.query("INSERT INTO t VALUES (1, 'x'), (2, 'y')");
    await c.query('ALTER TABLE t ADD COLUMN b int DEFAULT 5');
    await c.query('ALTER TABLE t ADD COLUMN c int');
    expect((await c.query('SELECT * FROM t ORDER BY id')).text).toEqual([['1', 'x', '5', null], ['2', 'y', '5', null]]);
    await c.query('ALTER TABLE t DROP COLUMN a');
    await c.query('ALTER TABLE t RENAME COLUMN b TO bb');
    await c.query("INSERT INTO t VALUES (3, 7, 8)");
    expect((await c.query('SELECT * FROM t ORDER BY id')).text).toEqual([['1', '5', null], ['2', '5', null], ['3', '7', '8']]);
    expect((await c.query('SELECT bb FROM t WHERE id = 3')).columns).toEqual(['bb']);
    await c.query('ALTER TABLE t RENAME TO u');
    expect((await c.error('SELECT * FROM t')).code).toBe('42P01');
    expect((await c.error('ALTER TABLE u ADD CONSTRAINT ck CHECK (bb > 6)')).code).toBe('23514');
    await c.query('ALTER TABLE u ADD CONSTRAINT ck CHECK (bb > 0)');
    expect((await c.error('INSERT INTO u VALUES (9, -1)')).message).toBe('new row for relation "u" violates check constraint "ck"');
    expect((await c.error('ALTER TABLE u ALTER COLUMN c SET NOT NULL')).code).toBe('23502');
  });
});

describe('CREATE INDEX', () => {
  it('a unique index is enforced (existing rows checked); DROP INDEX removes it; names share the relation namespace', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (a int, b text)');
    await c.query("INSERT INTO t VALUES (1, 'x'), (2, 'x'), (NULL, 'y'), (NULL, 'y')");
    expect((await c.error('CREATE UNIQUE INDEX ub ON t (b)')).message).toBe('could not create unique index "ub"');
    await c.query('CREATE UNIQUE INDEX ua ON t (a)');
    const e = await c.error('INSERT INTO t VALUES (2, \'z\')');
    expect([e.code, e.message, e.fields.detail]).toEqual(['23505', 'duplicate key value violates unique constraint "ua"', 'Key (a)=(2) already exists.']);
    await c.query('INSERT INTO t VALUES (NULL, \'z\')');
    await c.query('CREATE INDEX ib ON t (b)');
    expect((await c.error('CREATE TABLE ib (x int)')).code).toBe('42P07');
    expect((await c.error('SELECT * FROM ib')).message).toBe('"ib" is an index');
    await c.query('DROP INDEX ua');
    await c.query("INSERT INTO t VALUES (2, 'z')");
    expect((await c.query('SELECT count(*) FROM t WHERE a = 2')).text).toEqual([['2']]);
    await c.query('DROP TABLE t');
    expect((await c.error('DROP INDEX ib')).code).toBe('42704');
  });
});

describe('views', () => {
  it('CREATE [OR REPLACE] VIEW, select through it, DROP VIEW; views are read-only', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (a int, b int)');
    await c.query('INSERT INTO t VALUES (1, 10), (2, 20)');
    await c.query('CREATE VIEW v (x) AS SELECT a, a + b AS s FROM t WHERE a > 1');
    expect((await c.query('SELECT * FROM v')).text).toEqual([['2', '22']]);
    await c.query('INSERT INTO t VALUES (3, 30)');
    const r = await c.query('SELECT x, s FROM v ORDER BY x');
    expect([r.columns, r.text]).toEqual([['x', 's'], [['2', '22'], ['3', '33']]]);
    expect((await c.error('CREATE VIEW v AS SELECT 1')).code).toBe('42P07');
    await c.query('CREATE OR REPLACE VIEW v (x) AS SELECT a, b AS s, 0 AS z FROM t');
    expect((await c.query('SELECT count(*) FROM v')).text).toEqual([['3']]);
    expect((await c.error('INSERT INTO v VALUES (1)')).code).toBe('0A000');
    expect((await c.error('DROP TABLE v')).code).toBe('42809');
    await c.query('DROP VIEW v');
    expect((await c.error('SELECT * FROM v')).code).toBe('42P01');
  });
});
