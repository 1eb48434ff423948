// SELECT … FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE [OF …] [NOWAIT | SKIP
// LOCKED] over native tables: alone, in joins (inner, comma, USING, the preserved side of outer
// joins), inside subqueries in FROM and views (row-locks-targets.ts says which tables, as
// PostgreSQL's parser and rewriter do). PostgreSQL takes ROW SHARE on each locked table (it
// conflicts only with ACCESS EXCLUSIVE: a TRUNCATE / ALTER / DROP waits for the transaction, and
// the SELECT waits for an open one), then locks the rows of each locked table that produce each
// returned row; READ COMMITTED re-checks a row another transaction changed meanwhile on its
// newest version (EvalPlanQual), REPEATABLE READ fails with 40001.
// Here, before the query's rows are returned:
//  1. each locked table's relation lock, shared, in the order the statement names them
//     (dml/rel-lock.ts `lockRelated`; PostgreSQL's ROW SHARE and ROW EXCLUSIVE differ only
//     against SHARE-type locks, which nothing here takes); when a table changed while the SELECT
//     waited (TRUNCATE's new storage), READ COMMITTED plans the statement again on the tables as
//     committed now, once;
//  2. locked tables with primary keys: rows are locked as the query returns them, OFFSET + LIMIT
//     rows, SKIP LOCKED leaving out rows held by others (row-locks-keyed.ts). A returned row one
//     of whose locked rows has a version committed after the snapshot: READ COMMITTED evaluates
//     that row again on the newest versions of its locked rows (EvalPlanQual, `recheckOf`: the
//     statement over one-row WITH queries in place of the locked tables) and goes on with the
//     snapshot's rows, as PostgreSQL does; when FROM holds anything but locked tables (OF leaves a
//     table out, functions, VALUES, WITH queries) the row is not identified by its locked rows
//     alone, and the walk starts again at a fresh snapshot instead. REPEATABLE READ: 40001.
//     A lone table without a primary key (FROM is just it): every row matching WHERE at the
//     statement's snapshot is locked (waiting for holders, under lock_timeout,
//     statement_timeout and cancel; NOWAIT: 55P03 at once); when a locked row has a version
//     committed after the snapshot (or was deleted), READ COMMITTED takes a fresh snapshot and
//     repeats the step (rows already held are not waited for again), REPEATABLE READ fails with
//     40001; then the query runs at that snapshot. Either way every row returned is locked and
//     is its newest version;
//  3. the locked rows go through the plan's LockRows node (row-locks-node.ts) and the Limit above
//     it — the shape PostgreSQL's EXPLAIN shows.
// Rows are locked in the clause's strength (the lock manager's FOR KEY SHARE / FOR SHARE / FOR
// NO KEY UPDATE / FOR UPDATE, PostgreSQL's conflict table); a row this transaction wrote is only
// upgraded (an UPDATE's FOR NO KEY UPDATE, then FOR UPDATE).
// Divergences (stated, not hidden): where the walk starts
// again (step 2's fallback, and a lone table without a primary key) the result may also hold rows
// that match only after the concurrent change, which PostgreSQL would not return; without a primary key and with LIMIT every matching row is
// locked, not only the rows returned; a row that stopped matching after a re-check stays locked
// (as in PostgreSQL); a subquery with LIMIT in FROM counts its rows before locking (PostgreSQL
// puts a LockRows inside it). A CTE that the planner inlines (NOT MATERIALIZED, or over an
// external table) stays unlocked as PostgreSQL leaves WITH queries (cte-inline.ts marks it).
// Not built (0A000): SKIP LOCKED on a lone table without a primary key, such a table in a join,
// subquery or view, external tables, ORDER BY a column position with * over a locked subquery
// or view (the hidden key columns would count), SKIP LOCKED over a subquery or view with LIMIT. PostgreSQL's own refusals (aggregates, GROUP BY,
// DISTINCT, window functions, set operations, set-returning functions in the target list:
// 0A000; OF naming a join, function or WITH query, or the nullable side of an outer join) are
// reproduced.

import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { t, T } from '../bind/types.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { SelectStmt, Node } from '../parse/ast.js';
import { planQuery, type QueryPlan } from '../exec/query.js';
import { planLockScan, type LockScan } from '../dml/modify.js';
import { lockOptions, ownKey } from '../dml/write.js';
import { lockRelated, RelationChanged, RelTarget } from '../dml/rel-lock.js';
import { tablesOfBinder } from './from.js';
import { iter, LimitNode, type RelNode } from './ops.js';
import { storageError } from './runtime.js';
import { planRelSelect } from './select.js';
import { planKeyedLocking, type Recheck } from './row-locks-keyed.js';
import type { CteDef } from './with.js';
import { LockRowsNode, NestedLockRows } from './row-locks-node.js';
import { markWaitsForLocks, PreludeNeeded } from './row-locks-nested.js';
import { checkSelectLocking, epqName, epqStatement, rewriteLocking, rowLockMode, strengthText, type LockingClause, type LockTarget, type RowLockMode } from './row-locks-targets.js';

