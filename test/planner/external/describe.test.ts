// EXPLAIN lines of external scans (RelNode.describe on the prepared plan) and what they prove:
// the filter pushed into DuckDB, partitions and files kept by pruning, the generated DuckDB SQL.
// Also COPY (SELECT … FROM external) TO STDOUT. Real engine in-process (test/sql/harness.ts),
// Parquet written by DuckDB at test time.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { createEngine } from '../../../planner/engine.js';
import type { Engine } from '../../../planner/api.js';
import { Client } from '../../sql/harness.js';

let base: string;
let engine: Engine;
let c: Client;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pyralog-extdescribe-')));
  const root = join(base, 'root');
  mkdirSync(join(root, 'flat'), { recursive: true });
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const o = await db.connect();
  const data = `SELECT range::INTEGER AS id, 'v' || range AS v, 2020 + range % 3 AS year, 1 + range % 4 AS month FROM range(1200)`;
  await o.run(`COPY (${data}) TO '${join(root, 'hive')}' (FORMAT parquet, PARTITION_BY (year, month))`);
  for (const k of [0, 1, 2]) await o.run(`COPY (SELECT id, v FROM (${data}) WHERE id >= ${k * 400} AND id < ${(k + 1) * 400}) TO '${join(root, 'flat', `f${k}.parquet`)}' (FORMAT parquet, ROW_GROUP_SIZE 100)`);
  o.closeSync();
  db.closeSync();
  engine = await createEngine({ dataDir: join(base, 'data'), externalRoots: [root] });
  c = Client.open(engine);
  await c.query(`CREATE EXTERNAL TABLE hive STORED AS PARQUET LOCATION '${join(root, 'hive')}' PARTITIONED BY (year int, month int)`);
  await c.query(`CREATE EXTERNAL TABLE flat STORED AS PARQUET LOCATION '${join(root, 'flat')}'`);
}, 60_000);

