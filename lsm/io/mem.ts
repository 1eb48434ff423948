// In-memory Io with fault injection, for tests and the seeded simulation.
//
// Model (what a crash keeps): every file is an inode with its current bytes and the length of
// its durable prefix (`syncedLen`). Directory entries (create, rename, remove) are durable only
// after `syncDir` of their directory. `crash()` returns a NEW MemIo built from the durable state
// only: entries as of the last syncDir, each file cut to its synced length plus, when
// `tornTail` is on, a random prefix of the bytes appended after the last sync (a torn write).
// The crashed instance is dead: every later call on it (or on its AppendFiles) throws, so a
// database object still running against it cannot touch the survivor's state.
//
// Faults (all seeded): EIO one in N on chosen operations; disk full after a byte budget
// (ENOSPC); `haltAfterOps(n)` makes every operation fail after n more, which lets a simulation
// "pull the plug" at a chosen point and then call crash().
// Positioned writes (`openAt`, the WAL's preallocated files): a write below the file's length
// overwrites in place; until the next sync the old bytes are kept, and `crash()` keeps a random
// prefix (in write order, byte-granular) of those unsynced overwrites and restores the rest —
// the same torn-write model as for appended bytes (with `tornTail` off, none is kept).
// Simplifications, documented: mkdirp is durable at once; truncate is durable (the real Io
// fdatasyncs after ftruncate); an inode never has two names.
import { Prng } from './prng.js';
import type { AppendFile, Io } from '../types.js';

export type MemIoOp =
  | 'readFile' | 'writeFileDurable' | 'append' | 'sync' | 'rename' | 'remove' | 'syncDir'
  | 'truncate' | 'openAppend';

export interface MemIoFaults {
  /** Fail one in N of the chosen operations with EIO (0 = never). */
  eioOneInN: number;
  eioOps: ReadonlySet<MemIoOp>;
  /** Fail writes once the total file bytes would pass this (ENOSPC). */
  diskBytesMax: number;
  /** On crash, keep a random prefix of unsynced appended bytes (true) or drop them all. */
  tornTail: boolean;
}

interface Inode {
  buf: Uint8Array;
  len: number;
  syncedLen: number;
  /** Unsynced in-place writes, oldest first, with the bytes they replaced. */
  overwrites?: Array<{ off: number; old: Uint8Array }>;
}

