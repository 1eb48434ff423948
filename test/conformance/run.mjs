#!/usr/bin/env node
// Runs the shared SQL conformance corpus (../shared/conformance) against a freshly started
// Pyralog server (fresh data directory, free port) and compares the pass counts with the
// recorded baseline (test/conformance/baseline.json). Fails when either tier falls below it,
// so the headline figure can only go up. `--update` rewrites the baseline with today's counts.
//
// Usage: node test/conformance/run.mjs [--update] [--tier core|t2|all]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const shared = resolve(root, '..', 'shared', 'conformance');
const runnerDir = join(shared, 'runner');
const baselineFile = join(here, 'baseline.json');
const update = process.argv.includes('--update');
const tierArg = process.argv.includes('--tier') ? process.argv[process.argv.indexOf('--tier') + 1] : 'all';

if (!existsSync(shared)) {
  console.error(`conformance corpus not found at ${shared}`);
  process.exit(1);
}
if (!existsSync(join(runnerDir, 'node_modules', 'pg'))) {
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: runnerDir, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function startServer(port, dataDir) {
  const child = spawn(process.execPath, [join(root, 'dist', 'wire', 'main.js'), '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise((res) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => { sock.destroy(); res(true); });
      sock.once('error', () => res(false));
    });
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start within 30 s');
}

function runTier(port, dirs) {
  const r = spawnSync(process.execPath, ['slt.mjs', '--host', '127.0.0.1', '--port', String(port), '--user', 'postgres', '--db', 'postgres', '--quiet', '--isolation', 'database', ...dirs], {
    cwd: runnerDir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  const m = /(\d+) passed, (\d+) failed/.exec(out);
  if (!m) {
    console.error(out.slice(-4000));
    throw new Error('conformance runner printed no summary');
  }
  return { out, passed: Number(m[1]), failed: Number(m[2]) };
}

const all = readdirSync(shared, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'runner' && d.name !== 'LICENSES').map((d) => d.name).sort();
const tiers = {
  core: all.filter((d) => !d.startsWith('t2_')).map((d) => join('..', d)),
  t2: all.filter((d) => d.startsWith('t2_')).map((d) => join('..', d)),
};
const wanted = tierArg === 'all' ? ['core', 't2'] : [tierArg];

const baseline = existsSync(baselineFile) ? JSON.parse(readFileSync(baselineFile, 'utf8')) : {};
const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'pyralog-conformance-'));
const server = await startServer(port, dataDir);
let failed = false;
const results = {};
try {
  for (const tier of wanted) {
    const t0 = Date.now();
    const r = runTier(port, tiers[tier]);
    const total = r.passed + r.failed;
    results[tier] = { passed: r.passed, total };
    const pct = total ? ((100 * r.passed) / total).toFixed(1) : '0.0';
    const base = baseline[tier]?.passed ?? 0;
    console.log(`conformance ${tier}: ${r.passed}/${total} records passed (${pct} %) in ${((Date.now() - t0) / 1000).toFixed(1)} s; baseline ${base}`);
    if (process.env.CONFORMANCE_VERBOSE) console.log(r.out);
    if (r.passed < base && !update) {
      failed = true;
      console.error(`conformance ${tier} fell below its baseline (${r.passed} < ${base}). Failing files:`);
      console.error(r.out.split('\n').filter((l) => l.startsWith('FAIL')).join('\n'));
    }
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => { server.once('exit', r); setTimeout(() => { server.kill('SIGKILL'); r(); }, 10_000); });
  rmSync(dataDir, { recursive: true, force: true });
}
if (update) {
  writeFileSync(baselineFile, JSON.stringify({ ...baseline, ...results }, null, 2) + '\n');
  console.log(`baseline updated: ${JSON.stringify(results)}`);
}
process.exit(failed ? 1 : 0);
