// Filter pushdown and partition pruning into external scans, over the wire with `pg`. Every
// query runs against the external table and against a native table holding the same rows
// (loaded with INSERT INTO native SELECT * FROM external, itself checked against DuckDB), and the
// selected ids are compared with DuckDB's own answer on the same files. The predicates are
// chosen where pushing them wrongly would change the answer: NULLs, NOT IN with NULL, NULL
// partitions, non-ASCII text order, mixed integer widths, parameters, outer joins, correlation.
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS_DDL, DATA, oracleRows, startServer, textRows, type ServerFixture } from './pushdown-fixture.js';

let f: ServerFixture;

const q = (sql: string, params: unknown[] = []): Promise<unknown[][]> => textRows(f.client, sql, params);
const ids = (rows: unknown[][]): string[] => rows.map((r) => String(r[0]));

beforeAll(async () => {
  f = await startServer('pyralog-pushdown-');
  const flat = join(f.root, 'flat');
  mkdirSync(flat);
  // Three files by id range, row groups of 500: several row groups per file.
  for (const [name, lo, hi] of [['a', 0, 2000], ['b', 2000, 4000], ['c', 4000, 6000]] as const) {
    await f.oracle.run(`COPY (SELECT * FROM (${DATA}) WHERE id >= ${lo} AND id < ${hi}) TO '${join(flat, `${name}.parquet`)}' (FORMAT parquet, ROW_GROUP_SIZE 500)`);
  }
  // A fourth file whose `big` is NULL in every row (its statistics record "no non-NULL value").
  await f.oracle.run(`COPY (SELECT * REPLACE (NULL::BIGINT AS big, id + 6000 AS id) FROM (${DATA}) WHERE id < 100) TO '${join(flat, 'd.parquet')}' (FORMAT parquet)`);
  const hive = join(f.root, 'hive');
  await f.oracle.run(`COPY (SELECT *, year(day) AS year, month(day) AS month FROM (${DATA})) TO '${hive}' (FORMAT parquet, PARTITION_BY (year, month))`);
  // A NULL partition (Hive's default-partition name) with rows of its own.
  const nullDir = join(hive, 'year=__HIVE_DEFAULT_PARTITION__', 'month=1');
  mkdirSync(nullDir, { recursive: true });
  await f.oracle.run(`COPY (SELECT * REPLACE (id + 10000 AS id) FROM (${DATA}) WHERE id < 20) TO '${join(nullDir, 'n.parquet')}' (FORMAT parquet)`);
  await f.client.query(`CREATE EXTERNAL TABLE flat STORED AS PARQUET LOCATION '${flat}'`);
  await f.client.query(`CREATE EXTERNAL TABLE hive STORED AS PARQUET LOCATION '${hive}' PARTITIONED BY (year int, month int)`);
  await f.client.query(`CREATE TABLE nflat (${COLUMNS_DDL})`);
  await f.client.query(`INSERT INTO nflat SELECT * FROM flat`);
  await f.client.query(`CREATE TABLE nhive (${COLUMNS_DDL}, year int, month int)`);
  await f.client.query(`INSERT INTO nhive SELECT * FROM hive`);
  await f.client.query(`CREATE TABLE nat (id int PRIMARY KEY, k int)`);
  await f.client.query(`INSERT INTO nat SELECT g, g * 200 FROM generate_series(0, 40) g`);
}, 120_000);

afterAll(async () => {
  await f?.close();
});

