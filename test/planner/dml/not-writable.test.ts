// INSERT/UPDATE/DELETE on views, indexes and sequences: PostgreSQL 15.20's errors (a view it
// would update automatically is 0A000 here: writing through views is not built yet).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient([
  'CREATE TABLE t (v int)', 'CREATE INDEX idx ON t (v)', 'CREATE SEQUENCE sq',
  'CREATE VIEW v0 AS SELECT 1', 'CREATE VIEW vg AS SELECT v FROM t GROUP BY v', 'CREATE VIEW vd AS SELECT DISTINCT v FROM t',
  'CREATE VIEW vl AS SELECT v FROM t LIMIT 1', 'CREATE VIEW vw AS SELECT v, count(*) OVER () FROM t',
  'CREATE VIEW vu AS SELECT v FROM t UNION SELECT 1', 'CREATE VIEW vc AS WITH x AS (SELECT 1) SELECT v FROM t',
  'CREATE VIEW vs AS SELECT generate_series(1, 2) FROM t', 'CREATE VIEW ve AS SELECT v + 1 AS w FROM t',
  'CREATE VIEW va AS SELECT count(*) FROM t', 'CREATE VIEW vok AS SELECT v FROM t',
]);

async function errorOf(sql: string): Promise<Array<string | number | undefined>> {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.detail, e.fields.hint, e.fields.position];
}

const H = (gerund: string, op: string): string => `To enable ${gerund} the view, provide an INSTEAD OF ${op} trigger or an unconditional ON ${op} DO INSTEAD rule.`;

describe('writes to relations that are not tables', () => {
  it('views PostgreSQL would not update automatically: 55000 with its DETAIL and HINT', async () => {
    const single = 'Views that do not select from a single table or view are not automatically updatable.';
    expect(await errorOf('INSERT INTO v0 VALUES (1)')).toEqual(['55000', 'cannot insert into view "v0"', single, H('inserting into', 'INSERT'), undefined]);
    expect(await errorOf('UPDATE v0 SET "?column?" = 1')).toEqual(['55000', 'cannot update view "v0"', single, H('updating', 'UPDATE'), undefined]);
    expect(await errorOf('DELETE FROM v0')).toEqual(['55000', 'cannot delete from view "v0"', single, H('deleting from', 'DELETE'), undefined]);
    const cases: Array<[string, string]> = [
      ['vg', 'Views containing GROUP BY are not automatically updatable.'], ['vd', 'Views containing DISTINCT are not automatically updatable.'],
      ['vl', 'Views containing LIMIT or OFFSET are not automatically updatable.'], ['vw', 'Views that return window functions are not automatically updatable.'],
      ['vu', 'Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable.'], ['vc', 'Views containing WITH are not automatically updatable.'],
      ['vs', 'Views that return set-returning functions are not automatically updatable.'], ['va', 'Views that return aggregate functions are not automatically updatable.'],
    ];
    for (const [v, detail] of cases) expect((await errorOf(`DELETE FROM ${v}`))[2]).toBe(detail);
    expect((await errorOf('INSERT INTO ve VALUES (1)'))[2]).toBe('Views that have no updatable columns are not automatically updatable.');
    expect((await errorOf('DELETE FROM ve'))[0]).toBe('0A000'); // DELETE needs no updatable column: PostgreSQL would delete
  });

  it('an auto-updatable view is 0A000 (not built), never a silent no-op', async () => {
    expect((await errorOf('INSERT INTO vok VALUES (1)'))[0]).toBe('0A000');
  });

  it('indexes are refused with their position, sequences as PostgreSQL', async () => {
    expect(await errorOf('INSERT INTO idx VALUES (1)')).toEqual(['42809', '"idx" is an index', undefined, undefined, 13]);
    expect(await errorOf('UPDATE idx SET v = 2')).toEqual(['42809', '"idx" is an index', undefined, undefined, 8]);
    expect(await errorOf('DELETE FROM idx')).toEqual(['42809', '"idx" is an index', undefined, undefined, 13]);
    expect(await errorOf('INSERT INTO sq VALUES (1)')).toEqual(['42809', 'cannot change sequence "sq"', undefined, undefined, undefined]);
  });
});
