// The vectorised aggregate (planner/rel/vec-agg.ts, vec-kernels.ts; lsm/segment/vec-scan.ts,
// lsm/db/reads.ts scanParts) against the row path on the same data, through the real engine.
// The row path is forced the honest way: the same query inside a transaction that wrote a row
// of another table (a transaction with own writes never takes the vector path), rolled back.
// Data: NULLs, numeric NaN/±Infinity, scales 0..4 and values past 2^53 and 10^20, float8
// NaN/±Infinity/-0, int8 sums past the int64 range; stored as one segment, then with updates
// and deletions in overlapping segments and memtables, then compacted while an older snapshot
// is held (multi-version segments with tombstones, read at both snapshots), then with rows
// narrower than the table after ADD COLUMN. Each comparison also asserts the vector path ran
// (LsmDb.vectorStats) or, for own writes, that it did not.
import { describe, expect, it } from 'vitest';
import type { Client } from '../../sql/harness.js';
import { useLsmEngine } from '../../sql/engine-fixtures.js';

const QUERIES = [
  'SELECT k, count(*), count(n), sum(n), avg(n), sum(n2), avg(n2), min(n), max(n) FROM t GROUP BY k',
  'SELECT g8, count(*), sum(i4), avg(i4), sum(i2), avg(i2), sum(g8), avg(g8), min(f8), max(f8), sum(f8), avg(f8), sum(f4), avg(f4) FROM t GROUP BY g8',
  'SELECT tx, count(*), count(tx), sum(n2), min(tx), max(tx), min(i4), max(n2) FROM t GROUP BY tx',
  'SELECT count(*), count(f8), sum(n), sum(f8), min(i4), max(g8), sum(big8), avg(big8), sum(n2) FROM t',
  'SELECT i2, sum(big8), count(big8) FROM t GROUP BY i2',
  'SELECT count(*), sum(n2) FROM t WHERE i4 < 500000 AND id >= 50',
  'SELECT k, sum(n2), count(*) FROM t WHERE id >= 100 AND id <= 900 GROUP BY k',
  'SELECT k, count(*) FROM t WHERE k = 5 GROUP BY k',
  'SELECT k, count(*) FROM t WHERE 7 > k AND g8 <> 3 GROUP BY k',
  'SELECT count(*), sum(n) FROM t WHERE id < 0',
  'SELECT k, count(*) FROM t WHERE id < 0 GROUP BY k',
  'SELECT product, sum(n2) AS revenue FROM t GROUP BY product ORDER BY revenue DESC, product LIMIT 5',
];

/** The rows of `sql` as text, and how many rows the vector path read meanwhile. */
async function run(cl: Client, sql: string): Promise<{ rows: string[]; vectorRows: number }> {
  const before = fx.db.vectorStats.vectorRows;
  const r = await cl.query(sql);
  return { rows: r.text.map((row) => row.map((v) => v ?? 'NULL').join('|')), vectorRows: fx.db.vectorStats.vectorRows - before };
}

/** The same query on the row path: inside a transaction with an own write (rolled back). */
async function rowPath(cl: Client, sql: string): Promise<string[]> {
  await cl.query('BEGIN');
  try {
    await cl.query('INSERT INTO scratch VALUES (1)');
    const r = await run(cl, sql);
    expect(r.vectorRows, 'a transaction with own writes must not take the vector path').toBe(0);
    return r.rows;
  } finally {
    await cl.query('ROLLBACK');
  }
}

async function compareAll(cl: Client, expectVectors: boolean): Promise<void> {
  for (const q of QUERIES) {
    const want = await rowPath(cl, q);
    const got = await run(cl, q);
    expect(got.rows, q).toEqual(want);
    if (expectVectors && !q.includes('id < 0')) expect(got.vectorRows, `vector path not taken: ${q}`).toBeGreaterThan(0);
  }
}

/**
 * Every fourth level-0 file triggers the L0 → L1 compaction: flush small updates until level 0
 * is empty (one L1 run; versions and tombstones an open snapshot needs are kept).
 */
