// has_table_privilege(table text, privilege text) and has_schema_privilege(schema text,
// privilege text) for the current user. Pyralog has no GRANT system: every session may do
// everything to every object, so the answer is true for any object that exists. What
// PostgreSQL 15 checks is checked the same way, in its order: the object (42P01 / 3F000, 0A000
// for a name in another database), then the privilege list (22023 "unrecognized privilege type").
// The forms naming a role or an OID are not built (42883, as no such function).

import { DbError } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr } from '../bind/expr.js';
import { tryCoerce } from '../bind/coerce.js';
import { T } from '../bind/types.js';
import type { TableSession } from '../rel/runtime.js';

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

/** SplitIdentifierString over '.': quoted parts keep their case, others are folded to lower case. */
function splitQualifiedName(s: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const n = s.length;
  for (;;) {
    while (i < n && /\s/.test(s[i]!)) i++;
    let part = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new DbError('22P02', 'invalid name syntax');
        if (s[i] === '"') {
          if (s[i + 1] === '"') { part += '"'; i += 2; continue; }
          i++;
          break;
        }
        part += s[i++];
      }
    } else {
      const start = i;
      while (i < n && s[i] !== '.' && !/\s/.test(s[i]!)) i++;
      part = s.slice(start, i).toLowerCase();
      if (part === '') throw new DbError('22P02', 'invalid name syntax');
    }
    parts.push(part);
    while (i < n && /\s/.test(s[i]!)) i++;
    if (i >= n) return parts;
    if (s[i] !== '.') throw new DbError('22P02', 'invalid name syntax');
    i++;
  }
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

/** The bound call, or undefined when `name`/arity is not one of the forms built here. */
export function bindPrivilegeCall(b: Binder, name: string, args: BoundExpr[], ts: TableSession | undefined, loc: number): BoundExpr | undefined {
  if ((name !== 'has_table_privilege' && name !== 'has_schema_privilege') || args.length !== 2 || !ts) return undefined;
  const text = args.map((a) => tryCoerce(b, a, T.text, 'i'));
  if (text.some((a) => a === undefined)) return undefined;
  const table = name === 'has_table_privilege';
  return {
    kind: 'call', name, args: text as BoundExpr[], type: T.bool, strict: true, volatility: 'stable', location: loc,
    impl: (a) => {
      const [object, privileges] = a as [string, string];
      if (table) tableExists(ts, object);
      else if (!ts.catalog.schemaExists(ts.reader(), ts.host.database, object)) throw new DbError('3F000', `schema "${object}" does not exist`);
      checkPrivileges(privileges, table ? TABLE_PRIVILEGES : SCHEMA_PRIVILEGES);
      return true;
    },
  };
}
