// One client connection over any Duplex stream: framing, start-up (SSL/GSSENC negotiation,
// CancelRequest, protocol version), authentication, then the message loop of the query protocols.
// Only server.ts knows about sockets; tests drive a Connection over an in-memory duplex.
//
// Invariants:
// - Messages are processed strictly in order by one async loop; bytes, batching and
//   back-pressure belong to the Transport (transport.ts).
// - Nothing a client sends can throw out of `run()`: framing errors are FATAL 08P01, statement
//   errors are ErrorResponses, anything unexpected is logged and closes this connection only.

import type { Duplex } from 'node:stream';
import { DbError, toDbError } from '../catalog/index.js';
import { REPORTED_SETTINGS, type CancelToken, type Engine, type SqlSession } from '../planner/api.js';
import type { BackendRegistry } from './backends.js';
import { FramingError, type Frame } from './framing.js';
import type { Logger } from './log.js';
import { decodeMessageAt, decodeStartup } from './messages.js';
import { authenticate, type AuthContext } from './authflow.js';
import { QueryProtocol } from './query.js';
import type { StatementIo } from './statement.js';
import { ConnectionLost, Transport } from './transport.js';
import type { BackendWriter, ErrorFields } from './writer.js';

/** What a connection needs from its server. */
export interface ServerContext extends AuthContext {
  engine: Engine;
  log: Logger;
  backends: BackendRegistry;
  maxMessageBytes: number;
  logMinDurationMs: number;
  authTimeoutMs: number;
  /** Wraps the raw stream in TLS (server side), or undefined when no certificate is configured. */
  startTls: ((raw: Duplex) => Duplex) | undefined;
  /** tls-server-end-point channel binding data of the server certificate (with startTls). */
  tlsEndPoint: Buffer | undefined;
}

type Phase =
  | { kind: 'startup' }
  | { kind: 'auth'; user: string; database: string }
  | { kind: 'ready'; session: SqlSession; protocol: QueryProtocol }
  | { kind: 'closed' };

const PG_PROTOCOL_LATEST_MINOR = 0;

const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration setting as SHOW prints it ('0', '250ms', '5s', '2min', '1h', '1d') in ms. */
export function parseShowMs(v: string | undefined): number {
  const m = v === undefined ? null : /^(\d+)\s*(ms|s|min|h|d)?$/.exec(v.trim());
  if (m === null) return 0;
  return Number(m[1]) * MS_PER_UNIT[m[2] ?? 'ms']!;
}

/** PostgreSQL 15 reports settings at start-up in its GUC table order: by name, case-insensitively. */
const STARTUP_REPORT_ORDER: readonly string[] = [...REPORTED_SETTINGS].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

const SHUTDOWN_FATAL: ErrorFields = { severity: 'FATAL', code: '57P01', message: 'terminating connection due to administrator command' };

export class Connection implements StatementIo {
  readonly out: BackendWriter;
  readonly log: Logger;
  readonly logMinDurationMs: number;
  running: CancelToken | undefined = undefined;
  private phase: Phase = { kind: 'startup' };
  private readonly t: Transport;
  private pid = 0;
  private userName = '';
  private databaseName = '';
  private tlsDone = false;
  private shutdownRequested = false;
  private gssDone = false;

  constructor(
    stream: Duplex,
    private readonly ctx: ServerContext,
    private readonly peer: string,
  ) {
    this.log = ctx.log.child({ peer });
    this.logMinDurationMs = ctx.logMinDurationMs;
    this.t = new Transport(stream, ctx.maxMessageBytes, (e) => {
      if (e !== undefined) this.log.debug('stream error', { error: e.message });
      if (this.running !== undefined) this.running.reason ??= new DbError('08006', 'connection to client lost');
    });
    this.out = this.t.out;
  }

  get backendPid(): number {
    return this.pid;
  }

