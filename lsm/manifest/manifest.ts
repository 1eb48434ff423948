// The manifest: durable history of which segment files are live, plus logNumber,
// nextFileNumber and lastSeq. Spec: FORMAT.md.
// Invariants: an edit is applied in memory only after its record is durable (append + fsync, or
// a new manifest written, fsynced and made current by the CURRENT swap); edits are serialised;
// after any failed write the manifest refuses further edits (the file's tail is uncertain) and
// the database must be reopened; lastSeq and nextFileNumber never decrease.
import { LsmError } from '../types.js';
import type { AppendFile, Io, Seq } from '../types.js';
import { MAX_LEVELS, encodeEdit, frame } from './edit.js';
import type { SegmentFile, VersionEdit } from './edit.js';
import { manifestCorruption, scanManifest } from './log.js';
import { CURRENT, CURRENT_TMP, manifestFileName, parseFileName } from './names.js';
import { findOrphans } from './orphans.js';
import type { Orphan } from './orphans.js';
import { Version, applyEdit } from './version.js';

export interface ManifestOptions {
  /** Roll to a new manifest file (snapshot + CURRENT swap) past this size. Default 4 MiB. */
  manifestBytesMax?: number;
}

export interface OpenedManifest {
  manifest: Manifest;
  version: Version;
  logNumber: number;
  nextFileNumber: number;
  lastSeq: Seq;
  /** True when the directory had no CURRENT and a new, empty manifest was created. */
  created: boolean;
  /** True when a torn tail was cut off the manifest at open. */
  truncatedTail: boolean;
}

interface State {
  levels: readonly (readonly SegmentFile[])[];
  logNumber: number;
  nextFileNumber: number;
  lastSeq: Seq;
}

/** Pending logAndApply calls allowed at once (flush + compaction + a little slack). */
const PENDING_EDITS_MAX = 64;
const utf8 = new TextEncoder();

export class Manifest {
  private currentVersion!: Version;
  private readonly fileRefs = new Map<number, number>();
  private obsolete: number[] = [];
  private file: AppendFile | undefined;
  private failed: Error | undefined;
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private readonly manifestBytesMax: number;

  private constructor(
    private readonly io: Io,
    private readonly dir: string,
    private manifestNumber: number,
    private state: State,
    opts: ManifestOptions,
  ) {
    this.manifestBytesMax = opts.manifestBytesMax ?? 4 * 1024 * 1024;
    this.install(state.levels);
  }

