#!/usr/bin/env node
// Issue 5 "Measure", through the wire: Pyralog (server from PYRALOG_DIST or dist/, driven by the
// `pg` client over TCP) vs DuckDB in-process (@duckdb/node-api, same Parquet files) vs a
// throw-away PostgreSQL 15 (bench/lib/pg-cluster.mjs) holding the same rows, on the sales data
// of gen-sales.mjs (10 M cold rows in Parquet ZSTD, flat and hive-partitioned by year/month;
// 1 M hot rows). Figures:
//   revenue flat / hive  `SELECT product_id, SUM(amount) AS revenue FROM … GROUP BY product_id
//                        ORDER BY revenue DESC LIMIT 10` (the seed's query)
//   one month            the same over the hive table, WHERE year = 2022 AND month = 6
//   selective            `SELECT id, amount FROM sales WHERE customer_id = 4242`
//   point lookup         `SELECT id, amount, customer_id FROM sales WHERE id = $1`, --lookups
//                        random ids per system per pair → p50/p99 ms (ratio of p50s per pair)
//   recent + history     `SELECT h.id, s.amount, s.customer_id FROM recent h JOIN sales s ON
//                        s.id = h.id WHERE h.user_id = $1` (native `recent`: --join-ids ids per
//                        user) → p50/p99 ms, answers compared with DuckDB's each time
//   hybrid               the revenue query over `sales_hot` (Pyralog: native LSM table, loaded
//                        with COPY … FROM hot.parquet; PostgreSQL: a table) UNION ALL the cold
//                        rows, vs DuckDB over hot.parquet UNION ALL sales.parquet
//   COPY TO Parquet      Pyralog `COPY sales_hot TO '….parquet' (FORMAT parquet, COMPRESSION zstd)`
//                        vs DuckDB's own COPY of the same rows (from hot.parquet) → rows/s; the same
//                        for the 10 M-row external table `sales` (DuckDB end to end in Pyralog)
// Method: each figure runs once per system as a warm-up whose answers are compared (a system
// that answers differently gets an error, not a figure); then --pairs rounds, the order of the
// systems rotating each round; ratios are Pyralog / other within a round, the recorded figure is
// the median of the per-round ratios. A statement Pyralog refuses (e.g. 53200 past its row cap)
// makes that cell an error with the SQLSTATE; the other systems are still measured.
// A short query (warm-up under SHORT_MS on every system) is run --repeat times per system per
// round and the round's time is the median of those (one 10 ms run alone is mostly noise here).
// DuckDB runs with threads=2 and parquet_metadata_cache=true, the settings Pyralog's engine uses.
// After the table: the Pyralog server's CPU per query (main thread, all threads) from /proc.
//
//   PYRALOG_DIST=$(bash bench/build-snapshot.sh) node bench/external/wire.mjs \
//     [--rows 10000000] [--hot 1000000] [--pairs 5] [--lookups 200] [--systems pyralog,duckdb,postgres]
//     [--figures flat,hive,month,selective,hybrid,lookup,join,copy]   (a subset runs only those figures)
//     [--joins 40] [--join-ids 10]   (join: users per system per round, recent ids per user)
//     [--repeat 11]   (executions per round of a short query)
//     [--no-checkpoint]   (hybrid: measure right after the load, the last memtable unflushed)
import { spawnSync, execFileSync } from 'node:child_process';
import { rmSync, existsSync, statSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
import { Cleanup } from '../lib/cleanup.mjs';
import { startPostgres, startPyralog, machineInfo, DIST_DIR, REPO_ROOT } from '../lib/pg-cluster.mjs';
import { median, percentile, fmt, fmtRatio, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';
import { ensureSalesData } from './gen-sales.mjs';

const log = (s) => process.stderr.write(`[wire] ${s}\n`);
const opts = parseArgs(process.argv.slice(2), { rows: '10000000', hot: '1000000', pairs: '5', lookups: '200', systems: 'pyralog,duckdb,postgres', seed: '42', figures: 'flat,hive,month,selective,hybrid,lookup,join,copy', repeat: '11', joins: '40', 'join-ids': '10', 'no-checkpoint': false });
const REPEAT = Number(opts.repeat);
const SHORT_MS = 100;
const FIGURES = new Set(csvList(opts.figures));
const ROWS = Number(opts.rows);
const HOT = Number(opts.hot);
const PAIRS = Number(opts.pairs);
const LOOKUPS = Number(opts.lookups);
const SYSTEMS = csvList(opts.systems);
const cleanup = new Cleanup();

// ---------------------------------------------------------------- data and systems
const dataDir = await ensureSalesData({ rows: ROWS, hot: HOT });
const root = join(dataDir, 'root');
const FLAT = join(root, 'sales.parquet');
const HIVE = join(root, 'sales_hive');
const HOTP = join(root, 'hot.parquet');
const info = machineInfo();
// The measured revision: a build-snapshot.sh path names it; otherwise dist/ of the checkout.
const rev = /pyralog-bench-build\/([0-9a-f]+)\/dist/.exec(DIST_DIR)?.[1]
  ?? `${execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()} (dist/ of the working tree)`;
log(`data ${dataDir}; dist ${DIST_DIR}; revision ${rev}; load ${info.loadAvg1m}`);

const rawTypes = { getTypeParser: () => (v) => v };
async function pgClient(server) {
  const c = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.db });
  await c.connect();
  return c;
}
function psql(server, cmd) {
  const r = spawnSync('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', server.db, '-c', cmd], {
    encoding: 'utf8', env: { ...process.env, PGSSLMODE: 'disable' }, maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`psql ${cmd.slice(0, 80)}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  return r.stdout.trim();
}
/**
 * CPU time (ms) the server process used so far: its main thread (the executor: native scans and
 * aggregates, the merge, the wire) and all its threads (DuckDB's workers included); from
 * /proc (Linux), undefined elsewhere. Unlike wall time it hardly moves with the machine's load.
 */
function serverCpuMs(pid) {
  const read = (path) => {
    if (!existsSync(path)) return undefined;
    const f = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in USER_HZ (100/s)
  };
  const main = read(`/proc/${pid}/task/${pid}/stat`);
  const all = read(`/proc/${pid}/stat`);
  return main === undefined || all === undefined ? undefined : { main, all };
}
const COLS = 'id bigint PRIMARY KEY, ts timestamptz, product_id int, customer_id int, amount numeric(12,2), year int, month int';
const setup = {};

const systems = {};
if (SYSTEMS.includes('pyralog')) {
  const srv = await startPyralog(cleanup, { extraArgs: ['--external-root', root] });
  const c = await pgClient(srv);
  await c.query(`SET statement_timeout = '300s'`);
  await c.query(`CREATE EXTERNAL TABLE sales STORED AS PARQUET LOCATION '${FLAT}'`);
  await c.query(`CREATE EXTERNAL TABLE sales_hive STORED AS PARQUET LOCATION '${HIVE}' PARTITIONED BY (year int, month int)`);
  await c.query(`CREATE TABLE sales_hot (${COLS})`);
  const t0 = performance.now();
  const r = await c.query(`COPY sales_hot FROM '${HOTP}' (FORMAT parquet)`);
  setup.pyralogImportMs = performance.now() - t0;
  if (r.rowCount !== HOT) throw new Error(`Pyralog imported ${r.rowCount} hot rows, expected ${HOT}`);
  log(`pyralog: ${HOT} hot rows imported from Parquet in ${fmt(setup.pyralogImportMs)} ms`);
  // The state after a checkpoint (PostgreSQL's checkpoint_timeout brings a server there within
  // 5 minutes of a load): CHECKPOINT flushes the load's last memtable into segment files, so
  // the hot side is read from segments as column vectors. --no-checkpoint measures the state
  // right after the load instead (up to one memtable, memtableBytesMax, of the hot rows still
  // in memory, read row by row). (The WAL's size no longer tells: its files are preallocated.)
  if (opts['no-checkpoint']) setup.pyralogSettle = 'not flushed: the last memtable of the load is read row by row';
  else {
    const t1 = performance.now();
    await c.query('CHECKPOINT');
    setup.pyralogSettle = `flushed to segments by CHECKPOINT (${fmt(performance.now() - t1)} ms)`;
  }
  log(`pyralog: hot rows ${setup.pyralogSettle}`);
  systems.pyralog = {
    async query(sql, params = []) {
      const res = await c.query({ text: sql, values: params, rowMode: 'array', types: rawTypes });
      return res.rows;
    },
    async copyOut(kind, target) {
      const res = await c.query(`COPY ${kind === 'hot' ? 'sales_hot' : 'sales'} TO '${target}' (FORMAT parquet, COMPRESSION zstd)`);
      return res.rowCount;
    },
    close: () => c.end(),
    cpuMs: () => serverCpuMs(srv.pid),
  };
}
if (SYSTEMS.includes('duckdb')) {
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '4GB' });
  const c = await db.connect();
  await c.run(`SET parquet_metadata_cache = true`);
  await c.run(`CREATE VIEW sales AS SELECT * FROM read_parquet('${FLAT}')`);
  await c.run(`CREATE VIEW sales_hive AS SELECT * FROM read_parquet('${HIVE}/*/*/*.parquet', hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER})`);
  await c.run(`CREATE VIEW sales_hot AS SELECT * FROM read_parquet('${HOTP}')`);
  const prepared = new Map();
  systems.duckdb = {
    async query(sql, params = []) {
      const text = sql.replaceAll(/\$(\d+)/g, (_, n) => `$${n}`);
      let p = prepared.get(text);
      if (!p) prepared.set(text, (p = await c.prepare(text)));
      params.forEach((v, i) => p.bindBigInt(i + 1, BigInt(v)));
      const r = await p.runAndReadAll();
      return r.getRowsJS();
    },
    async copyOut(kind, target) {
      const r = await c.runAndReadAll(`COPY (SELECT * FROM read_parquet('${kind === 'hot' ? HOTP : FLAT}')) TO '${target}' (FORMAT parquet, COMPRESSION zstd)`);
      return Number(r.getRowsJS()[0]?.[0] ?? 0);
    },
    close: () => (c.closeSync(), db.closeSync()),
  };
}
if (SYSTEMS.includes('postgres')) {
  const srv = await startPostgres(cleanup);
  const t0 = performance.now();
  // Bulk-load practice: the primary keys are added after the rows are in.
  const plain = COLS.replace(' PRIMARY KEY', '');
  psql(srv, `CREATE TABLE sales (${plain})`);
  psql(srv, `CREATE TABLE sales_hot (${plain})`);
  psql(srv, `\\copy sales FROM '${join(dataDir, 'sales.csv')}' (FORMAT csv)`);
  psql(srv, `\\copy sales_hot FROM '${join(dataDir, 'hot.csv')}' (FORMAT csv)`);
  psql(srv, 'ALTER TABLE sales ADD PRIMARY KEY (id)');
  psql(srv, 'ALTER TABLE sales_hot ADD PRIMARY KEY (id)');
  psql(srv, 'VACUUM ANALYZE');
  setup.postgresLoadMs = performance.now() - t0;
  log(`postgres: ${ROWS + HOT} rows loaded in ${fmt(setup.postgresLoadMs)} ms (${srv.version})`);
  const c = await pgClient(srv);
  systems.postgres = {
    version: srv.version,
    async query(sql, params = []) {
      // The hive table is the same rows in PostgreSQL.
      const res = await c.query({ text: sql.replaceAll('sales_hive', 'sales'), values: params, rowMode: 'array', types: rawTypes });
      return res.rows;
    },
    close: () => c.end(),
  };
}
const names = Object.keys(systems);

// ---------------------------------------------------------------- figures
const REVENUE = (from, where = '') => `SELECT product_id, SUM(amount) AS revenue FROM ${from}${where} GROUP BY product_id ORDER BY revenue DESC LIMIT 10`;
const QUERIES = [
  { key: 'flat', name: 'revenue top 10, flat file', sql: REVENUE('sales') },
  { key: 'hive', name: 'revenue top 10, hive (60 partitions)', sql: REVENUE('sales_hive') },
  { key: 'month', name: 'revenue, one month (hive, year = 2022 AND month = 6)', sql: REVENUE('sales_hive', ' WHERE year = 2022 AND month = 6') },
  { key: 'selective', name: 'selective non-partition predicate (customer_id = 4242)', sql: 'SELECT id, amount FROM sales WHERE customer_id = 4242 ORDER BY id' },
  { key: 'hybrid', name: `hybrid: ${fmt(HOT)} hot (LSM) + ${fmt(ROWS)} cold rows, revenue top 10`, sql: REVENUE('(SELECT product_id, amount FROM sales_hot UNION ALL SELECT product_id, amount FROM sales) s'), only: ['pyralog', 'duckdb', 'postgres'] },
].filter((q) => FIGURES.has(q.key));

/** Canonical text of a result: numbers compared numerically (DuckDB returns JS numbers/bigints). */
function canon(rows) {
  return JSON.stringify(rows.map((r) => r.map((v) => (v === null ? null : typeof v === 'object' && v !== null && 'toDouble' in v ? v.toDouble().toFixed(2) : Number.isNaN(Number(v)) ? String(v) : Number(v).toFixed(2)))));
}

async function timed(f) {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

function errText(e) {
  return `error ${e.code ?? ''} ${String(e.message ?? e).slice(0, 120)}`.trim();
}

const results = [];
for (const q of QUERIES) {
  log(`${q.name}: warm-up and answer check`);
  const ok = {};
  const answers = {};
  let short = true;
  for (const n of names) {
    try {
      const t = await timed(async () => (answers[n] = canon(await systems[n].query(q.sql))));
      if (t >= SHORT_MS) short = false;
      ok[n] = true;
      log(`  ${n}: ${fmt(t)} ms`);
    } catch (e) {
      ok[n] = errText(e);
      log(`  ${n}: ${ok[n]}`);
    }
  }
  const ref = answers.duckdb ?? answers.postgres;
  for (const n of names) if (ok[n] === true && ref !== undefined && answers[n] !== ref) ok[n] = 'error: wrong answer (differs from DuckDB/PostgreSQL)';
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const ratios = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = { main: [], all: [] };
  for (let p = 0; p < PAIRS; p++) {
    const order = names.map((_, i) => names[(i + p) % names.length]);
    const round = {};
    for (const n of order) {
      if (ok[n] !== true) continue;
      const runs = [];
      const c0 = systems[n].cpuMs?.();
      for (let k = 0; k < (short ? REPEAT : 1); k++) runs.push(await timed(() => systems[n].query(q.sql)));
      const c1 = systems[n].cpuMs?.();
      if (c0 !== undefined && c1 !== undefined) {
        cpu.main.push((c1.main - c0.main) / runs.length);
        cpu.all.push((c1.all - c0.all) / runs.length);
      }
      round[n] = median(runs);
    }
    for (const n of names) if (round[n] !== undefined) times[n].push(round[n]);
    if (round.pyralog !== undefined) for (const n of names) if (n !== 'pyralog' && round[n] !== undefined) ratios[n].push(round.pyralog / round[n]);
    log(`  round ${p + 1}: ${names.map((n) => `${n} ${round[n] === undefined ? '-' : fmt(round[n])} ms`).join(', ')}`);
  }
  results.push({ name: q.name, ok, times, ratios, cpu });
}

// Point lookups: random existing ids, one at a time, the same ids for every system in a round.
if (FIGURES.has('lookup')) {
  const name = `point lookup by id (${LOOKUPS} lookups per system per round)`;
  const sql = 'SELECT id, amount, customer_id FROM sales WHERE id = $1';
  let state = Number(opts.seed);
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ok = {};
  for (const n of names) {
    try {
      const r = await systems[n].query(sql, [String(Math.floor(ROWS / 2))]);
      ok[n] = r.length === 1 && Number(r[0][0]) === Math.floor(ROWS / 2) ? true : 'error: wrong answer';
    } catch (e) {
      ok[n] = errText(e);
    }
    log(`  lookup warm-up ${n}: ${ok[n]}`);
  }
  // Pyralog builds the file's key runs (an index of where each id sits, once per file identity:
  // external/key-runs.ts) in the background after the first lookup; until then lookups read the
  // file as DuckDB does. Timing starts once EXPLAIN ANALYZE shows the row read by row number (as
  // PostgreSQL's figure is taken with its primary key built). No data is cached by this: every
  // timed lookup still reads and decompresses the row's pages from the Parquet file.
  if (ok.pyralog === true) {
    const t0 = performance.now();
    let ready = false;
    while (!ready && performance.now() - t0 < 60_000) {
      const plan = await systems.pyralog.query(`EXPLAIN ANALYZE ${sql.replace('$1', String(Math.floor(ROWS / 3)))}`);
      ready = plan.some((r) => String(r[0]).includes('file_row_number'));
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
    log(`  lookup: pyralog key runs ${ready ? 'ready' : 'NOT ready'} after ${fmt(performance.now() - t0)} ms`);
  }
  const all = Object.fromEntries(names.map((n) => [n, []]));
  const ratios = Object.fromEntries(names.map((n) => [n, []]));
  const usedIds = new Set([Math.floor(ROWS / 2), Math.floor(ROWS / 3)]);
  for (let p = 0; p < PAIRS; p++) {
    // Distinct ids over the whole run (no id is looked up twice, so nothing can answer from a
    // previous lookup of the same row); the warm-up ids are not reused either.
    const ids = [];
    while (ids.length < LOOKUPS) {
      const id = 1 + Math.floor(rand() * ROWS);
      if (usedIds.has(id)) continue;
      usedIds.add(id);
      ids.push(id);
    }
    const order = names.map((_, i) => names[(i + p) % names.length]);
    const p50 = {};
    for (const n of order) {
      if (ok[n] !== true) continue;
      const lat = [];
      for (const id of ids) {
        const t0 = performance.now();
        const r = await systems[n].query(sql, [String(id)]);
        lat.push(performance.now() - t0);
        if (r.length !== 1 || Number(r[0][0]) !== id) throw new Error(`${n}: lookup of ${id} returned ${JSON.stringify(r)}`);
      }
      all[n].push(...lat);
      p50[n] = percentile(lat, 50);
    }
    if (p50.pyralog !== undefined) for (const n of names) if (n !== 'pyralog' && p50[n] !== undefined) ratios[n].push(p50.pyralog / p50[n]);
    log(`  lookup round ${p + 1}: ${names.map((n) => `${n} p50 ${p50[n] === undefined ? '-' : fmt(p50[n], 2)} ms`).join(', ')}`);
  }
  results.push({ name, ok, times: all, ratios, lookup: true });
}

// Recent activity + history (the seed's hybrid point query, placement B): a native table of
// recent ids per user joined with the cold rows, `WHERE h.user_id = $1` — Pyralog ships the
// user's ids into the external scan and reads their rows by row number from the key runs;
// DuckDB joins its own table with the file; PostgreSQL uses its primary key. --join-ids ids per
// user (random, distinct), --joins users per system per round; answers compared every time.
if (FIGURES.has('join')) {
  const PER_USER = Number(opts['join-ids']);
  const USERS = 100;
  const name = `recent activity + history: ${PER_USER} ids per user joined with the cold rows (${opts.joins} users per system per round)`;
  const sql = 'SELECT h.id, s.amount, s.customer_id FROM recent h JOIN sales s ON s.id = h.id WHERE h.user_id = $1 ORDER BY h.id';
  let state = Number(opts.seed) + 1;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const recent = [];
  const seen = new Set();
  while (recent.length < USERS * PER_USER) {
    const id = 1 + Math.floor(rand() * ROWS);
    if (seen.has(id)) continue;
    seen.add(id);
    recent.push(`(${id}, ${recent.length % USERS})`);
  }
  const ok = {};
  for (const n of names) {
    try {
      await systems[n].query('CREATE TABLE recent (id bigint PRIMARY KEY, user_id int)');
      await systems[n].query(`INSERT INTO recent VALUES ${recent.join(', ')}`);
      const r = await systems[n].query(sql, ['7']);
      ok[n] = r.length === PER_USER ? true : `error: ${r.length} rows, expected ${PER_USER}`;
    } catch (e) {
      ok[n] = errText(e);
    }
    log(`  join warm-up ${n}: ${ok[n]}`);
  }
  if (ok.pyralog === true) {
    // The file's key runs (built in the background after a first read, as for the lookups).
    const t0 = performance.now();
    let ready = false;
    while (!ready && performance.now() - t0 < 60_000) {
      const plan = await systems.pyralog.query(`EXPLAIN ANALYZE ${sql.replace('$1', '7')}`);
      ready = plan.some((r) => String(r[0]).includes('Key Runs'));
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
    log(`  join: pyralog reads by key runs ${ready ? 'yes' : 'NO'} after ${fmt(performance.now() - t0)} ms`);
  }
  const all = Object.fromEntries(names.map((n) => [n, []]));
  const ratios = Object.fromEntries(names.map((n) => [n, []]));
  for (let p = 0; p < PAIRS; p++) {
    const users = Array.from({ length: Number(opts.joins) }, () => String(Math.floor(rand() * USERS)));
    const order = names.map((_, i) => names[(i + p) % names.length]);
    const p50 = {};
    const answers = {};
    for (const n of order) {
      if (ok[n] !== true) continue;
      const lat = [];
      answers[n] = [];
      for (const u of users) {
        const t0 = performance.now();
        const r = await systems[n].query(sql, [u]);
        lat.push(performance.now() - t0);
        answers[n].push(canon(r));
      }
      all[n].push(...lat);
      p50[n] = percentile(lat, 50);
    }
    const ref = answers.duckdb ?? answers.postgres;
    for (const n of names) {
      if (ok[n] === true && ref && answers[n].some((a, i) => a !== ref[i])) throw new Error(`${n}: a join answer differs from DuckDB/PostgreSQL's`);
    }
    if (p50.pyralog !== undefined) for (const n of names) if (n !== 'pyralog' && p50[n] !== undefined) ratios[n].push(p50.pyralog / p50[n]);
    log(`  join round ${p + 1}: ${names.map((n) => `${n} p50 ${p50[n] === undefined ? '-' : fmt(p50[n], 2)} ms`).join(', ')}`);
  }
  results.push({ name, ok, times: all, ratios, lookup: true });
}

