// Key runs (external/key-runs.ts) on files written by the oracle DuckDB: which blocks are dense,
// where a key's row is, and what the lookup must not conclude (NULL keys, unsorted blocks, gaps);
// and prepared statement shapes (external/prepared.ts) bound with parameters, reused across a
// file rewrite (DuckDB binds read_parquet again at each execution).
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { parquetKeyRuns, rowsWithKey, PREPARED_PER_CONNECTION_MAX, quoteLiteral, type KeyRuns } from '../../external/index.js';
import { drain, useFixture, oracleRows } from './fixtures.js';

const fx = useFixture();

async function write(name: string, select: string, rowGroupRows: number): Promise<string> {
  const path = join(fx.root, name);
  await fx.oracle.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet, ROW_GROUP_SIZE ${rowGroupRows})`);
  return path;
}

/** The row numbers holding key k, as DuckDB itself finds them (the oracle). */
async function oracleRowsOf(path: string, column: string, k: bigint): Promise<bigint[]> {
  const r = await oracleRows(fx.oracle, `SELECT file_row_number FROM read_parquet(${quoteLiteral(path)}, file_row_number = true) WHERE "${column}" = ${k} ORDER BY 1`);
  return r.map((x) => BigInt(x[0] as number | bigint));
}

describe('parquetKeyRuns', () => {
  let runs: KeyRuns;
  let path: string;

  beforeAll(async () => {
    // Ids 101…5100 in order, row groups of 2048 rows (DuckDB's least): blocks follow the first group.
    path = await write('dense.parquet', 'SELECT (range + 101)::BIGINT AS id, range % 7 AS v FROM range(5000) ORDER BY range', 2048);
    runs = (await parquetKeyRuns(fx.engine, path, 'id', 'BIGINT'))!;
  });

  it('finds one constant offset per block of a sorted dense key', () => {
    expect(runs.blocks.length).toBeGreaterThan(1);
    expect(runs.blocks.every((b) => b.offset === 101n)).toBe(true);
    expect(runs.blocks[0]!.min).toBe(101n);
    expect(runs.blocks.at(-1)!.max).toBe(5100n);
    expect(runs.blocks.reduce((n, b) => n + b.rows, 0n)).toBe(5000n);
  });

  it('locates keys in the first, a middle and the last block exactly where DuckDB finds them', async () => {
    for (const k of [101n, 102n, 2600n, 5099n, 5100n, BigInt(101 + Number(runs.blockRows)), BigInt(100 + Number(runs.blockRows))]) {
      expect(rowsWithKey(runs, k)).toEqual(await oracleRowsOf(path, 'id', k));
    }
  });

  it('answers "no row" for keys outside every block and in a gap between blocks', async () => {
    expect(rowsWithKey(runs, 100n)).toEqual([]);
    expect(rowsWithKey(runs, 5101n)).toEqual([]);
    expect(rowsWithKey(runs, -(1n << 62n))).toEqual([]);
    // Two dense runs with a gap (row groups of 2048 rows, DuckDB's least): ids 1…2048 then 5001…7048.
    const gap = await write('gap.parquet', 'SELECT CASE WHEN range < 2048 THEN range + 1 ELSE range + 2953 END::INTEGER AS id FROM range(4096) ORDER BY range', 2048);
    const g = (await parquetKeyRuns(fx.engine, gap, 'id', 'INTEGER'))!;
    expect(g.blocks.length).toBe(2);
    expect(g.blocks.every((b) => b.offset !== undefined)).toBe(true);
    expect(rowsWithKey(g, 3000n)).toEqual([]);
    expect(rowsWithKey(g, 5001n)).toEqual(await oracleRowsOf(gap, 'id', 5001n));
  });

  it('does not conclude anything from a block holding NULL keys or an unsorted block', async () => {
    const nulls = await write('nulls.parquet', 'SELECT CASE WHEN range = 3000 THEN NULL ELSE range END::BIGINT AS id FROM range(6144) ORDER BY range', 2048);
    const n = (await parquetKeyRuns(fx.engine, nulls, 'id', 'BIGINT'))!;
    expect(n.blocks.length).toBe(3);
    const withNull = n.blocks.find((b) => b.startRow <= 3000n && 3000n < b.startRow + b.rows)!;
    expect(withNull.offset).toBeUndefined();
    expect(rowsWithKey(n, 3001n)).toBeUndefined(); // in the NULL block's range: read the file instead
    expect(rowsWithKey(n, 10n)).toEqual(await oracleRowsOf(nulls, 'id', 10n)); // other blocks stay usable
    const all = await write('allnull.parquet', 'SELECT NULL::INTEGER AS id FROM range(10)', 1000);
    const a = (await parquetKeyRuns(fx.engine, all, 'id', 'INTEGER'))!;
    expect(a.blocks[0]!.min).toBeUndefined();
    expect(rowsWithKey(a, 0n)).toEqual([]);
    const shuffled = await write('shuffled.parquet', 'SELECT ((range * 7919) % 2000)::BIGINT AS id FROM range(2000)', 2048);
    const s = (await parquetKeyRuns(fx.engine, shuffled, 'id', 'BIGINT'))!;
    expect(s.blocks.every((b) => b.offset === undefined)).toBe(true);
    expect(rowsWithKey(s, 5n)).toBeUndefined();
  });

  it('keeps duplicate keys: a key in two overlapping dense blocks has two rows', async () => {
    const twice = await write('twice.parquet', 'SELECT (range % 2048)::BIGINT AS id FROM range(4096) ORDER BY range', 2048);
    const t = (await parquetKeyRuns(fx.engine, twice, 'id', 'BIGINT'))!;
    expect(t.blocks.map((b) => b.offset)).toEqual([0n, -2048n]);
    expect(rowsWithKey(t, 7n)).toEqual([7n, 2055n]);
    expect(rowsWithKey(t, 7n)).toEqual(await oracleRowsOf(twice, 'id', 7n));
  });
});

describe('the single-threaded instance (singleThread)', () => {
  it('answers like the main one and is locked down the same way', async () => {
    const path = await write('single.parquet', 'SELECT range::BIGINT AS id FROM range(5000)', 2048);
    const sql = `SELECT id FROM read_parquet([${quoteLiteral(path)}], file_row_number = true) AS t WHERE t.file_row_number IN (7, 4000)`;
    expect((await drain(await fx.engine.stream(sql, { files: [path], singleThread: true, materialize: true }))).rows).toEqual([[7n], [4000n]]);
    const refused = async (q: string, code: string): Promise<void> => {
      await expect(fx.engine.stream(q, { singleThread: true })).rejects.toMatchObject({ sqlstate: code });
    };
    await refused(`SELECT count(*) FROM read_csv('/etc/passwd')`, '42501');
    await refused(`SELECT count(*) FROM read_parquet(${quoteLiteral(join(fx.outside, 'x.parquet'))})`, '42501');
    await refused(`SET enable_external_access = true`, 'XX000');
    await refused(`SET threads = 4`, 'XX000');
  });
});

describe('prepared statement shapes', () => {
  it('binds parameters, reuses the statement and sees a rewritten file', async () => {
    const path = await write('prep.parquet', 'SELECT range::BIGINT AS id, range * 2 AS v FROM range(100)', 1000);
    const sql = `SELECT v FROM read_parquet([${quoteLiteral(path)}]) AS t WHERE t.id = CAST($1 AS BIGINT)`;
    const run = async (k: bigint): Promise<unknown[][]> => (await drain(await fx.engine.stream(sql, { files: [path], params: [{ type: 'BIGINT', value: k }] }))).rows;
    expect(await run(7n)).toEqual([[14n]]);
    expect(await run(8n)).toEqual([[16n]]);
    await new Promise((r) => setTimeout(r, 20)); // a new mtime
    await fx.oracle.run(`COPY (SELECT range::BIGINT AS id, range * 3 AS v, 'x' AS extra FROM range(50, 300)) TO ${quoteLiteral(path)} (FORMAT parquet)`);
    expect(await run(7n)).toEqual([]);
    expect(await run(200n)).toEqual([[600n]]);
  });

  it('keeps at most PREPARED_PER_CONNECTION_MAX shapes and still answers evicted ones', async () => {
    const path = await write('many.parquet', 'SELECT range::INTEGER AS id FROM range(10)', 1000);
    const shape = (i: number): string => `SELECT id + ${i} FROM read_parquet([${quoteLiteral(path)}]) AS t WHERE t.id = CAST($1 AS INTEGER)`;
    for (let i = 0; i < PREPARED_PER_CONNECTION_MAX + 5; i++) {
      const r = await drain(await fx.engine.stream(shape(i), { files: [path], params: [{ type: 'INTEGER', value: 3 }] }));
      expect(r.rows).toEqual([[3 + i]]);
    }
    const again = await drain(await fx.engine.stream(shape(0), { files: [path], params: [{ type: 'INTEGER', value: 4 }] }));
    expect(again.rows).toEqual([[4]]);
  });

  it('refuses a parameter count that does not match the shape', async () => {
    const path = await write('count.parquet', 'SELECT 1 AS id', 1000);
    await expect(fx.engine.stream(`SELECT id FROM read_parquet([${quoteLiteral(path)}]) WHERE id = $1`, { files: [path], params: [] })).rejects.toThrow();
  });
});
