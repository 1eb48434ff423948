// SELECT … FOR UPDATE/SHARE whose locked tables all have a primary key (row-locks.ts decides):
// rows are locked as the query returns them, in its order, as PostgreSQL's LockRows node does —
// so LIMIT/OFFSET (applied above, row-locks-node.ts) count locked rows only, and SKIP LOCKED leaves
// out rows another transaction holds. The query runs without LIMIT/OFFSET and with each locked
// table's primary-key columns as hidden outputs (row-locks-targets.ts); each returned row locks
// the row of every locked table that produced it (the stored key is encoded from the hidden
// values), in the order of the targets. Rows are pulled from the query's cursor only as far as
// OFFSET + LIMIT need. A returned row with a locked row changed after the snapshot (a version
// committed since, or deleted; also a row held since an earlier returned row found it changed):
// REPEATABLE READ fails with 40001; READ COMMITTED re-checks it (`Recheck`, PostgreSQL's
// EvalPlanQual: the row evaluated again on the newest versions, 0 or more rows in its place, a
// deleted locked row leaves it out) and goes on with the snapshot's rows; without a re-check the
// walk starts again at a fresh snapshot (rows already held are not waited for again; rows
// skipped before are tried again). Every row returned is locked and is its newest version.

import { DbError, keyCell, type TableDesc } from '../../catalog/index.js';
import { encodeKey, type Cell, type LockOptions, type Txn } from '../../lsm/index.js';

type TryLockOptions = Pick<LockOptions, 'strength'>;
import type { EvalContext, Value } from '../bind/expr.js';
import type { QueryPlan } from '../exec/query.js';
import type { RowCursor } from '../api.js';
import { lockOptions, ownKey } from '../dml/write.js';
import { storageError, type TableSession } from './runtime.js';
import { decodeRow, keySchema } from './scan.js';
import { HIDDEN_NAME, type LockTarget } from './row-locks-targets.js';

/** Walks of the query before giving up (each follows a row changed after the snapshot). */
const WALKS_MAX = 1000;
/** Rows pulled from the query's cursor per fetch. */
const FETCH_ROWS = 256;

export type WaitPolicy = 'block' | 'nowait' | 'skip';

/** A locked table as the walk sees it: where its key values are in the query's rows. */
interface KeyedTarget {
  readonly tab: TableDesc;
  readonly policy: WaitPolicy;
  /** Its strength for a synchronous try (one object per target, not per row). */
  readonly tryOpts: TryLockOptions;
  keyOf(row: readonly Value[]): Uint8Array;
}

/**
 * The re-check of one returned row whose locked rows changed after the snapshot (PostgreSQL's
 * EvalPlanQual, row-locks.ts): the query evaluated on exactly `rows` (target i's newest version,
 * its live columns); its rows replace the returned row. undefined: not available for this
 * statement — the walk then starts again at a fresh snapshot.
 */
export type Recheck = (ctx: EvalContext, rows: Value[][]) => Promise<Value[][] | undefined>;

export interface KeyedLocking {
  /** The query the walk runs (hidden key outputs included; EXPLAIN shows its operators). */
  readonly query: QueryPlan;
  /** The positions of the query's columns the statement returns. */
  readonly visible: readonly number[];
  /** The first `rowsMax` rows of the query (OFFSET + LIMIT), each locked; visible columns only.
   *  Taken after the tables' relation locks (the caller's). */
  rows(ctx: EvalContext, rowsMax: number): Promise<Value[][]>;
}

/** `query`: the rewritten statement's plan (row-locks-targets.ts), without LIMIT/OFFSET. */
export function planKeyedLocking(query: QueryPlan, targets: readonly LockTarget[], recheck: Recheck | undefined): KeyedLocking {
  const names = query.columns.map((c) => c.name);
  const visible: number[] = [];
  names.forEach((n, i) => {
    if (!HIDDEN_NAME.test(n)) visible.push(i);
  });
  const keyed = targets.map((t): KeyedTarget => {
    const slots = t.keyNames.map((n) => names.lastIndexOf(n));
    if (slots.some((s) => s < 0)) throw new DbError('XX000', `internal error: the locked rows of "${t.tab.name}" have no key columns`);
    const schema = keySchema(t.tab);
    const types = t.tab.primaryKey!.attnums.map((a) => t.tab.columns[a - 1]!.typeOid);
    return {
      tab: t.tab,
      policy: t.policy,
      tryOpts: { strength: t.strength },
      keyOf(row) {
        const cells = new Array<Cell>(types.length);
        for (let i = 0; i < types.length; i++) cells[i] = keyCell(types[i]!, row[slots[i]!]);
        return encodeKey(schema, cells);
      },
    };
  });
  const plain = visible.every((v, i) => v === i);
  const project = (row: Value[]): Value[] => (plain ? (row.length === visible.length ? row : row.slice(0, visible.length)) : visible.map((i) => row[i]!));
  return {
    query,
    visible,
    rows: (ctx, rowsMax) => walk(ctx, keyed, query, project, rowsMax, recheck),
  };
}

type Got = 'held' | 'skipped' | 'changed';

/** One walk's locking state: rows held by this statement, the snapshot the rows were read at. */
class RowLocker {
  readonly held = new Set<string>();
  /** Held rows with a version newer than `snap` (a returned row read before it is re-checked). */
  readonly newer = new Set<string>();
  snap: bigint;
  constructor(private readonly ts: TableSession, private readonly txn: Txn, private readonly opts: LockOptions) {
    this.snap = txn.snapshotSeq;
  }