  /** Runs the connection to its end. Never rejects. */
  async run(): Promise<void> {
    const timer = setTimeout(() => {
      if (this.phase.kind === 'startup' || this.phase.kind === 'auth') {
        // PostgreSQL logs this but tells the client nothing: it just closes the connection.
        this.log.info('canceling authentication due to timeout', { phase: this.phase.kind });
        this.close();
      }
    }, this.ctx.authTimeoutMs);
    try {
      const proto = await this.startup();
      clearTimeout(timer);
      if (proto !== undefined) await this.loop(proto);
    } catch (e) {
      if (e instanceof FramingError) {
        this.fatal({ severity: 'FATAL', code: '08P01', message: e.message });
      } else if (e instanceof DbError) {
        this.fatal({ severity: 'FATAL', code: e.code, message: e.message, ...e.fields });
      } else if (!(e instanceof ConnectionLost)) {
        this.log.error('connection failed', { error: e });
        this.fatal({ severity: 'FATAL', code: 'XX000', message: e instanceof Error ? e.message : String(e) });
      }
    } finally {
      clearTimeout(timer);
      await this.teardown();
    }
  }

  /** CancelRequest or shutdown: cancels the running statement, if any. */
  cancel(reason: DbError = new DbError('57014', 'canceling statement due to user request')): void {
    if (this.running !== undefined) this.running.reason ??= reason;
  }

  /**
   * Server shutdown, phase 1: a connection waiting for input ends now (FATAL 57P01); a busy one
   * finishes its current message and ends then.
   */
  requestShutdown(): void {
    this.shutdownRequested = true;
    if (this.t.waiting || this.phase.kind !== 'ready') this.fatal(SHUTDOWN_FATAL);
  }

  /** Server shutdown, phase 2 (after the grace period): cancel the running statement. */
  forceShutdown(): void {
    this.shutdownRequested = true;
    this.cancel(new DbError('57P01', SHUTDOWN_FATAL.message, { severity: 'FATAL' }));
    if (this.t.waiting) this.fatal(SHUTDOWN_FATAL);
  }

  /** Server shutdown, last resort: close the socket whatever is running. */
  kill(): void {
    this.fatal(SHUTDOWN_FATAL);
    this.t.destroy();
  }

  // ---- I/O (StatementIo) -------------------------------------------------------------------

  nextFrame(): Promise<Frame | undefined> {
    return this.t.nextFrame();
  }

  bufferedFrame(): Frame | undefined {
    return this.t.bufferedFrame();
  }

  flush(): void {
    this.t.flush();
  }

  maybeFlush(): Promise<void> {
    return this.t.maybeFlush();
  }

  /**
   * idle_in_transaction_session_timeout: a session idle inside a transaction block ('T'/'E')
   * for longer is ended with FATAL 25P03, as PostgreSQL does (its snapshot and locks go with it).
   */
  /** idle_in_transaction_session_timeout's last text and its value (parsed once per change). */
  private idleTimeoutText: string | undefined;
  private idleTimeoutMs = 0;
  private readonly armIdleInTransaction = (): (() => void) | undefined => {
    if (this.phase.kind !== 'ready') return undefined;
    const session = this.phase.session;
    if (session.txStatus() === 'I') return undefined;
    // Runs at every wait inside a transaction (5 times per pgbench tpcb transaction): the
    // setting's text is parsed again only when it changed.
    const text = session.getSetting('idle_in_transaction_session_timeout');
    if (text !== this.idleTimeoutText) {
      this.idleTimeoutText = text;
      this.idleTimeoutMs = parseShowMs(text);
    }
    const ms = this.idleTimeoutMs;
    if (!(ms > 0)) return undefined;
    const timer = setTimeout(() => {
      this.fatal({ severity: 'FATAL', code: '25P03', message: 'terminating connection due to idle-in-transaction timeout' });
    }, ms);
    return () => clearTimeout(timer);
  };

  sendNotices(): void {
    if (this.phase.kind !== 'ready') return;
    for (const n of this.phase.session.takeNotices()) {
      this.out.errorOrNotice('N', { severity: n.severity, code: n.code, message: n.message, detail: n.detail, hint: n.hint });
    }
  }

  /** Sends a FATAL error and closes the connection. */
  private fatal(f: ErrorFields): void {
    if (this.phase.kind === 'closed') return;
    this.out.errorOrNotice('E', f);
    this.close();
  }

  private close(): void {
    if (this.phase.kind === 'closed') return;
    const prev = this.phase;
    this.phase = { kind: 'closed' };
    if (prev.kind === 'ready') prev.protocol.dispose();
    this.t.close();
  }

