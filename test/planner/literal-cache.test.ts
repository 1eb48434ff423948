// The literal-normalising parse cache (planner/parse/literal-cache.ts, shape.ts): a text served
// from the template of another text of the same shape must give exactly the AST, statement text
// and positions libpg-query gives for it, and the same results and errors through a session.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LiteralCache } from '../../planner/parse/literal-cache.js';
import { shapeOf } from '../../planner/parse/shape.js';
import { loadParser, parseStatements } from '../../planner/parse/parser.js';
import { DbError } from '../../catalog/index.js';
import { withEngine, openSession, query } from './helpers.js';

beforeAll(async () => {
  await loadParser();
});

function plain(sql: string): unknown {
  return parseStatements(sql).map((s) => ({ sql: s.sql, ast: s.ast, text: s.source.text, start: s.startBytes, end: s.endBytes }));
}

/** Parses `first` then `second` through one cache; returns whether `second` was a hit, after
 *  checking that its statements equal the exact-text parse. */
function viaCache(first: string, second: string): boolean {
  const c = new LiteralCache(8);
  c.parse(first);
  const before = c.hits;
  const got = c.parse(second).map((s) => ({ sql: s.sql, ast: s.ast, text: s.source.text, start: s.startBytes, end: s.endBytes }));
  expect(got).toEqual(plain(second));
  return c.hits > before;
}

describe('shape lexer', () => {
  it('replaces literals by their class and keeps everything else', () => {
    expect(shapeOf("SELECT 1, 99999999999, 1.5, 'a''b', $q$x'y$q$, $1 FROM t")?.key).toBe(
      "SELECT \x01i, \x01n, \x01n, \x01s, \x01s, $1 FROM t");
    expect(shapeOf("SELECT 'x', -- it's\n /* '/* n */ ' */ 2")?.literals.map((l) => l.value)).toEqual(['x', 2]);
    expect(shapeOf("SELECT E'a\\'b', 1")?.literals.map((l) => l.cls)).toEqual(['x', 'i']);
    expect(shapeOf('SELECT "a""1", t1.c2, x$1 FROM t')?.literals).toEqual([]);
  });

  it('is unsure (undefined) of what it does not handle', () => {
    for (const q of ['SELECT 1; SELECT 2', "SELECT 'a", 'SELECT 1..2', 'SELECT 1e', 'SELECT 123abc', 'SELECT 0x1F',
      "SELECT U&'d\\0061t'", "SELECT 'a'\n'b'", 'SELECT \'é\'', 'SELECT /* open', 'SELECT $1a', 'SELECT 1_000']) {
      expect(shapeOf(q), q).toBeUndefined();
    }
    expect(shapeOf('SELECT 1;  ;')).toBeDefined();
  });
});

