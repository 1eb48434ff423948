// Character types: varchar(n)/bpchar(n) length rules, name truncation, the one-byte "char".
// Lengths are in characters (code points), as PostgreSQL counts them in UTF-8 databases.
import { DbError } from '../errors.js';
import { VARHDRSZ } from './oids.js';

/** Length in code points (PostgreSQL's character count under UTF-8). */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** Index (UTF-16) just past the first `chars` code points. */
function cutIndex(s: string, chars: number): number {
  let i = 0;
  for (let n = 0; n < chars && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return i;
}

function onlySpacesFrom(s: string, i: number): boolean {
  for (; i < s.length; i++) if (s.charCodeAt(i) !== 0x20) return false;
  return true;
}

/**
 * varchar(n) input/assignment: too long is 22001 unless the excess is spaces (truncated), or
 * `explicitCast` is set (SQL: an explicit cast truncates silently).
 */
export function applyVarcharTypmod(s: string, typmod: number, explicitCast = false): string {
  if (typmod < VARHDRSZ) return s;
  const max = typmod - VARHDRSZ;
  if (s.length <= max) return s; // UTF-16 length bounds the code-point count from above
  if (charLength(s) <= max) return s;
  const cut = cutIndex(s, max);
  if (!explicitCast && !onlySpacesFrom(s, cut)) {
    throw new DbError('22001', `value too long for type character varying(${max})`);
  }
  return s.slice(0, cut);
}

/** bpchar(n) input/assignment: as varchar, then blank-padded to n characters. */
export function applyBpcharTypmod(s: string, typmod: number, explicitCast = false): string {
  if (typmod < VARHDRSZ) return s;
  const max = typmod - VARHDRSZ;
  const len = charLength(s);
  if (len === max) return s;
  if (len < max) return s + ' '.repeat(max - len);
  const cut = cutIndex(s, max);
  if (!explicitCast && !onlySpacesFrom(s, cut)) {
    throw new DbError('22001', `value too long for type character(${max})`);
  }
  return s.slice(0, cut);
}

/** bpchar without trailing spaces: what comparison, length() and casts to text see. */
export function bpcharTrim(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0x20) e--;
  return e === s.length ? s : s.slice(0, e);
}

const NAMEDATALEN = 64;

/** name input: truncated to 63 bytes of UTF-8 on a character boundary. */
export function truncateName(s: string): string {
  if (s.length * 3 < NAMEDATALEN) return s;
  const b = Buffer.from(s, 'utf8');
  if (b.length < NAMEDATALEN) return s;
  let cut = NAMEDATALEN - 1;
  while (cut > 0 && (b[cut]! & 0xc0) === 0x80) cut--; // back up to a character start
  return b.subarray(0, cut).toString('utf8');
}

/**
 * "char" (OID 18) holds one byte. Internal value: a string of zero or one UTF-16 unit whose code
 * is the byte (0..255). charin takes '\ooo' octal or the first byte of the UTF-8 input;
 * charout prints bytes >= 0x80 as '\ooo' (PostgreSQL 15).
 */
export function parseChar(text: string): string {
  if (text.length === 4 && text.charCodeAt(0) === 0x5c && /^\\[0-3][0-7][0-7]$/.test(text)) {
    const code = parseInt(text.slice(1), 8);
    return code === 0 ? '' : String.fromCharCode(code); // '\\000' is the empty "char", as charout shows
  }
  if (text.length === 0) return '';
  const c = text.charCodeAt(0);
  if (c < 0x80) return text[0]!;
  return String.fromCharCode(Buffer.from(text, 'utf8')[0]!);
}

export function charOut(v: string): string {
  if (v.length === 0) return '';
  const c = v.charCodeAt(0);
  if (c < 0x80) return v;
  return '\\' + (c >> 6) + ((c >> 3) & 7) + (c & 7);
}
