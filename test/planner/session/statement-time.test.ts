// Statement and transaction timestamps (planner/session/tx.ts, session.ts): a statement records its
// start as one performance.now() reading and makes the timestamp only when a function asks. As in
// PostgreSQL (StartTransaction sets xactStartTimestamp = stmtStartTimestamp), an autocommit
// statement's transaction starts at the statement's start: now() = statement_timestamp(); inside a
// block later statements start later; each autocommit statement gets a new time.
import { describe, expect, it } from 'vitest';
import { withEngine, openSession, scalar, query } from '../helpers.js';

describe('statement and transaction timestamps', () => {
  it('now() = statement_timestamp() in an autocommit statement; later in a block; new per statement', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      expect(await scalar(s, 'SELECT now() = statement_timestamp() AND transaction_timestamp() = statement_timestamp()')).toBe('t');
      const a = await scalar(s, 'SELECT statement_timestamp()');
      await new Promise((r) => setTimeout(r, 5));
      const b = await scalar(s, 'SELECT statement_timestamp()');
      expect(b! > a!).toBe(true);
      // Stable within the statement: every row sees the same value.
      expect(await scalar(s, 'SELECT count(DISTINCT statement_timestamp()) FROM generate_series(1, 1000)')).toBe('1');
      await query(s, 'BEGIN');
      const t = await scalar(s, 'SELECT now()');
      await new Promise((r) => setTimeout(r, 5));
      expect(await scalar(s, 'SELECT statement_timestamp() > now()')).toBe('t');
      expect(await scalar(s, 'SELECT now()')).toBe(t);
      await query(s, 'COMMIT');
      // A timestamp within a few seconds of the wall clock (the µs epoch is 2000-01-01).
      const wall = await scalar(s, "SELECT abs(extract(epoch FROM statement_timestamp()) - extract(epoch FROM clock_timestamp())) < 5");
      expect(wall).toBe('t');
      s.close();
    });
  });
});
