// pg_catalog._pg_catalog_view(name): the rows of the pg_catalog relations that
// catalog/schema/pg-catalog.ts defines over it (pg_namespace, pg_class, pg_attribute, pg_type,
// pg_am, pg_index, pg_attrdef, pg_constraint, pg_collation, pg_roles (initdb's roles), and the empty pg_inherits,
// pg_description, pg_policy, pg_statistic_ext, pg_publication*, pg_trigger), read from the catalog through
// the statement's snapshot each time the relation is scanned, like information_schema
// (info-schema.ts). Columns, types and values follow PostgreSQL 15 (checked against a live
// server); OIDs are the ones the wire already uses (catalog's relation OIDs, TypeOid), so they
// are stable across restarts.
//
// Differences, all stated: columns of types Pyralog does not have are left out rather than
// filled with pretend values — aclitem[] (nspacl, relacl, attacl, typacl), xid (relfrozenxid,
// relminmxid), regproc (amhandler, typsubscript, typinput … typanalyze), anyarray
// (attmissingval), pg_node_tree/oidvector (indexprs, indpred, indclass); int2vector / oidvector
// columns kept (indkey, indcollation, indoption) are int2[] / oid[] with lower bound 0;
// relpartbound, typdefaultbin, conbin and the policy/publication expressions are text and NULL
// as they are for Pyralog's objects. There are no system columns (attnum < 0), no composite row
// types (reltype 0), every object is owned by the bootstrap superuser (OID 10), and the
// pg_catalog relations are views (relkind 'v'); information_schema's views are not in pg_class.
// The empty ones are truly empty: Pyralog has no inheritance, COMMENT, row security, extended
// statistics or publications.

import { ALL_TYPES, DbError, PG_CATALOG_RELATIONS, TypeOid, type TableDesc, type TypeInfo } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { T, t, type SqlType } from '../bind/types.js';
import { strings, type FuncCall } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import { ROWS_IN_MEMORY_MAX, RowsNode, tooMany } from '../rel/ops.js';
import { isTempSchema, type TableSession } from '../rel/runtime.js';
import { classRow, indexesOf, pgClassRows, relationsOf } from './pg-catalog-class.js';
import { arrayOfValues } from '../eval/array-values.js';
import { attrdefRows, constraintRows } from './pg-catalog-constraint.js';

/** The function's name (catalog/schema/pg-catalog.ts writes the same name into the views). */
export const PG_CATALOG_VIEW_FUNCTION = '_pg_catalog_view';

const O = t(TypeOid.oid), N = t(TypeOid.name), B = T.bool, C = t(TypeOid.char), I2 = T.int2, I4 = T.int4;

/** The bootstrap superuser's OID (owner of everything here) and pg_database_owner's. */
export const BOOTSTRAP_USER_OID = 10;
export const DATABASE_OWNER_OID = 6171;
/** pg_catalog's and public's fixed namespace OIDs. */
export const PG_CATALOG_NAMESPACE = 11;
/** pg_am rows of PostgreSQL 15 (oid, amname, amtype). */
export const ACCESS_METHODS: ReadonlyArray<[number, string, string]> = [
  [2, 'heap', 't'], [403, 'btree', 'i'], [405, 'hash', 'i'], [783, 'gist', 'i'], [2742, 'gin', 'i'], [4000, 'spgist', 'i'], [3580, 'brin', 'i'],
];

