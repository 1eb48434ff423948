// Column aliases (`t AS x(a, b)`) over external and native tables: the scans fetch/decode only
// the columns a statement names, and an alias with a column list renames columns out of sight of
// that name analysis, so such a statement must read every column (a regression: `x.b` read NULL
// because the table's second column was never fetched). Every answer is compared between the
// external table and a native table holding the same rows.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, textRows, type ServerFixture } from './pushdown-fixture.js';

let f: ServerFixture;
const q = (sql: string): Promise<unknown[][]> => textRows(f.client, sql, []);

beforeAll(async () => {
  f = await startServer('pyralog-colalias-');
  const dir = join(f.root, 'ca');
  mkdirSync(dir);
  await f.oracle.run(`COPY (SELECT range::INTEGER AS id, 'n' || range AS name, (range * 3)::BIGINT AS v FROM range(50)) TO '${join(dir, 'a.parquet')}' (FORMAT parquet)`);
  await f.client.query(`CREATE EXTERNAL TABLE ca STORED AS PARQUET LOCATION '${dir}'`);
  await f.client.query('CREATE TABLE na (id int, name text, v bigint)');
  await f.client.query('INSERT INTO na SELECT * FROM ca');
}, 120_000);

afterAll(async () => {
  await f?.close();
});

const QUERIES = [
  'SELECT x.a, x.b FROM T AS x(a, b) WHERE x.a < 3 ORDER BY 1',
  'SELECT x.c FROM T AS x(a, b, c) WHERE x.a = 7',
  'SELECT b, count(*) FROM T x(a, b) GROUP BY b ORDER BY b LIMIT 3',
  'SELECT y.k, x.b FROM T x(a, b) JOIN (VALUES (4), (5)) y(k) ON x.a = y.k ORDER BY 1',
  'SELECT s.p FROM (SELECT name, id FROM T) s(p, q) WHERE s.q = 9',
];

describe('column aliases read the renamed columns', () => {
  for (const sql of QUERIES) {
    it(sql, async () => {
      const ext = await q(sql.replace(/\bT\b/, 'ca'));
      const nat = await q(sql.replace(/\bT\b/, 'na'));
      expect(ext).toEqual(nat);
      expect(ext.length).toBeGreaterThan(0);
      expect(ext.flat().every((v) => v !== null)).toBe(true);
    });
  }
});
