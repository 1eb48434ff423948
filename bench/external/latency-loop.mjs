#!/usr/bin/env node
// Fixed per-query costs of external queries (issue 5), for profiling: prepared point lookups by
// id over the flat file and the one-month aggregate over the hive table, looped against running
// Pyralog servers given as ports (already started with --external-root on the sales data of
// gen-sales.mjs), alternating servers round by round; prints p50 per server per round.
//   node bench/external/latency-loop.mjs --ports 5432,5433 [--rounds 5] [--n 100] [--data DIR]
import pg from 'pg';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs, csvList } from '../lib/stats.mjs';

const opts = parseArgs(process.argv.slice(2), { ports: '5432', rounds: '3', n: '100', data: join(tmpdir(), 'pyralog-bench-sales-10000000-1000000') });
const root = join(opts.data, 'root');
const N = Number(opts.n);
const rawTypes = { getTypeParser: () => (v) => v };
const MONTH = 'SELECT product_id, SUM(amount) AS revenue FROM sales_hive WHERE year = 2022 AND month = 6 GROUP BY product_id ORDER BY revenue DESC LIMIT 10';
const p50 = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const clients = [];
for (const port of csvList(opts.ports)) {
  const c = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', database: 'postgres' });
  await c.connect();
  await c.query(`CREATE EXTERNAL TABLE IF NOT EXISTS sales STORED AS PARQUET LOCATION '${root}/sales.parquet'`);
  await c.query(`CREATE EXTERNAL TABLE IF NOT EXISTS sales_hive STORED AS PARQUET LOCATION '${root}/sales_hive' PARTITIONED BY (year int, month int)`);
  clients.push({ port, c });
}
async function loop(c) {
  const lk = [];
  for (let i = 0; i < N; i++) {
    const id = 1 + Math.floor(Math.random() * 10_000_000);
    const t0 = performance.now();
    await c.query({ name: 'lk', text: 'SELECT id, amount, customer_id FROM sales WHERE id = $1', values: [id], rowMode: 'array', types: rawTypes });
    lk.push(performance.now() - t0);
  }
  const mo = [];
  for (let i = 0; i < Math.max(5, N / 5); i++) {
    const t0 = performance.now();
    await c.query({ text: MONTH, rowMode: 'array', types: rawTypes });
    mo.push(performance.now() - t0);
  }
  return { lookup: p50(lk), month: p50(mo) };
}
for (let r = 0; r < Number(opts.rounds); r++) {
  const order = r % 2 === 0 ? clients : [...clients].reverse();
  const out = {};
  for (const { port, c } of order) out[port] = await loop(c);
  console.log(`round ${r}: ` + clients.map(({ port }) => `${port} lookup p50 ${out[port].lookup.toFixed(2)} ms, month p50 ${out[port].month.toFixed(2)} ms`).join(' | '));
}
for (const { c } of clients) await c.end();
