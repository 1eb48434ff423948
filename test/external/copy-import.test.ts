// COPY native FROM '<path>.parquet' (FORMAT parquet) over the wire: exact values (checked by
// exporting the table again and letting DuckDB compare both files row for row), PostgreSQL's
// assignment-cast errors, constraints, transactions (ROLLBACK leaves nothing) and bad paths.
import { join } from 'node:path';
import { symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTierServer, type TierServer } from './tiers-server.js';

let s: TierServer;
const N = 50_000;

const FILE_SELECT = `SELECT range::BIGINT AS id,
  (range % 1000)::INTEGER AS n,
  CASE WHEN range % 7 = 0 THEN NULL ELSE 'val ' || range END AS s,
  CASE WHEN range % 5 = 0 THEN NULL ELSE ((range - 25000) * 1.37)::DECIMAL(12,2) END AS amount,
  TIMESTAMPTZ '2022-03-04 05:06:07.891011+00' + to_seconds(range * 61) AS ts,
  DATE '2020-02-29' + (range % 3000)::INTEGER AS day,
  CASE WHEN range % 3 = 0 THEN NULL ELSE range % 2 = 0 END AS ok,
  range / 3.0 AS x
FROM range(${N})`;

beforeAll(async () => {
  s = await startTierServer('copyimport');
  await s.oracle.run(`COPY (${FILE_SELECT}) TO '${join(s.root, 'imp.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 8192)`);
  await s.oracle.run(`COPY (SELECT range::BIGINT AS a, 'x' || range AS b FROM range(10)) TO '${join(s.root, 'text.parquet')}' (FORMAT parquet)`);
  await s.oracle.run(`COPY (SELECT 5000000000::BIGINT AS a, 1 AS b) TO '${join(s.root, 'big.parquet')}' (FORMAT parquet)`);
  await s.oracle.run(`COPY (SELECT 1 AS a) TO '${join(s.outside, 'o.parquet')}' (FORMAT parquet)`);
  symlinkSync(join(s.outside, 'o.parquet'), join(s.root, 'link-out.parquet'));
  await s.client.query(`CREATE TABLE imp (id bigint PRIMARY KEY, n int, s text, amount numeric(12,2), ts timestamptz, day date, ok boolean, x float8)`);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

describe('COPY native FROM a Parquet file', () => {
  it('imports every value exactly (DuckDB compares the re-exported table with the source file)', async () => {
    const r = await s.client.query(`COPY imp FROM '${join(s.root, 'imp.parquet')}' (FORMAT parquet)`);
    expect(r.command).toBe('COPY');
    expect(r.rowCount).toBe(N);
    const back = join(s.root, 'back.parquet');
    await s.client.query(`COPY (SELECT * FROM imp ORDER BY id) TO '${back}' (FORMAT parquet)`);
    const src = `read_parquet('${join(s.root, 'imp.parquet')}')`;
    const got = `read_parquet('${back}')`;
    expect(await s.oracleRows(`SELECT count(*)::INTEGER FROM (SELECT * FROM ${src} EXCEPT ALL SELECT * FROM ${got})`)).toEqual([[0]]);
    expect(await s.oracleRows(`SELECT count(*)::INTEGER FROM (SELECT * FROM ${got} EXCEPT ALL SELECT * FROM ${src})`)).toEqual([[0]]);
    expect(await s.rows(`SELECT count(*), count(s), count(amount), count(ok) FROM imp`)).toEqual([[String(N), String(N - Math.ceil(N / 7)), String(N - N / 5), String(N - Math.ceil(N / 3))]]);
  });

  it('is transactional: ROLLBACK leaves nothing, an error mid-file leaves nothing', async () => {
    await s.client.query(`CREATE TABLE t2 (a bigint PRIMARY KEY, b text)`);
    await s.client.query('BEGIN');
    await s.client.query(`COPY t2 FROM '${join(s.root, 'text.parquet')}' (FORMAT parquet)`);
    expect(await s.rows(`SELECT count(*) FROM t2`)).toEqual([['10']]);
    await s.client.query('ROLLBACK');
    expect(await s.rows(`SELECT count(*) FROM t2`)).toEqual([['0']]);
    // A duplicate key on the 6th row: the statement fails and nothing stays.
    await s.client.query(`INSERT INTO t2 VALUES (5, 'already')`);
    const e = await s.sqlError(`COPY t2 FROM '${join(s.root, 'text.parquet')}' (FORMAT parquet)`);
    expect(e.code).toBe('23505');
    expect(e.message).toBe('duplicate key value violates unique constraint "t2_pkey"');
    expect(await s.rows(`SELECT a, b FROM t2 ORDER BY a`)).toEqual([['5', 'already']]);
  });

  it('statement_timeout interrupts an import between chunks and leaves nothing', async () => {
    await s.client.query(`CREATE TABLE slow (id bigint PRIMARY KEY, n int, s text, amount numeric(12,2), ts timestamptz, day date, ok boolean, x float8)`);
    await s.client.query(`SET statement_timeout = '20ms'`);
    const e = await s.sqlError(`COPY slow FROM '${join(s.root, 'imp.parquet')}' (FORMAT parquet)`);
    await s.client.query(`RESET statement_timeout`);
    expect(e).toEqual({ code: '57014', message: 'canceling statement due to statement timeout' });
    expect(await s.rows(`SELECT count(*) FROM slow`)).toEqual([['0']]);
  });

  it('converts types with INSERT’s assignment rules and PostgreSQL’s errors', async () => {
    // bigint → int4 is an assignment cast; a value past int4 is 22003.
    await s.client.query(`CREATE TABLE narrow (a int, b int)`);
    const big = await s.sqlError(`COPY narrow FROM '${join(s.root, 'big.parquet')}' (FORMAT parquet)`);
    expect(big.code).toBe('22003');
    expect(big.message).toBe('integer out of range');
    // text → int4 has no assignment cast: 42804 naming both types, as INSERT … SELECT does.
    const mismatch = await s.sqlError(`COPY narrow FROM '${join(s.root, 'text.parquet')}' (FORMAT parquet)`);
    expect(mismatch.code).toBe('42804');
    expect(mismatch.message).toBe('column "b" is of type integer but expression is of type text');
    // A column list: the other columns get their defaults; NOT NULL is checked.
    await s.client.query(`CREATE TABLE withdef (a bigint, b text, c int DEFAULT 42, d text NOT NULL DEFAULT 'd')`);
    const r = await s.client.query(`COPY withdef (a, b) FROM '${join(s.root, 'text.parquet')}' (FORMAT parquet)`);
    expect(r.rowCount).toBe(10);
    expect(await s.rows(`SELECT a, b, c, d FROM withdef ORDER BY a LIMIT 2`)).toEqual([['0', 'x0', '42', 'd'], ['1', 'x1', '42', 'd']]);
    await s.client.query(`CREATE TABLE nn (a bigint, b text NOT NULL)`);
    await s.oracle.run(`COPY (SELECT 1::BIGINT AS a, NULL::VARCHAR AS b) TO '${join(s.root, 'null.parquet')}' (FORMAT parquet)`);
    expect((await s.sqlError(`COPY nn FROM '${join(s.root, 'null.parquet')}' (FORMAT parquet)`)).code).toBe('23502');
    // Column counts must agree (positional, as COPY).
    const count = await s.sqlError(`COPY withdef FROM '${join(s.root, 'text.parquet')}' (FORMAT parquet)`);
    expect(count.code).toBe('22P04');
    expect(count.message).toBe('row field count is 2, expected 4');
  });

  it('bad paths and options: 42501 outside the roots (.., symlink), 58P01 missing, STDIN 0A000', async () => {
    expect((await s.sqlError(`COPY t2 FROM '${join(s.outside, 'o.parquet')}' (FORMAT parquet)`)).code).toBe('42501');
    expect((await s.sqlError(`COPY t2 FROM '${join(s.root, '..', 'outside', 'o.parquet')}' (FORMAT parquet)`)).code).toBe('42501');
    expect((await s.sqlError(`COPY t2 FROM '${join(s.root, 'link-out.parquet')}' (FORMAT parquet)`)).code).toBe('42501');
    expect((await s.sqlError(`COPY t2 FROM '/etc/passwd' (FORMAT parquet)`)).code).toBe('42501');
    const missing = await s.sqlError(`COPY t2 FROM '${join(s.root, 'nope.parquet')}' (FORMAT parquet)`);
    expect(missing.code).toBe('58P01');
    expect(missing.message).toContain('nope.parquet');
    expect((await s.sqlError(`COPY t2 FROM STDIN (FORMAT parquet)`)).code).toBe('0A000');
    expect((await s.sqlError(`COPY t2 FROM '${join(s.root, 'text.parquet')}' (FORMAT parquet, HEADER)`)).code).toBe('42601');
    expect((await s.sqlError(`COPY nosuch FROM '${join(s.root, 'text.parquet')}' (FORMAT parquet)`)).code).toBe('42P01');
    // The server keeps serving.
    expect(await s.rows(`SELECT count(*) FROM imp`)).toEqual([[String(N)]]);
  });
});
