// Writing table rows inside the session's lsm transaction, with PostgreSQL's checks in
// PostgreSQL's order: NOT NULL (23502), CHECK (23514), then unique keys (23505). A key is
// locked before its existence is checked, and the check reads the newest committed version
// (or this transaction's own write): two transactions can never both insert the same key.
//
// Invariants:
// - Stored rows have one cell per attnum (dropped columns store NULL).
// - A unique index entry exists exactly for rows whose indexed values are all non-NULL; its
//   lsm row is [primary key bytes] of the row it points to.

import { DbError, TypeOid, fromCell, keyCell, keyTypeOf, textOut, toCell, type IndexDesc, type TableDesc } from '../../catalog/index.js';
import { Txn, encodeKey, encodeRowId, type Cell, type KeyColumn, type LockOptions, type Row as LsmRow } from '../../lsm/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { CancelToken } from '../api.js';
import type { Compiled } from '../eval/compile.js';
import { storageError, type TableSession } from '../rel/runtime.js';
import { keySchema } from '../rel/scan.js';

/** The unique keys of a row of a table without unique entries (shared, never written to). */
const NO_UNIQUE_KEYS = Object.freeze([]) as unknown as Array<Uint8Array | undefined>;

/** One row write (undefined = delete) through the session: undo log, own-key set, lsm Txn. */
function write(ts: TableSession, table: number, key: Uint8Array, cells: LsmRow | undefined, k = ownKey(table, key)): void {
  ts.recordUndo(table, key, ts.ownKeys.has(k));
  const txn = ts.current();
  if (cells) txn.put(table, key, cells);
  else txn.delete(table, key);
  ts.ownKeys.add(k);
}

/** Row-lock options under the session's lock_timeout (read once per batch by bulk writers: the
 *  setting is parsed on every read), with the running statement's cancel token: a CancelRequest
 *  or statement_timeout ends the wait (57014), as they end PostgreSQL's lock waits. */
export function lockOptions(ts: TableSession, cancel?: CancelToken): LockOptions {
  const timeoutMs = ts.lockTimeoutMs();
  const opts: LockOptions = timeoutMs > 0 ? { timeoutMs } : {};
  if (cancel) opts.cancel = cancel;
  return opts;
}

/** The string naming (table, key) in `ts.ownKeys`: the lsm's own op key, so one string serves
 *  the own-key set, the transaction's write set, its row locks and the memtable. */
export function ownKey(table: number, key: Uint8Array): string {
  return Txn.keyOf(table, key);
}

/** Compiled CHECK constraints of a table (bound over the table's row). */
export interface BoundCheck {
  name: string;
  pred: Compiled;
}

/** Per-table write helpers, built once per plan. */
export class TableWriter {
  readonly pkSchema: KeyColumn[];
  private readonly uniqueSchemas: KeyColumn[][];
  /** The cancel token of the statement running this writer, recorded by checkRow: every row
   *  write checks its row (NOT NULL, CHECK) before it locks keys (PostgreSQL's order), so the
   *  key-lock waits of findConflict/lockAndRead — called by INSERT, ON CONFLICT and UPDATE
   *  without a context — end on that statement's cancel / statement_timeout. A plan (and its
   *  writer) runs one statement at a time. */
  private cancel: CancelToken | undefined;

  constructor(readonly table: TableDesc, readonly checks: BoundCheck[]) {
    this.pkSchema = keySchema(table);
    this.uniqueSchemas = table.uniques.map((u) => u.attnums.map((a) => ({ type: keyTypeOf(table.columns[a - 1]!.typeOid, '') })));
  }

  /** "Failing row contains (...)" as PostgreSQL prints it (text output, `null` for NULL). */
  failingRow(row: readonly Value[], ctx: EvalContext): string {
    const parts: string[] = [];
    this.table.columns.forEach((c, i) => {
      if (c.dropped) return;
      const v = row[i];
      parts.push(v === null || v === undefined ? 'null' : textOut(c.typeOid, v, ctx.fmt));
    });
    return `Failing row contains (${parts.join(', ')}).`;
  }

