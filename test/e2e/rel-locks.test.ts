// Relation locks (planner/dml/rel-lock.ts) over TCP with several node-postgres clients: DML holds
// its table's lock in shared mode to the end of the transaction, TRUNCATE / ALTER TABLE / DROP
// hold it exclusively, each waits for the other, and a statement that waited works on the table
// as committed after the wait (a TRUNCATE's new storage, a rewrite's new column type, 42P01 after
// a DROP). The expected transcript is what PostgreSQL 15 gave; when its binaries are installed the
// same sequence also runs against a throw-away cluster and must give the same transcript.
// "waiting" means: not finished after a fourth client's statements sent later came back and a grace
// period passed, while the other transaction is open (locks-clients.ts stateAfter); a statement
// expected to go through is awaited without a deadline (it would hang the test).
import { it, expect } from 'vitest';
import pg from 'pg';
import { describeWithOracle } from './oracle-suite.js';
import { connect, outcome, rows, sleep, stateAfter, type Client } from './locks-clients.js';


/** The concurrent sequences on one server (table names unique to this test). */
async function transcript(port: number): Promise<string[]> {
  const a = await connect(port);
  const b = await connect(port);
  const c = await connect(port);
  const probe = await connect(port);
  const state = (p: Promise<string>): Promise<string> => stateAfter(p, probe);
  const out: string[] = [];
  const reset = async (): Promise<void> => {
    await a.query('DROP TABLE IF EXISTS rl_t');
    await a.query('CREATE TABLE rl_t (id int PRIMARY KEY, v int)');
    await a.query('INSERT INTO rl_t VALUES (1, 10), (2, 20)');
  };
  try {
    await a.query('DROP TABLE IF EXISTS rl_other');
    await a.query('CREATE TABLE rl_other (id int)');
    // The race: an INSERT during an open TRUNCATE waits and lands in the new storage.
    await reset();
    await a.query('BEGIN');
    await a.query('TRUNCATE rl_t');
    let p = outcome(b.query('INSERT INTO rl_t VALUES (3, 30)'));
    out.push(`truncate/insert: ${await state(p)}`);
    await a.query('COMMIT');
    out.push(`truncate/insert: ${await p} ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);

    // A rewrite (ALTER COLUMN TYPE): the waiting INSERT stores the new type.
    await reset();
    await a.query('BEGIN');
    await a.query('ALTER TABLE rl_t ALTER COLUMN v TYPE bigint');
    p = outcome(b.query('INSERT INTO rl_t VALUES (3, 30)'));
    out.push(`alter/insert: ${await state(p)}`);
    await a.query('COMMIT');
    out.push(`alter/insert: ${await p} ${await rows(a, 'SELECT id, v, pg_typeof(v)::text AS t FROM rl_t ORDER BY id')}`);

    // UPDATE / DELETE / INSERT … SELECT waiting for TRUNCATE find the truncated table.
    for (const q of ['UPDATE rl_t SET v = v + 1 WHERE id = 1', 'DELETE FROM rl_t WHERE id = 1', 'INSERT INTO rl_t SELECT 9, 90']) {
      await reset();
      await a.query('BEGIN');
      await a.query('TRUNCATE rl_t');
      p = outcome(b.query(q));
      out.push(`${q}: ${await state(p)}`);
      await a.query('COMMIT');
      out.push(`${q}: ${await p} ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);
    }

    // TRUNCATE waits for a transaction that wrote the table.
    await reset();
    await b.query('BEGIN');
    await b.query('INSERT INTO rl_t VALUES (5, 50)');
    p = outcome(a.query('TRUNCATE rl_t'));
    out.push(`writer/truncate: ${await state(p)}`);
    await b.query('COMMIT');
    out.push(`writer/truncate: ${await p} ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);

    // DROP TABLE vs a waiting INSERT: 42P01 once the DROP commits; the INSERT goes on after a
    // rolled-back DROP.
    await reset();
    await a.query('BEGIN');
    await a.query('DROP TABLE rl_t');
    p = outcome(b.query('INSERT INTO rl_t VALUES (3, 30)'));
    out.push(`drop/insert: ${await state(p)}`);
    await a.query('COMMIT');
    out.push(`drop/insert: ${await p}`);
    await reset();
    await a.query('BEGIN');
    await a.query('DROP TABLE rl_t');
    p = outcome(b.query('INSERT INTO rl_t VALUES (3, 30)'));
    out.push(`drop rolled back/insert: ${await state(p)}`);
    await a.query('ROLLBACK');
    out.push(`drop rolled back/insert: ${await p} ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);

    // lock_timeout and statement_timeout end the wait.
    await reset();
    await a.query('BEGIN');
    await a.query('TRUNCATE rl_t');
    await b.query("SET lock_timeout = '200ms'");
    out.push(`lock_timeout: ${await outcome(b.query('INSERT INTO rl_t VALUES (3, 30)'))}`);
    await b.query('RESET lock_timeout');
    await b.query("SET statement_timeout = '200ms'");
    out.push(`statement_timeout: ${await outcome(b.query('INSERT INTO rl_t VALUES (3, 30)'))}`);
    await b.query('RESET statement_timeout');
    await a.query('ROLLBACK');

    // Writers of different rows do not block each other (each holds the table shared).
    await reset();
    await a.query('BEGIN');
    await a.query('UPDATE rl_t SET v = 11 WHERE id = 1');
    await b.query('BEGIN');
    out.push(`concurrent update: ${await outcome(b.query('UPDATE rl_t SET v = 21 WHERE id = 2'))}`);
    out.push(`concurrent insert: ${await outcome(b.query('INSERT INTO rl_t VALUES (7, 70)'))}`);
    await a.query('COMMIT');
    await b.query('COMMIT');
    out.push(`concurrent: ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);

    // A queued TRUNCATE is not overtaken by a later INSERT (FIFO): the INSERT waits behind it.
    await reset();
    await a.query('BEGIN');
    await a.query('INSERT INTO rl_t VALUES (8, 80)');
    p = outcome(b.query('TRUNCATE rl_t'));
    out.push(`fifo truncate: ${await state(p)}`);
    const pc = outcome(c.query('INSERT INTO rl_t VALUES (9, 90)'));
    out.push(`fifo insert: ${await state(pc)}`);
    await a.query('COMMIT');
    out.push(`fifo: ${await p} / ${await pc} ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);

    // A transaction block that took its snapshot before another session's TRUNCATE committed
    // writes into the new storage.
    await reset();
    await b.query('BEGIN');
    await b.query('SELECT count(*) FROM rl_other'); // the snapshot is taken now
    await a.query('TRUNCATE rl_t');
    out.push(`stale block insert: ${await outcome(b.query('INSERT INTO rl_t VALUES (4, 40)'))}`);
    await b.query('COMMIT');
    out.push(`stale block: ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);

    // The same transaction truncates between two INSERTs: the second lands in the new storage.
    await reset();
    await b.query('BEGIN');
    await b.query('INSERT INTO rl_t VALUES (3, 30)');
    await b.query('TRUNCATE rl_t');
    await b.query('INSERT INTO rl_t VALUES (4, 40)');
    await b.query('COMMIT');
    out.push(`own truncate: ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);

    // A named prepared INSERT run before and after another session's TRUNCATE.
    await reset();
    const ins = (id: number): Promise<string> => outcome(b.query({ name: 'rl_ins', text: 'INSERT INTO rl_t VALUES ($1, $2)', values: [id, id * 10] }));
    out.push(`prepared before: ${await ins(3)}`);
    await a.query('TRUNCATE rl_t');
    out.push(`prepared after truncate: ${await ins(4)} ${await rows(a, 'SELECT * FROM rl_t ORDER BY id')}`);
    await a.query('DROP TABLE IF EXISTS rl_t, rl_other');
  } finally {
    await Promise.all([a.end(), b.end(), c.end(), probe.end()]);
  }
  return out;
}

