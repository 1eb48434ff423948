#!/usr/bin/env node
// Full scans and aggregates over a native table (issue 4 "fast by design"; the hot side of
// issue 5's hybrid figure), Pyralog next to a throw-away PostgreSQL 15 holding the same rows:
//   count    SELECT count(*) FROM sales_hot
//   revenue  SELECT product_id, SUM(amount) AS revenue FROM sales_hot GROUP BY product_id
//            ORDER BY revenue DESC LIMIT 3                                  (issue 5's query)
//   filter   SELECT count(*), sum(amount) FROM sales_hot WHERE customer_id < 1000
//            (a filtered full scan: no key predicate)
// over `sales_hot (id bigint PRIMARY KEY, ts timestamptz, product_id int, customer_id int,
// amount numeric(12,2), year int, month int)` with --rows rows, loaded by `psql \copy` from one
// generated file. Pyralog is measured once its load is flushed into segment files by CHECKPOINT
// (an old --base-dist build without it is waited for, up to --settle-s), PostgreSQL after VACUUM ANALYZE.
// Each pair runs every query once per system, the order alternating; the figure is the median of
// per-pair ratios. With --base-dist DIR a second Pyralog build (e.g. `bash
// bench/build-snapshot.sh <rev>`) runs in the same pairs as "base": before/after minutes apart.
// Every answer is compared across the systems; a difference is an error, not a figure.
//
// Usage (from the repo root, after `npm run build` or with PYRALOG_DIST=<private dist>):
//   node bench/sql/scan-agg.mjs [--rows 1000000] [--pairs 5] [--settle-s 180] [--base-dist DIR]

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Cleanup } from '../lib/cleanup.mjs';
import { psql, writeLines } from '../lib/psql.mjs';
import { DIST_DIR, REPO_ROOT, freePort, machineInfo, startPostgres, waitReady } from '../lib/pg-cluster.mjs';
import { fmt, fmtRatio, markdownTable, median, parseArgs } from '../lib/stats.mjs';
import { rng } from '../lsm/workloads.mjs';

const log = (s) => process.stderr.write(s + '\n');
const QUERIES = {
  count: 'SELECT count(*) FROM sales_hot',
  revenue: 'SELECT product_id, SUM(amount) AS revenue FROM sales_hot GROUP BY product_id ORDER BY revenue DESC LIMIT 3',
  filter: 'SELECT count(*), sum(amount) FROM sales_hot WHERE customer_id < 1000',
};
const DDL = 'CREATE TABLE sales_hot (id bigint PRIMARY KEY, ts timestamptz, product_id int, customer_id int, amount numeric(12,2), year int, month int)';

/** The COPY input (text format), written once; every system loads the same bytes. */
function writeRows(path, rows) {
  const rand = rng(11);
  const base = Date.UTC(2024, 0, 1);
  return writeLines(path, rows, (i) => {
    const d = new Date(base + i * 30_000);
    const ts = d.toISOString().replace('T', ' ').replace('Z', '+00');
    const amount = (Math.floor(rand() * 100_000) / 100).toFixed(2);
    return `${i}\t${ts}\t${Math.floor(rand() * 1000)}\t${Math.floor(rand() * 100_000)}\t${amount}\t${d.getUTCFullYear()}\t${d.getUTCMonth() + 1}\n`;
  });
}


