// Recovery and faults at the database level: torn WAL tail, WAL corruption in the middle,
// orphans from an interrupted flush, a damaged segment, disk full and EIO during commits,
// syncMode 'off', and the real filesystem Io.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LsmDb, MemIo, RealIo, encodeKey, LsmError } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int4' }], [n]);
const put = (n: number, v: unknown = n) => ({ table: 1, key: k(n), kind: 'put' as const, row: [v as number] });
const open = (io: MemIo | RealIo, dir = '/db', extra = {}) => LsmDb.open({ dir, io, workers: 0, ...extra });

async function walFiles(io: MemIo) {
  return (await io.list('/db')).filter((n) => n.startsWith('wal-'));
}

describe('recovery and faults', () => {
  it('a torn WAL tail is truncated; every acknowledged commit is back', async () => {
    const io = new MemIo(1, { tornTail: true });
    const db = await open(io);
    for (let i = 0; i < 20; i++) await db.write([put(i)]);
    const pending = db.write([put(99)]); // not awaited: may be torn
    const io2 = io.crash();
    void pending.catch(() => {});
    db.abandon();
    const db2 = await open(io2);
    for (let i = 0; i < 20; i++) expect(db2.get(1, k(i))).toEqual([i]);
    await db2.close();
  });

  it('damage in the middle of the WAL fails open with XX001 naming the file', async () => {
    const io = new MemIo(2);
    const db = await open(io);
    for (let i = 0; i < 10; i++) await db.write([put(i)]);
    await db.close();
    const [wal] = (await walFiles(io)).slice(-2);
    const path = `/db/${wal}`;
    const bytes = await io.readFile(path);
    expect(bytes.length).toBeGreaterThan(100);
    io.corrupt(path, 30, Uint8Array.from([0xff ^ bytes[30]!]));
    await expect(open(io)).rejects.toMatchObject({ code: 'XX001', message: expect.stringContaining(`WAL file "${path}" is corrupt at offset`) });
  });

  it('orphan segments of an interrupted flush are removed at open; data comes from the WAL', async () => {
    const io = new MemIo(3);
    const db = await open(io, '/db', { memtableBytesMax: 1 << 20 });
    for (let i = 0; i < 30; i++) await db.write([put(i)]);
    // The plug is pulled during the flush: segment written, manifest edit not.
    io.haltAfterOps(2);
    await expect(db.flush()).rejects.toThrow();
    db.abandon();
    const io2 = io.crash();
    io2.faults = { ...io2.faults };
    await io2.writeFileDurable('/db/seg-000999.seg', Uint8Array.from([1, 2, 3]));
    await io2.syncDir('/db');
    const db2 = await open(io2);
    expect(db2.recovery.removedFiles).toContain('seg-000999.seg');
    expect(await io2.exists('/db/seg-000999.seg')).toBe(false);
    for (let i = 0; i < 30; i++) expect(db2.get(1, k(i))).toEqual([i]);
    await db2.close();
  });

  it('a damaged segment is reported as corruption naming the file, never read as data', async () => {
    const io = new MemIo(4);
    const db = await open(io, '/db', { compaction: { auto: false } });
    for (let i = 0; i < 30; i++) await db.write([put(i)]);
    await db.flush();
    await db.close();
    const seg = (await io.list('/db')).find((n) => n.startsWith('seg-'))!;
    const bytes = await io.readFile(`/db/${seg}`);
    io.corrupt(`/db/${seg}`, 100, Uint8Array.from([bytes[100]! ^ 0x55]));
    const db2 = await open(io, '/db', { compaction: { auto: false } });
    let err: unknown;
    try {
      db2.get(1, k(5));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LsmError);
    expect((err as LsmError).code).toBe('XX001');
    expect((err as Error).message).toContain(seg);
    await db2.close();
  });

  it('disk full during a commit fails that commit (53100); the database stays usable and reopenable', async () => {
    const io = new MemIo(5);
    const db = await open(io);
    await db.write([put(1)]);
    io.faults = { ...io.faults, diskBytesMax: io.usedBytes() + 10 };
    // The log is preallocated: a commit that fits in it needs no new space (as PostgreSQL's
    // WAL segments); one that runs past its end does, and fails.
    await db.write([put(4, 'y'.repeat(100))]);
    await expect(db.write([put(2, 'x'.repeat(17 * 1024 * 1024))])).rejects.toMatchObject({ code: '53100' });
    expect(db.get(1, k(2))).toBeUndefined();
    expect(db.failure).toBeUndefined();
    io.faults = { ...io.faults, diskBytesMax: Infinity };
    await db.write([put(3)]);
    await db.close();
    const db2 = await open(io.crash());
    expect(db2.get(1, k(1))).toEqual([1]);
    expect(db2.get(1, k(2))).toBeUndefined();
    expect(db2.get(1, k(3))).toEqual([3]);
    expect(db2.get(1, k(4))).toEqual(['y'.repeat(100)]);
    await db2.close();
  });

  it('EIO on fsync fails the commit (58030) and it never reappears', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const io = new MemIo(seed);
      const db = await open(io);
      await db.write([put(1)]);
      io.faults = { ...io.faults, eioOneInN: 1, eioOps: new Set(['sync']) };
      await expect(db.write([put(2)])).rejects.toMatchObject({ code: '58030' });
      io.faults = { ...io.faults, eioOneInN: 0 };
      expect(db.get(1, k(2))).toBeUndefined();
      await db.write([put(3)]);
      const db2 = await open(io.crash());
      db.abandon();
      expect(db2.get(1, k(2))).toBeUndefined();
      expect(db2.get(1, k(3))).toEqual([3]);
      await db2.close();
    }
  });

  it("syncMode 'off' acknowledges before fsync and stays consistent across a crash", async () => {
    const io = new MemIo(6, { tornTail: true });
    const db = await open(io, '/db', { syncMode: 'off', syncIntervalMs: 1_000_000 });
    for (let i = 0; i < 50; i++) await db.write([put(i), { table: 2, key: k(i), kind: 'put', row: [i] }]);
    expect(db.stats().walSyncs).toBe(0);
    db.abandon();
    const db2 = await open(io.crash());
    const a = [...db2.scan(1)].map((r) => r.row[0]);
    const b = [...db2.scan(2)].map((r) => r.row[0]);
    expect(a).toEqual(b); // each commit whole
    expect(a).toEqual(a.map((_, i) => i)); // a prefix of the commits
    await db2.close();
  });

  it('works on the real filesystem (RealIo): write, flush, compact, reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-lsm-'));
    try {
      const db = await open(new RealIo(), dir, { memtableBytesMax: 4096, compaction: { l0FileTrigger: 2 } });
      // Scattered keys: overlapping flushes make L0 → L1 a merge, not a trivial move.
      for (let j = 0; j < 300; j++) {
        const i = (j * 37) % 300;
        await db.write([put(i, `v${i}`)]);
      }
      await db.flush();
      await db.compactNow();
      expect(db.stats().compactions).toBeGreaterThan(0);
      await db.close();
      const names = readdirSync(dir);
      expect(names).toContain('CURRENT');
      expect(names.some((n) => n.startsWith('seg-'))).toBe(true);
      const db2 = await open(new RealIo(), dir);
      for (let i = 0; i < 300; i += 17) expect(db2.get(1, k(i))).toEqual([`v${i}`]);
      expect([...db2.scan(1)].length).toBe(300);
      await db2.close();
      // A torn tail on the real filesystem: append garbage to the newest log.
      const wal = readdirSync(dir).filter((n) => n.startsWith('wal-')).sort().pop()!;
      writeFileSync(join(dir, wal), Buffer.concat([readFileSync(join(dir, wal)), Buffer.from([7, 0, 0, 0, 1, 2])]));
      const db3 = await open(new RealIo(), dir);
      expect(db3.recovery.truncatedTail).toBe(true);
      expect([...db3.scan(1)].length).toBe(300);
      await db3.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WAL file lifecycle', () => {
  it('a new log per seal; logs whose records are in segments are deleted', async () => {
    const io = new MemIo(21);
    const db = await open(io, '/db', { memtableBytesMax: 1024, compaction: { auto: false } });
    for (let i = 0; i < 200; i++) await db.write([put(i)]);
    expect(db.stats().flushes).toBeGreaterThan(3);
    await db.flush();
    const wals = await walFiles(io);
    expect(wals.length).toBe(1); // only the current log remains
    await db.close();
    const db2 = await open(io);
    expect(db2.recovery.replayedRecords).toBe(0);
    expect([...db2.scan(1)].length).toBe(200);
    await db2.close();
  });
});

