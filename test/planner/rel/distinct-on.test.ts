// DISTINCT ON end to end through the real engine (test/sql/harness.ts): first row per key
// under the ORDER BY (ASC/DESC, NULLS), keys spelled differently from the target (`t.i` vs
// `i`, positions), without FROM and in correlated subqueries, the 42P10 mismatch error; and
// the column names PostgreSQL gives subscripted expressions (`a[1]` → "a"). Expected rows,
// errors and names recorded from PostgreSQL 15.
import { expect, it } from 'vitest';
import { describeRecorded, type Recorded } from './recorded.js';

const SETUP = [
  "CREATE TABLE integers (i int, j int)",
  "INSERT INTO integers VALUES (1,10),(1,20),(2,5),(NULL,7),(NULL,3),(3,NULL)",
  "CREATE TABLE arrs (a int[], r text)",
  "INSERT INTO arrs VALUES ('{1,2,3}','x')",
];

/** [query, rows as PostgreSQL 15 printed them, columns joined by '|', NULL as '', or 'ERROR <code> <message>'] */
const QUERIES: Recorded = [
  ["SELECT DISTINCT ON (i) i, j FROM integers ORDER BY i, j", ["1|10","2|5","3|","|3"]],
  ["SELECT DISTINCT ON (i) i, j FROM integers ORDER BY i, j DESC NULLS LAST", ["1|20","2|5","3|","|7"]],
  ["SELECT DISTINCT ON (integers.i) i, j FROM integers ORDER BY 1, 2", ["1|10","2|5","3|","|3"]],
  ["SELECT DISTINCT ON (i) j FROM integers ORDER BY i DESC, j", ["3","","5","10"]],
  ["SELECT i, j, (SELECT DISTINCT ON(i) j) AS k FROM integers ORDER BY i, j", ["1|10|10","1|20|20","2|5|5","3||","|3|3","|7|7"]],
  ["SELECT i, j, (SELECT DISTINCT ON(i) j ORDER BY i, j DESC) AS k FROM integers ORDER BY i, j", ["1|10|10","1|20|20","2|5|5","3||","|3|3","|7|7"]],
  ["SELECT DISTINCT ON (1) 5, 6", ["5|6"]],
  ["SELECT DISTINCT ON (i) i, j FROM integers ORDER BY j", ["ERROR 42P10 SELECT DISTINCT ON expressions must match initial ORDER BY expressions"]],
  ["SELECT DISTINCT ON (i % 2) i % 2, j FROM integers ORDER BY i % 2, j", ["0|5","1|10","|3"]],
  ["SELECT DISTINCT i FROM integers ORDER BY integers.i", ["1","2","3",""]],
  ["SELECT a[2], a[1:2], (a)[3], r FROM arrs", ["2|{1,2}|3|x"]],
];

describeRecorded('DISTINCT ON agrees with PostgreSQL 15', SETUP, QUERIES, (c) => {
  it('subscripted expressions are named after their base, as PostgreSQL names them', async () => {
    const r = await c().query('SELECT a[2], a[1:2], (a)[3], r, (ARRAY[1])[1] FROM arrs');
    expect(r.columns).toEqual(['a', 'a', 'a', 'r', 'array']);
  });
});
