// EXPLAIN and EXPLAIN ANALYZE through the real engine (harness: createEngine over a real LSM).
// Expected plan texts with COSTS OFF were produced by PostgreSQL 15.20 for the same tables and
// queries wherever Pyralog runs the same plan shape (pk lookups, sorts, aggregates, DML);
// shapes that differ because Pyralog executes differently are checked for what Pyralog does.
import { describe, expect, it } from 'vitest';
import { useEngineEach } from '../../sql/engine-fixtures.js';

const fx = useEngineEach(async ({ c }) => {
  await c.query('CREATE TABLE t (id int PRIMARY KEY, v text, n numeric, b bigint)');
  await c.query('CREATE TABLE u (a int, b int, c text, PRIMARY KEY (a, b))');
  await c.query("INSERT INTO t SELECT g, 'v' || (g % 3), g, g FROM generate_series(1, 100) g");
  await c.query("INSERT INTO u SELECT g % 10, g, 'c' || g FROM generate_series(1, 30) g");
});

async function plan(sql: string): Promise<string[]> {
  const r = await fx.c.query(sql);
  expect(r.columns).toEqual(['QUERY PLAN']);
  expect(r.tag).toBe('EXPLAIN');
  return r.text.map((x) => x[0]!);
}

describe('EXPLAIN (COSTS OFF): the same text as PostgreSQL 15', () => {
  const same: Array<[string, string[]]> = [
    ['SELECT * FROM t WHERE id = 1', ['Index Scan using t_pkey on t', '  Index Cond: (id = 1)']],
    ['SELECT count(*) FROM t', ['Aggregate', '  ->  Seq Scan on t']],
    ['SELECT DISTINCT v FROM t', ['HashAggregate', '  Group Key: v', '  ->  Seq Scan on t']],
    ['SELECT v, count(*) FROM t GROUP BY v HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 3',
      ['Limit', '  ->  Sort', '        Sort Key: (count(*)) DESC', '        ->  HashAggregate', '              Group Key: v', '              Filter: (count(*) > 1)', '              ->  Seq Scan on t']],
    ['SELECT * FROM t ORDER BY v, id DESC', ['Sort', '  Sort Key: v, id DESC', '  ->  Seq Scan on t']],
    ['SELECT * FROM t ORDER BY n NULLS FIRST, v DESC NULLS LAST LIMIT 2 OFFSET 1', ['Limit', '  ->  Sort', '        Sort Key: n NULLS FIRST, v DESC NULLS LAST', '        ->  Seq Scan on t']],
    ["SELECT * FROM t WHERE v = 'b'", ['Seq Scan on t', "  Filter: (v = 'b'::text)"]],
    ['SELECT * FROM generate_series(1, 10) g', ['Function Scan on generate_series g']],
    ['SELECT 1', ['Result']],
    ['VALUES (1), (2)', ['Values Scan on "*VALUES*"']],
    ['SELECT 1 UNION ALL SELECT 2', ['Append', '  ->  Result', '  ->  Result']],
    ['SELECT DISTINCT ON (v) v, id FROM t ORDER BY v, id', ['Unique', '  ->  Sort', '        Sort Key: v, id', '        ->  Seq Scan on t']],
    ["SELECT * FROM (SELECT * FROM t LIMIT 5) s WHERE s.v = 'a'", ['Subquery Scan on s', "  Filter: (s.v = 'a'::text)", '  ->  Limit', '        ->  Seq Scan on t']],
    ["INSERT INTO t VALUES (1000, 'a')", ['Insert on t', '  ->  Result']],
    ["UPDATE t SET v = 'b' WHERE id = 1", ['Update on t', '  ->  Index Scan using t_pkey on t', '        Index Cond: (id = 1)']],
    ["DELETE FROM t WHERE v = 'b'", ['Delete on t', '  ->  Seq Scan on t', "        Filter: (v = 'b'::text)"]],
    ['SELECT * FROM t WHERE id = -1 AND id::numeric = 10',
      ['Index Scan using t_pkey on t', "  Index Cond: (id = '-1'::integer)", "  Filter: ((id)::numeric = '10'::numeric)"]],
    ['SELECT * FROM t WHERE v IS NULL AND b = 5 AND n = 1.5', ['Seq Scan on t', '  Filter: ((v IS NULL) AND (b = 5) AND (n = 1.5))']],
  ];
  for (const [q, want] of same) {
    it(q, async () => {
      expect(await plan(`EXPLAIN (COSTS OFF) ${q}`)).toEqual(want);
    });
  }

  it('VERBOSE: schema-qualified relation, Output, qualified scan quals', async () => {
    expect(await plan('EXPLAIN (VERBOSE, COSTS OFF) SELECT v FROM t WHERE id = 1')).toEqual([
      'Index Scan using t_pkey on public.t', '  Output: v', '  Index Cond: (t.id = 1)',
    ]);
  });
});

