import { describe, it, expect } from 'vitest';
import { MemIo } from '../../../lsm/io/index.js';
import { Manifest, manifestFileName, CURRENT, type SegmentFile } from '../../../lsm/manifest/index.js';

const DIR = '/db';

function file(fileNumber: number, level: number, lo: number, hi: number, table = 1): SegmentFile {
  return { level, fileNumber, table, sizeBytes: 1000 + fileNumber, smallestKey: Uint8Array.of(lo), largestKey: Uint8Array.of(hi), smallestSeq: 1n, largestSeq: BigInt(fileNumber), rowCount: 10 };
}
async function fresh(seed = 1): Promise<MemIo> {
  const io = new MemIo(seed);
  await io.mkdirp(DIR);
  return io;
}
const numbers = (v: { levels: readonly (readonly SegmentFile[])[] }): number[][] => v.levels.map((l) => l.map((f) => f.fileNumber));

describe('manifest', () => {
  it('creates, records edits durably and recovers them after a crash', async () => {
    const io = await fresh();
    const o = await Manifest.open(io, DIR);
    expect(o.created).toBe(true);
    const m = o.manifest;
    const a = m.newFileNumber();
    const b = m.newFileNumber();
    await m.logAndApply({ added: [file(a, 0, 1, 5), file(b, 0, 3, 9)], lastSeq: 20n, logNumber: 7 });
    const c = m.newFileNumber();
    await m.logAndApply({ added: [file(c, 1, 1, 9)], removed: [{ level: 0, fileNumber: a }, { level: 0, fileNumber: b }] });
    const io2 = io.crash();
    const r = await Manifest.open(io2, DIR);
    expect(r.created).toBe(false);
    expect(numbers(r.version)[1]).toEqual([c]);
    expect(numbers(r.version)[0]).toEqual([]);
    expect(r.lastSeq).toBe(20n);
    expect(r.logNumber).toBe(7);
    expect(r.nextFileNumber).toBeGreaterThan(c);
    expect(r.version.levels[1]![0]).toEqual(file(c, 1, 1, 9));
  });

  it('orders L0 newest first and keeps L1+ sorted and non-overlapping', async () => {
    const io = await fresh();
    const { manifest: m } = await Manifest.open(io, DIR);
    await m.logAndApply({ added: [file(10, 0, 1, 2), file(12, 0, 1, 2), file(11, 0, 1, 2), file(13, 1, 5, 6), file(14, 1, 1, 2), file(15, 1, 1, 2, 0)] });
    expect(numbers(m.current())[0]).toEqual([12, 11, 10]);
    expect(numbers(m.current())[1]).toEqual([15, 14, 13]);
    await expect(m.logAndApply({ added: [file(16, 1, 2, 5)] })).rejects.toThrow(/overlap/);
    await expect(m.logAndApply({ removed: [{ level: 2, fileNumber: 10 }] })).rejects.toThrow(/not in level 2/);
  });

  it('truncates a torn tail and keeps every complete edit', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const io = await fresh(seed);
      const { manifest: m } = await Manifest.open(io, DIR);
      await m.logAndApply({ added: [file(5, 0, 1, 2)] });
      const full = (await io.readFile(`${DIR}/${m.currentManifestFileName}`)).length;
      await m.logAndApply({ added: [file(6, 0, 1, 2)] });
      const after = (await io.readFile(`${DIR}/${m.currentManifestFileName}`)).length;
      // Simulate the tear directly: cut the file at every length inside the last record.
      for (let cut = full; cut < after; cut++) {
        const io2 = await fresh(seed);
        for (const name of await io.list(DIR)) await io2.writeFileDurable(`${DIR}/${name}`, (await io.readFile(`${DIR}/${name}`)).subarray(0, name.startsWith('MANIFEST') ? cut : undefined));
        await io2.syncDir(DIR);
        const r = await Manifest.open(io2, DIR);
        expect(numbers(r.version)[0]).toEqual([5]);
        expect(r.truncatedTail).toBe(cut > full);
        // The truncated manifest accepts new edits and they survive another reopen.
        await r.manifest.logAndApply({ added: [file(7, 0, 1, 2)] });
        const r2 = await Manifest.open(io2.crash(), DIR);
        expect(numbers(r2.version)[0]).toEqual([7, 5]);
      }
    }
  });

  it('reports damage in the middle as corruption naming the file', async () => {
    const io = await fresh();
    const { manifest: m } = await Manifest.open(io, DIR);
    await m.logAndApply({ added: [file(5, 0, 1, 2)] });
    await m.logAndApply({ added: [file(6, 0, 1, 2)] });
    const name = `${DIR}/${m.currentManifestFileName}`;
    const bytes = await io.readFile(name);
    for (let i = 0; i < bytes.length; i++) {
      const io2 = await fresh();
      const bad = bytes.slice();
      bad[i] = bad[i]! ^ 0x40;
      await io2.writeFileDurable(name, bad);
      await io2.writeFileDurable(`${DIR}/${CURRENT}`, await io.readFile(`${DIR}/${CURRENT}`));
      let res: Awaited<ReturnType<typeof Manifest.open>> | undefined;
      let err: unknown;
      try {
        res = await Manifest.open(io2, DIR);
      } catch (e) {
        err = e;
      }
      if (err !== undefined) {
        expect((err as { code?: string }).code).toBe('XX001');
        expect((err as Error).message).toContain(m.currentManifestFileName);
      } else {
        // Damage inside the last record is indistinguishable from a torn write: cut, not skipped.
        expect(res!.truncatedTail).toBe(true);
        expect(numbers(res!.version)[0]).toEqual([5]);
      }
    }
  });

  it('swaps CURRENT atomically when rolling to a new manifest', async () => {
    const io = await fresh();
    const { manifest: m } = await Manifest.open(io, DIR, { manifestBytesMax: 300 });
    const first = m.currentManifestFileName;
    for (let i = 0; i < 20; i++) await m.logAndApply({ added: [file(100 + i, 0, i, i)], lastSeq: BigInt(i) });
    expect(m.currentManifestFileName).not.toBe(first);
    const names = await io.list(DIR);
    expect(names.filter((n) => n.startsWith('MANIFEST-'))).toEqual([m.currentManifestFileName]);
    const r = await Manifest.open(io.crash(), DIR, { manifestBytesMax: 300 });
    expect(numbers(r.version)[0]).toHaveLength(20);
    expect(r.lastSeq).toBe(19n);
  });

  it('survives a crash at every step of a manifest roll', async () => {
    for (let halt = 0; halt < 12; halt++) {
      const io = await fresh(halt + 1);
      const { manifest: m } = await Manifest.open(io, DIR, { manifestBytesMax: 200 });
      await m.logAndApply({ added: [file(50, 0, 1, 1)] });
      io.haltAfterOps(halt);
      let acked = 0;
      try {
        for (let i = 0; i < 5; i++) {
          await m.logAndApply({ added: [file(60 + i, 0, 1, 1)] });
          acked++;
        }
      } catch {
        // the plug was pulled
      }
      const r = await Manifest.open(io.crash(), DIR, { manifestBytesMax: 200 });
      const got = numbers(r.version)[0]!;
      // Every acknowledged edit is there; at most the one in flight besides; no holes.
      const present = got.length - 1;
      expect(present === acked || present === acked + 1, `halt ${halt}: acked ${acked}, got ${got}`).toBe(true);
      expect(got).toEqual([...Array.from({ length: present }, (_, i) => 60 + present - 1 - i), 50]);
      await expect(m.logAndApply({ added: [file(99, 0, 1, 1)] })).rejects.toThrow();
    }
  });

  it('refuses more edits after a failed write', async () => {
    const io = await fresh();
    const { manifest: m } = await Manifest.open(io, DIR);
    io.faults = { ...io.faults, eioOneInN: 1, eioOps: new Set(['sync']) };
    await expect(m.logAndApply({ added: [file(5, 0, 1, 2)] })).rejects.toMatchObject({ code: '58030' });
    io.faults = { ...io.faults, eioOneInN: 0 };
    await expect(m.logAndApply({ added: [file(6, 0, 1, 2)] })).rejects.toThrow(/reopen/);
  });

  it('refuses to start empty when CURRENT is missing from a used directory', async () => {
    const io = await fresh();
    await io.writeFileDurable(`${DIR}/seg-000004.seg`, new Uint8Array(3));
    await expect(Manifest.open(io, DIR)).rejects.toThrow(/CURRENT.*missing/);
    const io2 = await fresh();
    await io2.writeFileDurable(`${DIR}/${CURRENT}`, new TextEncoder().encode('garbage'));
    await expect(Manifest.open(io2, DIR)).rejects.toMatchObject({ code: 'XX001' });
    const io3 = await fresh();
    await io3.writeFileDurable(`${DIR}/${CURRENT}`, new TextEncoder().encode(`${manifestFileName(9)}\n`));
    await expect(Manifest.open(io3, DIR)).rejects.toThrow(/does not exist/);
  });

  it('deletes files only when no version that lists them is referenced', async () => {
    const io = await fresh();
    const { manifest: m } = await Manifest.open(io, DIR);
    await m.logAndApply({ added: [file(5, 0, 1, 2), file(6, 0, 1, 2)] });
    const reader = m.current().ref();
    await m.logAndApply({ added: [file(7, 1, 1, 2)], removed: [{ level: 0, fileNumber: 5 }, { level: 0, fileNumber: 6 }] });
    expect(m.takeObsoleteFiles()).toEqual([]);
    expect([...m.liveFileNumbers()].sort()).toEqual([5, 6, 7]);
    reader.unref();
    expect(m.takeObsoleteFiles().sort()).toEqual([5, 6]);
    expect(m.takeObsoleteFiles()).toEqual([]);
    expect([...m.liveFileNumbers()]).toEqual([7]);
  });

  it('finds orphan segments, stale manifests and temp files', async () => {
    const io = await fresh();
    const { manifest: m } = await Manifest.open(io, DIR);
    await m.logAndApply({ added: [file(5, 0, 1, 2)] });
    for (const n of ['seg-000005.seg', 'seg-000009.seg', 'MANIFEST-000003', 'CURRENT.tmp', 'wal-000002.log', 'notes.txt']) {
      await io.writeFileDurable(`${DIR}/${n}`, new Uint8Array(1));
    }
    const orphans = await m.findOrphans();
    expect(orphans.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'CURRENT.tmp', reason: 'temp-file' },
      { name: 'MANIFEST-000003', reason: 'stale-manifest' },
      { name: 'seg-000009.seg', reason: 'segment-not-in-version' },
    ]);
  });
});

describe('manifest state under concurrency', () => {
  it('never hands out a file number twice while an edit is in flight', async () => {
    const io = await fresh();
    const { manifest: m } = await Manifest.open(io, DIR);
    const seen = new Set<number>();
    const take = (): number => {
      const n = m.newFileNumber();
      expect(seen.has(n)).toBe(false);
      seen.add(n);
      return n;
    };
    const edits: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      edits.push(m.logAndApply({ added: [file(take(), 0, 1, 1)] }));
      take(); // taken while the edit above is in flight
    }
    await Promise.all(edits);
    for (let i = 0; i < 5; i++) take();
    const r = await Manifest.open(io.crash(), DIR);
    expect(r.nextFileNumber).toBeGreaterThan(Math.max(...r.version.allFiles().map((f) => f.fileNumber)));
  });

  it('gives an empty database a version with every level present', async () => {
    const io = await fresh();
    const { version } = await Manifest.open(io, DIR);
    expect(version.levels).toHaveLength(7);
    expect(version.levels.every((l) => l.length === 0)).toBe(true);
  });
});
