// Preallocated WAL files (lsm/wal/prealloc.ts): logs are zero-filled ahead, written from offset
// 0, read up to the zero tail; a crash at any point keeps every acknowledged commit and, of the
// unacknowledged ones, at most a prefix; rotation takes the spare without waiting for a fill.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemIo, RealIo } from '../../../lsm/io/index.js';
import { WalWriter, encodeRecord, makePackr, scanWal, walFileName } from '../../../lsm/wal/index.js';

const packr = makePackr();
const PREALLOC = 4096;
const opts = { syncMode: 'fsync' as const, queueBytesMax: 1 << 20, groupBytesMax: 1 << 20, syncIntervalMs: 50, preallocBytes: PREALLOC };
const rec = (seq: bigint, pad = 0) => encodeRecord(packr, seq, [{ table: 1, key: Buffer.from(`k${seq}`), seq, kind: 'put', row: [Number(seq), 'p'.repeat(pad)] }]);

describe('preallocated WAL files', () => {
  it('RealIo: logs are created at the preallocated size, written from 0, grow past it, rotate onto the spare', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-wal-prealloc-'));
    try {
      const w = await WalWriter.create(new RealIo(), dir, 1, opts);
      expect(statSync(join(dir, walFileName(1))).size).toBe(PREALLOC);
      for (let i = 1n; i <= 5n; i++) await w.append(rec(i), () => {});
      expect(statSync(join(dir, walFileName(1))).size).toBe(PREALLOC); // written in place
      await w.rotate(2, () => {});
      expect(w.preallocStats?.used).toBe(2); // the first log and the rotation both took a spare
      for (let i = 6n; i <= 40n; i++) await w.append(rec(i, 200), () => {}); // past the end: grows
      await w.close();
      expect(statSync(join(dir, walFileName(2))).size).toBeGreaterThan(PREALLOC);
      const io = new RealIo();
      const s1 = scanWal(packr, 'a', await io.readFile(join(dir, walFileName(1))), 1 << 20);
      const s2 = scanWal(packr, 'b', await io.readFile(join(dir, walFileName(2))), 1 << 20);
      expect(s1).toMatchObject({ torn: false, count: 5 });
      expect(s1.validBytes).toBeLessThan(PREALLOC);
      expect(s2).toMatchObject({ torn: false, count: 35 });
      expect(s1.records.concat(s2.records).map((r) => r.seq)).toEqual([...Array(40).keys()].map((i) => BigInt(i + 1)));
      expect(readdirSync(dir)).toContain('prealloc-wal.tmp'); // the next spare, ready
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a crash at any point keeps every acknowledged commit and at most a prefix of the rest (MemIo, torn overwrites)', async () => {
    for (let seed = 0; seed < 60; seed++) {
      const io = new MemIo(seed, { tornTail: true });
      await io.mkdirp('/db');
      const w = await WalWriter.create(io, '/db', 1, opts);
      const acked: bigint[] = [];
      let log = 1;
      const n = 3 + (seed % 17);
      for (let i = 1n; i <= BigInt(n); i++) {
        await w.append(rec(i, (seed * 7) % 300), () => {});
        acked.push(i);
        if (seed % 3 === 0 && i === 4n) await w.rotate(++log, () => {});
      }
      const pending = [BigInt(n + 1), BigInt(n + 2)].map((s) => w.append(rec(s, 50), () => {}).catch(() => {}));
      if (seed % 2 === 0) await Promise.resolve(); // sometimes let the unacknowledged group start
      const io2 = io.crash();
      w.abandon();
      await Promise.all(pending);
      const seqs: bigint[] = [];
      for (const name of (await io2.list('/db')).filter((x) => x.startsWith('wal-')).sort()) {
        const s = scanWal(packr, name, await io2.readFile(`/db/${name}`), 1 << 20); // never XX001
        seqs.push(...s.records.map((r) => r.seq));
      }
      expect(seqs.slice(0, acked.length)).toEqual(acked);
      const extra = seqs.slice(acked.length);
      expect(extra).toEqual([BigInt(n + 1), BigInt(n + 2)].slice(0, extra.length));
    }
  });

  it('a rotation while no spare is ready makes a growing log (the commit does not wait for a fill)', async () => {
    const io = new MemIo(3);
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, opts);
    await w.append(rec(1n), () => {});
    await w.rotate(2, () => {}); // takes the spare filled in the background after create
    await w.rotate(3, () => {}); // that refill may still be running: no wait, a plain file then
    await w.append(rec(2n), () => {});
    await w.close();
    const s = scanWal(packr, 'c', await io.readFile(`/db/${walFileName(3)}`), 1 << 20);
    expect(s.records.map((r) => r.seq)).toEqual([2n]);
    expect(s.torn).toBe(false);
  });
});

describe('LsmDb option walPreallocBytes', () => {
  const walSizes = (dir: string): number[] => readdirSync(dir).filter((f) => f.startsWith('wal-') || f === 'prealloc-wal.tmp').map((f) => statSync(join(dir, f)).size);

  it('sets the preallocated size of the WAL files; 0 turns preallocation off; bad values are refused', async () => {
    const { LsmDb } = await import('../../../lsm/index.js');
    for (const [bytes, expected] of [[65_536, 65_536], [0, undefined]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'pyralog-wal-opt-'));
      try {
        const db = await LsmDb.open({ dir, walPreallocBytes: bytes, workers: 0 });
        await db.write([{ table: 1, key: Buffer.from('k'), kind: 'put', row: [1] }]);
        const sizes = walSizes(dir);
        if (expected === undefined) {
          expect(readdirSync(dir)).not.toContain('prealloc-wal.tmp');
          expect(Math.max(...sizes)).toBeLessThan(4096); // grows with its one record
        } else {
          expect(sizes.length).toBeGreaterThanOrEqual(1);
          expect(sizes.every((s) => s === expected)).toBe(true);
        }
        await db.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    await expect(LsmDb.open({ dir: '/nonexistent-never', walPreallocBytes: -1 })).rejects.toThrow('walPreallocBytes');
  });
});