async function compactAll(): Promise<void> {
  await fx.db.flush();
  await fx.db.compactNow();
  for (let i = 0; i < 8 && fx.db.stats().levelBytes[0]! > 0; i++) {
    await fx.c.query(`UPDATE t SET i2 = i2 + 1 WHERE id = ${i + 2}`);
    await fx.db.flush();
    await fx.db.compactNow();
  }
  expect(fx.db.stats().levelBytes[0]).toBe(0);
}

const fx = useLsmEngine(async ({ c }) => {
  await c.query('CREATE TABLE scratch (x int)');
  await c.query(`CREATE TABLE t (id int8 PRIMARY KEY, k int4, g8 int8, tx text, product varchar, n numeric, n2 numeric(12,2),
    f8 float8, f4 float4, i2 int2, i4 int4, big8 int8)`);
  await c.query(`INSERT INTO t SELECT g, g % 13, CASE WHEN g % 17 = 0 THEN NULL WHEN g % 5 = 0 THEN 9007199254740993 + g % 3 ELSE g % 7 END,
    CASE WHEN g % 19 = 0 THEN NULL ELSE 'tx' || (g % 9) END, 'p' || (g * 7 % 23),
    CASE WHEN g % 11 = 0 THEN NULL WHEN g % 101 = 0 THEN 'NaN'::numeric WHEN g % 103 = 0 THEN 'Infinity'::numeric
         WHEN g % 107 = 0 THEN '-Infinity'::numeric WHEN g % 31 = 0 THEN 123456789012345678901234.5678
         WHEN g % 29 = 0 THEN 9007199254740993 ELSE round((g * 7919 % 100003)::numeric / 100, g % 5) END,
    CASE WHEN g % 23 = 0 THEN NULL ELSE ((g * 104729 % 1000000) - 400000)::numeric / 100 END,
    CASE g % 53 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN 'Infinity'::float8 WHEN 2 THEN '-Infinity'::float8 WHEN 3 THEN '-0'::float8 WHEN 4 THEN NULL ELSE g * 1.37 END,
    CASE WHEN g % 41 = 0 THEN NULL ELSE (g % 1000) / 7.0 END,
    CASE WHEN g % 43 = 0 THEN NULL ELSE (g % 600) - 300 END,
    CASE WHEN g % 47 = 0 THEN NULL ELSE (g * 2654435761 % 4294967296 - 2147483648)::int4 END,
    CASE WHEN g % 3 = 0 THEN 9223372036854775807 WHEN g % 3 = 1 THEN -9223372036854775807 + g ELSE 4611686018427387904 END
    FROM generate_series(1, 3000) g`);
});