/** Column names and types of each relation (PostgreSQL 15's order, less the columns above). */
export const PG_CATALOG_COLUMNS: Record<string, Array<[string, SqlType]>> = {
  pg_namespace: [['oid', O], ['nspname', N], ['nspowner', O]],
  pg_class: [
    ['oid', O], ['relname', N], ['relnamespace', O], ['reltype', O], ['reloftype', O], ['relowner', O], ['relam', O], ['relfilenode', O],
    ['reltablespace', O], ['relpages', I4], ['reltuples', T.float4], ['relallvisible', I4], ['reltoastrelid', O], ['relhasindex', B],
    ['relisshared', B], ['relpersistence', C], ['relkind', C], ['relnatts', I2], ['relchecks', I2], ['relhasrules', B], ['relhastriggers', B],
    ['relhassubclass', B], ['relrowsecurity', B], ['relforcerowsecurity', B], ['relispopulated', B], ['relreplident', C], ['relispartition', B],
    ['relrewrite', O], ['reloptions', t(TypeOid._text)], ['relpartbound', T.text],
  ],
  pg_attribute: [
    ['attrelid', O], ['attname', N], ['atttypid', O], ['attstattarget', I4], ['attlen', I2], ['attnum', I2], ['attndims', I4], ['attcacheoff', I4],
    ['atttypmod', I4], ['attbyval', B], ['attalign', C], ['attstorage', C], ['attcompression', C], ['attnotnull', B], ['atthasdef', B],
    ['atthasmissing', B], ['attidentity', C], ['attgenerated', C], ['attisdropped', B], ['attislocal', B], ['attinhcount', I4], ['attcollation', O],
    ['attoptions', t(TypeOid._text)], ['attfdwoptions', t(TypeOid._text)],
  ],
  pg_type: [
    ['oid', O], ['typname', N], ['typnamespace', O], ['typowner', O], ['typlen', I2], ['typbyval', B], ['typtype', C], ['typcategory', C],
    ['typispreferred', B], ['typisdefined', B], ['typdelim', C], ['typrelid', O], ['typelem', O], ['typarray', O], ['typalign', C],
    ['typstorage', C], ['typnotnull', B], ['typbasetype', O], ['typtypmod', I4], ['typndims', I4], ['typcollation', O],
    ['typdefaultbin', T.text], ['typdefault', T.text],
  ],
  pg_am: [['oid', O], ['amname', N], ['amtype', C]],
  pg_index: [
    ['indexrelid', O], ['indrelid', O], ['indnatts', I2], ['indnkeyatts', I2], ['indisunique', B], ['indnullsnotdistinct', B], ['indisprimary', B],
    ['indisexclusion', B], ['indimmediate', B], ['indisclustered', B], ['indisvalid', B], ['indcheckxmin', B], ['indisready', B], ['indislive', B],
    ['indisreplident', B], ['indkey', t(TypeOid._int2)], ['indcollation', t(TypeOid._oid)], ['indoption', t(TypeOid._int2)],
  ],
  pg_inherits: [['inhrelid', O], ['inhparent', O], ['inhseqno', I4], ['inhdetachpending', B]],
  pg_description: [['objoid', O], ['classoid', O], ['objsubid', I4], ['description', T.text]],
  pg_attrdef: [['adrelid', O], ['adnum', I2], ['adbin', T.text]],
  pg_constraint: [
    ['oid', O], ['conname', N], ['connamespace', O], ['contype', C], ['condeferrable', B], ['condeferred', B], ['convalidated', B], ['conrelid', O],
    ['contypid', O], ['conindid', O], ['conparentid', O], ['confrelid', O], ['confupdtype', C], ['confdeltype', C], ['confmatchtype', C],
    ['conislocal', B], ['coninhcount', I4], ['connoinherit', B], ['conkey', t(TypeOid._int2)], ['confkey', t(TypeOid._int2)],
    ['confdelsetcols', t(TypeOid._int2)], ['conbin', T.text],
  ],
  pg_collation: [
    ['oid', O], ['collname', N], ['collnamespace', O], ['collowner', O], ['collprovider', C], ['collisdeterministic', B], ['collencoding', I4],
    ['collcollate', T.text], ['collctype', T.text], ['colliculocale', T.text], ['collversion', T.text],
  ],
  pg_policy: [['oid', O], ['polname', N], ['polrelid', O], ['polcmd', C], ['polpermissive', B], ['polroles', t(TypeOid._oid)], ['polqual', T.text], ['polwithcheck', T.text]],
  pg_statistic_ext: [
    ['oid', O], ['stxrelid', O], ['stxname', N], ['stxnamespace', O], ['stxowner', O], ['stxstattarget', I4], ['stxkeys', t(TypeOid._int2)],
    ['stxkind', t(TypeOid._char)], ['stxexprs', T.text],
  ],
  pg_publication: [['oid', O], ['pubname', N], ['pubowner', O], ['puballtables', B], ['pubinsert', B], ['pubupdate', B], ['pubdelete', B], ['pubtruncate', B], ['pubviaroot', B]],
  pg_publication_namespace: [['oid', O], ['pnpubid', O], ['pnnspid', O]],
  pg_publication_rel: [['oid', O], ['prpubid', O], ['prrelid', O], ['prqual', T.text], ['prattrs', t(TypeOid._int2)]],
  pg_roles: [
    ['rolname', N], ['rolsuper', B], ['rolinherit', B], ['rolcreaterole', B], ['rolcreatedb', B], ['rolcanlogin', B], ['rolreplication', B],
    ['rolconnlimit', I4], ['rolpassword', T.text], ['rolvaliduntil', T.timestamptz], ['rolbypassrls', B], ['rolconfig', t(TypeOid._text)], ['oid', O],
  ],
  pg_trigger: [
    ['oid', O], ['tgrelid', O], ['tgparentid', O], ['tgname', N], ['tgfoid', O], ['tgtype', I2], ['tgenabled', C], ['tgisinternal', B],
    ['tgconstrrelid', O], ['tgconstrindid', O], ['tgconstraint', O], ['tgdeferrable', B], ['tginitdeferred', B], ['tgnargs', I2],
    ['tgattr', t(TypeOid._int2)], ['tgargs', T.bytea], ['tgqual', T.text], ['tgoldtable', N], ['tgnewtable', N],
  ],
};

