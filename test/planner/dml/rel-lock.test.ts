// planner/dml/rel-lock.ts: a DML statement's shared relation lock is taken synchronously when it
// waits for no one (takeTarget answers undefined: no promise), and through a promise only while
// DDL holds the relation — real engine sessions, the engine's own lock manager.
import { describe, it, expect } from 'vitest';
import { withEngine, openSession, query } from '../helpers.js';
import { RelTarget, lockTarget, takeTarget, RelationChanged } from '../../../planner/dml/rel-lock.js';
import type { TableSession } from '../../../planner/rel/runtime.js';
import type { EvalContext } from '../../../planner/bind/expr.js';
import type { SqlSession } from '../../../planner/index.js';

const tablesOf = (s: SqlSession): TableSession => (s as unknown as { tables: TableSession }).tables;
const ctxOf = (ts: TableSession): EvalContext => ({ tables: ts, cancel: { reason: undefined } }) as unknown as EvalContext;

function targetOf(ts: TableSession, name: string): RelTarget {
  const tab = ts.catalog.latestTable(ts.writer(), 'postgres', 'public', name, false);
  if (!tab) throw new Error(`no table ${name}`);
  return new RelTarget(tab);
}

describe('rel-lock: the shared relation lock of a DML statement', () => {
  it('is taken without a promise when uncontended, and with one while DDL holds the relation', async () => {
    await withEngine(async (engine) => {
      const a = openSession(engine);
      const b = openSession(engine);
      await query(a, 'CREATE TABLE rl_t (id int PRIMARY KEY, v int)');
      const ta = tablesOf(a);
      await query(a, 'BEGIN');
      const t = targetOf(ta, 'rl_t');
      // Uncontended: synchronous, and the transaction holds the lock (a TRUNCATE elsewhere waits).
      expect(takeTarget(ta, t, ctxOf(ta))).toBeUndefined();
      expect(t.heldBy).toBe(ta.current());
      // A second statement of the same transaction: still synchronous.
      expect(takeTarget(ta, t, ctxOf(ta))).toBeUndefined();
      const trunc = query(b, 'TRUNCATE rl_t');
      let truncated = false;
      void trunc.then(() => (truncated = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(truncated).toBe(false);
      await query(a, 'COMMIT');
      await trunc;

      // DDL holds it: the statement gets a promise that settles when the DDL ends.
      await query(b, 'BEGIN');
      await query(b, 'ALTER TABLE rl_t ADD COLUMN w int');
      await query(a, 'BEGIN');
      const t2 = targetOf(ta, 'rl_t');
      const p = takeTarget(ta, t2, ctxOf(ta));
      expect(p).toBeInstanceOf(Promise);
      let done: unknown = 'pending';
      void p!.then(() => (done = 'ok'), (e: unknown) => (done = e));
      await new Promise((r) => setTimeout(r, 50));
      expect(done).toBe('pending');
      await query(b, 'COMMIT');
      await p!.catch(() => undefined);
      // The relation changed while it waited (a column added): planned again (RelationChanged).
      expect(done).toBeInstanceOf(RelationChanged);
      await query(a, 'ROLLBACK');

      // lockTarget (the promise form, COPY's) resolves for the uncontended case too.
      await query(a, 'BEGIN');
      const t3 = targetOf(ta, 'rl_t');
      await expect(lockTarget(ta, t3, ctxOf(ta))).resolves.toBeUndefined();
      await query(a, 'ROLLBACK');
      await a.close?.();
      await b.close?.();
    });
  });
});
