// pg_constraint, pg_attrdef and the functions that print them (pg_get_constraintdef,
// pg_get_indexdef, pg_get_expr) as PostgreSQL 15 shows them for the same DDL.
//
// PostgreSQL 15's own key constraints on its system catalogs come first (recorded from a real
// PostgreSQL 15: catalog/schema/system-constraints.ts), with PostgreSQL's OIDs: conrelid is the
// catalog's relation OID, which is the OID Pyralog's pg_class uses for the catalogs it answers
// (pg_class 1259, pg_type 1247, ...); the other catalogs (pg_proc, pg_aggregate, ...) and the
// catalogs' indexes (conindid) have no pg_class row here, and conkey holds PostgreSQL's attnums,
// which name the same column in Pyralog's pg_attribute only where Pyralog answers that column
// at PostgreSQL's position (Pyralog's pg_catalog relations carry a subset of PostgreSQL's columns).
//
// Differences, all stated: a PRIMARY KEY / UNIQUE constraint's OID is its index's OID (Pyralog
// keeps one OID for the pair; PostgreSQL allocates two, but OIDs need only be unique within
// one catalog); NOT NULL is not a row (PostgreSQL 15 has none either: attnotnull only); CHECK
// rows are pg-constraint-check.ts's, their conbin the printed expression; pg_attrdef has no oid column and its adbin holds the default already printed
// (pg_get_expr returns it as is) because Pyralog stores defaults as parse trees, not
// pg_node_tree; the operator-array columns (conpfeqop, conppeqop, conffeqop, conexclop) are left
// out. Indexes on expressions print 0A000 from pg_get_indexdef.

