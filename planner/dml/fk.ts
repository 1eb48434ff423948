// FOREIGN KEY enforcement (NO ACTION / RESTRICT checks; CASCADE / SET NULL / SET DEFAULT actions
// rewrite the referencing rows, locking each, recursively through their own FKs), at the end of each statement as
// PostgreSQL's non-deferred constraint triggers effectively are: a statement may insert a child
// before its parent (self-reference) or delete a parent together with its children.
//
//   child side  – every row an INSERT/UPDATE writes whose FK columns are all non-NULL (MATCH
//                 SIMPLE) and changed (UPDATE) must find its parent row:
//                 23503 `insert or update on table "c" violates foreign key constraint "f"`.
//   parent side – a row a DELETE/UPDATE removes (or whose referenced columns change) must no
//                 longer be referenced, unless a row with the same key exists again at the end:
//                 23503 `update or delete on table "p" violates foreign key constraint "f" on table "c"`.
//
// Concurrency (what is guaranteed): the child side takes the row lock of the parent's key (the
// primary key row, or the UNIQUE index entry) before reading it, and reads the newest committed
// version or this transaction's own write; the parent side holds the same lock (UPDATE/DELETE
// lock the row; a UNIQUE entry is locked here) before it looks for children, and looks at the
// newest committed rows of the child table merged with this transaction's own writes — not only
// at the statement snapshot. So a child insert and a concurrent parent delete serialize on that
// lock and the second one sees the first one's committed outcome: neither slips through. The
// child side's lock is FOR KEY SHARE, as PostgreSQL's RI check: transactions inserting children
// of one parent row proceed in parallel, an UPDATE of the parent that keeps its key columns (FOR
// NO KEY UPDATE) does not wait for them, a DELETE or key change of the parent (FOR UPDATE) does.
// The parent side's "exists again" check locks the key FOR UPDATE. Divergence: a parent
// referenced through a UNIQUE constraint has its key in the unique entry, which an UPDATE of the
// parent row that keeps the value still locks exclusively (dml/write.ts) — it waits for child
// checks there, where PostgreSQL's does not.
// Before reading the other table the checks take its relation lock shared (`FkPair.locked`,
// PostgreSQL's ROW SHARE / ROW EXCLUSIVE of its RI queries): DDL on it waits for this
// transaction, and a check waits for open DDL, then reads the relation as committed (README).
// Under REPEATABLE READ the checks also read the newest committed state, so a parent deleted
// by a transaction that committed after our snapshot gives 23503 where PostgreSQL raises 40001.
// Cost: the child side is one keyed read per distinct parent key; the parent side scans each
// referencing table (no secondary index) twice — latest committed and own writes — once per
// statement, only when a referenced key was removed.

import { DbError, keyCell, keyTypeOf, textOut, type FkAction, type ForeignKeyDesc, type IndexDesc, type TableDesc } from '../../catalog/index.js';
import { encodeKey, type Cell, type KeyColumn } from '../../lsm/index.js';
import { castImpl } from '../bind/casts.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { CancelToken } from '../api.js';
import { storageError, type TableSession } from '../rel/runtime.js';
import { decodeRow } from '../rel/scan.js';
import { lockOptions, ownKey, TableWriter } from './write.js';
import type { Binder } from '../bind/binder.js';
import { tablesOfBinder } from '../rel/from.js';
import { replaceRow } from './apply.js';
import { bindChecks, bindDefault, evalDefault, type DefaultValue } from './common.js';
import { lockRelated, RelTarget } from './rel-lock.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** The primary key or UNIQUE constraint of `parent` on exactly `refAttnums` (any order). */
export function referencedKey(parent: TableDesc, refAttnums: readonly number[]): IndexDesc | undefined {
  const want = [...refAttnums].sort((x, y) => x - y).join();
  if (new Set(refAttnums).size !== refAttnums.length) return undefined;
  return [...(parent.primaryKey ? [parent.primaryKey] : []), ...parent.uniques].find((k) => [...k.attnums].sort((x, y) => x - y).join() === want);
}

/**
 * One foreign key seen from both ends: encodes a child row's FK values, or a parent row's
 * referenced values, as the parent's key bytes (same bytes for equal keys).
 */
