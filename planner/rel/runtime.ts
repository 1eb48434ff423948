// The storage side of SQL: the server-wide TablesServer (LsmDb + SchemaCatalog) and the
// per-session TableSession that maps the SQL transaction (session/tx.ts) onto one lsm Txn.
//
// Invariants:
// - One lsm Txn per SQL transaction, begun lazily by the first statement that touches tables
//   and ended exactly when the SQL transaction ends (commit → Txn.commit, else rollback).
// - READ COMMITTED takes a fresh snapshot per statement (Txn.setSnapshot); REPEATABLE READ and
//   SERIALIZABLE keep the transaction's first snapshot ('snapshot' isolation in the lsm:
//   first-committer-wins, 40001 on a concurrent update). SERIALIZABLE is therefore snapshot
//   isolation (write skew is possible); README.md says so.
// - `catalogVersion` grows on every DDL and at the end of every transaction that did DDL, so
//   cached plans (which hold table descriptors) are rebuilt.

import { DbError, type Notice } from '../../catalog/index.js';
import { SchemaCatalog, lsmToDbError, type CatalogReader, type CatalogWriter } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr } from '../bind/expr.js';
import type { CancelToken } from '../api.js';
import type { FuncCall, SubLink } from '../parse/ast.js';
import { bindSequenceCall, SEQUENCE_FUNCTIONS } from './sequences.js';
import { bindSubLink } from './sublink.js';
import { dropTempSchema, runOnCommit } from '../ddl/temp.js';
import type { CteDef } from './with.js';
import { LsmDb, LsmError, type KeyRow, type Row, type Row as LsmRow, type ScanOptions, type TableId, type Txn } from '../../lsm/index.js';
import type { ExternalRows } from '../external/scan-rows.js'; // issue 5

export type SqlIsolation = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

export interface TablesServerOptions {
  /** Directory of the LSM (`<dataDir>/lsm`). */
  dir: string;
  syncMode?: 'fsync' | 'off';
  /** Largest write set of one transaction, in estimated heap bytes. Default 1 GiB (pgbench -i
   *  -s 10 loads ~300 MB in one COPY); the lsm bounds it by 25% of the heap at open (lsm/MVCC.md
   *  "Write-set limits"), so the default heap of 4 GiB gives 1 GiB. */
  txnBytesMax?: number;
  /** Preallocated size of each WAL file (lsm `walPreallocBytes`; 0 = off). Default: the lsm's. */
  walPreallocBytes?: number;
}

export const TXN_BYTES_MAX_DEFAULT = 1024 * 1024 * 1024;

export class TablesServer {
  /** Grows on every DDL anywhere in the server: cached plans compare it. */
  catalogVersion = 0;

  /** Numbers N of the temporary schemas pg_temp_N held by live sessions (../ddl/temp.ts). */
  private readonly tempIds = new Set<number>();

  private constructor(readonly db: LsmDb, readonly catalog: SchemaCatalog) {}

  static async open(o: TablesServerOptions): Promise<TablesServer> {
    const db = await LsmDb.open({ dir: o.dir, txnBytesMax: o.txnBytesMax ?? TXN_BYTES_MAX_DEFAULT, ...(o.syncMode ? { syncMode: o.syncMode } : {}), ...(o.walPreallocBytes !== undefined ? { walPreallocBytes: o.walPreallocBytes } : {}) });
    const catalog = SchemaCatalog.open(db);
    // Temporary schemas of sessions that ended in a crash do not survive a restart.
    const storage = await catalog.dropSchemasWhere(isTempSchema);
    for (const id of storage) void catalog.reclaimStorage(id).catch(() => undefined);
    return new TablesServer(db, catalog);
  }

  /** The lowest number no live session's temporary schema uses. */
  allocTempId(): number {
    let n = 1;
    while (this.tempIds.has(n)) n++;
    this.tempIds.add(n);
    return n;
  }

