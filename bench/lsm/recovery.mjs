#!/usr/bin/env node
// Recovery time for 1 M WAL records (issue 3 target: < 3 s), Pyralog's LSM next to LevelDB.
//
// Per round and engine, in a fresh temp directory:
//   1. a writer child opens the engine with sync off and a write buffer / memtable budget large
//      enough (1 GiB) that nothing is flushed, then makes --records sequential single-key commits
//      (each awaited, so each is its own WAL record: neither engine can group them), prints
//      "written", and waits; the parent kills it with SIGKILL — a crash, so close() never runs
//      and the log is all there is. Sync-off writes reach the OS with write(2) before they are
//      acknowledged, so a process kill (not a power cut) loses none; the parent also waits
//      --settle-ms first so a timer-based background sync has run.
//   2. a reader child times open() alone (the figure), then checks outside the clock that every
//      written key is readable, and reports how many were found.
// The figure per engine is the median open time; the ratio is the median per-round ratio.
//
// Usage (from the repo root, after `npm run build`):
//   node bench/lsm/recovery.mjs [--records 1000000] [--rounds 3] [--engines leveldb,pyralog]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPENERS } from './engines.mjs';
import { key, VALUE_BYTES } from './workloads.mjs';
import { Cleanup } from '../lib/cleanup.mjs';
import { machineInfo } from '../lib/pg-cluster.mjs';
import { median, fmt, fmtRatio, markdownTable, parseArgs, csvList } from '../lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const WRITE_BUFFER_BYTES = 1 << 30;
const log = (s) => process.stderr.write(s + '\n');

function value(i) {
  const v = Buffer.alloc(VALUE_BYTES);
  v.writeUInt32BE(i >>> 0, 0);
  return v;
}

async function childWrite(engine, dir, records) {
  const eng = await OPENERS[engine](dir, { sync: false, writeBufferBytes: WRITE_BUFFER_BYTES });
  for (let i = 0; i < records; i++) await eng.put(key(i), value(i));
  process.stdout.write('written\n');
  // Wait for the SIGKILL; never close (close would flush and there would be nothing to recover).
  setInterval(() => {}, 1 << 30);
}

async function childOpen(engine, dir, records) {
  const t0 = performance.now();
  const eng = await OPENERS[engine](dir, { sync: false, writeBufferBytes: WRITE_BUFFER_BYTES });
  const openMs = performance.now() - t0;
  let found = 0;
  for (let i = 0; i < records; i++) {
    const v = eng.get(key(i));
    if (v !== undefined && Buffer.from(v.buffer, v.byteOffset, v.byteLength).readUInt32BE(0) === i >>> 0) found++;
  }
  await eng.close();
  process.stdout.write(JSON.stringify({ openMs, found }) + '\n');
}

function runChild(args, { killOn, settleMs } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [SELF, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      if (killOn && out.includes(killOn)) setTimeout(() => child.kill('SIGKILL'), settleMs);
    });
    child.stderr.on('data', (d) => (err = (err + d.toString()).slice(-4000)));
    child.on('error', rej);
    child.on('close', (code, signal) => {
      if (killOn) {
        if (signal === 'SIGKILL' && out.includes(killOn)) res(out);
        else rej(new Error(`writer child ended ${code ?? signal} before "${killOn}": ${err}`));
        return;
      }
      if (code !== 0) return rej(new Error(`child exited ${code}: ${err}`));
      res(out);
    });
  });
}

async function main() {
  const opt = parseArgs(process.argv.slice(2), { records: '1000000', rounds: '3', engines: 'leveldb,pyralog', 'settle-ms': '1500', child: '', engine: '', dir: '' });
  const records = Number(opt.records);
  if (opt.child === 'write') return childWrite(opt.engine, opt.dir, records);
  if (opt.child === 'open') return childOpen(opt.engine, opt.dir, records);

  const engines = csvList(opt.engines);
  if (engines.length !== 2 || engines[0] === engines[1]) throw new Error('--engines takes two different engines (baseline first)');
  const cleanup = new Cleanup();
  const rounds = [];
  for (let r = 0; r < Number(opt.rounds); r++) {
    const order = r % 2 === 0 ? engines : [...engines].reverse();
    const round = {};
    for (const engine of order) {
      const dir = mkdtempSync(join(tmpdir(), `pyralog-bench-recovery-${engine}-`));
      const rm = cleanup.add(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
      try {
        const tw = performance.now();
        await runChild(['--child', 'write', '--engine', engine, '--dir', dir, '--records', String(records)], { killOn: 'written', settleMs: Number(opt['settle-ms']) });
        const writeS = (performance.now() - tw) / 1000;
        const res = JSON.parse((await runChild(['--child', 'open', '--engine', engine, '--dir', dir, '--records', String(records)])).trim().split('\n').pop());
        round[engine] = res;
        log(`[bench] round ${r + 1} ${engine}: wrote ${records} records in ${writeS.toFixed(1)} s; open ${fmt(res.openMs)} ms; found ${res.found}/${records}`);
      } catch (err) {
        round[engine] = { error: err.message.split('\n')[0].slice(0, 300) };
        log(`[bench] round ${r + 1} ${engine}: ${err.message}`);
      }
      rm();
    }
    rounds.push(round);
  }
  cleanup.runAll();
  const [base, other] = engines;
  const rows = engines.map((e) => {
    const ok = rounds.filter((r) => r[e]?.openMs !== undefined);
    const complete = ok.every((r) => r[e].found === records);
    return [e, fmt(median(ok.map((r) => r[e].openMs))), `${ok.length}/${rounds.length}`, complete ? `all ${records}` : ok.map((r) => r[e].found).join(', ') || 'n/a', e === 'pyralog' ? `< 3000 ms: ${ok.length && complete && median(ok.map((r) => r[e].openMs)) < 3000 ? 'met' : 'not met'}` : ''];
  });
  const ratios = rounds.filter((r) => r[base]?.openMs && r[other]?.openMs).map((r) => r[other].openMs / r[base].openMs);
  const m = machineInfo();
  process.stdout.write(
    [
      `Run ${m.date} on ${m.cores} cores (${m.cpu}), load average ${m.loadAvg1m} at the end, Node ${m.node}; ${records} WAL records (16 B key + 100 B value each), ${rounds.length} rounds.`,
      `Command: \`${`node bench/lsm/recovery.mjs ${process.argv.slice(2).join(' ')}`.trim()}\``,
      '',
      markdownTable(['engine', 'open (recovery) ms, median', 'rounds ok', 'keys found after recovery', 'target'], rows),
      '',
      `${other}/${base} open time (median per-round ratio, lower is better): ${fmtRatio(median(ratios))}`,
      ...rounds.flatMap((r, i) => engines.filter((e) => r[e]?.error).map((e) => `round ${i + 1} ${e} error: ${r[e].error}`)),
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  log(`[bench] failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
