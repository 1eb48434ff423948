// A view that comes to read itself (CREATE OR REPLACE VIEW over its own name, directly or through
// other views and subqueries) is PostgreSQL 15.20's rewriter error when queried: 42P17 "infinite
// recursion detected in rules for relation", naming the view that repeats, without a position.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient([
  'CREATE TABLE test (val integer)',
  'INSERT INTO test VALUES (1), (2), (3)',
  'CREATE VIEW foo AS SELECT * FROM test',
  'CREATE VIEW foo2 AS SELECT * FROM foo',
  'CREATE VIEW foo3 AS SELECT * FROM foo',
]);
const err = async (sql: string): Promise<[string, string, number | undefined]> => {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.position];
};
const RECURSION = ['42P17', 'infinite recursion detected in rules for relation "foo"', undefined];

describe('view expansion recursion', () => {
  it('expands the same view twice side by side and nested in different views', async () => {
    expect((await client().query('SELECT count(*) FROM foo a, foo b, foo2, (SELECT * FROM foo3) s')).text).toEqual([['81']]);
  });

  it('reports a view that reads itself, directly or through another view or a subquery', async () => {
    await client().query('CREATE OR REPLACE VIEW foo AS SELECT * FROM foo');
    expect(await err('SELECT * FROM foo')).toEqual(RECURSION);
    expect(await err('SELECT * FROM foo3')).toEqual(RECURSION);
    expect(await err('SELECT (SELECT count(*) FROM foo)')).toEqual(RECURSION);
    await client().query('CREATE OR REPLACE VIEW foo AS SELECT * FROM test');
    await client().query('CREATE OR REPLACE VIEW foo AS SELECT val FROM test WHERE val IN (SELECT val FROM foo2)');
    expect(await err('SELECT * FROM foo2')).toEqual(['42P17', 'infinite recursion detected in rules for relation "foo2"', undefined]);
    await client().query('CREATE OR REPLACE VIEW foo AS SELECT * FROM test');
    expect((await client().query('SELECT * FROM foo2 ORDER BY 1')).text).toEqual([['1'], ['2'], ['3']]);
  });
});
