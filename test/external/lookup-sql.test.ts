// Point lookups by an integer key through the wire (placement A + key runs, lookup-run.ts): once
// the file's key runs are built (in the background after a first lookup), `WHERE id = k` reads
// the row by file_row_number — EXPLAIN ANALYZE shows it — and every answer equals DuckDB's own
// on the same file: keys in the first, a middle and the last row group, keys absent (in a gap,
// outside every range), NULL keys, a block holding a NULL key, and a file rewritten after
// registration (its old key runs must never be used).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { startTierServer, type TierServer } from './tiers-server.js';

let s: TierServer;
let flat: string;
let holes: string;

/** Ids 1…10 000 in order, row groups of 2048 rows; ids 4097…6144 (the third group) have a gap 5000…5099. */
const FLAT = `SELECT (range + 1)::BIGINT AS id, 'v' || range AS v, (range * 0.25)::DECIMAL(12,2) AS amount,
  CASE WHEN range % 13 = 0 THEN NULL ELSE (range % 100)::INTEGER END AS k FROM range(10000) ORDER BY range`;
/** Ids with a hole (no 5000…5099) and a NULL id in the fourth group. */
const HOLES = `SELECT CASE WHEN range = 7000 THEN NULL WHEN range >= 4999 THEN range + 101 ELSE range + 1 END::INTEGER AS id,
  range AS r FROM range(10000) ORDER BY range`;

const LOOKUP = 'SELECT id, v, amount, k FROM flat WHERE id = $1';

async function explain(sql: string): Promise<string> {
  const r = await s.rows(`EXPLAIN ANALYZE ${sql}`);
  return r.map((x) => x[0]).join('\n');
}

