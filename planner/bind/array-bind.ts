// Binding of array constructs with PostgreSQL 15's rules: ARRAY[...] (transformArrayExpr,
// including an element type pushed down by a cast), subscripts and slices
// (transformContainerSubscripts), the array operators (anyarray comparisons and @> <@ &&,
// anycompatible ||), `op ANY/ALL (array)` (make_scalar_array_op) and the polymorphic array
// functions of funcs/array.ts (enforce_generic_type_consistency, simplified to the
// anyarray/anycompatible families these functions use).
//
// Invariant: an array operator or function either binds with PostgreSQL's result type or
// raises PostgreSQL's error (42883 no such operator/function, 42804 undeterminable
// polymorphic type); it never falls back to a non-array candidate that PostgreSQL would not
// consider (anynonarray excludes arrays).

import { DbError, TypeOid, type PgArray } from '../../catalog/index.js';
import type { A_ArrayExpr, A_Expr, Node } from '../parse/ast.js';
import { strings } from '../parse/ast.js';
import { compile } from '../eval/compile.js';
import { comparatorFor, type Cmp } from '../eval/compare.js';
import {
  arrayAppend, arrayCat, arrayContains, arrayElement, arrayOfArrays, arrayOfValues, arrayOverlaps, arrayPrepend, arraySlice,
} from '../eval/array-values.js';
import { arraySetElement, arraySetSlice } from '../eval/array-assign.js';
import { arrayFunction, type ArrayFnDef } from '../funcs/array.js';
import type { Binder } from './binder.js';
import { canCoerce } from './casts.js';
import { coerceAllTo, coerceExplicit, commonType, exprLocation, posFields, tryCoerce } from './coerce.js';
import type { BoundExpr, Impl, Value } from './expr.js';
import { arrayTypeFor, elemType, isArrayOid } from './array-types.js';
import { t, T, typeName, type SqlType } from './types.js';

const UNKNOWN = TypeOid.unknown;
const MAX_DIMS = 6;

function call(name: string, args: BoundExpr[], type: SqlType, impl: Impl, strict: boolean, location: number): BoundExpr {
  return { kind: 'call', name, args, type, impl, strict, volatility: 'immutable', location };
}

// ---- ARRAY[...] ------------------------------------------------------------------------------

/** ARRAY[...]; `target` is the array type of an enclosing cast (ARRAY[1, true]::bool[]). */
export function bindArrayExpr(b: Binder, node: A_ArrayExpr, target?: SqlType): BoundExpr {
  const loc = node.location ?? -1;
  const bound: BoundExpr[] = [];
  let multi = false;
  for (const el of node.elements ?? []) {
    if (el.kind === 'A_ArrayExpr') {
      bound.push(bindArrayExpr(b, el, target));
      multi = true;
    } else {
      const e = b.bind(el);
      if (!multi && isArrayOid(e.type.oid)) multi = true;
      bound.push(e);
    }
  }
  let arrayT: SqlType;
  let elems: BoundExpr[];
  if (target !== undefined) {
    arrayT = target;
    const to = multi ? target : elemType(target);
    elems = bound.map((e) => coerceExplicit(b, e, to, exprLocation(e, loc)));
  } else {
    if (bound.length === 0) {
      throw new DbError('42P18', 'cannot determine type of empty array', {
        hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].', ...posFields(b, loc),
      });
    }
    const ct = commonType(b, bound, 'ARRAY', loc);
    if (multi) {
      if (!isArrayOid(ct.oid)) throw b.err('42704', `could not find element type for data type ${typeName(ct)}`, loc);
      arrayT = ct;
    } else {
      arrayT = arrayTypeFor(ct);
    }
    elems = coerceAllTo(b, bound, ct, 'ARRAY', loc);
  }
  const impl: Impl = multi ? (a) => arrayOfArrays(a) : (a) => arrayOfValues(a);
  return call('array', elems, arrayT, impl, false, loc);
}

// ---- subscripts ------------------------------------------------------------------------------

interface IndicesNode { kind: 'A_Indices'; is_slice?: boolean; lidx?: Node; uidx?: Node }