/**
 * pg_roles: the roles a PostgreSQL 15 cluster has after initdb (the bootstrap superuser, named
 * "postgres", and the predefined roles), as pg_get_userbyid names them. Pyralog has no CREATE
 * ROLE; a connecting user name that is not one of these is not a row here (stated difference).
 */
export const PREDEFINED_ROLES: ReadonlyArray<[string, number]> = [
  ['pg_monitor', 3373], ['pg_read_all_settings', 3374], ['pg_read_all_stats', 3375], ['pg_stat_scan_tables', 3377],
  ['pg_signal_backend', 4200], ['pg_checkpoint', 4544], ['pg_read_server_files', 4569], ['pg_write_server_files', 4570],
  ['pg_execute_server_program', 4571], ['pg_database_owner', DATABASE_OWNER_OID], ['pg_read_all_data', 6181], ['pg_write_all_data', 6182],
];
function roleRows(): Value[][] {
  return [
    ['postgres', true, true, true, true, true, true, -1, '********', null, true, null, BOOTSTRAP_USER_OID],
    ...PREDEFINED_ROLES.map(([name, oid]) => [name, false, true, false, false, false, false, -1, '********', null, false, null, oid]),
  ];
}

/** pg_collation rows: the database default and the two libc collations every cluster has. */
const COLLATIONS: Value[][] = [
  [100, 'default', PG_CATALOG_NAMESPACE, BOOTSTRAP_USER_OID, 'd', true, -1, null, null, null, null],
  [950, 'C', PG_CATALOG_NAMESPACE, BOOTSTRAP_USER_OID, 'c', true, -1, 'C', 'C', null, null],
  [951, 'POSIX', PG_CATALOG_NAMESPACE, BOOTSTRAP_USER_OID, 'c', true, -1, 'POSIX', 'POSIX', null, null],
];

/** Types PostgreSQL 15 stores plainly (typstorage 'p'); numeric is 'm'; other varlenas 'x'. */
export function typStorage(ty: TypeInfo): string {
  if (ty.typlen !== -1) return 'p';
  return ty.oid === TypeOid.numeric ? 'm' : 'x';
}

/** typcollation: "default" (100) for the string types, C (950) for name, else 0. */
export function typCollation(oid: number): number {
  if (oid === TypeOid.text || oid === TypeOid.varchar || oid === TypeOid.bpchar) return 100;
  if (oid === TypeOid._text || oid === TypeOid._varchar || oid === TypeOid._bpchar) return 100;
  return oid === TypeOid.name || oid === TypeOid._name ? 950 : 0;
}

