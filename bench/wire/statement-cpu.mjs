#!/usr/bin/env node
// CPU time per statement below the protocol: pgbench-like statements driven straight through the
// planner API (parse → prepare → execute → fetch → end of the implicit transaction, as wire/
// does), no sockets, so the figure is the server's own work per statement and barely moves with
// the load of other processes (unlike tps over TCP on a shared machine). Compares builds: each
// round runs every --dist in its own child process, the order rotating; the figure is the median
// over rounds of CPU µs per statement (user + system of the whole process, WAL threads
// included), and wall µs per statement beside it.
//
// Workloads (a table of --rows rows, int4 primary key, like pgbench_accounts):
//   select   `SELECT abalance FROM acc WHERE aid = <n>;` with a new literal each time (simple protocol)
//   update   `UPDATE acc SET abalance = abalance + -<d> WHERE aid = <n>;` autocommit (one WAL sync each)
//
// Usage (from the repo root):
//   node bench/wire/statement-cpu.mjs --dist /tmp/pyralog-bench-build/<old>/dist,/tmp/pyralog-bench-build/<new>/dist
//        [--rounds 5] [--statements 20000] [--rows 20000] [--workloads select,update]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, fmt, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';

const WORKLOADS = {
  select: (i, rows) => `SELECT abalance FROM acc WHERE aid = ${1 + ((i * 7919) % rows)};`,
  update: (i, rows) => `UPDATE acc SET abalance = abalance + -${1 + (i % 5000)} WHERE aid = ${1 + ((i * 7919) % rows)};`,
};

async function child(dist, workload, statements, rows) {
  const { createEngine } = await import(pathToFileURL(join(dist, 'planner', 'index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'pyralog-stmt-cpu-'));
  const engine = await createEngine({ dataDir: dir });
  const s = engine.openSession({ database: 'postgres', user: 'bench', startupParams: {}, backendPid: 1 });
  let returned = 0;
  const run = async (sql) => {
    for (const st of s.parse(sql)) {
      const p = s.prepare(st, []);
      let ex = s.execute(p, [], { reason: undefined });
      if (ex instanceof Promise) ex = await ex;
      if (ex.kind !== 'rows') throw new Error(`unexpected ${ex.kind}`);
      for (;;) {
        let r = ex.cursor.fetch(0);
        if (r instanceof Promise) r = await r;
        returned += r.rows.length;
        if (r.done) break;
      }
      ex.cursor.close();
    }
    const e = s.endImplicit(false);
    if (e instanceof Promise) await e;
  };
  try {
    await run('CREATE TABLE acc (aid int PRIMARY KEY, bid int, abalance int, filler char(84))');
    for (let i = 0; i < rows; i += 500) {
      const vals = [];
      for (let j = i + 1; j <= Math.min(rows, i + 500); j++) vals.push(`(${j}, 1, 0, '')`);
      await run(`INSERT INTO acc VALUES ${vals.join(',')}`);
    }
    const gen = WORKLOADS[workload];
    for (let i = 0; i < Math.min(2000, statements); i++) await run(gen(i, rows)); // warm-up
    returned = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < statements; i++) await run(gen(i + 100_000, rows));
    const c = process.cpuUsage(c0);
    const wallMs = performance.now() - t0;
    // Every SELECT must find its row: a wrong answer is an error, not a figure.
    if (workload === 'select' && returned !== statements) throw new Error(`select returned ${returned} rows for ${statements} statements`);
    return { cpuUs: (c.user + c.system) / statements, wallUs: (wallMs * 1000) / statements };
  } finally {
    s.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const [, dist, workload, statements, rows] = argv;
    process.stdout.write(JSON.stringify(await child(dist, workload, Number(statements), Number(rows))) + '\n');
    return;
  }
  const opt = parseArgs(argv, { dist: '', rounds: '5', statements: '20000', rows: '20000', workloads: 'select,update' });
  const dists = csvList(opt.dist).map((d) => resolve(d));
  if (dists.length === 0) throw new Error('--dist a[,b,...] is required (directories with planner/index.js)');
  const results = {};
  for (const w of csvList(opt.workloads)) {
    if (!WORKLOADS[w]) throw new Error(`unknown workload ${w} (known: ${Object.keys(WORKLOADS).join(', ')})`);
    for (let r = 0; r < Number(opt.rounds); r++) {
      const order = r % 2 === 0 ? dists : [...dists].reverse();
      for (const d of order) {
        const p = spawnSync(process.execPath, [process.argv[1], '--child', d, w, opt.statements, opt.rows], { encoding: 'utf8' });
        if (p.status !== 0) throw new Error(`child ${d} ${w} failed: ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        const res = JSON.parse(p.stdout.trim().split('\n').at(-1));
        ((results[w] ??= {})[d] ??= []).push(res);
        process.stderr.write(`[stmt-cpu] ${w} round ${r + 1} ${d}: ${fmt(res.cpuUs, 1)} µs CPU, ${fmt(res.wallUs, 1)} µs wall\n`);
      }
    }
  }
  const rows = [];
  for (const [w, byDist] of Object.entries(results)) {
    for (const [d, rs] of Object.entries(byDist)) {
      rows.push([w, d, fmt(median(rs.map((x) => x.cpuUs)), 1), fmt(median(rs.map((x) => x.wallUs)), 1), rs.length]);
    }
  }
  process.stdout.write(`Command: \`node bench/wire/statement-cpu.mjs ${argv.join(' ')}\`\n\n`);
  process.stdout.write(markdownTable(['workload', 'build', 'CPU µs/statement (median)', 'wall µs/statement (median)', 'rounds'], rows) + '\n');
}

main().catch((err) => {
  process.stderr.write(`[stmt-cpu] failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
