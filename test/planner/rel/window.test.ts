// Window functions end to end through the real engine (test/sql/harness.ts: createEngine →
// session, real LSM in a temp dir). Every expected result and error below was produced by
// PostgreSQL 15.20 on the same table (rows with NULLs and ties in the window ORDER BY), so these
// fail if frames (ROWS/RANGE/GROUPS, offsets, EXCLUDE), peers, NULL ordering, partitioning,
// the ranking/offset functions or the binding rules drift from PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, openEngine } from '../../sql/harness.js';
import type { Engine } from '../../../planner/api.js';

const SETUP = [
  "CREATE TABLE w (id int PRIMARY KEY, g text, x int, f float8, n numeric);",
  "INSERT INTO w VALUES (1,'a',1,1.5,1.10),(2,'a',1,NULL,2.2),(3,'a',3,0.25,NULL),(4,'a',NULL,2,3),(5,'b',5,-7,4.5),(6,'b',NULL,-1,4.5),(7,'b',7,3,5),(8,NULL,2,4,6),(9,'b',7,5,7),(10,'b',NULL,6,8);",
];

/** [query, rows as PostgreSQL 15 printed them, columns joined by '|', NULL as '', or 'ERROR <code> <message>'] */
const QUERIES: Array<[string, string[]]> = [
  ["SELECT id, sum(x) OVER (ORDER BY x, id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM w ORDER BY id", ["1|2", "2|4", "3|10", "4|7", "5|15", "6|", "7|19", "8|6", "9|14", "10|"]],
  ["SELECT id, sum(x) OVER (ORDER BY x) , count(*) OVER (ORDER BY x) FROM w ORDER BY id", ["1|2|2", "2|2|2", "3|7|4", "4|26|10", "5|12|5", "6|26|10", "7|26|7", "8|4|3", "9|26|7", "10|26|10"]],
  ["SELECT id, sum(x) OVER (ORDER BY x NULLS FIRST), count(x) OVER (ORDER BY x DESC) FROM w ORDER BY id", ["1|2|7", "2|2|7", "3|7|4", "4||0", "5|12|3", "6||0", "7|26|2", "8|4|5", "9|26|2", "10||0"]],
  ["SELECT id, sum(id) OVER (ORDER BY x GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM w ORDER BY id", ["1|3", "2|3", "3|11", "4|36", "5|8", "6|36", "7|21", "8|11", "9|21", "10|36"]],
  ["SELECT id, sum(id) OVER (ORDER BY x RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM w ORDER BY id", ["1|11", "2|11", "3|14", "4|20", "5|8", "6|20", "7|21", "8|14", "9|21", "10|20"]],
  ["SELECT id, sum(id) OVER (ORDER BY x DESC NULLS LAST RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM w ORDER BY id", ["1|14", "2|14", "3|16", "4|20", "5|21", "6|20", "7|16", "8|14", "9|16", "10|20"]],
  ["SELECT id, sum(id) OVER (ORDER BY x NULLS FIRST RANGE BETWEEN 1 FOLLOWING AND 3 FOLLOWING) FROM w ORDER BY id", ["1|11", "2|11", "3|5", "4|20", "5|16", "6|20", "7|", "8|8", "9|", "10|20"]],
  ["SELECT id, sum(id) OVER (ORDER BY f RANGE BETWEEN 1.5 PRECEDING AND 1 FOLLOWING), sum(id) OVER (ORDER BY n RANGE BETWEEN 1 PRECEDING AND 0.5 FOLLOWING) FROM w ORDER BY id", ["1|8|1", "2|2|2", "3|9|3", "4|12|6", "5|5|18", "6|6|18", "7|20|18", "8|24|15", "9|27|17", "10|19|19"]],
  ["SELECT id, sum(id) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW), sum(id) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE GROUP), sum(id) OVER (ORDER BY x GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES) FROM w ORDER BY id", ["1|54|52|9", "2|53|52|10", "3|52|52|16", "4|51|35|20", "5|50|50|24", "6|49|35|22", "7|48|39|32", "8|47|47|14", "9|46|39|34", "10|45|35|26"]],
  ["SELECT id, first_value(x) OVER w, last_value(x) OVER w, nth_value(x, 2) OVER w, last_value(x) OVER (ORDER BY x NULLS FIRST GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) FROM w WINDOW w AS (ORDER BY x RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE TIES) ORDER BY id", ["1|1||2|2", "2|1||2|2", "3|3||5|5", "4||||1", "5|5||7|7", "6||||1", "7|7|||5", "8|2||3|3", "9|7|||5", "10||||1"]],
  ["SELECT id, row_number() OVER (ORDER BY x NULLS FIRST, id), rank() OVER (ORDER BY x), dense_rank() OVER (ORDER BY x), percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x) FROM w ORDER BY id", ["1|4|1|1|0|0.2", "2|5|1|1|0|0.2", "3|7|4|3|0.3333333333333333|0.4", "4|1|8|6|0.7777777777777778|1", "5|8|5|4|0.4444444444444444|0.5", "6|2|8|6|0.7777777777777778|1", "7|9|6|5|0.5555555555555556|0.7", "8|6|3|2|0.2222222222222222|0.3", "9|10|6|5|0.5555555555555556|0.7", "10|3|8|6|0.7777777777777778|1"]],
  ["SELECT id, g, rank() OVER (PARTITION BY g ORDER BY x DESC), ntile(3) OVER (PARTITION BY g ORDER BY id), count(*) OVER (PARTITION BY g) FROM w ORDER BY id", ["1|a|3|1|4", "2|a|3|1|4", "3|a|2|2|4", "4|a|1|3|4", "5|b|5|1|5", "6|b|1|1|5", "7|b|3|2|5", "8||1|1|1", "9|b|3|2|5", "10|b|1|3|5"]],
  ["SELECT id, lag(x) OVER (ORDER BY id), lead(x, 2) OVER (ORDER BY id), lag(x, 1, 0) OVER (ORDER BY id), lead(n, 1, 1) OVER (ORDER BY id), lag(x, -1, 1.5) OVER (ORDER BY id) FROM w ORDER BY id", ["1||3|0|2.2|1", "2|1||1||3", "3|1|5|1|3|", "4|3||3|4.5|5", "5||7||4.5|", "6|5|2|5|5|7", "7||7||6|2", "8|7||7|7|7", "9|2||2|8|", "10|7||7|1|1.5"]],
  ["SELECT g, sum(x), sum(sum(x)) OVER (ORDER BY g), rank() OVER (ORDER BY count(*) DESC, g) FROM w GROUP BY g ORDER BY g", ["a|5|5|2", "b|19|24|1", "|2|26|3"]],
  ["SELECT id FROM w ORDER BY row_number() OVER (ORDER BY f DESC NULLS LAST) LIMIT 4", ["10", "9", "8", "7"]],
  ["SELECT id, avg(f) OVER (PARTITION BY g ORDER BY id ROWS 2 PRECEDING), min(n) OVER (PARTITION BY g ORDER BY id), max(n) OVER (PARTITION BY g), string_agg(x::text, ',') OVER (PARTITION BY g ORDER BY id), count(*) FILTER (WHERE x > 2) OVER (ORDER BY id) FROM w ORDER BY id", ["1|1.5|1.10|3|1|0", "2|1.5|1.10|3|1,1|0", "3|0.875|1.10|3|1,1,3|1", "4|1.125|1.10|3|1,1,3|1", "5|-7|4.5|8|5|2", "6|-4|4.5|8|5|2", "7|-1.6666666666666667|4.5|8|5,7|3", "8|4|6|6|2|3", "9|2.3333333333333335|4.5|8|5,7,7|4", "10|4.666666666666667|4.5|8|5,7,7|4"]],
  ["SELECT DISTINCT g, count(*) OVER (PARTITION BY g) FROM w ORDER BY g", ["a|4", "b|5", "|1"]],
  ["SELECT row_number() OVER (), avg(42) OVER ()", ["1|42.0000000000000000"]],
  ["SELECT id, sum(x) OVER (ROWS BETWEEN CURRENT ROW AND CURRENT ROW), count(*) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 1 FOLLOWING) FROM w ORDER BY id", ["1|1|0", "2|1|0", "3|3|0", "4||0", "5|5|0", "6||0", "7|7|0", "8|2|0", "9|7|0", "10||0"]],
  ["SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN '2 days' PRECEDING AND CURRENT ROW) FROM (VALUES (date '2024-01-01'), ('2024-01-02'), ('2024-01-05'), (NULL), ('2024-01-03')) t(d) ORDER BY d", ["2024-01-01|1", "2024-01-02|2", "2024-01-03|3", "2024-01-05|2", "|1"]],
  ["SELECT ts, count(*) OVER (ORDER BY ts DESC RANGE BETWEEN interval '1 hour' PRECEDING AND interval '30 minutes' FOLLOWING) FROM (VALUES (timestamp '2024-01-01 10:00'), ('2024-01-01 10:45'), ('2024-01-01 11:30'), ('2024-01-01 09:59')) t(ts) ORDER BY ts", ["2024-01-01 09:59:00|3", "2024-01-01 10:00:00|3", "2024-01-01 10:45:00|2", "2024-01-01 11:30:00|1"]],
  ["SELECT iv, sum(1) OVER (ORDER BY iv RANGE BETWEEN '1 day' PRECEDING AND '1 day' FOLLOWING) FROM (VALUES (interval '1 day'), ('2 days'), ('36 hours'), ('5 days')) t(iv) ORDER BY iv", ["1 day|3", "36:00:00|3", "2 days|3", "5 days|1"]],
  ["SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN 'Infinity' PRECEDING AND 1 FOLLOWING) FROM (VALUES (1.5::float8), ('NaN'), ('-Infinity'), (3), ('Infinity')) t(x) ORDER BY x", ["-Infinity|-Infinity", "1.5|-Infinity", "3|-Infinity", "Infinity|NaN", "NaN|NaN"]],
  ["SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 'Infinity' FOLLOWING) FROM (VALUES (1.5::numeric), ('NaN'), ('-Infinity'), (3), ('Infinity'), (2.5)) t(x) ORDER BY x", ["-Infinity|5", "1.5|4", "2.5|4", "3|3", "Infinity|1", "NaN|1"]],
  ["SELECT g, x, lag(x, 1, -1) OVER w, lead(x::text, 1, 'none') OVER w, first_value(x) OVER w FROM w WINDOW w AS (PARTITION BY g ORDER BY id) ORDER BY id", ["a|1|-1|1|1", "a|1|1|3|1", "a|3|1||1", "a||3|none|1", "b|5|-1||5", "b||5|7|5", "b|7||7|5", "|2|-1|none|2", "b|7|7||5", "b||7|none|5"]],
  ["SELECT id, (SELECT count(*) OVER () FROM w w2 WHERE w2.id = w.id) FROM w WHERE id < 4 ORDER BY id", ["1|1", "2|1", "3|1"]],
  ["SELECT id, sum(x) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING), sum(x) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) FROM w ORDER BY id", ["1||25", "2|1|24", "3|2|21", "4|4|21", "5|3|16", "6|5|16", "7|5|9", "8|7|7", "9|9|", "10|9|"]],
  ["WITH q AS (SELECT g, x, rank() OVER (PARTITION BY g ORDER BY x DESC NULLS LAST) r FROM w) SELECT * FROM q WHERE r = 1 ORDER BY g", ["a|3|1", "b|7|1", "b|7|1", "|2|1"]],
  ["SELECT ntile(4) OVER (ORDER BY id), ntile(3) OVER (ORDER BY id), id FROM w ORDER BY id", ["1|1|1", "1|1|2", "1|1|3", "2|1|4", "2|2|5", "2|2|6", "3|2|7", "3|3|8", "4|3|9", "4|3|10"]],
  ["SELECT lag(x, 2) OVER (ORDER BY id), lag('a') OVER (), lead(NULL) OVER () FROM w ORDER BY id LIMIT 3", ["ERROR 42804 could not determine polymorphic type because input has type unknown"]],
  ["SELECT count(*) OVER (PARTITION BY x % 2 ORDER BY id RANGE CURRENT ROW), id FROM w ORDER BY id", ["1|1", "1|2", "1|3", "1|4", "1|5", "1|6", "1|7", "1|8", "1|9", "1|10"]],
  ["SELECT id FROM w ORDER BY sum(x) OVER (PARTITION BY g), id", ["8", "1", "2", "3", "4", "5", "6", "7", "9", "10"]],
  ["SELECT sum(x) OVER (), sum(x) FROM w", ["ERROR 42803 column \"w.x\" must appear in the GROUP BY clause or be used in an aggregate function"]],
  ["SELECT x, count(*), rank() OVER (ORDER BY count(*) DESC, x NULLS FIRST) FROM w GROUP BY x ORDER BY 3", ["|3|1", "1|2|2", "7|2|3", "2|1|4", "3|1|5", "5|1|6"]],
  ["SELECT id, count(x) OVER w, sum(x) OVER w, avg(x) OVER w, sum(x::int8) OVER w, count(*) OVER w FROM w WINDOW w AS (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) ORDER BY id", ["1|2|2|1.00000000000000000000|2|2", "2|3|5|1.6666666666666667|5|3", "3|3|5|1.6666666666666667|5|4", "4|3|9|3.0000000000000000|9|4", "5|2|8|4.0000000000000000|8|4", "6|2|12|6.0000000000000000|12|4", "7|3|14|4.6666666666666667|14|4", "8|3|16|5.3333333333333333|16|4", "9|3|16|5.3333333333333333|16|4", "10|2|9|4.5000000000000000|9|3"]],
  ["SELECT id, count(x) OVER w, sum(x::int2) OVER w, avg(x::int8) OVER w FROM w WINDOW w AS (ORDER BY x NULLS FIRST RANGE BETWEEN 3 PRECEDING AND 1 PRECEDING) ORDER BY id", ["1|0||", "2|0||", "3|3|4|1.3333333333333333", "4|0||", "5|2|5|2.5000000000000000", "6|0||", "7|1|5|5.0000000000000000", "8|2|2|1.00000000000000000000", "9|1|5|5.0000000000000000", "10|0||"]],
  ["SELECT i, sum(i) OVER (ORDER BY i ROWS BETWEEN 100 PRECEDING AND 50 PRECEDING), avg(i % 7) OVER (ORDER BY i GROUPS BETWEEN 30 PRECEDING AND 2 FOLLOWING) FROM generate_series(1, 300) i ORDER BY i DESC LIMIT 5", ["300|11475|3.1935483870967742", "299|11424|3.1875000000000000", "298|11373|3.1515151515151515", "297|11322|3.0000000000000000", "296|11271|2.8484848484848485"]],
  ["SELECT x, rank() OVER (ORDER BY x USING >), sum(x) OVER (ORDER BY x USING < NULLS FIRST) FROM (VALUES (1), (NULL), (3), (1)) t(x) ORDER BY x NULLS FIRST", ["|1|", "1|3|2", "1|3|2", "3|2|5"]],
  ["SELECT id, array_agg(x) OVER (PARTITION BY g ORDER BY id), bool_and(x > 1) OVER (ORDER BY id ROWS 2 PRECEDING), bool_or(x > 5) OVER (ORDER BY id GROUPS 1 PRECEDING), every(x IS NULL) OVER () FROM w ORDER BY id", ["1|{1}|f|f|f", "2|{1,1}|f|f|f", "3|{1,1,3}|f|f|f", "4|{1,1,3,NULL}|f|f|f", "5|{5}|t|f|f", "6|{5,NULL}|t|f|f", "7|{5,NULL,7}|t|t|f", "8|{2}|t|t|f", "9|{5,NULL,7,7}|t|t|f", "10|{5,NULL,7,7,NULL}|t|t|f"]],
  ["SELECT id, string_agg(g, '-') OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW), min(g) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING), max(f) OVER (PARTITION BY g) FROM w ORDER BY id", ["1|a|a|2", "2|a-a|a|2", "3|a-a|b|2", "4|a-b|b|2", "5|a-b|b|6", "6|b-b|b|6", "7|b|b|6", "8|b-b|b|4", "9|b||6", "10|b||6"]],
  ["SELECT id, variance(n) OVER (ORDER BY id ROWS 3 PRECEDING), stddev(f) OVER (ORDER BY id), var_pop(x) OVER (PARTITION BY g), bit_or(x) OVER (ORDER BY id) FROM w ORDER BY id", ["1|||0.88888888888888888889|1", "2|0.60500000000000000000||0.88888888888888888889|1", "3|0.60500000000000000000|0.8838834764831844|0.88888888888888888889|3", "4|0.91000000000000000000|0.9013878188659973|0.88888888888888888889|3", "5|1.3633333333333333|4.190142201246476|0.88888888888888888889|7", "6|0.75000000000000000000|3.6297382825763074|0.88888888888888888889|7", "7|0.75000000000000000000|3.6069955179715247|0.88888888888888888889|7", "8|0.50000000000000000000|3.6567777905587606|0|7", "9|1.2291666666666667|3.7569875375282864|0.88888888888888888889|7", "10|1.6666666666666667|3.8939946641520256|0.88888888888888888889|7"]],
  ["SELECT id, sum(n) OVER (ORDER BY id ROWS 2 PRECEDING), avg(n) OVER (ORDER BY id ROWS 2 PRECEDING), sum(f) OVER (ORDER BY id ROWS 2 PRECEDING), avg(f::float4) OVER (ORDER BY id ROWS 2 PRECEDING) FROM w ORDER BY id", ["1|1.10|1.10000000000000000000|1.5|1.5", "2|3.30|1.6500000000000000|1.5|1.5", "3|3.30|1.6500000000000000|1.75|0.875", "4|5.2|2.6000000000000000|2.25|1.125", "5|7.5|3.7500000000000000|-4.75|-1.5833333333333333", "6|12.0|4.0000000000000000|-6|-2", "7|14.0|4.6666666666666667|-5|-1.6666666666666667", "8|15.5|5.1666666666666667|6|2", "9|18|6.0000000000000000|12|4", "10|21|7.0000000000000000|15|5"]],
];

