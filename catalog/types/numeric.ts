// Numeric: PostgreSQL's arbitrary-precision decimal. A finite value is coef × 10^-scale where
// `scale` is PostgreSQL's dscale (the digits after the point that are displayed: '2.50' has
// coef 250, scale 2). Special values NaN, +Infinity, -Infinity as in PostgreSQL 14+.
// Invariants: instances are immutable; scale is an integer in [0, 16383]; zero has no sign;
// a finite value's magnitude is below 10^131072 (PostgreSQL's weight limit) or it is an error.
// Result scales follow PostgreSQL 15 (add/sub: max; mul: sum; div: select_div_scale; ...).
import { DbError } from '../errors.js';
import { invalidSyntax, isPgSpace } from './errors.js';
import { numericExp, numericLn, numericPower } from './numeric-math.js';

export type NumericKind = 'finite' | 'nan' | 'pinf' | 'ninf';

export const NUMERIC_MAX_DISPLAY_SCALE = 1000;
export const NUMERIC_MIN_SIG_DIGITS = 16;
export const NUMERIC_DSCALE_MAX = 0x3fff;
/** Largest base-10000 weight PostgreSQL can store; values must stay below 10000^(MAX+1). */
const NUMERIC_WEIGHT_MAX = 0x7fff;
const DEC_DIGITS = 4;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 64; i++, p *= 10n) POW10.push(p);

/** 10^n as a bigint (cached for small n). */
export function pow10(n: number): bigint {
  return n < POW10.length ? POW10[n]! : 10n ** BigInt(n);
}

