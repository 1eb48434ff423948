import { describe, it, expect } from 'vitest';
import { MemIo } from '../../../lsm/io/index.js';

const enc = (s: string) => Buffer.from(s);

describe('MemIo (fault-injecting in-memory Io)', () => {
  it('crash keeps synced bytes and synced directory entries only', async () => {
    const io = new MemIo(1, { tornTail: false });
    await io.mkdirp('/db');
    await io.writeFileDurable('/db/a', enc('durable'));
    const f = await io.openAppend('/db/log');
    await f.append(enc('one'));
    await f.sync();
    await f.append(enc('two'));
    await io.writeFileDurable('/db/b', enc('no dir sync'));
    await io.syncDir('/db');
    await io.writeFileDurable('/db/c', enc('lost: dir not synced'));
    const io2 = io.crash();
    expect(await io2.list('/db')).toEqual(['a', 'b', 'log']);
    expect(Buffer.from(await io2.readFile('/db/log')).toString()).toBe('one');
    await expect(io.readFile('/db/a')).rejects.toThrow(/crashed/);
    await expect(f.append(enc('x'))).rejects.toThrow(/crashed/);
  });

  it('rename and remove are durable only after syncDir', async () => {
    const io = new MemIo(2);
    await io.mkdirp('/d');
    await io.writeFileDurable('/d/tmp', enc('x'));
    await io.syncDir('/d');
    await io.rename('/d/tmp', '/d/CURRENT');
    expect(await io.crash().list('/d')).toEqual(['tmp']);
    const io3 = new MemIo(3);
    await io3.mkdirp('/d');
    await io3.writeFileDurable('/d/tmp', enc('x'));
    await io3.rename('/d/tmp', '/d/CURRENT');
    await io3.syncDir('/d');
    expect(await io3.crash().list('/d')).toEqual(['CURRENT']);
  });

  it('torn tail keeps a random prefix of unsynced appended bytes', async () => {
    const lens = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const io = new MemIo(seed);
      await io.mkdirp('/d');
      const f = await io.openAppend('/d/log');
      await io.syncDir('/d');
      await f.append(enc('aaaa'));
      await f.sync();
      await f.append(enc('bbbbbbbb'));
      const s = Buffer.from(await io.crash().readFile('/d/log')).toString();
      expect(s.startsWith('aaaa')).toBe(true);
      expect('aaaabbbbbbbb'.startsWith(s)).toBe(true);
      lens.add(s.length);
    }
    expect(lens.size).toBeGreaterThan(3);
  });

  it('injects EIO one in N on chosen ops and ENOSPC past the disk budget', async () => {
    const io = new MemIo(5, { eioOneInN: 3, eioOps: new Set(['sync']) });
    await io.mkdirp('/d');
    const f = await io.openAppend('/d/log');
    let fails = 0;
    for (let i = 0; i < 60; i++) {
      await f.append(enc('x'));
      try {
        await f.sync();
      } catch (e) {
        expect((e as { code: string }).code).toBe('EIO');
        fails++;
      }
    }
    expect(fails).toBeGreaterThan(5);
    expect(fails).toBeLessThan(40);
    const full = new MemIo(6, { diskBytesMax: 10 });
    await full.mkdirp('/d');
    await full.writeFileDurable('/d/a', enc('12345678'));
    await expect(full.writeFileDurable('/d/b', enc('123'))).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  it('haltAfterOps pulls the plug: every later op fails', async () => {
    const io = new MemIo(7);
    await io.mkdirp('/d');
    io.haltAfterOps(1);
    await io.writeFileDurable('/d/a', enc('1'));
    await expect(io.writeFileDurable('/d/b', enc('2'))).rejects.toThrow(/halted/);
    expect(io.halted).toBe(true);
  });
});

describe('MemIo positioned writes (openAt: preallocated WAL files)', () => {
  async function setup(seed: number, tornTail: boolean) {
    const io = new MemIo(seed, { tornTail });
    await io.mkdirp('/d');
    await io.writeFileDurable('/d/w', new Uint8Array(64));
    await io.syncDir('/d');
    const f = await io.openAt('/d/w', 0);
    return { io, f };
  }
  const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);

  it('overwrites in place; the size stays; synced overwrites survive a crash', async () => {
    const { io, f } = await setup(1, false);
    await f.append(bytes(1, 10));
    expect(f.sizeBytes).toBe(10);
    await f.sync();
    await f.append(bytes(100, 5)); // unsynced, tornTail off: lost
    expect(await io.size('/d/w')).toBe(64);
    const after = await io.crash().readFile('/d/w');
    expect(after.length).toBe(64);
    expect([...after.subarray(0, 16)]).toEqual([...bytes(1, 10), 0, 0, 0, 0, 0, 0]);
  });

  it('a crash keeps a prefix (in write order) of unsynced overwrites and restores the rest', async () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const { io, f } = await setup(seed, true);
      await f.append(bytes(1, 8));
      await f.append(bytes(9, 8));
      await f.append(bytes(17, 8));
      const after = await io.crash().readFile('/d/w');
      let kept = 0;
      while (kept < 24 && after[kept] === kept + 1) kept++;
      expect([...after.subarray(kept)].every((b) => b === 0)).toBe(true);
      seen.add(kept);
    }
    expect(seen.size).toBeGreaterThan(5); // torn at many points, not all-or-nothing
  });

  it('a write running past the end grows the file', async () => {
    const { io, f } = await setup(2, false);
    const g = await io.openAt('/d/w', 60);
    await g.append(bytes(1, 10));
    expect(await io.size('/d/w')).toBe(70);
    await g.sync();
    await f.close();
    expect([...(await io.crash().readFile('/d/w')).subarray(58)]).toEqual([0, 0, ...bytes(1, 10)]);
  });
});
