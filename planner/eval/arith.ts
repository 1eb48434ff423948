// Scalar arithmetic with PostgreSQL's overflow, underflow and division-by-zero errors
// (int2/int4/int8 as JS numbers/bigints, float4/float8 as numbers, numeric through decimal.ts).

import { DbError } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { decAdd, decDiv, decMod, decMul, decSub, decNeg, decAbs, type Dec } from './decimal.js';
import { fromDec, toDec } from './numeric.js';

export const INT2_MIN = -32768, INT2_MAX = 32767, INT4_MIN = -2147483648, INT4_MAX = 2147483647;
export const INT8_MIN = -(1n << 63n), INT8_MAX = (1n << 63n) - 1n;

export type IntWidth = 2 | 4 | 8;

export function outOfRange(w: IntWidth): DbError {
  return new DbError('22003', w === 2 ? 'smallint out of range' : w === 4 ? 'integer out of range' : 'bigint out of range');
}
export function divByZero(): DbError {
  return new DbError('22012', 'division by zero');
}

function checkN(r: number, w: IntWidth): number {
  if (w === 2 ? r < INT2_MIN || r > INT2_MAX : r < INT4_MIN || r > INT4_MAX) throw outOfRange(w);
  return r;
}
function checkB(r: bigint): bigint {
  if (r < INT8_MIN || r > INT8_MAX) throw outOfRange(8);
  return r;
}
const big = (v: Value): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));

/** Integer binary operator on (possibly mixed-width) operands; `w` is the result width. */
export function intOp(op: '+' | '-' | '*' | '/' | '%', w: IntWidth): (a: Value, b: Value) => Value {
  if (w === 8) {
    switch (op) {
      case '+': return (a, b) => checkB(big(a) + big(b));
      case '-': return (a, b) => checkB(big(a) - big(b));
      case '*': return (a, b) => checkB(big(a) * big(b));
      case '/': return (a, b) => {
        const y = big(b);
        if (y === 0n) throw divByZero();
        return checkB(big(a) / y);
      };
      case '%': return (a, b) => {
        const y = big(b);
        if (y === 0n) throw divByZero();
        return y === -1n ? 0n : big(a) % y;
      };
    }
  }
  switch (op) {
    case '+': return (a, b) => checkN((a as number) + (b as number), w);
    case '-': return (a, b) => checkN((a as number) - (b as number), w);
    case '*': return (a, b) => checkN((a as number) * (b as number), w);
    case '/': return (a, b) => {
      if (b === 0) throw divByZero();
      return checkN(Math.trunc((a as number) / (b as number)), w);
    };
    case '%': return (a, b) => {
      if (b === 0) throw divByZero();
      const r = (a as number) % (b as number);
      return r === 0 ? 0 : r; // no negative zero
    };
  }
}

export function intNeg(w: IntWidth): (a: Value) => Value {
  if (w === 8) return (a) => checkB(-(a as bigint));
  return (a) => checkN(-(a as number), w) || 0;
}
export function intAbs(w: IntWidth): (a: Value) => Value {
  if (w === 8) return (a) => checkB((a as bigint) < 0n ? -(a as bigint) : (a as bigint));
  return (a) => checkN(Math.abs(a as number), w);
}

export function intBit(op: '&' | '|' | '#', w: IntWidth): (a: Value, b: Value) => Value {
  if (w === 8) {
    if (op === '&') return (a, b) => (a as bigint) & (b as bigint);
    if (op === '|') return (a, b) => (a as bigint) | (b as bigint);
    return (a, b) => (a as bigint) ^ (b as bigint);
  }
  if (op === '&') return (a, b) => (a as number) & (b as number);
  if (op === '|') return (a, b) => (a as number) | (b as number);
  return (a, b) => (a as number) ^ (b as number);
}
export function intNot(w: IntWidth): (a: Value) => Value {
  return w === 8 ? (a) => ~(a as bigint) : (a) => ~(a as number);
}
/** Shifts as C on x86 does them (count taken modulo the width), truncated to the width. */
export function intShift(dir: '<<' | '>>', w: IntWidth): (a: Value, b: Value) => Value {
  if (w === 8) {
    return dir === '<<'
      ? (a, b) => BigInt.asIntN(64, (a as bigint) << BigInt((b as number) & 63))
      : (a, b) => (a as bigint) >> BigInt((b as number) & 63);
  }
  if (w === 2) {
    return dir === '<<'
      ? (a, b) => (((a as number) << ((b as number) & 31)) << 16) >> 16
      : (a, b) => (a as number) >> ((b as number) & 31);
  }
  return dir === '<<' ? (a, b) => (a as number) << ((b as number) & 31) : (a, b) => (a as number) >> ((b as number) & 31);
}

export function overflow(): DbError {
  return new DbError('22003', 'value out of range: overflow');
}
export function underflow(): DbError {
  return new DbError('22003', 'value out of range: underflow');
}

/** float results: `f4` rounds to float4 and checks float4's range too. */
export function floatOp(op: '+' | '-' | '*' | '/', f4: boolean): (a: Value, b: Value) => Value {
  const fin = (r: number, x: number, y: number, mulDiv: boolean): number => {
    const v = f4 ? Math.fround(r) : r;
    if (!Number.isFinite(v) && !Number.isNaN(v) && Number.isFinite(x) && Number.isFinite(y)) throw overflow();
    if (mulDiv && v === 0 && x !== 0 && (op === '/' ? Number.isFinite(y) : y !== 0)) throw underflow();
    return v;
  };
  switch (op) {
    case '+': return (a, b) => fin((a as number) + (b as number), a as number, b as number, false);
    case '-': return (a, b) => fin((a as number) - (b as number), a as number, b as number, false);
    case '*': return (a, b) => fin((a as number) * (b as number), a as number, b as number, true);
    case '/': return (a, b) => {
      const y = b as number, x = a as number;
      if (y === 0 && !Number.isNaN(x)) throw divByZero();
      return fin(x / y, x, y, true);
    };
  }
}

/** PostgreSQL's dpow (float8 ^ float8) with its domain errors and special cases. */
export function floatPow(x: number, y: number): number {
  if (Number.isNaN(x)) return y === 0 ? 1 : NaN;
  if (Number.isNaN(y)) return x === 1 ? 1 : NaN;
  if (x === 0 && y < 0) throw new DbError('2201F', 'zero raised to a negative power is undefined');
  if (x < 0 && Number.isFinite(y) && Math.floor(y) !== y) {
    throw new DbError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  }
  if (!Number.isFinite(y)) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    if (y > 0) return ax > 1 ? Infinity : 0;
    return ax > 1 ? 0 : Infinity;
  }
  const r = Math.pow(x, y);
  if (!Number.isFinite(r) && Number.isFinite(x)) throw overflow();
  if (r === 0 && x !== 0 && Number.isFinite(x)) throw underflow();
  return r;
}

export function numOp(op: '+' | '-' | '*' | '/' | '%'): (a: Value, b: Value) => Value {
  const f: (x: Dec, y: Dec) => Dec = op === '+' ? decAdd : op === '-' ? decSub : op === '*' ? decMul : op === '/' ? decDiv : decMod;
  return (a, b) => fromDec(f(toDec(a), toDec(b)));
}
export const numNeg = (a: Value): Value => fromDec(decNeg(toDec(a)));
export const numAbs = (a: Value): Value => fromDec(decAbs(toDec(a)));
