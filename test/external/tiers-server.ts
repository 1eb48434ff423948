// Test helper for the tier-moving tests (tiers-*.test.ts): the real server in-process (createEngine
// + PgServer on a TCP port), one external root in a fresh temp directory, an unrestricted DuckDB
// as the oracle that writes fixtures and reads our output back, and the `pg` client.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createEngine } from '../../planner/index.js';
import { Logger, PgServer } from '../../wire/index.js';
import type { Engine } from '../../planner/api.js';

export interface TierServer {
  base: string;
  /** The server's only external root. */
  root: string;
  /** A sibling of the root (outside it). */
  outside: string;
  port: number;
  client: pg.Client;
  oracle: DuckDBConnection;
  /** Rows with every value as the text PostgreSQL sent. */
  rows(sql: string, params?: unknown[]): Promise<unknown[][]>;
  oracleRows(sql: string): Promise<unknown[][]>;
  /** The error a statement ends with (fails the test when it succeeds). */
  sqlError(sql: string): Promise<{ code: string; message: string; detail?: string; hint?: string }>;
  connect(): Promise<pg.Client>;
  close(): Promise<void>;
}

export async function startTierServer(prefix: string): Promise<TierServer> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), `pyralog-${prefix}-`)));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root, { recursive: true });
  mkdirSync(outside);
  const oracleDb = await DuckDBInstance.create(':memory:', { threads: '1' });
  const oracle = await oracleDb.connect();
  const engine: Engine = await createEngine({ dataDir: join(base, 'data'), externalRoots: [root] });
  const server = new PgServer({
    engine, log: new Logger('off'), users: [], maxConnections: 10, maxMessageBytes: 1 << 20,
    logMinDurationMs: -1, authTimeoutMs: 10_000, tls: undefined,
  });
  const port = await server.listen(0, '127.0.0.1');
  const clients: pg.Client[] = [];
  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await c.connect();
    clients.push(c);
    return c;
  };
  const client = await connect();
  return {
    base, root, outside, port, client, oracle, connect,
    async rows(sql, params = []) {
      const r = await client.query({ text: sql, values: params, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } } as pg.QueryConfig);
      return r.rows as unknown[][];
    },
    async oracleRows(sql) {
      return (await oracle.runAndReadAll(sql)).getRowsJS() as unknown[][];
    },
    async sqlError(sql) {
      try {
        await client.query(sql);
      } catch (e) {
        const err = e as { code: string; message: string; detail?: string; hint?: string };
        return { code: err.code, message: err.message, ...(err.detail ? { detail: err.detail } : {}), ...(err.hint ? { hint: err.hint } : {}) };
      }
      throw new Error(`expected an error from ${sql}`);
    },
    async close() {
      for (const c of clients) await c.end().catch(() => undefined);
      await server.close(1000);
      await engine.close();
      oracle.closeSync();
      oracleDb.closeSync();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
