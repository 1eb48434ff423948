// Preallocated WAL files. Appending to a growing file makes every commit's fdatasync also
// commit the file's new size (a file-system journal transaction); writing into a file that was
// zero-filled and fsynced ahead flushes only the data (bench/lsm/fsync-latency.mjs --compare:
// ~1.5× cheaper per fdatasync on this machine's ext4). So the writer keeps one SPARE file,
// `prealloc-wal.tmp`, zero-filled to `preallocBytes` and fdatasynced, prepared in the background;
// a rotation renames it to the new log's name (rename + directory fsync: no waiting for the
// fill) and writes from offset 0. When no spare is ready (the fill is still running or failed)
// the new log is an empty, growing file as before. Zero-filled, not fallocate'd: node has no
// fallocate, and an fallocate'd extent is "unwritten", so the first write to each block would
// still change metadata. The zero tail is the end of the log for the reader (FORMAT.md).
// The spare is a `.tmp` file: open deletes it as an orphan (manifest/orphans.ts), never read.
import type { AppendFile, Io } from '../types.js';

export const SPARE_WAL_NAME = 'prealloc-wal.tmp';

/** The one Io capability beyond lsm/types.ts's Io that preallocation needs: positioned writes
 *  into an existing file (RealIo and MemIo have it). An Io without it gets growing logs. */
export interface PositionedIo extends Io {
  openAt(path: string, atBytes: number): Promise<AppendFile>;
}

export function hasOpenAt(io: Io): io is PositionedIo {
  return typeof (io as Partial<PositionedIo>).openAt === 'function';
}

type SpareState =
  | { kind: 'none' }
  | { kind: 'filling'; done: Promise<void> }
  | { kind: 'ready' };

/** Owns the spare file of one WAL writer. */
export class SpareLog {
  private state: SpareState = { kind: 'none' };
  /** Counters for observability and tests. */
  readonly stats = { filled: 0, used: 0, failed: 0 };

  constructor(private readonly io: PositionedIo, private readonly dir: string, private readonly sizeBytes: number) {}

  private get path(): string {
    return `${this.dir}/${SPARE_WAL_NAME}`;
  }

  /** Starts filling a spare in the background unless one is ready or filling. */
  startFill(): void {
    if (this.state.kind !== 'none') return;
    const done = this.fill().then(
      () => {
        this.state = { kind: 'ready' };
        this.stats.filled++;
      },
      () => {
        // ENOSPC/EIO: no spare; the next log grows as before and the next rotation retries.
        this.state = { kind: 'none' };
        this.stats.failed++;
      },
    );
    this.state = { kind: 'filling', done };
  }

  /** Fills a spare now (at open: the first log of a session should be preallocated too). */
  async fillNow(): Promise<void> {
    this.startFill();
    await this.settled();
  }

  /** Waits for a running fill (close: no background I/O may outlive the writer). */
  async settled(): Promise<void> {
    if (this.state.kind === 'filling') await this.state.done;
  }

  private async fill(): Promise<void> {
    // writeFileDurable = create/truncate, write, fdatasync: the zeros and the size are on disk
    // before the file can become a log, so later fdatasyncs of it flush data only.
    await this.io.writeFileDurable(this.path, new Uint8Array(this.sizeBytes));
  }

  /** Turns the ready spare into log `path` (durably named) and opens it for writes from 0;
   *  undefined when no spare is ready. On failure the spare is dropped and the error thrown. */
  async take(path: string): Promise<AppendFile | undefined> {
    if (this.state.kind !== 'ready') return undefined;
    this.state = { kind: 'none' };
    await this.io.rename(this.path, path);
    await this.io.syncDir(this.dir);
    this.stats.used++;
    return this.io.openAt(path, 0);
  }
}