afterAll(async () => {
  await c?.close();
  await engine?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

/** The statement's row count, and its EXPLAIN ANALYZE text (the external node's lines come from describe()). */
async function explainAnalyze(sql: string, params: unknown[] = [], oids: number[] = []): Promise<{ plan: string; rows: number }> {
  const r = await c.query(sql, params as never[], oids);
  const e = await c.query(`EXPLAIN ANALYZE ${sql}`, params as never[], oids);
  return { plan: e.text.map((row) => row[0]).join('\n'), rows: r.rows.length };
}

describe('external scan EXPLAIN lines', () => {
  it('before any execution: the node and the pushed filter, parameters as $n', () => {
    const [st] = c.session.parse('SELECT v FROM hive WHERE year = $1 AND id < 10');
    const p = c.session.prepare(st!, [23]) as unknown as { plan: { query: { node: { describe(): string } } } };
    const d = p.plan.query.node.describe();
    expect(d).toContain('Foreign Scan on hive (DuckDB)');
    expect(d).toContain('  Pushed Filter: (year = $1) AND (id < 10)');
    expect(d).not.toContain('Files:');
  });

  it('partition pruning: kept partitions and files counted, DuckDB gets only those files', async () => {
    const { plan, rows } = await explainAnalyze('SELECT v FROM hive WHERE year = $1 AND month IN (1, 2)', [2021], [23]);
    expect(rows).toBe(200);
    expect(plan).toMatch(/Foreign Scan on hive \(DuckDB\).*\n\s+Pushed Filter: \(year = \$1\) AND \(month = ANY \(ARRAY\[1, 2\]\)\)\n\s+Partitions: kept 2 of 12\n\s+Files: kept 2 of 12\n\s+Placement: whole statement in DuckDB\n\s+DuckDB: SELECT "v" AS c0 FROM read_parquet\(\[2 files\].* WHERE /);
  });

  it('placement B (native plan over the scan) fetches only the columns named', async () => {
    const { plan, rows } = await explainAnalyze('SELECT v, lower(v) FROM hive WHERE year = $1 AND month IN (1, 2)', [2021], [23]);
    expect(rows).toBe(200);
    expect(plan).not.toContain('Placement: whole statement');
    expect(plan).toContain('DuckDB: SELECT "v" AS c0, "year" AS c1, "month" AS c2 FROM read_parquet([2 files]');
  });

  it('placement A: GROUP BY, aggregates, ORDER BY and LIMIT computed by DuckDB', async () => {
    const { plan, rows } = await explainAnalyze('SELECT year, count(*) AS n, sum(id), min(v), max(id) FROM hive WHERE month <> 3 GROUP BY year ORDER BY n DESC, year LIMIT 2');
    expect(rows).toBe(2);
    expect(plan).toContain('Placement: whole statement in DuckDB');
    expect(plan).toMatch(/DuckDB: SELECT "year" AS c0, count\(\*\) AS c1, CAST\(sum\("id"\) AS BIGINT\) AS c2, min\("v"\) AS c3, max\("id"\) AS c4 FROM .* GROUP BY "year" ORDER BY c1 DESC NULLS FIRST, c0 ASC NULLS LAST LIMIT 2/);
  });

  it('a filter DuckDB cannot evaluate like PostgreSQL stays native (no Pushed Filter)', async () => {
    const { plan } = await explainAnalyze("SELECT v FROM flat WHERE v::text LIKE 'v1%'");
    expect(plan).not.toContain('Pushed Filter');
    expect(plan).toContain('Files: kept 3 of 3');
    expect(plan).not.toMatch(/DuckDB: .* WHERE /);
  });

  it('COPY (SELECT … FROM external) TO STDOUT', async () => {
    const sql = 'COPY (SELECT id, v FROM flat WHERE id < 3 ORDER BY id) TO STDOUT';
    const [st] = c.session.parse(sql);
    const ex = await c.session.execute(c.session.prepare(st!, []), [], { reason: undefined });
    if (ex.kind !== 'copyOut') throw new Error('expected copyOut');
    let s = '';
    for (let ch = await ex.source.next(); ch; ch = await ex.source.next()) s += Buffer.from(ch).toString('utf8');
    await c.session.endImplicit(false);
    expect(s).toBe('0\tv0\n1\tv1\n2\tv2\n');
  });

  it('file statistics: a point lookup opens only the file whose id range holds the key', async () => {
    const { plan, rows } = await explainAnalyze('SELECT v FROM flat WHERE id = $1', [900], [23]);
    expect(rows).toBe(1);
    expect(plan).toContain('Files: kept 1 of 3 (pruned by statistics: 2)');
    const r = await explainAnalyze('SELECT v FROM flat WHERE id IN (5, 1100) OR id > 1198');
    expect(r.plan).toContain('Files: kept 2 of 3 (pruned by statistics: 1)');
    expect(r.rows).toBe(3);
    expect((await explainAnalyze('SELECT v FROM flat WHERE id < -1')).plan).toContain('Files: kept 0 of 3 (pruned by statistics: 3)');
  });

  it('key shipping: the native keys go into DuckDB and prune files by statistics', async () => {
    await c.query('CREATE TABLE wanted (k int PRIMARY KEY, t text)');
    await c.query("INSERT INTO wanted VALUES (3, 'v3'), (1150, 'v1150'), (7, 'v7')");
    // Text keys: no key runs read text columns, so the keys always go into DuckDB's SQL.
    const byText = 'SELECT w.k, f.id FROM wanted w JOIN flat f ON f.v = w.t ORDER BY 1';
    const t = await explainAnalyze(byText);
    expect(t.rows).toBe(3);
    expect(t.plan).toContain('Shipped Keys: 3');
    expect(t.plan).toMatch(/DuckDB: .*"v" IN \('v3', 'v7', 'v1150'\)/);
    // Integer keys: once the files' key runs exist (built in the background after the first
    // lookups; waited for here) the shipped keys are read by row number from the kept files.
    const sql = 'SELECT w.k, f.v FROM wanted w JOIN flat f ON f.id = w.k ORDER BY 1';
    let on = await explainAnalyze(sql);
    for (let i = 0; i < 100 && !on.plan.includes('Key Runs:'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      on = await explainAnalyze(sql);
    }
    expect(on.rows).toBe(3);
    expect(on.plan).toContain('Key Source: wanted');
    expect(on.plan).toContain('Shipped Keys: 3');
    expect(on.plan).toContain('Files: kept 2 of 3 (pruned by statistics: 1)');
    expect(on.plan).toContain('Key Runs: rows read by row number in 2 files');
    expect((await c.query(sql)).rows).toEqual([[3, 'v3'], [7, 'v7'], [1150, 'v1150']]);
    await c.query('SET pyralog.ship_keys = off');
    const off = await explainAnalyze(sql);
    expect(off.plan).not.toContain('Shipped Keys');
    expect(off.plan).toContain('Files: kept 3 of 3');
    expect(off.rows).toBe(3);
    await c.query('RESET pyralog.ship_keys');
  });

  it('files added after registration are read (the location is listed again); they have no statistics', async () => {
    const db = await DuckDBInstance.create(':memory:', { threads: '1' });
    const o = await db.connect();
    await o.run(`COPY (SELECT (1200 + range)::INTEGER AS id, 'v' || (1200 + range) AS v FROM range(100)) TO '${join(base, 'root', 'flat', 'f3.parquet')}' (FORMAT parquet)`);
    o.closeSync();
    db.closeSync();
    expect((await c.query('SELECT count(*), max(id) FROM flat')).rows).toEqual([[1300n, 1299]]);
    const { plan, rows } = await explainAnalyze('SELECT v FROM flat WHERE id = 900');
    expect(rows).toBe(1);
    expect(plan).toContain('Files: kept 2 of 4 (pruned by statistics: 2)');
    expect((await c.query('SELECT v FROM flat WHERE id = 1250')).rows).toEqual([['v1250']]);
  });

  it('a file pruned by statistics is never opened (garbage of the same size and mtime there)', async () => {
    const f0 = join(base, 'root', 'flat', 'f0.parquet');
    const st = statSync(f0);
    writeFileSync(f0, Buffer.alloc(st.size, 0x41));
    utimesSync(f0, st.atime, st.mtime);
    expect((await c.query('SELECT v FROM flat WHERE id = 900')).rows).toEqual([['v900']]);
    expect((await c.query('SELECT count(*) FROM flat WHERE id >= 400')).rows).toEqual([[900n]]);
    await expect(c.query('SELECT v FROM flat WHERE id = 100')).rejects.toThrow();
    // A file changed since registration (another size) is read rather than trusted.
    writeFileSync(f0, 'garbage');
    await expect(c.query('SELECT v FROM flat WHERE id = 900')).rejects.toThrow();
  });
});
