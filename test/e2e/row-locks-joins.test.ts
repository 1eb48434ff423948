// SELECT … FOR UPDATE / SHARE beyond one table (planner/rel/row-locks*.ts) over TCP with several
// node-postgres clients: joins (inner, comma, USING, the preserved side of LEFT JOIN), OF, subqueries
// in FROM and views lock the rows that produce the returned rows (writers of those rows wait,
// writers of other rows do not), the SELECT waits for a writer of any joined row and re-evaluates
// that row on the newest versions of its locked rows (READ COMMITTED's EvalPlanQual: no new join
// partner, no row that matches only now, the snapshot's sort order kept), NOWAIT names the held relation, SKIP LOCKED
// leaves out joined rows whose row of any locked table is held, REPEATABLE READ's 40001,
// PostgreSQL's refusals (nullable side of an outer join, OF a join / function / WITH query,
// qualified OF names, aggregates in a locked subquery, set-returning functions), and EXPLAIN's
// LockRows above the plan (below Limit).
// The expected transcript is PostgreSQL 15's; when its binaries are installed the same sequence
// runs against a throw-away cluster and must give the same lines.
import { describeWithOracle } from './oracle-suite.js';
import { connect, stateAfter, type Client, result } from './locks-clients.js';

async function transcript(port: number): Promise<string[]> {
  const a = await connect(port);
  const b = await connect(port);
  const c = await connect(port);
  const out: string[] = [];
  const reset = async (): Promise<void> => {
    await a.query('DROP VIEW IF EXISTS rl_va');
    await a.query('DROP VIEW IF EXISTS rl_vj');
    await a.query('DROP TABLE IF EXISTS rl_a');
    await a.query('DROP TABLE IF EXISTS rl_b');
    await a.query('CREATE TABLE rl_a (id int PRIMARY KEY, v int)');
    await a.query('CREATE TABLE rl_b (id int PRIMARY KEY, aid int, w int)');
    await a.query('INSERT INTO rl_a VALUES (1, 10), (2, 20), (3, 30)');
    await a.query('INSERT INTO rl_b VALUES (1, 1, 100), (2, 1, 200), (3, 2, 300)');
    await a.query('CREATE VIEW rl_va AS SELECT id, v FROM rl_a WHERE v > 10');
    await a.query('CREATE VIEW rl_vj (aid, total) AS SELECT rl_a.id, rl_a.v + rl_b.w FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id');
  };
  /** `holder` runs `hold` in an open transaction; `waiter` runs `stmt`: its state (waiting or
   *  its outcome) before the holder commits, then its outcome. */
  const waits = async (name: string, holder: Client, hold: string, waiter: Client, stmt: string): Promise<void> => {
    await reset();
    await holder.query('BEGIN');
    out.push(`${name} hold: ${await result(holder, hold)}`);
    const p = result(waiter, stmt);
    out.push(`${name}: ${await stateAfter(p, c)}`);
    await holder.query('COMMIT');
    out.push(`${name}: ${await p}`);
  };
  try {
    // The joined rows of every table are locked; OF restricts the tables.
    await waits('join / update a', a, 'SELECT rl_a.id, rl_b.w FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id WHERE rl_b.id = 3 FOR UPDATE', b, 'UPDATE rl_a SET v = v + 1 WHERE id = 2 RETURNING v');
    await waits('join / update b', a, 'SELECT rl_a.id, rl_b.w FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id WHERE rl_b.id = 3 FOR SHARE', b, 'UPDATE rl_b SET w = 1 WHERE id = 3 RETURNING w');
    await waits('join / unjoined row', a, 'SELECT rl_a.id, rl_b.w FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id WHERE rl_b.id = 3 FOR UPDATE', b, 'UPDATE rl_a SET v = 0 WHERE id = 3 RETURNING v');
    await waits('of a / update b', a, 'SELECT x.id FROM rl_a x, rl_b y WHERE y.aid = x.id AND y.id = 1 FOR UPDATE OF x', b, 'UPDATE rl_b SET w = 5 WHERE id = 1 RETURNING w');
    await waits('of b / update b', a, 'SELECT * FROM rl_a JOIN rl_b USING (id) WHERE id = 2 FOR NO KEY UPDATE OF rl_b', b, 'UPDATE rl_b SET w = 5 WHERE id = 2 RETURNING w');
    await waits('left join of a', a, 'SELECT rl_a.id, rl_b.id AS bid FROM rl_a LEFT JOIN rl_b ON rl_b.aid = rl_a.id ORDER BY 1, 2 FOR UPDATE OF rl_a', b, 'DELETE FROM rl_a WHERE id = 3 RETURNING id');
    // Subqueries and views lock their tables' rows.
    await waits('subquery / update', a, 'SELECT * FROM (SELECT id, v * 2 AS v2 FROM rl_a WHERE id > 1) s ORDER BY id FOR UPDATE', b, 'UPDATE rl_a SET v = 0 WHERE id = 3 RETURNING v');
    await waits('nested subquery / update', a, 'SELECT * FROM (SELECT * FROM (SELECT id, v FROM rl_a) s1 WHERE v > 10) s2 ORDER BY id FOR UPDATE', b, 'UPDATE rl_a SET v = 0 WHERE id = 3 RETURNING v');
    await waits('view / update', a, 'SELECT * FROM rl_va ORDER BY id FOR SHARE', b, 'UPDATE rl_a SET v = 0 WHERE id = 2 RETURNING v');
    await waits('join view / update', a, 'SELECT * FROM rl_vj WHERE aid = 2 FOR UPDATE', b, 'UPDATE rl_b SET w = 0 WHERE id = 3 RETURNING w');
    await waits('view not matching / update', a, 'SELECT * FROM rl_va ORDER BY id FOR UPDATE', b, 'UPDATE rl_a SET v = 0 WHERE id = 1 RETURNING v');
    // WITH queries are not locked (PostgreSQL: the locking clause does not reach them).
    await waits('with / update', a, 'WITH w AS MATERIALIZED (SELECT * FROM rl_a) SELECT w.id, rl_b.id AS bid FROM w JOIN rl_b ON rl_b.aid = w.id WHERE rl_b.id = 3 FOR UPDATE', b, 'UPDATE rl_a SET v = 0 WHERE id = 2 RETURNING v');
    // The SELECT waits for a writer of any joined row, then evaluates the join on the newest rows.
    await waits('update b / join', a, 'UPDATE rl_b SET w = 0 WHERE id = 1', b, 'SELECT rl_a.id, rl_b.id AS bid, rl_b.w FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id WHERE rl_b.w > 50 ORDER BY rl_b.id FOR UPDATE');
    await waits('move b / join', a, 'UPDATE rl_b SET aid = 3 WHERE id = 3', b, 'SELECT rl_a.id, rl_a.v, rl_b.id AS bid FROM rl_a, rl_b WHERE rl_b.aid = rl_a.id ORDER BY rl_b.id FOR UPDATE');
    await waits('newly matching / for update', a, 'UPDATE rl_a SET v = 15 WHERE id = 1; UPDATE rl_a SET v = 21 WHERE id = 2', b, 'SELECT * FROM rl_a WHERE v > 12 ORDER BY id FOR UPDATE');
    await waits('re-check keeps the order / for update', a, 'UPDATE rl_b SET w = 1 WHERE id = 1', b, 'SELECT rl_b.id, rl_b.w FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id ORDER BY rl_b.w LIMIT 2 FOR UPDATE');
    await waits('update a / join of b', a, 'UPDATE rl_a SET v = 11 WHERE id = 1', b, 'SELECT rl_a.v, rl_b.id FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id ORDER BY rl_b.id FOR UPDATE OF rl_b');
    await waits('delete a / subquery', a, 'DELETE FROM rl_a WHERE id = 2', b, 'SELECT s.id, rl_b.w FROM (SELECT * FROM rl_a) s JOIN rl_b ON rl_b.aid = s.id ORDER BY rl_b.id FOR UPDATE');
    await waits('update a / view limit', a, 'UPDATE rl_a SET v = 5 WHERE id = 2', b, 'SELECT * FROM rl_va ORDER BY id LIMIT 1 FOR UPDATE');
    // NOWAIT names the held relation; SKIP LOCKED leaves out rows with a held row of any table.
    await reset();
    await a.query('BEGIN');
    await a.query('UPDATE rl_b SET w = 101 WHERE id = 1');
    out.push(`nowait: ${await result(b, 'SELECT rl_a.id FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id FOR UPDATE NOWAIT')}`);
    out.push(`nowait of a: ${await result(b, 'SELECT rl_a.id FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id ORDER BY rl_b.id FOR UPDATE OF rl_a NOWAIT')}`);
    out.push(`skip locked: ${await result(b, 'SELECT rl_a.id, rl_b.id AS bid FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id ORDER BY rl_b.id FOR UPDATE SKIP LOCKED')}`);
    out.push(`skip locked limit: ${await result(b, 'SELECT rl_b.id FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id ORDER BY rl_b.id LIMIT 1 FOR SHARE SKIP LOCKED')}`);
    out.push(`skip locked view: ${await result(b, 'SELECT * FROM rl_vj ORDER BY total FOR UPDATE SKIP LOCKED')}`);
    out.push(`nowait over skip locked: ${await result(b, 'SELECT rl_b.id FROM rl_b FOR UPDATE OF rl_b SKIP LOCKED FOR SHARE OF rl_b NOWAIT')}`);
    await a.query('ROLLBACK');
    // REPEATABLE READ: a joined row changed after the snapshot.
    await reset();
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await b.query('SELECT 1 FROM rl_a WHERE id = 3');
    await a.query('UPDATE rl_b SET w = 7 WHERE id = 2');
    out.push(`repeatable read changed: ${await result(b, 'SELECT rl_a.id FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id WHERE rl_a.id = 1 FOR UPDATE')}`);
    await b.query('ROLLBACK');
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await b.query('SELECT 1 FROM rl_a WHERE id = 3');
    await a.query('UPDATE rl_b SET w = 8 WHERE id = 2');
    out.push(`repeatable read of unchanged: ${await result(b, 'SELECT rl_a.id FROM rl_a JOIN rl_b ON rl_b.aid = rl_a.id WHERE rl_a.id = 1 FOR UPDATE OF rl_a')}`);
    await b.query('COMMIT');
    // Refusals (PostgreSQL's wording), and the cases PostgreSQL runs without locking anything.
    await a.query('DROP SEQUENCE IF EXISTS rl_seq');
    await a.query('CREATE SEQUENCE rl_seq');
    for (const q of [
      'SELECT * FROM rl_a LEFT JOIN rl_b ON rl_b.aid = rl_a.id FOR UPDATE',
      'SELECT * FROM rl_a LEFT JOIN rl_b ON rl_b.aid = rl_a.id FOR SHARE OF rl_a FOR UPDATE OF rl_b',
      'SELECT * FROM rl_a RIGHT JOIN rl_b ON rl_b.aid = rl_a.id FOR KEY SHARE OF rl_a',
      'SELECT * FROM rl_a FULL JOIN rl_b ON rl_b.aid = rl_a.id FOR UPDATE OF rl_b',
      'SELECT * FROM rl_a LEFT JOIN (SELECT * FROM rl_b) s ON s.aid = rl_a.id FOR UPDATE OF s',
      'SELECT * FROM (SELECT rl_a.id FROM rl_a LEFT JOIN rl_b ON rl_b.aid = rl_a.id) s FOR UPDATE',
      'SELECT * FROM (rl_a JOIN rl_b USING (id)) j FOR UPDATE OF j',
      'SELECT * FROM rl_a, generate_series(1, 2) g FOR UPDATE OF g',
      'WITH w AS (SELECT 1 AS x) SELECT * FROM rl_a, w FOR UPDATE OF w',
      'SELECT * FROM rl_a FOR UPDATE OF public.rl_a',
      'SELECT * FROM rl_a JOIN rl_b USING (id) FOR UPDATE OF rl_a, nosuch',
      'SELECT * FROM (SELECT count(*) FROM rl_a) s FOR UPDATE',
      'SELECT * FROM (SELECT DISTINCT v FROM rl_a) s FOR SHARE',
      'SELECT * FROM (SELECT id FROM rl_a UNION SELECT id FROM rl_b) s FOR UPDATE',
      'SELECT generate_series(1, 2) AS g FROM rl_a FOR UPDATE',
      'SELECT * FROM rl_seq FOR UPDATE',
      'SELECT rl_a.id, g FROM rl_a LEFT JOIN generate_series(1, 1) g ON true ORDER BY 1 FOR UPDATE',
      'SELECT rl_a.id, x FROM rl_a LEFT JOIN (VALUES (1)) v (x) ON true ORDER BY 1 FOR UPDATE',
      'SELECT * FROM (SELECT * FROM rl_a WHERE id = 1) s, (SELECT * FROM rl_b WHERE id = 1 FOR SHARE) t FOR UPDATE OF s',
      'SELECT * FROM rl_a x (i, u) WHERE i = 2 FOR UPDATE',
      'SELECT *, 1 AS one FROM (SELECT * FROM rl_a) s, rl_b WHERE rl_b.id = s.id ORDER BY w DESC FOR UPDATE',
      'SELECT j.* FROM (rl_a JOIN rl_b USING (id)) j WHERE id = 1 FOR UPDATE OF rl_b',
      'SELECT * FROM rl_a FOR UPDATE OF rl_a NOWAIT FOR SHARE OF rl_a SKIP LOCKED',
    ]) out.push(`${q}: ${await result(a, q)}`);
    // EXPLAIN: LockRows above the query, below Limit.
    for (const q of [
      'SELECT * FROM rl_a FOR UPDATE',
      'SELECT * FROM rl_a WHERE id = 1 FOR UPDATE',
      'SELECT * FROM rl_a ORDER BY v LIMIT 2 FOR UPDATE SKIP LOCKED',
      'SELECT * FROM rl_a ORDER BY v OFFSET 1 FOR SHARE OF rl_a',
      'SELECT x.v FROM rl_a x WHERE x.v > 10 FOR NO KEY UPDATE OF x NOWAIT',
    ]) {
      const r = await c.query(`EXPLAIN (COSTS OFF) ${q}`);
      out.push(`explain ${q}: ${r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join(' | ')}`);
    }
    await a.query('DROP SEQUENCE rl_seq');
    await a.query('DROP VIEW rl_va');
    await a.query('DROP VIEW rl_vj');
    await a.query('DROP TABLE rl_a');
    await a.query('DROP TABLE rl_b');
  } finally {
    await Promise.all([a.end(), b.end(), c.end()]);
  }
  return out;
}