/** [statement, SQLSTATE, message] as PostgreSQL 15 reports them. */
const ERRORS: Array<[string, string, string]> = [
  ["SELECT * FROM w JOIN w w2 ON row_number() OVER () = 1", "42P20", "window functions are not allowed in JOIN conditions"],
  ["SELECT * FROM generate_series(1, row_number() OVER ())", "42P20", "window functions are not allowed in functions in FROM"],
  ["VALUES (1), (row_number() OVER ())", "42P20", "window functions are not allowed in VALUES"],
  ["SELECT id FROM w WHERE row_number() OVER () > 1", "42P20", "window functions are not allowed in WHERE"],
  ["SELECT 1 FROM w GROUP BY row_number() OVER ()", "42P20", "window functions are not allowed in GROUP BY"],
  ["SELECT count(*) FROM w HAVING rank() OVER () > 1", "42P20", "window functions are not allowed in HAVING"],
  ["SELECT id FROM w LIMIT row_number() OVER ()", "42P20", "window functions are not allowed in LIMIT"],
  ["SELECT sum(row_number() OVER ()) FROM w", "42803", "aggregate function calls cannot contain window function calls"],
  ["SELECT avg(row_number() OVER ()) OVER () FROM w", "42P20", "window function calls cannot be nested"],
  ["SELECT sum(x) OVER (ORDER BY row_number() OVER ()) FROM w", "42P20", "window functions are not allowed in window definitions"],
  ["SELECT row_number() FROM w", "42809", "window function row_number requires an OVER clause"],
  ["SELECT lower(g) OVER () FROM w", "42809", "OVER specified, but lower is not a window function nor an aggregate function"],
  ["SELECT count(DISTINCT x) OVER () FROM w", "0A000", "DISTINCT is not implemented for window functions"],
  ["SELECT ntile(0) OVER () FROM w", "22014", "argument of ntile must be greater than zero"],
  ["SELECT nth_value(x, 0) OVER () FROM w", "22016", "argument of nth_value must be greater than zero"],
  ["SELECT sum(x) OVER (ROWS -1 PRECEDING) FROM w", "22013", "frame starting offset must not be negative"],
  ["SELECT sum(x) OVER (ROWS BETWEEN CURRENT ROW AND NULL FOLLOWING) FROM w", "22004", "frame ending offset must not be null"],
  ["SELECT sum(x) OVER (ORDER BY x RANGE BETWEEN -1 PRECEDING AND CURRENT ROW) FROM w", "22013", "invalid preceding or following size in window function"],
  ["SELECT sum(x) OVER (ROWS x PRECEDING) FROM w", "42P10", "argument of ROWS must not contain variables"],
  ["SELECT sum(x) OVER (RANGE 1 PRECEDING) FROM w", "42P20", "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column"],
  ["SELECT sum(x) OVER (GROUPS 1 PRECEDING) FROM w", "42P20", "GROUPS mode requires an ORDER BY clause"],
  ["SELECT sum(x) OVER (ORDER BY x RANGE 1.5 PRECEDING) FROM w", "0A000", "RANGE with offset PRECEDING/FOLLOWING is not supported for column type integer and offset type numeric"],
  ["SELECT sum(x) OVER (ORDER BY g RANGE 1 PRECEDING) FROM w", "0A000", "RANGE with offset PRECEDING/FOLLOWING is not supported for column type text"],
  ["SELECT sum(x) OVER v FROM w", "42704", "window \"v\" does not exist"],
  ["SELECT sum(x) OVER (w ORDER BY id) FROM w WINDOW w AS (ORDER BY x)", "42P20", "cannot override ORDER BY clause of window \"w\""],
  ["SELECT sum(x) OVER (w PARTITION BY id) FROM w WINDOW w AS (ORDER BY x)", "42P20", "cannot override PARTITION BY clause of window \"w\""],
  ["SELECT sum(x) OVER (w) FROM w WINDOW w AS (ORDER BY x ROWS 1 PRECEDING)", "42P20", "cannot copy window \"w\" because it has a frame clause"],
  ["SELECT sum(x) OVER w FROM w WINDOW w AS (ORDER BY x), w AS (ORDER BY id)", "42P20", "window \"w\" is already defined"],
  ["SELECT lag(x, 1, 'a'::text) OVER () FROM w", "42883", "function lag(integer, integer, text) does not exist"],
];