/** PostgreSQL 15's transcript (recorded with the sequence above). */
const EXPECTED = [
  'truncate/insert: waiting',
  'truncate/insert: ok INSERT 1 [{"id":3,"v":30}]',
  'alter/insert: waiting',
  'alter/insert: ok INSERT 1 [{"id":1,"v":"10","t":"bigint"},{"id":2,"v":"20","t":"bigint"},{"id":3,"v":"30","t":"bigint"}]',
  'UPDATE rl_t SET v = v + 1 WHERE id = 1: waiting',
  'UPDATE rl_t SET v = v + 1 WHERE id = 1: ok UPDATE 0 []',
  'DELETE FROM rl_t WHERE id = 1: waiting',
  'DELETE FROM rl_t WHERE id = 1: ok DELETE 0 []',
  'INSERT INTO rl_t SELECT 9, 90: waiting',
  'INSERT INTO rl_t SELECT 9, 90: ok INSERT 1 [{"id":9,"v":90}]',
  'writer/truncate: waiting',
  'writer/truncate: ok TRUNCATE []',
  'drop/insert: waiting',
  'drop/insert: err 42P01 relation "rl_t" does not exist @13',
  'drop rolled back/insert: waiting',
  'drop rolled back/insert: ok INSERT 1 [{"id":1,"v":10},{"id":2,"v":20},{"id":3,"v":30}]',
  'lock_timeout: err 55P03 canceling statement due to lock timeout @13',
  'statement_timeout: err 57014 canceling statement due to statement timeout',
  'concurrent update: ok UPDATE 1',
  'concurrent insert: ok INSERT 1',
  'concurrent: [{"id":1,"v":11},{"id":2,"v":21},{"id":7,"v":70}]',
  'fifo truncate: waiting',
  'fifo insert: waiting',
  'fifo: ok TRUNCATE / ok INSERT 1 [{"id":9,"v":90}]',
  'stale block insert: ok INSERT 1',
  'stale block: [{"id":4,"v":40}]',
  'own truncate: [{"id":4,"v":40}]',
  'prepared before: ok INSERT 1',
  'prepared after truncate: ok INSERT 1 [{"id":4,"v":40}]',
];