class FkPair {
  readonly key: IndexDesc;
  /** Per key column (in the parent key's order): the child attnum (1-based) feeding it. */
  private readonly childSlots: number[];
  private readonly convs: Array<((v: Value, ctx: EvalContext) => Value) | undefined>;
  private readonly schema: KeyColumn[];

  constructor(readonly child: TableDesc, readonly fk: ForeignKeyDesc, readonly parent: TableDesc) {
    const key = referencedKey(parent, fk.refAttnums);
    if (!key) throw new DbError('XX000', `foreign key "${fk.name}" has no matching key on table "${parent.name}"`);
    this.key = key;
    this.childSlots = key.attnums.map((a) => fk.attnums[fk.refAttnums.indexOf(a)]!);
    this.schema = key.attnums.map((a) => ({ type: keyTypeOf(parent.columns[a - 1]!.typeOid, '') }));
    this.convs = key.attnums.map((a, i) => {
      const from = child.columns[this.childSlots[i]! - 1]!.typeOid;
      const to = parent.columns[a - 1]!.typeOid;
      if (from === to) return undefined;
      const f = castImpl(from, to, -1, false);
      return f ? (v: Value, ctx: EvalContext) => f([v], ctx) : undefined;
    });
  }

  /** The parent-key bytes a child row points at; undefined when an FK column is NULL. */
  childKey(row: readonly Value[], ctx: EvalContext): Uint8Array | undefined {
    const cells: Cell[] = [];
    for (let i = 0; i < this.childSlots.length; i++) {
      let v = row[this.childSlots[i]! - 1];
      if (v === null || v === undefined) return undefined;
      const conv = this.convs[i];
      if (conv) {
        try {
          v = conv(v, ctx);
        } catch {
          return new Uint8Array(0); // cannot equal any parent key (e.g. 1.5 against an integer key)
        }
      }
      cells.push(keyCell(this.parent.columns[this.key.attnums[i]! - 1]!.typeOid, v));
    }
    return encodeKey(this.schema, cells);
  }

  /** The key bytes of a parent row's referenced values; undefined when one is NULL. */
  parentKey(row: readonly Value[]): Uint8Array | undefined {
    const cells: Cell[] = [];
    for (const a of this.key.attnums) {
      const v = row[a - 1];
      if (v === null || v === undefined) return undefined;
      cells.push(keyCell(this.parent.columns[a - 1]!.typeOid, v));
    }
    return encodeKey(this.schema, cells);
  }

  private parentRel: RelTarget | undefined;
  private childRel: RelTarget | undefined;

  /**
   * Takes the shared relation lock of the pair's other table (`side` = the one this statement
   * reads: the parent for a child-side check, the child for a parent-side one) and returns the
   * pair as the relation is committed now: this pair, or one over the new descriptor when DDL
   * (TRUNCATE, a rewrite) changed it while the lock was held by someone else.
   */
  async locked(ts: TableSession, side: 'parent' | 'child', ctx: EvalContext, writes = false): Promise<FkPair> {
    if (side === 'parent') {
      const now = await lockRelated(ts, (this.parentRel ??= new RelTarget(this.parent)), ctx);
      return now === this.parent ? this : new FkPair(this.child.oid === this.parent.oid ? now : this.child, this.fk, now);
    }
    // `writes`: a CASCADE / SET NULL / SET DEFAULT rewrites the child (PostgreSQL's ROW EXCLUSIVE,
    // as a deadlock report names it); a check only reads it (ROW SHARE).
    const now = await lockRelated(ts, (this.childRel ??= new RelTarget(this.child)), ctx, writes ? 'RowExclusiveLock' : 'RowShareLock');
    return now === this.child ? this : new FkPair(now, this.fk, this.child.oid === this.parent.oid ? now : this.parent);
  }

  /** lsm table holding the parent's key entries (the rows themselves for a primary key). */
  get keyStorage(): number {
    return this.key.primary ? this.parent.storageId : this.key.storageId;
  }

