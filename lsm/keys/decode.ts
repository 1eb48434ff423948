// Decoding of keys encoded by codec.ts. Decoding needs the key schema (payloads are not
// self-typed). Decoded kinds: int2/int4/date → number; int8/rowid/time/timestamp[tz] → bigint;
// float8 → number; numeric → normalized decimal string (no trailing zeros: 1.50 and 1.5 are
// the same key, as they are equal in PostgreSQL); text → string; bytea → Uint8Array;
// bool → boolean; uuid → lowercase 8-4-4-4-12 string. Malformed input throws (XX001).
import { LsmError } from '../types.js';
import type { Cell } from '../types.js';
import type { KeyColumn } from './codec.js';

class In {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw corrupt('truncated key');
    return this.b[this.pos++]!;
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw corrupt('truncated key');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function corrupt(what: string): LsmError {
  return new LsmError('XX001', `malformed encoded key: ${what}`);
}

function getInt(inp: In, bytes: number): bigint {
  const b = inp.take(bytes);
  let u = 0n;
  for (let i = 0; i < bytes; i++) u = (u << 8n) | BigInt(b[i]!);
  const bits = BigInt(bytes * 8);
  return BigInt.asIntN(bytes * 8, u ^ (1n << (bits - 1n)));
}

function getSmallInt(inp: In, bytes: 2 | 4): number {
  const b = inp.take(bytes);
  if (bytes === 2) return (((b[0]! << 8) | b[1]!) ^ 0x8000) << 16 >> 16;
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) ^ 0x80000000) | 0;
}

function getFloat8(inp: In): number {
  const be = Uint8Array.from(inp.take(8));
  if (be[0]! & 0x80) be[0] = be[0]! & 0x7f;
  else for (let i = 0; i < 8; i++) be[i] = ~be[i]! & 0xff;
  return Buffer.from(be).readDoubleBE(0);
}

function getEscaped(inp: In): Uint8Array {
  const out: number[] = [];
  for (;;) {
    const c = inp.byte();
    if (c !== 0) {
      out.push(c);
      continue;
    }
    const n = inp.byte();
    if (n === 0xff) out.push(0);
    else if (n === 0x01) return Uint8Array.from(out);
    else throw corrupt(`bad escape 0x00 0x${n.toString(16)}`);
  }
}

function getNumeric(inp: In): string {
  const cls = inp.byte();
  switch (cls) {
    case 0x01: return '-Infinity';
    case 0x03: return '0';
    case 0x05: return 'Infinity';
    case 0x06: return 'NaN';
    case 0x02:
    case 0x04: {
      const neg = cls === 0x02;
      const e = getSmallInt(inp, 4);
      const exp = neg ? -e : e;
      const flip = neg ? 0xff : 0;
      let digits = '';
      for (;;) {
        const b = inp.byte() ^ flip;
        if (b === 0) break;
        if (b > 100) throw corrupt('bad numeric digit pair');
        const pair = b - 1;
        digits += String(Math.floor(pair / 10)) + String(pair % 10);
      }
      digits = digits.replace(/0+$/, '');
      if (digits === '') throw corrupt('empty numeric mantissa');
      let s: string;
      if (exp <= 0) s = '0.' + '0'.repeat(-exp) + digits;
      else if (exp >= digits.length) s = digits + '0'.repeat(exp - digits.length);
      else s = digits.slice(0, exp) + '.' + digits.slice(exp);
      return neg ? '-' + s : s;
    }
    default:
      throw corrupt(`bad numeric class 0x${cls.toString(16)}`);
  }
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function getValue(inp: In, col: KeyColumn): Cell {
  switch (col.type) {
    case 'int2': return getSmallInt(inp, 2);
    case 'int4':
    case 'date': return getSmallInt(inp, 4);
    case 'int8':
    case 'rowid':
    case 'time':
    case 'timestamp':
    case 'timestamptz': return getInt(inp, 8);
    case 'float8': return getFloat8(inp);
    case 'numeric': return getNumeric(inp);
    case 'text': return Buffer.from(getEscaped(inp)).toString('utf8');
    case 'bytea': return getEscaped(inp);
    case 'bool': {
      const b = inp.byte();
      if (b > 1) throw corrupt('bad bool');
      return b === 1;
    }
    case 'uuid': {
      const h = hex(inp.take(16));
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    default: {
      const never: never = col.type;
      throw new Error(`unknown key type ${String(never)}`);
    }
  }
}

export function decodeKey(schema: readonly KeyColumn[], key: Uint8Array): Cell[] {
  const inp = new In(key);
  const out: Cell[] = [];
  for (const col of schema) {
    const m = inp.byte();
    if (m === 0x00 || m === 0x02) out.push(null);
    else if (m === 0x01) out.push(getValue(inp, col));
    else throw corrupt(`bad marker 0x${m.toString(16)}`);
  }
  if (inp.pos !== key.length) throw corrupt('trailing bytes');
  return out;
}