/**
 * A deadlock through a row lock and a relation lock: A holds a row of rl_d1 and waits for rl_d2's
 * relation lock (B truncated rl_d2); B then waits for A's row. Exactly one of them fails with
 * 40P01 and PostgreSQL's DETAIL shape; the other goes on once the victim rolls back. (Which one
 * is the victim differs: PostgreSQL's deadlock_timeout check fires first in the transaction that
 * waited first; Pyralog checks when a transaction starts waiting, so the one closing the cycle
 * is the victim.)
 */
async function deadlock(port: number): Promise<{ a: string; b: string; detail: string | undefined }> {
  const a = await connect(port);
  const b = await connect(port);
  try {
    await a.query('DROP TABLE IF EXISTS rl_d1, rl_d2');
    await a.query('CREATE TABLE rl_d1 (id int PRIMARY KEY, v int)');
    await a.query('CREATE TABLE rl_d2 (id int PRIMARY KEY)');
    await a.query('INSERT INTO rl_d1 VALUES (1, 0)');
    await a.query('BEGIN');
    await a.query('UPDATE rl_d1 SET v = 1 WHERE id = 1');
    await b.query('BEGIN');
    await b.query('TRUNCATE rl_d2');
    let detail: string | undefined;
    const track = (p: Promise<pg.QueryResult>, c: Client): Promise<string> => p.then(
      (r) => `ok ${r.command}`,
      async (e: { code?: string; detail?: string }) => {
        detail = e.detail;
        await c.query('ROLLBACK');
        return `err ${e.code}`;
      },
    );
    const pa = track(a.query('INSERT INTO rl_d2 VALUES (1)'), a);
    await sleep(100);
    const pb = track(b.query('UPDATE rl_d1 SET v = 2 WHERE id = 1'), b);
    const [ra, rb] = await Promise.all([pa, pb]);
    await a.query('COMMIT').catch(() => undefined);
    await b.query('COMMIT').catch(() => undefined);
    await a.query('DROP TABLE rl_d1, rl_d2');
    return { a: ra, b: rb, detail: detail?.replace(/\d+/g, 'N') };
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

function checkDeadlock(r: { a: string; b: string; detail: string | undefined }, onPostgres: boolean): void {
  const lines = (r.detail ?? '').split('\n').sort();
  const expected = [
    'Process N waits for RowExclusiveLock on relation N of database N; blocked by process N.',
    'Process N waits for ShareLock on transaction N; blocked by process N.',
  ];
  if (onPostgres) {
    expect([r.a, r.b].sort()[0]).toBe('err 40P01');
    expect(lines).toEqual(expected);
    return;
  }
  // One victim; the other statement completes once the victim rolled back.
  expect([r.a, r.b].sort()).toEqual(r.a.startsWith('err') ? ['err 40P01', 'ok UPDATE'] : ['err 40P01', 'ok INSERT']);
  expect(lines).toEqual(expected.map((l) => havePgShape(l)).sort());
}

/** Pyralog names the relation by OID only (no database OID): compare up to that. */
function havePgShape(line: string): string {
  return line.replace(' of database N', '');
}

describeWithOracle('relation locks: DML vs TRUNCATE / ALTER / DROP', [
  { title: 'wait for each other and work on the table as committed after the wait, as PostgreSQL 15 does', run: transcript, expected: EXPECTED },
  { title: "a cycle through a row lock and a relation lock is a deadlock (40P01) with PostgreSQL's DETAIL", run: deadlock, check: checkDeadlock, timeoutMs: 60_000 },
], {
  oracleTitle: 'PostgreSQL 15 gives the same transcript (the oracle, live)',
  more: ({ port }) => {
    it('REPEATABLE READ: an INSERT whose snapshot predates a committed TRUNCATE fails with 40001 (documented divergence)', async () => {
      const a = await connect(port());
      const b = await connect(port());
      try {
        await a.query('CREATE TABLE rl_rr (id int PRIMARY KEY)');
        await a.query('CREATE TABLE rl_rr2 (id int)');
        await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        await b.query('SELECT count(*) FROM rl_rr2'); // the snapshot is taken now
        await a.query('TRUNCATE rl_rr');
        expect(await outcome(b.query('INSERT INTO rl_rr VALUES (1)'))).toBe('err 40001 could not serialize access due to concurrent update');
        await b.query('ROLLBACK');
        expect(await rows(a, 'SELECT * FROM rl_rr')).toBe('[]');
        await a.query('DROP TABLE rl_rr, rl_rr2');
      } finally {
        await Promise.all([a.end(), b.end()]);
      }
    }, 60_000);
  },
});
