// Which casts exist (pg_cast, with their context) and how each one converts a value.
// Context letters as in pg_cast.castcontext: 'i' implicit (applied silently when resolving
// operators and functions), 'a' assignment, 'e' explicit only (`::`, CAST).
//
// Invariant: a cast either converts with PostgreSQL's result and errors, or does not exist here
// (then the binder reports 42846 "cannot cast type X to Y").

import { DbError, TypeOid, formatType, isTimestampInfinite, isValidTimestamp, offsetAt, resolveZone, textIn, textOut } from '../../catalog/index.js';
import type { FormatSettings } from '../api.js';
import type { Impl, Value } from './expr.js';
import { isStringType } from './types.js';
import { numericToFloat, numericToInt, floatToNumeric, intToNumeric, numericTypmodApply, numericFromString } from '../eval/numeric.js';
import { jsonbToScalar } from '../funcs/json.js';
import { intervalIn, intervalTypmodApply } from '../eval/interval-typmod.js';
import type { Interval } from '../../catalog/index.js';
import { arrayCastContext, arrayCastImpl } from './array-cast.js';
import { regclassCastImpl } from '../funcs/pg-catalog-regclass.js';

export type CastContext = 'i' | 'a' | 'e';

const O = TypeOid;
const CASTS = new Map<string, CastContext>();
function add(ctx: CastContext, from: number, ...to: number[]): void {
  for (const t of to) CASTS.set(`${from}:${t}`, ctx);
}
add('i', O.int2, O.int4, O.int8, O.float4, O.float8, O.numeric, O.oid);
add('i', O.int4, O.int8, O.float4, O.float8, O.numeric, O.oid);
add('i', O.int8, O.float4, O.float8, O.numeric, O.oid);
add('i', O.oid, O.int8);
add('a', O.oid, O.int4);
add('i', O.float4, O.float8);
add('a', O.float4, O.numeric);
add('a', O.float4, O.int2, O.int4, O.int8);
add('a', O.float8, O.int2, O.int4, O.int8, O.float4, O.numeric);
add('a', O.int4, O.int2);
add('a', O.int8, O.int2, O.int4);
add('i', O.numeric, O.float4, O.float8);
add('a', O.numeric, O.int2, O.int4, O.int8);
add('e', O.int4, O.bool, O.char);
add('e', O.bool, O.int4);
add('e', O.char, O.int4);
add('i', O.text, O.varchar, O.bpchar, O.name);
add('i', O.varchar, O.text, O.bpchar, O.name);
add('i', O.bpchar, O.text, O.varchar, O.name);
add('i', O.name, O.text);
add('a', O.name, O.varchar, O.bpchar);
add('i', O.char, O.text);
add('a', O.char, O.varchar, O.bpchar);
add('a', O.text, O.char);
add('a', O.varchar, O.char);
add('a', O.bpchar, O.char);
add('i', O.date, O.timestamp, O.timestamptz);
add('i', O.timestamp, O.timestamptz);
add('a', O.timestamp, O.date, O.time);
add('a', O.timestamptz, O.date, O.time, O.timestamp);
add('i', O.time, O.interval);
add('a', O.interval, O.time);
add('a', O.json, O.jsonb);
add('e', O.jsonb, O.bool, O.int2, O.int4, O.int8, O.numeric, O.float4, O.float8);
add('e', O.jsonb, O.json);
// regtype is an oid that prints as a type name: binary coercible with oid and int4 (pg_cast).
add('i', O.oid, O.regtype);
add('i', O.regtype, O.oid);
add('i', O.int2, O.regtype);
add('i', O.int4, O.regtype);
add('i', O.int8, O.regtype);
add('a', O.regtype, O.int4, O.int8);
// regclass: binary coercible with the integer OIDs; text/varchar read a relation name (pg_cast).
add('i', O.oid, O.regclass);
add('i', O.regclass, O.oid);
add('i', O.int2, O.regclass);
add('i', O.int4, O.regclass);
add('i', O.int8, O.regclass);
add('a', O.regclass, O.int4, O.int8);
add('i', O.text, O.regclass);
add('i', O.varchar, O.regclass);
// regnamespace: binary coercible with the integer OIDs (pg_cast); text input is an I/O cast.
add('i', O.oid, O.regnamespace);
add('i', O.regnamespace, O.oid);
add('i', O.int2, O.regnamespace);
add('i', O.int4, O.regnamespace);
add('i', O.int8, O.regnamespace);
add('a', O.regnamespace, O.int4, O.int8);

