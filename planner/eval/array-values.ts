// Array values at run time (PgArray: dims, lower bounds, row-major elements, null = SQL NULL),
// with PostgreSQL 15's semantics: ARRAY[...] construction (ExecEvalArrayExpr), subscripts and
// slices (array_get_element/array_get_slice), array_cat/array_append/array_prepend, the btree
// order (array_cmp) and @>/<@/&&. Element comparisons use the element type's own order.
//
// Invariants: results never share their `values` array with an input (callers may keep both);
// an empty array is always { dims: [], lbounds: [], values: [] }.

import { DbError, ARRAY_MAX_DIMS, compareArrays, type PgArray } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { elemOidOf } from '../bind/array-types.js';
import { comparatorFor, type Cmp } from './compare.js';

export function emptyArray(): PgArray {
  return { dims: [], lbounds: [], values: [] };
}

/** PostgreSQL's limit on the number of elements (MaxArraySize). */
export const ARRAY_MAX_ELEMENTS = 134217727;

function tooBig(): DbError {
  return new DbError('54000', `array size exceeds the maximum allowed (${ARRAY_MAX_ELEMENTS})`);
}

function tooManyDims(n: number): DbError {
  return new DbError('54000', `number of array dimensions (${n}) exceeds the maximum allowed (${ARRAY_MAX_DIMS})`);
}

/** ARRAY[a, b, ...] of scalars: one dimension, lower bound 1. */
export function arrayOfValues(values: Value[]): PgArray {
  return values.length === 0 ? emptyArray() : { dims: [values.length], lbounds: [1], values };
}

/**
 * ARRAY[sub, sub, ...] of arrays: one more dimension. NULL and empty sub-arrays count as empty;
 * mixing empty and non-empty ones, or sub-arrays of different shapes, is 2202E.
 */
export function arrayOfArrays(subs: Value[]): PgArray {
  let shape: PgArray | undefined;
  let haveEmpty = false;
  const values: unknown[] = [];
  let n = 0;
  for (const s of subs) {
    const a = s as PgArray | null;
    if (a === null || a.dims.length === 0) {
      haveEmpty = true;
      continue;
    }
    if (shape === undefined) {
      shape = a;
      if (a.dims.length + 1 > ARRAY_MAX_DIMS) throw tooManyDims(a.dims.length + 1);
    } else if (a.dims.length !== shape.dims.length || a.dims.some((d, i) => d !== shape!.dims[i] || a.lbounds[i] !== shape!.lbounds[i])) {
      throw mismatched();
    }
    if (values.length + a.values.length > ARRAY_MAX_ELEMENTS) throw tooBig();
    for (const v of a.values) values.push(v);
    n++;
  }
  if (shape === undefined) return emptyArray();
  if (haveEmpty) throw mismatched();
  return { dims: [n, ...shape.dims], lbounds: [1, ...shape.lbounds], values };
}

function mismatched(): DbError {
  return new DbError('2202E', 'multidimensional arrays must have array expressions with matching dimensions');
}

/** a[i][j]...: the element, or NULL when the subscripts do not address one (array_get_element). */
export function arrayElement(a: PgArray, idx: readonly number[]): Value {
  if (idx.length !== a.dims.length) return null;
  let off = 0;
  for (let d = 0; d < idx.length; d++) {
    const i = idx[d]! - a.lbounds[d]!;
    if (i < 0 || i >= a.dims[d]!) return null;
    off = off * a.dims[d]! + i;
  }
  const v = a.values[off];
  return v === undefined ? null : (v as Value);
}

/**
 * a[l1:u1][l2:u2]...: the slice with lower bounds 1 (array_get_slice). An undefined bound is the
 * array's own; dimensions past the subscripts are taken whole; nothing in range → empty array.
 */
export function arraySlice(a: PgArray, lower: ReadonlyArray<number | undefined>, upper: ReadonlyArray<number | undefined>): PgArray {
  const n = lower.length;
  const nd = a.dims.length;
  if (nd < n || nd === 0) return emptyArray();
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 0; d < nd; d++) {
    const lb = a.lbounds[d]!;
    const ub = lb + a.dims[d]! - 1;
    const l = d < n && lower[d] !== undefined ? Math.max(lower[d]!, lb) : lb;
    const u = d < n && upper[d] !== undefined ? Math.min(upper[d]!, ub) : ub;
    if (l > u) return emptyArray();
    lo.push(l - lb);
    hi.push(u - lb);
  }
  const dims = lo.map((l, d) => hi[d]! - l + 1);
  const values: unknown[] = [];
  const walk = (d: number, base: number): void => {
    for (let i = lo[d]!; i <= hi[d]!; i++) {
      const off = base * a.dims[d]! + i;
      if (d + 1 === nd) values.push(a.values[off] ?? null);
      else walk(d + 1, off);
    }
  };
  walk(0, 0);
  return { dims, lbounds: dims.map(() => 1), values };
}

