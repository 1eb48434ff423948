// Locking SELECTs nested in a statement, in process (planner/rel/row-locks-nested.ts): which
// statements are routed (`hasNestedLocking`), the retry driver (`withPreludes`), and through SQL
// what the PostgreSQL transcripts (test/e2e/row-locks-subquery.test.ts) do not show — the rows
// a nested locking SELECT leaves held, prepared statements run twice, INSERT … SELECT over a
// locking subquery, ARRAY/EXISTS sublinks, a subquery scan read twice (rescan), and the honest
// 0A000s: correlated locking subqueries, a DML statement that wrote before it read its locking
// subquery, EXPLAIN ANALYZE of DML with one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../planner/api.js';
import { DbError } from '../../../catalog/index.js';
import { hasNestedLocking, PreludeNeeded, withPreludes } from '../../../planner/rel/row-locks-nested.js';
import { loadParser, parseStatements } from '../../../planner/parse/parser.js';
import { Client, openEngine } from '../../sql/harness.js';

let engine: Engine;
let a: Client;
let b: Client;

beforeAll(async () => {
  engine = (await openEngine()).engine;
  a = Client.open(engine);
  b = Client.open(engine);
});

afterAll(async () => {
  await a.close();
  await b.close();
  await engine.close();
});

async function reset(): Promise<void> {
  await a.query('DROP TABLE IF EXISTS jobs');
  await a.query('CREATE TABLE jobs (id int PRIMARY KEY, state text)');
  await a.query("INSERT INTO jobs SELECT g, 'new' FROM generate_series(1, 6) g");
}

/** The ids of jobs rows session b cannot lock at once. */
async function heldIds(): Promise<number[]> {
  const out: number[] = [];
  for (let id = 1; id <= 6; id++) {
    try {
      await b.query(`SELECT 1 FROM jobs WHERE id = ${id} FOR UPDATE NOWAIT`);
    } catch (e) {
      expect(e).toMatchObject({ code: '55P03' });
      out.push(id);
    }
  }
  return out;
}

function selectOf(sql: string): object {
  return parseStatements(sql)[0]!.ast;
}

describe('hasNestedLocking', () => {
  it('finds locking clauses below the top level only', async () => {
    await loadParser();
    const inner = selectOf;
    expect(hasNestedLocking(inner('SELECT * FROM t FOR UPDATE'))).toBe(false);
    expect(hasNestedLocking(inner('SELECT * FROM t WHERE id = (SELECT 1)'))).toBe(false);
    expect(hasNestedLocking(inner('SELECT * FROM t WHERE id = (SELECT id FROM t FOR UPDATE SKIP LOCKED)'))).toBe(true);
    expect(hasNestedLocking(inner('SELECT * FROM (SELECT id FROM t FOR SHARE) s'))).toBe(true);
    expect(hasNestedLocking(inner('WITH q AS (SELECT id FROM t FOR UPDATE) SELECT * FROM q'))).toBe(true);
  });
});

describe('withPreludes', () => {
  it('runs the attempt again after each wait, and passes other errors and results through', async () => {
    expect(withPreludes(() => 5)).toBe(5);
    let done = 0;
    const got = await withPreludes(() => {
      if (done < 2) throw new PreludeNeeded(Promise.resolve().then(() => done++));
      return 'rows';
    });
    expect([got, done]).toEqual(['rows', 2]);
    // The locking run's own error (NOWAIT's 55P03) is the statement's.
    await expect(withPreludes(() => {
      throw new PreludeNeeded(Promise.reject(new DbError('55P03', 'could not obtain lock on row in relation "t"')));
    })).rejects.toMatchObject({ code: '55P03' });
    // An attempt that never finds its rows (planned again each run) ends with 0A000, not a loop.
    await expect(withPreludes(() => {
      throw new PreludeNeeded(Promise.resolve());
    })).rejects.toMatchObject({ code: '0A000' });
  });
});

