import { afterEach, describe, expect, it } from 'vitest';
import { Client, openEngine } from './harness.js';
import type { Engine } from '../../planner/api.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('tables: vertical slice', () => {
  it('create, insert, select, update, delete', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    expect((await c.query('CREATE TABLE t (a int PRIMARY KEY, b text NOT NULL, c numeric(10,2) DEFAULT 1.5)')).tag).toBe('CREATE TABLE');
    expect((await c.query("INSERT INTO t VALUES (1, 'one'), (2, 'two', 3.14159), (3, 'three', NULL)")).tag).toBe('INSERT 0 3');
    const r = await c.query('SELECT a, b, c FROM t ORDER BY a DESC');
    expect(r.text).toEqual([['3', 'three', null], ['2', 'two', '3.14'], ['1', 'one', '1.50']]);
    expect(r.tag).toBe('SELECT 3');
    expect((await c.query("UPDATE t SET b = b || '!' WHERE a >= 2")).tag).toBe('UPDATE 2');
    expect((await c.query('DELETE FROM t WHERE a = 1')).tag).toBe('DELETE 1');
    expect((await c.query('SELECT * FROM t')).text).toEqual([['2', 'two!', '3.14'], ['3', 'three!', null]]);
    expect((await c.query('SELECT count(*), sum(a), max(b) FROM t')).text).toEqual([['2', '5', 'two!']]);
  });

  it('errors worded as PostgreSQL', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (a int PRIMARY KEY, b text NOT NULL)');
    let e = await c.error('SELECT * FROM nope');
    expect([e.code, e.message]).toEqual(['42P01', 'relation "nope" does not exist']);
    e = await c.error('SELECT zz FROM t');
    expect([e.code, e.message]).toEqual(['42703', 'column "zz" does not exist']);
    e = await c.error('INSERT INTO t VALUES (1, NULL)');
    expect([e.code, e.message, e.fields.detail]).toEqual(['23502', 'null value in column "b" of relation "t" violates not-null constraint', 'Failing row contains (1, null).']);
    await c.query("INSERT INTO t VALUES (1, 'x')");
    e = await c.error("INSERT INTO t VALUES (1, 'y')");
    expect([e.code, e.message, e.fields.detail]).toEqual(['23505', 'duplicate key value violates unique constraint "t_pkey"', 'Key (a)=(1) already exists.']);
    e = await c.error('CREATE TABLE t (x int)');
    expect([e.code, e.message]).toEqual(['42P07', 'relation "t" already exists']);
  });

  it('DDL and DML are transactional, and survive a restart', async () => {
    const opened = await openEngine();
    engine = opened.engine;
    let c = Client.open(engine);
    await c.query('BEGIN');
    await c.query('CREATE TABLE gone (a int)');
    await c.query('INSERT INTO gone VALUES (1)');
    await c.query('ROLLBACK');
    expect((await c.error('SELECT * FROM gone')).code).toBe('42P01');
    await c.query('CREATE TABLE kept (a int PRIMARY KEY, b text)');
    await c.query("BEGIN; INSERT INTO kept VALUES (1, 'a'); COMMIT");
    await c.query("INSERT INTO kept VALUES (2, 'b')");
    await c.close();
    await engine.close();
    engine = (await openEngine(opened.dir)).engine;
    c = Client.open(engine);
    expect((await c.query('SELECT * FROM kept ORDER BY a')).text).toEqual([['1', 'a'], ['2', 'b']]);
  });
});

describe('subqueries and plan invalidation', () => {
  it('scalar, EXISTS, IN, ANY/ALL, correlated', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE a (id int PRIMARY KEY, v int); CREATE TABLE b (id int, aid int)');
    await c.query('INSERT INTO a VALUES (1, 10), (2, 20), (3, NULL); INSERT INTO b VALUES (1, 1), (2, 1), (3, 2)');
    expect((await c.query('SELECT (SELECT max(v) FROM a)')).text).toEqual([['20']]);
    expect((await c.query('SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.aid = a.id) ORDER BY id')).text).toEqual([['1'], ['2']]);
    expect((await c.query('SELECT id FROM a WHERE id IN (SELECT aid FROM b) ORDER BY 1')).text).toEqual([['1'], ['2']]);
    expect((await c.query('SELECT id FROM a WHERE id NOT IN (SELECT aid FROM b) ORDER BY 1')).text).toEqual([['3']]);
    expect((await c.query('SELECT id, (SELECT count(*) FROM b WHERE b.aid = a.id) FROM a ORDER BY 1')).text).toEqual([['1', '2'], ['2', '1'], ['3', '0']]);
    expect((await c.query('SELECT 15 > ALL (SELECT v FROM a WHERE v IS NOT NULL), 15 < ANY (SELECT v FROM a)')).text).toEqual([['f', 't']]);
    expect((await c.error('SELECT (SELECT id FROM a)')).code).toBe('21000');
  });

  it('a cached plan is rebuilt after DROP/CREATE of its table', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (a int, b int)');
    await c.query('INSERT INTO t VALUES (1, 2)');
    expect((await c.query('SELECT * FROM t')).text).toEqual([['1', '2']]);
    await c.query('DROP TABLE t');
    await c.query('CREATE TABLE t (a int, b int)');
    await c.query('INSERT INTO t (b, a) VALUES (3, 4)');
    expect((await c.query('SELECT * FROM t')).text).toEqual([['4', '3']]);
  });
});