/** Rounds of step 2 before giving up (each round follows a row changed after the snapshot). */
const RELOCK_ROUNDS_MAX = 1000;

type Replannable = QueryPlan & { node: RelNode; markReplanned(): void; prelude(ctx: EvalContext): Promise<Replannable> };

/** The plan of a SELECT with a locking clause (b.tables is set). */
export function planLockingSelect(b: Binder, s: SelectStmt): QueryPlan {
  const clauses = s.lockingClause as unknown as LockingClause[];
  const what = strengthText(clauses[0]!.strength);
  checkSelectLocking(b, s, what);
  if (s.intoClause) throw b.unsupported('SELECT INTO');
  if (!s.fromClause?.length) {
    // Nothing to lock (SELECT 1 FOR UPDATE): PostgreSQL runs the query; an OF name is not found.
    for (const c of clauses) {
      const r = c.lockedRels?.[0];
      if (r) throw b.err('42P01', `relation "${r.relname}" in ${strengthText(c.strength)} clause not found in FROM clause`, r.location ?? -1);
    }
    return planQuery(b, { ...s, lockingClause: undefined });
  }
  const rw = rewriteLocking(b, s);
  // Only WITH queries, functions or VALUES in FROM: nothing to lock, no LockRows (PostgreSQL).
  if (!rw.lone && rw.targets.length === 0) return planRelSelect(b, rw.stmt);
  const body: SelectStmt = { ...rw.stmt, limitCount: undefined, limitOffset: undefined };
  // PostgreSQL evaluates LIMIT and OFFSET as int8 (OFFSET's sign checked first); LIMIT NULL/ALL: none.
  const limitAst = s.limitCount as { kind: string; isnull?: boolean } | undefined;
  const limit = limitAst && !(limitAst.kind === 'A_Const' && limitAst.isnull) ? compile(b.coerceTo(b.bind(s.limitCount!), T.int8, 'LIMIT', -1)) : undefined;
  const offset = s.limitOffset ? compile(b.coerceTo(b.bind(s.limitOffset), T.int8, 'OFFSET', -1)) : undefined;
  let query: QueryPlan;
  let lockRows: (ctx: EvalContext, rowsMax: number) => Promise<Value[][]>;
  let visibleCount: number;
  let rels: RelTarget[];
  if (rw.lone) {
    const { tab, rv, lock } = rw.lone;
    if (lock.policy === 'skip') throw b.unsupported(`${strengthText(lock.strength)} SKIP LOCKED on a table without a primary key`);
    query = planRelSelect(b, body);
    const scan = planLockScan(b, tab, rv.alias?.aliasname, s.whereClause as Node | undefined);
    visibleCount = query.columns.length;
    lockRows = async (ctx) => {
      await lockMatching(ctx, tab, scan, lock.policy === 'nowait', rowLockMode(lock.strength));
      return query.run(ctx);
    };
    rels = [new RelTarget(tab, b.position(rv.location ?? -1))];
  } else {
    query = planRelSelect(b, body);
    const keyed = planKeyedLocking(query, rw.targets, rw.epqable ? recheckOf(b, body, rw.targets) : undefined);
    visibleCount = keyed.visible.length;
    lockRows = (ctx, rowsMax) => keyed.rows(ctx, rowsMax);
    const seen = new Set<number>();
    rels = [];
    for (const t of rw.targets) {
      if (seen.has(t.tab.oid)) continue;
      seen.add(t.tab.oid);
      rels.push(new RelTarget(t.tab, b.position(t.location)));
    }
  }
  const columns = rw.lone ? query.columns : planKeyedColumns(query, visibleCount);
  const lockNode = new LockRowsNode((query as QueryPlan & { node: RelNode }).node, visibleCount);
  const root: RelNode = limit || offset ? new LimitNode(lockNode, limit, offset) : lockNode;
  // The WITH frames this statement was planned in (planning again after a TRUNCATE needs them).
  const ctes = [...tablesOfBinder(b).ctes];
  let replanned = false;
  /** Steps 1 and 2: the plan that returns the rows (this one, or one planned again after a
   *  TRUNCATE), its LockRows node given the locked rows. */
  const prelude = async (ctx: EvalContext): Promise<Replannable> => {
    const ts = ctx.tables!;
    for (const rel of rels) {
      let now: TableDesc | undefined;
      try {
        now = await lockRelated(ts, rel, ctx);
      } catch (e) {
        // Dropped while we waited (READ COMMITTED): planning again reports 42P01 as PostgreSQL does.
        if (!(e instanceof RelationChanged)) throw e;
      }
      if (now === rel.tab) continue;
      // Changed while we waited (READ COMMITTED; REPEATABLE READ failed with 40001 there): plan
      // the statement again on the relations as committed now, at a fresh snapshot.
      if (replanned) throw new DbError('40001', 'could not serialize access due to concurrent update');
      ts.current().setSnapshot();
      const depth = ts.ctes.length;
      ts.ctes.push(...ctes);
      let again: Replannable;
      try {
        again = planLockingSelect(b, s) as Replannable;
      } finally {
        ts.ctes.length = depth;
      }
      again.markReplanned();
      return again.prelude(ctx);
    }
    const off = count(offset, ctx);
    const lim = count(limit, ctx);
    if (off !== undefined && off < 0n) throw new DbError('2201X', 'OFFSET must not be negative');
    if (lim !== undefined && lim < 0n) throw new DbError('2201W', 'LIMIT must not be negative');
    const rowsMax = lim === undefined ? Infinity : Number((off ?? 0n) + lim);
    lockNode.provide(ctx, await lockRows(ctx, rowsMax));
    return plan;
  };
  // Each execution's plan once its rows are locked (this one, or one planned again), for `rowsNode`.
  const locked = new WeakMap<object, Replannable>();
  const plan: Replannable = markWaitsForLocks({
    columns,
    node: root,
    markReplanned() {
      replanned = true;
    },
    prelude,
    async run(ctx: EvalContext) {
      const p = await prelude(ctx);
      const it = p.node.open(ctx);
      const out: Value[][] = [];
      for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
      return out;
    },
    // Nested in a statement (a subquery in FROM): its rows once locked; before that, the
    // statement waits for the locking and runs again (row-locks-nested.ts).
    rowsNode: new NestedLockRows(root, (ctx) => locked.get(ctx.cancel)?.node, (ctx) => new PreludeNeeded(prelude(ctx).then((p) => locked.set(ctx.cancel, p)))),
  });
  return plan;
}

