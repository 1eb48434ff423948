// regclass bind parameters through the real server over TCP: node-postgres sends `$1::regclass`
// parameters as text of an unspecified type (the server infers regclass), JDBC-style clients as
// typed regclass in text or binary. The name is resolved with the session's search_path when the
// statement runs, as PostgreSQL 15's regclassin does at Bind (outputs recorded from PostgreSQL 15).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from './server.js';

describe('regclass bind parameters over the wire', () => {
  let srv: RunningServer;
  let c: pg.Client;
  beforeAll(async () => {
    srv = await startServer();
    c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'tester', database: 'postgres' });
    await c.connect();
    await c.query('CREATE TABLE pt (a int)');
    await c.query('CREATE SCHEMA other');
    await c.query('CREATE TABLE other.ot (b int)');
  });
  afterAll(async () => {
    await c.end();
    if (srv.proc.exitCode === null) await srv.stop();
  });

  it('resolves names along the search_path, qualified names and case folding', async () => {
    expect((await c.query('SELECT relname FROM pg_class WHERE oid = $1::regclass', ['pt'])).rows).toEqual([{ relname: 'pt' }]);
    expect((await c.query('SELECT relname FROM pg_class WHERE oid = $1::regclass', ['other.ot'])).rows).toEqual([{ relname: 'ot' }]);
    expect((await c.query('SELECT $1::regclass::text AS t', ['PT'])).rows).toEqual([{ t: 'pt' }]);
    // A parameter of type regclass output as is (psql's \d sends oids; drivers send names).
    expect((await c.query({ text: 'SELECT $1::regclass AS r', values: ['other.ot'] })).rows).toEqual([{ r: 'other.ot' }]);
    await c.query('SET search_path = other, public');
    expect((await c.query('SELECT $1::regclass::text AS t', ['ot'])).rows).toEqual([{ t: 'ot' }]);
    await c.query('RESET search_path');
  });

  it('an unknown name is 42P01 and a malformed one 42602, and the session goes on', async () => {
    const e = await c.query('SELECT $1::regclass::oid', ['ot']).catch((x: unknown) => x as { code: string; message: string });
    expect(e).toMatchObject({ code: '42P01', message: 'relation "ot" does not exist' });
    const s = await c.query('SELECT $1::regclass::oid', ['a.']).catch((x: unknown) => x as { code: string; message: string });
    expect(s).toMatchObject({ code: '42602', message: 'invalid name syntax' });
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