  /** Locks the parent key entry in `strength` and tells whether a parent row holds it now:
   *  FOR KEY SHARE for a child's check (PostgreSQL's RI query `SELECT 1 FROM parent WHERE key =
   *  $1 FOR KEY SHARE`: children of one parent are checked in parallel, a parent UPDATE that
   *  keeps the key does not wait), FOR UPDATE for a removed parent key's "exists again" check. */
  async parentExists(ts: TableSession, key: Uint8Array, cancel: CancelToken, strength: 'keyShare' | 'update'): Promise<boolean> {
    if (key.length === 0) return false;
    const txn = ts.current();
    const k = ownKey(this.keyStorage, key);
    const opts = lockOptions(ts, cancel);
    opts.strength = strength;
    try {
      await txn.lockRow(this.keyStorage, key, opts);
    } catch (e) {
      throw storageError(e);
    }
    if (ts.ownKeys.has(k)) return txn.get(this.keyStorage, key) !== undefined;
    return txn.getLatestCommitted(this.keyStorage, key) !== undefined;
  }

  childError(row: readonly Value[], ctx: EvalContext): DbError {
    const c = this.child;
    const names = this.fk.attnums.map((a) => c.columns[a - 1]!.name).join(', ');
    const vals = this.fk.attnums.map((a) => textOut(c.columns[a - 1]!.typeOid, row[a - 1], ctx.fmt)).join(', ');
    return new DbError('23503', `insert or update on table "${c.name}" violates foreign key constraint "${this.fk.name}"`, {
      detail: `Key (${names})=(${vals}) is not present in table "${this.parent.name}".`, schema: c.schema, table: c.name, constraint: this.fk.name,
    });
  }

  parentError(row: readonly Value[], ctx: EvalContext): DbError {
    const p = this.parent;
    const names = this.fk.refAttnums.map((a) => p.columns[a - 1]!.name).join(', ');
    const vals = this.fk.refAttnums.map((a) => textOut(p.columns[a - 1]!.typeOid, row[a - 1], ctx.fmt)).join(', ');
    return new DbError('23503', `update or delete on table "${p.name}" violates foreign key constraint "${this.fk.name}" on table "${this.child.name}"`, {
      detail: `Key (${names})=(${vals}) is still referenced from table "${this.child.name}".`, schema: this.child.schema, table: this.child.name, constraint: this.fk.name,
    });
  }

  /** Checks one child row now (ALTER TABLE ... ADD FOREIGN KEY validation). */
  async check(ts: TableSession, row: readonly Value[], ctx: EvalContext): Promise<void> {
    const key = this.childKey(row, ctx);
    if (key && !(await this.parentExists(ts, key, ctx.cancel, 'keyShare'))) throw this.childError(row, ctx);
  }
}

/** The lookup of a child's parent rows (used by ALTER TABLE validation). */
export function parentLookup(child: TableDesc, fk: ForeignKeyDesc, parent: TableDesc): { check(ts: TableSession, row: readonly Value[], ctx: EvalContext): Promise<void> } {
  return new FkPair(child, fk, parent);
}

/** Rows of `child` as the parent side must see them: newest committed, own writes on top. */
export function* childRowsOf(ts: TableSession, child: TableDesc): Generator<{ key: Uint8Array; row: Value[] }> {
  const txn = ts.current();
  const decode = (cells: Parameters<typeof decodeRow>[1]): Value[] => {
    const row = new Array<Value>(child.columns.length);
    decodeRow(child, cells, row);
    return row;
  };
  for (const kr of ts.db.scan(child.storageId)) {
    if (!ts.ownKeys.has(ownKey(child.storageId, kr.key))) yield { key: kr.key, row: decode(kr.row) };
  }
  for (const kr of txn.scan(child.storageId)) {
    if (ts.ownKeys.has(ownKey(child.storageId, kr.key))) yield { key: kr.key, row: decode(kr.row) };
  }
}

/** Foreign keys of other tables (and of `t` itself when `self`) that reference table `t`. */
export function referencingKeys(ts: TableSession, t: TableDesc, self: boolean): Array<{ child: TableDesc; fk: ForeignKeyDesc }> {
  const out: Array<{ child: TableDesc; fk: ForeignKeyDesc }> = [];
  for (const c of ts.catalog.listTables(ts.reader(), t.db)) {
    if (c.kind !== 'table' || !c.foreignKeys) continue;
    if (c.oid === t.oid && !self) continue;
    for (const fk of c.foreignKeys) if (fk.refOid === t.oid) out.push({ child: c, fk });
  }
  return out;
}

