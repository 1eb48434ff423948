// Order-preserving ("memcomparable") encoding of primary-key values: for two keys a and b of
// the same key schema, Buffer.compare(encode(a), encode(b)) has the sign of the SQL comparison
// of a and b (column by column, then shorter-composite-first never arises: a schema fixes the
// column count). Spec with examples: ../KEY-ENCODING.md (a test keeps the examples true).
//
// Every column value starts with a marker byte: 0x00 NULL (nulls first), 0x01 a value, 0x02
// NULL (nulls last). The payload after 0x01 depends on the column's key type only, so decoding
// needs the schema. Invariant: every payload is self-delimiting, so concatenating columns keeps
// the order of the first differing column.
import { LsmError } from '../types.js';
import type { Cell } from '../types.js';

export type KeyType =
  | 'int2' | 'int4' | 'int8' | 'float8' | 'numeric' | 'text' | 'bytea' | 'bool'
  | 'date' | 'time' | 'timestamp' | 'timestamptz' | 'uuid' | 'rowid';

export interface KeyColumn {
  type: KeyType;
  /** PostgreSQL's ASC default is NULLS LAST; primary keys never hold NULL. */
  nullsLast?: boolean;
}

const NULL_FIRST = 0x00;
const VALUE = 0x01;
const NULL_LAST = 0x02;

/**
 * Bytes of the key being encoded. encodeKey is synchronous and never re-entered (no value
 * encoder calls it), so every key is built in this one scratch buffer and copied out once:
 * a fresh buffer per key plus the copy was two typed arrays per row of a bulk load.
 */
const scratch = new Uint8Array(256);

