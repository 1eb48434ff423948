// --wal-prealloc-bytes / PYRALOG_WAL_PREALLOC_BYTES / "walPreallocBytes": parsed with the usual
// precedence, absent = the storage engine's default, validated with a message (never a throw).
import { describe, it, expect } from 'vitest';
import { parseConfig, WAL_PREALLOC_BYTES_MAX } from '../../wire/config.js';

const noFile = (p: string): string => {
  throw new Error(`ENOENT: ${p}`);
};

describe('walPreallocBytes', () => {
  it('is absent by default (the engine keeps its own 16 MiB default)', () => {
    const r = parseConfig([], {}, noFile);
    expect(r.kind === 'ok' && r.config.walPreallocBytes).toBeUndefined();
  });

  it('comes from the file, the environment and the command line, in that precedence', () => {
    const file = (): string => JSON.stringify({ walPreallocBytes: 1024 });
    const fromFile = parseConfig(['--config', 'c.json'], {}, file);
    expect(fromFile.kind === 'ok' && fromFile.config.walPreallocBytes).toBe(1024);
    const fromEnv = parseConfig(['--config', 'c.json'], { PYRALOG_WAL_PREALLOC_BYTES: '0' }, file);
    expect(fromEnv.kind === 'ok' && fromEnv.config.walPreallocBytes).toBe(0);
    const fromCli = parseConfig(['--config', 'c.json', '--wal-prealloc-bytes', '65536'], { PYRALOG_WAL_PREALLOC_BYTES: '0' }, file);
    expect(fromCli.kind === 'ok' && fromCli.config.walPreallocBytes).toBe(65536);
    const eq = parseConfig([`--wal-prealloc-bytes=${WAL_PREALLOC_BYTES_MAX}`], {}, noFile);
    expect(eq.kind === 'ok' && eq.config.walPreallocBytes).toBe(WAL_PREALLOC_BYTES_MAX);
  });

  it('refuses bad values with a message', () => {
    expect(parseConfig(['--wal-prealloc-bytes', '16MB'], {}, noFile)).toEqual({ kind: 'error', message: '--wal-prealloc-bytes: "16MB" is not an integer' });
    expect(parseConfig(['--wal-prealloc-bytes', '-1'], {}, noFile)).toEqual({ kind: 'error', message: 'walPreallocBytes must be an integer in [0, 1073741824]' });
    expect(parseConfig(['--wal-prealloc-bytes', String(WAL_PREALLOC_BYTES_MAX + 1)], {}, noFile)).toEqual({ kind: 'error', message: 'walPreallocBytes must be an integer in [0, 1073741824]' });
    expect(parseConfig([], { PYRALOG_WAL_PREALLOC_BYTES: '1.5' }, noFile)).toEqual({ kind: 'error', message: 'PYRALOG_WAL_PREALLOC_BYTES: "1.5" is not an integer' });
    expect(parseConfig(['--config', 'c.json'], {}, () => '{"walPreallocBytes":"big"}')).toEqual({ kind: 'error', message: 'walPreallocBytes must be an integer in [0, 1073741824]' });
    expect(parseConfig(['--wal-prealloc-bytes'], {}, noFile)).toEqual({ kind: 'error', message: '--wal-prealloc-bytes needs a value' });
  });
});