  freeTempId(n: number): void {
    this.tempIds.delete(n);
  }

  async close(): Promise<void> {
    // Sessions are closed by now: sequences continue exactly where they stopped after a restart.
    await this.catalog.persistSequences().catch(() => undefined);
    await this.db.close();
  }

  /** DROP DATABASE: forget its tables and schemas, reclaim their rows in the background. */
  async dropDatabase(name: string): Promise<void> {
    const storage = await this.catalog.dropDatabase(name);
    this.catalogVersion++;
    for (const id of storage) void this.catalog.reclaimStorage(id).catch(() => undefined);
  }
}

/** What a TableSession reads from the SQL session. */
export interface TableSessionHost {
  readonly database: string;
  readonly user: string;
  getSetting(name: string): string | undefined;
  /** The SQL transaction's isolation level (block) or the default (implicit). */
  isolation(): SqlIsolation;
  notice(n: Notice): void;
  inTransactionBlock(): boolean;
}

/** Reads at the latest committed state, outside any transaction (planning before BEGIN). */
class LatestReader implements CatalogReader {
  constructor(private readonly db: LsmDb) {}
  get(table: TableId, key: Uint8Array): Row | undefined {
    return this.db.get(table, key);
  }
  scan(table: TableId, opts?: ScanOptions): Iterable<KeyRow> {
    return this.db.scan(table, opts ?? {});
  }
}

export class TableSession {
  private txn: Txn | undefined;
  private latest: LatestReader;
  /** Writes issued by DML in this transaction (savepoints compare it). */
  writes = 0;
  /** Storage ids to reclaim once the transaction commits (DROP, TRUNCATE). */
  private reclaim: number[] = [];
  private didDdl = false;
  /** Keys this transaction wrote (opKey form): their latest version is our own. */
  readonly ownKeys = new Set<string>();
  /** currval/lastval state of this session. */
  readonly seqValues = new Map<number, bigint>();
  lastSeqOid: number | undefined;
  /** WITH frames while a statement is being planned (planning is synchronous). */
  readonly ctes: Array<Map<string, CteDef>> = [];
  /** issue 5: rows of the external tables the running statement reads (fetched before it runs). */
  externalRows: ExternalRows | undefined;
  /** This session's temporary schema `pg_temp_N`, once it created a temporary table. */
  tempSchema: { name: string; id: number } | undefined;
  /** Temporary tables created ON COMMIT DELETE ROWS | DROP (../ddl/temp.ts runOnCommit). */
  onCommit: OnCommitEntry[] = [];

  constructor(readonly server: TablesServer, readonly host: TableSessionHost) {
    this.latest = new LatestReader(server.db);
  }

  get catalog(): SchemaCatalog {
    return this.server.catalog;
  }

  get db(): LsmDb {
    return this.server.db;
  }

  /** The reader planning uses: the open transaction, else the latest committed state. */
  reader(): CatalogReader {
    return this.txn ?? this.latest;
  }

  hasTxn(): boolean {
    return this.txn !== undefined;
  }

  /** The lsm transaction of the current SQL transaction, begun on first use. */
  current(): Txn {
    if (!this.txn) {
      const iso = this.host.isolation();
      this.txn = this.server.db.begin({ isolation: iso === 'repeatable read' || iso === 'serializable' ? 'snapshot' : 'read-committed' });
    }
    return this.txn;
  }

  writer(): CatalogWriter & Txn {
    return this.current() as CatalogWriter & Txn;
  }

  isSnapshotIsolation(): boolean {
    return this.current().isolation === 'snapshot';
  }

  /** Before each statement: READ COMMITTED statements see everything committed so far. The
   *  session passes the statement's cancel token (a re-plan of the same statement does not). */
  beginStatement(cancel?: CancelToken): void {
    if (cancel) this.stmtCancel = cancel;
    if (this.txn && this.txn.isolation === 'read-committed' && this.txn.isActive) this.txn.setSnapshot();
  }