/**
 * The re-check of a returned row whose locked rows changed (PostgreSQL's EvalPlanQual): the
 * statement with each locked table replaced by a one-row WITH query holding that table's newest
 * row (row-locks-targets.ts `epqStatement`), planned at the first re-check (a statement that
 * never meets a concurrent change never plans it) in the WITH frames of the statement, run at the
 * statement's snapshot (subqueries in expressions read what the query read). Planning it fails
 * only where the rewrite cannot name the table (a schema-qualified column reference): then
 * undefined, and the walk starts again at a fresh snapshot instead.
 */
function recheckOf(b: Binder, stmt: SelectStmt, targets: readonly LockTarget[]): Recheck {
  const ctes = [...tablesOfBinder(b).ctes];
  const slots = new WeakMap<EvalContext, Value[][]>();
  let plan: QueryPlan | null | undefined;
  return async (ctx, rows) => {
    if (plan === undefined) {
      const frame = new Map<string, CteDef>();
      targets.forEach((tg, i) => {
        const columns = tg.tab.columns.filter((c) => !c.dropped).map((c) => ({ name: c.name, type: t(c.typeOid, c.typmod) }));
        frame.set(epqName(i), { columns, rows: (c) => [slots.get(c)![i]!] });
      });
      const ts = tablesOfBinder(b);
      const depth = ts.ctes.length;
      ts.ctes.push(...ctes, frame);
      try {
        plan = planRelSelect(b, epqStatement(stmt, targets));
      } catch (e) {
        if (!(e instanceof DbError) || e.code === 'XX000') throw e;
        plan = null;
      } finally {
        ts.ctes.length = depth;
      }
    }
    if (plan === null) return undefined;
    slots.set(ctx, rows);
    try {
      return await plan.run(ctx);
    } finally {
      slots.delete(ctx);
    }
  };
}

function planKeyedColumns(query: QueryPlan, visibleCount: number): QueryPlan['columns'] {
  const cols = query.columns.filter((c) => !/^\?lock\d+_\d+\?$/.test(c.name));
  if (cols.length !== visibleCount) throw new DbError('XX000', 'internal error: locked query columns do not match');
  return cols;
}

function count(f: Compiled | undefined, ctx: EvalContext): bigint | undefined {
  if (!f) return undefined;
  const v = f([], ctx);
  return v === null || v === undefined ? undefined : BigInt(v as bigint | number);
}

/** Step 2 for a lone table without a primary key (file header): locks every row matching WHERE,
 *  following rows changed meanwhile. */
async function lockMatching(ctx: EvalContext, tab: TableDesc, scan: LockScan, nowait: boolean, strength: RowLockMode): Promise<void> {
  const ts = ctx.tables!;
  const txn = ts.current();
  const width = tab.columns.length;
  const held = new Set<string>();
  const opts = lockOptions(ts, ctx.cancel);
  opts.strength = strength;
  const tryOpts = { strength };
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
      if (held.has(k)) continue;
      // A row that waits for no one is taken synchronously (no promise per row); else it waits.
      // Our own writes: their locks are ours (only upgraded here), their versions our own.
      if (!txn.tryLockRow(k, tryOpts)) {
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
      if (ts.ownKeys.has(k)) continue;
      const latest = txn.getLatestCommitted(tab.storageId, key);
      if (latest === undefined || latest.seq > snap) newer = true;
    }
    if (!newer) return;
    if (txn.isolation === 'snapshot') throw new DbError('40001', 'could not serialize access due to concurrent update');
    if (round >= RELOCK_ROUNDS_MAX) throw new DbError('40001', 'could not serialize access due to concurrent update');
    txn.setSnapshot();
  }
}
