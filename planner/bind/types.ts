// SQL types as the binder sees them: an OID plus a typmod, with the facts PostgreSQL's type
// resolution needs (category, preferred type, length) for every type the engine evaluates.
// The OIDs, names and text codecs themselves belong to catalog/; this file only adds what the
// operator/function resolution rules read (pg_type.typcategory/typispreferred/typlen).

import { DbError, TypeOid, formatType, lookupType, typeByOid } from '../../catalog/index.js';

export interface SqlType {
  readonly oid: number;
  /** atttypmod; -1 when none. */
  readonly typmod: number;
}

/** Category letters as in pg_type.typcategory. */
export type Category = 'B' | 'N' | 'S' | 'D' | 'T' | 'U' | 'X' | 'Z' | 'P' | 'A';

interface TypeFacts {
  category: Category;
  preferred: boolean;
  /** pg_type.typlen (RowDescription). */
  len: number;
}

const FACTS = new Map<number, TypeFacts>([
  [TypeOid.bool, { category: 'B', preferred: true, len: 1 }],
  [TypeOid.int2, { category: 'N', preferred: false, len: 2 }],
  [TypeOid.int4, { category: 'N', preferred: false, len: 4 }],
  [TypeOid.int8, { category: 'N', preferred: false, len: 8 }],
  [TypeOid.oid, { category: 'N', preferred: true, len: 4 }],
  [TypeOid.float4, { category: 'N', preferred: false, len: 4 }],
  [TypeOid.float8, { category: 'N', preferred: true, len: 8 }],
  [TypeOid.numeric, { category: 'N', preferred: false, len: -1 }],
  [TypeOid.text, { category: 'S', preferred: true, len: -1 }],
  [TypeOid.varchar, { category: 'S', preferred: false, len: -1 }],
  [TypeOid.bpchar, { category: 'S', preferred: false, len: -1 }],
  [TypeOid.name, { category: 'S', preferred: false, len: 64 }],
  [TypeOid.char, { category: 'Z', preferred: false, len: 1 }],
  [TypeOid.bytea, { category: 'U', preferred: false, len: -1 }],
  [TypeOid.json, { category: 'U', preferred: false, len: -1 }],
  [TypeOid.jsonb, { category: 'U', preferred: false, len: -1 }],
  [TypeOid.uuid, { category: 'U', preferred: false, len: 16 }],
  [TypeOid.date, { category: 'D', preferred: false, len: 4 }],
  [TypeOid.time, { category: 'D', preferred: false, len: 8 }],
  [TypeOid.timestamp, { category: 'D', preferred: false, len: 8 }],
  [TypeOid.timestamptz, { category: 'D', preferred: true, len: 8 }],
  [TypeOid.interval, { category: 'T', preferred: true, len: 16 }],
  [TypeOid.unknown, { category: 'X', preferred: false, len: -2 }],
  [TypeOid.void, { category: 'P', preferred: false, len: 4 }],
  [TypeOid.regtype, { category: 'N', preferred: false, len: 4 }],
  [TypeOid.regclass, { category: 'N', preferred: false, len: 4 }],
  [TypeOid.regnamespace, { category: 'N', preferred: false, len: 4 }],
  [TypeOid.record, { category: 'P', preferred: false, len: -1 }],
]);

export function typeKnown(oid: number): boolean {
  return FACTS.has(oid);
}

export function category(oid: number): Category {
  // Array types (_int4, ...) are category 'A' as in pg_type; see array-types.ts.
  return FACTS.get(oid)?.category ?? (typeByOid(oid)?.typcategory === 'A' ? 'A' : 'U');
}

export function isPreferred(oid: number): boolean {
  return FACTS.get(oid)?.preferred ?? false;
}

export function typeLen(oid: number): number {
  return FACTS.get(oid)?.len ?? -1;
}

export function t(oid: number, typmod = -1): SqlType {
  return typmod === -1 ? (SIMPLE.get(oid) ?? { oid, typmod }) : { oid, typmod };
}
const SIMPLE = new Map<number, SqlType>([...FACTS.keys()].map((oid) => [oid, Object.freeze({ oid, typmod: -1 })]));

