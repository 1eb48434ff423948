// bool text input as PostgreSQL 15's boolin/parse_bool_with_len: surrounding whitespace is
// ignored; t/true/y/yes/on/1 and f/false/n/no/off/0, any unambiguous prefix, any case.
import { invalidSyntax, isPgSpace } from './errors.js';

/** true/false, or undefined when the text is not a boolean spelling. */
export function tryParseBool(text: string): boolean | undefined {
  let a = 0;
  let b = text.length;
  while (a < b && isPgSpace(text.charCodeAt(a))) a++;
  while (b > a && isPgSpace(text.charCodeAt(b - 1))) b--;
  const len = b - a;
  if (len === 0) return undefined;
  const s = text.slice(a, b).toLowerCase();
  // Prefix of `word` at least `minLen` long (PostgreSQL's pg_strncasecmp(value, word, max(len, minLen))).
  const prefixOf = (word: string, minLen: number) => len >= minLen && len <= word.length && word.startsWith(s);
  switch (s.charCodeAt(0)) {
    case 0x74: return prefixOf('true', 1) ? true : undefined; // t
    case 0x66: return prefixOf('false', 1) ? false : undefined; // f
    case 0x79: return prefixOf('yes', 1) ? true : undefined; // y
    case 0x6e: return prefixOf('no', 1) ? false : undefined; // n
    case 0x6f: // o: "on" needs 2 chars, "of"/"off" too
      if (prefixOf('on', 2)) return true;
      if (prefixOf('off', 2)) return false;
      return undefined;
    case 0x31: return len === 1 ? true : undefined; // 1
    case 0x30: return len === 1 ? false : undefined; // 0
    default: return undefined;
  }
}

/** boolin: 22P02 `invalid input syntax for type boolean: "<original text>"` on failure. */
export function parseBool(text: string): boolean {
  const v = tryParseBool(text);
  if (v === undefined) throw invalidSyntax('boolean', text);
  return v;
}
