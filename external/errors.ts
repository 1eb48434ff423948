// ExternalError: the one failure type external/ throws for statement-ending problems. external/
// may not import catalog/ (layering), so it carries a SQLSTATE string and PostgreSQL-style
// wording; the planner turns it into a DbError field for field (`toDbError`-like mapping).
// Invariant: `sqlstate` is a 5-character SQLSTATE; `path`, when set, names the file involved.

export type ExternalSqlState =
  | '0A000' // feature_not_supported (s3://, unsupported column types, writes)
  | '22003' // numeric_value_out_of_range
  | '22P04' // bad_copy_file_format
  | '42703' // undefined_column (declared column not in the files)
  | '42501' // insufficient_privilege (outside the allowed roots)
  | '42804' // datatype_mismatch (declared vs file types)
  | '42601' // syntax_error (bad glob)
  | '53000' // insufficient_resources (query queue full)
  | '53200' // out_of_memory (DuckDB's memory_limit)
  | '54000' // program_limit_exceeded (too many files)
  | '57014' // query_canceled (interrupt)
  | '58P01' // undefined_file (missing file, empty glob)
  | '58030' // io_error
  | 'XX001' // data_corrupted (corrupt Parquet)
  | 'XX000'; // internal_error (DuckDB said something we did not expect)

export class ExternalError extends Error {
  readonly sqlstate: ExternalSqlState;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly path: string | undefined;

  constructor(sqlstate: ExternalSqlState, message: string, extra: { detail?: string; hint?: string; path?: string } = {}) {
    super(message);
    this.name = 'ExternalError';
    this.sqlstate = sqlstate;
    this.detail = extra.detail;
    this.hint = extra.hint;
    this.path = extra.path;
  }
}

/** Pulls the first quoted file name out of a DuckDB message, if any ('...' or "..."). */
function fileIn(message: string): string | undefined {
  const m = /(?:file|File)\s*['"]([^'"]+)['"]/.exec(message) ?? /['"](\/[^'"]+)['"]/.exec(message);
  return m?.[1];
}

/**
 * Classifies an error DuckDB raised while running SQL we generated. DuckDB reports everything as
 * `<Kind> Error: text`; the kinds that reach users are permission (a second wall behind our own
 * root check), missing files, corrupt files and interrupts. Anything else means our generated
 * SQL was wrong or DuckDB failed internally: XX000 with DuckDB's text as detail.
 */
export function fromDuckError(e: unknown, files: readonly string[] = []): ExternalError {
  if (e instanceof ExternalError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const firstLine = message.split('\n')[0] ?? message;
  const named = fileIn(message) ?? (files.length === 1 ? files[0] : undefined);
  if (/^INTERRUPT Error|Interrupted/i.test(firstLine)) {
    return new ExternalError('57014', 'canceling statement due to user request');
  }
  if (/^Out of Memory Error/.test(firstLine)) {
    return new ExternalError('53200', 'out of memory', { detail: `DuckDB: ${firstLine}` });
  }
  if (/^Permission Error/.test(firstLine)) {
    return new ExternalError('42501', `permission denied for external file${named ? ` "${named}"` : ''}`, {
      detail: firstLine,
      path: named,
    });
  }
  if (/No files found that match the pattern|No such file or directory|Cannot open file/i.test(firstLine)) {
    return new ExternalError('58P01', `could not open file "${named ?? '?'}": No such file or directory`, {
      path: named,
    });
  }
  // Only reading errors count as corruption; a Binder Error that mentions read_parquet is our bug.
  const readError = /^(Invalid Input|IO|Invalid|Conversion|Out of Range|Internal) Error/.test(firstLine);
  if (readError && /magic bytes|footer|too small to be a Parquet|corrupt|metadata|thrift|page|decompress|parquet/i.test(firstLine)) {
    return new ExternalError('XX001', `invalid Parquet file "${named ?? '?'}"`, { detail: firstLine, path: named });
  }
  if (/^IO Error/.test(firstLine)) {
    return new ExternalError('58030', `could not read external file${named ? ` "${named}"` : ''}`, {
      detail: firstLine,
      path: named,
    });
  }
  return new ExternalError('XX000', `DuckDB failed: ${firstLine}`, { detail: message });
}
