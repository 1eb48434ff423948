// PostgreSQL 15's grammar is narrower than libpg-query's (PostgreSQL 18's gram.y). Constructs
// that only the newer grammar accepts must still be syntax errors here, at the token where
// PostgreSQL 15's parser stops, because that is what a PostgreSQL 15 client sees. This file
// walks the few statement kinds where such constructs can hide (CREATE TABLE, ALTER TABLE) and
// raises 42601 "syntax error at or near …" with PostgreSQL 15's position.
//
// Refused here (each checked against PostgreSQL 15.20):
// - a column's `NOT NULL NO INHERIT` (PostgreSQL 18): the error is at NO;
// - a table constraint `NOT NULL col` (named or not, CREATE or ALTER TABLE ADD): at NOT;
// - `ENFORCED` / `NOT ENFORCED` after a column constraint (at ENFORCED), and `NOT ENFORCED`
//   after a table CHECK / FOREIGN KEY (at ENFORCED). libpg-query turns the latter into
//   skip_validation, which would otherwise read as NOT VALID. A table constraint's bare
//   `ENFORCED` leaves no trace in the AST (it is the default) and is still accepted;
// - a generated column without STORED, or VIRTUAL: at the token after the expression.
//
// Invariant: this runs on every statement of a query string before any of them executes, as
// PostgreSQL parses the whole string first; statements of other kinds are not walked (no cost
// on the DML path).

import { DbError } from '../../catalog/index.js';
import type { Node } from './ast.js';

interface ConstraintLike {
  kind: 'Constraint';
  contype?: string;
  conname?: string;
  keys?: Node[];
  is_no_inherit?: boolean;
  is_enforced?: boolean;
  skip_validation?: boolean;
  location?: number;
}

/** The text being checked: the query string as bytes (AST locations are byte offsets). */
export interface GrammarSource {
  bytes: Buffer;
  /** 1-based character position of a byte offset (PostgreSQL's P field). */
  position(byteOffset: number): number;
}

/** Throws PostgreSQL 15's 42601 when `stmt` uses syntax its grammar does not have. */
export function checkPg15Grammar(stmt: Node, src: () => GrammarSource): void {
  const s = stmt as { kind: string; tableElts?: Node[]; cmds?: Node[] };
  if (s.kind === 'CreateStmt') {
    for (const e of s.tableElts ?? []) checkElement(e, src);
  } else if (s.kind === 'AlterTableStmt') {
    for (const c of s.cmds ?? []) {
      const def = (c as { def?: Node }).def;
      if (def) checkElement(def, src);
    }
  }
}

function checkElement(e: Node, src: () => GrammarSource): void {
  const k = (e as { kind: string }).kind;
  if (k === 'ColumnDef') {
    for (const c of (e as { constraints?: Node[] }).constraints ?? []) checkColumnConstraint(c as unknown as ConstraintLike, src);
  } else if (k === 'Constraint') {
    checkTableConstraint(e as unknown as ConstraintLike, src);
  }
}

function checkColumnConstraint(c: ConstraintLike, src: () => GrammarSource): void {
  const at = c.location ?? -1;
  if (at < 0) return;
  switch (c.contype) {
    case 'CONSTR_NOTNULL':
      // PostgreSQL 15: ColConstraintElem is `NOT NULL_P` with nothing after it.
      if (c.is_no_inherit === true) {
        const t = new Tokens(src().bytes, at);
        skipConstraintName(t);
        t.next(); // NOT
        t.next(); // NULL
        throw syntaxErrorAt(t.next(), src());
      }
      return;
    case 'CONSTR_GENERATED': {
      // PostgreSQL 15: GENERATED ALWAYS AS ( expr ) STORED — no VIRTUAL, and STORED is required.
      if ((c as { generated_kind?: string }).generated_kind !== 'v') return;
      const t = new Tokens(src().bytes, at);
      let tok = t.next();
      while (tok && tok.text !== '(') tok = t.next();
      for (let depth = 0; tok; ) {
        if (tok.text === '(') depth++;
        else if (tok.text === ')' && --depth === 0) break;
        tok = t.next();
      }
      throw syntaxErrorAt(t.next(), src());
    }
    case 'CONSTR_ATTR_ENFORCED':
      throw syntaxErrorAt(new Tokens(src().bytes, at).next(), src());
    case 'CONSTR_ATTR_NOT_ENFORCED': {
      // NOT is also the start of NOT NULL / NOT DEFERRABLE in PostgreSQL 15: ENFORCED is the error.
      const t = new Tokens(src().bytes, at);
      t.next();
      throw syntaxErrorAt(t.next(), src());
    }
    default:
      return;
  }
}

function checkTableConstraint(c: ConstraintLike, src: () => GrammarSource): void {
  const at = c.location ?? -1;
  if (at < 0) return;
  if (c.contype === 'CONSTR_NOTNULL') {
    // PostgreSQL 15's ConstraintElem has no NOT NULL form: the parser stops at NOT.
    const t = new Tokens(src().bytes, at);
    skipConstraintName(t);
    throw syntaxErrorAt(t.next(), src());
  }
  // PostgreSQL 18 marks every CHECK / FOREIGN KEY enforced unless NOT ENFORCED was written.
  if ((c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') && c.is_enforced !== true) {
    const t = new Tokens(src().bytes, at);
    let depth = 0;
    let prevNot = false;
    for (let tok = t.next(); tok; tok = t.next()) {
      if (tok.text === '(') depth++;
      else if (tok.text === ')') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && tok.text === ',') break;
      else if (depth === 0 && prevNot && !tok.quoted && tok.text.toLowerCase() === 'enforced') throw syntaxErrorAt(tok, src());
      prevNot = depth === 0 && !tok.quoted && tok.text.toLowerCase() === 'not';
    }
  }
}

