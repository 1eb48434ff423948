// The type registry: one immutable row per built-in type, shaped like pg_type, plus name lookup
// as the binder needs it and format_type() as error messages and pg_catalog need it.
// Invariant: rows are frozen and built once per process from constant data (no mutable state).
import { OID, VARHDRSZ } from './oids.js';

/** pg_type.typcategory letters PostgreSQL uses for the built-in types. */
export type TypCategory = 'A' | 'B' | 'D' | 'N' | 'P' | 'S' | 'T' | 'U' | 'X' | 'Z';

export interface TypeInfo {
  readonly oid: number;
  readonly typname: string;
  /** pg_type.typlen: bytes, -1 varlena, -2 cstring-like (unknown). */
  readonly typlen: number;
  readonly typbyval: boolean;
  readonly typcategory: TypCategory;
  readonly typispreferred: boolean;
  /** pg_type.typalign: 'c' | 's' | 'i' | 'd'. */
  readonly typalign: 'c' | 's' | 'i' | 'd';
  /** OID of the array type whose elements are this type, 0 when none. */
  readonly typarray: number;
  /** For array types: the element type OID, else 0 (name's typelem 18 is PostgreSQL's quirk). */
  readonly typelem: number;
}

type Row = [oid: number, typname: string, typlen: number, byval: boolean, cat: TypCategory, preferred: boolean, align: TypeInfo['typalign'], typarray: number, typelem: number];

// Values copied from PostgreSQL 15's pg_type (checked with a live server).
const BASE_ROWS: readonly Row[] = [
  [OID.bool, 'bool', 1, true, 'B', true, 'c', OID._bool, 0],
  [OID.bytea, 'bytea', -1, false, 'U', false, 'i', OID._bytea, 0],
  [OID.char, 'char', 1, true, 'Z', false, 'c', OID._char, 0],
  [OID.name, 'name', 64, false, 'S', false, 'c', OID._name, OID.char],
  [OID.int8, 'int8', 8, true, 'N', false, 'd', OID._int8, 0],
  [OID.int2, 'int2', 2, true, 'N', false, 's', OID._int2, 0],
  [OID.int4, 'int4', 4, true, 'N', false, 'i', OID._int4, 0],
  [OID.text, 'text', -1, false, 'S', true, 'i', OID._text, 0],
  [OID.oid, 'oid', 4, true, 'N', true, 'i', OID._oid, 0],
  [OID.json, 'json', -1, false, 'U', false, 'i', OID._json, 0],
  [OID.float4, 'float4', 4, true, 'N', false, 'i', OID._float4, 0],
  [OID.float8, 'float8', 8, true, 'N', true, 'd', OID._float8, 0],
  [OID.unknown, 'unknown', -2, false, 'X', false, 'c', 0, 0],
  [OID.bpchar, 'bpchar', -1, false, 'S', false, 'i', OID._bpchar, 0],
  [OID.varchar, 'varchar', -1, false, 'S', false, 'i', OID._varchar, 0],
  [OID.date, 'date', 4, true, 'D', false, 'i', OID._date, 0],
  [OID.time, 'time', 8, true, 'D', false, 'd', OID._time, 0],
  [OID.timestamp, 'timestamp', 8, true, 'D', false, 'd', OID._timestamp, 0],
  [OID.timestamptz, 'timestamptz', 8, true, 'D', true, 'd', OID._timestamptz, 0],
  [OID.interval, 'interval', 16, false, 'T', true, 'd', OID._interval, 0],
  [OID.numeric, 'numeric', -1, false, 'N', false, 'i', OID._numeric, 0],
  [OID.void, 'void', 4, true, 'P', false, 'i', 0, 0],
  [OID.uuid, 'uuid', 16, false, 'U', false, 'c', OID._uuid, 0],
  [OID.jsonb, 'jsonb', -1, false, 'U', false, 'i', OID._jsonb, 0],
  [OID.regtype, 'regtype', 4, true, 'N', false, 'i', OID._regtype, 0],
  [OID.regclass, 'regclass', 4, true, 'N', false, 'i', OID._regclass, 0],
  [OID.regnamespace, 'regnamespace', 4, true, 'N', false, 'i', OID._regnamespace, 0],
  [OID.record, 'record', -1, false, 'P', false, 'd', OID._record, 0],
];

