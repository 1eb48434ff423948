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
  sqlDetails?: { message: string; cursorPosition: number };
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
  return new DbError('42601', details.message, { position: details.cursorPosition + 1 });
}
