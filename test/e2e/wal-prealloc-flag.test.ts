// The server's --wal-prealloc-bytes flag and PYRALOG_WAL_PREALLOC_BYTES reach the storage engine:
// the real server process is started with them and the WAL files in its data directory have the
// size asked for (lsm/wal/prealloc.ts: each log is zero-filled ahead, a spare of the same size
// waits as prealloc-wal.tmp; 0 = no preallocation, no spare). Bad values end the start-up with
// exit code 1 and one line on stderr, no stack trace.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import pg from 'pg';
import { startServer, runExpectingFailure, tempDataDir } from './server.js';

const PREALLOC = 65536;

function walSizes(dataDir: string): Record<string, number> {
  const dir = join(dataDir, 'lsm');
  const out: Record<string, number> = {};
  for (const f of readdirSync(dir)) if (f.startsWith('wal-') || f === 'prealloc-wal.tmp') out[f] = statSync(join(dir, f)).size;
  return out;
}

async function writeSome(port: number, sql: string): Promise<string[]> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'tester', database: 'postgres' });
  await c.connect();
  try {
    const r = await c.query(sql);
    return (Array.isArray(r) ? r[r.length - 1]! : r).rows.map((x: Record<string, unknown>) => String(Object.values(x)[0]));
  } finally {
    await c.end();
  }
}

describe('--wal-prealloc-bytes', () => {
  it('preallocates each WAL file (and the spare) to the size given on the command line', async () => {
    const dataDir = tempDataDir();
    const srv = await startServer(['--wal-prealloc-bytes', String(PREALLOC)], { dataDir });
    try {
      await writeSome(srv.port, 'create table w (i int primary key, s text); insert into w select g, repeat(\'x\', 10) from generate_series(1, 100) g');
      const sizes = walSizes(dataDir);
      expect(sizes['prealloc-wal.tmp']).toBe(PREALLOC);
      const logs = Object.entries(sizes).filter(([f]) => f.startsWith('wal-'));
      expect(logs.length).toBeGreaterThan(0);
      for (const [, size] of logs) expect(size).toBe(PREALLOC); // a few KiB of records, written in place
    } finally {
      expect(await srv.stop()).toBe(0);
    }
    // Restarted with preallocation off (environment): the data is there, new logs are not padded.
    const again = await startServer([], { dataDir, env: { PYRALOG_WAL_PREALLOC_BYTES: '0' } });
    try {
      expect(await writeSome(again.port, 'select count(*) from w')).toEqual(['100']);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });

  it('0 from the environment turns preallocation off', async () => {
    const dataDir = tempDataDir();
    const srv = await startServer([], { dataDir, env: { PYRALOG_WAL_PREALLOC_BYTES: '0' } });
    try {
      await writeSome(srv.port, 'create table w (i int primary key); insert into w values (1)');
      const sizes = walSizes(dataDir);
      expect(sizes['prealloc-wal.tmp']).toBeUndefined();
      for (const [f, size] of Object.entries(sizes)) if (f.startsWith('wal-')) expect(size).toBeLessThan(PREALLOC);
    } finally {
      expect(await srv.stop()).toBe(0);
    }
  });

  it('a bad value is a clear start-up error (exit 1, no stack trace)', () => {
    for (const [arg, message] of [
      ['-1', 'walPreallocBytes must be an integer in [0, 1073741824]'],
      ['2147483648', 'walPreallocBytes must be an integer in [0, 1073741824]'],
      ['16MB', '--wal-prealloc-bytes: "16MB" is not an integer'],
    ] as const) {
      const r = runExpectingFailure(['--wal-prealloc-bytes', arg]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`pyralog: ${message}\n`);
    }
  });
});
