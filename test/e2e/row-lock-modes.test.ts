// PostgreSQL's four row-lock strengths (docs "Row-Level Locks", table 13.3) as clients see them,
// two or three node-postgres clients against Pyralog and against a throw-away PostgreSQL 15 (the
// oracle, live): which statement waits for which — SELECT … FOR KEY SHARE / SHARE / NO KEY UPDATE
// / UPDATE, an UPDATE keeping the key (FOR NO KEY UPDATE), an UPDATE of the key and a DELETE (FOR
// UPDATE), a FOREIGN KEY check (FOR KEY SHARE on the parent); children of one parent inserted in
// parallel while a DELETE of the parent waits for them; NOWAIT / SKIP LOCKED / lock_timeout per
// strength; a deadlock of three transactions across strengths. Waits are observed without timed
// assertions (locks-clients.ts stateAfter).
import { expect } from 'vitest';
import { describeWithOracle } from './oracle-suite.js';
import { connect, outcome, result, stateAfter, sleep, type Client } from './locks-clients.js';

const SETUP = [
  'DROP TABLE IF EXISTS rlm_c, rlm_p',
  'CREATE TABLE rlm_p (id int PRIMARY KEY, v int)',
  'CREATE TABLE rlm_c (id int PRIMARY KEY, p int REFERENCES rlm_p)',
  'INSERT INTO rlm_p VALUES (1, 0), (2, 0), (3, 0)',
];

/** What holds the row (first client, transaction left open). */
const HOLDERS: Record<string, string> = {
  'FOR KEY SHARE': 'SELECT id FROM rlm_p WHERE id = 1 FOR KEY SHARE',
  'FOR SHARE': 'SELECT id FROM rlm_p WHERE id = 1 FOR SHARE',
  'FOR NO KEY UPDATE': 'SELECT id FROM rlm_p WHERE id = 1 FOR NO KEY UPDATE',
  'FOR UPDATE': 'SELECT id FROM rlm_p WHERE id = 1 FOR UPDATE',
  'UPDATE v': 'UPDATE rlm_p SET v = v + 1 WHERE id = 1',
  'INSERT child': 'INSERT INTO rlm_c VALUES (100, 1)',
};
/** What asks for it (second client). */
const ASKERS: Record<string, string> = {
  ...HOLDERS,
  'INSERT child': 'INSERT INTO rlm_c VALUES (200, 1)',
  'UPDATE id': 'UPDATE rlm_p SET id = 10 WHERE id = 1',
  DELETE: 'DELETE FROM rlm_p WHERE id = 1',
};

/** For each holder, the askers that wait (PostgreSQL 15; the oracle run checks it). */
const EXPECTED: Record<string, string[]> = {
  'FOR KEY SHARE': ['FOR UPDATE', 'UPDATE id', 'DELETE'],
  'FOR SHARE': ['FOR NO KEY UPDATE', 'FOR UPDATE', 'UPDATE v', 'UPDATE id', 'DELETE'],
  'FOR NO KEY UPDATE': ['FOR SHARE', 'FOR NO KEY UPDATE', 'FOR UPDATE', 'UPDATE v', 'UPDATE id', 'DELETE'],
  'FOR UPDATE': ['FOR KEY SHARE', 'FOR SHARE', 'FOR NO KEY UPDATE', 'FOR UPDATE', 'UPDATE v', 'INSERT child', 'UPDATE id', 'DELETE'],
  'UPDATE v': ['FOR SHARE', 'FOR NO KEY UPDATE', 'FOR UPDATE', 'UPDATE v', 'UPDATE id', 'DELETE'],
  'INSERT child': ['FOR UPDATE', 'UPDATE id', 'DELETE'],
};

/** Every (holder, asker) pair: the askers that waited, per holder. */
async function matrix(port: number): Promise<Record<string, string[]>> {
  const [a, b, probe] = await Promise.all([connect(port), connect(port), connect(port)]);
  try {
    for (const q of SETUP) await a.query(q);
    const out: Record<string, string[]> = {};
    for (const [hn, hold] of Object.entries(HOLDERS)) {
      out[hn] = [];
      for (const [an, ask] of Object.entries(ASKERS)) {
        await a.query('BEGIN');
        await a.query(hold);
        await b.query('BEGIN');
        const p = outcome(b.query(ask));
        const state = await stateAfter(p, probe);
        if (state === 'waiting') out[hn].push(an);
        await a.query('ROLLBACK');
        const end = await p;
        expect(end, `${hn} / ${an}`).toMatch(/^ok /);
        await b.query('ROLLBACK');
      }
    }
    return out;
  } finally {
    await Promise.all([a.end(), b.end(), probe.end()]);
  }
}

/** Two transactions insert children of one parent in parallel; a DELETE of the parent waits for
 *  both, an UPDATE of a non-key column of it does not. */
