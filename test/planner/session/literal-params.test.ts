// Simple-protocol texts that differ only in int4 literals run one shared plan with the literals as
// parameters (planner/parse/literal-params.ts, PlannerSession.prepareWithLiterals). Every text
// must give exactly what its own exact parse and plan give: rows, column types, command tags,
// errors with their SQLSTATE, wording and position.
import { beforeAll, describe, expect, it } from 'vitest';
import { LiteralCache } from '../../../planner/parse/literal-cache.js';
import { parameterisableConsts } from '../../../planner/parse/literal-params.js';
import { loadParser, parseStatements } from '../../../planner/parse/parser.js';
import { DbError } from '../../../catalog/index.js';
import type { SqlSession } from '../../../planner/index.js';
import { withEngine, openSession, query } from '../helpers.js';

beforeAll(async () => {
  await loadParser();
});

/** A text the shape lexer refuses (non-ASCII comment at the very end): the exact path, same positions. */
const exactly = (q: string): string => `${q} /* é */`;

async function run(s: SqlSession, q: string): Promise<unknown> {
  try {
    return await query(s, q);
  } catch (e) {
    if (e instanceof DbError) return { code: e.code, message: e.message, position: e.fields.position };
    throw e;
  }
}

function eligible(q: string): number {
  return parameterisableConsts(parseStatements(q)[0]!.ast).size;
}

describe('which literals become parameters', () => {
  it('takes int4 literals of WHERE, UPDATE SET and INSERT VALUES', () => {
    expect(eligible('SELECT abalance FROM a WHERE aid = 5')).toBe(1);
    expect(eligible('SELECT 7 FROM a WHERE aid IN (1, 2) AND b BETWEEN -3 AND 4 OR c::int8 = 9')).toBe(5);
    expect(eligible('UPDATE a SET x = x + -5, y = 3 WHERE aid = 1')).toBe(3);
    expect(eligible('DELETE FROM a WHERE aid = 1')).toBe(1);
    expect(eligible('INSERT INTO h (a, b) VALUES (1, -2), (3, 4)')).toBe(4);
  });

  it('leaves literals whose value can matter to the plan as constants', () => {
    for (const q of [
      'SELECT a + 1 FROM t WHERE a = 1 GROUP BY a + 1',
      'SELECT a FROM t WHERE a = 1 ORDER BY 1',
      'SELECT DISTINCT ON (1) a FROM t WHERE a = 2',
      'SELECT a FROM t WHERE a = 1 UNION SELECT 2',
      'SELECT a FROM t WHERE a IN (SELECT 1)',
      'SELECT a FROM t WHERE a = abs(1)',
      "SELECT a FROM t WHERE b = 'x'",
      'SELECT a FROM t WHERE a = 1.5',
      'UPDATE t SET a = 1 FROM u WHERE t.a = u.a',
      'INSERT INTO t SELECT 1',
      'INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING',
      'WITH x AS (SELECT 1) DELETE FROM t WHERE a = 1',
    ]) {
      expect(eligible(q), q).toBe(0);
    }
  });

  it('shares one template between texts and hands out each text\'s values', () => {
    const c = new LiteralCache(8);
    const a = c.parseOrParams('UPDATE acc SET abalance = abalance + -3211 WHERE aid = 88123;');
    const b = c.parseOrParams('UPDATE acc SET abalance = abalance + -5 WHERE aid = 1;');
    expect(Array.isArray(a) || Array.isArray(b)).toBe(false);
    if (Array.isArray(a) || Array.isArray(b)) return;
    expect(b.template).toBe(a.template);
    expect(a.values).toEqual([-3211, 88123]);
    expect(b.values).toEqual([-5, 1]);
    // The exact parse on demand is what libpg-query gives for the text itself.
    const exact = parseStatements('UPDATE acc SET abalance = abalance + -5 WHERE aid = 1;')[0]!;
    expect({ sql: b.exact().sql, ast: b.exact().ast }).toEqual({ sql: exact.sql, ast: exact.ast });
    // A string constant that differs is not a parameter: no sharing of the parameterised plan.
    c.parseOrParams("SELECT 1 FROM acc WHERE aid = 3 AND filler = 'a'");
    expect(Array.isArray(c.parseOrParams("SELECT 1 FROM acc WHERE aid = 4 AND filler = 'b'"))).toBe(true);
    expect(Array.isArray(c.parseOrParams("SELECT 1 FROM acc WHERE aid = 5 AND filler = 'a'"))).toBe(false);
  });
});

