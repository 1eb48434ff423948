#!/usr/bin/env node
// Pyralog's LSM side by side with LevelDB (classic-level) in one Node process (issue 3
// "Measure"). Every round runs the whole suite on each engine in fresh temp directories, the
// engine order alternating between rounds; the figure for each workload is the MEDIAN OF
// PER-ROUND RATIOS Pyralog / LevelDB. Absolute numbers are printed for context only.
//
// Suite per engine and round (N keys of 16 B, values of 100 B; see workloads.mjs):
//   dir A  fillseq          N puts in ascending key order, batches of 1000, sync off
//   dir B  fillrandom       N puts in random order, batches of 1000, sync off
//          readrandom-hit   N point gets of present keys, random order (synchronous get)
//          readrandom-miss  N point gets of absent keys inside the key range
//          scan             2000 range scans of 100 keys from random starts
//          overwrite+delete every key overwritten (random order), then half deleted; batches of 1000
//          mixed            for --mixed-seconds: batch of 100 overwrites, then 100 gets, repeated,
//                           while flushes/compactions run; read p99 recorded
//          → write amplification = bytes the process wrote (/proc/self/io wchar, WAL + tables +
//            manifest, from open to close of dir B) / user bytes written (keys + values)
//          → space amplification = dir B's size after close / live bytes (live keys × 116 B)
//   dir C  fillrandom-sync  --sync-keys puts in batches of 100 with sync on
//          commit latency   --commits single-key commits with sync on, one at a time
//   plus the raw disk floor: write + fdatasync of 128 B on the same file system.
//
// Usage (from the repo root, after `npm run build`):
//   node --expose-gc bench/lsm/lsm-vs-leveldb.mjs [--keys 200000] [--rounds 5] [--engines leveldb,pyralog]
//        [--mixed-seconds 3] [--sync-keys 20000] [--commits 1000] [--out results.json]
// `--engines leveldb,leveldb` is the harness's own sanity check: its ratios should sit near 1.00×.

import { mkdtempSync, rmSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPENERS } from './engines.mjs';
import { makeData, fill, readRandom, rangeScans, overwriteDelete, mixed, commitLatency, processWriteBytes, KEY_BYTES, VALUE_BYTES } from './workloads.mjs';
import { measureFsync } from './fsync-latency.mjs';
import { Cleanup } from '../lib/cleanup.mjs';
import { machineInfo } from '../lib/pg-cluster.mjs';
import { median, fmt, fmtRatio, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';

const log = (s) => process.stderr.write(s + '\n');
const gc = () => globalThis.gc?.();

// metric → how to read it, whether higher is better, and the target (if any).
const METRICS = [
  ['fillseq', 'puts/s', true, '≥ 500 k puts/s (batches, sync off)'],
  ['fillrandom', 'puts/s', true, 'within 2× of LevelDB (ratio ≥ 0.50); ≥ 500 k puts/s'],
  ['readrandom-hit', 'gets/s', true, 'within 2× of LevelDB; ≥ 1 M gets/s memory-resident'],
  ['readrandom-miss', 'gets/s', true, ''],
  ['scan', 'keys/s', true, ''],
  ['overwrite+delete', 'ops/s', true, ''],
  ['mixed', 'ops/s', true, ''],
  ['mixed read p99', 'µs', false, ''],
  ['fillrandom-sync', 'puts/s', true, ''],
  ['commit p50 (sync on)', 'µs', false, ''],
  ['commit p99 (sync on)', 'µs', false, 'recorded next to raw fsync p99'],
  ['raw fdatasync p50', 'µs', false, 'disk floor, measured just before the commits'],
  ['raw fdatasync p99', 'µs', false, 'disk floor, measured just before the commits'],
  ['write amplification', '×', false, ''],
  ['space amplification', '×', false, ''],
];

function dirBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? dirBytes(p) : st.size;
  }
  return total;
}