/** The tables a table's foreign keys reference, by oid. */
export function referencedTables(ts: TableSession, t: TableDesc): Map<number, TableDesc> {
  const out = new Map<number, TableDesc>();
  if (!t.foreignKeys?.length) return out;
  for (const p of ts.catalog.listTables(ts.reader(), t.db)) if (t.foreignKeys.some((f) => f.refOid === p.oid)) out.set(p.oid, p);
  if (t.foreignKeys.some((f) => f.refOid === t.oid)) out.set(t.oid, t);
  return out;
}

/** The FK checks of a statement writing `t` (planned once with the statement's plan; DDL that
 *  adds or drops a foreign key bumps the catalog version, so cached plans are rebuilt). */
export function planFkChecks(b: Binder, t: TableDesc, removesRows = true): FkChecks | undefined {
  const ts = tablesOfBinder(b);
  // Only a table marked as referenced (or referencing itself) looks for referrers in the catalog.
  const referenced = (t.referencedBy?.length ?? 0) > 0 || (t.foreignKeys ?? []).some((f) => f.refOid === t.oid);
  const children = removesRows && referenced ? referencingKeys(ts, t, true) : [];
  if (!t.foreignKeys?.length && children.length === 0) return undefined;
  return FkChecks.plan(b, t, referencedTables(ts, t), children);
}

/** How ON DELETE / ON UPDATE CASCADE, SET NULL and SET DEFAULT rewrite one child table (planned
 *  on first use: a self-referencing cascade would otherwise plan itself forever). */
class ChildAction {
  private planned: { writer: TableWriter; defaults: DefaultValue[]; checks: FkChecks | undefined; toChild: Array<((v: Value, ctx: EvalContext) => Value) | undefined> } | undefined;

  constructor(private readonly b: Binder, private readonly pair: FkPair) {}

  /** The same action over `pair` (its child relation changed while this statement waited). */
  withPair(pair: FkPair): ChildAction {
    return pair === this.pair ? this : new ChildAction(this.b, pair);
  }

  private plan(): NonNullable<ChildAction['planned']> {
    if (this.planned) return this.planned;
    const { child, parent, fk } = this.pair;
    const cols = fk.attnums.map((a) => child.columns[a - 1]!);
    this.planned = {
      writer: new TableWriter(child, bindChecks(this.b, child)),
      defaults: cols.map((c) => bindDefault(this.b, child, c)),
      checks: planFkChecks(this.b, child),
      toChild: fk.refAttnums.map((a, i) => {
        const from = parent.columns[a - 1]!.typeOid;
        const to = cols[i]!.typeOid;
        if (from === to) return undefined;
        const f = castImpl(from, to, cols[i]!.typmod, false);
        return f ? (v: Value, ctx: EvalContext) => f([v], ctx) : undefined;
      }),
    };
    return this.planned;
  }

