// regclassin / regclassout (and regnamespacein / regnamespaceout) with the session (catalog/types/regclass.ts holds the value and says
// why): relation names resolve along the search_path as RangeVarGetRelid does (pg_catalog first
// when the path does not name it), and a relation prints unqualified only when it is visible.
// Used by the casts to regclass (bind/casts.ts) and the regclass functions of pg-catalog-rel-fns.ts.

import { DbError, PendingRegclass, TypeOid, makeRegclass, splitQualifiedName, type RegclassValue } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { TableSession } from '../rel/runtime.js';
import { quoteIdent } from './format.js';
import { allClassRows } from './pg-catalog.js';
import { classIndex } from './pg-catalog-fns.js';

const MAX_OID = 4294967295;

function session(ctx: EvalContext): TableSession {
  if (!ctx.tables) throw new Error('regclass needs a session');
  return ctx.tables;
}

/** The schema name of a namespace OID, or undefined. */
function schemaNameOf(ts: TableSession, nspOid: number): string | undefined {
  const r = ts.reader(), db = ts.host.database;
  return ts.catalog.listSchemas(r, db).find((s) => ts.catalog.schemaOid(r, db, s) === nspOid);
}

/** regclassout for `oid`: "-" for 0, the name (qualified when not visible), else the number. */
export function regclassLabel(ts: TableSession, oid: number, ctx?: EvalContext): string {
  if (oid === 0) return '-';
  const ix = classIndex(ts, ctx); // the statement's index: `c.oid::regclass` runs once per row
  const rel = ix.relation(oid);
  if (rel === undefined) return String(oid);
  const name = quoteIdent(rel.name);
  if (ix.visible(oid) === true) return name;
  const nsp = schemaNameOf(ts, rel.nsp);
  return nsp === undefined ? name : `${quoteIdent(nsp)}.${name}`;
}

/** oid/int → regclass (binary coercible in PostgreSQL: no existence check). */
export function regclassFromOid(ctx: EvalContext, oid: number): RegclassValue {
  return makeRegclass(oid, regclassLabel(session(ctx), oid, ctx));
}

/** The OID a relation name resolves to; 42P01 / 3F000 / 0A000 / 42601 as PostgreSQL. */
export function resolveRelationOid(ts: TableSession, parts: readonly string[]): number {
  const shown = parts.join('.');
  if (parts.length > 3) throw new DbError('42601', `improper relation name (too many dotted names): ${shown}`);
  if (parts.length === 3 && parts[0] !== ts.host.database) {
    throw new DbError('0A000', `cross-database references are not implemented: "${shown}"`);
  }
  const relname = parts[parts.length - 1]!;
  const r = ts.reader(), db = ts.host.database;
  const rows = allClassRows(ts).filter((x) => x[1] === relname);
  if (parts.length >= 2) {
    const schema = parts[parts.length - 2]!;
    if (!ts.catalog.schemaExists(r, db, schema)) throw new DbError('3F000', `schema "${schema}" does not exist`);
    const nsp = ts.catalog.schemaOid(r, db, schema);
    const hit = rows.find((x) => x[2] === nsp);
    if (hit === undefined) throw new DbError('42P01', `relation "${shown}" does not exist`);
    return hit[0] as number;
  }
  const path = ts.searchPath();
  const order = path.includes('pg_catalog') ? path : ['pg_catalog', ...path];
  for (const s of order) {
    if (!ts.catalog.schemaExists(r, db, s)) continue;
    const nsp = ts.catalog.schemaOid(r, db, s);
    const hit = rows.find((x) => x[2] === nsp);
    if (hit !== undefined) return hit[0] as number;
  }
  throw new DbError('42P01', `relation "${shown}" does not exist`);
}

/** The input forms regclassin and regnamespacein share: '-' (OID 0) and a number (an OID, unchecked). */
function dashOrOid(text: string, label: (oid: number) => string): RegclassValue | undefined {
  const s = text.trim();
  if (s === '-') return makeRegclass(0, '-');
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  if (n > MAX_OID) throw new DbError('22003', `value "${s}" is out of range for type oid`);
  return makeRegclass(n, label(n));
}

/** regclassin: '-' (0), a number (taken as the OID unchecked), or a possibly qualified name. */
export function regclassFromText(ctx: EvalContext, text: string): RegclassValue {
  const ts = session(ctx);
  const direct = dashOrOid(text, (n) => regclassLabel(ts, n));
  if (direct) return direct;
  const parts = splitQualifiedName(text);
  if (parts === undefined) throw new DbError('42602', 'invalid name syntax');
  const oid = resolveRelationOid(ts, parts);
  return makeRegclass(oid, regclassLabel(ts, oid));
}

