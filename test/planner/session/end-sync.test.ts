// The end of an implicit transaction that wrote nothing is synchronous (planner/rel/runtime.ts
// TableSession.end, PlannerSession.endImplicit): an autocommit SELECT over a table reaches
// ReadyForQuery without a promise or a microtask hop. A transaction that wrote waits for its commit
// (a promise), and what either one did is what PostgreSQL shows afterwards: the SELECT's snapshot
// is released (a later statement sees newer commits), the write is durable and visible, a failed
// write leaves nothing.
import { describe, expect, it } from 'vitest';
import type { SqlSession, Value } from '../../../planner/api.js';
import { DbError } from '../../../catalog/index.js';
import { withEngine, openSession, query } from '../helpers.js';

/** Runs one statement without ending its implicit transaction; returns its rows' first column. */
async function statement(s: SqlSession, sql: string): Promise<Value[]> {
  const [st] = s.parse(sql);
  const ex = await s.execute(s.prepare(st!, []), [], { reason: undefined });
  if (ex.kind !== 'rows') throw new Error(`unexpected ${ex.kind}`);
  const r = await ex.cursor.fetch(0);
  ex.cursor.close();
  return r.rows.map((row) => row[0]!);
}

describe('TableSession.end', () => {
  it('is synchronous after an autocommit read, a promise after a write', async () => {
    await withEngine(async (engine) => {
      const a = openSession(engine);
      const b = openSession(engine);
      await query(a, 'CREATE TABLE acc (aid int PRIMARY KEY, abalance int)');
      await query(a, 'INSERT INTO acc VALUES (1, 10), (2, 20)');

      // A point lookup and a scan: nothing written, the end returns no promise.
      expect(await statement(a, 'SELECT abalance FROM acc WHERE aid = 2')).toEqual([20]);
      expect(a.endImplicit(false)).toBeUndefined();
      expect((await statement(a, 'SELECT aid FROM acc ORDER BY aid')).length).toBe(2);
      expect(a.endImplicit(false)).toBeUndefined();

      // Its snapshot was released: another session's later commit is seen by the next read.
      await query(b, 'UPDATE acc SET abalance = 21 WHERE aid = 2');
      expect(await statement(a, 'SELECT abalance FROM acc WHERE aid = 2')).toEqual([21]);
      expect(a.endImplicit(false)).toBeUndefined();

      // A write commits through the WAL: a promise, and the row is there after it.
      await statement(a, 'UPDATE acc SET abalance = 11 WHERE aid = 1');
      const ending = a.endImplicit(false);
      expect(ending).toBeInstanceOf(Promise);
      await ending;
      expect(await query(b, 'SELECT abalance FROM acc WHERE aid = 1')).toMatchObject([{ rows: [['11']] }]);

      // A failed statement after a write: the rollback is synchronous and nothing stays.
      await statement(a, 'UPDATE acc SET abalance = 12 WHERE aid = 1');
      const err = await statement(a, 'SELECT 1 / 0').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DbError);
      a.statementFailed(err as DbError);
      expect(a.endImplicit(true)).toBeUndefined();
      expect(await query(b, 'SELECT abalance FROM acc WHERE aid = 1')).toMatchObject([{ rows: [['11']] }]);

      // A read inside a transaction block ends nothing; its COMMIT is synchronous when it wrote
      // nothing, and the block's write commits through a promise.
      await query(a, 'BEGIN');
      expect(await statement(a, 'SELECT abalance FROM acc WHERE aid = 1')).toEqual([11]);
      expect(a.endImplicit(false)).toBeUndefined();
      await query(a, 'COMMIT');
      await query(a, 'BEGIN');
      await statement(a, 'UPDATE acc SET abalance = 13 WHERE aid = 1');
      expect(a.endImplicit(false)).toBeUndefined(); // still in the block
      await query(a, 'COMMIT');
      expect(await query(b, 'SELECT abalance FROM acc WHERE aid = 1')).toMatchObject([{ rows: [['13']] }]);
      a.close();
      b.close();
    });
  });
});