  /** Applies `action` to every child row referencing one of `gone` (parent key bytes → the
   *  parent's old row and, for an UPDATE, its new row). */
  async run(ts: TableSession, action: 'c' | 'n' | 'd', gone: ReadonlyMap<string, { row: readonly Value[]; newRow?: readonly Value[] }>, ctx: EvalContext): Promise<void> {
    const p = this.plan();
    const { child, fk } = this.pair;
    const fkChecks = p.checks?.begin();
    const hits: Array<{ key: Uint8Array; h: string }> = [];
    for (const r of childRowsOf(ts, child)) {
      const k = this.pair.childKey(r.row, ctx);
      if (k && gone.has(hex(k))) hits.push({ key: r.key, h: hex(k) });
    }
    const txn = ts.current();
    // The child rows are deleted (FOR UPDATE) or updated: FOR NO KEY UPDATE unless the FK
    // columns are key columns of the child (PostgreSQL's UPDATE, modify.ts).
    const lock = lockOptions(ts, ctx.cancel);
    const keySlots = keyColumnSlots(child);
    lock.strength = action === 'c' && [...gone.values()].some((r) => !r.newRow) ? 'update' : fk.attnums.some((a) => keySlots.has(a - 1)) ? 'update' : 'noKeyUpdate';
    for (const hit of hits) {
      if (ctx.cancel.reason) throw ctx.cancel.reason;
      const own = ownKey(child.storageId, hit.key);
      // Also for our own writes: their lock is ours, at most upgraded here.
      try {
        await txn.lockRow(child.storageId, hit.key, lock);
      } catch (e) {
        throw storageError(e);
      }
      const cells = ts.ownKeys.has(own) ? txn.get(child.storageId, hit.key) : txn.getLatestCommitted(child.storageId, hit.key)?.row;
      if (!cells) continue; // deleted meanwhile (or by this statement's cascade)
      const row = new Array<Value>(child.columns.length);
      decodeRow(child, cells, row);
      const now = this.pair.childKey(row, ctx);
      if (!now || hex(now) !== hit.h) continue; // changed meanwhile: no longer references the key
      const parentRows = gone.get(hit.h)!;
      if (action === 'c' && !parentRows.newRow) {
        p.writer.remove(ts, hit.key, row);
        fkChecks?.deleted(row);
        continue;
      }
      const next = row.slice();
      for (let i = 0; i < fk.attnums.length; i++) {
        const slot = fk.attnums[i]! - 1;
        if (action === 'n') next[slot] = null;
        else if (action === 'd') next[slot] = await evalDefault(this.b, p.defaults[i]!, ctx);
        else {
          const v = parentRows.newRow![fk.refAttnums[i]! - 1] ?? null;
          const conv = p.toChild[i];
          next[slot] = conv && v !== null ? conv(v, ctx) : v;
        }
      }
      await replaceRow(ts, p.writer, hit.key, row, next, ctx);
      fkChecks?.updated(row, next);
    }
    if (fkChecks) await fkChecks.finish(ts, ctx);
  }
}

/**
 * The foreign-key work of statements on table `t`: FKs of `t` (child side) and FKs of other
 * tables (or of `t` itself) that reference `t` (parent side). Planned once; each execution
 * takes a fresh collector with begin(): rows are noted as the statement writes them, finish()
 * checks them all (a cached plan keeps no rows of a failed run).
 */
export class FkChecks {
  private readonly pendingChild: Array<{ pair: FkPair; row: readonly Value[] }> = [];
  private readonly removed = new Map<FkPair, Map<string, { key: Uint8Array; row: readonly Value[]; newRow?: readonly Value[] }>>();

  private constructor(private readonly asChild: FkPair[], private readonly asParent: FkPair[], private readonly actions: Map<FkPair, ChildAction>) {}

  /** Undefined when `t` takes part in no foreign key (the common case costs nothing). */
  static plan(b: Binder, t: TableDesc, parents: ReadonlyMap<number, TableDesc>, children: ReadonlyArray<{ child: TableDesc; fk: ForeignKeyDesc }>): FkChecks | undefined {
    const asChild = (t.foreignKeys ?? []).flatMap((fk) => {
      const p = fk.refOid === t.oid ? t : parents.get(fk.refOid);
      return p ? [new FkPair(t, fk, p)] : [];
    });
    const asParent = children.map((c) => new FkPair(c.child.oid === t.oid ? t : c.child, c.fk, t));
    const actions = new Map<FkPair, ChildAction>();
    for (const pair of asParent) if (isAction(pair.fk.onDelete) || isAction(pair.fk.onUpdate)) actions.set(pair, new ChildAction(b, pair));
    return asChild.length || asParent.length ? new FkChecks(asChild, asParent, actions) : undefined;
  }

  begin(): FkChecks {
    return new FkChecks(this.asChild, this.asParent, this.actions);
  }

  inserted(row: readonly Value[]): void {
    for (const pair of this.asChild) this.pendingChild.push({ pair, row });
  }

  deleted(row: readonly Value[]): void {
    for (const pair of this.asParent) this.noteRemoved(pair, row);
  }

