// Built-in array functions (PostgreSQL 15's array_* family, cardinality, string_to_array,
// trim_array) with their polymorphic signatures. bind/array-bind.ts resolves the polymorphic
// types (anyarray, anycompatible...) and asks `make` for an implementation specialised to the
// call's element type (its order and output function).
//
// Errors and NULL rules follow PostgreSQL: most functions are strict; array_append/prepend/cat
// treat a NULL array as empty, array_position/remove/replace compare with IS NOT DISTINCT FROM,
// string_to_array and array_to_string have a nullable third argument.

import { DbError, TypeOid, textOut, type PgArray } from '../../catalog/index.js';
import type { Impl, Value, Volatility } from '../bind/expr.js';
import type { Cmp } from '../eval/compare.js';
import { arrayAppend, arrayCat, arrayPrepend, arrayOfValues, emptyArray, ARRAY_MAX_ELEMENTS } from '../eval/array-values.js';

/** Declared argument kinds: PostgreSQL's polymorphic pseudo-types or a concrete type OID. */
export type ArrayArg = 'anyarray' | 'anycompatiblearray' | 'anycompatible' | number;
/** Result: the resolved array type, its element type, or a concrete OID. */
export type ArrayResult = 'array' | 'elem' | number;

export interface ArrayFnInfo {
  elemOid: number;
  /** The element type's order; undefined for types without one (then equality is 42883). */
  cmp: Cmp | undefined;
}

export interface ArrayFnDef {
  readonly args: readonly ArrayArg[];
  readonly result: ArrayResult;
  /** Default true: any NULL argument gives NULL without calling the implementation. */
  readonly strict?: boolean;
  /** Default 'immutable'. */
  readonly volatility?: Volatility;
  readonly make: (info: ArrayFnInfo) => Impl;
}

const O = TypeOid;

function notNull(v: unknown): boolean {
  return v !== null && v !== undefined;
}

/** IS NOT DISTINCT FROM over the element order. */
function sameElem(cmp: Cmp | undefined, x: unknown, y: unknown): boolean {
  if (!notNull(x) || !notNull(y)) return !notNull(x) && !notNull(y);
  if (cmp === undefined) throw new DbError('42883', 'could not identify an equality operator for the array element type');
  return cmp(x as Value, y as Value) === 0;
}

function dimArg(a: PgArray, d: number): number | undefined {
  return d >= 1 && d <= a.dims.length ? d - 1 : undefined;
}

const ndims: ArrayFnDef = { args: ['anyarray'], result: O.int4, make: () => (a) => { const x = a[0] as PgArray; return x.dims.length === 0 ? null : x.dims.length; } };

