#!/usr/bin/env node
// Bulk load (issue 4): unmodified `pgbench -i -s 10` (CREATE TABLE … WITH (fillfactor), COPY
// FREEZE of the accounts rows, VACUUM, ALTER TABLE ADD PRIMARY KEY on the four tables), timed on
// Pyralog and PostgreSQL in alternating pairs; the figure is the median of per-pair time
// ratios Pyralog / PostgreSQL (lower is better), with pgbench's own per-phase times. Optionally
// (--after S) each load is followed at once by S seconds of built-in tpcb-like with per-second
// progress: the lowest second shows whether the first run after a load stalls while flushes
// and compactions catch up. Every load is checked: count(*) of pgbench_accounts = 100 000 × scale.
//
// Usage (from the repo root, after `npm run build`, or with PYRALOG_DIST=…):
//   node bench/sql/pgbench-init.mjs [--scale 10] [--pairs 5] [--after 0] [--clients 4]
//        [--systems pyralog,postgres]

import { spawnSync } from 'node:child_process';
import { Cleanup } from '../lib/cleanup.mjs';
import { psql } from '../lib/psql.mjs';
import { startPostgres, startPyralog, machineInfo } from '../lib/pg-cluster.mjs';
import { runPgbench } from '../lib/pgbench.mjs';
import { median, fmt, fmtRatio, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';

const STARTERS = { postgres: startPostgres, pyralog: startPyralog };
const PHASES = ['drop tables', 'create tables', 'client-side generate', 'vacuum', 'primary keys'];
const log = (s) => process.stderr.write(s + '\n');
const env = { ...process.env, PGSSLMODE: 'disable', PGGSSENCMODE: 'disable' };


/** One `pgbench -i`: wall time measured here, phases as pgbench reports them. */
function pgbenchInit(server, scale) {
  const t0 = performance.now();
  const r = spawnSync('pgbench', ['-i', '-s', String(scale), '-h', server.host, '-p', String(server.port), '-U', server.user, server.db], { encoding: 'utf8', env });
  const wallS = (performance.now() - t0) / 1000;
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`pgbench -i failed (exit ${r.status}): ${out.trim().split('\n').slice(-3).join(' | ')}`);
  const phases = {};
  const m = /done in [0-9.]+ s \(([^)]*)\)/.exec(out);
  for (const part of (m?.[1] ?? '').split(',')) {
    const pm = /^\s*(.+?) ([0-9.]+) s$/.exec(part);
    if (pm) phases[pm[1]] = Number(pm[2]);
  }
  const rows = Number(psql(server, 'SELECT count(*) FROM pgbench_accounts'));
  if (rows !== 100_000 * scale) throw new Error(`pgbench_accounts has ${rows} rows after pgbench -i -s ${scale}`);
  return { wallS, phases };
}

/** tpcb-like right after the load, -P 1: per-second tps. */
async function afterLoad(server, seconds, clients) {
  const res = await runPgbench(server, { builtin: 'tpcb-like', mode: 'prepared', clients, durationS: seconds, extraArgs: ['-P', '1'] });
  const perSec = [...res.output.matchAll(/progress: [0-9.]+ s, ([0-9.]+) tps/g)].map((x) => Number(x[1]));
  return { tps: res.tps, perSec, minTps: perSec.length ? Math.min(...perSec) : NaN, failed: res.failed };
}

async function main() {
  const opt = parseArgs(process.argv.slice(2), { scale: '10', pairs: '5', after: '0', clients: '4', systems: 'pyralog,postgres' });
  const scale = Number(opt.scale);
  const cleanup = new Cleanup();
  const servers = {};
  for (const name of csvList(opt.systems)) servers[name] = await STARTERS[name](cleanup);
  const names = Object.keys(servers);
  const rounds = [];
  for (let r = 0; r < Number(opt.pairs); r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    const round = {};
    for (const name of order) {
      const init = pgbenchInit(servers[name], scale);
      const after = Number(opt.after) > 0 ? await afterLoad(servers[name], Number(opt.after), Number(opt.clients)) : undefined;
      round[name] = { ...init, after };
      log(`[bench] round ${r + 1} ${name}: pgbench -i ${fmt(init.wallS, 1)} s (${PHASES.map((p) => `${p} ${init.phases[p] ?? '?'}`).join(', ')})` +
        (after ? `; tpcb-like after load ${fmt(after.tps)} tps, per second ${after.perSec.map((x) => Math.round(x)).join(' ')}` : ''));
    }
    rounds.push(round);
  }
  cleanup.runAll();

  const med = (name, f) => median(rounds.map((rd) => f(rd[name])).filter((x) => Number.isFinite(x)));
  const ratios = rounds.map((rd) => rd.pyralog && rd.postgres ? rd.pyralog.wallS / rd.postgres.wallS : NaN).filter(Number.isFinite);
  const rows = [];
  rows.push(['total (wall)', ...names.map((n) => fmt(med(n, (x) => x.wallS), 2)), ratios.length ? fmtRatio(median(ratios)) : 'n/a', ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '']);
  for (const p of PHASES) {
    const pr = rounds.map((rd) => rd.pyralog && rd.postgres && rd.postgres.phases[p] > 0 ? rd.pyralog.phases[p] / rd.postgres.phases[p] : NaN).filter(Number.isFinite);
    rows.push([p, ...names.map((n) => fmt(med(n, (x) => x.phases[p]), 2)), pr.length ? fmtRatio(median(pr)) : 'n/a', '']);
  }
  if (Number(opt.after) > 0) {
    rows.push([`tpcb-like tps, first ${opt.after} s after the load`, ...names.map((n) => fmt(med(n, (x) => x.after.tps))), '', '']);
    rows.push(['lowest 1-second tps in that run', ...names.map((n) => fmt(med(n, (x) => x.after.minTps))), '', '']);
  }
  const m = machineInfo();
  process.stdout.write(
    [
      `Run ${m.date} on ${m.cores} cores (${m.cpu}), load average ${m.loadAvg1m} at the end, Node ${m.node}; pgbench -i -s ${scale}, ${opt.pairs} alternating pairs.`,
      `Command: \`${`node bench/sql/pgbench-init.mjs ${process.argv.slice(2).join(' ')}`.trim()}\``,
      '',
      markdownTable(['phase (seconds, median)', ...names, 'Pyralog/PG (median per-pair)', 'range'], rows),
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  log(`[bench] failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
