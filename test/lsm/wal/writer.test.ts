import { describe, it, expect } from 'vitest';
import { MemIo } from '../../../lsm/io/index.js';
import { WalWriter, encodeRecord, makePackr, scanWal, walFileName } from '../../../lsm/wal/index.js';

const packr = makePackr();
const opts = { syncMode: 'fsync' as const, queueBytesMax: 1 << 20, groupBytesMax: 1 << 20, syncIntervalMs: 50 };
const rec = (seq: bigint) => encodeRecord(packr, seq, [{ table: 1, key: Buffer.from(`k${seq}`), seq, kind: 'put', row: [Number(seq)] }]);

async function readLog(io: MemIo, n: number) {
  return scanWal(packr, walFileName(n), await io.readFile(`/db/${walFileName(n)}`), 1 << 20);
}

describe('WalWriter', () => {
  it('group commit: concurrent commits share one fsync; onDurable runs in order before resolve', async () => {
    const io = new MemIo(1);
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, opts);
    const applied: bigint[] = [];
    const done: bigint[] = [];
    const ps = [];
    for (let i = 1n; i <= 50n; i++) ps.push(w.append(rec(i), () => applied.push(i)).then(() => done.push(i)));
    await Promise.all(ps);
    expect(applied).toEqual([...Array(50).keys()].map((i) => BigInt(i + 1)));
    expect(done).toEqual(applied);
    expect(w.stats.syncs).toBeLessThan(5);
    expect(w.stats.commits).toBe(50);
    await w.close();
    const s = await readLog(io, 1);
    expect(s.records.map((r) => r.seq)).toEqual(applied);
    expect(s.torn).toBe(false);
  });

  it('acknowledged commits survive a crash; the log file itself is durable (dir synced)', async () => {
    const io = new MemIo(2);
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 3, opts);
    await w.append(rec(1n), () => {});
    void w.append(rec(2n), () => {}).catch(() => {});
    const io2 = io.crash();
    const s = await readLog(io2, 3);
    expect(s.records[0]!.seq).toBe(1n);
  });

  it('a failed sync fails the group and truncates it away: it can never reappear', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const io = new MemIo(seed);
      await io.mkdirp('/db');
      const w = await WalWriter.create(io, '/db', 1, opts);
      await w.append(rec(1n), () => {});
      io.faults = { ...io.faults, eioOneInN: 1, eioOps: new Set(['sync']) };
      await expect(w.append(rec(2n), () => { throw new Error('must not apply'); })).rejects.toMatchObject({ code: '58030' });
      io.faults = { ...io.faults, eioOneInN: 0 };
      await w.append(rec(3n), () => {});
      const s = await readLog(io.crash(), 1);
      expect(s.records.map((r) => r.seq)).toEqual([1n, 3n]);
    }
  });

  it('disk full fails the commit with 53100 and the writer keeps working once space returns', async () => {
    const io = new MemIo(3, { diskBytesMax: 200 });
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, opts);
    await w.append(rec(1n), () => {});
    const big = encodeRecord(packr, 2n, [{ table: 1, key: Buffer.from('x'), seq: 2n, kind: 'put', row: ['y'.repeat(500)] }]);
    await expect(w.append(big, () => {})).rejects.toMatchObject({ code: '53100' });
    io.faults = { ...io.faults, diskBytesMax: Infinity };
    await w.append(rec(3n), () => {});
    expect((await readLog(io, 1)).records.map((r) => r.seq)).toEqual([1n, 3n]);
  });

  it('a writer whose cleanup also fails is broken until reopen', async () => {
    const io = new MemIo(4);
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, opts);
    io.faults = { ...io.faults, eioOneInN: 1, eioOps: new Set(['sync', 'truncate']) };
    await expect(w.append(rec(1n), () => {})).rejects.toMatchObject({ code: '58030' });
    expect(w.failure).toBeDefined();
    await expect(w.append(rec(2n), () => {})).rejects.toThrow(/reopen the database/);
  });

  it('rotation happens between groups; onRotated runs before later commits apply', async () => {
    const io = new MemIo(5);
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, opts);
    const events: string[] = [];
    const p1 = w.append(rec(1n), () => events.push('a1'));
    const pr = w.rotate(2, () => events.push('rotated'));
    const p2 = w.append(rec(2n), () => events.push('a2'));
    await Promise.all([p1, pr, p2]);
    expect(events).toEqual(['a1', 'a2', 'rotated']);
    expect(events.indexOf('a1')).toBeLessThan(events.indexOf('rotated'));
    await w.close();
    const l1 = await readLog(io, 1);
    const l2 = await readLog(io, 2);
    expect(l1.records.length + l2.records.length).toBe(2);
    expect(w.logNumber).toBe(2);
  });

  it("syncMode 'off' resolves before fsync; close syncs", async () => {
    const io = new MemIo(6, { tornTail: false });
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, { ...opts, syncMode: 'off' });
    await w.append(rec(1n), () => {});
    expect(w.stats.syncs).toBe(0);
    await w.close();
    expect((await readLog(io.crash(), 1)).records.length).toBe(1);
  });

  it('back-pressure: a full queue makes append wait instead of growing without limit', async () => {
    const io = new MemIo(7);
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, { ...opts, queueBytesMax: 100, groupBytesMax: 100 });
    const ps = [];
    for (let i = 1n; i <= 40n; i++) ps.push(w.append(rec(i), () => {}));
    await Promise.all(ps);
    expect(w.stats.groups).toBeGreaterThan(5);
    expect((await readLog(io, 1)).records.length).toBe(40);
  });
});

describe("WalWriter syncMode 'off' timer", () => {
  it('fdatasyncs in the background; commits acknowledged before the timer fired survive a crash after it', async () => {
    const io = new MemIo(8, { tornTail: false });
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, { ...opts, syncMode: 'off', syncIntervalMs: 10 });
    for (let i = 1n; i <= 5n; i++) await w.append(rec(i), () => {});
    expect(w.stats.syncs).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(w.stats.syncs).toBeGreaterThan(0);
    w.abandon();
    expect((await readLog(io.crash(), 1)).records.map((r) => r.seq)).toEqual([1n, 2n, 3n, 4n, 5n]);
  });
});
