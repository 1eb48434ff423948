// SELECT … FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE (planner/rel/row-locks.ts) over TCP
// with several node-postgres clients: the rows are locked until the transaction ends (writers
// wait), the SELECT waits for a row's writer and returns its newest version (or drops a row that
// no longer matches or was deleted), NOWAIT, REPEATABLE READ's 40001, the table's ROW SHARE lock
// against TRUNCATE / ALTER (both directions), cancel and timeouts, PostgreSQL's refusals.
// The expected transcript is PostgreSQL 15's; when its binaries are installed the same sequence
// runs against a throw-away cluster and must give the same lines.
import { expect } from 'vitest';
import { describeWithOracle } from './oracle-suite.js';
import { backendKey, cancelUntilSettled, connect, outcome, rows, stateAfter, type Client, result } from './locks-clients.js';

async function transcript(port: number): Promise<string[]> {
  const a = await connect(port);
  const b = await connect(port);
  const c = await connect(port);
  const out: string[] = [];
  const reset = async (): Promise<void> => {
    await a.query('DROP TABLE IF EXISTS fu_t');
    await a.query('CREATE TABLE fu_t (id int PRIMARY KEY, v int)');
    await a.query('INSERT INTO fu_t VALUES (1, 10), (2, 20), (3, 30)');
  };
  /** `holder` runs `hold` in an open transaction; `waiter` runs `stmt`, which must wait until
   *  the holder commits. */
  const waits = async (name: string, holder: Client, hold: string, waiter: Client, stmt: string, after?: string): Promise<void> => {
    await reset();
    await holder.query('BEGIN');
    out.push(`${name} hold: ${await result(holder, hold)}`);
    const p = result(waiter, stmt);
    out.push(`${name}: ${await stateAfter(p, c)}`);
    await holder.query('COMMIT');
    out.push(`${name}: ${await p}${after ? ` ${await rows(c, after)}` : ''}`);
  };
  try {
    // Locked rows: writers wait for the locker.
    await waits('for update / update', a, 'SELECT * FROM fu_t WHERE id = 1 FOR UPDATE', b, 'UPDATE fu_t SET v = v + 1 WHERE id = 1 RETURNING v');
    await waits('for share / delete', a, 'SELECT id FROM fu_t WHERE v > 15 ORDER BY id FOR SHARE', b, 'DELETE FROM fu_t WHERE id = 3 RETURNING id');
    await waits('for no key update / for update', a, 'SELECT * FROM fu_t WHERE id = 2 FOR NO KEY UPDATE', b, 'SELECT * FROM fu_t WHERE id = 2 FOR UPDATE');
    // The SELECT waits for a writer and returns the newest version, drops rows that no longer
    // match or were deleted.
    await waits('update / for update', a, 'UPDATE fu_t SET v = 100 WHERE id = 1', b, 'SELECT * FROM fu_t WHERE id = 1 FOR UPDATE');
    await waits('update / for update re-check', a, 'UPDATE fu_t SET v = 0 WHERE id = 2', b, 'SELECT id, v FROM fu_t WHERE v > 5 ORDER BY id FOR UPDATE');
    await waits('delete / for update', a, 'DELETE FROM fu_t WHERE id = 3', b, 'SELECT * FROM fu_t ORDER BY id FOR UPDATE');
    await waits('update / for update of alias', a, 'UPDATE fu_t SET v = 11 WHERE id = 1', b, 'SELECT v * 2 AS w FROM fu_t f WHERE f.id <= 2 ORDER BY f.id DESC LIMIT 5 FOR UPDATE OF f');
    // The table's lock: TRUNCATE / ALTER wait for the locker, the locker waits for them.
    await waits('for key share / truncate', a, 'SELECT 1 AS one FROM fu_t WHERE id = 1 FOR KEY SHARE', b, 'TRUNCATE fu_t', 'SELECT * FROM fu_t');
    await waits('for update / alter', a, 'SELECT * FROM fu_t WHERE id = 7 FOR UPDATE', b, 'ALTER TABLE fu_t ADD COLUMN w int', 'SELECT * FROM fu_t ORDER BY id');
    await waits('truncate / for update', a, "TRUNCATE fu_t; INSERT INTO fu_t VALUES (9, 90)", b, 'SELECT * FROM fu_t FOR UPDATE');
    await waits('drop / for update', a, 'DROP TABLE fu_t', b, 'SELECT * FROM fu_t FOR UPDATE');
    // LIMIT / OFFSET count locked rows only; SKIP LOCKED leaves held rows out.
    await reset();
    await a.query('BEGIN');
    await a.query('SELECT * FROM fu_t WHERE id = 1 FOR UPDATE');
    await a.query('UPDATE fu_t SET v = 31 WHERE id = 3');
    out.push(`skip locked limit: ${await result(b, 'SELECT id FROM fu_t ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED')}`);
    out.push(`skip locked: ${await result(b, 'SELECT id, v FROM fu_t ORDER BY id FOR NO KEY UPDATE SKIP LOCKED')}`);
    out.push(`skip locked offset: ${await result(b, 'SELECT id FROM fu_t ORDER BY id DESC OFFSET 1 FOR SHARE SKIP LOCKED')}`);
    await a.query('ROLLBACK');
    await a.query('BEGIN');
    await a.query('UPDATE fu_t SET v = 31 WHERE id = 3');
    out.push(`limit stops before a held row: ${await result(b, 'SELECT id FROM fu_t ORDER BY id LIMIT 2 FOR UPDATE')}`);
    out.push(`offset: ${await result(b, 'SELECT id FROM fu_t ORDER BY id OFFSET 1 LIMIT 1 FOR UPDATE')}`);
    await a.query('ROLLBACK');
    await waits('update / limit re-check', a, 'UPDATE fu_t SET v = 5 WHERE id = 1', b, 'SELECT * FROM fu_t WHERE v >= 10 ORDER BY id LIMIT 1 FOR UPDATE');
    out.push(`negative limit: ${await result(b, 'SELECT * FROM fu_t LIMIT -1 FOR UPDATE')}`);
    // A table without a primary key.
    await a.query('DROP TABLE IF EXISTS fu_n');
    await a.query('CREATE TABLE fu_n (id int, v int)');
    await a.query('INSERT INTO fu_n VALUES (1, 10), (2, 20)');
    await a.query('BEGIN');
    await a.query('UPDATE fu_n SET v = 11 WHERE id = 1');
    const pn = result(b, 'SELECT * FROM fu_n ORDER BY id FOR UPDATE');
    out.push(`no key: ${await stateAfter(pn, c)}`);
    await a.query('COMMIT');
    out.push(`no key: ${await pn}`);
    await a.query('DROP TABLE fu_n');
    // WITH: the main query locks its table's rows (the CTE is read, not locked).
    await waits('update / with for update', a, 'UPDATE fu_t SET v = 21 WHERE id = 2', b, 'WITH w AS (SELECT 2 AS id UNION ALL SELECT 2), x AS (SELECT 3 AS id) SELECT t.id, t.v FROM fu_t t WHERE t.id IN (SELECT id FROM w UNION SELECT id FROM x) ORDER BY t.id FOR UPDATE');
    // NOWAIT; REPEATABLE READ.
    await reset();
    await a.query('BEGIN');
    await a.query('UPDATE fu_t SET v = 11 WHERE id = 1');
    out.push(`nowait: ${await result(b, 'SELECT * FROM fu_t WHERE id = 1 FOR UPDATE NOWAIT')}`);
    out.push(`nowait free row: ${await result(b, 'SELECT * FROM fu_t WHERE id = 2 FOR UPDATE NOWAIT')}`);
    await a.query('COMMIT');
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await b.query('SELECT 1 FROM fu_t WHERE id = 3'); // the snapshot is taken now
    await a.query('UPDATE fu_t SET v = 12 WHERE id = 1');
    out.push(`repeatable read changed: ${await result(b, 'SELECT * FROM fu_t WHERE id = 1 FOR UPDATE')}`);
    await b.query('ROLLBACK');
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await b.query('SELECT 1 FROM fu_t WHERE id = 3');
    await a.query('UPDATE fu_t SET v = 13 WHERE id = 1');
    out.push(`repeatable read unchanged: ${await result(b, 'SELECT * FROM fu_t WHERE id = 2 FOR UPDATE')}`);
    await b.query('COMMIT');
    // Cancel, statement_timeout, lock_timeout end the wait; the row goes to the next waiter.
    await reset();
    await a.query('BEGIN');
    await a.query('UPDATE fu_t SET v = 11 WHERE id = 1');
    await b.query('BEGIN');
    const pb = result(b, 'SELECT * FROM fu_t WHERE id = 1 FOR UPDATE');
    out.push(`cancel: ${await stateAfter(pb, c)}`);
    out.push(`cancel: ${await cancelUntilSettled(port, backendKey(b), pb)}`);
    out.push(`after cancel: ${await result(b, 'SELECT 1 AS one')}`);
    await b.query('ROLLBACK');
    await b.query("SET statement_timeout = '150ms'");
    out.push(`statement_timeout: ${await result(b, 'SELECT * FROM fu_t WHERE id = 1 FOR UPDATE')}`);
    await b.query('RESET statement_timeout');
    await b.query("SET lock_timeout = '150ms'");
    out.push(`lock_timeout: ${await result(b, 'SELECT * FROM fu_t WHERE id = 1 FOR UPDATE')}`);
    await b.query('RESET lock_timeout');
    await a.query('ROLLBACK');
    // Autocommit: the locks end with the statement.
    out.push(`autocommit: ${await result(b, 'SELECT * FROM fu_t WHERE id = 1 FOR UPDATE')}`);
    out.push(`autocommit then update: ${await result(a, 'UPDATE fu_t SET v = 1 WHERE id = 1 RETURNING v')}`);
    // PostgreSQL's refusals.
    for (const q of [
      'SELECT count(*) FROM fu_t FOR UPDATE',
      'SELECT DISTINCT v FROM fu_t FOR SHARE',
      'SELECT v FROM fu_t GROUP BY v FOR UPDATE',
      'SELECT id FROM fu_t UNION SELECT id FROM fu_t FOR UPDATE',
      'SELECT row_number() OVER () FROM fu_t FOR KEY SHARE',
      'SELECT * FROM fu_t FOR UPDATE OF nosuch',
      'SELECT * FROM fu_t x FOR UPDATE OF fu_t',
      'SELECT 1 AS one FOR UPDATE',
      'SELECT 1 AS one FOR SHARE OF fu_t',
      'SELECT 1 AS one UNION SELECT 2 FOR UPDATE',
    ]) out.push(`${q}: ${await result(a, q)}`);
    await a.query('DROP TABLE fu_t');
  } finally {
    await Promise.all([a.end(), b.end(), c.end()]);
  }
  return out;
}

