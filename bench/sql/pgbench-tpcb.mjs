#!/usr/bin/env node
// pgbench at scale 10 (issue 4 "Measure"): unmodified `pgbench -i -s 10` on each system, then the
// built-in select-only (-S) and tpcb-like scripts, simple and prepared modes, 1/4/16 clients,
// fsync on in both systems, alternating the two systems in rotating pairs; the figure is the
// median of per-pair tps ratios Pyralog / PostgreSQL. After the runs, the pgbench invariant
// sum(pgbench_accounts.abalance) = sum(pgbench_history.delta) is checked on each system.
//
// Usage (from the repo root, after `npm run build`):
//   node bench/sql/pgbench-tpcb.mjs [--scale 10] [--pairs 5] [--duration 10] [--clients 1,4,16]
//        [--modes simple,prepared] [--builtins select-only,tpcb-like] [--systems pyralog,postgres]
//        [--warmup 10]
// --warmup S: after the inits, each system runs S seconds of select-only (prepared, 4 clients),
// not recorded, so the first measured rounds do not include the work init leaves behind
// (Pyralog: flushing the loaded rows; PostgreSQL: a cold cache after VACUUM). 0 skips it.

import { spawnSync } from 'node:child_process';
import { Cleanup } from '../lib/cleanup.mjs';
import { psql } from '../lib/psql.mjs';
import { startPostgres, startPyralog, machineInfo } from '../lib/pg-cluster.mjs';
import { runPgbench } from '../lib/pgbench.mjs';
import { median, fmt, fmtRatio, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';

const STARTERS = { postgres: startPostgres, pyralog: startPyralog };
const TARGETS = { 'select-only': 1.0, 'tpcb-like': 1.5 };
const log = (s) => process.stderr.write(s + '\n');


function pgbenchInit(server, scale) {
  const t0 = performance.now();
  const r = spawnSync('pgbench', ['-i', '-s', String(scale), '-h', server.host, '-p', String(server.port), '-U', server.user, server.db], {
    encoding: 'utf8',
    env: { ...process.env, PGSSLMODE: 'disable' },
  });
  if (r.status !== 0) throw new Error(`pgbench -i failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return performance.now() - t0;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2), {
    scale: '10',
    pairs: '5',
    duration: '10',
    clients: '1,4,16',
    modes: 'simple,prepared',
    builtins: 'select-only,tpcb-like',
    systems: 'pyralog,postgres',
    warmup: '10',
  });
  const cleanup = new Cleanup();
  const servers = {};
  const notes = [];
  for (const name of csvList(opt.systems)) {
    try {
      const srv = await STARTERS[name](cleanup);
      const initMs = pgbenchInit(srv, Number(opt.scale));
      servers[name] = srv;
      notes.push(`${name}: pgbench -i -s ${opt.scale} took ${fmt(initMs / 1000, 1)} s`);
      log(`[bench] ${notes.at(-1)}`);
    } catch (err) {
      notes.push(`${name}: not measured: ${err.message.split('\n')[0].slice(0, 300)}`);
      log(`[bench] ${notes.at(-1)}`);
      if (name === 'postgres') throw err;
    }
  }
  const running = Object.keys(servers);
  if (Number(opt.warmup) > 0) {
    for (const name of running) {
      try {
        const w = await runPgbench(servers[name], { builtin: 'select-only', mode: 'prepared', clients: 4, durationS: Number(opt.warmup) });
        log(`[bench] ${name}: warm-up ${opt.warmup} s select-only, ${fmt(w.tps)} tps (not recorded)`);
      } catch (err) {
        log(`[bench] ${name}: warm-up failed: ${err.message.split('\n')[0]}`);
      }
    }
  }
  const results = [];
  for (const builtin of csvList(opt.builtins)) {
    for (const mode of csvList(opt.modes)) {
      for (const clients of csvList(opt.clients).map(Number)) {
        const rounds = [];
        for (let r = 0; r < Number(opt.pairs); r++) {
          const order = r % 2 === 0 ? running : [...running].reverse();
          const round = {};
          for (const name of order) {
            try {
              const res = await runPgbench(servers[name], { builtin, mode, clients, durationS: Number(opt.duration) });
              round[name] = { tps: res.tps, failed: res.failed };
            } catch (err) {
              round[name] = { error: err.message.split('\n').slice(1).join(' ').slice(-300) };
            }
          }
          rounds.push(round);
          log(`[bench] ${builtin} ${mode} c=${clients} round ${r + 1}: ` + order.map((n) => `${n}=${round[n].tps !== undefined ? fmt(round[n].tps) + (round[n].failed ? ` (${round[n].failed} failed)` : '') : 'ERR ' + round[n].error}`).join(' '));
        }
        results.push({ builtin, mode, clients, rounds });
      }
    }
  }
  for (const name of running) {
    try {
      const a = psql(servers[name], 'SELECT sum(abalance) FROM pgbench_accounts');
      const h = psql(servers[name], 'SELECT coalesce(sum(delta), 0) FROM pgbench_history');
      notes.push(`${name}: sum(abalance) = ${a}, sum(delta) = ${h} → ${a === h ? 'consistent' : 'INCONSISTENT'}`);
    } catch (err) {
      notes.push(`${name}: invariant check failed: ${err.message.slice(0, 200)}`);
    }
  }
  cleanup.runAll();

  const rows = results.map((res) => {
    const pgT = median(res.rounds.map((r) => r.postgres?.tps).filter((x) => x !== undefined));
    const ok = res.rounds.filter((r) => r.pyralog?.tps !== undefined && r.postgres?.tps);
    const ratio = median(ok.map((r) => r.pyralog.tps / r.postgres.tps));
    const failed = res.rounds.reduce((a, r) => a + (r.pyralog?.failed ?? 0), 0);
    const errs = res.rounds.filter((r) => r.pyralog?.error).length;
    const target = TARGETS[res.builtin];
    const verdict = ok.length === 0 ? 'not met (not measured)' : ratio >= target && failed === 0 && errs === 0 ? 'met' : 'not met';
    return [res.builtin, res.mode, res.clients, fmt(pgT), ok.length ? fmt(median(ok.map((r) => r.pyralog.tps))) : 'n/a', fmtRatio(ratio), ok.length ? `${Math.min(...ok.map((r) => r.pyralog.tps / r.postgres.tps)).toFixed(2)}–${Math.max(...ok.map((r) => r.pyralog.tps / r.postgres.tps)).toFixed(2)}` : '', `${failed} failed, ${errs} errored runs`, `≥ ${target.toFixed(1)}×: ${verdict}`];
  });
  const m = machineInfo();
  process.stdout.write(
    [
      `Run ${m.date} on ${m.cores} cores (${m.cpu}), load average ${m.loadAvg1m} at the end, Node ${m.node}; scale ${opt.scale}, -T ${opt.duration}, ${opt.pairs} alternating pairs.`,
      `Command: \`${`node bench/sql/pgbench-tpcb.mjs ${process.argv.slice(2).join(' ')}`.trim()}\``,
      ...notes,
      '',
      markdownTable(['script', 'mode', 'clients', 'PostgreSQL tps', 'Pyralog tps', 'Pyralog/PG (median per-pair)', 'range', 'Pyralog failures', 'target'], rows),
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  log(`[bench] failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
