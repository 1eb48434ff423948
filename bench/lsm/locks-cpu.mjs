#!/usr/bin/env node
// CPU per uncontended lock operation of the lock manager (lsm/mvcc/locks.ts), compared across
// builds: what one autocommit UPDATE statement asks of it — its table's shared relation lock,
// one row lock, and the release of both at the end of its transaction — and the bare row-lock
// cycle (take + release of a free row lock, what COPY does per row). Each build runs in its own
// child process, the order alternating per round; the figure is the median over rounds of ns
// per cycle (process CPU time, user + system).
//   statement  relation lock shared + row lock + releaseAll of both. A build whose LockManager
//              has the synchronous relation try (tryAcquire with { relation }) uses it, as the
//              SQL layer does (planner/dml/rel-lock.ts); an older build awaits acquire(), as its
//              SQL layer did. The row lock is FOR NO KEY UPDATE where strengths exist (an UPDATE
//              keeping its key), else the exclusive lock.
//   row        tryAcquire(txn, key) + releaseAll(txn, [key]) on free keys (FOR UPDATE).
// Usage: node bench/lsm/locks-cpu.mjs --dist <distA>,<distB> [--rounds 7] [--ops 300000]
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};

if (args[0] === '--child') {
  const [, dist, workload, opsText] = args;
  const ops = Number(opsText);
  const { LockManager } = await import(pathToFileURL(`${dist}/lsm/mvcc/locks.js`).href);
  const m = new LockManager();
  const hasTryRel = m.tryAcquire.length >= 3 || /relation/.test(m.tryAcquire.toString());
  const grant = { gen: 0, waited: false };
  const tryRel = { relation: 'shared', grant };
  const nku = { strength: 'noKeyUpdate' };
  const keys = Array.from({ length: 1024 }, (_, i) => `row-key-${i}`);
  const rel = 'relation-key';
  const both = ['', rel];
  let txn = 1;
  const statement = async (n) => {
    for (let i = 0; i < n; i++, txn++) {
      if (hasTryRel) {
        if (!m.tryAcquire(txn, rel, tryRel)) throw new Error('contended');
      } else await m.acquire(txn, rel, { relation: 'shared', grant, label: 'relation 1', modeName: 'RowExclusiveLock', cancel: { reason: undefined } });
      const k = keys[i & 1023];
      if (!m.tryAcquire(txn, k, nku)) throw new Error('contended');
      both[0] = k;
      m.releaseAll(txn, both);
    }
  };
  const row = async (n) => {
    for (let i = 0; i < n; i++) {
      const k = keys[i & 1023];
      if (!m.tryAcquire(txn, k)) throw new Error('contended');
      m.releaseAll(txn, [k]);
    }
  };
  const run = workload === 'statement' ? statement : row;
  await run(Math.min(ops, 50_000)); // warm-up
  const t0 = process.cpuUsage();
  await run(ops);
  const t = process.cpuUsage(t0);
  process.stdout.write(JSON.stringify({ nsPerOp: ((t.user + t.system) * 1000) / ops, hasTryRel }));
  process.exit(0);
}

const dists = (opt('dist', '') || '').split(',').filter(Boolean);
if (dists.length === 0) throw new Error('--dist <distA>,<distB> required');
const rounds = Number(opt('rounds', '7'));
const ops = opt('ops', '300000');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const workload of ['statement', 'row']) {
  const per = dists.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const order = dists.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      const c = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', dists[i], workload, ops], { encoding: 'utf8' });
      if (c.status !== 0) throw new Error(c.stderr);
      per[i].push(JSON.parse(c.stdout).nsPerOp);
    }
  }
  const ratios = per[0].map((a, r) => per[1] ? per[1][r] / a : 1);
  console.log(`${workload}: ${dists.map((d, i) => `${d}: median ${median(per[i]).toFixed(0)} ns/op [${per[i].map((x) => x.toFixed(0)).join(' ')}]`).join('; ')}${dists.length > 1 ? `; per-round ratio B/A median ${median(ratios).toFixed(2)}` : ''}`);
}
