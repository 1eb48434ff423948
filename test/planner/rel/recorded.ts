// Shared runner for query lists recorded from PostgreSQL 15: each entry is [query, rows as
// psql printed them (columns joined by '|', NULL as ''), or ['ERROR <code> <message>']]. Rows
// compare in order when the query has ORDER BY, as a sorted multiset otherwise.
import { describe, expect, it } from 'vitest';
import { useClient, type Client } from '../../sql/harness.js';

export type Recorded = Array<[string, string[]]>;

/** One describe block over a fresh engine: `setup` statements, then one test per query. */
export function describeRecorded(title: string, setup: readonly string[], queries: Recorded, more?: (client: () => Client) => void): void {
  const client = useClient(setup);

  describe(title, () => {
    for (const [sql, rows] of queries) {
      it(sql, async () => {
        const c = client();
        if (rows[0]?.startsWith('ERROR ')) {
          const e = await c.error(sql);
          expect([`ERROR ${e.code} ${e.message}`]).toEqual(rows);
          return;
        }
        const r = await c.query(sql);
        const got = r.text.map((row) => row.map((v) => v ?? '').join('|'));
        if (/ORDER BY/.test(sql)) expect(got).toEqual(rows);
        else expect([...got].sort()).toEqual([...rows].sort());
      });
    }
    more?.(client);
  });
}
