// Locking SELECTs nested in a statement (planner/rel/row-locks-nested.ts) over TCP with several
// node-postgres clients — the job-queue pattern of worker libraries:
//   DELETE … WHERE id = (SELECT id … LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *,
//   UPDATE … WHERE id IN (SELECT id … LIMIT n FOR UPDATE SKIP LOCKED) RETURNING id,
//   SELECT … FROM (SELECT … FOR UPDATE) s, SELECT (SELECT … FOR UPDATE), WITH q AS (… FOR UPDATE):
// the inner SELECT's rows are locked (a writer of them waits), SKIP LOCKED lets two workers take
// different jobs, NOWAIT is 55P03, a worker without SKIP LOCKED waits for the holder and re-checks
// the row in READ COMMITTED (a job taken meanwhile is passed over for the next), REPEATABLE READ
// fails with 40001; a correlated locking subquery is refused (not built). The expected transcript
// is PostgreSQL 15's; when its binaries are installed the same sequence runs against a throw-away
// cluster and must give the same lines. Then 4 workers drain a queue: every job exactly once.
import { expect, it } from 'vitest';
import { describeWithOracle } from './oracle-suite.js';
import { connect, stateAfter, type Client, result } from './locks-clients.js';

const TAKE_ONE = 'DELETE FROM jq WHERE id = (SELECT id FROM jq ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *';
const TAKE_TWO = "UPDATE jq SET state = 'run' WHERE id IN (SELECT id FROM jq WHERE state = 'new' ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED) RETURNING id";

