// PostgreSQL 15's in_range support functions (int.c, float.c, numeric.c, date.c, timestamp.c):
// the test "val >= base ± offset" (or <= when `less`) behind RANGE frames with an offset.
// A negative (or NaN) offset is 22013, raised when the test runs, as in PostgreSQL.
//
// Integer and numeric sums are computed exactly, which gives the answers PostgreSQL's
// overflow-aware code gives. NaN sorts after everything and equals NaN; a frame bound that
// would be +inf - inf (or -inf + inf) counts as satisfied, as in in_range_float8_float8.

import { Numeric, TypeOid } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { FunctionRegistry } from '../funcs/registry.js';
import { comparatorFor } from '../eval/compare.js';
import { invalidSize, type InRange } from './window-frame.js';

const O = TypeOid;

function intRange(): InRange {
  return (val, base, offset, sub, less) => {
    if (typeof val === 'number' && typeof base === 'number' && typeof offset === 'number') {
      if (offset < 0) throw invalidSize();
      const sum = sub ? base - offset : base + offset;
      return less ? val <= sum : val >= sum;
    }
    const o = BigInt(offset as number | bigint);
    if (o < 0n) throw invalidSize();
    const sum = BigInt(base as number | bigint) + (sub ? -o : o);
    const v = BigInt(val as number | bigint);
    return less ? v <= sum : v >= sum;
  };
}

function floatRange(): InRange {
  return (v, b, o, sub, less) => {
    const val = v as number, base = b as number, offset = o as number;
    if (Number.isNaN(offset) || offset < 0) throw invalidSize();
    if (Number.isNaN(val)) return Number.isNaN(base) ? true : !less;
    if (Number.isNaN(base)) return less;
    if (!Number.isFinite(offset) && !Number.isFinite(base) && (sub ? base > 0 : base < 0)) return true;
    const sum = sub ? base - offset : base + offset;
    return less ? val <= sum : val >= sum;
  };
}

function numericRange(): InRange {
  return (v, b, o, sub, less) => {
    const val = v as Numeric, base = b as Numeric, offset = o as Numeric;
    if (offset.isNaN() || offset.sign() < 0) throw invalidSize();
    if (val.isNaN()) return base.isNaN() ? true : !less;
    if (base.isNaN()) return less;
    if (offset.isInfinite() && base.isInfinite() && (sub ? base.sign() > 0 : base.sign() < 0)) return true;
    const c = val.cmp(sub ? base.sub(offset) : base.add(offset));
    return less ? c <= 0 : c >= 0;
  };
}

/**
 * Date/time columns with an interval offset, through the registry's own `+`/`-` operators
 * (date is compared as timestamp, as in_range_date_interval does).
 */
function datetimeRange(col: number, registry: FunctionRegistry): InRange | undefined {
  const asTs = col === O.date ? O.timestamp : col;
  const op = (name: string) => registry.operators(name, 2).find((d) => d.args[0] === col && d.args[1] === O.interval);
  const plus = op('+'), minus = op('-');
  const cmp = comparatorFor(asTs);
  const cmpIv = comparatorFor(O.interval)!;
  if (!plus || !minus || !cmp) return undefined;
  let toTs: ((v: Value, ctx: EvalContext) => Value) | undefined;
  if (col === O.date) {
    // date + time '00:00' is the date as a timestamp (date2timestamp).
    const dateTime = registry.operators('+', 2).find((d) => d.args[0] === O.date && d.args[1] === O.time);
    if (!dateTime) return undefined;
    toTs = (x, ctx) => dateTime.impl([x, 0n], ctx);
  }
  const zero = { months: 0, days: 0, micros: 0n };
  return (val, base, offset, sub, less, ctx) => {
    if (cmpIv(offset, zero) < 0) throw invalidSize();
    const sum = (sub ? minus : plus).impl([base, offset], ctx);
    const c = cmp(toTs ? toTs(val, ctx) : val, sum);
    return less ? c <= 0 : c >= 0;
  };
}

/** The in_range test for a RANGE column type and the chosen offset type. */
export function inRangeFor(col: number, registry: FunctionRegistry): InRange | undefined {
  switch (col) {
    case O.int2: case O.int4: case O.int8: return intRange();
    case O.float4: case O.float8: return floatRange();
    case O.numeric: return numericRange();
    case O.date: case O.time: case O.timestamp: case O.timestamptz: case O.interval: return datetimeRange(col, registry);
    default: return undefined;
  }
}
