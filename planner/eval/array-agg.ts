// array_agg (PostgreSQL 15): over scalars, a one-dimensional array of the inputs in arrival
// order (NULLs included); over arrays, an array of one more dimension (array_agg(anyarray)),
// where NULL or empty inputs and inputs of different shapes are errors. No rows → NULL.

import { DbError, type PgArray } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { arrayTypeFor, isArrayOid } from '../bind/array-types.js';
import type { SqlType } from '../bind/types.js';
import { arrayOfValues, ARRAY_MAX_ELEMENTS } from './array-values.js';

interface Accum {
  add(args: Value[]): void;
  result(): Value;
}

function tooMany(): DbError {
  return new DbError('54000', `array size exceeds the maximum allowed (${ARRAY_MAX_ELEMENTS})`);
}

/** Result type and accumulator factory; `inputsMax` bounds the rows held per group. */
export function arrayAggregate(arg: SqlType, inputsMax: number): { type: SqlType; make: () => Accum } {
  const limit = Math.min(inputsMax, ARRAY_MAX_ELEMENTS);
  if (!isArrayOid(arg.oid)) {
    return {
      type: arrayTypeFor(arg),
      make: () => {
        const values: Value[] = [];
        return {
          add: (a) => { if (values.length >= limit) throw tooMany(); values.push(a[0] ?? null); },
          result: () => (values.length === 0 ? null : arrayOfValues(values.slice())),
        };
      },
    };
  }
  return {
    type: { oid: arg.oid, typmod: arg.typmod },
    make: () => {
      let shape: PgArray | undefined;
      let n = 0;
      const values: unknown[] = [];
      return {
        add: (a) => {
          const x = a[0] as PgArray | null;
          if (x === null) throw new DbError('22004', 'cannot accumulate null arrays');
          if (shape === undefined) {
            // Only the first input may not be empty; a later empty one differs in dimensionality.
            if (x.dims.length === 0) throw new DbError('2202E', 'cannot accumulate empty arrays');
            if (x.dims.length + 1 > 6) throw new DbError('54000', `number of array dimensions (${x.dims.length + 1}) exceeds the maximum allowed (6)`);
            shape = x;
          } else if (x.dims.length !== shape.dims.length || x.dims.some((d, i) => d !== shape!.dims[i] || x.lbounds[i] !== shape!.lbounds[i])) {
            throw new DbError('2202E', 'cannot accumulate arrays of different dimensionality');
          }
          if (values.length + x.values.length > limit) throw tooMany();
          for (const v of x.values) values.push(v);
          n++;
        },
        result: () => (shape === undefined ? null : { dims: [n, ...shape.dims], lbounds: [1, ...shape.lbounds], values: values.slice() }),
      };
    },
  };
}
