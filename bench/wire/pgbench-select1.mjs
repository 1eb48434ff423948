#!/usr/bin/env node
// Protocol-path benchmark (issue 2 "Measure"): pgbench `SELECT 1` and `SELECT :x::int` (pgbench
// sends `$1` in extended/prepared modes, an inlined literal in simple mode), simple and prepared
// modes, 1/4/16 clients, against Pyralog, a throw-away PostgreSQL 15 cluster, and the minimal
// Node responder (the floor), side by side in one run.
//
// Method: for every configuration the systems run back to back in "pairs" (one round = each
// system once, fixed duration), the order rotating every round so drift on this shared 2-core
// machine does not favour one side. The figure is the MEDIAN OF PER-ROUND RATIOS
// (system tps / PostgreSQL tps of the same round); absolute tps are printed for context only.
//
// Usage (from the repo root, after `npm run build`):
//   node bench/wire/pgbench-select1.mjs [--pairs 5] [--duration 5] [--clients 1,4,16]
//        [--modes simple,prepared] [--scripts select1,select_param]
//        [--systems pyralog,postgres,responder] [--out results.json]

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cleanup } from '../lib/cleanup.mjs';
import { startPostgres, startPyralog, startResponder, machineInfo, BENCH_DIR } from '../lib/pg-cluster.mjs';
import { runPgbench } from '../lib/pgbench.mjs';
import { median, fmt, fmtRatio, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';

const SCRIPTS = {
  select1: join(BENCH_DIR, 'wire', 'select1.sql'),
  select_param: join(BENCH_DIR, 'wire', 'select_param.sql'),
};
const STARTERS = { postgres: startPostgres, pyralog: startPyralog, responder: startResponder };
const TARGET = { pyralog: '≥ 1.0×', responder: 'floor (0.6–1.4× expected)' };

const log = (s) => process.stderr.write(s + '\n');

async function main() {
  const opt = parseArgs(process.argv.slice(2), {
    pairs: '5',
    duration: '5',
    clients: '1,4,16',
    modes: 'simple,prepared',
    scripts: 'select1,select_param',
    systems: 'pyralog,postgres,responder',
    out: '',
  });
  const pairs = Number(opt.pairs);
  const durationS = Number(opt.duration);
  const systems = csvList(opt.systems);
  if (!systems.includes('postgres')) throw new Error('--systems must include postgres (ratios are to PostgreSQL)');
  for (const s of systems) if (!STARTERS[s]) throw new Error(`unknown system ${s}`);
  for (const s of csvList(opt.scripts)) if (!SCRIPTS[s]) throw new Error(`unknown script ${s}`);

  const cleanup = new Cleanup();
  const servers = {};
  const startErrors = {};
  for (const name of systems) {
    try {
      servers[name] = await STARTERS[name](cleanup);
      log(`[bench] ${name} ready on port ${servers[name].port}${servers[name].version ? ` (${servers[name].version})` : ''}`);
    } catch (err) {
      startErrors[name] = err.message;
      log(`[bench] ${name} did not start: ${err.message}`);
      if (name === 'postgres') throw err;
    }
  }
  const running = systems.filter((s) => servers[s]);

  // One short warm-up per system and mode: the Node servers' JIT and PostgreSQL's caches.
  for (const mode of csvList(opt.modes)) {
    for (const name of running) {
      try {
        await runPgbench(servers[name], { script: SCRIPTS.select1, mode, clients: 4, durationS: 1 });
      } catch (err) {
        log(`[bench] warm-up ${name} ${mode} failed: ${firstLine(err.message)}`);
      }
    }
  }

  const results = [];
  for (const script of csvList(opt.scripts)) {
    for (const mode of csvList(opt.modes)) {
      for (const clients of csvList(opt.clients).map(Number)) {
        const rounds = [];
        for (let r = 0; r < pairs; r++) {
          const order = rotate(running, r);
          const round = {};
          for (const name of order) {
            try {
              const res = await runPgbench(servers[name], { script: SCRIPTS[script], mode, clients, durationS });
              round[name] = { tps: res.tps, failed: res.failed };
            } catch (err) {
              round[name] = { error: firstLine(err.message.split('\n').slice(1).join(' ') || err.message) };
            }
          }
          rounds.push(round);
          log(`[bench] ${script} ${mode} c=${clients} round ${r + 1}/${pairs}: ` + order.map((n) => `${n}=${round[n].tps !== undefined ? fmt(round[n].tps) : 'ERR ' + round[n].error}`).join(' '));
        }
        results.push({ script, mode, clients, rounds });
      }
    }
  }

  const report = { machine: machineInfo(), postgres: servers.postgres.version, pairs, durationS, command: `node bench/wire/pgbench-select1.mjs ${process.argv.slice(2).join(' ')}`.trim(), startErrors, results };
  cleanup.runAll();
  if (opt.out) writeFileSync(opt.out, JSON.stringify(report, null, 2));
  process.stdout.write(renderMarkdown(report, running) + '\n');
}

function rotate(xs, k) {
  const n = k % xs.length;
  return [...xs.slice(n), ...xs.slice(0, n)];
}

function firstLine(s) {
  return String(s).trim().split('\n')[0].slice(0, 200);
}

/** Median tps of a system and median of its per-round ratios to PostgreSQL. */
export function summarize(rounds, name) {
  const tps = rounds.map((r) => r[name]?.tps).filter((x) => x !== undefined);
  const ratios = rounds.filter((r) => r[name]?.tps !== undefined && r.postgres?.tps).map((r) => r[name].tps / r.postgres.tps);
  const failed = rounds.reduce((a, r) => a + (r[name]?.failed ?? 0), 0);
  const errors = rounds.filter((r) => r[name]?.error).map((r) => r[name].error);
  return { tps: median(tps), ratio: median(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios), n: ratios.length, failed, errors };
}

function renderMarkdown(report, running) {
  const others = running.filter((s) => s !== 'postgres');
  const header = ['script', 'mode', 'clients', 'PostgreSQL tps'];
  for (const o of others) header.push(`${o} tps`, `${o}/PG (median of ${report.pairs} pairs)`, `${o}/PG range`);
  header.push('Pyralog target');
  const rows = report.results.map((res) => {
    const pg = summarize(res.rounds, 'postgres');
    const row = [res.script, res.mode, res.clients, fmt(pg.tps)];
    let verdict = 'n/a';
    for (const o of others) {
      const s = summarize(res.rounds, o);
      if (s.n === 0) {
        row.push('ERR', s.errors[0] ?? 'no data', '');
        if (o === 'pyralog') verdict = '≥ 1.0×: not met (errors)';
        continue;
      }
      row.push(fmt(s.tps), fmtRatio(s.ratio) + (s.errors.length ? ` (${s.errors.length} errors)` : ''), `${s.ratioMin.toFixed(2)}–${s.ratioMax.toFixed(2)}`);
      if (o === 'pyralog') verdict = `${TARGET.pyralog}: ${s.ratio >= 1 && s.errors.length === 0 ? 'met' : 'not met'}`;
    }
    row.push(verdict);
    return row;
  });
  const m = report.machine;
  const head = [
    `Run ${m.date} on ${m.cores} cores (${m.cpu}), load average ${m.loadAvg1m} at the end, Node ${m.node}, ${report.postgres}; pgbench -T ${report.durationS}, ${report.pairs} rotating rounds per row.`,
    `Command: \`${report.command}\``,
  ];
  for (const [k, v] of Object.entries(report.startErrors)) head.push(`${k} did not start: ${v.split('\n')[0]}`);
  return head.join('\n') + '\n\n' + markdownTable(header, rows);
}

main().catch((err) => {
  log(`[bench] failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