  /** NOT NULL and CHECK constraints on a complete new row. */
  checkRow(row: readonly Value[], ctx: EvalContext): void {
    this.cancel = ctx.cancel;
    const t = this.table;
    for (let i = 0; i < t.columns.length; i++) {
      const c = t.columns[i]!;
      if (c.notNull && !c.dropped && (row[i] === null || row[i] === undefined)) {
        throw new DbError('23502', `null value in column "${c.name}" of relation "${t.name}" violates not-null constraint`, {
          detail: this.failingRow(row, ctx), schema: t.schema, table: t.name, column: c.name,
        });
      }
    }
    for (const ch of this.checks) {
      if (ch.pred(row, ctx) === false) {
        throw new DbError('23514', `new row for relation "${t.name}" violates check constraint "${ch.name}"`, {
          detail: this.failingRow(row, ctx), schema: t.schema, table: t.name, constraint: ch.name,
        });
      }
    }
  }

  /** The stored key of a row: its primary key, or a fresh hidden row id. */
  key(ts: TableSession, row: readonly Value[]): Uint8Array {
    const pk = this.table.primaryKey;
    if (!pk) return encodeRowId(ts.catalog.nextRowId(this.table.storageId));
    return encodeKey(this.pkSchema, pk.attnums.map((a) => keyCell(this.table.columns[a - 1]!.typeOid, row[a - 1])));
  }

  cells(row: readonly Value[]): LsmRow {
    const cols = this.table.columns;
    const out = new Array<Cell>(cols.length);
    for (let i = 0; i < cols.length; i++) out[i] = cols[i]!.dropped ? null : toCell(cols[i]!.typeOid, row[i]);
    return out;
  }

  /** Unique-index keys of a row (undefined where a value is NULL), in `table.uniques` order. */
  uniqueKeys(row: readonly Value[]): Array<Uint8Array | undefined> {
    return this.table.uniques.map((_u, i) => this.uniqueKey(i, row));
  }

  /** True when the table has no key that could conflict (hidden row ids, no UNIQUE). */
  get conflictFree(): boolean {
    return !this.table.primaryKey && this.table.uniques.length === 0;
  }

  private uniqueKey(i: number, row: readonly Value[]): Uint8Array | undefined {
    const u = this.table.uniques[i]!;
    const cells: Cell[] = [];
    for (const a of u.attnums) {
      const v = row[a - 1];
      if (v === null || v === undefined) return undefined;
      cells.push(keyCell(this.table.columns[a - 1]!.typeOid, v));
    }
    return encodeKey(this.uniqueSchemas[i]!, cells);
  }

  private duplicate(idx: IndexDesc, row: readonly Value[], ctx: EvalContext): DbError {
    const t = this.table;
    const names = idx.attnums.map((a) => t.columns[a - 1]!.name).join(', ');
    const vals = idx.attnums.map((a) => {
      const v = row[a - 1];
      return v === null || v === undefined ? 'null' : textOut(t.columns[a - 1]!.typeOid, v, ctx.fmt);
    }).join(', ');
    return new DbError('23505', `duplicate key value violates unique constraint "${idx.name}"`, {
      detail: `Key (${names})=(${vals}) already exists.`, schema: t.schema, table: t.name, constraint: idx.name,
    });
  }

  /** Locks `key` of `table` and returns the newest row there (own write or latest committed). */
  async lockAndRead(ts: TableSession, table: number, key: Uint8Array, k = ownKey(table, key), lock = lockOptions(ts, this.cancel)): Promise<LsmRow | undefined> {
    const txn = ts.current();
    try {
      await txn.lockRow(table, key, lock);
    } catch (e) {
      throw storageError(e);
    }
    if (ts.ownKeys.has(k)) return txn.get(table, key);
    return txn.getLatestCommitted(table, key)?.row;
  }

