#!/usr/bin/env node
// Streaming a 10 M-row SELECT * to the client (planner/rel/rel-cursor.ts): time to the first
// DataRow and total time, Pyralog vs PostgreSQL 15 over a native table holding the sales rows
// of gen-sales.mjs, and Pyralog vs DuckDB in-process over the same rows in Parquet (the external
// table `sales`); plus the Pyralog server's RSS (VmRSS before, peak VmHWM during: the peak is
// reset through /proc/<pid>/clear_refs before each statement) — flat means the result is never
// held whole.
//   native     `SELECT * FROM big`   (Pyralog: LSM table loaded by COPY … FROM sales.parquet)
//   external   `SELECT * FROM sales` (placement A: one DuckDB cursor)
//   hybrid     `SELECT s.*, k.tag FROM sales s JOIN tags k ON k.m = s.month` (placement B: the
//              external scan streams through a native hash join against 12 native rows)
// Each system runs the statement twice per round: through psql to /dev/null (total ms: what the
// brief asks for) and through a minimal raw-protocol reader that times the first DataRow and the
// ReadyForQuery (it only splits frames; no row decoding). DuckDB: `stream` + fetchChunk +
// getRows (values to JS, the work of producing rows) from a fresh connection, first chunk and
// total. Rounds alternate the systems' order; the recorded figure is the median of per-round
// ratios (Pyralog / other).
//
//   PYRALOG_DIST=$(bash bench/build-snapshot.sh) node bench/wire/stream-select.mjs [--pairs 5] [--rows 10000000]
//     [--figures native,external,hybrid] [--psql off]
// `--psql off` skips the psql > /dev/null runs (the raw reader's first-row and total times and
// the RSS figures stay): a round then costs one statement per system instead of two.
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
import { Cleanup } from '../lib/cleanup.mjs';
import { startPostgres, startPyralog, machineInfo, DIST_DIR } from '../lib/pg-cluster.mjs';
import { median, fmt, fmtRatio, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';
import { ensureSalesData } from '../external/gen-sales.mjs';

const log = (s) => process.stderr.write(`[stream] ${s}\n`);
const opts = parseArgs(process.argv.slice(2), { rows: '10000000', hot: '1000000', pairs: '5', figures: 'native,external,hybrid', psql: 'on' });
const ROWS = Number(opts.rows);
const PAIRS = Number(opts.pairs);
const FIGURES = new Set(csvList(opts.figures));
const PSQL = opts.psql !== 'off';
const cleanup = new Cleanup();
const info = machineInfo();
const rev = /pyralog-bench-build\/([0-9a-f]+)\/dist/.exec(DIST_DIR)?.[1] ?? 'dist/ of the working tree';
const dataDir = await ensureSalesData({ rows: ROWS, hot: Number(opts.hot) });
const root = join(dataDir, 'root');
const FLAT = join(root, 'sales.parquet');
log(`data ${dataDir}; dist ${DIST_DIR}; revision ${rev}; load ${info.loadAvg1m}`);

const COLS = 'id bigint PRIMARY KEY, ts timestamptz, product_id int, customer_id int, amount numeric(12,2), year int, month int';
const TAGS = "CREATE TABLE tags (m int PRIMARY KEY, tag text); INSERT INTO tags SELECT m, 'm' || m FROM generate_series(1, 12) m";

function psqlArgs(srv) {
  return ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', srv.host, '-p', String(srv.port), '-U', srv.user, '-d', srv.db];
}
function psql(srv, cmd) {
  const r = spawnSync('psql', [...psqlArgs(srv), '-c', cmd], { encoding: 'utf8', env: { ...process.env, PGSSLMODE: 'disable' }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`psql ${cmd.slice(0, 80)}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  return r.stdout.trim();
}
/** psql -c sql > /dev/null: total ms. */
function psqlToNull(srv, sql) {
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', `psql ${psqlArgs(srv).join(' ')} -c "${sql}" > /dev/null`], { encoding: 'utf8', env: { ...process.env, PGSSLMODE: 'disable' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr.trim().slice(0, 300)}`);
  return ms;
}

/** Simple Query over a raw socket: ms to the first DataRow, ms to ReadyForQuery, rows. */
async function rawQuery(srv, sql) {
  const sock = await new Promise((res, rej) => {
    const s = net.connect(srv.port, srv.host, () => res(s));
    s.on('error', rej);
  });
  const startup = (() => {
    const body = Buffer.from(`user\0${srv.user}\0database\0${srv.db}\0\0`);
    const b = Buffer.alloc(8 + body.length);
    b.writeInt32BE(8 + body.length, 0);
    b.writeInt32BE(196608, 4);
    body.copy(b, 8);
    return b;
  })();
  const query = (() => {
    const body = Buffer.from(`${sql}\0`);
    const b = Buffer.alloc(5 + body.length);
    b.write('Q', 0);
    b.writeInt32BE(4 + body.length, 1);
    body.copy(b, 5);
    return b;
  })();
  return await new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    let phase = 'startup';
    let t0 = 0, first = -1, rows = 0, error;
    sock.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let off = 0;
      while (pending.length - off >= 5) {
        const type = pending[off];
        const len = pending.readInt32BE(off + 1);
        if (pending.length - off < 1 + len) break;
        if (type === 0x44) {
          if (first < 0) first = performance.now() - t0;
          rows++;
        } else if (type === 0x45) {
          error = pending.subarray(off + 5, off + 1 + len).toString('latin1').replace(/\0/g, ' ').slice(0, 200);
        } else if (type === 0x5a) {
          if (phase === 'startup') {
            phase = 'query';
            t0 = performance.now();
            sock.write(query);
          } else {
            const total = performance.now() - t0;
            sock.end();
            if (error) reject(new Error(error));
            else resolve({ firstMs: first, totalMs: total, rows });
            return;
          }
        }
        off += 1 + len;
      }
      pending = pending.subarray(off);
    });
    sock.on('error', reject);
    sock.write(startup);
  });
}