describe('vectorised aggregate = row path', () => {
  it('rows in the memtable (row parts only)', async () => {
    await compareAll(fx.c, false);
  });

  it('one flushed segment (vectors)', async () => {
    await fx.db.flush();
    await compareAll(fx.c, true);
  });

  it('EXPLAIN ANALYZE counts the operators of the row path', async () => {
    const r = await run(fx.c, 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT k, count(*) FROM t WHERE i4 < 0 GROUP BY k');
    expect(r.vectorRows).toBe(0);
    const scan = r.rows.find((l) => l.includes('Seq Scan on t'));
    expect(scan).toMatch(/actual rows=[1-9][0-9]* loops=1/);
  });

  it('updates and deletions in the memtable and in overlapping segments', async () => {
    await fx.c.query('UPDATE t SET n = n + 7.125, f8 = -f8, k = k + 2 WHERE id % 40 = 0');
    await fx.c.query('DELETE FROM t WHERE id % 97 = 0');
    await fx.c.query('INSERT INTO t (id, k, n, n2, f8) VALUES (0, 3, 1.5, 2.25, 0.5), (97, 4, NULL, 1, 1), (99999, 5, 7, 7, 7)');
    // The memtable's versions span the segment's key range: one group; the segment is read as
    // vectors, the keys the memtable holds come resolved as rows in their places.
    const rowParts = fx.db.vectorStats.rowParts;
    await compareAll(fx.c, true);
    expect(fx.db.vectorStats.rowParts).toBeGreaterThan(rowParts);
    // More keys in the memtable than a quarter of the segment's: the group is read as rows.
    await fx.c.query('UPDATE t SET n = n * 3, n2 = n2 + 1.5, i4 = i4 / 2 WHERE id % 4 = 0');
    await fx.c.query('DELETE FROM t WHERE id % 9 = 0');
    await compareAll(fx.c, false);
    await fx.db.flush();
    await fx.c.query('UPDATE t SET k = k + 1 WHERE id % 10 = 1');
    await compareAll(fx.c, false);
    await fx.db.flush(); // two overlapping level-0 files: rows
    await compareAll(fx.c, false);
  });

  it('compacted under an older snapshot: multi-version segments with tombstones, both snapshots', async () => {
    const other = fx.client();
    await other.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const old = (await run(other, QUERIES[0]!)).rows;
    await fx.c.query('UPDATE t SET n = n + 1, tx = NULL WHERE id % 6 = 0');
    await fx.db.flush();
    await fx.c.query('DELETE FROM t WHERE id % 25 = 0');
    await fx.db.flush();
    await fx.c.query("UPDATE t SET tx = 'late' WHERE id % 7 = 3");
    await fx.db.flush();
    await compactAll();
    await compareAll(fx.c, true);
    // The old snapshot still sees the old versions, through the vector path too.
    const again = await run(other, QUERIES[0]!);
    expect(again.rows).toEqual(old);
    for (const q of QUERIES) {
      const got = await run(other, q);
      expect(got.rows, q).toEqual(await rowPath(other, q));
      if (!q.includes('id < 0')) expect(got.vectorRows, q).toBeGreaterThan(0);
    }
    await other.query('COMMIT');
  });

  it('rows narrower than the table after ADD COLUMN', async () => {
    // No default: the stored rows stay 12 cells wide (z missing = NULL), no rewrite.
    await fx.c.query('ALTER TABLE t ADD COLUMN z int4');
    await fx.c.query('INSERT INTO t (id, k, z, n2) SELECT g, g % 13, g % 4, g / 10.0 FROM generate_series(5001, 5400) g');
    await fx.c.query('UPDATE t SET z = id % 5 WHERE id % 8 = 1');
    await compactAll(); // one run holding narrow and wide rows (a _width column)
    const rowParts = fx.db.vectorStats.rowParts;
    for (const q of ['SELECT k, sum(z), count(z), avg(z) FROM t GROUP BY k', 'SELECT count(*), sum(z) FROM t WHERE z > 2', 'SELECT z, count(*), sum(n2) FROM t GROUP BY z']) {
      const want = await rowPath(fx.c, q);
      const got = await run(fx.c, q);
      expect(got.rows, q).toEqual(want);
      expect(got.vectorRows, q).toBeGreaterThan(0);
    }
    expect(fx.db.vectorStats.rowParts, 'the narrow rows come as rows parts').toBeGreaterThan(rowParts);
    await compareAll(fx.c, true);
  });

  it('uncommitted own writes are seen (row path)', async () => {
    await fx.c.query('BEGIN');
    await fx.c.query('INSERT INTO t (id, k, n, n2) VALUES (90001, 1, 1000.125, 5)');
    await fx.c.query('UPDATE t SET n = 0 WHERE id = 1');
    const a = await run(fx.c, 'SELECT k, sum(n), count(*) FROM t GROUP BY k');
    expect(a.vectorRows).toBe(0);
    await fx.c.query('ROLLBACK');
    const b = await run(fx.c, 'SELECT k, sum(n), count(*) FROM t GROUP BY k');
    expect(b.vectorRows).toBeGreaterThan(0);
    expect(b.rows).not.toEqual(a.rows);
  });
});
