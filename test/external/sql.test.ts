// External tables through SQL over the real wire protocol: createEngine + PgServer in-process,
// the `pg` client, Parquet written by an unrestricted DuckDB (the oracle) into a temp directory
// that is the server's only external root. Every query's answer is compared with the oracle's.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createEngine } from '../../planner/index.js';
import { Logger, PgServer } from '../../wire/index.js';
import type { Engine } from '../../planner/api.js';

let base: string;
let root: string;
let outside: string;
let engine: Engine;
let server: PgServer;
let client: pg.Client;
let oracleDb: DuckDBInstance;
let oracle: DuckDBConnection;

const SALES = `SELECT range::INTEGER AS id, (range % 17)::INTEGER AS product_id,
  (range * 0.37)::DECIMAL(12,2) AS amount, CASE WHEN range % 9 = 0 THEN NULL ELSE 'c' || (range % 5) END AS customer,
  DATE '2023-01-01' + (range % 365)::INTEGER AS day FROM range(5000)`;

async function oracleRows(sql: string): Promise<unknown[][]> {
  return (await oracle.runAndReadAll(sql)).getRowsJS() as unknown[][];
}

async function rows(sql: string, params: unknown[] = []): Promise<unknown[][]> {
  // Every value as the text PostgreSQL sent (no client-side parsing of dates or numbers).
  const r = await client.query({ text: sql, values: params, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } } as pg.QueryConfig);
  return r.rows as unknown[][];
}

async function sqlError(sql: string): Promise<{ code: string; message: string }> {
  try {
    await client.query(sql);
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message };
  }
  throw new Error(`expected an error from ${sql}`);
}