/** The cast's context, or undefined when no cast exists. Same type → 'i' (length coercion). */
export function castContext(from: number, to: number): CastContext | undefined {
  if (from === to) return 'i';
  const c = CASTS.get(`${from}:${to}`);
  if (c !== undefined) return c;
  const ac = arrayCastContext(from, to); // int4[] → int8[] follows int4 → int8
  if (ac !== undefined) return ac;
  // I/O conversion casts: to a string type from anything (assignment), from a string type to
  // anything (explicit), as PostgreSQL's find_coercion_pathway allows.
  if (to === O.text || to === O.varchar || to === O.bpchar || to === O.name) return from === O.unknown ? 'i' : 'a';
  if (isStringType(from) && from !== O.unknown) return 'e';
  if (from === O.unknown) return 'i';
  return undefined;
}

export function canCoerce(from: number, to: number, ctx: CastContext): boolean {
  const c = castContext(from, to);
  if (c === undefined) return false;
  if (ctx === 'e') return true;
  if (ctx === 'a') return c !== 'e';
  return c === 'i';
}

const INT2_MIN = -32768, INT2_MAX = 32767, INT4_MIN = -2147483648, INT4_MAX = 2147483647;
const INT8_MIN = -(1n << 63n), INT8_MAX = (1n << 63n) - 1n;

export function int2Check(v: number): number {
  if (v < INT2_MIN || v > INT2_MAX) throw new DbError('22003', 'smallint out of range');
  return v;
}
export function int4Check(v: number): number {
  if (v < INT4_MIN || v > INT4_MAX) throw new DbError('22003', 'integer out of range');
  return v;
}
export function int8Check(v: bigint): bigint {
  if (v < INT8_MIN || v > INT8_MAX) throw new DbError('22003', 'bigint out of range');
  return v;
}

/** PostgreSQL's rint(): round half to even (float → integer casts). */
export function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A bigint as a number, clamped far outside every int4 range so range checks still fail. */
function bigToNumberClamped(v: bigint): number {
  return v > 1n << 40n ? 2 ** 40 : v < -(1n << 40n) ? -(2 ** 40) : Number(v);
}

function floatToInt(x: number, to: number): Value {
  if (Number.isNaN(x)) {
    throw new DbError('22003', to === O.int2 ? 'smallint out of range' : to === O.int4 ? 'integer out of range' : 'bigint out of range');
  }
  const r = rint(x);
  if (to === O.int2) return int2Check(Number.isFinite(r) ? r : Infinity);
  if (to === O.int4) return int4Check(Number.isFinite(r) ? r : Infinity);
  if (!Number.isFinite(r) || r < -9223372036854775808 || r >= 9223372036854775808) throw new DbError('22003', 'bigint out of range');
  return BigInt(r);
}

function float4Check(x: number, orig: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f) && Number.isFinite(orig)) throw new DbError('22003', 'value out of range: overflow');
  if (f === 0 && orig !== 0) throw new DbError('22003', 'value out of range: underflow');
  return f;
}

/**
 * The conversion function for a cast from `from` to `to` (typmod applied), or undefined when
 * no cast exists. `explicit` matters for varchar/bpchar length (explicit casts truncate).
 */
