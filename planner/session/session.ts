// One client connection's SQL state (planner/api.ts SqlSession): parse cache, plans, settings,
// transaction state, notices. Created by the Engine after authentication.
//
// Hot path (pgbench SELECT 1): parse() is an LRU hit returning the same array; prepare() finds
// the plan cached on the Statement; execute() runs the folded constant row into a cursor.
// Nothing on that path parses JSON, walks an AST or allocates more than the result row.

import { DbError, PendingRegclass, TypeOid, type Notice } from '../../catalog/index.js';
import {
  REPORTED_SETTINGS, type CancelToken, type Execution, type Field, type FormatSettings, type ParsedStatement,
  type PreparedStatement, type RowCursor, type SessionOptions, type SqlSession, type TxStatus, type Value,
} from '../api.js';
import { Lru } from '../lru.js';
import { stackDepthError, SourceText } from '../parse/parser.js';
import { LiteralCache, type ParamTemplate } from '../parse/literal-cache.js';
import type { EvalContext, SessionEnv } from '../bind/expr.js';
import { Binder } from '../bind/binder.js';
import { ParamTypes } from '../bind/params.js';
import { t, typeLen, typeName } from '../bind/types.js';
import { tryCoerce } from '../bind/coerce.js';
import { compile } from '../eval/compile.js';
import type { Node, TypeName } from '../parse/ast.js';

const NO_ROW: readonly Value[] = Object.freeze([]);
const NO_PARAMS: readonly number[] = Object.freeze([]);
import { planQuery, type OutputColumn } from '../exec/query.js';
import { SessionSettings, SETTING_DEFS, findSetting } from '../settings/index.js';
import { nowMicros } from '../clock.js';
import type { FunctionRegistry } from '../funcs/registry.js';
import { resolveRegclassParams } from '../funcs/pg-catalog-regclass.js';
import { Prepared, Statement, PLANS_PER_STATEMENT_MAX, type Plan } from './statement.js';
import { abortedError, microsAt, Transaction } from './tx.js';
import { executeSet, parseIsolation, transactionOptions } from './set-show.js';
import { copyOutQuery, parseCopyOptions } from './copy-out.js';
import { rowsCursor } from './cursor.js';
import { TableSession, msOf, type SqlIsolation, type TableSessionHost, type TablesServer } from '../rel/index.js';
import { planTableStatement, runReplanning, type TablePlan } from '../dml/index.js';
import { SeededRandom } from './random.js';
import { externalTablesIn, planExternalStatement, runWithExternal } from '../external/dispatch.js'; // issue 5
import { parseExternalStatement } from '../external/statements.js'; // issue 5
import type { ExternalHost } from '../external/host.js'; // issue 5
import { planExplain, type ExplainHost } from '../exec/explain.js';
import { RelCursor } from '../rel/rel-cursor.js';

/** Distinct query texts whose parses a session keeps. */
export const PARSE_CACHE_ENTRIES = 512;
/** Notices kept until the wire layer takes them; older ones are dropped beyond this. */
export const NOTICES_MAX = 1000;
/** SQL-level prepared statements one session may hold. */
export const SQL_PREPARED_MAX = 10_000;

/** What the session needs from the engine (databases, shared registries). */
export interface SessionHost {
  readonly registry: FunctionRegistry;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string, missingOk: boolean, force: boolean, by: PlannerSession): Promise<boolean>;
  sessionClosed(s: PlannerSession): void;
  /** issue 4: native tables (absent when the engine runs without storage). */
  readonly tables?: TablesServer;
  /** issue 5: the server's external-data engine (DuckDB, opened on first use). */
  readonly external?: ExternalHost;
}

