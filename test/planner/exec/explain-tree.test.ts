// The EXPLAIN machinery below the statement: operators without explain() are shown through their
// describe() lines (the contract external scans use), subqueries in expressions print as
// SubPlans, expressions deparse as PostgreSQL prints them, and ANALYZE counts loops.
import { describe, expect, it } from 'vitest';
import { useEngineEach } from '../../sql/engine-fixtures.js';
import type { EvalContext } from '../../../planner/bind/expr.js';
import type { RelNode, Row } from '../../../planner/rel/ops.js';
import { RowsNode } from '../../../planner/rel/ops.js';
import { buildTree } from '../../../planner/exec/explain-node.js';
import { formatText } from '../../../planner/exec/explain-format.js';
import { Measured } from '../../../planner/exec/explain-analyze.js';
import { DEFAULT_DEPARSE } from '../../../planner/exec/explain-deparse.js';

/** An operator of a kind EXPLAIN has no report for: it only describes itself. */
class Described implements RelNode {
  readonly width = 1;
  constructor(readonly input: RelNode) {}
  *open(ctx: EvalContext): Generator<Row> {
    for (const r of { [Symbol.iterator]: () => this.input.open(ctx) }) yield r;
  }
  describe(i = ''): string {
    return `${i}Foreign Scan on sales (DuckDB)\n${i}  Pushed Filter: (year = 2023)\n${i}  Partitions: kept 3 of 24\n${this.input.describe(i + '  ')}`;
  }
}

const FMT = { costs: false, verbose: false, analyze: false, timing: false, summary: false, deparse: DEFAULT_DEPARSE };

describe('operators known only by describe()', () => {
  it('print their lines verbatim and their input as a child', () => {
    const values = new RowsNode(1, () => [[1], [2], [3]], 'Values');
    const tree = buildTree(new Described(values), { tableRows: () => ({ rows: 0, bytes: 0 }) });
    expect(formatText(tree, FMT, undefined, {})).toEqual([
      'Foreign Scan on sales (DuckDB)', '  Pushed Filter: (year = 2023)', '  Partitions: kept 3 of 24', '  ->  Values Scan on "*VALUES*"',
    ]);
  });

  it('are counted under ANALYZE like any operator', () => {
    const values = new RowsNode(1, () => [[1], [2], [3]], 'Values');
    const top = new Described(values);
    const m = new Measured(false);
    m.instrument(top);
    const ctx = {} as EvalContext;
    expect([...{ [Symbol.iterator]: () => top.open(ctx) }]).toHaveLength(3);
    expect([...{ [Symbol.iterator]: () => top.open(ctx) }]).toHaveLength(3);
    const tree = buildTree(top, { tableRows: () => ({ rows: 0, bytes: 0 }) });
    expect(formatText(tree, { ...FMT, analyze: true }, m, {})).toEqual([
      'Foreign Scan on sales (DuckDB) (actual rows=3 loops=2)', '  Pushed Filter: (year = 2023)', '  Partitions: kept 3 of 24', '  ->  Values Scan on "*VALUES*" (actual rows=3 loops=2)',
    ]);
  });
});

describe('statements', () => {
  const fx = useEngineEach(async ({ c }) => {
    await c.query('CREATE TABLE t (id int PRIMARY KEY, v text, n numeric, b bigint)');
    await c.query('CREATE TABLE u (a int, b int, c text, PRIMARY KEY (a, b))');
    await c.query("INSERT INTO t SELECT g, 'v' || (g % 3), g, g FROM generate_series(1, 20) g");
  });
  const plan = async (sql: string): Promise<string[]> => (await fx.c.query(sql)).text.map((x) => x[0]!);

  it('window functions: the WindowAgg over its input (as PostgreSQL, which adds the Sort Pyralog does inside)', async () => {
    expect(await plan('EXPLAIN (COSTS OFF) SELECT id, row_number() OVER (ORDER BY v) FROM t')).toEqual(['WindowAgg', '  ->  Seq Scan on t']);
  });

  it('subqueries in expressions print as numbered SubPlans', async () => {
    expect(await plan('EXPLAIN (COSTS OFF) SELECT * FROM t WHERE id = (SELECT max(a) FROM u) OR EXISTS (SELECT 1 FROM u WHERE u.a = t.id)')).toEqual([
      'Seq Scan on t', '  Filter: ((id = (SubPlan 1)) OR (SubPlan 2))',
    ]);
  });

  it('expressions as PostgreSQL 15 prints them', async () => {
    // Each Filter text below is PostgreSQL 15's for the same conjunct.
    const cases: Array<[string, string]> = [
      ["v IN ('a', 'b')", "(v = ANY ('{a,b}'::text[]))"],
      ['b NOT IN (1, 2)', "(b <> ALL ('{1,2}'::bigint[]))"],
      ['(n > 1 OR v IS NOT NULL)', "((n > '1'::numeric) OR (v IS NOT NULL))"],
      ["coalesce(v, 'x') = 'y'", "(COALESCE(v, 'x'::text) = 'y'::text)"],
      ['CASE WHEN id > 1 THEN true ELSE false END', 'CASE WHEN (id > 1) THEN true ELSE false END'],
      ['b = 5000000000', "(b = '5000000000'::bigint)"],
      ['n = -1.5', "(n = '-1.5'::numeric)"],
      ["v <> 'it''s'", "(v <> 'it''s'::text)"],
      ["id::text = '1'", "((id)::text = '1'::text)"],
      ["lower(v) LIKE 'a%'", "(lower(v) ~~ 'a%'::text)"],
      ['b BETWEEN 1 AND 3', '((b >= 1) AND (b <= 3))'],
    ];
    for (const [where, want] of cases) {
      expect(await plan(`EXPLAIN (COSTS OFF) SELECT * FROM t WHERE ${where}`), where).toEqual(['Seq Scan on t', `  Filter: ${want}`]);
    }
  });

  it('ANALYZE counts rows through a join over a materialized subquery', async () => {
    await fx.c.query('INSERT INTO u VALUES (1, 1, \'x\'), (2, 2, \'y\')');
    expect(await plan('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM t, (SELECT * FROM u) s WHERE t.id < s.a')).toEqual([
      'Nested Loop (actual rows=1 loops=1)', '  Filter: (t.id < s.a)', '  Rows Removed by Filter: 39',
      '  ->  Seq Scan on t (actual rows=20 loops=1)',
      '  ->  Materialize (actual rows=2 loops=1)', '        ->  Subquery Scan on s (actual rows=2 loops=1)', '              ->  Seq Scan on u (actual rows=2 loops=1)',
    ]);
  });
});
