// DbError: the one user-facing error class. Every statement-ending failure is a DbError with a
// SQLSTATE; the wire layer turns it into an ErrorResponse field by field (S/V/C/M/D/H/P/...).
// Invariant: `code` is a 5-character SQLSTATE (see sqlstate.ts); `message` is worded as
// PostgreSQL words it, because clients and the conformance suite match on the text.

export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

export interface DbErrorFields {
  detail?: string;
  hint?: string;
  /** 1-based character position in the original query text (ErrorResponse field P). */
  position?: number;
  internalPosition?: number;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  severity?: Severity;
}

export class DbError extends Error {
  readonly code: string;
  readonly fields: DbErrorFields;

  constructor(code: string, message: string, fields: DbErrorFields = {}) {
    super(message);
    this.name = 'DbError';
    this.code = code;
    this.fields = fields;
  }

  get severity(): Severity {
    return this.fields.severity ?? 'ERROR';
  }

  /** A copy carrying a statement position (the parser and binder learn it late). */
  withPosition(position: number): DbError {
    return new DbError(this.code, this.message, { ...this.fields, position });
  }
}

/** A notice or warning sent to the client without ending the statement. */
export interface Notice {
  severity: 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

/** Wraps anything thrown into a DbError; non-DbErrors are internal errors (XX000). */
export function toDbError(e: unknown): DbError {
  if (e instanceof DbError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new DbError('XX000', message);
}
