// Exact decimal arithmetic on (unscaled bigint, scale) pairs with PostgreSQL numeric's result
// scales and rounding (half away from zero). numeric.ts converts catalog Numeric values to and
// from this form through their canonical text, so this file never depends on Numeric's inside.

import { DbError } from '../../catalog/index.js';

export type Dec =
  | { kind: 'num'; v: bigint; scale: number }
  | { kind: 'nan' }
  | { kind: 'inf'; neg: boolean };

export const NUMERIC_MAX_DISPLAY_SCALE = 1000;
const NUMERIC_MIN_SIG_DIGITS = 16;

export function decParse(s: string): Dec {
  const t = s.trim();
  const l = t.toLowerCase();
  if (l === 'nan') return { kind: 'nan' };
  if (l === 'infinity' || l === '+infinity' || l === 'inf' || l === '+inf') return { kind: 'inf', neg: false };
  if (l === '-infinity' || l === '-inf') return { kind: 'inf', neg: true };
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(t);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new DbError('22P02', `invalid input syntax for type numeric: "${s}"`);
  const frac = m[3] ?? '';
  let v = BigInt((m[2] || '0') + frac);
  let scale = frac.length;
  const exp = m[4] ? Number(m[4]) : 0;
  scale -= exp;
  if (scale < 0) {
    v *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (m[1] === '-') v = -v;
  return { kind: 'num', v, scale };
}

export function decFormat(d: Dec): string {
  if (d.kind === 'nan') return 'NaN';
  if (d.kind === 'inf') return d.neg ? '-Infinity' : 'Infinity';
  const neg = d.v < 0n;
  let digits = (neg ? -d.v : d.v).toString();
  if (d.scale === 0) return (neg ? '-' : '') + digits;
  if (digits.length <= d.scale) digits = '0'.repeat(d.scale - digits.length + 1) + digits;
  return (neg ? '-' : '') + digits.slice(0, digits.length - d.scale) + '.' + digits.slice(digits.length - d.scale);
}

const pow10Cache: bigint[] = [];
export function pow10(n: number): bigint {
  if (n < 64) return (pow10Cache[n] ??= 10n ** BigInt(n));
  return 10n ** BigInt(n);
}

/** Rescale with rounding half away from zero (PostgreSQL's round_var). */
export function decRound(d: Dec, scale: number): Dec {
  if (d.kind !== 'num') return d;
  if (scale >= d.scale) return { kind: 'num', v: d.v * pow10(scale - d.scale), scale };
  const f = pow10(d.scale - scale);
  const q = d.v / f;
  const r = d.v % f;
  const twice = (r < 0n ? -r : r) * 2n;
  const v = twice >= f ? q + (d.v < 0n ? -1n : 1n) : q;
  return { kind: 'num', v, scale };
}

export function decTrunc(d: Dec, scale: number): Dec {
  if (d.kind !== 'num') return d;
  if (scale >= d.scale) return { kind: 'num', v: d.v * pow10(scale - d.scale), scale };
  return { kind: 'num', v: d.v / pow10(d.scale - scale), scale };
}

function align(a: { v: bigint; scale: number }, b: { v: bigint; scale: number }): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.v * pow10(s - a.scale), b.v * pow10(s - b.scale), s];
}

export function decCmp(a: Dec, b: Dec): number {
  // PostgreSQL: NaN sorts above everything, equal to itself; -Inf < numbers < +Inf < NaN.
  const rank = (d: Dec): number => (d.kind === 'nan' ? 2 : d.kind === 'inf' ? (d.neg ? -1 : 1) : 0);
  const ra = rank(a), rb = rank(b);
  if (ra !== rb || ra !== 0) return ra < rb ? -1 : ra > rb ? 1 : 0;
  const [x, y] = align(a as { v: bigint; scale: number }, b as { v: bigint; scale: number });
  return x < y ? -1 : x > y ? 1 : 0;
}

