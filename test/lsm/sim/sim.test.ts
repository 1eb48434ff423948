// Seeded, reproducible simulation of the whole engine on the fault-injecting MemIo: random
// writes, transactions (with conflicts), snapshots, scans, flushes and compactions; crashes at
// random points (clean, plug pulled mid-operation, after EIO or disk full); reopen; compare with
// the model (every acknowledged commit present; unknown commits form an all-or-nothing prefix).
// A third of the runs use syncMode 'off', where acknowledged-but-unsynced commits may be lost
// at a crash, only as a suffix.
// Replay one seed: LSM_SIM_SEED=123 npx vitest run test/lsm/sim. More runs: LSM_SIM_RUNS=500
// (seeds LSM_SIM_FIRST.. , default 1000), longer runs: LSM_SIM_STEPS=1000.
import { describe, it, expect } from 'vitest';
import { LsmDb, MemIo, Prng, encodeKey, LsmError, type Row, type Snapshot } from '../../../lsm/index.js';
import { Model, mk, rowStr, type Op } from './model.js';

const TABLES = [1, 2, 3];
const KEYS = 40;
const key = (n: number) => encodeKey([{ type: 'int4' }], [n]);

function randomRow(p: Prng, i: number): Row {
  const cells: Row[number][] = [i];
  const n = p.int(4);
  for (let c = 0; c < n; c++) {
    switch (p.int(7)) {
      case 0: cells.push(null); break;
      case 1: cells.push(p.chance(0.5)); break;
      case 2: cells.push(p.pick([-0, 0.5, -1e300, NaN, Infinity, 42])); break;
      case 3: cells.push(BigInt(p.int(1e9)) * (p.chance(0.5) ? -1n : 1n)); break;
      case 4: cells.push('s'.repeat(p.int(120))); break;
      case 5: cells.push(Uint8Array.from({ length: p.int(20) }, () => p.int(256))); break;
      default: cells.push(p.int(1000)); break;
    }
  }
  return cells;
}

function randomOps(p: Prng, counter: { n: number }): Op[] {
  const n = 1 + p.int(4);
  const ops: Op[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const table = p.pick(TABLES);
    const k = key(p.int(KEYS));
    if (seen.has(mk(table, k))) continue;
    seen.add(mk(table, k));
    ops.push(p.chance(0.75) ? { table, key: k, kind: 'put', row: randomRow(p, counter.n++) } : { table, key: k, kind: 'del', row: undefined });
  }
  return ops;
}

function dbState(db: LsmDb): string {
  const parts: string[] = [];
  for (const t of TABLES) for (const r of db.scan(t)) parts.push(`${mk(t, r.key)}=${rowStr(r.row)}`);
  return parts.join('\n');
}

function modelState(state: Map<string, { table: number; key: Uint8Array; row: Row }>): string {
  const m = new Model();
  m.state = state;
  const parts: string[] = [];
  for (const t of TABLES) for (const r of m.rows(t)) parts.push(`${mk(t, r.key)}=${rowStr(r.row)}`);
  return parts.join('\n');
}

