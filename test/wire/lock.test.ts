// Data directory lock: exclusive creation, live owner refused, stale owner taken over.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { lockDataDir, LOCK_FILE } from '../../wire/lock.js';

describe('lockDataDir', () => {
  it('creates the directory and the lock file holding the pid, and releases it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pyralog-lock-')), 'data');
    const r = lockDataDir(dir, 4242);
    expect(r.kind).toBe('locked');
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe('4242');
    if (r.kind === 'locked') r.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses when a live process holds the lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-lock-'));
    const first = lockDataDir(dir, process.pid);
    expect(first.kind).toBe('locked');
    const second = lockDataDir(dir, process.pid + 1);
    expect(second).toMatchObject({ kind: 'busy', pid: process.pid });
  });

  it('takes over a stale lock whose owner is dead', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-lock-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, LOCK_FILE), `${dead}\n`);
    const r = lockDataDir(dir, 777);
    expect(r.kind).toBe('locked');
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe('777');
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    expect(lockDataDir(dir, 778).kind).toBe('locked');
  });
});