  private async teardown(): Promise<void> {
    const prev = this.phase;
    this.close();
    if (this.pid !== 0) this.ctx.backends.release(this.pid);
    if (prev.kind === 'ready') {
      prev.protocol.dispose();
      try {
        await prev.session.close();
      } catch (e) {
        this.log.error('session close failed', { error: e });
      }
      this.log.info('connection closed', { pid: this.pid, user: this.userName, database: this.databaseName });
    }
  }

  // ---- start-up ----------------------------------------------------------------------------

  /** Start-up packet(s) and authentication; the query protocol, or undefined when the connection ended. */
  private async startup(): Promise<QueryProtocol | undefined> {
    for (;;) {
      const frame = await this.nextFrame();
      if (frame === undefined) return undefined;
      const pkt = decodeStartup(frame.body);
      switch (pkt.kind) {
        case 'ssl': {
          if (this.ctx.startTls === undefined || this.tlsDone) {
            if (this.tlsDone) throw new DbError('0A000', 'unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0', { severity: 'FATAL' });
            this.t.rawByte('N');
            continue;
          }
          // Bytes sent after the SSLRequest but before the handshake would bypass TLS (CVE-2021-23222).
          if (this.t.reader.bufferedBytes > 0) throw new FramingError('received unencrypted data after SSL request');
          this.t.rawByte('S');
          this.tlsDone = true;
          this.t.upgrade(this.ctx.startTls);
          continue;
        }
        case 'gssenc':
          if (this.gssDone) throw new DbError('0A000', 'unsupported frontend protocol 1234.5680: server supports 3.0 to 3.0', { severity: 'FATAL' });
          this.gssDone = true;
          this.t.rawByte('N');
          continue;
        case 'cancel':
          this.ctx.backends.cancel(pkt.pid, pkt.secret);
          this.close();
          return undefined;
        case 'startup':
          return this.startSession(pkt.major, pkt.minor, pkt.params);
        default: {
          const never: never = pkt;
          throw new Error(`unknown startup packet ${String(never)}`);
        }
      }
    }
  }

  private async startSession(major: number, minor: number, params: Map<string, string>): Promise<QueryProtocol | undefined> {
    if (major < 3) {
      // PostgreSQL answers pre-3.0 clients in their own error format: 'E', text, NUL.
      const msg = `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.${PG_PROTOCOL_LATEST_MINOR}`;
      this.out.bytes(Buffer.from(`EFATAL:  ${msg}\n\0`, 'utf8'));
      this.close();
      return undefined;
    }
    if (major !== 3) {
      throw new DbError('0A000', `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.${PG_PROTOCOL_LATEST_MINOR}`, { severity: 'FATAL' });
    }
    this.t.reader.startupDone = true;
    const user = params.get('user') ?? '';
    if (user === '') throw new DbError('28000', 'no PostgreSQL user name specified in startup packet', { severity: 'FATAL' });
    const database = params.get('database') || user;
    const startupParams: Record<string, string> = {};
    const unrecognized: string[] = [];
    for (const [k, v] of params) {
      if (k === 'user' || k === 'database') continue;
      if (k.startsWith('_pq_.')) unrecognized.push(k);
      else startupParams[k] = v;
    }
    if (minor > PG_PROTOCOL_LATEST_MINOR || unrecognized.length > 0) {
      this.out.negotiateProtocolVersion((3 << 16) | PG_PROTOCOL_LATEST_MINOR, unrecognized);
    }
    const admitted = this.ctx.backends.admit(this);
    if (admitted === undefined) throw new DbError('53300', 'sorry, too many clients already', { severity: 'FATAL' });
    this.pid = admitted.pid;
    this.userName = user;
    this.databaseName = database;
    this.phase = { kind: 'auth', user, database };

    const ok = await authenticate(this.ctx, user, this, this.tlsDone ? this.ctx.tlsEndPoint : undefined);
    if (!ok) return undefined;
    // Like PostgreSQL, AuthenticationOk precedes the database check and any session failure.
    const out = this.out;
    out.authentication(0);

    if (!this.ctx.engine.databaseExists(database)) {
      throw new DbError('3D000', `database "${database}" does not exist`, { severity: 'FATAL' });
    }
    let session: SqlSession;
    try {
      session = this.ctx.engine.openSession({ database, user, startupParams, backendPid: this.pid });
    } catch (e) {
      const err = toDbError(e);
      throw new DbError(err.code, err.message, { ...err.fields, severity: 'FATAL' });
    }
    for (const name of STARTUP_REPORT_ORDER) {
      const v = session.getSetting(name);
      if (v !== undefined) out.parameterStatus(name, v);
    }
    session.takeChangedReportedSettings();
    out.backendKeyData(this.pid, admitted.secret);
    const protocol = new QueryProtocol(session, this);
    this.phase = { kind: 'ready', session, protocol };
    this.sendNotices();
    out.readyForQuery(session.txStatus());
    this.log.info('connection opened', { pid: this.pid, user, database, tls: this.tlsDone, application: startupParams['application_name'] });
    return protocol;
  }

