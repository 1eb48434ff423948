// Transaction behaviour with several real `pg` clients at once, over the wire layer's
// in-memory transport (the real Connection, the real engine, the real LSM in a temp dir).
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { usePgClientsEach } from './engine-fixtures.js';

const pgc = usePgClientsEach();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function setup(): Promise<[pg.Client, pg.Client]> {
  const [a, b] = await pgc.start();
  await a.query('CREATE TABLE acc (id int PRIMARY KEY, bal int)');
  await a.query('INSERT INTO acc VALUES (1, 100), (2, 200)');
  return [a, b];
}

describe('transactions over tables (several clients)', () => {
  it('concurrent sessions never see uncommitted data; commit makes it visible', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acc SET bal = 0 WHERE id = 1');
    expect((await b.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 100 }]);
    expect((await a.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 0 }]);
    await a.query('COMMIT');
    expect((await b.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 0 }]);
  });

  it('READ COMMITTED: a lost update is prevented (the second UPDATE waits, then adds to the new value)', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acc SET bal = bal + 10 WHERE id = 1');
    let done = false;
    const pb = b.query('UPDATE acc SET bal = bal + 5 WHERE id = 1').then((r) => { done = true; return r; });
    await sleep(50);
    expect(done).toBe(false);
    await a.query('COMMIT');
    expect((await pb).rowCount).toBe(1);
    expect((await a.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 115 }]);
  });

  it('READ COMMITTED: after the wait the WHERE clause is re-checked on the latest version', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acc SET bal = 101 WHERE id = 1');
    const pb = b.query('UPDATE acc SET bal = bal * 10 WHERE bal = 100');
    await sleep(30);
    await a.query('COMMIT');
    expect((await pb).rowCount).toBe(0);
    expect((await a.query('SELECT bal FROM acc ORDER BY id')).rows).toEqual([{ bal: 101 }, { bal: 200 }]);
  });

  it('REPEATABLE READ: a concurrent update of the same row raises 40001', async () => {
    const [a, b] = await setup();
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect((await b.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 100 }]);
    await a.query('UPDATE acc SET bal = 1 WHERE id = 1');
    // The snapshot still shows the old value...
    expect((await b.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 100 }]);
    // ...and writing the row is a serialization failure.
    const err = await b.query('UPDATE acc SET bal = 2 WHERE id = 1').catch((e: { code?: string; message: string }) => e);
    expect((err as { code?: string }).code).toBe('40001');
    expect((err as { message: string }).message).toBe('could not serialize access due to concurrent update');
    await b.query('ROLLBACK');
  });

  it('a deadlock is detected and broken with 40P01', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('UPDATE acc SET bal = bal + 1 WHERE id = 1');
    await b.query('UPDATE acc SET bal = bal + 1 WHERE id = 2');
    const pa = a.query('UPDATE acc SET bal = bal + 1 WHERE id = 2').then(() => 'ok', (e: { code?: string }) => e.code);
    await sleep(20);
    const pb = b.query('UPDATE acc SET bal = bal + 1 WHERE id = 1').then(() => 'ok', (e: { code?: string }) => e.code);
    // Exactly one side is chosen as the victim; the other keeps waiting until the victim ends.
    const first = await Promise.race([pa.then((r) => ['a', r]), pb.then((r) => ['b', r]), sleep(5000).then(() => ['none', 'timeout'])]);
    expect(first[1]).toBe('40P01');
    const victim = first[0] === 'a' ? a : b;
    await victim.query('ROLLBACK');
    expect(await (first[0] === 'a' ? pb : pa)).toBe('ok');
    await (first[0] === 'a' ? b : a).query('COMMIT');
  });

  it('lock_timeout ends a wait with 55P03', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('UPDATE acc SET bal = 0 WHERE id = 1');
    await b.query("SET lock_timeout = '50ms'");
    const err = await b.query('UPDATE acc SET bal = 1 WHERE id = 1').catch((e: { code?: string }) => e);
    expect((err as { code?: string }).code).toBe('55P03');
    await a.query('ROLLBACK');
  });

  it('a failed statement aborts the block (25P02) and ROLLBACK discards its writes', async () => {
    const [a] = await setup();
    await a.query('BEGIN');
    await a.query('INSERT INTO acc VALUES (3, 300)');
    await expect(a.query('INSERT INTO acc VALUES (1, 0)')).rejects.toMatchObject({ code: '23505' });
    await expect(a.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await a.query('ROLLBACK');
    expect((await a.query('SELECT count(*)::int AS n FROM acc')).rows).toEqual([{ n: 2 }]);
  });

  it('SAVEPOINT / ROLLBACK TO undoes the row writes since the savepoint, also after a failed statement', async () => {
    const [a, b] = await setup();
    await a.query('BEGIN');
    await a.query('INSERT INTO acc VALUES (3, 300)');
    await a.query('SAVEPOINT s1');
    await a.query('INSERT INTO acc VALUES (4, 400)');
    await a.query('UPDATE acc SET bal = 0 WHERE id IN (1, 3)');
    await a.query('DELETE FROM acc WHERE id = 2');
    await a.query('ROLLBACK TO SAVEPOINT s1');
    expect((await a.query('SELECT id, bal FROM acc ORDER BY id')).rows).toEqual([{ id: 1, bal: 100 }, { id: 2, bal: 200 }, { id: 3, bal: 300 }]);
    await a.query('INSERT INTO acc VALUES (4, 401)');
    await a.query('SAVEPOINT s2');
    await a.query('INSERT INTO acc VALUES (5, 500)');
    await expect(a.query('INSERT INTO acc VALUES (6, 600), (1, 0)')).rejects.toMatchObject({ code: '23505' });
    await expect(a.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await a.query('ROLLBACK TO s2');
    await a.query('COMMIT');
    expect((await b.query('SELECT id, bal FROM acc ORDER BY id')).rows).toEqual([{ id: 1, bal: 100 }, { id: 2, bal: 200 }, { id: 3, bal: 300 }, { id: 4, bal: 401 }]);
    await a.query('BEGIN');
    await a.query('SAVEPOINT s');
    await a.query('CREATE TABLE x (i int)');
    await expect(a.query('ROLLBACK TO s')).rejects.toMatchObject({ code: '0A000' });
    await a.query('ROLLBACK');
  });
});
