// The hash aggregate fast path (planner/rel/agg-fast.ts, agg-steps.ts) end to end through the
// real engine: every expected result below was produced by PostgreSQL 15 over the same rows —
// NULL groups, -0/0 and NaN float keys, int8 keys on both sides of 2^53, numeric NaN/Infinity
// and mixed scales, int4 sums past the int4 range, int8 sums past the int8 range (numeric),
// empty inputs with and without GROUP BY, and aggregates that stay on the general path
// (ORDER BY / DISTINCT / FILTER inside the call, multi-argument ones) next to fast ones.
import { describeRecorded, type Recorded } from "./recorded.js";

const SETUP = [
  "CREATE TABLE t (id int PRIMARY KEY, i2 int2, i4 int4, i8 int8, n numeric, f4 float4, f8 float8, d date, tx text, b bool)",
  "INSERT INTO t VALUES (1, 1, 2147483647, 9223372036854775807, 1.5, 1.5, 'NaN', '2024-01-01', 'a', true), (2, 1, 2147483647, 9223372036854775807, 2.25, -0, '-0', '2024-01-01', 'a', false), (3, 2, -2147483648, -9223372036854775808, 'NaN', 'NaN', 0, NULL, NULL, NULL), (4, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-02', 'b', true), (5, 2, 5, 5, 3, 2.5, 'NaN', '2024-01-02', 'b', NULL), (6, -3, 7, 9007199254740993, 'Infinity', 'Infinity', 'Infinity', NULL, '', false), (7, -3, 8, 9007199254740993, 0.100, '-Infinity', '-Infinity', '2024-01-03', 'n5', true), (8, NULL, 9, NULL, -1.10, 3, NULL, '2024-01-03', NULL, NULL), (9, NULL, NULL, 9007199254740992, NULL, NULL, NULL, NULL, NULL, NULL)",
  "CREATE TABLE e (k int, v numeric)",
  "CREATE TABLE big (k int, v int)",
  "INSERT INTO big SELECT g % 3, 2147483647 - g FROM generate_series(1, 3000) g"
];

/** [query, rows as PostgreSQL 15 printed them (psql -At), or ERROR <code> <message>] */
const QUERIES: Recorded = [
  ["SELECT i2, count(*), count(i4), sum(i4), avg(i4), sum(i8), avg(i8), min(tx), max(d) FROM t GROUP BY i2 ORDER BY i2",["-3|2|2|15|7.5000000000000000|18014398509481986|9007199254740993.0000||2024-01-03","1|2|2|4294967294|2147483647.00000000|18446744073709551614|9223372036854775807|a|2024-01-01","2|2|2|-2147483643|-1073741821.50000000|-9223372036854775803|-4611686018427387902|b|2024-01-02","|3|1|9|9.0000000000000000|9007199254740992|9007199254740992.0000|b|2024-01-03"]],
  ["SELECT i8, count(*), sum(n), avg(n) FROM t GROUP BY i8 ORDER BY i8",["-9223372036854775808|1|NaN|NaN","5|1|3|3.0000000000000000","9007199254740992|1||","9007199254740993|2|Infinity|Infinity","9223372036854775807|2|3.75|1.8750000000000000","|2|-1.10|-1.10000000000000000000"]],
  ["SELECT f8, count(*), sum(f8), avg(f8), sum(f4), avg(f4) FROM t GROUP BY f8 ORDER BY f8",["-Infinity|1|-Infinity|-Infinity|-Infinity|-Infinity","-0|2|0|0|NaN|NaN","Infinity|1|Infinity|Infinity|Infinity|Infinity","NaN|2|NaN|NaN|4|2","|3|||3|3"]],
  ["SELECT f4, count(*), min(f4), max(f8) FROM t GROUP BY f4 ORDER BY f4",["-Infinity|1|-Infinity|-Infinity","0|1|0|-0","1.5|1|1.5|NaN","2.5|1|2.5|NaN","3|1|3|","Infinity|1|Infinity|Infinity","NaN|1|NaN|0","|2||"]],
  ["SELECT n, count(*) FROM t GROUP BY n ORDER BY n",["-1.10|1","0.100|1","1.5|1","2.25|1","3|1","Infinity|1","NaN|1","|2"]],
  ["SELECT d, count(*), sum(i2) FROM t GROUP BY d ORDER BY d",["2024-01-01|2|2","2024-01-02|2|2","2024-01-03|2|-3","|3|-1"]],
  ["SELECT tx, count(*), sum(i4), bool_and(b), bool_or(b) FROM t GROUP BY tx ORDER BY tx",["|1|7|f|f","a|2|4294967294|f|t","b|2|5|t|t","n5|1|8|t|t","|3|-2147483639||"]],
  ["SELECT b, count(*), array_agg(id ORDER BY id) FROM t GROUP BY b ORDER BY b",["f|2|{2,6}","t|3|{1,4,7}","|4|{3,5,8,9}"]],
  ["SELECT b, count(*), string_agg(tx, ',') FROM t GROUP BY b ORDER BY b",["f|2|a,","t|3|a,b,n5","|4|b"]],
  ["SELECT i2, d, count(*), sum(n) FROM t GROUP BY i2, d ORDER BY i2, d",["-3|2024-01-03|1|0.100","-3||1|Infinity","1|2024-01-01|2|3.75","2|2024-01-02|1|3","2||1|NaN","|2024-01-02|1|","|2024-01-03|1|-1.10","||1|"]],
  ["SELECT count(*), count(n), sum(i2), sum(i4), sum(i8), sum(n), avg(n), sum(f8), min(i8), max(n) FROM t",["9|7|0|2147483675|9250393634618998789|NaN|NaN|NaN|-9223372036854775808|NaN"]],
  ["SELECT sum(n) FROM t WHERE id IN (1, 2, 7, 8)",["2.750"]],
  ["SELECT avg(n), sum(n), min(n) FROM t WHERE id IN (1, 2, 5, 7, 8)",["1.15000000000000000000|5.750|-1.10"]],
  ["SELECT sum(i4) FROM t WHERE id IN (1, 2, 5)",["4294967299"]],
  ["SELECT count(*), sum(v), avg(v) FROM e",["0||"]],
  ["SELECT k, count(*) FROM e GROUP BY k",[]],
  ["SELECT count(*) FROM e GROUP BY ()",["0"]],
  ["SELECT k, sum(v), avg(v), count(v) FROM big GROUP BY k ORDER BY k",["0|2147482145500|2147482145.50000000|1000","1|2147482147500|2147482147.50000000|1000","2|2147482146500|2147482146.50000000|1000"]],
  ["SELECT sum(i8) FROM t WHERE id IN (1, 2)",["18446744073709551614"]],
  ["SELECT sum(i8), avg(i8) FROM t WHERE id IN (1, 2, 3)",["9223372036854775806|3074457345618258602"]],
  ["SELECT variance(i4), stddev(f8) FROM t WHERE id > 3",["2.9166666666666667|NaN"]],
  ["SELECT i2 % 2 AS p, sum(n) FILTER (WHERE id > 2), count(DISTINCT i2) FROM t GROUP BY 1 ORDER BY 1",["-1|Infinity|1","0|NaN|1","1||1","|-1.10|0"]],
  ["SELECT 1 FROM t GROUP BY i2 HAVING count(*) > 1 ORDER BY 1",["1","1","1","1"]],
];

describeRecorded("hash aggregate fast path (recorded from PostgreSQL 15)", SETUP, QUERIES);
