// The seed's "age out old data" recipe end to end, over the wire with `pg` against the real
// server: COPY old rows TO Parquet, CREATE EXTERNAL TABLE over the file, DELETE them from the
// native table — and a UNION ALL of hot and cold equals the original rows exactly. Also
// PostgreSQL's COPY option spelling (ROW_GROUP_SIZE, PARTITION_BY, FILE_SIZE_BYTES) read back by
// DuckDB, and the temp-name + rename discipline when a write fails half way.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTierServer, type TierServer } from './tiers-server.js';

let s: TierServer;

const CUTOFF = '2024-01-01 00:00:00+00';
const ALL = 'SELECT id, ts, kind, amount, ok, day, score, n FROM';

beforeAll(async () => {
  s = await startTierServer('ageout');
  await s.client.query(`SET TimeZone = 'UTC'`);
  await s.client.query(`CREATE TABLE events (
    id bigint PRIMARY KEY, ts timestamptz NOT NULL, kind text, amount numeric(12,2),
    ok boolean, day date, score float8, n int)`);
  // 2 000 rows over ~2 years (one every ~8.76 hours, so both sides of the cutoff), NULLs in every
  // nullable column, negative and fractional numerics, fractional seconds, non-ASCII text.
  await s.client.query(`INSERT INTO events
    SELECT g,
           timestamptz '2023-01-01 00:00:00.123456+00' + (g * interval '8 hours 45 minutes 36.5 seconds'),
           CASE WHEN g % 7 = 0 THEN NULL WHEN g % 3 = 0 THEN 'größe ' || g ELSE 'k' || (g % 5) END,
           CASE WHEN g % 11 = 0 THEN NULL ELSE ((g - 1000) * 12.34)::numeric(12,2) END,
           CASE WHEN g % 13 = 0 THEN NULL ELSE g % 2 = 0 END,
           CASE WHEN g % 17 = 0 THEN NULL ELSE date '2023-01-01' + g END,
           CASE WHEN g % 19 = 0 THEN NULL ELSE g / 7.0::float8 END,
           CASE WHEN g % 23 = 0 THEN NULL ELSE g * 1000 - 7 END
    FROM generate_series(1, 2000) g`);
  // A native copy of all rows for the later tests (the recipe deletes from `events`).
  await s.client.query(`CREATE TABLE events_all AS SELECT * FROM events`);
}, 120_000);

afterAll(async () => {
  await s?.close();
});

