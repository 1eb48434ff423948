// Relation locks of DML statements (README.md "Relation locks").
// INSERT/UPDATE/DELETE/COPY FROM take the target relation's lock in shared mode (PostgreSQL's
// ROW EXCLUSIVE) before they read or write anything, held to the end of the transaction; DDL that
// gives a relation new storage or removes it (TRUNCATE, ALTER TABLE, DROP, … through
// `SchemaCatalog.lockName`) takes the same lock in exclusive mode. So a write never lands in a
// storage that a concurrent TRUNCATE/rewrite replaces at its commit, and TRUNCATE waits for open
// writers. Both live in the lsm LockManager: one wait-for graph with the row locks (deadlocks
// through both are found), lock_timeout, statement_timeout and cancel end the wait.
// After the lock is granted the statement must work on the relation as committed NOW (PostgreSQL
// re-reads the catalog after locking): a plan whose descriptor is no longer the relation's is
// planned again once, with a fresh READ COMMITTED snapshot (`RelationChanged`, caught by
// `runReplanning`); REPEATABLE READ cannot see the new storage from its snapshot: 40001.
// Fast path: the lock manager's generation of the relation (it changes whenever an exclusive holder
// releases it) and the server's catalog version equal those at which this plan's descriptor was
// last found current — no catalog read; a later statement of the same transaction block skips
// the lock call too (the lock is held until the transaction ends).

import { DbError, SYS_RELATION, relationKey, type TableDesc } from '../../catalog/index.js';
import { Txn, type LockOptions } from '../../lsm/index.js';
import type { EvalContext } from '../bind/expr.js';
import { storageError, type TableSession } from '../rel/runtime.js';
import type { TablePlan } from './common.js';
import { withPreludes } from '../rel/row-locks-nested.js';

/** The relation changed (new storage, columns, or dropped) between planning and locking. */
export class RelationChanged extends DbError {
  constructor(name: string) {
    // Seen by a client only if the statement changed again after re-planning (never expected).
    super('40001', 'could not serialize access due to concurrent update', { detail: `Relation "${name}" was changed by a concurrent transaction.` });
  }
}

/** A DML statement's target relation (made at planning, kept with the cached plan). */
export class RelTarget {
  readonly key: Uint8Array;
  /** The key's op key (whether this transaction wrote the catalog row itself). */
  readonly opKey: string;
  readonly label: string;
  /** The lock generation and server catalog version at which `tab` was last found to be the
   *  relation's descriptor (any DDL anywhere — this transaction's own included — changes the
   *  version: the next statement checks again once). */
  checkedGen = -1;
  checkedCatalog = -1;
  /** The transaction that holds the lock since that check (locks last until it ends). */
  heldBy: Txn | undefined;
  /** The running execution (its cancel token) and the session's write count when it began:
   *  a run again of the same execution (runReplanning) must find it unchanged. */
  run: { cancel: object; writes: number } | undefined;
  /** Where a grant is reported, and the synchronous try's options (read right after each
   *  call, before any await: one object per target, none per statement). */
  private readonly grant = { gen: 0, waited: false };
  readonly tryShared: { readonly relation: 'shared'; readonly grant: { gen: number; waited: boolean } } = { relation: 'shared', grant: this.grant };

  /** `position`: where the statement names the relation (lock timeout and deadlock errors
   *  point there, as PostgreSQL's do). */
  constructor(readonly tab: TableDesc, readonly position?: number) {
    this.key = relationKey(tab.db, tab.schema, tab.name);
    this.opKey = Txn.keyOf(SYS_RELATION, this.key);
    this.label = `relation ${tab.oid}`;
  }
}

/**
 * Takes the shared relation lock of `t` for the running statement (waits while DDL holds it) and
 * checks that the plan's descriptor is still the relation's: throws RelationChanged (the session
 * plans again) or, under REPEATABLE READ, 40001.
 */
