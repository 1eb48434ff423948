// information_schema._pg_catalog_view(name): the rows of the information_schema views that
// catalog/schema/information-schema.ts defines over it, read from the catalog through the
// statement's snapshot each time the view is scanned (so they are transactional, like
// PostgreSQL's views over pg_catalog). Columns and values follow PostgreSQL 15's
// information_schema.sql; its domains are their base types here (sql_identifier → name,
// cardinal_number → integer, character_data / yes_or_no → character varying).
//
// PostgreSQL 15's own system-catalog constraints (the pg_catalog tables' PRIMARY KEY / UNIQUE
// constraints and their NOT NULL columns, catalog/schema/system-constraints.ts, recorded from a
// real PostgreSQL 15) are listed first in the constraint views, as PostgreSQL lists them to a
// superuser (every Pyralog session is one).
//
// Differences, all stated: of relations only user relations are listed (tables / views / columns
// have no pg_catalog rows);
// views.view_definition is NULL (Pyralog keeps the parse tree, not a deparsed text, as
// PostgreSQL shows NULL to non-owners); is_updatable / is_insertable_into of views say NO
// because Pyralog does not write through views; check_constraints prints CHECKs with
// pg-constraint-check.ts (its stated differences apply).

import { DbError, PG_CATALOG_NAMESPACE_OID, SYSTEM_KEY_CONSTRAINTS, SYSTEM_NOT_NULLS, TypeOid, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { T, t, type SqlType } from '../bind/types.js';
import { strings, type FuncCall } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import { ROWS_IN_MEMORY_MAX, RowsNode, tooMany } from '../rel/ops.js';
import { isTempSchema, type TableSession } from '../rel/runtime.js';
import { columnRows } from './info-schema-columns.js';
import { bindCheck, checkDefText } from './pg-constraint-check.js';

/** The function's name; catalog/schema/information-schema.ts writes the same name into the views. */
export const INFO_SCHEMA_FUNCTION = '_pg_catalog_view';

const N = t(TypeOid.name), I = T.int4, C = T.varchar;

/** Column names and types of each view (PostgreSQL 15's order). */
const VIEW_COLUMNS: Record<string, Array<[string, SqlType]>> = {
  schemata: [['catalog_name', N], ['schema_name', N], ['schema_owner', N], ['default_character_set_catalog', N], ['default_character_set_schema', N], ['default_character_set_name', N], ['sql_path', C]],
  tables: [['table_catalog', N], ['table_schema', N], ['table_name', N], ['table_type', C], ['self_referencing_column_name', N], ['reference_generation', C], ['user_defined_type_catalog', N], ['user_defined_type_schema', N], ['user_defined_type_name', N], ['is_insertable_into', C], ['is_typed', C], ['commit_action', C]],
  views: [['table_catalog', N], ['table_schema', N], ['table_name', N], ['view_definition', C], ['check_option', C], ['is_updatable', C], ['is_insertable_into', C], ['is_trigger_updatable', C], ['is_trigger_deletable', C], ['is_trigger_insertable_into', C]],
  columns: [['table_catalog', N], ['table_schema', N], ['table_name', N], ['column_name', N], ['ordinal_position', I], ['column_default', C], ['is_nullable', C], ['data_type', C], ['character_maximum_length', I], ['character_octet_length', I], ['numeric_precision', I], ['numeric_precision_radix', I], ['numeric_scale', I], ['datetime_precision', I], ['interval_type', C], ['interval_precision', I], ['character_set_catalog', N], ['character_set_schema', N], ['character_set_name', N], ['collation_catalog', N], ['collation_schema', N], ['collation_name', N], ['domain_catalog', N], ['domain_schema', N], ['domain_name', N], ['udt_catalog', N], ['udt_schema', N], ['udt_name', N], ['scope_catalog', N], ['scope_schema', N], ['scope_name', N], ['maximum_cardinality', I], ['dtd_identifier', N], ['is_self_referencing', C], ['is_identity', C], ['identity_generation', C], ['identity_start', C], ['identity_increment', C], ['identity_maximum', C], ['identity_minimum', C], ['identity_cycle', C], ['is_generated', C], ['generation_expression', C], ['is_updatable', C]],
  character_sets: [['character_set_catalog', N], ['character_set_schema', N], ['character_set_name', N], ['character_repertoire', N], ['form_of_use', N], ['default_collate_catalog', N], ['default_collate_schema', N], ['default_collate_name', N]],
  table_constraints: [['constraint_catalog', N], ['constraint_schema', N], ['constraint_name', N], ['table_catalog', N], ['table_schema', N], ['table_name', N], ['constraint_type', C], ['is_deferrable', C], ['initially_deferred', C], ['enforced', C], ['nulls_distinct', C]],
  key_column_usage: [['constraint_catalog', N], ['constraint_schema', N], ['constraint_name', N], ['table_catalog', N], ['table_schema', N], ['table_name', N], ['column_name', N], ['ordinal_position', I], ['position_in_unique_constraint', I]],
  referential_constraints: [['constraint_catalog', N], ['constraint_schema', N], ['constraint_name', N], ['unique_constraint_catalog', N], ['unique_constraint_schema', N], ['unique_constraint_name', N], ['match_option', C], ['update_rule', C], ['delete_rule', C]],
  constraint_column_usage: [['table_catalog', N], ['table_schema', N], ['table_name', N], ['column_name', N], ['constraint_catalog', N], ['constraint_schema', N], ['constraint_name', N]],
  constraint_table_usage: [['table_catalog', N], ['table_schema', N], ['table_name', N], ['constraint_catalog', N], ['constraint_schema', N], ['constraint_name', N]],
  check_constraints: [['constraint_catalog', N], ['constraint_schema', N], ['constraint_name', N], ['check_clause', C]],
  sequences: [['sequence_catalog', N], ['sequence_schema', N], ['sequence_name', N], ['data_type', C], ['numeric_precision', I], ['numeric_precision_radix', I], ['numeric_scale', I], ['start_value', C], ['minimum_value', C], ['maximum_value', C], ['increment', C], ['cycle_option', C]],
};

/** Relations the session may see: its own temporary schema, not other sessions'. */
function visibleRelations(ts: TableSession): TableDesc[] {
  const path = ts.searchPath();
  return ts.catalog.listTables(ts.reader(), ts.host.database).filter((r) => !isTempSchema(r.schema) || path.includes(r.schema));
}

const RULES: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

function columnName(tab: TableDesc, attnum: number): string {
  return tab.columns[attnum - 1]?.name ?? '';
}

/** Column names a stored CHECK expression reads (its ColumnRefs), in table order. */
function checkColumns(tab: TableDesc, expr: unknown): string[] {
  const text = JSON.stringify(expr);
  return tab.columns.filter((c) => !c.dropped && text.includes(`{"kind":"String","sval":${JSON.stringify(c.name)}}`)).map((c) => c.name);
}

/** Key constraints (primary key first, then UNIQUE) of a table. */
function keys(tab: TableDesc): Array<{ name: string; attnums: number[]; type: 'PRIMARY KEY' | 'UNIQUE' }> {
  return [
    ...(tab.primaryKey ? [{ name: tab.primaryKey.name, attnums: tab.primaryKey.attnums, type: 'PRIMARY KEY' as const }] : []),
    ...tab.uniques.map((u) => ({ name: u.name, attnums: u.attnums, type: 'UNIQUE' as const })),
  ];
}

/** The key of `parent` a FOREIGN KEY references (same column set). */
function referencedKey(parent: TableDesc, refAttnums: readonly number[]): { name: string; attnums: number[] } | undefined {
  const want = [...refAttnums].sort().join();
  return keys(parent).find((k) => [...k.attnums].sort().join() === want);
}

function isIdentitySequence(rels: readonly TableDesc[], seq: TableDesc): boolean {
  const owner = seq.sequence?.ownedBy;
  if (!owner) return false;
  const dot = owner.lastIndexOf('.');
  const tab = rels.find((r) => r.kind === 'table' && r.schema === seq.schema && r.name === owner.slice(0, dot));
  return tab?.columns.some((c) => c.name === owner.slice(dot + 1) && c.identity !== undefined) ?? false;
}

const SYS = 'pg_catalog';
const KEY_TYPE = { p: 'PRIMARY KEY', u: 'UNIQUE' } as const;

/** The system catalogs' rows of a constraint view (PostgreSQL 15's, recorded); [] for other views. */
function systemRows(db: string, view: string): Value[][] {
  switch (view) {
    case 'table_constraints':
      return [
        ...SYSTEM_KEY_CONSTRAINTS.map((k) => [db, SYS, k.name, db, SYS, k.relName, KEY_TYPE[k.type], 'NO', 'NO', 'YES', k.type === 'u' ? 'YES' : null]),
        ...SYSTEM_NOT_NULLS.flatMap((t) => t.columns.map(([n]) => [db, SYS, notNullName(PG_CATALOG_NAMESPACE_OID, t.relOid, n), db, SYS, t.relName, 'CHECK', 'NO', 'NO', 'YES', null])),
      ];
    case 'key_column_usage':
      return SYSTEM_KEY_CONSTRAINTS.flatMap((k) => k.columns.map((c, i) => [db, SYS, k.name, db, SYS, k.relName, c, i + 1, null]));
    case 'constraint_column_usage':
      return SYSTEM_KEY_CONSTRAINTS.flatMap((k) => k.columns.map((c) => [db, SYS, k.relName, c, db, SYS, k.name]));
    case 'constraint_table_usage':
      return SYSTEM_KEY_CONSTRAINTS.map((k) => [db, SYS, k.relName, db, SYS, k.name]);
    case 'check_constraints':
      return SYSTEM_NOT_NULLS.flatMap((t) => t.columns.map(([n, c]) => [db, SYS, notNullName(PG_CATALOG_NAMESPACE_OID, t.relOid, n), `${c} IS NOT NULL`]));
    default:
      return [];
  }
}

/** PostgreSQL 15's name of a NOT NULL column in information_schema: <nsp oid>_<rel oid>_<attnum>_not_null. */
function notNullName(nsp: number, rel: number, attnum: number): string {
  return `${nsp}_${rel}_${attnum}_not_null`;
}

function rowsOf(b: Binder, ts: TableSession, view: string): Value[][] {
  return [...systemRows(ts.host.database, view), ...userRows(b, ts, view)];
}

function userRows(b: Binder, ts: TableSession, view: string): Value[][] {
  const db = ts.host.database;
  const r = ts.reader();
  const rels = (): TableDesc[] => visibleRelations(ts);
  const tables = (): TableDesc[] => rels().filter((x) => x.kind === 'table');
  const byOid = (oid: number): TableDesc | undefined => rels().find((x) => x.oid === oid);
  switch (view) {
    case 'schemata': {
      const path = ts.searchPath();
      return ts.catalog.listSchemas(r, db).filter((s) => !isTempSchema(s) || path.includes(s))
        .map((s) => [db, s, ts.catalog.schemaOwner(r, db, s), null, null, null, null]);
    }
    case 'tables':
      return rels().filter((x) => x.kind === 'table' || x.kind === 'view').map((x) => {
        const temp = isTempSchema(x.schema);
        const type = x.kind === 'view' ? 'VIEW' : x.external !== undefined ? 'FOREIGN' : temp ? 'LOCAL TEMPORARY' : 'BASE TABLE';
        return [db, x.schema, x.name, type, null, null, null, null, null, x.kind === 'table' ? 'YES' : 'NO', 'NO', temp ? 'PRESERVE' : null];
      });
    case 'views':
      return rels().filter((x) => x.kind === 'view').map((x) => [db, x.schema, x.name, null, 'NONE', 'NO', 'NO', 'NO', 'NO', 'NO']);
    case 'columns':
      return rels().filter((x) => x.kind === 'table' || x.kind === 'view').flatMap((x) => columnRows(b, ts, x));
    case 'character_sets':
      return [[null, null, 'UTF8', 'UCS', 'UTF8', db, null, null]];
    case 'table_constraints':
      return tables().flatMap((x) => [
        ...keys(x).map((k) => [db, x.schema, k.name, db, x.schema, x.name, k.type, 'NO', 'NO', 'YES', k.type === 'UNIQUE' ? 'YES' : null]),
        ...(x.foreignKeys ?? []).map((f) => [db, x.schema, f.name, db, x.schema, x.name, 'FOREIGN KEY', 'NO', 'NO', 'YES', null]),
        ...x.checks.map((c) => [db, x.schema, c.name, db, x.schema, x.name, 'CHECK', 'NO', 'NO', 'YES', null]),
        // PostgreSQL 15 lists NOT NULL columns as CHECK constraints named <nsp oid>_<rel oid>_<attnum>_not_null.
        ...x.columns.filter((c) => c.notNull && !c.dropped).map((c) => [db, x.schema, notNullName(ts.catalog.schemaOid(r, db, x.schema), x.oid, c.attnum), db, x.schema, x.name, 'CHECK', 'NO', 'NO', 'YES', null]),
      ]);
    case 'key_column_usage':
      return tables().flatMap((x) => [
        ...keys(x).flatMap((k) => k.attnums.map((a, i) => [db, x.schema, k.name, db, x.schema, x.name, columnName(x, a), i + 1, null])),
        ...(x.foreignKeys ?? []).flatMap((f) => {
          const parent = byOid(f.refOid);
          const key = parent ? referencedKey(parent, f.refAttnums) : undefined;
          return f.attnums.map((a, i) => [db, x.schema, f.name, db, x.schema, x.name, columnName(x, a), i + 1, key ? key.attnums.indexOf(f.refAttnums[i]!) + 1 : null]);
        }),
      ]);
    case 'referential_constraints':
      return tables().flatMap((x) => (x.foreignKeys ?? []).map((f) => {
        const parent = byOid(f.refOid);
        const key = parent ? referencedKey(parent, f.refAttnums) : undefined;
        return [db, x.schema, f.name, key ? db : null, key ? parent!.schema : null, key?.name ?? null, 'NONE', RULES[f.onUpdate] ?? 'NO ACTION', RULES[f.onDelete] ?? 'NO ACTION'];
      }));
    case 'constraint_column_usage':
      return tables().flatMap((x) => [
        ...x.checks.flatMap((c) => checkColumns(x, c.expr).map((col) => [db, x.schema, x.name, col, db, x.schema, c.name])),
        ...keys(x).flatMap((k) => k.attnums.map((a) => [db, x.schema, x.name, columnName(x, a), db, x.schema, k.name])),
        ...(x.foreignKeys ?? []).flatMap((f) => {
          const parent = byOid(f.refOid);
          return parent ? f.refAttnums.map((a) => [db, parent.schema, parent.name, columnName(parent, a), db, x.schema, f.name]) : [];
        }),
      ]);
    case 'constraint_table_usage':
      return tables().flatMap((x) => [
        ...keys(x).map((k) => [db, x.schema, x.name, db, x.schema, k.name]),
        ...(x.foreignKeys ?? []).flatMap((f) => {
          const parent = byOid(f.refOid);
          return parent ? [[db, parent.schema, parent.name, db, x.schema, f.name]] : [];
        }),
      ]);
    case 'check_constraints':
      // substring(pg_get_constraintdef(oid) from 7) for CHECKs; NOT NULL columns as `<column> IS NOT NULL`.
      return tables().flatMap((x) => {
        const nsp = ts.catalog.schemaOid(r, db, x.schema);
        return [
          ...x.checks.map((c) => [db, x.schema, c.name, checkDefText(bindCheck(b, x, c), false, c).slice('CHECK '.length)]),
          ...x.columns.filter((c) => c.notNull && !c.dropped).map((c) => [db, x.schema, notNullName(nsp, x.oid, c.attnum), `${c.name} IS NOT NULL`]),
        ];
      });
    case 'sequences':
      // Identity columns' sequences are internal to their column: PostgreSQL leaves them out.
      return rels().filter((x) => x.kind === 'sequence' && x.sequence && !isIdentitySequence(rels(), x)).map((x) => {
        const o = x.sequence!;
        const [type, precision] = o.typeOid === TypeOid.int2 ? ['smallint', 16] : o.typeOid === TypeOid.int4 ? ['integer', 32] : ['bigint', 64];
        return [db, x.schema, x.name, type, precision, 2, 0, o.start, o.min, o.max, o.increment, o.cycle ? 'YES' : 'NO'];
      });
    default:
      throw new DbError('XX000', `unknown information_schema view ${view}`);
  }
}

/** information_schema._pg_catalog_view('<view>') in FROM; undefined for any other function. */
export function infoSchemaInFrom(b: Binder, f: FuncCall): { node: RowsNode; columns: Array<{ name: string; type: SqlType }> } | undefined {
  const names = strings(f.funcname);
  if (names.length !== 2 || names[0] !== 'information_schema' || names[1] !== INFO_SCHEMA_FUNCTION) return undefined;
  const arg = f.args?.[0] as { kind?: string; sval?: { sval?: string } } | undefined;
  const view = arg?.kind === 'A_Const' ? arg.sval?.sval ?? '' : '';
  const cols = VIEW_COLUMNS[view];
  if (!cols || (f.args ?? []).length !== 1) throw b.err('42883', `function information_schema.${INFO_SCHEMA_FUNCTION}() does not exist`, f.location ?? -1);
  const ts = tablesOfBinder(b);
  const produce = (_ctx: EvalContext): Value[][] => {
    const rows = rowsOf(b, ts, view);
    if (rows.length > ROWS_IN_MEMORY_MAX) throw tooMany();
    return rows;
  };
  return { columns: cols.map(([name, type]) => ({ name, type })), node: new RowsNode(cols.length, produce, `Function Scan on ${INFO_SCHEMA_FUNCTION}`) };
}
