// The data directory lock: `<dataDir>/pyralog.lock`, created exclusively ('wx') and holding the
// owner's pid. A lock whose pid is no longer alive is stale and taken over; a live owner makes
// the second instance give up with a clear message.
//
// Invariant: at most one live process holds the lock for a directory; the holder removes the
// file on clean shutdown (and only if it still holds its own pid).

import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'pyralog.lock';

export type LockResult =
  | { kind: 'locked'; path: string; release: () => void }
  | { kind: 'busy'; path: string; pid: number };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock, creating the data directory if needed. Throws only for I/O failures. */
export function lockDataDir(dataDir: string, pid: number = process.pid): LockResult {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${pid}\n`, { flag: 'wx', mode: 0o600 });
      const release = (): void => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(pid)) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
      return { kind: 'locked', path, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner = NaN;
    try {
      owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile: retry
      throw e;
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== pid && alive(owner)) return { kind: 'busy', path, pid: owner };
    // Stale (dead owner, our own pid from a previous life, or garbage): take it over.
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