/** array_cat (the `anycompatiblearray || anycompatiblearray` operator). */
export function arrayCat(x: PgArray | null, y: PgArray | null): PgArray | null {
  if (x === null) return y;
  if (y === null) return x;
  if (x.dims.length === 0) return y;
  if (y.dims.length === 0) return x;
  const n1 = x.dims.length, n2 = y.dims.length;
  let dims: number[];
  let lbounds: number[];
  if (n1 === n2) {
    for (let d = 1; d < n1; d++) {
      if (x.dims[d] !== y.dims[d] || x.lbounds[d] !== y.lbounds[d]) throw incompatible('Arrays with differing element dimensions are not compatible for concatenation.');
    }
    dims = [x.dims[0]! + y.dims[0]!, ...x.dims.slice(1)];
    lbounds = [...x.lbounds];
  } else if (n1 === n2 - 1) {
    for (let d = 0; d < n1; d++) {
      if (x.dims[d] !== y.dims[d + 1] || x.lbounds[d] !== y.lbounds[d + 1]) throw incompatible('Arrays with differing dimensions are not compatible for concatenation.');
    }
    dims = [y.dims[0]! + 1, ...y.dims.slice(1)];
    lbounds = [...y.lbounds];
  } else if (n1 === n2 + 1) {
    for (let d = 0; d < n2; d++) {
      if (y.dims[d] !== x.dims[d + 1] || y.lbounds[d] !== x.lbounds[d + 1]) throw incompatible('Arrays with differing dimensions are not compatible for concatenation.');
    }
    dims = [x.dims[0]! + 1, ...x.dims.slice(1)];
    lbounds = [...x.lbounds];
  } else {
    throw incompatible(`Arrays of ${n1} and ${n2} dimensions are not compatible for concatenation.`);
  }
  if (x.values.length + y.values.length > ARRAY_MAX_ELEMENTS) throw tooBig();
  return { dims, lbounds, values: [...x.values, ...y.values] };
}

function incompatible(detail: string): DbError {
  return new DbError('2202E', 'cannot concatenate incompatible arrays', { detail });
}

function oneDimOrEmpty(a: PgArray): void {
  if (a.dims.length > 1) throw new DbError('22000', 'argument must be empty or one-dimensional array');
}

/** array_append: a NULL array is an empty one; the lower bound is kept. */
export function arrayAppend(a: PgArray | null, v: Value): PgArray {
  if (a === null || a.dims.length === 0) return { dims: [1], lbounds: [1], values: [v] };
  oneDimOrEmpty(a);
  if (a.lbounds[0]! + a.dims[0]! > 2147483647) throw new DbError('22003', 'integer out of range');
  return { dims: [a.dims[0]! + 1], lbounds: [a.lbounds[0]!], values: [...a.values, v] };
}

/** array_prepend: a NULL array is an empty one; the lower bound is kept (as PostgreSQL does). */
export function arrayPrepend(v: Value, a: PgArray | null): PgArray {
  if (a === null || a.dims.length === 0) return { dims: [1], lbounds: [1], values: [v] };
  oneDimOrEmpty(a);
  if (a.lbounds[0]! - 1 < -2147483648) throw new DbError('22003', 'integer out of range');
  return { dims: [a.dims[0]! + 1], lbounds: [a.lbounds[0]!], values: [v, ...a.values] };
}

/** array_cmp: elements first (NULL after any value), then element count, ndims, dims, bounds. */
export function arrayComparator(elem: Cmp): Cmp {
  return (p, q) => compareArrays(p as PgArray, q as PgArray, elem as (x: unknown, y: unknown) => number);
}

/** The btree order of an array type (undefined for non-arrays and unordered elements). */
export function arrayComparatorFor(arrayOid: number): Cmp | undefined {
  const e = elemOidOf(arrayOid);
  const c = e === undefined ? undefined : comparatorFor(e);
  return c === undefined ? undefined : arrayComparator(c);
}

/** a @> b (matchAll) / a && b: PostgreSQL's array_contain_compare, NULL elements never match. */
export function arrayContains(a: PgArray, b: PgArray, eq: Cmp): boolean {
  for (const y of b.values) {
    if (y === null || y === undefined) return false;
    if (!a.values.some((x) => x !== null && x !== undefined && eq(x as Value, y as Value) === 0)) return false;
  }
  return true;
}

export function arrayOverlaps(a: PgArray, b: PgArray, eq: Cmp): boolean {
  for (const x of a.values) {
    if (x === null || x === undefined) continue;
    if (b.values.some((y) => y !== null && y !== undefined && eq(x as Value, y as Value) === 0)) return true;
  }
  return false;
}
