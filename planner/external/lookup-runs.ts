// The server's key-run indexes (external/key-runs.ts): per (file, integer column), the blocks of
// rows where key − file_row_number is constant, computed once in the background for a file a
// point lookup reads, and kept while the file's identity (size, mtime in ns, inode) is the same.
// Invariants: (1) an index is only handed out for the identity it was computed for — the caller
// stats the file at each query, so a file changed after registration (or after the index was
// built) never uses a stale index; (2) at most KEY_RUN_FILES_MAX indexes are kept (LRU) and at
// most one is being built at a time (a build reads the whole column once: ~1 s for 10 M rows
// here, on a limiter slot like any query); a lookup never waits for a build — it reads the file
// as usual meanwhile; (3) a build that fails (a corrupt file, shutdown) records "no index" for
// that identity instead of retrying on every query; its error never reaches a client.
import { statSync } from 'node:fs';
import type { ExternalEngine, KeyRuns } from '../../external/index.js';

/** (file, column) indexes kept. Each holds one entry per block of rows (≤ KEY_RUN_BLOCKS_MAX). */
export const KEY_RUN_FILES_MAX = 64;
/** Blocks kept over all indexes (~100 bytes each): the least recently used indexes go first. */
export const KEY_RUN_BLOCKS_TOTAL_MAX = 262_144;

type State = { kind: 'building' } | { kind: 'ready'; runs: KeyRuns } | { kind: 'none' };

interface Entry {
  identity: string;
  state: State;
}

/** Size, mtime (ns) and inode of a file, or undefined when it cannot be stat'ed. */
export function fileIdentity(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.size}:${st.mtimeNs}:${st.ino}`;
  } catch {
    return undefined;
  }
}

export type KeyRunsBuilder = (engine: ExternalEngine, file: string, column: string, duckType: string, signal: AbortSignal) => Promise<KeyRuns | undefined>;

export class KeyRunCache {
  private readonly entries = new Map<string, Entry>();
  private building: Promise<void> | undefined;
  /** Aborted by close(): interrupts a running build, and no build starts afterwards. */
  private readonly closing = new AbortController();

  constructor(private readonly build: KeyRunsBuilder) {}

  /**
   * The index of `column` in `file` for the file as it is now (`identity` from fileIdentity), or
   * undefined. Without one, a build is started in the background when none is running.
   */
  get(engine: ExternalEngine, file: string, column: string, duckType: string, identity: string): KeyRuns | undefined {
    const key = `${file}\0${column}`;
    const e = this.entries.get(key);
    if (e && e.identity === identity) {
      this.entries.delete(key);
      this.entries.set(key, e);
      return e.state.kind === 'ready' ? e.state.runs : undefined;
    }
    if (this.building || this.closing.signal.aborted) return undefined;
    const entry: Entry = { identity, state: { kind: 'building' } };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.trim();
    const done = this.build(engine, file, column, duckType, this.closing.signal).then(
      (runs) => {
        // The file must not have changed while it was read (else the index describes neither version).
        entry.state = runs && fileIdentity(file) === identity ? { kind: 'ready', runs } : { kind: 'none' };
        this.trim();
      },
      () => {
        entry.state = { kind: 'none' };
      },
    );
    this.building = done.finally(() => {
      this.building = undefined;
    });
    return undefined;
  }

  /** Drops the index of a file seen to change (the next lookup rebuilds it for the new identity). */
  forget(file: string, column: string): void {
    this.entries.delete(`${file}\0${column}`);
  }

  /** Resolves when no build is running (tests). */
  async idle(): Promise<void> {
    while (this.building) await this.building;
  }

  /** Interrupts a running build and waits for it to end (server shutdown). */
  async close(): Promise<void> {
    this.closing.abort();
    await this.idle();
  }

  get size(): number {
    return this.entries.size;
  }

  private trim(): void {
    const blocks = (e: Entry): number => (e.state.kind === 'ready' ? e.state.runs.blocks.length : 0);
    let total = 0;
    for (const e of this.entries.values()) total += blocks(e);
    for (const [key, e] of this.entries) {
      if (this.entries.size <= KEY_RUN_FILES_MAX && total <= KEY_RUN_BLOCKS_TOTAL_MAX) break;
      if (e.state.kind === 'building') continue; // its build keeps a reference and finishes it
      this.entries.delete(key);
      total -= blocks(e);
    }
  }
}