async function children(port: number): Promise<string[]> {
  const [a, b, c, probe] = await Promise.all([connect(port), connect(port), connect(port), connect(port)]);
  const log: string[] = [];
  try {
    for (const q of SETUP) await a.query(q);
    await a.query('BEGIN');
    log.push(await outcome(a.query('INSERT INTO rlm_c VALUES (1, 1)')));
    await b.query('BEGIN');
    log.push(`b insert: ${await stateAfter(outcome(b.query('INSERT INTO rlm_c VALUES (2, 1)')), probe)}`);
    log.push(`c update v: ${await stateAfter(outcome(c.query('UPDATE rlm_p SET v = 5 WHERE id = 1')), probe)}`);
    await c.query('BEGIN');
    const del = outcome(c.query('DELETE FROM rlm_p WHERE id = 1'));
    log.push(`c delete: ${await stateAfter(del, probe)}`);
    await a.query('COMMIT');
    log.push(`c delete after a commits: ${await stateAfter(del, probe)}`);
    await b.query('COMMIT');
    log.push(`c delete after b commits: ${await del}`);
    await c.query('ROLLBACK');
    log.push(await result(a, 'SELECT id, p FROM rlm_c ORDER BY id'));
    log.push(await result(a, 'SELECT id, v FROM rlm_p ORDER BY id'));
    return log;
  } finally {
    await Promise.all([a.end(), b.end(), c.end(), probe.end()]);
  }
}

/** A transaction that updated a parent row (FOR NO KEY UPDATE) and then deletes it upgrades to
 *  FOR UPDATE: it waits for a child inserted meanwhile, then finds it. */
async function upgrade(port: number): Promise<string[]> {
  const [a, b, probe] = await Promise.all([connect(port), connect(port), connect(port)]);
  const log: string[] = [];
  try {
    for (const q of SETUP) await a.query(q);
    await a.query('BEGIN');
    log.push(await outcome(a.query('UPDATE rlm_p SET v = 1 WHERE id = 2')));
    await b.query('BEGIN');
    log.push(`b insert: ${await stateAfter(outcome(b.query('INSERT INTO rlm_c VALUES (7, 2)')), probe)}`);
    const del = outcome(a.query('DELETE FROM rlm_p WHERE id = 2'));
    log.push(`a delete: ${await stateAfter(del, probe)}`);
    await b.query('COMMIT');
    log.push(`a delete after b commits: ${await del}`);
    await a.query('ROLLBACK');
    return log;
  } finally {
    await Promise.all([a.end(), b.end(), probe.end()]);
  }
}

