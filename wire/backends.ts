// The server's table of live backends: process ids and cancel secrets (BackendKeyData), the
// connection limit, and CancelRequest matching. One registry per server.
//
// Invariants:
// - A pid is never reused while its backend is registered; secrets are random 32-bit values.
// - `size` counts admitted connections only (those that passed the startup packet), so clients
//   still negotiating SSL or sending a CancelRequest never hold a slot.

import { randomInt } from 'node:crypto';

export interface BackendHandle {
  /** Asks the backend to cancel its running statement (no effect when idle). */
  cancel(): void;
}

interface Entry {
  secret: number;
  handle: BackendHandle;
}

export class BackendRegistry {
  private readonly byPid = new Map<number, Entry>();
  private nextPid: number;

  constructor(private readonly maxConnections: number) {
    // Start somewhere random so pids from two servers are unlikely to line up.
    this.nextPid = 1000 + randomInt(0, 1_000_000);
  }

  get size(): number {
    return this.byPid.size;
  }

  /** Registers a backend, or returns undefined when the connection limit is reached. */
  admit(handle: BackendHandle): { pid: number; secret: number } | undefined {
    if (this.byPid.size >= this.maxConnections) return undefined;
    let pid = this.nextPid;
    while (this.byPid.has(pid)) pid = pid >= 0x7fffffff ? 1000 : pid + 1;
    this.nextPid = pid >= 0x7fffffff ? 1000 : pid + 1;
    const secret = randomInt(-0x80000000, 0x7fffffff);
    this.byPid.set(pid, { secret, handle });
    return { pid, secret };
  }

  release(pid: number): void {
    this.byPid.delete(pid);
  }

  /** A CancelRequest: cancels only when both pid and secret match. Returns whether it did. */
  cancel(pid: number, secret: number): boolean {
    const e = this.byPid.get(pid);
    if (e === undefined || e.secret !== secret) return false;
    e.handle.cancel();
    return true;
  }

  /** Every registered backend (shutdown cancels them all). */
  handles(): BackendHandle[] {
    return [...this.byPid.values()].map((e) => e.handle);
  }
}
