// Server + Parquet fixture for the pushdown tests: a real PgServer on an ephemeral port driven by
// `pg`, and an unrestricted DuckDB (the oracle) that writes the Parquet files at test time and
// answers every query on the same files.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createEngine } from '../../planner/index.js';
import { Logger, PgServer } from '../../wire/index.js';
import type { Engine } from '../../planner/api.js';

/** Many types, NULLs, non-ASCII text (byte order matters), 6000 rows. */
export const DATA = `
  SELECT range::INTEGER AS id,
         (range % 7)::SMALLINT AS small,
         CASE WHEN range % 11 = 0 THEN NULL ELSE range * 1000003 END::BIGINT AS big,
         (range / 8.0)::DOUBLE AS dbl,
         (range * 1.25)::DECIMAL(12,2) AS dec,
         CASE WHEN range % 5 = 0 THEN NULL WHEN range % 13 = 0 THEN 'Ωmega-' || range WHEN range % 17 = 0 THEN 'émile-' || range ELSE 'name-' || range END AS name,
         (range % 3 = 0) AS flag,
         DATE '2023-01-01' + (range % 730)::INTEGER AS day,
         TIMESTAMP '2023-01-01 00:00:00' + to_seconds(range * 3601) AS ts,
         TIMESTAMPTZ '2023-06-01 00:00:00+00' + to_seconds(range * 61) AS tstz
  FROM range(6000)`;

export const COLUMNS_DDL = 'id int, small smallint, big bigint, dbl float8, dec numeric(12,2), name text, flag boolean, day date, ts timestamp, tstz timestamptz';

export interface ServerFixture {
  root: string;
  client: pg.Client;
  oracle: DuckDBConnection;
  engine: Engine;
  close(): Promise<void>;
}

export async function startServer(prefix: string): Promise<ServerFixture> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const root = join(base, 'root');
  mkdirSync(root);
  const oracleDb = await DuckDBInstance.create(':memory:', { threads: '1' });
  const oracle = await oracleDb.connect();
  const engine = await createEngine({ dataDir: join(base, 'data'), externalRoots: [root] });
  const server = new PgServer({
    engine, log: new Logger('off'), users: [], maxConnections: 10, maxMessageBytes: 1 << 20,
    logMinDurationMs: -1, authTimeoutMs: 10_000, tls: undefined,
  });
  const port = await server.listen(0, '127.0.0.1');
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  return {
    root, client, oracle, engine,
    async close() {
      await client.end();
      await server.close(1000);
      await engine.close();
      oracle.closeSync();
      oracleDb.closeSync();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Rows as the text the server sent (no client-side parsing). */
export async function textRows(client: pg.Client, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const r = await client.query({ text: sql, values: params, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } } as pg.QueryConfig);
  return r.rows as unknown[][];
}

export async function oracleRows(oracle: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await oracle.runAndReadAll(sql)).getRowsJS() as unknown[][];
}
