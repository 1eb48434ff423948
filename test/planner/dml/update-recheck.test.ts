// UPDATE / DELETE target rows (planner/dml/modify.ts): each candidate's row lock is taken
// synchronously when free, and the newest committed version is read again only when a commit
// became visible after the statement's snapshot; an UPDATE keeping its key in a table without
// unique entries writes the row once (TableWriter.replaceAtKey). These cases pin what that must
// not change, with PostgreSQL 15's outcomes: a row changed by a commit the UPDATE did not wait
// for is updated from its newest version (EvalPlanQual), constraint errors keep their wording,
// a key change and a UNIQUE column still take the general path, savepoints undo the one write.
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { usePgClientsEach } from '../../sql/engine-fixtures.js';

const pgc = usePgClientsEach();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function setup(): Promise<[pg.Client, pg.Client]> {
  const [a, b] = await pgc.start();
  await a.query('CREATE TABLE acc (id int PRIMARY KEY, bal int NOT NULL CHECK (bal < 1000))');
  await a.query('INSERT INTO acc VALUES (1, 100), (2, 200), (3, 300)');
  return [a, b];
}

type PgErr = { code?: string; message: string; detail?: string };
const failure = (p: Promise<unknown>): Promise<PgErr> => p.then(() => ({ message: 'no error' }), (e: PgErr) => e);

describe('UPDATE/DELETE lock and re-check', () => {
  it('READ COMMITTED: a row changed by a commit it did not wait for is updated from its newest version', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acc SET bal = bal + 10 WHERE id IN (1, 2)');
    // b's candidates (snapshot: 100, 200) are collected; it waits for row 1's lock only. When a
    // commits, row 2's lock is free at once, but its version is newer than b's snapshot.
    let done = false;
    const pb = b.query('UPDATE acc SET bal = bal + 1 WHERE id IN (1, 2)').then((r) => { done = true; return r; });
    await sleep(50);
    expect(done).toBe(false);
    await a.query('COMMIT');
    expect((await pb).rowCount).toBe(2);
    expect((await a.query('SELECT id, bal FROM acc ORDER BY id')).rows).toEqual([{ id: 1, bal: 111 }, { id: 2, bal: 211 }, { id: 3, bal: 300 }]);
  });

  it('READ COMMITTED: a DELETE skips a row a commit deleted and re-checks WHERE on a changed one', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acc SET bal = 5 WHERE id = 1');
    await a.query('DELETE FROM acc WHERE id = 2');
    const pb = b.query('DELETE FROM acc WHERE bal >= 100');
    await sleep(30);
    await a.query('COMMIT');
    expect((await pb).rowCount).toBe(1); // only row 3: row 1 no longer matches, row 2 is gone
    expect((await a.query('SELECT id, bal FROM acc ORDER BY id')).rows).toEqual([{ id: 1, bal: 5 }]);
  });

  it('keeps PostgreSQL 15 errors on the one-write path and on the general path', async () => {
    const [a] = await setup();
    expect(await failure(a.query('UPDATE acc SET bal = NULL WHERE id = 1'))).toMatchObject({
      code: '23502', message: 'null value in column "bal" of relation "acc" violates not-null constraint', detail: 'Failing row contains (1, null).',
    });
    expect(await failure(a.query('UPDATE acc SET bal = bal + 900 WHERE id = 2'))).toMatchObject({
      code: '23514', message: 'new row for relation "acc" violates check constraint "acc_bal_check"', detail: 'Failing row contains (2, 1100).',
    });
    // A key change: delete + conflict check + put.
    expect(await failure(a.query('UPDATE acc SET id = 2 WHERE id = 1'))).toMatchObject({
      code: '23505', message: 'duplicate key value violates unique constraint "acc_pkey"', detail: 'Key (id)=(2) already exists.',
    });
    expect((await a.query('UPDATE acc SET id = 4 WHERE id = 1')).rowCount).toBe(1);
    // A UNIQUE column: its entries move with the row.
    await a.query('CREATE TABLE u (id int PRIMARY KEY, code text UNIQUE)');
    await a.query("INSERT INTO u VALUES (1, 'a'), (2, 'b')");
    expect(await failure(a.query("UPDATE u SET code = 'b' WHERE id = 1"))).toMatchObject({
      code: '23505', message: 'duplicate key value violates unique constraint "u_code_key"', detail: 'Key (code)=(b) already exists.',
    });
    await a.query("UPDATE u SET code = 'c' WHERE id = 1");
    await a.query("UPDATE u SET code = 'a' WHERE id = 2");
    expect((await a.query('SELECT id, code FROM u ORDER BY id')).rows).toEqual([{ id: 1, code: 'c' }, { id: 2, code: 'a' }]);
    expect((await a.query('SELECT id, bal FROM acc ORDER BY id')).rows).toEqual([{ id: 2, bal: 200 }, { id: 3, bal: 300 }, { id: 4, bal: 100 }]);
  });

  it('ROLLBACK TO a savepoint restores rows updated in place, and a second update of the own row sees the first', async () => {
    const [a] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acc SET bal = bal + 1 WHERE id = 1');
    await a.query('SAVEPOINT s');
    await a.query('UPDATE acc SET bal = bal + 1 WHERE id = 1');
    await a.query('UPDATE acc SET bal = bal * 2 WHERE id = 1');
    expect((await a.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 204 }]);
    await a.query('ROLLBACK TO s');
    expect((await a.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 101 }]);
    await a.query('COMMIT');
    expect((await a.query('SELECT id, bal FROM acc ORDER BY id')).rows).toEqual([{ id: 1, bal: 101 }, { id: 2, bal: 200 }, { id: 3, bal: 300 }]);
  });

  it('INSERT VALUES without a promise per row: defaults, DEFAULT, and nextval defaults agree', async () => {
    const [a] = await setup();
    await a.query("CREATE TABLE h (tid int, d int DEFAULT 7, t text DEFAULT 'x' || 'y', f char(3))");
    await a.query('INSERT INTO h (tid) VALUES (1)');
    await a.query('INSERT INTO h (tid, d, t) VALUES (2, DEFAULT, $1)', ['z']);
    await a.query('INSERT INTO h VALUES (3, 4, DEFAULT, DEFAULT), (4, DEFAULT, NULL, $1)', ['ab']);
    expect((await a.query('SELECT tid, d, t, f FROM h ORDER BY tid')).rows).toEqual([
      { tid: 1, d: 7, t: 'xy', f: null }, { tid: 2, d: 7, t: 'z', f: null }, { tid: 3, d: 4, t: 'xy', f: null }, { tid: 4, d: 7, t: null, f: 'ab ' },
    ]);
    await a.query('CREATE TABLE s (id serial, v int DEFAULT 1)');
    await a.query('INSERT INTO s (v) VALUES (5), (DEFAULT)');
    expect((await a.query('SELECT id, v FROM s ORDER BY id')).rows).toEqual([{ id: 1, v: 5 }, { id: 2, v: 1 }]);
  });
});
