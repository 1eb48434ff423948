// The contract between wire/ and planner/. wire/ owns bytes and the protocol state machine;
// planner/ owns SQL meaning. wire/ never looks inside an AST, planner/ never sees a socket.
//
// Values cross this boundary in the engine's internal representation (see catalog/types/README.md):
// wire/ turns them into text or binary with catalog/types codecs, using the Field's type OID and
// the session's formatting settings (Session.formatSettings()).

import type { DbError, FormatSettings, Notice } from '../catalog/index.js';

/** One column of a row description (RowDescription fields, PostgreSQL semantics). */
export interface Field {
  name: string;
  /** OID of the source table, 0 when the column is not a plain table column. */
  tableOid: number;
  /** Attribute number in the source table, 0 otherwise. */
  columnAttr: number;
  typeOid: number;
  /** pg_type.typlen: -1 for varlena, -2 for cstring. */
  typeLen: number;
  /** atttypmod, -1 when none. */
  typeMod: number;
}

/** Internal value: see catalog/types/README.md for the representation of each type. */
export type Value = unknown;

/** A statement from a parsed query string. Opaque to wire/ apart from these fields. */
export interface ParsedStatement {
  /** The statement's own text (used for logs and the plan cache). */
  readonly sql: string;
  /** The command tag's first word(s), e.g. 'SELECT', 'SET', 'BEGIN'; used by wire for logging only. */
  readonly commandName: string;
}

/** Reason a running statement is being cancelled; checked by executors between batches. */
export interface CancelToken {
  /** Set by wire/ when a CancelRequest or statement_timeout fires; undefined while running. */
  reason: DbError | undefined;
}

/** A statement after Parse: parameter types known (given or inferred), result shape known. */
export interface PreparedStatement {
  readonly stmt: ParsedStatement;
  /** Parameter type OIDs after inference (ParameterDescription). */
  readonly paramOids: readonly number[];
  /** Result columns (RowDescription), or null when the statement returns no rows (NoData). */
  readonly fields: readonly Field[] | null;
}

/** What executing a statement turned into. Discriminated by `kind`. */
export type Execution =
  /** Rows (possibly zero) followed by a command tag; fetch in chunks for Execute row limits. */
  | { kind: 'rows'; fields: readonly Field[] | null; cursor: RowCursor }
  /** COPY ... FROM STDIN: wire/ sends CopyInResponse then feeds CopyData into `sink`. */
  | { kind: 'copyIn'; format: 'text' | 'csv' | 'binary'; columnCount: number; sink: CopyInSink }
  /** COPY ... TO STDOUT: wire/ sends CopyOutResponse then streams the source's chunks. */
  | { kind: 'copyOut'; format: 'text' | 'csv' | 'binary'; columnCount: number; source: CopyOutSource };

export interface RowCursor {
  /**
   * Up to `maxRows` more rows (0 = all remaining). `done` is true once the cursor is exhausted;
   * then `tag` is the CommandComplete tag (e.g. 'SELECT 3', 'INSERT 0 1', 'SET').
   * May throw DbError. Synchronous results are returned directly (hot path: no promise).
   */
  fetch(maxRows: number): FetchResult | Promise<FetchResult>;
  /** Release resources early (portal closed or transaction ended). Idempotent. */
  close(): void;
}

export interface FetchResult {
  rows: Value[][];
  done: boolean;
  /** Present when done. */
  tag?: string;
}

export interface CopyInSink {
  /** Raw CopyData payload bytes, in order; may be split anywhere (mid-line, mid-field). */
  write(chunk: Uint8Array): void | Promise<void>;
  /** CopyDone: parse what remains, apply, return the tag ('COPY n'). */
  finish(): Promise<string>;
  /** CopyFail or connection loss: discard everything. */
  abort(message: string): void;
}

export interface CopyOutSource {
  /** Next chunk of COPY data (one or more whole rows), or undefined at the end. */
  next(): Promise<Uint8Array | undefined>;
  /** The tag after the last chunk ('COPY n'). */
  tag(): string;
  close(): void;
}

/** Formatting settings the codecs need (owned by catalog/types; the session supplies them). */
export type { FormatSettings };

/** Transaction status for ReadyForQuery. */
export type TxStatus = 'I' | 'T' | 'E';

/** Session parameters reported with ParameterStatus (PostgreSQL's GUC_REPORT set). */
export const REPORTED_SETTINGS = [
  'server_version',
  'server_encoding',
  'client_encoding',
  'application_name',
  'default_transaction_read_only',
  'in_hot_standby',
  'is_superuser',
  'session_authorization',
  'DateStyle',
  'IntervalStyle',
  'TimeZone',
  'integer_datetimes',
  'standard_conforming_strings',
] as const;

/**
 * One client connection's SQL state: settings, transaction, prepared statements' plans.
 * Created by Engine.openSession after authentication.
 */
export interface SqlSession {
  /** Parse a query string into statements (cached by text). Throws DbError 42601 with position. */
  parse(sql: string): readonly ParsedStatement[];
  /** Bind and plan one statement; infers parameter types the client left unspecified (0). */
  prepare(stmt: ParsedStatement, paramOids: readonly number[]): PreparedStatement;
  /**
   * Start executing. `params` are already decoded to internal values (wire/ decodes text or
   * binary parameters with catalog/types using prepared.paramOids). Throws DbError.
   */
  execute(prepared: PreparedStatement, params: readonly Value[], cancel: CancelToken): Execution | Promise<Execution>;

  /**
   * Implicit transaction bracket (PostgreSQL's rule): a simple Query message's statements, or
   * an extended-protocol run up to Sync, form one implicit transaction unless the client opened
   * an explicit one. wire/ calls endImplicit at the end of a Query message or at Sync.
   * `failed` tells whether a statement in the bracket errored (then an implicit transaction rolls back).
   */
  endImplicit(failed: boolean): void | Promise<void>;
  /** Called by wire/ after a statement failed, so the session enters the aborted state if in a block. */
  statementFailed(err: DbError): void;

  txStatus(): TxStatus;
  formatSettings(): FormatSettings;
  /** Current value of a setting as SHOW prints it, or undefined when unknown. */
  getSetting(name: string): string | undefined;
  /** Reported settings whose value changed since the last call (for ParameterStatus). */
  takeChangedReportedSettings(): Array<[string, string]>;
  /** Notices raised since the last call (NoticeResponse). */
  takeNotices(): Notice[];
  /** statement_timeout in ms (0 = none), read by wire/ before each statement. */
  statementTimeoutMs(): number;
  /** The connection is going away: roll back, release locks and snapshots. */
  close(): void | Promise<void>;
}

export interface SessionOptions {
  database: string;
  user: string;
  /** Startup packet parameters other than user/database (application_name, options, ...). */
  startupParams: Record<string, string>;
  /** The backend process id reported in BackendKeyData, for pg_backend_pid(). */
  backendPid: number;
}

/** Server-wide SQL engine: databases, catalog, storage. One per server. */
export interface Engine {
  /** Throws DbError 3D000 when the database does not exist. */
  openSession(opts: SessionOptions): SqlSession;
  databaseExists(name: string): boolean;
  close(): Promise<void>;
}
