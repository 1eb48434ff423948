// vitest globalSetup: every test run gets its own temporary root (TMPDIR for the workers and the
// servers they start), removed when the run ends. The engine's data directories are large on
// disk — each WAL file is preallocated (16 MiB, plus a spare) — and test files create hundreds
// of them with mkdtemp(tmpdir()); left behind they filled the disk (80 GB after a few days).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(previous ?? tmpdir(), 'pyralog-test-run-'));
  // Traversable by others: the PostgreSQL oracle clusters run as the postgres user beneath it.
  chmodSync(root, 0o755);
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (process.env.PYRALOG_KEEP_TEST_TMP === undefined) rmSync(root, { recursive: true, force: true });
  };
}