  static async open(io: Io, dir: string, opts: ManifestOptions = {}): Promise<OpenedManifest> {
    const path = (n: string): string => `${dir}/${n}`;
    if (!(await io.exists(path(CURRENT)))) {
      // A crash while creating the very first manifest leaves at most MANIFEST-000001 behind;
      // anything more means CURRENT was lost from a real database: refuse to start empty.
      for (const name of await io.list(dir)) {
        const p = parseFileName(name);
        if (p.kind === 'segment' || (p.kind === 'manifest' && p.fileNumber !== 1)) {
          throw new LsmError('XX001', `could not open database directory "${dir}": file "${CURRENT}" is missing but "${name}" exists`);
        }
      }
      const m = new Manifest(io, dir, 0, { levels: [], logNumber: 0, nextFileNumber: 1, lastSeq: 0n }, opts);
      await m.guard(() => m.writeNewManifest());
      return m.opened(true, false);
    }
    const current = new TextDecoder().decode(await io.readFile(path(CURRENT)));
    const match = /^(MANIFEST-\d{6,})\n$/.exec(current);
    if (!match) throw new LsmError('XX001', `file "${path(CURRENT)}" is corrupt: it does not name a manifest`);
    const name = match[1]!;
    if (!(await io.exists(path(name)))) throw new LsmError('XX001', `file "${path(CURRENT)}" names "${name}", which does not exist`);
    const bytes = await io.readFile(path(name));
    const scan = scanManifest(path(name), bytes);
    if (scan.edits.length === 0) throw manifestCorruption(path(name), 'no complete record');
    let levels: readonly (readonly SegmentFile[])[] = [];
    let logNumber: number | undefined;
    let nextFileNumber: number | undefined;
    let lastSeq: Seq | undefined;
    scan.edits.forEach((e, i) => {
      const next = applyEdit(levels, e);
      if (typeof next === 'string') throw manifestCorruption(path(name), `record ${i} ${next}`);
      levels = next;
      if (e.logNumber !== undefined) logNumber = e.logNumber;
      if (e.nextFileNumber !== undefined) nextFileNumber = e.nextFileNumber;
      if (e.lastSeq !== undefined) lastSeq = e.lastSeq;
    });
    if (logNumber === undefined || nextFileNumber === undefined || lastSeq === undefined) {
      throw manifestCorruption(path(name), 'logNumber, nextFileNumber or lastSeq never recorded');
    }
    const manifestNumber = (parseFileName(name) as { fileNumber: number }).fileNumber;
    let maxFile = manifestNumber;
    for (const l of levels) for (const f of l) maxFile = Math.max(maxFile, f.fileNumber);
    nextFileNumber = Math.max(nextFileNumber, maxFile + 1);
    if (scan.torn) await io.truncate(path(name), scan.validBytes);
    const m = new Manifest(io, dir, manifestNumber, { levels, logNumber, nextFileNumber, lastSeq }, opts);
    if (scan.validBytes > m.manifestBytesMax) await m.guard(() => m.writeNewManifest());
    else m.file = await io.openAppend(path(name));
    return m.opened(false, scan.torn);
  }

  private opened(created: boolean, truncatedTail: boolean): OpenedManifest {
    const s = this.state;
    return { manifest: this, version: this.currentVersion, logNumber: s.logNumber, nextFileNumber: s.nextFileNumber, lastSeq: s.lastSeq, created, truncatedTail };
  }

  /** The current version. Take a reference (ref/unref) to hold it across awaits. */
  current(): Version {
    return this.currentVersion;
  }
  get logNumber(): number {
    return this.state.logNumber;
  }
  get lastSeq(): Seq {
    return this.state.lastSeq;
  }
  get nextFileNumber(): number {
    return this.state.nextFileNumber;
  }
  get currentManifestFileName(): string {
    return manifestFileName(this.manifestNumber);
  }

  /** Allocate a file number (persisted with the next edit; unused numbers are harmless). */
  newFileNumber(): number {
    return this.state.nextFileNumber++;
  }

  /** Make sure future numbers are above `n` (e.g. a WAL file found at recovery). */
  markFileNumberUsed(n: number): void {
    if (n >= this.state.nextFileNumber) this.state.nextFileNumber = n + 1;
  }

  /**
   * Durably record `edit`, then install and return the new current version. Throws LsmError
   * (58030/53100) when the write fails; after that every call throws until reopen.
   */
  logAndApply(edit: VersionEdit): Promise<Version> {
    if (this.pending >= PENDING_EDITS_MAX) throw new Error('lsm invariant violated: too many pending manifest edits');
    this.pending++;
    const run = this.tail.then(() => this.applyNow(edit));
    this.tail = run.catch(() => undefined).finally(() => this.pending--);
    return run;
  }

  private async applyNow(edit: VersionEdit): Promise<Version> {
    this.checkUsable();
    const levels = applyEdit(this.state.levels, edit);
    if (typeof levels === 'string') throw new Error(`lsm invariant violated: version edit ${levels}`);
    const logNumber = edit.logNumber ?? this.state.logNumber;
    const lastSeq = edit.lastSeq !== undefined && edit.lastSeq > this.state.lastSeq ? edit.lastSeq : this.state.lastSeq;
    this.markFileNumberUsed((edit.nextFileNumber ?? 0) - 1);
    // nextFileNumber is read live from this.state, never from a copy taken before an await:
    // numbers handed out while the write is in flight must not be handed out again.
    const installState = (): void => {
      this.state = { levels, logNumber, lastSeq, nextFileNumber: this.state.nextFileNumber };
    };
    const record = frame(encodeEdit({ ...edit, logNumber, nextFileNumber: this.state.nextFileNumber, lastSeq }));
    if (this.file!.sizeBytes + record.length > this.manifestBytesMax) {
      const prev = this.state;
      installState();
      try {
        await this.guard(() => this.writeNewManifest());
      } catch (e) {
        this.state = { ...prev, nextFileNumber: this.state.nextFileNumber };
        throw e;
      }
    } else {
      await this.guard(async () => {
        await this.file!.append(record);
        await this.file!.sync();
      });
      installState();
    }
    this.install(levels);
    return this.currentVersion;
  }

