// LATERAL end to end through the real engine (test/sql/harness.ts): LATERAL subqueries after a
// comma, CROSS JOIN / JOIN … ON / LEFT JOIN … ON, aggregates and LIMIT per left row, several
// left items, and functions in FROM reading earlier items (implicitly lateral). Expected rows
// and errors recorded from PostgreSQL 15.
import { describeRecorded, type Recorded } from './recorded.js';

const SETUP = [
  "CREATE TABLE t (a int PRIMARY KEY, n int, arr int[])",
  "INSERT INTO t VALUES (1,2,'{10,20}'),(2,0,'{}'),(3,NULL,NULL),(4,3,'{7,NULL,9}')",
  "CREATE TABLE u (x int, y text)",
  "INSERT INTO u VALUES (1,'p'),(1,'q'),(2,'r'),(4,'s'),(NULL,'z')",
];

/** [query, rows as PostgreSQL 15 printed them, columns joined by '|', NULL as '', or 'ERROR <code> <message>'] */
const QUERIES: Recorded = [
  ["SELECT t.a, s.y FROM t, LATERAL (SELECT y FROM u WHERE u.x = t.a) s ORDER BY 1, 2", ["1|p","1|q","2|r","4|s"]],
  ["SELECT t.a, s.y FROM t CROSS JOIN LATERAL (SELECT y FROM u WHERE u.x = t.a ORDER BY y DESC LIMIT 1) s ORDER BY 1", ["1|q","2|r","4|s"]],
  ["SELECT t.a, s.y FROM t LEFT JOIN LATERAL (SELECT y FROM u WHERE u.x = t.a) s ON true ORDER BY 1, 2", ["1|p","1|q","2|r","3|","4|s"]],
  ["SELECT t.a, s.c FROM t LEFT JOIN LATERAL (SELECT count(*) AS c FROM u WHERE u.x = t.a) s ON s.c > 1 ORDER BY 1", ["1|2","2|","3|","4|"]],
  ["SELECT t.a, s.y FROM t JOIN LATERAL (SELECT y FROM u WHERE u.x <= t.a) s ON s.y <> 'p' ORDER BY 1, 2", ["1|q","2|q","2|r","3|q","3|r","4|q","4|r","4|s"]],
  ["SELECT a, g FROM t, generate_series(1, t.n) g ORDER BY 1, 2", ["1|1","1|2","4|1","4|2","4|3"]],
  ["SELECT a, g FROM t LEFT JOIN LATERAL generate_series(1, t.n) g ON true ORDER BY 1, 2", ["1|1","1|2","2|","3|","4|1","4|2","4|3"]],
  ["SELECT a, e FROM t CROSS JOIN unnest(t.arr) e ORDER BY 1, 2", ["1|10","1|20","4|7","4|9","4|"]],
  ["SELECT a, e, o FROM t, unnest(arr) WITH ORDINALITY AS x(e, o) ORDER BY 1, 3", ["1|10|1","1|20|2","4|7|1","4||2","4|9|3"]],
  ["SELECT a, (SELECT sum(g) FROM generate_series(1, t.n) g) FROM t ORDER BY 1", ["1|3","2|","3|","4|6"]],
  ["SELECT * FROM t, LATERAL (SELECT t.a * 10 AS ten, t.n + u.x AS s FROM u WHERE u.y = 'r') l ORDER BY 1", ["1|2|{10,20}|10|4","2|0|{}|20|2","3|||30|","4|3|{7,NULL,9}|40|5"]],
  ["SELECT t.a, l.m FROM t, LATERAL (SELECT max(x) AS m FROM u WHERE x < t.a) l WHERE l.m IS NOT NULL ORDER BY 1", ["2|1","3|2","4|2"]],
  ["SELECT q.a, q.c FROM (SELECT t.a, l.c FROM t, LATERAL (SELECT count(*) c FROM u WHERE u.x = t.a) l) q WHERE q.c > 0 ORDER BY 1", ["1|2","2|1","4|1"]],
  ["SELECT t.a, u2.y FROM t, u u1, LATERAL (SELECT y FROM u WHERE u.x = u1.x AND u.x = t.a AND u.y <> u1.y) u2 ORDER BY 1, 2", ["1|p","1|q"]],
  ["SELECT * FROM t RIGHT JOIN LATERAL (SELECT y FROM u WHERE u.x = t.a) s ON true", ["ERROR 42P10 invalid reference to FROM-clause entry for table \"t\""]],
  ["SELECT * FROM LATERAL (SELECT 1 AS one) s", ["1"]],
  ["SELECT t.a, w.v FROM t, LATERAL (VALUES (t.a), (t.n)) w(v) ORDER BY 1, 2", ["1|1","1|2","2|0","2|2","3|3","3|","4|3","4|4"]],
  ["SELECT t.a, u.y, ss.v FROM t, u JOIN LATERAL (VALUES (t.a)) ss(v) ON u.x = ss.v ORDER BY 1, 2", ["1|p|1","1|q|1","2|r|2","4|s|4"]],
  ["SELECT * FROM t JOIN LATERAL (SELECT unnest(t.arr)) q(b) ON b > 8 ORDER BY 1, 4", ["1|2|{10,20}|10","1|2|{10,20}|20","4|3|{7,NULL,9}|9"]],
  ["SELECT a, (SELECT sum(i) FROM (SELECT unnest(arr) i) q) FROM t ORDER BY 1", ["1|30","2|","3|","4|16"]],
  ["SELECT * FROM t, LATERAL (SELECT sum(n)) s(total)", ["ERROR 42803 aggregate functions are not allowed in FROM clause of their own query level"]],
  ["SELECT 1 FROM t a, LATERAL (SELECT max(a.n) FROM u) ss", ["ERROR 42803 aggregate functions are not allowed in FROM clause of their own query level"]],
  ["SELECT t.a, ss.m FROM t, LATERAL (SELECT max(u.x + t.a) AS m FROM u) ss ORDER BY 1", ["1|5","2|6","3|7","4|8"]],
];

describeRecorded('LATERAL agrees with PostgreSQL 15', SETUP, QUERIES);