  /**
   * How the running statement's relation-lock waits end (DDL's `SchemaCatalog.lockName`): after
   * lock_timeout (55P03), or when its cancel token gets a reason — CancelRequest or
   * statement_timeout (57014), as PostgreSQL ends a DDL waiting for a lock. DDL code reaches the
   * session but not the statement's EvalContext, so the token is the one beginStatement recorded.
   */
  statementLockWait(): { timeoutMs: number; cancel?: CancelToken } {
    const timeoutMs = this.lockTimeoutMs();
    return this.stmtCancel ? { timeoutMs, cancel: this.stmtCancel } : { timeoutMs };
  }

  /** The cancel token of the statement running now (or of the last one: tokens are per statement). */
  private stmtCancel: CancelToken | undefined;

  /** Records DDL (plans are invalidated now and again at the end of the transaction). */
  noteDdl(): void {
    this.didDdl = true;
    this.ddlCount++;
    this.server.catalogVersion++;
  }

  afterCommit(storageId: number): void {
    this.reclaim.push(storageId);
  }

  /**
   * Ends the storage transaction with the SQL transaction's outcome. Synchronous (no promise, no
   * microtask hop before ReadyForQuery) when nothing waits: no transaction, a rollback, or a
   * commit of a transaction that wrote nothing and has no ON COMMIT action — every autocommit
   * SELECT. Only a commit with writes (the WAL) or ON COMMIT work returns a promise.
   */
  end(commit: boolean): void | Promise<void> {
    const txn = this.txn;
    if (txn !== undefined && commit && (this.onCommit.length > 0 || !txn.isActive || txn.writeCount !== 0)) return this.endCommitting(txn);
    const reclaim = this.resetTxnState();
    const ddl = this.didDdl;
    this.didDdl = false;
    if (!txn) return;
    try {
      // A transaction without writes has nothing to commit: finishing it either way releases its
      // snapshot and locks alike (Txn.commit's own read-only path is the same finish, behind a
      // settled promise).
      txn.rollback();
    } catch (e) {
      throw lsmToDbError(e);
    } finally {
      if (ddl) this.server.catalogVersion++;
    }
    if (commit) this.reclaimStorage(reclaim);
  }

  /** end() of a commit that writes (or runs ON COMMIT actions first). */
  private async endCommitting(txn: Txn): Promise<void> {
    let failure: unknown;
    let commit = true;
    if (this.onCommit.length > 0) {
      try {
        await runOnCommit(this);
      } catch (e) {
        failure = e; // the transaction rolls back instead, as when PostgreSQL's pre-commit fails
        commit = false;
      }
    }
    const reclaim = this.resetTxnState();
    const ddl = this.didDdl;
    this.didDdl = false;
    try {
      if (commit) await txn.commit();
      else txn.rollback();
    } catch (e) {
      throw lsmToDbError(e);
    } finally {
      if (ddl) this.server.catalogVersion++;
    }
    if (failure !== undefined) throw failure;
    if (commit) this.reclaimStorage(reclaim);
  }

  /** Forgets the ended transaction's state; returns the storage ids to reclaim after a commit. */
  private resetTxnState(): number[] {
    this.txn = undefined;
    const reclaim = this.reclaim;
    // Fresh arrays only when the old ones hold something: a read-only statement allocates none.
    if (reclaim.length > 0) this.reclaim = [];
    if (this.ownKeys.size > 0) this.ownKeys.clear();
    this.writes = 0;
    if (this.savepoints.length > 0) this.savepoints = [];
    if (this.undo.length > 0) this.undo = [];
    this.undoOverflow = false;
    return reclaim;
  }

  private reclaimStorage(ids: readonly number[]): void {
    // Space reclaim is best effort: the rows are already unreachable (their storage id is gone).
    for (const id of ids) void this.catalog.reclaimStorage(id).catch(() => undefined);
  }

