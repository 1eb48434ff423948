// Casts between array types (PostgreSQL's array_coerce path in find_coercion_pathway): an
// array casts to another array type when its element type casts to the other's element type,
// in the same context, and the conversion applies the element cast to every non-NULL element
// (dimensions and lower bounds kept). Array ⇄ string casts are the generic I/O conversions of
// casts.ts (array → text is assignment, text → array explicit).

import type { PgArray } from '../../catalog/index.js';
import { castContext, castImpl, type CastContext } from './casts.js';
import type { Impl, Value } from './expr.js';
import { elemOidOf } from './array-types.js';

/** The context of an array → array cast; undefined when either side is not an array. */
export function arrayCastContext(from: number, to: number): CastContext | undefined {
  const ef = elemOidOf(from);
  const et = elemOidOf(to);
  if (ef === undefined || et === undefined) return undefined;
  return castContext(ef, et);
}

/**
 * The conversion of an array → array cast with the target's element typmod, or undefined when
 * either side is not an array or the elements do not cast.
 */
export function arrayCastImpl(from: number, to: number, typmod: number, explicit: boolean): Impl | undefined {
  const ef = elemOidOf(from);
  const et = elemOidOf(to);
  if (ef === undefined || et === undefined) return undefined;
  if (ef === et && typmod < 0) return (a) => a[0];
  const elem = castImpl(ef, et, typmod, explicit);
  if (elem === undefined) return undefined;
  return (a, ctx) => {
    const src = a[0] as PgArray;
    const values = new Array<Value>(src.values.length);
    const one: Value[] = [null];
    for (let i = 0; i < values.length; i++) {
      const v = src.values[i] as Value;
      if (v === null || v === undefined) {
        values[i] = null;
        continue;
      }
      one[0] = v;
      values[i] = elem(one, ctx);
    }
    return { dims: src.dims, lbounds: src.lbounds, values } satisfies PgArray;
  };
}
