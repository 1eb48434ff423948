// The query protocols over one authenticated session: simple Query, and the extended protocol
// (Parse/Bind/Describe/Execute/Close/Flush/Sync) with named and unnamed statements and portals.
//
// Invariants:
// - After an error in the extended protocol every message up to Sync is discarded (`failed`).
// - Sync and the end of a Query message end the implicit transaction (SqlSession.endImplicit) and
//   are the only places ReadyForQuery is sent.
// - Portals live inside a transaction: when the session is back to idle ('I') all are closed.
// - The unnamed statement is replaced by the next Parse (or a Query); the unnamed portal by the
//   next Bind. Named ones must be closed first (42P05 / 42P03).
// - Maps of statements, portals and the Parse cache are bounded (53400 beyond the limit).

import { DbError, toDbError } from '../catalog/index.js';
import type { CancelToken, Execution, Field, ParsedStatement, PreparedStatement, SqlSession, Value } from '../planner/api.js';
import { checkResultFormats, decodeParams } from './rows.js';
import type { BindParams } from './messages.js';
import {
  armTimeout, logSlow, newCancelToken, newEncoderCache, rowEncoders, runCopyIn, runCopyOut, streamRows, tagWithCount,
  type RunEnd, type Running, type StatementIo,
} from './statement.js';
import { ConnectionLost } from './transport.js';

/** A statement after Parse. `prepared` is null for an empty query string. */
interface Statement {
  prepared: PreparedStatement | null;
  paramOids: readonly number[];
  /** The parameter types as Parse gave them (the key of the session's cached plan). */
  parseOids: readonly number[];
}

type PortalState =
  | { kind: 'new' }
  | { kind: 'running'; run: Running }
  | { kind: 'done'; tag: string };

interface Portal {
  stmt: Statement;
  params: Value[];
  resultFormats: number[];
  state: PortalState;
}

const STATEMENTS_MAX = 10_000;
const PORTALS_MAX = 10_000;
const PARSE_CACHE_MAX = 1_000;
/** Longer query texts are not cached, so the cache stays under PARSE_CACHE_MAX × this. */
const PARSE_CACHE_TEXT_CHARS_MAX = 16 * 1024;

export class QueryProtocol {
  private readonly statements = new Map<string, Statement>();
  /** Named portals. */
  private readonly portals = new Map<string, Portal>();
  /**
   * The unnamed portal, kept outside `portals`: bound and dropped once per round trip (every
   * Bind/Execute/Sync), it would make the Map's hash table churn (deleted entries, a rehash
   * every few round trips).
   */
  private unnamedPortal: Portal | undefined;
  /** Query text → parse result, for repeated Parse messages (bounded, oldest evicted). */
  private readonly parseCache = new Map<string, readonly ParsedStatement[]>();
  /** True between an extended-protocol error and the next Sync. */
  failed = false;
  /** True when a statement failed since the last Sync (the implicit transaction rolls back). */
  private failedSinceSync = false;
  /** Set once a FATAL error was reported: the connection must end (no further message). */
  fatalSent = false;
  /** The last statement's row encoders (statement.ts rowEncoders). */
  private readonly encoders = newEncoderCache();

  constructor(
    private readonly session: SqlSession,
    private readonly io: StatementIo,
  ) {}

  // ---- simple protocol --------------------------------------------------------------------

  /**
   * A Query message. Synchronous to ReadyForQuery when no statement waits (a PK lookup); the
   * first wait continues in queryAsync.
   */
  query(sql: string): void | Promise<void> {
    const out = this.io.out;
    // A Query drops the unnamed statement and portal, as exec_simple_query does.
    this.statements.delete('');
    this.closePortal('');
    let stmts: readonly ParsedStatement[];
    try {
      stmts = this.session.parse(sql);
      if (stmts.length === 0) out.emptyQueryResponse();
      for (let i = 0; i < stmts.length; i++) {
        const r = this.runSimple(stmts[i]!);
        if (r !== undefined) return this.queryAsync(stmts, i, r);
      }
    } catch (e) {
      this.reportError(e);
      return this.endQuery(true);
    }
    return this.endQuery(false);
  }