  /** Session end: rolls back the open transaction, then drops the temporary schema. */
  async close(): Promise<void> {
    try {
      await this.end(false);
    } finally {
      await dropTempSchema(this);
    }
  }

  searchPath(): string[] {
    const raw = this.host.getSetting('search_path') ?? '"$user", public';
    const out: string[] = [];
    for (let part of raw.split(',')) {
      part = part.trim();
      if (part.startsWith('"') && part.endsWith('"')) part = part.slice(1, -1);
      else part = part.toLowerCase();
      if (part === '$user') part = this.host.user;
      if (part === 'pg_temp') {
        if (this.tempSchema) out.push(this.tempSchema.name);
        continue;
      }
      if (part !== '') out.push(part);
    }
    // As PostgreSQL: the session's temporary schema is searched first unless named explicitly.
    if (this.tempSchema && !out.includes(this.tempSchema.name)) out.unshift(this.tempSchema.name);
    return out;
  }

  /** Schema new objects go to: the first existing schema of the search path (3F000 if none). */
  creationSchema(): string {
    for (const s of this.searchPath()) if (!isTempSchema(s) && this.catalog.schemaExists(this.reader(), this.host.database, s) && s !== 'pg_catalog') return s;
    throw new DbError('3F000', 'no schema has been selected to create in');
  }

  notice(n: Notice): void {
    this.host.notice(n);
  }

  /** nextval/currval/setval/lastval, or undefined for other functions (the binder asks first). */
  bindSequenceCall(b: Binder, f: FuncCall): BoundExpr | undefined {
    const names = f.funcname ?? [];
    const name = (names[names.length - 1] as { sval?: string } | undefined)?.sval ?? '';
    if (!SEQUENCE_FUNCTIONS.has(name) || names.length > 2) return undefined;
    return bindSequenceCall(b, f);
  }

  /** Binds a subquery in an expression (the binder calls this; see sublink.ts). */
  bindSubLink(b: Binder, n: SubLink): BoundExpr {
    return bindSubLink(b, n);
  }

  /** Undo log of row writes (reverse order restores), and the savepoints that mark it. */
  private undo: Array<{ table: number; key: Uint8Array; own: boolean; row: LsmRow | undefined }> = [];
  private savepoints: Array<{ name: string; undoLen: number; ddl: number }> = [];
  private ddlCount = 0;
  /** Bound of the undo log; beyond it ROLLBACK TO after more writes is refused (0A000). */
  static readonly UNDO_ENTRIES_MAX = 1_000_000;
  private undoOverflow = false;

  /** Heap bytes of one undo entry besides its key bytes: the entry object, the key copy's typed
   *  array and the log's slot (measured on node 20: 275 B with an 8-byte key, 299 B with 32, 351 B
   *  with 100). The row kept for an own earlier version is the write set's (already charged). */
  static readonly UNDO_ENTRY_BYTES = 267;

  /** Called before every row write: remembers what ROLLBACK TO SAVEPOINT must restore. Each entry
   *  is charged to the transaction (Txn.reserve), so a long savepoint's log counts against the
   *  write-set limit (54000) like the rows it shadows; unreserved when ROLLBACK TO / RELEASE drops it. */
  recordUndo(table: number, key: Uint8Array, ownBefore: boolean): void {
    if (this.savepoints.length === 0) return;
    if (this.undo.length >= TableSession.UNDO_ENTRIES_MAX) {
      this.undoOverflow = true;
      return;
    }
    const txn = this.current();
    txn.reserve(TableSession.UNDO_ENTRY_BYTES + key.length);
    this.undo.push({ table, key: Uint8Array.from(key), own: ownBefore, row: ownBefore ? txn.get(table, key) : undefined });
  }

