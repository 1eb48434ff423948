// numeric functions beyond the four operations: power, rounding with digits, sign, scale.

import { DbError } from '../../catalog/index.js';
import { decDivTo, decRound, pow10, type Dec } from './decimal.js';
import { decPowFrac } from './numeric-transcendental.js';

const NUMERIC_MIN_SIG_DIGITS = 16;

/** numeric ^ numeric. Integer exponents are computed exactly (PostgreSQL 15's result scale). */
export function decPow(base: Dec, exp: Dec): Dec {
  if (base.kind === 'nan' || exp.kind === 'nan') {
    if (base.kind === 'num' && base.v === pow10(base.scale)) return { kind: 'num', v: 1n, scale: 0 };
    if (exp.kind === 'num' && exp.v === 0n) return { kind: 'num', v: 1n, scale: 0 };
    return { kind: 'nan' };
  }
  if (base.kind === 'inf' || exp.kind === 'inf') return infinitePow(base, exp);
  if (base.v === 0n && exp.v < 0n) throw new DbError('2201F', 'zero raised to a negative power is undefined');
  const intExp = exp.v % pow10(exp.scale) === 0n;
  if (!intExp) {
    if (base.v < 0n) throw new DbError('2201F', 'a negative number raised to a non-integer power yields a complex result');
    if (base.v === 0n) return { kind: 'num', v: 0n, scale: Math.max(16, base.scale, exp.scale) };
    return decPowFrac(base, exp);
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

const ZERO: Dec = { kind: 'num', v: 0n, scale: 0 };
const ONE: Dec = { kind: 'num', v: 1n, scale: 0 };

/** numeric_power's rules for infinite operands (PostgreSQL 15). */
function infinitePow(base: Dec, exp: Dec): Dec {
  if (exp.kind === 'inf') {
    if (base.kind === 'num' && base.v === 0n) {
      if (exp.neg) throw new DbError('2201F', 'zero raised to a negative power is undefined');
      return ZERO;
    }
    // |base| compared with 1.
    let cmp: number;
    if (base.kind === 'inf') cmp = 1;
    else {
      const b = base as { v: bigint; scale: number };
      const abs = b.v < 0n ? -b.v : b.v;
      const one = pow10(b.scale);
      cmp = abs > one ? 1 : abs < one ? -1 : 0;
    }
    if (cmp === 0) return ONE;
    if (!exp.neg) return cmp > 0 ? { kind: 'inf', neg: false } : ZERO;
    return cmp > 0 ? ZERO : { kind: 'inf', neg: false };
  }
  // base is ±Infinity, exponent finite.
  const e = exp as { kind: 'num'; v: bigint; scale: number };
  if (e.v === 0n) return ONE;
  const b = base as { kind: 'inf'; neg: boolean };
  if (!b.neg) return e.v > 0n ? { kind: 'inf', neg: false } : ZERO;
  if (e.v < 0n) return ZERO;
  if (e.v % pow10(e.scale) !== 0n) {
    throw new DbError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  }
  const odd = (e.v / pow10(e.scale)) % 2n !== 0n;
  return { kind: 'inf', neg: odd };
}
