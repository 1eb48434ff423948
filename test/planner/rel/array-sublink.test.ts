// ARRAY(subquery) end to end through the real engine (test/sql/harness.ts): row order kept,
// NULL elements, no rows → '{}', array-valued columns stacked into one more dimension with
// array_agg's errors, correlated use. Expected results and errors recorded from PostgreSQL 15.
import { describeRecorded, type Recorded } from './recorded.js';

const SETUP = [
  "CREATE TABLE t (id int PRIMARY KEY, g int, v text, arr int[])",
  "INSERT INTO t VALUES (1,1,'a','{1,2}'),(2,1,NULL,'{3,4}'),(3,2,'c',NULL),(4,3,'d','{5,6}')",
];

/** [query, rows as PostgreSQL 15 printed them, columns joined by '|', NULL as '', or 'ERROR <code> <message>'] */
const QUERIES: Recorded = [
  ["SELECT ARRAY(SELECT id FROM t ORDER BY id DESC)", ["{4,3,2,1}"]],
  ["SELECT ARRAY(SELECT v FROM t ORDER BY id)", ["{a,NULL,c,d}"]],
  ["SELECT ARRAY(SELECT id FROM t WHERE false)", ["{}"]],
  ["SELECT g, ARRAY(SELECT v FROM t t2 WHERE t2.g = t.g ORDER BY id) FROM t GROUP BY g ORDER BY g", ["1|{a,NULL}","2|{c}","3|{d}"]],
  ["SELECT ARRAY(SELECT arr FROM t WHERE arr IS NOT NULL ORDER BY id)", ["{{1,2},{3,4},{5,6}}"]],
  ["SELECT ARRAY(SELECT arr FROM t ORDER BY id)", ["ERROR 22004 cannot accumulate null arrays"]],
  ["SELECT ARRAY(SELECT id, v FROM t)", ["ERROR 42601 subquery must return only one column"]],
  ["SELECT id, array_length(ARRAY(SELECT generate_series(1, id)), 1) FROM t ORDER BY id", ["1|1","2|2","3|3","4|4"]],
  ["SELECT ARRAY(SELECT '{1,2}'::int[] UNION ALL SELECT '{3}'::int[])", ["ERROR 2202E cannot accumulate arrays of different dimensionality"]],
];

describeRecorded('ARRAY(subquery) agrees with PostgreSQL 15', SETUP, QUERIES);
