// Relational results over external tables stream to the client too (planner/rel/rel-cursor-fetch.ts):
// the scans are set up (streamed from DuckDB or fetched first) when the cursor opens, the rows
// go out as they are pulled, and what was set up is released when the cursor ends, fails or is
// detached. Caps lowered (`pyralog.result_rows_max`, `pyralog.external_rows_max`) instead of
// generating millions of rows; every answer is compared with the same statement over a native
// copy of the rows.
import { join } from 'node:path';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, textRows, type ServerFixture } from '../external/pushdown-fixture.js';
import { compact, dataRows, Raw } from './stream-raw.js';

let f: ServerFixture;
let port: number;
const q = (sql: string): Promise<unknown[][]> => textRows(f.client, sql);
const ROWS = 12_000;

beforeAll(async () => {
  f = await startServer('pyralog-stream-ext-');
  port = (f.client as unknown as { port: number }).port;
  await f.oracle.run(`COPY (SELECT range::INTEGER AS id, (range % 50)::INTEGER AS g, (range * 3 % 1001)::BIGINT AS v FROM range(${ROWS})) TO '${join(f.root, 'e.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await f.client.query(`CREATE EXTERNAL TABLE e STORED AS PARQUET LOCATION '${join(f.root, 'e.parquet')}'`);
  await f.client.query('CREATE TABLE ne (id int, g int, v bigint)');
  await f.client.query('INSERT INTO ne SELECT * FROM e');
  await f.client.query('CREATE TABLE gs (g int PRIMARY KEY, label text)');
  await f.client.query("INSERT INTO gs SELECT x, 'g' || x FROM generate_series(0, 49) x");
}, 120_000);

afterAll(async () => {
  await f?.close();
});

const sorted = (rows: unknown[][]): unknown[][] => [...rows].sort((a, b) => Number(a[0]) - Number(b[0]));

describe('external rows stream to the client', () => {
  it('past both caps: placement A, a streamed join (placement B), an aggregate over it', async () => {
    await f.client.query('SET pyralog.result_rows_max = 1000');
    await f.client.query('SET pyralog.external_rows_max = 1000');
    try {
      expect((await q('SELECT * FROM e')).length).toBe(ROWS);
      const join = 'SELECT X.id, X.v, gs.label FROM X JOIN gs ON gs.g = X.g WHERE X.v % 2 = 0';
      const got = sorted(await q(join.replace(/\bX\b/g, 'e')));
      expect(got.length).toBeGreaterThan(1000);
      expect(got).toEqual(sorted(await q(join.replace(/\bX\b/g, 'ne'))));
      // A CTE read once by the main query is inlined (as PostgreSQL 12+ does): its scan streams.
      const cte = 'WITH x AS (SELECT id, g, v FROM X WHERE v > 10) SELECT x.id, x.v, gs.label FROM x JOIN gs ON gs.g = x.g';
      const viaCte = sorted(await q(cte.replace(/\bX\b/g, 'e')));
      expect(viaCte.length).toBeGreaterThan(1000);
      // The native twin: NOT MATERIALIZED inlines it (a native body stays materialized by default,
      // and a materialized body is a collected result: the lowered cap would stop it).
      expect(viaCte).toEqual(sorted(await q(cte.replace('x AS', 'x AS NOT MATERIALIZED').replace(/\bX\b/g, 'ne'))));
      await expect(q(cte.replace(/\bX\b/g, 'ne'))).rejects.toMatchObject({ code: '53200' });
      // MATERIALIZED keeps the body materialized: its scan is fetched first and meets the cap.
      await expect(q(cte.replace('x AS', 'x AS MATERIALIZED').replace(/\bX\b/g, 'e'))).rejects.toMatchObject({ code: '53200' });
      // An external scan that cannot stream (inside an expression's subquery) is still fetched first.
      await expect(q('SELECT g FROM gs WHERE g IN (SELECT g FROM e)')).rejects.toMatchObject({ code: '53200' });
    } finally {
      await f.client.query('RESET pyralog.result_rows_max');
      await f.client.query('RESET pyralog.external_rows_max');
    }
  });

  it('a portal over streamed external rows, with other statements of the session in between', async () => {
    const r = await Raw.open(port);
    try {
      const sql = 'SELECT e.id, e.v, gs.label FROM e JOIN gs ON gs.g = e.g WHERE e.id % 3 = 0';
      const want = sorted(await q(sql.replace(/\be\./g, 'ne.').replace('FROM e JOIN', 'FROM ne JOIN')));
      expect(want.length).toBe(ROWS / 3);
      await r.run(serialize.query('BEGIN'));
      let ms = await r.run(serialize.parse({ name: 'x', text: sql }), serialize.bind({ statement: 'x', portal: 'a' }), serialize.execute({ portal: 'a', rows: 10 }), serialize.sync());
      expect(compact(ms)).toEqual(['parseComplete', 'bindComplete', 'dataRow×10', 'portalSuspended', 'readyForQuery']);
      const got = dataRows(ms);
      // The same statement again (its external scans are the same objects) and another one.
      ms = await r.run(serialize.bind({ statement: 'x', portal: 'b' }), serialize.execute({ portal: 'b', rows: 0 }), serialize.sync());
      expect(sorted(dataRows(ms))).toEqual(want);
      ms = await r.run(serialize.query('SELECT count(*) FROM e'));
      expect(dataRows(ms)).toEqual([[String(ROWS)]]);
      ms = await r.run(serialize.execute({ portal: 'a', rows: 0 }), serialize.sync());
      got.push(...dataRows(ms));
      expect(sorted(got)).toEqual(want);
      await r.run(serialize.query('COMMIT'));
    } finally {
      r.close();
    }
  });

  it('an error in the middle of external rows: rows, then the error; the streams are released', async () => {
    const r = await Raw.open(port);
    try {
      for (let i = 0; i < 3; i++) {
        const ms = await r.run(serialize.query('SELECT e.id, 10 / (e.id - 7000) FROM e JOIN gs ON gs.g = e.g'));
        expect(ms.find((m) => m.name === 'error')).toMatchObject({ code: '22012' });
        expect(ms.at(-1)).toMatchObject({ name: 'readyForQuery', status: 'I' });
      }
      const ms = await r.run(serialize.query('SELECT count(*), sum(v) FROM e JOIN gs ON gs.g = e.g'));
      expect(dataRows(ms)).toEqual((await q('SELECT count(*), sum(v) FROM ne')).map((x) => x.map(String)));
      // A client that goes away mid-stream: the server keeps answering others.
      const gone = await Raw.open(port);
      const n = gone.msgs.length;
      gone.send(serialize.query('SELECT e.*, gs.label FROM e JOIN gs ON gs.g = e.g'));
      await gone.until((m) => m.slice(n).some((x) => x.name === 'dataRow'));
      gone.close();
      expect(await q('SELECT count(*) FROM e JOIN gs ON gs.g = e.g')).toEqual([[String(ROWS)]]);
    } finally {
      r.close();
    }
  });
});
