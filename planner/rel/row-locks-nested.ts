// Locking SELECTs nested in a statement — a scalar / IN / EXISTS subquery, a subquery in FROM, a
// WITH query — the job-queue pattern of every worker library:
//   DELETE FROM jobs WHERE id = (SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
// PostgreSQL runs such a SELECT's LockRows when the outer plan first asks for its rows (an
// uncorrelated sublink is an InitPlan: once per execution), waiting there for a row another
// transaction holds. Here expressions and operators are synchronous, and a lock wait is not; so:
//  * the nested plan (row-locks.ts, or a plan with one nested in it: `waitingForNestedLocks`)
//    is marked `waitsForLocks`; where its rows are asked for synchronously and are not there yet
//    for this execution (sublink.ts, with.ts, a FROM subquery's rows node), the reader throws
//    `PreludeNeeded` carrying the asynchronous locking run, whose rows it keeps for the execution
//    (keyed by the statement's cancel token);
//  * the statement's driver (`withPreludes`: a SELECT's plan made by `waitingForNestedLocks`, and
//    dml/rel-lock.ts `runReplanning` for INSERT/UPDATE/DELETE) catches it, awaits the run (the
//    rows locked, waits, NOWAIT, SKIP LOCKED and READ COMMITTED re-checks as for a top-level
//    FOR UPDATE) and runs the statement again from the start, where the rows are now found.
// The outer statement has produced nothing when it is run again: an uncorrelated subquery is
// asked for its rows before the row that needs them is returned or written, and a DML statement
// that did write before (`WHERE a OR id IN (locking subquery)` with `a` true on an earlier row)
// is refused (0A000, dml/rel-lock.ts `lockTarget`) rather than applied twice. Retries are bounded
// (one per nested locking SELECT, PRELUDES_MAX in all).
// Divergence: EXPLAIN ANALYZE counts the abandoned first run of a subquery scan (loops=2).
// Not built (0A000 where met): a locking SELECT in a correlated subquery (run once per outer row),
// and a view whose query locks, read by a statement (the view body is not seen by
// `hasNestedLocking`: PreludeNeeded reaches the client as its 0A000).

import { DbError } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { QueryPlan } from '../exec/query.js';

/** Runs of a statement waiting for nested locking SELECTs before giving up (internal error). */
const PRELUDES_MAX = 16;

/**
 * A nested locking SELECT's rows are not there yet for this execution: `wait` locks them (and
 * keeps them where the reader looks); the statement then runs again. A DbError for when no
 * driver catches it: the statement was not routed through one because its text shows no nested
 * locking clause — the clause is in a view's query.
 */
export class PreludeNeeded extends DbError {
  constructor(readonly wait: Promise<unknown>) {
    super('0A000', 'FOR UPDATE/SHARE inside a view read by another query is not supported yet');
    // Never reported when caught; if it escapes, an unhandled rejection of `wait` must not crash.
    wait.catch(() => undefined);
  }
}

/** Marks plans whose `run` may wait for row locks (a locking SELECT, or one with one nested). */
export function markWaitsForLocks<P extends QueryPlan>(p: P): P & { readonly waitsForLocks: true } {
  return Object.assign(p, { waitsForLocks: true as const });
}

export function waitsForLocks(p: QueryPlan): boolean {
  return (p as { waitsForLocks?: boolean }).waitsForLocks === true;
}

/**
 * The rows of a nested plan asked for synchronously: `run`'s rows, or — when it returned a
 * promise — PreludeNeeded (the rows go to `keep` once locked). A promise from a plan that does not
 * wait for locks (pg_sleep) is `notSupported`'s 0A000 as before.
 */
export function rowsOrPrelude(plan: QueryPlan, r: Value[][] | Promise<Value[][]>, keep: (rows: Value[][]) => void, notSupported: () => DbError): Value[][] {
  if (!(r instanceof Promise)) return r;
  if (!waitsForLocks(plan)) {
    r.catch(() => undefined);
    throw notSupported();
  }
  throw new PreludeNeeded(r.then(keep));
}

/** Runs `attempt`; after each PreludeNeeded, awaits it and runs `attempt` again. */
export function withPreludes<T>(attempt: () => T | Promise<T>): T | Promise<T> {
  let r: T | Promise<T>;
  try {
    r = attempt();
  } catch (e) {
    if (e instanceof PreludeNeeded) return retryAfter(e, attempt);
    throw e;
  }
  if (r instanceof Promise) return r.catch((e: unknown) => (e instanceof PreludeNeeded ? retryAfter(e, attempt) : Promise.reject(e)));
  return r;
}

async function retryAfter<T>(first: PreludeNeeded, attempt: () => T | Promise<T>): Promise<T> {
  let e = first;
  for (let n = 1; ; n++) {
    await e.wait;
    // Only reached when each run plans the statement again (EXPLAIN ANALYZE of a DML statement:
    // its locked rows are never found by the next plan).
    if (n >= PRELUDES_MAX) throw new DbError('0A000', 'a locking subquery in a statement planned again at each run (EXPLAIN ANALYZE) is not supported yet');
    try {
      return await attempt();
    } catch (x) {
      if (!(x instanceof PreludeNeeded)) throw x;
      e = x;
    }
  }
}

/**
 * A SELECT with a locking SELECT nested in it (query.ts routes it here when `hasNestedLocking`):
 * its rows collected (no streaming cursor: a PreludeNeeded after rows went to the client could
 * not run it again), the run repeated after each nested locking run.
 */
export function waitingForNestedLocks(plan: QueryPlan): QueryPlan {
  const { openCursor: _streams, ...rest } = plan;
  return markWaitsForLocks({ ...rest, run: (ctx: EvalContext) => withPreludes(() => plan.run(ctx)) });
}

/** Does a SELECT below the statement's top level (sublink, FROM subquery, WITH query, set-op
 *  branch) carry a locking clause? The statement's own clause does not count. */
export function hasNestedLocking(stmt: object): boolean {
  // Runs at every planQuery: a plain walk, no arrays allocated.
  const o = stmt as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (k !== 'lockingClause' && v !== null && typeof v === 'object' && lockingBelow(v)) return true;
  }
  return false;
}

function lockingBelow(n: object): boolean {
  if (Array.isArray(n)) {
    for (const x of n) if (x !== null && typeof x === 'object' && lockingBelow(x)) return true;
    return false;
  }
  const o = n as Record<string, unknown>;
  const lc = o['lockingClause'];
  if (Array.isArray(lc) && lc.length > 0) return true;
  for (const k in o) {
    const v = o[k];
    if (v !== null && typeof v === 'object' && lockingBelow(v)) return true;
  }
  return false;
}
