// Built-in operators (pg_operator) for the types the engine evaluates. Mixed-width integer
// operators exist for every pair, as in PostgreSQL (int24pl, int48mi, ...), so resolution picks
// them exactly and the result width follows PostgreSQL's.

import { DbError, TypeOid } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { ANY } from '../bind/resolve.js';
import { floatOp, floatPow, intAbs, intBit, intNeg, intNot, intOp, intShift, numAbs, numNeg, numOp, type IntWidth } from '../eval/arith.js';
import { cmpBigint, cmpNumber, comparatorFor, type Cmp } from '../eval/compare.js';
import { fromDec, toDec } from '../eval/numeric.js';
import { decPow } from '../eval/numeric-fns.js';
import { likeMatcher, regexMatcher } from '../eval/like.js';
import { fn, type FnDef } from './def.js';

const O = TypeOid;
const INTS: Array<[number, IntWidth]> = [[O.int2, 2], [O.int4, 4], [O.int8, 8]];
const CMP_OPS = ['=', '<>', '<', '<=', '>', '>='] as const;

function cmpTest(op: (typeof CMP_OPS)[number]): (c: number) => boolean {
  switch (op) {
    case '=': return (c) => c === 0;
    case '<>': return (c) => c !== 0;
    case '<': return (c) => c < 0;
    case '<=': return (c) => c <= 0;
    case '>': return (c) => c > 0;
    case '>=': return (c) => c >= 0;
  }
}

function comparisons(l: number, r: number, cmp: Cmp, out: FnDef[]): void {
  for (const op of CMP_OPS) {
    const test = cmpTest(op);
    out.push(fn(op, [l, r], O.bool, (a) => test(cmp(a[0], a[1]))));
  }
}

const mixedIntCmp: Cmp = (a, b) =>
  typeof a === typeof b ? (typeof a === 'bigint' ? cmpBigint(a, b) : cmpNumber(a, b)) : cmpBigint(BigInt(a as number | bigint), BigInt(b as number | bigint));