/** PostgreSQL 15's transcript (recorded with the sequence above). */
const EXPECTED: string[] = [
  'join / update a hold: ok [{"id":2,"w":300}]',
  'join / update a: waiting',
  'join / update a: ok [{"v":21}]',
  'join / update b hold: ok [{"id":2,"w":300}]',
  'join / update b: waiting',
  'join / update b: ok [{"w":1}]',
  'join / unjoined row hold: ok [{"id":2,"w":300}]',
  'join / unjoined row: ok [{"v":0}]',
  'join / unjoined row: ok [{"v":0}]',
  'of a / update b hold: ok [{"id":1}]',
  'of a / update b: ok [{"w":5}]',
  'of a / update b: ok [{"w":5}]',
  'of b / update b hold: ok [{"id":2,"v":20,"aid":1,"w":200}]',
  'of b / update b: waiting',
  'of b / update b: ok [{"w":5}]',
  'left join of a hold: ok [{"id":1,"bid":1},{"id":1,"bid":2},{"id":2,"bid":3},{"id":3,"bid":null}]',
  'left join of a: waiting',
  'left join of a: ok [{"id":3}]',
  'subquery / update hold: ok [{"id":2,"v2":40},{"id":3,"v2":60}]',
  'subquery / update: waiting',
  'subquery / update: ok [{"v":0}]',
  'nested subquery / update hold: ok [{"id":2,"v":20},{"id":3,"v":30}]',
  'nested subquery / update: waiting',
  'nested subquery / update: ok [{"v":0}]',
  'view / update hold: ok [{"id":2,"v":20},{"id":3,"v":30}]',
  'view / update: waiting',
  'view / update: ok [{"v":0}]',
  'join view / update hold: ok [{"aid":2,"total":320}]',
  'join view / update: waiting',
  'join view / update: ok [{"w":0}]',
  'view not matching / update hold: ok [{"id":2,"v":20},{"id":3,"v":30}]',
  'view not matching / update: ok [{"v":0}]',
  'view not matching / update: ok [{"v":0}]',
  'with / update hold: ok [{"id":2,"bid":3}]',
  'with / update: ok [{"v":0}]',
  'with / update: ok [{"v":0}]',
  'update b / join hold: ok []',
  'update b / join: waiting',
  'update b / join: ok [{"id":1,"bid":2,"w":200},{"id":2,"bid":3,"w":300}]',
  'move b / join hold: ok []',
  'move b / join: waiting',
  'move b / join: ok [{"id":1,"v":10,"bid":1},{"id":1,"v":10,"bid":2}]',
  'newly matching / for update hold: ok undefined',
  'newly matching / for update: waiting',
  'newly matching / for update: ok [{"id":2,"v":21},{"id":3,"v":30}]',
  're-check keeps the order / for update hold: ok []',
  're-check keeps the order / for update: waiting',
  're-check keeps the order / for update: ok [{"id":1,"w":1},{"id":2,"w":200}]',
  'update a / join of b hold: ok []',
  'update a / join of b: ok [{"v":10,"id":1},{"v":10,"id":2},{"v":20,"id":3}]',
  'update a / join of b: ok [{"v":10,"id":1},{"v":10,"id":2},{"v":20,"id":3}]',
  'delete a / subquery hold: ok []',
  'delete a / subquery: waiting',
  'delete a / subquery: ok [{"id":1,"w":100},{"id":1,"w":200}]',
  'update a / view limit hold: ok []',
  'update a / view limit: waiting',
  'update a / view limit: ok [{"id":3,"v":30}]',
  'nowait: err 55P03 could not obtain lock on row in relation "rl_b"',
  'nowait of a: ok [{"id":1},{"id":1},{"id":2}]',
  'skip locked: ok [{"id":1,"bid":2},{"id":2,"bid":3}]',
  'skip locked limit: ok [{"id":2}]',
  'skip locked view: ok [{"aid":1,"total":210},{"aid":2,"total":320}]',
  'nowait over skip locked: err 55P03 could not obtain lock on row in relation "rl_b"',
  'repeatable read changed: err 40001 could not serialize access due to concurrent update',
  'repeatable read of unchanged: ok [{"id":1},{"id":1}]',
  'SELECT * FROM rl_a LEFT JOIN rl_b ON rl_b.aid = rl_a.id FOR UPDATE: err 0A000 FOR UPDATE cannot be applied to the nullable side of an outer join',
  'SELECT * FROM rl_a LEFT JOIN rl_b ON rl_b.aid = rl_a.id FOR SHARE OF rl_a FOR UPDATE OF rl_b: err 0A000 FOR UPDATE cannot be applied to the nullable side of an outer join',
  'SELECT * FROM rl_a RIGHT JOIN rl_b ON rl_b.aid = rl_a.id FOR KEY SHARE OF rl_a: err 0A000 FOR KEY SHARE cannot be applied to the nullable side of an outer join',
  'SELECT * FROM rl_a FULL JOIN rl_b ON rl_b.aid = rl_a.id FOR UPDATE OF rl_b: err 0A000 FOR UPDATE cannot be applied to the nullable side of an outer join',
  'SELECT * FROM rl_a LEFT JOIN (SELECT * FROM rl_b) s ON s.aid = rl_a.id FOR UPDATE OF s: err 0A000 FOR UPDATE cannot be applied to the nullable side of an outer join',
  'SELECT * FROM (SELECT rl_a.id FROM rl_a LEFT JOIN rl_b ON rl_b.aid = rl_a.id) s FOR UPDATE: err 0A000 FOR UPDATE cannot be applied to the nullable side of an outer join',
  'SELECT * FROM (rl_a JOIN rl_b USING (id)) j FOR UPDATE OF j: err 0A000 FOR UPDATE cannot be applied to a join @59',
  'SELECT * FROM rl_a, generate_series(1, 2) g FOR UPDATE OF g: err 0A000 FOR UPDATE cannot be applied to a function @59',
  'WITH w AS (SELECT 1 AS x) SELECT * FROM rl_a, w FOR UPDATE OF w: err 0A000 FOR UPDATE cannot be applied to a WITH query @63',
  'SELECT * FROM rl_a FOR UPDATE OF public.rl_a: err 42601 FOR UPDATE must specify unqualified relation names @34',
  'SELECT * FROM rl_a JOIN rl_b USING (id) FOR UPDATE OF rl_a, nosuch: err 42P01 relation "nosuch" in FOR UPDATE clause not found in FROM clause @61',
  'SELECT * FROM (SELECT count(*) FROM rl_a) s FOR UPDATE: err 0A000 FOR UPDATE is not allowed with aggregate functions',
  'SELECT * FROM (SELECT DISTINCT v FROM rl_a) s FOR SHARE: err 0A000 FOR SHARE is not allowed with DISTINCT clause',
  'SELECT * FROM (SELECT id FROM rl_a UNION SELECT id FROM rl_b) s FOR UPDATE: err 0A000 FOR UPDATE is not allowed with UNION/INTERSECT/EXCEPT',
  'SELECT generate_series(1, 2) AS g FROM rl_a FOR UPDATE: err 0A000 FOR UPDATE is not allowed with set-returning functions in the target list',
  'SELECT * FROM rl_seq FOR UPDATE: err 42809 cannot lock rows in sequence "rl_seq"',
  'SELECT rl_a.id, g FROM rl_a LEFT JOIN generate_series(1, 1) g ON true ORDER BY 1 FOR UPDATE: ok [{"id":1,"g":1},{"id":2,"g":1},{"id":3,"g":1}]',
  'SELECT rl_a.id, x FROM rl_a LEFT JOIN (VALUES (1)) v (x) ON true ORDER BY 1 FOR UPDATE: ok [{"id":1,"x":1},{"id":2,"x":1},{"id":3,"x":1}]',
  'SELECT * FROM (SELECT * FROM rl_a WHERE id = 1) s, (SELECT * FROM rl_b WHERE id = 1 FOR SHARE) t FOR UPDATE OF s: ok [{"id":1,"v":10,"aid":1,"w":100}]',
  'SELECT * FROM rl_a x (i, u) WHERE i = 2 FOR UPDATE: ok [{"i":2,"u":20}]',
  'SELECT *, 1 AS one FROM (SELECT * FROM rl_a) s, rl_b WHERE rl_b.id = s.id ORDER BY w DESC FOR UPDATE: ok [{"id":3,"v":30,"aid":2,"w":300,"one":1},{"id":1,"v":10,"aid":1,"w":100,"one":1},{"id":2,"v":20,"aid":1,"w":8,"one":1}]',
  'SELECT j.* FROM (rl_a JOIN rl_b USING (id)) j WHERE id = 1 FOR UPDATE OF rl_b: ok [{"id":1,"v":10,"aid":1,"w":100}]',
  'SELECT * FROM rl_a FOR UPDATE OF rl_a NOWAIT FOR SHARE OF rl_a SKIP LOCKED: ok [{"id":1,"v":10},{"id":2,"v":20},{"id":3,"v":30}]',
  'explain SELECT * FROM rl_a FOR UPDATE: LockRows |   ->  Seq Scan on rl_a',
  'explain SELECT * FROM rl_a WHERE id = 1 FOR UPDATE: LockRows |   ->  Index Scan using rl_a_pkey on rl_a |         Index Cond: (id = 1)',
  'explain SELECT * FROM rl_a ORDER BY v LIMIT 2 FOR UPDATE SKIP LOCKED: Limit |   ->  LockRows |         ->  Sort |               Sort Key: v |               ->  Seq Scan on rl_a',
  'explain SELECT * FROM rl_a ORDER BY v OFFSET 1 FOR SHARE OF rl_a: Limit |   ->  LockRows |         ->  Sort |               Sort Key: v |               ->  Seq Scan on rl_a',
  'explain SELECT x.v FROM rl_a x WHERE x.v > 10 FOR NO KEY UPDATE OF x NOWAIT: LockRows |   ->  Seq Scan on rl_a x |         Filter: (v > 10)',
];

describeWithOracle('SELECT … FOR UPDATE / SHARE over joins, subqueries and views', [
  { title: 'locks the joined rows as PostgreSQL 15 does', run: transcript, expected: EXPECTED },
], { oracleTitle: 'PostgreSQL 15 gives the same transcript (the oracle, live)' });