async function runOne(seed: number, steps: number): Promise<{ crashes: number; commits: number; flushes: number; compactions: number }> {
  const p = new Prng(seed);
  let io = new MemIo(seed ^ 0x5bd1e995, { tornTail: true });
  // A third of the runs use syncMode 'off': acknowledged commits may be lost by a crash, but
  // only as a suffix, and a flush (which syncs the WAL) makes everything before it durable.
  const syncOff = p.chance(0.3);
  const opts = () => ({
    dir: '/db', io, workers: 0, memtableBytesMax: 1024 + p.int(6000), syncMode: syncOff ? ('off' as const) : ('fsync' as const), syncIntervalMs: 1e9,
    compaction: { l0FileTrigger: 2 + p.int(3), l1BytesMax: 8 * 1024, targetFileBytes: 4096, bytesPerSec: 0, auto: p.chance(0.7) },
  });
  let db = await LsmDb.open(opts());
  const model = new Model();
  const counter = { n: 0 };
  const snaps: { snap: Snapshot; state: string }[] = [];
  const stats = { crashes: 0, commits: 0, flushes: 0, compactions: 0 };
  // READ COMMITTED counter (table 9): increments under row locks; after a crash its value must
  // lie between the acknowledged increments and those plus the unknown ones.
  const COUNTER = 9;
  let counterAcked = 0;
  let counterUnsynced = 0;
  let counterUnknown = 0;
  const ack = (ops: Op[]) => (syncOff ? model.unsynced.push(ops) : model.apply(ops));
  const counterValue = () => (db.get(COUNTER, key(0))?.[0] as number | undefined) ?? 0;

  const fail = (e: unknown, ops: Op[]) => {
    if (!(e instanceof LsmError)) throw e;
    if (e.code === '40001' || e.code === '54000') return; // never written
    // Broken database: the outcome is unknown until the reopen tells.
    if (db.failure) model.unknown.push(ops);
  };

  const crashAndReopen = async () => {
    stats.crashes++;
    for (const s of snaps.splice(0)) s.snap.release();
    db.abandon();
    io = io.crash(p.int(2 ** 30));
    db = await LsmDb.open(opts());
    const got = dbState(db);
    const cands = model.candidates().map(modelState);
    const j = cands.indexOf(got);
    if (j < 0) {
      throw new Error(`after crash: state matches no candidate (unknown commits: ${model.unknown.length})\n--- db ---\n${got}\n--- certain model ---\n${cands[0]}`);
    }
    model.state = model.candidates()[j]!;
    model.unsynced = [];
    model.unknown = [];
    const c = counterValue();
    if (c < counterAcked || c > counterAcked + counterUnsynced + counterUnknown) {
      throw new Error(`after crash: counter ${c} outside [${counterAcked}, ${counterAcked + counterUnsynced + counterUnknown}]`);
    }
    counterAcked = c;
    counterUnsynced = 0;
    counterUnknown = 0;
  };

  const maybeCrashIfBroken = async () => {
    if (db.failure) await crashAndReopen();
  };

  for (let step = 0; step < steps; step++) {
    const r = p.int(100);
    if (r < 35) {
      const ops = randomOps(p, counter);
      try {
        await db.write(ops);
        ack(ops);
        stats.commits++;
      } catch (e) {
        fail(e, ops);
      }
    } else if (r < 45) {
      // Several commits at once through group commit.
      const batches = Array.from({ length: 2 + p.int(6) }, () => randomOps(p, counter));
      const res = await Promise.allSettled(batches.map((b) => db.write(b)));
      res.forEach((x, i) => {
        if (x.status === 'fulfilled') {
          ack(batches[i]!);
          stats.commits++;
        } else fail(x.reason, batches[i]!);
      });
    } else if (r < 60) {
      // A transaction: reads must match the model at its snapshot, writes commit atomically.
      const t = db.begin({ isolation: 'snapshot' });
      const ops = randomOps(p, counter);
      const seen = model.inMemory();
      for (const op of ops) expect(rowStr(t.get(op.table, op.key))).toBe(rowStr(seen.get(mk(op.table, op.key))?.row));
      for (const op of ops) (op.kind === 'put' ? t.put(op.table, op.key, op.row!) : t.delete(op.table, op.key));
      let rival: Promise<unknown> | undefined;
      let rivalOps: Op[] | undefined;
      if (p.chance(0.3) && ops.length > 0) {
        // A rival commits a write to the same key after t's snapshot: t must get 40001.
        rivalOps = [{ ...ops[0]!, kind: 'put', row: randomRow(p, counter.n++) }];
        rival = db.write(rivalOps);
        try {
          await rival;
          ack(rivalOps);
          rival = Promise.resolve('ok');
        } catch (e) {
          fail(e, rivalOps);
          rival = undefined;
        }
      }
      try {
        await t.commit();
        if (rival) throw new Error(`seed ${seed}: lost update — commit succeeded after a rival's committed write`);
        ack(ops);
        stats.commits++;
      } catch (e) {
        if (e instanceof LsmError && e.code === '40001') expect(rival).toBeDefined();
        else fail(e, ops);
      }
    } else if (r < 63) {
      // Concurrent READ COMMITTED increments: lock, re-read the latest committed, write, commit.
      const n = 2 + p.int(5);
      const res = await Promise.allSettled(
        Array.from({ length: n }, async () => {
          const t = db.begin({ isolation: 'read-committed' });
          try {
            t.setSnapshot();
            await t.lockRow(COUNTER, key(0), { timeoutMs: 10_000 });
            const cur = (t.getLatestCommitted(COUNTER, key(0))?.row[0] as number | undefined) ?? 0;
            t.put(COUNTER, key(0), [cur + 1]);
            await t.commit();
          } finally {
            t.rollback();
          }
        }),
      );
      for (const x of res) {
        if (x.status === 'fulfilled') (syncOff ? counterUnsynced++ : counterAcked++);
        else if (!(x.reason instanceof LsmError)) throw x.reason;
        else if (db.failure) counterUnknown++;
      }
      if (model.unknown.length === 0 && counterUnknown === 0 && !db.failure) expect(counterValue()).toBe(counterAcked + counterUnsynced);
    } else if (r < 66) {
      const s = db.snapshot();
      snaps.push({ snap: s, state: modelState(model.inMemory()) });
    } else if (r < 72 && snaps.length > 0) {
      const i = p.int(snaps.length);
      const { snap, state } = snaps[i]!;
      const parts: string[] = [];
      for (const t of TABLES) for (const row of db.scan(t, { snapshot: snap })) parts.push(`${mk(t, row.key)}=${rowStr(row.row)}`);
      if (model.unknown.length === 0) expect(parts.join('\n')).toBe(state);
      snap.release();
      snaps.splice(i, 1);
    } else if (r < 80) {
      if (model.unknown.length === 0) {
        const t = p.pick(TABLES);
        const lo = p.int(KEYS);
        const hi = lo + p.int(KEYS - lo + 1);
        const reverse = p.chance(0.5);
        const got = [...db.scan(t, { lower: key(lo), upper: key(hi), reverse })].map((x) => rowStr(x.row));
        const want = new Model();
        want.state = model.inMemory();
        const exp = want.rows(t).filter((x) => Buffer.compare(x.key, key(lo)) >= 0 && Buffer.compare(x.key, key(hi)) < 0).map((x) => rowStr(x.row));
        expect(got).toEqual(reverse ? exp.reverse() : exp);
        const k = key(p.int(KEYS));
        expect(rowStr(db.get(t, k))).toBe(rowStr(want.state.get(mk(t, k))?.row));
      }
    } else if (r < 84) {
      try {
        await db.flush();
        // The flush rotated (and so synced) the WAL: every acknowledged commit is durable.
        model.promote();
        counterAcked += counterUnsynced;
        counterUnsynced = 0;
        stats.flushes++;
      } catch (e) {
        if (!(e instanceof LsmError)) throw e;
      }
    } else if (r < 87) {
      try {
        await db.compactNow();
        stats.compactions++;
      } catch (e) {
        if (!(e instanceof LsmError)) throw e;
      }
    } else if (r < 91) {
      await crashAndReopen();
    } else if (r < 94) {
      // Pull the plug in the middle of the next operations, then crash.
      io.haltAfterOps(p.int(12));
      const batches = Array.from({ length: 1 + p.int(4) }, () => randomOps(p, counter));
      const res = await Promise.allSettled([...batches.map((b) => db.write(b)), p.chance(0.5) ? db.flush() : db.compactNow()]);
      res.slice(0, batches.length).forEach((x, i) => {
        if (x.status === 'fulfilled') ack(batches[i]!);
        else if (x.reason instanceof LsmError && (x.reason.code === '40001' || x.reason.code === '54000')) return;
        else model.unknown.push(batches[i]!); // the plug is pulled: anything failed is unknown
      });
      await crashAndReopen();
    } else if (r < 97) {
      // Transient EIO on writes and syncs for a few operations.
      io.faults = { ...io.faults, eioOneInN: 2 + p.int(4), eioOps: new Set(['append', 'sync', 'writeFileDurable', 'syncDir', 'rename', 'truncate']) };
      for (let i = 0; i < 3; i++) {
        const ops = randomOps(p, counter);
        try {
          await db.write(ops);
          ack(ops);
        } catch (e) {
          fail(e, ops);
        }
      }
      io.faults = { ...io.faults, eioOneInN: 0 };
      await maybeCrashIfBroken();
    } else {
      // Disk full, then space comes back.
      io.faults = { ...io.faults, diskBytesMax: io.usedBytes() + p.int(300) };
      const ops = randomOps(p, counter);
      try {
        await db.write(ops);
        ack(ops);
      } catch (e) {
        if (e instanceof LsmError && e.code !== '53100' && e.code !== '58030') throw e;
        fail(e, ops);
      }
      io.faults = { ...io.faults, diskBytesMax: Infinity };
      await maybeCrashIfBroken();
    }
  }
  // Final: a clean close and reopen holds exactly the model.
  if (model.unknown.length > 0 || counterUnknown > 0 || db.failure) await crashAndReopen();
  await db.close(); // syncs the WAL
  model.promote();
  counterAcked += counterUnsynced;
  counterUnsynced = 0;
  const s = io.crash();
  io = s;
  db = await LsmDb.open(opts());
  expect(dbState(db)).toBe(modelState(model.state));
  expect(counterValue()).toBe(counterAcked);
  await db.close();
  return stats;
}

describe('seeded simulation with crashes and faults', () => {
  const fixed = process.env.LSM_SIM_SEED;
  const runs = Number(process.env.LSM_SIM_RUNS ?? 12);
  const steps = Number(process.env.LSM_SIM_STEPS ?? 250);
  const first = Number(process.env.LSM_SIM_FIRST ?? 1000);
  const seeds = fixed ? [Number(fixed)] : Array.from({ length: runs }, (_, i) => first + i);
  it(`runs ${seeds.length} seeds × ${steps} steps`, async () => {
    const total = { crashes: 0, commits: 0, flushes: 0, compactions: 0 };
    for (const seed of seeds) {
      try {
        const s = await runOne(seed, steps);
        for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += s[k];
      } catch (e) {
        (e as Error).message = `simulation failed for LSM_SIM_SEED=${seed}: ${(e as Error).message}`;
        throw e;
      }
    }
    // eslint-disable-next-line no-console
    console.log(`simulation: ${JSON.stringify(total)}`);
    expect(total.commits).toBeGreaterThan(0);
  }, 300_000);
});