/** Pseudo-types of the registry (typtype 'p'). */
const PSEUDO: ReadonlySet<number> = new Set([TypeOid.unknown, TypeOid.void, TypeOid.record, TypeOid._record]);

function typeRow(ty: TypeInfo): Value[] {
  return [
    ty.oid, ty.typname, PG_CATALOG_NAMESPACE, BOOTSTRAP_USER_OID, ty.typlen, ty.typbyval, PSEUDO.has(ty.oid) ? 'p' : 'b', ty.typcategory,
    ty.typispreferred, true, ',', 0, ty.typelem, ty.typarray, ty.typalign, typStorage(ty), false, 0, -1, 0, typCollation(ty.oid), null, null,
  ];
}

/** Schemas the session may see: its own temporary schema, not other sessions'. */
export function visibleSchemas(ts: TableSession): string[] {
  const path = ts.searchPath();
  return ts.catalog.listSchemas(ts.reader(), ts.host.database).filter((s) => !isTempSchema(s) || path.includes(s));
}

function rowsOf(b: Binder, ts: TableSession, rel: string): Value[][] {
  const db = ts.host.database, r = ts.reader();
  switch (rel) {
    case 'pg_namespace':
      return visibleSchemas(ts).map((s) => [ts.catalog.schemaOid(r, db, s), s, ts.catalog.schemaOwner(r, db, s) === 'pg_database_owner' ? DATABASE_OWNER_OID : BOOTSTRAP_USER_OID]);
    case 'pg_class':
      return allClassRows(ts);
    case 'pg_attribute':
      return [...builtinAttributeRows(), ...relationsOf(ts).flatMap((x) => x.kind === 'table' || x.kind === 'view' ? attributeRows(x) : [])];
    case 'pg_type':
      return ALL_TYPES.map(typeRow);
    case 'pg_am':
      return ACCESS_METHODS.map((a) => [...a]);
    case 'pg_index':
      return relationsOf(ts).flatMap((x) => (x.kind === 'table' ? indexRows(x) : []));
    case 'pg_attrdef':
      return attrdefRows(b, ts);
    case 'pg_constraint':
      return constraintRows(b, ts);
    case 'pg_collation':
      return COLLATIONS.map((c) => [...c]);
    case 'pg_roles':
      return roleRows();
    // No inheritance, COMMENT, row security, extended statistics or logical replication:
    // these catalogs are truly empty.
    case 'pg_inherits':
    case 'pg_description':
    case 'pg_policy':
    case 'pg_statistic_ext':
    case 'pg_publication':
    case 'pg_publication_namespace':
    case 'pg_publication_rel':
    // No CREATE TRIGGER, and FOREIGN KEYs are checked without PostgreSQL's internal RI triggers.
    case 'pg_trigger':
      return [];
    default:
      throw new DbError('XX000', `unknown pg_catalog relation ${rel}`);
  }
}

/** pg_class rows of the pg_catalog relations themselves: views here (relkind 'v'; PostgreSQL's
 *  are tables), owned by the bootstrap superuser, in pg_catalog (11). */
function builtinClassRows(): Value[][] {
  return [...PG_CATALOG_RELATIONS].map(([name, oid]) =>
    classRow(oid, name, PG_CATALOG_NAMESPACE, { relam: 0, filenode: 0, temp: false, kind: 'v', natts: PG_CATALOG_COLUMNS[name]!.length, rules: true, replident: 'n' }));
}

/** pg_attribute rows of the pg_catalog relations' columns (nullable here, no defaults; PostgreSQL
 *  marks most catalog columns NOT NULL). */
function builtinAttributeRows(): Value[][] {
  return [...PG_CATALOG_RELATIONS].flatMap(([name, oid]) => PG_CATALOG_COLUMNS[name]!.map(([col, type], i) => {
    const ty = ALL_TYPES.find((y) => y.oid === type.oid);
    return [
      oid, col, type.oid, -1, ty?.typlen ?? -1, i + 1, ty?.typcategory === 'A' ? 1 : 0, -1, -1, ty?.typbyval ?? false, ty?.typalign ?? 'i',
      ty ? typStorage(ty) : 'x', '', false, false, false, '', '', false, true, 0, typCollation(type.oid), null, null,
    ];
  }));
}

