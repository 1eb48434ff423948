// binaryOut / binaryIn: PostgreSQL 15's send/recv formats (big-endian). Binary input whose length
// or content does not fit raises 22P03, worded as PostgreSQL words it where it has a message.
import { recordIn, recordSend, type PgRecord } from './record.js';
import { DbError } from '../errors.js';
import { arrayRecv, arraySend, type PgArray } from './array.js';
import { applyTypmod } from './text-codec.js';
import { badBinary, notSupported } from './errors.js';
import { normalizeJsonb, validateJson } from './json.js';
import { Numeric, NUMERIC_DSCALE_MAX, pow10 } from './numeric.js';
import { OID } from './oids.js';
import { typeByOid } from './registry.js';
import { truncateName } from './strings.js';
import { uuidFromBytes, uuidToBytes } from './uuid.js';
import { regclassParamFromBinary, type RegclassValue } from './regclass.js';
import type { Interval } from './values.js';

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;

function fixed(n: number): { buf: Uint8Array; view: DataView } {
  const buf = new Uint8Array(n);
  return { buf, view: new DataView(buf.buffer) };
}

/**
 * Four big-endian bytes of a 32-bit integer (signed or unsigned: the low 32 bits are the same).
 * The hot path of binary int4 results: one small allocation, no DataView.
 */
function be32(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, v >>> 16, v >>> 8, v);
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function binaryOut(oid: number, value: unknown): Uint8Array {
  switch (oid) {
    case OID.bool: return Uint8Array.of(value ? 1 : 0);
    case OID.int2: { const v = value as number; return Uint8Array.of(v >> 8, v); }
    case OID.int4: return be32(value as number);
    case OID.oid: case OID.regtype: return be32(value as number);
    case OID.regclass: case OID.regnamespace: return be32((value as RegclassValue).oid);
    case OID.int8: { const f = fixed(8); f.view.setBigInt64(0, value as bigint); return f.buf; }
    case OID.float4: { const f = fixed(4); f.view.setFloat32(0, value as number); return f.buf; }
    case OID.float8: { const f = fixed(8); f.view.setFloat64(0, value as number); return f.buf; }
    case OID.text: case OID.varchar: case OID.bpchar: case OID.name: case OID.unknown: case OID.json:
      return utf8.encode(value as string);
    case OID.jsonb: {
      const body = utf8.encode(value as string);
      const out = new Uint8Array(body.length + 1);
      out[0] = 1;
      out.set(body, 1);
      return out;
    }
    // charsend always sends one byte; the empty "char" is the zero byte.
    case OID.char: { const s = value as string; return Uint8Array.of(s.length === 0 ? 0 : s.charCodeAt(0) & 0xff); }
    case OID.bytea: return value as Uint8Array;
    case OID.numeric: return numericSend(value as Numeric);
    case OID.date: return be32(value as number);
    case OID.time: case OID.timestamp: case OID.timestamptz: { const f = fixed(8); f.view.setBigInt64(0, value as bigint); return f.buf; }
    case OID.interval: {
      const iv = value as Interval;
      const f = fixed(16);
      f.view.setBigInt64(0, iv.micros);
      f.view.setInt32(8, iv.days);
      f.view.setInt32(12, iv.months);
      return f.buf;
    }
    case OID.uuid: return uuidToBytes(value as string);
    case OID.void: return new Uint8Array(0);
    case OID.record: return recordSend(value as PgRecord, binaryOut);
    default: {
      const elem = arrayElem(oid);
      if (elem !== undefined) return arraySend(elem, value as PgArray, ELEM_BINARY);
      throw unsupported(oid);
    }
  }
}

function unsupported(oid: number): DbError {
  return notSupported(`type with OID ${oid} is not supported`);
}

function arrayElem(oid: number): number | undefined {
  const t = typeByOid(oid);
  return t !== undefined && t.typcategory === 'A' && t.typelem !== 0 ? t.typelem : undefined;
}

const ELEM_BINARY = { binaryIn: (oid: number, b: Uint8Array) => binaryIn(oid, b), binaryOut: (oid: number, v: unknown) => binaryOut(oid, v) };

/**
 * A fixed-width value of exactly n bytes. PostgreSQL's recv functions read with pq_getmsg*:
 * too few bytes is 08P01 "insufficient data left in message" ("no data left in message" for a
 * single byte), and bytes left over after recv is 22P03 "incorrect binary data format".
 */
/** need() without the DataView, for the int fast paths. */
function checkLen(b: Uint8Array, n: number): void {
  if (b.length < n) throw shortData(n === 1);
  if (b.length > n) throw badBinary();
}

