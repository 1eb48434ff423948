// FROM items that exist but that a name may not reach, and join aliases, as PostgreSQL 15.20
// resolves them: a non-LATERAL subquery naming an item to its left is "invalid reference to
// FROM-clause entry" (42P01) or, for a bare column, 42703 with the 'There is a column named'
// hint; `(a JOIN b) AS j (c, ...)` hides a and b (their names are "invalid reference") and
// exposes the join's visible columns, USING's merged ones first, renamed by the column aliases.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient([
  'CREATE TABLE int4_tbl (f1 int4)',
  'INSERT INTO int4_tbl VALUES (0), (123456), (-123456), (2147483647), (-2147483647)',
  'CREATE TABLE xx1 (x1 int, x2 int)',
]);
const err = async (sql: string): Promise<[string, string, string | undefined, number | undefined]> => {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.hint, e.fields.position];
};
const rows = async (sql: string): Promise<Array<Array<string | null>>> => (await client().query(sql)).text;

describe('names out of reach in FROM', () => {
  it('a non-LATERAL subquery cannot name the items to its left', async () => {
    expect(await err('SELECT * FROM int4_tbl a, (SELECT * FROM int4_tbl b WHERE b.f1 = a.f1) ss'))
      .toEqual(['42P01', 'invalid reference to FROM-clause entry for table "a"', 'There is an entry for table "a", but it cannot be referenced from this part of the query.', 66]);
    expect(await err('SELECT * FROM xx1, (SELECT * FROM int4_tbl WHERE f1 = x1) ss'))
      .toEqual(['42703', 'column "x1" does not exist', 'There is a column named "x1" in table "xx1", but it cannot be referenced from this part of the query.', 55]);
    // Nor can the ON clause of a join after a comma; a LATERAL item inside that join can.
    expect(await err('SELECT * FROM xx1 a, int4_tbl b JOIN int4_tbl c ON a.x1 = b.f1'))
      .toEqual(['42P01', 'invalid reference to FROM-clause entry for table "a"', 'There is an entry for table "a", but it cannot be referenced from this part of the query.', 52]);
    expect(await err('SELECT * FROM xx1, int4_tbl b JOIN int4_tbl c ON x1 = b.f1'))
      .toEqual(['42703', 'column "x1" does not exist', 'There is a column named "x1" in table "xx1", but it cannot be referenced from this part of the query.', 50]);
    expect(await rows('SELECT count(*) FROM int4_tbl a, int4_tbl b JOIN LATERAL (SELECT a.f1 AS g) s ON s.g = b.f1')).toEqual([['5']]);
    // LATERAL reaches them; an unknown name is still "missing".
    expect(await rows('SELECT count(*) FROM int4_tbl a, LATERAL (SELECT * FROM int4_tbl b WHERE b.f1 = a.f1) ss')).toEqual([['5']]);
    expect((await err('SELECT * FROM int4_tbl a, (SELECT * FROM int4_tbl b WHERE b.f1 = zz.f1) ss')).slice(0, 2))
      .toEqual(['42P01', 'missing FROM-clause entry for table "zz"']);
  });
});

describe('join aliases', () => {
  it('expose the join columns under the alias, column aliases renaming them', async () => {
    expect(await rows('SELECT * FROM ((SELECT f1/2 AS x FROM int4_tbl) ss1 JOIN int4_tbl i4 ON x = f1) j, LATERAL (SELECT x) ss2(y)')).toEqual([['0', '0', '0']]);
    expect(await rows('SELECT * FROM (int4_tbl a JOIN int4_tbl b USING (f1)) j WHERE j.f1 > 0 ORDER BY 1')).toEqual([['123456'], ['2147483647']]);
    expect(await rows('SELECT j.* FROM (int4_tbl a JOIN int4_tbl b USING (f1)) AS j(c) WHERE c < 0 ORDER BY 1')).toEqual([['-2147483647'], ['-123456']]);
    expect(await rows('SELECT j.c, j.f1 FROM (int4_tbl a JOIN int4_tbl b ON a.f1 = b.f1) AS j(c) WHERE c < 0 ORDER BY 1')).toEqual([['-2147483647', '-2147483647'], ['-123456', '-123456']]);
    expect(await rows('SELECT * FROM (int4_tbl a NATURAL FULL JOIN int4_tbl b) j, int4_tbl c WHERE j.f1 = c.f1 AND c.f1 = 0')).toEqual([['0', '0']]);
    expect(await rows('SELECT count(*) FROM (int4_tbl a CROSS JOIN int4_tbl b) j')).toEqual([['25']]);
  });

  it('hide the joined items and refuse too many column aliases', async () => {
    expect(await err('SELECT a.f1 FROM (int4_tbl a JOIN int4_tbl b ON a.f1 = b.f1) AS j'))
      .toEqual(['42P01', 'invalid reference to FROM-clause entry for table "a"', 'There is an entry for table "a", but it cannot be referenced from this part of the query.', 8]);
    expect((await err('SELECT f1 FROM (int4_tbl a JOIN int4_tbl b ON a.f1 = b.f1) AS j')).slice(0, 2)).toEqual(['42702', 'column reference "f1" is ambiguous']);
    expect((await err('SELECT * FROM (int4_tbl a JOIN int4_tbl b ON a.f1 = b.f1) AS j(c, d, e)')).slice(0, 2))
      .toEqual(['42P10', 'join expression "j" has 2 columns available but 3 columns specified']);
  });
});
