// GROUP BY GROUPING SETS / ROLLUP / CUBE / () and GROUPING() end to end through the real engine
// (test/sql/harness.ts). Every expected result and error was produced by PostgreSQL 15 on the
// same tables (NULLs in grouped columns, so a real NULL and a rolled-up one must be told apart
// by GROUPING(); an empty table for the empty-set and no-group cases). Queries without ORDER BY
// are compared as sorted rows: PostgreSQL does not promise an order there either.
import { describeRecorded, type Recorded } from './recorded.js';

const SETUP = [
  "CREATE TABLE s (id int PRIMARY KEY, course text, type text, n int)",
  "INSERT INTO s VALUES (1,'CS','Bachelor',3),(2,'CS','Bachelor',NULL),(3,'CS','PhD',5),(4,'Math','Masters',2),(5,'CS',NULL,7),(6,'Math','PhD',1),(7,NULL,'PhD',4)",
  "CREATE TABLE e (a int, b int)",
];

/** [query, rows as PostgreSQL 15 printed them, columns joined by '|', NULL as '', or 'ERROR <code> <message>'] */
const QUERIES: Recorded = [
  ["SELECT course, count(*) FROM s GROUP BY ROLLUP (course) ORDER BY 1, 2", ["CS|4","Math|2","|1","|7"]],
  ["SELECT course, type, count(*), sum(n) FROM s GROUP BY ROLLUP (course, type) ORDER BY 1, 2, 3", ["CS|Bachelor|2|3","CS|PhD|1|5","CS||1|7","CS||4|15","Math|Masters|1|2","Math|PhD|1|1","Math||2|3","|PhD|1|4","||1|4","||7|22"]],
  ["SELECT course, type, count(*) FROM s GROUP BY CUBE (course, type) ORDER BY 1, 2, 3", ["CS|Bachelor|2","CS|PhD|1","CS||1","CS||4","Math|Masters|1","Math|PhD|1","Math||2","|Bachelor|2","|Masters|1","|PhD|1","|PhD|3","||1","||1","||7"]],
  ["SELECT course, type, count(*) FROM s GROUP BY CUBE ((course, type)) ORDER BY 1, 2, 3", ["CS|Bachelor|2","CS|PhD|1","CS||1","Math|Masters|1","Math|PhD|1","|PhD|1","||7"]],
  ["SELECT course, type, count(*) FROM s GROUP BY GROUPING SETS ((course, type), (type), ()) ORDER BY 1, 2, 3", ["CS|Bachelor|2","CS|PhD|1","CS||1","Math|Masters|1","Math|PhD|1","|Bachelor|2","|Masters|1","|PhD|1","|PhD|3","||1","||7"]],
  ["SELECT GROUPING(course), GROUPING(type), GROUPING(course, type), GROUPING(type, course), course, type, count(*) FROM s GROUP BY CUBE(course, type) ORDER BY 1, 2, 3, 4, 5, 6", ["0|0|0|0|CS|Bachelor|2","0|0|0|0|CS|PhD|1","0|0|0|0|CS||1","0|0|0|0|Math|Masters|1","0|0|0|0|Math|PhD|1","0|0|0|0||PhD|1","0|1|1|2|CS||4","0|1|1|2|Math||2","0|1|1|2|||1","1|0|2|1||Bachelor|2","1|0|2|1||Masters|1","1|0|2|1||PhD|3","1|0|2|1|||1","1|1|3|3|||7"]],
  ["SELECT GROUPING(course), course, count(*) FROM s GROUP BY course ORDER BY 2", ["0|CS|4","0|Math|2","0||1"]],
  ["SELECT count(*) FROM s GROUP BY GROUPING SETS ((), ())", ["7","7"]],
  ["SELECT count(*) FROM s GROUP BY DISTINCT GROUPING SETS ((), ()), ROLLUP(course) ORDER BY 1", ["1","2","4","7"]],
  ["SELECT count(*) FROM s GROUP BY GROUPING SETS ((), ()), ROLLUP(course) ORDER BY 1", ["1","1","2","2","4","4","7","7"]],
  ["SELECT 1 FROM s GROUP BY ()", ["1"]],
  ["SELECT count(*), sum(a) FROM e GROUP BY ()", ["0|"]],
  ["SELECT a, count(*) FROM e GROUP BY ROLLUP (a)", ["|0"]],
  ["SELECT a, b, count(*) FROM e GROUP BY GROUPING SETS ((a), (b))", []],
  ["SELECT course, type, count(*) FROM s GROUP BY (course, type) ORDER BY 1, 2, 3", ["CS|Bachelor|2","CS|PhD|1","CS||1","Math|Masters|1","Math|PhD|1","|PhD|1"]],
  ["SELECT course, count(*) FROM s GROUP BY GROUPING SETS ((), (course)) HAVING course LIKE 'C%' ORDER BY 1, 2", ["CS|4"]],
  ["SELECT course, count(*) FROM s GROUP BY GROUPING SETS ((), (course)) HAVING GROUPING(course) = 1 OR count(*) > 1 ORDER BY 1, 2", ["CS|4","Math|2","|7"]],
  ["SELECT course AS c, type, count(*) FROM s GROUP BY c, ROLLUP (type) ORDER BY GROUPING(course, type), 1, 2", ["CS|Bachelor|2","CS|PhD|1","CS||1","Math|Masters|1","Math|PhD|1","|PhD|1","CS||4","Math||2","||1"]],
  ["SELECT upper(course), count(DISTINCT type), string_agg(type, ',' ORDER BY type) FROM s GROUP BY ROLLUP (upper(course)) ORDER BY 1", ["CS|2|Bachelor,Bachelor,PhD","MATH|2|Masters,PhD","|1|PhD","|3|Bachelor,Bachelor,Masters,PhD,PhD,PhD"]],
  ["SELECT course, type, n > 2 AS big, count(*) FROM s GROUP BY course, ROLLUP (type, n > 2) ORDER BY 1, 2, 3, 4", ["CS|Bachelor|t|1","CS|Bachelor||1","CS|Bachelor||2","CS|PhD|t|1","CS|PhD||1","CS||t|1","CS|||1","CS|||4","Math|Masters|f|1","Math|Masters||1","Math|PhD|f|1","Math|PhD||1","Math|||2","|PhD|t|1","|PhD||1","|||1"]],
  ["SELECT course, sum(count(*)) OVER (PARTITION BY GROUPING(course)) FROM s GROUP BY ROLLUP (course) ORDER BY 1, 2", ["CS|7","Math|7","|7","|7"]],
  ["SELECT GROUPING(n) FROM s GROUP BY course", ["ERROR 42803 arguments to GROUPING must be grouping expressions of the associated query level"]],
  ["SELECT GROUPING(course) FROM s", ["ERROR 42803 arguments to GROUPING must be grouping expressions of the associated query level"]],
  ["SELECT n, count(*) FROM s GROUP BY ROLLUP (course)", ["ERROR 42803 column \"s.n\" must appear in the GROUP BY clause or be used in an aggregate function"]],
  ["SELECT course AS c, type, count(*) FROM s GROUP BY ROLLUP (c, 2) ORDER BY 1, 2, 3", ["CS|Bachelor|2","CS|PhD|1","CS||1","CS||4","Math|Masters|1","Math|PhD|1","Math||2","|PhD|1","||1","||7"]],
  ["SELECT course, count(*) FROM s GROUP BY 1, ROLLUP (type) ORDER BY 1, 2", ["CS|1","CS|1","CS|2","CS|4","Math|1","Math|1","Math|2","|1","|1"]],
  ["SELECT a FROM e GROUP BY GROUPING SETS (a, ()) HAVING sum(b) IS NULL", [""]],
  ["SELECT GROUPING(s.course), GROUPING(course, s.type), course, type, count(*) FROM s GROUP BY CUBE (course, s.type) HAVING GROUPING(s.course) = 0 ORDER BY 1, 2, 3, 4, 5", ["0|0|CS|Bachelor|2","0|0|CS|PhD|1","0|0|CS||1","0|0|Math|Masters|1","0|0|Math|PhD|1","0|0||PhD|1","0|1|CS||4","0|1|Math||2","0|1|||1"]],
  ["SELECT GROUPING(course) FROM s WHERE GROUPING(course) = 0 GROUP BY course", ["ERROR 42803 grouping operations are not allowed in WHERE"]],
];

describeRecorded('grouping sets agree with PostgreSQL 15', SETUP, QUERIES);