function ioError(code: 'EIO' | 'ENOSPC' | 'ENOENT' | 'EEXIST', what: string): Error {
  const e = new Error(`${code}: ${what}`) as Error & { code: string };
  e.code = code;
  return e;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

class MemAppendFile implements AppendFile {
  /** `pos` undefined: appends at the end; else positioned writes starting there (openAt). */
  constructor(private readonly io: MemIo, private readonly inode: Inode, private readonly path: string, private pos?: number) {}
  get sizeBytes(): number {
    return this.pos ?? this.inode.len;
  }
  async append(data: Uint8Array): Promise<void> {
    this.appendNow(data);
  }
  async sync(): Promise<void> {
    this.syncNow();
  }
  /** The synchronous forms (the WAL's inline flush, ../wal/inline.ts): same faults, same
   *  crash model, only no promise. */
  appendNow(data: Uint8Array): void {
    if (this.pos === undefined || this.pos === this.inode.len) this.io.appendTo(this.inode, data, this.path);
    else this.io.writeAt(this.inode, this.pos, data, this.path);
    if (this.pos !== undefined) this.pos += data.length;
  }
  syncNow(): void {
    this.io.syncInode(this.inode, this.path);
  }
  async close(): Promise<void> {
    this.io.checkAlive('close');
  }
}

export class MemIo implements Io {
  private cur = new Map<string, Inode>();
  private durable = new Map<string, Inode>();
  private dirs = new Set<string>(['/']);
  private dead = false;
  private opsUntilHalt = Infinity;
  private clockMs: number;
  readonly prng: Prng;
  faults: MemIoFaults;
  /** Counters a test can assert on. */
  readonly stats = { syncs: 0, dirSyncs: 0, appends: 0, bytesWritten: 0, injectedFaults: 0 };

  constructor(seed = 1, faults: Partial<MemIoFaults> = {}, startMs = 1_700_000_000_000) {
    this.prng = new Prng(seed);
    this.faults = { eioOneInN: 0, eioOps: new Set(), diskBytesMax: Infinity, tornTail: true, ...faults };
    this.clockMs = startMs;
  }

  /** After n more operations every operation fails with EIO (the plug is pulled). */
  haltAfterOps(n: number): void {
    this.opsUntilHalt = n;
  }
  get halted(): boolean {
    return this.opsUntilHalt <= 0;
  }

  /** Moves the fake clock (timers in lsm/ read it through nowMs). */
  advanceMs(ms: number): void {
    this.clockMs += ms;
  }

  /** A new Io holding only what was durable; this instance becomes dead. */
  crash(seed?: number): MemIo {
    this.checkAlive('crash');
    this.dead = true;
    const next = new MemIo(seed ?? this.prng.int(2 ** 31), { ...this.faults, eioOneInN: 0, diskBytesMax: Infinity }, this.clockMs);
    for (const d of this.dirs) next.dirs.add(d);
    for (const [path, inode] of this.durable) {
      let keep = inode.syncedLen;
      const unsynced = inode.len - inode.syncedLen;
      if (this.faults.tornTail && unsynced > 0) keep += this.prng.int(unsynced + 1);
      const copy: Inode = { buf: inode.buf.slice(0, keep), len: keep, syncedLen: keep };
      const ow = inode.overwrites ?? [];
      let keepOw = 0;
      if (this.faults.tornTail && ow.length > 0) keepOw = this.prng.int(ow.reduce((n, w) => n + w.old.length, 0) + 1);
      // Restore, newest first, every overwritten byte past the kept prefix of the write order.
      const starts: number[] = [];
      let acc = 0;
      for (const w of ow) {
        starts.push(acc);
        acc += w.old.length;
      }
      for (let i = ow.length - 1; i >= 0; i--) {
        const w = ow[i]!;
        const from = Math.max(0, keepOw - starts[i]!);
        for (let j = from; j < w.old.length; j++) if (w.off + j < keep) copy.buf[w.off + j] = w.old[j]!;
      }
      next.cur.set(path, copy);
      next.durable.set(path, copy);
    }
    return next;
  }

  /** Total bytes held by current files. */
  usedBytes(): number {
    let n = 0;
    for (const inode of this.cur.values()) n += inode.len;
    return n;
  }

  /** Bytes of `path` written since its last sync (appended past the synced length, or
   *  overwritten in place): what a crash may lose. Tests assert it is 0 when a commit is
   *  acknowledged. */
  unsyncedBytes(path: string): number {
    const inode = this.need(path);
    let n = inode.len - inode.syncedLen;
    for (const w of inode.overwrites ?? []) n += w.old.length;
    return n;
  }

  checkAlive(what: string): void {
    if (this.dead) throw ioError('EIO', `${what} on a crashed MemIo`);
  }

  private op(kind: MemIoOp, path: string): void {
    this.checkAlive(kind);
    if (this.opsUntilHalt <= 0) throw ioError('EIO', `${kind} ${path} (halted)`);
    this.opsUntilHalt--;
    const f = this.faults;
    if (f.eioOneInN > 0 && f.eioOps.has(kind) && this.prng.int(f.eioOneInN) === 0) {
      this.stats.injectedFaults++;
      throw ioError('EIO', `${kind} ${path} (injected)`);
    }
  }

  private reserve(extra: number, path: string): void {
    if (this.usedBytes() + extra > this.faults.diskBytesMax) {
      this.stats.injectedFaults++;
      throw ioError('ENOSPC', `no space left on device writing ${path}`);
    }
  }

  appendTo(inode: Inode, data: Uint8Array, path: string): void {
    try {
      this.op('append', path);
      this.reserve(data.length, path);
    } catch (e) {
      // A failed append may still have written a prefix (unsynced) before failing.
      if (!this.dead && (e as { code?: string }).code === 'EIO' && !this.halted) {
        this.grow(inode, data.subarray(0, this.prng.int(data.length + 1)));
      }
      throw e;
    }
    this.grow(inode, data);
    this.stats.appends++;
  }

  private grow(inode: Inode, data: Uint8Array): void {
    const need = inode.len + data.length;
    if (need > inode.buf.length) {
      const nb = new Uint8Array(Math.max(need, inode.buf.length * 2, 256));
      nb.set(inode.buf.subarray(0, inode.len));
      inode.buf = nb;
    }
    inode.buf.set(data, inode.len);
    inode.len = need;
    this.stats.bytesWritten += data.length;
  }

  /** A positioned write at `pos` < len: overwrites in place (old bytes kept until a sync);
   *  the part past the end grows the file like an append. */
  writeAt(inode: Inode, pos: number, data: Uint8Array, path: string): void {
    if (pos > inode.len) throw new Error(`MemIo: write at ${pos} past the end (${inode.len}) of ${path}`);
    let part = data;
    try {
      this.op('append', path);
      this.reserve(Math.max(0, pos + data.length - inode.len), path);
    } catch (e) {
      // A failed write may still have written a prefix (unsynced) before failing.
      if (!this.dead && (e as { code?: string }).code === 'EIO' && !this.halted) part = data.subarray(0, this.prng.int(data.length + 1));
      else throw e;
      this.place(inode, pos, part);
      throw e;
    }
    this.place(inode, pos, part);
    this.stats.appends++;
  }

  private place(inode: Inode, pos: number, data: Uint8Array): void {
    const inPlace = Math.min(data.length, inode.len - pos);
    if (inPlace > 0) {
      (inode.overwrites ??= []).push({ off: pos, old: inode.buf.slice(pos, pos + inPlace) });
      inode.buf.set(data.subarray(0, inPlace), pos);
      this.stats.bytesWritten += inPlace;
    }
    if (inPlace < data.length) this.grow(inode, data.subarray(Math.max(0, inPlace)));
  }

  syncInode(inode: Inode, path: string): void {
    try {
      this.op('sync', path);
    } catch (e) {
      // A failed fsync may or may not have made the data durable: the caller cannot know.
      if (!this.dead && !this.halted && this.prng.chance(0.5)) {
        inode.syncedLen = inode.len;
        inode.overwrites = undefined;
      }
      throw e;
    }
    inode.syncedLen = inode.len;
    inode.overwrites = undefined;
    this.stats.syncs++;
  }

  private need(path: string): Inode {
    const inode = this.cur.get(path);
    if (!inode) throw ioError('ENOENT', `no such file ${path}`);
    return inode;
  }

  private needDir(path: string): void {
    if (!this.dirs.has(dirOf(path))) throw ioError('ENOENT', `no such directory ${dirOf(path)}`);
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.op('readFile', path);
    const inode = this.need(path);
    return inode.buf.slice(0, inode.len);
  }

  readFileSync(path: string): Uint8Array {
    this.checkAlive('readFileSync');
    const inode = this.need(path);
    return inode.buf.slice(0, inode.len);
  }

  async writeFileDurable(path: string, data: Uint8Array): Promise<void> {
    this.needDir(path);
    const existing = this.cur.get(path);
    const inode: Inode = existing ?? { buf: new Uint8Array(0), len: 0, syncedLen: 0 };
    try {
      this.op('writeFileDurable', path);
      this.reserve(data.length - (existing?.len ?? 0), path);
    } catch (e) {
      if (!this.dead && !this.halted && (e as { code?: string }).code === 'EIO') {
        // Truncated and partly written, nothing synced.
        inode.len = 0;
        inode.syncedLen = 0;
        inode.overwrites = undefined;
        this.grow(inode, data.subarray(0, this.prng.int(data.length + 1)));
        this.cur.set(path, inode);
      }
      throw e;
    }
    inode.len = 0;
    inode.syncedLen = 0;
    inode.overwrites = undefined;
    this.grow(inode, data);
    inode.syncedLen = inode.len;
    this.cur.set(path, inode);
    this.stats.syncs++;
  }

  async openAppend(path: string): Promise<AppendFile> {
    this.op('openAppend', path);
    this.needDir(path);
    let inode = this.cur.get(path);
    if (!inode) {
      inode = { buf: new Uint8Array(0), len: 0, syncedLen: 0 };
      this.cur.set(path, inode);
    }
    return new MemAppendFile(this, inode, path);
  }

  /** Positioned writes from `atBytes` into an existing file (see RealIo.openAt). */
  async openAt(path: string, atBytes: number): Promise<AppendFile> {
    this.op('openAppend', path);
    const inode = this.need(path);
    if (atBytes > inode.len) throw new Error(`MemIo.openAt: ${atBytes} is past the end of ${path}`);
    return new MemAppendFile(this, inode, path, atBytes);
  }

  async rename(from: string, to: string): Promise<void> {
    this.op('rename', from);
    const inode = this.need(from);
    this.needDir(to);
    this.cur.delete(from);
    this.cur.set(to, inode);
  }

  async remove(path: string): Promise<void> {
    this.op('remove', path);
    this.cur.delete(path);
  }

  async list(dir: string): Promise<string[]> {
    this.checkAlive('list');
    if (!this.dirs.has(dir)) throw ioError('ENOENT', `no such directory ${dir}`);
    const out: string[] = [];
    for (const p of this.cur.keys()) if (dirOf(p) === dir) out.push(baseOf(p));
    for (const d of this.dirs) if (d !== dir && dirOf(d) === dir) out.push(baseOf(d));
    return out.sort();
  }

  async exists(path: string): Promise<boolean> {
    this.checkAlive('exists');
    return this.cur.has(path) || this.dirs.has(path);
  }

  async mkdirp(dir: string): Promise<void> {
    this.checkAlive('mkdirp');
    let d = dir;
    while (d !== '/' && d !== '') {
      this.dirs.add(d);
      d = dirOf(d);
    }
  }

  async syncDir(dir: string): Promise<void> {
    this.op('syncDir', dir);
    for (const p of [...this.durable.keys()]) if (dirOf(p) === dir && !this.cur.has(p)) this.durable.delete(p);
    for (const [p, inode] of this.cur) if (dirOf(p) === dir) this.durable.set(p, inode);
    this.stats.dirSyncs++;
  }

  async size(path: string): Promise<number> {
    this.checkAlive('size');
    return this.need(path).len;
  }

  async truncate(path: string, sizeBytes: number): Promise<void> {
    this.op('truncate', path);
    const inode = this.need(path);
    if (sizeBytes > inode.len) throw new Error(`MemIo.truncate cannot extend ${path}`);
    inode.len = sizeBytes;
    inode.syncedLen = Math.min(inode.syncedLen, sizeBytes);
    // Durable like the real Io's ftruncate + fdatasync: the kept prefix is on disk.
    inode.syncedLen = sizeBytes;
    inode.overwrites = undefined;
  }

  nowMs(): number {
    return this.clockMs;
  }

  /** Test helper: overwrite bytes in place (simulates media corruption); durable. */
  corrupt(path: string, offset: number, bytes: Uint8Array): void {
    const inode = this.need(path);
    inode.buf.set(bytes, offset);
  }
}
