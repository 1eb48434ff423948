// Configuration precedence (CLI > env > file > defaults), validation and the security default.
import { describe, it, expect } from 'vitest';
import { parseConfig, DEFAULTS } from '../../wire/config.js';
import { parseScramSecret } from '../../wire/auth.js';

const noFile = (p: string): string => {
  throw new Error(`ENOENT: ${p}`);
};

describe('parseConfig', () => {
  it('uses the embedded defaults', () => {
    const r = parseConfig([], {}, noFile);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.config).toMatchObject({ host: '127.0.0.1', port: 5433, dataDir: './data', users: [] });
    expect(r.config.maxMessageBytes).toBe(DEFAULTS.maxMessageBytes);
  });

  it('applies file < env < CLI', () => {
    const file = JSON.stringify({ port: 7000, dataDir: '/f', logLevel: 'warn', maxConnections: 5 });
    const r = parseConfig(['--config', 'c.json', '--port', '7002'], { PYRALOG_PORT: '7001', PYRALOG_DATA_DIR: '/e' }, () => file);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.config).toMatchObject({ port: 7002, dataDir: '/e', logLevel: 'warn', maxConnections: 5 });
    const r2 = parseConfig(['--port=7003'], { PYRALOG_PORT: '7001' }, noFile);
    expect(r2.kind === 'ok' && r2.config.port).toBe(7003);
  });

  it('turns --user into a SCRAM secret and md5 hash, never keeping the password', () => {
    const r = parseConfig(['--user', 'alice:s3cret:x'], {}, noFile);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    const u = r.config.users[0]!;
    expect(u.name).toBe('alice');
    expect(u.method).toBe('scram-sha-256');
    expect(parseScramSecret(u.scramSecret)?.iterations).toBe(4096);
    expect(JSON.stringify(r.config)).not.toContain('s3cret:x');
  });

  it('reads users with methods from the config file', () => {
    const file = JSON.stringify({ users: [{ name: 'bob', password: 'pw', method: 'md5' }] });
    const r = parseConfig(['--config', 'c.json'], {}, () => file);
    expect(r.kind === 'ok' && r.config.users[0]!.method).toBe('md5');
    const bad = parseConfig(['--config', 'c.json'], {}, () => JSON.stringify({ users: [{ name: 'x', password: 'p', method: 'trust' }] }));
    expect(bad.kind).toBe('error');
  });

  it('refuses a non-loopback address without users, and accepts it with users', () => {
    const r = parseConfig(['--host', '0.0.0.0'], {}, noFile);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') expect(r.message).toMatch(/refusing to listen on non-loopback address 0\.0\.0\.0/);
    expect(parseConfig(['--host', '0.0.0.0', '--user', 'a:b'], {}, noFile).kind).toBe('ok');
    expect(parseConfig(['--host', '::1'], {}, noFile).kind).toBe('ok');
  });

  it('reports bad input with a message', () => {
    for (const argv of [['--port', 'x'], ['--port', '70000'], ['--nope'], ['--port'], ['--log-level', 'loud'], ['--user', 'nopass'], ['--tls-cert', 'a.pem'], ['--config', 'missing.json']]) {
      const r = parseConfig(argv, {}, noFile);
      expect(r.kind, argv.join(' ')).toBe('error');
    }
    expect(parseConfig(['--config', 'c'], {}, () => '{"bogus":1}').kind).toBe('error');
    expect(parseConfig(['--help'], {}, noFile).kind).toBe('help');
  });
});
