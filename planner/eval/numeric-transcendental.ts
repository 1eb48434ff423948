// numeric exp(), ln(), log() and power() with non-integer exponents, rounded to PostgreSQL 15's
// result scales (numeric_exp / numeric_ln / numeric_log / power_var). Values are computed in
// fixed point on bigints with guard digits beyond the result scale, then rounded half away
// from zero like every numeric result.

import { DbError } from '../../catalog/index.js';
import { decFormat, decRound, pow10, type Dec } from './decimal.js';

type Num = { kind: 'num'; v: bigint; scale: number };

const MIN_SIG = 16;
const MAX_SCALE = 1000;
const GUARD = 24;

const clampScale = (r: number): number => Math.min(Math.max(r, 0), MAX_SCALE);

/** Fixed point: value = n / 10^p. */
function toFixed(d: Num, p: number): bigint {
  return p >= d.scale ? d.v * pow10(p - d.scale) : d.v / pow10(d.scale - p);
}

function mulF(a: bigint, b: bigint, one: bigint): bigint {
  return (a * b) / one;
}
function divF(a: bigint, b: bigint, one: bigint): bigint {
  return (a * one) / b;
}

/** exp(x) in fixed point with precision p (x scaled by 10^p). */
function expFixed(x: bigint, p: number): bigint {
  const one = pow10(p);
  // Halve until |x| < 1/1024, sum the Taylor series, square back.
  let k = 0;
  let r = x;
  const small = one / 1024n;
  while ((r < 0n ? -r : r) > small) {
    r /= 2n;
    k++;
  }
  let term = one;
  let sum = one;
  for (let i = 1n; i < 1000n; i++) {
    term = (term * r) / (one * i);
    if (term === 0n) break;
    sum += term;
  }
  for (let i = 0; i < k; i++) sum = mulF(sum, sum, one);
  return sum;
}

/** ln(x) for x > 0 in fixed point (x scaled by 10^p). */
function lnFixed(x: bigint, p: number): bigint {
  const one = pow10(p);
  // x = m * 10^e with m in [1, 10): ln x = ln m + e ln 10.
  const digits = x.toString().length;
  const e = digits - 1 - p;
  const m = e >= 0 ? x / pow10(e) : x * pow10(-e);
  const lnm = lnNear(m, p);
  return e === 0 ? lnm : lnm + BigInt(e) * ln10(p);
}

const ln10Cache = new Map<number, bigint>();
function ln10(p: number): bigint {
  let v = ln10Cache.get(p);
  if (v === undefined) {
    v = lnNear(10n * pow10(p), p);
    if (ln10Cache.size > 64) ln10Cache.clear();
    ln10Cache.set(p, v);
  }
  return v;
}

/** ln of a moderate value: square roots until close to 1, then the atanh series. */
function lnNear(m: bigint, p: number): bigint {
  const one = pow10(p);
  let k = 0;
  let y = m;
  const near = one / 100n;
  while ((y - one < 0n ? one - y : y - one) > near) {
    y = isqrtBig(y * one);
    k++;
  }
  // ln y = 2 atanh(z), z = (y - 1) / (y + 1).
  const z = divF(y - one, y + one, one);
  const z2 = mulF(z, z, one);
  let term = z;
  let sum = z;
  for (let i = 3n; i < 100000n; i += 2n) {
    term = mulF(term, z2, one);
    const t = term / i;
    if (t === 0n) break;
    sum += t;
  }
  return (2n * sum) << BigInt(k);
}