function freezeRow(r: Row): TypeInfo {
  return Object.freeze({ oid: r[0], typname: r[1], typlen: r[2], typbyval: r[3], typcategory: r[4], typispreferred: r[5], typalign: r[6], typarray: r[7], typelem: r[8] });
}

function arrayRow(elem: TypeInfo): TypeInfo {
  // Array alignment follows the element's ('d' for 8-byte-aligned elements, else 'i').
  return Object.freeze({ oid: elem.typarray, typname: '_' + elem.typname, typlen: -1, typbyval: false, typcategory: 'A' as const, typispreferred: false, typalign: elem.typalign === 'd' ? 'd' : 'i', typarray: 0, typelem: elem.oid });
}

const BASE_TYPES: readonly TypeInfo[] = BASE_ROWS.map(freezeRow);
/** Every registered type, base types first, then their array types. */
export const ALL_TYPES: readonly TypeInfo[] = Object.freeze([...BASE_TYPES, ...BASE_TYPES.filter((t) => t.typarray !== 0).map(arrayRow)]);

const BY_OID: ReadonlyMap<number, TypeInfo> = new Map(ALL_TYPES.map((t) => [t.oid, t]));

/** SQL spellings that are not typnames, as libpg-query or users may hand them to us. */
const ALIASES: ReadonlyMap<string, number> = new Map<string, number>([
  ['int', OID.int4],
  ['integer', OID.int4],
  ['smallint', OID.int2],
  ['bigint', OID.int8],
  ['real', OID.float4],
  ['float', OID.float8],
  ['double precision', OID.float8],
  ['decimal', OID.numeric],
  ['dec', OID.numeric],
  ['boolean', OID.bool],
  ['character varying', OID.varchar],
  ['char varying', OID.varchar],
  ['character', OID.bpchar],
  ['timestamp without time zone', OID.timestamp],
  ['timestamp with time zone', OID.timestamptz],
  ['time without time zone', OID.time],
]);

const BY_NAME: ReadonlyMap<string, TypeInfo> = new Map([
  ...ALL_TYPES.map((t) => [t.typname, t] as [string, TypeInfo]),
  ...[...ALIASES].map(([n, oid]) => [n, BY_OID.get(oid)!] as [string, TypeInfo]),
]);

/** The registry row for an OID, or undefined for types Pyralog does not know. */
export function typeByOid(oid: number): TypeInfo | undefined {
  return BY_OID.get(oid);
}

/**
 * Look a type up by a libpg-query TypeName `names` list: ['pg_catalog','int4'], ['varchar'],
 * ['timestamptz'], or an SQL spelling (['integer'], ['double precision']). A schema other than
 * pg_catalog finds nothing. Note `['char']` is the one-byte "char" type (18): libpg-query turns
 * SQL `char(n)` into ['pg_catalog','bpchar'] itself.
 */
export function lookupType(names: readonly string[]): TypeInfo | undefined {
  if (names.length === 0 || names.length > 2) return undefined;
  if (names.length === 2 && names[0] !== 'pg_catalog') return undefined;
  return BY_NAME.get(names[names.length - 1]!);
}

/** The array type of an element type, or undefined. */
export function arrayTypeOf(elemOid: number): TypeInfo | undefined {
  const t = BY_OID.get(elemOid);
  return t && t.typarray !== 0 ? BY_OID.get(t.typarray) : undefined;
}

/** varchar(n)/bpchar(n) typmod for a declared length n (PostgreSQL stores n + VARHDRSZ). */
export function charTypmod(length: number): number {
  return length + VARHDRSZ;
}