describe('locking SELECTs nested in statements', () => {
  it('hold exactly the rows the inner SELECT returned', async () => {
    await reset();
    await a.query('BEGIN');
    const r = await a.query("UPDATE jobs SET state = 'run' WHERE id IN (SELECT id FROM jobs WHERE id > 1 ORDER BY id LIMIT 2 FOR UPDATE) RETURNING id");
    expect(r.rows).toEqual([[2], [3]]);
    expect(await heldIds()).toEqual([2, 3]);
    await a.query('SELECT * FROM (SELECT id FROM jobs WHERE id = 5 FOR SHARE) s');
    await a.query('SELECT EXISTS (SELECT 1 FROM jobs WHERE id = 6 FOR UPDATE)');
    expect(await heldIds()).toEqual([2, 3, 5, 6]);
    await a.query('ROLLBACK');
    expect(await heldIds()).toEqual([]);
  });

  it('a prepared job-queue DELETE takes the next job at each execution', async () => {
    await reset();
    await a.query('PREPARE take AS DELETE FROM jobs WHERE id = (SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id');
    expect((await a.query('EXECUTE take')).rows).toEqual([[1]]);
    expect((await a.query('EXECUTE take')).rows).toEqual([[2]]);
    await a.query('DEALLOCATE take');
  });

  it('INSERT … SELECT, ARRAY and a subquery scan joined (read again per outer row) see the locked rows', async () => {
    await reset();
    await a.query('CREATE TABLE IF NOT EXISTS jobs_log (id int PRIMARY KEY)');
    await a.query('DELETE FROM jobs_log');
    const ins = await a.query('INSERT INTO jobs_log SELECT id FROM (SELECT id FROM jobs WHERE id <= 3 FOR UPDATE) s RETURNING id');
    expect(ins.rows).toEqual([[1], [2], [3]]);
    expect((await a.query("SELECT array_to_string(ARRAY(SELECT id FROM jobs WHERE id > 4 ORDER BY id FOR UPDATE), ',')")).rows).toEqual([['5,6']]);
    const j = await a.query('SELECT l.id, s.id FROM jobs_log l, (SELECT id FROM jobs WHERE id < 3 FOR UPDATE) s WHERE s.id <= l.id ORDER BY 1, 2');
    expect(j.rows).toEqual([[1, 1], [2, 1], [2, 2], [3, 1], [3, 2]]);
  });

  it('refuses what is not built (0A000)', async () => {
    await reset();
    await expect(a.query('SELECT (SELECT i.id FROM jobs i WHERE i.id = o.id FOR UPDATE) FROM jobs o')).rejects.toMatchObject({ code: '0A000' });
    await expect(a.query('EXPLAIN (ANALYZE) DELETE FROM jobs WHERE id = (SELECT id FROM jobs LIMIT 1 FOR UPDATE)')).rejects.toMatchObject({ code: '0A000' });
    await a.query('CREATE VIEW jobs_locked AS SELECT id FROM jobs FOR UPDATE');
    await expect(a.query('SELECT * FROM jobs_locked')).rejects.toMatchObject({ code: '0A000', message: 'FOR UPDATE/SHARE inside a view read by another query is not supported yet' });
    await a.query('DROP VIEW jobs_locked');
  });

  it('a statement run again after its locking subquery waited changes each row once', async () => {
    await reset();
    // Row 1 matches without the subquery (OR): whichever order the scan and the subquery take,
    // no row is written twice (lockTarget refuses a run again after a write: 0A000).
    const r = await a.query("UPDATE jobs SET state = state || 'x' WHERE id + 0 = 1 OR id = (SELECT id FROM jobs WHERE id = 5 FOR UPDATE) RETURNING id").catch((e: { code: string }) => e.code);
    const states = (await a.query('SELECT id, state FROM jobs ORDER BY id')).rows;
    if (r === '0A000') expect(states.every((s) => s[1] === 'new')).toBe(true);
    else expect(states).toEqual([[1, 'newx'], [2, 'new'], [3, 'new'], [4, 'new'], [5, 'newx'], [6, 'new']]);
  });
});
