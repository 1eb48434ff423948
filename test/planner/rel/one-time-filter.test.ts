// WHERE conjuncts that read no column and call nothing volatile are evaluated once, before the
// input opens (PostgreSQL's One-Time Filter). When they are not true the input never runs:
// the nextval() calls in the subqueries below must not happen (currval stays undefined), and a
// constant error such as 1/0 is raised even over an empty table, as PostgreSQL's constant
// folding does. Expected rows and errors recorded from PostgreSQL 15 (queries run in order in
// one session).
import { describeRecorded, type Recorded } from './recorded.js';

const SETUP = ['CREATE SEQUENCE s', 'CREATE TABLE e (a int)'];

const QUERIES: Recorded = [
  ["SELECT * FROM (SELECT nextval('s') AS v FROM generate_series(1,3)) x WHERE false", []],
  ["SELECT * FROM (SELECT nextval('s') AS v FROM generate_series(1,3)) x WHERE 1 = 2 AND v > 0", []],
  ["SELECT * FROM (SELECT nextval('s') AS v FROM generate_series(1,3)) x WHERE NULL::boolean", []],
  ["SELECT currval('s')", ['ERROR 55000 currval of sequence "s" is not yet defined in this session']],
  ['SELECT count(*) FROM generate_series(1, 100000000) WHERE 1 = 0', ['0']],
  ['SELECT * FROM e WHERE 1/0 = 1', ['ERROR 22012 division by zero']],
  ['SELECT a FROM (VALUES (1),(2)) v(a) WHERE a > 1 AND 2 > 1', ['2']],
  ["SELECT * FROM (SELECT nextval('s') AS v FROM generate_series(1,3)) x WHERE v > 1 AND 1 = 1 ORDER BY 1", ['2', '3']],
];

describeRecorded('one-time WHERE conjuncts agree with PostgreSQL 15', SETUP, QUERIES);