  /** Write the whole state as a new manifest and swap CURRENT to it. */
  private async writeNewManifest(): Promise<void> {
    const io = this.io;
    const num = this.state.nextFileNumber++;
    const s = this.state;
    const snapshot: VersionEdit = { added: s.levels.flat(), logNumber: s.logNumber, nextFileNumber: s.nextFileNumber, lastSeq: s.lastSeq };
    const name = manifestFileName(num);
    await io.writeFileDurable(`${this.dir}/${name}`, frame(encodeEdit(snapshot)));
    await io.writeFileDurable(`${this.dir}/${CURRENT_TMP}`, utf8.encode(`${name}\n`));
    await io.rename(`${this.dir}/${CURRENT_TMP}`, `${this.dir}/${CURRENT}`);
    await io.syncDir(this.dir);
    const file = await io.openAppend(`${this.dir}/${name}`);
    const old = this.file;
    const oldNumber = this.manifestNumber;
    this.file = file;
    this.manifestNumber = num;
    if (old !== undefined) {
      // Best effort: a stale manifest left behind is an orphan that the next open removes.
      await old.close().catch(() => undefined);
      await io.remove(`${this.dir}/${manifestFileName(oldNumber)}`).catch(() => undefined);
    }
  }

  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      this.failed = e as Error;
      const code = (e as { code?: string }).code;
      throw new LsmError(code === 'ENOSPC' ? '53100' : '58030', `could not write manifest in "${this.dir}": ${(e as Error).message}`, { cause: e });
    }
  }

  private checkUsable(): void {
    if (this.closed) throw new LsmError('57P01', 'the manifest is closed');
    if (this.failed) throw new LsmError('58030', `manifest is unusable after an earlier write failure (${this.failed.message}); reopen the database`);
  }

  private install(given: readonly (readonly SegmentFile[])[]): void {
    // Always MAX_LEVELS lists, even for an empty database, so callers can index any level.
    const levels = Array.from({ length: MAX_LEVELS }, (_, l) => given[l] ?? []);
    const v = new Version(levels, (dead) => this.versionDied(dead));
    v.ref();
    for (const f of v.allFiles()) this.fileRefs.set(f.fileNumber, (this.fileRefs.get(f.fileNumber) ?? 0) + 1);
    const old = this.currentVersion as Version | undefined;
    this.currentVersion = v;
    old?.unref();
  }

  private versionDied(v: Version): void {
    for (const f of v.allFiles()) {
      const n = this.fileRefs.get(f.fileNumber)! - 1;
      if (n === 0) {
        this.fileRefs.delete(f.fileNumber);
        this.obsolete.push(f.fileNumber);
      } else this.fileRefs.set(f.fileNumber, n);
    }
  }

  /** File numbers listed by any live version (current or still referenced by a reader). */
  liveFileNumbers(): Set<number> {
    return new Set(this.fileRefs.keys());
  }

  /** Segment files that no live version lists any more; each number is returned once. */
  takeObsoleteFiles(): number[] {
    const out = this.obsolete;
    this.obsolete = [];
    return out;
  }

  /** Files in the directory that nothing live references (call at open, before new writes). */
  async findOrphans(): Promise<Orphan[]> {
    return findOrphans(await this.io.list(this.dir), this.liveFileNumbers(), this.manifestNumber);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    await this.file?.close();
  }
}