/**
 * libpg-query's processCASbits refuses `ENFORCED` / `NOT ENFORCED` after UNIQUE / PRIMARY KEY /
 * EXCLUDE as 0A000 at the start of the attributes (`fromBytes`); PostgreSQL 15 has no such
 * keyword and stops at ENFORCED with a syntax error. Undefined when no ENFORCED token follows.
 */
export function enforcedSyntaxError(src: GrammarSource, fromBytes: number): DbError | undefined {
  const t = new Tokens(src.bytes, fromBytes);
  for (let tok = t.next(); tok; tok = t.next()) {
    if (!tok.quoted && tok.text.toLowerCase() === 'enforced') return syntaxErrorAt(tok, src);
    if (tok.text === ',' || tok.text === ')' || tok.text === ';') break;
  }
  return undefined;
}

/** Skips `CONSTRAINT name` when the constraint starts with it (its location is CONSTRAINT's). */
function skipConstraintName(t: Tokens): void {
  const save = t.offset;
  const first = t.next();
  if (first && !first.quoted && first.text.toLowerCase() === 'constraint') {
    t.next();
    return;
  }
  t.offset = save;
}

interface Token {
  startBytes: number;
  text: string;
  quoted: boolean;
}

function syntaxErrorAt(tok: Token | undefined, src: GrammarSource): DbError {
  if (!tok) return new DbError('42601', 'syntax error at end of input');
  return new DbError('42601', `syntax error at or near "${tok.text}"`, { position: src.position(tok.startBytes) });
}

/**
 * Just enough of scan.l to step over tokens: whitespace, `--` and nested block comments,
 * identifiers and keywords, double-quoted identifiers, single-quoted and E'' strings, dollar
 * quotes, $n, numbers, and any other byte as a one-character token (the constructs above need
 * nothing finer).
 */
class Tokens {
  constructor(private readonly b: Buffer, public offset: number) {}

  next(): Token | undefined {
    const b = this.b;
    let i = this.skipBlank(this.offset);
    if (i >= b.length) {
      this.offset = i;
      return undefined;
    }
    const start = i;
    const c = b[i]!;
    let quoted = false;
    if ((c === 0x45 || c === 0x65) && b[i + 1] === 0x27) {
      // E'…': backslash escapes, so \' does not end it.
      i += 2;
      while (i < b.length) {
        if (b[i] === 0x5c) i += 2;
        else if (b[i] === 0x27 && b[i + 1] === 0x27) i += 2;
        else if (b[i++] === 0x27) break;
      }
    } else if (isIdentStart(c)) {
      i++;
      while (i < b.length && isIdentCont(b[i]!)) i++;
    } else if (c === 0x24 && b[i + 1] !== undefined && b[i + 1]! >= 0x30 && b[i + 1]! <= 0x39) {
      // $n parameter.
      i++;
      while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    } else if (c === 0x24 && this.dollarTagEnd(i) > 0) {
      // $tag$ … $tag$ (the tag may be empty).
      const tagEnd = this.dollarTagEnd(i);
      const tag = b.subarray(i, tagEnd);
      const close = b.indexOf(tag, tagEnd);
      i = close < 0 ? b.length : close + tag.length;
    } else if (c === 0x22 || c === 0x27) {
      quoted = c === 0x22;
      i++;
      while (i < b.length) {
        if (b[i] === c) {
          if (b[i + 1] === c) i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
    } else if (c >= 0x30 && c <= 0x39) {
      while (i < b.length && (isIdentCont(b[i]!) || b[i] === 0x2e)) i++;
    } else {
      i++;
    }
    this.offset = i;
    return { startBytes: start, text: b.subarray(start, i).toString('utf8'), quoted };
  }

  /** End (exclusive) of a dollar-quote opening tag at `i` ("$$", "$x$"), or -1. */
  private dollarTagEnd(i: number): number {
    const b = this.b;
    let j = i + 1;
    if (j < b.length && isIdentStart(b[j]!)) {
      j++;
      while (j < b.length && isIdentCont(b[j]!) && b[j] !== 0x24) j++;
    }
    return b[j] === 0x24 ? j + 1 : -1;
  }

  private skipBlank(from: number): number {
    const b = this.b;
    let i = from;
    for (;;) {
      while (i < b.length && (b[i] === 0x20 || (b[i]! >= 0x09 && b[i]! <= 0x0d))) i++;
      if (b[i] === 0x2d && b[i + 1] === 0x2d) {
        while (i < b.length && b[i] !== 0x0a && b[i] !== 0x0d) i++;
      } else if (b[i] === 0x2f && b[i + 1] === 0x2a) {
        let depth = 0;
        while (i < b.length) {
          if (b[i] === 0x2f && b[i + 1] === 0x2a) {
            depth++;
            i += 2;
          } else if (b[i] === 0x2a && b[i + 1] === 0x2f) {
            depth--;
            i += 2;
            if (depth === 0) break;
          } else i++;
        }
      } else return i;
    }
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80;
}
function isIdentCont(c: number): boolean {
  return isIdentStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x24;
}
