// Relational results stream to the client (planner/rel/rel-cursor.ts): rows are pulled from the
// operator tree as the wire sends them, so a result is never held whole. Over TCP with `pg` and
// raw pg-protocol frames: a result larger than the collected path's cap
// (`SET pyralog.result_rows_max`, lowered here instead of generating millions of rows), an error
// in the middle of a result (the rows before it, then ErrorResponse), CancelRequest while the
// client is not reading, portals suspended by Execute's row limit with other statements of the
// same transaction in between (the portal keeps its snapshot), and the same rows as the
// collected path for a broad set of queries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../planner/index.js';
import type { Engine } from '../../planner/api.js';
import { PgServer } from '../../wire/index.js';
import { Logger } from '../../wire/log.js';
import { compact, dataRows, Raw } from './stream-raw.js';
import { sendCancel } from './locks-clients.js';

let base: string;
let engine: Engine;
let server: PgServer;
let port: number;
let client: pg.Client;
const ROWS = 5000;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'pyralog-stream-rel-'));
  engine = await createEngine({ dataDir: join(base, 'data') });
  server = new PgServer({
    engine, log: new Logger('off'), users: [], maxConnections: 10, maxMessageBytes: 1 << 20,
    logMinDurationMs: -1, authTimeoutMs: 10_000, tls: undefined,
  });
  port = await server.listen(0, '127.0.0.1');
  client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  await client.query('CREATE TABLE t (k int PRIMARY KEY, g int, v bigint, name text)');
  await client.query(`INSERT INTO t SELECT x, x % 7, x * 13 % 101, 'n' || (x % 37) FROM generate_series(0, ${ROWS - 1}) x`);
  await client.query('CREATE TABLE s (id int PRIMARY KEY, g int, w text)');
  await client.query("INSERT INTO s SELECT x, x % 5, 'w' || x FROM generate_series(0, 99) x");
}, 60_000);

afterAll(async () => {
  await client?.end();
  await server?.close(1000);
  await engine?.close();
  rmSync(base, { recursive: true, force: true });
});

async function rows(c: pg.Client, sql: string): Promise<unknown[][]> {
  const r = await c.query({ text: sql, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } } as pg.QueryConfig);
  return r.rows as unknown[][];
}

describe('relational results stream', () => {
  it('a result larger than the collected cap streams without 53200; the collected path meets it', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      await c.query('SET pyralog.result_rows_max = 1000');
      const got = await rows(c, 'SELECT k, v FROM t');
      expect(got.length).toBe(ROWS);
      expect(got[4321]).toEqual(['4321', String(4321 * 13 % 101)]);
      // Also through a filter, a join and the extended protocol.
      const r = await c.query({ text: 'SELECT t.k, s.w FROM t JOIN s ON s.id = t.k % 100 WHERE t.g <> $1', values: [3], rowMode: 'array' });
      expect(r.rows.length).toBe(ROWS - Math.ceil((ROWS - 3) / 7));
      expect(r.rowCount).toBe(r.rows.length);
      // A UNION ALL of relational branches streams too (an Append).
      expect((await rows(c, 'SELECT k FROM t UNION ALL SELECT id FROM s')).length).toBe(ROWS + 100);
      // A CTE body is still collected: the lowered cap applies there.
      await expect(c.query('WITH x AS (SELECT * FROM t) SELECT count(*) FROM x')).rejects.toMatchObject({ code: '53200' });
      expect(await rows(c, 'WITH x AS (SELECT * FROM t WHERE k < 1000) SELECT count(*) FROM x')).toEqual([['1000']]);
    } finally {
      await c.end();
    }
  });

  it('an error in the middle of a result: the rows before it, then ErrorResponse; the transaction is aborted', async () => {
    const r = await Raw.open(port);
    try {
      let ms = await r.run(serialize.query('SELECT k, 10 / (k - 3000) AS x FROM t'));
      expect(compact(ms)).toEqual(['rowDescription', 'dataRow×3000', 'error', 'readyForQuery']);
      expect(ms.find((m) => m.name === 'error')).toMatchObject({ code: '22012', message: 'division by zero' });
      expect(dataRows(ms)[2999]).toEqual(['2999', '-10']);
      // Extended protocol, inside a block: rows, error, the block fails (25P02 afterwards).
      await r.run(serialize.query('BEGIN'));
      ms = await r.run(serialize.parse({ text: 'SELECT k FROM t WHERE 1 / (k - 10) IS NOT NULL' }), serialize.bind({}), serialize.execute({}), serialize.sync());
      expect(compact(ms)).toEqual(['parseComplete', 'bindComplete', 'dataRow×10', 'error', 'readyForQuery']);
      expect(ms.at(-1)).toMatchObject({ status: 'E' });
      ms = await r.run(serialize.query('SELECT 1'));
      expect(ms[0]).toMatchObject({ name: 'error', code: '25P02' });
      await r.run(serialize.query('ROLLBACK'));
      ms = await r.run(serialize.query('SELECT count(*) FROM t'));
      expect(dataRows(ms)).toEqual([[String(ROWS)]]);
    } finally {
      r.close();
    }
  });

  it('CancelRequest interrupts a streaming statement whose client stopped reading; the session keeps working', async () => {
    const r = await Raw.open(port);
    try {
      const key = r.msgs.find((m) => m.name === 'backendKeyData')!;
      const start = r.msgs.length;
      // ~100 MB of rows: far more than the socket buffers hold, so the server waits for the client.
      r.send(serialize.query("SELECT g, repeat('x', 1000) FROM generate_series(1, 100000) g"));
      await r.until((m) => m.slice(start).some((x) => x.name === 'dataRow'));
      r.sock.pause();
      await sendCancel(port, key);
      r.sock.resume();
      await r.ready(2);
      const ms = r.msgs.slice(start);
      const n = dataRows(ms).length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(100000);
      expect(ms.find((m) => m.name === 'error')).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
      const after = await r.run(serialize.query('SELECT count(*) FROM t'));
      expect(dataRows(after)).toEqual([[String(ROWS)]]);
    } finally {
      r.close();
    }
  });

  it('a client that disconnects mid-stream: the server keeps serving others', async () => {
    const r = await Raw.open(port);
    const start = r.msgs.length;
    r.send(serialize.query("SELECT g, repeat('y', 1000) FROM generate_series(1, 100000) g"));
    await r.until((m) => m.slice(start).some((x) => x.name === 'dataRow'));
    r.close();
    expect(await rows(client, 'SELECT count(*), sum(v) FROM t')).toEqual([[String(ROWS), String(sumV())]]);
  });
});

