// The regular-expression functions that return text arrays (PostgreSQL 15): regexp_match,
// regexp_split_to_array, and the matches/pieces that the set-returning regexp_matches and
// regexp_split_to_table produce (array-srf.ts turns those into rows in FROM).
//
// Patterns run on JavaScript's RegExp like the other regex functions (eval/like.ts), with
// PostgreSQL's flag letters, a leading embedded-options group `(?i)` (ARE syntax, applied after
// the flags argument as PostgreSQL does), and PostgreSQL's wording for the common syntax errors.

import { DbError, TypeOid } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { arrayOfValues } from '../eval/array-values.js';
import { regexError } from '../eval/like.js';
import { fn, type FnDef } from './def.js';

const O = TypeOid;

/** Compiles `pattern` with PostgreSQL flags; `global` reports the 'g' flag. */
export function compileRegex(pattern: string, flags: string, fnName: string, globalAllowed: boolean): { re: RegExp; global: boolean } {
  let body = pattern;
  let all = flags;
  const embedded = /^\(\?([a-z]+)\)/.exec(body);
  if (embedded) {
    body = body.slice(embedded[0].length);
    all += embedded[1]!;
  }
  let global = false, ci = false, dotAll = true;
  for (const f of all) {
    switch (f) {
      case 'g':
        if (embedded && all.indexOf('g') >= flags.length) throw new DbError('2201B', 'invalid regular expression: invalid embedded option');
        global = true;
        break;
      case 'i': ci = true; break;
      case 'c': ci = false; break;
      case 'n': case 'p': dotAll = false; break;
      case 'w': case 's': dotAll = true; break;
      case 't': break;
      default: throw new DbError('22023', `invalid regular expression option: "${f}"`);
    }
  }
  if (global && !globalAllowed) {
    throw new DbError('22023', `${fnName}() does not support the "global" option`, fnName === 'regexp_match' ? { hint: 'Use the regexp_matches function instead.' } : {});
  }
  try {
    return { re: new RegExp(body, 'g' + (ci ? 'i' : '') + (dotAll ? 's' : '') + 'u'), global };
  } catch (e) {
    throw regexError(e);
  }
}

/** The captured groups of a match (NULL for groups that did not take part), or the whole match. */
function matchArray(m: RegExpExecArray): Value[] {
  if (m.length === 1) return [m[0]];
  return m.slice(1).map((g) => (g === undefined ? null : g));
}

/** Next index after a zero-length match at `i` (one code point further). */
function after(s: string, i: number): number {
  const c = s.codePointAt(i);
  return i + (c !== undefined && c > 0xffff ? 2 : 1);
}

/** regexp_matches: every match with 'g', else the first (no match: no rows). */
export function regexpMatches(s: string, pattern: string, flags: string): Value[][] {
  const { re, global } = compileRegex(pattern, flags, 'regexp_matches', true);
  const out: Value[][] = [];
  let pos = 0;
  while (pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    out.push(matchArray(m));
    if (!global) break;
    pos = m[0].length === 0 ? after(s, m.index) : m.index + m[0].length;
  }
  return out;
}

/**
 * regexp_split_to_table/array: the pieces between matches; zero-length matches at the start or
 * end of the string or right after the previous match do not split (as PostgreSQL documents).
 */
export function regexpSplit(s: string, pattern: string, flags: string, fnName: string): string[] {
  const { re } = compileRegex(pattern, flags, fnName, false);
  const pieces: string[] = [];
  let start = 0;
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const so = m.index, eo = so + m[0].length;
    if (so === eo && (so === 0 || so === s.length || so === prevEnd)) {
      if (so >= s.length) break;
      pos = after(s, so);
      continue;
    }
    pieces.push(s.slice(start, so));
    start = eo;
    prevEnd = eo;
    pos = so === eo ? after(s, so) : eo;
  }
  pieces.push(s.slice(start));
  return pieces;
}

function regexpMatch(s: string, pattern: string, flags: string): Value {
  const { re } = compileRegex(pattern, flags, 'regexp_match', false);
  re.lastIndex = 0;
  const m = re.exec(s);
  return m ? arrayOfValues(matchArray(m)) : null;
}

/** The scalar functions, registered in registry.ts. */
export function arrayRegexpFunctions(): FnDef[] {
  const T = O.text;
  return [
    fn('regexp_match', [T, T], O._text, (a) => regexpMatch(a[0] as string, a[1] as string, '')),
    fn('regexp_match', [T, T, T], O._text, (a) => regexpMatch(a[0] as string, a[1] as string, a[2] as string)),
    fn('regexp_split_to_array', [T, T], O._text, (a) => arrayOfValues(regexpSplit(a[0] as string, a[1] as string, '', 'regexp_split_to_array'))),
    fn('regexp_split_to_array', [T, T, T], O._text, (a) => arrayOfValues(regexpSplit(a[0] as string, a[1] as string, a[2] as string, 'regexp_split_to_array'))),
  ];
}