/** Every pg_class row: the pg_catalog relations, then the database's own relations. */
export function allClassRows(ts: TableSession): Value[][] {
  return [...builtinClassRows(), ...pgClassRows(ts)];
}

/** pg_attribute rows of a table or view (user columns; dropped ones as PostgreSQL keeps them). */
export function attributeRows(x: TableDesc): Value[][] {
  return x.columns.map((c) => {
    const ty = ALL_TYPES.find((y) => y.oid === c.typeOid);
    const dropped = c.dropped === true;
    return [
      x.oid, dropped ? `........pg.dropped.${c.attnum}........` : c.name, dropped ? 0 : c.typeOid, -1, ty?.typlen ?? -1, c.attnum,
      ty?.typcategory === 'A' ? 1 : 0, -1, c.typmod, ty?.typbyval ?? false, ty?.typalign ?? 'i', ty ? typStorage(ty) : 'x', '',
      c.notNull, c.defaultExpr !== undefined && c.identity === undefined, c.missing !== undefined && c.missing !== null,
      c.identity === 'always' ? 'a' : c.identity === 'by default' ? 'd' : '', '', dropped, true, 0, dropped ? 0 : typCollation(c.typeOid),
      null, null,
    ];
  });
}

/** An int2vector / oidvector value: a one-dimensional array with lower bound 0 (so it prints
 *  as PostgreSQL prints the vector cast to an array: [0:1]={1,2}). */
function vector(values: number[]): Value {
  return values.length === 0 ? arrayOfValues([]) : { dims: [values.length], lbounds: [0], values };
}

/** pg_index rows of a table's indexes (btree, immediate, valid; no INCLUDE columns, no
 *  descending/NULLS FIRST options, so indoption is all zeros). */
export function indexRows(x: TableDesc): Value[][] {
  const unique = new Set([...(x.primaryKey ? [x.primaryKey.oid] : []), ...x.uniques.map((u) => u.oid)]);
  return indexesOf(x).map((i) => {
    const collations = i.attnums.map((a) => (a === 0 ? 0 : typCollation(x.columns[a - 1]?.typeOid ?? 0)));
    return [
      i.oid, x.oid, i.attnums.length, i.attnums.length, unique.has(i.oid), false, i.primary, false, true, false, true, false, true, true, false,
      vector(i.attnums), vector(collations), vector(i.attnums.map(() => 0)),
    ];
  });
}

/** pg_catalog._pg_catalog_view('<relation>') in FROM; undefined for any other function. */
export function pgCatalogInFrom(b: Binder, f: FuncCall): { node: RowsNode; columns: Array<{ name: string; type: SqlType }> } | undefined {
  const names = strings(f.funcname);
  if (names.length !== 2 || names[0] !== 'pg_catalog' || names[1] !== PG_CATALOG_VIEW_FUNCTION) return undefined;
  const arg = f.args?.[0] as { kind?: string; sval?: { sval?: string } } | undefined;
  const rel = arg?.kind === 'A_Const' ? arg.sval?.sval ?? '' : '';
  const cols = PG_CATALOG_COLUMNS[rel];
  if (!cols || (f.args ?? []).length !== 1) throw b.err('42883', `function pg_catalog.${PG_CATALOG_VIEW_FUNCTION}() does not exist`, f.location ?? -1);
  const ts = tablesOfBinder(b);
  const produce = (_ctx: EvalContext): Value[][] => {
    const rows = rowsOf(b, ts, rel);
    if (rows.length > ROWS_IN_MEMORY_MAX) throw tooMany();
    return rows;
  };
  return { columns: cols.map(([name, type]) => ({ name, type })), node: new RowsNode(cols.length, produce, `Function Scan on ${PG_CATALOG_VIEW_FUNCTION}`) };
}
