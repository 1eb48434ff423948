// The name of a scalar subquery over `*` in a select list: PostgreSQL's FigureColname names it
// after the subquery's first output column, so a view over it gets that column name and a
// view that comes to read itself through another view is 42P17 when read. Recorded from
// PostgreSQL 15.20 (psql -At).
import { expect, it } from 'vitest';
import { describeRecorded, type Recorded } from './recorded.js';

const SETUP = [
  "CREATE TABLE sv (val int, w text)",
  "INSERT INTO sv VALUES (1, 'a')",
  "CREATE VIEW sv1 AS SELECT (SELECT * FROM (SELECT val FROM sv) q)",
  "CREATE VIEW sv2 AS SELECT (SELECT sv.* FROM (SELECT w FROM sv) sv), (SELECT 1+1 FROM sv)",
];

const QUERIES: Recorded = [
  ["SELECT attname FROM pg_attribute WHERE attrelid = 'sv1'::regclass ORDER BY attnum", ["val"]],
  ["SELECT attname FROM pg_attribute WHERE attrelid = 'sv2'::regclass ORDER BY attnum", ["w", "?column?"]],
];

describeRecorded('scalar subqueries over * are named after their column as in PostgreSQL 15', SETUP, QUERIES, (client) => {
  it('names the column in a SELECT without FROM', async () => {
    const r = await client().query('SELECT (SELECT * FROM (SELECT val FROM sv) q), (SELECT sv.* FROM (SELECT w FROM sv) sv) AS named');
    expect(r.columns).toEqual(['val', 'named']);
    expect(r.text).toEqual([['1', 'a']]);
  });
  it('names the column in a SELECT with FROM', async () => {
    const r = await client().query('SELECT s.w, (SELECT * FROM (SELECT val FROM sv) q) FROM sv s');
    expect(r.columns).toEqual(['w', 'val']);
  });
  it('a view reading itself through a scalar subquery of another view is 42P17', async () => {
    await client().query('CREATE TABLE rt (val int)');
    await client().query('CREATE OR REPLACE VIEW foo AS (SELECT * FROM rt)');
    await client().query('CREATE OR REPLACE VIEW foo2 AS (SELECT * FROM foo)');
    await client().query('CREATE OR REPLACE VIEW foo AS (SELECT (SELECT * FROM foo2))');
    const e = await client().error('SELECT * FROM foo');
    expect([e.code, e.message]).toEqual(['42P17', 'infinite recursion detected in rules for relation "foo"']);
  });
});