const DEFS: Record<string, ArrayFnDef[]> = {
  array_ndims: [ndims],
  array_dims: [{
    args: ['anyarray'], result: O.text,
    make: () => (a) => { const x = a[0] as PgArray; return x.dims.length === 0 ? null : x.dims.map((d, i) => `[${x.lbounds[i]!}:${x.lbounds[i]! + d - 1}]`).join(''); },
  }],
  cardinality: [{ args: ['anyarray'], result: O.int4, make: () => (a) => (a[0] as PgArray).values.length }],
  array_length: [{ args: ['anyarray', O.int4], result: O.int4, make: () => (a) => { const x = a[0] as PgArray; const d = dimArg(x, a[1] as number); return d === undefined ? null : x.dims[d]!; } }],
  array_lower: [{ args: ['anyarray', O.int4], result: O.int4, make: () => (a) => { const x = a[0] as PgArray; const d = dimArg(x, a[1] as number); return d === undefined ? null : x.lbounds[d]!; } }],
  array_upper: [{ args: ['anyarray', O.int4], result: O.int4, make: () => (a) => { const x = a[0] as PgArray; const d = dimArg(x, a[1] as number); return d === undefined ? null : x.lbounds[d]! + x.dims[d]! - 1; } }],
  array_append: [{ args: ['anycompatiblearray', 'anycompatible'], result: 'array', strict: false, make: () => (a) => arrayAppend(a[0] as PgArray | null, a[1]!) }],
  array_prepend: [{ args: ['anycompatible', 'anycompatiblearray'], result: 'array', strict: false, make: () => (a) => arrayPrepend(a[0]!, a[1] as PgArray | null) }],
  array_cat: [{ args: ['anycompatiblearray', 'anycompatiblearray'], result: 'array', strict: false, make: () => (a) => arrayCat(a[0] as PgArray | null, a[1] as PgArray | null) }],
  array_remove: [{
    args: ['anycompatiblearray', 'anycompatible'], result: 'array', strict: false,
    make: ({ cmp }) => (a) => {
      const x = a[0] as PgArray | null;
      if (x === null) return null;
      if (x.dims.length > 1) throw new DbError('0A000', 'removing elements from multidimensional arrays is not supported');
      const values = x.values.filter((v) => !sameElem(cmp, v, a[1]));
      if (values.length === x.values.length) return x;
      return values.length === 0 ? emptyArray() : { dims: [values.length], lbounds: [x.lbounds[0]!], values };
    },
  }],
  array_replace: [{
    args: ['anycompatiblearray', 'anycompatible', 'anycompatible'], result: 'array', strict: false,
    make: ({ cmp }) => (a) => {
      const x = a[0] as PgArray | null;
      if (x === null) return null;
      return { dims: x.dims, lbounds: x.lbounds, values: x.values.map((v) => (sameElem(cmp, v, a[1]) ? a[2] : v)) };
    },
  }],
  array_position: [
    { args: ['anycompatiblearray', 'anycompatible'], result: O.int4, strict: false, make: ({ cmp }) => (a) => position(a[0] as PgArray | null, a[1], undefined, cmp) },
    {
      args: ['anycompatiblearray', 'anycompatible', O.int4], result: O.int4, strict: false,
      make: ({ cmp }) => (a) => {
        if (a[0] === null) return null;
        if (a[2] === null) throw new DbError('22004', 'initial position must not be null');
        return position(a[0] as PgArray, a[1], a[2] as number, cmp);
      },
    },
  ],
  array_positions: [{
    args: ['anycompatiblearray', 'anycompatible'], result: O._int4, strict: false,
    make: ({ cmp }) => (a) => {
      const x = a[0] as PgArray | null;
      if (x === null) return null;
      if (x.dims.length > 1) throw new DbError('0A000', 'searching for elements in multidimensional arrays is not supported');
      const lb = x.lbounds[0] ?? 1;
      const out: Value[] = [];
      x.values.forEach((v, i) => { if (sameElem(cmp, v, a[1])) out.push(lb + i); });
      return out.length === 0 ? emptyArray() : arrayOfValues(out);
    },
  }],
  array_to_string: [
    { args: ['anyarray', O.text], result: O.text, make: ({ elemOid }) => (a, ctx) => join(a[0] as PgArray, a[1] as string, null, elemOid, ctx.fmt) },
    {
      args: ['anyarray', O.text, O.text], result: O.text, strict: false,
      make: ({ elemOid }) => (a, ctx) => (a[0] === null || a[1] === null ? null : join(a[0] as PgArray, a[1] as string, a[2] as string | null, elemOid, ctx.fmt)),
    },
  ],
  string_to_array: [
    { args: [O.text, O.text], result: O._text, strict: false, make: () => (a) => split(a[0] as string | null, a[1] as string | null, null) },
    { args: [O.text, O.text, O.text], result: O._text, strict: false, make: () => (a) => split(a[0] as string | null, a[1] as string | null, a[2] as string | null) },
  ],
  current_schemas: [{
    args: [O.bool], result: O._name, volatility: 'stable',
    make: () => (a, ctx) => {
      // The search_path's existing schemas in order; pg_catalog is searched first implicitly
      // unless the path names it (namespace.c's recomputeNamespacePath).
      const t = ctx.tables;
      const exists = (s: string): boolean => s === 'pg_catalog' || (t === undefined ? s === 'public' : t.catalog.schemaExists(t.reader(), t.host.database, s));
      const path = t !== undefined ? t.searchPath() : ['public'];
      // The session's temp schema is searched first implicitly unless the path names pg_temp.
      const named = /(^|,)\s*"?pg_temp"?\s*(,|$)/.test(t?.host.getSetting('search_path') ?? '');
      const implicitTemp = path.length > 0 && /^pg_temp_\d+$/.test(path[0]!) && !named ? path[0] : undefined;
      const explicit: string[] = [];
      for (const s of implicitTemp ? path.slice(1) : path) if (exists(s) && !explicit.includes(s)) explicit.push(s);
      if (a[0] !== true) return arrayOfValues(explicit);
      const all = explicit.includes('pg_catalog') ? explicit : ['pg_catalog', ...explicit];
      return arrayOfValues(implicitTemp ? [implicitTemp, ...all] : all);
    },
  }],
  trim_array: [{
    args: ['anyarray', O.int4], result: 'array',
    make: () => (a) => {
      const x = a[0] as PgArray;
      const n = a[1] as number;
      const len = x.dims.length === 0 ? 0 : x.dims[0]!;
      if (n < 0 || n > len) throw new DbError('2202E', 'number of elements to trim must be between 0 and ' + len);
      if (n === len) return emptyArray();
      const inner = x.values.length / len;
      return { dims: [len - n, ...x.dims.slice(1)], lbounds: x.lbounds, values: x.values.slice(0, (len - n) * inner) };
    },
  }],
};

/** Signatures of a built-in array function, or undefined for other names. */
export function arrayFunction(name: string): readonly ArrayFnDef[] | undefined {
  return Object.prototype.hasOwnProperty.call(DEFS, name) ? DEFS[name] : undefined;
}

function position(x: PgArray | null, v: unknown, start: number | undefined, cmp: Cmp | undefined): Value {
  if (x === null) return null;
  if (x.dims.length > 1) throw new DbError('0A000', 'searching for elements in multidimensional arrays is not supported');
  if (x.dims.length === 0) return null;
  const lb = x.lbounds[0]!;
  const from = start === undefined ? 0 : Math.max(0, start - lb);
  for (let i = from; i < x.values.length; i++) if (sameElem(cmp, x.values[i], v)) return lb + i;
  return null;
}

function join(x: PgArray, delim: string, nullStr: string | null, elemOid: number, fmt: import('../../catalog/index.js').FormatSettings): string {
  const parts: string[] = [];
  for (const v of x.values) {
    if (!notNull(v)) {
      if (nullStr !== null) parts.push(nullStr);
      continue;
    }
    parts.push(textOut(elemOid, v, fmt));
  }
  return parts.join(delim);
}

/** string_to_array: NULL delimiter splits into characters, '' keeps the string whole. */
function split(s: string | null, delim: string | null, nullStr: string | null): Value {
  if (s === null) return null;
  if (s.length === 0) return emptyArray();
  let parts: string[];
  if (delim === null) parts = Array.from(s);
  else if (delim.length === 0) parts = [s];
  else parts = s.split(delim);
  if (parts.length > ARRAY_MAX_ELEMENTS) throw new DbError('54000', `array size exceeds the maximum allowed (${ARRAY_MAX_ELEMENTS})`);
  return arrayOfValues(parts.map((p) => (nullStr !== null && p === nullStr ? null : p)));
}