export function lockTarget(ts: TableSession, t: RelTarget, ctx: EvalContext): Promise<void> {
  try {
    return takeTarget(ts, t, ctx) ?? Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** lockTarget without a promise when the lock waits for no one (undefined then; throws
 *  synchronously): for callers that check before awaiting (`const p = takeTarget(…); if (p)
 *  await p;`). */
export function takeTarget(ts: TableSession, t: RelTarget, ctx: EvalContext): Promise<void> | undefined {
  // The same execution run again after a nested locking SELECT waited (runReplanning): only
  // when it had written nothing, or the rows written would be written twice.
  if (t.run?.cancel === ctx.cancel && t.run.writes !== ts.writes) {
    throw new DbError('0A000', 'a locking subquery read after the statement changed rows is not supported (PostgreSQL reads it first)');
  }
  if (t.run === undefined) t.run = { cancel: ctx.cancel, writes: ts.writes };
  else {
    t.run.cancel = ctx.cancel;
    t.run.writes = ts.writes;
  }
  const now = lockShared(ts, t, ctx, 'RowExclusiveLock');
  if (now instanceof Promise) {
    return now.then((n) => {
      if (n !== 'same') throw changedError(ts, t);
    });
  }
  if (now !== 'same') throw changedError(ts, t);
  return undefined;
}

/**
 * The shared relation lock a statement takes on a table it reads for a FOREIGN KEY (PostgreSQL's
 * RI triggers: ROW SHARE on the parent of a child row checked, ROW SHARE on the child of a parent
 * row removed, ROW EXCLUSIVE on the child a CASCADE / SET NULL / SET DEFAULT rewrites — all
 * conflict only with ACCESS EXCLUSIVE here, like the DML mode). Taken when the check runs (end
 * of statement, as PostgreSQL's AFTER triggers), when the statement has already written rows:
 * so a changed relation is not planned again — the caller gets the relation's descriptor as
 * committed now (or `t.tab` when unchanged) and checks against it. REPEATABLE READ: 40001 as
 * lockTarget; a relation dropped meanwhile: 40001 (a DROP of a referenced table would have had
 * to lock this statement's own table too). `modeName`: the mode a deadlock report names (ROW
 * EXCLUSIVE for the child a cascade rewrites).
 */
export async function lockRelated(ts: TableSession, t: RelTarget, ctx: EvalContext, modeName: 'RowShareLock' | 'RowExclusiveLock' = 'RowShareLock'): Promise<TableDesc> {
  const now = await lockShared(ts, t, ctx, modeName);
  if (now === 'same') return t.tab;
  if (now === undefined || ts.current().isolation === 'snapshot') throw changedError(ts, t);
  return now;
}

function changedError(ts: TableSession, t: RelTarget): DbError {
  if (ts.current().isolation === 'snapshot') {
    // Its snapshot predates the new storage (PostgreSQL would write into it: TRUNCATE is not
    // MVCC-safe there); this transaction cannot see it, so it fails and may be retried.
    return new DbError('40001', 'could not serialize access due to concurrent update', { detail: `Relation "${t.tab.name}" was truncated, rewritten or dropped by a transaction that committed after this transaction's snapshot.` });
  }
  return new RelationChanged(t.tab.name);
}

type Shared = 'same' | TableDesc | undefined;

/** Takes `t`'s lock in shared mode: 'same' when the plan's descriptor is still the relation's,
 *  else the relation as committed now (undefined: dropped). `modeName`: PostgreSQL's mode for
 *  this use of the shared mode, as a deadlock report names it. Synchronous when the lock waits
 *  for no one (the lock manager's try: no promise, no option object); a promise only to wait. */
function lockShared(ts: TableSession, t: RelTarget, ctx: EvalContext, modeName: 'RowShareLock' | 'RowExclusiveLock'): Shared | Promise<Shared> {
  const txn = ts.current();
  const catalog = ts.server.catalogVersion;
  // Held since a check in this transaction, and no DDL since: nothing to do (statements of a
  // transaction block after the first).
  if (t.heldBy === txn && t.checkedCatalog === catalog && txn.isActive) return 'same';
  let taken: boolean;
  try {
    taken = txn.tryLockRow(t.opKey, t.tryShared);
  } catch (e) {
    throw storageError(e);
  }
  if (taken) return granted(ts, t, txn, catalog, t.tryShared.grant);
  return waitShared(ts, t, ctx, modeName, catalog);
}

/** lockShared when the lock must be waited for. */
async function waitShared(ts: TableSession, t: RelTarget, ctx: EvalContext, modeName: 'RowShareLock' | 'RowExclusiveLock', catalog: number): Promise<Shared> {
  const txn = ts.current();
  const grant = { gen: 0, waited: false };
  const timeoutMs = ts.lockTimeoutMs();
  const opts: LockOptions = { relation: 'shared', grant, label: t.label, modeName, cancel: ctx.cancel };
  if (timeoutMs > 0) opts.timeoutMs = timeoutMs;
  try {
    await txn.lockRow(SYS_RELATION, t.key, opts);
  } catch (e) {
    const err = storageError(e);
    if (err instanceof DbError && (err.code === '55P03' || err.code === '40P01') && t.position !== undefined) {
      throw new DbError(err.code, err.message, { ...err.fields, position: t.position });
    }
    throw err;
  }
  return granted(ts, t, txn, catalog, grant);
}

/** The lock is held (`grant` as reported): the descriptor check. */
function granted(ts: TableSession, t: RelTarget, txn: Txn, catalog: number, grant: { gen: number; waited: boolean }): Shared {
  if (!grant.waited && grant.gen === t.checkedGen && catalog === t.checkedCatalog) {
    t.heldBy = txn;
    return 'same';
  }
  const now = ts.catalog.latestTable(ts.writer(), t.tab.db, t.tab.schema, t.tab.name, txn.wrote(t.opKey));
  if (now !== undefined && sameDesc(now, t.tab)) {
    t.checkedGen = grant.gen;
    t.checkedCatalog = ts.server.catalogVersion;
    t.heldBy = txn;
    // PostgreSQL takes a READ COMMITTED statement's snapshot after its locks: after a wait the
    // statement sees what committed meanwhile.
    if (grant.waited && txn.isolation === 'read-committed') txn.setSnapshot();
    return 'same';
  }
  return now;
}

function sameDesc(a: TableDesc, b: TableDesc): boolean {
  // Descriptors decode through the catalog's cache (same row text → same object) — the common
  // case; otherwise compare contents.
  return a === b || (a.storageId === b.storageId && JSON.stringify(a) === JSON.stringify(b));
}

/**
 * Runs a table statement with `go`; when its relation lock finds the relation changed since
 * planning, plans the statement again (`replan`: fresh snapshot, current catalog — a dropped
 * table is then 42P01 from the binder, as PostgreSQL reports it) and runs that plan, once. A
 * locking SELECT nested in the statement (`DELETE … WHERE id = (SELECT … FOR UPDATE SKIP
 * LOCKED)`) is waited for and the statement runs again (rel/row-locks-nested.ts; `lockTarget`
 * refuses a run again after the statement wrote).
 */
export function runReplanning<T>(plan: TablePlan, go: (p: TablePlan) => T | Promise<T>, replan: () => TablePlan): T | Promise<T> {
  let current = plan;
  let replanned = false;
  const again = (): T | Promise<T> => {
    replanned = true;
    current = replan();
    return go(current);
  };
  return withPreludes(() => {
    let r: T | Promise<T>;
    try {
      r = go(current);
    } catch (e) {
      if (e instanceof RelationChanged && !replanned) return again();
      throw e;
    }
    if (r instanceof Promise) return r.catch((e: unknown) => (e instanceof RelationChanged && !replanned ? again() : Promise.reject(e)));
    return r;
  });
}
