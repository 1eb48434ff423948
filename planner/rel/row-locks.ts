// SELECT … FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE over one native table.
// PostgreSQL takes ROW SHARE on the table (it conflicts only with ACCESS EXCLUSIVE: a TRUNCATE /
// ALTER / DROP waits for the transaction, and the SELECT waits for an open one), then locks each
// row the query returns; READ COMMITTED re-checks a row another transaction changed meanwhile on
// its newest version (EvalPlanQual), REPEATABLE READ fails with 40001.
// Here, before the query runs:
//  1. the table's relation lock, shared (dml/rel-lock.ts `lockRelated`; the DML mode — the two
//     differ in PostgreSQL only against SHARE-type locks, which nothing here takes); when the
//     table changed while the SELECT waited (TRUNCATE's new storage), READ COMMITTED plans the
//     statement again on the table as committed now, once;
//  2. a table with a primary key: rows are locked as the query returns them, LIMIT/OFFSET and
//     SKIP LOCKED applied to locked rows (row-locks-keyed.ts). Without one: every row matching
//     WHERE at the statement's snapshot is locked (waiting for holders, under lock_timeout,
//     statement_timeout and cancel; NOWAIT: 55P03 at once). When a locked row has a version
//     committed after the snapshot (or was deleted), READ COMMITTED takes a fresh snapshot and
//     repeats the step (rows already held are not waited for again); REPEATABLE READ fails with
//     40001; then 3. the query (the same SELECT without the locking clause) runs at that
//     snapshot. Either way every row returned is locked and is its newest version, as
//     PostgreSQL's re-check gives.
// Divergences (stated, not hidden): row locks are exclusive whatever the strength (two FOR SHARE
// transactions wait for each other; PostgreSQL's share modes do not); without a primary key and
// with LIMIT every matching row is locked, not only the rows returned; a row that stopped
// matching after a re-check stays locked (as in PostgreSQL). Not built (0A000): SKIP LOCKED
// without a primary key, joins, subqueries or functions in FROM, and FOR UPDATE on a view
// or an external table. PostgreSQL's own refusals (aggregates, GROUP BY, DISTINCT, window
// functions, set operations: 0A000) are reproduced.

import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { SelectStmt, Node } from '../parse/ast.js';
import { planQuery, type QueryPlan } from '../exec/query.js';
import { planLockScan, type LockScan } from '../dml/modify.js';
import { lockOptions, ownKey } from '../dml/write.js';
import { lockRelated, RelationChanged, RelTarget } from '../dml/rel-lock.js';
import { lookupTable, tablesOfBinder } from './from.js';
import { iter } from './ops.js';
import { storageError } from './runtime.js';
import { planRelSelect } from './select.js';
import { planKeyedLocking, type WaitPolicy } from './row-locks-keyed.js';
import { findWindowCall } from './window-bind.js';
import { containsAggregate } from './ast-walk.js';

/** Rounds of step 2 before giving up (each round follows a row changed after the snapshot). */
const RELOCK_ROUNDS_MAX = 1000;

interface LockingClause { kind: 'LockingClause'; lockedRels?: Array<{ relname?: string; schemaname?: string; location?: number }>; strength: string; waitPolicy: string }

const STRENGTH: Record<string, string> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

