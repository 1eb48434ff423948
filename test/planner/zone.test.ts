// AT TIME ZONE follows PostgreSQL's timestamp-function zone rules (abbreviations first, a bare
// number counts hours west), while the session TimeZone follows SET TIME ZONE rules. Expected
// values were taken from PostgreSQL 15.
import { describe, it, expect } from 'vitest';
import { openSession, query, withEngine } from './helpers.js';

describe('time zones named in expressions', () => {
  it('AT TIME ZONE with a number, an abbreviation and a region', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const [r] = await query(
        s,
        "SELECT timestamptz '2024-01-02 03:04:05+00' AT TIME ZONE '-7', timestamptz '2024-01-02 03:04:05+00' AT TIME ZONE 'PST', timestamptz '2024-01-02 03:04:05+00' AT TIME ZONE 'America/New_York'",
      );
      expect(r!.rows).toEqual([['2024-01-02 10:04:05', '2024-01-01 19:04:05', '2024-01-01 22:04:05']]);
    });
  });

  it('an unknown zone is 22023', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      await expect(query(s, "SELECT now() AT TIME ZONE 'Nowhere/Else'")).rejects.toMatchObject({ code: '22023', message: 'time zone "Nowhere/Else" not recognized' });
    });
  });
});
