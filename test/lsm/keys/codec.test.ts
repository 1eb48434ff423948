import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeKey, decodeKey, prefixSuccessor, encodeKeyPrefix, type KeyColumn } from '../../../lsm/keys/index.js';
import type { Cell } from '../../../lsm/types.js';

const cmp = (a: Uint8Array, b: Uint8Array) => Math.sign(Buffer.compare(a, b));
const sign = (x: number) => Math.sign(x);

function checkOrder<T extends Cell>(type: KeyColumn['type'], arb: fc.Arbitrary<T>, sqlCmp: (a: T, b: T) => number, norm: (v: T) => Cell = (v) => v) {
  fc.assert(
    fc.property(arb, arb, (a, b) => {
      const ka = encodeKey([{ type }], [a]);
      const kb = encodeKey([{ type }], [b]);
      expect(cmp(ka, kb)).toBe(sign(sqlCmp(a, b)));
      expect(decodeKey([{ type }], ka)).toEqual([norm(a)]);
    }),
    { numRuns: 500 },
  );
}

const bigCmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
// PostgreSQL float8 order: NaN greatest and equal to itself; -0 = 0.
const floatCmp = (a: number, b: number) => {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
};

describe('key encoding preserves SQL order and round trips', () => {
  it('int2/int4/int8', () => {
    checkOrder('int2', fc.integer({ min: -32768, max: 32767 }), (a, b) => a - b);
    checkOrder('int4', fc.integer({ min: -2147483648, max: 2147483647 }), (a, b) => a - b);
    checkOrder('int8', fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), bigCmp);
  });
  it('int8 accepts numbers and decodes bigint', () => {
    expect(decodeKey([{ type: 'int8' }], encodeKey([{ type: 'int8' }], [-5]))).toEqual([-5n]);
  });
  it('int8 as a safe-integer number encodes exactly as the same bigint (two code paths)', () => {
    const edges = [0, -1, 1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const arb = fc.oneof(fc.constantFrom(...edges), fc.integer(), fc.maxSafeInteger().map((n) => n), fc.double({ min: -(2 ** 53), max: 2 ** 53, noNaN: true }).map(Math.trunc));
    fc.assert(
      fc.property(arb, (n) => {
        const v = Object.is(n, -0) ? 0 : n;
        expect(Buffer.from(encodeKey([{ type: 'int8' }], [v])).equals(Buffer.from(encodeKey([{ type: 'int8' }], [BigInt(v)])))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(() => encodeKey([{ type: 'int8' }], [2 ** 63])).toThrow(/does not fit/);
    expect(() => encodeKey([{ type: 'int8' }], [2n ** 63n])).toThrow(/does not fit/);
    expect(() => encodeKey([{ type: 'int8' }], [1.5])).toThrow(/does not fit/);
  });
  it('float8 incl. NaN, infinities, -0', () => {
    const arb = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, Number.MIN_VALUE, -Number.MIN_VALUE));
    checkOrder('float8', arb, floatCmp, (v) => (Number.isNaN(v) ? NaN : v === 0 ? 0 : v));
  });
  it('numeric', () => {
    const arb = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 })).map(([m, s]) => {
      const neg = m < 0n;
      let digits = (neg ? -m : m).toString().padStart(s + 1, '0');
      const str = s === 0 ? digits : digits.slice(0, digits.length - s) + '.' + digits.slice(digits.length - s);
      return { str: (neg ? '-' : '') + str, m, s };
    });
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        // compare a.m/10^a.s with b.m/10^b.s exactly
        const s = Math.max(a.s, b.s);
        const x = a.m * 10n ** BigInt(s - a.s);
        const y = b.m * 10n ** BigInt(s - b.s);
        const ka = encodeKey([{ type: 'numeric' }], [a.str]);
        const kb = encodeKey([{ type: 'numeric' }], [b.str]);
        expect(cmp(ka, kb)).toBe(sign(Number(bigCmp(x, y))));
        const back = decodeKey([{ type: 'numeric' }], ka)[0] as string;
        // normalized value is numerically equal
        const re = encodeKey([{ type: 'numeric' }], [back]);
        expect(cmp(re, ka)).toBe(0);
      }),
      { numRuns: 1000 },
    );
    const order = ['-Infinity', '-1e10', '-100', '-10.5', '-10', '-1', '-0.001', '0', '0.0001', '0.1', '0.15', '1', '1.05', '9.99', '10', '100.000001', '1e20', 'Infinity', 'NaN'];
    const keys = order.map((v) => encodeKey([{ type: 'numeric' }], [v]));
    for (let i = 1; i < keys.length; i++) expect(cmp(keys[i - 1]!, keys[i]!), `${order[i - 1]} < ${order[i]}`).toBe(-1);
    expect(cmp(encodeKey([{ type: 'numeric' }], ['1.50']), encodeKey([{ type: 'numeric' }], ['1.5']))).toBe(0);
    expect(decodeKey([{ type: 'numeric' }], encodeKey([{ type: 'numeric' }], ['-0012.3400']))).toEqual(['-12.34']);
    expect(decodeKey([{ type: 'numeric' }], encodeKey([{ type: 'numeric' }], ['1200']))).toEqual(['1200']);
    expect(decodeKey([{ type: 'numeric' }], encodeKey([{ type: 'numeric' }], ['0.00012']))).toEqual(['0.00012']);
  });
  it('text and bytea: byte order, prefixes first, embedded zero bytes', () => {
    const strCmp = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    checkOrder('text', fc.string({ unit: 'binary' }), strCmp);
    checkOrder('text', fc.constantFrom('', 'a', 'a\u0000', 'a\u0000b', 'ab', 'b'), strCmp);
    checkOrder('bytea', fc.uint8Array({ maxLength: 12 }).map((b) => Uint8Array.from(b)), (a, b) => Buffer.compare(a, b));
  });
  it('bool, date, timestamp, uuid', () => {
    checkOrder('bool', fc.boolean(), (a, b) => Number(a) - Number(b));
    checkOrder('date', fc.integer({ min: -2147483648, max: 2147483647 }), (a, b) => a - b);
    checkOrder('timestamp', fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), bigCmp);
    checkOrder('uuid', fc.uuid(), (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  });
  it('composite keys order column by column; nulls first or last', () => {
    const schema: KeyColumn[] = [{ type: 'text' }, { type: 'int4' }];
    const rows: Cell[][] = [['a', 1], ['a', 2], ['a', 10], ['ab', -5], ['b', -100]];
    const ks = rows.map((r) => encodeKey(schema, r));
    for (let i = 1; i < ks.length; i++) expect(cmp(ks[i - 1]!, ks[i]!)).toBe(-1);
    for (const [i, r] of rows.entries()) expect(decodeKey(schema, ks[i]!)).toEqual(r);
    const nf = [{ type: 'int4' as const }];
    expect(cmp(encodeKey(nf, [null]), encodeKey(nf, [-2147483648]))).toBe(-1);
    const nl = [{ type: 'int4' as const, nullsLast: true }];
    expect(cmp(encodeKey(nl, [null]), encodeKey(nl, [2147483647]))).toBe(1);
    expect(decodeKey(nl, encodeKey(nl, [null]))).toEqual([null]);
  });
  it('prefix encoding and successor bound a prefix scan', () => {
    const schema: KeyColumn[] = [{ type: 'text' }, { type: 'int4' }];
    const p = encodeKeyPrefix(schema, ['a']);
    const succ = prefixSuccessor(p)!;
    for (const r of [['a', 1], ['a', -7]] as Cell[][]) {
      const k = encodeKey(schema, r);
      expect(cmp(k, p)).toBe(1);
      expect(cmp(k, succ)).toBe(-1);
    }
    expect(cmp(encodeKey(schema, ['ab', 0]), succ)).toBe(1);
    expect(prefixSuccessor(Uint8Array.from([1, 0xff]))).toEqual(Uint8Array.from([2]));
    expect(prefixSuccessor(Uint8Array.from([0xff]))).toBeUndefined();
  });
  it('rejects values that do not fit the type, and malformed keys', () => {
    expect(() => encodeKey([{ type: 'int2' }], [40000])).toThrow(/does not fit/);
    expect(() => encodeKey([{ type: 'int4' }], [1.5])).toThrow(/does not fit/);
    expect(() => encodeKey([{ type: 'text' }], [5])).toThrow(/does not fit/);
    expect(() => encodeKey([{ type: 'numeric' }], ['1.2.3'])).toThrow(/invalid numeric/);
    expect(() => decodeKey([{ type: 'int4' }], Uint8Array.from([1, 0x80]))).toThrow(/truncated/);
    expect(() => decodeKey([{ type: 'text' }], Uint8Array.from([1, 0x61, 0, 7]))).toThrow(/bad escape/);
    expect(() => decodeKey([{ type: 'bool' }], Uint8Array.from([1, 1, 9]))).toThrow(/trailing/);
  });
});