describe('EXPLAIN: what Pyralog really runs', () => {
  it('a key range is an ordered Index Scan with both bounds as Index Cond', async () => {
    expect(await plan('EXPLAIN (COSTS OFF) SELECT v FROM t WHERE id > 5 AND id <= 9')).toEqual([
      'Index Scan using t_pkey on t', '  Index Cond: ((id > 5) AND (id <= 9))',
    ]);
    expect(await plan('EXPLAIN (COSTS OFF) SELECT c FROM u WHERE a = 1')).toEqual(['Index Scan using u_pkey on u', '  Index Cond: (a = 1)']);
  });

  it('joins: hash join with the right input under Hash, residual conditions as Join Filter', async () => {
    expect(await plan('EXPLAIN (COSTS OFF) SELECT * FROM t LEFT JOIN u ON t.id = u.a AND u.c > t.v')).toEqual([
      'Hash Left Join', '  Hash Cond: (t.id = u.a)', '  Join Filter: (u.c > t.v)', '  ->  Seq Scan on t', '  ->  Hash', '        ->  Seq Scan on u',
    ]);
    expect(await plan('EXPLAIN (COSTS OFF) SELECT * FROM t CROSS JOIN u')).toEqual([
      'Nested Loop', '  ->  Seq Scan on t', '  ->  Materialize', '        ->  Seq Scan on u',
    ]);
    expect(await plan("EXPLAIN (COSTS OFF) SELECT * FROM t t1 JOIN u ON t1.id = u.a WHERE u.c <> 'x'")).toEqual([
      'Hash Join', '  Hash Cond: (t1.id = u.a)', "  Filter: (u.c <> 'x'::text)", '  ->  Seq Scan on t t1', '  ->  Hash', '        ->  Seq Scan on u',
    ]);
  });

  it('default output has honest estimates in PostgreSQL layout', async () => {
    const [line] = await plan('EXPLAIN SELECT * FROM t');
    expect(line).toMatch(/^Seq Scan on t {2}\(cost=0\.00\.\.\d+\.\d\d rows=100 width=\d+\)$/);
    const pk = await plan('EXPLAIN SELECT * FROM t WHERE id = 7');
    expect(pk[0]).toMatch(/^Index Scan using t_pkey on t {2}\(cost=\d+\.\d\d\.\.\d+\.\d\d rows=1 width=\d+\)$/);
    // Equality on a non-key column: PostgreSQL's default selectivity 0.005 of 100 rows, clamped to 1.
    expect((await plan("EXPLAIN SELECT * FROM t WHERE v = 'x'"))[0]).toMatch(/ rows=1 /);
  });

  it('parameters of the extended protocol print as $n (a generic plan) and get their types inferred', async () => {
    const [st] = fx.c.session.parse('EXPLAIN (COSTS OFF) SELECT v FROM t WHERE id = $1');
    const p = fx.c.session.prepare(st!, []);
    expect(p.paramOids).toEqual([23]);
    expect(p.fields?.map((f) => [f.name, f.typeOid])).toEqual([['QUERY PLAN', 25]]);
    const ex = await fx.c.session.execute(p, [42], { reason: undefined });
    if (ex.kind !== 'rows') throw new Error('rows expected');
    const r = await ex.cursor.fetch(0);
    await fx.c.session.endImplicit(false);
    expect(r.rows.map((x) => x[0])).toEqual(['Index Scan using t_pkey on t', '  Index Cond: (id = $1)']);
  });

  it('EXPLAIN EXECUTE shows the prepared statement with its arguments as constants', async () => {
    await fx.c.query('PREPARE p(int) AS SELECT * FROM t WHERE id = $1');
    expect(await plan('EXPLAIN (COSTS OFF) EXECUTE p(1)')).toEqual(['Index Scan using t_pkey on t', '  Index Cond: (id = 1)']);
    expect(await plan('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE p(3)')).toEqual([
      'Index Scan using t_pkey on t (actual rows=1 loops=1)', '  Index Cond: (id = 3)',
    ]);
    expect((await fx.c.error('EXPLAIN EXECUTE nope')).code).toBe('26000');
    const e = await fx.c.error('EXPLAIN EXECUTE p(1, 2)');
    expect([e.code, e.message, e.fields.detail]).toEqual(['42601', 'wrong number of parameters for prepared statement "p"', 'Expected 1 parameters but got 2.']);
  });
});

