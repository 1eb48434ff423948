// LIKE/ILIKE patterns and POSIX regular expressions compiled to JS RegExps.
// LIKE: % any run, _ one character, the escape character (default backslash) quotes the next
// character; a pattern ending in the escape character is an error (22025), as in PostgreSQL.

import { DbError } from '../../catalog/index.js';

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

export function likeMatcher(pattern: string, caseInsensitive: boolean, escape: string | undefined): (s: string) => boolean {
  // Fast paths for the common shapes: exact, prefix%, %suffix, %infix%.
  if (!caseInsensitive && !/[%_]/.test(pattern) && (escape === undefined || escape === '' || !pattern.includes(escape))) {
    return (s) => s === pattern;
  }
  let re = '^';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escape !== undefined && escape !== '' && c === escape) {
      i++;
      if (i >= chars.length) return trailingEscapeMatcher(re, caseInsensitive);
      re += quote(chars[i]!);
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += quote(c);
  }
  re += '$';
  const rx = new RegExp(re, caseInsensitive ? 'isu' : 'su');
  return (s) => rx.test(s);
}

/**
 * A pattern ending in its escape character: PostgreSQL's matcher raises 22025 only when it
 * reaches that character with input left over; when the input ends first the result is false.
 */
function trailingEscapeMatcher(prefixRe: string, ci: boolean): (s: string) => boolean {
  const reached = new RegExp(prefixRe + '[\\s\\S]', ci ? 'isu' : 'su');
  return (s) => {
    if (reached.test(s)) throw new DbError('22025', 'LIKE pattern must not end with escape character');
    return false;
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

export function regexMatcher(pattern: string, caseInsensitive: boolean): RegExp {
  // PostgreSQL's '.' and bracket negations match newlines unless the 'n' option is given.
  try {
    return new RegExp(pattern, caseInsensitive ? 'isu' : 'su');
  } catch (e) {
    throw new DbError('2201B', `invalid regular expression: ${(e as Error).message}`);
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

/** regexp_replace: replacement uses \1..\9 and \& (PostgreSQL), translated for JS. */
export function regexpReplace(s: string, pattern: string, replacement: string, flags: string): string {
  const f = regexFlags(flags);
  let re: RegExp;
  try {
    re = new RegExp(pattern, f.js);
  } catch (e) {
    throw new DbError('2201B', `invalid regular expression: ${(e as Error).message}`);
  }
  return s.replace(re, (...m: unknown[]) => {
    const groups = m.slice(0, -2).filter((x) => typeof x === 'string' || x === undefined) as Array<string | undefined>;
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
          out += groups[0] ?? '';
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
  });
}

/** substring(text from pattern): the first parenthesised group's match, else the whole match. */
export function regexSubstring(s: string, pattern: string): string | null {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'su');
  } catch (e) {
    throw new DbError('2201B', `invalid regular expression: ${(e as Error).message}`);
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
    throw new DbError('2201B', `invalid regular expression: ${(e as Error).message}`);
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
    throw new DbError('2201B', `invalid regular expression: ${(e as Error).message}`);
  }
}
