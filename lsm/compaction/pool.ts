// A small pool of worker threads for segment encoding (flush) and compaction merges.
// Invariants: at most `workers` jobs run at once and at most `queueMax` wait; encode jobs are
// queued ahead of compaction jobs, otherwise first in, first out; submitting to a
// full queue is a programmer error (callers check hasRoom() or await whenRoom()). Jobs carry
// bytes, never file handles or paths to open: all I/O stays on the main thread behind Io.
// `workers: 0` runs jobs inline on the calling thread (same code, via jobs.ts) — for tests and
// for environments without worker threads.
// Running from TypeScript sources (vitest): the worker entry is worker.ts and a module hook
// that strips types with the `typescript` dev dependency is registered in the worker only; the
// built server (dist/) starts dist/lsm/compaction/worker.js directly.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LsmError } from '../types.js';
import type { Entry, TableId } from '../types.js';
import { columnChunkTransferables, type ColumnChunk, type ColumnChunkParts, type EncodeSegmentOptions, type EncodedSegment } from '../segment/index.js';
import { runJob } from './jobs.js';
import type { Job, JobRequest, JobResponse } from './jobs.js';
import type { CompactionInput, CompactionOptions, CompactionResult } from './merge.js';
import { packEntries, packedTransferables } from './wire.js';

export interface WorkerPoolOptions {
  /** Worker threads; 0 = run inline. Default 1 (this machine has 2 cores). */
  workers?: number;
  /** Jobs allowed to wait beyond the running ones. Default 8. */
  queueMax?: number;
}

interface Pending {
  id: number;
  job: Job;
  transfer: ArrayBuffer[];
  resolve: (v: EncodedSegment | CompactionResult) => void;
  reject: (e: Error) => void;
  /** Takes an encode-columns job's buffers handed back by the worker. */
  onSpare?: (parts: ColumnChunkParts) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private nextId = 1;
  private closed = false;
  private readonly queueMax: number;
  private inlineRunning = 0;
  /** Jobs completed, for stats and tests. */
  completed = 0;

  constructor(opts: WorkerPoolOptions = {}) {
    this.queueMax = opts.queueMax ?? 8;
    const n = opts.workers ?? 1;
    for (let i = 0; i < n; i++) this.slots.push(this.spawn());
  }

