// ln, exp and power for Numeric with PostgreSQL 15's result scales (numeric_ln, numeric_exp,
// numeric_power / power_var / power_var_int) and special-value rules.
// Method: exact big-integer fixed-point arithmetic at a working scale a few digits beyond the
// result scale, then one final rounding (half away from zero) to the result scale. The series
// and reductions below keep the error of the working value well under one unit of the last
// working digit, so the final rounding gives PostgreSQL's digits except in astronomically
// rare near-tie cases.
// Invariant: every function here is pure; no module state.
import { DbError } from '../errors.js';
import { Numeric, NUMERIC_MAX_DISPLAY_SCALE, NUMERIC_MIN_SIG_DIGITS, pow10, rescale, isqrt } from './numeric.js';

// NUMERIC_MAX_DISPLAY_SCALE * 2, spelled out: imports from numeric.ts are not initialised
// while this module loads (numeric.ts imports it).
const NUMERIC_MAX_RESULT_SCALE = 2000;
/** Extra working digits beyond what the error analysis needs. */
const GUARD = 12;

function overflow(): DbError {
  return new DbError('22003', 'value overflows numeric format');
}

const clampScale = (r: number): number => Math.min(Math.max(r, 0), NUMERIC_MAX_DISPLAY_SCALE);

/** |x| as base-10000 digits from the most significant (weight as PostgreSQL's NumericVar). */
function nbaseDigits(x: Numeric, max: number): { weight: number; digits: number[] } {
  const { weight } = x.baseWeight();
  const a = x.coef < 0n ? -x.coef : x.coef;
  // |x| / 10000^(weight - k + 1) truncated gives the first k digits; strip trailing zero digits.
  const k = max;
  const shift = x.scale + 4 * (weight - k + 1);
  const head = shift >= 0 ? a / pow10(shift) : a * pow10(-shift);
  const digits: number[] = [];
  let h = head;
  for (let i = 0; i < k; i++) { digits.unshift(Number(h % 10000n)); h /= 10000n; }
  // Only digits that are really there (PostgreSQL strips trailing zero digits).
  const exactRest = shift >= 0 ? a % pow10(shift) === 0n : true;
  if (exactRest) while (digits.length > 1 && digits[digits.length - 1] === 0) digits.pop();
  return { weight, digits };
}

/** Decimal exponent of the leading digit of a non-zero finite value. */
function decExp(x: Numeric): number {
  const a = x.coef < 0n ? -x.coef : x.coef;
  return a.toString().length - 1 - x.scale;
}

/** PostgreSQL's estimate_ln_dweight. */
function estimateLnDweight(x: Numeric): number {
  if (x.coef <= 0n) return 0;
  const ZERO_POINT_NINE = Numeric.of(9n, 1);
  const ONE_POINT_ONE = Numeric.of(11n, 1);
  if (x.cmp(ZERO_POINT_NINE) >= 0 && x.cmp(ONE_POINT_ONE) <= 0) {
    const d = x.sub(Numeric.of(1n, 0));
    return d.coef === 0n ? 0 : decExp(d);
  }
  const { weight, digits } = nbaseDigits(x, 2);
  let dig = digits[0]!;
  let dweight = weight * 4;
  if (digits.length > 1) { dig = dig * 10000 + digits[1]!; dweight -= 4; }
  const lnVar = Math.log(dig) + dweight * 2.302585092994046;
  return Math.trunc(Math.log10(Math.abs(lnVar)));
}

/** x as a fixed-point integer at scale w (truncated). */
function fixed(x: Numeric, w: number): bigint {
  return w >= x.scale ? x.coef * pow10(w - x.scale) : x.coef / pow10(x.scale - w);
}

/** ln of a positive fixed-point value v / 10^w, returned at scale w. */
function lnFixed(v: bigint, w: number): bigint {
  const one = pow10(w);
  // Reduce toward 1 by square roots: ln v = 2^k ln(v^(1/2^k)); stop when |v - 1| < 0.01.
  const lo = one - one / 100n;
  const hi = one + one / 100n;
  let k = 0;
  while (v < lo || v > hi) {
    v = isqrt(v * one);
    k++;
  }
  // ln v = 2 atanh(z), z = (v - 1) / (v + 1): 2 (z + z^3/3 + z^5/5 + ...)
  const z = ((v - one) * one) / (v + one);
  const z2 = (z * z) / one;
  let term = z;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = (term * z2) / one;
  }
  return (2n * sum) << BigInt(k);
}