describe('parameterised plans through a session', () => {
  it('give the same rows, tags and errors (with positions) as the exact path', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const ref = openSession(engine);
      await query(s, 'CREATE TABLE acc (aid int PRIMARY KEY, abalance int, small int2, big int8, num numeric, filler text)');
      await query(s, 'CREATE TABLE empty (a int)');
      const texts = [
        "INSERT INTO acc VALUES (1, 10, 1, 1, 1, 'a')",
        "INSERT INTO acc VALUES (2, -20, 2, 9000000000, 2.5, 'b')",
        "INSERT INTO acc VALUES (3, 30, 3, 3, 3, 'c'), (4, 40, 4, 4, 4, 'c')",
        "INSERT INTO acc VALUES (5, 50, 100000, 5, 5, 'd')", // 22003 smallint out of range
        "INSERT INTO acc VALUES (1, 10, 1, 1, 1, 'a')", // 23505
        "INSERT INTO acc VALUES (6, 60, 6, 6, 6, 'e')",
        'SELECT abalance FROM acc WHERE aid = 1',
        'SELECT abalance FROM acc WHERE aid = 2',
        'SELECT abalance FROM acc WHERE aid = 99',
        'SELECT abalance FROM acc WHERE aid = -1',
        'SELECT aid FROM acc WHERE big = 9000000000',
        'SELECT aid FROM acc WHERE big = 3',
        'SELECT aid, num FROM acc WHERE num = 3',
        'SELECT aid FROM acc WHERE small = 2',
        'SELECT aid FROM acc WHERE aid IN (1, 3, 5) AND abalance BETWEEN 0 AND 35',
        'SELECT aid FROM acc WHERE aid IN (2, 4, 6) AND abalance BETWEEN -100 AND 45',
        'SELECT aid FROM acc WHERE aid / 0 = 1', // 22012 at run time
        'SELECT a FROM empty WHERE a / 0 = 1', // no row, no error (as with a constant)
        'SELECT aid FROM acc WHERE filler = 5', // 42883 with position
        'SELECT aid FROM acc WHERE filler = 77',
        'SELECT aid FROM nosuch WHERE aid = 5', // 42P01 with position
        'SELECT aid FROM nosuch WHERE aid = 12345',
        'SELECT abalance + 2147483647 FROM acc WHERE aid = 3', // 22003
        'UPDATE acc SET abalance = abalance + -3211 WHERE aid = 1',
        'UPDATE acc SET abalance = abalance + 5 WHERE aid = 2',
        'UPDATE acc SET abalance = abalance + 2147483647 WHERE aid = 3', // 22003
        'UPDATE acc SET abalance = abalance + 7 WHERE aid = 12345', // UPDATE 0
        'UPDATE acc SET small = 40000 WHERE aid = 4', // 22003
        'UPDATE acc SET small = 4 WHERE aid = 4',
        'DELETE FROM acc WHERE aid = 6',
        'DELETE FROM acc WHERE aid = 60',
        'SELECT aid, abalance, small, big, num, filler FROM acc ORDER BY aid',
      ];
      for (const q of texts) {
        // The reference runs the same statement first, through the exact path in another
        // session, inside a transaction that is rolled back (its effects must not apply twice).
        await query(ref, 'BEGIN');
        const want = await run(ref, exactly(q));
        await query(ref, 'ROLLBACK');
        expect(await run(s, q), q).toEqual(want);
      }
      // The fallbacks above really reported PostgreSQL's errors.
      expect(await run(s, 'SELECT aid FROM acc WHERE filler = 78')).toEqual({ code: '42883', message: 'operator does not exist: text = integer', position: 34 });
      expect(await run(s, 'UPDATE acc SET small = 40001 WHERE aid = 4')).toMatchObject({ code: '22003', message: 'smallint out of range' });
      s.close();
      ref.close();
    });
  });

  it('describe no parameters and plan each shape once', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      await query(s, 'CREATE TABLE acc (aid int PRIMARY KEY, abalance int)');
      const p1 = s.prepare(s.parse('SELECT abalance FROM acc WHERE aid = 1')[0]!, []);
      const p2 = s.prepare(s.parse('SELECT abalance FROM acc WHERE aid = 22')[0]!, []);
      expect(p1.paramOids).toEqual([]);
      expect(p2.paramOids).toEqual([]);
      // Both run the one plan of the shape.
      expect((p1 as unknown as { plan: unknown }).plan).toBe((p2 as unknown as { plan: unknown }).plan);
      // A shape that failed (no such table) is tried again once DDL started a new plan epoch.
      await expect(query(s, 'SELECT n FROM later WHERE n = 1')).rejects.toMatchObject({ code: '42P01' });
      await query(s, 'CREATE TABLE later (n int)');
      await query(s, 'INSERT INTO later VALUES (2), (3)');
      const l2 = s.prepare(s.parse('SELECT n FROM later WHERE n = 2')[0]!, []);
      const l3 = s.prepare(s.parse('SELECT n FROM later WHERE n = 3')[0]!, []);
      expect((l2 as unknown as { plan: unknown }).plan).toBe((l3 as unknown as { plan: unknown }).plan);
      expect((await query(s, 'SELECT n FROM later WHERE n = 3'))[0]!.rows).toEqual([['3']]);
      // DDL invalidates it: the next text is planned again (and sees the new column).
      await query(s, 'ALTER TABLE acc ADD COLUMN c int');
      const p3 = s.prepare(s.parse('SELECT abalance FROM acc WHERE aid = 3')[0]!, []);
      expect((p3 as unknown as { plan: unknown }).plan).not.toBe((p1 as unknown as { plan: unknown }).plan);
      s.close();
    });
  });
});