async function transcript(port: number): Promise<string[]> {
  const a = await connect(port);
  const b = await connect(port);
  const c = await connect(port);
  const out: string[] = [];
  const reset = async (): Promise<void> => {
    await a.query('DROP TABLE IF EXISTS jq');
    await a.query('CREATE TABLE jq (id int PRIMARY KEY, state text)');
    await a.query("INSERT INTO jq SELECT g, 'new' FROM generate_series(1, 6) g");
  };
  const step = async (name: string, who: Client, sql: string): Promise<void> => {
    out.push(`${name}: ${await result(who, sql)}`);
  };
  /** `waiter` runs `stmt`: its state before `release` runs on the holder, then its outcome. */
  const waits = async (name: string, waiter: Client, stmt: string, holder: Client, release: string): Promise<void> => {
    const p = result(waiter, stmt);
    out.push(`${name}: ${await stateAfter(p, c)}`);
    await holder.query(release);
    out.push(`${name}: ${await p}`);
  };
  try {
    // Two workers take different jobs with SKIP LOCKED; the taken rows are locked.
    await reset();
    await a.query('BEGIN');
    await b.query('BEGIN');
    await step('a takes one', a, TAKE_ONE);
    await step('b takes one', b, TAKE_ONE);
    await step('a takes two', a, TAKE_TWO);
    await step('b takes two', b, TAKE_TWO);
    await step('b sees', b, 'SELECT * FROM jq ORDER BY id');
    await a.query('COMMIT');
    await b.query('COMMIT');
    await step('after both', a, 'SELECT * FROM jq ORDER BY id');
    // SELECT forms: a subquery in FROM, a scalar subquery, a WITH query; their rows are held.
    await reset();
    await a.query('BEGIN');
    await step('from subquery', a, 'SELECT s.id + 100 AS n FROM (SELECT id FROM jq ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED) s');
    await step('scalar subquery', a, 'SELECT (SELECT id FROM jq WHERE id > 2 ORDER BY id LIMIT 1 FOR UPDATE) AS first');
    await step('with query', a, "WITH nxt AS (SELECT id FROM jq WHERE state = 'new' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) SELECT * FROM nxt");
    await step('b skips held', b, 'SELECT id FROM jq ORDER BY id FOR UPDATE SKIP LOCKED');
    await step('b exists', b, 'SELECT EXISTS (SELECT 1 FROM jq WHERE id = 2 FOR UPDATE SKIP LOCKED) AS held');
    await waits('b writes a held row', b, "UPDATE jq SET state = 'x' WHERE id = 3 RETURNING id, state", a, 'COMMIT');
    // NOWAIT: 55P03 naming the relation.
    await reset();
    await a.query('BEGIN');
    await step('a holds 1', a, 'SELECT id FROM jq WHERE id = 1 FOR UPDATE');
    await step('b nowait', b, 'DELETE FROM jq WHERE id = (SELECT id FROM jq ORDER BY id LIMIT 1 FOR UPDATE NOWAIT) RETURNING id');
    await a.query('ROLLBACK');
    // Without SKIP LOCKED a worker waits; READ COMMITTED re-checks the row it waited for: a job
    // deleted or taken meanwhile is passed over, and LIMIT 1 gives the next one.
    await reset();
    await a.query('BEGIN');
    await step('a deletes 1', a, 'DELETE FROM jq WHERE id = 1');
    await waits('b waits (deleted)', b, 'DELETE FROM jq WHERE id = (SELECT id FROM jq ORDER BY id LIMIT 1 FOR UPDATE) RETURNING id', a, 'COMMIT');
    await a.query('BEGIN');
    await step('a takes 3', a, "UPDATE jq SET state = 'run' WHERE id = 3");
    await waits('b waits (taken)', b, "UPDATE jq SET state = 'run' WHERE id = (SELECT id FROM jq WHERE state = 'new' ORDER BY id LIMIT 1 FOR UPDATE) RETURNING id, state", a, 'COMMIT');
    await a.query('BEGIN');
    await step('a holds 5', a, 'SELECT 1 FROM jq WHERE id = 5 FOR UPDATE');
    await waits('b waits (unchanged)', b, "UPDATE jq SET state = 'b' WHERE id IN (SELECT id FROM jq WHERE state = 'new' ORDER BY id LIMIT 1 FOR UPDATE) RETURNING id, state", a, 'COMMIT');
    await step('after waits', a, 'SELECT * FROM jq ORDER BY id');
    // REPEATABLE READ: a job changed after the snapshot is 40001.
    await reset();
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await step('b snapshot', b, 'SELECT count(*) FROM jq');
    await step('a changes 1', a, "UPDATE jq SET state = 'done' WHERE id = 1");
    await step('b repeatable read', b, 'DELETE FROM jq WHERE id = (SELECT id FROM jq ORDER BY id LIMIT 1 FOR UPDATE) RETURNING id');
    await b.query('ROLLBACK');
    // FOR UPDATE leaves a WITH query's rows unlocked, also when the planner inlines it (NOT
    // MATERIALIZED); OF naming it is refused.
    await reset();
    await a.query('BEGIN');
    await step('a inlined cte', a, 'WITH c AS NOT MATERIALIZED (SELECT id FROM jq WHERE id = 1) SELECT jq.id FROM c JOIN jq ON jq.id = c.id + 1 FOR UPDATE');
    await step('b cte row free', b, "UPDATE jq SET state = 'y' WHERE id = (SELECT id FROM jq WHERE id = 1 FOR UPDATE NOWAIT) RETURNING id, state");
    await step('b joined row held', b, 'SELECT id FROM jq WHERE id = 2 FOR UPDATE NOWAIT');
    await step('a only a cte', a, 'WITH c AS NOT MATERIALIZED (SELECT id FROM jq WHERE id = 3) SELECT * FROM c FOR UPDATE');
    await step('b only-cte row free', b, 'SELECT id FROM jq WHERE id = 3 FOR UPDATE NOWAIT');
    await step('a of cte', a, 'WITH c AS NOT MATERIALIZED (SELECT id FROM jq) SELECT * FROM c FOR UPDATE OF c');
    await a.query('ROLLBACK');
    return out;
  } finally {
    await Promise.all([a.end(), b.end(), c.end()]);
  }
}

