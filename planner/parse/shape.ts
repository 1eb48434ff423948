// A small lexer that turns a query text into its *shape*: the text with every literal replaced by
// a marker of its lexical class. Texts with the same shape differ only in literal values, so one
// libpg-query parse can serve them all (literal-cache.ts substitutes the values into a copy).
//
// It follows PostgreSQL's scan.l only as far as it must to find literals: comments (-- and
// nested /* */), quoted identifiers, identifiers/keywords, $n parameters, dollar quotes, string
// literals (standard-conforming '...' with '' escapes; E'', B'', X'', N'' are recognised and
// kept as fixed-only literals), and numeric literals. Whatever it is unsure of makes shapeOf()
// return undefined and the caller takes the exact-text path.
//
// Invariants:
// - Only ASCII texts without control characters (other than tab, newline, carriage return,
//   form feed) get a shape, so string indices equal libpg-query's byte offsets and the marker
//   characters (\x01, \x02) can never appear in a text.
// - Everything that is not a literal is copied into the key verbatim (whitespace and comments
//   included): two texts with the same key differ only inside literal spans.

/** i: integer that fits int4 (an ival node); n: other numeric (an fval node); s: string
 *  ('...' or $$...$$, an sval node); x: a literal that is never substituted (E'', B'', ...). */
export type LiteralClass = 'i' | 'n' | 's' | 'x';

export interface Literal {
  /** Span in the text [start, end). */
  start: number;
  end: number;
  cls: LiteralClass;
  /** The value as libpg-query puts it in the A_Const: number for 'i', text for 'n' and 's'. */
  value: number | string;
  /** Index of a '-' that is the previous significant character (the grammar may fold it into
   *  the constant, PostgreSQL's doNegate), or -1. */
  minusAt: number;
}

export interface Shape {
  key: string;
  literals: Literal[];
}

/** Literals per text beyond which we do not bother (long VALUES lists): the exact path is fine. */
export const SHAPE_LITERALS_MAX = 256;
/** Texts longer than this are not shaped (the key would be as long as the text). */
export const SHAPE_TEXT_MAX_CHARS = 16_384;

const INT4_MAX = 2147483647;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentCont(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 36;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

/** The shape of a query text, or undefined when the lexer is not sure of it. */
export function shapeOf(sql: string): Shape | undefined {
  const n = sql.length;
  if (n > SHAPE_TEXT_MAX_CHARS || /[^\t\n\f\r -~]/.test(sql)) return undefined;
  const literals: Literal[] = [];
  let key = '';
  let copied = 0; // sql[copied, i) still to be copied into the key
  let lastSig = -1; // index of the last significant (non-space, non-comment) character
  let sawSemicolon = false;
  let i = 0;
  const lit = (start: number, end: number, cls: LiteralClass, value: number | string): boolean => {
    if (literals.length >= SHAPE_LITERALS_MAX) return false;
    const minusAt = lastSig >= 0 && sql.charCodeAt(lastSig) === 45 ? lastSig : -1;
    literals.push({ start, end, cls, value, minusAt });
    key += sql.slice(copied, start) + '\x01' + cls;
    copied = end;
    lastSig = end - 1;
    i = end;
    return true;
  };
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    const d = i + 1 < n ? sql.charCodeAt(i + 1) : -1;
    // Comments (scan.l: an operator never swallows "--" or "/*").
    if (c === 45 && d === 45) {
      while (i < n && sql.charCodeAt(i) !== 10 && sql.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 47 && d === 42) {
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (i >= n) return undefined; // unterminated: the parser reports it
        const a = sql.charCodeAt(i);
        const b = i + 1 < n ? sql.charCodeAt(i + 1) : -1;
        if (a === 47 && b === 42) { depth++; i += 2; }
        else if (a === 42 && b === 47) { depth--; i += 2; }
        else i++;
      }
      continue;
    }
    if (sawSemicolon && c !== 59) return undefined; // several statements: the exact path
    if (c === 59) { sawSemicolon = true; lastSig = i; i++; continue; }
    // Prefixed strings: E'..' (backslash escapes), B'..', X'..', N'..'; U&'..' is not handled.
    if (isIdentStart(c)) {
      const lc = c | 32;
      if (d === 39 && (lc === 101 || lc === 98 || lc === 120 || lc === 110)) {
        const end = scanQuoted(sql, i + 1, lc === 101);
        if (end < 0 || !lit(i, end, 'x', sql.slice(i, end))) return undefined;
        continue;
      }
      if (lc === 117 && d === 38) return undefined;
      let j = i + 1;
      while (j < n && isIdentCont(sql.charCodeAt(j))) j++;
      lastSig = j - 1;
      i = j;
      continue;
    }
    if (c === 34) { // quoted identifier, "" escapes
      let j = i + 1;
      for (;;) {
        if (j >= n) return undefined;
        if (sql.charCodeAt(j) === 34) {
          if (sql.charCodeAt(j + 1) === 34) { j += 2; continue; }
          break;
        }
        j++;
      }
      lastSig = j;
      i = j + 1;
      continue;
    }
    if (c === 39) {
      const end = scanQuoted(sql, i, false);
      if (end < 0) return undefined;
      if (continues(sql, end)) return undefined; // 'a'<newline>'b' is one literal in PostgreSQL
      if (!lit(i, end, 's', sql.slice(i + 1, end - 1).replace(/''/g, "'"))) return undefined;
      continue;
    }
    if (c === 36) {
      if (isDigit(d)) { // $n parameter
        let j = i + 1;
        while (j < n && isDigit(sql.charCodeAt(j))) j++;
        if (j < n && (isIdentCont(sql.charCodeAt(j)) || sql.charCodeAt(j) === 46)) return undefined;
        lastSig = j - 1;
        i = j;
        continue;
      }
      // Dollar quote $tag$ ... $tag$
      let j = i + 1;
      if (j < n && isIdentStart(sql.charCodeAt(j))) {
        j++;
        while (j < n && (isIdentStart(sql.charCodeAt(j)) || isDigit(sql.charCodeAt(j)))) j++;
      }
      if (j >= n || sql.charCodeAt(j) !== 36) return undefined;
      const tag = sql.slice(i, j + 1);
      const close = sql.indexOf(tag, j + 1);
      if (close < 0) return undefined;
      const end = close + tag.length;
      if (!lit(i, end, 's', sql.slice(j + 1, close))) return undefined;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(d))) {
      const end = scanNumber(sql, i);
      if (end < 0) return undefined;
      const text = sql.slice(i, end);
      let ok: boolean;
      if (/^[0-9]+$/.test(text)) {
        const v = text.length <= 10 ? Number(text) : Infinity;
        ok = v <= INT4_MAX ? lit(i, end, 'i', v) : lit(i, end, 'n', text);
      } else ok = lit(i, end, 'n', text);
      if (!ok) return undefined;
      continue;
    }
    // Operators and punctuation: one character at a time is enough to find the next token start.
    lastSig = i;
    i++;
  }
  key += sql.slice(copied);
  return { key, literals };
}

