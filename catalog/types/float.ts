// float4/float8 text input and output as PostgreSQL 15 (float4in/float8in, float4out/float8out).
// Output: with extra_float_digits > 0 the shortest string that reads back to the same value
// (PostgreSQL uses Ryu), laid out like %g with precision 15 (float8) or 6 (float4) deciding
// between fixed and exponent notation; with extra_float_digits <= 0, %.{15|6 + efd}g.
// Values are JS numbers; float4 values are always Math.fround-ed.
import { DbError } from '../errors.js';
import { invalidSyntax, trimPgSpace } from './errors.js';

/** float input's range error: `"1e309" is out of range for type double precision` (no "value"). */
function floatOutOfRange(typeName: string, text: string): DbError {
  return new DbError('22003', `"${text}" is out of range for type ${typeName}`);
}

// strtod also reads C99 hexadecimal floats ('0x10', '0x1.8p1'); PostgreSQL inherits that.
const HEX_FLOAT_RE = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;

function parseHexFloat(s: string): number | undefined {
  const m = HEX_FLOAT_RE.exec(s);
  if (m === null) return undefined;
  const int = m[2] ?? '';
  const frac = m[3] ?? m[4] ?? '';
  const exp = m[5] === undefined ? 0 : Number(m[5]);
  // Number(bigint) rounds to nearest; scaling by a power of two is then exact (barring range).
  const mant = Number(BigInt('0x' + (int + frac || '0')));
  const v = mant * Math.pow(2, exp - 4 * frac.length);
  return m[1] === '-' ? -v : v;
}

const DBL_DIG = 15;
const FLT_DIG = 6;

/** Lay out significant digits `digits` (no dot) with decimal exponent `exp` as %g does. */
function layoutG(neg: boolean, digits: string, exp: number, precision: number): string {
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= precision) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const ae = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Split 'd.ddde±x' (from toExponential/toPrecision in exponent form) into digits and exponent. */
function splitExp(s: string): { digits: string; exp: number } {
  const e = s.indexOf('e');
  const mant = s.slice(0, e);
  const digits = mant.length > 1 ? mant[0] + mant.slice(2) : mant;
  return { digits: digits.replace(/0+$/, '') || '0', exp: Number(s.slice(e + 1)) };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return undefined;
}

export function float8Out(v: number, extraFloatDigits: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  const neg = v < 0;
  const a = neg ? -v : v;
  if (extraFloatDigits > 0) {
    // Small integers: the common case, and String() is already exact and shortest.
    if (Number.isInteger(a) && a < 1e15) return String(v);
    // In [1e-4, 1e15) both JS and PostgreSQL print the shortest digits in fixed notation, so
    // String() is the answer unless a midpoint tie is possible (the last digit is 5).
    if (a >= 1e-4 && a < 1e15) {
      const str = String(v);
      if (str.charCodeAt(str.length - 1) !== 0x35) return str;
    }
    const { digits, exp } = shortestFloat8(a);
    return layoutG(neg, digits, exp, DBL_DIG);
  }
  const p = Math.max(1, DBL_DIG + extraFloatDigits);
  const { digits, exp } = splitExp(a.toExponential(p - 1));
  return layoutG(neg, digits, exp, p);
}

/** Shortest decimal digits that read back (as float32) to `a`, a positive finite float32 value. */
/** Sign of n * 10^q - k * 2^e, exactly. */
function cmpDecBin(n: bigint, q: number, k: bigint, e: number): number {
  const left = n * (q > 0 ? 10n ** BigInt(q) : 1n) * (e < 0 ? 1n << BigInt(-e) : 1n);
  const right = k * (e > 0 ? 1n << BigInt(e) : 1n) * (q < 0 ? 10n ** BigInt(-q) : 1n);
  return left === right ? 0 : left < right ? -1 : 1;
}

/**
 * Whether the decimal integer `digits` (at most 17 digits) is divisible by 5^k (k ≤ 11), in
 * plain doubles: split at 9 digits so every product stays below 2^53.
 */
function divisibleByPow5(digits: string, k: number): boolean {
  const mod = 5 ** k;
  const hi = digits.length > 9 ? Number(digits.slice(0, -9)) : 0;
  const lo = Number(digits.length > 9 ? digits.slice(-9) : digits);
  return (hi * (1e9 % mod) + lo) % mod === 0;
}

/**
 * Shortest decimal for a float8 as PostgreSQL's Ryu (d2s) prints it. The engine's shortest
 * round-trip digits (toExponential()) are the answer unless they sit exactly on the midpoint to
 * a neighbouring double — JS accepts such a tie (it reads back by round-half-even), PostgreSQL
 * does not — in which case the next lengths are searched with exact big-integer arithmetic.
 */
