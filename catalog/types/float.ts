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
    const { digits, exp } = splitExp(a.toExponential());
    return layoutG(neg, digits, exp, DBL_DIG);
  }
  const p = Math.max(1, DBL_DIG + extraFloatDigits);
  const { digits, exp } = splitExp(a.toExponential(p - 1));
  return layoutG(neg, digits, exp, p);
}

/** Shortest decimal digits that read back (as float32) to `a`, a positive finite float32 value. */
function shortestFloat4(a: number): { digits: string; exp: number } {
  for (let p = 1; p <= 9; p++) {
    const s = a.toExponential(p - 1);
    if (Math.fround(Number(s)) === a) return splitExp(s);
    // At a power of two the round-trip interval is lopsided: the nearest p-digit decimal may
    // miss it while the neighbour on the other side hits it.
    const { digits, exp } = splitExp(s);
    const mant = BigInt(digits.padEnd(p, '0'));
    for (const m of [mant - 1n, mant + 1n]) {
      if (m <= 0n) continue;
      const ms = m.toString();
      const cand = Number(`${ms}e${exp - (p - 1)}`);
      if (Math.fround(cand) === a) {
        const e2 = exp + (ms.length - p);
        return { digits: ms.replace(/0+$/, '') || '0', exp: e2 };
      }
    }
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