describe('databases', () => {
  it('tables belong to their database; DROP DATABASE forgets them', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE DATABASE d1');
    let d = Client.open(engine, 'd1');
    await d.query('CREATE TABLE t (a int)');
    await d.query('INSERT INTO t VALUES (1)');
    expect((await c.error('SELECT * FROM t')).code).toBe('42P01');
    await d.close();
    await c.query('DROP DATABASE d1');
    await c.query('CREATE DATABASE d1');
    d = Client.open(engine, 'd1');
    expect((await d.error('SELECT * FROM t')).code).toBe('42P01');
    await d.close();
  });
});

describe('sequences', () => {
  it('serial columns, nextval/currval/setval/lastval, values survive a restart without reuse', async () => {
    const opened = await openEngine();
    engine = opened.engine;
    let c = Client.open(engine);
    await c.query('CREATE TABLE s (id serial PRIMARY KEY, v text)');
    await c.query("INSERT INTO s (v) VALUES ('a'), ('b')");
    expect((await c.query('SELECT id, v FROM s ORDER BY id')).text).toEqual([['1', 'a'], ['2', 'b']]);
    expect((await c.query("SELECT currval('s_id_seq')")).text).toEqual([['2']]);
    await c.query('CREATE SEQUENCE q START 10 INCREMENT 5');
    expect((await c.error("SELECT currval('q')")).code).toBe('55000');
    expect((await c.query("SELECT nextval('q'), nextval('q'), lastval()")).text).toEqual([['10', '15', '15']]);
    expect((await c.query("SELECT setval('q', 100)")).text).toEqual([['100']]);
    expect((await c.query("SELECT nextval('q')")).text).toEqual([['105']]);
    await c.close();
    await engine.close();
    engine = (await openEngine(opened.dir)).engine;
    c = Client.open(engine);
    // A clean shutdown keeps the exact state, as PostgreSQL's checkpoint does (no log-ahead gap).
    expect((await c.query("SELECT nextval('q')")).text).toEqual([['110']]);
    await c.query("INSERT INTO s (v) VALUES ('c')");
    expect((await c.query('SELECT max(id) FROM s')).text).toEqual([['3']]);
    await c.query('CREATE TABLE idt (id int GENERATED ALWAYS AS IDENTITY, v int)');
    await c.query('INSERT INTO idt (v) SELECT g FROM generate_series(1, 4000) g');
    await c.close();
    await engine.close();
    engine = (await openEngine(opened.dir)).engine;
    c = Client.open(engine);
    expect((await c.query('INSERT INTO idt (v) VALUES (0) RETURNING id')).text).toEqual([['4001']]);
    expect((await c.query("SELECT nextval('q')")).text).toEqual([['115']]);
  });
});

describe('functions in FROM', () => {
  it('generate_series (int, bigint, numeric, timestamp), WITH ORDINALITY, scalar functions', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    expect((await c.query('SELECT * FROM generate_series(1, 7, 3)')).text).toEqual([['1'], ['4'], ['7']]);
    expect((await c.query('SELECT x, n FROM generate_series(3, 1, -1) WITH ORDINALITY AS g(x, n)')).text).toEqual([['3', '1'], ['2', '2'], ['1', '3']]);
    expect((await c.query('SELECT sum(g) FROM generate_series(1, 100) g')).text).toEqual([['5050']]);
    expect((await c.query('SELECT * FROM generate_series(0.5, 1.5, 0.5)')).text).toEqual([['0.5'], ['1.0'], ['1.5']]);
    expect((await c.query("SELECT * FROM generate_series(timestamp '2020-01-01', timestamp '2020-03-01', interval '1 month')")).text)
      .toEqual([['2020-01-01 00:00:00'], ['2020-02-01 00:00:00'], ['2020-03-01 00:00:00']]);
    expect((await c.query("SELECT * FROM upper('ab') AS u")).text).toEqual([['AB']]);
    expect((await c.error('SELECT * FROM generate_series(1, 5, 0)')).message).toBe('step size cannot equal zero');
    const r = await c.query('SELECT 5 AS k, generate_series(2, 1, -1) AS g ORDER BY g');
    expect([r.columns, r.text]).toEqual([['k', 'g'], [['5', '1'], ['5', '2']]]);
    expect((await c.query('SELECT generate_series(1, 2)')).columns).toEqual(['generate_series']);
  });
});

describe('UPDATE ... FROM and DELETE ... USING', () => {
  it('join the target with other tables; RETURNING sees both', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE acc (id int PRIMARY KEY, bal int); CREATE TABLE pay (acc int, amount int)');
    await c.query('INSERT INTO acc VALUES (1, 10), (2, 20), (3, 30); INSERT INTO pay VALUES (1, 5), (3, 7), (3, 7)');
    const r = await c.query('UPDATE acc SET bal = bal + p.amount FROM pay p WHERE p.acc = acc.id RETURNING acc.id, bal, p.amount');
    expect([r.tag, r.text.sort()]).toEqual(['UPDATE 2', [['1', '15', '5'], ['3', '37', '7']]]);
    expect((await c.query('DELETE FROM acc a USING pay WHERE pay.acc = a.id AND pay.amount > 6')).tag).toBe('DELETE 1');
    expect((await c.query('SELECT * FROM acc ORDER BY id')).text).toEqual([['1', '15'], ['2', '20']]);
  });
});

describe('correlated derived tables', () => {
  it('a subquery in FROM inside a correlated subquery sees the outer row', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t1 (x int, y int); CREATE TABLE t2 (x int, y int)');
    await c.query('INSERT INTO t1 VALUES (1, 1), (2, 2); INSERT INTO t2 VALUES (5, 2)');
    expect((await c.query('SELECT x FROM t1 WHERE EXISTS (SELECT 1 FROM (SELECT x FROM t2 WHERE t2.y = t1.y) s)')).text).toEqual([['2']]);
  });
});
