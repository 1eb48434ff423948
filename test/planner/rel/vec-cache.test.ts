// The derived-vector cache under the vectorised numeric sum (planner/rel/vec-numeric.ts,
// lsm/segment/vec-cache.ts, lsm/db/segments.ts): numerics parsed once per segment batch are
// served from the cache on the next query, and never stale — after updates flushed into new
// segments, after compaction replaced the files, after DROP TABLE and a new table of the same
// name. Random multi-version data (seeded); each answer is checked against an exact model kept
// in the test (BigInt cents) and against the row path (a transaction with an own write never
// takes the vector path), and the vector path must have run.
import { describe, expect, it } from 'vitest';
import { useLsmEngine } from '../../sql/engine-fixtures.js';
import { rng } from '../../seeded-rng.js';

const rand = rng(20261124);
const int = (n: number): number => Math.floor(rand() * n);

/** id → [k, n in cents (null: NULL)]. */
let model = new Map<number, [number, bigint | null]>();

const cents = (v: bigint): string => {
  const a = v < 0n ? -v : v;
  return `${v < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
};
const randomCents = (): bigint | null => (rand() < 0.08 ? null : BigInt(int(2_000_000_000)) - 1_000_000_000n);
const lit = (v: bigint | null): string => (v === null ? 'NULL' : cents(v));

const Q = 'SELECT k, sum(n), count(n), count(*), avg(n), sum(m) FROM t GROUP BY k ORDER BY k';

/** k | sum(n) | count(n) | count(*) from the model. */
function expected(): string[] {
  const g = new Map<number, { s: bigint; n: number; all: number }>();
  for (const [k, v] of model.values()) {
    const e = g.get(k) ?? { s: 0n, n: 0, all: 0 };
    e.all++;
    if (v !== null) {
      e.s += v;
      e.n++;
    }
    g.set(k, e);
  }
  return [...g].sort((a, b) => a[0] - b[0]).map(([k, e]) => `${k}|${e.n === 0 ? 'NULL' : cents(e.s)}|${e.n}|${e.all}`);
}

/** `mustVector`: the state is one the vector path reads (lone segments; see lsm/db/reads.ts). */
async function vectorRun(mustVector: boolean): Promise<string[]> {
  const before = fx.db.vectorStats.vectorRows;
  const r = await fx.c.query(Q);
  if (mustVector) expect(fx.db.vectorStats.vectorRows - before, 'the vector path ran').toBeGreaterThan(0);
  return r.text.map((row) => row.map((v) => v ?? 'NULL').join('|'));
}

async function rowRun(): Promise<string[]> {
  await fx.c.query('BEGIN');
  try {
    await fx.c.query('INSERT INTO scratch VALUES (1)');
    const before = fx.db.vectorStats.vectorRows;
    const r = await fx.c.query(Q);
    expect(fx.db.vectorStats.vectorRows - before).toBe(0);
    return r.text.map((row) => row.map((v) => v ?? 'NULL').join('|'));
  } finally {
    await fx.c.query('ROLLBACK');
  }
}

/** The vector answer equals the model and the row path; returns it. */
async function check(mustVector = true): Promise<string[]> {
  const got = await vectorRun(mustVector);
  expect(got.map((l) => l.split('|').slice(0, 4).join('|'))).toEqual(expected());
  expect(got).toEqual(await rowRun());
  return got;
}

async function insertRows(ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const vals = ids.slice(i, i + 500).map((id) => {
      const k = int(40);
      const n = randomCents();
      model.set(id, [k, n]);
      // m: unconstrained numeric of scales 0..3 (the mixed-scale layout of the derived vectors).
      const m = rand() < 0.1 ? 'NULL' : `${int(100000) - 50000}${['', '.5', '.25', '.125'][int(4)]}`;
      return `(${id}, ${k}, ${lit(n)}, ${m})`;
    });
    await fx.c.query(`INSERT INTO t VALUES ${vals.join(', ')}`);
  }
}

async function createTable(): Promise<void> {
  await fx.c.query('CREATE TABLE t (id int8 PRIMARY KEY, k int4, n numeric(12,2), m numeric)');
  model = new Map();
  await insertRows(Array.from({ length: 6000 }, (_, i) => i * 3));
  await fx.db.flush();
}

async function compactAll(): Promise<void> {
  await fx.db.flush();
  await fx.db.compactNow();
  for (let i = 0; i < 8 && fx.db.stats().levelBytes[0]! > 0; i++) {
    const id = [...model.keys()][i]!;
    await fx.c.query(`UPDATE t SET m = m + 1 WHERE id = ${id}`);
    await fx.db.flush();
    await fx.db.compactNow();
  }
  expect(fx.db.stats().levelBytes[0]).toBe(0);
}

const fx = useLsmEngine(async ({ c }) => {
  await c.query('CREATE TABLE scratch (x int)');
  await createTable();
});

describe('derived-vector cache under the vectorised numeric sum', () => {
  it('parses once per batch, then serves the cache', async () => {
    await check();
    const cache = fx.db.vectorStats.derived!;
    const { hits, misses } = cache;
    expect(misses).toBeGreaterThan(0);
    await check();
    expect(cache.misses, 'the second query derives nothing').toBe(misses);
    expect(cache.hits).toBeGreaterThan(hits);
    expect(cache.entries).toBeGreaterThan(0);
  });

  it('never stale after updates and deletions flushed into new segments', async () => {
    const ids = [...model.keys()];
    for (let round = 0; round < 3; round++) {
      // Fewer updated keys than a quarter of the segment's: the memtable's keys are an overlay
      // on the segment's vectors (more: the group is read as rows).
      const upd = ids.filter((id) => model.has(id) && rand() < 0.1);
      for (let i = 0; i < upd.length; i += 400) {
        const part = upd.slice(i, i + 400);
        const cases = part.map((id) => {
          const n = randomCents();
          model.get(id)![1] = n;
          return `WHEN ${id} THEN ${lit(n)}::numeric(12,2)`;
        });
        await fx.c.query(`UPDATE t SET n = CASE id ${cases.join(' ')} END WHERE id IN (${part.join(', ')})`);
      }
      const gone = ids.filter((id) => model.has(id) && rand() < 0.03);
      if (gone.length > 0) await fx.c.query(`DELETE FROM t WHERE id IN (${gone.join(', ')})`);
      for (const id of gone) model.delete(id);
      await insertRows(Array.from({ length: 200 }, (_, i) => 100_000 + round * 1000 + i));
      await check(round === 0); // memtable over the segment(s)
      await fx.db.flush();
      await check(false); // overlapping segments
    }
  });

  it('never stale after compaction replaced the files (their entries are dropped)', async () => {
    await check(false);
    await compactAll();
    const entries = fx.db.vectorStats.derived!.entries;
    await check();
    await check();
    // The compacted run's batches were derived anew; the old files' entries went with them.
    expect(fx.db.vectorStats.derived!.entries).toBeLessThanOrEqual(entries + Math.ceil(model.size / 1000) * 2 + 2);
  });

  it('sums past 2^52 at the common scale spill exactly (numeric(12,2) near its maximum)', async () => {
    await fx.c.query('CREATE TABLE big (id int8 PRIMARY KEY, k int4, n numeric(12,2))');
    // 6000 values near 10^10 in 2 groups: each group's sum in cents passes 2^52 (≈ 4.5·10^15).
    await fx.c.query(`INSERT INTO big SELECT g, g % 2, 9999999999.99 - (g % 1000)::numeric / 100 FROM generate_series(1, 6000) g`);
    await fx.db.flush();
    const want = [0, 1].map((k) => {
      let s = 0n;
      for (let g = 1; g <= 6000; g++) if (g % 2 === k) s += 999999999999n - BigInt(g % 1000);
      return `${k}|${cents(s)}`;
    });
    for (let i = 0; i < 2; i++) {
      const before = fx.db.vectorStats.vectorRows;
      const r = await fx.c.query('SELECT k, sum(n) FROM big GROUP BY k ORDER BY k');
      expect(fx.db.vectorStats.vectorRows - before).toBe(6000);
      expect(r.text.map((row) => row.join('|'))).toEqual(want);
    }
  });

  it('never stale after DROP TABLE and a new table of the same name', async () => {
    const before = await check();
    await fx.c.query('DROP TABLE t');
    await createTable();
    const after = await check();
    expect(after).not.toEqual(before);
    await check();
  });
});
