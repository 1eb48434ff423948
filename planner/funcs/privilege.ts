// has_table_privilege, has_schema_privilege and has_function_privilege in their PostgreSQL 15
// forms: (object, privilege) for the current user and (role, object, privilege), the object and
// the role each named by text or by OID (regclass and integers reach the OID forms, as their
// implicit casts do in PostgreSQL). Pyralog has no GRANT system: every session may do everything
// to every object, so the current user and the bootstrap superuser (name "postgres", OID 10) have
// every privilege on every object that exists. What PostgreSQL 15 checks is checked the same
// way, in its order: a named role (42704), then a named object (42P01 / 3F000 / 42883, 0A000 for a
// name in another database) then the privilege list (22023 "unrecognized privilege type"); an
// object given by OID is checked after the privileges and answers NULL when it does not exist.
// A role OID that names no role answers false, as PostgreSQL does. The privileges of PUBLIC and
// of the predefined roles (pg_monitor, ...) are not modeled: asking for them is 0A000.

import { DbError, TypeOid, splitQualifiedName as splitName } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr } from '../bind/expr.js';
import { tryCoerce } from '../bind/coerce.js';
import { T } from '../bind/types.js';
import type { TableSession } from '../rel/runtime.js';
import { allClassRows, BOOTSTRAP_USER_OID, PREDEFINED_ROLES } from './pg-catalog.js';
import { checkFunctionSignature } from './regprocedure.js';

const TABLE_PRIVILEGES = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']);
const SCHEMA_PRIVILEGES = new Set(['CREATE', 'USAGE']);

/** convert_any_priv_string: comma-separated names, each optionally WITH GRANT OPTION. */
function checkPrivileges(text: string, allowed: ReadonlySet<string>): void {
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const name = item.replace(/\s+WITH\s+GRANT\s+OPTION$/i, '').trim();
    if (!allowed.has(name.toUpperCase())) throw new DbError('22023', `unrecognized privilege type: "${item}"`);
  }
}

function splitQualifiedName(s: string): string[] {
  const parts = splitName(s);
  if (parts === undefined || parts.length === 0) throw new DbError('22P02', 'invalid name syntax');
  return parts;
}

function tableExists(ts: TableSession, name: string): void {
  const parts = splitQualifiedName(name);
  const db = ts.host.database;
  if (parts.length > 3) throw new DbError('42601', `improper relation name (too many dotted names): ${parts.join('.')}`);
  if (parts.length === 3 && parts[0] !== db) throw new DbError('0A000', `cross-database references are not implemented: "${parts.join('.')}"`);
  const rel = parts[parts.length - 1]!;
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  if (schema !== undefined && !ts.catalog.schemaExists(ts.reader(), db, schema)) throw new DbError('3F000', `schema "${schema}" does not exist`);
  if (!ts.catalog.resolve(ts.reader(), db, ts.searchPath(), rel, schema)) {
    throw new DbError('42P01', `relation "${schema !== undefined ? `${schema}.` : ''}${rel}" does not exist`);
  }
}

type ObjectKind = 'table' | 'schema' | 'function';

const PRIVILEGES: Record<ObjectKind, ReadonlySet<string>> = {
  table: TABLE_PRIVILEGES,
  schema: SCHEMA_PRIVILEGES,
  function: new Set(['EXECUTE']),
};

const KIND_OF: Record<string, ObjectKind | undefined> = {
  has_table_privilege: 'table',
  has_schema_privilege: 'schema',
  has_function_privilege: 'function',
};

/** Types whose implicit cast to oid picks PostgreSQL's OID forms (regclass is binary coercible). */
const OID_LIKE = new Set<number>([TypeOid.oid, TypeOid.regclass, TypeOid.regtype, TypeOid.int2, TypeOid.int4, TypeOid.int8]);

/** An argument as text (a name form) or as oid (an OID form); undefined when neither fits. */
function nameOrOid(b: Binder, a: BoundExpr): { by: 'name' | 'oid'; expr: BoundExpr } | undefined {
  if (OID_LIKE.has(a.type.oid)) {
    const e = tryCoerce(b, a, T.oid, 'i');
    return e && { by: 'oid', expr: e };
  }
  const e = tryCoerce(b, a, T.text, 'i');
  return e && { by: 'name', expr: e };
}