/**
 * Two transactions locking two rows in opposite order with FOR UPDATE: exactly one fails with
 * 40P01 (PostgreSQL: the one whose deadlock_timeout fires first, here the one closing the cycle),
 * the other gets both rows once the victim rolled back.
 */
async function deadlock(port: number): Promise<string[]> {
  const a = await connect(port);
  const b = await connect(port);
  try {
    await a.query('DROP TABLE IF EXISTS fu_d');
    await a.query('CREATE TABLE fu_d (id int PRIMARY KEY)');
    await a.query('INSERT INTO fu_d VALUES (1), (2)');
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('SELECT * FROM fu_d WHERE id = 1 FOR UPDATE');
    await b.query('SELECT * FROM fu_d WHERE id = 2 FOR UPDATE');
    const track = (c: Client, sql: string): Promise<string> => result(c, sql).then(async (r) => {
      if (r.startsWith('err')) await c.query('ROLLBACK');
      return r.replace(/ @\d+$/, '');
    });
    const pa = track(a, 'SELECT * FROM fu_d WHERE id = 2 FOR UPDATE');
    const probe = await connect(port);
    const state = await stateAfter(pa, probe);
    await probe.end();
    const pb = track(b, 'SELECT * FROM fu_d WHERE id = 1 FOR UPDATE');
    const got = [state, ...(await Promise.all([pa, pb])).sort()];
    await a.query('COMMIT').catch(() => undefined);
    await b.query('COMMIT').catch(() => undefined);
    await a.query('DROP TABLE fu_d');
    return got;
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

const DEADLOCK = ['waiting', 'err 40P01 deadlock detected', expect.stringMatching(/^ok \[\{"id":[12]\}\]$/)];

/** PostgreSQL 15's transcript (recorded with the sequence above). */
const EXPECTED: string[] = [
  'for update / update hold: ok [{"id":1,"v":10}]',
  'for update / update: waiting',
  'for update / update: ok [{"v":11}]',
  'for share / delete hold: ok [{"id":2},{"id":3}]',
  'for share / delete: waiting',
  'for share / delete: ok [{"id":3}]',
  'for no key update / for update hold: ok [{"id":2,"v":20}]',
  'for no key update / for update: waiting',
  'for no key update / for update: ok [{"id":2,"v":20}]',
  'update / for update hold: ok []',
  'update / for update: waiting',
  'update / for update: ok [{"id":1,"v":100}]',
  'update / for update re-check hold: ok []',
  'update / for update re-check: waiting',
  'update / for update re-check: ok [{"id":1,"v":10},{"id":3,"v":30}]',
  'delete / for update hold: ok []',
  'delete / for update: waiting',
  'delete / for update: ok [{"id":1,"v":10},{"id":2,"v":20}]',
  'update / for update of alias hold: ok []',
  'update / for update of alias: waiting',
  'update / for update of alias: ok [{"w":40},{"w":22}]',
  'for key share / truncate hold: ok [{"one":1}]',
  'for key share / truncate: waiting',
  'for key share / truncate: ok [] []',
  'for update / alter hold: ok []',
  'for update / alter: waiting',
  'for update / alter: ok [] [{"id":1,"v":10,"w":null},{"id":2,"v":20,"w":null},{"id":3,"v":30,"w":null}]',
  'truncate / for update hold: ok undefined',
  'truncate / for update: waiting',
  'truncate / for update: ok [{"id":9,"v":90}]',
  'drop / for update hold: ok []',
  'drop / for update: waiting',
  'drop / for update: err 42P01 relation "fu_t" does not exist @15',
  'skip locked limit: ok [{"id":2}]',
  'skip locked: ok [{"id":2,"v":20}]',
  'skip locked offset: ok []',
  'limit stops before a held row: ok [{"id":1},{"id":2}]',
  'offset: ok [{"id":2}]',
  'update / limit re-check hold: ok []',
  'update / limit re-check: waiting',
  'update / limit re-check: ok [{"id":2,"v":20}]',
  'negative limit: err 2201W LIMIT must not be negative',
  'no key: waiting',
  'no key: ok [{"id":1,"v":11},{"id":2,"v":20}]',
  'update / with for update hold: ok []',
  'update / with for update: waiting',
  'update / with for update: ok [{"id":2,"v":21},{"id":3,"v":30}]',
  'nowait: err 55P03 could not obtain lock on row in relation "fu_t"',
  'nowait free row: ok [{"id":2,"v":20}]',
  'repeatable read changed: err 40001 could not serialize access due to concurrent update',
  'repeatable read unchanged: ok [{"id":2,"v":20}]',
  'cancel: waiting',
  'cancel: err 57014 canceling statement due to user request',
  'after cancel: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  'statement_timeout: err 57014 canceling statement due to statement timeout',
  'lock_timeout: err 55P03 canceling statement due to lock timeout',
  'autocommit: ok [{"id":1,"v":10}]',
  'autocommit then update: ok [{"v":1}]',
  'SELECT count(*) FROM fu_t FOR UPDATE: err 0A000 FOR UPDATE is not allowed with aggregate functions',
  'SELECT DISTINCT v FROM fu_t FOR SHARE: err 0A000 FOR SHARE is not allowed with DISTINCT clause',
  'SELECT v FROM fu_t GROUP BY v FOR UPDATE: err 0A000 FOR UPDATE is not allowed with GROUP BY clause',
  'SELECT id FROM fu_t UNION SELECT id FROM fu_t FOR UPDATE: err 0A000 FOR UPDATE is not allowed with UNION/INTERSECT/EXCEPT',
  'SELECT row_number() OVER () FROM fu_t FOR KEY SHARE: err 0A000 FOR KEY SHARE is not allowed with window functions',
  'SELECT * FROM fu_t FOR UPDATE OF nosuch: err 42P01 relation "nosuch" in FOR UPDATE clause not found in FROM clause @34',
  'SELECT * FROM fu_t x FOR UPDATE OF fu_t: err 42P01 relation "fu_t" in FOR UPDATE clause not found in FROM clause @36',  'SELECT 1 AS one FOR UPDATE: ok [{"one":1}]',
  'SELECT 1 AS one FOR SHARE OF fu_t: err 42P01 relation "fu_t" in FOR SHARE clause not found in FROM clause @30',
  'SELECT 1 AS one UNION SELECT 2 FOR UPDATE: err 0A000 FOR UPDATE is not allowed with UNION/INTERSECT/EXCEPT',
];

describeWithOracle('SELECT … FOR UPDATE / SHARE', [
  { title: 'locks rows and the table as PostgreSQL 15 does', run: transcript, expected: EXPECTED },
  { title: 'two FOR UPDATE transactions in opposite order: one deadlock victim (40P01)', run: deadlock, expected: DEADLOCK, timeoutMs: 60_000 },
], { oracleTitle: 'PostgreSQL 15 gives the same transcript (the oracle, live)' });
