#!/usr/bin/env node
// CPU time per round trip through the whole server side of the protocol: a real wire/ Connection
// (framing, message decoding, the query protocols, row encoding, the output writer) over an
// in-memory duplex, with the real engine behind it, and no kernel socket in between. The figure
// is the server's own work per transaction — what pgbench's tps at one client and the
// node-postgres PK lookup pay on our side — and barely moves with the load of other processes.
// Compares builds like statement-cpu.mjs: each round runs every --dist in its own child process,
// the order rotating; the figure is the median over rounds of CPU µs per transaction (user +
// system of the whole child, the client side's few µs of frame scanning included alike).
//
// Workloads (a table acc of --rows rows, int4 primary key, like pgbench_accounts):
//   simple    Query `SELECT abalance FROM acc WHERE aid = <n>;` (pgbench -M simple)
//   prepared  Bind(named "P0", $1 = <n> as text)/Describe portal/Execute/Sync after one Parse
//             (pgbench -M prepared; node-postgres with a statement name)
//   unnamed   Parse(unnamed, same text)/Bind/Describe portal/Execute/Sync every time
//             (node-postgres without a statement name)
//   update    pgbench -M prepared's UPDATE acc SET abalance = abalance + $1 WHERE aid = $2,
//             autocommit (one WAL sync each)
// Every transaction's answer is checked (one DataRow for each SELECT, ReadyForQuery 'I').
//
// Usage (from the repo root):
//   node bench/wire/protocol-cpu.mjs --dist /tmp/pyralog-bench-build/<old>/dist,/tmp/pyralog-bench-build/<new>/dist
//        [--rounds 5] [--transactions 20000] [--rows 20000] [--workloads simple,prepared,unnamed]
//        [--checkpoint]
// --checkpoint: CHECKPOINT after the load, so the lookups read segment files (as pgbench's do
// after `pgbench -i`, whose COPY ends in segments) instead of the memtable.
// One child alone, with a CPU profile of its measured loop:
//   PROTO_CPU_PROFILE=/tmp/p.cpuprofile node bench/wire/protocol-cpu.mjs --child <dist> prepared 20000 20000 [checkpoint]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { duplexPair } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { serialize } from 'pg-protocol';
import { median, fmt, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';

const SELECT = 'SELECT abalance FROM acc WHERE aid = $1';
const UPDATE = 'UPDATE acc SET abalance = abalance + $1 WHERE aid = $2';

/** Per workload: frames sent once after start-up, and the frames of transaction i. */
const WORKLOADS = {
  simple: { setup: () => [], tx: (aid) => [serialize.query(`SELECT abalance FROM acc WHERE aid = ${aid};`)], rows: 1 },
  prepared: {
    setup: () => [serialize.parse({ name: 'P0', text: SELECT, types: [] }), serialize.sync()],
    tx: (aid) => [serialize.bind({ statement: 'P0', values: [String(aid)] }), serialize.describe({ type: 'P', name: '' }), serialize.execute({ portal: '' }), serialize.sync()],
    rows: 1,
  },
  unnamed: {
    setup: () => [],
    tx: (aid) => [serialize.parse({ text: SELECT, types: [] }), serialize.bind({ values: [String(aid)] }), serialize.describe({ type: 'P', name: '' }), serialize.execute({ portal: '' }), serialize.sync()],
    rows: 1,
  },
  update: {
    setup: () => [serialize.parse({ name: 'U0', text: UPDATE, types: [] }), serialize.sync()],
    tx: (aid, i) => [serialize.bind({ statement: 'U0', values: [String(-(1 + (i % 5000))), String(aid)] }), serialize.describe({ type: 'P', name: '' }), serialize.execute({ portal: '' }), serialize.sync()],
    rows: 0,
  },
};

/** The client end: counts ReadyForQuery and DataRow messages, fails on ErrorResponse. */
class Client {
  constructor(end) {
    this.end = end;
    this.buf = Buffer.alloc(0);
    this.ready = 0;
    this.dataRows = 0;
    this.waiter = undefined;
    this.error = undefined;
    end.on('data', (chunk) => this.onData(chunk));
  }

  onData(chunk) {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let off = 0;
    while (this.buf.length - off >= 5) {
      const len = this.buf.readInt32BE(off + 1);
      if (this.buf.length - off < 1 + len) break;
      const type = this.buf[off];
      if (type === 0x5a /* Z */) this.ready++;
      else if (type === 0x44 /* D */) this.dataRows++;
      else if (type === 0x45 /* E */) this.error ??= this.buf.subarray(off + 5, off + 1 + len).toString('utf8').replace(/\0/g, ' ');
      off += 1 + len;
    }
    this.buf = this.buf.subarray(off);
    if (this.waiter !== undefined && this.ready >= this.waiter.n) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve();
    }
  }

  /** Sends frames (a Buffer of them, or an array) as one chunk (as libpq does) and waits for
   *  the n-th ReadyForQuery overall. */
  roundTrip(frames, n) {
    this.end.write(Buffer.isBuffer(frames) ? frames : frames.length === 1 ? frames[0] : Buffer.concat(frames));
    if (this.ready >= n) return Promise.resolve();
    return new Promise((res) => (this.waiter = { n, resolve: res }));
  }
}