export class PlannerSession implements SqlSession, SessionEnv {
  readonly user: string;
  readonly database: string;
  readonly backendPid: number;
  readonly settings: SessionSettings;
  readonly tx: Transaction;
  /** issue 4: the storage side of this session (lsm transaction, table plans). */
  readonly tables: TableSession | undefined;
  private readonly parseCache = new Lru<string, Statement[]>(PARSE_CACHE_ENTRIES);
  /** Parses shared by texts that differ only in literal values (simple-protocol pgbench). */
  private readonly shapeCache = new LiteralCache();
  /** PREPARE'd statements by name (SQL level; the protocol's named statements live in wire/). */
  private readonly sqlPrepared = new Map<string, Prepared>();
  private notices: Notice[] = [];
  private readonly reported = new Map<string, string>();
  private fmtCache: { version: number; fmt: FormatSettings } | undefined;
  /** Bumped when settings that literal input depends on change: cached plans are rebuilt. */
  private planEpoch = 0;
  private fmtKey = '';
  private epochVersion = -1;
  private reportedVersion = -1;
  /** statement_timeout as of settings version `timeoutVersion` (statementTimeoutMs). */
  private timeoutMs = 0;
  private timeoutVersion = -1;
  /** default_transaction_isolation as of settings version `isolationVersion` (isolationNow). */
  private defaultIsolation: SqlIsolation = 'read committed';
  private isolationVersion = -1;
  /** performance.now() when the running statement started (-1: none); made a timestamp only
   *  when statement_timestamp() asks (tx.ts microsAt). */
  private stmtStartMs = -1;
  private readonly rng = new SeededRandom();
  private closed = false;
  /**
   * Relational cursors whose operator trees are still open: suspended portals (Execute with a row
   * limit). Another statement detaches them first (rel-cursor.ts); a transaction's end closes
   * them. At most one per portal (the wire bounds portals). An array, not a Set: nearly every
   * statement adds its cursor and removes it again at once (a PK lookup), and a Set's add and
   * delete churn its hash table (a rehash every few statements).
   */
  private openCursors: RelCursor[] = [];
  /** Every tracked cursor's onRelease: one function per session, not a closure per statement. */
  private readonly cursorReleased = (c: RelCursor): void => {
    const a = this.openCursors;
    const i = a.lastIndexOf(c);
    if (i < 0) return;
    a[i] = a[a.length - 1]!;
    a.pop();
  };
  /** Settles once close() has ended the storage transaction and dropped the temporary schema. */
  tablesClosed: Promise<void> = Promise.resolve();

  constructor(private readonly host: SessionHost, opts: SessionOptions) {
    this.user = opts.user;
    this.database = opts.database;
    this.backendPid = opts.backendPid;
    this.settings = new SessionSettings(new Map([['session_authorization', opts.user]]));
    for (const [k, v] of Object.entries(opts.startupParams)) {
      if (k === 'options') for (const [n, val] of parseOptions(v)) this.settings.applyStartup(n, val);
      else if (k !== 'user' && k !== 'database' && k !== 'replication') this.settings.applyStartup(k, v);
    }
    this.tx = new Transaction(this.settings, (n) => this.notice(n));
    this.tables = host.tables ? new TableSession(host.tables, this.tableHost()) : undefined;
  }

  // --- SqlSession ------------------------------------------------------------------------------

  parse(sql: string): readonly ParsedStatement[] {
    const hit = this.parseCache.get(sql);
    if (hit) return hit;
    const own = parseExternalStatement(sql); // issue 5: Pyralog's own statements (CREATE/DROP EXTERNAL TABLE, COPY … FORMAT PARQUET)
    let stmts: Statement[];
    if (own) {
      stmts = [new Statement({ sql, ast: { kind: 'PyralogExternalStmt', stmt: own } as unknown as Node, source: new SourceText(sql) })];
    } else {
      // Texts that differ only in int4 literals share one parameterised plan (parse/literal-params.ts).
      const r = this.shapeCache.parseOrParams(sql);
      // Such a text is not kept by its own text: the shape cache serves a repeat about as fast,
      // and statements that die young keep the garbage collector's work small.
      if (!Array.isArray(r)) return [new Statement(r)];
      stmts = r.map((s) => new Statement(s));
    }
    this.parseCache.set(sql, stmts);
    return stmts;
  }

  prepare(stmt: ParsedStatement, paramOids: readonly number[]): PreparedStatement {
    const s = stmt as Statement;
    this.refreshEpoch();
    const key = paramOids.length === 0 ? '' : paramOids.join(',');
    const cached = s.plans.get(key);
    if (cached && cached.epoch === this.planEpoch) return cached;
    if (s.literalParams && paramOids.length === 0) {
      const lp = this.prepareWithLiterals(s);
      if (lp) {
        if (s.plans.size >= PLANS_PER_STATEMENT_MAX) s.plans.clear();
        s.plans.set(key, lp);
        return lp;
      }
    }
    let p: Prepared;
    try {
      p = this.plan(s, paramOids);
    } catch (e) {
      // Deeply nested expressions exhaust the JS stack in the binder: PostgreSQL's 54001.
      if (e instanceof RangeError) throw stackDepthError();
      throw e;
    }
    // EXECUTE names a statement that PREPARE/DEALLOCATE can replace: never cache its plan.
    if (s.ast.kind === 'ExecuteStmt') return p;
    if (s.plans.size >= PLANS_PER_STATEMENT_MAX) s.plans.clear();
    s.plans.set(key, p);
    return p;
  }

  /**
   * A PREPAREd statement planned before DDL or a settings change is planned again before it
   * runs (PostgreSQL's RevalidateCachedQuery): a dropped or renamed column is reported then.
   * The result's row type may not change (0A000, as PostgreSQL's plancache says).
   */
  private revalidated(name: string, target: Prepared): Prepared {
    this.refreshEpoch();
    if (target.epoch === this.planEpoch) return target;
    const fresh = this.plan(target.stmt, target.paramOids);
    const shape = (f: readonly Field[] | null): string => (f ?? []).map((x) => `${x.typeOid}/${x.typeMod}`).join(',');
    if (shape(fresh.fields) !== shape(target.fields)) throw new DbError('0A000', 'cached plan must not change result type');
    this.sqlPrepared.set(name, fresh);
    return fresh;
  }

