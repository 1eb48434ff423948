// Mathematical functions (PostgreSQL's float8 and numeric families, integer abs/mod/gcd/lcm).
// Float functions raise PostgreSQL's domain errors instead of returning NaN where it does.

import { DbError, TypeOid } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { rint } from '../bind/casts.js';
import { floatPow, intAbs, intOp, overflow, underflow } from '../eval/arith.js';
import { decAbs, decCeil, decCmp, decFloor, decIntDiv, decMod, decRound, decSign, decSqrt, decTrunc, type Dec } from '../eval/decimal.js';
import { fromDec, toDec } from '../eval/numeric.js';
import { decPow } from '../eval/numeric-fns.js';
import { decExp, decLn, decLog } from '../eval/numeric-transcendental.js';
import { fn, type FnDef } from './def.js';

const O = TypeOid;
const F = O.float8, N = O.numeric, I4 = O.int4, I8 = O.int8, I2 = O.int2;

const f = (a: Value[], i = 0): number => a[i] as number;
const d = (a: Value[], i = 0): Dec => toDec(a[i]);

function checkFloat(r: number, inputsFinite: boolean, zeroOk: boolean): number {
  if (!Number.isFinite(r) && !Number.isNaN(r) && inputsFinite) throw overflow();
  if (r === 0 && !zeroOk) throw underflow();
  return r;
}