/** Repeats a lookup until the key runs are built and it reads by row number (bounded wait). */
async function untilTargeted(sql: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const e = await explain(sql);
    if (e.includes('file_row_number')) return e;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the lookup never read by row number:\n${await explain(sql)}`);
}

async function oracle(sql: string): Promise<unknown[][]> {
  return (await s.oracleRows(sql)).map((r) => r.map((v) => (v === null ? null : String(v))));
}

beforeAll(async () => {
  s = await startTierServer('lookup');
  flat = join(s.root, 'flat.parquet');
  holes = join(s.root, 'holes.parquet');
  await s.oracle.run(`COPY (${FLAT}) TO '${flat}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await s.oracle.run(`COPY (${HOLES}) TO '${holes}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await s.client.query(`CREATE EXTERNAL TABLE flat STORED AS PARQUET LOCATION '${flat}'`);
  await s.client.query(`CREATE EXTERNAL TABLE holes STORED AS PARQUET LOCATION '${holes}'`);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

describe('point lookups by key runs', () => {
  it('read by file_row_number once the key runs exist, and answer as DuckDB for rows in the first, a middle and the last row group', async () => {
    const e = await untilTargeted('SELECT id, v FROM flat WHERE id = 3');
    expect(e).toContain('Placement: whole statement in DuckDB');
    for (const id of [1, 2, 2048, 2049, 4097, 5000, 6144, 6145, 9999, 10000]) {
      expect(await s.rows(LOOKUP, [id])).toEqual(await oracle(`SELECT id, v, amount::VARCHAR, k FROM '${flat}' WHERE id = ${id}`));
      expect(await explain(`SELECT id, v, amount, k FROM flat WHERE id = ${id}`)).toContain('file_row_number');
    }
  });

  it('outputs the key in any position, and with other column orders and a constant on either side', async () => {
    await untilTargeted('SELECT id FROM flat WHERE id = 3');
    expect(await s.rows('SELECT k, id, v FROM flat WHERE 777 = id')).toEqual(await oracle(`SELECT k, id, v FROM '${flat}' WHERE id = 777`));
    expect(await s.rows('SELECT amount FROM flat WHERE id = $1', [8191])).toEqual(await oracle(`SELECT amount::VARCHAR FROM '${flat}' WHERE id = 8191`));
    expect(await s.rows('SELECT id, id AS again FROM flat WHERE id = 4242')).toEqual([['4242', '4242']]);
    expect(await s.rows('SELECT id, v FROM flat WHERE id = 4242::smallint')).toEqual([['4242', 'v4241']]);
  });

  it('answers no row for a key outside every range, and for NULL', async () => {
    await untilTargeted('SELECT id FROM flat WHERE id = 3');
    for (const id of ['0', '-1', '10001', '9223372036854775807', '-9223372036854775808']) {
      expect(await s.rows(LOOKUP, [id])).toEqual([]);
    }
    expect(await s.rows('SELECT id FROM flat WHERE id = NULL')).toEqual([]);
    expect(await s.rows(LOOKUP, [null])).toEqual([]);
  });

  it('answers a key in a gap with no row, and reads a block holding a NULL key as usual', async () => {
    await untilTargeted('SELECT r FROM holes WHERE id = 3');
    for (const id of [5000, 5050, 5099]) expect(await s.rows('SELECT id, r FROM holes WHERE id = $1', [id])).toEqual([]);
    expect(await s.rows('SELECT id, r FROM holes WHERE id = 4999')).toEqual(await oracle(`SELECT id, r FROM '${holes}' WHERE id = 4999`));
    expect(await s.rows('SELECT id, r FROM holes WHERE id = 5100')).toEqual(await oracle(`SELECT id, r FROM '${holes}' WHERE id = 5100`));
    // Row 7000 (id NULL) sits in the fourth group: lookups in its range read the file as usual.
    const inNullBlock = 7000 + 101 + 1;
    const e = await explain(`SELECT id, r FROM holes WHERE id = ${inNullBlock}`);
    expect(e).not.toContain('file_row_number');
    expect(await s.rows('SELECT id, r FROM holes WHERE id = $1', [inNullBlock])).toEqual(await oracle(`SELECT id, r FROM '${holes}' WHERE id = ${inNullBlock}`));
    expect(await s.rows('SELECT count(*) FROM holes WHERE id IS NULL')).toEqual([['1']]);
  });

  it('never uses the key runs of a file rewritten after registration', async () => {
    await untilTargeted('SELECT id FROM flat WHERE id = 3');
    // Same row count and layout, ids shifted by 500 and other values: stale runs would return wrong rows.
    await s.oracle.run(`COPY (SELECT id + 500 AS id, v || '!' AS v, amount, k FROM (${FLAT})) TO '${flat}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const later = new Date(Date.now() + 5000);
    utimesSync(flat, later, later);
    for (const id of [3, 501, 502, 2600, 10000, 10500, 10501]) {
      expect(await s.rows(LOOKUP, [id])).toEqual(await oracle(`SELECT id, v, amount::VARCHAR, k FROM '${flat}' WHERE id = ${id}`));
    }
    // The new file gets runs of its own.
    await untilTargeted('SELECT id FROM flat WHERE id = 600');
    for (const id of [3, 501, 600, 5000, 10500, 10501]) {
      expect(await s.rows(LOOKUP, [id])).toEqual(await oracle(`SELECT id, v, amount::VARCHAR, k FROM '${flat}' WHERE id = ${id}`));
    }
  });

  it('leaves other filters and aggregates to the usual path', async () => {
    await untilTargeted('SELECT id FROM flat WHERE id = 600');
    const e = await explain('SELECT id, v FROM flat WHERE id = 900 AND k IS NOT NULL');
    expect(e).not.toContain('file_row_number');
    expect(await s.rows('SELECT id, v FROM flat WHERE id = 900 AND k IS NOT NULL')).toEqual(await oracle(`SELECT id, v FROM '${flat}' WHERE id = 900 AND k IS NOT NULL`));
    expect(await s.rows('SELECT count(*) FROM flat WHERE id = 900')).toEqual([['1']]);
  });
});