export function castImpl(from: number, to: number, typmod: number, explicit: boolean): Impl | undefined {
  if (castContext(from, to) === undefined) return undefined;
  const viaText = (v: Value, fmt: FormatSettings): Value => textIn(to, textOut(from, v, fmt), fmt, typmod, { explicitCast: explicit });
  const regclass = regclassCastImpl(from, to, isStringType); // needs the session: planner/funcs
  if (regclass !== undefined) return regclass;
  const arrays = arrayCastImpl(from, to, typmod, explicit);
  if (arrays !== undefined) return arrays;
  if (from === to) {
    if (typmod < 0) return (a) => a[0];
    if (to === O.numeric) return (a) => numericTypmodApply(a[0], typmod);
    if (to === O.interval) return (a) => intervalTypmodApply(a[0] as Interval, typmod);
    if (isStringType(to)) return (a, ctx) => textIn(to, a[0] as string, ctx.fmt, typmod, { explicitCast: explicit });
    return (a) => a[0];
  }
  if (from === O.jsonb && to !== O.json && !isStringType(to)) {
    // jsonb_bool / jsonb_int4 / jsonb_numeric ...: the JSON scalar, then numeric's own cast.
    const name = formatType(to);
    const numToTarget = to === O.numeric ? undefined : castImpl(O.numeric, to, typmod, explicit);
    return (a, ctx) => {
      const j = jsonbToScalar(a[0], to, name);
      if (j.t === 'bool') return j.v;
      const n = numericFromString((j as { v: string }).v);
      return numToTarget ? numToTarget([n], ctx) : numericTypmodApply(n, typmod);
    };
  }
  const ints = from === O.int2 || from === O.int4 || from === O.oid || from === O.regtype;
  switch (to) {
    case O.int2:
    case O.int4:
      if (ints) return to === O.int2 ? (a) => int2Check(a[0] as number) : (a) => int4Check(a[0] as number);
      if (from === O.int8) return (a) => (to === O.int2 ? int2Check : int4Check)(bigToNumberClamped(a[0] as bigint));
      if (from === O.float4 || from === O.float8) return (a) => floatToInt(a[0] as number, to);
      if (from === O.numeric) return (a) => numericToInt(a[0], to);
      if (from === O.bool) return (a) => (a[0] ? 1 : 0);
      if (from === O.char) return (a) => { const s = a[0] as string; return s.length === 0 ? 0 : ((s.charCodeAt(0) << 24) >> 24); };
      break;
    case O.int8:
      if (ints) return (a) => BigInt(a[0] as number);
      if (from === O.float4 || from === O.float8) return (a) => floatToInt(a[0] as number, to);
      if (from === O.numeric) return (a) => numericToInt(a[0], to);
      break;
    case O.regtype:
    case O.oid:
      if (from === O.oid || from === O.regtype) return (a) => a[0];
      if (from === O.int2 || from === O.int4) return (a) => { const v = a[0] as number; return v < 0 ? v + 4294967296 : v; };
      if (from === O.int8) return (a) => { const v = a[0] as bigint; if (v < -2147483648n || v > 4294967295n) throw new DbError('22003', 'OID out of range'); return Number(v < 0n ? v + 4294967296n : v); };
      break;
    case O.float4:
      if (ints) return (a) => Math.fround(a[0] as number);
      if (from === O.int8) return (a) => Math.fround(Number(a[0] as bigint));
      if (from === O.float8) return (a) => float4Check(a[0] as number, a[0] as number);
      if (from === O.numeric) return (a) => numericToFloat(a[0], true);
      break;
    case O.float8:
      if (ints || from === O.float4) return (a) => a[0];
      if (from === O.int8) return (a) => Number(a[0] as bigint);
      if (from === O.numeric) return (a) => numericToFloat(a[0]);
      break;
    case O.numeric:
      if (ints || from === O.int8) return (a, ctx) => numericTypmodApply(intToNumeric(a[0] as number | bigint, ctx.fmt), typmod);
      if (from === O.float4 || from === O.float8) return (a) => numericTypmodApply(floatToNumeric(a[0] as number, from === O.float4), typmod);
      break;
    case O.bool:
      if (from === O.int4) return (a) => a[0] !== 0;
      break;
    case O.char:
      if (from === O.int4) return (a) => { const v = a[0] as number; if (v < -128 || v > 127) throw new DbError('22003', '"char" out of range'); return v === 0 ? '' : String.fromCharCode(v & 0xff); };
      if (isStringType(from)) return (a) => { const s = a[0] as string; return s.length === 0 ? '' : String.fromCodePoint(s.codePointAt(0)!); };
      break;
    case O.text:
    case O.varchar:
    case O.bpchar:
    case O.name:
      if (isStringType(from) && from !== O.bpchar) return (a, ctx) => textIn(to, a[0] as string, ctx.fmt, typmod, { explicitCast: explicit });
      if (from === O.bpchar) return (a, ctx) => textIn(to, (a[0] as string).replace(/ +$/, ''), ctx.fmt, typmod, { explicitCast: explicit });
      if (from === O.char) return (a, ctx) => textIn(to, a[0] as string, ctx.fmt, typmod, { explicitCast: explicit });
      // bool's cast to text spells the word out (booltext), unlike its output function.
      if (from === O.bool) return (a, ctx) => textIn(to, a[0] ? 'true' : 'false', ctx.fmt, typmod, { explicitCast: explicit });
      return (a, ctx) => viaText(a[0], ctx.fmt);
    case O.timestamp:
      // timestamptz2timestamp: the wall clock in the session's zone, without a trip through text
      // (pgbench's tpcb INSERT casts CURRENT_TIMESTAMP so on every transaction). With a typmod
      // the rounding stays with the text path.
      if (from === O.timestamptz && typmod < 0) return (a, ctx) => timestamptzToLocal(a[0] as bigint, ctx.fmt);
      break;
    default:
      break;
  }
  if (to === O.interval && typmod >= 0 && isStringType(from)) return (a, ctx) => intervalIn(a[0] as string, typmod, ctx.fmt);
  // Everything else that has a pg_cast entry or is an I/O conversion goes through text, which
  // gives PostgreSQL's results for the date/time family and string sources.
  return (a, ctx) => viaText(a[0], ctx.fmt);
}

function timestamptzToLocal(t: bigint, fmt: FormatSettings): bigint {
  if (isTimestampInfinite(t)) return t;
  const zone = resolveZone(fmt.timeZone);
  if (zone === undefined) throw new DbError('22023', `time zone "${fmt.timeZone}" not recognized`);
  const local = t + BigInt(offsetAt(zone, t)) * 1_000_000n;
  if (!isValidTimestamp(local)) throw new DbError('22008', 'timestamp out of range');
  return local;
}