  /** Drops undo entries [from..] and returns their charge to the transaction. */
  private truncateUndo(from: number): void {
    if (this.undo.length <= from) return;
    let bytes = 0;
    for (let j = from; j < this.undo.length; j++) bytes += TableSession.UNDO_ENTRY_BYTES + this.undo[j]!.key.length;
    this.current().unreserve(bytes);
    if (from === 0) this.undo = [];
    else this.undo.length = from;
  }

  /**
   * Savepoints. ROLLBACK TO restores every row written since the savepoint from the undo log:
   * a row this transaction had written before gets that version back; any other row gets the
   * version its snapshot sees (the transaction's write set then holds an unchanged copy of it,
   * which reads identically). DDL since the savepoint cannot be undone yet: 0A000.
   */
  transactionStatement(kind: string, name: string | undefined): void {
    switch (kind) {
      case 'TRANS_STMT_SAVEPOINT':
        this.savepoints.push({ name: name ?? '', undoLen: this.undo.length, ddl: this.ddlCount });
        return;
      case 'TRANS_STMT_ROLLBACK_TO': {
        const i = this.savepoints.map((x) => x.name).lastIndexOf(name ?? '');
        if (i < 0) return; // the SQL side reports 3B001
        const sp = this.savepoints[i]!;
        if (this.ddlCount !== sp.ddl) throw new DbError('0A000', 'ROLLBACK TO SAVEPOINT after DDL since the savepoint is not supported yet');
        if (this.undoOverflow) throw new DbError('0A000', `ROLLBACK TO SAVEPOINT after more than ${TableSession.UNDO_ENTRIES_MAX} row writes is not supported`);
        if (this.undo.length > sp.undoLen) {
          const txn = this.current();
          for (let j = this.undo.length - 1; j >= sp.undoLen; j--) {
            const u = this.undo[j]!;
            const row = u.own ? u.row : this.server.db.readAt(u.table, u.key, txn.snapshotSeq);
            if (row) txn.put(u.table, u.key, row);
            else txn.delete(u.table, u.key);
          }
          this.truncateUndo(sp.undoLen);
        }
        this.savepoints.length = i + 1;
        return;
      }
      case 'TRANS_STMT_RELEASE': {
        const i = this.savepoints.map((x) => x.name).lastIndexOf(name ?? '');
        if (i >= 0) this.savepoints.length = i;
        if (this.savepoints.length === 0) this.truncateUndo(0);
        return;
      }
      default:
        return;
    }
  }

  lockTimeoutMs(): number {
    // Called once per written row: remember the last text so the regex runs only on a change.
    const text = this.host.getSetting('lock_timeout') ?? '0';
    if (text !== this.lockTimeoutText) {
      this.lockTimeoutText = text;
      this.lockTimeoutValueMs = msOf(text);
    }
    return this.lockTimeoutValueMs;
  }

  private lockTimeoutText = '0';
  private lockTimeoutValueMs = 0;
}

/** What a commit does to a temporary table created ON COMMIT DELETE ROWS | DROP. */
export interface OnCommitEntry {
  action: 'delete-rows' | 'drop';
  schema: string;
  name: string;
  /** Tells the table apart from a later one of the same name. */
  oid: number;
}

/** Whether a schema name is a session's temporary schema (pg_temp_N). */
export function isTempSchema(name: string): boolean {
  return /^pg_temp_\d+$/.test(name);
}

/** A duration setting as SHOW prints it (`5s`, `100ms`, `0`) in milliseconds; 0 when unparsable. */
export function msOf(v: string): number {
  const m = /^\s*(\d+)\s*(ms|s|min|h|d)?\s*$/.exec(v);
  if (!m) return 0;
  const n = Number(m[1]);
  switch (m[2]) {
    case 's': return n * 1000;
    case 'min': return n * 60_000;
    case 'h': return n * 3_600_000;
    case 'd': return n * 86_400_000;
    default: return n;
  }
}

/** Maps lsm failures (LsmError) to DbError; other errors pass through. */
export function storageError(e: unknown): unknown {
  return e instanceof LsmError ? lsmToDbError(e) : e;
}
