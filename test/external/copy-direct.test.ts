// COPY of an external table as it is (`COPY ext TO …`, `COPY (SELECT * | cols FROM ext) TO …`,
// also TO STDOUT): DuckDB reads and writes end to end. Checked over the wire: every value equal to
// the source files (DuckDB's EXCEPT ALL both ways), partition columns included, the native path
// still taking anything with a WHERE, and the row cap of the native path not applying.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, serialize, type BackendMessage } from 'pg-protocol';
import { startTierServer, type TierServer } from './tiers-server.js';

let s: TierServer;

const SRC = `SELECT range::BIGINT AS id, (range % 100)::TINYINT AS small, 'v' || range AS label,
  CASE WHEN range % 3 = 0 THEN NULL ELSE (range * 0.01)::DECIMAL(9,2) END AS amount,
  TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds(range) AS ts, (range % 4)::INTEGER AS part FROM range(40000)`;

beforeAll(async () => {
  s = await startTierServer('copydirect');
  await s.oracle.run(`COPY (${SRC}) TO '${join(s.root, 'src')}' (FORMAT parquet, PARTITION_BY (part))`);
  await s.oracle.run(`COPY (SELECT * EXCLUDE (part) FROM (${SRC})) TO '${join(s.root, 'flat.parquet')}' (FORMAT parquet)`);
  await s.client.query(`CREATE EXTERNAL TABLE ext STORED AS PARQUET LOCATION '${join(s.root, 'src')}' PARTITIONED BY (part int)`);
  await s.client.query(`CREATE EXTERNAL TABLE flat STORED AS PARQUET LOCATION '${join(s.root, 'flat.parquet')}'`);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

const same = async (a: string, b: string): Promise<void> => {
  expect(await s.oracleRows(`SELECT count(*)::INTEGER FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})`)).toEqual([[0]]);
  expect(await s.oracleRows(`SELECT count(*)::INTEGER FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a})`)).toEqual([[0]]);
};

describe('COPY of an external table, DuckDB end to end', () => {
  it('COPY ext TO a file: every value, partition column included', async () => {
    const out = join(s.root, 'all.parquet');
    const r = await s.client.query(`COPY ext TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
    expect(r.rowCount).toBe(40000);
    // The files' own types (TINYINT stays TINYINT): DuckDB wrote it end to end. The native path
    // writes PostgreSQL's types (smallint → SMALLINT), see the next test.
    expect(await s.oracleRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}'))`)).toEqual([
      ['id', 'BIGINT'], ['small', 'TINYINT'], ['label', 'VARCHAR'], ['amount', 'DECIMAL(9,2)'], ['ts', 'TIMESTAMP WITH TIME ZONE'], ['part', 'INTEGER'],
    ]);
    await same(`read_parquet('${out}')`, `(${SRC})`);
    // The seed spelling and a column list take the same path.
    const cols = join(s.root, 'cols.parquet');
    const r2 = await s.client.query(`COPY (SELECT label, id FROM flat) TO '${cols}' FORMAT PARQUET COMPRESSION ZSTD(level=3)`);
    expect(r2.rowCount).toBe(40000);
    await same(`read_parquet('${cols}')`, `(SELECT label, id FROM (${SRC}))`);
    const cols2 = join(s.root, 'cols2.parquet');
    await s.client.query(`COPY flat (amount, ts) TO '${cols2}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
    await same(`read_parquet('${cols2}')`, `(SELECT amount, ts FROM (${SRC}))`);
  });

  it('a WHERE, an alias or an expression takes the native path with the same values', async () => {
    const out = join(s.root, 'where.parquet');
    const r = await s.client.query(`COPY (SELECT id, small, amount FROM ext WHERE id < 1000) TO '${out}' (FORMAT parquet)`);
    expect(r.rowCount).toBe(1000);
    await same(`read_parquet('${out}')`, `(SELECT id, small, amount FROM (${SRC}) WHERE id < 1000)`);
    expect(await s.oracleRows(`SELECT column_type FROM (DESCRIBE SELECT small FROM read_parquet('${out}'))`)).toEqual([['SMALLINT']]);
    const alias = join(s.root, 'alias.parquet');
    await s.client.query(`COPY (SELECT id AS ident FROM flat) TO '${alias}' (FORMAT parquet)`);
    expect(await s.oracleRows(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${alias}'))`)).toEqual([['ident']]);
    expect((await s.sqlError(`COPY (SELECT nope FROM flat) TO '${join(s.root, 'x.parquet')}' (FORMAT parquet)`)).code).toBe('42703');
  });

  it('COPY ext TO STDOUT streams the file DuckDB wrote', async () => {
    const sock = connect(s.port, '127.0.0.1');
    const msgs: BackendMessage[] = [];
    const chunks: Buffer[] = [];
    let ready = 0;
    let wake: () => void = () => undefined;
    void parse(sock, (m) => {
      if (m.name === 'copyData') chunks.push(Buffer.from((m as unknown as { chunk: Buffer }).chunk));
      if (m.name === 'readyForQuery') ready++;
      msgs.push(m);
      wake();
    });
    const readyCount = async (n: number): Promise<void> => {
      while (ready < n) await new Promise<void>((r) => (wake = r));
    };
    sock.write(serialize.startup({ user: 'postgres', database: 'postgres' }));
    await readyCount(1);
    sock.write(serialize.query(`COPY ext TO STDOUT (FORMAT parquet)`));
    await readyCount(2);
    expect(msgs.some((m) => m.name === 'errorResponse')).toBe(false);
    expect((msgs.find((m) => m.name === 'commandComplete') as unknown as { text: string }).text).toBe('COPY 40000');
    const file = join(s.outside, 'stdout.parquet');
    writeFileSync(file, Buffer.concat(chunks));
    await same(`read_parquet('${file}')`, `(${SRC})`);
    sock.end(serialize.end());
  });
});
