// Temporary tables end to end over TCP (real server, two `pg` clients): the other session never
// sees them, they go when their session disconnects, and a server killed with SIGKILL does not
// bring them back at the next start. Expected errors were produced by PostgreSQL 15.
import { describe, it, expect, afterEach } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from './server.js';

describe('temporary tables over the wire', () => {
  let srv: RunningServer | undefined;
  const clients: pg.Client[] = [];
  const connect = async (s: RunningServer): Promise<pg.Client> => {
    const c = new pg.Client({ host: '127.0.0.1', port: s.port, user: 'tester', database: 'postgres' });
    await c.connect();
    clients.push(c);
    return c;
  };
  const code = (p: Promise<unknown>): Promise<string | undefined> => p.then(() => 'ok', (e: { code?: string }) => e.code);

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    await srv?.stop();
    srv = undefined;
  });

  it('is private to its session and dropped when that session disconnects', async () => {
    srv = await startServer();
    const a = await connect(srv);
    const b = await connect(srv);
    await a.query('CREATE TABLE t (v text)');
    await a.query("INSERT INTO t VALUES ('permanent')");
    await a.query('CREATE TEMP TABLE t (v text, id serial PRIMARY KEY)');
    await a.query("INSERT INTO t (v) VALUES ('temporary')");
    expect((await a.query('SELECT v FROM t')).rows).toEqual([{ v: 'temporary' }]);
    expect((await b.query('SELECT v FROM t')).rows).toEqual([{ v: 'permanent' }]);
    expect(await code(b.query('SELECT * FROM pg_temp_1.t'))).toBe('0A000'); // cannot access temporary tables of other sessions
    await a.end();
    // The drop runs once the server notices the disconnect.
    let gone: string | undefined;
    for (let i = 0; i < 300 && gone !== '42P01'; i++) {
      gone = await code(b.query('SELECT * FROM pg_temp_1.t'));
      if (gone !== '42P01') await new Promise((r) => setTimeout(r, 20));
    }
    expect(gone).toBe('42P01');
    expect((await b.query('SELECT v FROM t')).rows).toEqual([{ v: 'permanent' }]);
  }, 30_000);

  it('does not survive a crash and restart', async () => {
    srv = await startServer();
    const dataDir = srv.dataDir;
    const a = await connect(srv);
    a.on('error', () => undefined); // the kill ends the connection
    await a.query('CREATE TEMP TABLE crash (v int PRIMARY KEY)');
    await a.query('INSERT INTO crash VALUES (1)');
    await srv.stop('SIGKILL');
    clients.splice(0);
    srv = await startServer([], { dataDir });
    const b = await connect(srv);
    expect(await code(b.query('SELECT * FROM pg_temp_1.crash'))).toBe('42P01');
    expect(await code(b.query('SELECT * FROM crash'))).toBe('42P01');
    await b.query('CREATE TEMP TABLE crash (v int PRIMARY KEY)');
    expect((await b.query('SELECT count(*)::int AS n FROM crash')).rows).toEqual([{ n: 0 }]);
  }, 30_000);
});
