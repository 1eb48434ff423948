// The set-returning array functions in FROM (rel/srf.ts asks here first): unnest(anyarray) —
// every element in storage order, whatever the dimensions; unnest(a, b, ...) — the arrays
// side by side, shorter ones padded with NULL (PostgreSQL's ROWS FROM expansion); and
// generate_subscripts(anyarray, dim [, reverse]). WITH ORDINALITY appends an int8 counter.
// A NULL array yields no rows.

import { DbError, TypeOid, type PgArray } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { elemType, isArrayOid } from '../bind/array-types.js';
import { tryCoerce } from '../bind/coerce.js';
import { t, T, typeName, type SqlType } from '../bind/types.js';
import { arrayElement, arrayOfValues } from '../eval/array-values.js';
import { regexpMatches, regexpSplit } from './array-regexp.js';
import { INFO_SCHEMA_FUNCTION, infoSchemaInFrom } from './info-schema.js';
import { pgCatalogInFrom } from './pg-catalog.js';
import { partitionAncestorsInFrom } from './pg-partition.js';
import { compile } from '../eval/compile.js';
import { strings, type FuncCall } from '../parse/ast.js';
import { ROWS_IN_MEMORY_MAX, RowsNode, tooMany } from '../rel/ops.js';

export interface ArrayRelation {
  node: RowsNode;
  columns: Array<{ name: string; type: SqlType }>;
}