describe('age-out recipe: native → Parquet → external table', () => {
  it('runs as written and the UNION ALL of hot and cold equals the original rows', async () => {
    const original = await s.rows(`${ALL} events ORDER BY id`);
    expect(original.length).toBe(2000);
    const old = join(s.root, 'old.parquet');
    const copied = await s.client.query(`COPY (SELECT * FROM events WHERE ts < '${CUTOFF}') TO '${old}' FORMAT PARQUET COMPRESSION ZSTD(level=3)`);
    expect(copied.command).toBe('COPY');
    const coldCount = Number((await s.rows(`SELECT count(*) FROM events WHERE ts < '${CUTOFF}'`))[0]![0]);
    expect(coldCount).toBeGreaterThan(500);
    expect(copied.rowCount).toBe(coldCount);
    // DuckDB reads the file back with the types the recipe needs.
    const types = await s.oracleRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${old}'))`);
    expect(types).toEqual([
      ['id', 'BIGINT'], ['ts', 'TIMESTAMP WITH TIME ZONE'], ['kind', 'VARCHAR'], ['amount', 'DECIMAL(12,2)'],
      ['ok', 'BOOLEAN'], ['day', 'DATE'], ['score', 'DOUBLE'], ['n', 'INTEGER'],
    ]);
    const codecs = await s.oracleRows(`SELECT DISTINCT compression FROM parquet_metadata('${old}')`);
    expect(codecs).toEqual([['ZSTD']]);

    const created = await s.client.query(`CREATE EXTERNAL TABLE events_old STORED AS PARQUET LOCATION '${old}'`);
    expect(created.command).toBe('CREATE');
    const deleted = await s.client.query(`DELETE FROM events WHERE ts < '${CUTOFF}'`);
    expect(deleted.rowCount).toBe(coldCount);
    expect(await s.rows(`SELECT count(*) FROM events`)).toEqual([[String(2000 - coldCount)]]);

    const union = await s.rows(`${ALL} events UNION ALL ${ALL} events_old ORDER BY id`);
    expect(union).toEqual(original);
    // The cold side alone is exactly the old rows, NULLs and all.
    expect(await s.rows(`${ALL} events_old ORDER BY id`)).toEqual(original.slice(0, coldCount));
    // Typed comparisons on the cold side behave as on the native side.
    const q = (t: string): string => `SELECT count(*), sum(amount), min(ts), max(score), count(kind), count(*) FILTER (WHERE ok) FROM ${t} WHERE amount < 0 AND day > date '2023-03-01'`;
    expect(await s.rows(q('(SELECT * FROM events_old UNION ALL SELECT * FROM events) u'))).toEqual(await s.rows(q('events_all')));
  });

  it('PostgreSQL spelling: COMPRESSION, ROW_GROUP_SIZE, PARTITION_BY, FILE_SIZE_BYTES', async () => {
    const flat = join(s.root, 'pg-flat.parquet');
    const r = await s.client.query(`COPY (SELECT g AS id, (g * 0.5)::numeric(12,2) AS half FROM generate_series(1, 10000) g) TO '${flat}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 5, ROW_GROUP_SIZE 2048)`);
    expect(r.rowCount).toBe(10000);
    // DuckDB rounds row groups to whole vectors (2048 rows), so 10 000 rows make 5 groups.
    const groups = await s.oracleRows(`SELECT count(DISTINCT row_group_id)::INTEGER, max(row_group_num_rows)::INTEGER, min(compression) FROM parquet_metadata('${flat}')`);
    expect(groups).toEqual([[5, 2048, 'ZSTD']]);
    expect(await s.oracleRows(`SELECT count(*)::INTEGER, sum(half)::VARCHAR FROM read_parquet('${flat}')`)).toEqual([[10000, '25002500.00']]);

    // PARTITION_BY: a hive directory DuckDB and Pyralog both read back.
    const hive = join(s.root, 'pg-hive');
    await s.client.query(`COPY (SELECT id, amount, extract(year FROM ts)::int AS year FROM events_all) TO '${hive}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (year))`);
    expect(readdirSync(hive).sort()).toEqual(['year=2023', 'year=2024']);
    expect(await s.oracleRows(`SELECT year::INTEGER, count(*)::INTEGER FROM read_parquet('${hive}/**/*.parquet', hive_partitioning = true) GROUP BY year ORDER BY year`))
      .toEqual((await s.rows(`SELECT extract(year FROM ts)::int, count(*) FROM events_all GROUP BY 1 ORDER BY 1`)).map(([y, c]) => [Number(y), Number(c)]));
    await s.client.query(`CREATE EXTERNAL TABLE hive_back STORED AS PARQUET LOCATION '${hive}' PARTITIONED BY (year int)`);
    expect(await s.rows(`SELECT year, count(*), sum(amount) FROM hive_back GROUP BY year ORDER BY year`))
      .toEqual(await s.rows(`SELECT extract(year FROM ts)::int, count(*), sum(amount) FROM events_all GROUP BY 1 ORDER BY 1`));

    // FILE_SIZE_BYTES: the target becomes a directory of files of about that size.
    const split = join(s.root, 'pg-split');
    const src = `SELECT g AS id, (g * 1.25)::numeric(12,2) AS amount, 'row ' || g AS label FROM generate_series(1, 20000) g`;
    const w = await s.client.query(`COPY (${src}) TO '${split}' (FORMAT parquet, ROW_GROUP_SIZE 2048, FILE_SIZE_BYTES 20000)`);
    expect(w.rowCount).toBe(20000);
    const files = readdirSync(split);
    expect(files.length).toBeGreaterThan(1);
    expect(files.every((f) => f.endsWith('.parquet'))).toBe(true);
    await s.client.query(`CREATE EXTERNAL TABLE split_back STORED AS PARQUET LOCATION '${split}'`);
    expect(await s.rows(`SELECT * FROM split_back ORDER BY id`)).toEqual(await s.rows(`${src} ORDER BY id`));
    // The seed spelling takes FILE_SIZE_BYTES too.
    const split2 = join(s.root, 'seed-split');
    await s.client.query(`COPY (${src}) TO '${split2}' FORMAT PARQUET COMPRESSION ZSTD(level=3) ROW_GROUP_SIZE 2048 FILE_SIZE_BYTES 20000`);
    expect(readdirSync(split2).length).toBeGreaterThan(1);
    expect(await s.oracleRows(`SELECT count(*)::INTEGER, sum(amount)::VARCHAR FROM read_parquet('${split2}/*.parquet')`)).toEqual([[20000, '250012500.00']]);

    // DuckDB cannot combine the two; a directory target is never replaced.
    const both = await s.sqlError(`COPY events_all TO '${join(s.root, 'both')}' (FORMAT parquet, PARTITION_BY (n), FILE_SIZE_BYTES 1000)`);
    expect(both.code).toBe('0A000');
    expect(both.message).toBe('COPY to Parquet cannot combine FILE_SIZE_BYTES with PARTITION_BY');
    const again = await s.sqlError(`COPY events_all TO '${split}' (FORMAT parquet, FILE_SIZE_BYTES 4000)`);
    expect(again.code).toBe('58030');
    expect((await s.sqlError(`COPY events_all TO '${join(s.root, 'z')}' (FORMAT parquet, FILE_SIZE_BYTES 0)`)).code).toBe('22023');
    expect((await s.sqlError(`COPY events_all TO '${join(s.root, 'z')}' (FORMAT parquet, FILE_SIZE_BYTES 'lots')`)).code).toBe('22023');
  });

  it('a write that fails half way leaves the previous file intact and no partial file behind', async () => {
    const target = join(s.root, 'atomic.parquet');
    await s.client.query(`COPY (SELECT id, amount FROM events_all WHERE id <= 10) TO '${target}' (FORMAT parquet)`);
    const before = readFileSync(target);
    const mtimeBefore = statSync(target).mtimeMs;
    // NaN is a valid numeric(12,2) in PostgreSQL but has no Parquet decimal form: row 3000 fails
    // after the first batches were already handed to DuckDB.
    const e = await s.sqlError(`COPY (SELECT g AS id, (CASE WHEN g < 3000 THEN g::numeric ELSE 'NaN'::numeric END)::numeric(12,2) AS amount FROM generate_series(1, 5000) g) TO '${target}' (FORMAT parquet)`);
    expect(e.code).toBe('22003');
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(statSync(target).mtimeMs).toBe(mtimeBefore);
    expect(readdirSync(s.root).filter((f) => f.includes('pyralog-tmp'))).toEqual([]);
    // A fresh target that fails does not appear at all.
    const fresh = join(s.root, 'never.parquet');
    expect((await s.sqlError(`COPY (SELECT 'NaN'::numeric(12,2) AS a) TO '${fresh}' FORMAT PARQUET`)).code).toBe('22003');
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(s.root).filter((f) => f.startsWith('.'))).toEqual([]);
    // The server keeps serving, and the old file is still readable as a table.
    await s.client.query(`CREATE EXTERNAL TABLE atomic STORED AS PARQUET LOCATION '${target}'`);
    expect(await s.rows(`SELECT count(*) FROM atomic`)).toEqual([['10']]);
  });
});
