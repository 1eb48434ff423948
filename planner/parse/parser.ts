// The only SQL parser: libpg-query (PostgreSQL's own grammar compiled to WASM). This file owns
// the WASM module's loading, the conversion of its JSON, the mapping of its errors to 42601 with
// PostgreSQL's 1-based character position, and the splitting of a query string into statements.
//
// Invariants:
// - libpg-query reports byte offsets into the UTF-8 text; everything leaving this file that a
//   client will see (ErrorResponse P) is a 1-based character position.
// - parse() is pure: the same text always gives an equal result, so callers may cache by text.

import { loadModule, parseSync } from 'libpg-query';
import { unwiredExternalStatementError } from '../external/statements.js'; // issue 5
import { DbError } from '../../catalog/index.js';
import { convertNode } from './convert.js';
import { checkPg15Grammar, enforcedSyntaxError, type GrammarSource } from './pg15-grammar.js';
import type { Node, RawStmt } from './ast.js';

/** Loads the WASM module once per process; the module itself is stateless between parses. */
let loading: Promise<void> | undefined;
export function loadParser(): Promise<void> {
  // The WASM instance is process-wide by nature (libpg-query keeps it internally); this promise
  // only deduplicates concurrent loads and holds no SQL state.
  loading ??= loadModule();
  return loading;
}

/** A statement of a query string: its AST and where it sits in the text. */
export interface SourceStatement {
  /** The statement's own text (trimmed of the separating semicolon). */
  sql: string;
  ast: Node;
  /** The whole query string the statement came from (AST locations refer to it). */
  source: SourceText;
  /** Byte span of the statement in the source (end undefined: to the end of the text). */
  startBytes?: number;
  endBytes?: number | undefined;
}

/** The original query string with a byte→character position converter for error positions. */
export class SourceText {
  private bytes: Buffer | undefined;
  readonly ascii: boolean;

  constructor(readonly text: string) {
    this.ascii = !/[^\x00-\x7f]/.test(text);
  }

  /** 1-based character position for a 0-based byte offset (PostgreSQL's P field). */
  position(byteOffset: number): number {
    if (this.ascii) return byteOffset + 1;
    this.bytes ??= Buffer.from(this.text, 'utf8');
    return this.bytes.subarray(0, byteOffset).toString('utf8').length + 1;
  }

  sliceBytes(start: number, end: number | undefined): string {
    if (this.ascii) return this.text.slice(start, end);
    this.bytes ??= Buffer.from(this.text, 'utf8');
    return this.bytes.subarray(start, end).toString('utf8');
  }
}

interface LibpgError extends Error {
  sqlDetails?: { message: string; cursorPosition: number; functionName?: string };
}

/** Parses a query string into statements. Throws DbError 42601 (with position) on bad syntax. */
export function parseStatements(sql: string): SourceStatement[] {
  const source = new SourceText(sql);
  // libpg-query refuses the empty string; PostgreSQL answers it with EmptyQueryResponse.
  if (sql.trim() === '') return [];
  let raw: { stmts?: Array<{ stmt: unknown; stmt_location?: number; stmt_len?: number }> };
  try {
    raw = parseSync(sql) as typeof raw;
  } catch (e) {
    // issue 5: Pyralog's own statements (CREATE/DROP EXTERNAL TABLE, COPY … FORMAT PARQUET) get 0A000, not 42601.
    throw unwiredExternalStatementError(sql) ?? toSyntaxError(e, source);
  }
  const out: SourceStatement[] = [];
  for (const r of raw.stmts ?? []) {
    let stmt: Node;
    try {
      stmt = convertNode(r.stmt) as Node;
    } catch (e) {
      if (e instanceof RangeError) throw stackDepthError();
      throw e;
    }
    const rs: RawStmt = {
      stmt,
      stmtLocationBytes: r.stmt_location ?? 0,
      stmtLenBytes: r.stmt_len ?? 0,
    };
    const end = rs.stmtLenBytes === 0 ? undefined : rs.stmtLocationBytes + rs.stmtLenBytes;
    out.push({ sql: source.sliceBytes(rs.stmtLocationBytes, end).trim(), ast: rs.stmt, source, startBytes: rs.stmtLocationBytes, endBytes: end });
  }
  // PostgreSQL parses the whole string before running any of it: a construct its (15's) grammar
  // lacks fails the query string as a syntax error would.
  let grammarSource: GrammarSource | undefined;
  const src = (): GrammarSource => (grammarSource ??= { bytes: Buffer.from(sql, 'utf8'), position: (b) => source.position(b) });
  for (const st of out) checkPg15Grammar(st.ast, src);
  return out;
}

/** PostgreSQL's answer to input nested beyond the stack (54001), for parser and binder alike. */
export function stackDepthError(): DbError {
  return new DbError('54001', 'stack depth limit exceeded', {
    hint: 'Increase the configuration parameter "max_stack_depth" (currently 2048kB), after ensuring the platform\'s stack depth limit is adequate.',
  });
}

function toSyntaxError(e: unknown, source: SourceText): DbError {
  const err = e as LibpgError;
  if (e instanceof RangeError || /Maximum call stack/.test(err.message ?? '')) return stackDepthError();
  const details = err.sqlDetails;
  if (!details) return new DbError('42601', err.message ?? String(e));
  // libpg-query's cursorPosition is PostgreSQL's cursorpos - 1: already in characters (unlike
  // AST locations, which are byte offsets).
  void source;
  if (details.functionName === 'processCASbits' && / cannot be marked (NOT )?ENFORCED$/.test(details.message)) {
    // PostgreSQL 18's ENFORCED: a syntax error at that word in PostgreSQL 15 (pg15-grammar.ts).
    const bytes = Buffer.from(source.text, 'utf8');
    const from = Buffer.byteLength(source.text.slice(0, details.cursorPosition), 'utf8');
    const e = enforcedSyntaxError({ bytes, position: (b) => source.position(b) }, from);
    if (e) return e;
  }
  const code = grammarErrorCode(details);
  // processCASbits (constraint attributes a constraint kind cannot take) reports no position in
  // PostgreSQL 15's answer; libpg-query still fills one in.
  if (details.functionName === 'processCASbits') return new DbError(code, details.message);
  return new DbError(code, details.message, { position: details.cursorPosition + 1 });
}

/**
 * The SQLSTATE of an error raised by PostgreSQL's grammar. Most are syntax errors (42601), but a
 * few gram.y checks use another code, and libpg-query passes on only the message: these are
 * matched by their (fixed, untranslated) wording.
 */
function grammarErrorCode(details: { message: string; functionName?: string }): string {
  const m = details.message;
  if (details.functionName === 'processCASbits' && / constraints cannot be marked /.test(m)) return '0A000';
  if (/^frame (start|end|starting from) /.test(m)) return '42P20';
  if (/^precision for type float must be /.test(m)) return '22023';
  return '42601';
}