/** End (exclusive) of a quoted string starting at the quote `at`, or -1 if unterminated. */
function scanQuoted(sql: string, at: number, backslashes: boolean): number {
  let j = at + 1;
  const n = sql.length;
  for (;;) {
    if (j >= n) return -1;
    const c = sql.charCodeAt(j);
    if (backslashes && c === 92) { j += 2; continue; }
    if (c === 39) {
      if (sql.charCodeAt(j + 1) === 39) { j += 2; continue; }
      return j + 1;
    }
    j++;
  }
}

/** Whether whitespace containing a newline followed by a quote comes next (scan.l quotecontinue). */
function continues(sql: string, end: number): boolean {
  let j = end;
  let newline = false;
  while (j < sql.length && isSpace(sql.charCodeAt(j))) {
    const c = sql.charCodeAt(j);
    if (c === 10 || c === 13) newline = true;
    j++;
  }
  // A comment between could also hide a continuation in some PostgreSQL versions: be unsure.
  if (sql.startsWith('--', j) || sql.startsWith('/*', j)) return true;
  return newline && sql.charCodeAt(j) === 39;
}

/** End of the numeric literal at i, or -1 for anything scan.l would treat specially
 *  (trailing junk, "1..2", "1e", PostgreSQL 16's 0x/0o/0b and 1_000 forms). */
function scanNumber(sql: string, i: number): number {
  const n = sql.length;
  let j = i;
  while (j < n && isDigit(sql.charCodeAt(j))) j++;
  if (j < n && sql.charCodeAt(j) === 46) {
    if (sql.charCodeAt(j + 1) === 46) return -1;
    j++;
    while (j < n && isDigit(sql.charCodeAt(j))) j++;
  }
  if (j < n && (sql.charCodeAt(j) | 32) === 101) {
    j++;
    if (j < n && (sql.charCodeAt(j) === 43 || sql.charCodeAt(j) === 45)) j++;
    if (!(j < n && isDigit(sql.charCodeAt(j)))) return -1;
    while (j < n && isDigit(sql.charCodeAt(j))) j++;
  }
  if (j < n) {
    const c = sql.charCodeAt(j);
    if (isIdentCont(c) || c === 46 || c === 36) return -1;
  }
  return j;
}
