// Assignment into arrays (`UPDATE t SET a[i] = v`, `SET a[l:u] = '{...}'`) with PostgreSQL 15's
// array_set_element / array_set_slice semantics, and the array a sub-SELECT builds in
// ARRAY(SELECT ...) (ExecScanSubPlan's ARRAY_SUBLINK accumulation).
//
// - A NULL array is assigned into as an empty one; an empty array takes the subscripts as its
//   lower bounds.
// - A one-dimensional array grows in either direction, filling the gap with NULLs; arrays of
//   more dimensions only take subscripts inside their bounds (2202E "array subscript out of
//   range"); the number of subscripts must match the dimensions (2202E), NULL subscripts are
//   22004.
// - A slice takes the first elements of the source in row-major order (2202E "source array too
//   small"); a NULL source leaves the array unchanged.

import { DbError, type PgArray } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import type { SqlType } from '../bind/types.js';
import { arrayAggregate } from './array-agg.js';
import { emptyArray, ARRAY_MAX_ELEMENTS } from './array-values.js';

function subscriptError(message: string): DbError {
  return new DbError('2202E', message);
}

function nullSubscript(): DbError {
  return new DbError('22004', 'array subscript in assignment must not be null');
}

function checkSize(n: number): void {
  if (n > ARRAY_MAX_ELEMENTS) throw new DbError('54000', `array size exceeds the maximum allowed (${ARRAY_MAX_ELEMENTS})`);
}

/** Row-major offset of subscripts `idx` (inside the bounds) in `a`. */
function offsetOf(dims: readonly number[], lbounds: readonly number[], idx: readonly number[]): number {
  let off = 0;
  for (let d = 0; d < dims.length; d++) off = off * dims[d]! + (idx[d]! - lbounds[d]!);
  return off;
}

/** a[i][j]... := v. */
export function arraySetElement(a: PgArray | null, idx: ReadonlyArray<number | null>, v: Value): PgArray {
  if (idx.some((i) => i === null)) throw nullSubscript();
  const ix = idx as readonly number[];
  if (a === null || a.dims.length === 0) {
    if (ix.length > 6) throw new DbError('54000', `number of array dimensions (${ix.length}) exceeds the maximum allowed (6)`);
    return { dims: ix.map(() => 1), lbounds: [...ix], values: [v] };
  }
  if (a.dims.length !== ix.length) throw subscriptError('wrong number of array subscripts');
  if (ix.length === 1) {
    const lb = a.lbounds[0]!, ub = lb + a.dims[0]! - 1, i = ix[0]!;
    if (i >= lb && i <= ub) {
      const values = [...a.values];
      values[i - lb] = v;
      return { dims: [...a.dims], lbounds: [...a.lbounds], values };
    }
    const nlb = Math.min(lb, i), nub = Math.max(ub, i);
    checkSize(nub - nlb + 1);
    const values = new Array<unknown>(nub - nlb + 1).fill(null);
    for (let k = 0; k < a.values.length; k++) values[lb - nlb + k] = a.values[k];
    values[i - nlb] = v;
    return { dims: [nub - nlb + 1], lbounds: [nlb], values };
  }
  for (let d = 0; d < ix.length; d++) {
    if (ix[d]! < a.lbounds[d]! || ix[d]! >= a.lbounds[d]! + a.dims[d]!) throw subscriptError('array subscript out of range');
  }
  const values = [...a.values];
  values[offsetOf(a.dims, a.lbounds, ix)] = v;
  return { dims: [...a.dims], lbounds: [...a.lbounds], values };
}

/**
 * a[l1:u1][l2:u2]... := src. An undefined bound is the array's own (only allowed when the array
 * is not empty); a plain subscript inside a slice is [1:u], as in PostgreSQL.
 */
export function arraySetSlice(a: PgArray | null, lower: ReadonlyArray<number | null | undefined>, upper: ReadonlyArray<number | null | undefined>, src: PgArray | null): PgArray | null {
  if (src === null) return a;
  if (lower.some((x) => x === null) || upper.some((x) => x === null)) throw nullSubscript();
  const n = lower.length;
  if (a === null || a.dims.length === 0) {
    if (lower.some((x) => x === undefined) || upper.some((x) => x === undefined)) throw subscriptError('array slice subscript must provide both boundaries');
    if (n > 6) throw new DbError('54000', `number of array dimensions (${n}) exceeds the maximum allowed (6)`);
    const dims: number[] = [];
    for (let d = 0; d < n; d++) {
      if (upper[d]! < lower[d]!) throw subscriptError('upper bound cannot be less than lower bound');
      dims.push(upper[d]! - lower[d]! + 1);
    }
    const count = dims.reduce((x, y) => x * y, 1);
    checkSize(count);
    if (src.values.length < count) throw subscriptError('source array too small');
    return { dims, lbounds: lower.map((x) => x!), values: src.values.slice(0, count) };
  }
  const nd = a.dims.length;
  if (n > nd) throw subscriptError('wrong number of array subscripts');
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 0; d < nd; d++) {
    const lb = a.lbounds[d]!, ub = lb + a.dims[d]! - 1;
    const l = d < n && lower[d] !== undefined ? lower[d]! : lb;
    const u = d < n && upper[d] !== undefined ? upper[d]! : ub;
    if (u < l) throw subscriptError('upper bound cannot be less than lower bound');
    lo.push(l);
    hi.push(u);
  }
  if (nd === 1) {
    // One dimension: the array may grow on either side (gaps become NULL).
    const lb = a.lbounds[0]!, ub = lb + a.dims[0]! - 1;
    const nlb = Math.min(lb, lo[0]!), nub = Math.max(ub, hi[0]!);
    const count = hi[0]! - lo[0]! + 1;
    if (src.values.length < count) throw subscriptError('source array too small');
    checkSize(nub - nlb + 1);
    const values = new Array<unknown>(nub - nlb + 1).fill(null);
    for (let k = 0; k < a.values.length; k++) values[lb - nlb + k] = a.values[k];
    for (let k = 0; k < count; k++) values[lo[0]! - nlb + k] = src.values[k];
    return { dims: [nub - nlb + 1], lbounds: [nlb], values };
  }
  for (let d = 0; d < nd; d++) {
    if (lo[d]! < a.lbounds[d]! || hi[d]! >= a.lbounds[d]! + a.dims[d]!) throw subscriptError('array subscript out of range');
  }
  const count = lo.reduce((x, l, d) => x * (hi[d]! - l + 1), 1);
  if (src.values.length < count) throw subscriptError('source array too small');
  const values = [...a.values];
  let k = 0;
  const idx = [...lo];
  const walk = (d: number): void => {
    for (let i = lo[d]!; i <= hi[d]!; i++) {
      idx[d] = i;
      if (d + 1 === nd) values[offsetOf(a.dims, a.lbounds, idx)] = src.values[k++];
      else walk(d + 1);
    }
  };
  walk(0);
  return { dims: [...a.dims], lbounds: [...a.lbounds], values };
}

/**
 * ARRAY(SELECT x ...): the column's values in row order; over an array column, one more
 * dimension with array_agg's errors. No rows → an empty array, never NULL. `type` is the
 * expression's type (the column's array type, or the column type itself for arrays).
 */
export function arraySubquery(column: SqlType): { type: SqlType; collect: (rows: readonly Value[][]) => PgArray } {
  const agg = arrayAggregate(column, ARRAY_MAX_ELEMENTS);
  return {
    type: agg.type,
    collect: (rows) => {
      const acc = agg.make();
      for (const r of rows) acc.add([r[0] ?? null]);
      return (acc.result() as PgArray | null) ?? emptyArray();
    },
  };
}
