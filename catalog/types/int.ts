// Integer text input as PostgreSQL 15's pg_strtoint16/32/64: optional whitespace, optional sign,
// decimal digits only, optional whitespace. Overflow is 22003 with the input echoed; anything
// else 22P02. Output is String(n) (the hot path: no allocation beyond the string).
import { invalidSyntax, isPgSpace, valueOutOfRange } from './errors.js';

export const INT2_MIN = -32768;
export const INT2_MAX = 32767;
export const INT4_MIN = -2147483648;
export const INT4_MAX = 2147483647;
export const INT8_MIN = -(1n << 63n);
export const INT8_MAX = (1n << 63n) - 1n;
export const OID_MAX = 4294967295;

/** Parse as an integer of at most 15 digits (fits a double exactly) or fall through to bigint. */
function scanInt(s: string, typeName: string): { neg: boolean; start: number; end: number } {
  let i = 0;
  let n = s.length;
  while (i < n && isPgSpace(s.charCodeAt(i))) i++;
  while (n > i && isPgSpace(s.charCodeAt(n - 1))) n--;
  let neg = false;
  const c0 = s.charCodeAt(i);
  if (c0 === 0x2d) { neg = true; i++; } else if (c0 === 0x2b) i++;
  if (i >= n) throw invalidSyntax(typeName, s);
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 0x30 || c > 0x39) throw invalidSyntax(typeName, s);
  }
  return { neg, start: i, end: n };
}

function parseSmall(s: string, typeName: string, min: number, max: number): number {
  const { neg, start, end } = scanInt(s, typeName);
  // Skip leading zeros so long zero-padded inputs are not mistaken for overflow.
  let i = start;
  while (i < end - 1 && s.charCodeAt(i) === 0x30) i++;
  if (end - i > 15) throw valueOutOfRange(typeName, s);
  let v = 0;
  for (let j = i; j < end; j++) v = v * 10 + (s.charCodeAt(j) - 0x30);
  if (neg) v = -v;
  if (v < min || v > max) throw valueOutOfRange(typeName, s);
  return v === 0 ? 0 : v; // never -0
}

export function parseInt2(s: string): number {
  return parseSmall(s, 'smallint', INT2_MIN, INT2_MAX);
}

export function parseInt4(s: string): number {
  return parseSmall(s, 'integer', INT4_MIN, INT4_MAX);
}

export function parseInt8(s: string): bigint {
  const { neg, start, end } = scanInt(s, 'bigint');
  let i = start;
  while (i < end - 1 && s.charCodeAt(i) === 0x30) i++;
  if (end - i > 19) throw valueOutOfRange('bigint', s);
  if (end - i <= 15) {
    // Fits a double exactly: one BigInt instead of a slice, a parse and a negation.
    let n = 0;
    for (let j = i; j < end; j++) n = n * 10 + (s.charCodeAt(j) - 0x30);
    return BigInt(neg ? -n : n);
  }
  let v = BigInt(s.slice(i, end));
  if (neg) v = -v;
  if (v < INT8_MIN || v > INT8_MAX) throw valueOutOfRange('bigint', s);
  return v;
}

/**
 * oidin: PostgreSQL parses with strtoul, so it accepts -1 (wrapping to 4294967295) and values
 * down to -2^31; errors quote the type as "oid".
 */
export function parseOid(s: string): number {
  const { neg, start, end } = scanInt(s, 'oid');
  let i = start;
  while (i < end - 1 && s.charCodeAt(i) === 0x30) i++;
  if (end - i > 15) throw valueOutOfRange('oid', s);
  let v = 0;
  for (let j = i; j < end; j++) v = v * 10 + (s.charCodeAt(j) - 0x30);
  if (neg) {
    if (v > 2147483648) throw valueOutOfRange('oid', s);
    v = v === 0 ? 0 : OID_MAX + 1 - v;
  } else if (v > OID_MAX) throw valueOutOfRange('oid', s);
  return v;
}
