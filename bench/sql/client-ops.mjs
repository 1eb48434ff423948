#!/usr/bin/env node
// Client-side SQL figures (issue 4 "Measure"), Pyralog next to a throw-away PostgreSQL 15, fsync
// on in both, alternating the systems in rotating pairs (median of per-pair ratios):
//   copy      `psql \copy t FROM file` of --copy-rows rows (bigint pk, timestamptz, int,
//             numeric(12,2), text), text format, into a freshly created table → rows/s
//   copy-fresh  the same COPY in the transaction that creates the table (`psql -1 -c CREATE
//             -c \copy`, as a restore or `pgbench -i` loads): Pyralog writes segment files
//             directly (planner/dml/copy-ingest.ts) → rows/s
//   insert    --inserts single-row autocommit INSERTs from node-postgres (parameterized,
//             one at a time) → inserts/s
//   pk lookup --lookups `SELECT * FROM t WHERE id = $1` with random existing ids from
//             node-postgres, one at a time, on a table of --lookup-rows rows loaded with
//             multi-row INSERTs → p50/p99 µs
// Each figure is attempted on its own: a statement a system does not support yet makes that
// figure an error for that system, and the other figures are still measured.
// Every round checks the results (row count after COPY, every lookup returns its row); a wrong
// answer is an error, not a figure.
//
// Usage (from the repo root, after `npm run build`):
//   node bench/sql/client-ops.mjs [--pairs 5] [--copy-rows 1000000] [--inserts 5000] [--lookups 20000]
//        [--lookup-rows 100000] [--systems pyralog,postgres] [--figures copy,copy-fresh,insert,lookup]
// --figures picks which figures run (default all four); the others print as not measured.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Cleanup } from '../lib/cleanup.mjs';
import { spawnSync } from 'node:child_process';
import { psql, writeLines } from '../lib/psql.mjs';
import { startPostgres, startPyralog, machineInfo } from '../lib/pg-cluster.mjs';
import { median, percentile, fmt, fmtRatio, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';
import { rng } from '../lsm/workloads.mjs';

const STARTERS = { postgres: startPostgres, pyralog: startPyralog };
const log = (s) => process.stderr.write(s + '\n');

/** Write the COPY input (text format) once; every system loads the same bytes. */
function writeCopyFile(path, rows) {
  const rand = rng(7);
  const base = Date.UTC(2024, 0, 1);
  return writeLines(path, rows, (i) => {
    const ts = new Date(base + i * 1000).toISOString().replace('T', ' ').replace('Z', '+00');
    const amount = (Math.floor(rand() * 1e9) / 100).toFixed(2);
    return `${i}\t${ts}\t${Math.floor(rand() * 1e6)}\t${amount}\tnote number ${i}\n`;
  });
}


/** Run one figure; a failure is recorded as that figure's error and the others still run. */
async function attempt(out, name, fn) {
  try {
    await fn();
  } catch (err) {
    out.errors = [...(out.errors ?? []), `${name}: ${String(err.message).split('\n')[0].slice(0, 200)}`];
  }
}

/** Several psql commands (SQL or \copy) in one transaction (`psql -1`); throws on the first error. */
function psqlOneTransaction(server, cmds) {
  const args = ['-X', '-A', '-t', '-1', '-v', 'ON_ERROR_STOP=1', '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', server.db];
  for (const c of cmds) args.push('-c', c);
  const r = spawnSync('psql', args, { encoding: 'utf8', env: { ...process.env, PGSSLMODE: 'disable', PGGSSENCMODE: 'disable' }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`psql -1 ${cmds.join('; ').slice(0, 80)}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
}

async function roundFor(server, copyFile, opt, rand, r) {
  const out = {};
  if (opt.figures.has('copy')) await attempt(out, 'copy', async () => {
    const table = `bench_copy_${r}`;
    psql(server, `CREATE TABLE ${table} (id bigint PRIMARY KEY, ts timestamptz, n int, amount numeric(12,2), note text)`);
    try {
      const t0 = performance.now();
      psql(server, `\\copy ${table} FROM '${copyFile}'`);
      const copyMs = performance.now() - t0;
      const count = Number(psql(server, `SELECT count(*) FROM ${table}`));
      if (count !== opt.copyRows) throw new Error(`COPY loaded ${count} rows, expected ${opt.copyRows}`);
      out.copy = (opt.copyRows / copyMs) * 1000;
    } finally {
      psql(server, `DROP TABLE ${table}`);
    }
  });

  if (opt.figures.has('copy-fresh')) await attempt(out, 'copy-fresh', async () => {
    const table = `bench_copyf_${r}`;
    try {
      const t0 = performance.now();
      psqlOneTransaction(server, [`CREATE TABLE ${table} (id bigint PRIMARY KEY, ts timestamptz, n int, amount numeric(12,2), note text)`, `\\copy ${table} FROM '${copyFile}'`]);
      const copyMs = performance.now() - t0;
      const count = Number(psql(server, `SELECT count(*) FROM ${table}`));
      if (count !== opt.copyRows) throw new Error(`COPY loaded ${count} rows, expected ${opt.copyRows}`);
      out.copyFresh = (opt.copyRows / copyMs) * 1000;
    } finally {
      psql(server, `DROP TABLE IF EXISTS ${table}`);
    }
  });

  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.db, ssl: false });
  await client.connect();
  try {
    if (opt.figures.has('insert')) await attempt(out, 'insert', async () => {
      await client.query(`CREATE TABLE bench_ins_${r} (id bigint PRIMARY KEY, v int, note text)`);
      try {
        const t1 = performance.now();
        for (let i = 0; i < opt.inserts; i++) {
          await client.query({ name: `ins${r}`, text: `INSERT INTO bench_ins_${r} VALUES ($1, $2, $3)`, values: [i, i * 7, 'row ' + i] });
        }
        out.insert = (opt.inserts / (performance.now() - t1)) * 1000;
      } finally {
        await client.query(`DROP TABLE bench_ins_${r}`);
      }
    });
    if (opt.figures.has('lookup')) await attempt(out, 'pk lookup', async () => {
      // Loaded with multi-row INSERTs (not COPY) so the lookup figure does not depend on COPY.
      await client.query(`CREATE TABLE bench_pk_${r} (id bigint PRIMARY KEY, ts timestamptz, n int, amount numeric(12,2), note text)`);
      try {
        for (let i = 1; i <= opt.lookupRows; i += 1000) {
          const vals = [];
          for (let j = i; j < Math.min(i + 1000, opt.lookupRows + 1); j++) vals.push(`(${j}, '2024-01-01 00:00:00+00', ${j % 1000}, ${j}.25, 'note number ${j}')`);
          await client.query(`INSERT INTO bench_pk_${r} VALUES ${vals.join(',')}`);
        }
        const lat = new Float64Array(opt.lookups);
        for (let i = 0; i < opt.lookups; i++) {
          const id = 1 + Math.floor(rand() * opt.lookupRows);
          const a = performance.now();
          const res = await client.query({ name: `pk${r}`, text: `SELECT * FROM bench_pk_${r} WHERE id = $1`, values: [id] });
          lat[i] = performance.now() - a;
          if (res.rows.length !== 1 || Number(res.rows[0].id) !== id) throw new Error(`PK lookup of ${id} returned ${JSON.stringify(res.rows).slice(0, 200)}`);
        }
        out.lookupP50Us = percentile(lat, 50) * 1000;
        out.lookupP99Us = percentile(lat, 99) * 1000;
      } finally {
        await client.query(`DROP TABLE bench_pk_${r}`);
      }
    });
  } finally {
    await client.end();
  }
  return out;
}

async function main() {
  const o = parseArgs(process.argv.slice(2), { pairs: '5', 'copy-rows': '1000000', inserts: '5000', 'lookup-rows': '100000', lookups: '20000', systems: 'pyralog,postgres', figures: 'copy,copy-fresh,insert,lookup' });
  const figures = new Set(csvList(o.figures));
  for (const f of figures) if (!['copy', 'copy-fresh', 'insert', 'lookup'].includes(f)) throw new Error(`unknown figure ${f} (copy, copy-fresh, insert, lookup)`);
  const opt = { pairs: Number(o.pairs), copyRows: Number(o['copy-rows']), inserts: Number(o.inserts), lookupRows: Number(o['lookup-rows']), lookups: Number(o.lookups), figures };
  const cleanup = new Cleanup();
  const dir = mkdtempSync(join(tmpdir(), 'pyralog-bench-copy-'));
  cleanup.add(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const copyFile = join(dir, 'rows.tsv');
  await writeCopyFile(copyFile, opt.copyRows);
  const servers = {};
  const notes = [];
  for (const name of csvList(o.systems)) {
    try {
      servers[name] = await STARTERS[name](cleanup);
    } catch (err) {
      notes.push(`${name} did not start: ${err.message.split('\n')[0]}`);
      if (name === 'postgres') throw err;
    }
  }
  const running = Object.keys(servers);
  const rounds = [];
  for (let r = 0; r < opt.pairs; r++) {
    const order = r % 2 === 0 ? running : [...running].reverse();
    const round = {};
    for (const name of order) {
      try {
        round[name] = await roundFor(servers[name], copyFile, opt, rng(100 + r), r);
      } catch (err) {
        round[name] = { error: err.message.split('\n')[0].slice(0, 300) };
      }
      log(`[bench] round ${r + 1} ${name}: ${JSON.stringify(round[name])}`);
    }
    rounds.push(round);
  }
  cleanup.runAll();

  const metric = (name, key, unit, higher, target) => {
    const pgV = median(rounds.map((r) => r.postgres?.[key]).filter((x) => x !== undefined));
    const ok = rounds.filter((r) => r.pyralog?.[key] !== undefined && r.postgres?.[key] !== undefined);
    const ratios = ok.map((r) => r.pyralog[key] / r.postgres[key]);
    const ratio = median(ratios);
    const met = ok.length === 0 ? 'not met (not measured)' : (higher ? ratio >= target : ratio <= target) ? 'met' : 'not met';
    return [name, unit, fmt(pgV), ok.length ? fmt(median(ok.map((r) => r.pyralog[key]))) : 'n/a', fmtRatio(ratio), higher ? 'higher' : 'lower', `${higher ? '≥' : '≤'} ${target.toFixed(1)}×: ${met}`];
  };
  const rows = [
    metric(`COPY FROM STDIN ${opt.copyRows} rows`, 'copy', 'rows/s', true, 1.5),
    metric(`COPY FROM STDIN ${opt.copyRows} rows, table created in the same transaction`, 'copyFresh', 'rows/s', true, 1.5),
    metric('single-row autocommit INSERT', 'insert', 'rows/s', true, 0),
    metric('PK lookup p50', 'lookupP50Us', 'µs', false, Infinity),
    metric('PK lookup p99', 'lookupP99Us', 'µs', false, 1.0),
  ];
  // The issue sets no target for INSERT rate and p50: print them without a verdict.
  rows[2][6] = '(recorded)';
  rows[3][6] = '(recorded)';
  const errors = rounds.flatMap((r, i) => Object.entries(r).flatMap(([n, v]) => [...(v.error ? [v.error] : []), ...(v.errors ?? [])].map((e) => `round ${i + 1} ${n}: ${e}`)));
  const m = machineInfo();
  process.stdout.write(
    [
      `Run ${m.date} on ${m.cores} cores (${m.cpu}), load average ${m.loadAvg1m} at the end, Node ${m.node}; ${opt.pairs} alternating pairs.`,
      `Command: \`${`node bench/sql/client-ops.mjs ${process.argv.slice(2).join(' ')}`.trim()}\``,
      ...notes,
      '',
      markdownTable(['figure', 'unit', 'PostgreSQL (median)', 'Pyralog (median)', 'Pyralog/PG (median per-pair)', 'better', 'target'], rows),
      ...(errors.length ? ['', 'Errors:', ...errors.map((e) => `- ${e}`)] : []),
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  log(`[bench] failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