const EXPECTED: string[] = [
  'a takes one: ok [{"id":1,"state":"new"}]',
  'b takes one: ok [{"id":2,"state":"new"}]',
  'a takes two: ok [{"id":3},{"id":4}]',
  'b takes two: ok [{"id":5},{"id":6}]',
  'b sees: ok [{"id":1,"state":"new"},{"id":3,"state":"new"},{"id":4,"state":"new"},{"id":5,"state":"run"},{"id":6,"state":"run"}]',
  'after both: ok [{"id":3,"state":"run"},{"id":4,"state":"run"},{"id":5,"state":"run"},{"id":6,"state":"run"}]',
  'from subquery: ok [{"n":101},{"n":102}]',
  'scalar subquery: ok [{"first":3}]',
  'with query: ok [{"id":1}]',
  'b skips held: ok [{"id":4},{"id":5},{"id":6}]',
  'b exists: ok [{"held":false}]',
  'b writes a held row: waiting',
  'b writes a held row: ok [{"id":3,"state":"x"}]',
  'a holds 1: ok [{"id":1}]',
  'b nowait: err 55P03 could not obtain lock on row in relation "jq"',
  'a deletes 1: ok []',
  'b waits (deleted): waiting',
  'b waits (deleted): ok [{"id":2}]',
  'a takes 3: ok []',
  'b waits (taken): waiting',
  'b waits (taken): ok [{"id":4,"state":"run"}]',
  'a holds 5: ok [{"?column?":1}]',
  'b waits (unchanged): waiting',
  'b waits (unchanged): ok [{"id":5,"state":"b"}]',
  'after waits: ok [{"id":3,"state":"run"},{"id":4,"state":"run"},{"id":5,"state":"b"},{"id":6,"state":"new"}]',
  'b snapshot: ok [{"count":"6"}]',
  'a changes 1: ok []',
  'b repeatable read: err 40001 could not serialize access due to concurrent update',
  'a inlined cte: ok [{"id":2}]',
  'b cte row free: ok [{"id":1,"state":"y"}]',
  'b joined row held: err 55P03 could not obtain lock on row in relation "jq"',
  'a only a cte: ok [{"id":3}]',
  'b only-cte row free: ok [{"id":3}]',
  'a of cte: err 0A000 FOR UPDATE cannot be applied to a WITH query @78',
];

/** 4 workers drain 60 jobs, each taking one at a time in its own transaction: every job once. */
async function drain(port: number): Promise<string> {
  const setup = await connect(port);
  await setup.query('DROP TABLE IF EXISTS jq_drain');
  await setup.query('CREATE TABLE jq_drain (id int PRIMARY KEY, state text, worker int)');
  await setup.query("INSERT INTO jq_drain (id, state) SELECT g, 'new' FROM generate_series(1, 60) g");
  const workers = await Promise.all([0, 1, 2, 3].map(() => connect(port)));
  const taken: number[][] = workers.map(() => []);
  await Promise.all(workers.map(async (w, i) => {
    for (;;) {
      await w.query('BEGIN');
      const r = await w.query(`UPDATE jq_drain SET state = 'done', worker = ${i} WHERE id = (SELECT id FROM jq_drain WHERE state = 'new' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`);
      await w.query('COMMIT');
      if (r.rows.length === 0) return;
      taken[i]!.push(r.rows[0].id as number);
    }
  }));
  const all = taken.flat().sort((x, y) => x - y);
  const left = (await setup.query("SELECT count(*)::int AS n FROM jq_drain WHERE state <> 'done'")).rows[0].n as number;
  await Promise.all([setup.end(), ...workers.map((w) => w.end())]);
  return `${all.length} taken, distinct ${new Set(all).size}, first ${all[0]}, last ${all[all.length - 1]}, left ${left}`;
}

describeWithOracle('locking SELECTs in subqueries and WITH (job queues)', [
  { title: 'two or three clients: SKIP LOCKED, NOWAIT, waits and re-checks, REPEATABLE READ', run: transcript, expected: EXPECTED },
  { title: '4 workers drain a queue: every job processed exactly once', run: drain, expected: '60 taken, distinct 60, first 1, last 60, left 0' },
], {
  more: (s) => {
    it('a correlated locking subquery is not built (0A000)', async () => {
      const c = await connect(s.port());
      try {
        await c.query('CREATE TABLE IF NOT EXISTS jq_corr (id int PRIMARY KEY)');
        const r = await result(c, 'SELECT (SELECT i.id FROM jq_corr i WHERE i.id = o.id FOR UPDATE) FROM jq_corr o');
        expect(r).toMatch(/^err 0A000 /);
      } finally {
        await c.end();
      }
    });
  },
});