function build(): FnDef[] {
  const out: FnDef[] = [];
  // Integers: every width pair.
  for (const [l, wl] of INTS) {
    for (const [r, wr] of INTS) {
      const w = Math.max(wl, wr) as IntWidth;
      const res = w === 2 ? O.int2 : w === 4 ? O.int4 : O.int8;
      const conv = w === 8 && (wl !== 8 || wr !== 8);
      for (const op of ['+', '-', '*', '/'] as const) {
        const f = intOp(op, w);
        out.push(fn(op, [l, r], res, conv ? (a) => f(BigInt(a[0] as number | bigint), BigInt(a[1] as number | bigint)) : (a) => f(a[0], a[1])));
      }
      comparisons(l, r, wl === 8 && wr === 8 ? cmpBigint : wl !== 8 && wr !== 8 ? cmpNumber : mixedIntCmp, out);
    }
  }
  for (const [t, w] of INTS) {
    const mod = intOp('%', w);
    out.push(fn('%', [t, t], t, (a) => mod(a[0], a[1])));
    const neg = intNeg(w), abs = intAbs(w), not = intNot(w);
    out.push(fn('-', [t], t, (a) => neg(a[0])));
    out.push(fn('+', [t], t, (a) => a[0]));
    out.push(fn('@', [t], t, (a) => abs(a[0])));
    out.push(fn('~', [t], t, (a) => not(a[0])));
    for (const op of ['&', '|', '#'] as const) {
      const f = intBit(op, w);
      out.push(fn(op, [t, t], t, (a) => f(a[0], a[1])));
    }
    for (const op of ['<<', '>>'] as const) {
      const f = intShift(op, w);
      out.push(fn(op, [t, O.int4], t, (a) => f(a[0], a[1])));
    }
  }
  // Floats.
  for (const [l, r] of [[O.float4, O.float4], [O.float8, O.float8], [O.float4, O.float8], [O.float8, O.float4]] as const) {
    const f4 = l === O.float4 && r === O.float4;
    const res = f4 ? O.float4 : O.float8;
    for (const op of ['+', '-', '*', '/'] as const) {
      const f = floatOp(op, f4);
      out.push(fn(op, [l, r], res, (a) => f(a[0], a[1])));
    }
    comparisons(l, r, comparatorFor(O.float8)!, out);
  }
  for (const t of [O.float4, O.float8]) {
    out.push(fn('-', [t], t, (a) => -(a[0] as number)));
    out.push(fn('+', [t], t, (a) => a[0]));
    out.push(fn('@', [t], t, (a) => Math.abs(a[0] as number)));
  }
  out.push(fn('^', [O.float8, O.float8], O.float8, (a) => floatPow(a[0] as number, a[1] as number)));
  out.push(fn('|/', [O.float8], O.float8, (a) => {
    if ((a[0] as number) < 0) throw new DbError('2201F', 'cannot take square root of a negative number');
    return Math.sqrt(a[0] as number);
  }));
  out.push(fn('||/', [O.float8], O.float8, (a) => Math.cbrt(a[0] as number)));
  // Numeric.
  for (const op of ['+', '-', '*', '/', '%'] as const) {
    const f = numOp(op);
    out.push(fn(op, [O.numeric, O.numeric], O.numeric, (a) => f(a[0], a[1])));
  }
  out.push(fn('^', [O.numeric, O.numeric], O.numeric, (a) => fromDec(decPow(toDec(a[0]), toDec(a[1])))));
  out.push(fn('-', [O.numeric], O.numeric, (a) => numNeg(a[0])));
  out.push(fn('+', [O.numeric], O.numeric, (a) => a[0]));
  out.push(fn('@', [O.numeric], O.numeric, (a) => numAbs(a[0])));
  comparisons(O.numeric, O.numeric, comparatorFor(O.numeric)!, out);
  // Other ordered types.
  for (const t of [O.text, O.bpchar, O.name, O.char, O.bool, O.bytea, O.uuid, O.oid, O.date, O.time, O.timestamp, O.timestamptz, O.interval]) {
    comparisons(t, t, comparatorFor(t)!, out);
  }
  comparisons(O.name, O.text, comparatorFor(O.text)!, out);
  comparisons(O.text, O.name, comparatorFor(O.text)!, out);
  // Strings.
  out.push(fn('||', [O.text, O.text], O.text, (a) => (a[0] as string) + (a[1] as string)));
  out.push(fn('||', [O.text, ANY], O.text, (a) => (a[0] as string) + (a[1] as string), { anyAsText: 'cast' }));
  out.push(fn('||', [ANY, O.text], O.text, (a) => (a[0] as string) + (a[1] as string), { anyAsText: 'cast' }));
  out.push(fn('||', [O.bytea, O.bytea], O.bytea, (a) => {
    const x = a[0] as Uint8Array, y = a[1] as Uint8Array;
    const r = new Uint8Array(x.length + y.length);
    r.set(x, 0);
    r.set(y, x.length);
    return r;
  }));
  for (const t of [O.text, O.bpchar, O.name]) {
    for (const [op, ci, neg] of [['~~', false, false], ['!~~', false, true], ['~~*', true, false], ['!~~*', true, true]] as const) {
      out.push(likeOp(op, t, ci, neg));
    }
    for (const [op, ci, neg] of [['~', false, false], ['!~', false, true], ['~*', true, false], ['!~*', true, true]] as const) {
      out.push(regexOp(op, t, ci, neg));
    }
  }
  return out;
}

function likeOp(op: string, t: number, ci: boolean, negate: boolean): FnDef {
  // The matcher caches the compiled pattern of the last call: patterns are usually constant.
  let lastPattern: string | undefined;
  let lastMatch: ((s: string) => boolean) | undefined;
  return fn(op, [t, O.text], O.bool, (a) => {
    const p = a[1] as string;
    if (p !== lastPattern || lastMatch === undefined) {
      lastMatch = likeMatcher(p, ci, '\\');
      lastPattern = p;
    }
    const s = t === O.bpchar ? (a[0] as string).replace(/ +$/, '') : (a[0] as string);
    return lastMatch(s) !== negate;
  });
}

function regexOp(op: string, t: number, ci: boolean, negate: boolean): FnDef {
  let lastPattern: string | undefined;
  let lastRe: RegExp | undefined;
  return fn(op, [t, O.text], O.bool, (a) => {
    const p = a[1] as string;
    if (p !== lastPattern || lastRe === undefined) {
      lastRe = regexMatcher(p, ci);
      lastPattern = p;
    }
    return lastRe.test(a[0] as string) !== negate;
  });
}

/** Every operator, built once per engine (the closures cache per-pattern state). */
export function buildOperators(): FnDef[] {
  return build();
}
