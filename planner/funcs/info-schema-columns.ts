// information_schema.columns rows, with PostgreSQL 15's definitions of the type facts
// (_pg_char_max_length, _pg_char_octet_length, _pg_numeric_precision[_radix], _pg_numeric_scale,
// _pg_datetime_precision, _pg_interval_type) and column_default as pg_get_expr prints it.

import { TypeOid, VARHDRSZ, formatType, regtypeOut, typeByOid, type ColumnDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { Value } from '../bind/expr.js';
import { assign } from '../dml/common.js';
import { nextvalTarget } from '../dml/common.js';
import { DEFAULT_DEPARSE, deparse } from '../exec/explain-deparse.js';
import type { Node } from '../parse/ast.js';
import type { TableSession } from '../rel/runtime.js';

const O = TypeOid;
/** pg_database_encoding_max_length() for UTF8. */
const MAX_ENCODING_LENGTH = 4;
/** _pg_char_octet_length of an unconstrained character type: 1 GB. */
const CHAR_OCTET_UNLIMITED = 1073741824;

function charMaxLength(oid: number, typmod: number): number | null {
  return (oid === O.bpchar || oid === O.varchar) && typmod >= VARHDRSZ ? typmod - VARHDRSZ : null;
}

function charOctetLength(oid: number, typmod: number): number | null {
  if (oid !== O.bpchar && oid !== O.varchar && oid !== O.text) return null;
  return typmod < VARHDRSZ ? CHAR_OCTET_UNLIMITED : (typmod - VARHDRSZ) * MAX_ENCODING_LENGTH;
}

function numericPrecision(oid: number, typmod: number): number | null {
  switch (oid) {
    case O.int2: return 16;
    case O.int4: return 32;
    case O.int8: return 64;
    case O.numeric: return typmod >= VARHDRSZ ? ((typmod - VARHDRSZ) >> 16) & 0xffff : null;
    case O.float4: return 24;
    case O.float8: return 53;
    default: return null;
  }
}

function numericRadix(oid: number): number | null {
  if (oid === O.int2 || oid === O.int4 || oid === O.int8 || oid === O.float4 || oid === O.float8) return 2;
  return oid === O.numeric ? 10 : null;
}

function numericScale(oid: number, typmod: number): number | null {
  if (oid === O.int2 || oid === O.int4 || oid === O.int8) return 0;
  if (oid === O.numeric) return typmod >= VARHDRSZ ? (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024 : null;
  return null;
}

function datetimePrecision(oid: number, typmod: number): number | null {
  if (oid === O.date) return 0;
  if (oid === O.time || oid === O.timestamp || oid === O.timestamptz) return typmod < 0 ? 6 : typmod;
  if (oid === O.interval) return typmod < 0 || (typmod & 0xffff) === 0xffff ? 6 : typmod & 0xffff;
  return null;
}

/** _pg_interval_type: the fields of an interval typmod, upper case ('DAY TO SECOND'), else NULL. */
function intervalType(oid: number, typmod: number): string | null {
  if (oid !== O.interval) return null;
  const m = /^interval(?:\(\d+\))? (.*)$/.exec(formatType(oid, typmod));
  return m ? m[1]!.toUpperCase() : null;
}

/** data_type: 'ARRAY' for arrays, else format_type(type, NULL). */
function dataType(oid: number): string {
  return typeByOid(oid)?.typcategory === 'A' ? 'ARRAY' : regtypeOut(oid);
}

/** pg_get_expr of a column default: nextval('seq'::regclass) for sequences, else the bound
 *  expression (coerced to the column type, as PostgreSQL stores it) deparsed. */
function columnDefault(b: Binder, t: TableDesc, c: ColumnDesc): string | null {
  if (c.defaultExpr === undefined || c.identity !== undefined) return null;
  const nv = nextvalTarget(c.defaultExpr as Node);
  if (nv !== undefined) return `nextval('${nv.replace(/'/g, "''")}'::regclass)`;
  const nb = b.withScope(undefined);
  void t;
  return deparse(assign(nb, nb.bind(c.defaultExpr as Node), c, -1), { kind: 'none' }, DEFAULT_DEPARSE);
}

/** Identity facts from the column's sequence (<table>_<column>_seq, owned by the column). */
function identityFacts(ts: TableSession, t: TableDesc, c: ColumnDesc): Value[] {
  if (c.identity === undefined) return [null, null, null, null, null, 'NO'];
  const seq = ts.catalog.listTables(ts.reader(), t.db, t.schema).find((s) => s.kind === 'sequence' && s.sequence?.ownedBy === `${t.name}.${c.name}`);
  const o = seq?.sequence;
  return [c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT', o?.start ?? null, o?.increment ?? null, o?.max ?? null, o?.min ?? null, o ? (o.cycle ? 'YES' : 'NO') : null];
}

/** The rows of information_schema.columns for relation `t` (a table or a view). */
export function columnRows(b: Binder, ts: TableSession, t: TableDesc): Value[][] {
  const db = t.db;
  const rows: Value[][] = [];
  for (const c of t.columns) {
    if (c.dropped) continue;
    const oid = c.typeOid, tm = c.typmod;
    const id = identityFacts(ts, t, c);
    rows.push([
      db, t.schema, t.name, c.name, c.attnum, columnDefault(b, t, c), c.notNull ? 'NO' : 'YES', dataType(oid),
      charMaxLength(oid, tm), charOctetLength(oid, tm), numericPrecision(oid, tm), numericRadix(oid), numericScale(oid, tm),
      datetimePrecision(oid, tm), intervalType(oid, tm), null,
      null, null, null, null, null, null, // character set, collation
      null, null, null, // domain
      db, 'pg_catalog', typeByOid(oid)?.typname ?? String(oid),
      null, null, null, null, // scope, maximum_cardinality
      String(c.attnum), 'NO', c.identity !== undefined ? 'YES' : 'NO', ...id,
      'NEVER', null, t.kind === 'table' ? 'YES' : 'NO',
    ]);
  }
  return rows;
}