  updated(oldRow: readonly Value[], newRow: readonly Value[]): void {
    for (const pair of this.asChild) {
      // PostgreSQL skips the check when the FK columns keep their values.
      if (pair.fk.attnums.some((a) => !sameValue(oldRow[a - 1], newRow[a - 1]))) this.pendingChild.push({ pair, row: newRow });
    }
    for (const pair of this.asParent) {
      const before = pair.parentKey(oldRow);
      const after = pair.parentKey(newRow);
      if (before && !(after && Buffer.compare(before, after) === 0)) this.noteRemoved(pair, oldRow, before, newRow);
    }
  }

  private noteRemoved(pair: FkPair, row: readonly Value[], key = pair.parentKey(row), newRow?: readonly Value[]): void {
    if (!key) return;
    let m = this.removed.get(pair);
    if (!m) this.removed.set(pair, (m = new Map()));
    m.set(hex(key), newRow ? { key, row, newRow } : { key, row });
  }

  /** Runs the statement's checks (throws the first violation). */
  async finish(ts: TableSession, ctx: EvalContext): Promise<void> {
    for (const [planned, keys] of this.removed) {
      // The child table is read (and, by an action, written) under its shared relation lock.
      const acts = this.actions.has(planned) && [...keys.values()].some((r) => isAction(r.newRow ? planned.fk.onUpdate : planned.fk.onDelete));
      const pair = await planned.locked(ts, 'child', ctx, acts);
      // ON DELETE / ON UPDATE actions (a statement is a DELETE or an UPDATE: one event per key).
      const act = this.actions.get(planned)?.withPair(pair);
      if (act) {
        const byAction = new Map<'c' | 'n' | 'd', Map<string, { row: readonly Value[]; newRow?: readonly Value[] }>>();
        for (const [h, r] of keys) {
          const a = r.newRow ? pair.fk.onUpdate : pair.fk.onDelete;
          if (!isAction(a)) continue;
          let m = byAction.get(a);
          if (!m) byAction.set(a, (m = new Map()));
          m.set(h, r);
          keys.delete(h);
        }
        for (const [a, m] of byAction) await act.run(ts, a, m, ctx);
        if (keys.size === 0) continue;
      }
      // A key that exists again at the end (UPDATE swapping keys, delete + re-insert) is fine.
      const gone = new Map<string, readonly Value[]>();
      for (const [h, r] of keys) if (!(await pair.parentExists(ts, r.key, ctx.cancel, 'update'))) gone.set(h, r.row);
      if (gone.size === 0) continue;
      for (const { row } of childRowsOf(ts, pair.child)) {
        if (ctx.cancel.reason) throw ctx.cancel.reason;
        const k = pair.childKey(row, ctx);
        const hit = k ? gone.get(hex(k)) : undefined;
        if (hit) throw pair.parentError(hit, ctx);
      }
    }
    this.removed.clear();
    const seen = new Set<string>();
    // The parent is read under its shared relation lock, taken once per foreign key.
    const lockedPairs = new Map<FkPair, FkPair>();
    for (const { pair: planned, row } of this.pendingChild) {
      let pair = lockedPairs.get(planned);
      if (!pair) lockedPairs.set(planned, (pair = await planned.locked(ts, 'parent', ctx)));
      const key = pair.childKey(row, ctx);
      if (!key) continue;
      const h = `${pair.fk.oid}:${hex(key)}`;
      if (seen.has(h)) continue;
      if (!(await pair.parentExists(ts, key, ctx.cancel, 'keyShare'))) throw pair.childError(row, ctx);
      seen.add(h);
    }
    this.pendingChild.length = 0;
  }
}

function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) === JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

function isAction(a: FkAction): a is 'c' | 'n' | 'd' {
  return a === 'c' || a === 'n' || a === 'd';
}

/** Slots of `tab`'s key columns in PostgreSQL's sense (INDEX_ATTR_BITMAP_KEY): the columns of
 *  its primary key and of its unique indexes without expressions. */
export function keyColumnSlots(tab: TableDesc): Set<number> {
  const out = new Set<number>();
  for (const idx of [...(tab.primaryKey ? [tab.primaryKey] : []), ...tab.uniques]) {
    if (idx.exprs !== undefined) continue;
    for (const a of idx.attnums) if (a > 0) out.add(a - 1);
  }
  return out;
}