  execute(prepared: PreparedStatement, params: readonly Value[], cancel: CancelToken): Execution | Promise<Execution> {
    const p = prepared as Prepared;
    const plan = p.plan;
    if (p.literalValues !== undefined) params = p.literalValues; // a parameterised template's plan
    if (this.tx.state.kind === 'aborted' && !allowedWhenAborted(plan)) throw abortedError();
    if (this.openCursors.length > 0) {
      // A portal suspended mid-result keeps its snapshot and sees none of this statement's
      // effects (PostgreSQL): its remaining rows are computed now, before anything changes.
      const d = this.beforeOtherStatement(plan);
      if (d) return d.then(() => this.execute(prepared, params, cancel));
    }
    const startMs = performance.now();
    this.tx.beforeStatement(startMs);
    this.tables?.beginStatement(cancel); // issue 4: READ COMMITTED statement snapshot; DDL lock waits end on `cancel`
    this.stmtStartMs = startMs;
    // regclass bind parameters arrive as names/OIDs to resolve with this session's search_path,
    // as PostgreSQL's regclassin does at Bind (42P01 for an unknown name).
    if (params.length > 0 && params.some(isPendingRegclass)) params = resolveRegclassParams(this.evalContext(params, cancel), params);
    switch (plan.kind) {
      case 'query': {
        this.tx.markSnapshot();
        const ctx = this.evalContext(params, cancel);
        // Plans that can stream open a cursor (relational plans, placement A); others give all rows.
        const q = plan.query;
        if (plan.external && this.host.external && this.tables) return runWithExternal(this.host.external, this.tables, plan.external, ctx, (c) => (q.openCursor ? q.openCursor(c) : q.run(c))).then((r) => this.rowsExecution(p.fields, r));
        if (q.openCursor) {
          const r = q.openCursor(ctx);
          return r instanceof Promise ? r.then((x) => this.rowsExecution(p.fields, x)) : this.rowsExecution(p.fields, r);
        }
        const rows = plan.query.run(ctx);
        if (rows instanceof Promise) return rows.then((r) => ({ kind: 'rows', fields: p.fields, cursor: rowsCursor(r, 'SELECT') }));
        return { kind: 'rows', fields: p.fields, cursor: rowsCursor(rows, 'SELECT') };
      }
      case 'set': {
        const tag = executeSet({ settings: this.settings, tx: this.tx, notice: (n) => this.notice(n) }, plan.stmt);
        return { kind: 'rows', fields: null, cursor: rowsCursor([], tag) };
      }
      case 'show':
        return { kind: 'rows', fields: p.fields, cursor: rowsCursor(this.show(plan.name), 'SHOW') };
      case 'transaction': {
        // issue 4: savepoint bookkeeping before, and the storage transaction follows the SQL one.
        this.tables?.transactionStatement(plan.stmt.txKind, plan.stmt.savepoint_name);
        const ex: Execution = { kind: 'rows', fields: null, cursor: rowsCursor([], this.transaction(plan)) };
        const done = this.syncStorage();
        return done ? done.then(() => ex) : ex;
      }
      case 'table': {
        // issue 4: DML/DDL over native tables.
        this.tx.markSnapshot();
        const ctx = this.evalContext(params, cancel);
        // A DML statement whose table changed before it got the table's lock is planned again (dml/rel-lock.ts).
        return runReplanning(plan.plan, (tp) => (tp.execute ? tp.execute(ctx) : tp.run(ctx).then((r) => ({ kind: 'rows', fields: p.fields, cursor: rowsCursor(r.rows, r.tag) }) as Execution)), () => this.replanTable(p));
      }
      case 'createdb':
        if (this.tx.inBlock()) throw new DbError('25001', 'CREATE DATABASE cannot run inside a transaction block');
        return this.host.createDatabase(plan.name).then(() => ({ kind: 'rows', fields: null, cursor: rowsCursor([], 'CREATE DATABASE') }) as Execution);
      case 'dropdb':
        if (this.tx.inBlock()) throw new DbError('25001', 'DROP DATABASE cannot run inside a transaction block');
        return this.host.dropDatabase(plan.name, plan.missingOk, plan.force, this).then(() => ({ kind: 'rows', fields: null, cursor: rowsCursor([], 'DROP DATABASE') }) as Execution);
      case 'discard':
        return { kind: 'rows', fields: null, cursor: rowsCursor([], this.discard(plan.target)) };
      case 'prepare':
        if (this.sqlPrepared.has(plan.name)) throw new DbError('42P05', `prepared statement "${plan.name}" already exists`);
        if (this.sqlPrepared.size >= SQL_PREPARED_MAX) throw new DbError('54000', `too many prepared statements (limit ${SQL_PREPARED_MAX})`);
        this.sqlPrepared.set(plan.name, plan.prepared);
        return { kind: 'rows', fields: null, cursor: rowsCursor([], 'PREPARE') };
      case 'execute': {
        if (this.sqlPrepared.get(plan.name) !== plan.target) throw new DbError('26000', `prepared statement "${plan.name}" does not exist`);
        const values = plan.args.evaluate(this.evalContext(params, cancel));
        return this.execute(this.revalidated(plan.name, plan.target), values, cancel);
      }
      case 'deallocate':
        if (plan.name === undefined) {
          this.sqlPrepared.clear();
          return { kind: 'rows', fields: null, cursor: rowsCursor([], 'DEALLOCATE ALL') };
        }
        if (!this.sqlPrepared.delete(plan.name)) throw new DbError('26000', `prepared statement "${plan.name}" does not exist`);
        return { kind: 'rows', fields: null, cursor: rowsCursor([], 'DEALLOCATE') };
      case 'copyOut': {
        this.tx.markSnapshot();
        // Streams: the query's cursor is pulled one batch per CopyData chunk (copy-out.ts), so
        // a result of any size goes out in bounded memory; the wire closes the source (and the
        // cursor) on every exit, cancel and errors included.
        return copyOutQuery(plan.query, this.evalContext(params, cancel), plan.options, this.formatSettings());
      }
      default: {
        const never: never = plan;
        return never;
      }
    }
  }