function dsqrt(x: number): number {
  if (x < 0) throw new DbError('2201F', 'cannot take square root of a negative number');
  return Math.sqrt(x);
}
function dlog(x: number, base10: boolean): number {
  if (x === 0) throw new DbError('2201E', 'cannot take logarithm of zero');
  if (x < 0) throw new DbError('2201E', 'cannot take logarithm of a negative number');
  return base10 ? Math.log10(x) : Math.log(x);
}
function dexp(x: number): number {
  const r = Math.exp(x);
  if (!Number.isFinite(r) && Number.isFinite(x)) throw overflow();
  if (r === 0 && Number.isFinite(x)) throw underflow();
  return r;
}
function trig(g: (x: number) => number, lo = -Infinity, hi = Infinity): (a: Value[]) => number {
  return (a) => {
    const x = f(a);
    if (Number.isNaN(x)) return NaN;
    if (!Number.isFinite(x) && lo === -Infinity) throw new DbError('22003', 'input is out of range');
    if (x < lo || x > hi) throw new DbError('22003', 'input is out of range');
    return g(x);
  };
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function widthBucket(x: number, lo: number, hi: number, n: number): number {
  if (n <= 0) throw new DbError('2201G', 'count must be greater than zero');
  if (Number.isNaN(x) || Number.isNaN(lo) || Number.isNaN(hi)) throw new DbError('2201G', 'operand, lower bound, and upper bound cannot be NaN');
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new DbError('2201G', 'lower and upper bounds must be finite');
  if (lo === hi) throw new DbError('2201G', 'lower bound cannot equal upper bound');
  if (lo < hi) {
    if (x < lo) return 0;
    if (x >= hi) { if (n === 2147483647) throw new DbError('22003', 'integer out of range'); return n + 1; }
    return Math.floor((n * (x - lo)) / (hi - lo)) + 1;
  }
  if (x > lo) return 0;
  if (x <= hi) { if (n === 2147483647) throw new DbError('22003', 'integer out of range'); return n + 1; }
  return Math.floor((n * (lo - x)) / (lo - hi)) + 1;
}

/** The same value with trailing fractional zeros removed. */
function trimmed(x: { kind: 'num'; v: bigint; scale: number }): { kind: 'num'; v: bigint; scale: number } {
  let v = x.v, scale = x.scale;
  while (scale > 0 && v % 10n === 0n) {
    v /= 10n;
    scale--;
  }
  return { kind: 'num', v, scale };
}

function numRound(x: Dec, s: number): Value {
  const r = decRound(x, s);
  if (r.kind === 'num' && r.scale < 0) return fromDec({ kind: 'num', v: r.v * 10n ** BigInt(-r.scale), scale: 0 });
  return fromDec(r);
}
function numTrunc(x: Dec, s: number): Value {
  const r = decTrunc(x, s);
  if (r.kind === 'num' && r.scale < 0) return fromDec({ kind: 'num', v: r.v * 10n ** BigInt(-r.scale), scale: 0 });
  return fromDec(r);
}

export function mathFunctions(): FnDef[] {
  const out: FnDef[] = [];
  for (const [t, w] of [[I2, 2], [I4, 4], [I8, 8]] as const) {
    const abs = intAbs(w), mod = intOp('%', w);
    out.push(fn('abs', [t], t, (a) => abs(a[0])));
    out.push(fn('mod', [t, t], t, (a) => mod(a[0], a[1])));
  }
  out.push(
    fn('abs', [O.float4], O.float4, (a) => Math.abs(f(a))),
    fn('abs', [F], F, (a) => Math.abs(f(a))),
    fn('abs', [N], N, (a) => fromDec(decAbs(d(a)))),
    fn('sign', [F], F, (a) => (f(a) > 0 ? 1 : f(a) < 0 ? -1 : 0)), // NaN → 0, as float8_sign
    fn('sign', [N], N, (a) => { const x = d(a); return fromDec(x.kind === 'nan' ? x : { kind: 'num', v: x.kind === 'inf' ? (x.neg ? -1n : 1n) : decSign(x), scale: 0 }); }),
    fn('ceil', [F], F, (a) => Math.ceil(f(a))),
    fn('ceil', [N], N, (a) => fromDec(decCeil(d(a)))),
    fn('ceiling', [F], F, (a) => Math.ceil(f(a))),
    fn('ceiling', [N], N, (a) => fromDec(decCeil(d(a)))),
    fn('floor', [F], F, (a) => Math.floor(f(a))),
    fn('floor', [N], N, (a) => fromDec(decFloor(d(a)))),
    fn('round', [F], F, (a) => rint(f(a))),
    fn('round', [N], N, (a) => numRound(d(a), 0)),
    fn('round', [N, I4], N, (a) => numRound(d(a), a[1] as number)),
    fn('trunc', [F], F, (a) => Math.trunc(f(a))),
    fn('trunc', [N], N, (a) => numTrunc(d(a), 0)),
    fn('trunc', [N, I4], N, (a) => numTrunc(d(a), a[1] as number)),
    fn('mod', [N, N], N, (a) => fromDec(decMod(d(a), d(a, 1)))),
    fn('div', [N, N], N, (a) => fromDec(decIntDiv(d(a), d(a, 1)))),
    fn('power', [F, F], F, (a) => floatPow(f(a), f(a, 1))),
    fn('pow', [F, F], F, (a) => floatPow(f(a), f(a, 1))),
    fn('power', [N, N], N, (a) => fromDec(decPow(d(a), d(a, 1)))),
    fn('pow', [N, N], N, (a) => fromDec(decPow(d(a), d(a, 1)))),
    fn('sqrt', [F], F, (a) => dsqrt(f(a))),
    fn('sqrt', [N], N, (a) => fromDec(decSqrt(d(a)))),
    fn('cbrt', [F], F, (a) => Math.cbrt(f(a))),
    fn('exp', [F], F, (a) => dexp(f(a))),
    fn('exp', [N], N, (a) => fromDec(decExp(d(a)))),
    fn('ln', [N], N, (a) => fromDec(decLn(d(a)))),
    fn('log', [N], N, (a) => fromDec(decLog({ kind: 'num', v: 10n, scale: 0 }, d(a)))),
    fn('log10', [N], N, (a) => fromDec(decLog({ kind: 'num', v: 10n, scale: 0 }, d(a)))),
    fn('log', [N, N], N, (a) => fromDec(decLog(d(a), d(a, 1)))),
    fn('ln', [F], F, (a) => dlog(f(a), false)),
    fn('log', [F], F, (a) => dlog(f(a), true)),
    fn('log10', [F], F, (a) => dlog(f(a), true)),
    fn('pi', [], F, () => Math.PI),
    fn('degrees', [F], F, (a) => checkFloat(f(a) * (180 / Math.PI), Number.isFinite(f(a)), true)),
    fn('radians', [F], F, (a) => f(a) * (Math.PI / 180)),
    fn('sin', [F], F, trig(Math.sin)),
    fn('cos', [F], F, trig(Math.cos)),
    fn('tan', [F], F, trig(Math.tan)),
    fn('cot', [F], F, trig((x) => 1 / Math.tan(x))),
    fn('asin', [F], F, trig(Math.asin, -1, 1)),
    fn('acos', [F], F, trig(Math.acos, -1, 1)),
    fn('atan', [F], F, (a) => Math.atan(f(a))),
    fn('atan2', [F, F], F, (a) => Math.atan2(f(a), f(a, 1))),
    fn('sinh', [F], F, (a) => Math.sinh(f(a))),
    fn('cosh', [F], F, (a) => Math.cosh(f(a))),
    fn('tanh', [F], F, (a) => Math.tanh(f(a))),
    fn('gcd', [I4, I4], I4, (a) => { const r = gcd(BigInt(f(a)), BigInt(f(a, 1))); if (r > 2147483647n) throw new DbError('22003', 'integer out of range'); return Number(r); }),
    fn('gcd', [I8, I8], I8, (a) => { const r = gcd(a[0] as bigint, a[1] as bigint); if (r > (1n << 63n) - 1n) throw new DbError('22003', 'bigint out of range'); return r; }),
    fn('lcm', [I4, I4], I4, (a) => {
      const x = BigInt(f(a)), y = BigInt(f(a, 1));
      if (x === 0n || y === 0n) return 0;
      let r = (x / gcd(x, y)) * y;
      if (r < 0n) r = -r;
      if (r > 2147483647n) throw new DbError('22003', 'integer out of range');
      return Number(r);
    }),
    fn('lcm', [I8, I8], I8, (a) => {
      const x = a[0] as bigint, y = a[1] as bigint;
      if (x === 0n || y === 0n) return 0n;
      let r = (x / gcd(x, y)) * y;
      if (r < 0n) r = -r;
      if (r > (1n << 63n) - 1n) throw new DbError('22003', 'bigint out of range');
      return r;
    }),
    fn('width_bucket', [F, F, F, I4], I4, (a) => widthBucket(f(a), f(a, 1), f(a, 2), a[3] as number)),
    fn('scale', [N], I4, (a) => { const x = d(a); return x.kind === 'num' ? x.scale : null; }),
    fn('min_scale', [N], I4, (a) => { const x = d(a); return x.kind === 'num' ? trimmed(x).scale : null; }),
    fn('trim_scale', [N], N, (a) => { const x = d(a); return x.kind === 'num' ? fromDec(trimmed(x)) : a[0]; }),
    fn('random', [], F, (_a, ctx) => ctx.env.random(), { volatility: 'volatile' }),
    fn('setseed', [F], O.void, (a, ctx) => {
      const s = f(a);
      if (s < -1 || s > 1 || Number.isNaN(s)) throw new DbError('22023', `setseed parameter ${s} is out of allowed range [-1,1]`);
      ctx.env.setSeed(s);
      return null;
    }, { volatility: 'volatile' }),
  );
  void decCmp;
  return out;
}