/** numeric(p,s) typmod as PostgreSQL 15 packs it (scale may be negative: 11-bit two's complement). */
export function numericTypmod(precision: number, scale: number): number {
  return ((precision << 16) | (scale & 0x7ff)) + VARHDRSZ;
}

export function numericTypmodPrecision(typmod: number): number {
  return ((typmod - VARHDRSZ) >> 16) & 0xffff;
}

export function numericTypmodScale(typmod: number): number {
  return ((((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024);
}

/** A numeric typmod is valid when it is at least VARHDRSZ (PostgreSQL's is_valid_numeric_typmod). */
export function isValidNumericTypmod(typmod: number): boolean {
  return typmod >= VARHDRSZ;
}

// interval typmod = (range bits << 16) | precision; range bits are 1 << {MONTH 1, YEAR 2, DAY 3,
// HOUR 10, MINUTE 11, SECOND 12}; 0x7FFF is the full range and 0xFFFF "no precision".
const INTERVAL_FIELDS: ReadonlyMap<number, string> = new Map([
  [1 << 2, ' year'], [1 << 1, ' month'], [1 << 3, ' day'], [1 << 10, ' hour'], [1 << 11, ' minute'], [1 << 12, ' second'],
  [(1 << 2) | (1 << 1), ' year to month'], [(1 << 3) | (1 << 10), ' day to hour'], [(1 << 3) | (1 << 10) | (1 << 11), ' day to minute'],
  [(1 << 3) | (1 << 10) | (1 << 11) | (1 << 12), ' day to second'], [(1 << 10) | (1 << 11), ' hour to minute'],
  [(1 << 10) | (1 << 11) | (1 << 12), ' hour to second'], [(1 << 11) | (1 << 12), ' minute to second'],
]);

/** intervaltypmodout: ' day to second(3)', '(2)', or '' for the full range without precision. */
function intervalTypmodOut(typmod: number): string {
  if (typmod < 0) return '';
  const range = (typmod >>> 16) & 0x7fff;
  const precision = typmod & 0xffff;
  const fields = range === 0x7fff ? '' : INTERVAL_FIELDS.get(range) ?? '';
  return precision !== 0xffff ? `${fields}(${precision})` : fields;
}

/**
 * PostgreSQL's format_type(oid, typmod): the SQL spelling used in error messages,
 * `\d` output and information_schema ('character varying(3)', 'numeric(10,2)', 'integer[]').
 */
export function formatType(oid: number, typmod = -1): string {
  const t = BY_OID.get(oid);
  if (t === undefined) return '???';
  if (t.typcategory === 'A' && t.typelem !== 0) return formatType(t.typelem, typmod) + '[]';
  switch (oid) {
    case OID.bool: return 'boolean';
    case OID.int2: return 'smallint';
    case OID.int4: return 'integer';
    case OID.int8: return 'bigint';
    case OID.float4: return 'real';
    case OID.float8: return 'double precision';
    case OID.char: return '"char"';
    // Without a typmod PostgreSQL prints the internal name: only character(n) is "character".
    case OID.bpchar: return typmod >= VARHDRSZ ? `character(${typmod - VARHDRSZ})` : 'bpchar';
    case OID.varchar: return typmod >= VARHDRSZ ? `character varying(${typmod - VARHDRSZ})` : 'character varying';
    case OID.numeric: return typmod >= VARHDRSZ ? `numeric(${numericTypmodPrecision(typmod)},${numericTypmodScale(typmod)})` : 'numeric';
    case OID.time: return typmod >= 0 ? `time(${typmod}) without time zone` : 'time without time zone';
    case OID.timestamp: return typmod >= 0 ? `timestamp(${typmod}) without time zone` : 'timestamp without time zone';
    case OID.timestamptz: return typmod >= 0 ? `timestamp(${typmod}) with time zone` : 'timestamp with time zone';
    case OID.interval: return 'interval' + intervalTypmodOut(typmod);
    default: return t.typname;
  }
}
