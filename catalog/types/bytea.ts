// bytea text formats (PostgreSQL 15 byteain/byteaout): hex `\x0a1b...` (whitespace between
// byte pairs allowed on input) and the traditional escape format (`\\` and `\ooo` octal).
import { DbError } from '../errors.js';

/** Lowercase hex digits by value (shared with uuid.ts). */
export const HEX = '0123456789abcdef';

/** The value of one ASCII hex digit (either case), or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** byteain: hex when the text starts with `\x`, else escape format. */
export function parseBytea(text: string): Uint8Array {
  if (text.length >= 2 && text.charCodeAt(0) === 0x5c && text.charCodeAt(1) === 0x78) return parseHex(text);
  return parseEscape(text);
}

function parseHex(text: string): Uint8Array {
  const out = Buffer.allocUnsafe((text.length - 2) >> 1);
  let n = 0;
  let i = 2;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // PostgreSQL's hex_decode skips exactly these four whitespace characters.
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) { i++; continue; }
    const hi = hexValue(c);
    if (hi < 0) throw badHexDigit(text, i);
    i++;
    if (i >= text.length) throw new DbError('22023', 'invalid hexadecimal data: odd number of digits');
    const lo = hexValue(text.charCodeAt(i));
    if (lo < 0) throw badHexDigit(text, i);
    i++;
    out[n++] = (hi << 4) | lo;
  }
  return out.subarray(0, n);
}

function badHexDigit(text: string, i: number): DbError {
  const cp = text.codePointAt(i)!;
  return new DbError('22023', `invalid hexadecimal digit: "${String.fromCodePoint(cp)}"`);
}

const isOct = (c: number) => c >= 0x30 && c <= 0x37;

function parseEscape(text: string): Uint8Array {
  const src = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c !== 0x5c) { out[n++] = c; i++; continue; }
    if (i + 1 < src.length && src[i + 1] === 0x5c) { out[n++] = 0x5c; i += 2; continue; }
    if (i + 3 < src.length + 0 && src[i + 1]! >= 0x30 && src[i + 1]! <= 0x33 && isOct(src[i + 2]!) && isOct(src[i + 3]!)) {
      out[n++] = ((src[i + 1]! - 0x30) << 6) | ((src[i + 2]! - 0x30) << 3) | (src[i + 3]! - 0x30);
      i += 4;
      continue;
    }
    throw new DbError('22P02', 'invalid input syntax for type bytea');
  }
  return out.subarray(0, n);
}

/** bytea_output = hex. */
export function byteaToHex(b: Uint8Array): string {
  if (b.length < 4096) {
    let s = '\\x';
    for (let i = 0; i < b.length; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
    return s;
  }
  return '\\x' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** bytea_output = escape: non-printable bytes and high bytes as \ooo, backslash doubled. */
export function byteaToEscape(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x5c) s += '\\\\';
    else if (c < 0x20 || c > 0x7e) s += '\\' + (c >> 6).toString() + ((c >> 3) & 7).toString() + (c & 7).toString();
    else s += String.fromCharCode(c);
  }
  return s;
}
