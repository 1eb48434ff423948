// Shipped keys read by row number (placement B, ship-runs.ts): a join driven by native keys — the
// seed's "recent activity from the LSM + history from Parquet for user $1" — reads the external
// rows holding the shipped keys by file_row_number once the files' key runs exist (EXPLAIN ANALYZE
// says `Key Runs`), and answers exactly as without shipping (`pyralog.ship_keys = off`), as with
// shipped keys over DuckDB's `IN (…)` (no runs: a file whose runs are not dense), and as DuckDB's
// own join over the same files and the same native rows: keys in the first, middle and last row
// groups, absent keys, several files, int4 native keys against int4 and int8 columns, an extra pushed
// filter, a LEFT JOIN, and a file rewritten after its runs were built.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { startTierServer, type TierServer } from './tiers-server.js';

let s: TierServer;
let hist: string;
let parts: string;
let holes: string;

/** History: ids 1…10 000 in order (BIGINT), row groups of 2048 rows; some NULL notes. */
const HIST = `SELECT (range + 1)::BIGINT AS id, (range % 7)::INTEGER AS kind, (range * 0.25)::DECIMAL(12,2) AS amount,
  CASE WHEN range % 11 = 0 THEN NULL ELSE 'n' || range END AS note FROM range(10000) ORDER BY range`;
/** The same rows as an INTEGER key in two files (1…5000, 5001…10 000). */
const PART = (lo: number, hi: number): string =>
  `SELECT (range + 1)::INTEGER AS id, (range % 7)::INTEGER AS kind, 'p' || range AS note FROM range(${lo}, ${hi}) ORDER BY range`;
/** Ids with a NULL in the second row group: its block is not dense, so no row-number reads there. */
const HOLES = `SELECT CASE WHEN range = 3000 THEN NULL ELSE range + 1 END::BIGINT AS id, range AS r FROM range(10000) ORDER BY range`;

/** Native recent activity: user 1's ids hit the first, middle and last row groups and miss (0, 20000, -5). */
const HOT: Array<[number, number, number]> = [
  [1, 1, 10], [2, 1, 11], [2048, 1, 12], [2049, 1, 13], [4097, 1, 14], [5000, 1, 15], [5001, 1, 16],
  [9999, 1, 17], [10000, 1, 18], [20000, 1, 19], [0, 1, 20], [-5, 1, 21],
  [3000, 2, 30], [3001, 2, 31], [3002, 2, 32], [7000, 2, 33],
];

async function explain(sql: string): Promise<string> {
  const r = await s.rows(`EXPLAIN ANALYZE ${sql}`);
  return r.map((x) => x[0]).join('\n');
}