function need(b: Uint8Array, n: number): DataView {
  if (b.length < n) throw shortData(n === 1);
  if (b.length > n) throw badBinary();
  return new DataView(b.buffer, b.byteOffset, b.length);
}

function shortData(singleByte = false): DbError {
  return new DbError('08P01', singleByte ? 'no data left in message' : 'insufficient data left in message');
}

// PostgreSQL's valid ranges (date.h / timestamp.h): days from 4714-11-24 BC to 5874897-12-31,
// and microseconds from 4714-11-24 BC 00:00 to 294277-01-01 00:00 (exclusive), infinities aside.
const DATE_MIN_DAYS_PG = -2451545;
const DATE_END_DAYS_PG = 2145031949;
const TS_MIN_PG = -211813488000000000n;
const TS_END_PG = 9223371331200000000n;

function dateRecv(b: Uint8Array): number {
  const d = need(b, 4).getInt32(0);
  if (d === 2147483647 || d === -2147483648) return d;
  if (d < DATE_MIN_DAYS_PG || d >= DATE_END_DAYS_PG) throw new DbError('22008', 'date out of range');
  return d;
}

function timestampRecv(b: Uint8Array): bigint {
  const t = need(b, 8).getBigInt64(0);
  if (t === 0x7fffffffffffffffn || t === -0x8000000000000000n) return t;
  if (t < TS_MIN_PG || t >= TS_END_PG) throw new DbError('22008', 'timestamp out of range');
  return t;
}

/** UTF-8 text from the wire: invalid sequences are 22021 as PostgreSQL reports them. */
export function decodeUtf8(b: Uint8Array): string {
  let s: string;
  try {
    s = utf8Strict.decode(b);
  } catch {
    throw invalidUtf8(b);
  }
  // PostgreSQL's encoding check rejects NUL inside text, too.
  if (s.indexOf('\u0000') >= 0) throw new DbError('22021', 'invalid byte sequence for encoding "UTF8": 0x00');
  return s;
}

function invalidUtf8(b: Uint8Array): DbError {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    let ok = len > 0 && i + len <= b.length;
    for (let k = 1; ok && k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok && len > 1 && utf8Strict.decode(b.subarray(i, i + len)).length === 0) ok = false;
    if (!ok || c === 0) {
      const shown = Array.from(b.subarray(i, Math.min(b.length, i + Math.max(len, 1))), (x) => '0x' + x.toString(16).padStart(2, '0'));
      if (c === 0) return new DbError('22021', 'invalid byte sequence for encoding "UTF8": 0x00');
      return new DbError('22021', `invalid byte sequence for encoding "UTF8": ${shown.join(' ')}`);
    }
    i += len;
  }
  return new DbError('22021', 'invalid byte sequence for encoding "UTF8"');
}

/**
 * Binary input (PostgreSQL's typreceive). With a typmod (COPY FROM ... BINARY into a typed
 * column), the value is coerced as the recv functions do: varchar/bpchar length (22001),
 * numeric(p,s), time/timestamp/interval precision. Bind parameters have no typmod (-1).
 */
export function binaryIn(oid: number, b: Uint8Array, typmod = -1): unknown {
  const v = binaryInRaw(oid, b);
  return typmod < 0 ? v : applyTypmod(oid, v, typmod, false);
}