describe('EXPLAIN ANALYZE', () => {
  it('counts rows per node, rows removed by the filter, and loops', async () => {
    expect(await plan("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM t WHERE v = 'v1'")).toEqual([
      'Seq Scan on t (actual rows=34 loops=1)', "  Filter: (v = 'v1'::text)", '  Rows Removed by Filter: 66',
    ]);
    expect(await plan('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT v, count(*) FROM t JOIN u ON t.id = u.a GROUP BY v')).toEqual([
      'HashAggregate (actual rows=3 loops=1)', '  Group Key: t.v',
      '  ->  Hash Join (actual rows=27 loops=1)', '        Hash Cond: (t.id = u.a)',
      '        ->  Seq Scan on t (actual rows=100 loops=1)',
      '        ->  Hash (actual rows=30 loops=1)', '              ->  Seq Scan on u (actual rows=30 loops=1)',
    ]);
    expect(await plan('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM t ORDER BY id DESC LIMIT 5')).toEqual([
      'Limit (actual rows=5 loops=1)', '  ->  Sort (actual rows=5 loops=1)', '        Sort Key: id DESC', '        ->  Seq Scan on t (actual rows=100 loops=1)',
    ]);
  });

  it('timing and summary lines by default', async () => {
    const lines = await plan('EXPLAIN ANALYZE SELECT * FROM t WHERE id = 5');
    expect(lines[0]).toMatch(/^Index Scan using t_pkey on t {2}\(cost=\S+ rows=1 width=\d+\) \(actual time=\d+\.\d{3}\.\.\d+\.\d{3} rows=1 loops=1\)$/);
    expect(lines[1]).toBe('  Index Cond: (id = 5)');
    expect(lines[2]).toMatch(/^Planning Time: \d+\.\d{3} ms$/);
    expect(lines[3]).toMatch(/^Execution Time: \d+\.\d{3} ms$/);
    expect(lines).toHaveLength(4);
  });

  it('runs DML for real inside the transaction: a ROLLBACK undoes it', async () => {
    await fx.c.query('BEGIN');
    expect(await plan("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE t SET n = -1 WHERE v = 'v2'")).toEqual([
      'Update on t (actual rows=0 loops=1)', '  ->  Seq Scan on t (actual rows=33 loops=1)', "        Filter: (v = 'v2'::text)", '        Rows Removed by Filter: 67',
    ]);
    expect((await fx.c.query('SELECT count(*) FROM t WHERE n = -1')).text).toEqual([['33']]);
    await fx.c.query('ROLLBACK');
    expect((await fx.c.query('SELECT count(*) FROM t WHERE n = -1')).text).toEqual([['0']]);
    await fx.c.query('EXPLAIN ANALYZE DELETE FROM t WHERE id <= 10');
    expect((await fx.c.query('SELECT count(*) FROM t')).text).toEqual([['90']]);
    expect(await plan("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) INSERT INTO t VALUES (500, 'x'), (501, 'y') RETURNING id")).toEqual([
      'Insert on t (actual rows=2 loops=1)', '  ->  Values Scan on "*VALUES*" (actual rows=2 loops=1)',
    ]);
    expect((await fx.c.query('SELECT count(*) FROM t WHERE id >= 500')).text).toEqual([['2']]);
  });

  it('INSERT … SELECT: the operators of the query are counted, the rows are inserted', async () => {
    expect(await plan("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) INSERT INTO u SELECT id + 100, id, v FROM t WHERE v = 'v1'")).toEqual([
      'Insert on u (actual rows=0 loops=1)', '  ->  Seq Scan on t (actual rows=34 loops=1)', "        Filter: (v = 'v1'::text)", '        Rows Removed by Filter: 66',
    ]);
    expect((await fx.c.query('SELECT count(*) FROM u')).text).toEqual([['64']]);
  });

  it('DECLARE and CREATE TABLE AS are explained by their query, as PostgreSQL 15 does', async () => {
    expect(await plan('EXPLAIN (COSTS OFF) CREATE TABLE x AS SELECT * FROM t WHERE id = 1')).toEqual(['Index Scan using t_pkey on t', '  Index Cond: (id = 1)']);
    expect(await plan('EXPLAIN (COSTS OFF) DECLARE c CURSOR FOR SELECT count(*) FROM t')).toEqual(['Aggregate', '  ->  Seq Scan on t']);
    expect((await fx.c.error('EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1')).code).toBe('0A000');
  });

  it('a plain EXPLAIN of DML changes nothing', async () => {
    await fx.c.query('EXPLAIN DELETE FROM t');
    expect((await fx.c.query('SELECT count(*) FROM t')).text).toEqual([['100']]);
  });
});