  /**
   * Which unique constraint a new row would violate, or undefined. `skipPk`
   * when the caller already holds and checked the primary key (UPDATE keeping its key).
   */
  async findConflict(ts: TableSession, key: Uint8Array, row: readonly Value[], skipPk: boolean, ignoreRowKey?: Uint8Array, oidOrder = false): Promise<{ idx: IndexDesc; key: Uint8Array } | undefined> {
    const t = this.table;
    // `oidOrder`: unique indexes in OID order, as PostgreSQL checks them for a plain INSERT (see
    // insertChecked); otherwise the primary key first (ON CONFLICT's arbiter is usually it).
    const pkOid = oidOrder ? (t.primaryKey?.oid ?? 0) : -1;
    let pkPending = t.primaryKey !== undefined && !skipPk;
    for (let i = 0; i <= t.uniques.length; i++) {
      if (pkPending && (i === t.uniques.length || !(t.uniques[i]!.oid < pkOid))) {
        pkPending = false;
        const existing = await this.lockAndRead(ts, t.storageId, key);
        if (existing) return { idx: t.primaryKey!, key };
      }
      if (i === t.uniques.length) break;
      const uk = this.uniqueKey(i, row);
      if (!uk) continue;
      const existing = await this.lockAndRead(ts, t.uniques[i]!.storageId, uk);
      if (existing) {
        const points = existing[0] as Uint8Array;
        if (ignoreRowKey && Buffer.compare(points, ignoreRowKey) === 0) continue;
        return { idx: t.uniques[i]!, key: points };
      }
    }
    return undefined;
  }

  conflictError(c: { idx: IndexDesc }, row: readonly Value[], ctx: EvalContext): DbError {
    return this.duplicate(c.idx, row, ctx);
  }

  /**
   * Checks the unique keys of a new row (locking each, primary key first) and writes it with its
   * unique index entries: findConflict + put, with each key encoded and named once.
   */
  async insertChecked(ts: TableSession, key: Uint8Array, row: readonly Value[], ctx: EvalContext, lock = lockOptions(ts, ctx.cancel)): Promise<void> {
    const t = this.table;
    const pkOwn = ownKey(t.storageId, key);
    // PostgreSQL checks unique indexes in OID order: a primary key added by ALTER TABLE after a
    // UNIQUE constraint comes after it (the violation names the older index).
    const pkOid = t.primaryKey?.oid ?? 0;
    let pkChecked = !t.primaryKey;
    const checkPk = async (): Promise<void> => {
      pkChecked = true;
      if (await this.lockAndRead(ts, t.storageId, key, pkOwn, lock)) throw this.duplicate(t.primaryKey!, row, ctx);
    };
    let uks: Array<Uint8Array | undefined> | undefined;
    if (t.uniques.length > 0) {
      uks = new Array<Uint8Array | undefined>(t.uniques.length);
      for (let i = 0; i < t.uniques.length; i++) {
        if (!pkChecked && !(t.uniques[i]!.oid < pkOid)) await checkPk();
        const uk = this.uniqueKey(i, row);
        uks[i] = uk;
        if (uk && (await this.lockAndRead(ts, t.uniques[i]!.storageId, uk, undefined, lock))) throw this.duplicate(t.uniques[i]!, row, ctx);
      }
    }
    if (!pkChecked) await checkPk();
    this.put(ts, key, row, pkOwn, uks);
  }

  /** Writes a new row and its unique index entries (checks already done). */
  put(ts: TableSession, key: Uint8Array, row: readonly Value[], pkOwn?: string, uniqueKeys?: Array<Uint8Array | undefined>): void {
    this.putCells(ts, key, this.cells(row), uniqueKeys ?? (this.table.uniques.length === 0 ? NO_UNIQUE_KEYS : this.uniqueKeys(row)), pkOwn);
  }

  /**
   * An UPDATE of a row that keeps its stored key, in a table without unique entries (the caller
   * checked both at planning: no SET item assigns a primary-key column, `table.uniques` is
   * empty): NOT NULL / CHECK on the new row, then one write of it at `key` (`k` = its opKey, the
   * row lock already held). The same end state as apply.ts replaceRow — which deletes the old
   * version, encodes the new key, finds it equal, checks no conflict and puts — in one write.
   */
  replaceAtKey(ts: TableSession, key: Uint8Array, k: string, row: readonly Value[], ctx: EvalContext): void {
    if (this.table.uniques.length !== 0) throw new Error('planner invariant violated: replaceAtKey on a table with unique entries');
    this.checkRow(row, ctx);
    this.putCells(ts, key, this.cells(row), NO_UNIQUE_KEYS, k);
  }

