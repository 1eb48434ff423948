// uuid text input/output (PostgreSQL 15 uuid_in/uuid_out): optional braces, a hyphen allowed
// after any even group of 4 hex digits (i.e. after every second byte), output lowercase 8-4-4-4-12.
import { invalidSyntax } from './errors.js';
import { HEX, hexValue } from './bytea.js';


/** uuid_in: returns the canonical lowercase form. 22P02 on bad syntax (no whitespace allowed). */
export function parseUuid(text: string): string {
  return uuidFromBytes(parseUuidBytes(text));
}

function parseUuidBytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let p = 0;
  let braces = false;
  if (text.charCodeAt(0) === 0x7b) { p++; braces = true; }
  for (let i = 0; i < 16; i++) {
    const hi = p < text.length ? hexValue(text.charCodeAt(p)) : -1;
    const lo = p + 1 < text.length ? hexValue(text.charCodeAt(p + 1)) : -1;
    if (hi < 0 || lo < 0) throw invalidSyntax('uuid', text);
    out[i] = (hi << 4) | lo;
    p += 2;
    if (text.charCodeAt(p) === 0x2d && i % 2 === 1 && i < 15) p++;
  }
  if (braces) {
    if (text.charCodeAt(p) !== 0x7d) throw invalidSyntax('uuid', text);
    p++;
  }
  if (p !== text.length) throw invalidSyntax('uuid', text);
  return out;
}

/** Canonical text of 16 uuid bytes. */
export function uuidFromBytes(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  }
  return s;
}

/** The 16 bytes of a canonical uuid string (as textIn produced it). */
export function uuidToBytes(s: string): Uint8Array {
  return parseUuidBytes(s);
}
