// The real server process over TCP: pg, psql, psycopg2 and pgJDBC clients; lock, security
// defaults, SCRAM/md5, TLS, cancel and graceful shutdown.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import pg from 'pg';
import { startServer, runExpectingFailure, tempDataDir, type RunningServer } from './server.js';

function psql(port: number, sql: string, env: Record<string, string> = {}, extra: string[] = []): { code: number | null; out: string; err: string } {
  const r = spawnSync('psql', ['-X', '-A', '-t', '-h', '127.0.0.1', '-p', String(port), '-U', 'tester', '-d', 'postgres', ...extra, '-c', sql], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, PGCONNECT_TIMEOUT: '10', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Debian's python3-psycopg2 installs for the system interpreter, which a pyenv/venv python3 on
// PATH does not see: prefer /usr/bin/python3 when it exists.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function hasPython(mod: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${mod}`]).status === 0;
}

describe('server process (trust)', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    if (srv.proc.exitCode === null) await srv.stop();
  });

  it('answers node-postgres over TCP', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'tester', database: 'postgres' });
    await c.connect();
    expect((await c.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
    expect((await c.query('SELECT $1::int4 * 3 AS y', [5])).rows).toEqual([{ y: 15 }]);
    await c.end();
  });

  it('answers psql non-interactively', () => {
    const r = psql(srv.port, 'SELECT 1 AS x');
    expect(r.err).toBe('');
    expect(r.out.trim()).toBe('1');
    const e = psql(srv.port, 'SELECT 1/0');
    expect(e.err).toContain('ERROR:  division by zero');
    const multi = psql(srv.port, "SELECT 'a' AS t; SELECT 2");
    expect(multi.out.trim().split('\n')).toEqual(['a', '2']);
  });

  it('answers psycopg2', () => {
    if (!hasPython('psycopg2')) {
      // Locally optional; .ci/run installs it, so under CI a missing client is a failure.
      expect(process.env.CI, 'psycopg2 is missing (apt-get install python3-psycopg2)').toBeFalsy();
      return;
    }
    const code = `
import psycopg2
c = psycopg2.connect(host='127.0.0.1', port=${srv.port}, user='tester', dbname='postgres')
cur = c.cursor()
cur.execute('SELECT %s::int4 + 1', (41,))
print(cur.fetchone()[0])
try:
    cur.execute('SELECT 1/0')
except psycopg2.Error as e:
    print(e.pgcode)
c.rollback()
cur.execute("SELECT 'ok'")
print(cur.fetchone()[0])
c.close()
`;
    const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(['42', '22012', 'ok']);
  });

  it('answers pgJDBC', () => {
    const jar = '/usr/share/java/postgresql.jar';
    if (!existsSync(jar)) {
      expect(process.env.CI, 'pgJDBC is missing (apt-get install libpostgresql-jdbc-java)').toBeFalsy();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-jdbc-'));
    const src = join(dir, 'Probe.java');
    writeFileSync(src, `
import java.sql.*;
public class Probe {
  public static void main(String[] a) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:${srv.port}/postgres", "tester", "")) {
      try (PreparedStatement ps = c.prepareStatement("SELECT ?::int4 * 2")) {
        for (int i = 1; i <= 6; i++) { ps.setInt(1, i); try (ResultSet rs = ps.executeQuery()) { rs.next(); System.out.println(rs.getInt(1)); } }
      }
      try (Statement s = c.createStatement()) {
        try { s.executeQuery("SELECT 1/0"); } catch (SQLException e) { System.out.println(e.getSQLState()); }
      }
    }
  }
}`);
    const r = spawnSync('java', ['-cp', jar, src], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(['2', '4', '6', '8', '10', '12', '22012']);
  });

  it('cancels a running statement through a CancelRequest on a new TCP connection', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'tester', database: 'postgres' });
    await c.connect();
    const started = Date.now();
    const q = c.query('SELECT pg_sleep(5)');
    let settled = false;
    q.then(() => (settled = true), () => (settled = true));
    // A CancelRequest(pid, secret) on a fresh socket, as libpq's PQcancel sends it. A cancel that
    // arrives before the statement started does nothing (as in PostgreSQL), so repeat until it hits.
    const con = c as unknown as { processID: number; secretKey: number };
    const sendCancel = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const s = net.connect(srv.port, '127.0.0.1', () => {
          const b = Buffer.alloc(16);
          b.writeInt32BE(16, 0);
          b.writeInt32BE(80877102, 4);
          b.writeInt32BE(con.processID, 8);
          b.writeInt32BE(con.secretKey, 12);
          s.end(b);
        });
        s.on('close', () => resolve());
        s.on('error', reject);
      });
    for (let i = 0; i < 20 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await sendCancel();
    }
    await expect(q).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await c.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
    await c.end();
  });

  it('serves a query while many idle clients (and a half-open socket) are connected', async () => {
    const idle: pg.Client[] = [];
    for (let i = 0; i < 30; i++) {
      const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'tester', database: 'postgres' });
      await c.connect();
      idle.push(c);
    }
    const mute = net.connect(srv.port, '127.0.0.1'); // never sends its startup packet
    mute.on('error', () => {});
    const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'tester', database: 'postgres' });
    await c.connect();
    const big = await c.query("SELECT repeat('x', 300000) AS a UNION ALL SELECT repeat('y', 300000)");
    expect(big.rows.map((r: { a: string }) => r.a.length)).toEqual([300000, 300000]);
    await c.end();
    mute.destroy();
    await Promise.all(idle.map((x) => x.end()));
  });

  it('refuses a second instance on the same data directory', () => {
    const r = runExpectingFailure([], srv.dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is in use by another pyralog server');
  });

  it('shuts down gracefully on SIGTERM: exit 0, lock removed', async () => {
    const own = await startServer();
    const c = new pg.Client({ host: '127.0.0.1', port: own.port, user: 'tester', database: 'postgres' });
    await c.connect();
    c.on('error', () => {});
    const code = await own.stop('SIGTERM');
    expect(code).toBe(0);
    expect(existsSync(join(own.dataDir, 'pyralog.lock'))).toBe(false);
    expect(own.lines.some((l) => l.includes('"msg":"shut down"'))).toBe(true);
  });
});