function sumV(): number {
  let s = 0;
  for (let x = 0; x < ROWS; x++) s += x * 13 % 101;
  return s;
}

describe('portals suspended by a row limit', () => {
  it('keep their snapshot while the same transaction writes between Executes', async () => {
    const r = await Raw.open(port);
    try {
      await r.run(serialize.query('BEGIN'));
      let ms = await r.run(
        // The subquery reads the transaction again for every row (a point get): without the
        // portal's own snapshot it would see the writes below.
        serialize.parse({ name: 'q', text: 'SELECT k, (SELECT t2.v FROM t t2 WHERE t2.k = t.k) AS v FROM t WHERE k < 40' }),
        serialize.bind({ statement: 'q', portal: 'c' }),
        serialize.execute({ portal: 'c', rows: 5 }),
        serialize.sync(),
      );
      expect(compact(ms)).toEqual(['parseComplete', 'bindComplete', 'dataRow×5', 'portalSuspended', 'readyForQuery']);
      // The transaction deletes and updates rows the portal has not returned yet, and inserts one.
      ms = await r.run(serialize.query('DELETE FROM t WHERE k >= 10 AND k < 20; UPDATE t SET v = -1 WHERE k >= 20 AND k < 40; INSERT INTO t VALUES (-1, 0, 0, \'new\')'));
      expect(ms.filter((m) => m.name === 'commandComplete').map((m) => m.text)).toEqual(['DELETE 10', 'UPDATE 20', 'INSERT 0 1']);
      // A second portal of the same statement sees the transaction as it is now.
      ms = await r.run(serialize.bind({ statement: 'q', portal: 'd' }), serialize.execute({ portal: 'd', rows: 3 }), serialize.sync());
      expect(dataRows(ms)).toEqual([['-1', '0'], ['0', '0'], ['1', '13']]);
      // The first portal goes on with the rows of its own snapshot.
      ms = await r.run(serialize.execute({ portal: 'c', rows: 0 }), serialize.sync());
      const rest = dataRows(ms);
      expect(rest.map((x) => x[0])).toEqual(Array.from({ length: 35 }, (_, i) => String(i + 5)));
      expect(rest.every(([k, v]) => v === String(Number(k) * 13 % 101))).toBe(true);
      expect(ms.find((m) => m.name === 'commandComplete')!.text).toBe('SELECT 35');
      ms = await r.run(serialize.execute({ portal: 'd', rows: 0 }), serialize.sync());
      expect(dataRows(ms).length).toBe(20 + 10 - 3 + 1);
      expect(dataRows(ms).slice(-1)).toEqual([['39', '-1']]);
      await r.run(serialize.query('ROLLBACK'));
    } finally {
      r.close();
    }
  });

  it('an implicit transaction\'s portal is closed at Sync; a portal resumed many times returns the collected rows', async () => {
    const r = await Raw.open(port);
    try {
      let ms = await r.run(serialize.parse({ text: 'SELECT k FROM t WHERE k < 10' }), serialize.bind({ portal: 'p' }), serialize.execute({ portal: 'p', rows: 4 }), serialize.sync());
      expect(compact(ms)).toEqual(['parseComplete', 'bindComplete', 'dataRow×4', 'portalSuspended', 'readyForQuery']);
      ms = await r.run(serialize.execute({ portal: 'p', rows: 4 }), serialize.sync());
      expect(ms[0]).toMatchObject({ name: 'error', code: '34000' });
      // Row limit 3 over 10 rows in one Sync: 3, 3, 3, then 1 with its CommandComplete.
      ms = await r.run(
        serialize.parse({ text: 'SELECT k * 2 FROM t WHERE k < 10' }), serialize.bind({}),
        serialize.execute({ rows: 3 }), serialize.execute({ rows: 3 }), serialize.execute({ rows: 3 }), serialize.execute({ rows: 3 }),
        serialize.sync(),
      );
      expect(compact(ms)).toEqual(['parseComplete', 'bindComplete', 'dataRow×3', 'portalSuspended', 'dataRow×3', 'portalSuspended', 'dataRow×3', 'portalSuspended', 'dataRow×1', 'commandComplete', 'readyForQuery']);
      expect(dataRows(ms).map((x) => x[0])).toEqual(['0', '2', '4', '6', '8', '10', '12', '14', '16', '18']);
      expect(ms.find((m) => m.name === 'commandComplete')!.text).toBe('SELECT 1');
    } finally {
      r.close();
    }
  });

  it('an error after a suspension comes with the next Execute', async () => {
    const r = await Raw.open(port);
    try {
      const ms = await r.run(
        serialize.parse({ text: 'SELECT k, 1 / (k - 5) FROM t WHERE k < 10' }), serialize.bind({}),
        serialize.execute({ rows: 5 }), serialize.execute({ rows: 5 }), serialize.sync(),
      );
      expect(compact(ms)).toEqual(['parseComplete', 'bindComplete', 'dataRow×5', 'portalSuspended', 'error', 'readyForQuery']);
      expect(ms.find((m) => m.name === 'error')).toMatchObject({ code: '22012' });
    } finally {
      r.close();
    }
  });
});