/** regnamespaceout for `oid`: "-" for 0, the quoted schema name, else the number. */
export function regnamespaceLabel(ts: TableSession, oid: number): string {
  if (oid === 0) return '-';
  const nsp = schemaNameOf(ts, oid);
  return nsp === undefined ? String(oid) : quoteIdent(nsp);
}

/** regnamespacein: '-' (0), a number (unchecked), or exactly one schema name (3F000 if absent). */
export function regnamespaceFromText(ctx: EvalContext, text: string): RegclassValue {
  const ts = session(ctx);
  const direct = dashOrOid(text, (n) => regnamespaceLabel(ts, n));
  if (direct) return direct;
  const parts = splitQualifiedName(text);
  if (parts === undefined || parts.length !== 1) throw new DbError('42602', 'invalid name syntax');
  const r = ts.reader(), db = ts.host.database;
  if (!ts.catalog.schemaExists(r, db, parts[0]!)) throw new DbError('3F000', `schema "${parts[0]}" does not exist`);
  const oid = ts.catalog.schemaOid(r, db, parts[0]!);
  return makeRegclass(oid, regnamespaceLabel(ts, oid));
}

/**
 * A regclass / regnamespace bind parameter (catalog PendingRegclass) resolved with the session
 * as regclassin / regnamespacein would have at Bind: a name along the search_path (42P01,
 * 3F000, 42602 as there), an OID with its printed name. Other values are returned as they are.
 */
export function resolveRegclass(ctx: EvalContext, v: RegclassValue): RegclassValue {
  if (!(v instanceof PendingRegclass)) return v;
  const ns = v.typeOid === TypeOid.regnamespace;
  if ('text' in v.input) return ns ? regnamespaceFromText(ctx, v.input.text) : regclassFromText(ctx, v.input.text);
  const oid = v.input.oid;
  return ns ? makeRegclass(oid, regnamespaceLabel(session(ctx), oid)) : regclassFromOid(ctx, oid);
}

/** The bind parameters with every PendingRegclass resolved (the same array when there is none):
 *  for the session to apply before a statement runs, so every use sees PostgreSQL's value. */
export function resolveRegclassParams(ctx: EvalContext, params: readonly Value[]): readonly Value[] {
  if (!params.some((p) => p instanceof PendingRegclass)) return params;
  return params.map((p) => (p instanceof PendingRegclass ? (resolveRegclass(ctx, p) as unknown as Value) : p));
}

type CastFn = (a: readonly unknown[], ctx: EvalContext) => unknown;

/**
 * The casts that involve regclass or regnamespace (pg_cast: oid/int2/int4/int8 → either,
 * either → oid/int4/int8, text/varchar → regclass; other strings by I/O conversion); undefined
 * for other pairs. regclass → text goes through the output function like any I/O conversion.
 */
export function regclassCastImpl(from: number, to: number, isStringType: (oid: number) => boolean): CastFn | undefined {
  const O = TypeOid;
  const isReg = (o: number): boolean => o === O.regclass || o === O.regnamespace;
  if (isReg(to)) {
    if (from === to) return (a, ctx) => resolveRegclass(ctx, a[0] as RegclassValue);
    const fromOid = to === O.regclass
      ? (ctx: EvalContext, oid: number): RegclassValue => regclassFromOid(ctx, oid)
      : (ctx: EvalContext, oid: number): RegclassValue => makeRegclass(oid, regnamespaceLabel(session(ctx), oid));
    if (from === O.oid || from === O.int2 || from === O.int4) {
      return (a, ctx) => { const v = a[0] as number; return fromOid(ctx, v < 0 ? v + 4294967296 : v); };
    }
    if (from === O.int8) {
      return (a, ctx) => {
        const v = a[0] as bigint;
        if (v < -2147483648n || v > 4294967295n) throw new DbError('22003', 'OID out of range');
        return fromOid(ctx, Number(v < 0n ? v + 4294967296n : v));
      };
    }
    if (isStringType(from)) {
      return to === O.regclass
        ? (a, ctx) => regclassFromText(ctx, a[0] as string)
        : (a, ctx) => regnamespaceFromText(ctx, a[0] as string);
    }
    return undefined;
  }
  if (!isReg(from)) return undefined;
  // A bind parameter's name is resolved here, with the session (resolveRegclass).
  if (to === O.oid) return (a, ctx) => resolveRegclass(ctx, a[0] as RegclassValue).oid;
  if (to === O.int4) return (a, ctx) => resolveRegclass(ctx, a[0] as RegclassValue).oid | 0;
  if (to === O.int8) return (a, ctx) => BigInt(resolveRegclass(ctx, a[0] as RegclassValue).oid);
  // regclassout (the I/O conversion to text), reached here so a parameter resolves
  // (text only: other string types apply a typmod, through the generic I/O conversion).
  if (to === O.text) return (a, ctx) => resolveRegclass(ctx, a[0] as RegclassValue).label;
  return undefined;
}