/** a[i], a[i][j], a[l:u], a[:u], a[l:] (A_Indirection with A_Indices). */
export function bindIndirection(b: Binder, node: { arg: Node; indirection?: Node[] }, location: number): BoundExpr {
  const base = b.bind(node.arg);
  const subs: IndicesNode[] = [];
  for (const ind of node.indirection ?? []) {
    const k = (ind as { kind: string }).kind;
    if (k !== 'A_Indices') throw b.unsupported(k === 'A_Star' ? 'expanding (expression).*' : 'field selection from expressions', location);
    subs.push(ind as unknown as IndicesNode);
  }
  const argLoc = exprLocation(base, location);
  if (!isArrayOid(base.type.oid)) {
    if (base.type.oid === TypeOid.jsonb) throw b.unsupported('jsonb subscripting', argLoc);
    throw b.err('42804', `cannot subscript type ${typeName(base.type)} because it does not support subscripting`, argLoc);
  }
  if (subs.length > MAX_DIMS) throw b.err('54000', `number of array dimensions (${subs.length}) exceeds the maximum allowed (${MAX_DIMS})`, location);
  const isSlice = subs.some((s) => s.is_slice === true);
  const args: BoundExpr[] = [base];
  const sub = (n: Node): number => {
    const e = b.bind(n);
    const c = tryCoerce(b, e, T.int4, 'a');
    if (!c) throw b.err('42804', 'array subscript must have type integer', exprLocation(e, location));
    args.push(c);
    return args.length - 1;
  };
  if (!isSlice) {
    const at = subs.map((s) => sub(s.uidx!));
    const idx = new Array<number>(at.length);
    return call('subscript', args, elemType(base.type), (a) => {
      for (let i = 0; i < at.length; i++) idx[i] = a[at[i]!] as number;
      return arrayElement(a[0] as PgArray, idx);
    }, true, location);
  }
  // In a slice, a plain subscript [u] means [1:u]; an omitted bound is the array's own.
  const lo = subs.map((s) => (s.lidx ? sub(s.lidx) : s.is_slice ? undefined : 0));
  const hi = subs.map((s) => (s.uidx ? sub(s.uidx) : undefined));
  return call('slice', args, base.type, (a) => {
    const l = lo.map((i) => (i === undefined ? undefined : i === 0 ? 1 : (a[i] as number)));
    const u = hi.map((i) => (i === undefined ? undefined : (a[i] as number)));
    return arraySlice(a[0] as PgArray, l, u);
  }, true, location);
}

// ---- operators -------------------------------------------------------------------------------