describe('the streamed rows equal the collected rows', () => {
  const queries = [
    'SELECT * FROM t',
    'SELECT k, v FROM t WHERE g = 3 ORDER BY v DESC, k',
    'SELECT g, count(*), sum(v), min(name), max(name) FROM t GROUP BY g ORDER BY g',
    'SELECT DISTINCT name FROM t ORDER BY name',
    'SELECT t.k, s.w FROM t JOIN s ON s.id = t.k WHERE t.k % 3 = 0',
    'SELECT s.id, t.k FROM s LEFT JOIN t ON t.k = s.id * 1000 ORDER BY s.id',
    'SELECT k, sum(v) OVER (PARTITION BY g ORDER BY k) FROM t WHERE k < 500',
    'SELECT k, (SELECT w FROM s WHERE s.id = t.k % 100) FROM t WHERE k < 300',
    'SELECT k FROM t WHERE EXISTS (SELECT 1 FROM s WHERE s.id = t.k) ORDER BY k',
    'SELECT x, x * 2 FROM generate_series(1, 3000) x',
    'SELECT * FROM t ORDER BY k LIMIT 17 OFFSET 1234',
    'SELECT u.k FROM (SELECT k FROM t WHERE g = 1 UNION ALL SELECT id FROM s) u',
    'SELECT s.id, x.k FROM s, LATERAL (SELECT k FROM t WHERE t.g = s.g ORDER BY k LIMIT 2) x',
    'SELECT k, generate_series(1, 2) FROM t WHERE k < 100',
    'SELECT g, string_agg(name, \',\' ORDER BY k) FROM t WHERE k < 200 GROUP BY g',
    'SELECT DISTINCT ON (g) g, k FROM t ORDER BY g, k DESC',
    'SELECT k FROM t WHERE g = 1 UNION ALL SELECT id FROM s UNION ALL SELECT k FROM t WHERE k < 10',
  ];
  it('through one Execute, through Execute row limits of 7, and as a collected CTE body', async () => {
    const r = await Raw.open(port);
    try {
      for (const sql of queries) {
        const whole = dataRows(await r.run(serialize.parse({ text: sql }), serialize.bind({}), serialize.execute({}), serialize.sync()));
        const frames = [serialize.parse({ text: sql }), serialize.bind({})];
        for (let i = 0; i <= whole.length / 7 + 1; i++) frames.push(serialize.execute({ rows: 7 }));
        frames.push(serialize.sync());
        const pieces = await r.run(...frames);
        expect(pieces.some((m) => m.name === 'error'), sql).toBe(false);
        expect(dataRows(pieces), sql).toEqual(whole);
        const collected = dataRows(await r.run(serialize.query(`WITH q AS (${sql}) SELECT * FROM q`)));
        expect(collected, sql).toEqual(whole);
        expect(whole.length, sql).toBeGreaterThan(0);
      }
    } finally {
      r.close();
    }
  });
});
