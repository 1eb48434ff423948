// LIKE/ILIKE patterns and POSIX regular expressions compiled to JS RegExps.
// LIKE: % any run, _ one character, the escape character (default backslash) quotes the next
// character; a pattern ending in the escape character is an error (22025), as in PostgreSQL.

import { DbError } from '../../catalog/index.js';

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

export function likeMatcher(pattern: string, caseInsensitive: boolean, escape: string | undefined): (s: string) => boolean {
  // Fast path: no wildcard, no escape → plain equality.
  if (!caseInsensitive && !/[%_]/.test(pattern) && (escape === undefined || escape === '' || !pattern.includes(escape))) {
    return (s) => s === pattern;
  }
  // Segments between '%' wildcards; '_' inside a segment matches any one character. Matching
  // anchors the first and last segments and takes each middle segment at its leftmost
  // occurrence, which is exact for LIKE and never backtracks exponentially (a regex would).
  const fold = (x: string): string => (caseInsensitive ? x.toLowerCase() : x);
  const segments: Array<Array<string | null>> = [[]];
  const chars = [...fold(pattern)];
  const esc = escape !== undefined && escape !== '' ? fold(escape) : undefined;
  let trailingEscape = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (esc !== undefined && c === esc) {
      i++;
      if (i >= chars.length) {
        trailingEscape = true;
        break;
      }
      segments[segments.length - 1]!.push(chars[i]!);
    } else if (c === '%') segments.push([]);
    else if (c === '_') segments[segments.length - 1]!.push(null);
    else segments[segments.length - 1]!.push(c);
  }
  const matchAt = (t: string[], seg: Array<string | null>, at: number): boolean => {
    if (at + seg.length > t.length) return false;
    for (let k = 0; k < seg.length; k++) {
      const p = seg[k];
      if (p !== null && p !== t[at + k]) return false;
    }
    return true;
  };
  return (input) => {
    const t = [...fold(input)];
    if (trailingEscape) {
      // PostgreSQL raises 22025 only when matching reaches the trailing escape with input left.
      if (segments.length === 1) {
        if (t.length > segments[0]!.length && matchAt(t, segments[0]!, 0)) throw new DbError('22025', 'LIKE pattern must not end with escape character');
        return false;
      }
    }
    if (segments.length === 1) return t.length === segments[0]!.length && matchAt(t, segments[0]!, 0);
    const first = segments[0]!, last = segments[segments.length - 1]!;
    if (first.length + last.length > t.length) return false;
    if (!matchAt(t, first, 0)) return false;
    let pos = first.length;
    const end = t.length - last.length;
    for (let si = 1; si < segments.length - 1; si++) {
      const seg = segments[si]!;
      let found = -1;
      for (let at = pos; at + seg.length <= end; at++) {
        if (matchAt(t, seg, at)) {
          found = at;
          break;
        }
      }
      if (found < 0) return false;
      pos = found + seg.length;
    }
    if (trailingEscape) {
      if (end >= pos) throw new DbError('22025', 'LIKE pattern must not end with escape character');
      return false;
    }
    return matchAt(t, last, end);
  };
}

function quote(c: string): string {
  return REGEX_SPECIAL.test(c) ? '\\' + c : c;
}

/** like_escape(pattern, escape): rewrites a pattern with a custom escape to backslash escapes. */
export function likeEscape(pattern: string, escape: string): string {
  const esc = [...escape];
  if (esc.length > 1) throw new DbError('22019', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  const chars = [...pattern];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (esc.length === 0) {
      out += c === '\\' ? '\\\\' : c;
    } else if (c === esc[0]) {
      i++;
      // A trailing escape stays a (backslash) escape; the matcher decides what it means.
      out += i >= chars.length ? '\\' : '\\' + chars[i]!;
    } else if (c === '\\') out += '\\\\';
    else out += c;
  }
  return out;
}

/** PostgreSQL's wording for the regex syntax errors JavaScript words differently. */
export function regexError(e: unknown): DbError {
  const m = (e as Error).message;
  const pg = /Nothing to repeat/i.test(m) ? 'quantifier operand invalid'
    : /Invalid escape|\\ at end of pattern/i.test(m) ? 'invalid escape \\ sequence'
      : /Unterminated group|Unmatched '\)'/i.test(m) ? 'parentheses () not balanced'
        : /Unterminated character class/i.test(m) ? 'brackets [] not balanced'
          : m;
  return new DbError('2201B', `invalid regular expression: ${pg}`);
}

export function regexMatcher(pattern: string, caseInsensitive: boolean): RegExp {
  // PostgreSQL's '.' and bracket negations match newlines unless the 'n' option is given.
  try {
    return new RegExp(pattern, caseInsensitive ? 'isu' : 'su');
  } catch (e) {
    throw regexError(e);
  }
}

/**
 * similar_to_escape(pattern, escape): SQL regular expression → POSIX regular expression, as
 * PostgreSQL's similar_escape does (anchored, % and _ as wildcards, '.' literal, the escape
 * character quoting the next one, bracket expressions copied as they are).
 */
