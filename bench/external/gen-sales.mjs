#!/usr/bin/env node
// Sales data for the external-table benchmarks, written by DuckDB and cached in a temp directory
// (regenerating 10 M rows takes minutes on this machine). Layout of `<dir>/`:
//   root/sales.parquet          cold rows, flat, sorted by id, ZSTD, row groups of 122 880 rows
//   root/sales_hive/year=Y/month=M/data_0.parquet   the same rows, hive-partitioned (60 dirs)
//   root/hot.parquet            --hot rows with ids after the cold ones (the hybrid query's LSM side)
//   sales.csv, hot.csv          the same rows as CSV for loading PostgreSQL (COPY … FROM STDIN)
//   DONE                        written last; a directory without it is regenerated
// Columns: id bigint (sorted, 1..rows), ts timestamptz (2020-01-01 … 2024-12-31, increasing with
// id), product_id int (1..1000), customer_id int (1..100 000), amount decimal(12,2), year int,
// month int (of ts). The hive files hold every column but year/month (those are in the paths).
//
//   node bench/external/gen-sales.mjs [--rows 10000000] [--hot 1000000] [--dir DIR]
// Prints the directory on stdout. Imported by wire.mjs as `ensureSalesData`.
import { existsSync, mkdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const log = (s) => process.stderr.write(s + '\n');

/** The SELECT producing rows [from, from + n) of the sales series (deterministic). */
export function salesSelect(from, n, totalRows) {
  // ts spreads the cold rows evenly over five years; hot rows continue past the end.
  const spanSeconds = 5 * 365.25 * 86400;
  return `SELECT id, ts, product_id, customer_id, amount, year(ts)::INTEGER AS year, month(ts)::INTEGER AS month FROM (
    SELECT (range + 1)::BIGINT AS id,
      TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_microseconds(CAST(range * (${spanSeconds} / ${totalRows}) * 1000000 AS BIGINT)) AS ts,
      (1 + hash(range) % 1000)::INTEGER AS product_id,
      (1 + hash(range * 7 + 3) % 100000)::INTEGER AS customer_id,
      CAST((hash(range * 13 + 5) % 1000000) / 100.0 AS DECIMAL(12,2)) AS amount
    FROM range(${from}, ${from + n}))`;
}

export async function ensureSalesData({ rows = 10_000_000, hot = 1_000_000, dir } = {}) {
  const out = dir ?? join(tmpdir(), `pyralog-bench-sales-${rows}-${hot}`);
  if (existsSync(join(out, 'DONE'))) return out;
  rmSync(out, { recursive: true, force: true });
  const root = join(out, 'root');
  mkdirSync(root, { recursive: true });
  const t0 = performance.now();
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '4GB', preserve_insertion_order: 'true' });
  const c = await db.connect();
  await c.run(`SET TimeZone = 'UTC'`);
  log(`[gen] ${rows} cold rows + ${hot} hot rows into ${out}`);
  await c.run(`CREATE TABLE cold AS ${salesSelect(0, rows, rows)} ORDER BY id`);
  await c.run(`COPY cold TO '${join(root, 'sales.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
  await c.run(`COPY cold TO '${join(root, 'sales_hive')}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month))`);
  // PostgreSQL's COPY csv reads timestamptz in ISO form with an offset.
  await c.run(`COPY (SELECT id, strftime(ts, '%Y-%m-%d %H:%M:%S.%f+00') AS ts, product_id, customer_id, amount, year, month FROM cold) TO '${join(out, 'sales.csv')}' (FORMAT csv, HEADER false)`);
  await c.run(`DROP TABLE cold`);
  await c.run(`CREATE TABLE hot AS ${salesSelect(rows, hot, rows)} ORDER BY id`);
  await c.run(`COPY hot TO '${join(root, 'hot.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
  await c.run(`COPY (SELECT id, strftime(ts, '%Y-%m-%d %H:%M:%S.%f+00') AS ts, product_id, customer_id, amount, year, month FROM hot) TO '${join(out, 'hot.csv')}' (FORMAT csv, HEADER false)`);
  c.closeSync();
  db.closeSync();
  writeFileSync(join(out, 'DONE'), new Date().toISOString() + '\n');
  log(`[gen] done in ${((performance.now() - t0) / 1000).toFixed(1)} s; flat file ${(statSync(join(root, 'sales.parquet')).size / 1e6).toFixed(1)} MB`);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = { rows: 10_000_000, hot: 1_000_000, dir: undefined };
  for (let i = 2; i < process.argv.length; i += 2) {
    const k = process.argv[i].replace(/^--/, '');
    if (!(k in args)) throw new Error(`unknown option ${process.argv[i]}; known: --rows --hot --dir`);
    args[k] = k === 'dir' ? process.argv[i + 1] : Number(process.argv[i + 1]);
  }
  console.log(await ensureSalesData(args));
}
