// Arrays through the real server process over TCP with node-postgres: array columns written
// with parameters (the client sends JS arrays as text array literals of unknown type), read back
// in text and binary result formats (parsed by pg-types' own array parsers), `= ANY($1)` with an
// array parameter, a server restart in between, and PostgreSQL's errors for malformed input.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from './server.js';

describe('arrays over the wire', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => {
    if (srv.proc.exitCode === null) await srv.stop();
  });

  const client = async (port: number, binary = false): Promise<pg.Client> => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'tester', database: 'postgres', binary });
    await c.connect();
    return c;
  };

  it('stores, queries and returns int[] and text[] columns', async () => {
    const c = await client(srv.port);
    await c.query('CREATE TABLE wire_arr (id int PRIMARY KEY, a int[], t text[])');
    await c.query('INSERT INTO wire_arr VALUES ($1, $2, $3)', [1, [1, 2, null], ['x', 'a b', null, '{"}']]);
    await c.query('INSERT INTO wire_arr VALUES ($1, $2, $3)', [2, [[1, 2], [3, 4]], []]);
    await c.query("INSERT INTO wire_arr VALUES (3, ARRAY[7], '{q}')");
    const r = await c.query('SELECT id, a, t, a[1] AS first FROM wire_arr ORDER BY id');
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([23, 1007, 1009, 23]);
    expect(r.rows).toEqual([
      { id: 1, a: [1, 2, null], t: ['x', 'a b', null, '{"}'], first: 1 },
      { id: 2, a: [[1, 2], [3, 4]], t: [], first: null },
      { id: 3, a: [7], t: ['q'], first: 7 },
    ]);
    const any = await c.query('SELECT id FROM wire_arr WHERE id = ANY($1) ORDER BY id', [[1, 3, 99]]);
    expect(any.rows).toEqual([{ id: 1 }, { id: 3 }]);
    const agg = await c.query('SELECT array_agg(id ORDER BY id DESC) AS ids FROM wire_arr WHERE a @> $1', [[1]]);
    expect(agg.rows).toEqual([{ ids: [2, 1] }]);
    await c.end();
  });

  it('sends arrays in the binary result format', async () => {
    // (pg-types' binary array parser reads NULL elements as NaN, so the arrays here have none.)
    const c = await client(srv.port, true);
    try {
      const r = await c.query('SELECT a, t FROM wire_arr WHERE id = $1', [3]);
      expect(r.rows).toEqual([{ a: [7], t: ['q'] }]);
      const m = await c.query("SELECT '{{1,2},{3,4}}'::int8[] AS b, ARRAY['x', 'yz'] AS s");
      expect(m.rows).toEqual([{ b: [['1', '2'], ['3', '4']], s: ['x', 'yz'] }]);
    } finally {
      await c.end();
    }
  });

  it("answers PostgreSQL's errors", async () => {
    const c = await client(srv.port);
    const err = await c.query("SELECT '{1,2'::int[]").catch((e: unknown) => e as { code: string; message: string; detail: string });
    expect(err).toMatchObject({ code: '22P02', message: 'malformed array literal: "{1,2"', detail: 'Unexpected end of input.' });
    const mixed = await c.query('SELECT ARRAY[1, true]').catch((e: unknown) => e as { code: string; message: string });
    expect(mixed).toMatchObject({ code: '42804', message: 'ARRAY types integer and boolean cannot be matched' });
    const dims = await c.query('SELECT ARRAY[ARRAY[1], ARRAY[1, 2]]').catch((e: unknown) => e as { code: string; message: string });
    expect(dims).toMatchObject({ code: '2202E', message: 'multidimensional arrays must have array expressions with matching dimensions' });
    await c.end();
  });

  it('keeps array columns across a restart', async () => {
    await srv.stop();
    srv = await startServer([], { dataDir: srv.dataDir });
    const c = await client(srv.port);
    const r = await c.query('SELECT id, a, t FROM wire_arr ORDER BY id');
    expect(r.rows).toEqual([
      { id: 1, a: [1, 2, null], t: ['x', 'a b', null, '{"}'] },
      { id: 2, a: [[1, 2], [3, 4]], t: [] },
      { id: 3, a: [7], t: ['q'] },
    ]);
    await c.end();
  });
});
