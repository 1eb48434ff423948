// String functions (pg_proc entries of the text family). Lengths and positions count
// characters (code points) as PostgreSQL does in a UTF8 database; JS strings are UTF-16, so
// every function that indexes goes through the code-point helpers below.

import { createHash } from 'node:crypto';
import { DbError, TypeOid } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { ANY } from '../bind/resolve.js';
import { likeEscape, regexSubstring, regexpCount, regexpLike, regexpReplace, similarToRegex } from '../eval/like.js';
import { fn, type FnDef } from './def.js';
import { formatString, quoteIdent, quoteLiteral } from './format.js';

const O = TypeOid;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Code points of s (fast path: no surrogates → the string itself indexes correctly). */
function cps(s: string): string[] | string {
  return SURROGATE.test(s) ? Array.from(s) : s;
}
export function cpLength(s: string): number {
  return SURROGATE.test(s) ? Array.from(s).length : s.length;
}
function cpSlice(s: string, start: number, end?: number): string {
  const c = cps(s);
  return typeof c === 'string' ? c.slice(start, end) : c.slice(start, end).join('');
}

/** PostgreSQL's text_substring: 1-based start, optional length, negative length is an error. */
export function substring(s: string, start: number, len: number | undefined): string {
  if (len !== undefined && len < 0) throw new DbError('22011', 'negative substring length not allowed');
  const s0 = start - 1;
  const e0 = len === undefined ? Infinity : s0 + len;
  const from = Math.max(s0, 0);
  if (e0 <= from) return '';
  return cpSlice(s, from, e0 === Infinity ? undefined : e0);
}

function initcap(s: string): string {
  let out = '';
  let prevAlnum = false;
  for (const ch of s) {
    const alnum = /[\p{L}\p{N}]/u.test(ch);
    out += alnum ? (prevAlnum ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevAlnum = alnum;
  }
  return out;
}

function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set(Array.from(chars));
  const c = Array.from(s);
  let i = 0, j = c.length;
  if (left) while (i < j && set.has(c[i]!)) i++;
  if (right) while (j > i && set.has(c[j - 1]!)) j--;
  return c.slice(i, j).join('');
}

/** Result size limit of repeat/lpad/rpad (PostgreSQL's 1 GB varlena limit, in characters). */
const STRING_RESULT_MAX = (1 << 30) - 1;

function pad(s: string, len: number, fill: string, left: boolean): string {
  if (len > STRING_RESULT_MAX) throw new DbError('54000', 'requested length too large');
  const c = Array.from(s);
  if (len <= 0) return '';
  if (c.length >= len) return c.slice(0, len).join('');
  const f = Array.from(fill);
  if (f.length === 0) return s;
  const need = len - c.length;
  let p = '';
  for (let i = 0; i < need; i++) p += f[i % f.length];
  return left ? p + s : s + p;
}

function splitPart(s: string, delim: string, n: number): string {
  if (n === 0) throw new DbError('22023', 'field position must not be zero');
  if (delim === '') return n === 1 || n === -1 ? s : '';
  const parts = s.split(delim);
  const idx = n > 0 ? n - 1 : parts.length + n;
  return idx >= 0 && idx < parts.length ? parts[idx]! : '';
}

function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  if (i < 0) return 0;
  return cpLength(s.slice(0, i)) + 1;
}

function translate(s: string, from: string, to: string): string {
  const f = Array.from(from), t = Array.from(to);
  const map = new Map<string, string | null>();
  f.forEach((ch, i) => { if (!map.has(ch)) map.set(ch, i < t.length ? t[i]! : null); });
  let out = '';
  for (const ch of s) {
    const m = map.get(ch);
    if (m === undefined) out += ch;
    else if (m !== null) out += m;
  }
  return out;
}

function toHex(v: number | bigint, bits: 32 | 64): string {
  const b = BigInt(v);
  return (b < 0n ? b + (1n << BigInt(bits)) : b).toString(16);
}

function chr(code: number): string {
  if (code === 0) throw new DbError('54000', 'null character not permitted');
  if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    throw new DbError('54000', `requested character too large for encoding: ${code}`);
  }
  return String.fromCodePoint(code);
}