function noOperator(b: Binder, name: string, left: BoundExpr, right: BoundExpr, loc: number): DbError {
  return b.err('42883', `operator does not exist: ${typeName(left.type.oid)} ${name} ${typeName(right.type.oid)}`, loc, {
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}

/** The common type of anycompatible inputs (unknowns ignored), or undefined when none exists. */
function commonOf(b: Binder, types: SqlType[], loc: number): SqlType | undefined {
  const known = types.filter((x) => x.oid !== UNKNOWN);
  if (known.length === 0) return undefined;
  try {
    const ct = commonType(b, known.map((type) => ({ kind: 'const', type, value: null, location: -1 }) as BoundExpr), 'ARRAY', loc);
    return t(ct.oid);
  } catch (e) {
    if (e instanceof DbError && e.code === '42804') return undefined;
    throw e;
  }
}

function elemOrder(b: Binder, arrayT: SqlType, loc: number): Cmp {
  const et = elemType(arrayT);
  const c = comparatorFor(et.oid);
  if (!c) throw b.err('42883', `could not identify an equality operator for type ${typeName(et.oid)}`, loc);
  return c;
}

const COMPARE: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0, '<>': (c) => c !== 0, '<': (c) => c < 0, '>': (c) => c > 0, '<=': (c) => c <= 0, '>=': (c) => c >= 0,
};

/**
 * Binary operators with an array operand; undefined when neither operand is an array (the
 * registry's operators apply). 42883 for array operands no array operator accepts.
 */
export function bindArrayOperator(b: Binder, name: string, left: BoundExpr, right: BoundExpr, loc: number): BoundExpr | undefined {
  const la = isArrayOid(left.type.oid), ra = isArrayOid(right.type.oid);
  if (!la && !ra) return undefined;
  const lu = left.type.oid === UNKNOWN, ru = right.type.oid === UNKNOWN;
  const cmpOp = COMPARE[name];
  if (cmpOp !== undefined || name === '@>' || name === '<@' || name === '&&') {
    // anyarray, anyarray: identical array types; an unknown literal takes the other's type.
    const ty = la && ra ? (left.type.oid === right.type.oid ? t(left.type.oid) : undefined) : la && ru ? t(left.type.oid) : ra && lu ? t(right.type.oid) : undefined;
    if (ty === undefined) throw noOperator(b, name, left, right, loc);
    const l = tryCoerce(b, left, ty, 'i'), r = tryCoerce(b, right, ty, 'i');
    if (!l || !r) throw noOperator(b, name, left, right, loc);
    const elem = elemOrder(b, ty, loc);
    let impl: Impl;
    if (cmpOp !== undefined) {
      const cmp = comparatorFor(ty.oid)!;
      impl = (a) => cmpOp(cmp(a[0]!, a[1]!));
    } else if (name === '@>') impl = (a) => arrayContains(a[0] as PgArray, a[1] as PgArray, elem);
    else if (name === '<@') impl = (a) => arrayContains(a[1] as PgArray, a[0] as PgArray, elem);
    else impl = (a) => arrayOverlaps(a[0] as PgArray, a[1] as PgArray, elem);
    return call(name, [l, r], T.bool, impl, true, loc);
  }
  if (name !== '||') return undefined;
  // anycompatiblearray || anycompatiblearray (array_cat), with an element on one side
  // array_append / array_prepend; an unknown literal next to an array is an array.
  const cat = (la || lu) && (ra || ru);
  const common = commonOf(b, [la ? elemType(left.type) : left.type, ra ? elemType(right.type) : right.type], loc);
  if (common === undefined) throw noOperator(b, name, left, right, loc);
  const arrayT = arrayTypeFor(common);
  const l = tryCoerce(b, left, la || (cat && lu) ? arrayT : common, 'i');
  const r = tryCoerce(b, right, ra || (cat && ru) ? arrayT : common, 'i');
  if (!l || !r) throw noOperator(b, name, left, right, loc);
  if (cat) return call('array_cat', [l, r], arrayT, (a) => arrayCat(a[0] as PgArray | null, a[1] as PgArray | null), false, loc);
  if (la) return call('array_append', [l, r], arrayT, (a) => arrayAppend(a[0] as PgArray | null, a[1]!), false, loc);
  return call('array_prepend', [l, r], arrayT, (a) => arrayPrepend(a[0]!, a[1] as PgArray | null), false, loc);
}

// ---- op ANY/ALL (array) ----------------------------------------------------------------------

/** `x op ANY (array)` / `x op ALL (array)` (a ScalarArrayOpExpr; subqueries go to sublink.ts). */
export function bindAnyAll(b: Binder, node: A_Expr, loc: number): BoundExpr {
  const n = strings(node.name);
  const op = n[n.length - 1] ?? '';
  const all = node.exprKind === 'AEXPR_OP_ALL';
  const left = b.bind(node.lexpr!);
  let right = b.bind(node.rexpr!);
  let elemT: SqlType;
  if (right.type.oid === UNKNOWN) {
    // The element type comes from resolving the operator with an unknown right input.
    const probe = b.operator(op, left, { kind: 'const', type: T.unknown, value: null, location: -1 }, loc);
    if (probe.kind !== 'call') throw b.err('42809', 'op ANY/ALL (array) requires operator to yield boolean', loc);
    elemT = t(probe.args[1]!.type.oid);
    right = tryCoerce(b, right, arrayTypeFor(elemT), 'i') ?? right;
  } else {
    if (!isArrayOid(right.type.oid)) throw b.err('42809', 'op ANY/ALL (array) requires array on right side', loc);
    elemT = t(elemType(right.type).oid);
  }
  // Bind `left op <element>` with the element as slot 0 of a one-value row, so the element's
  // coercion (if any) compiles into a closure applied to each array element.
  const slot: BoundExpr = { kind: 'column', index: 0, type: elemT, name: '?element?', location: exprLocation(right, loc) };
  const opExpr = b.operator(op, left, slot, loc);
  if (opExpr.kind !== 'call' || opExpr.type.oid !== TypeOid.bool) {
    throw b.err('42809', 'op ANY/ALL (array) requires operator to yield boolean', loc);
  }
  const opImpl = opExpr.impl, strict = opExpr.strict;
  // The element slot itself needs no conversion closure (the common case: same types).
  const conv = opExpr.args[1] === slot ? undefined : compile(opExpr.args[1]!);
  const row: Value[] = [null];
  const pair: Value[] = [null, null];
  const impl: Impl = (a, ctx) => {
    const x = a[0]!, arr = a[1] as PgArray | null;
    if (arr === null) return null;
    if (arr.values.length === 0) return all;
    if (x === null && strict) return null;
    let sawNull = false;
    for (const v of arr.values) {
      row[0] = (v ?? null) as Value;
      const y = conv === undefined ? row[0] : conv(row, ctx);
      pair[0] = x;
      pair[1] = y;
      const r = strict && (y === null || x === null) ? null : opImpl(pair, ctx);
      if (r === null) sawNull = true;
      else if (r === !all) return !all;
    }
    return sawNull ? null : all;
  };
  const node2 = call(all ? 'all' : 'any', [opExpr.args[0]!, right], T.bool, impl, false, loc);
  return opExpr.volatility === 'immutable' ? node2 : { ...node2, volatility: opExpr.volatility } as BoundExpr;
}

// ---- functions -------------------------------------------------------------------------------

type Fit = { kind: 'ok'; args: BoundExpr[]; type: SqlType; elemOid: number } | { kind: 'nomatch' } | { kind: 'unknown' };

function fit(b: Binder, def: ArrayFnDef, args: BoundExpr[], loc: number): Fit {
  let anyarray: number | undefined;
  const compat: SqlType[] = [];
  for (let i = 0; i < args.length; i++) {
    const decl = def.args[i]!, a = args[i]!.type;
    if (typeof decl === 'number') {
      if (a.oid !== UNKNOWN && !canCoerce(a.oid, decl, 'i')) return { kind: 'nomatch' };
      continue;
    }
    if (a.oid === UNKNOWN) continue;
    if (decl === 'anycompatible') {
      compat.push(a);
      continue;
    }
    if (!isArrayOid(a.oid)) return { kind: 'nomatch' };
    if (decl === 'anyarray') {
      if (anyarray !== undefined && anyarray !== a.oid) return { kind: 'nomatch' };
      anyarray = a.oid;
    } else compat.push(elemType(a));
  }
  const usesAnyarray = def.args.includes('anyarray');
  const usesCompat = def.args.some((d) => d === 'anycompatible' || d === 'anycompatiblearray');
  if (usesAnyarray && anyarray === undefined) return { kind: 'unknown' };
  let common: SqlType | undefined;
  if (usesCompat) {
    // All-unknown anycompatible inputs resolve to text (array_cat(NULL, NULL) is text[]).
    common = compat.length === 0 ? T.text : commonOf(b, compat, loc);
    if (common === undefined || (def.args.includes('anycompatiblearray') && isArrayOid(common.oid))) return { kind: 'nomatch' };
  }
  const coerced: BoundExpr[] = [];
  for (let i = 0; i < args.length; i++) {
    const decl = def.args[i]!;
    const to = typeof decl === 'number' ? t(decl) : decl === 'anyarray' ? t(anyarray!) : decl === 'anycompatible' ? common! : arrayTypeFor(common!);
    const c = tryCoerce(b, args[i]!, to, 'i');
    if (!c) return { kind: 'nomatch' };
    coerced.push(c);
  }
  const arrayOid = anyarray ?? (common ? arrayTypeFor(common).oid : TypeOid._text);
  const type = def.result === 'array' ? t(arrayOid) : def.result === 'elem' ? t(elemType(t(arrayOid)).oid) : t(def.result);
  return { kind: 'ok', args: coerced, type, elemOid: elemType(t(arrayOid)).oid };
}

/** The array functions of funcs/array.ts; undefined for other names. */
export function bindArrayFunction(b: Binder, name: string, args: BoundExpr[], loc: number): BoundExpr | undefined {
  const defs = arrayFunction(name);
  if (defs === undefined) return undefined;
  let sawUnknown = false;
  for (const def of defs) {
    if (def.args.length !== args.length) continue;
    const r = fit(b, def, args, loc);
    if (r.kind === 'unknown') sawUnknown = true;
    if (r.kind !== 'ok') continue;
    const impl = def.make({ elemOid: r.elemOid, cmp: comparatorFor(r.elemOid) });
    const e = call(name, r.args, r.type, impl, def.strict !== false, loc);
    return def.volatility === undefined ? e : { ...e, volatility: def.volatility } as BoundExpr;
  }
  if (sawUnknown) throw b.err('42804', 'could not determine polymorphic type because input has type unknown', loc);
  throw b.err('42883', `function ${name}(${args.map((a) => typeName(a.type.oid)).join(', ')}) does not exist`, loc, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

// ---- assignment (UPDATE ... SET a[i] = v) -----------------------------------------------------

/**
 * The new value of array column `current` after `current[indirection] := value` (what
 * `SET a[i] = v` / `SET a[l:u] = '{...}'` assigns), with PostgreSQL's coercions and errors.
 * `column` names the target in the 42804 message.
 */
export function bindArrayAssignment(b: Binder, current: BoundExpr, column: string, indirection: Node[], value: BoundExpr, loc: number): BoundExpr {
  const subs: IndicesNode[] = [];
  for (const ind of indirection) {
    if ((ind as { kind: string }).kind !== 'A_Indices') throw b.unsupported('assignment to a field of a composite value', loc);
    subs.push(ind as unknown as IndicesNode);
  }
  if (!isArrayOid(current.type.oid)) throw b.err('42804', `cannot subscript type ${typeName(current.type)} because it does not support subscripting`, loc);
  if (subs.length > MAX_DIMS) throw b.err('54000', `number of array dimensions (${subs.length}) exceeds the maximum allowed (${MAX_DIMS})`, loc);
  const isSlice = subs.some((s) => s.is_slice === true);
  const target = isSlice ? t(current.type.oid, current.type.typmod) : elemType(current.type);
  const v = tryCoerce(b, value, target, 'a');
  if (!v) {
    throw b.err('42804', `subscripted assignment to "${column}" requires type ${typeName(target)} but expression is of type ${typeName(value.type)}`, exprLocation(value, loc), {
      hint: 'You will need to rewrite or cast the expression.',
    });
  }
  const args: BoundExpr[] = [current, v];
  const sub = (n: Node): number => {
    const e = b.bind(n);
    const c = tryCoerce(b, e, T.int4, 'a');
    if (!c) throw b.err('42804', 'array subscript must have type integer', exprLocation(e, loc));
    args.push(c);
    return args.length - 1;
  };
  if (!isSlice) {
    const at = subs.map((s) => sub(s.uidx!));
    return call('array_assign', args, current.type, (a) => arraySetElement(a[0] as PgArray | null, at.map((i) => a[i] as number | null), a[1]!), false, loc);
  }
  const lo = subs.map((s) => (s.lidx ? sub(s.lidx) : s.is_slice ? undefined : 0));
  const hi = subs.map((s) => (s.uidx ? sub(s.uidx) : undefined));
  return call('array_assign', args, current.type, (a) => arraySetSlice(
    a[0] as PgArray | null,
    lo.map((i) => (i === undefined ? undefined : i === 0 ? 1 : (a[i] as number | null))),
    hi.map((i) => (i === undefined ? undefined : (a[i] as number | null))),
    a[1] as PgArray | null,
  ), false, loc);
}