export const T = {
  bool: t(TypeOid.bool), int2: t(TypeOid.int2), int4: t(TypeOid.int4), int8: t(TypeOid.int8),
  oid: t(TypeOid.oid), float4: t(TypeOid.float4), float8: t(TypeOid.float8), numeric: t(TypeOid.numeric),
  text: t(TypeOid.text), varchar: t(TypeOid.varchar), bpchar: t(TypeOid.bpchar), name: t(TypeOid.name),
  char: t(TypeOid.char), bytea: t(TypeOid.bytea), uuid: t(TypeOid.uuid), json: t(TypeOid.json),
  jsonb: t(TypeOid.jsonb), date: t(TypeOid.date), time: t(TypeOid.time), timestamp: t(TypeOid.timestamp),
  timestamptz: t(TypeOid.timestamptz), interval: t(TypeOid.interval), unknown: t(TypeOid.unknown),
  void: t(TypeOid.void), regtype: t(TypeOid.regtype), regclass: t(TypeOid.regclass), regnamespace: t(TypeOid.regnamespace), record: t(TypeOid.record),
} as const;

/** The spelling PostgreSQL uses in messages ("integer", "character varying(3)"). */
export function typeName(ty: SqlType | number): string {
  return typeof ty === 'number' ? formatType(ty) : formatType(ty.oid, ty.typmod);
}

/** SQL and internal spellings a TypeName may carry → OID. */
const NAMES = new Map<string, number>([
  ['bool', TypeOid.bool], ['boolean', TypeOid.bool],
  ['int2', TypeOid.int2], ['smallint', TypeOid.int2],
  ['int4', TypeOid.int4], ['int', TypeOid.int4], ['integer', TypeOid.int4],
  ['int8', TypeOid.int8], ['bigint', TypeOid.int8],
  ['oid', TypeOid.oid],
  ['float4', TypeOid.float4], ['real', TypeOid.float4],
  ['float8', TypeOid.float8], ['float', TypeOid.float8], ['double precision', TypeOid.float8],
  ['numeric', TypeOid.numeric], ['decimal', TypeOid.numeric], ['dec', TypeOid.numeric],
  ['text', TypeOid.text], ['varchar', TypeOid.varchar], ['character varying', TypeOid.varchar],
  ['bpchar', TypeOid.bpchar], ['character', TypeOid.bpchar], ['name', TypeOid.name], ['char', TypeOid.char],
  ['bytea', TypeOid.bytea], ['uuid', TypeOid.uuid], ['json', TypeOid.json], ['jsonb', TypeOid.jsonb],
  ['date', TypeOid.date], ['time', TypeOid.time], ['timestamp', TypeOid.timestamp],
  ['timestamptz', TypeOid.timestamptz], ['interval', TypeOid.interval], ['unknown', TypeOid.unknown],
  ['void', TypeOid.void], ['regtype', TypeOid.regtype], ['regclass', TypeOid.regclass], ['regnamespace', TypeOid.regnamespace], ['record', TypeOid.record],
]);

/** Resolves TypeName.names (['pg_catalog','int4'], ['varchar'], ...) to an OID; 42704 if unknown. */
export function resolveTypeName(names: readonly string[], position: number | undefined): number {
  const last = names[names.length - 1] ?? '';
  const schemaOk = names.length === 1 || (names.length === 2 && (names[0] === 'pg_catalog' || names[0] === 'public'));
  // Array types also answer to their pg_type name (_int4 is integer[]).
  const oid = schemaOk ? (NAMES.get(last) ?? (last.startsWith('_') && typeByOid(lookupType([last])?.oid ?? 0)?.typcategory === 'A' ? lookupType([last])!.oid : undefined)) : undefined;
  if (oid === undefined) {
    const shown = names.map((n) => (/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n.replace(/"/g, '""')}"`)).join('.');
    throw new DbError('42704', `type "${shown}" does not exist`, position !== undefined ? { position } : {});
  }
  return oid;
}

/** Types whose internal value is a JS string. */
export function isStringType(oid: number): boolean {
  return oid === TypeOid.text || oid === TypeOid.varchar || oid === TypeOid.bpchar || oid === TypeOid.name || oid === TypeOid.unknown;
}