function special(a: Dec, b: Dec, op: string): Dec | undefined {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' || b.kind === 'inf') {
    const sa = a.kind === 'inf' ? (a.neg ? -1 : 1) : Number(decSign(a));
    const sb = b.kind === 'inf' ? (b.neg ? -1 : 1) : Number(decSign(b));
    switch (op) {
      case '+':
        if (a.kind === 'inf' && b.kind === 'inf') return a.neg === b.neg ? a : { kind: 'nan' };
        return a.kind === 'inf' ? a : b;
      case '-':
        if (a.kind === 'inf' && b.kind === 'inf') return a.neg !== b.neg ? a : { kind: 'nan' };
        return a.kind === 'inf' ? a : { kind: 'inf', neg: !(b as { neg: boolean }).neg };
      case '*':
        if (sa === 0 || sb === 0) return { kind: 'nan' };
        return { kind: 'inf', neg: sa * sb < 0 };
      case '/':
        if (a.kind === 'inf' && b.kind === 'inf') return { kind: 'nan' };
        if (a.kind === 'inf') {
          if (sb === 0) throw new DbError('22012', 'division by zero');
          return { kind: 'inf', neg: sa * sb < 0 };
        }
        return { kind: 'num', v: 0n, scale: 0 };
      case '%':
        if (a.kind === 'inf') {
          if (sb === 0) throw new DbError('22012', 'division by zero');
          return { kind: 'nan' };
        }
        return a;
    }
  }
  return undefined;
}

export function decSign(d: Dec): bigint {
  if (d.kind === 'num') return d.v < 0n ? -1n : d.v > 0n ? 1n : 0n;
  return 0n;
}

type Num = { kind: 'num'; v: bigint; scale: number };

export function decAdd(a: Dec, b: Dec): Dec {
  const s = special(a, b, '+');
  if (s) return s;
  const [x, y, sc] = align(a as Num, b as Num);
  return { kind: 'num', v: x + y, scale: sc };
}

export function decSub(a: Dec, b: Dec): Dec {
  const s = special(a, b, '-');
  if (s) return s;
  const [x, y, sc] = align(a as Num, b as Num);
  return { kind: 'num', v: x - y, scale: sc };
}

export function decMul(a: Dec, b: Dec): Dec {
  const s = special(a, b, '*');
  if (s) return s;
  const x = a as Num, y = b as Num;
  const r: Dec = { kind: 'num', v: x.v * y.v, scale: x.scale + y.scale };
  return r.scale > NUMERIC_MAX_DISPLAY_SCALE ? decRound(r, NUMERIC_MAX_DISPLAY_SCALE) : r;
}

/** Weight and first base-10000 digit, as PostgreSQL's select_div_scale reads them. */
function nbaseLead(d: Num): { weight: number; first: number } {
  const digits = (d.v < 0n ? -d.v : d.v).toString();
  if (digits === '0') return { weight: 0, first: 0 };
  // Power of ten of the leading digit, then its base-10000 group and that group's value.
  const e = digits.length - d.scale - 1;
  const weight = Math.floor(e / 4);
  const shift = d.scale + 4 * weight;
  const abs = d.v < 0n ? -d.v : d.v;
  const first = shift >= 0 ? abs / pow10(shift) : abs * pow10(-shift);
  return { weight, first: Number(first) };
}

export function decDivScale(a: Num, b: Num): number {
  const la = nbaseLead(a), lb = nbaseLead(b);
  let qweight = la.weight - lb.weight;
  if (la.first <= lb.first) qweight--;
  let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * 4;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
}

/** Division rounded to `scale` (half away from zero). */
export function decDivTo(a: Num, b: Num, scale: number): Num {
  if (b.v === 0n) throw new DbError('22012', 'division by zero');
  // a/b = (a.v / 10^a.s) / (b.v / 10^b.s); compute with scale+1 extra digit, then round.
  const shift = scale + 1 + b.scale - a.scale;
  let num = a.v, den = b.v;
  if (shift >= 0) num *= pow10(shift);
  else den *= pow10(-shift);
  const q = num / den;
  return decRound({ kind: 'num', v: q, scale: scale + 1 }, scale) as Num;
}