/** A growable byte buffer with a hard limit (keys are small; the limit catches runaways). */
class Out {
  buf = scratch;
  len = 0;
  constructor(private readonly maxBytes: number) {}
  ensure(n: number): void {
    const need = this.len + n;
    if (need > this.maxBytes) throw new LsmError('54000', `index row size ${need} exceeds maximum ${this.maxBytes}`);
    if (need > this.buf.length) {
      const nb = new Uint8Array(Math.max(need, this.buf.length * 2));
      nb.set(this.buf.subarray(0, this.len));
      this.buf = nb;
    }
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export const KEY_BYTES_MAX = 8192;

function typeError(col: KeyColumn, v: Cell): LsmError {
  return new LsmError('XX000', `key value ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)} does not fit key type ${col.type}`);
}

const INT_LIMITS = { 16: 1n << 15n, 32: 1n << 31n, 64: 1n << 63n } as const;

function intBig(col: KeyColumn, v: Cell, bits: 16 | 32 | 64): bigint {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
  else throw typeError(col, v);
  const lim = INT_LIMITS[bits];
  if (b < -lim || b >= lim) throw typeError(col, v);
  return b;
}

const i64 = new BigInt64Array(1);
const i64b = new Uint8Array(i64.buffer);
const TWO_32 = 0x1_0000_0000;

/**
 * An int8-like key cell: two's complement big-endian with the sign bit flipped, so negative <
 * positive bytewise. Hot on every bulk load (row ids, bigint keys): a safe-integer number is
 * split into 32-bit halves and a bigint goes through a scratch BigInt64Array, never a BigInt
 * shift per byte.
 */
function putInt64(out: Out, col: KeyColumn, v: Cell): void {
  out.ensure(8);
  writeInt64(out.buf, out.len, col, v);
  out.len += 8;
}

function writeInt64(buf: Uint8Array, at: number, col: KeyColumn, v: Cell): void {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    const hi = Math.floor(v / TWO_32); // within int32 for a safe integer
    const lo = v - hi * TWO_32; // 0 .. 2^32-1
    const h = ((hi | 0) ^ 0x80000000) >>> 0;
    buf[at] = h >>> 24; buf[at + 1] = (h >>> 16) & 0xff; buf[at + 2] = (h >>> 8) & 0xff; buf[at + 3] = h & 0xff;
    buf[at + 4] = lo >>> 24; buf[at + 5] = (lo >>> 16) & 0xff; buf[at + 6] = (lo >>> 8) & 0xff; buf[at + 7] = lo & 0xff;
  } else {
    i64[0] = intBig(col, v, 64);
    // Little-endian host (putFloat8 relies on the same) → big-endian bytes.
    for (let i = 0; i < 8; i++) buf[at + i] = i64b[7 - i]!;
    buf[at] = buf[at]! ^ 0x80;
  }
}

/** Key types stored as 8 bytes after the value marker (putInt64). */
export function isInt64KeyType(t: KeyType): boolean {
  return t === 'int8' || t === 'rowid' || t === 'time' || t === 'timestamp' || t === 'timestamptz';
}

/**
 * encodeKey([col], [v]) for a one-column int64-like key (isInt64KeyType) and a non-null value,
 * written into `into` (INT64_KEY_BYTES long) instead of a fresh array: a bulk load that hands
 * each key on before building the next reuses a couple of buffers instead of allocating one
 * typed array per row. Same bytes and errors as encodeKey.
 */
export function encodeInt64KeyInto(col: KeyColumn, v: Exclude<Cell, null>, into: Uint8Array): Uint8Array {
  into[0] = VALUE;
  writeInt64(into, 1, col, v);
  return into;
}

export const INT64_KEY_BYTES = 9;

function smallInt(col: KeyColumn, v: number, bits: 16 | 32): number {
  const lim = bits === 16 ? 0x8000 : 0x80000000;
  if (!Number.isInteger(v) || v < -lim || v >= lim) throw typeError(col, v);
  return v;
}

function putSmallInt(out: Out, n: number, bytes: 2 | 4): void {
  const u = (bytes === 2 ? (n & 0xffff) ^ 0x8000 : ((n | 0) ^ 0x80000000) >>> 0);
  out.ensure(bytes);
  for (let i = bytes - 1; i >= 0; i--) out.buf[out.len + i] = (u >>> ((bytes - 1 - i) * 8)) & 0xff;
  out.len += bytes;
}

const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

function putFloat8(out: Out, x: number): void {
  // IEEE 754 trick: positive → flip the sign bit; negative → flip all bits. -0 is 0 and every
  // NaN is the canonical NaN, which then sorts above +Infinity as PostgreSQL's float8 does.
  f64[0] = Number.isNaN(x) ? NaN : x === 0 ? 0 : x;
  const be = new Uint8Array(8);
  for (let i = 0; i < 8; i++) be[i] = f64b[7 - i]!; // little-endian host → big-endian
  if (be[0]! & 0x80) for (let i = 0; i < 8; i++) be[i] = ~be[i]! & 0xff;
  else be[0] = be[0]! | 0x80;
  out.bytes(be);
}

function putEscaped(out: Out, b: Uint8Array): void {
  // 0x00 → 0x00 0xFF; terminator 0x00 0x01, so a prefix sorts before its extensions.
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0) {
      out.byte(0);
      out.byte(0xff);
    } else out.byte(c);
  }
  out.byte(0);
  out.byte(1);
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function uuidBytes(col: KeyColumn, v: Cell): Uint8Array {
  if (v instanceof Uint8Array && v.length === 16) return v;
  if (typeof v === 'string' && UUID_RE.test(v)) return Uint8Array.from(Buffer.from(v.replace(/-/g, ''), 'hex'));
  throw typeError(col, v);
}

// numeric: class byte, then for finite non-zero values an exponent and base-100 digit pairs.
const NUM_NEG_INF = 0x01, NUM_NEG = 0x02, NUM_ZERO = 0x03, NUM_POS = 0x04, NUM_POS_INF = 0x05, NUM_NAN = 0x06;
const NUMERIC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Normalizes a decimal string into sign, digits without leading/trailing zeros, exponent E
 *  such that value = 0.d1d2d3... × 10^E. */
export function parseNumeric(s: string): { kind: 'nan' | 'inf' | '-inf' | 'zero' } | { kind: 'num'; neg: boolean; digits: string; exp: number } {
  const t = s.trim();
  const low = t.toLowerCase();
  if (low === 'nan') return { kind: 'nan' };
  if (low === 'infinity' || low === '+infinity' || low === 'inf') return { kind: 'inf' };
  if (low === '-infinity' || low === '-inf') return { kind: '-inf' };
  const m = NUMERIC_RE.exec(t);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new LsmError('XX000', `invalid numeric key value "${s}"`);
  const intPart = m[2]!;
  const frac = m[3] ?? '';
  let all = intPart + frac;
  let exp = intPart.length + (m[4] ? parseInt(m[4], 10) : 0);
  const lead = all.search(/[1-9]/);
  if (lead < 0) return { kind: 'zero' };
  all = all.slice(lead);
  exp -= lead;
  all = all.replace(/0+$/, '');
  return { kind: 'num', neg: m[1] === '-', digits: all, exp };
}