  /** query() from the first statement that waits (`pending`, statement `i`) on. */
  private async queryAsync(stmts: readonly ParsedStatement[], i: number, pending: Promise<void>): Promise<void> {
    let failed = false;
    try {
      await pending;
      for (let j = i + 1; j < stmts.length; j++) {
        const r = this.runSimple(stmts[j]!);
        if (r !== undefined) await r;
      }
    } catch (e) {
      failed = true;
      this.reportError(e);
    }
    const r = this.endQuery(failed);
    if (r !== undefined) await r;
  }

  private endQuery(failed: boolean): void | Promise<void> {
    if (this.fatalSent) return; // the connection ends; session.close() rolls back
    return this.endBracket(failed);
  }

  /** One statement of a Query message; synchronous when nothing waits (see execute()). */
  private runSimple(stmt: ParsedStatement): void | Promise<void> {
    const startMs = this.io.logMinDurationMs < 0 ? 0 : performance.now();
    const prepared = this.session.prepare(stmt, []);
    const token = newCancelToken();
    const disarm = armTimeout(this.session, token);
    this.io.running = token;
    let run: Running | undefined;
    let waiting: Promise<void> | undefined;
    try {
      const exec = this.session.execute(prepared, [], token);
      if (exec instanceof Promise) return (waiting = this.runSimpleAsync(stmt, exec, undefined, disarm, token, startMs));
      run = this.startSimple(exec, token);
      const end = this.runToEnd(run, 0);
      if (end instanceof Promise) return (waiting = this.runSimpleAsync(stmt, end, run, disarm, token, startMs));
      this.finishSimple(run, end);
    } finally {
      if (waiting === undefined) this.afterSimple(run, disarm, stmt, startMs);
    }
  }

  /** runSimple after its first wait: for the execution (`run` undefined) or for its rows. */
  private async runSimpleAsync(stmt: ParsedStatement, pending: Promise<Execution> | Promise<RunEnd>, run: Running | undefined, disarm: () => void, token: CancelToken, startMs: number): Promise<void> {
    try {
      let end: RunEnd | Promise<RunEnd>;
      if (run === undefined) {
        run = this.startSimple(await (pending as Promise<Execution>), token);
        end = this.runToEnd(run, 0);
      } else {
        end = pending as Promise<RunEnd>;
      }
      if (end instanceof Promise) end = await end;
      this.finishSimple(run, end);
    } finally {
      this.afterSimple(run, disarm, stmt, startMs);
    }
  }

  private startSimple(exec: Execution, token: CancelToken): Running {
    const run: Running = { exec, token, encoders: rowEncoders(this.session, exec, [], this.encoders) };
    this.io.sendNotices();
    if (exec.kind === 'rows' && exec.fields !== null) this.io.out.rowDescription(exec.fields, []);
    return run;
  }

  private finishSimple(run: Running, end: RunEnd): void {
    this.io.sendNotices();
    if (end.kind !== 'done') throw new Error('a run without row limit cannot be suspended');
    this.io.out.commandComplete(returnsRows(run) ? tagWithCount(end.tag, end.sent) : end.tag);
    this.afterUtility(end.tag, undefined);
  }

  private afterSimple(run: Running | undefined, disarm: () => void, stmt: ParsedStatement, startMs: number): void {
    // A cursor stopped early (an error, the connection lost mid-stream) releases its snapshot
    // and its DuckDB cursor now; closing an exhausted one does nothing.
    if (run !== undefined && run.exec.kind === 'rows') run.exec.cursor.close();
    disarm();
    this.io.running = undefined;
    logSlow(this.io, stmt, startMs);
  }

  /** Runs an execution until done or `maxRows` rows (synchronously when nothing waits). */
  private runToEnd(run: Running, maxRows: number): RunEnd | Promise<RunEnd> {
    const exec = run.exec;
    switch (exec.kind) {
      case 'rows':
        return streamRows(this.io, exec.cursor, run.encoders, maxRows, run.token);
      case 'copyOut':
        return runCopyOut(this.io, exec.format, exec.columnCount, exec.source, run.token);
      case 'copyIn':
        return runCopyIn(this.io, exec.format, exec.columnCount, exec.sink, run.token);
      default: {
        const never: never = exec;
        throw new Error(`unknown execution ${String(never)}`);
      }
    }
  }