describe('literal cache: same AST as the exact path', () => {
  it('substitutes integers, numerics, strings and negative numbers', () => {
    expect(viaCache('SELECT 42::int', 'SELECT 7::int')).toBe(true);
    expect(viaCache('SELECT 1', 'SELECT 0')).toBe(true);
    expect(viaCache('SELECT 99999999999', 'SELECT 12345678901234567890')).toBe(true);
    expect(viaCache('SELECT 1.5 + 2', 'SELECT 100.25e-3 + 1234567')).toBe(true);
    expect(viaCache("SELECT 'a' || 'b'", "SELECT 'it''s' || ''")).toBe(true);
    expect(viaCache("SELECT $$a$$", "SELECT $$it's -- not a comment$$")).toBe(true);
    expect(viaCache("SELECT 'x', /* 'q' */ 1 -- '\n", "SELECT 'yy', /* 'q' */ 2 -- '\n")).toBe(true);
    expect(viaCache('UPDATE pgbench_accounts SET abalance = abalance + -3211 WHERE aid = 88123;',
      'UPDATE pgbench_accounts SET abalance = abalance + -5 WHERE aid = 1;')).toBe(true);
    expect(viaCache('SELECT - 7, 2 -3, x - -0 FROM t', 'SELECT - 2147483648, 2 -30, x - -9 FROM t')).toBe(false); // int vs numeric class differs
    expect(viaCache('SELECT - 7, 2 -3, x - -0 FROM t', 'SELECT - 21474836, 2 -30, x - -9 FROM t')).toBe(true);
    expect(viaCache("-- lead\n  SELECT 1 ;  ", "-- lead\n  SELECT 1000 ;  ")).toBe(true);
    expect(viaCache("SELECT int4 '5', interval '1' day", "SELECT int4 '-55', interval '2' day")).toBe(true);
  });

  it('never shares a plan between int4, int8/numeric-sized and decimal literals', () => {
    expect(shapeOf('SELECT 1')!.key).not.toBe(shapeOf('SELECT 99999999999')!.key);
    expect(shapeOf('SELECT 2147483647')!.key).not.toBe(shapeOf('SELECT 2147483648')!.key);
    expect(viaCache('SELECT 1', 'SELECT 1.5')).toBe(false);
  });

  it('keeps ORDER BY / GROUP BY positions, LIMIT, typmods and prefixed strings fixed', () => {
    expect(viaCache('SELECT 1, 2 ORDER BY 1', 'SELECT 1, 2 ORDER BY 2')).toBe(false);
    expect(viaCache('SELECT 5, 2 ORDER BY 1', 'SELECT 6, 3 ORDER BY 1')).toBe(true);
    expect(viaCache('SELECT a, count(*) FROM t GROUP BY 1', 'SELECT a, count(*) FROM t GROUP BY 2')).toBe(false);
    expect(viaCache('SELECT 1 LIMIT 1', 'SELECT 1 LIMIT 2')).toBe(false);
    expect(viaCache("SELECT 'a'::varchar(10)", "SELECT 'a'::varchar(2)")).toBe(false);
    expect(viaCache("SELECT 'b'::varchar(10)", "SELECT 'abc'::varchar(10)")).toBe(true);
    expect(viaCache("SELECT E'a\\n', 1", "SELECT E'b', 1")).toBe(false);
    expect(viaCache("SELECT E'a\\n', 1", "SELECT E'a\\n', 2")).toBe(true);
  });

  it('matches the exact path for random literal values (property)', () => {
    const intLit = fc.oneof(fc.integer({ min: 0, max: 2147483647 }).map(String), fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String));
    const numLit = fc.tuple(fc.nat(99999), fc.nat(9999)).map(([a, b]) => `${a}.${b}`);
    const strLit = fc.string({ maxLength: 12 }).filter((s) => /^[ -~]*$/.test(s)).map((s) => `'${s.replace(/'/g, "''")}'`);
    const kinds = [intLit, numLit, strLit, intLit.map((s) => `-${s}`), strLit.map((s) => `$z$${s}$z$`).filter((s) => !s.slice(3, -3).includes('$z$'))];
    // Mostly pairs of the same kind (so the second text usually hits), sometimes two kinds.
    const pair = fc.oneof(...kinds.map((k) => fc.tuple(k, k)), fc.tuple(fc.oneof(...kinds), fc.oneof(...kinds)));
    let hits = 0;
    fc.assert(fc.property(fc.array(pair, { minLength: 3, maxLength: 3 }), (pairs) => {
      const t = (x: string[]) => `SELECT ${x[0]} AS c, f(${x[1]}) FROM t WHERE y = ${x[2]}`;
      if (viaCache(t(pairs.map((p) => p[0])), t(pairs.map((p) => p[1])))) hits++;
    }), { numRuns: 300 });
    expect(hits).toBeGreaterThan(10); // the property exercises substitution, not only misses
  });

  it('is bounded (LRU)', () => {
    const c = new LiteralCache(3);
    for (let i = 0; i < 10; i++) c.parse(`SELECT ${i} AS c${i}`);
    expect(c.size).toBe(3);
    c.parse('SELECT 77 AS c9');
    expect(c.hits).toBe(1);
    c.parse('SELECT 77 AS c0');
    expect(c.hits).toBe(1);
  });
});

describe('literal cache through a session', () => {
  it('gives the same results and errors (with positions) as the uncached path', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const cases = [
        ["SELECT 1 + 2, 'x' || 'y', 1.5 * 2", "SELECT 1000 + 20000, 'it''s' || '', 2.25 * 3"],
        ['SELECT 2147483647 + 0', 'SELECT 2147483640 + 7'],
        ["SELECT 'abc' || 1, -5 * 3", "SELECT 'a' || 42, -6 * 3"],
        ['SELECT 10 / 2', 'SELECT 10 / 0'],
        ["SELECT 'a' + 1", "SELECT 'bbbbbbb' + 1"],
        ["SELECT '1'::int + 'zz'", "SELECT '12345'::int + 'zz'"],
        ["SELECT 'x', 1 ORDER BY 1", "SELECT 'yy', 2 ORDER BY 1"],
      ];
      const run = async (sess: ReturnType<typeof openSession>, q: string) => {
        try {
          return await query(sess, q);
        } catch (e) {
          if (e instanceof DbError) return { code: e.code, message: e.message, position: (e as { position?: number }).position };
          throw e;
        }
      };
      for (const [a, b] of cases) {
        await run(s, a!);
        const fresh = openSession(engine); // its caches are empty: the exact path
        expect(await run(s, b!), b).toEqual(await run(fresh, b!));
        fresh.close();
      }
    });
  });

  it('serves DML over tables (pgbench tpcb-like shapes) with the same effects', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      await query(s, 'CREATE TABLE acc (aid int PRIMARY KEY, abalance int, filler text)');
      for (let i = 1; i <= 5; i++) await query(s, `INSERT INTO acc VALUES (${i}, ${i * 10}, 'f''${i}')`);
      for (const [d, aid] of [[-3211, 1], [5, 2], [0, 3], [-2147483648, 4], [7, 99]] as const) {
        await query(s, `UPDATE acc SET abalance = abalance + ${d} WHERE aid = ${aid};`);
      }
      const fresh = openSession(engine);
      const expected = [['1', '-3201', "f'1"], ['2', '25', "f'2"], ['3', '30', "f'3"], ['4', '-2147483608', "f'4"], ['5', '50', "f'5"]];
      expect((await query(fresh, 'SELECT aid, abalance, filler FROM acc ORDER BY aid'))[0]!.rows).toEqual(expected);
      for (let i = 1; i <= 5; i++) {
        expect((await query(s, `SELECT abalance FROM acc WHERE aid = ${i}`))[0]!.rows).toEqual([[expected[i - 1]![1]]]);
      }
      fresh.close();
    });
  });
});
