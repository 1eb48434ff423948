// Partial aggregation pushed into the external branches of a UNION ALL (planner/rel/partial-agg.ts),
// over the wire with `pg`. Every query runs three ways and must give the same text: the hybrid
// statement (external Parquet branch + native branch), the same statement over native tables
// holding the same rows (nothing decomposed into DuckDB: all branches native), and — for the
// external part alone — DuckDB's own answer on the files. The data has NULL groups, groups whose
// values are all NULL, negative values, several files and row groups.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oracleRows, startServer, textRows, type ServerFixture } from './pushdown-fixture.js';

let f: ServerFixture;
const q = (sql: string, params: unknown[] = []): Promise<unknown[][]> => textRows(f.client, sql, params);

// g: group (NULL every 97th row; g = 7 has only NULL values), i4/i8/dec/txt/day values with NULLs.
const DATA = `
  SELECT range::INTEGER AS id,
         CASE WHEN range % 97 = 0 THEN NULL ELSE (range % 13)::INTEGER END AS g,
         CASE WHEN range % 13 = 7 OR range % 5 = 0 THEN NULL ELSE (range * 7919 % 20001 - 10000)::INTEGER END AS i4,
         CASE WHEN range % 13 = 7 OR range % 6 = 0 THEN NULL ELSE (range * 104729 % 1000000007 - 500000000)::BIGINT * 1000 END AS i8,
         CASE WHEN range % 13 = 7 OR range % 7 = 0 THEN NULL ELSE ((range * 31 % 100003) / 7.0 - 5000)::DECIMAL(12,2) END AS dec,
         CASE WHEN range % 13 = 7 OR range % 4 = 0 THEN NULL ELSE 'v' || (range * 17 % 1000) END AS txt,
         CASE WHEN range % 13 = 7 THEN NULL ELSE DATE '2020-01-01' + (range % 1000)::INTEGER END AS day
  FROM range(20000)`;
const DDL = 'id int, g int, i4 int, i8 bigint, dec numeric(12,2), txt text, day date';

beforeAll(async () => {
  f = await startServer('pyralog-partial-agg-');
  const dir = join(f.root, 'cold');
  mkdirSync(dir);
  for (const [name, lo, hi] of [['a', 0, 8000], ['b', 8000, 20000]] as const) {
    await f.oracle.run(`COPY (SELECT * FROM (${DATA}) WHERE id >= ${lo} AND id < ${hi}) TO '${join(dir, `${name}.parquet`)}' (FORMAT parquet, ROW_GROUP_SIZE 3000)`);
  }
  await f.client.query(`CREATE EXTERNAL TABLE cold STORED AS PARQUET LOCATION '${dir}'`);
  await f.client.query(`CREATE TABLE ncold (${DDL})`);
  await f.client.query(`INSERT INTO ncold SELECT * FROM cold`);
  // The hot rows: other values for the same groups, plus a group only they have.
  await f.client.query(`CREATE TABLE hot (${DDL})`);
  await f.client.query(`INSERT INTO hot SELECT g + 100000, CASE WHEN g % 50 = 0 THEN NULL WHEN g % 15 = 7 THEN 8 ELSE g % 15 END, CASE WHEN g % 3 = 0 THEN NULL ELSE g * 37 - 900 END, g::bigint * 123456789, (g * 1.5 - 700)::numeric(12,2), 'h' || g, DATE '2021-06-01' + g FROM generate_series(1, 3000) g`);
}, 120_000);

afterAll(async () => {
  await f?.close();
});

const AGGS = [
  'count(*)', 'count(i4)', 'sum(i4)', 'sum(i8)', 'sum(dec)', 'min(i4)', 'max(i8)', 'min(dec)', 'max(dec)',
  'avg(i4)', 'avg(i8)', 'avg(dec)', 'min(txt)', 'max(txt)', 'min(day)', 'max(day)', 'count(txt)',
];

/** The hybrid statement's text and its twin over native tables only. */
function both(sql: string): [string, string] {
  return [sql.replace(/\bCOLD\b/g, 'cold'), sql.replace(/\bCOLD\b/g, 'ncold')];
}

async function explainOf(sql: string): Promise<string> {
  return (await q(`EXPLAIN ANALYZE ${sql}`)).map((r) => String(r[0])).join('\n');
}