/** Whose privileges are asked: the superuser (all of them), a role without any, or not modeled. */
type Grantee = 'superuser' | 'none';

/** get_role_oid_or_public, then what Pyralog can answer for that role. */
function granteeByName(user: string, role: string): Grantee {
  if (role === user || role === 'postgres') return 'superuser';
  if (role === 'public' || PREDEFINED_ROLES.some(([n]) => n === role)) throw notModeled(role);
  throw new DbError('42704', `role "${role}" does not exist`);
}

function granteeByOid(oid: number): Grantee {
  if (oid === BOOTSTRAP_USER_OID) return 'superuser';
  const predefined = PREDEFINED_ROLES.find(([, o]) => o === oid);
  if (predefined) throw notModeled(predefined[0]);
  return 'none'; // no such role: PostgreSQL's ACL check finds no privilege
}

function notModeled(role: string): DbError {
  return new DbError('0A000', `privileges of role "${role}" are not modeled: Pyralog has no GRANT system, only superuser sessions`);
}

/** Throws when the named object does not exist (the name forms). */
function checkNamed(kind: ObjectKind, b: Binder, ts: TableSession, name: string): void {
  switch (kind) {
    case 'table': tableExists(ts, name); return;
    case 'schema':
      if (!ts.catalog.schemaExists(ts.reader(), ts.host.database, name)) throw new DbError('3F000', `schema "${name}" does not exist`);
      return;
    case 'function': checkFunctionSignature(ts, b.registry, name); return;
    default: { const never: never = kind; throw new Error(`unknown object kind ${String(never)}`); }
  }
}

/** Does the object of this OID exist? (the OID forms answer NULL when not). */
function oidExists(kind: ObjectKind, ts: TableSession, oid: number): boolean {
  switch (kind) {
    case 'table': return allClassRows(ts).some((r) => r[0] === oid);
    case 'schema': {
      const r = ts.reader(), db = ts.host.database;
      return ts.catalog.listSchemas(r, db).some((s) => ts.catalog.schemaOid(r, db, s) === oid);
    }
    case 'function': throw new DbError('0A000', 'has_function_privilege with a function OID is not supported: built-in functions have no OIDs in Pyralog');
    default: { const never: never = kind; throw new Error(`unknown object kind ${String(never)}`); }
  }
}

/** The bound call, or undefined when `name`/arity/argument types are not one of the forms built here. */
export function bindPrivilegeCall(b: Binder, name: string, args: BoundExpr[], ts: TableSession | undefined, loc: number): BoundExpr | undefined {
  const kind = KIND_OF[name];
  if (kind === undefined || (args.length !== 2 && args.length !== 3) || !ts) return undefined;
  const role = args.length === 3 ? nameOrOid(b, args[0]!) : undefined;
  const object = nameOrOid(b, args[args.length - 2]!);
  const privilege = tryCoerce(b, args[args.length - 1]!, T.text, 'i');
  if ((args.length === 3 && !role) || !object || !privilege) return undefined;
  const allowed = PRIVILEGES[kind];
  const bound = [...(role ? [role.expr] : []), object.expr, privilege];
  return {
    kind: 'call', name, args: bound, type: T.bool, strict: true, volatility: 'stable', location: loc,
    impl: (a, ctx) => {
      const r = role ? a[0] : undefined;
      const [obj, privileges] = a.slice(role ? 1 : 0) as [string | number, string];
      const grantee: Grantee = role === undefined ? 'superuser' : role.by === 'name' ? granteeByName(ctx.env.user, r as string) : granteeByOid(Number(r));
      if (object.by === 'name') {
        checkNamed(kind, b, ts, obj as string);
        checkPrivileges(privileges, allowed);
      } else {
        checkPrivileges(privileges, allowed);
        if (!oidExists(kind, ts, Number(obj))) return null;
      }
      return grantee === 'superuser';
    },
  };
}