describe('external scans with pushed filters', () => {
  it('INSERT INTO native SELECT * FROM external loads exactly what DuckDB reads', async () => {
    const fp = `count(*), count(big), sum(big), sum(dec), count(name), min(name), max(name), min(day), max(day), count(*) FILTER (WHERE flag)`;
    const want = await oracleRows(f.oracle, `SELECT count(*), count(big), sum(big)::VARCHAR, sum(dec)::VARCHAR, count(name), min(name), max(name), min(day)::VARCHAR, max(day)::VARCHAR, count(*) FILTER (WHERE flag) FROM (${DATA})`);
    const got = await q(`SELECT ${fp} FROM nflat WHERE id < 6000`);
    expect(got).toEqual(want.map((r) => r.map((v) => String(v))));
    expect(await q(`SELECT ${fp} FROM flat WHERE id < 6000`)).toEqual(got);
    expect(await q(`SELECT count(*), count(big) FROM flat WHERE id >= 6000`)).toEqual([['100', '0']]);
    expect(await q(`SELECT count(*) FROM nhive`)).toEqual([['6020']]);
  });

  const PREDICATES = [
    'id = 42',
    'id < 100 AND name IS NOT NULL',
    "name = 'name-7'",
    "name > 'name-5998'",
    "name < 'f'",
    "name >= 'Ω'",
    'big IN (1000003, 2000006, NULL)',
    'big NOT IN (1000003, NULL)',
    'big NOT IN (1000003, 2000006) AND id < 50',
    'dbl >= 700.5',
    'dbl < 1',
    'dec BETWEEN 10 AND 20',
    'dec = 12.50',
    "day = DATE '2023-03-01'",
    "ts < TIMESTAMP '2023-01-03 00:00:00'",
    "tstz >= TIMESTAMPTZ '2023-06-05 00:00:00+00'",
    'flag AND id < 30',
    'flag = true AND small = 3 AND id < 200',
    '(id < 10 OR id > 5990) AND big IS NOT NULL',
    'NOT (id < 5990)',
    'id = 42 OR name IS NULL',
    'big > 5000000000',
    'small = 70000',
    'id > 2147483648',
    'id < 5000000000 AND id > 5980',
    'name = NULL',
    'id IN (SELECT 5)',
    'big IS NULL AND id < 100',
    // Edges of the files' id ranges (statistics pruning) and the all-NULL file.
    'id = 1999', 'id = 2000', 'id >= 3999 AND id <= 4000', 'id < 0', 'id > 6099', 'id BETWEEN 5990 AND 6010',
    'big IS NOT NULL AND id > 5990', 'big > 0 AND id >= 5995', 'big NOT IN (1, 2) AND id > 5995', 'big <> 5 AND id > 5995',
    "day < DATE '2023-01-02'", "ts >= TIMESTAMP '2023-09-07 00:00:00'", 'dec > 7499 OR id = 3',
    // Integer/numeric mixes DuckDB would compare as DOUBLE: kept native, still exact.
    'id = 1.5', 'id < 10.000000000000000000000000000001', 'big = 1000003.0000000000000000000000000001',
    'dec = 12.500000000000000000000000000000001', 'dec < 12.5000000000000000000000000000000001 AND id > 5',
    '(dec = 12.500000000000000000000000000000001 OR id = 7) AND id < 100', 'dec IN (12.5, 13.750000000000000000000000000000001)',
  ];

  it('every predicate: external = native, and the ids = DuckDB', async () => {
    for (const p of PREDICATES) {
      const ext = await q(`SELECT * FROM flat WHERE ${p} ORDER BY id`);
      const nat = await q(`SELECT * FROM nflat WHERE ${p} ORDER BY id`);
      expect(ext, p).toEqual(nat);
      if (p.includes('SELECT')) continue;
      const duck = p.replace(/\bdec\b/g, '"dec"');
      const all = `SELECT * FROM (${DATA}) UNION ALL SELECT * REPLACE (NULL::BIGINT AS big, id + 6000 AS id) FROM (${DATA}) WHERE id < 100`;
      const want = await oracleRows(f.oracle, `SELECT id FROM (${all}) WHERE ${duck} ORDER BY id`);
      expect(ids(ext), p).toEqual(ids(want));
    }
  });

  it('parameters ($1) in prepared statements are bound at each execution', async () => {
    const cases: Array<[string, unknown[][]]> = [
      ['id = $1', [[42], [5999], [-1], [null]]],
      ['name >= $1', [['Ω'], ['name-5998'], ['é']]],
      ['day < $1', [['2023-01-05'], ['2021-01-01']]],
      ['big IN ($1, $2)', [[1000003, 2000006], [null, 3000009]]],
      ['tstz < $1 AND id > $2', [['2023-06-01 01:00:00+00', 10]]],
      ['id = $1::int8', [['4000'], ['9999999999']]],
    ];
    for (const [p, runs] of cases) {
      for (const params of runs) {
        const ext = await q(`SELECT * FROM flat WHERE ${p} ORDER BY id`, params);
        const nat = await q(`SELECT * FROM nflat WHERE ${p} ORDER BY id`, params);
        expect(ext, `${p} ${JSON.stringify(params)}`).toEqual(nat);
      }
    }
  });

  const PARTITION_PREDICATES = [
    'year = 2023',
    'month IN (1, 2)',
    'year = 2024 AND month = 12',
    'year IS NOT NULL AND month = 1',
    'year IS NULL',
    'year = 2023 OR month = 3',
    'year = 2023 OR id = 5',
    'month = 2 AND id < 100',
    "year::text = '2023' AND month = 4",
    'year <> 2023',
    'month NOT IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)',
    'month NOT IN (1, NULL)',
    'year > 2023.5',
  ];

  it('partition predicates (NULL partitions included): external = native', async () => {
    for (const p of PARTITION_PREDICATES) {
      const ext = await q(`SELECT * FROM hive WHERE ${p} ORDER BY id`);
      const nat = await q(`SELECT * FROM nhive WHERE ${p} ORDER BY id`);
      expect(ext, p).toEqual(nat);
    }
    for (const m of [0, 6, 12]) {
      expect(await q(`SELECT count(*), sum(dec) FROM hive WHERE month > $1`, [m]), `month > ${m}`).toEqual(await q(`SELECT count(*), sum(dec) FROM nhive WHERE month > $1`, [m]));
    }
  });

  it('outer joins: filters on the nullable side stay exact', async () => {
    for (const w of ['e.name IS NULL', 'e.big > 0', 'e.name IS NOT NULL', 'e.id IS NULL', 'e.id < 3000 OR e.id IS NULL', 'n.id < 5']) {
      for (const j of ['LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', 'JOIN']) {
        const sql = (t: string): string => `SELECT n.id, e.id, e.name FROM nat n ${j} (SELECT * FROM ${t} WHERE id % 400 = 0) e ON e.id = n.k WHERE ${w} ORDER BY 1, 2`;
        expect(await q(sql('flat')), `${j} ${w}`).toEqual(await q(sql('nflat')));
        const direct = (t: string): string => `SELECT n.id, e.id, e.name FROM nat n ${j} ${t} e ON e.id = n.k WHERE ${w} ORDER BY 1, 2`;
        expect(await q(direct('flat')), `${j} ${w} (direct)`).toEqual(await q(direct('nflat')));
      }
    }
  });

  it('views, CTEs, subqueries (correlated too) and UNION ALL over external tables', async () => {
    await f.client.query(`CREATE VIEW vflat AS SELECT id, name, dec FROM flat WHERE dec > 100`);
    await f.client.query(`CREATE VIEW vnflat AS SELECT id, name, dec FROM nflat WHERE dec > 100`);
    const pairs: Array<[string, string]> = [
      ['SELECT count(*), sum(dec) FROM vflat WHERE id < 1000', 'SELECT count(*), sum(dec) FROM vnflat WHERE id < 1000'],
      ['WITH c AS (SELECT * FROM flat WHERE id < 50) SELECT count(*), max(name) FROM c', 'WITH c AS (SELECT * FROM nflat WHERE id < 50) SELECT count(*), max(name) FROM c'],
      ['WITH c AS (SELECT id FROM flat WHERE id < 5) SELECT id FROM c UNION ALL SELECT id FROM c ORDER BY 1', 'WITH c AS (SELECT id FROM nflat WHERE id < 5) SELECT id FROM c UNION ALL SELECT id FROM c ORDER BY 1'],
      ['SELECT count(*) FROM nat WHERE k IN (SELECT id FROM flat WHERE small = 3)', 'SELECT count(*) FROM nat WHERE k IN (SELECT id FROM nflat WHERE small = 3)'],
      ['SELECT n.id, (SELECT count(*) FROM flat f WHERE f.small = n.id % 7 AND f.id < 100) FROM nat n ORDER BY 1', 'SELECT n.id, (SELECT count(*) FROM nflat f WHERE f.small = n.id % 7 AND f.id < 100) FROM nat n ORDER BY 1'],
      ['SELECT n.id FROM nat n WHERE EXISTS (SELECT 1 FROM flat f WHERE f.id = n.k AND f.name IS NULL) ORDER BY 1', 'SELECT n.id FROM nat n WHERE EXISTS (SELECT 1 FROM nflat f WHERE f.id = n.k AND f.name IS NULL) ORDER BY 1'],
      ['SELECT id FROM flat WHERE id < 5 UNION ALL SELECT id FROM nat WHERE id < 3 ORDER BY 1', 'SELECT id FROM nflat WHERE id < 5 UNION ALL SELECT id FROM nat WHERE id < 3 ORDER BY 1'],
      ['SELECT * FROM (SELECT id, name FROM flat WHERE id > 5990) s WHERE name IS NOT NULL ORDER BY id', 'SELECT * FROM (SELECT id, name FROM nflat WHERE id > 5990) s WHERE name IS NOT NULL ORDER BY id'],
      ['SELECT a.id, b.name FROM flat a JOIN flat b ON b.id = a.id WHERE a.id < 5 AND b.id > 2 ORDER BY 1', 'SELECT a.id, b.name FROM nflat a JOIN nflat b ON b.id = a.id WHERE a.id < 5 AND b.id > 2 ORDER BY 1'],
    ];
    // Only the columns a statement names are fetched: every way of naming one must still work.
    const both = [
      'SELECT count(*) FROM %',
      'SELECT count(*) FROM % WHERE name IS NULL',
      'SELECT x.name FROM nat n JOIN % x ON x.id = n.k ORDER BY 1',
      'SELECT * FROM (SELECT k AS id FROM nat) n NATURAL JOIN % ORDER BY id',
      'SELECT id, name, dec FROM (SELECT k AS id FROM nat) n JOIN % USING (id) ORDER BY id',
      'SELECT f.id, (SELECT count(*) FROM nat n WHERE n.k = f.id) FROM % f WHERE f.id < 450 ORDER BY 1',
      'SELECT f.id FROM % f WHERE f.id < 300 AND EXISTS (SELECT 1 FROM nat n WHERE n.id = f.small) ORDER BY 1',
      'SELECT id FROM % WHERE id < 20 ORDER BY dec DESC, id',
      'SELECT count(*) FROM % GROUP BY small ORDER BY 1',
      'SELECT small FROM % GROUP BY small HAVING max(dec) > 7000 ORDER BY 1',
      'SELECT "name", "DAY" FROM (SELECT name, day AS "DAY" FROM % WHERE id < 3) s ORDER BY 1',
      'SELECT f.* FROM % f WHERE f.id > 6095 ORDER BY id',
      'SELECT row_to_json(f) FROM % f WHERE f.id < 2 ORDER BY 1',
    ];
    for (const t of both) pairs.push([t.replaceAll('%', 'flat'), t.replaceAll('%', 'nflat')]);
    for (const [e, n] of pairs) {
      const want = await q(n).catch((x: Error) => x.message);
      expect(await q(e).catch((x: Error) => x.message), e).toEqual(want);
    }
  });

  it('placement A (the whole statement in DuckDB): aggregates, GROUP BY, ORDER BY, LIMIT = native', async () => {
    const shapes: Array<[string, unknown[]]> = [
      ['SELECT count(*), sum(id), sum(small), sum(big), sum(dec), min(name), max(name), min(day), max(ts), max(tstz), count(name), count(DISTINCT small) FROM %', []],
      ['SELECT count(*), sum(big), min(name), max(dec) FROM % WHERE id < 0', []],
      ['SELECT small, count(*), sum(big), max(name) FROM % GROUP BY small ORDER BY small', []],
      ['SELECT name, count(*) FROM % WHERE id < 300 GROUP BY name ORDER BY name NULLS FIRST', []],
      ['SELECT name, count(*) FROM % WHERE id < 300 GROUP BY name ORDER BY name DESC', []],
      ['SELECT name FROM % WHERE id > 5900 ORDER BY name DESC NULLS LAST, id LIMIT 30', []],
      ['SELECT name, id FROM % WHERE id > 5900 ORDER BY 1, 2 LIMIT 10 OFFSET 5', []],
      ['SELECT id, big FROM % WHERE big IS NOT NULL AND id < $1 ORDER BY big DESC LIMIT 3', [500]],
      ['SELECT flag, count(*) AS n, sum(dec) AS total FROM % GROUP BY flag ORDER BY total DESC', []],
      ['SELECT big AS b FROM % WHERE id < 40 ORDER BY b NULLS FIRST, id', []],
      ['SELECT sum(big) FROM % WHERE id = $1', [11]],
      ['SELECT day, max(id) FROM % GROUP BY day ORDER BY day DESC LIMIT 5', []],
      ['SELECT count(*) FROM % WHERE name > $1', ['name-9']],
      ['SELECT min(dbl), max(dbl), count(dbl) FROM %', []],
      ['SELECT id FROM % ORDER BY id LIMIT 0', []],
    ];
    for (const [t, p] of shapes) {
      const want = await q(t.replaceAll('%', 'nflat'), p).catch((x: Error) => `error: ${x.message}`);
      expect(await q(t.replaceAll('%', 'flat'), p).catch((x: Error) => `error: ${x.message}`), t).toEqual(want);
    }
    for (const t of ['SELECT year, month, count(*), sum(dec) FROM % GROUP BY year, month ORDER BY year NULLS FIRST, month', 'SELECT count(*) FROM % WHERE year IS NOT NULL AND month = 2', 'SELECT month, max(name) FROM % WHERE year = 2024 GROUP BY month ORDER BY 2 DESC, 1']) {
      expect(await q(t.replaceAll('%', 'hive')), t).toEqual(await q(t.replaceAll('%', 'nhive')));
    }
  });

  it('key shipping: forced on, forced off and automatic give the same rows as native tables', async () => {
    await f.client.query(`CREATE TABLE keys (k bigint, tag text)`);
    await f.client.query(`INSERT INTO keys VALUES (5, 'a'), (5, 'dup'), (NULL, 'null'), (4500, 'b'), (99999, 'none'), (-1, 'neg'), (6050, 'nullbig')`);
    await f.client.query(`CREATE TABLE names (n text PRIMARY KEY)`);
    await f.client.query(`INSERT INTO names VALUES ('name-7'), ('Ωmega-13'), ('nobody')`);
    const shapes = [
      'SELECT k.tag, e.id, e.big FROM keys k JOIN % e ON e.id = k.k ORDER BY 1, 2',
      'SELECT k.tag, e.id, e.big FROM keys k LEFT JOIN % e ON e.id = k.k ORDER BY 1, 2',
      'SELECT k.tag, e.id FROM % e RIGHT JOIN keys k ON k.k = e.id ORDER BY 1, 2',
      'SELECT k.tag, e.id FROM keys k JOIN % e ON e.id = k.k WHERE k.tag <> $1 ORDER BY 1, 2',
      'SELECT count(*) FROM % e LEFT JOIN keys k ON e.id = k.k WHERE e.id < 10',
      'SELECT count(*), count(k.tag) FROM keys k FULL JOIN % e ON e.id = k.k',
      'SELECT m.n, e.id FROM names m JOIN % e ON e.name = m.n ORDER BY 1',
      'SELECT k.tag, (SELECT count(*) FROM keys k2 JOIN % e ON e.id = k2.k WHERE k2.k = k.k) FROM keys k ORDER BY 1',
    ];
    const params = (sql: string): unknown[] => (sql.includes('$1') ? ['dup'] : []);
    const runAll = async (mode: string): Promise<unknown[]> => {
      await f.client.query(`SET pyralog.ship_keys = ${mode}`);
      const out: unknown[] = [];
      for (const t of shapes) out.push(await q(t.replaceAll('%', 'flat'), params(t)));
      return out;
    };
    const native: unknown[] = [];
    for (const t of shapes) native.push(await q(t.replaceAll('%', 'nflat'), params(t)));
    expect(await runAll('off')).toEqual(native);
    expect(await runAll('on')).toEqual(native);
    expect(await runAll('auto')).toEqual(native);
    await f.client.query(`RESET pyralog.ship_keys`);
  });

  it('a pruned partition is never read: a corrupt file there does not matter', async () => {
    const before = await q(`SELECT count(*), sum(dec) FROM hive WHERE year = 2023`);
    const broken = join(f.root, 'hive', 'year=2024', 'month=12');
    writeFileSync(join(broken, 'data_0.parquet'), 'this is not a parquet file');
    expect(await q(`SELECT count(*), sum(dec) FROM hive WHERE year = 2023`)).toEqual(before);
    expect(await q(`SELECT count(*) FROM hive WHERE year = 2024 AND month < $1`, [12])).toEqual(await q(`SELECT count(*) FROM nhive WHERE year = 2024 AND month < 12`));
    // The same file is read (and fails) when the predicate does not exclude it.
    await expect(q(`SELECT count(*) FROM hive WHERE year = 2024`)).rejects.toThrow();
    await expect(q(`SELECT count(*) FROM hive WHERE year = 2024 OR id = 1`)).rejects.toThrow();
  });
});
