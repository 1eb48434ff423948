// Deadlock reports name the relation lock mode PostgreSQL names (lsm/mvcc/locks.ts `lockName`,
// the mode carried by dml/rel-lock.ts): SELECT … FOR UPDATE and a FOREIGN KEY check wait for
// RowShareLock, DML for RowExclusiveLock. Each case: A holds a row, B holds a table's ACCESS
// EXCLUSIVE lock (TRUNCATE / ALTER TABLE), A waits for the table, B for A's row: one of them
// fails with 40P01 and the DETAIL has one line per edge of the cycle.
// Which one is the victim differs (PostgreSQL's deadlock_timeout check fires first in the
// transaction that waited first; Pyralog checks when a transaction starts waiting, so the one
// closing the cycle is the victim); the DETAIL lines are compared as a set, and Pyralog names the
// relation without "of database N".
import pg from 'pg';
import { expect } from 'vitest';
import { describeWithOracle } from './oracle-suite.js';
import { connect, sleep, type Client } from './locks-clients.js';

interface Outcome { results: string[]; detail: string[] }

/** A holds `aHold` and then runs `aWait`; B holds `bHold` and then runs `bWait`. */
async function cycle(port: number, setup: string[], aHold: string, bHold: string, aWait: string, bWait: string, cleanup: string): Promise<Outcome> {
  const a = await connect(port);
  const b = await connect(port);
  try {
    for (const q of setup) await a.query(q);
    await a.query('BEGIN');
    await a.query(aHold);
    await b.query('BEGIN');
    await b.query(bHold);
    let detail: string | undefined;
    const track = (p: Promise<pg.QueryResult>, c: Client): Promise<string> => p.then(
      (r) => `ok ${r.command}`,
      async (e: { code?: string; detail?: string }) => {
        detail = e.detail;
        await c.query('ROLLBACK');
        return `err ${e.code}`;
      },
    );
    const pa = track(a.query(aWait), a);
    await sleep(100);
    const pb = track(b.query(bWait), b);
    const results = await Promise.all([pa, pb]);
    await a.query('COMMIT').catch(() => undefined);
    await b.query('COMMIT').catch(() => undefined);
    await a.query(cleanup);
    return { results, detail: (detail ?? '').replace(/\d+/g, 'N').replace(/ of database N/g, '').split('\n').sort() };
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

function forUpdate(port: number): Promise<Outcome> {
  return cycle(port, ['DROP TABLE IF EXISTS rld_1, rld_2', 'CREATE TABLE rld_1 (id int PRIMARY KEY, v int)', 'CREATE TABLE rld_2 (id int PRIMARY KEY)', 'INSERT INTO rld_1 VALUES (1, 0)'],
    'UPDATE rld_1 SET v = 1 WHERE id = 1', 'TRUNCATE rld_2',
    'SELECT * FROM rld_2 FOR UPDATE', 'UPDATE rld_1 SET v = 2 WHERE id = 1', 'DROP TABLE rld_1, rld_2');
}

function foreignKey(port: number): Promise<Outcome> {
  return cycle(port, ['DROP TABLE IF EXISTS rld_c, rld_p', 'CREATE TABLE rld_p (id int PRIMARY KEY)', 'CREATE TABLE rld_c (id int PRIMARY KEY, p int REFERENCES rld_p)', 'INSERT INTO rld_p VALUES (1)', 'INSERT INTO rld_c VALUES (1, NULL)'],
    'UPDATE rld_c SET id = 2 WHERE id = 1', 'ALTER TABLE rld_p ADD COLUMN x int',
    'INSERT INTO rld_c VALUES (3, 1)', 'UPDATE rld_c SET id = 4 WHERE id = 1', 'DROP TABLE rld_c, rld_p');
}

function check(mode: string, okCommand: string) {
  return (r: Outcome): void => {
    expect(r.results.filter((x) => x === 'err 40P01')).toHaveLength(1);
    expect(r.results.filter((x) => x !== 'err 40P01')[0]).toMatch(new RegExp(`^(ok ${okCommand}|ok UPDATE)$`));
    expect(r.detail).toEqual([
      `Process N waits for ${mode} on relation N; blocked by process N.`,
      'Process N waits for ShareLock on transaction N; blocked by process N.',
    ]);
  };
}

describeWithOracle('deadlock DETAIL: the relation lock modes PostgreSQL names', [
  { title: 'SELECT … FOR UPDATE waits for RowShareLock', run: forUpdate, check: check('RowShareLock', 'SELECT'), timeoutMs: 60_000 },
  { title: 'a FOREIGN KEY check waits for RowShareLock on the referenced table', run: foreignKey, check: check('RowShareLock', 'INSERT'), timeoutMs: 60_000 },
], { oracleTitle: 'PostgreSQL 15 names the same modes (the oracle, live)' });
