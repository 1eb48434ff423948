// numeric_in's plain-form fast path (numeric.ts parsePlain: sign, digits, point, digits — the
// stored form of every numeric cell) must give exactly what the general path gives: the same
// coefficient and display scale, the same errors. The general path is reached with a leading
// space, which numeric_in ignores, so each spelling is parsed both ways and compared.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DbError, Numeric } from '../../../catalog/index.js';

function both(text: string): [unknown, unknown] {
  const run = (s: string): unknown => {
    try {
      const n = Numeric.fromString(s);
      return { kind: n.kind, coef: n.coef, scale: n.scale, text: n.toString() };
    } catch (e) {
      return e instanceof DbError ? `${e.code}` : e;
    }
  };
  return [run(text), run(` ${text}`)];
}

describe('Numeric.fromString plain-form fast path', () => {
  it('agrees with the general path on edge spellings', () => {
    const cases = ['0', '-0', '+0', '-0.00', '0.', '.5', '-.5', '5.', '007', '00012.3400', '+1.5', '-1.50', '.', '-', '+', '', '1.2.3', '--1',
      '1e3', '1.5e-2', '123456789012345', '1234567890123456', '-99999999999999999999.99', '0.000000000000000000001', '9'.repeat(200), '1' + '0'.repeat(131072), '0.' + '0'.repeat(16383) + '1', 'NaN', '-Infinity', '12a', '١٢'];
    for (const c of cases) {
      const [fast, general] = both(c);
      expect(fast, c.slice(0, 40)).toEqual(general);
    }
  });

  it('agrees with the general path on random digit strings', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: 0, maxLength: 30 });
    fc.assert(fc.property(fc.constantFrom('', '-', '+'), digits, fc.option(digits), (sign, int, frac) => {
      const text = sign + int + (frac === null ? '' : `.${frac}`);
      const [fast, general] = both(text);
      expect(fast).toEqual(general);
    }), { numRuns: 2000 });
  });

  it('reads back what it prints', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }), (coef, scale) => {
      const n = Numeric.of(coef, scale);
      const back = Numeric.fromString(n.toString());
      expect([back.coef, back.scale]).toEqual([n.coef, n.scale]);
    }), { numRuns: 2000 });
  });
});
