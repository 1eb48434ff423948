// Throw-away servers for side-by-side benchmarks: a PostgreSQL 15 cluster from Debian's
// `postgresql` package, a Pyralog server (`node dist/wire/main.js`), and the minimal Node
// responder (bench/wire/responder.mjs). Each lives in its own temp directory, listens on a free
// loopback port, and is stopped and deleted by the run's Cleanup (also on Ctrl-C).
//
// Invariants: PostgreSQL runs with initdb's defaults plus fsync=on (stated explicitly),
// listen_addresses=127.0.0.1 and its unix socket inside the temp dir, so it never touches the
// system cluster. Every server is reached over TCP 127.0.0.1 by the clients, so both systems pay
// the same network path.

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chownSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(BENCH_DIR, '..');
/** The built tree to measure: `dist/` of the repo, or PYRALOG_DIST (a private build). */
export const DIST_DIR = process.env.PYRALOG_DIST ? resolve(process.env.PYRALOG_DIST) : join(REPO_ROOT, 'dist');
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;

/** A free TCP port on loopback (bind port 0, read it, close). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Directory of PostgreSQL 15 server binaries (Debian layout), or undefined. */
export function findPgBin(version = '15') {
  const want = `/usr/lib/postgresql/${version}/bin`;
  if (existsSync(join(want, 'postgres'))) return want;
  return undefined;
}

export function pgVersion(pgBin) {
  return execFileSync(join(pgBin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
}

/** Run a PostgreSQL binary as the unprivileged `postgres` user when we are root. */
function asPostgres(cmd, args) {
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
  return [cmd, args];
}

function runChecked(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

/** Poll `psql -c 'SELECT 1'` until it answers 1 or the deadline passes. */
export async function waitReady(port, { user = 'postgres', db = 'postgres', timeoutMs = READY_TIMEOUT_MS, isAlive } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (isAlive && !isAlive()) throw new Error(`server on port ${port} exited before it was ready`);
    const r = spawnSync('psql', ['-X', '-A', '-t', '-h', HOST, '-p', String(port), '-U', user, '-d', db, '-c', 'SELECT 1'], {
      encoding: 'utf8',
      env: { ...process.env, PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '2' },
      timeout: 5000,
    });
    if (r.status === 0 && r.stdout.trim() === '1') return;
    last = (r.stderr || r.stdout || '').trim();
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`server on port ${port} not ready after ${timeoutMs} ms: ${last}`);
}

/**
 * Start a throw-away PostgreSQL cluster. Returns { name, host, port, user, db, dataDir, stop }.
 * `settings` adds `-c name=value` options (kept empty for the default benchmarks).
 */
export async function startPostgres(cleanup, { settings = {} } = {}) {
  const pgBin = findPgBin();
  if (!pgBin) {
    throw new Error('PostgreSQL 15 server binaries not found in /usr/lib/postgresql/15/bin: run bench/setup.sh');
  }
  const root = mkdtempSync(join(tmpdir(), 'pyralog-bench-pg-'));
  const removeRoot = cleanup.add(`rm ${root}`, () => rmSync(root, { recursive: true, force: true }));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const dataDir = join(root, 'data');
  // --no-sync only skips initdb's own final fsync of the template files; the running server
  // has fsync=on (set explicitly below) like any production default.
  const [icmd, iargs] = asPostgres(join(pgBin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  runChecked(icmd, iargs, 'initdb');
  const port = await freePort();
  const opts = [`-p ${port}`, `-k ${root}`, `-c listen_addresses=${HOST}`, '-c fsync=on'];
  for (const [k, v] of Object.entries(settings)) opts.push(`-c ${k}=${v}`);
  const [scmd, sargs] = asPostgres(join(pgBin, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', dataDir, '-l', join(root, 'server.log'), '-o', opts.join(' ')]);
  const stopServer = () => {
    const [c, a] = asPostgres(join(pgBin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']);
    spawnSync(c, a, { stdio: 'ignore' });
  };
  runChecked(scmd, sargs, 'pg_ctl start');
  const stopNow = cleanup.add(`pg_ctl stop ${dataDir}`, stopServer);
  await waitReady(port);
  return {
    name: 'postgres',
    host: HOST,
    port,
    user: 'postgres',
    db: 'postgres',
    dataDir,
    version: pgVersion(pgBin),
    logFile: join(root, 'server.log'),
    stop() {
      stopNow();
      removeRoot();
    },
  };
}

/** Spawn a node child that listens on `port`; SIGTERM at stop, SIGKILL after a grace period. */
async function startNodeServer(cleanup, name, args, port, { cwd = REPO_ROOT, dataDir } = {}) {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let exited = false;
  let stderrTail = '';
  child.on('exit', () => (exited = true));
  child.stderr.on('data', (d) => {
    // Keep only a bounded tail for error reports; the server's logs are not measured.
    stderrTail = (stderrTail + d.toString()).slice(-4000);
  });
  const kill = () => {
    if (exited) return;
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      return;
    }
    // Synchronous wait: cleanup may run inside a signal handler.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        process.kill(child.pid, 0);
      } catch {
        return;
      }
      spawnSync('sleep', ['0.05']);
    }
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  };
  const stopNow = cleanup.add(`${name} pid ${child.pid}`, kill);
  try {
    await waitReady(port, { isAlive: () => !exited });
  } catch (err) {
    stopNow();
    throw new Error(`${err.message}\n--- ${name} stderr tail ---\n${stderrTail}`);
  }
  return {
    name,
    host: HOST,
    port,
    user: 'postgres',
    db: 'postgres',
    dataDir,
    pid: child.pid,
    stderrTail: () => stderrTail,
    stop() {
      stopNow();
    },
  };
}

/** Start Pyralog from the built tree (`npm run build` first). */
export async function startPyralog(cleanup, { extraArgs = [] } = {}) {
  const main = join(DIST_DIR, 'wire', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} missing: run \`npm run build\` in ${REPO_ROOT}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'pyralog-bench-data-'));
  const removeDir = cleanup.add(`rm ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const srv = await startNodeServer(cleanup, 'pyralog', [main, '--host', HOST, '--port', String(port), '--data-dir', dataDir, ...extraArgs], port, { dataDir });
  const stopServer = srv.stop;
  srv.stop = () => {
    stopServer();
    removeDir();
  };
  return srv;
}

/** Start the minimal raw-socket responder (bench/wire/responder.mjs): the protocol floor. */
export async function startResponder(cleanup) {
  const port = await freePort();
  return startNodeServer(cleanup, 'responder', [join(BENCH_DIR, 'wire', 'responder.mjs'), '--host', HOST, '--port', String(port)], port);
}

/** Describe the machine for result headers. */
export function machineInfo() {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('model name'));
  return {
    date: new Date().toISOString(),
    cores: cpus.length,
    cpu: cpus[0]?.split(':')[1]?.trim() ?? 'unknown',
    node: process.version,
    kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
    // Other engineers' tests share these 2 cores: the load says how noisy the run was.
    loadAvg1m: loadavg()[0].toFixed(1),
  };
}