// COPY TO Parquet throughput: hot = Pyralog from its LSM table (native executor → DuckDB appender)
// vs DuckDB from the same rows in Parquet; cold = the 10 M-row external table as it is (Pyralog
// hands it to DuckDB end to end) vs DuckDB's own COPY of the same file.
const copyRows = [];
for (const kind of FIGURES.has('copy') ? ['hot', 'cold'] : []) {
  const want = kind === 'hot' ? HOT : ROWS;
  const ok = {};
  const rates = { pyralog: [], duckdb: [] };
  const ratios = [];
  const who = names.filter((n) => n === 'pyralog' || n === 'duckdb');
  for (let p = 0; p < PAIRS + 1; p++) {
    const round = {};
    for (const n of p % 2 === 0 ? who : [...who].reverse()) {
      if (ok[n] !== undefined && ok[n] !== true) continue;
      const target = join(root, `.bench-copy-${n}-${kind}-${p}.parquet`);
      try {
        const t0 = performance.now();
        const count = await systems[n].copyOut(kind, target);
        const ms = performance.now() - t0;
        if (count !== want) throw new Error(`wrote ${count} rows, expected ${want}`);
        ok[n] = true;
        if (p > 0) round[n] = (want / ms) * 1000; // round 0 is the warm-up
      } catch (e) {
        ok[n] = errText(e);
      } finally {
        rmSync(target, { force: true });
      }
    }
    for (const n of who) if (round[n] !== undefined) rates[n].push(round[n]);
    if (round.pyralog !== undefined && round.duckdb !== undefined) ratios.push(round.pyralog / round.duckdb);
    if (p > 0) log(`  COPY ${kind} round ${p}: ${who.map((n) => `${n} ${round[n] === undefined ? '-' : fmt(round[n])} rows/s`).join(', ')}`);
  }
  copyRows.push({ kind, want, ok, rates, ratios });
}