  /** put() of a row already in stored form, with its unique keys (`uniqueKeys(row)`). */
  putCells(ts: TableSession, key: Uint8Array, cells: LsmRow, uniqueKeys: Array<Uint8Array | undefined>, pkOwn?: string): void {
    const t = this.table;
    try {
      write(ts, t.storageId, key, cells, pkOwn);
      for (let i = 0; i < t.uniques.length; i++) {
        const uk = uniqueKeys[i];
        if (!uk) continue;
        write(ts, t.uniques[i]!.storageId, uk, [key]);
      }
    } catch (e) {
      throw storageError(e);
    }
    ts.writes++;
  }

  // ---- stored-form rows (COPY FROM): cells straight from the input, values only on demand ----

  /** The SQL values of a row in stored form (for CHECK constraints and error details). */
  valuesOf(cells: LsmRow): Value[] {
    const cols = this.table.columns;
    const out = new Array<Value>(cols.length);
    for (let i = 0; i < cols.length; i++) out[i] = cols[i]!.dropped ? null : (fromCell(cols[i]!.typeOid, cells[i] ?? null) as Value);
    return out;
  }

  /** checkRow() on a row in stored form (a cell is null exactly when the value is NULL). */
  checkCells(cells: LsmRow, ctx: EvalContext): void {
    if (this.checks.length > 0) return this.checkRow(this.valuesOf(cells), ctx);
    const cols = this.table.columns;
    for (let i = 0; i < cols.length; i++) {
      if (cols[i]!.notNull && !cols[i]!.dropped && (cells[i] === null || cells[i] === undefined)) return this.checkRow(this.valuesOf(cells), ctx);
    }
  }

  /** key() of a row in stored form (keyCell equals toCell for every key type). */
  keyOfCells(ts: TableSession, cells: LsmRow): Uint8Array {
    const pk = this.table.primaryKey;
    if (!pk) return encodeRowId(ts.catalog.nextRowId(this.table.storageId));
    const a = pk.attnums;
    const kc = new Array<Cell>(a.length);
    for (let i = 0; i < a.length; i++) kc[i] = cells[a[i]! - 1] ?? null;
    return encodeKey(this.pkSchema, kc);
  }

  private uniqueKeysOfCells(cells: LsmRow): Array<Uint8Array | undefined> {
    const t = this.table;
    const out = new Array<Uint8Array | undefined>(t.uniques.length);
    for (let i = 0; i < t.uniques.length; i++) {
      const kc: Cell[] = [];
      for (const a of t.uniques[i]!.attnums) {
        const c = cells[a - 1];
        if (c === null || c === undefined) break;
        kc.push(c);
      }
      out[i] = kc.length === t.uniques[i]!.attnums.length ? encodeKey(this.uniqueSchemas[i]!, kc) : undefined;
    }
    return out;
  }

  /**
   * insertChecked() of a row in stored form without waiting: when every key lock it needs is
   * free (or already ours) it checks the keys, writes the row (taking ownership of `key` and
   * `cells`: the caller must not touch them again) and returns true; when another transaction
   * holds one of the locks it writes nothing and returns false — the caller then runs
   * insertCellsChecked, which waits. A duplicate throws 23505 as insertChecked does.
   */
  tryInsertCells(ts: TableSession, key: Uint8Array, cells: LsmRow, ctx: EvalContext): boolean {
    const t = this.table;
    const txn = ts.current();
    let uks: Array<Uint8Array | undefined> | undefined;
    try {
      if (t.primaryKey && t.uniques.length === 0) {
        // The primary key is the only key: lock, check, record the undo entry and write in one
        // step of the txn. The key is copied into the transaction's key slab (one view per key,
        // not one buffer).
        const own = txn.internKey(t.storageId, key);
        switch (txn.insertIfAbsent(t.storageId, own.key, cells, own.k, this.undoOf(ts))) {
          case 'busy': return false;
          case 'exists': throw this.duplicate(t.primaryKey, this.valuesOf(cells), ctx);
          case 'inserted': break;
        }
        ts.ownKeys.add(own.k);
        ts.writes++;
        return true;
      }
      const k = Txn.keyOf(t.storageId, key);
      if (t.primaryKey) {
        if (!txn.tryLockRow(k)) return false;
        if (this.existsLocked(txn, t.storageId, key, k)) throw this.duplicate(t.primaryKey, this.valuesOf(cells), ctx);
      }
      if (t.uniques.length > 0) {
        uks = this.uniqueKeysOfCells(cells);
        for (let i = 0; i < t.uniques.length; i++) {
          const uk = uks[i];
          if (!uk) continue;
          const sid = t.uniques[i]!.storageId;
          const uk2 = Txn.keyOf(sid, uk);
          if (!txn.tryLockRow(uk2)) return false;
          if (this.existsLocked(txn, sid, uk, uk2)) throw this.duplicate(t.uniques[i]!, this.valuesOf(cells), ctx);
        }
      }
      ts.recordUndo(t.storageId, key, txn.wrote(k));
      txn.putOwned(t.storageId, key, cells, k);
      ts.ownKeys.add(k);
      if (uks) for (let i = 0; i < uks.length; i++) if (uks[i]) write(ts, t.uniques[i]!.storageId, uks[i]!, [key]);
    } catch (e) {
      throw storageError(e);
    }
    ts.writes++;
    return true;
  }

