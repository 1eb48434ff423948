// regprocedurein for has_function_privilege(text, ...): `name(type, ...)` → does a built-in with
// exactly those declared argument types exist? PostgreSQL's parseNameAndArgTypes rules: the
// text must hold a left parenthesis (22P02 "expected a left parenthesis") and end with the right
// one (22P02 "expected a right parenthesis"); the name is a qualified name list (22P02 invalid
// name syntax), a schema that does not exist is 3F000, the argument types read as regtypein
// (42704 for an unknown type); a signature that names no function is 42883
// `function "<text>" does not exist`, quoting the text as written.
//
// Limits (stated): only functions of the registry are known (operators' functions, aggregates and
// the functions the binder builds by hand — has_*_privilege, nextval, pg_typeof, array
// functions — are not), and a numeric OID in place of a signature is not accepted.

import { DbError, regtypeIn, splitQualifiedName } from '../../catalog/index.js';
import type { TableSession } from '../rel/runtime.js';
import type { FunctionRegistry } from './registry.js';

/** The argument list split on top-level commas (a typmod's comma stays), quotes respected. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0, quoted = false, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  const last = s.slice(start);
  if (out.length > 0 || last.trim() !== '') out.push(last);
  return out;
}

/** Throws PostgreSQL's error when `text` names no built-in function (see the header). */
export function checkFunctionSignature(ts: TableSession, registry: FunctionRegistry, text: string): void {
  const open = text.indexOf('(');
  if (open < 0) throw new DbError('22P02', 'expected a left parenthesis');
  const trimmed = text.replace(/\s+$/, '');
  if (!trimmed.endsWith(')')) throw new DbError('22P02', 'expected a right parenthesis');
  const names = splitQualifiedName(text.slice(0, open));
  if (names === undefined || names.length === 0) throw new DbError('22P02', 'invalid name syntax');
  if (names.length > 3) throw new DbError('42601', `improper qualified name (too many dotted names): ${names.join('.')}`);
  if (names.length === 3 && names[0] !== ts.host.database) {
    throw new DbError('0A000', `cross-database references are not implemented: ${names.join('.')}`);
  }
  const schema = names.length > 1 ? names[names.length - 2]! : undefined;
  if (schema !== undefined && !ts.catalog.schemaExists(ts.reader(), ts.host.database, schema)) {
    throw new DbError('3F000', `schema "${schema}" does not exist`);
  }
  const argOids = splitArgs(trimmed.slice(open + 1, -1)).map((a) => regtypeIn(a));
  const name = names[names.length - 1]!;
  const found = (schema === undefined || schema === 'pg_catalog')
    && (registry.functions(name) ?? []).some((d) => d.variadic === undefined && d.args.length === argOids.length && d.args.every((o, i) => o === argOids[i]));
  if (!found) throw new DbError('42883', `function "${text}" does not exist`);
}