function shortestFloat8(a: number): { digits: string; exp: number } {
  const js = splitExp(a.toExponential());
  // A decimal can sit exactly on a midpoint between doubles only if it is an integer at or above
  // 2^53 (midpoints below are not integers) or, with k digits after the point, if its digits are
  // divisible by 5^k (its denominator must be a power of two). Otherwise the engine's answer
  // stands: this keeps the exact check off the common path.
  const q = js.exp - js.digits.length + 1;
  if (q >= 0 ? a < 9007199254740992 : !divisibleByPow5(js.digits, Math.min(-q, 11))) return js;
  const { m, e } = exactDouble(a);
  // Interval ends scaled by 2^(e-2): a = 4m, upper midpoint 4m+2, lower 4m-2 (4m-1 at a power
  // of two, where the gap below is half the gap above).
  const lowerHalf = m === 1n << 52n && e > -1074 ? 1n : 2n;
  const hiK = 4n * m + 2n;
  const loK = 4n * m - lowerHalf;
  const e2 = e - 2;
  const inside = (n: bigint, q: number): boolean => cmpDecBin(n, q, loK, e2) > 0 && cmpDecBin(n, q, hiK, e2) < 0;
  if (inside(BigInt(js.digits), js.exp - js.digits.length + 1)) return js;
  for (let p = js.digits.length + 1; p <= 17; p++) {
    const s = splitExp(a.toExponential(p - 1)).exp - p + 1;
    const num = m * (e > 0 ? 1n << BigInt(e) : 1n) * (s < 0 ? 10n ** BigInt(-s) : 1n);
    const den = (e < 0 ? 1n << BigInt(-e) : 1n) * (s > 0 ? 10n ** BigInt(s) : 1n);
    const n0 = num / den;
    const rem2 = 2n * (num - n0 * den);
    const valid = [n0, n0 + 1n].filter((n) => n > 0n && inside(n, s));
    if (valid.length === 0) continue;
    let pick = valid[0]!;
    if (valid.length === 2) pick = rem2 < den ? n0 : rem2 > den ? n0 + 1n : (n0 % 2n === 0n ? n0 : n0 + 1n);
    const str = pick.toString();
    return { digits: str.replace(/0+$/, '') || '0', exp: s + str.length - 1 };
  }
  return splitExp(a.toExponential(16));
}

/** A finite positive double as an exact M * 2^E. */
function exactDouble(d: number): { m: bigint; e: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, d);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return bexp === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: bexp - 1075 };
}

/** Sign of (n * 10^q) - d, exactly. */
function cmpDecimalDouble(n: bigint, q: number, d: number): number {
  const { m, e } = exactDouble(d);
  let left = n * (q > 0 ? 10n ** BigInt(q) : 1n) * (e < 0 ? 1n << BigInt(-e) : 1n);
  let right = m * (e > 0 ? 1n << BigInt(e) : 1n) * (q < 0 ? 10n ** BigInt(-q) : 1n);
  return left === right ? 0 : left < right ? -1 : 1;
}

/** The next float32 above or below a positive finite float32 `a`, by arithmetic (no buffers). */
function float32Neighbour(a: number, up: boolean): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (Math.max(e, -126) - 23);
  if (up) return a + ulp;
  return a === 2 ** e && e > -126 ? a - ulp / 2 : a - ulp;
}

/**
 * Shortest decimal for a float4 as PostgreSQL's Ryu (f2s) prints it: the fewest digits that lie
 * strictly inside the float's rounding interval (a decimal exactly on the midpoint to a
 * neighbour is not accepted), and among those the one closest to the exact value, ties to even.
 * Exact big-integer comparisons: no double rounding.
 */
function shortestFloat4(a: number): { digits: string; exp: number } {
  // Fast path: the engine's nearest p-digit decimal that reads back as this float32. It can only
  // differ from Ryu's choice when a tie is possible: the decimal lies exactly on a midpoint to a
  // neighbouring float32, or the value is exactly halfway between two p-digit decimals. Those
  // few go to the exact search below.
  // Find the fewest digits whose nearest decimal reads back, starting from 7 (the usual answer)
  // and walking down or up, so most values cost two or three toExponential calls.
  const fits = (p: number): boolean => Math.fround(Number(a.toExponential(p - 1))) === a;
  let p = 7;
  if (fits(p)) { while (p > 1 && fits(p - 1)) p--; } else { do p++; while (p < 9 && !fits(p)); }
  // At a power of two the interval is lopsided: a neighbour decimal may fit with fewer digits
  // where the nearest does not; the exact search decides those.
  if (!Number.isInteger(Math.log2(a))) {
    const t = a.toExponential(p - 1);
    const r = splitExp(t);
    // Float32 midpoints are exact doubles: a decimal on one parses to exactly that double.
    const cv = Number(t);
    const tieOnBound = cv === (a + float32Neighbour(a, true)) / 2 || cv === (a + float32Neighbour(a, false)) / 2;
    // Exactly halfway between two p-digit decimals: digit p+1 is 5 and nothing follows.
    const longer = a.toExponential(p + 5);
    const at = longer.indexOf('e');
    const tieBetween = longer.charCodeAt(at - 6) === 0x35 && longer.slice(at - 5, at) === '00000';
    if (!tieOnBound && !tieBetween) return r;
    if (!tieOnBound) {
      // Two p-digit decimals equally near: JS took the upper one, Ryu takes the even one (both
      // lie inside the interval, which is symmetric here).
      const e = t.indexOf('e');
      const mant = t.slice(0, e).replace('.', '');
      const last = mant.charCodeAt(mant.length - 1) - 0x30;
      if (last % 2 === 0) return r;
      return { digits: (mant.slice(0, -1) + String(last - 1)).replace(/0+$/, '') || '0', exp: Number(t.slice(e + 1)) };
    }
  }
  return shortestFloat4Exact(a);
}

