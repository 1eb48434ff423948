// Row-constructor comparisons and IN lists of rows; results recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient();
const one = async (sql: string): Promise<Array<string | null>> => (await client().query(sql)).text[0]!;

describe('row comparisons', () => {
  it('= and <> compare every field (three-valued)', async () => {
    expect(await one('SELECT row(1, 2) = row(1, 2), (1, 2) = (1, 3), (1, NULL) = (1, 2), (1, NULL) = (2, 2), (1, 2) <> (1, 3), (1, NULL) <> (1, 2)'))
      .toEqual(['t', 'f', null, 'f', 't', null]);
  });

  it('< <= > >= decide on the first unequal pair', async () => {
    expect(await one('SELECT (1, 2) < (1, 3), (1, 3) < (1, 2), (1, 2) <= (1, 2), (2, 0) > (1, 9), (1, 2) >= (1, 3), (NULL, 1) < (2, 2), (1, NULL) < (2, 2), (1, NULL) < (1, 2)'))
      .toEqual(['t', 'f', 't', 't', 'f', null, 't', null]);
  });

  it('IN lists of rows', async () => {
    expect(await one("SELECT (1, 2) IN ((1, 2)), (1, 2) IN ((3, 4), (1, 2)), (1, 2) NOT IN ((3, 4)), (1, 'a') IN ((1, 'b')), (1, NULL) IN ((1, 2))"))
      .toEqual(['t', 't', 't', 'f', null]);
  });

  it('refuses unequal lengths and non-ordering operators as PostgreSQL', async () => {
    const e = await client().error('SELECT (1, 2) = (1, 2, 3)');
    expect([e.code, e.message]).toEqual(['42601', 'unequal number of entries in row expressions']);
    const f = await client().error("SELECT ('a', 'b') ~ ('a', 'b')");
    expect([f.code, f.message]).toEqual(['42883', 'could not determine interpretation of row comparison operator ~']);
  });
});
