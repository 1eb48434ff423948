// EXPLAIN over external Parquet tables (issue 5): the external scan's own lines — placement
// (DuckDB), the pushed filter, partitions/files kept, the generated DuckDB SQL after a run —
// appear in the plan next to native nodes, in TEXT and JSON, with ANALYZE counts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, startServer, textRows, type ServerFixture } from '../external/pushdown-fixture.js';

let f: ServerFixture;
const plan = async (sql: string): Promise<string[]> => (await f.client.query(sql)).rows.map((r: Record<string, unknown>) => String(r['QUERY PLAN']));

beforeAll(async () => {
  f = await startServer('pyralog-explain-ext-');
  const hive = join(f.root, 'hive');
  await f.oracle.run(`COPY (SELECT *, year(day) AS year, month(day) AS month FROM (${DATA})) TO '${hive}' (FORMAT parquet, PARTITION_BY (year, month))`);
  await f.client.query(`CREATE EXTERNAL TABLE hive STORED AS PARQUET LOCATION '${hive}' PARTITIONED BY (year int, month int)`);
  await f.client.query('CREATE TABLE nat (id int PRIMARY KEY, k int)');
  await f.client.query('INSERT INTO nat SELECT g, g * 2 FROM generate_series(0, 40) g');
}, 120_000);

afterAll(async () => {
  await f?.close();
});

describe('EXPLAIN of external scans', () => {
  it('shows placement and the pushed filter, and keeps the native recheck as Filter', async () => {
    const lines = await plan('EXPLAIN (COSTS OFF) SELECT id FROM hive WHERE year = 2023 AND id > 5');
    expect(lines[0]).toBe('Foreign Scan on hive (DuckDB)');
    expect(lines).toContain('  Pushed Filter: (year = 2023) AND (id > 5)');
    expect(lines).toContain('  Filter: ((year = 2023) AND (id > 5))');
  });

  it('ANALYZE of a hybrid join adds partitions/files kept, the DuckDB SQL and exact row counts', async () => {
    const [[n]] = await textRows(f.client, 'SELECT count(*) FROM hive WHERE year = 2023 AND id > 5');
    const [[joined]] = await textRows(f.client, 'SELECT count(*) FROM hive h JOIN nat ON nat.id = h.id WHERE year = 2023 AND h.id > 5');
    const lines = await plan('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT h.id FROM hive h JOIN nat ON nat.id = h.id WHERE year = 2023 AND h.id > 5');
    expect(lines[0]).toBe(`Hash Join (actual rows=${String(joined)} loops=1)`);
    const scan = lines.findIndex((l) => l.startsWith('  ->  Foreign Scan on hive (DuckDB)'));
    // Between the joined rows and all rows the filter keeps (the native side may be shipped in as keys).
    const got = Number(/^ {2}->  Foreign Scan on hive \(DuckDB\) \(actual rows=(\d+) loops=1\)$/.exec(lines[scan]!)?.[1]);
    expect(got).toBeGreaterThanOrEqual(Number(joined));
    expect(got).toBeLessThanOrEqual(Number(n));
    const parts = lines.map((l) => /^ {8}Partitions: kept (\d+) of (\d+)$/.exec(l)).find((m) => m);
    expect(parts).toBeDefined();
    expect(Number(parts![1])).toBeLessThan(Number(parts![2]));
    expect(lines.some((l) => l.startsWith('        DuckDB: SELECT '))).toBe(true);
    // The native side may be read twice: once for keys shipped into the DuckDB fragment, once by the join.
    expect(lines.some((l) => /^ {8}->  Seq Scan on nat \(actual rows=41 loops=[12]\)$/.test(l))).toBe(true);
  });

  it('hybrid: a join of native and external rows shows both placements', async () => {
    const lines = await plan('EXPLAIN (COSTS OFF) SELECT * FROM hive h JOIN nat ON nat.id = h.id WHERE h.month = 3');
    expect(lines.slice(0, 3)).toEqual(['Hash Join', '  Hash Cond: (nat.id = h.id)', '  Filter: (h.month = 3)']);
    expect(lines).toContain('  ->  Foreign Scan on hive (DuckDB)');
    expect(lines).toContain('        Pushed Filter: (month = 3)');
    expect(lines).toContain('        ->  Seq Scan on nat');
  });

  it('JSON carries the external lines as keys', async () => {
    const r = await f.client.query('EXPLAIN (FORMAT JSON, COSTS OFF) SELECT id FROM hive WHERE year = 2023');
    const p = (JSON.parse(String(r.rows[0]['QUERY PLAN'])) as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan;
    expect(p).toMatchObject({ 'Node Type': 'Foreign Scan', 'Relation Name': 'hive', 'Pushed Filter': '(year = 2023)' });
  });
});