import { DbError, PG_CATALOG_NAMESPACE_OID, SYSTEM_KEY_CONSTRAINTS, TypeOid, type ColumnDesc, type IndexDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { Value } from '../bind/expr.js';
import { assign, nextvalTarget } from '../dml/common.js';
import { DEFAULT_DEPARSE, deparse, quoteIdent } from '../exec/explain-deparse.js';
import { arrayOfValues } from '../eval/array-values.js';
import type { Node } from '../parse/ast.js';
import type { TableSession } from '../rel/runtime.js';
import { indexesOf, relationsOf } from './pg-catalog-class.js';
import { bindCheck, checkAttnums, checkDefText, checkExprText } from './pg-constraint-check.js';

/** A table's PRIMARY KEY and UNIQUE constraints: unique indexes not made by CREATE UNIQUE INDEX
 *  (those have their own catalog relation and are indexes only, as in PostgreSQL). */
function keyConstraints(x: TableDesc, standaloneIndexes: ReadonlySet<number>): IndexDesc[] {
  return [...(x.primaryKey ? [x.primaryKey] : []), ...x.uniques.filter((u) => !standaloneIndexes.has(u.oid))];
}

function standalone(rels: readonly TableDesc[]): Set<number> {
  return new Set(rels.filter((r) => r.kind === 'index').map((r) => r.oid));
}

function colList(x: TableDesc, attnums: readonly number[]): string {
  return attnums.map((a) => quoteIdent(x.columns[a - 1]?.name ?? `${a}`)).join(', ');
}

const ACTION_TEXT: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** pg_constraint rows of the visible tables (PostgreSQL 15's columns less the operator arrays). */
export function constraintRows(b: Binder, ts: TableSession): Value[][] {
  const db = ts.host.database, r = ts.reader();
  const rels = relationsOf(ts), alone = standalone(rels);
  const out: Value[][] = SYSTEM_KEY_CONSTRAINTS.map((k) =>
    [k.oid, k.name, PG_CATALOG_NAMESPACE_OID, k.type, false, false, true, k.relOid, 0, k.indexOid, 0, 0, ' ', ' ', ' ', true, 0, true, arrayOfValues([...k.attnums]), null, null, null]);
  for (const x of rels) {
    if (x.kind !== 'table') continue;
    const nsp = ts.catalog.schemaOid(r, db, x.schema);
    for (const k of keyConstraints(x, alone)) {
      out.push([k.oid, k.name, nsp, k.primary ? 'p' : 'u', false, false, true, x.oid, 0, k.oid, 0, 0, ' ', ' ', ' ', true, 0, true, arrayOfValues([...k.attnums]), null, null, null]);
    }
    for (const f of x.foreignKeys ?? []) {
      const parent = rels.find((p) => p.oid === f.refOid);
      const want = [...f.refAttnums].sort().join();
      const key = parent ? indexesOf(parent).find((i) => [...i.attnums].sort().join() === want) : undefined;
      out.push([f.oid, f.name, nsp, 'f', false, false, f.notValid !== true, x.oid, 0, key?.oid ?? 0, 0, f.refOid, f.onUpdate, f.onDelete, 's', true, 0, true, arrayOfValues(f.attnums), arrayOfValues(f.refAttnums), null, null]);
    }
    for (const c of x.checks) {
      if (c.oid === undefined) continue; // written before CHECKs had OIDs (pg-constraint-check.ts)
      const e = bindCheck(b, x, c);
      // conbin holds the expression already printed, as pg_attrdef.adbin does (pg_get_expr returns it).
      out.push([c.oid, c.name, nsp, 'c', false, false, c.notValid !== true, x.oid, 0, 0, 0, 0, ' ', ' ', ' ', true, 0, c.noInherit === true, arrayOfValues(checkAttnums(e)), null, null, checkExprText(e)]);
    }
  }
  return out;
}

/** pg_get_constraintdef(oid [, pretty]): NULL when no constraint has that OID. `binder` makes
 *  the binder a CHECK expression is bound with (only called for one). */
export function constraintDef(ts: TableSession, oid: number, visible: (relOid: number) => boolean | null, pretty = false, binder?: () => Binder): string | null {
  const sys = SYSTEM_KEY_CONSTRAINTS.find((k) => k.oid === oid);
  if (sys) return `${sys.type === 'p' ? 'PRIMARY KEY' : 'UNIQUE'} (${sys.columns.map(quoteIdent).join(', ')})`;
  const rels = relationsOf(ts), alone = standalone(rels);
  for (const x of rels) {
    if (x.kind !== 'table') continue;
    const c = binder ? x.checks.find((ch) => ch.oid === oid) : undefined;
    if (c) return checkDefText(bindCheck(binder!(), x, c), pretty, c);
    const k = keyConstraints(x, alone).find((i) => i.oid === oid);
    if (k) return `${k.primary ? 'PRIMARY KEY' : 'UNIQUE'} (${colList(x, k.attnums)})`;
    const f = (x.foreignKeys ?? []).find((c) => c.oid === oid);
    if (f) {
      const parent = rels.find((p) => p.oid === f.refOid);
      if (!parent) return null;
      // generate_relation_name: qualified only when the name alone would not find it.
      const name = visible(parent.oid) === true ? quoteIdent(parent.name) : `${quoteIdent(parent.schema)}.${quoteIdent(parent.name)}`;
      let s = `FOREIGN KEY (${colList(x, f.attnums)}) REFERENCES ${name}(${colList(parent, f.refAttnums)})`;
      if (f.onUpdate !== 'a') s += ` ON UPDATE ${ACTION_TEXT[f.onUpdate]}`;
      if (f.onDelete !== 'a') s += ` ON DELETE ${ACTION_TEXT[f.onDelete]}`;
      return f.notValid ? `${s} NOT VALID` : s;
    }
  }
  return null;
}

/** pg_get_indexdef(oid [, column, pretty]): the CREATE INDEX statement (column 0) or one key
 *  column's name; NULL when no index has that OID. The table is schema-qualified unless
 *  `pretty` and it is visible (PRETTYFLAG_SCHEMA). */
export function indexDef(ts: TableSession, oid: number, column: number, pretty: boolean, visible: (relOid: number) => boolean | null): string | null {
  for (const x of relationsOf(ts)) {
    if (x.kind !== 'table') continue;
    const i = indexesOf(x).find((c) => c.oid === oid);
    if (!i) continue;
    if (i.exprs?.some((e) => e !== null)) throw new DbError('0A000', 'pg_get_indexdef of an expression index is not supported');
    if (column > 0) return column <= i.attnums.length ? quoteIdent(x.columns[i.attnums[column - 1]! - 1]?.name ?? '') : null;
    const unique = i.primary || x.uniques.some((u) => u.oid === oid);
    return `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(i.name)} ON ${pretty && visible(x.oid) === true ? '' : `${quoteIdent(x.schema)}.`}${quoteIdent(x.name)} USING btree (${colList(x, i.attnums)})`;
  }
  return null;
}

/** A column default as pg_get_expr prints it: nextval('seq'::regclass) for serials; an
 *  untyped literal coerced to the column type (PostgreSQL folds it into a constant of that type,
 *  printed with its label: 'a'::text); any other expression as written, because the coercion
 *  PostgreSQL wraps around it is an implicit-format cast that the deparser hides (DEFAULT 0 on a
 *  numeric column prints 0, DEFAULT now() on a timestamp column prints now()). */
function defaultText(b: Binder, c: ColumnDesc): string {
  const nv = nextvalTarget(c.defaultExpr as Node);
  if (nv !== undefined) return `nextval('${nv.replace(/'/g, "''")}'::regclass)`;
  const nb = b.withScope(undefined);
  const bound = nb.bind(c.defaultExpr as Node);
  const stored = bound.type.oid === TypeOid.unknown ? assign(nb, bound, c, -1) : bound;
  return deparse(stored, { kind: 'none' }, DEFAULT_DEPARSE);
}

/** pg_attrdef rows (adrelid, adnum, adbin): columns with a DEFAULT (identity columns have none). */
export function attrdefRows(b: Binder, ts: TableSession): Value[][] {
  return relationsOf(ts).filter((x) => x.kind === 'table').flatMap((x) =>
    x.columns.filter((c) => !c.dropped && c.defaultExpr !== undefined && c.identity === undefined).map((c) => [x.oid, c.attnum, defaultText(b, c)]));
}