/** Pyralog's RSS: VmRSS now, and VmHWM (peak) since the last reset. */
function rss(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- systems
const py = await startPyralog(cleanup, { extraArgs: ['--external-root', root] });
{
  const c = new pg.Client({ host: py.host, port: py.port, user: py.user, database: py.db });
  await c.connect();
  await c.query(`CREATE EXTERNAL TABLE sales STORED AS PARQUET LOCATION '${FLAT}'`);
  await c.query(TAGS.split('; ')[0]);
  await c.query(TAGS.split('; ')[1]);
  if (FIGURES.has('native')) {
    await c.query(`CREATE TABLE big (${COLS})`);
    // One transaction's write set is bounded (1 GiB): 1 M rows per INSERT … SELECT.
    const t0 = performance.now();
    let n = 0;
    const CHUNK = 1_000_000;
    for (let lo = 0; lo < ROWS; lo += CHUNK) {
      const r = await c.query(`INSERT INTO big SELECT * FROM sales WHERE id > ${lo} AND id <= ${lo + CHUNK}`);
      n += r.rowCount;
    }
    if (n !== ROWS) throw new Error(`pyralog loaded ${n} rows into big, expected ${ROWS}`);
    log(`pyralog: ${n} rows into big in ${fmt(performance.now() - t0)} ms`);
  }
  await c.end();
}
let pgSrv;
if (FIGURES.has('native')) {
  pgSrv = await startPostgres(cleanup);
  const t0 = performance.now();
  psql(pgSrv, `CREATE TABLE big (${COLS.replace(' PRIMARY KEY', '')})`);
  psql(pgSrv, `\\copy big FROM '${join(dataDir, 'sales.csv')}' (FORMAT csv)`);
  psql(pgSrv, 'ALTER TABLE big ADD PRIMARY KEY (id)');
  psql(pgSrv, 'VACUUM ANALYZE');
  log(`postgres: loaded in ${fmt(performance.now() - t0)} ms (${pgSrv.version})`);
}
const duckDb = await DuckDBInstance.create(':memory:', { threads: '2' });

async function duckStream(sql) {
  const conn = await duckDb.connect();
  try {
    const t0 = performance.now();
    const res = await conn.stream(sql);
    let first = -1, rows = 0;
    for (;;) {
      const chunk = await res.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const got = chunk.getRows();
      if (first < 0) first = performance.now() - t0;
      rows += got.length;
    }
    return { firstMs: first, totalMs: performance.now() - t0, rows };
  } finally {
    conn.closeSync();
  }
}

const figures = [
  { key: 'native', name: `native: SELECT * FROM big (${fmt(ROWS)} rows)`, sql: 'SELECT * FROM big', other: 'postgres' },
  { key: 'external', name: `external: SELECT * FROM sales (${fmt(ROWS)} Parquet rows, placement A)`, sql: 'SELECT * FROM sales', other: 'duckdb', duck: `SELECT * FROM read_parquet('${FLAT}')` },
  { key: 'hybrid', name: `hybrid: external rows joined to 12 native rows (placement B, streamed)`, sql: 'SELECT s.*, k.tag FROM sales s JOIN tags k ON k.m = s.month', other: 'duckdb', duck: `SELECT s.*, 'm' || s.month AS tag FROM read_parquet('${FLAT}') s` },
].filter((f) => FIGURES.has(f.key));

const results = [];
for (const f of figures) {
  const per = { psql: [], first: [], total: [], rssBefore: [], peak: [], rssAfter: [], rows: new Set() };
  for (let round = 0; round < PAIRS; round++) {
    const order = round % 2 === 0 ? ['pyralog', f.other] : [f.other, 'pyralog'];
    const r = {};
    for (const sys of order) {
      if (sys === 'pyralog') {
        const before = rss(py.pid);
        const canReset = resetPeak(py.pid);
        const raw = await rawQuery(py, f.sql);
        const during = rss(py.pid);
        resetPeak(py.pid);
        const psqlMs = PSQL ? psqlToNull(py, f.sql) : NaN;
        const peak = canReset ? during.peakMb : NaN;
        r.pyralog = { ...raw, psqlMs, rssBefore: before.rssMb, peak, rssAfter: rss(py.pid).rssMb, psqlPeak: PSQL ? rss(py.pid).peakMb : peak };
        per.rows.add(raw.rows);
      } else if (sys === 'postgres') {
        const raw = await rawQuery(pgSrv, f.sql);
        r.postgres = { ...raw, psqlMs: PSQL ? psqlToNull(pgSrv, f.sql) : NaN };
      } else {
        r.duckdb = await duckStream(f.duck);
      }
    }
    const o = r[f.other];
    log(`${f.key} round ${round + 1}: pyralog first ${fmt(r.pyralog.firstMs)} ms total ${fmt(r.pyralog.totalMs)} ms psql ${fmt(r.pyralog.psqlMs)} ms rss ${fmt(r.pyralog.rssBefore)} → peak ${fmt(r.pyralog.peak)} / psql peak ${fmt(r.pyralog.psqlPeak)} → ${fmt(r.pyralog.rssAfter)} MB; ${f.other} first ${fmt(o.firstMs)} ms total ${fmt(o.totalMs)} ms${o.psqlMs ? ` psql ${fmt(o.psqlMs)} ms` : ''}`);
    per.first.push(r.pyralog.firstMs / Math.max(o.firstMs, 0.001));
    per.total.push(r.pyralog.totalMs / o.totalMs);
    if (o.psqlMs) per.psql.push(r.pyralog.psqlMs / o.psqlMs);
    per.rssBefore.push(r.pyralog.rssBefore);
    per.peak.push(Math.max(r.pyralog.peak, r.pyralog.psqlPeak));
    per.rssAfter.push(r.pyralog.rssAfter);
    per.abs ??= [];
    per.abs.push(r);
  }
  results.push({ f, per });
}

console.log(`\nrevision ${rev}; ${info.date}; ${info.cores} cores ${info.cpu}; node ${info.node}; load ${info.loadAvg1m} (1 min, at start); pairs ${PAIRS}\n`);
const rowsOut = results.map(({ f, per }) => {
  const abs = per.abs;
  const m = (sys, k) => fmt(median(abs.map((r) => r[sys][k])));
  return [
    f.name, f.other,
    `${m('pyralog', 'firstMs')} / ${m(f.other, 'firstMs')}`, fmtRatio(median(per.first)),
    `${m('pyralog', 'totalMs')} / ${m(f.other, 'totalMs')}`, fmtRatio(median(per.total)),
    per.psql.length ? `${m('pyralog', 'psqlMs')} / ${m(f.other, 'psqlMs')} (${fmtRatio(median(per.psql))})` : '–',
    `${fmt(median(per.rssBefore))} → ${fmt(Math.max(...per.peak))} → ${fmt(median(per.rssAfter))}`,
    [...per.rows].join(','),
  ];
});
console.log(markdownTable(['statement', 'vs', 'first row ms (Pyralog / other)', 'ratio', 'raw total ms', 'ratio', 'psql > /dev/null ms (ratio)', 'Pyralog RSS MB before → peak → after', 'rows'], rowsOut));
duckDb.closeSync();
cleanup.runAll();
process.exit(0);