export function similarToRegex(pattern: string, escape: string | null): string {
  const esc = escape === null ? '\\' : escape;
  if ([...esc].length > 1) throw new DbError('22019', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  let out = '';
  let inBracket = false;
  let nquotes = 0;
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (esc !== '' && c === esc) {
      i++;
      if (i >= chars.length) throw new DbError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
      const n = chars[i]!;
      if (n === '"') {
        // Escape-double-quote separators: the part between them is the one substring() returns.
        if (nquotes === 0) out += '){1,1}?(';
        else if (nquotes === 1) out += '){1,1}(?:';
        else throw new DbError('2200C', 'SQL regular expression may not contain more than two escape-double-quote separators');
        nquotes++;
        continue;
      }
      out += quote(n);
      continue;
    }
    if (inBracket) {
      if (c === ']') inBracket = false;
      out += c === '\\' ? '\\\\' : c;
      continue;
    }
    switch (c) {
      case '[': inBracket = true; out += c; break;
      case '%': out += '.*'; break;
      case '_': out += '.'; break;
      case '(': out += '(?:'; break;
      case '.': case '^': case '$': case '\\': out += '\\' + c; break;
      default: out += c;
    }
  }
  return `^(?:${out})$`;
}

/** PostgreSQL regex flags of regexp_replace & co: g (all matches), i/c (case), others refused. */
export function regexFlags(flags: string): { global: boolean; js: string } {
  let global = false;
  let ci = false;
  let dotAll = true;
  for (const f of flags) {
    switch (f) {
      case 'g': global = true; break;
      case 'i': ci = true; break;
      case 'c': ci = false; break;
      case 'n': case 'p': dotAll = false; break;
      case 'w': case 's': dotAll = true; break;
      case 't': break;
      default: throw new DbError('22023', `invalid regular expression option: "${f}"`);
    }
  }
  return { global, js: (global ? 'g' : '') + (ci ? 'i' : '') + (dotAll ? 's' : '') + 'u' };
}

/**
 * regexp_replace(s, pattern, replacement [, start [, N]] [, flags]) as PostgreSQL 15: the search
 * starts at character `start` (1-based; the pattern still sees the whole string, so ^ matches
 * only at its beginning); N > 0 replaces only the N-th match, N = 0 every match; without N the
 * 'g' flag decides (all, else the first). The replacement uses \1..\9 and \& (PostgreSQL).
 */
export function regexpReplace(s: string, pattern: string, replacement: string, flags: string, start = 1, n?: number): string {
  if (start <= 0) throw new DbError('22023', `invalid value for parameter "start": ${start}`);
  if (n !== undefined && n < 0) throw new DbError('22023', `invalid value for parameter "n": ${n}`);
  const f = regexFlags(flags);
  let re: RegExp;
  try {
    re = new RegExp(pattern, f.js.includes('g') ? f.js : 'g' + f.js);
  } catch (e) {
    throw regexError(e);
  }
  const nth = n ?? (f.global ? 0 : 1);
  // UTF-16 offset of code point `start`.
  let from = 0;
  for (let cp = 1; cp < start && from < s.length; cp++) from += s.codePointAt(from)! > 0xffff ? 2 : 1;
  if (start > 1 && from >= s.length && [...s].length < start) return s;
  let out = '';
  let last = 0;
  let count = 0;
  re.lastIndex = from;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    count++;
    if (nth === 0 || count === nth) {
      out += s.slice(last, m.index) + expandReplacement(replacement, m);
      last = m.index + m[0].length;
      if (nth !== 0) break;
    }
    if (m[0] === '') re.lastIndex = m.index + (s.codePointAt(m.index)! > 0xffff ? 2 : 1);
  }
  return out + s.slice(last);
}

/** PostgreSQL's replacement text: \1..\9 the groups, \& the whole match, \\ a backslash. */
function expandReplacement(replacement: string, groups: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\' && i + 1 < replacement.length) {
      const n = replacement[i + 1]!;
      if (n >= '1' && n <= '9') {
        out += groups[Number(n)] ?? '';
        i++;
        continue;
      }
      if (n === '&') {
        out += groups[0];
        i++;
        continue;
      }
      if (n === '\\') {
        out += '\\';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** substring(text from pattern): the first parenthesised group's match, else the whole match. */
export function regexSubstring(s: string, pattern: string): string | null {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'su');
  } catch (e) {
    throw regexError(e);
  }
  const m = re.exec(s);
  if (!m) return null;
  return m.length > 1 ? (m[1] ?? null) : m[0];
}

/** regexp_count(s, pattern[, start[, flags]]): non-overlapping matches from `start` (1-based). */
export function regexpCount(s: string, pattern: string, start: number, flags: string): number {
  if (start <= 0) throw new DbError('22023', `invalid value for parameter "start": ${start}`);
  if (flags.includes('g')) throw new DbError('22023', 'regexp_count() does not support the "global" option');
  const f = regexFlags(flags + 'g');
  let re: RegExp;
  try {
    re = new RegExp(pattern, f.js);
  } catch (e) {
    throw regexError(e);
  }
  const cps = Array.from(s);
  const tail = cps.slice(start - 1).join('');
  let n = 0;
  for (const m of tail.matchAll(re)) {
    n++;
    if (m[0] === '') re.lastIndex++;
  }
  return n;
}

export function regexpLike(s: string, pattern: string, flags: string): boolean {
  if (flags.includes('g')) throw new DbError('22023', 'regexp_like() does not support the "global" option');
  const f = regexFlags(flags);
  try {
    return new RegExp(pattern, f.js).test(s);
  } catch (e) {
    throw regexError(e);
  }
}
