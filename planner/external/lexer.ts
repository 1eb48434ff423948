// A small SQL tokenizer for Pyralog's own statements (CREATE/DROP EXTERNAL TABLE, the seed's COPY
// spelling). It follows PostgreSQL's lexical rules where they matter for these statements:
// unquoted identifiers fold to lower case, "quoted" identifiers keep case with "" escapes,
// 'strings' with '' escapes, -- and nested /* */ comments. Positions are 1-based character
// offsets, as ErrorResponse field P wants.
import { DbError } from '../../catalog/index.js';

export type Token =
  | { kind: 'word'; text: string; upper: string; pos: number; end: number }
  | { kind: 'ident'; text: string; pos: number; end: number }
  | { kind: 'string'; text: string; pos: number; end: number }
  | { kind: 'number'; text: string; pos: number; end: number }
  | { kind: 'punct'; text: string; pos: number; end: number }
  | { kind: 'eof'; pos: number; end: number };

/** Longest statement text this lexer accepts (the statements it serves are short). */
const MAX_TEXT_CHARS = 1_000_000;

export function syntaxError(t: Token, source: string): DbError {
  if (t.kind === 'eof') return new DbError('42601', 'syntax error at end of input', { position: source.length + 1 });
  const raw = source.slice(t.pos - 1, t.end - 1);
  return new DbError('42601', `syntax error at or near "${raw}"`, { position: t.pos });
}

export function tokenize(src: string): Token[] {
  if (src.length > MAX_TEXT_CHARS) throw new DbError('54000', 'statement text is too long');
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && src[i + 1] === '-') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      let depth = 1;
      const start = i;
      i += 2;
      while (i < n && depth > 0) {
        if (src[i] === '/' && src[i + 1] === '*') (depth++, (i += 2));
        else if (src[i] === '*' && src[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
      if (depth > 0) throw new DbError('42601', 'unterminated /* comment', { position: start + 1 });
    } else if (c === "'") {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= n) throw new DbError('42601', 'unterminated quoted string', { position: start + 1 });
        if (src[i] === "'") {
          if (src[i + 1] === "'") (text += "'", (i += 2));
          else break;
        } else text += src[i++];
      }
      i++;
      out.push({ kind: 'string', text, pos: start + 1, end: i + 1 });
    } else if (c === '"') {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= n) throw new DbError('42601', 'unterminated quoted identifier', { position: start + 1 });
        if (src[i] === '"') {
          if (src[i + 1] === '"') (text += '"', (i += 2));
          else break;
        } else text += src[i++];
      }
      i++;
      if (text === '') throw new DbError('42601', 'zero-length delimited identifier', { position: start + 1 });
      out.push({ kind: 'ident', text, pos: start + 1, end: i + 1 });
    } else if (/[0-9]/.test(c)) {
      const start = i;
      while (i < n && /[0-9]/.test(src[i]!)) i++;
      out.push({ kind: 'number', text: src.slice(start, i), pos: start + 1, end: i + 1 });
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(src[i]!)) i++;
      const raw = src.slice(start, i);
      // PostgreSQL folds ASCII letters only.
      const text = raw.replace(/[A-Z]+/g, (m) => m.toLowerCase());
      out.push({ kind: 'word', text, upper: text.toUpperCase(), pos: start + 1, end: i + 1 });
    } else {
      out.push({ kind: 'punct', text: c, pos: i + 1, end: i + 2 });
      i++;
    }
  }
  out.push({ kind: 'eof', pos: n + 1, end: n + 1 });
  return out;
}
