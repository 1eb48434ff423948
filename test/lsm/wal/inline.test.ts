// The WAL's inline flush (lsm/wal/inline.ts): when it is taken, when it is not, and that a
// commit is never acknowledged (onDurable, resolve) before its record is synced, on either path.
import { describe, it, expect } from 'vitest';
import { MemIo } from '../../../lsm/io/index.js';
import { WalWriter, encodeRecord, makePackr, scanWal, walFileName } from '../../../lsm/wal/index.js';

const packr = makePackr();
const opts = { syncMode: 'fsync' as const, queueBytesMax: 1 << 20, groupBytesMax: 1 << 20, syncIntervalMs: 50 };
const rec = (seq: bigint, pad = 0) =>
  encodeRecord(packr, seq, [{ table: 1, key: Buffer.from(`k${seq}`), seq, kind: 'put', row: [Number(seq), 'x'.repeat(pad)] }]);
const LOG = `/db/${walFileName(1)}`;

async function writer(seed: number, o: Partial<typeof opts> & { preallocBytes?: number } = {}, faults = {}) {
  const io = new MemIo(seed, { tornTail: true, ...faults });
  await io.mkdirp('/db');
  const w = await WalWriter.create(io, '/db', 1, { ...opts, ...o });
  return { io, w };
}

async function seqsAfterCrash(io: MemIo, n = 1): Promise<bigint[]> {
  const crashed = io.crash();
  return (await scanWal(packr, walFileName(n), await crashed.readFile(`/db/${walFileName(n)}`), 1 << 20)).records.map((r) => r.seq);
}

describe('WalWriter inline flush', () => {
  for (const preallocBytes of [0, 64 * 1024]) {
    it(`an idle writer writes and syncs the record before append returns (prealloc ${preallocBytes})`, async () => {
      const { io, w } = await writer(1, { preallocBytes });
      const seen: number[] = [];
      const p = w.append(rec(1n), () => seen.push(io.unsyncedBytes(LOG)), true);
      // Synchronously, before the first await: applied, and durable when applied.
      expect(seen).toEqual([0]);
      expect(w.stats).toMatchObject({ inlineSyncs: 1, syncs: 1, groups: 1, commits: 1 });
      await p;
      expect(await seqsAfterCrash(io)).toEqual([1n]);
    });
  }

  it('the queued path also acknowledges only synced records (the check that would catch an early ack)', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const { io, w } = await writer(seed, { preallocBytes: 64 * 1024 });
      // onDurable runs right after the group's sync, before anything else is appended, so the
      // whole log must be synced then; each promise resolves only after its onDurable.
      const unsyncedAtApply: number[] = [];
      const applied = new Set<bigint>();
      const resolvedBeforeApply: bigint[] = [];
      const ps = [];
      for (let i = 1n; i <= 20n; i++) {
        const inline = i % 3n === 0n;
        const onDurable = () => {
          unsyncedAtApply.push(io.unsyncedBytes(LOG));
          applied.add(i);
        };
        ps.push(w.append(rec(i), onDurable, inline).then(() => (applied.has(i) ? undefined : resolvedBeforeApply.push(i))));
      }
      await Promise.all(ps);
      expect(unsyncedAtApply).toEqual(Array(20).fill(0));
      expect(resolvedBeforeApply).toEqual([]);
      expect(await seqsAfterCrash(io)).toEqual([...Array(20).keys()].map((i) => BigInt(i + 1)));
    }
  });

  it('is not taken while a group is being written: the commit joins the queue, in log order', async () => {
    const { io, w } = await writer(2);
    const order: bigint[] = [];
    const p1 = w.append(rec(1n), () => order.push(1n)); // starts a group (the loop is running)
    const p2 = w.append(rec(2n), () => order.push(2n), true);
    const p3 = w.append(rec(3n), () => order.push(3n), true);
    expect(order).toEqual([]);
    await Promise.all([p1, p2, p3]);
    expect(order).toEqual([1n, 2n, 3n]);
    expect(w.stats.inlineSyncs).toBe(0);
    expect(w.stats.commits).toBe(3);
    // Idle again: the next lone commit is inline.
    await w.append(rec(4n), () => order.push(4n), true);
    expect(w.stats.inlineSyncs).toBe(1);
    expect(await seqsAfterCrash(io)).toEqual([1n, 2n, 3n, 4n]);
  });

  it('is not taken when not asked, for large records, with a rotation pending, or in syncMode off', async () => {
    const a = await writer(3);
    await a.w.append(rec(1n), () => {}, false);
    await a.w.append(rec(2n, 70 * 1024), () => {}, true);
    expect(a.w.stats.inlineSyncs).toBe(0);
    expect(a.w.stats.syncs).toBe(2);
    const r = a.w.rotate(2, () => {});
    const p = a.w.append(rec(3n), () => {}, true);
    await Promise.all([r, p]);
    expect(a.w.stats.inlineSyncs).toBe(0);

    const b = await writer(4, { syncMode: 'off' });
    await b.w.append(rec(1n), () => {}, true);
    expect(b.w.stats).toMatchObject({ inlineSyncs: 0, syncs: 0, commits: 1 });
    await b.w.close();
  });

  it('a failed inline sync fails the commit, truncates its record away, and later commits (queued meanwhile) go on', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const { io, w } = await writer(seed, { preallocBytes: seed % 2 === 0 ? 0 : 64 * 1024 });
      await w.append(rec(1n), () => {}, true);
      io.faults = { ...io.faults, eioOneInN: 1, eioOps: new Set(['sync']) };
      const failed = w.append(rec(2n), () => { throw new Error('must not apply'); }, true);
      io.faults = { ...io.faults, eioOneInN: 0 };
      // Arrives while the failure cleanup runs: waits for it, then is written after it.
      const later = w.append(rec(3n), () => {}, true);
      await expect(failed).rejects.toMatchObject({ code: '58030' });
      await later;
      expect(w.stats.failedGroups).toBe(1);
      expect(await seqsAfterCrash(io)).toEqual([1n, 3n]);
    }
  });

  it('a failed inline append (disk full) fails with 53100 and the writer keeps working', async () => {
    const { io, w } = await writer(5, { preallocBytes: 0 }, { diskBytesMax: 200 });
    await w.append(rec(1n), () => {}, true);
    await expect(w.append(rec(2n, 500), () => {}, true)).rejects.toMatchObject({ code: '53100' });
    io.faults = { ...io.faults, diskBytesMax: Infinity };
    await w.append(rec(3n), () => {}, true);
    expect(w.stats.inlineSyncs).toBe(2);
    expect(await seqsAfterCrash(io)).toEqual([1n, 3n]);
  });
});