function putNumeric(out: Out, col: KeyColumn, v: Cell): void {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') throw typeError(col, v);
  const p = parseNumeric(typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : String(v));
  switch (p.kind) {
    case 'nan': out.byte(NUM_NAN); return;
    case 'inf': out.byte(NUM_POS_INF); return;
    case '-inf': out.byte(NUM_NEG_INF); return;
    case 'zero': out.byte(NUM_ZERO); return;
    case 'num': {
      out.byte(p.neg ? NUM_NEG : NUM_POS);
      // Larger exponent = larger magnitude; negatives invert every following byte.
      putSmallInt(out, p.neg ? -p.exp : p.exp, 4);
      const flip = p.neg ? 0xff : 0;
      for (let i = 0; i < p.digits.length; i += 2) {
        const d1 = p.digits.charCodeAt(i) - 48;
        const d2 = i + 1 < p.digits.length ? p.digits.charCodeAt(i + 1) - 48 : 0;
        out.byte((d1 * 10 + d2 + 1) ^ flip); // 1..100, never the terminator 0
      }
      out.byte(0 ^ flip);
      return;
    }
    default: {
      const never: never = p;
      throw new Error(`unreachable ${String(never)}`);
    }
  }
}

function putValue(out: Out, col: KeyColumn, v: Cell): void {
  switch (col.type) {
    case 'int2': putSmallInt(out, typeof v === 'number' ? smallInt(col, v, 16) : Number(intBig(col, v, 16)), 2); return;
    case 'int4':
    case 'date':
      putSmallInt(out, typeof v === 'number' ? smallInt(col, v, 32) : Number(intBig(col, v, 32)), 4); return;
    case 'int8':
    case 'rowid':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      putInt64(out, col, v); return;
    case 'float8':
      if (typeof v !== 'number') throw typeError(col, v);
      putFloat8(out, v); return;
    case 'numeric': putNumeric(out, col, v); return;
    case 'text':
      if (typeof v !== 'string') throw typeError(col, v);
      putEscaped(out, Buffer.from(v, 'utf8')); return;
    case 'bytea':
      if (!(v instanceof Uint8Array)) throw typeError(col, v);
      putEscaped(out, v); return;
    case 'bool':
      if (typeof v !== 'boolean') throw typeError(col, v);
      out.byte(v ? 1 : 0); return;
    case 'uuid': out.bytes(uuidBytes(col, v)); return;
    default: {
      const never: never = col.type;
      throw new Error(`unknown key type ${String(never)}`);
    }
  }
}

/** Encodes one key (all columns of a primary key, in order). */
export function encodeKey(schema: readonly KeyColumn[], values: readonly Cell[], keyBytesMax = KEY_BYTES_MAX): Uint8Array {
  if (values.length !== schema.length) throw new Error(`encodeKey: ${values.length} values for ${schema.length} key columns`);
  const out = new Out(keyBytesMax);
  for (let i = 0; i < schema.length; i++) {
    const col = schema[i]!;
    const v = values[i]!;
    if (v === null) out.byte(col.nullsLast ? NULL_LAST : NULL_FIRST);
    else {
      out.byte(VALUE);
      putValue(out, col, v);
    }
  }
  return out.result();
}

/** Encodes a prefix of a key (the first values.length columns): its encoding is a byte prefix
 *  of every full key that starts with these values, for prefix scans. */
export function encodeKeyPrefix(schema: readonly KeyColumn[], values: readonly Cell[]): Uint8Array {
  if (values.length > schema.length) throw new Error('encodeKeyPrefix: more values than key columns');
  return encodeKey(schema.slice(0, values.length), values);
}

/** The hidden row id key of a table without a primary key. */
export function encodeRowId(id: bigint): Uint8Array {
  return encodeKey([{ type: 'rowid' }], [id]);
}

/** The smallest byte string greater than every string that starts with `prefix`
 *  (undefined when the prefix is all 0xFF: no upper bound). */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i] = prefix[i]! + 1;
      return out;
    }
  }
  return undefined;
}