async function suite(engineName, data, opt, cleanup) {
  const open = OPENERS[engineName];
  const m = {};
  const fresh = (tag) => {
    const d = mkdtempSync(join(tmpdir(), `pyralog-bench-${engineName}-${tag}-`));
    cleanup.add(`rm ${d}`, () => rmSync(d, { recursive: true, force: true }));
    return d;
  };

  // dir A: fillseq
  {
    const dir = fresh('seq');
    const eng = await open(dir, { sync: false });
    gc();
    m['fillseq'] = (await fill(eng, data, Uint32Array.from({ length: data.n }, (_, i) => i), 1000)).opsPerSec;
    await eng.close();
    rmSync(dir, { recursive: true, force: true });
  }

  // dir B: the main sequence
  let engineStats;
  {
    const dir = fresh('rand');
    const w0 = processWriteBytes();
    const eng = await open(dir, { sync: false });
    gc();
    const f = await fill(eng, data, data.randomOrder, 1000);
    m['fillrandom'] = f.opsPerSec;
    let userBytes = f.userBytes;
    gc();
    const hit = readRandom(eng, data, { miss: false, count: data.n });
    if (hit.found !== hit.expected) throw new Error(`${engineName}: readrandom-hit found ${hit.found} of ${hit.expected}`);
    m['readrandom-hit'] = hit.opsPerSec;
    const miss = readRandom(eng, data, { miss: true, count: data.n });
    if (miss.found !== 0) throw new Error(`${engineName}: readrandom-miss found ${miss.found} absent keys`);
    m['readrandom-miss'] = miss.opsPerSec;
    const sc = await rangeScans(eng, data, { scans: 2000, length: 100 });
    m['scan'] = sc.opsPerSec;
    gc();
    const od = await overwriteDelete(eng, data, 1000);
    m['overwrite+delete'] = od.opsPerSec;
    userBytes += od.userBytes;
    gc();
    const mx = await mixed(eng, data, { seconds: Number(opt['mixed-seconds']), batchSize: 100, readsPerBatch: 100 });
    m['mixed'] = mx.opsPerSec;
    m['mixed read p99'] = mx.readP99Us;
    userBytes += mx.userBytes;
    engineStats = eng.stats();
    await eng.close();
    const w1 = processWriteBytes();
    m['write amplification'] = (w1 - w0) / userBytes;
    m['space amplification'] = dirBytes(dir) / (od.liveKeys * (KEY_BYTES + VALUE_BYTES));
    rmSync(dir, { recursive: true, force: true });
  }

  // dir C: sync on
  {
    const dir = fresh('sync');
    const eng = await open(dir, { sync: true });
    const syncKeys = Math.min(Number(opt['sync-keys']), data.n);
    // The disk's own latency right now, next to this engine's commits: the disk's speed on this
    // shared machine swings several-fold within a minute, so a floor measured elsewhere in the
    // run would not be comparable.
    const raw = measureFsync({ count: 500, dir: tmpdir() });
    m['raw fdatasync p50'] = raw.p50Us;
    m['raw fdatasync p99'] = raw.p99Us;
    m['fillrandom-sync'] = (await fill(eng, data, data.randomOrder.subarray(0, syncKeys), 100)).opsPerSec;
    const cl = await commitLatency(eng, data, Number(opt.commits));
    m['commit p50 (sync on)'] = cl.p50Us;
    m['commit p99 (sync on)'] = cl.p99Us;
    await eng.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { metrics: m, engineStats };
}

async function main() {
  const opt = parseArgs(process.argv.slice(2), {
    keys: '200000',
    rounds: '5',
    engines: 'leveldb,pyralog',
    'mixed-seconds': '3',
    'sync-keys': '20000',
    commits: '1000',
    seed: '42',
    out: '',
  });
  const engines = csvList(opt.engines);
  if (engines.length !== 2) throw new Error('--engines takes exactly two engines (baseline first)');
  for (const e of engines) if (!OPENERS[e]) throw new Error(`unknown engine ${e}`);
  const cleanup = new Cleanup();
  const n = Number(opt.keys);
  const rounds = Number(opt.rounds);
  const fsyncBefore = measureFsync({ count: 1000 });
  log(`[bench] raw write+fdatasync: p50 ${fmt(fsyncBefore.p50Us)} µs, p99 ${fmt(fsyncBefore.p99Us)} µs`);

  const perRound = [];
  const lastStats = {};
  for (let r = 0; r < rounds; r++) {
    const data = makeData(n, Number(opt.seed) + r);
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    const round = [undefined, undefined];
    for (const i of order) {
      const res = await suite(engines[i], data, opt, cleanup);
      round[i] = res.metrics;
      lastStats[`${i}:${engines[i]}`] = res.engineStats;
      log(`[bench] round ${r + 1}/${rounds} ${engines[i]}: ` + Object.entries(res.metrics).map(([k, v]) => `${k}=${fmt(v, v < 10 ? 2 : 0)}`).join(' '));
    }
    perRound.push(round);
  }
  const fsyncAfter = measureFsync({ count: 1000 });
  cleanup.runAll();

  const report = {
    machine: machineInfo(),
    command: `node --expose-gc bench/lsm/lsm-vs-leveldb.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    keys: n,
    rounds,
    engines,
    fsync: { before: fsyncBefore, after: fsyncAfter },
    perRound,
    engineStats: lastStats,
  };
  if (opt.out) writeFileSync(opt.out, JSON.stringify(report, (k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
  process.stdout.write(render(report) + '\n');
}

function render(report) {
  const [a, b] = report.engines;
  const rows = METRICS.map(([name, unit, higherBetter, target]) => {
    const va = report.perRound.map((r) => r[0][name]);
    const vb = report.perRound.map((r) => r[1][name]);
    const ratios = report.perRound.map((r) => r[1][name] / r[0][name]);
    const digits = unit === '×' ? 2 : 0;
    return [
      name,
      unit,
      fmt(median(va), digits),
      fmt(median(vb), digits),
      fmtRatio(median(ratios)),
      `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
      higherBetter ? 'higher' : 'lower',
      target,
    ];
  });
  const f = report.fsync;
  const m = report.machine;
  return [
    `Run ${m.date} on ${m.cores} cores (${m.cpu}), load average ${m.loadAvg1m} at the end, Node ${m.node}; ${report.keys} keys × (16 B key + 100 B value), ${report.rounds} alternating rounds.`,
    `Command: \`${report.command}\``,
    `Raw disk floor (write 128 B + fdatasync, same file system): p50 ${fmt(f.before.p50Us)} µs, p99 ${fmt(f.before.p99Us)} µs before; p50 ${fmt(f.after.p50Us)} µs, p99 ${fmt(f.after.p99Us)} µs after.`,
    '',
    markdownTable(['workload', 'unit', `${a} (median)`, `${b} (median)`, `${b}/${a} (median per-round ratio)`, 'ratio range', 'better', 'target'], rows),
    '',
    ...Object.entries(report.engineStats).map(([k, st]) => `Engine counters after the main sequence, last round, ${k.split(':')[1]}: ${ownCounters(st)}`),
  ].join('\n');
}

/** The engine's own counters worth quoting (Pyralog's LsmStats; LevelDB's compaction table). */
function ownCounters(st) {
  if (!st) return 'none';
  if (st.leveldbStats) return '\n```\n' + st.leveldbStats.trim() + '\n```';
  const keys = ['writeAmplification', 'spaceAmplification', 'walCommits', 'walGroups', 'walSyncs', 'flushes', 'compactions', 'compactionBytesIn', 'compactionBytesOut', 'segmentFiles', 'segmentBytes', 'levelBytes'];
  return keys
    .filter((k) => st[k] !== undefined)
    .map((k) => `${k}=${Array.isArray(st[k]) ? '[' + st[k].join(', ') + ']' : typeof st[k] === 'number' && !Number.isInteger(st[k]) ? st[k].toFixed(2) : String(st[k])}`)
    .join(', ');
}

main().catch((err) => {
  log(`[bench] failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
