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
import { Binder } from '../bind/binder.js';
import { ParamTypes } from '../bind/params.js';
import { SourceText } from '../parse/parser.js';
import { FunctionRegistry } from './registry.js';
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
 * The relations pg_table_is_visible needs, indexed once: psql's \d family calls it for every
 * pg_class row, and a scan of all relations per call made that quadratic. `current` says
 * whether the index still describes the session (same catalog version and search_path).
 */
export class ClassIndex {
  private readonly byOid = new Map<number, { name: string; nsp: number }>();
  private readonly nspsOfName = new Map<string, Set<number>>();
  /** OIDs of the existing schemas along the search path, pg_catalog first when the path does not name it. */
  private readonly order: number[] = [];
  private readonly version: number;
  private readonly pathKey: string;

  constructor(readonly ts: TableSession) {
    const db = ts.host.database, r = ts.reader();
    this.version = ts.server.catalogVersion;
    const path = ts.searchPath();
    this.pathKey = path.join('\u0000');
    for (const row of allClassRows(ts)) {
      const oid = row[0] as number, name = row[1] as string, nsp = row[2] as number;
      if (!this.byOid.has(oid)) this.byOid.set(oid, { name, nsp });
      let set = this.nspsOfName.get(name);
      if (!set) this.nspsOfName.set(name, (set = new Set()));
      set.add(nsp);
    }
    for (const sch of path.includes('pg_catalog') ? path : ['pg_catalog', ...path]) {
      if (ts.catalog.schemaExists(r, db, sch)) this.order.push(ts.catalog.schemaOid(r, db, sch));
    }
  }

  current(ts: TableSession): boolean {
    return ts === this.ts && ts.server.catalogVersion === this.version && ts.searchPath().join('\u0000') === this.pathKey;
  }

  /** The relation's name and namespace OID, or undefined. */
  relation(oid: number): { name: string; nsp: number } | undefined {
    return this.byOid.get(oid);
  }

  /** The first schema along the path holding a relation of that name decides (see tableIsVisible). */
  visible(oid: number): boolean | null {
    const self = this.byOid.get(oid);
    if (!self) return null;
    const nsps = this.nspsOfName.get(self.name)!;
    for (const so of this.order) if (nsps.has(so)) return so === self.nsp;
    return false;
  }
}

/**
 * One index per running statement, keyed by the statement's cancel token (one object per
 * execution, dropped with it, never shared between sessions), checked for currency on every use
 * so a token that outlived a DDL or a SET search_path cannot answer from a stale catalog. This
 * is per-statement state that the EvalContext has no slot for, not server state.
 */
const perStatement = new WeakMap<object, ClassIndex>();

/**
 * pg_table_is_visible: the relation exists and is the first relation of its name along the
 * search path (pg_catalog searched first when the path does not name it). NULL for an OID that
 * names no relation, as PostgreSQL answers since 9.x. With `ctx`, the statement's index is used.
 */
export function tableIsVisible(ts: TableSession, oid: number, ctx?: EvalContext): boolean | null {
  return classIndex(ts, ctx).visible(oid);
}

/** The statement's relation index (a fresh one without `ctx`). */
export function classIndex(ts: TableSession, ctx?: EvalContext): ClassIndex {
  if (!ctx) return new ClassIndex(ts);
  let ix = perStatement.get(ctx.cancel);
  if (!ix || !ix.current(ts)) perStatement.set(ctx.cancel, (ix = new ClassIndex(ts)));
  return ix;
}

function sessionOf(ctx: EvalContext): TableSession {
  if (!ctx.tables) throw new Error('pg_table_is_visible needs a session');
  return ctx.tables;
}

export function pgCatalogFunctions(): FnDef[] {
  // pg_get_constraintdef of a CHECK binds its stored expression at run time, which needs a
  // function registry: one of its own, made on first use (builtins only, so any instance binds alike).
  let registry: FunctionRegistry | undefined;
  const checkBinder = (ctx: EvalContext) => (): Binder =>
    new Binder((registry ??= new FunctionRegistry()), new ParamTypes([]), ctx.fmt, new SourceText(''), undefined, sessionOf(ctx));
  const constraintDefOf = (a: Value[], ctx: EvalContext): string | null =>
    constraintDef(sessionOf(ctx), a[0] as number, (o) => tableIsVisible(sessionOf(ctx), o, ctx), a[1] === true, checkBinder(ctx));
  return [
    fn('pg_get_userbyid', [O.oid], O.name, (a) => userById(a[0] as number), { volatility: 'stable' }),
    fn('pg_table_is_visible', [O.oid], O.bool, (a: Value[], ctx) => tableIsVisible(sessionOf(ctx), a[0] as number, ctx), { volatility: 'stable' }),
    fn('pg_get_constraintdef', [O.oid], O.text, constraintDefOf, { volatility: 'stable' }),
    fn('pg_get_constraintdef', [O.oid, O.bool], O.text, constraintDefOf, { volatility: 'stable' }),
    fn('pg_get_indexdef', [O.oid], O.text, (a, ctx) => indexDef(sessionOf(ctx), a[0] as number, 0, false, (o) => tableIsVisible(sessionOf(ctx), o, ctx)), { volatility: 'stable' }),
    fn('pg_get_indexdef', [O.oid, O.int4, O.bool], O.text, (a, ctx) => indexDef(sessionOf(ctx), a[0] as number, (a[1] as number | null) ?? 0, a[2] === true, (o) => tableIsVisible(sessionOf(ctx), o, ctx)), { volatility: 'stable' }),
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