/** exp of a fixed-point value x / 10^w, returned at scale w. */
function expFixed(x: bigint, w: number): bigint {
  const one = pow10(w);
  // Reduce: exp x = exp(x / 2^k)^(2^k) with |x / 2^k| < 0.01.
  let k = 0;
  const small = one / 100n;
  let y = x;
  while ((y < 0n ? -y : y) > small) { y /= 2n; k++; }
  // Taylor series.
  let term = one;
  let sum = one;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * y) / (one * n);
    sum += term;
  }
  for (let i = 0; i < k; i++) sum = (sum * sum) / one;
  return sum;
}

/** ln(x): numeric_ln. */
export function numericLn(x: Numeric): Numeric {
  if (x.kind === 'nan' || x.kind === 'pinf') return x;
  if (x.kind === 'ninf' || x.coef < 0n) throw new DbError('2201E', 'cannot take logarithm of a negative number');
  if (x.coef === 0n) throw new DbError('2201E', 'cannot take logarithm of zero');
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - estimateLnDweight(x), x.scale));
  return lnAtScale(x, rscale);
}

function lnAtScale(x: Numeric, rscale: number): Numeric {
  // Square-root reductions multiply the error by 2^k (k ≤ ~20 for the largest inputs), and
  // tiny inputs need digits for their own magnitude: size the working scale for both.
  const e10 = Math.abs(decExp(x));
  const w = rscale + GUARD + 8 + Math.max(0, -decExp(x)) + Math.ceil(Math.log10(e10 + 2));
  const v = lnFixed(fixed(x, w), w);
  return Numeric.of(rescale(v, w, rscale), rscale);
}

/** exp(x): numeric_exp. */
export function numericExp(x: Numeric): Numeric {
  if (x.kind === 'nan' || x.kind === 'pinf') return x;
  if (x.kind === 'ninf') return Numeric.ZERO;
  let val = x.toNumber() * 0.434294481903252;
  val = Math.max(-NUMERIC_MAX_RESULT_SCALE, Math.min(NUMERIC_MAX_RESULT_SCALE, val));
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), x.scale));
  return expAtScale(x, rscale);
}

function expAtScale(x: Numeric, rscale: number): Numeric {
  const xv = x.toNumber();
  if (Math.abs(xv) >= NUMERIC_MAX_RESULT_SCALE * 3) {
    if (xv > 0) throw overflow();
    return Numeric.of(0n, rscale);
  }
  // The result's magnitude adds digits to carry; squarings double the relative error k times.
  const mag = Math.max(0, Math.ceil(xv * 0.4343));
  const w = rscale + GUARD + 8 + mag;
  const v = expFixed(fixed(x, w), w);
  return Numeric.of(rescale(v, w, rscale), rscale);
}

function isInteger(x: Numeric): boolean {
  return x.kind === 'finite' && (x.scale === 0 || x.coef % pow10(x.scale) === 0n);
}

function isOddInteger(x: Numeric): boolean {
  if (!isInteger(x)) return false;
  const i = x.scale === 0 ? x.coef : x.coef / pow10(x.scale);
  return (i < 0n ? -i : i) % 2n === 1n;
}

// numeric.ts imports this file (a module cycle), so Numeric must not be touched at load time.
const one = (): Numeric => Numeric.of(1n, 0);

/** power(base, exp): numeric_power. */
export function numericPower(base: Numeric, exp: Numeric): Numeric {
  // NaN: POSIX pow(3): NaN ^ 0 = 1, 1 ^ NaN = 1, otherwise NaN.
  if (base.kind === 'nan') return exp.kind === 'finite' && exp.coef === 0n ? one() : Numeric.NaN;
  if (exp.kind === 'nan') return base.kind === 'finite' && base.cmp(one()) === 0 ? one() : Numeric.NaN;
  const baseZero = base.kind === 'finite' && base.coef === 0n;
  if (baseZero && exp.sign() < 0) throw new DbError('2201F', 'zero raised to a negative power is undefined');
  if (base.sign() < 0 && base.kind === 'finite' && exp.kind === 'finite' && !isInteger(exp)) {
    throw new DbError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  }
  if (base.kind !== 'finite' || exp.kind !== 'finite') return powerSpecial(base, exp);
  return powerFinite(base, exp);
}