function binaryInRaw(oid: number, b: Uint8Array): unknown {
  switch (oid) {
    case OID.bool: need(b, 1); return b[0] !== 0;
    case OID.int2: checkLen(b, 2); return ((b[0]! << 24) | (b[1]! << 16)) >> 16;
    case OID.int4: checkLen(b, 4); return (b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!;
    case OID.regclass: case OID.regnamespace: return regclassParamFromBinary(oid, b);
    case OID.oid: case OID.regtype: checkLen(b, 4); return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    case OID.int8: return need(b, 8).getBigInt64(0);
    case OID.float4: return need(b, 4).getFloat32(0);
    case OID.float8: return need(b, 8).getFloat64(0);
    case OID.text: case OID.varchar: case OID.bpchar: case OID.unknown:
      return decodeUtf8(b);
    case OID.name: return truncateName(decodeUtf8(b));
    case OID.json: return validateJson(decodeUtf8(b));
    case OID.jsonb: {
      if (b.length < 1) throw shortData();
      // jsonb_recv reports a bad version with elog(), i.e. XX000.
      if (b[0] !== 1) throw new DbError('XX000', `unsupported jsonb version number ${b[0]}`);
      return normalizeJsonb(decodeUtf8(b.subarray(1)));
    }
    case OID.char: { const c = need(b, 1).getUint8(0); return c === 0 ? '' : String.fromCharCode(c); }
    case OID.bytea: return Uint8Array.from(b);
    case OID.numeric: return numericRecv(b);
    case OID.date: return dateRecv(b);
    case OID.time: {
      const v = need(b, 8).getBigInt64(0);
      if (v < 0n || v > 86_400_000_000n) throw new DbError('22008', 'time out of range');
      return v;
    }
    case OID.timestamp: case OID.timestamptz: return timestampRecv(b);
    case OID.interval: {
      const v = need(b, 16);
      return { micros: v.getBigInt64(0), days: v.getInt32(8), months: v.getInt32(12) } satisfies Interval;
    }
    case OID.uuid: need(b, 16); return uuidFromBytes(b);
    case OID.void: return undefined;
    case OID.record: return recordIn();
    default: {
      const elem = arrayElem(oid);
      if (elem !== undefined) return arrayRecv(elem, b, ELEM_BINARY);
      throw unsupported(oid);
    }
  }
}

/** numeric_send: ndigits, weight, sign, dscale (int16 each), then base-10000 digits. */
export function numericSend(n: Numeric): Uint8Array {
  if (n.kind !== 'finite') {
    const f = fixed(8);
    const sign = n.kind === 'nan' ? NUMERIC_NAN : n.kind === 'pinf' ? NUMERIC_PINF : NUMERIC_NINF;
    f.view.setUint16(4, sign);
    // PostgreSQL reads the dscale of a special value out of its short header's dscale bits, so
    // ±Infinity go out with dscale 32 and NaN with 0; byte-exact output keeps that quirk.
    f.view.setUint16(6, (sign & 0x1f80) >> 7);
    return f.buf;
  }
  const neg = n.coef < 0n;
  let a = neg ? -n.coef : n.coef;
  const digits: number[] = [];
  let weight = 0;
  if (a !== 0n) {
    // Align the fraction to whole base-10000 digits, then peel digits off the low end.
    const fracDigits = Math.ceil(n.scale / 4);
    a *= pow10(fracDigits * 4 - n.scale);
    while (a > 0n) { digits.push(Number(a % 10000n)); a /= 10000n; }
    digits.reverse();
    weight = digits.length - 1 - fracDigits;
    while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop();
  }
  const f = fixed(8 + digits.length * 2);
  f.view.setInt16(0, digits.length);
  f.view.setInt16(2, weight);
  f.view.setUint16(4, neg ? NUMERIC_NEG : NUMERIC_POS);
  f.view.setUint16(6, n.scale);
  for (let i = 0; i < digits.length; i++) f.view.setInt16(8 + i * 2, digits[i]!);
  return f.buf;
}

/** numeric_recv, including PostgreSQL's truncation of digits beyond dscale. */
export function numericRecv(b: Uint8Array): Numeric {
  if (b.length < 8) throw shortData();
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const ndigits = v.getUint16(0); // read as uint16 by numeric_recv
  const weight = v.getInt16(2);
  const sign = v.getUint16(4);
  const dscale = v.getUint16(6);
  if (b.length < 8 + ndigits * 2) throw shortData();
  if (b.length > 8 + ndigits * 2) throw badBinary();
  if (sign === NUMERIC_NAN) return Numeric.NaN;
  if (sign === NUMERIC_PINF) return Numeric.POS_INF;
  if (sign === NUMERIC_NINF) return Numeric.NEG_INF;
  if (sign !== NUMERIC_POS && sign !== NUMERIC_NEG) throw new DbError('22P03', 'invalid sign in external "numeric" value');
  if (dscale > NUMERIC_DSCALE_MAX) throw new DbError('22P03', 'invalid scale in external "numeric" value');
  let acc = 0n;
  for (let i = 0; i < ndigits; i++) {
    const d = v.getInt16(8 + i * 2);
    if (d < 0 || d >= 10000) throw new DbError('22P03', 'invalid digit in external "numeric" value');
    acc = acc * 10000n + BigInt(d);
  }
  // value = acc × 10000^(weight - ndigits + 1) = acc × 10^exp10
  const exp10 = 4 * (weight - ndigits + 1);
  let coef: bigint;
  if (exp10 + dscale >= 0) coef = acc * pow10(exp10 + dscale);
  else coef = acc / pow10(-(exp10 + dscale)); // truncate digits beyond dscale
  return Numeric.of(sign === NUMERIC_NEG ? -coef : coef, dscale);
}