/** Repeats the join until its files' key runs are built and it reads by row number (bounded wait). */
async function untilKeyRuns(sql: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const e = await explain(sql);
    if (e.includes('Key Runs')) return e;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the join never read by key runs:\n${await explain(sql)}`);
}

async function oracle(sql: string): Promise<unknown[][]> {
  return (await s.oracleRows(sql)).map((r) => r.map((v) => (v === null ? null : String(v))));
}

/** The statement's rows with shipping on (auto), with it off, and with auto again: all must agree. */
async function placements(sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const auto = await s.rows(sql, params);
  await s.client.query('SET pyralog.ship_keys = off');
  try {
    expect(await s.rows(sql, params)).toEqual(auto);
  } finally {
    await s.client.query('RESET pyralog.ship_keys');
  }
  return auto;
}

beforeAll(async () => {
  s = await startTierServer('ship-runs');
  hist = join(s.root, 'hist.parquet');
  parts = join(s.root, 'parts');
  holes = join(s.root, 'holes.parquet');
  mkdirSync(parts);
  await s.oracle.run(`COPY (${HIST}) TO '${hist}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await s.oracle.run(`COPY (${PART(0, 5000)}) TO '${join(parts, 'a.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await s.oracle.run(`COPY (${PART(5000, 10000)}) TO '${join(parts, 'b.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await s.oracle.run(`COPY (${HOLES}) TO '${holes}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await s.client.query(`CREATE EXTERNAL TABLE hist STORED AS PARQUET LOCATION '${hist}'`);
  await s.client.query(`CREATE EXTERNAL TABLE parts STORED AS PARQUET LOCATION '${parts}'`);
  await s.client.query(`CREATE EXTERNAL TABLE holes STORED AS PARQUET LOCATION '${holes}'`);
  await s.client.query('CREATE TABLE hot (id bigint PRIMARY KEY, user_id int, ts int)');
  await s.client.query('CREATE TABLE hot4 (id int PRIMARY KEY, user_id int)');
  const values = HOT.map(([id, u, ts]) => `(${id}, ${u}, ${ts})`).join(', ');
  await s.client.query(`INSERT INTO hot VALUES ${values}`);
  await s.client.query(`INSERT INTO hot4 SELECT id, user_id FROM hot`);
  await s.oracle.run(`CREATE TABLE hot AS SELECT * FROM (VALUES ${values}) v(id, user_id, ts)`);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

const RECENT = 'SELECT h.id, h.ts, s.kind, s.amount, s.note FROM hot h JOIN hist s ON s.id = h.id WHERE h.user_id = $1 ORDER BY h.id';
const RECENT_ORACLE = (u: number): string =>
  `SELECT h.id, h.ts, s.kind, s.amount::VARCHAR, s.note FROM hot h JOIN '${hist}' s ON s.id = h.id WHERE h.user_id = ${u} ORDER BY h.id`;

describe('shipped keys read by key runs', () => {
  it('reads the rows of the shipped keys by row number and answers as every other placement and as DuckDB', async () => {
    const e = await untilKeyRuns(RECENT.replace('$1', '1'));
    expect(e).toContain('Shipped Keys: 12');
    expect(e).toContain('Key Runs: rows read by row number in 1 file');
    expect(e).toContain('file_row_number');
    for (const u of [1, 2, 3]) {
      const got = await placements(RECENT, [u]);
      expect(got).toEqual(await oracle(RECENT_ORACLE(u)));
    }
    expect((await s.rows(RECENT, [1])).length).toBe(9);
  });

  it('leaves an extra pushed filter to the native re-check, and keeps a LEFT JOIN exact', async () => {
    await untilKeyRuns(RECENT.replace('$1', '1'));
    const filtered = 'SELECT h.id, s.note FROM hot h JOIN hist s ON s.id = h.id WHERE h.user_id = 1 AND s.note IS NOT NULL AND s.kind < 5 ORDER BY h.id';
    expect(await explain(filtered)).toContain('Key Runs');
    expect(await placements(filtered)).toEqual(
      await oracle(`SELECT h.id, s.note FROM hot h JOIN '${hist}' s ON s.id = h.id WHERE h.user_id = 1 AND s.note IS NOT NULL AND s.kind < 5 ORDER BY h.id`),
    );
    const left = 'SELECT h.id, s.kind, s.note FROM hot h LEFT JOIN hist s ON s.id = h.id WHERE h.user_id = 1 ORDER BY h.id';
    expect(await explain(left)).toContain('Key Runs');
    expect(await placements(left)).toEqual(await oracle(`SELECT h.id, s.kind, s.note FROM hot h LEFT JOIN '${hist}' s ON s.id = h.id WHERE h.user_id = 1 ORDER BY h.id`));
  });

  it('reads several files, with int4 native keys against an INTEGER column and the key in the output', async () => {
    const sql = 'SELECT s.id, s.kind, s.note, h.user_id FROM hot4 h JOIN parts s ON s.id = h.id WHERE h.user_id IN (1, 2) ORDER BY s.id';
    const e = await untilKeyRuns(sql);
    expect(e).toContain('Key Runs: rows read by row number in 2 files');
    expect(await placements(sql)).toEqual(
      await oracle(`SELECT s.id, s.kind, s.note, h.user_id FROM hot h JOIN '${parts}/*.parquet' s ON s.id = h.id WHERE h.user_id IN (1, 2) ORDER BY s.id`),
    );
    // int4 native keys against the BIGINT column: the key comes back as int8, as the column says.
    const wide = 'SELECT s.id, s.amount FROM hot4 h JOIN hist s ON s.id = h.id WHERE h.user_id = 2 ORDER BY s.id';
    await untilKeyRuns(wide);
    expect(await placements(wide)).toEqual(await oracle(`SELECT s.id, s.amount::VARCHAR FROM hot h JOIN '${hist}' s ON s.id = h.id WHERE h.user_id = 2 ORDER BY s.id`));
    // Only keys of one file: the other file is not read (pruned by statistics or by its runs).
    const one = 'SELECT s.id, s.note FROM hot4 h JOIN parts s ON s.id = h.id WHERE h.user_id = 2 AND h.id < 4000 ORDER BY s.id';
    expect(await placements(one)).toEqual(await oracle(`SELECT s.id, s.note FROM hot h JOIN '${parts}/*.parquet' s ON s.id = h.id WHERE h.user_id = 2 AND h.id < 4000 ORDER BY s.id`));
  });

  it('takes the usual path when a key falls in a block that is not dense', async () => {
    // Row 3000's id is NULL: the block of rows 2048…4095 (ids 2049…4096) is not dense.
    const outside = 'h.user_id = 1 AND (h.id < 2049 OR h.id > 4096)';
    const dense = `SELECT h.id, s.r FROM hot h JOIN holes s ON s.id = h.id WHERE ${outside} ORDER BY h.id`;
    await untilKeyRuns(dense);
    expect(await placements(dense)).toEqual(await oracle(`SELECT h.id, s.r FROM hot h JOIN '${holes}' s ON s.id = h.id WHERE ${outside} ORDER BY h.id`));
    const inBlock = 'SELECT h.id, s.r FROM hot h JOIN holes s ON s.id = h.id WHERE h.user_id = 1 ORDER BY h.id';
    expect(await explain(inBlock)).not.toContain('Key Runs');
    expect(await placements(inBlock)).toEqual(await oracle(`SELECT h.id, s.r FROM hot h JOIN '${holes}' s ON s.id = h.id WHERE h.user_id = 1 ORDER BY h.id`));
    // User 2's keys 3000…3002 sit in that block too.
    const sparse = 'SELECT h.id, s.r FROM hot h JOIN holes s ON s.id = h.id WHERE h.user_id = 2 ORDER BY h.id';
    const e = await explain(sparse);
    expect(e).toContain('Shipped Keys: 4');
    expect(e).not.toContain('Key Runs');
    // The native side is read twice (its keys, then the join), not a third time for the fallback.
    expect(e).toMatch(/Seq Scan on hot h .*loops=2\)/);
    expect(await placements(sparse)).toEqual(await oracle(`SELECT h.id, s.r FROM hot h JOIN '${holes}' s ON s.id = h.id WHERE h.user_id = 2 ORDER BY h.id`));
  });

  it('never uses the key runs of a file rewritten after they were built', async () => {
    await untilKeyRuns(RECENT.replace('$1', '1'));
    // Same layout, ids shifted by 100 and other notes: stale runs would return the wrong rows.
    await s.oracle.run(`COPY (SELECT id + 100 AS id, kind, amount, note || '!' AS note FROM (${HIST})) TO '${hist}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const later = new Date(Date.now() + 5000);
    utimesSync(hist, later, later);
    for (const u of [1, 2]) expect(await placements(RECENT, [u])).toEqual(await oracle(RECENT_ORACLE(u)));
    // The new file gets runs of its own, and answers the same.
    await untilKeyRuns(RECENT.replace('$1', '2'));
    for (const u of [1, 2]) expect(await placements(RECENT, [u])).toEqual(await oracle(RECENT_ORACLE(u)));
  });
});