/** PROTO_CPU_PROFILE=<file>: a V8 CPU profile of the measured loop only (not the set-up);
 *  PROTO_HEAP_PROFILE=<file>: its sampled allocations instead. */
async function startProfile(heap) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const s = new Session();
  s.connect();
  if (heap) {
    // Allocation sampling: where the measured loop's garbage comes from (a .heapprofile).
    await s.post('HeapProfiler.enable');
    await s.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: process.env.PROTO_HEAP_LIVE === undefined, includeObjectsCollectedByMinorGC: process.env.PROTO_HEAP_LIVE === undefined });
    return {
      async stop(file) {
        const { profile } = await s.post('HeapProfiler.stopSampling');
        writeFileSync(file, JSON.stringify(profile));
        s.disconnect();
      },
    };
  }
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 100 });
  await s.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await s.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      s.disconnect();
    },
  };
}

async function child(dist, workload, transactions, rows, checkpoint) {
  const { createEngine } = await import(pathToFileURL(join(dist, 'planner', 'index.js')).href);
  const wire = await import(pathToFileURL(join(dist, 'wire', 'index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'pyralog-proto-cpu-'));
  const engine = await createEngine({ dataDir: dir });
  const ctx = {
    engine,
    log: new wire.Logger('off', () => {}),
    backends: new wire.BackendRegistry(10),
    maxMessageBytes: 1 << 20,
    logMinDurationMs: -1,
    authTimeoutMs: 60_000,
    users: new Map(),
    startTls: undefined,
    tlsEndPoint: undefined,
  };
  const [clientEnd, serverEnd] = duplexPair();
  const conn = new wire.Connection(serverEnd, ctx, 'memory');
  const done = conn.run();
  const c = new Client(clientEnd);
  let n = 0;
  const trip = async (frames) => {
    await c.roundTrip(frames, ++n);
    if (c.error !== undefined) throw new Error(`server error: ${c.error}`);
  };
  try {
    await trip([serialize.startup({ user: 'bench', database: 'postgres' })]);
    await trip([serialize.query('CREATE TABLE acc (aid int PRIMARY KEY, bid int, abalance int, filler char(84))')]);
    for (let i = 0; i < rows; i += 500) {
      const vals = [];
      for (let j = i + 1; j <= Math.min(rows, i + 500); j++) vals.push(`(${j}, 1, 0, '')`);
      await trip([serialize.query(`INSERT INTO acc VALUES ${vals.join(',')}`)]);
    }
    if (checkpoint) await trip([serialize.query('CHECKPOINT')]);
    const w = WORKLOADS[workload];
    const setup = w.setup();
    if (setup.length > 0) await trip(setup);
    const aid = (i) => 1 + ((i * 7919) % rows);
    for (let i = 0; i < Math.min(2000, transactions); i++) await trip(w.tx(aid(i), i)); // warm-up
    // Frames are built (and each transaction's frames joined into one chunk) before the clock
    // starts: the client's encoding is not the server's work. (Before 2026-11-24 22:00 UTC the
    // join ran inside the measured loop: ~1 µs per transaction of client work in every figure.)
    const batch = [];
    for (let i = 0; i < transactions; i++) batch.push(Buffer.concat(w.tx(aid(i + 100_000), i)));
    const rows0 = c.dataRows;
    const profFile = process.env.PROTO_HEAP_PROFILE ?? process.env.PROTO_CPU_PROFILE;
    const prof = profFile ? await startProfile(process.env.PROTO_HEAP_PROFILE !== undefined) : undefined;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < transactions; i++) await trip(batch[i]);
    const cpu = process.cpuUsage(c0);
    const wallMs = performance.now() - t0;
    if (prof !== undefined) await prof.stop(profFile);
    if (c.dataRows - rows0 !== transactions * w.rows) throw new Error(`${workload}: ${c.dataRows - rows0} DataRows for ${transactions} transactions`);
    return { cpuUs: (cpu.user + cpu.system) / transactions, wallUs: (wallMs * 1000) / transactions };
  } finally {
    clientEnd.end(serialize.end());
    await done;
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const [, dist, workload, transactions, rows, checkpoint] = argv;
    process.stdout.write(JSON.stringify(await child(dist, workload, Number(transactions), Number(rows), checkpoint === 'checkpoint')) + '\n');
    return;
  }
  const opt = parseArgs(argv, { dist: '', rounds: '5', transactions: '20000', rows: '20000', workloads: 'simple,prepared,unnamed', checkpoint: false });
  const dists = csvList(opt.dist).map((d) => resolve(d));
  if (dists.length === 0) throw new Error('--dist a[,b,...] is required (directories with planner/index.js and wire/index.js)');
  const results = {};
  for (const w of csvList(opt.workloads)) {
    if (!WORKLOADS[w]) throw new Error(`unknown workload ${w} (known: ${Object.keys(WORKLOADS).join(', ')})`);
    for (let r = 0; r < Number(opt.rounds); r++) {
      const order = r % 2 === 0 ? dists : [...dists].reverse();
      for (const d of order) {
        const p = spawnSync(process.execPath, [process.argv[1], '--child', d, w, opt.transactions, opt.rows, ...(opt.checkpoint ? ['checkpoint'] : [])], { encoding: 'utf8' });
        if (p.status !== 0) throw new Error(`child ${d} ${w} failed: ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        const res = JSON.parse(p.stdout.trim().split('\n').at(-1));
        ((results[w] ??= {})[d] ??= []).push(res);
        process.stderr.write(`[proto-cpu] ${w} round ${r + 1} ${d}: ${fmt(res.cpuUs, 1)} µs CPU, ${fmt(res.wallUs, 1)} µs wall\n`);
      }
    }
  }
  const rows = [];
  for (const [w, byDist] of Object.entries(results)) {
    const base = Object.values(byDist)[0];
    for (const [d, rs] of Object.entries(byDist)) {
      // Rounds pair up by index: the ratio to the first build is taken within each round.
      const ratio = median(rs.map((x, i) => x.cpuUs / base[i].cpuUs));
      rows.push([w, d, fmt(median(rs.map((x) => x.cpuUs)), 1), `${ratio.toFixed(2)}×`, fmt(median(rs.map((x) => x.wallUs)), 1), rs.length]);
    }
  }
  process.stdout.write(`Command: \`node bench/wire/protocol-cpu.mjs ${argv.join(' ')}\`\n\n`);
  process.stdout.write(markdownTable(['workload', 'build', 'CPU µs/transaction (median)', 'vs first build (median per round)', 'wall µs/transaction (median)', 'rounds'], rows) + '\n');
}

main().catch((err) => {
  process.stderr.write(`[proto-cpu] failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
