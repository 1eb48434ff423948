// compareValues: PostgreSQL's default btree ordering of internal values, per type. Text sorts by
// UTF-8 bytes (the C collation); floats and numeric put NaN above everything and treat it as
// equal to itself; bpchar ignores trailing spaces; interval compares its 30-day-month key.
// hashKey gives a value whose SameValueZero equality matches compareValues() === 0.
import { DbError } from '../errors.js';
import { compareInterval, intervalKey } from './interval.js';
import { parseJson, type JsonValue } from './json.js';
import { Numeric } from './numeric.js';
import { compareArrays, type PgArray } from './array.js';
import { OID } from './oids.js';
import { typeByOid } from './registry.js';
import { bpcharTrim } from './strings.js';
import { compareRecords, type PgRecord } from './record.js';
import type { Interval } from './values.js';
import type { RegclassValue } from './regclass.js';

/** Compare JS strings in UTF-8 byte order (= code point order), not UTF-16 unit order. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+10000 and up) must sort after U+E000..U+FFFF: shift the ranges apart.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareFloat(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an === bn ? 0 : an ? 1 : -1;
}

function cmpPrim<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** PostgreSQL's compareValues for two non-null values of type `oid`: -1, 0 or 1. */
export function compareValues(oid: number, a: unknown, b: unknown): number {
  switch (oid) {
    case OID.int2: case OID.int4: case OID.oid: case OID.regtype: case OID.date:
      return cmpPrim(a as number, b as number);
    case OID.regclass: case OID.regnamespace:
      return cmpPrim((a as RegclassValue).oid, (b as RegclassValue).oid);
    case OID.int8: case OID.time: case OID.timestamp: case OID.timestamptz:
      return cmpPrim(a as bigint, b as bigint);
    case OID.float4: case OID.float8:
      return compareFloat(a as number, b as number);
    case OID.numeric:
      return (a as Numeric).cmp(b as Numeric);
    case OID.bool:
      return a === b ? 0 : a ? 1 : -1;
    case OID.text: case OID.varchar: case OID.name: case OID.unknown:
      return compareUtf8(a as string, b as string);
    case OID.bpchar:
      return compareUtf8(bpcharTrim(a as string), bpcharTrim(b as string));
    case OID.char:
      return cmpPrim(a as string, b as string);
    case OID.uuid:
      return cmpPrim(a as string, b as string);
    case OID.bytea:
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case OID.interval:
      return compareInterval(a as Interval, b as Interval);
    case OID.jsonb:
      return compareJsonb(parseJson(a as string), parseJson(b as string));
    case OID.json:
      throw new DbError('42883', 'could not identify a comparison function for type json');
    case OID.record:
      return compareRecords(a as PgRecord, b as PgRecord, compareValues);
    default: {
      const t = typeByOid(oid);
      if (t !== undefined && t.typcategory === 'A' && t.typelem !== 0) {
        const elem = t.typelem;
        return compareArrays(a as PgArray, b as PgArray, (x, y) => compareValues(elem, x, y));
      }
      throw new DbError('0A000', `comparison of values of type with OID ${oid} is not supported`);
    }
  }
}

/**
 * A key for hashing (GROUP BY, DISTINCT, hash joins): equal under compareValues ⇔ equal keys
 * (SameValueZero). Numbers stay numbers, so int keys cost nothing.
 */