/** NOWAIT, SKIP LOCKED and lock_timeout against a FOR SHARE holder, per strength. */
async function policies(port: number): Promise<string[]> {
  const [a, b] = await Promise.all([connect(port), connect(port)]);
  const log: string[] = [];
  try {
    for (const q of SETUP) await a.query(q);
    await a.query('BEGIN');
    await a.query('SELECT id FROM rlm_p WHERE id = 1 FOR SHARE');
    for (const s of ['KEY SHARE', 'SHARE', 'NO KEY UPDATE', 'UPDATE']) {
      await b.query('BEGIN');
      log.push(`${s} NOWAIT: ${await result(b, `SELECT id FROM rlm_p WHERE id = 1 FOR ${s} NOWAIT`)}`);
      await b.query('ROLLBACK');
      await b.query('BEGIN');
      log.push(`${s} SKIP LOCKED: ${await result(b, `SELECT id FROM rlm_p WHERE id <= 2 ORDER BY id FOR ${s} SKIP LOCKED`)}`);
      await b.query('ROLLBACK');
    }
    await b.query('BEGIN');
    await b.query("SET LOCAL lock_timeout = '50ms'");
    log.push(`UPDATE under lock_timeout: ${await result(b, 'UPDATE rlm_p SET v = 9 WHERE id = 1')}`);
    await b.query('ROLLBACK');
    await a.query('ROLLBACK');
    return log;
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

/**
 * Three transactions, a cycle across strengths: A holds row 1 FOR KEY SHARE, B row 2 FOR SHARE,
 * C row 3 FOR NO KEY UPDATE; C takes row 1 FOR NO KEY UPDATE (no conflict with KEY SHARE); then
 * A asks row 2 FOR UPDATE (waits for B), B row 3 FOR SHARE (waits for C), C row 1 FOR UPDATE
 * (waits for A). One of them fails with 40P01 (PostgreSQL: the first to wait, when its
 * deadlock_timeout check runs; Pyralog: the one closing the cycle), the others finish as their
 * blockers end. Outcomes and DETAIL lines (numbers as N) compared as sets.
 */
async function deadlock(port: number): Promise<{ results: string[]; detail: string[] }> {
  const cs = await Promise.all([connect(port), connect(port), connect(port)]);
  try {
    for (const q of SETUP) await cs[0]!.query(q);
    const holds = ['SELECT id FROM rlm_p WHERE id = 1 FOR KEY SHARE', 'SELECT id FROM rlm_p WHERE id = 2 FOR SHARE', 'SELECT id FROM rlm_p WHERE id = 3 FOR NO KEY UPDATE'];
    for (let i = 0; i < 3; i++) {
      await cs[i]!.query('BEGIN');
      await cs[i]!.query(holds[i]!);
    }
    await cs[2]!.query('SELECT id FROM rlm_p WHERE id = 1 FOR NO KEY UPDATE');
    const waits = ['SELECT id FROM rlm_p WHERE id = 2 FOR UPDATE', 'SELECT id FROM rlm_p WHERE id = 3 FOR SHARE', 'SELECT id FROM rlm_p WHERE id = 1 FOR UPDATE'];
    let detail = '';
    const pending = new Set<number>();
    const ends: Array<Promise<void>> = [];
    const results: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c: Client = cs[i]!;
      pending.add(i);
      ends.push(c.query(waits[i]!).then(
        async () => {
          results.push('ok');
          pending.delete(i);
          await c.query('COMMIT');
        },
        async (e: { code?: string; detail?: string }) => {
          results.push(`err ${e.code}`);
          detail = e.detail ?? '';
          pending.delete(i);
          await c.query('ROLLBACK');
        },
      ));
      await sleep(100);
    }
    await Promise.all(ends);
    return { results: results.sort(), detail: detail.replace(/\d+/g, 'N').replace(/ of database N/g, '').split('\n').sort() };
  } finally {
    await Promise.all(cs.map((c) => c.end()));
  }
}

describeWithOracle('row-lock strengths (PostgreSQL table 13.3)', [
  { title: 'which statement waits for which: SELECT … FOR each strength, UPDATE with and without a key change, DELETE, a FOREIGN KEY check', run: matrix, expected: EXPECTED, timeoutMs: 240_000 },
  {
    title: 'children of one parent are inserted in parallel; a non-key UPDATE of the parent does not wait for them, a DELETE of it waits for both and then finds them',
    run: children,
    expected: [
      'ok INSERT 1',
      'b insert: ok INSERT 1',
      'c update v: ok UPDATE 1',
      'c delete: waiting',
      'c delete after a commits: waiting',
      'c delete after b commits: err 23503 update or delete on table "rlm_p" violates foreign key constraint "rlm_c_p_fkey" on table "rlm_c"',
      'ok [{"id":1,"p":1},{"id":2,"p":1}]',
      'ok [{"id":1,"v":5},{"id":2,"v":0},{"id":3,"v":0}]',
    ],
    timeoutMs: 60_000,
  },
  {
    title: 'a transaction that updated a parent row and then deletes it waits for a child inserted meanwhile (FOR NO KEY UPDATE upgraded to FOR UPDATE)',
    run: upgrade,
    expected: [
      'ok UPDATE 1',
      'b insert: ok INSERT 1',
      'a delete: waiting',
      'a delete after b commits: err 23503 update or delete on table "rlm_p" violates foreign key constraint "rlm_c_p_fkey" on table "rlm_c"',
    ],
    timeoutMs: 60_000,
  },
  {
    title: 'NOWAIT, SKIP LOCKED and lock_timeout per strength against FOR SHARE',
    run: policies,
    expected: [
      'KEY SHARE NOWAIT: ok [{"id":1}]',
      'KEY SHARE SKIP LOCKED: ok [{"id":1},{"id":2}]',
      'SHARE NOWAIT: ok [{"id":1}]',
      'SHARE SKIP LOCKED: ok [{"id":1},{"id":2}]',
      'NO KEY UPDATE NOWAIT: err 55P03 could not obtain lock on row in relation "rlm_p"',
      'NO KEY UPDATE SKIP LOCKED: ok [{"id":2}]',
      'UPDATE NOWAIT: err 55P03 could not obtain lock on row in relation "rlm_p"',
      'UPDATE SKIP LOCKED: ok [{"id":2}]',
      'UPDATE under lock_timeout: err 55P03 canceling statement due to lock timeout',
    ],
    timeoutMs: 60_000,
  },
  {
    title: 'a deadlock of three transactions across strengths: one 40P01 with a line per edge, the others finish',
    run: deadlock,
    expected: {
      results: ['err 40P01', 'ok', 'ok'],
      detail: [
        'Process N waits for ShareLock on transaction N; blocked by process N.',
        'Process N waits for ShareLock on transaction N; blocked by process N.',
        'Process N waits for ShareLock on transaction N; blocked by process N.',
      ],
    },
    timeoutMs: 60_000,
  },
]);