  private undoFn: { ts: TableSession; fn: (table: number, key: Uint8Array, ownBefore: boolean) => void } | undefined;

  /** ts.recordUndo as a function, made once per session (not per row). */
  private undoOf(ts: TableSession): (table: number, key: Uint8Array, ownBefore: boolean) => void {
    if (this.undoFn?.ts !== ts) this.undoFn = { ts, fn: (table, key, ownBefore) => ts.recordUndo(table, key, ownBefore) };
    return this.undoFn.fn;
  }

  /**
   * putCells() for a conflict-free table (hidden row ids, no unique key) without copies: `key`
   * is a fresh row id no one else can write, so no lock and no check; the key is copied into the
   * transaction's key slab and `cells` pass to the transaction.
   */
  putNewCells(ts: TableSession, key: Uint8Array, cells: LsmRow): void {
    const t = this.table;
    const txn = ts.current();
    try {
      const own = txn.internKey(t.storageId, key);
      ts.recordUndo(t.storageId, own.key, false);
      txn.putOwned(t.storageId, own.key, cells, own.k);
      ts.ownKeys.add(own.k);
    } catch (e) {
      throw storageError(e);
    }
    ts.writes++;
  }

  /** insertChecked() of a row in stored form (waits for locks held by others). */
  async insertCellsChecked(ts: TableSession, key: Uint8Array, cells: LsmRow, ctx: EvalContext, lock0: LockOptions): Promise<void> {
    const t = this.table;
    // COPY's fallback passes the batch's options: its wait must end on the COPY's cancel too.
    const lock = lock0.cancel ? lock0 : { ...lock0, cancel: ctx.cancel };
    const k = Txn.keyOf(t.storageId, key);
    if (t.primaryKey && (await this.lockAndRead(ts, t.storageId, key, k, lock))) throw this.duplicate(t.primaryKey, this.valuesOf(cells), ctx);
    const uks = this.uniqueKeysOfCells(cells);
    for (let i = 0; i < t.uniques.length; i++) {
      const uk = uks[i];
      if (uk && (await this.lockAndRead(ts, t.uniques[i]!.storageId, uk, undefined, lock))) throw this.duplicate(t.uniques[i]!, this.valuesOf(cells), ctx);
    }
    this.putCells(ts, key, cells, uks, k);
  }

  /** Whether a live row exists at a key this transaction holds the lock of (own write first). */
  private existsLocked(txn: Txn, table: number, key: Uint8Array, k: string): boolean {
    if (txn.wrote(k)) return txn.ownRow(k) !== undefined;
    return txn.getLatestCommitted(table, key) !== undefined;
  }

  /** Deletes a row and its unique index entries. */
  remove(ts: TableSession, key: Uint8Array, row: readonly Value[]): void {
    const t = this.table;
    write(ts, t.storageId, key, undefined);
    for (let i = 0; i < t.uniques.length; i++) {
      const uk = this.uniqueKey(i, row);
      if (!uk) continue;
      write(ts, t.uniques[i]!.storageId, uk, undefined);
    }
    ts.writes++;
  }
}

export function isIntegerType(oid: number): boolean {
  return oid === TypeOid.int2 || oid === TypeOid.int4 || oid === TypeOid.int8;
}
