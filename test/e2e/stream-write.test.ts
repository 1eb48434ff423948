// INSERT … SELECT and CREATE TABLE AS pull their query through the streaming cursor
// (planner/dml/insert-stream.ts): more rows than the collected cap (lowered with
// `pyralog.result_rows_max`) are written, an INSERT reading its own target still reads it as of
// the statement start (Halloween protection), an error in the middle leaves nothing, and rows
// imported from an external Parquet table equal DuckDB's.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oracleRows, startServer, textRows, type ServerFixture } from '../external/pushdown-fixture.js';

let f: ServerFixture;
const q = (sql: string): Promise<unknown[][]> => textRows(f.client, sql);
const ROWS = 12_000;
const CAP = 1000;

beforeAll(async () => {
  f = await startServer('pyralog-stream-write-');
  await f.oracle.run(`COPY (SELECT range::INTEGER AS id, (range % 50)::INTEGER AS g, (range * 3 % 1001)::BIGINT AS v, 'n' || range::VARCHAR AS name FROM range(${ROWS})) TO '${join(f.root, 'w.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await f.client.query(`CREATE EXTERNAL TABLE w STORED AS PARQUET LOCATION '${join(f.root, 'w.parquet')}'`);
}, 120_000);

afterAll(async () => {
  await f?.close();
});

async function capped<T>(body: () => Promise<T>): Promise<T> {
  await f.client.query(`SET pyralog.result_rows_max = ${CAP}`);
  try {
    return await body();
  } finally {
    await f.client.query('RESET pyralog.result_rows_max');
  }
}

const count = async (t: string): Promise<number> => Number((await q(`SELECT count(*) FROM ${t}`))[0]![0]);

describe('statements that consume a query stream it', () => {
  it('INSERT … SELECT and CREATE TABLE AS of more rows than the collected cap', async () => {
    await f.client.query('CREATE TABLE src (id int PRIMARY KEY, v text)');
    await f.client.query(`INSERT INTO src SELECT x, 'v' || x FROM generate_series(1, ${ROWS}) x`);
    await capped(async () => {
      // The cap is real: a collected result of the same rows fails (a materialized CTE body; and
      // an INSERT whose source reads its own target, which is collected for Halloween protection).
      await expect(q('WITH m AS MATERIALIZED (SELECT * FROM src) SELECT * FROM m')).rejects.toMatchObject({ code: '53200' });
      await expect(q('INSERT INTO src SELECT id + 100000, v FROM src')).rejects.toMatchObject({ code: '53200' });
      await f.client.query('CREATE TABLE dst (id int PRIMARY KEY, v text)');
      const ins = await f.client.query('INSERT INTO dst SELECT id, v FROM src WHERE id % 2 = 0');
      expect(ins.command).toBe('INSERT');
      expect(ins.rowCount).toBe(ROWS / 2);
      const ctas = await f.client.query('CREATE TABLE dst2 AS SELECT id, v FROM src');
      expect(ctas.command).toBe('SELECT');
      expect(ctas.rowCount).toBe(ROWS);
      // generate_series is a streamed source too (no table read at all).
      const gs = await f.client.query(`INSERT INTO dst SELECT x, 'g' FROM generate_series(${ROWS + 1}, ${ROWS * 2}) x`);
      expect(gs.rowCount).toBe(ROWS);
    });
    expect(await count('dst')).toBe(ROWS / 2 + ROWS);
    expect(await count('dst2')).toBe(ROWS);
    expect(await q('SELECT sum(id)::text, min(v), max(v) FROM dst2')).toEqual(await q('SELECT sum(id)::text, min(v), max(v) FROM src'));
  });

  it('INSERT INTO t SELECT * FROM t doubles t exactly once (also through a view and a subquery)', async () => {
    await f.client.query('CREATE TABLE dbl (x int)');
    await f.client.query('INSERT INTO dbl SELECT g FROM generate_series(1, 3000) g');
    const r = await f.client.query('INSERT INTO dbl SELECT * FROM dbl');
    expect(r.rowCount).toBe(3000);
    expect(await count('dbl')).toBe(6000);
    await f.client.query('CREATE VIEW dblv AS SELECT x FROM dbl WHERE x > 2000');
    expect((await f.client.query('INSERT INTO dbl SELECT x FROM dblv')).rowCount).toBe(2000);
    expect(await count('dbl')).toBe(8000);
    // A correlated NOT EXISTS over the target: every source row is checked against the table
    // as of the statement start, so duplicates in the source are all inserted (PostgreSQL).
    await f.client.query('CREATE TABLE ne_t (k int)');
    await f.client.query('CREATE TABLE ne_s (k int)');
    await f.client.query('INSERT INTO ne_s VALUES (1), (1), (2), (2), (3)');
    await f.client.query('INSERT INTO ne_t VALUES (3)');
    const ne = await f.client.query('INSERT INTO ne_t SELECT k FROM ne_s s WHERE NOT EXISTS (SELECT 1 FROM ne_t t WHERE t.k = s.k)');
    expect(ne.rowCount).toBe(4);
    // The same past the first batch (4096 rows): the subquery is a point get per source row,
    // which must not see the rows inserted before it — so the late duplicate fails, as in
    // PostgreSQL.
    await f.client.query('CREATE TABLE ne_pk (k int PRIMARY KEY)');
    await f.client.query('CREATE TABLE ne_s2 (k int)');
    await f.client.query('INSERT INTO ne_s2 SELECT x FROM generate_series(5, 6000) x');
    await f.client.query('INSERT INTO ne_s2 VALUES (1), (2), (3), (4), (5)');
    await f.client.query('INSERT INTO ne_pk VALUES (3)');
    await expect(q('INSERT INTO ne_pk SELECT k FROM ne_s2 s WHERE NOT EXISTS (SELECT 1 FROM ne_pk t WHERE t.k = s.k)')).rejects.toMatchObject({
      code: '23505', detail: 'Key (k)=(5) already exists.',
    });
    expect(await q('SELECT k FROM ne_pk')).toEqual([['3']]);
  });

  it('an error in the middle of the source leaves nothing inserted', async () => {
    await f.client.query('CREATE TABLE mid (x int)');
    await capped(async () => {
      // 1/(x - 9000) fails at row 9000, after several batches were written.
      await expect(q(`INSERT INTO mid SELECT 1 / (x - 9000) FROM generate_series(1, ${ROWS}) x`)).rejects.toMatchObject({ code: '22012' });
      await expect(q(`CREATE TABLE mid2 AS SELECT 1 / (x - 9000) AS y FROM generate_series(1, ${ROWS}) x`)).rejects.toMatchObject({ code: '22012' });
      // A unique violation in the middle: PostgreSQL's message, nothing kept.
      await f.client.query('CREATE TABLE midk (k int PRIMARY KEY)');
      await f.client.query('INSERT INTO midk VALUES (7000)');
      await expect(q(`INSERT INTO midk SELECT x FROM generate_series(1, ${ROWS}) x`)).rejects.toMatchObject({
        code: '23505', message: 'duplicate key value violates unique constraint "midk_pkey"', detail: 'Key (k)=(7000) already exists.',
      });
    });
    expect(await count('mid')).toBe(0);
    expect(await q("SELECT count(*) FROM pg_class WHERE relname = 'mid2'")).toEqual([['0']]);
    expect(await count('midk')).toBe(1);
  });

  it('CREATE TABLE AS by segment ingest: visible in its transaction, gone on ROLLBACK; temporary tables by rows', async () => {
    await capped(async () => {
      await f.client.query('BEGIN');
      try {
        expect((await f.client.query(`CREATE TABLE cin AS SELECT x AS id, 'r' || x AS v FROM generate_series(1, ${ROWS}) x`)).rowCount).toBe(ROWS);
        await f.client.query("INSERT INTO cin VALUES (0, 'zero')");
        expect(await q('SELECT count(*), min(id), max(id), sum(length(v)) FROM cin')).toEqual(
          await q(`SELECT count(*), min(x), max(x), sum(length(v)) FROM (SELECT x, 'r' || x AS v FROM generate_series(1, ${ROWS}) x UNION ALL SELECT 0, 'zero') s`),
        );
      } finally {
        await f.client.query('ROLLBACK');
      }
      await expect(q('SELECT 1 FROM cin')).rejects.toMatchObject({ code: '42P01' });
      const t = await f.client.query(`CREATE TEMP TABLE ctmp AS SELECT x FROM generate_series(1, ${ROWS}) x`);
      expect(t.rowCount).toBe(ROWS);
    });
    expect(await count('ctmp')).toBe(ROWS);
  });

  it('ON CONFLICT and RETURNING over a streamed source', async () => {
    await f.client.query('CREATE TABLE oc (k int PRIMARY KEY, n int)');
    await f.client.query('INSERT INTO oc SELECT x, 0 FROM generate_series(1, 5000, 2) x');
    await capped(async () => {
      const r = await f.client.query(`INSERT INTO oc SELECT x, 1 FROM generate_series(1, 6000) x ON CONFLICT (k) DO UPDATE SET n = oc.n + 10`);
      expect(r.rowCount).toBe(6000);
      const n = await f.client.query(`INSERT INTO oc SELECT x, 1 FROM generate_series(1, 7000) x ON CONFLICT DO NOTHING`);
      expect(n.rowCount).toBe(1000);
      const ret = await f.client.query('INSERT INTO oc SELECT x, 2 FROM generate_series(7001, 7005) x RETURNING k');
      expect(ret.rows.map((x) => x.k)).toEqual([7001, 7002, 7003, 7004, 7005]);
    });
    expect(await q('SELECT n, count(*) FROM oc GROUP BY n ORDER BY n')).toEqual([['1', '4500'], ['2', '5'], ['10', '2500']]);
  });

  it('INSERT INTO native SELECT … FROM external: the rows equal DuckDB\'s', async () => {
    await f.client.query('CREATE TABLE imp (id int, g int, v bigint, name text)');
    await capped(async () => {
      const r = await f.client.query('INSERT INTO imp SELECT * FROM w');
      expect(r.rowCount).toBe(ROWS);
      const c = await f.client.query('CREATE TABLE imp2 AS SELECT id, v FROM w WHERE g < 10');
      expect(c.rowCount).toBe(ROWS / 5);
      // A placement B source (external joined with native) streams too.
      const j = await f.client.query('INSERT INTO imp SELECT w.id, w.g, w.v, s.v FROM w JOIN src s ON s.id = w.id WHERE w.g = 3');
      expect(j.rowCount).toBe(ROWS / 50);
    });
    const want = await oracleRows(f.oracle, `SELECT id::VARCHAR, g::VARCHAR, v::VARCHAR, name FROM '${join(f.root, 'w.parquet')}' ORDER BY id`);
    expect(await q('SELECT id, g, v, name FROM imp WHERE name LIKE \'n%\' ORDER BY id')).toEqual(want);
    expect(await q('SELECT count(*) FROM imp2')).toEqual([[String(ROWS / 5)]]);
  });
});