/** A Pyralog server from `dist` (pg-cluster's startPyralog serves one dist per process). */
async function startPyralogFrom(cleanup, name, dist) {
  const main = join(dist, 'wire', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} missing: run \`npm run build\` or bench/build-snapshot.sh`);
  const dataDir = mkdtempSync(join(tmpdir(), 'pyralog-bench-data-'));
  const port = await freePort();
  const child = spawn(process.execPath, [main, '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let exited = false;
  let tail = '';
  child.on('exit', () => (exited = true));
  child.stderr.on('data', (d) => (tail = (tail + d.toString()).slice(-4000)));
  const stop = cleanup.add(`${name} pid ${child.pid}`, () => {
    if (!exited) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  try {
    await waitReady(port, { isAlive: () => !exited });
  } catch (err) {
    stop();
    throw new Error(`${err.message}\n--- ${name} stderr tail ---\n${tail}`);
  }
  return { name, host: '127.0.0.1', port, user: 'postgres', db: 'postgres', dataDir, pid: child.pid, stop };
}

/** CPU time (user + system) of a process so far, from /proc (clock ticks of 10 ms). */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** Brings the load out of the memtables: CHECKPOINT (PostgreSQL's checkpoint_timeout gets a
 *  server there within 5 minutes). A build without CHECKPOINT (a --base-dist from before it)
 *  is waited for instead until its WAL shrinks under 1 MiB — which only works for builds from
 *  before WAL preallocation (16 MiB files), as such old builds are. */
async function settle(server, client, limitS) {
  const t0 = performance.now();
  try {
    await client.query('CHECKPOINT');
    return `flushed to segments by CHECKPOINT (${fmt(performance.now() - t0)} ms)`;
  } catch {
    // an old build: fall through to the wait
  }
  const lsm = join(server.dataDir, 'lsm');
  for (;;) {
    const wals = existsSync(lsm) ? readdirSync(lsm).filter((f) => f.startsWith('wal-')) : [];
    const walBytes = wals.reduce((n, f) => n + (existsSync(join(lsm, f)) ? statSync(join(lsm, f)).size : 0), 0);
    if (walBytes < 1 << 20) return `flushed to segments after ${fmt((performance.now() - t0) / 1000, 1)} s`;
    if (performance.now() - t0 > limitS * 1000) return `NOT flushed after ${limitS} s (${fmt(walBytes / 2 ** 20, 1)} MiB of WAL): scans read memtables`;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2), { rows: '1000000', pairs: '5', 'settle-s': '180', 'base-dist': '' });
  const opt = { rows: Number(o.rows), pairs: Number(o.pairs), settleS: Number(o['settle-s']) };
  const cleanup = new Cleanup();
  const dir = mkdtempSync(join(tmpdir(), 'pyralog-bench-scan-'));
  cleanup.add(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rows.tsv');
  await writeRows(file, opt.rows);
  const servers = [await startPyralogFrom(cleanup, 'pyralog', DIST_DIR)];
  if (o['base-dist']) servers.push(await startPyralogFrom(cleanup, 'base', o['base-dist']));
  servers.push(await startPostgres(cleanup));
  servers.at(-1).name = 'postgres';
  const notes = [];
  const clients = {};
  for (const s of servers) {
    psql(s, DDL);
    const t0 = performance.now();
    psql(s, `\\copy sales_hot FROM '${file}'`);
    notes.push(`${s.name}: loaded ${opt.rows} rows in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    if (s.name === 'postgres') psql(s, 'VACUUM ANALYZE sales_hot');
    const c = new pg.Client({ host: s.host, port: s.port, user: s.user, database: s.db, ssl: false, types: { getTypeParser: () => (v) => v } });
    await c.connect();
    clients[s.name] = c;
  }
  for (const s of servers) if (s.name !== 'postgres') notes.push(`${s.name}: ${await settle(s, clients[s.name], opt.settleS)}`);

  const names = servers.map((s) => s.name);
  const answers = {};
  const pids = Object.fromEntries(servers.filter((s) => s.pid).map((s) => [s.name, s.pid]));
  const cpu = {};
  const run = async (name, q) => {
    const c0 = pids[name] ? cpuMs(pids[name]) : 0;
    const t0 = performance.now();
    const r = await clients[name].query({ text: QUERIES[q], rowMode: 'array' });
    const ms = performance.now() - t0;
    if (pids[name]) ((cpu[name] ??= {})[q] ??= []).push(cpuMs(pids[name]) - c0);
    const text = JSON.stringify(r.rows);
    if (answers[q] === undefined) answers[q] = { name, text };
    else if (answers[q].text !== text) throw new Error(`${q}: ${name} answered ${text.slice(0, 200)}, ${answers[q].name} ${answers[q].text.slice(0, 200)}`);
    return ms;
  };
  for (const n of names) for (const q of Object.keys(QUERIES)) await run(n, q); // warm-up + answers
  const pairs = [];
  for (let p = 0; p < opt.pairs; p++) {
    const order = p % 2 === 0 ? names : [...names].reverse();
    const pair = {};
    for (const n of order) {
      pair[n] = {};
      for (const q of Object.keys(QUERIES)) pair[n][q] = await run(n, q);
    }
    log(`[bench] pair ${p + 1}: ${JSON.stringify(pair, (k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
    pairs.push(pair);
  }
  for (const c of Object.values(clients)) await c.end();
  cleanup.runAll();

  const col = (n, q) => fmt(median(pairs.map((p) => p[n][q])));
  const ratio = (a, b, q) => fmtRatio(median(pairs.map((p) => p[a][q] / p[b][q])));
  // Server CPU per query (median over the timed runs): steadier than wall time on a shared machine.
  const cpuCol = (n, q) => fmt(median((cpu[n]?.[q] ?? []).slice(1)));
  const base = names.includes('base');
  const header = ['query', 'PostgreSQL ms', 'Pyralog ms', 'Pyralog server CPU ms', ...(base ? ['base ms', 'base server CPU ms', 'Pyralog/base'] : []), 'Pyralog/PG (median per-pair)'];
  const rows = Object.keys(QUERIES).map((q) => [q, col('postgres', q), col('pyralog', q), cpuCol('pyralog', q), ...(base ? [col('base', q), cpuCol('base', q), ratio('pyralog', 'base', q)] : []), ratio('pyralog', 'postgres', q)]);
  const m = machineInfo();
  process.stdout.write(
    [
      `Run ${m.date} on ${m.cores} cores (${m.cpu}), load average ${m.loadAvg1m} at the end, Node ${m.node}; ${opt.pairs} alternating pairs, ${opt.rows} rows.`,
      `Command: \`${`node bench/sql/scan-agg.mjs ${process.argv.slice(2).join(' ')}`.trim()}\`${process.env.PYRALOG_DIST ? ` with PYRALOG_DIST=${process.env.PYRALOG_DIST}` : ''}`,
      ...notes.map((n) => `- ${n}`),
      '',
      markdownTable(header, rows),
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  log(`[bench] failed: ${err.stack ?? err}`);
  process.exit(1);
});
