// timestamptz → timestamp computes the wall clock in the session's zone directly (casts.ts
// timestamptzToLocal) instead of through text; the answers were recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { DbError } from '../../../catalog/index.js';
import { withEngine, openSession, query } from '../helpers.js';

async function one(s: Parameters<typeof query>[0], sql: string): Promise<string | null | DbError> {
  try {
    const r = await query(s, sql);
    return r.at(-1)!.rows[0]![0]!;
  } catch (e) {
    if (e instanceof DbError) return e;
    throw e;
  }
}

describe('timestamptz::timestamp', () => {
  it("gives PostgreSQL 15's wall clock, infinities and range errors", async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const cases: [string, string, string][] = [
        ['America/New_York', "'2026-03-08 06:59:59+00'", '2026-03-08 01:59:59'],
        ['America/New_York', "'2026-03-08 07:00:00+00'", '2026-03-08 03:00:00'],
        ['America/New_York', "'infinity'", 'infinity'],
        ['America/New_York', "'-infinity'", '-infinity'],
        ['Asia/Tokyo', "'2026-11-25 01:02:03.456789+00'", '2026-11-25 10:02:03.456789'],
        // Local mean time before the zone's first transition, as PostgreSQL's tzdata gives it.
        ['Asia/Tokyo', "'4714-11-24 00:00:00+00 BC'", '4714-11-24 09:18:59 BC'],
        ['America/New_York', "'4714-11-24 05:00:00+00 BC'", '4714-11-24 00:03:58 BC'],
      ];
      for (const [zone, lit, want] of cases) {
        await query(s, `SET TIME ZONE '${zone}'`);
        expect([zone, lit, await one(s, `SELECT ${lit}::timestamptz::timestamp`)]).toEqual([zone, lit, want]);
      }
      for (const [zone, lit] of [['Asia/Tokyo', "'294276-12-31 23:59:59+00'"], ['America/New_York', "'4714-11-24 04:00:00+00 BC'"]]) {
        await query(s, `SET TIME ZONE '${zone}'`);
        const e = await one(s, `SELECT ${lit}::timestamptz::timestamp`);
        expect(e instanceof DbError ? [e.code, e.message] : e).toEqual(['22008', 'timestamp out of range']);
      }
      // With a precision the value is rounded (the text path).
      await query(s, "SET TIME ZONE 'UTC'");
      expect(await one(s, "SELECT '2026-11-25 01:02:03.456789+00'::timestamptz::timestamp(2)")).toBe('2026-11-25 01:02:03.46');
    });
  });
});
