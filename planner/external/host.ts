// One ExternalEngine per server, opened on first use. Importing external/index.ts loads DuckDB's
// native module (hundreds of milliseconds), so it is a dynamic import here: a server that never
// touches external data never loads DuckDB, and server start stays fast. Only types are imported
// statically (erased at build time).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExternalEngine, ExternalEngineOptions, ExternalTableRef } from '../../external/index.js';
import { KeyRunCache } from './lookup-runs.js';

/** Decoded refs kept (a ref with per-file statistics is a large JSON text; decoding it per query showed). */
const DECODED_REFS_MAX = 256;

export interface ExternalHostOptions extends ExternalEngineOptions {
  /** Roots created when missing (the default `<dataDir>/external`); configured roots must exist. */
  createRoots: readonly string[];
}

/** Defaults for the per-server DuckDB (explicit settings, issue 5). */
export const EXTERNAL_DEFAULTS = {
  threads: 2,
  memoryLimitBytes: 1024 * 1024 * 1024,
  maxConcurrentQueries: 4,
  maxQueuedQueries: 64,
  maxFilesPerLocation: 100_000,
} as const;

export class ExternalHost {
  private opening: Promise<ExternalEngine> | undefined;
  private closed = false;
  /** Catalog ref text → its decoded ref (the text is immutable: a new catalog version is a new key). LRU. */
  private readonly decodedRefs = new Map<string, ExternalTableRef>();
  /** Key runs of files point lookups read (lookup-runs.ts), built in the background. */
  readonly keyRuns = new KeyRunCache(async (engine, file, column, duckType, signal) => {
    const { parquetKeyRuns } = await import('../../external/index.js');
    return parquetKeyRuns(engine, file, column, duckType, signal);
  });

  constructor(readonly options: ExternalHostOptions) {}

  /** The server's engine, opened on the first call; a failed open is retried by the next call. */
  engine(): Promise<ExternalEngine> {
    if (this.closed) return Promise.reject(new Error('assertion: external engine used after shutdown'));
    if (!this.opening) {
      const p = this.open();
      this.opening = p;
      p.catch(() => {
        if (this.opening === p) this.opening = undefined;
      });
    }
    return this.opening;
  }

  /** `decode(refText)`, remembered per text (the caller must not modify the result). */
  decodedRef(refText: string, decode: (text: string) => ExternalTableRef): ExternalTableRef {
    let ref = this.decodedRefs.get(refText);
    if (ref) this.decodedRefs.delete(refText);
    else ref = decode(refText);
    this.decodedRefs.set(refText, ref);
    if (this.decodedRefs.size > DECODED_REFS_MAX) this.decodedRefs.delete(this.decodedRefs.keys().next().value!);
    return ref;
  }

  private async open(): Promise<ExternalEngine> {
    for (const r of this.options.createRoots) await mkdir(r, { recursive: true });
    const { ExternalEngine } = await import('../../external/index.js');
    const { createRoots: _ignored, ...engineOptions } = this.options;
    return ExternalEngine.open(engineOptions);
  }

  async close(): Promise<void> {
    this.closed = true;
    const p = this.opening;
    this.opening = undefined;
    if (!p) return;
    await this.keyRuns.close(); // a build holds a DuckDB connection: interrupt it first
    const e = await p.catch(() => undefined);
    e?.close();
  }
}

/** The server's host: configured roots, or `<dataDir>/external` (created on first use). */
export function externalHostFor(dataDir: string, roots: readonly string[] | undefined): ExternalHost {
  const useDefault = roots === undefined || roots.length === 0;
  const list = useDefault ? [join(dataDir, 'external')] : [...roots];
  return new ExternalHost({ ...EXTERNAL_DEFAULTS, roots: list, createRoots: useDefault ? list : [] });
}
