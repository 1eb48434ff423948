// numeric functions beyond the four operations: power, rounding with digits, sign, scale.

import { DbError } from '../../catalog/index.js';
import { decDivTo, decRound, pow10, type Dec } from './decimal.js';

const NUMERIC_MIN_SIG_DIGITS = 16;

/** numeric ^ numeric. Integer exponents are computed exactly (PostgreSQL 15's result scale). */
export function decPow(base: Dec, exp: Dec): Dec {
  if (base.kind === 'nan' || exp.kind === 'nan') {
    if (base.kind === 'num' && base.v === pow10(base.scale)) return { kind: 'num', v: 1n, scale: 0 };
    if (exp.kind === 'num' && exp.v === 0n) return { kind: 'num', v: 1n, scale: 0 };
    return { kind: 'nan' };
  }
  if (base.kind === 'inf' || exp.kind === 'inf') throw new DbError('0A000', 'numeric power with infinite arguments is not supported yet');
  if (base.v === 0n && exp.v < 0n) throw new DbError('2201F', 'zero raised to a negative power is undefined');
  const intExp = exp.v % pow10(exp.scale) === 0n;
  if (!intExp) {
    if (base.v < 0n) throw new DbError('2201F', 'a negative number raised to a non-integer power yields a complex result');
    throw new DbError('0A000', 'numeric power with a non-integer exponent is not supported yet');
  }
  const n = exp.v / pow10(exp.scale);
  if (n > 100000n || n < -100000n) throw new DbError('22003', 'value overflows numeric format');
  const rscale = Math.min(Math.max(NUMERIC_MIN_SIG_DIGITS, base.scale), 1000);
  const absN = n < 0n ? -n : n;
  const num = { kind: 'num' as const, v: base.v ** absN, scale: base.scale * Number(absN) };
  if (n >= 0n) return decRound(num, rscale);
  if (num.v === 0n) throw new DbError('22012', 'division by zero');
  return decDivTo({ kind: 'num', v: 1n, scale: 0 }, num, rscale);
}