  /**
   * Ends a Query message or a Sync: implicit transaction, portals, ParameterStatus, ReadyForQuery.
   * Synchronous when the implicit transaction ends without waiting (a read-only one).
   */
  private endBracket(failed: boolean): void | Promise<void> {
    let r: void | Promise<void> = undefined;
    try {
      r = this.session.endImplicit(failed);
    } catch (e) {
      this.reportError(e);
    }
    if (r instanceof Promise) return this.endBracketAfter(r);
    this.readyForQuery();
  }

  private async endBracketAfter(ending: Promise<void>): Promise<void> {
    try {
      await ending;
    } catch (e) {
      this.reportError(e);
    }
    this.readyForQuery();
  }

  private readyForQuery(): void {
    const status = this.session.txStatus();
    if (status === 'I' && (this.unnamedPortal !== undefined || this.portals.size > 0)) this.closeAllPortals();
    this.io.sendNotices();
    // Indexed, not for-of: no iterator per Sync for the usual empty answer.
    const changed = this.session.takeChangedReportedSettings();
    for (let i = 0; i < changed.length; i++) this.io.out.parameterStatus(changed[i]![0], changed[i]![1]);
    this.io.out.readyForQuery(this.session.txStatus());
  }

  /** A whole-message failure of a Query (or FunctionCall): error, then end of the bracket. */
  async failQuery(e: unknown): Promise<void> {
    this.reportError(e);
    const r = this.endBracket(true);
    if (r !== undefined) await r;
  }

  /** ErrorResponse for a statement failure; the session learns it failed. */
  reportError(e: unknown): void {
    const err = toDbError(e);
    if (!(e instanceof DbError) && !(e instanceof ConnectionLost)) this.io.log.error('internal error', { error: e });
    else if (this.io.log.enabled('info')) this.io.log.info('statement error', { severity: err.severity, code: err.code, error: err.message });
    try {
      this.session.statementFailed(err);
    } catch (e2) {
      this.io.log.error('statementFailed threw', { error: e2 });
    }
    this.io.sendNotices();
    if (err.severity === 'FATAL' || err.severity === 'PANIC') this.fatalSent = true;
    this.io.out.errorOrNotice('E', {
      severity: err.severity,
      code: err.code,
      message: err.message,
      ...err.fields,
    });
  }

  // ---- extended protocol --------------------------------------------------------------------

  /** Runs one extended-protocol step; an error enters the failed-until-Sync state. */
  async step(fn: () => void | Promise<void>): Promise<void> {
    try {
      const r = fn();
      if (r instanceof Promise) await r;
    } catch (e) {
      this.fail(e);
    }
  }

  fail(e: unknown): void {
    this.failed = true;
    this.failedSinceSync = true;
    this.reportError(e);
  }

  parse(name: string, sql: string, paramOids: number[]): void {
    if (name !== '' && this.statements.has(name)) throw new DbError('42P05', `prepared statement "${name}" already exists`);
    const stmts = this.cachedParse(sql);
    if (stmts.length > 1) throw new DbError('42601', 'cannot insert multiple commands into a prepared statement');
    let stmt: Statement;
    if (stmts.length === 0) {
      stmt = { prepared: null, paramOids, parseOids: paramOids };
    } else {
      const prepared = this.session.prepare(stmts[0]!, paramOids);
      stmt = { prepared, paramOids: prepared.paramOids, parseOids: paramOids };
    }
    if (name !== '' && this.statements.size >= STATEMENTS_MAX) throw new DbError('53400', `too many prepared statements (limit ${STATEMENTS_MAX})`);
    this.statements.set(name, stmt);
    this.io.out.parseComplete();
  }