describe('FORMAT JSON', () => {
  it('parses, with PostgreSQL keys', async () => {
    const r = await fx.c.query('EXPLAIN (FORMAT JSON) SELECT v FROM t t1 JOIN u ON t1.id = u.a WHERE t1.id = 3');
    expect(r.rows).toHaveLength(1);
    const doc = JSON.parse(r.text[0]![0]!) as Array<{ Plan: Record<string, unknown> }>;
    const p = doc[0]!.Plan;
    expect(p['Node Type']).toBe('Hash Join');
    expect(p['Join Type']).toBe('Inner');
    expect(p['Hash Cond']).toBe('(t1.id = u.a)');
    const kids = p['Plans'] as Array<Record<string, unknown>>;
    expect(kids.map((k) => [k['Node Type'], k['Parent Relationship']])).toEqual([['Index Scan', 'Outer'], ['Hash', 'Inner']]);
    expect(kids[0]).toMatchObject({ 'Relation Name': 't', Alias: 't1', 'Index Name': 't_pkey', 'Index Cond': '(id = 3)', 'Plan Rows': 1 });
    expect(typeof kids[0]!['Total Cost']).toBe('number');
  });

  it('ANALYZE adds actual figures, Triggers and times', async () => {
    const r = await fx.c.query("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM t WHERE v = 'v0'");
    const doc = JSON.parse(r.text[0]![0]!) as Array<Record<string, unknown>>;
    const p = doc[0]!['Plan'] as Record<string, unknown>;
    expect(p).toMatchObject({ 'Node Type': 'Seq Scan', 'Actual Rows': 33, 'Actual Loops': 1, 'Rows Removed by Filter': 67, Filter: "(v = 'v0'::text)" });
    expect(doc[0]).toHaveProperty('Planning Time');
    expect(doc[0]).toHaveProperty('Execution Time');
    expect(doc[0]!['Triggers']).toEqual([]);
  });
});

