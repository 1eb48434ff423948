// Bridge between catalog's Numeric values and decimal.ts: conversions through the canonical
// text form (exact by definition), typmod application, and the numeric casts.
//
// Into decimal.ts a Numeric's public (kind, coef, scale) are read directly (exactly what its
// canonical text would parse to); the way back still costs a text round trip, which keeps
// Numeric's limit checks (numeric_in's) in one place.

import { DbError, DEFAULT_FORMAT_SETTINGS, Numeric, TypeOid, textIn, textOut } from '../../catalog/index.js';
import type { FormatSettings } from '../api.js';
import type { Value } from '../bind/expr.js';
import { decFormat, decIntDigits, decParse, decRound, type Dec } from './decimal.js';

/**
 * A Numeric's (coef, scale) is exactly what decParse reads back from its canonical text, so the
 * fields are taken directly (comparisons and arithmetic run per row); any other value goes
 * through the text form.
 */
export function toDec(v: Value): Dec {
  if (v instanceof Numeric) {
    switch (v.kind) {
      case 'finite': return { kind: 'num', v: v.coef, scale: v.scale };
      case 'nan': return { kind: 'nan' };
      case 'pinf': return { kind: 'inf', neg: false };
      case 'ninf': return { kind: 'inf', neg: true };
      default: return assertNever(v.kind);
    }
  }
  return decParse(textOut(TypeOid.numeric, v, DEFAULT_FORMAT_SETTINGS));
}

function assertNever(x: never): never {
  throw new Error(`unexpected numeric kind ${String(x)}`);
}

export function fromDec(d: Dec): Value {
  return textIn(TypeOid.numeric, decFormat(d), DEFAULT_FORMAT_SETTINGS);
}

export function numericFromString(s: string): Value {
  return textIn(TypeOid.numeric, s, DEFAULT_FORMAT_SETTINGS);
}

export function numericToFloat(v: Value, isFloat4 = false): number {
  const d = toDec(v);
  if (d.kind === 'nan') return NaN;
  if (d.kind === 'inf') return d.neg ? -Infinity : Infinity;
  const s = decFormat(d);
  const x = isFloat4 ? Math.fround(Number(s)) : Number(s);
  // float8in/float4in on the numeric's text: out of range is 22003, as in PostgreSQL.
  if (!Number.isFinite(x)) throw new DbError('22003', `"${s}" is out of range for type ${isFloat4 ? 'real' : 'double precision'}`);
  if (x === 0 && d.v !== 0n) throw new DbError('22003', `"${s}" is out of range for type ${isFloat4 ? 'real' : 'double precision'}`);
  return x;
}

/** numeric → int2/int4/int8: round half away from zero, then range check. */
export function numericToInt(v: Value, to: number): Value {
  const d = toDec(v);
  const range = to === TypeOid.int2 ? 'smallint' : to === TypeOid.int4 ? 'integer' : 'bigint';
  if (d.kind === 'nan') throw new DbError('0A000', `cannot convert NaN to ${range}`);
  if (d.kind === 'inf') throw new DbError('0A000', `cannot convert infinity to ${range}`);
  const r = decRound(d, 0) as { v: bigint };
  const lim = to === TypeOid.int2 ? 32767n : to === TypeOid.int4 ? 2147483647n : (1n << 63n) - 1n;
  if (r.v > lim || r.v < -lim - 1n) throw new DbError('22003', `${range} out of range`);
  return to === TypeOid.int8 ? r.v : Number(r.v);
}

export function intToNumeric(v: number | bigint, _fmt?: FormatSettings): Value {
  return numericFromString(String(v));
}

/** float → numeric with DBL_DIG (15) / FLT_DIG (6) significant digits, as PostgreSQL 15. */
export function floatToNumeric(x: number, isFloat4: boolean): Value {
  if (Number.isNaN(x)) return numericFromString('NaN');
  if (!Number.isFinite(x)) return numericFromString(x > 0 ? 'Infinity' : '-Infinity');
  let s = x.toPrecision(isFloat4 ? 6 : 15);
  // %g drops trailing zeros of the mantissa; toPrecision keeps them.
  s = s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
  return numericFromString(s);
}

/** Applies numeric(p,s): round to s, then check that the integer part fits in p - s digits. */
export function numericTypmodApply(v: Value, typmod: number): Value {
  if (typmod < 4) return v;
  const precision = ((typmod - 4) >> 16) & 0xffff;
  const scale = ((((typmod - 4) & 0x7ff) ^ 1024) - 1024);
  const d = toDec(v);
  if (d.kind === 'nan') return v;
  if (d.kind === 'inf') {
    throw new DbError('22003', 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
    });
  }
  const r = decRound(d, scale) as { kind: 'num'; v: bigint; scale: number };
  const normalized = r.scale < 0 ? { kind: 'num' as const, v: r.v * 10n ** BigInt(-r.scale), scale: 0 } : r;
  if (decIntDigits(normalized) > precision - scale) {
    const lim = precision - scale;
    throw new DbError('22003', 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${lim === 0 ? '1' : `10^${lim}`}.`,
    });
  }
  return fromDec(normalized);
}