  /** Locks `t`'s row `key` when it is free or ours already (synchronously: no promise per row);
   *  'wait' when another transaction holds it and `t` waits for it (`waiting`). 'held': now
   *  ours; 'skipped': SKIP LOCKED and another transaction holds it; 'changed': ours, with a
   *  version newer than the snapshot. */
  free(t: KeyedTarget, k: string, key: Uint8Array): Got | 'wait' {
    if (this.held.has(k)) return this.newer.has(k) ? 'changed' : 'held';
    if (!this.txn.tryLockRow(k, t.tryOpts)) return t.policy === 'skip' ? 'skipped' : 'wait';
    // Our own writes: their locks are ours (the try above only upgrades a weaker one: an
    // UPDATE's FOR NO KEY UPDATE before a FOR UPDATE), their version is our own.
    if (this.ts.ownKeys.has(k)) return 'held';
    return this.lockedNow(t, k, key);
  }

  /** Waits for `t`'s row held by another transaction (NOWAIT: 55P03 at once). */
  async waiting(t: KeyedTarget, k: string, key: Uint8Array): Promise<Got> {
    try {
      await this.txn.lockRow(t.tab.storageId, key, { ...this.opts, strength: t.tryOpts.strength, ...(t.policy === 'nowait' ? { nowait: true } : {}) });
    } catch (e) {
      // NOWAIT's refusal (the lsm's wording) names the relation, as PostgreSQL's does.
      if (t.policy === 'nowait' && e instanceof Error && e.message === 'could not obtain lock on row') {
        throw new DbError('55P03', `could not obtain lock on row in relation "${t.tab.name}"`);
      }
      throw storageError(e);
    }
    if (this.ts.ownKeys.has(k)) return 'held'; // an upgrade of our own write's lock
    return this.lockedNow(t, k, key);
  }

  private lockedNow(t: KeyedTarget, k: string, key: Uint8Array): Got {
    this.held.add(k);
    const latest = this.txn.getLatestCommitted(t.tab.storageId, key);
    if (latest !== undefined && latest.seq <= this.snap) return 'held';
    this.newer.add(k);
    return 'changed';
  }

  /** `t`'s row `key` as it is now for this transaction (its own write, else the newest
   *  committed version), live columns in order; undefined when deleted. */
  current(t: KeyedTarget, k: string, key: Uint8Array): Value[] | undefined {
    const cells = this.ts.ownKeys.has(k) ? this.txn.get(t.tab.storageId, key) : this.txn.getLatestCommitted(t.tab.storageId, key)?.row;
    if (cells === undefined) return undefined;
    const full = new Array<Value>(t.tab.columns.length);
    decodeRow(t.tab, cells, full);
    return t.tab.columns.flatMap((c, i) => (c.dropped ? [] : [full[i]!]));
  }
}

async function walk(ctx: EvalContext, targets: readonly KeyedTarget[], query: QueryPlan, project: (row: Value[]) => Value[], rowsMax: number, recheck: Recheck | undefined): Promise<Value[][]> {
  const ts = ctx.tables!;
  const txn = ts.current();
  const locker = new RowLocker(ts, txn, lockOptions(ts, ctx.cancel));
  for (let n = 0; ; n++) {
    locker.snap = txn.snapshotSeq;
    locker.newer.clear();
    const out: Value[][] = [];
    let changed = false;
    if (rowsMax <= 0) return out;
    const src = await (query.openCursor ? query.openCursor(ctx) : query.run(ctx));
    const cursor: RowCursor = Array.isArray(src) ? { fetch: () => ({ rows: src, done: true }), close: () => undefined } : src;
    try {
      pull: for (;;) {
        const r = await cursor.fetch(FETCH_ROWS);
        for (const row of r.rows) {
          if (ctx.cancel.reason) throw ctx.cancel.reason;
          // Every locked table's row of this returned row, in the targets' order (PostgreSQL's
          // LockRows: a SKIP LOCKED miss leaves the row out, the rows locked before stay locked).
          let skipped = false;
          let newer = false;
          const keys: Array<{ k: string; key: Uint8Array }> = [];
          for (const t of targets) {
            const key = t.keyOf(row);
            const k = ownKey(t.tab.storageId, key);
            let got = locker.free(t, k, key);
            if (got === 'wait') got = await locker.waiting(t, k, key);
            if (got === 'skipped') {
              skipped = true;
              break;
            }
            if (got === 'changed') newer = true;
            keys.push({ k, key });
          }
          if (skipped) continue;
          if (!newer) {
            out.push(project(row));
            if (out.length >= rowsMax) break pull;
            continue;
          }
          if (txn.isolation === 'snapshot') throw new DbError('40001', 'could not serialize access due to concurrent update');
          // READ COMMITTED: the row again, on the newest versions of its locked rows.
          const now = targets.map((t, i) => locker.current(t, keys[i]!.k, keys[i]!.key));
          if (now.some((r) => r === undefined)) continue; // a locked row was deleted: left out
          const again = recheck ? await recheck(ctx, now as Value[][]) : undefined;
          if (again === undefined) {
            changed = true; // no re-check for this statement: walk again at a fresh snapshot
            break pull;
          }
          for (const r2 of again) {
            out.push(project(r2));
            if (out.length >= rowsMax) break pull;
          }
        }
        if (r.done) break;
      }
    } finally {
      cursor.close();
    }
    if (!changed) return out;
    if (txn.isolation === 'snapshot' || n >= WALKS_MAX) throw new DbError('40001', 'could not serialize access due to concurrent update');
    txn.setSnapshot();
  }
}
