// The real Io: node:fs with real durability. `writeFileDurable` = open, write, fdatasync, close;
// `syncDir` = open the directory + fsync (so creates, renames and removes in it survive a power
// loss); `AppendFile.sync` = fdatasync. Paths are used as given (callers pass absolute paths or
// paths relative to the process's working directory). `AppendFile.appendNow`/`syncNow` are the
// synchronous forms the WAL's inline flush uses (../wal/inline.ts).
import { promises as fsp, readFileSync, writeSync, fdatasyncSync, constants } from 'node:fs';

/** Appends up to this size are written synchronously (page-cache copies that do not block the
 *  event loop for long); larger ones (a bulk load's record) go through the thread pool. */
const SYNC_APPEND_BYTES_MAX = 64 * 1024;
import type { AppendFile, Io } from '../types.js';

class RealAppendFile implements AppendFile {
  sizeBytes: number;
  constructor(private readonly fh: fsp.FileHandle, sizeBytes: number) {
    this.sizeBytes = sizeBytes;
  }
  async append(data: Uint8Array): Promise<void> {
    // A short write is retried until every byte is written (fs.write may write fewer bytes).
    let off = 0;
    if (data.length <= SYNC_APPEND_BYTES_MAX) {
      // A small append (one commit's WAL record) only copies into the page cache: writeSync
      // costs ~2 µs of CPU where the thread-pool round trip of fh.write costs ~20 µs, and an
      // OLTP commit pays it on every transaction. Durability is unchanged: sync() still
      // fdatasyncs in the pool, and callers still await append before they sync.
      while (off < data.length) off += writeSync(this.fh.fd, data, off, data.length - off, this.sizeBytes + off);
    } else {
      while (off < data.length) {
        const { bytesWritten } = await this.fh.write(data, off, data.length - off, this.sizeBytes + off);
        off += bytesWritten;
      }
    }
    this.sizeBytes += data.length;
  }
  async sync(): Promise<void> {
    await this.fh.datasync();
  }
  /** The WAL's inline flush (wal/inline.ts): the same writes without a promise or the pool. */
  appendNow(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) off += writeSync(this.fh.fd, data, off, data.length - off, this.sizeBytes + off);
    this.sizeBytes += data.length;
  }
  /** fdatasync on the calling thread: blocks it for the disk's flush (wal/inline.ts says when). */
  syncNow(): void {
    fdatasyncSync(this.fh.fd);
  }
  async close(): Promise<void> {
    await this.fh.close();
  }
}

export class RealIo implements Io {
  async readFile(path: string): Promise<Uint8Array> {
    return fsp.readFile(path);
  }
  readFileSync(path: string): Uint8Array {
    return readFileSync(path);
  }
  async writeFileDurable(path: string, data: Uint8Array): Promise<void> {
    const fh = await fsp.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      let off = 0;
      while (off < data.length) {
        const { bytesWritten } = await fh.write(data, off, data.length - off, off);
        off += bytesWritten;
      }
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
  async openAppend(path: string): Promise<AppendFile> {
    const fh = await fsp.open(path, constants.O_WRONLY | constants.O_CREAT, 0o644);
    const st = await fh.stat();
    return new RealAppendFile(fh, st.size);
  }
  /** Like openAppend, but writes start at `atBytes` and overwrite in place (a preallocated,
   *  zero-filled WAL file: the file's size, and so its metadata, stays as it is, which is what
   *  makes each commit's fdatasync cheaper than on a growing file). Not part of the Io
   *  interface (lsm/types.ts); the WAL writer uses it when an Io has it (wal/prealloc.ts). */
  async openAt(path: string, atBytes: number): Promise<AppendFile> {
    const fh = await fsp.open(path, constants.O_WRONLY, 0o644);
    return new RealAppendFile(fh, atBytes);
  }
  async rename(from: string, to: string): Promise<void> {
    await fsp.rename(from, to);
  }
  async remove(path: string): Promise<void> {
    await fsp.rm(path, { force: true });
  }
  async list(dir: string): Promise<string[]> {
    return (await fsp.readdir(dir)).sort();
  }
  async exists(path: string): Promise<boolean> {
    try {
      await fsp.access(path);
      return true;
    } catch {
      return false;
    }
  }
  async mkdirp(dir: string): Promise<void> {
    await fsp.mkdir(dir, { recursive: true });
  }
  async syncDir(dir: string): Promise<void> {
    const fh = await fsp.open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  async size(path: string): Promise<number> {
    return (await fsp.stat(path)).size;
  }
  /** Truncates and fdatasyncs, so a truncated torn WAL tail stays truncated after a crash. */
  async truncate(path: string, sizeBytes: number): Promise<void> {
    const fh = await fsp.open(path, constants.O_WRONLY);
    try {
      await fh.truncate(sizeBytes);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
  nowMs(): number {
    return Date.now();
  }
  /** A monotonic clock with sub-millisecond resolution: the WAL measures its fdatasync paths'
   *  latency with it (../wal/flush-path.ts). Not part of the Io interface; MemIo has none, so
   *  simulations stay deterministic. */
  monotonicMs(): number {
    return performance.now();
  }
}