/** Oracle rows as the text pg receives (numbers/decimals/dates as PostgreSQL prints them). */
function text(v: unknown): unknown {
  if (v === null) return null;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  return String(v);
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pyralog-extsql-')));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'hive'), { recursive: true });
  mkdirSync(outside);
  oracleDb = await DuckDBInstance.create(':memory:', { threads: '1' });
  oracle = await oracleDb.connect();
  await oracle.run(`COPY (${SALES}) TO '${join(root, 'sales.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
  await oracle.run(`COPY (SELECT *, year(day) AS year, month(day) AS month FROM (${SALES})) TO '${join(root, 'hive')}' (FORMAT parquet, PARTITION_BY (year, month))`);
  await oracle.run(`COPY (SELECT 1 AS x) TO '${join(outside, 'x.parquet')}' (FORMAT parquet)`);
  writeFileSync(join(root, 'corrupt.parquet'), 'not a parquet file at all');
  engine = await createEngine({ dataDir: join(base, 'data'), externalRoots: [root] });
  server = new PgServer({
    engine, log: new Logger('off'), users: [], maxConnections: 10, maxMessageBytes: 1 << 20,
    logMinDurationMs: -1, authTimeoutMs: 10_000, tls: undefined,
  });
  const port = await server.listen(0, '127.0.0.1');
  client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
}, 60_000);

afterAll(async () => {
  await client?.end();
  await server?.close(1000);
  await engine?.close();
  oracle?.closeSync();
  oracleDb?.closeSync();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('external tables through SQL', () => {
  it('CREATE EXTERNAL TABLE discovers the columns and SELECT matches DuckDB', async () => {
    const r = await client.query(`CREATE EXTERNAL TABLE sales STORED AS PARQUET LOCATION '${join(root, 'sales.parquet')}'`);
    expect(r.command).toBe('CREATE');
    const cols = await rows(`SELECT id, product_id, amount, customer, day FROM sales ORDER BY id`);
    expect(cols.length).toBe(5000);
    const want = await oracleRows(`SELECT id, product_id, amount::VARCHAR, customer, strftime(day, '%Y-%m-%d') FROM (${SALES}) ORDER BY id`);
    expect(cols.map((row) => row.map(text))).toEqual(want.map((row) => row.map(text)));
  });

  it('aggregates, filters, ORDER BY/LIMIT and parameters match DuckDB', async () => {
    const got = await rows(`SELECT product_id, sum(amount) AS revenue, count(*) FROM sales WHERE customer IS NOT NULL AND id >= $1 GROUP BY product_id ORDER BY revenue DESC LIMIT 5`, [100]);
    const want = await oracleRows(`SELECT product_id, sum(amount)::VARCHAR, count(*) FROM (${SALES}) WHERE customer IS NOT NULL AND id >= 100 GROUP BY product_id ORDER BY sum(amount) DESC LIMIT 5`);
    expect(got.map((row) => row.map(text))).toEqual(want.map((row) => row.map(text)));
  });

  it('joins an external table with a native table', async () => {
    await client.query(`CREATE TABLE products (id int PRIMARY KEY, name text)`);
    await client.query(`INSERT INTO products SELECT g, 'p' || g FROM generate_series(0, 16) g`);
    const got = await rows(`SELECT p.name, count(*) FROM sales s JOIN products p ON p.id = s.product_id WHERE s.id < 170 GROUP BY p.name ORDER BY p.name`);
    const want = await oracleRows(`SELECT 'p' || product_id AS name, count(*) FROM (${SALES}) WHERE id < 170 GROUP BY name ORDER BY name`);
    expect(got.map((row) => row.map(text))).toEqual(want.map((row) => row.map(text)));
  });

  it('hive-partitioned location with PARTITIONED BY exposes the partition columns', async () => {
    await client.query(`CREATE EXTERNAL TABLE sales_h STORED AS PARQUET LOCATION '${join(root, 'hive')}' PARTITIONED BY (year int, month int)`);
    const got = await rows(`SELECT month, count(*), sum(amount) FROM sales_h WHERE year = 2023 AND month <= 3 GROUP BY month ORDER BY month`);
    const want = await oracleRows(`SELECT month(day), count(*), sum(amount)::VARCHAR FROM (${SALES}) WHERE month(day) <= 3 GROUP BY 1 ORDER BY 1`);
    expect(got.map((row) => row.map(text))).toEqual(want.map((row) => row.map(text)));
  });

  it('CREATE FOREIGN TABLE … SERVER parquet and DROP FOREIGN TABLE (files stay)', async () => {
    const r = await client.query(`CREATE FOREIGN TABLE sales_f (id int, amount numeric(12,2)) SERVER parquet OPTIONS (location '${join(root, 'sales.parquet')}')`);
    expect(r.command).toBe('CREATE');
    expect(await rows(`SELECT count(*), sum(amount) FROM sales_f`)).toEqual((await oracleRows(`SELECT count(*), sum(amount)::VARCHAR FROM (${SALES})`)).map((row) => row.map(text)));
    await client.query(`DROP FOREIGN TABLE sales_f`);
    expect((await sqlError(`SELECT * FROM sales_f`)).code).toBe('42P01');
    await client.query(`CREATE EXTERNAL TABLE sales_again STORED AS PARQUET LOCATION '${join(root, 'sales.parquet')}'`);
    expect(await rows(`SELECT count(*) FROM sales_again`)).toEqual([['5000']]);
    await client.query(`DROP EXTERNAL TABLE sales_again`);
    expect((await sqlError(`DROP FOREIGN TABLE products`)).code).toBe('42809');
    const e = await sqlError(`DROP TABLE sales`);
    expect(e).toEqual({ code: '42809', message: '"sales" is not a table' });
    expect((await sqlError(`DROP FOREIGN TABLE nope`)).message).toBe('foreign table "nope" does not exist');
    await client.query(`DROP FOREIGN TABLE IF EXISTS nope`);
  });

  it('CREATE in a rolled-back transaction leaves no table', async () => {
    await client.query('BEGIN');
    await client.query(`CREATE EXTERNAL TABLE rolled STORED AS PARQUET LOCATION '${join(root, 'sales.parquet')}'`);
    expect(await rows(`SELECT count(*) FROM rolled`)).toEqual([['5000']]);
    await client.query('ROLLBACK');
    expect((await sqlError(`SELECT * FROM rolled`)).code).toBe('42P01');
  });

  it('bad input: outside the root 42501, missing 58P01, corrupt file, writes 0A000, duplicate 42P07', async () => {
    expect((await sqlError(`CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION '${join(outside, 'x.parquet')}'`)).code).toBe('42501');
    expect((await sqlError(`CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION '${join(root, '..', 'outside', 'x.parquet')}'`)).code).toBe('42501');
    expect((await sqlError(`CREATE EXTERNAL TABLE m STORED AS PARQUET LOCATION '${join(root, 'missing.parquet')}'`)).code).toBe('58P01');
    const corrupt = await sqlError(`CREATE EXTERNAL TABLE c STORED AS PARQUET LOCATION '${join(root, 'corrupt.parquet')}'`);
    expect(['XX001', '22P04']).toContain(corrupt.code);
    for (const w of [`INSERT INTO sales VALUES (1)`, `UPDATE sales SET id = 1`, `DELETE FROM sales`, `TRUNCATE sales`]) {
      const e = await sqlError(w);
      expect(e.code).toBe('0A000');
      expect(e.message).toBe('cannot modify external table "sales"');
    }
    expect((await sqlError(`CREATE EXTERNAL TABLE sales STORED AS PARQUET LOCATION '${join(root, 'sales.parquet')}'`)).code).toBe('42P07');
    // The server keeps answering.
    expect(await rows(`SELECT count(*) FROM sales`)).toEqual([['5000']]);
  });

  it('COPY (query) TO a Parquet file (both spellings) writes what DuckDB reads back', async () => {
    const out = join(root, 'out.parquet');
    const r = await client.query(`COPY (SELECT id, amount, customer FROM sales WHERE id < 1000) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
    expect(r.command).toBe('COPY');
    expect(r.rowCount).toBe(1000);
    const back = await oracleRows(`SELECT count(*), sum(amount)::VARCHAR, count(customer) FROM read_parquet('${out}')`);
    const want = await oracleRows(`SELECT count(*), sum(amount)::VARCHAR, count(customer) FROM (${SALES}) WHERE id < 1000`);
    expect(back).toEqual(want);
    const seed = join(root, 'seed.parquet');
    await client.query(`COPY (SELECT p.id, p.name FROM products p WHERE p.id < 5) TO '${seed}' FORMAT PARQUET COMPRESSION ZSTD(level=3)`);
    expect(await oracleRows(`SELECT id, name FROM read_parquet('${seed}') ORDER BY id`)).toEqual([[0, 'p0'], [1, 'p1'], [2, 'p2'], [3, 'p3'], [4, 'p4']]);
    // The written file is queryable as an external table (the age-out recipe's second step).
    await client.query(`CREATE EXTERNAL TABLE aged STORED AS PARQUET LOCATION '${out}'`);
    expect(await rows(`SELECT count(*) FROM aged`)).toEqual([['1000']]);
    expect((await sqlError(`COPY (SELECT 1 AS x) TO '${join(outside, 'y.parquet')}' (FORMAT parquet)`)).code).toBe('42501');
    expect((await sqlError(`COPY sales FROM '${out}'`)).code).toBe('0A000');
  });
});
