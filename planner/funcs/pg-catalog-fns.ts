// System-information functions psql's \d family calls next to the pg_catalog relations
// (pg-catalog.ts): pg_get_userbyid(oid), pg_table_is_visible(oid), pg_get_constraintdef,
// pg_get_indexdef, pg_get_expr and the *_description lookups, as PostgreSQL 15 defines them. Every object is owned by the
// bootstrap superuser (OID 10, named "postgres" as initdb names it by default) or, for schema
// public, pg_database_owner (6171).

import { TypeOid } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { TableSession } from '../rel/runtime.js';
import { fn, type FnDef } from './def.js';
import { allClassRows, PREDEFINED_ROLES } from './pg-catalog.js';
import { constraintDef, indexDef } from './pg-catalog-constraint.js';
import { relationFunctions } from './pg-catalog-rel-fns.js';

const O = TypeOid;

/** pg_get_userbyid: the role's name, or PostgreSQL's "unknown (OID=n)" for roles that do not exist. */
export function userById(oid: number): string {
  if (oid === 10) return 'postgres';
  const predefined = PREDEFINED_ROLES.find(([, o]) => o === oid);
  if (predefined !== undefined) return predefined[0];
  return `unknown (OID=${oid})`;
}

/**
 * pg_table_is_visible: the relation exists and is the first relation of its name along the
 * search path (pg_catalog searched first when the path does not name it). NULL for an OID that
 * names no relation, as PostgreSQL answers since 9.x.
 */
export function tableIsVisible(ts: TableSession, oid: number): boolean | null {
  const db = ts.host.database, r = ts.reader();
  const rows = allClassRows(ts);
  const self = rows.find((x) => x[0] === oid);
  if (!self) return null;
  const path = ts.searchPath();
  const order = path.includes('pg_catalog') ? path : ['pg_catalog', ...path];
  const nspOfName = new Set(rows.filter((x) => x[1] === self[1]).map((x) => x[2] as number));
  for (const s of order) {
    if (!ts.catalog.schemaExists(r, db, s)) continue;
    const so = ts.catalog.schemaOid(r, db, s);
    if (nspOfName.has(so)) return so === self[2];
  }
  return false;
}

function sessionOf(ctx: EvalContext): TableSession {
  if (!ctx.tables) throw new Error('pg_table_is_visible needs a session');
  return ctx.tables;
}

export function pgCatalogFunctions(): FnDef[] {
  return [
    fn('pg_get_userbyid', [O.oid], O.name, (a) => userById(a[0] as number), { volatility: 'stable' }),
    fn('pg_table_is_visible', [O.oid], O.bool, (a: Value[], ctx) => tableIsVisible(sessionOf(ctx), a[0] as number), { volatility: 'stable' }),
    fn('pg_get_constraintdef', [O.oid], O.text, (a, ctx) => constraintDef(sessionOf(ctx), a[0] as number, (o) => tableIsVisible(sessionOf(ctx), o)), { volatility: 'stable' }),
    fn('pg_get_constraintdef', [O.oid, O.bool], O.text, (a, ctx) => constraintDef(sessionOf(ctx), a[0] as number, (o) => tableIsVisible(sessionOf(ctx), o)), { volatility: 'stable' }),
    fn('pg_get_indexdef', [O.oid], O.text, (a, ctx) => indexDef(sessionOf(ctx), a[0] as number, 0, false, (o) => tableIsVisible(sessionOf(ctx), o)), { volatility: 'stable' }),
    fn('pg_get_indexdef', [O.oid, O.int4, O.bool], O.text, (a, ctx) => indexDef(sessionOf(ctx), a[0] as number, (a[1] as number | null) ?? 0, a[2] === true, (o) => tableIsVisible(sessionOf(ctx), o)), { volatility: 'stable' }),
    // pg_description is empty (Pyralog has no COMMENT), so every comment lookup finds none.
    fn('obj_description', [O.oid], O.text, () => null, { volatility: 'stable' }),
    fn('obj_description', [O.oid, O.name], O.text, () => null, { volatility: 'stable' }),
    fn('col_description', [O.oid, O.int4], O.text, () => null, { volatility: 'stable' }),
    fn('shobj_description', [O.oid, O.name], O.text, () => null, { volatility: 'stable' }),
    // adbin holds the printed default (pg-catalog-constraint.ts), so decompiling is the identity.
    fn('pg_get_expr', [O.text, O.oid], O.text, (a) => a[0], { volatility: 'stable' }),
    fn('pg_get_expr', [O.text, O.oid, O.bool], O.text, (a) => a[0], { volatility: 'stable' }),
    ...relationFunctions(),
  ];
}