export function hashKey(oid: number, v: unknown): unknown {
  switch (oid) {
    case OID.float4: case OID.float8:
      return v === 0 ? 0 : v; // -0 and 0 are one key; NaN is SameValueZero-equal to NaN
    case OID.numeric:
      return (v as Numeric).hashKey();
    case OID.bpchar:
      return bpcharTrim(v as string);
    case OID.bytea:
      return Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).length).toString('latin1');
    case OID.interval:
      return intervalKey(v as Interval);
    case OID.jsonb:
      return v; // the stored form is canonical
    case OID.regclass: case OID.regnamespace:
      return (v as RegclassValue).oid;
    case OID.record: {
      const r = v as PgRecord;
      return JSON.stringify(r.fields.map((x, i) => (x === null || x === undefined ? null : keyText(hashKey(r.types[i]!, x)))));
    }
    default: {
      const t = typeByOid(oid);
      if (t !== undefined && t.typcategory === 'A' && t.typelem !== 0) {
        // Arrays: a string of the element keys, dims and bounds (arrays are rare as keys).
        const a = v as PgArray;
        const elem = t.typelem;
        return JSON.stringify([a.dims, a.lbounds, a.values.map((x) => (x === null || x === undefined ? null : keyText(hashKey(elem, x))))]);
      }
      return v;
    }
  }
}

function jsonRank(v: JsonValue): number {
  // jsonb btree order: object > array > boolean > number > string > null
  switch (v.t) {
    case 'null': return 0;
    case 'str': return 1;
    case 'num': return 2;
    case 'bool': return 3;
    case 'arr': return 4;
    case 'obj': return 5;
    default: { const never: never = v; return never; }
  }
}

/**
 * jsonb ordering (PostgreSQL's compareJsonbContainers): different kinds by rank; arrays and
 * objects first by element count, then element-wise (objects key by key in storage order,
 * keys compared by length then bytes); strings by bytes; numbers as numeric.
 * (The empty top-level array sorts below null in PostgreSQL; that quirk is kept.)
 */
export function compareJsonb(a: JsonValue, b: JsonValue): number {
  if (a.t === 'arr' && a.items.length === 0 && b.t !== 'arr') return -1;
  if (b.t === 'arr' && b.items.length === 0 && a.t !== 'arr') return 1;
  const ra = jsonRank(a);
  const rb = jsonRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (a.t) {
    case 'null': return 0;
    case 'bool': return a.v === (b as typeof a).v ? 0 : a.v ? 1 : -1;
    case 'num': return Numeric.fromString(a.v).cmp(Numeric.fromString((b as typeof a).v));
    case 'str': return compareUtf8(a.v, (b as typeof a).v);
    case 'arr': {
      const bi = (b as typeof a).items;
      if (a.items.length !== bi.length) return a.items.length < bi.length ? -1 : 1;
      for (let i = 0; i < bi.length; i++) {
        const c = compareJsonb(a.items[i]!, bi[i]!);
        if (c !== 0) return c;
      }
      return 0;
    }
    case 'obj': {
      const ae = sortedEntries(a);
      const be = sortedEntries(b as typeof a);
      if (ae.length !== be.length) return ae.length < be.length ? -1 : 1;
      for (let i = 0; i < ae.length; i++) {
        const [ka, va] = ae[i]!;
        const [kb, vb] = be[i]!;
        const lk = Buffer.byteLength(ka) - Buffer.byteLength(kb);
        if (lk !== 0) return lk < 0 ? -1 : 1;
        const ck = compareUtf8(ka, kb);
        if (ck !== 0) return ck;
        const cv = compareJsonb(va, vb);
        if (cv !== 0) return cv;
      }
      return 0;
    }
    default: { const never: never = a; return never; }
  }
}

function sortedEntries(v: JsonValue & { t: 'obj' }): Array<[string, JsonValue]> {
  const m = new Map<string, JsonValue>();
  for (const [k, x] of v.entries) m.set(k, x);
  return [...m].sort((x, y) => Buffer.byteLength(x[0]) - Buffer.byteLength(y[0]) || compareUtf8(x[0], y[0]));
}

/** A hash key as text, for composite keys (bigint and Uint8Array safe). */
function keyText(k: unknown): string {
  return typeof k === 'bigint' ? `${k}n` : typeof k === 'number' ? (Number.isNaN(k) ? 'NaN' : String(k)) : typeof k === 'string' ? `s${k}` : JSON.stringify(k);
}