  endImplicit(failed: boolean): void | Promise<void> {
    this.tx.endImplicit(failed);
    return this.syncStorage(); // issue 4
  }

  /** issue 4: ends the storage transaction once the SQL transaction has ended. */
  private syncStorage(): Promise<void> | undefined {
    if (this.tx.state.kind === 'idle') this.closeCursors(); // portals do not outlive their transaction
    if (!this.tables?.hasTxn() || this.tx.state.kind !== 'idle') return undefined;
    // Synchronous for a transaction that wrote nothing (every autocommit SELECT): no promise.
    return this.tables.end(this.tx.lastCommitted) ?? undefined;
  }

  /** A query's result as an Execution; an open relational cursor is tracked until it is released. */
  private rowsExecution(fields: readonly Field[] | null, r: RowCursor | Value[][]): Execution {
    if (Array.isArray(r)) return { kind: 'rows', fields, cursor: rowsCursor(r, 'SELECT') };
    if (r instanceof RelCursor && r.isOpen) {
      this.openCursors.push(r);
      r.onRelease = this.cursorReleased;
    }
    return { kind: 'rows', fields, cursor: r };
  }

  /**
   * Before a statement runs while relational cursors are open: statements that read or write
   * data detach them (their remaining rows computed at their own snapshot, rel-cursor.ts); the
   * end of the transaction closes them (as PostgreSQL closes a transaction's portals); SET,
   * SHOW, SAVEPOINT and RELEASE change nothing they read.
   */
  private beforeOtherStatement(plan: Plan): Promise<void> | undefined {
    switch (plan.kind) {
      case 'set':
      case 'show':
        return undefined;
      case 'transaction': {
        const k = plan.stmt.txKind;
        if (k === 'TRANS_STMT_SAVEPOINT' || k === 'TRANS_STMT_RELEASE' || k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') return undefined;
        if (k === 'TRANS_STMT_ROLLBACK_TO') return this.detachCursors();
        this.closeCursors();
        return undefined;
      }
      default:
        return this.detachCursors();
    }
  }

  /** Detaches every open cursor, one after the other (each may wait for DuckDB). */
  private detachCursors(): Promise<void> | undefined {
    const all = this.openCursors;
    this.openCursors = [];
    let chain: Promise<void> | undefined;
    for (const c of all) {
      chain = chain ? chain.then(() => c.detach()) : (c.detach() ?? undefined);
    }
    return chain;
  }

  private closeCursors(): void {
    if (this.openCursors.length === 0) return;
    const all = this.openCursors;
    this.openCursors = [];
    for (const c of all) c.close();
  }

  private tableHost(): TableSessionHost {
    return {
      database: this.database,
      user: this.user,
      getSetting: (n) => this.getSetting(n),
      isolation: () => this.isolationNow(),
      notice: (n) => this.notice(n),
      inTransactionBlock: () => this.tx.inBlock(),
    };
  }

  /**
   * transaction_isolation as getSetting reads it, asked by every statement's storage
   * transaction: a block's own level, else default_transaction_isolation, looked up again only
   * after a settings change.
   */
  private isolationNow(): SqlIsolation {
    const s = this.tx.state;
    if (s.kind === 'block' || s.kind === 'aborted') return s.info.isolation as SqlIsolation;
    const v = this.settings.version;
    if (this.isolationVersion !== v) {
      this.defaultIsolation = (this.settings.get('default_transaction_isolation') ?? 'read committed') as SqlIsolation;
      this.isolationVersion = v;
    }
    return this.defaultIsolation;
  }

  statementFailed(_err: DbError): void {
    this.tx.failed();
  }

  txStatus(): TxStatus {
    return this.tx.status();
  }

  formatSettings(): FormatSettings {
    const v = this.settings.version;
    if (this.fmtCache && this.fmtCache.version === v) return this.fmtCache.fmt;
    const fmt: FormatSettings = {
      timeZone: this.settings.get('timezone')!,
      dateStyle: this.settings.get('datestyle')!,
      intervalStyle: this.settings.get('intervalstyle')!,
      extraFloatDigits: Number(this.settings.get('extra_float_digits')),
      byteaOutput: this.settings.get('bytea_output') === 'escape' ? 'escape' : 'hex',
    };
    this.fmtCache = { version: v, fmt };
    return fmt;
  }

  getSetting(name: string): string | undefined {
    const key = name.toLowerCase();
    if (key === 'transaction_isolation') {
      const s = this.tx.state;
      return s.kind === 'block' || s.kind === 'aborted' ? s.info.isolation : this.settings.get('default_transaction_isolation');
    }
    if (key === 'transaction_read_only') {
      const s = this.tx.state;
      return s.kind === 'block' || s.kind === 'aborted' ? (s.info.readOnly ? 'on' : 'off') : this.settings.get('default_transaction_read_only');
    }
    return this.settings.get(key);
  }

  takeChangedReportedSettings(): Array<[string, string]> {
    if (this.reportedVersion === this.settings.version) return NO_CHANGES;
    this.reportedVersion = this.settings.version;
    const out: Array<[string, string]> = [];
    for (const name of REPORTED_SETTINGS) {
      const v = this.settings.get(name) ?? '';
      if (this.reported.get(name) !== v) {
        this.reported.set(name, v);
        out.push([name, v]);
      }
    }
    return out;
  }

  takeNotices(): Notice[] {
    if (this.notices.length === 0) return EMPTY_NOTICES;
    const n = this.notices;
    this.notices = [];
    return n;
  }

  statementTimeoutMs(): number {
    // Read by every statement: parsed again only after a settings change (SET, a transaction's
    // end undoing SET LOCAL), not per statement.
    const v = this.settings.version;
    if (this.timeoutVersion !== v) {
      this.timeoutMs = msOf(this.settings.get('statement_timeout') ?? '0');
      this.timeoutVersion = v;
    }
    return this.timeoutMs;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeCursors();
    this.tx.abandon();
    this.tablesClosed = this.tables?.close().catch(() => undefined) ?? Promise.resolve(); // issue 4; drops the temporary schema
    this.parseCache.clear();
    this.shapeCache.clear();
    this.host.sessionClosed(this);
  }

  // --- SessionEnv ------------------------------------------------------------------------------

  txStartMicros(): bigint {
    return this.tx.startMicros();
  }

  stmtStartMicros(): bigint {
    return this.stmtStartMs < 0 ? nowMicros() : microsAt(this.stmtStartMs);
  }

  setSetting(name: string, value: string, isLocal: boolean): string {
    if (name.toLowerCase() === 'transaction_isolation') parseIsolation(value);
    this.settings.set(name, value, isLocal && this.tx.inBlock() ? true : isLocal);
    return this.getSetting(name) ?? value;
  }

  random(): number {
    return this.rng.next();
  }

  setSeed(seed: number): void {
    this.rng.seed(seed);
  }

  // --- internals -------------------------------------------------------------------------------

  notice(n: Notice): void {
    if (this.notices.length < NOTICES_MAX) this.notices.push(n);
  }

  /** issue 4: catalog version the plan epoch was last computed at (DDL invalidates plans). */
  private epochCatalog = -1;

  private refreshEpoch(): void {
    const cat = this.host.tables?.catalogVersion ?? 0;
    if (this.epochVersion === this.settings.version && this.epochCatalog === cat) return;
    this.epochVersion = this.settings.version;
    this.epochCatalog = cat;
    const f = this.formatSettings();
    const key = `${f.timeZone}|${f.dateStyle}|${f.intervalStyle}|${this.host.tables?.catalogVersion ?? 0}`; // issue 4: DDL invalidates plans
    if (key !== this.fmtKey) {
      this.fmtKey = key;
      this.planEpoch++;
    }
  }

  /** Parameterised templates → their statement (and its plans), per session. */
  private readonly templateStmts = new WeakMap<ParamTemplate, Statement>();

  /**
   * The plan of a statement's parameterised template, bound to the statement's literal values;
   * undefined when the template cannot serve in this plan epoch (the exact text is planned
   * instead, so errors keep their exact wording and positions; DDL starts a new epoch).
   */
  private prepareWithLiterals(s: Statement): Prepared | undefined {
    const { template, values } = s.literalParams!;
    if (template.failedEpoch === this.planEpoch) return undefined;
    let ts = this.templateStmts.get(template);
    if (ts === undefined) {
      ts = new Statement(template.stmt);
      this.templateStmts.set(template, ts);
    }
    const key = template.paramOids.join(',');
    let tp = ts.plans.get(key);
    if (!tp || tp.epoch !== this.planEpoch) {
      try {
        tp = this.plan(ts, template.paramOids);
      } catch {
        template.failedEpoch = this.planEpoch;
        return undefined;
      }
      // Only queries and native DML run from a shared plan; external tables' pushdown reads
      // constants, so their statements keep per-text plans.
      if (!(tp.plan.kind === 'query' && tp.plan.external === undefined) && tp.plan.kind !== 'table') {
        template.failedEpoch = this.planEpoch;
        return undefined;
      }
      ts.plans.set(key, tp);
    }
    return new Prepared(s, NO_PARAMS, tp.fields, tp.plan, tp.epoch, values);
  }

  /** The statement planned again after its table changed under it, with a fresh snapshot. */
  private replanTable(p: Prepared): TablePlan {
    this.tables?.beginStatement();
    const fresh = this.plan(p.stmt, p.paramOids);
    if (fresh.plan.kind !== 'table') throw new DbError('XX000', 'statement changed kind when planned again');
    // Its row description may be on the wire already (RETURNING *): as revalidated() says.
    const shape = (f: readonly Field[] | null): string => (f ?? []).map((x) => `${x.typeOid}/${x.typeMod}`).join(',');
    if (shape(fresh.fields) !== shape(p.fields)) throw new DbError('0A000', 'cached plan must not change result type');
    return fresh.plan.plan;
  }

  private evalContext(params: readonly Value[], cancel: CancelToken): EvalContext {
    // A plain literal (no spread): this runs once per statement on the hot path.
    return { params, fmt: this.formatSettings(), cancel, env: this, tables: this.tables };
  }

  /** EXPLAIN's view of this session: fresh binders, storage, SQL-level prepared statements. */
  private explainHost(): ExplainHost {
    return {
      binder: (source, params) => new Binder(this.host.registry, params, this.formatSettings(), source, undefined, this.tables),
      tables: this.tables,
      external: this.host.external,
      prepared: (name) => this.sqlPrepared.get(name),
    };
  }

  private binder(s: Statement, params: ParamTypes): Binder {
    return new Binder(this.host.registry, params, this.formatSettings(), s.source, undefined, this.tables);
  }

  private plan(s: Statement, paramOids: readonly number[]): Prepared {
    const n = s.ast;
    const params = new ParamTypes(paramOids);
    const make = (plan: Plan, fields: Field[] | null): Prepared => new Prepared(s, params.finish(), fields, plan, this.planEpoch);
    switch (n.kind) {
      case 'SelectStmt': {
        const query = planQuery(this.binder(s, params), n);
        const external = externalTablesIn(n, this.tables); // issue 5
        return make(external ? { kind: 'query', query, external } : { kind: 'query', query }, fieldsOf(query.columns));
      }
      case 'VariableSetStmt':
        return make({ kind: 'set', stmt: n }, null);
      case 'VariableShowStmt': {
        const name = (n.name ?? '').toLowerCase();
        if (name === 'all') return make({ kind: 'show', name }, ['name', 'setting', 'description'].map(textField));
        const canonical = this.showName(name);
        return make({ kind: 'show', name }, [textField(canonical)]);
      }
      case 'TransactionStmt':
        if (n.txKind === 'TRANS_STMT_PREPARE' || n.txKind === 'TRANS_STMT_COMMIT_PREPARED' || n.txKind === 'TRANS_STMT_ROLLBACK_PREPARED') {
          throw new DbError('0A000', 'prepared transactions are not supported');
        }
        return make({ kind: 'transaction', stmt: n }, null);
      case 'CreatedbStmt':
        if ((n.options ?? []).length > 0) throw new DbError('0A000', 'CREATE DATABASE options are not supported yet');
        return make({ kind: 'createdb', name: n.dbname ?? '' }, null);
      case 'DropdbStmt': {
        const force = (n.options ?? []).some((o) => o.kind === 'DefElem' && o.defname === 'force');
        return make({ kind: 'dropdb', name: n.dbname ?? '', missingOk: n.missing_ok === true, force }, null);
      }
      case 'DiscardStmt':
        return make({ kind: 'discard', target: n.target ?? 'DISCARD_ALL' }, null);
      case 'CopyStmt': {
        const pq = this.tables ? planExternalStatement(this.binder(s, params), n, this.tables, this.host.external) : undefined; // issue 5: COPY … TO Parquet, COPY external FROM → 0A000
        if (pq) return make({ kind: 'table', plan: pq }, null);
        if (n.relation && this.tables) {
          // issue 4: COPY of a table.
          const tp = planTableStatement(this.binder(s, params), n)!;
          return make({ kind: 'table', plan: tp }, null);
        }
        if (n.relation) {
          const r = n.relation;
          const name = r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname;
          throw new DbError('42P01', `relation "${name}" does not exist`);
        }
        if (n.is_from) throw new DbError('0A000', 'COPY FROM a query is not possible');
        if (n.filename !== undefined || n.is_program) throw new DbError('0A000', 'COPY to a server file or program is not supported; use TO STDOUT');
        if (!n.query || n.query.kind !== 'SelectStmt') throw new DbError('0A000', 'COPY of this statement is not supported yet');
        const options = parseCopyOptions(n.options);
        const query = planQuery(this.binder(s, params), n.query);
        return make({ kind: 'copyOut', query, options, stmt: n }, null);
      }
      case 'ExplainStmt':
        return make({ kind: 'table', plan: planExplain(this.explainHost(), n, s.source, params) }, [textField('QUERY PLAN')]);
      case 'PrepareStmt': {
        const b = this.binder(s, params);
        const oids = (n.argtypes ?? []).map((tn) => b.typeFromName(tn as TypeName).oid);
        const inner = new Statement({ sql: s.sql, ast: n.query!, source: s.source });
        return make({ kind: 'prepare', name: n.name ?? '', prepared: this.plan(inner, oids) }, null);
      }
      case 'ExecuteStmt': {
        const name = n.name ?? '';
        const target = this.sqlPrepared.get(name);
        if (!target) throw new DbError('26000', `prepared statement "${name}" does not exist`);
        const b = this.binder(s, params);
        const given = n.params ?? [];
        if (given.length !== target.paramOids.length) {
          throw new DbError('42601', `wrong number of parameters for prepared statement "${name}"`, {
            detail: `Expected ${target.paramOids.length} parameters but got ${given.length}.`,
          });
        }
        const compiled = given.map((node, i) => {
          const e = b.bind(node);
          const want = t(target.paramOids[i]!);
          const c = tryCoerce(b, e, want, 'a');
          if (!c) {
            throw new DbError('42804', `parameter $${i + 1} of type ${typeName(e.type)} cannot be coerced to the expected type ${typeName(want)}`, {
              hint: 'You will need to rewrite or cast the expression.',
            });
          }
          return compile(c);
        });
        const args = { evaluate: (ctx: EvalContext): Value[] => compiled.map((f) => f(NO_ROW, ctx)) };
        return make({ kind: 'execute', name, target, args }, target.fields ? [...target.fields] : null);
      }
      case 'DeallocateStmt':
        return make({ kind: 'deallocate', name: n.isall ? undefined : n.name }, null);
      default: {
        // issue 4: statements over tables.
        const ext = this.tables ? planExternalStatement(this.binder(s, params), n, this.tables, this.host.external) : undefined; // issue 5
        if (ext) return make({ kind: 'table', plan: ext }, null);
        const tp = this.tables ? planTableStatement(this.binder(s, params), n) : undefined;
        if (tp) return make({ kind: 'table', plan: tp }, tp.columns ? fieldsOf(tp.columns) : null);
        throw unsupportedStatement(n as { kind: string } & Record<string, unknown>, s.commandName);
      }
    }
  }

  private showName(name: string): string {
    if (name === 'transaction_isolation' || name === 'transaction_read_only') return name;
    const c = this.settings.canonicalName(name);
    if (c === undefined) throw new DbError('42704', `unrecognized configuration parameter "${name}"`);
    return c;
  }

  private show(name: string): Value[][] {
    if (name === 'all') {
      return this.settings.allNames().map((n) => [n, this.getSetting(n) ?? '', findSetting(n)?.description ?? '']);
    }
    const canonical = this.showName(name);
    return [[this.getSetting(canonical) ?? '']];
  }

  private transaction(plan: Extract<Plan, { kind: 'transaction' }>): string {
    const st = plan.stmt;
    switch (st.txKind) {
      case 'TRANS_STMT_BEGIN':
      case 'TRANS_STMT_START': {
        const o = transactionOptions(st.options);
        const iso = o.isolation ?? parseIsolation(this.settings.get('default_transaction_isolation') ?? 'read committed');
        const ro = o.readOnly ?? this.settings.get('default_transaction_read_only') === 'on';
        this.tx.begin(iso, ro);
        return st.txKind === 'TRANS_STMT_BEGIN' ? 'BEGIN' : 'START TRANSACTION';
      }
      case 'TRANS_STMT_COMMIT': {
        const chainInfo = st.chain && this.tx.state.kind === 'block' ? this.tx.state.info : undefined;
        const tag = this.tx.commit();
        if (st.chain) {
          if (!chainInfo && tag === 'COMMIT') throw new DbError('25P01', 'COMMIT AND CHAIN can only be used in transaction blocks');
          this.tx.beforeStatement();
          this.tx.begin(chainInfo?.isolation ?? 'read committed', chainInfo?.readOnly ?? false);
        }
        return tag;
      }
      case 'TRANS_STMT_ROLLBACK': {
        const chainInfo = st.chain && this.tx.inBlock() && this.tx.state.kind !== 'idle' && this.tx.state.kind !== 'implicit' ? this.tx.state.info : undefined;
        if (st.chain && !chainInfo) throw new DbError('25P01', 'ROLLBACK AND CHAIN can only be used in transaction blocks');
        this.tx.rollback();
        if (chainInfo) {
          this.tx.beforeStatement();
          this.tx.begin(chainInfo.isolation, chainInfo.readOnly);
        }
        return 'ROLLBACK';
      }
      case 'TRANS_STMT_SAVEPOINT':
        this.tx.savepoint(st.savepoint_name ?? '');
        return 'SAVEPOINT';
      case 'TRANS_STMT_RELEASE':
        this.tx.release(st.savepoint_name ?? '');
        return 'RELEASE';
      case 'TRANS_STMT_ROLLBACK_TO':
        this.tx.rollbackTo(st.savepoint_name ?? '');
        return 'ROLLBACK';
      default:
        throw new DbError('0A000', 'prepared transactions are not supported');
    }
  }

  private discard(target: string): string {
    if (target === 'DISCARD_ALL') {
      if (this.tx.inBlock()) throw new DbError('25001', 'DISCARD ALL cannot run inside a transaction block');
      this.settings.resetAll();
      this.sqlPrepared.clear();
      this.parseCache.clear();
      this.shapeCache.clear();
      return 'DISCARD ALL';
    }
    if (target === 'DISCARD_PLANS') {
      this.parseCache.clear();
      this.shapeCache.clear();
      return 'DISCARD PLANS';
    }
    if (target === 'DISCARD_SEQUENCES') return 'DISCARD SEQUENCES';
    return 'DISCARD TEMP';
  }
}

const EMPTY_NOTICES: Notice[] = [];
const NO_CHANGES: Array<[string, string]> = [];
Object.freeze(NO_CHANGES);
Object.freeze(EMPTY_NOTICES);

function allowedWhenAborted(plan: Plan): boolean {
  if (plan.kind !== 'transaction') return false;
  const k = plan.stmt.txKind;
  return k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_ROLLBACK_TO';
}

function textField(name: string): Field {
  return { name, tableOid: 0, columnAttr: 0, typeOid: TypeOid.text, typeLen: -1, typeMod: -1 };
}

export function fieldsOf(cols: readonly OutputColumn[]): Field[] {
  return cols.map((c) => ({ name: c.name, tableOid: 0, columnAttr: 0, typeOid: c.type.oid, typeLen: typeLen(c.type.oid), typeMod: c.type.typmod }));
}

/** `-c name=value` / `--name=value` items of the startup `options` parameter (backslash escapes). */
export function parseOptions(s: string): Array<[string, string]> {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) words.push(cur);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i]!;
    if (w === '-c') w = words[++i] ?? '';
    else if (w.startsWith('-c')) w = w.slice(2);
    else if (w.startsWith('--')) w = w.slice(2);
    else throw new DbError('42601', `invalid command-line argument for server process: ${w}`, { hint: 'Try "postgres --help" for more information.', severity: 'FATAL' });
    const eq = w.indexOf('=');
    if (eq <= 0) throw new DbError('42601', `-c ${w} requires a value`, { severity: 'FATAL' });
    out.push([w.slice(0, eq).replace(/-/g, '_'), w.slice(eq + 1)]);
  }
  return out;
}

function unsupportedStatement(n: { kind: string } & Record<string, unknown>, command: string): DbError {
  // Statements that name a table get the honest answer for now: no relation exists yet.
  const rel = n['relation'] as { relname?: string; schemaname?: string; location?: number } | undefined;
  if (rel?.relname && ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'TruncateStmt', 'LockStmt', 'AlterTableStmt'].includes(n.kind)) {
    const name = rel.schemaname ? `${rel.schemaname}.${rel.relname}` : rel.relname;
    return new DbError('42P01', `relation "${name}" does not exist`);
  }
  return new DbError('0A000', `${command} is not supported yet`);
}

void SETTING_DEFS;

function isPendingRegclass(v: Value): boolean {
  return v instanceof PendingRegclass;
}