  get workerCount(): number {
    return this.slots.length;
  }
  get queued(): number {
    return this.queue.length;
  }
  get running(): number {
    return this.slots.filter((s) => s.busy !== undefined).length + this.inlineRunning;
  }
  hasRoom(): boolean {
    return this.queue.length < this.queueMax;
  }
  /** Resolves when a submit would be accepted. */
  whenRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((r) => this.roomWaiters.push(r));
  }

  encodeSegment(table: TableId, entries: readonly Entry[], opts: EncodeSegmentOptions = {}): Promise<EncodedSegment> {
    if (this.slots.length === 0) return this.submit({ kind: 'encode', table, entries, opts }, []) as Promise<EncodedSegment>;
    const packed = packEntries(table, entries);
    return this.submit({ kind: 'encode-packed', packed, opts }, packedTransferables(packed)) as Promise<EncodedSegment>;
  }

  /**
   * Encodes an ingest's column chunk on a worker (encodeSegment's bytes for its rows). The
   * chunk's buffers are transferred, not copied: the chunk is unusable afterwards. Inline
   * (workers: 0) it runs through the same job on the given chunk.
   */
  encodeColumnChunk(chunk: ColumnChunk, opts: EncodeSegmentOptions = {}, onSpare?: (parts: ColumnChunkParts) => void): Promise<EncodedSegment> {
    const parts = chunk.toParts();
    // onSpare: the worker hands the chunk's buffers back with the result (never inline: there
    // the caller's chunk still owns them).
    return this.submit({ kind: 'encode-columns', parts, opts }, this.slots.length === 0 ? [] : columnChunkTransferables(parts), onSpare) as Promise<EncodedSegment>;
  }

  compact(inputs: readonly CompactionInput[], opts: CompactionOptions): Promise<CompactionResult> {
    return this.submit({ kind: 'compact', inputs: inputs.map((i) => ({ fileName: i.fileName, bytes: compact(i.bytes), ...(i.fileSeq !== undefined ? { fileSeq: i.fileSeq } : {}) })), opts }, []) as Promise<CompactionResult>;
  }

  private submit(job: Job, transfer: ArrayBuffer[], onSpare?: (parts: ColumnChunkParts) => void): Promise<EncodedSegment | CompactionResult> {
    if (this.closed) return Promise.reject(new LsmError('57P01', 'the worker pool is closed'));
    if (this.slots.length === 0) return this.runInline(job);
    const idle = this.slots.find((s) => s.busy === undefined);
    if (idle === undefined && !this.hasRoom()) throw new Error('lsm invariant violated: worker queue is full (check hasRoom() first)');
    return new Promise((resolve, reject) => {
      const p: Pending = { id: this.nextId++, job, transfer, resolve, reject, onSpare };
      if (idle !== undefined) this.start(idle, p);
      else if (job.kind === 'compact') this.queue.push(p);
      else {
        // Encodes (flushes, ingests) go ahead of queued compactions: sealed memtables waiting
        // for their flush stop every writer, a compaction waiting stops nobody.
        const i = this.queue.findIndex((q) => q.job.kind === 'compact');
        if (i < 0) this.queue.push(p);
        else this.queue.splice(i, 0, p);
      }
    });
  }

  private async runInline(job: Job): Promise<EncodedSegment | CompactionResult> {
    this.inlineRunning++;
    try {
      await Promise.resolve();
      return runJob(job);
    } finally {
      this.inlineRunning--;
      this.completed++;
    }
  }

  private start(slot: Slot, p: Pending): void {
    slot.busy = p;
    slot.worker.ref(); // a running job keeps the process alive; an idle worker does not
    const req: JobRequest = { id: p.id, job: p.job };
    slot.worker.postMessage(req, p.transfer);
  }

  private finish(slot: Slot): void {
    slot.busy = undefined;
    this.completed++;
    const next = this.queue.shift();
    if (next !== undefined) this.start(slot, next);
    else slot.worker.unref();
    while (this.hasRoom() && this.roomWaiters.length > 0) this.roomWaiters.shift()!();
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(), busy: undefined };
    slot.worker.on('message', (res: JobResponse) => {
      const p = slot.busy;
      if (p === undefined || p.id !== res.id) return;
      this.finish(slot);
      if (res.ok && res.spare !== undefined && p.onSpare !== undefined) p.onSpare(res.spare);
      if (res.ok) p.resolve(res.result);
      else p.reject(res.code === 'XX001' || res.code === '58030' ? new LsmError(res.code, res.message) : new Error(`${res.name}: ${res.message}`));
    });
    slot.worker.on('error', (e) => this.replace(slot, e));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, new Error(`storage worker exited with code ${code}`));
    });
    slot.worker.unref();
    return slot;
  }

  /** A dead worker fails its job and is replaced, so one crash does not stop the engine. */
  private replace(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    const p = slot.busy;
    slot.busy = undefined;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    const fresh = this.spawn();
    this.slots[i] = fresh;
    p?.reject(new LsmError('XX000', `storage worker failed: ${e.message}`));
    const next = this.queue.shift();
    if (next !== undefined) this.start(fresh, next);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new LsmError('57P01', 'the worker pool is closed'));
    for (const s of this.slots) {
      s.busy?.reject(new LsmError('57P01', 'the worker pool is closed'));
      s.worker.removeAllListeners();
      await s.worker.terminate();
    }
    for (const w of this.roomWaiters.splice(0)) w();
  }
}

/** A view over a larger buffer would be cloned whole by postMessage: copy it down to size.
 *  (Entries for flushes travel packed, see wire.ts.) */
function compact(u: Uint8Array): Uint8Array {
  return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u : u.slice();
}

function startWorker(): Worker {
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  const ts = new URL('./worker.ts', import.meta.url);
  if (!existsSync(fileURLToPath(ts))) throw new LsmError('XX000', `storage worker entry not found next to ${import.meta.url}`);
  return new Worker(ts, { execArgv: ['--import', `data:text/javascript,${encodeURIComponent(registerTsHook())}`] });
}

/**
 * Development only: a module hook that loads .ts sources by stripping types with the
 * `typescript` dev dependency. Output is cached under the OS temp dir by content hash, so
 * later workers skip loading the compiler (the bulk of the ~2 s start-up).
 */
function registerTsHook(): string {
  const anchor = fileURLToPath(import.meta.url);
  const hooks = `
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
const cacheDir = join(tmpdir(), 'pyralog-ts-strip-cache-v1');
let ts;
export async function resolve(spec, ctx, next) {
  if (spec.startsWith('.') && spec.endsWith('.js') && ctx.parentURL && ctx.parentURL.endsWith('.ts')) {
    const u = new URL(spec, ctx.parentURL);
    if (!existsSync(fileURLToPath(u))) return next(spec.slice(0, -3) + '.ts', ctx);
  }
  return next(spec, ctx);
}
export async function load(url, ctx, next) {
  if (!(url.startsWith('file:') && url.endsWith('.ts'))) return next(url, ctx);
  const file = fileURLToPath(url);
  const src = readFileSync(file, 'utf8');
  const cached = join(cacheDir, createHash('sha256').update(file).update('\\0').update(src).digest('hex') + '.js');
  if (existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= createRequire(${JSON.stringify(anchor)})('typescript');
  const out = ts.transpileModule(src, { fileName: file, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true } }).outputText;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = cached + '.' + process.pid + '.tmp';
    writeFileSync(tmp, out);
    renameSync(tmp, cached);
  } catch {
    // a cache that cannot be written only costs speed
  }
  return { format: 'module', source: out, shortCircuit: true };
}`;
  return `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
}