describe('partial aggregates in external UNION ALL branches', () => {
  it('every decomposable aggregate, grouped: hybrid = all native, and the plan pushes the partial aggregate', async () => {
    const sql = `SELECT g, ${AGGS.join(', ')} FROM (SELECT g, i4, i8, dec, txt, day FROM hot UNION ALL SELECT g, i4, i8, dec, txt, day FROM COLD) s GROUP BY g ORDER BY g NULLS FIRST`;
    const [hy, nat] = both(sql);
    const got = await q(hy);
    expect(got.length).toBe(16); // 13 groups + NULL + hot-only groups 13 and 14
    expect(got).toEqual(await q(nat));
    const ex = await explainOf(hy);
    expect(ex).toMatch(/Placement: partial aggregate in DuckDB, combined natively/);
    expect(ex).toMatch(/DuckDB: SELECT .*sum\("i4"\).* GROUP BY "g"/);
    // Plain EXPLAIN (no run) shows what the branch asks DuckDB for.
    const plain = (await q(`EXPLAIN ${hy}`)).map((r) => String(r[0])).join('\n');
    expect(plain).toMatch(/Foreign Scan on cold \(DuckDB\)[^]*Partial Aggregate: count\(\*\), count\(i4\), sum\(i4\).* GROUP BY g/);
    // Group 7 has only NULL values: NULL sum/min/max/avg, 0 counts (count(*) counts its rows).
    const g7 = got.find((r) => r[0] === '7')!;
    expect(g7.slice(2)).toEqual(['0', null, null, null, null, null, null, null, null, null, null, null, null, null, null, '0']);
  });

  it('global aggregate, HAVING, ORDER BY an aggregate, LIMIT, aliases, qualified names, WHERE pushed into the branch', async () => {
    const cases = [
      `SELECT ${AGGS.join(', ')} FROM (SELECT i4, i8, dec, txt, day FROM hot UNION ALL SELECT i4, i8, dec, txt, day FROM COLD) s`,
      `SELECT ${AGGS.join(', ')} FROM (SELECT i4, i8, dec, txt, day FROM hot UNION ALL SELECT i4, i8, dec, txt, day FROM COLD WHERE id < 100) s`,
      `SELECT s.g AS grp, sum(s.i4) AS total, avg(dec) FROM (SELECT g, i4, dec FROM hot UNION ALL SELECT c.g, c.i4, c.dec FROM COLD c WHERE c.id >= 5000 AND c.dec IS NOT NULL) s GROUP BY s.g HAVING count(*) > 10 AND sum(i4) <> 0 ORDER BY sum(i4) DESC, 1 NULLS LAST LIMIT 5`,
      `SELECT product, SUM(amount) AS revenue FROM (SELECT g AS product, dec AS amount FROM hot UNION ALL SELECT g, dec FROM COLD) s GROUP BY product ORDER BY revenue DESC NULLS LAST LIMIT 10`,
      `SELECT x, count(*), avg(y) FROM (SELECT g, i8 FROM COLD UNION ALL SELECT g, i8 FROM hot UNION ALL SELECT g, i8 FROM COLD WHERE g = 3) s(x, y) GROUP BY x ORDER BY x`,
      // A native branch that is not a plain column list (wrapped and aggregated natively).
      `SELECT g, sum(v), max(v) FROM (SELECT g, i4 + 1 AS v FROM hot WHERE g > 2 UNION ALL SELECT g, i4 FROM COLD) s GROUP BY g ORDER BY g`,
    ];
    for (const c of cases) {
      const [hy, nat] = both(c);
      expect(await q(hy), c).toEqual(await q(nat));
      expect(await explainOf(hy), c).toMatch(/Placement: partial aggregate in DuckDB/);
    }
  });

  it('not decomposed (DISTINCT, FILTER, float sums, string_agg, expressions over aggregated columns in the branch): same answers as native', async () => {
    const cases = [
      `SELECT g, count(DISTINCT i4) FROM (SELECT g, i4 FROM hot UNION ALL SELECT g, i4 FROM COLD) s GROUP BY g ORDER BY g`,
      `SELECT g, sum(i4) FILTER (WHERE i4 > 0) FROM (SELECT g, i4 FROM hot UNION ALL SELECT g, i4 FROM COLD) s GROUP BY g ORDER BY g`,
      `SELECT g, sum(i4::float8) FROM (SELECT g, i4 FROM hot UNION ALL SELECT g, i4 FROM COLD) s GROUP BY g ORDER BY g`,
      `SELECT g, string_agg(txt, ',' ORDER BY txt) IS NOT NULL FROM (SELECT g, txt FROM hot UNION ALL SELECT g, txt FROM COLD) s GROUP BY g ORDER BY g`,
    ];
    for (const c of cases) {
      const [hy, nat] = both(c);
      expect(await q(hy), c).toEqual(await q(nat));
      expect(await explainOf(hy), c).not.toMatch(/partial aggregate/);
    }
  });

  it('through a view whose query is the UNION ALL (aliased, renamed columns)', async () => {
    await f.client.query('CREATE VIEW all_rows AS SELECT g, i4, dec FROM hot UNION ALL SELECT g, i4, dec FROM cold');
    await f.client.query('CREATE VIEW nall_rows AS SELECT g, i4, dec FROM hot UNION ALL SELECT g, i4, dec FROM ncold');
    for (const sql of [
      'SELECT g, sum(i4), avg(dec), count(*) FROM ALL GROUP BY g ORDER BY g',
      'SELECT a.x, max(a.y) FROM ALL a(x, y) GROUP BY a.x HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 4',
    ]) {
      const got = await q(sql.replace('ALL', 'all_rows'));
      expect(got, sql).toEqual(await q(sql.replace('ALL', 'nall_rows')));
      expect((await explainOf(sql.replace('ALL', 'all_rows'))), sql).toMatch(/Placement: partial aggregate in DuckDB/);
    }
  });

  it('the external branch alone equals DuckDB on the files', async () => {
    const got = await q(`SELECT g, count(*), count(i4), sum(i4), sum(i8), sum(dec), min(dec), max(txt) FROM (SELECT g, i4, i8, dec, txt FROM cold UNION ALL SELECT g, i4, i8, dec, txt FROM hot WHERE false) s GROUP BY g ORDER BY g NULLS FIRST`);
    const want = await oracleRows(f.oracle, `SELECT g::VARCHAR, count(*)::VARCHAR, count(i4)::VARCHAR, sum(i4)::VARCHAR, sum(i8)::VARCHAR, sum(dec)::VARCHAR, min(dec)::VARCHAR, max(txt) FROM (${DATA}) GROUP BY g ORDER BY g NULLS FIRST`);
    expect(got).toEqual(want);
  });

  it('avg keeps PostgreSQL 15 result scales (values checked against PostgreSQL 15)', async () => {
    // PostgreSQL 15: SELECT avg(x) FROM (VALUES (1),(2),(2)) v(x) → 1.6666666666666667;
    // avg of numeric(12,2) 1.00, 2.50 → 1.7500000000000000; avg(int8) 10, 20 → 15.0000000000000000.
    await f.client.query(`CREATE TABLE hot2 (a int, b numeric(12,2), c bigint)`);
    await f.client.query(`INSERT INTO hot2 VALUES (1, 1.00, 10), (2, 2.50, 20), (2, NULL, NULL)`);
    const got = await q(`SELECT avg(a), avg(b), avg(c) FROM (SELECT a, b, c FROM hot2 UNION ALL SELECT i4, dec, i8 FROM cold WHERE id < 0) s`);
    expect(got).toEqual([['1.6666666666666667', '1.7500000000000000', '15.0000000000000000']]);
  });
});

describe('partial aggregate errors', () => {
  it('a DuckDB error in the background partial aggregate ends the statement with its error; the server keeps working', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = join(f.root, 'broken');
    mkdirSync(dir);
    await f.oracle.run(`COPY (SELECT * FROM (${DATA}) WHERE id < 5000) TO '${join(dir, 'x.parquet')}' (FORMAT parquet)`);
    await f.client.query(`CREATE EXTERNAL TABLE broken STORED AS PARQUET LOCATION '${dir}'`);
    writeFileSync(join(dir, 'x.parquet'), Buffer.alloc(4096, 7)); // not Parquet any more
    const sql = 'SELECT g, sum(i4) FROM (SELECT g, i4 FROM hot UNION ALL SELECT g, i4 FROM broken) s GROUP BY g';
    const e = await f.client.query(sql).catch((x: unknown) => x);
    expect((e as { code?: string }).code).toBe('XX001');
    expect((e as { message?: string }).message).toMatch(/invalid Parquet file ".*x\.parquet"/);
    expect(await q('SELECT count(*) FROM hot')).toEqual([['3000']]);
  });
});
