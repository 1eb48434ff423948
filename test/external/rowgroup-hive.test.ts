// A hive-partitioned table read by fragments that name no partition column: DuckDB gets
// `hive_partitioning = false` (no columns built from the paths), and the answers equal DuckDB's
// own over the same files; a point lookup on such a table is read by row number once the kept
// file's key runs exist (files sorted by id, one per partition).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { startTierServer, type TierServer } from './tiers-server.js';

let s: TierServer;
let dir: string;

const ROWS = `SELECT (range + 1)::BIGINT AS id, 'v' || range AS v, (2020 + range // 3000)::INTEGER AS year,
  (1 + (range // 1000) % 3)::INTEGER AS month FROM range(9000) ORDER BY range`;

async function explain(sql: string): Promise<string> {
  return (await s.rows(`EXPLAIN ANALYZE ${sql}`)).map((x) => x[0]).join('\n');
}

async function oracle(sql: string): Promise<unknown[][]> {
  const glob = `read_parquet('${dir}/*/*/*.parquet', hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER})`;
  return (await s.oracleRows(sql.replace('FROM hive', `FROM ${glob}`))).map((r) => r.map((v) => (v === null ? null : String(v))));
}

beforeAll(async () => {
  s = await startTierServer('rowgroup-hive');
  dir = join(s.root, 'hive');
  await s.oracle.run(`COPY (${ROWS}) TO '${dir}' (FORMAT parquet, PARTITION_BY (year, month))`);
  await s.client.query(`CREATE EXTERNAL TABLE hive STORED AS PARQUET LOCATION '${dir}' PARTITIONED BY (year int, month int)`);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

describe('hive tables without partition columns in the fragment', () => {
  it('reads the files without hive partitioning when no partition column is named', async () => {
    for (const sql of ['SELECT id, v FROM hive WHERE id = 4321', 'SELECT count(*) FROM hive', 'SELECT v FROM hive WHERE id > 8990 ORDER BY id']) {
      expect(await s.rows(sql)).toEqual(await oracle(sql));
      expect(await explain(sql)).toContain('hive_partitioning = false');
    }
  });

  it('builds the partition columns when the fragment names one', async () => {
    for (const sql of ['SELECT id, year, month FROM hive WHERE id = 4321', 'SELECT year, count(*) FROM hive GROUP BY year ORDER BY year', 'SELECT count(*) FROM hive WHERE month = 2']) {
      expect(await s.rows(sql)).toEqual(await oracle(sql));
      expect(await explain(sql)).toContain('hive_partitioning = true');
    }
  });

  it('reads a point lookup by row number in the one file left after statistics pruning', async () => {
    let e = '';
    for (let i = 0; i < 200 && !e.includes('file_row_number'); i++) {
      e = await explain('SELECT id, v FROM hive WHERE id = 4321');
      if (!e.includes('file_row_number')) await new Promise((r) => setTimeout(r, 25));
    }
    expect(e).toContain('file_row_number');
    expect(e).toContain('Files: kept 1 of 9');
    for (const id of [4001, 4321, 5000]) {
      expect(await s.rows('SELECT id, v FROM hive WHERE id = $1', [id])).toEqual(await oracle(`SELECT id, v FROM hive WHERE id = ${id}`));
    }
  });
});