function shortestFloat4Exact(a: number): { digits: string; exp: number } {
  const prev = a === 1.401298464324817e-45 ? 0 : float32Neighbour(a, false);
  const nextRaw = float32Neighbour(a, true);
  const lo = (prev + a) / 2;
  const hi = Number.isFinite(nextRaw) ? (a + nextRaw) / 2 : a + (a - prev) / 2;
  const { m, e } = exactDouble(a);
  for (let p = 1; p <= 9; p++) {
    let s = splitExp(a.toExponential(p - 1)).exp - p + 1;
    // n0 = floor(a / 10^s), exactly.
    const num = m * (e > 0 ? 1n << BigInt(e) : 1n) * (s < 0 ? 10n ** BigInt(-s) : 1n);
    const den = (e < 0 ? 1n << BigInt(-e) : 1n) * (s > 0 ? 10n ** BigInt(s) : 1n);
    const n0 = num / den;
    const rem2 = 2n * (num - n0 * den); // compare with den: distance of a above n0, doubled
    const valid: bigint[] = [];
    for (const n of [n0, n0 + 1n]) {
      if (n > 0n && cmpDecimalDouble(n, s, lo) > 0 && cmpDecimalDouble(n, s, hi) < 0) valid.push(n);
    }
    if (valid.length === 0) continue;
    let pick = valid[0]!;
    if (valid.length === 2) pick = rem2 < den ? n0 : rem2 > den ? n0 + 1n : (n0 % 2n === 0n ? n0 : n0 + 1n);
    let digits = pick.toString();
    const exp = s + digits.length - 1;
    digits = digits.replace(/0+$/, '') || '0';
    void s;
    return { digits, exp };
  }
  return splitExp(a.toExponential(8));
}

export function float4Out(v: number, extraFloatDigits: number): string {
  const sp = special(v);
  if (sp !== undefined) return sp;
  const neg = v < 0;
  const a = neg ? -v : v;
  if (extraFloatDigits > 0) {
    if (Number.isInteger(a) && a < 1e6) return String(v);
    const { digits, exp } = shortestFloat4(a);
    return layoutG(neg, digits, exp, FLT_DIG);
  }
  const p = Math.max(1, FLT_DIG + extraFloatDigits);
  const { digits, exp } = splitExp(a.toExponential(p - 1));
  return layoutG(neg, digits, exp, p);
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** NaN / Infinity spellings strtod accepts (case-insensitive), or undefined. */
function parseSpecialWord(s: string): number | undefined {
  switch (s.toLowerCase()) {
    case 'nan': case '+nan': case '-nan': return NaN;
    case 'infinity': case '+infinity': case 'inf': case '+inf': return Infinity;
    case '-infinity': case '-inf': return -Infinity;
    default: return undefined;
  }
}

/** True when the mantissa of a decimal literal has a non-zero digit (so 0 means underflow). */
function mantissaNonZero(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x65 || c === 0x45) return false;
    if (c >= 0x31 && c <= 0x39) return true;
  }
  return false;
}

export function parseFloat8(text: string): number {
  const s = trimPgSpace(text);
  if (FLOAT_RE.test(s)) {
    const v = Number(s);
    // strtod reports ERANGE for overflow and for underflow to zero; denormals are accepted.
    if (!Number.isFinite(v) || (v === 0 && mantissaNonZero(s))) throw floatOutOfRange('double precision', text);
    return v;
  }
  const h = parseHexFloat(s);
  if (h !== undefined) {
    if (!Number.isFinite(h)) throw floatOutOfRange('double precision', text);
    return h;
  }
  const w = parseSpecialWord(s);
  if (w === undefined) throw invalidSyntax('double precision', text);
  return w;
}

export function parseFloat4(text: string): number {
  const s = trimPgSpace(text);
  if (FLOAT_RE.test(s)) {
    const f = Math.fround(Number(s));
    if (!Number.isFinite(f) || (f === 0 && mantissaNonZero(s))) throw floatOutOfRange('real', text);
    return f;
  }
  const h = parseHexFloat(s);
  if (h !== undefined) {
    const f = Math.fround(h);
    if (!Number.isFinite(f)) throw floatOutOfRange('real', text);
    return f;
  }
  const w = parseSpecialWord(s);
  if (w === undefined) throw invalidSyntax('real', text);
  return w;
}