function isqrtBig(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt('1' + '0'.repeat(Math.ceil(n.toString().length / 2)));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

function fromFixed(v: bigint, p: number, scale: number): Dec {
  return decRound({ kind: 'num', v, scale: p }, scale);
}

function toDouble(d: Num): number {
  return Number(decFormat(d));
}

/** PostgreSQL's estimate_ln_dweight. */
function estimateLnDweight(d: Num): number {
  const x = toDouble(d);
  if (x <= 0) return 0;
  if (x >= 0.9 && x <= 1.1) {
    const diff = decFormat(decRound({ kind: 'num', v: d.v - pow10(d.scale), scale: d.scale }, d.scale));
    const dv = Math.abs(Number(diff));
    return dv === 0 ? 0 : Math.floor(Math.log10(dv));
  }
  const ln = Math.log(x);
  return Math.trunc(Math.log10(Math.abs(ln)));
}

function special(d: Dec, what: string): never {
  throw new DbError('0A000', `${what} of ${d.kind === 'nan' ? 'NaN' : 'infinity'} is not supported yet`);
}

export function decExp(d: Dec): Dec {
  if (d.kind === 'nan') return d;
  if (d.kind === 'inf') return d.neg ? { kind: 'num', v: 0n, scale: 0 } : d;
  const val = toDouble(d) * 0.434294481903252;
  if (val > MAX_SCALE * 3) throw new DbError('22003', 'value overflows numeric format');
  const w = Math.max(Math.min(val, MAX_SCALE * 2), -MAX_SCALE * 2);
  const rscale = clampScale(Math.max(MIN_SIG - Math.trunc(w), d.scale));
  if (val < -(rscale + 2)) return { kind: 'num', v: 0n, scale: rscale };
  // Squaring back after halving multiplies the relative error: digits for the result's own
  // magnitude plus guard digits keep the rounded result exact.
  const p = rscale + GUARD + Math.ceil(Math.abs(w)) + 10;
  return fromFixed(expFixed(toFixed(d, p), p), p, rscale);
}

export function decLn(d: Dec): Dec {
  if (d.kind === 'nan') return d;
  if (d.kind === 'inf') {
    if (d.neg) throw new DbError('2201E', 'cannot take logarithm of a negative number');
    return d;
  }
  if (d.v === 0n) throw new DbError('2201E', 'cannot take logarithm of zero');
  if (d.v < 0n) throw new DbError('2201E', 'cannot take logarithm of a negative number');
  const rscale = clampScale(Math.max(MIN_SIG - estimateLnDweight(d), d.scale));
  const p = rscale + GUARD + Math.max(0, -Math.floor(Math.log10(Math.max(toDouble(d), 1e-300))));
  return fromFixed(lnFixed(toFixed(d, p), p), p, rscale);
}

/** log(base, x). */
export function decLog(base: Dec, x: Dec): Dec {
  if (base.kind === 'nan' || x.kind === 'nan') return { kind: 'nan' };
  if (x.kind === 'inf' && !x.neg && base.kind === 'num' && base.v > pow10(base.scale)) return x;
  if (x.kind === 'inf' && x.neg) throw new DbError('2201E', 'cannot take logarithm of a negative number');
  if (base.kind !== 'num') return special(base, 'log');
  if (x.kind !== 'num') return special(x, 'log');
  for (const d of [base, x]) {
    if (d.v === 0n) throw new DbError('2201E', 'cannot take logarithm of zero');
    if (d.v < 0n) throw new DbError('2201E', 'cannot take logarithm of a negative number');
  }
  const rscale = clampScale(Math.max(MIN_SIG - (estimateLnDweight(x) - estimateLnDweight(base)), base.scale, x.scale));
  const p = rscale + GUARD + 10;
  const lb = lnFixed(toFixed(base, p), p);
  if (lb === 0n) throw new DbError('22012', 'division by zero');
  const lx = lnFixed(toFixed(x, p), p);
  return fromFixed(divF(lx, lb, pow10(p)), p, rscale);
}

/** base ^ exp for a non-integer exponent, base > 0 (power_var). */
export function decPowFrac(base: Num, exp: Num): Dec {
  const lnScale = Math.max(8 - estimateLnDweight(base), 0);
  const approx = Math.log(toDouble(base)) * toDouble(exp);
  if (Math.abs(approx) > MAX_SCALE * 3 * 2.302585092994046) {
    if (approx > 0) throw new DbError('22003', 'value overflows numeric format');
    return { kind: 'num', v: 0n, scale: 0 };
  }
  const w = approx * 0.434294481903252;
  const rscale = clampScale(Math.max(MIN_SIG - Math.trunc(w), base.scale, exp.scale));
  void lnScale;
  const p = rscale + GUARD + Math.ceil(Math.abs(w)) + 10;
  const one = pow10(p);
  const lnb = lnFixed(toFixed(base, p), p);
  const y = mulF(lnb, toFixed(exp, p), one);
  return fromFixed(expFixed(y, p), p, rscale);
}
