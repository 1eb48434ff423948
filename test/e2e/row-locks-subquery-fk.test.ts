// The relation lock a FOREIGN KEY action takes on the child table it rewrites (ON DELETE CASCADE,
// planner/dml/fk.ts → rel-lock.ts `lockRelated` with its mode name) is PostgreSQL's ROW EXCLUSIVE,
// and a deadlock report names it so; a NO ACTION check of the same child names ROW SHARE. A holds
// a row, B holds the child's ACCESS EXCLUSIVE lock (ALTER TABLE), A's DELETE of a parent row waits
// for the child, B waits for A's row: one fails with 40P01, the DETAIL lines compared as a set
// (which one is the victim differs: see row-locks-deadlock.test.ts).
import pg from 'pg';
import { expect } from 'vitest';
import { describeWithOracle } from './oracle-suite.js';
import { connect, sleep, type Client } from './locks-clients.js';

interface Outcome { results: string[]; detail: string[] }

async function cascade(port: number, action: string): Promise<Outcome> {
  const a = await connect(port);
  const b = await connect(port);
  try {
    for (const q of ['DROP TABLE IF EXISTS rlf_c, rlf_p, rlf_x', 'CREATE TABLE rlf_p (id int PRIMARY KEY)', `CREATE TABLE rlf_c (id int PRIMARY KEY, p int REFERENCES rlf_p ${action})`,
      'CREATE TABLE rlf_x (id int PRIMARY KEY, v int)', 'INSERT INTO rlf_p VALUES (1), (2)', 'INSERT INTO rlf_c VALUES (1, 1)', 'INSERT INTO rlf_x VALUES (1, 0)']) await a.query(q);
    await a.query('BEGIN');
    await a.query('UPDATE rlf_x SET v = 1 WHERE id = 1');
    await b.query('BEGIN');
    await b.query('ALTER TABLE rlf_c ADD COLUMN x int');
    let detail: string | undefined;
    const track = (p: Promise<pg.QueryResult>, c: Client): Promise<string> => p.then(
      (r) => `ok ${r.command}`,
      async (e: { code?: string; detail?: string }) => {
        detail = e.detail;
        await c.query('ROLLBACK');
        return `err ${e.code}`;
      },
    );
    // Parent row 2 has no child: the NO ACTION check still reads the child; row 1's cascade writes it.
    const pa = track(a.query('DELETE FROM rlf_p WHERE id IN (1, 2)'), a);
    await sleep(100);
    const pb = track(b.query('UPDATE rlf_x SET v = 2 WHERE id = 1'), b);
    const results = await Promise.all([pa, pb]);
    await a.query('COMMIT').catch(() => undefined);
    await b.query('COMMIT').catch(() => undefined);
    await a.query('DROP TABLE rlf_c, rlf_p, rlf_x');
    return { results, detail: (detail ?? '').replace(/\d+/g, 'N').replace(/ of database N/g, '').split('\n').sort() };
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
}

function check(mode: string) {
  return (r: Outcome): void => {
    expect(r.results.filter((x) => x === 'err 40P01')).toHaveLength(1);
    expect(r.results.filter((x) => x !== 'err 40P01')[0]).toMatch(/^ok (DELETE|UPDATE)$/);
    expect(r.detail).toEqual([
      `Process N waits for ${mode} on relation N; blocked by process N.`,
      'Process N waits for ShareLock on transaction N; blocked by process N.',
    ]);
  };
}

describeWithOracle('deadlock DETAIL: a FOREIGN KEY action locks the child as ROW EXCLUSIVE', [
  { title: 'ON DELETE CASCADE waits for RowExclusiveLock on the child', run: (p: number) => cascade(p, 'ON DELETE CASCADE'), check: check('RowExclusiveLock'), timeoutMs: 60_000 },
  { title: 'ON DELETE SET NULL waits for RowExclusiveLock on the child', run: (p: number) => cascade(p, 'ON DELETE SET NULL'), check: check('RowExclusiveLock'), timeoutMs: 60_000 },
], { oracleTitle: 'PostgreSQL 15 names the same mode (the oracle, live)' });