function absBig(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** coef × 10^-from re-expressed at scale `to`, rounding half away from zero when shortening. */
export function rescale(coef: bigint, from: number, to: number): bigint {
  if (to >= from) return to === from ? coef : coef * pow10(to - from);
  const d = pow10(from - to);
  const q = coef / d;
  const r = coef - q * d;
  if (absBig(r) * 2n >= d) return coef < 0n ? q - 1n : q + 1n;
  return q;
}

/** As rescale, but truncating toward zero when shortening. */
function rescaleTrunc(coef: bigint, from: number, to: number): bigint {
  return to >= from ? coef * pow10(to - from) : coef / pow10(from - to);
}

function overflow(): DbError {
  return new DbError('22003', 'value overflows numeric format');
}

export class Numeric {
  static readonly NaN = new Numeric('nan', 0n, 0);
  static readonly POS_INF = new Numeric('pinf', 0n, 0);
  static readonly NEG_INF = new Numeric('ninf', 0n, 0);
  static readonly ZERO = new Numeric('finite', 0n, 0);

  private constructor(
    readonly kind: NumericKind,
    /** Signed coefficient (0n for the special values). */
    readonly coef: bigint,
    /** Display scale (dscale). */
    readonly scale: number,
  ) {}

  /** A finite value coef × 10^-scale, checked against PostgreSQL's limits. */
  static of(coef: bigint, scale = 0): Numeric {
    if (!Number.isInteger(scale) || scale < 0) throw new Error(`Numeric.of: bad scale ${scale}`);
    const n = new Numeric('finite', coef, scale);
    n.checkLimits();
    return n;
  }

  static fromBigInt(v: bigint): Numeric {
    return new Numeric('finite', v, 0);
  }

  /** An integer-valued JS number (int2/int4/oid values). */
  static fromInt(v: number): Numeric {
    return new Numeric('finite', BigInt(v), 0);
  }

  /**
   * float8 → numeric as PostgreSQL: through '%.15g' (float4: '%.6g'), so 0.1 becomes 0.1 and
   * 1/3 becomes 0.333333333333333. NaN and infinities map to their numeric counterparts.
   */
  static fromNumber(v: number, float4 = false): Numeric {
    if (Number.isNaN(v)) return Numeric.NaN;
    if (v === Infinity) return Numeric.POS_INF;
    if (v === -Infinity) return Numeric.NEG_INF;
    if (v === 0) return Numeric.ZERO;
    // %g drops trailing zeros of the mantissa; toExponential keeps them (they would become scale).
    const e = v.toExponential(float4 ? 5 : 14);
    const at = e.indexOf('e');
    const mant = e.slice(0, at).replace(/\.?0+$/, '');
    return Numeric.fromString(mant + e.slice(at));
  }

  /** numeric_in (PostgreSQL 15). Throws 22P02 on bad syntax, 22003 when out of range. */
  static fromString(text: string): Numeric {
    const plain = parsePlain(text);
    if (plain !== undefined) return plain;
    let i = 0;
    let end = text.length;
    while (i < end && isPgSpace(text.charCodeAt(i))) i++;
    while (end > i && isPgSpace(text.charCodeAt(end - 1))) end--;
    const s = i === 0 && end === text.length ? text : text.slice(i, end);
    const special = SPECIALS.get(s.toLowerCase());
    if (special !== undefined) return special;
    const m = NUMERIC_RE.exec(s);
    if (m === null) throw invalidSyntax('numeric', text);
    const intPart = m[2] ?? '';
    const fracPart = m[3] ?? m[4] ?? '';
    let scale = fracPart.length;
    if (m[5] !== undefined) {
      if (m[5].length > 10) throw overflow();
      const exp = Number(m[5]);
      if (exp >= 1073741823 || exp <= -1073741823) throw overflow();
      scale -= exp;
    }
    let coef = BigInt((intPart + fracPart) || '0');
    if (scale < 0) {
      // A positive exponent beyond the fraction digits: shift into the coefficient.
      if (coef !== 0n && -scale > 140000) throw overflow();
      coef = coef === 0n ? 0n : coef * pow10(-scale);
      scale = 0;
    }
    if (m[1] === '-') coef = -coef;
    const n = new Numeric('finite', coef, scale);
    n.checkLimits();
    return n;
  }

  isNaN(): boolean { return this.kind === 'nan'; }
  isFinite(): boolean { return this.kind === 'finite'; }
  isInfinite(): boolean { return this.kind === 'pinf' || this.kind === 'ninf'; }
  isZero(): boolean { return this.kind === 'finite' && this.coef === 0n; }

  /** -1, 0 or 1; NaN for NaN (PostgreSQL's sign(NaN) is NaN). */
  sign(): number {
    switch (this.kind) {
      case 'nan': return NaN;
      case 'pinf': return 1;
      case 'ninf': return -1;
      case 'finite': return this.coef > 0n ? 1 : this.coef < 0n ? -1 : 0;
      default: return assertNever(this.kind);
    }
  }

  /** Base-10000 weight and first digit of |value| (PostgreSQL's NumericVar weight/digits[0]). */
  baseWeight(): { weight: number; firstDigit: number } {
    const a = absBig(this.coef);
    if (a === 0n) return { weight: 0, firstDigit: 0 };
    const e10 = a.toString().length - 1 - this.scale; // decimal exponent of the leading digit
    const weight = Math.floor(e10 / DEC_DIGITS);
    const shift = this.scale + DEC_DIGITS * weight; // |value| / 10000^weight = a / 10^shift
    const first = shift >= 0 ? a / pow10(shift) : a * pow10(-shift);
    return { weight, firstDigit: Number(first) };
  }

  private checkLimits(): void {
    if (this.scale > NUMERIC_DSCALE_MAX) throw overflow();
    // |value| <= |coef| (scale >= 0), and anything below 2^64 is far from the weight limit
    // (10000^32768): only large coefficients need the digit count.
    const c = this.coef;
    if (c < COEF_SAFE && c > -COEF_SAFE) return;
    if (this.baseWeight().weight > NUMERIC_WEIGHT_MAX) throw overflow();
  }

  neg(): Numeric {
    switch (this.kind) {
      case 'nan': return this;
      case 'pinf': return Numeric.NEG_INF;
      case 'ninf': return Numeric.POS_INF;
      case 'finite': return this.coef === 0n ? this : new Numeric('finite', -this.coef, this.scale);
      default: return assertNever(this.kind);
    }
  }

  abs(): Numeric {
    if (this.kind === 'ninf') return Numeric.POS_INF;
    return this.kind === 'finite' && this.coef < 0n ? new Numeric('finite', -this.coef, this.scale) : this;
  }

  add(o: Numeric): Numeric {
    // The common case of sum(): finite operands of one scale, a result far from the limits.
    if (this.kind === 'finite' && o.kind === 'finite' && this.scale === o.scale) {
      const c = this.coef + o.coef;
      return c < COEF_SAFE && c > -COEF_SAFE ? new Numeric('finite', c, this.scale) : Numeric.of(c, this.scale);
    }
    if (this.kind !== 'finite' || o.kind !== 'finite') {
      if (this.kind === 'nan' || o.kind === 'nan') return Numeric.NaN;
      if (this.kind === 'finite') return o;
      if (o.kind === 'finite') return this;
      return this.kind === o.kind ? this : Numeric.NaN; // Inf + -Inf
    }
    const s = Math.max(this.scale, o.scale);
    return Numeric.of(rescale(this.coef, this.scale, s) + rescale(o.coef, o.scale, s), s);
  }

  sub(o: Numeric): Numeric {
    return this.add(o.neg());
  }

  mul(o: Numeric): Numeric {
    if (this.kind !== 'finite' || o.kind !== 'finite') {
      if (this.kind === 'nan' || o.kind === 'nan') return Numeric.NaN;
      const sa = this.sign();
      const sb = o.sign();
      if (sa === 0 || sb === 0) return Numeric.NaN; // Inf * 0
      return sa * sb > 0 ? Numeric.POS_INF : Numeric.NEG_INF;
    }
    let coef = this.coef * o.coef;
    let scale = this.scale + o.scale;
    if (scale > NUMERIC_DSCALE_MAX) {
      coef = rescale(coef, scale, NUMERIC_DSCALE_MAX);
      scale = NUMERIC_DSCALE_MAX;
    }
    return Numeric.of(coef, scale);
  }

  /** PostgreSQL's select_div_scale: at least 16 significant digits, at least either input's scale. */
  static divScale(a: Numeric, b: Numeric): number {
    const wa = a.baseWeight();
    const wb = b.baseWeight();
    let qweight = wa.weight - wb.weight;
    if (wa.firstDigit <= wb.firstDigit) qweight--;
    let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * DEC_DIGITS;
    rscale = Math.max(rscale, a.scale, b.scale, 0);
    return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
  }

  div(o: Numeric): Numeric {
    if (this.kind !== 'finite' || o.kind !== 'finite') {
      if (this.kind === 'nan' || o.kind === 'nan') return Numeric.NaN;
      if (this.kind !== 'finite') {
        if (o.kind !== 'finite') return Numeric.NaN; // Inf / Inf
        const s = o.sign();
        if (s === 0) throw divisionByZero();
        return (this.kind === 'pinf') === s > 0 ? Numeric.POS_INF : Numeric.NEG_INF;
      }
      return Numeric.ZERO; // finite / Inf
    }
    if (o.coef === 0n) throw divisionByZero();
    return this.divRound(o, Numeric.divScale(this, o));
  }

  /** this / o rounded (half away from zero) to `rscale` digits; o is finite and non-zero. */
  divRound(o: Numeric, rscale: number): Numeric {
    // q = (a / 10^sa) / (b / 10^sb) at scale r  =>  a * 10^(r + sb - sa) / b
    const e = rscale + o.scale - this.scale;
    let num = this.coef;
    let den = o.coef;
    if (e >= 0) num *= pow10(e);
    else den *= pow10(-e);
    if (den < 0n) { num = -num; den = -den; }
    const q = num / den;
    const r = num - q * den;
    const rounded = absBig(r) * 2n >= den ? (num < 0n ? q - 1n : q + 1n) : q;
    return Numeric.of(rounded, rscale);
  }

  /** Integer division truncated toward zero (PostgreSQL's div()), scale 0. */
  divTrunc(o: Numeric): Numeric {
    if (this.kind === 'nan' || o.kind === 'nan') return Numeric.NaN;
    if (this.kind !== 'finite') {
      if (o.kind !== 'finite') return Numeric.NaN;
      if (o.coef === 0n) throw divisionByZero();
      return (this.kind === 'pinf') === o.coef > 0n ? Numeric.POS_INF : Numeric.NEG_INF;
    }
    if (o.kind !== 'finite') return Numeric.ZERO;
    if (o.coef === 0n) throw divisionByZero();
    const s = Math.max(this.scale, o.scale);
    return Numeric.of(rescale(this.coef, this.scale, s) / rescale(o.coef, o.scale, s), 0);
  }

  /** numeric_mod: sign of the dividend, scale max(sa, sb); x % Inf = x, Inf % y = NaN. */
  mod(o: Numeric): Numeric {
    if (this.kind === 'nan' || o.kind === 'nan') return Numeric.NaN;
    if (this.kind !== 'finite') {
      if (o.kind === 'finite' && o.coef === 0n) throw divisionByZero();
      return Numeric.NaN;
    }
    if (o.kind !== 'finite') return this;
    if (o.coef === 0n) throw divisionByZero();
    const s = Math.max(this.scale, o.scale);
    const a = rescale(this.coef, this.scale, s);
    const b = rescale(o.coef, o.scale, s);
    return new Numeric('finite', a % b, s);
  }

  /**
   * PostgreSQL ordering: NaN = NaN and sorts above +Infinity; scale does not matter (1.0 = 1).
   * Sorts, min/max and ORDER BY call this millions of times: one scale (a column's typmod, a
   * sum's result) compares the coefficients as they are; otherwise the signs decide before any
   * coefficient is multiplied up to the common scale.
   */
  cmp(o: Numeric): number {
    if (this.kind === 'finite' && o.kind === 'finite') {
      const a = this.coef;
      const b = o.coef;
      if (this.scale === o.scale) return a < b ? -1 : a > b ? 1 : 0;
      const sa = a > 0n ? 1 : a < 0n ? -1 : 0;
      const sb = b > 0n ? 1 : b < 0n ? -1 : 0;
      if (sa !== sb) return sa < sb ? -1 : 1;
      if (sa === 0) return 0;
      // Widening to the larger scale is exact (multiplication only, no rounding).
      const x = this.scale < o.scale ? a * pow10(o.scale - this.scale) : a;
      const y = o.scale < this.scale ? b * pow10(this.scale - o.scale) : b;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const ra = rank(this.kind);
    const rb = rank(o.kind);
    return ra < rb ? -1 : ra > rb ? 1 : 0;
  }

  equals(o: Numeric): boolean {
    return this.cmp(o) === 0;
  }

  /** round(x, s): half away from zero; s may be negative; result scale max(s, 0). */
  round(s = 0): Numeric {
    if (this.kind !== 'finite') return this;
    s = Math.max(-NUMERIC_MAX_RESULT_SCALE, Math.min(NUMERIC_MAX_RESULT_SCALE, s));
    if (s >= 0) return Numeric.of(rescale(this.coef, this.scale, s), s);
    return Numeric.of(rescale(this.coef, this.scale, s) * pow10(-s), 0);
  }

  /** trunc(x, s): toward zero; s may be negative; result scale max(s, 0). */
  trunc(s = 0): Numeric {
    if (this.kind !== 'finite') return this;
    s = Math.max(-NUMERIC_MAX_RESULT_SCALE, Math.min(NUMERIC_MAX_RESULT_SCALE, s));
    if (s >= 0) return Numeric.of(rescaleTrunc(this.coef, this.scale, s), s);
    return Numeric.of(rescaleTrunc(this.coef, this.scale, s) * pow10(-s), 0);
  }

  /** ceil / floor: scale 0. */
  ceil(): Numeric {
    if (this.kind !== 'finite') return this;
    const t = rescaleTrunc(this.coef, this.scale, 0);
    const exact = t * pow10(this.scale) === this.coef;
    return Numeric.of(this.coef > 0n && !exact ? t + 1n : t, 0);
  }

  floor(): Numeric {
    if (this.kind !== 'finite') return this;
    const t = rescaleTrunc(this.coef, this.scale, 0);
    const exact = t * pow10(this.scale) === this.coef;
    return Numeric.of(this.coef < 0n && !exact ? t - 1n : t, 0);
  }

  /** numeric_out: 'NaN', 'Infinity', '-Infinity', or the digits with exactly `scale` decimals. */
  toString(): string {
    switch (this.kind) {
      case 'nan': return 'NaN';
      case 'pinf': return 'Infinity';
      case 'ninf': return '-Infinity';
      case 'finite': break;
      default: return assertNever(this.kind);
    }
    if (this.scale === 0) return this.coef.toString();
    const neg = this.coef < 0n;
    let digits = absBig(this.coef).toString();
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
  }

  /** Nearest double (numeric_float8 without its error): may be ±Infinity or 0 for extremes. */
  toNumber(): number {
    switch (this.kind) {
      case 'nan': return NaN;
      case 'pinf': return Infinity;
      case 'ninf': return -Infinity;
      case 'finite': return Number(this.toString());
      default: return assertNever(this.kind);
    }
  }

  /**
   * numeric → int2/int4/int8: rounds half away from zero; NaN/Infinity are 0A000 and values out
   * of range 22003 with PostgreSQL's messages.
   */
  toBigInt(type: 'smallint' | 'integer' | 'bigint' = 'bigint'): bigint {
    if (this.kind === 'nan') throw new DbError('0A000', `cannot convert NaN to ${type}`);
    if (this.kind !== 'finite') throw new DbError('0A000', `cannot convert infinity to ${type}`);
    const v = rescale(this.coef, this.scale, 0);
    const [lo, hi] = INT_RANGES[type];
    if (v < lo || v > hi) throw new DbError('22003', `${type} out of range`);
    return v;
  }

  /** toBigInt as a JS number for smallint/integer. */
  toInt(type: 'smallint' | 'integer'): number {
    return Number(this.toBigInt(type));
  }

  /**
   * Apply a numeric(p,s) typmod (PostgreSQL 15 apply_typmod): round to s, then the value must be
   * below 10^(p-s) in magnitude, else 22003 "numeric field overflow" with PostgreSQL's detail.
   */
  applyTypmod(precision: number, scale: number): Numeric {
    if (this.kind === 'nan') return this;
    if (this.kind !== 'finite') {
      throw new DbError('22003', 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
      });
    }
    const r = this.round(scale);
    const maxDigits = precision - scale;
    if (r.coef !== 0n) {
      const a = absBig(r.coef);
      const intDigits = a.toString().length - r.scale; // digits before the point (may be <= 0)
      if (intDigits > maxDigits) {
        throw new DbError('22003', 'numeric field overflow', {
          detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${maxDigits ? '10^' : ''}${maxDigits ? maxDigits : 1}.`,
        });
      }
    }
    return r;
  }

  /** ln(x) with PostgreSQL's result scale (numeric-math.ts). */
  ln(): Numeric { return numericLn(this); }
  /** exp(x) with PostgreSQL's result scale (numeric-math.ts). */
  exp(): Numeric { return numericExp(this); }
  /** power(this, o) with PostgreSQL's rules and result scale (numeric-math.ts). */
  pow(o: Numeric): Numeric { return numericPower(this, o); }

  /** sqrt with PostgreSQL's result scale (at least 16 significant digits, at least the input's). */
  sqrt(): Numeric {
    if (this.kind === 'nan' || this.kind === 'pinf') return this;
    if (this.kind === 'ninf' || this.coef < 0n) {
      throw new DbError('2201F', 'cannot take square root of a negative number');
    }
    const { weight } = this.baseWeight();
    const sweight = Math.trunc(((weight + 1) * DEC_DIGITS) / 2) - 1;
    let rscale = NUMERIC_MIN_SIG_DIGITS - sweight;
    rscale = Math.min(Math.max(rscale, this.scale, 0), NUMERIC_MAX_DISPLAY_SCALE);
    // isqrt of coef × 10^(2(r+1) - s) is sqrt(value) at scale r+1, truncated; then round once.
    const e = 2 * (rscale + 1) - this.scale;
    const r1 = isqrt(this.coef * pow10(e));
    return Numeric.of(rescale(r1, rscale + 1, rscale), rscale);
  }

  /** A canonical key for hashing: equal values (1.0, 1.00) give equal keys. */
  hashKey(): string {
    if (this.kind !== 'finite') return this.kind;
    let c = this.coef;
    let s = this.scale;
    while (s > 0 && c % 10n === 0n) { c /= 10n; s--; }
    return s === 0 ? c.toString() : `${c}e-${s}`;
  }
}

/**
 * Integer square root (floor) by Newton's method from an over-estimate: starting above the root
 * makes the iterates decrease monotonically to floor(sqrt(n)), so the loop always ends (a start
 * from a rounded float could sit below the root and crawl up one by one).
 */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new Error('isqrt of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2)); // 2^ceil(bits/2) > sqrt(n)
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export const NUMERIC_MAX_RESULT_SCALE = NUMERIC_MAX_DISPLAY_SCALE * 2;

/** Coefficients strictly inside ±2^64 cannot exceed the weight limit. */
const COEF_SAFE = 1n << 64n;

/**
 * The common spelling of a numeric — optional sign, digits, optional point and digits, nothing
 * else (numeric_out's form, how numerics are stored, most literals) — parsed without the
 * RegExp and without intermediate strings for up to 15 digits. Anything else (spaces,
 * exponents, special values, bad syntax) is undefined: fromString's general path decides.
 */
function parsePlain(text: string): Numeric | undefined {
  const n = text.length;
  let i = 0;
  let neg = false;
  const c0 = n > 0 ? text.charCodeAt(0) : 0;
  if (c0 === 45 /* - */ || c0 === 43 /* + */) {
    neg = c0 === 45;
    i = 1;
  }
  const start = i;
  let dot = -1;
  let digits = 0;
  let acc = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits < 15) acc = acc * 10 + (c - 48);
      digits++;
    } else if (c === 46 /* . */ && dot < 0) dot = i;
    else return undefined;
  }
  if (digits === 0) return undefined;
  const scale = dot < 0 ? 0 : n - dot - 1;
  if (scale > NUMERIC_DSCALE_MAX) return undefined; // the general path raises the error
  let coef: bigint;
  if (digits <= 15) coef = BigInt(acc);
  else coef = BigInt(dot < 0 ? text.slice(start) : text.slice(start, dot) + text.slice(dot + 1));
  return Numeric.of(neg ? -coef : coef, scale);
}

const NUMERIC_RE = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;

const SPECIALS: ReadonlyMap<string, Numeric> = new Map([
  ['nan', Numeric.NaN],
  ['infinity', Numeric.POS_INF],
  ['+infinity', Numeric.POS_INF],
  ['inf', Numeric.POS_INF],
  ['+inf', Numeric.POS_INF],
  ['-infinity', Numeric.NEG_INF],
  ['-inf', Numeric.NEG_INF],
]);

const INT_RANGES = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-(1n << 63n), (1n << 63n) - 1n],
} as const;

function rank(k: NumericKind): number {
  switch (k) {
    case 'ninf': return 0;
    case 'finite': return 1;
    case 'pinf': return 2;
    case 'nan': return 3;
    default: return assertNever(k);
  }
}

export function divisionByZero(): DbError {
  return new DbError('22012', 'division by zero');
}

function assertNever(x: never): never {
  throw new Error(`unexpected value ${String(x)}`);
}