function overlay(s: string, placing: string, from: number, count: number | undefined): string {
  const len = count ?? cpLength(placing);
  if (from < 1) throw new DbError('22011', 'negative substring length not allowed');
  return substring(s, 1, from - 1) + placing + substring(s, from + len, undefined);
}

function encode(b: Uint8Array, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex': return Buffer.from(b).toString('hex');
    case 'base64': {
      const s = Buffer.from(b).toString('base64');
      return s.replace(/(.{76})(?=.)/g, '$1\n');
    }
    case 'escape': {
      let out = '';
      for (const x of b) out += x === 0x5c ? '\\\\' : x < 0x20 || x > 0x7e ? '\\' + x.toString(8).padStart(3, '0') : String.fromCharCode(x);
      return out;
    }
    default: throw new DbError('22023', `unrecognized encoding: "${format}"`);
  }
}

function decode(s: string, format: string): Uint8Array {
  switch (format.toLowerCase()) {
    case 'hex': {
      const t = s.replace(/\s+/g, '');
      if (t.length % 2 !== 0) throw new DbError('22023', 'invalid hexadecimal data: odd number of digits');
      if (!/^[0-9a-fA-F]*$/.test(t)) {
        const bad = /[^0-9a-fA-F]/.exec(t)![0];
        throw new DbError('22023', `invalid hexadecimal digit: "${bad}"`);
      }
      return new Uint8Array(Buffer.from(t, 'hex'));
    }
    case 'base64': {
      const t = s.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) throw new DbError('22023', 'invalid base64 end sequence', { hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.' });
      return new Uint8Array(Buffer.from(t, 'base64'));
    }
    case 'escape': {
      const out: number[] = [];
      const bytes = Buffer.from(s, 'utf8');
      for (let i = 0; i < bytes.length; i++) {
        const c = bytes[i]!;
        if (c !== 0x5c) { out.push(c); continue; }
        if (bytes[i + 1] === 0x5c) { out.push(0x5c); i++; continue; }
        const oct = bytes.subarray(i + 1, i + 4).toString();
        if (!/^[0-3][0-7]{2}$/.test(oct)) throw new DbError('22P02', 'invalid input syntax for type bytea');
        out.push(parseInt(oct, 8));
        i += 3;
      }
      return new Uint8Array(out);
    }
    default: throw new DbError('22023', `unrecognized encoding: "${format}"`);
  }
}

const s0 = (a: Value[]): string => a[0] as string;

export function stringFunctions(): FnDef[] {
  const T = O.text, I = O.int4;
  return [
    fn('length', [T], I, (a) => cpLength(s0(a))),
    fn('length', [O.bpchar], I, (a) => cpLength(s0(a).replace(/ +$/, ''))),
    fn('length', [O.bytea], I, (a) => (a[0] as Uint8Array).length),
    fn('char_length', [T], I, (a) => cpLength(s0(a))),
    fn('char_length', [O.bpchar], I, (a) => cpLength(s0(a).replace(/ +$/, ''))),
    fn('character_length', [T], I, (a) => cpLength(s0(a))),
    fn('octet_length', [T], I, (a) => Buffer.byteLength(s0(a), 'utf8')),
    fn('octet_length', [O.bytea], I, (a) => (a[0] as Uint8Array).length),
    fn('octet_length', [O.bpchar], I, (a) => Buffer.byteLength(s0(a), 'utf8')),
    fn('bit_length', [T], I, (a) => Buffer.byteLength(s0(a), 'utf8') * 8),
    fn('upper', [T], T, (a) => s0(a).toUpperCase()),
    fn('lower', [T], T, (a) => s0(a).toLowerCase()),
    fn('initcap', [T], T, (a) => initcap(s0(a))),
    fn('substr', [T, I], T, (a) => substring(s0(a), a[1] as number, undefined)),
    fn('substr', [T, I, I], T, (a) => substring(s0(a), a[1] as number, a[2] as number)),
    fn('substring', [T, I], T, (a) => substring(s0(a), a[1] as number, undefined)),
    fn('substring', [T, I, I], T, (a) => substring(s0(a), a[1] as number, a[2] as number)),
    fn('position', [T, T], I, (a) => strpos(s0(a), a[1] as string)),
    fn('strpos', [T, T], I, (a) => strpos(s0(a), a[1] as string)),
    fn('btrim', [T], T, (a) => trimChars(s0(a), ' ', true, true)),
    fn('btrim', [T, T], T, (a) => trimChars(s0(a), a[1] as string, true, true)),
    fn('ltrim', [T], T, (a) => trimChars(s0(a), ' ', true, false)),
    fn('ltrim', [T, T], T, (a) => trimChars(s0(a), a[1] as string, true, false)),
    fn('rtrim', [T], T, (a) => trimChars(s0(a), ' ', false, true)),
    fn('rtrim', [T, T], T, (a) => trimChars(s0(a), a[1] as string, false, true)),
    fn('lpad', [T, I], T, (a) => pad(s0(a), a[1] as number, ' ', true)),
    fn('lpad', [T, I, T], T, (a) => pad(s0(a), a[1] as number, a[2] as string, true)),
    fn('rpad', [T, I], T, (a) => pad(s0(a), a[1] as number, ' ', false)),
    fn('rpad', [T, I, T], T, (a) => pad(s0(a), a[1] as number, a[2] as string, false)),
    fn('left', [T, I], T, (a) => { const n = a[1] as number; const len = cpLength(s0(a)); return cpSlice(s0(a), 0, n >= 0 ? n : Math.max(0, len + n)); }),
    fn('right', [T, I], T, (a) => { const n = a[1] as number; const len = cpLength(s0(a)); return cpSlice(s0(a), n >= 0 ? Math.max(0, len - n) : Math.min(len, -n)); }),
    fn('repeat', [T, I], T, (a) => {
      const n = Math.max(0, a[1] as number);
      if (s0(a).length * n > STRING_RESULT_MAX) throw new DbError('54000', 'requested length too large');
      return s0(a).repeat(n);
    }),
    fn('replace', [T, T, T], T, (a) => (a[1] === '' ? s0(a) : s0(a).split(a[1] as string).join(a[2] as string))),
    fn('reverse', [T], T, (a) => Array.from(s0(a)).reverse().join('')),
    fn('split_part', [T, T, I], T, (a) => splitPart(s0(a), a[1] as string, a[2] as number)),
    fn('concat', [], T, (a) => a.filter((x) => x !== null).join(''), { variadic: ANY, strict: false, anyAsText: 'output', volatility: 'stable' }),
    fn('concat_ws', [T], T, (a) => (a[0] === null ? null : a.slice(1).filter((x) => x !== null).join(a[0] as string)), { variadic: ANY, strict: false, anyAsText: 'output', volatility: 'stable' }),
    fn('md5', [T], T, (a) => createHash('md5').update(s0(a), 'utf8').digest('hex')),
    fn('md5', [O.bytea], T, (a) => createHash('md5').update(a[0] as Uint8Array).digest('hex')),
    ...(['sha224', 'sha256', 'sha384', 'sha512'] as const).map((h) =>
      fn(h, [O.bytea], O.bytea, (a) => new Uint8Array(createHash(h).update(a[0] as Uint8Array).digest()))),
    fn('ascii', [T], I, (a) => (s0(a).length === 0 ? 0 : s0(a).codePointAt(0)!)),
    fn('chr', [I], T, (a) => chr(a[0] as number)),
    fn('to_hex', [I], T, (a) => toHex(a[0] as number, 32)),
    fn('to_hex', [O.int8], T, (a) => toHex(a[0] as bigint, 64)),
    fn('starts_with', [T, T], O.bool, (a) => s0(a).startsWith(a[1] as string)),
    fn('format', [T], T, (a, ctx) => formatString(a, ctx), { variadic: ANY, strict: false, anyAsText: 'output', volatility: 'stable' }),
    fn('format', [T], T, (a, ctx) => formatString(a, ctx), { strict: false, volatility: 'stable' }),
    fn('quote_ident', [T], T, (a) => quoteIdent(s0(a))),
    fn('quote_literal', [T], T, (a) => quoteLiteral(s0(a))),
    fn('quote_nullable', [T], T, (a) => (a[0] === null ? 'NULL' : quoteLiteral(s0(a))), { strict: false }),
    fn('encode', [O.bytea, T], T, (a) => encode(a[0] as Uint8Array, a[1] as string)),
    fn('decode', [T, T], O.bytea, (a) => decode(s0(a), a[1] as string)),
    fn('translate', [T, T, T], T, (a) => translate(s0(a), a[1] as string, a[2] as string)),
    fn('overlay', [T, T, I], T, (a) => overlay(s0(a), a[1] as string, a[2] as number, undefined)),
    fn('overlay', [T, T, I, I], T, (a) => overlay(s0(a), a[1] as string, a[2] as number, a[3] as number)),
    fn('like_escape', [T, T], T, (a) => likeEscape(s0(a), a[1] as string)),
    fn('similar_to_escape', [T], T, (a) => similarToRegex(s0(a), null)),
    fn('regexp_replace', [T, T, T], T, (a) => regexpReplace(s0(a), a[1] as string, a[2] as string, '')),
    fn('regexp_replace', [T, T, T, T], T, (a) => regexpReplace(s0(a), a[1] as string, a[2] as string, a[3] as string)),
    fn('regexp_replace', [T, T, T, I], T, (a) => regexpReplace(s0(a), a[1] as string, a[2] as string, '', a[3] as number)),
    fn('regexp_replace', [T, T, T, I, I], T, (a) => regexpReplace(s0(a), a[1] as string, a[2] as string, '', a[3] as number, a[4] as number)),
    fn('regexp_replace', [T, T, T, I, I, T], T, (a) => regexpReplace(s0(a), a[1] as string, a[2] as string, a[5] as string, a[3] as number, a[4] as number)),
    fn('substring', [T, T], T, (a) => regexSubstring(s0(a), a[1] as string)),
    fn('substring', [T, T, T], T, (a) => regexSubstring(s0(a), similarToRegex(a[1] as string, a[2] as string))),
    fn('regexp_count', [T, T], I, (a) => regexpCount(s0(a), a[1] as string, 1, '')),
    fn('regexp_count', [T, T, I], I, (a) => regexpCount(s0(a), a[1] as string, a[2] as number, '')),
    fn('regexp_count', [T, T, I, T], I, (a) => regexpCount(s0(a), a[1] as string, a[2] as number, a[3] as string)),
    fn('regexp_like', [T, T], O.bool, (a) => regexpLike(s0(a), a[1] as string, '')),
    fn('regexp_like', [T, T, T], O.bool, (a) => regexpLike(s0(a), a[1] as string, a[2] as string)),
    fn('similar_to_escape', [T, T], T, (a) => similarToRegex(s0(a), a[1] as string)),
    fn('textcat', [T, T], T, (a) => s0(a) + (a[1] as string)),
    fn('pg_client_encoding', [], O.name, () => 'UTF8'),
  ];
}

function bytesTrim(b: Uint8Array, set: Uint8Array, left: boolean, right: boolean): Uint8Array {
  const s = new Set(set);
  let i = 0, j = b.length;
  if (left) while (i < j && s.has(b[i]!)) i++;
  if (right) while (j > i && s.has(b[j - 1]!)) j--;
  return b.slice(i, j);
}

function bytesSubstr(b: Uint8Array, start: number, len: number | undefined): Uint8Array {
  if (len !== undefined && len < 0) throw new DbError('22011', 'negative substring length not allowed');
  const s0 = start - 1;
  const e0 = len === undefined ? b.length : Math.min(b.length, s0 + len);
  const from = Math.max(0, s0);
  return e0 <= from ? new Uint8Array(0) : b.slice(from, e0);
}

function bitIndex(b: Uint8Array, n: number): [number, number] {
  if (n < 0 || n >= b.length * 8) throw new DbError('2202E', `index ${n} out of valid range, 0..${b.length * 8 - 1}`);
  return [n >> 3, n & 7];
}

function checkEncoding(name: string): void {
  const n = name.toLowerCase().replace(/[-_]/g, '');
  if (n !== 'utf8' && n !== 'unicode') {
    if (n === 'latin1' || n === 'sqlascii' || n === 'win1252') throw new DbError('0A000', `conversion between ${name} and UTF8 is not supported`);
    throw new DbError('22023', `invalid encoding name "${name}"`);
  }
}

/** Functions over bytea and booleans that share the string family's shapes. */
export function byteaFunctions(): FnDef[] {
  const B = O.bytea, I = O.int4;
  return [
    fn('substr', [B, I], B, (a) => bytesSubstr(a[0] as Uint8Array, a[1] as number, undefined)),
    fn('substr', [B, I, I], B, (a) => bytesSubstr(a[0] as Uint8Array, a[1] as number, a[2] as number)),
    fn('substring', [B, I], B, (a) => bytesSubstr(a[0] as Uint8Array, a[1] as number, undefined)),
    fn('substring', [B, I, I], B, (a) => bytesSubstr(a[0] as Uint8Array, a[1] as number, a[2] as number)),
    fn('btrim', [B, B], B, (a) => bytesTrim(a[0] as Uint8Array, a[1] as Uint8Array, true, true)),
    fn('ltrim', [B, B], B, (a) => bytesTrim(a[0] as Uint8Array, a[1] as Uint8Array, true, false)),
    fn('rtrim', [B, B], B, (a) => bytesTrim(a[0] as Uint8Array, a[1] as Uint8Array, false, true)),
    fn('bit_length', [B], I, (a) => (a[0] as Uint8Array).length * 8),
    fn('bit_count', [B], O.int8, (a) => {
      let n = 0;
      for (const x of a[0] as Uint8Array) for (let v = x; v; v &= v - 1) n++;
      return BigInt(n);
    }),
    fn('get_byte', [B, I], I, (a) => {
      const b = a[0] as Uint8Array, n = a[1] as number;
      if (n < 0 || n >= b.length) throw new DbError('2202E', `index ${n} out of valid range, 0..${b.length - 1}`);
      return b[n]!;
    }),
    fn('set_byte', [B, I, I], B, (a) => {
      const b = (a[0] as Uint8Array).slice(), n = a[1] as number;
      if (n < 0 || n >= b.length) throw new DbError('2202E', `index ${n} out of valid range, 0..${b.length - 1}`);
      b[n] = (a[2] as number) & 0xff;
      return b;
    }),
    fn('get_bit', [B, O.int8], I, (a) => { const [i, bit] = bitIndex(a[0] as Uint8Array, Number(a[1] as bigint)); return ((a[0] as Uint8Array)[i]! >> bit) & 1; }),
    fn('set_bit', [B, O.int8, I], B, (a) => {
      const b = (a[0] as Uint8Array).slice();
      const [i, bit] = bitIndex(b, Number(a[1] as bigint));
      const v = a[2] as number;
      if (v !== 0 && v !== 1) throw new DbError('22023', 'new bit must be 0 or 1');
      b[i] = v ? b[i]! | (1 << bit) : b[i]! & ~(1 << bit);
      return b;
    }),
    fn('position', [B, B], I, (a) => Buffer.from(a[0] as Uint8Array).indexOf(Buffer.from(a[1] as Uint8Array)) + 1),
    fn('convert_from', [B, O.name], O.text, (a) => {
      checkEncoding(a[1] as string);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(a[0] as Uint8Array);
      } catch {
        throw new DbError('22021', 'invalid byte sequence for encoding "UTF8"');
      }
    }),
    fn('convert_to', [O.text, O.name], B, (a) => {
      checkEncoding(a[1] as string);
      return new Uint8Array(Buffer.from(a[0] as string, 'utf8'));
    }),
    fn('booleq', [O.bool, O.bool], O.bool, (a) => a[0] === a[1]),
    fn('boolne', [O.bool, O.bool], O.bool, (a) => a[0] !== a[1]),
  ];
}
