// Test fixtures: Parquet files written at test time by a separate, unrestricted DuckDB instance
// (the oracle), under a fresh temp root. The engine under test is a locked-down ExternalEngine.
import { mkdtempSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ExternalEngine, type ExternalEngineOptions, type ExternalStream, type ExternalValue } from '../../external/index.js';

export interface Fixture {
  base: string;
  root: string;
  outside: string;
  oracle: DuckDBConnection;
  oracleDb: DuckDBInstance;
  engine: ExternalEngine;
  cleanup(): void;
}

export const ROWS = 10_000;

/** A flat file with many types and NULLs; row groups of 1000 rows. */
export const FLAT_SELECT = `
  SELECT range::INTEGER AS id,
         (range % 7)::SMALLINT AS small,
         CASE WHEN range % 11 = 0 THEN NULL ELSE range * 1000003 END::BIGINT AS big,
         (range / 8.0)::DOUBLE AS dbl,
         (range / 4.0)::FLOAT AS flt,
         (range * 1.25)::DECIMAL(12,2) AS dec,
         CAST(range::HUGEINT * 100000000000000000000::HUGEINT AS DECIMAL(38,0)) AS huge,
         CASE WHEN range % 5 = 0 THEN NULL ELSE 'name-' || range END AS name,
         (range % 3 = 0) AS flag,
         DATE '1999-12-25' + (range % 400)::INTEGER AS day,
         TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(range * 1234567) AS ts,
         TIMESTAMPTZ '2023-06-01 00:00:00+00' + to_seconds(range) AS tstz,
         ('\\x' || lpad(to_hex(range % 256), 2, '0'))::BLOB AS bin,
         to_seconds(range) + to_months((range % 13)::INTEGER) AS ivl,
         TIME '00:00:00' + to_seconds(range % 86400) AS tod,
         ('00000000-0000-0000-0000-' || lpad(range::VARCHAR, 12, '0'))::UUID AS uid
  FROM range(${ROWS})`;

export async function makeFixture(opts: Partial<ExternalEngineOptions> = {}): Promise<Fixture> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'pyralog-ext-')));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const oracleDb = await DuckDBInstance.create(':memory:', { threads: '1' });
  const oracle = await oracleDb.connect();
  const engine = await ExternalEngine.open({
    roots: [root],
    threads: 2,
    memoryLimitBytes: 512 * 1024 * 1024,
    maxConcurrentQueries: 4,
    maxQueuedQueries: 16,
    maxFilesPerLocation: 10_000,
    ...opts,
  });
  return {
    base,
    root,
    outside,
    oracle,
    oracleDb,
    engine,
    cleanup() {
      engine.close();
      oracle.closeSync();
      oracleDb.closeSync();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** makeFixture(opts) before the file's tests, cleanup() after them; read the fields inside tests
 *  and hooks (they are set once the file's beforeAll has run). */
export function useFixture(opts: Partial<ExternalEngineOptions> = {}): Fixture {
  const fx = {} as Fixture;
  beforeAll(async () => {
    Object.assign(fx, await makeFixture(opts));
  });
  afterAll(() => {
    (fx.cleanup as (() => void) | undefined)?.();
  });
  return fx;
}

export async function oracleRows(c: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const r = await c.runAndReadAll(sql);
  return r.getRowsJS() as unknown[][];
}

/** Drains a stream into rows (row-major), counting batches. */
export async function drain(s: ExternalStream): Promise<{ rows: ExternalValue[][]; batches: number }> {
  const rows: ExternalValue[][] = [];
  let batches = 0;
  for (;;) {
    const b = await s.next();
    if (!b) break;
    batches++;
    for (let r = 0; r < b.rowCount; r++) rows.push(b.columns.map((c) => c[r]!));
  }
  return { rows, batches };
}