function noFunction(b: Binder, name: string, args: BoundExpr[], loc: number): DbError {
  return b.err('42883', `function ${name}(${args.map((a) => typeName(a.type.oid)).join(', ')}) does not exist`, loc, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

/** The set-returning functions planned here (the binder refuses them in scalar contexts). */
// The set-returning functions planned here (besides generate_series, in rel/srf.ts):
// pg_partition_ancestors is psql's (pg-partition.ts).
export const ARRAY_SRFS: ReadonlySet<string> = new Set(['unnest', 'generate_subscripts', 'regexp_matches', 'regexp_split_to_table', 'pg_partition_ancestors']);

/**
 * information_schema._pg_expandarray(anyarray) → (x, n): PostgreSQL's SQL function
 * `select ($1)[s], s - array_lower($1,1) + 1 from generate_series(array_lower($1,1),
 * array_upper($1,1)) s` (x is NULL for arrays of more than one dimension). Found when qualified
 * with information_schema or when the search_path names that schema, as in PostgreSQL.
 */
function expandArray(b: Binder, f: FuncCall, ordinality: boolean, loc: number): ArrayRelation | undefined {
  const names = strings(f.funcname);
  const visible = names.length === 2 ? names[0] === 'information_schema' : names.length === 1 && (b.tables?.searchPath().includes('information_schema') ?? false);
  if (!visible) return undefined;
  const args = (f.args ?? []).map((a) => b.bind(a));
  if (args.length !== 1 || !isArrayOid(args[0]!.type.oid)) {
    if (args.length === 1 && args[0]!.type.oid === TypeOid.unknown) throw b.err('42804', 'could not determine polymorphic type because input has type unknown', loc);
    throw noFunction(b, names.join('.'), args, loc);
  }
  const fa = compile(args[0]!);
  const columns: Array<{ name: string; type: SqlType }> = [{ name: 'x', type: elemType(args[0]!.type) }, { name: 'n', type: T.int4 }];
  if (ordinality) columns.push({ name: 'ordinality', type: T.int8 });
  const produce = (ctx: EvalContext): Value[][] => {
    const a = fa([], ctx) as PgArray | null;
    const out: Value[][] = [];
    if (a === null || a.dims.length === 0) return out;
    const lb = a.lbounds[0]!;
    for (let s = lb; s < lb + a.dims[0]!; s++) {
      if (out.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
      const row: Value[] = [arrayElement(a, [s]), s - lb + 1];
      if (ordinality) row.push(BigInt(out.length + 1));
      out.push(row);
    }
    return out;
  };
  return { columns, node: new RowsNode(columns.length, produce, 'Function Scan on _pg_expandarray') };
}

/** regexp_matches(text, text [, text]) → text[] rows; regexp_split_to_table → text rows. */
function regexpInFrom(b: Binder, name: string, args: BoundExpr[], ordinality: boolean, aliasName: string | undefined, loc: number): ArrayRelation {
  const coerced = args.map((a) => tryCoerce(b, a, T.text, 'i'));
  if ((args.length !== 2 && args.length !== 3) || coerced.some((c) => c === undefined)) throw noFunction(b, name, args, loc);
  const fns = coerced.map((c) => compile(c!));
  const columns: Array<{ name: string; type: SqlType }> = [{ name: aliasName ?? name, type: name === 'regexp_matches' ? t(TypeOid._text) : T.text }];
  if (ordinality) columns.push({ name: 'ordinality', type: T.int8 });
  const produce = (ctx: EvalContext): Value[][] => {
    const v = fns.map((f) => f([], ctx));
    if (v.some((x) => x === null)) return [];
    const [s, p, flags] = [v[0] as string, v[1] as string, (v[2] as string | undefined) ?? ''];
    const items: Value[] = name === 'regexp_matches'
      ? regexpMatches(s, p, flags).map((m) => arrayOfValues(m))
      : regexpSplit(s, p, flags, 'regexp_split_to_table');
    if (items.length > ROWS_IN_MEMORY_MAX) throw tooMany();
    return items.map((x, i) => (ordinality ? [x, BigInt(i + 1)] : [x]));
  };
  return { columns, node: new RowsNode(columns.length, produce, `Function Scan on ${name}`) };
}

/** unnest / generate_subscripts / the regexp set functions as a FROM item; undefined otherwise. */
export function arrayFunctionInFrom(b: Binder, f: FuncCall, ordinality: boolean, aliasName: string | undefined): ArrayRelation | undefined {
  const names = strings(f.funcname);
  const name = names[names.length - 1]!;
  const loc = f.location ?? -1;
  if (name === '_pg_expandarray') return expandArray(b, f, ordinality, loc);
  if (name === INFO_SCHEMA_FUNCTION) return infoSchemaInFrom(b, f) ?? pgCatalogInFrom(b, f); // information_schema / pg_catalog views
  if (!ARRAY_SRFS.has(name)) return undefined;
  if (name === 'pg_partition_ancestors') return partitionAncestorsInFrom(b, f, ordinality, aliasName);
  const args = (f.args ?? []).map((a) => b.bind(a));
  if (name === 'regexp_matches' || name === 'regexp_split_to_table') return regexpInFrom(b, name, args, ordinality, aliasName, loc);
  const arrays = name === 'unnest' ? args : args.slice(0, 1);
  for (const a of arrays) {
    if (a.type.oid === TypeOid.unknown) throw b.err('42804', 'could not determine polymorphic type because input has type unknown', loc);
    if (!isArrayOid(a.type.oid)) throw noFunction(b, name, args, loc);
  }
  if (arrays.length === 0) throw noFunction(b, name, args, loc);
  const columns: Array<{ name: string; type: SqlType }> = [];
  let produce: (ctx: EvalContext) => Value[][];
  const push = (out: Value[][], row: Value[]): void => {
    if (out.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
    if (ordinality) row.push(BigInt(out.length + 1));
    out.push(row);
  };
  if (name === 'unnest') {
    const fns = args.map((a) => compile(a));
    args.forEach((a) => columns.push({ name: args.length === 1 ? (aliasName ?? 'unnest') : 'unnest', type: elemType(a.type) }));
    produce = (ctx) => {
      const arrs = fns.map((fn) => fn([], ctx) as PgArray | null);
      const n = Math.max(0, ...arrs.map((a) => (a === null ? 0 : a.values.length)));
      const out: Value[][] = [];
      for (let i = 0; i < n; i++) push(out, arrs.map((a) => (a === null ? null : ((a.values[i] ?? null) as Value))));
      return out;
    };
  } else {
    if (args.length < 2 || args.length > 3) throw noFunction(b, name, args, loc);
    const dim = tryCoerce(b, args[1]!, T.int4, 'i');
    const rev = args.length === 3 ? tryCoerce(b, args[2]!, T.bool, 'i') : undefined;
    if (!dim || (args.length === 3 && !rev)) throw noFunction(b, name, args, loc);
    const fa = compile(args[0]!), fd = compile(dim), fr = rev ? compile(rev) : undefined;
    columns.push({ name: aliasName ?? 'generate_subscripts', type: T.int4 });
    produce = (ctx) => {
      const a = fa([], ctx) as PgArray | null, d = fd([], ctx) as number | null;
      const r = fr ? fr([], ctx) : false;
      const out: Value[][] = [];
      if (a === null || d === null || r === null || d < 1 || d > a.dims.length) return out;
      const lb = a.lbounds[d - 1]!, ub = lb + a.dims[d - 1]! - 1;
      if (r === true) for (let i = ub; i >= lb; i--) push(out, [i]);
      else for (let i = lb; i <= ub; i++) push(out, [i]);
      return out;
    };
  }
  if (ordinality) columns.push({ name: 'ordinality', type: T.int8 });
  return { columns, node: new RowsNode(columns.length, produce, `Function Scan on ${name}`) };
}