  private cachedParse(sql: string): readonly ParsedStatement[] {
    const hit = this.parseCache.get(sql);
    if (hit !== undefined) return hit;
    const stmts = this.session.parse(sql);
    if (sql.length > PARSE_CACHE_TEXT_CHARS_MAX) return stmts;
    if (this.parseCache.size >= PARSE_CACHE_MAX) this.parseCache.delete(this.parseCache.keys().next().value!);
    this.parseCache.set(sql, stmts);
    return stmts;
  }

  bind(portalName: string, stmtName: string, paramFormats: number[], params: BindParams, resultFormats: number[]): void {
    let stmt = this.statements.get(stmtName);
    if (stmt === undefined) {
      throw new DbError('26000', stmtName === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${stmtName}" does not exist`);
    }
    // In a failed transaction PostgreSQL refuses the statement (25P02, at Execute here) before
    // it would look at the catalog again: no replanning there.
    if (stmt.prepared !== null && this.session.txStatus() !== 'E') stmt = this.revalidate(stmtName, stmt, stmt.prepared);
    if (portalName === '') this.closePortal('');
    else if (this.portals.has(portalName)) throw new DbError('42P03', `cursor "${portalName}" already exists`);
    if (paramFormats.length > 1 && paramFormats.length !== params.count) {
      throw new DbError('08P01', `bind message has ${paramFormats.length} parameter formats but ${params.count} parameters`);
    }
    if (params.count !== stmt.paramOids.length) {
      throw new DbError('08P01', `bind message supplies ${params.count} parameters, but prepared statement "${stmtName}" requires ${stmt.paramOids.length}`);
    }
    const fields = stmt.prepared?.fields ?? null;
    checkResultFormats(resultFormats, fields === null ? 0 : fields.length);
    const values = params.count === 0 ? [] : decodeParams(params, paramFormats, stmt.paramOids, this.session.formatSettings());
    if (portalName !== '' && this.portals.size >= PORTALS_MAX) throw new DbError('53400', `too many portals (limit ${PORTALS_MAX})`);
    const portal: Portal = { stmt, params: values, resultFormats, state: NEW_PORTAL };
    if (portalName === '') this.unnamedPortal = portal;
    else this.portals.set(portalName, portal);
    this.io.out.bindComplete();
  }

  /**
   * PostgreSQL's RevalidateCachedQuery at Bind: a statement planned before DDL (or a change of
   * the settings literal input depends on) is planned again from its text, with its parameter
   * types fixed, so it sees the table as it is now (a dropped table is 42P01, a re-created one
   * is read, not the old storage). Its result columns may not change (0A000, PostgreSQL's
   * words). The session's plan cache answers the usual case — an unchanged plan — with the
   * same object. The replanned statement is a new object: portals bound before keep theirs.
   */
  private revalidate(name: string, stmt: Statement, prepared: PreparedStatement): Statement {
    if (this.session.prepare(prepared.stmt, stmt.parseOids) === prepared) return stmt;
    const fresh = this.session.prepare(prepared.stmt, stmt.paramOids);
    if (!sameResult(fresh.fields, prepared.fields)) throw new DbError('0A000', 'cached plan must not change result type');
    const next: Statement = { prepared: fresh, paramOids: stmt.paramOids, parseOids: stmt.parseOids };
    this.statements.set(name, next);
    return next;
  }

  describe(target: 'S' | 'P', name: string): void {
    const out = this.io.out;
    if (target === 'S') {
      let stmt = this.statements.get(name);
      if (stmt === undefined) {
        throw new DbError('26000', name === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${name}" does not exist`);
      }
      // As exec_describe_statement_message: a statement that returns rows is not described in a
      // failed transaction (25P02); otherwise ParameterDescription, then the row type of the
      // statement as planned now (replanned after DDL, like Bind; 0A000 if it changed).
      const returnsData = stmt.prepared !== null && stmt.prepared.fields !== null;
      if (returnsData && this.session.txStatus() === 'E') throw new DbError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
      out.parameterDescription(stmt.paramOids);
      if (returnsData) stmt = this.revalidate(name, stmt, stmt.prepared!);
      const fields = stmt.prepared?.fields ?? null;
      if (fields === null) out.noData();
      else out.rowDescription(fields, []);
      return;
    }
    const portal = this.portal(name);
    if (portal === undefined) throw new DbError('34000', `portal "${name}" does not exist`);
    const fields = portal.stmt.prepared?.fields ?? null;
    if (fields === null) out.noData();
    else out.rowDescription(fields, portal.resultFormats);
  }

  /**
   * Execute. Synchronous from start to CommandComplete when the statement answers without
   * waiting (a point lookup: no promise, no async frame); the first wait continues in
   * executeAsync, which then owns the clean-up.
   */
  execute(portalName: string, maxRows: number): void | Promise<void> {
    const portal = this.portal(portalName);
    if (portal === undefined) throw new DbError('34000', `portal "${portalName}" does not exist`);
    const prepared = portal.stmt.prepared;
    if (prepared === null) {
      this.io.out.emptyQueryResponse();
      return;
    }
    if (portal.state.kind === 'done') {
      // PostgreSQL runs nothing again: an exhausted portal reports its tag again with no rows.
      this.io.out.commandComplete(portal.state.tag);
      return;
    }
    const startMs = this.io.logMinDurationMs < 0 ? 0 : performance.now();
    const token = portal.state.kind === 'running' ? portal.state.run.token : newCancelToken();
    const disarm = armTimeout(this.session, token);
    this.io.running = token;
    let run: Running | undefined;
    let waiting: Promise<void> | undefined;
    try {
      if (portal.state.kind === 'running') {
        run = portal.state.run;
      } else {
        const exec = this.session.execute(prepared, portal.params, token);
        if (exec instanceof Promise) return (waiting = this.executeAsync(portal, portalName, maxRows, exec, undefined, token, disarm, startMs));
        run = this.startRun(portal, exec, token);
      }
      this.io.sendNotices();
      const end = this.runToEnd(run, maxRows);
      if (end instanceof Promise) return (waiting = this.executeAsync(portal, portalName, maxRows, end, run, token, disarm, startMs));
      this.finishRun(portal, portalName, run, maxRows, end);
    } catch (e) {
      this.runFailed(portal, run);
      throw e;
    } finally {
      if (waiting === undefined) this.afterRun(disarm, prepared, startMs);
    }
  }

  /** execute() after its first wait: for the execution (`run` undefined) or for its rows. */
  private async executeAsync(portal: Portal, portalName: string, maxRows: number, pending: Promise<Execution> | Promise<RunEnd>, run: Running | undefined, token: CancelToken, disarm: () => void, startMs: number): Promise<void> {
    try {
      let end: RunEnd | Promise<RunEnd>;
      if (run === undefined) {
        const exec = await (pending as Promise<Execution>);
        run = this.startRun(portal, exec, token);
        this.io.sendNotices();
        end = this.runToEnd(run, maxRows);
      } else {
        end = pending as Promise<RunEnd>;
      }
      if (end instanceof Promise) end = await end;
      this.finishRun(portal, portalName, run, maxRows, end);
    } catch (e) {
      this.runFailed(portal, run);
      throw e;
    } finally {
      this.afterRun(disarm, portal.stmt.prepared!, startMs);
    }
  }

  private startRun(portal: Portal, exec: Execution, token: CancelToken): Running {
    const run: Running = { exec, token, encoders: rowEncoders(this.session, exec, portal.resultFormats, this.encoders) };
    portal.state = { kind: 'running', run };
    return run;
  }

  /** CommandComplete or PortalSuspended for a run that ended (or stopped at its row limit). */
  private finishRun(portal: Portal, portalName: string, run: Running, maxRows: number, end: RunEnd): void {
    this.io.sendNotices();
    if (end.kind === 'suspended') {
      this.io.out.portalSuspended();
      return;
    }
    // COPY runs close their own source/sink; only a row cursor needs releasing here.
    if (run.exec.kind === 'rows') run.exec.cursor.close();
    if (!returnsRows(run)) {
      portal.state = { kind: 'done', tag: end.tag };
      this.io.out.commandComplete(end.tag);
      this.afterUtility(end.tag, portalName);
    } else {
      // Later Executes find no rows: PostgreSQL answers them with a count of 0.
      portal.state = { kind: 'done', tag: tagWithCount(end.tag, 0) };
      // A limit met exactly is a suspension for PostgreSQL: it learns of the end next time.
      if (maxRows > 0 && end.sent === maxRows) this.io.out.portalSuspended();
      else this.io.out.commandComplete(tagWithCount(end.tag, end.sent));
    }
  }

  private runFailed(portal: Portal, run: Running | undefined): void {
    if (run !== undefined && run.exec.kind === 'rows') run.exec.cursor.close();
    // A failed portal cannot be resumed; PostgreSQL marks it failed. Later Executes see it done.
    portal.state = { kind: 'done', tag: 'SELECT 0' };
  }

  private afterRun(disarm: () => void, prepared: PreparedStatement, startMs: number): void {
    disarm();
    this.io.running = undefined;
    logSlow(this.io, prepared.stmt, startMs);
  }

  close(target: 'S' | 'P', name: string): void {
    if (target === 'S') this.statements.delete(name);
    else this.closePortal(name);
    this.io.out.closeComplete();
  }

  sync(): void | Promise<void> {
    const failed = this.failedSinceSync;
    this.failed = false;
    this.failedSinceSync = false;
    return this.endBracket(failed);
  }

  private portal(name: string): Portal | undefined {
    return name === '' ? this.unnamedPortal : this.portals.get(name);
  }

  private closePortal(name: string): void {
    const p = this.portal(name);
    if (p === undefined) return;
    if (p.state.kind === 'running') closeRun(p.state.run);
    if (name === '') this.unnamedPortal = undefined;
    else this.portals.delete(name);
  }

  /**
   * DISCARD ALL and DEALLOCATE ALL reach protocol-level objects too, as in PostgreSQL (where SQL
   * PREPARE and Parse share one namespace): every named prepared statement goes, and DISCARD ALL
   * also closes every portal but the one running it. The unnamed statement stays (PostgreSQL
   * keeps it outside the named table).
   */
  private afterUtility(tag: string, runningPortal: string | undefined): void {
    if (tag !== 'DISCARD ALL' && tag !== 'DEALLOCATE ALL') return;
    for (const name of [...this.statements.keys()]) if (name !== '') this.statements.delete(name);
    if (tag !== 'DISCARD ALL') return;
    for (const [name, p] of [...this.portals]) {
      if (name === runningPortal) continue;
      if (p.state.kind === 'running') closeRun(p.state.run);
      this.portals.delete(name);
    }
    if (runningPortal !== '') this.closePortal('');
  }

  closeAllPortals(): void {
    this.closePortal('');
    if (this.portals.size === 0) return;
    // forEach with a module-level function: no iterator or closure.
    this.portals.forEach(closeIfRunning);
    this.portals.clear();
  }

  /** The connection is going away. */
  dispose(): void {
    this.closeAllPortals();
    this.statements.clear();
  }
}

/** Whether two result descriptions are the same row type (names, types, modifiers). */
function sameResult(a: readonly Field[] | null, b: readonly Field[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.typeOid !== y.typeOid || x.typeMod !== y.typeMod) return false;
  }
  return true;
}

/** True for executions whose tag counts the rows they return (SELECT, INSERT ... RETURNING). */
function returnsRows(run: Running): boolean {
  return run.exec.kind === 'rows' && run.exec.fields !== null;
}

/** A bound portal's state before its first Execute (states are replaced, never changed). */
const NEW_PORTAL: PortalState = Object.freeze({ kind: 'new' });

function closeIfRunning(p: Portal): void {
  if (p.state.kind === 'running') closeRun(p.state.run);
}

function closeRun(run: Running): void {
  const exec = run.exec;
  switch (exec.kind) {
    case 'rows':
      exec.cursor.close();
      return;
    case 'copyOut':
      exec.source.close();
      return;
    case 'copyIn':
      exec.sink.abort('portal closed');
      return;
    default: {
      const never: never = exec;
      void never;
    }
  }
}