/** Infinity rules of numeric_power (POSIX pow(3)). */
function powerSpecial(base: Numeric, exp: Numeric): Numeric {
  if (exp.kind !== 'finite') {
    // exp is ±Infinity.
    const absBase = base.abs();
    const c = absBase.cmp(one());
    if (base.kind === 'finite' && c === 0) return one();
    if (exp.kind === 'pinf') return c < 0 ? Numeric.ZERO : Numeric.POS_INF;
    return c < 0 ? Numeric.POS_INF : Numeric.ZERO;
  }
  // base is ±Infinity, exp finite.
  const s = exp.sign();
  if (s === 0) return one();
  if (base.kind === 'pinf') return s > 0 ? Numeric.POS_INF : Numeric.ZERO;
  if (s > 0) return isOddInteger(exp) ? Numeric.NEG_INF : Numeric.POS_INF;
  return Numeric.ZERO;
}

function powerFinite(base: Numeric, exp: Numeric): Numeric {
  if (isInteger(exp)) {
    const e = exp.scale === 0 ? exp.coef : exp.coef / pow10(exp.scale);
    if (e >= -2147483648n && e <= 2147483647n) return powerInt(base, Number(e), exp.scale);
  }
  if (base.coef === 0n) return Numeric.of(0n, NUMERIC_MIN_SIG_DIGITS);
  // Non-integer (or huge integer) exponent: exp(exp * ln(base)). Negative bases only reach here
  // with an integer exponent (too large for int32): the sign follows its parity.
  const negResult = base.coef < 0n && isOddInteger(exp);
  const b = base.abs();
  const lnDweight = estimateLnDweight(b);
  // Low-precision estimate of exp * ln(base), as PostgreSQL does, for the scale and range checks.
  const lnApprox = lnAtScale(b, Math.max(8 - lnDweight, 0));
  const val0 = lnApprox.mul(exp).toNumber();
  if (Math.abs(val0) > NUMERIC_MAX_RESULT_SCALE * 3.01) {
    if (val0 > 0) throw overflow();
    return Numeric.of(0n, NUMERIC_MAX_DISPLAY_SCALE);
  }
  const val = val0 * 0.434294481903252;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), base.scale, exp.scale));
  const mag = Math.max(0, Math.ceil(val));
  const w = rscale + GUARD + 8 + mag + Math.max(0, Math.ceil(Math.log10(Math.abs(exp.toNumber()) + 1)));
  const lnB = lnFixed(fixed(b, w), w);
  const prod = (lnB * exp.coef) / pow10(exp.scale);
  const r = expFixed(prod, w);
  const out = Numeric.of(rescale(r, w, rscale), rscale);
  return negResult && out.coef !== 0n ? out.neg() : out;
}

/**
 * power_var_int (PostgreSQL 15): an int32 exponent. The result scale is max(16, base's scale)
 * — PostgreSQL 15 does not adjust it to the result's magnitude (16 does) — and the value is the
 * exact power rounded to that scale.
 */
function powerInt(base: Numeric, e: number, _expScale: number): Numeric {
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS, base.scale));
  if (e !== 0 && e !== 1 && e !== -1 && e !== 2 && base.coef !== 0n) {
    // Crude overflow/underflow tests on the estimated decimal weight, as PostgreSQL does.
    const { weight, digits } = nbaseDigits(base, 4);
    let fd = digits[0]!;
    let p = weight * 4;
    for (let i = 1; i < digits.length && i * 4 < 16; i++) { fd = fd * 10000 + digits[i]!; p -= 4; }
    const f = e * (Math.log10(fd) + p);
    if (f > 3 * 32767 * 4) throw overflow();
    if (f + 1 < -rscale || f + 1 < -NUMERIC_MAX_DISPLAY_SCALE) return Numeric.of(0n, rscale);
  }
  if (e === 0) return Numeric.of(pow10(rscale), rscale);
  if (base.coef === 0n) return Numeric.of(0n, rscale); // e > 0 here (0 ^ negative raised earlier)
  if (e === 1) return Numeric.of(rescale(base.coef, base.scale, rscale), rscale);
  // Exact: base^|e| = coef^|e| / 10^(scale*|e|); negative e divides one by it.
  const n = Math.abs(e);
  const num = base.coef ** BigInt(n);
  const numScale = base.scale * n;
  if (e > 0) return Numeric.of(rescale(num, numScale, rscale), rscale);
  // 1 / (num / 10^numScale) at rscale = 10^(numScale + rscale) / num, rounded half away from zero.
  const top = pow10(numScale + rscale);
  const q = top / num;
  const rem = top - q * num;
  const absNum = num < 0n ? -num : num;
  const absRem = rem < 0n ? -rem : rem;
  const rounded = absRem * 2n >= absNum ? (num < 0n ? q - 1n : q + 1n) : q;
  return Numeric.of(rounded, rscale);
}