describe('options and errors as PostgreSQL reports them', () => {
  it('rejects unknown options and bad values', async () => {
    const e1 = await fx.c.error('EXPLAIN (foo) SELECT 1');
    expect([e1.code, e1.message, e1.fields.position]).toEqual(['42601', 'unrecognized EXPLAIN option "foo"', 10]);
    const e2 = await fx.c.error("EXPLAIN (ANALYZE 'maybe') SELECT 1");
    expect([e2.code, e2.message]).toEqual(['42601', 'analyze requires a Boolean value']);
    const e3 = await fx.c.error('EXPLAIN (FORMAT yaml2) SELECT 1');
    expect([e3.code, e3.message]).toEqual(['22023', 'unrecognized value for EXPLAIN option "format": "yaml2"']);
    const e4 = await fx.c.error('EXPLAIN (TIMING) SELECT 1');
    expect([e4.code, e4.message]).toEqual(['22023', 'EXPLAIN option TIMING requires ANALYZE']);
    const e5 = await fx.c.error('EXPLAIN (WAL) SELECT 1');
    expect([e5.code, e5.message]).toEqual(['22023', 'EXPLAIN option WAL requires ANALYZE']);
    expect((await fx.c.error('EXPLAIN (FORMAT YAML) SELECT 1')).code).toBe('0A000');
    expect((await fx.c.error('EXPLAIN CREATE TABLE x (a int)')).code).toBe('42601');
  });

  it('accepts TIMING OFF, SUMMARY, BUFFERS and SETTINGS', async () => {
    expect(await plan('EXPLAIN (TIMING OFF, COSTS OFF) SELECT 1')).toEqual(['Result']);
    expect(await plan('EXPLAIN (BUFFERS, SETTINGS, COSTS OFF) SELECT 1')).toEqual(['Result']);
    const s = await plan('EXPLAIN (COSTS OFF, SUMMARY) SELECT 1');
    expect(s[0]).toBe('Result');
    expect(s[1]).toMatch(/^Planning Time: \d+\.\d{3} ms$/);
  });

  it('errors of the explained statement are its own', async () => {
    const e = await fx.c.error('EXPLAIN SELECT * FROM nope');
    expect([e.code, e.message]).toEqual(['42P01', 'relation "nope" does not exist']);
  });
});

describe('sub-plans', () => {
  it('a CTE is a CTE Scan with its body as the "CTE name" sub-plan (PostgreSQL 15, WITH … AS MATERIALIZED)', async () => {
    // PostgreSQL 15 inlines a CTE used once unless MATERIALIZED; Pyralog always materializes it.
    const q = "WITH w AS (SELECT * FROM t WHERE v <> 'x') SELECT * FROM w WHERE id = 3";
    expect(await plan(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${q}`)).toEqual([
      'CTE Scan on w (actual rows=1 loops=1)', '  Filter: (id = 3)', '  Rows Removed by Filter: 99',
      '  CTE w', '    ->  Seq Scan on t (actual rows=100 loops=1)', "          Filter: (v <> 'x'::text)",
    ]);
    const doc = JSON.parse((await fx.c.query(`EXPLAIN (COSTS OFF, FORMAT JSON) ${q}`)).text[0]![0]!) as Array<{ Plan: Record<string, unknown> }>;
    expect(doc[0]!.Plan).toEqual({
      'Node Type': 'CTE Scan', 'Parallel Aware': false, 'Async Capable': false, 'CTE Name': 'w', Alias: 'w', Filter: '(id = 3)',
      Plans: [{ 'Node Type': 'Seq Scan', 'Parent Relationship': 'InitPlan', 'Subplan Name': 'CTE w', 'Parallel Aware': false, 'Async Capable': false, 'Relation Name': 't', Alias: 't', Filter: "(v <> 'x'::text)" }],
    });
  });
});

describe('estimates', () => {
  it('a constant integer generate_series is counted (PostgreSQL 15 prints the same line)', async () => {
    expect(await plan('EXPLAIN SELECT * FROM generate_series(1, 10) g')).toEqual(['Function Scan on generate_series g  (cost=0.00..0.10 rows=10 width=4)']);
    expect((await plan('EXPLAIN SELECT * FROM generate_series(1, 10, 3) g'))[0]).toContain(' rows=4 ');
  });
});