  // ---- the message loop ----------------------------------------------------------------------

  private async loop(proto: QueryProtocol): Promise<void> {
    for (;;) {
      // Frames already buffered (a pipelined Bind/Describe/Execute/Sync arrives in one chunk) are
      // taken without a promise; only waiting for input goes through the Transport's async path.
      // Waiting for input goes through one promise (Transport.waitInput), no async frame; a
      // frame is decoded where it lies in the input buffer (no Frame object, no body view).
      let type = this.t.bufferedType();
      while (type < 0) {
        const w = this.t.waitInput(this.armIdleInTransaction);
        if (w === undefined) return;
        await w;
        type = this.t.bufferedType();
      }
      let msg;
      try {
        const r = this.t.reader;
        msg = decodeMessageAt(type, r.frameBuf, r.bodyStart, r.bodyEnd);
      } catch (e) {
        if (!(e instanceof DbError)) throw e;
        // A decodable frame with bad content (e.g. invalid UTF-8): a statement error.
        if (type === 0x51 /* Q */) {
          await proto.failQuery(e);
        } else if (!proto.failed) {
          proto.fail(e);
        }
        continue;
      }
      if (proto.failed && msg.kind !== 'sync' && msg.kind !== 'terminate') continue;
      switch (msg.kind) {
        case 'query':
          {
            const r = proto.query(msg.sql);
            if (r !== undefined) await r;
          }
          break;
        // Parse, Bind, Describe and Close are synchronous: called directly, no closure or promise
        // per message (QueryProtocol.step's work, inlined); an error enters failed-until-Sync.
        case 'parse':
          try {
            proto.parse(msg.name, msg.sql, msg.paramOids);
          } catch (e) {
            proto.fail(e);
          }
          break;
        case 'bind':
          try {
            proto.bind(msg.portal, msg.statement, msg.paramFormats, msg.params, msg.resultFormats);
          } catch (e) {
            proto.fail(e);
          }
          break;
        case 'describe':
          try {
            proto.describe(msg.target, msg.name);
          } catch (e) {
            proto.fail(e);
          }
          break;
        case 'execute':
          try {
            // A point lookup answers without waiting: no await (no promise, no turn of the loop).
            const r = proto.execute(msg.portal, msg.maxRows);
            if (r !== undefined) await r;
          } catch (e) {
            proto.fail(e);
          }
          break;
        case 'close':
          try {
            proto.close(msg.target, msg.name);
          } catch (e) {
            proto.fail(e);
          }
          break;
        case 'flush':
          this.flush();
          break;
        case 'sync':
          {
            const r = proto.sync();
            if (r !== undefined) await r;
          }
          break;
        case 'terminate':
          return;
        case 'copyData':
        case 'copyDone':
        case 'copyFail':
          // Left over from a COPY that already failed: PostgreSQL accepts and ignores these.
          break;
        case 'functionCall':
          await proto.failQuery(new DbError('0A000', 'the function call protocol is not supported'));
          break;
        case 'password':
          throw new FramingError(`invalid frontend message type ${type}`);
        default: {
          const never: never = msg;
          throw new Error(`unknown message ${String(never)}`);
        }
      }
      if (this.phase.kind === 'closed') return;
      if (proto.fatalSent) {
        // The FATAL ErrorResponse (e.g. shutdown cancelling the statement) was the last word.
        this.close();
        return;
      }
      if (this.shutdownRequested) {
        this.fatal(SHUTDOWN_FATAL);
        return;
      }
    }
  }
}
