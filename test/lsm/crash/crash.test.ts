// Real crash test: a child process (child.mjs) writes and acknowledges commits against a real
// directory and is killed with SIGKILL at random moments; after every kill the directory is
// reopened here and every acknowledged commit must be present (and every commit whole).
// The child runs compiled JavaScript: beforeAll compiles lsm/ with tsc into
// node_modules/.cache/pyralog-lsm-crash-<pid>/ (inside the repository so that node_modules resolves).
// Cycles: LSM_CRASH_CYCLES (default 20).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LsmDb, Prng, encodeKey, decodeKey } from '../../../lsm/index.js';

const root = resolve(__dirname, '../../..');
// One build directory per run: several test runs may share the checkout.
const build = join(root, `node_modules/.cache/pyralog-lsm-crash-${process.pid}`);

beforeAll(() => {
  rmSync(build, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), 'lsm/index.ts', 'lsm/compaction/worker.ts', '--outDir', build, '--rootDir', '.',
      '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node'],
    { cwd: root, stdio: 'pipe' },
  );
}, 120_000);

afterAll(() => rmSync(build, { recursive: true, force: true }));

function runChild(dir: string, first: number, killAfterMs: number): Promise<{ acked: number[]; started: boolean }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(__dirname, 'child.mjs'), build, dir, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!started && out.includes('ready\n')) {
        started = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', rej);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return rej(new Error(`child exited with ${code}: ${err}`));
      // Only complete lines count: a line cut by the kill was not an acknowledgement we saw.
      const lines = out.split('\n').slice(0, -1);
      res({ acked: lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4))), started });
    });
  });
}

describe('real crash test (SIGKILL)', () => {
  it('every acknowledged commit survives kill -9, commits stay whole', async () => {
    const cycles = Number(process.env.LSM_CRASH_CYCLES ?? 20);
    const seed = Number(process.env.LSM_CRASH_SEED ?? Date.now() % 100000);
    const p = new Prng(seed);
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-crash-'));
    const acked = new Set<number>();
    let next = 0;
    let totalAcked = 0;
    try {
      for (let c = 0; c < cycles; c++) {
        const r = await runChild(dir, next, 20 + p.int(400));
        for (const i of r.acked) acked.add(i);
        totalAcked += r.acked.length;
        const db = await LsmDb.open({ dir, workers: 0 });
        const t1 = new Set<number>();
        for (const { key, row } of db.scan(1)) {
          const i = Number(decodeKey([{ type: 'int8' }], key)[0] as bigint);
          expect(row).toEqual([i, 'p'.repeat(i % 200), BigInt(i) * 7n]);
          t1.add(i);
        }
        const t2 = new Set<number>();
        for (const { key } of db.scan(2)) t2.add(Number(decodeKey([{ type: 'int8' }], key)[0] as bigint));
        for (const i of acked) if (!t1.has(i)) throw new Error(`seed ${seed} cycle ${c}: acknowledged commit ${i} lost`);
        expect([...t1].sort()).toEqual([...t2].sort());
        next = Math.max(next, ...t1, ...acked) + 1;
        await db.close();
      }
      // eslint-disable-next-line no-console
      console.log(`crash test: seed ${seed}, ${cycles} kills, ${totalAcked} acknowledged commits, all present`);
      expect(totalAcked).toBeGreaterThan(cycles);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
