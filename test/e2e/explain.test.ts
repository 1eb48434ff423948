// EXPLAIN over the wire: psql's aligned output byte for byte against a real PostgreSQL 15 for
// plans both systems run the same way (COSTS OFF: costs are estimates in different units), and
// node-postgres through the extended protocol (parameters, JSON, ANALYZE of DML in a transaction).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
// @ts-expect-error plain JS module of the bench folder
import { Cleanup } from '../../bench/lib/cleanup.mjs';
// @ts-expect-error plain JS module of the bench folder
import { startPostgres, findPgBin } from '../../bench/lib/pg-cluster.mjs';
import { startServer, type RunningServer } from './server.js';

const havePg = findPgBin() !== undefined;
const havePsql = spawnSync('psql', ['--version']).status === 0;

const SETUP = [
  'CREATE TABLE t (id int PRIMARY KEY, v text, n numeric, b bigint)',
  'CREATE TABLE u (a int, b int, c text, PRIMARY KEY (a, b))',
  "INSERT INTO t SELECT g, 'v' || (g % 3), g, g FROM generate_series(1, 100) g",
  "INSERT INTO u SELECT g % 10, g, 'c' || g FROM generate_series(1, 30) g",
];

/** Plans PostgreSQL 15 and Pyralog print identically with COSTS OFF. */
const SAME = [
  'EXPLAIN (COSTS OFF) SELECT * FROM t WHERE id = 1',
  "EXPLAIN (COSTS OFF) SELECT v, count(*) FROM t GROUP BY v HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 3",
  'EXPLAIN (COSTS OFF) SELECT count(*) FROM t',
  "EXPLAIN (COSTS OFF) DELETE FROM t WHERE v = 'b'",
  "EXPLAIN (COSTS OFF) UPDATE t SET v = 'b' WHERE id = 1",
  'EXPLAIN (VERBOSE, COSTS OFF) SELECT v FROM t WHERE id = 1',
  'EXPLAIN (COSTS OFF) SELECT 1 UNION ALL SELECT 2',
  "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM t WHERE v = 'v1'",
  'EXPLAIN (FORMAT JSON, COSTS OFF) SELECT * FROM t WHERE id = 1',
  'EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM t ORDER BY v LIMIT 3',
  'EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM t',
  "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) WITH w AS MATERIALIZED (SELECT * FROM t WHERE v <> 'x') SELECT * FROM w WHERE id = 3",
  "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) WITH w AS MATERIALIZED (SELECT * FROM t WHERE v <> 'x') SELECT * FROM w WHERE id = 3",
  'EXPLAIN (FORMAT JSON, COSTS OFF) SELECT v, count(*) FROM t GROUP BY v ORDER BY v',
  "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) SELECT * FROM t WHERE v = 'v1'",
  'EXPLAIN (FORMAT JSON, COSTS OFF, VERBOSE) SELECT v FROM t WHERE id = 1',
];

function psql(port: number, user: string, sql: string): { code: number | null; out: string; err: string } {
  const r = spawnSync('psql', ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres', '-P', 'pager=off', '-c', sql], {
    encoding: 'utf8', timeout: 20_000, env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function client(port: number, user: string): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, database: 'postgres' });
  await c.connect();
  return c;
}

describe('EXPLAIN over the wire', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
    const c = await client(srv.port, 'tester');
    for (const s of SETUP) await c.query(s);
    await c.end();
  }, 60_000);
  afterAll(async () => {
    if (srv?.proc.exitCode === null) await srv.stop();
  });

  it('node-postgres: one text column "QUERY PLAN", one row per line; $1 shown in a generic plan', async () => {
    const c = await client(srv.port, 'tester');
    try {
      const r = await c.query('EXPLAIN (COSTS OFF) SELECT v FROM t WHERE id = $1', [7]);
      expect(r.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['QUERY PLAN', 25]]);
      expect(r.rows).toEqual([{ 'QUERY PLAN': 'Index Scan using t_pkey on t' }, { 'QUERY PLAN': '  Index Cond: (id = $1)' }]);
      const a = await c.query('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT v FROM t WHERE id = $1', [7]);
      expect(a.rows.map((x) => x['QUERY PLAN'])).toEqual(['Index Scan using t_pkey on t (actual rows=1 loops=1)', '  Index Cond: (id = $1)']);
    } finally {
      await c.end();
    }
  });

  it('node-postgres: JSON parses; EXPLAIN ANALYZE UPDATE updates and rolls back with the transaction', async () => {
    const c = await client(srv.port, 'tester');
    try {
      const j = await c.query('EXPLAIN (FORMAT JSON) SELECT * FROM t JOIN u ON t.id = u.a');
      expect(j.rows).toHaveLength(1);
      const doc = JSON.parse(j.rows[0]['QUERY PLAN'] as string) as Array<{ Plan: Record<string, unknown> }>;
      expect(doc[0]!.Plan['Node Type']).toBe('Hash Join');
      await c.query('BEGIN');
      const r = await c.query("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE t SET n = -1 WHERE v = 'v0'");
      expect(r.rows.map((x) => x['QUERY PLAN'])).toEqual([
        'Update on t (actual rows=0 loops=1)', '  ->  Seq Scan on t (actual rows=33 loops=1)', "        Filter: (v = 'v0'::text)", '        Rows Removed by Filter: 67',
      ]);
      expect((await c.query('SELECT count(*)::int AS n FROM t WHERE n = -1')).rows).toEqual([{ n: 33 }]);
      await c.query('ROLLBACK');
      expect((await c.query('SELECT count(*)::int AS n FROM t WHERE n = -1')).rows).toEqual([{ n: 0 }]);
      await expect(c.query('EXPLAIN (nonsense) SELECT 1')).rejects.toMatchObject({ code: '42601', message: 'unrecognized EXPLAIN option "nonsense"' });
    } finally {
      await c.end();
    }
  });

  it.runIf(havePsql)('psql prints the plan', () => {
    const r = psql(srv.port, 'tester', 'EXPLAIN (COSTS OFF) SELECT * FROM t WHERE id = 1');
    expect(r.err).toBe('');
    expect(r.out).toBe('          QUERY PLAN          \n------------------------------\n Index Scan using t_pkey on t\n   Index Cond: (id = 1)\n(2 rows)\n\n');
  });

  describe.runIf(havePsql && (havePg || !!process.env.CI))('psql output identical to PostgreSQL 15', () => {
    const cleanup = new Cleanup();
    let pgPort = 0;
    beforeAll(async () => {
      const p = await startPostgres(cleanup, { settings: { timezone: 'UTC', log_timezone: 'UTC' } });
      pgPort = p.port;
      const c = await client(pgPort, 'postgres');
      for (const s of SETUP) await c.query(s);
      await c.end();
    }, 120_000);
    afterAll(() => cleanup.runAll());

    for (const q of SAME) {
      it(q, () => {
        const want = psql(pgPort, 'postgres', q);
        expect(want.code).toBe(0);
        expect(want.out).toContain('QUERY PLAN'); // a silent oracle would make the comparison vacuous
        const got = psql(srv.port, 'tester', q);
        expect(got.err).toBe('');
        expect(got.out).toBe(want.out);
      });
    }
  });
});