// ---------------------------------------------------------------- report
const cell = (r, n, f) => (r.ok[n] === undefined ? '–' : r.ok[n] !== true ? r.ok[n] : f());
const header = ['figure', ...names.map((n) => `${n} ${n === 'pyralog' ? '(wire)' : n === 'duckdb' ? '(in-process)' : '(wire)'} ms (median)`),
  ...names.filter((n) => n !== 'pyralog').map((n) => `Pyralog/${n} (median of per-round ratios)`)];
const rowsOut = results.map((r) => [
  r.name,
  ...names.map((n) => cell(r, n, () => (r.lookup ? `p50 ${fmt(percentile(r.times[n], 50), 2)} / p99 ${fmt(percentile(r.times[n], 99), 2)}` : fmt(median(r.times[n]), 1)))),
  ...names.filter((n) => n !== 'pyralog').map((n) => (r.ok.pyralog !== true || r.ok[n] !== true ? '–' : `${fmtRatio(median(r.ratios[n]))} (${r.ratios[n].map((x) => x.toFixed(2)).join(', ')})`)),
]);
const copyLines = copyRows.map((c) => [
  `COPY ${fmt(c.want)} ${c.kind === 'hot' ? 'hot rows (LSM table)' : 'cold rows (external table, DuckDB end to end)'} TO Parquet zstd, rows/s (higher is better)`,
  ...names.map((n) => (n === 'postgres' ? '–' : cell(c, n, () => fmt(median(c.rates[n]))))),
  ...names.filter((n) => n !== 'pyralog').map((n) => (n === 'duckdb' && c.ok.pyralog === true && c.ok.duckdb === true ? `${fmtRatio(median(c.ratios))} (rate ratio; ${c.ratios.map((x) => x.toFixed(2)).join(', ')})` : '–')),
]);
console.log(`\n${fmt(ROWS)} cold rows (flat ${fmt(statSync(FLAT).size / 1e6, 1)} MB ZSTD, ${readdirSync(HIVE).length} year dirs), ${fmt(HOT)} hot rows; ${PAIRS} rounds; revision ${rev}; ${info.date}; load ${info.loadAvg1m}; ${info.cores} cores; ${systems.postgres?.version ?? ''}`);
console.log(`setup: Pyralog COPY sales_hot FROM hot.parquet ${setup.pyralogImportMs === undefined ? '–' : `${fmt(setup.pyralogImportMs)} ms (${fmt((HOT / setup.pyralogImportMs) * 1000)} rows/s)`}; PostgreSQL \\copy of all rows + VACUUM ANALYZE ${setup.postgresLoadMs === undefined ? '–' : `${fmt(setup.postgresLoadMs)} ms`}\n`);
console.log(markdownTable(header, [...rowsOut, ...copyLines]));
// The server's CPU per query: with the machine shared, the figure that hardly moves with load.
for (const r of results) {
  if (r.cpu?.main.length > 0) console.log(`\nPyralog server CPU per query, ${r.name}: main thread ${fmt(median(r.cpu.main), 1)} ms, all threads ${fmt(median(r.cpu.all), 1)} ms (medians of ${r.cpu.main.length} rounds; /proc, 10 ms ticks)`);
}

for (const n of names) await systems[n].close();
cleanup.runAll();
if (!existsSync(join(dataDir, 'DONE'))) log('data dir incomplete');