describe('torn tail followed by newer WAL files', () => {
  async function setup() {
    const io = new MemIo(31);
    const db = await open(io);
    for (let i = 0; i < 5; i++) await db.write([put(i)]);
    await db.close();
    const names = await walFiles(io);
    const newest = names[names.length - 1]!;
    const n = Number(/wal-(\d+)\.log/.exec(newest)![1]);
    const f = await io.openAppend(`/db/${newest}`);
    await f.append(Uint8Array.from([50, 0, 0, 0, 1, 2, 3])); // a torn frame
    await f.sync();
    return { io, n };
  }
  it('is legal when every newer log is empty (a rotation that never wrote)', async () => {
    const { io, n } = await setup();
    await io.writeFileDurable(`/db/wal-${String(n + 5).padStart(6, '0')}.log`, new Uint8Array(0));
    const db = await open(io);
    expect([...db.scan(1)].length).toBe(5);
    expect(db.recovery.truncatedTail).toBe(true);
    await db.close();
  });
  it('is corruption when a newer log holds records', async () => {
    const { io, n } = await setup();
    const { encodeRecord, makePackr } = await import('../../../lsm/wal/index.js');
    await io.writeFileDurable(`/db/wal-${String(n + 5).padStart(6, '0')}.log`, encodeRecord(makePackr(), 100n, [{ table: 1, key: k(100), seq: 100n, kind: 'put', row: [1] }]));
    await expect(open(io)).rejects.toMatchObject({ code: 'XX001', message: expect.stringContaining('newer WAL files hold records') });
  });
});
