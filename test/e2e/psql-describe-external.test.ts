// Issue 5's external tables in pg_catalog: a Parquet-backed table is a foreign table (relkind
// 'f') there, so psql's \d and \dE list it and \dt does not, exactly as PostgreSQL 15 prints
// a foreign table (recorded from PostgreSQL 15.20 with `CREATE FOREIGN TABLE sales (id int)
// SERVER parquet` next to `CREATE TABLE t (id int)`). The server runs in-process (createEngine +
// PgServer, as test/external/sql.test.ts) so it can be given an external root; psql is the real
// PostgreSQL 15 client over TCP.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
import { createEngine } from '../../planner/index.js';
import { Logger, PgServer } from '../../wire/index.js';
import type { Engine } from '../../planner/api.js';

const HAS_PSQL = spawnSync('psql', ['--version'], { encoding: 'utf8' }).status === 0;

/** psql's output on PostgreSQL 15 for the same two relations. */
const EXPECTED: Record<string, string> = {
  "\\d": "             List of relations\n Schema | Name  |     Type      |  Owner   \n--------+-------+---------------+----------\n public | sales | foreign table | postgres\n public | t     | table         | postgres\n(2 rows)\n\n",
  "\\dt": "        List of relations\n Schema | Name | Type  |  Owner   \n--------+------+-------+----------\n public | t    | table | postgres\n(1 row)\n\n",
  "\\dE": "             List of relations\n Schema | Name  |     Type      |  Owner   \n--------+-------+---------------+----------\n public | sales | foreign table | postgres\n(1 row)\n\n"
};

describe.skipIf(!HAS_PSQL)('external tables in pg_catalog', () => {
  let base: string;
  let engine: Engine;
  let server: PgServer;
  let port: number;

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'pyralog-psql-ext-')));
    const root = join(base, 'root');
    mkdirSync(root);
    const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
    const con = await duck.connect();
    await con.run(`COPY (SELECT range::INTEGER AS id FROM range(3)) TO '${join(root, 'sales.parquet')}' (FORMAT parquet)`);
    con.closeSync();
    duck.closeSync();
    engine = await createEngine({ dataDir: join(base, 'data'), externalRoots: [root] });
    server = new PgServer({
      engine, log: new Logger('off'), users: [], maxConnections: 10, maxMessageBytes: 1 << 20,
      logMinDurationMs: -1, authTimeoutMs: 10_000, tls: undefined,
    });
    port = await server.listen(0, '127.0.0.1');
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await client.connect();
    await client.query('CREATE TABLE t (id int)');
    await client.query(`CREATE EXTERNAL TABLE sales STORED AS PARQUET LOCATION '${join(root, 'sales.parquet')}'`);
    await client.end();
  }, 60_000);

  afterAll(async () => {
    await server?.close(1000);
    await engine?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  // psql is spawned asynchronously: the server runs in this process and must keep answering.
  const psql = (args: string[]): Promise<{ out: string; err: string }> => new Promise((resolve, reject) => {
    execFile('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-X', ...args], {
      encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '20', PGGSSENCMODE: 'disable', PGSSLMODE: 'disable' },
    }, (e, out, err) => (e && !out && !err ? reject(e) : resolve({ out, err })));
  });

  for (const [cmd, want] of Object.entries(EXPECTED)) {
    it(`${cmd} shows the external table as PostgreSQL 15 shows a foreign table`, async () => {
      const r = await psql(['-c', cmd]);
      expect(r.err).toBe('');
      expect(r.out).toBe(want);
    });
  }

  it('pg_class row of the external table matches a PostgreSQL 15 foreign table', async () => {
    const r = await psql(['-A', '-t', '-F|', '-c', "SELECT relname, relkind, relam, relfilenode, relhasindex, relreplident, relnatts, relpersistence, reltuples FROM pg_class WHERE relname = 'sales'"]);
    expect(r.err).toBe('');
    expect(r.out).toBe('sales|f|0|0|f|n|1|p|-1\n');
  });
});