export function decDiv(a: Dec, b: Dec): Dec {
  const s = special(a, b, '/');
  if (s) return s;
  const x = a as Num, y = b as Num;
  if (y.v === 0n) throw new DbError('22012', 'division by zero');
  return decDivTo(x, y, decDivScale(x, y));
}

export function decMod(a: Dec, b: Dec): Dec {
  const s = special(a, b, '%');
  if (s) return s;
  const [x, y, sc] = align(a as Num, b as Num);
  if (y === 0n) throw new DbError('22012', 'division by zero');
  return { kind: 'num', v: x % y, scale: sc };
}

/** Integer quotient truncated toward zero (numeric div()). */
export function decIntDiv(a: Dec, b: Dec): Dec {
  const s = special(a, b, '/');
  if (s) return s.kind === 'num' ? { kind: 'num', v: 0n, scale: 0 } : s;
  const [x, y] = align(a as Num, b as Num);
  if (y === 0n) throw new DbError('22012', 'division by zero');
  return { kind: 'num', v: x / y, scale: 0 };
}

export function decNeg(a: Dec): Dec {
  if (a.kind === 'num') return { kind: 'num', v: -a.v, scale: a.scale };
  if (a.kind === 'inf') return { kind: 'inf', neg: !a.neg };
  return a;
}

export function decAbs(a: Dec): Dec {
  if (a.kind === 'num') return { kind: 'num', v: a.v < 0n ? -a.v : a.v, scale: a.scale };
  if (a.kind === 'inf') return { kind: 'inf', neg: false };
  return a;
}

export function decCeil(a: Dec): Dec {
  if (a.kind !== 'num') return a;
  const t = decTrunc(a, 0) as Num;
  const exact = t.v * pow10(a.scale) === a.v;
  return { kind: 'num', v: exact || a.v < 0n ? t.v : t.v + 1n, scale: 0 };
}

export function decFloor(a: Dec): Dec {
  if (a.kind !== 'num') return a;
  const t = decTrunc(a, 0) as Num;
  const exact = t.v * pow10(a.scale) === a.v;
  return { kind: 'num', v: exact || a.v > 0n ? t.v : t.v - 1n, scale: 0 };
}

/** Square root rounded to `scale` digits (Newton on integers). */
export function decSqrt(a: Dec): Dec {
  if (a.kind === 'nan') return a;
  if (a.kind === 'inf') {
    if (a.neg) throw new DbError('2201F', 'cannot take square root of a negative number');
    return a;
  }
  if (a.v < 0n) throw new DbError('2201F', 'cannot take square root of a negative number');
  // PostgreSQL: rscale = NUMERIC_MIN_SIG_DIGITS - (weight of sqrt) * DEC_DIGITS, at least dscale.
  const lead = nbaseLead(a);
  // numeric_sqrt: sweight = (weight + 1) * DEC_DIGITS / 2 - 1 (C integer division).
  const sweight = Math.trunc(((lead.weight + 1) * 4) / 2) - 1;
  let rscale = NUMERIC_MIN_SIG_DIGITS - sweight;
  rscale = Math.min(Math.max(rscale, a.scale, 0), NUMERIC_MAX_DISPLAY_SCALE);
  // sqrt(v / 10^s) at scale r+1: isqrt(v * 10^(2(r+1) - s)).
  const extra = 2 * (rscale + 1) - a.scale;
  const n = extra >= 0 ? a.v * pow10(extra) : a.v / pow10(-extra);
  return decRound({ kind: 'num', v: isqrt(n), scale: rscale + 1 }, rscale);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x && (x * x <= n && (x + 1n) * (x + 1n) > n)) return x;
    x = y;
  }
}

/** Digits before the decimal point (for typmod precision checks). */
export function decIntDigits(d: Num): number {
  const digits = (d.v < 0n ? -d.v : d.v).toString();
  if (digits === '0') return 0;
  return Math.max(0, digits.length - d.scale);
}