let engine: Engine;
let c: Client;

beforeAll(async () => {
  engine = (await openEngine()).engine;
  c = Client.open(engine);
  for (const s of SETUP) await c.query(s);
});

afterAll(async () => {
  await c.close();
  await engine.close();
});

describe('window functions agree with PostgreSQL 15', () => {
  for (const [sql, rows] of QUERIES) {
    it(sql, async () => {
      if (rows[0]?.startsWith('ERROR ')) {
        const e = await c.error(sql);
        expect([`ERROR ${e.code} ${e.message}`]).toEqual(rows);
        return;
      }
      const r = await c.query(sql);
      expect(r.text.map((row) => row.map((v) => v ?? '').join('|'))).toEqual(rows);
    });
  }
});

describe('window errors agree with PostgreSQL 15', () => {
  for (const [sql, code, message] of ERRORS) {
    it(sql, async () => {
      const e = await c.error(sql);
      expect([e.code, e.message]).toEqual([code, message]);
    });
  }

  it('a select-list set-returning function beside a window function is refused (PostgreSQL expands it after the window)', async () => {
    expect((await c.error('SELECT generate_series(1, 3), row_number() OVER ()')).code).toBe('0A000');
  });

  it('window functions in UPDATE are a windowing error (42P20)', async () => {
    expect((await c.error('UPDATE w SET x = row_number() OVER ()')).code).toBe('42P20');
  });
});