/** The plan of a SELECT with a locking clause (FROM names tables: b.tables is set). */
export function planLockingSelect(b: Binder, s: SelectStmt): QueryPlan {
  const clauses = s.lockingClause as unknown as LockingClause[];
  const what = STRENGTH[clauses[0]!.strength] ?? 'FOR UPDATE';
  // PostgreSQL's refusals (parse_agg.c / analyze.c CheckSelectLocking), in its order.
  if (s.op && s.op !== 'SETOP_NONE') throw b.err('0A000', `${what} is not allowed with UNION/INTERSECT/EXCEPT`, -1);
  if (s.distinctClause) throw b.err('0A000', `${what} is not allowed with DISTINCT clause`, -1);
  if (s.groupClause?.length) throw b.err('0A000', `${what} is not allowed with GROUP BY clause`, -1);
  if (s.havingClause) throw b.err('0A000', `${what} is not allowed with HAVING clause`, -1);
  if (containsAggregate([s.targetList, s.sortClause])) throw b.err('0A000', `${what} is not allowed with aggregate functions`, -1);
  if (s.windowClause?.length || findWindowCall([s.targetList, s.sortClause])) throw b.err('0A000', `${what} is not allowed with window functions`, -1);
  if (s.intoClause) throw b.unsupported('SELECT INTO');
  const from = s.fromClause ?? [];
  if (from.length === 0) {
    // Nothing to lock (SELECT 1 FOR UPDATE): PostgreSQL runs the query; an OF name is not found.
    for (const c of clauses) {
      const r = c.lockedRels?.[0];
      if (r) throw b.err('42P01', `relation "${r.relname}" in ${STRENGTH[c.strength] ?? what} clause not found in FROM clause`, r.location ?? -1);
    }
    return planQuery(b, { ...s, lockingClause: undefined });
  }
  const rv = from[0] as (Node & { kind: string; relname?: string; schemaname?: string; alias?: { aliasname?: string }; location?: number }) | undefined;
  if (from.length !== 1 || rv?.kind !== 'RangeVar') throw b.unsupported(`${what} on anything but one table`);
  const tab = lookupTable(b, rv.relname ?? '', rv.schemaname, rv.location ?? -1);
  const alias = rv.alias?.aliasname ?? rv.relname ?? '';
  let policy: WaitPolicy = 'block';
  for (const c of clauses) {
    if (c.waitPolicy === 'LockWaitSkip') policy = 'skip';
    else if (c.waitPolicy === 'LockWaitError' && policy === 'block') policy = 'nowait';
    for (const r of c.lockedRels ?? []) {
      // OF names: the FROM item's alias (or the table's name without one), unqualified.
      if (r.schemaname !== undefined || r.relname !== alias) {
        throw b.err('42P01', `relation "${r.relname}" in ${STRENGTH[c.strength] ?? what} clause not found in FROM clause`, r.location ?? -1);
      }
    }
  }
  if (tab.kind === 'view') throw b.unsupported(`${what} on a view`);
  if (tab.kind !== 'table' || tab.external !== undefined) throw b.unsupported(`${what} on this kind of relation`);
  const inner = planRelSelect(b, { ...s, lockingClause: undefined });
  // With a primary key, rows are locked as the query returns them (row-locks-keyed.ts); without
  // one, every row matching WHERE first (lockMatching).
  const keyed = tab.primaryKey ? planKeyedLocking(b, s, tab, alias, inner.columns.length, policy) : undefined;
  if (!keyed && policy === 'skip') throw b.unsupported(`${what} SKIP LOCKED on a table without a primary key`);
  const scan = keyed ? undefined : planLockScan(b, tab, rv.alias?.aliasname, s.whereClause as Node | undefined);
  const rel = new RelTarget(tab, b.position(rv.location ?? -1));
  // The WITH frames this statement was planned in (planning again after a TRUNCATE needs them).
  const ctes = [...tablesOfBinder(b).ctes];
  let replanned = false;
  /** Steps 1 and 2; the plan to run (this one, or one planned again after a TRUNCATE). */
  const prelude = async (ctx: EvalContext): Promise<QueryPlan | Value[][]> => {
    const ts = ctx.tables!;
    let now: TableDesc | undefined;
    try {
      now = await lockRelated(ts, rel, ctx);
    } catch (e) {
      // Dropped while we waited (READ COMMITTED): planning again reports 42P01 as PostgreSQL does.
      if (!(e instanceof RelationChanged)) throw e;
    }
    if (now !== tab) {
      // Changed while we waited (READ COMMITTED; REPEATABLE READ failed with 40001 there): plan
      // the statement again on the relation as committed now, at a fresh snapshot.
      if (replanned) throw new DbError('40001', 'could not serialize access due to concurrent update');
      ts.current().setSnapshot();
      const depth = ts.ctes.length;
      ts.ctes.push(...ctes);
      let again: QueryPlan & { markReplanned(): void };
      try {
        again = planLockingSelect(b, s) as QueryPlan & { markReplanned(): void };
      } finally {
        ts.ctes.length = depth;
      }
      again.markReplanned();
      return again;
    }
    if (keyed) return keyed.rows(ctx);
    await lockMatching(ctx, tab, scan!, policy === 'nowait');
    return inner;
  };
  const plan: QueryPlan & { markReplanned(): void } = {
    columns: inner.columns,
    markReplanned() {
      replanned = true;
    },
    async run(ctx) {
      const p = await prelude(ctx);
      return Array.isArray(p) ? p : p.run(ctx);
    },
    async openCursor(ctx) {
      const p = await prelude(ctx);
      if (Array.isArray(p)) return p;
      return p.openCursor ? p.openCursor(ctx) : p.run(ctx);
    },
  };
  return plan;
}

/** Step 2 (file header): locks every row matching WHERE, following rows changed meanwhile. */
async function lockMatching(ctx: EvalContext, tab: TableDesc, scan: LockScan, nowait: boolean): Promise<void> {
  const ts = ctx.tables!;
  const txn = ts.current();
  const width = tab.columns.length;
  const held = new Set<string>();
  const opts = lockOptions(ts, ctx.cancel);
  if (nowait) opts.nowait = true;
  for (let round = 0; ; round++) {
    const snap = txn.snapshotSeq;
    // Keys first (the scan reads the snapshot synchronously; lock waits are asynchronous).
    const keys: Uint8Array[] = [];
    for (const r of iter(scan.node.open(ctx))) if (!scan.where || scan.where(r, ctx) === true) keys.push(r[width] as Uint8Array);
    let newer = false;
    for (const key of keys) {
      if (ctx.cancel.reason) throw ctx.cancel.reason;
      const k = ownKey(tab.storageId, key);
      if (held.has(k) || ts.ownKeys.has(k)) continue; // our own writes: their locks are ours
      // A free row is taken synchronously (no promise per row); a held one waits.
      if (!txn.tryLockRow(k)) {
        try {
          await txn.lockRow(tab.storageId, key, opts);
        } catch (e) {
          // NOWAIT's refusal (the lsm's wording) names the relation, as PostgreSQL's does.
          if (nowait && e instanceof Error && e.message === 'could not obtain lock on row') {
            throw new DbError('55P03', `could not obtain lock on row in relation "${tab.name}"`);
          }
          throw storageError(e);
        }
      }
      held.add(k);
      const latest = txn.getLatestCommitted(tab.storageId, key);
      if (latest === undefined || latest.seq > snap) newer = true;
    }
    if (!newer) return;
    if (txn.isolation === 'snapshot') throw new DbError('40001', 'could not serialize access due to concurrent update');
    if (round >= RELOCK_ROUNDS_MAX) throw new DbError('40001', 'could not serialize access due to concurrent update');
    txn.setSnapshot();
  }
}
