// Total orders of internal values per type, as PostgreSQL's btree comparison functions define
// them (used by comparison operators, GREATEST/LEAST, ORDER BY and later sort/merge operators).
// Text compares by code point (= UTF-8 byte order, the "C" collation); bpchar ignores trailing
// spaces; floats put NaN above everything and equal to itself; intervals compare by their span
// with 30-day months.

import { Numeric, TypeOid, compareJsonb, parseJson } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { decCmp } from './decimal.js';
import { toDec } from './numeric.js';
import { arrayComparatorFor } from './array-values.js';

export type Cmp = (a: Value, b: Value) => number;

export function cmpNumber(a: Value, b: Value): number {
  const x = a as number, y = b as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function cmpFloat(a: Value, b: Value): number {
  const x = a as number, y = b as number;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  const nx = Number.isNaN(x), ny = Number.isNaN(y);
  return nx && ny ? 0 : nx ? 1 : -1;
}

export function cmpBigint(a: Value, b: Value): number {
  const x = a as bigint, y = b as bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Code-point order (UTF-16 order differs only when surrogates meet U+E000..U+FFFF). */
export function cmpText(a: Value, b: Value): number {
  const x = a as string, y = b as string;
  if (x === y) return 0;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const cx = x.charCodeAt(i), cy = y.charCodeAt(i);
    if (cx !== cy) {
      const sx = cx >= 0xd800 && cx <= 0xdfff, sy = cy >= 0xd800 && cy <= 0xdfff;
      if (sx !== sy) return sx ? 1 : -1;
      return cx < cy ? -1 : 1;
    }
  }
  return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
}

export function cmpBpchar(a: Value, b: Value): number {
  return cmpText((a as string).replace(/ +$/, ''), (b as string).replace(/ +$/, ''));
}

export function cmpBool(a: Value, b: Value): number {
  return a === b ? 0 : a ? 1 : -1;
}

export function cmpBytes(a: Value, b: Value): number {
  return Buffer.compare(a as Uint8Array, b as Uint8Array);
}

export interface IntervalValue {
  months: number;
  days: number;
  micros: bigint;
}

const DAY_US = 86_400_000_000n;
export function intervalSpan(v: IntervalValue): bigint {
  return BigInt(v.months) * 30n * DAY_US + BigInt(v.days) * DAY_US + v.micros;
}

export function cmpInterval(a: Value, b: Value): number {
  return cmpBigint(intervalSpan(a as IntervalValue), intervalSpan(b as IntervalValue));
}

/**
 * numeric_cmp straight on catalog's Numeric values (no text round trip: sorts and min/max call
 * this per pair). Anything that is not a Numeric instance keeps the text bridge, which accepts
 * every spelling numeric_in does.
 */
export function cmpNumeric(a: Value, b: Value): number {
  if (a instanceof Numeric && b instanceof Numeric) return a.cmp(b);
  return decCmp(toDec(a), toDec(b));
}

/** jsonb_cmp over the stored normal-form texts (object < array < boolean < number < string < null is PostgreSQL's rank, with its quirks; catalog owns it). */
const cmpJsonb: Cmp = (a, b) => compareJsonb(parseJson(a as string, true), parseJson(b as string, true));

export function comparatorFor(oid: number): Cmp | undefined {
  switch (oid) {
    case TypeOid.int2:
    case TypeOid.int4:
    case TypeOid.oid:
    case TypeOid.date:
      return cmpNumber;
    case TypeOid.regclass: // ordered as its OID (regclass/regnamespace have oid's btree opclass)
    case TypeOid.regnamespace:
      return (a, b) => cmpNumber((a as { oid: number }).oid, (b as { oid: number }).oid);
    case TypeOid.float4:
    case TypeOid.float8:
      return cmpFloat;
    case TypeOid.int8:
    case TypeOid.time:
    case TypeOid.timestamp:
    case TypeOid.timestamptz:
      return cmpBigint;
    case TypeOid.text:
    case TypeOid.varchar:
    case TypeOid.name:
    case TypeOid.char:
    case TypeOid.uuid:
    case TypeOid.unknown:
      return cmpText;
    case TypeOid.bpchar:
      return cmpBpchar;
    case TypeOid.bool:
      return cmpBool;
    case TypeOid.bytea:
      return cmpBytes;
    case TypeOid.interval:
      return cmpInterval;
    case TypeOid.numeric:
      return cmpNumeric;
    case TypeOid.jsonb:
      return cmpJsonb;
    default:
      return arrayComparatorFor(oid); // array_cmp over the element order; undefined otherwise
  }
}