describe('graceful shutdown with a running statement', () => {
  it('lets a statement finish within the grace period, then ends the connection with 57P01', async () => {
    const own = await startServer(['--shutdown-grace-ms', '5000']);
    const c = new pg.Client({ host: '127.0.0.1', port: own.port, user: 'tester', database: 'postgres' });
    await c.connect();
    const errors: unknown[] = [];
    c.on('error', (e) => errors.push(e));
    const q = c.query('SELECT pg_sleep(1.5) AS s');
    await new Promise((r) => setTimeout(r, 500)); // well inside the statement
    own.proc.kill('SIGTERM');
    await expect(q).resolves.toMatchObject({ rowCount: 1 });
    expect(await own.exited).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(errors[0]).toMatchObject({ code: '57P01', message: 'terminating connection due to administrator command' });
  });

  it('cancels a statement still running after the grace period', async () => {
    const own = await startServer(['--shutdown-grace-ms', '300']);
    const c = new pg.Client({ host: '127.0.0.1', port: own.port, user: 'tester', database: 'postgres' });
    await c.connect();
    c.on('error', () => {});
    const q = c.query('SELECT pg_sleep(30)');
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    own.proc.kill('SIGTERM');
    await expect(q).rejects.toMatchObject({ code: '57P01', severity: 'FATAL' });
    expect(await own.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('server process start-up checks', () => {
  it('refuses a non-loopback address without users', () => {
    const r = runExpectingFailure(['--host', '0.0.0.0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to listen on non-loopback address 0.0.0.0');
  });
});

describe('server process with users and TLS', () => {
  let srv: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pyralog-tls-'));
    const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(gen.stderr);
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ users: [{ name: 'alice', password: 'wonder' }, { name: 'bob', password: 'builder', method: 'md5' }, { name: 'carol', password: 'clear', method: 'password' }] }));
    srv = await startServer(['--config', cfg, '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], { dataDir: tempDataDir() });
  });
  afterAll(async () => {
    if (srv.proc.exitCode === null) await srv.stop();
  });

  const conf = (user: string, password: string, ssl: boolean | object = false): pg.ClientConfig => ({ host: '127.0.0.1', port: srv.port, user, password, database: 'postgres', ssl: ssl as never });

  it('authenticates with SCRAM-SHA-256 and fails a wrong password with 28P01', async () => {
    const c = new pg.Client(conf('alice', 'wonder'));
    await c.connect();
    expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: 'alice' }]);
    await c.end();
    const bad = new pg.Client(conf('alice', 'nope'));
    await expect(bad.connect()).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "alice"' });
    const ghost = new pg.Client(conf('ghost', 'x'));
    await expect(ghost.connect()).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "ghost"' });
  });

  it('authenticates with md5 and cleartext', async () => {
    for (const [u, p] of [['bob', 'builder'], ['carol', 'clear']] as const) {
      const c = new pg.Client(conf(u, p));
      await c.connect();
      expect((await c.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
      await c.end();
      const bad = new pg.Client(conf(u, p + 'x'));
      await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
    }
  });

  it('upgrades to TLS on SSLRequest (pg and psql sslmode=require)', async () => {
    const c = new pg.Client(conf('alice', 'wonder', { rejectUnauthorized: false }));
    await c.connect();
    const stream = (c as unknown as { connection: { stream: { encrypted?: boolean } } }).connection.stream;
    expect(stream.encrypted).toBe(true);
    expect((await c.query('SELECT 2 AS x')).rows).toEqual([{ x: 2 }]);
    await c.end();
    const r = spawnSync('psql', ['-X', '-A', '-t', `host=127.0.0.1 port=${srv.port} user=alice dbname=postgres sslmode=require`, '-c', 'SELECT 3'], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: 'wonder' }, timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('3');
  });

  it('refuses plaintext bytes sent after SSLRequest before the handshake (CVE-2021-23222)', async () => {
    const got = await new Promise<Buffer>((resolve, reject) => {
      const s = net.connect(srv.port, '127.0.0.1', () => {
        const startup = Buffer.from('00000008' + '00030000', 'hex');
        s.write(Buffer.concat([Buffer.from('0000000804d2162f', 'hex'), startup]));
      });
      let all = Buffer.alloc(0);
      s.on('data', (d: Buffer) => (all = Buffer.concat([all, d])));
      s.on('close', () => resolve(all));
      s.on('error', reject);
    });
    expect(got.subarray(0, 1).toString()).toBe('E'); // the answer is not 'S': no TLS starts
    expect(got.toString('latin1')).toContain('received unencrypted data after SSL request');
  });

  it('offers SCRAM-SHA-256-PLUS over TLS: libpq with channel_binding=require and pg with enableChannelBinding', async () => {
    const r = spawnSync('psql', ['-X', '-A', '-t', `host=127.0.0.1 port=${srv.port} user=alice dbname=postgres sslmode=require channel_binding=require`, '-c', 'SELECT 4'], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: 'wonder' }, timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('4');
    const bad = spawnSync('psql', ['-X', '-A', '-t', `host=127.0.0.1 port=${srv.port} user=alice dbname=postgres sslmode=require channel_binding=require`, '-c', 'SELECT 4'], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: 'nope' }, timeout: 20_000 });
    expect(bad.stderr).toContain('password authentication failed for user "alice"');
    const c = new pg.Client({ ...conf('alice', 'wonder', { rejectUnauthorized: false }), enableChannelBinding: true } as pg.ClientConfig);
    await c.connect();
    expect((await c.query('SELECT 5 AS x')).rows).toEqual([{ x: 5 }]);
    await c.end();
    // Without TLS there is nothing to bind to: libpq refuses rather than downgrade.
    const plain = spawnSync('psql', ['-X', '-A', '-t', `host=127.0.0.1 port=${srv.port} user=alice dbname=postgres sslmode=disable channel_binding=require`, '-c', 'SELECT 4'], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: 'wonder' }, timeout: 20_000 });
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).toContain('channel binding');
  });
});
