// COPY FROM's text → cell converters (planner/dml/copy-cells.ts): every fast path must store
// exactly the cell the general path toCell(textIn(...)) stores, and leave every input it is not
// sure about (and every error) to that path.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT_SETTINGS, DbError, TypeOid, numericTypmod, textIn, toCell, type ColumnDesc } from '../../../catalog/index.js';
import { isCanonicalDecimal, numericFitting, textToCell } from '../../../planner/dml/copy-cells.js';

const input = { ...DEFAULT_FORMAT_SETTINGS, nowMicros: 0n };
const col = (typeOid: number, typmod = -1): ColumnDesc => ({ typeOid, typmod, name: 'x', attnum: 1 }) as unknown as ColumnDesc;
const general = (c: ColumnDesc, text: string): unknown => {
  try {
    return toCell(c.typeOid, textIn(c.typeOid, text, input, c.typmod));
  } catch (e) {
    return e instanceof DbError ? `${e.code} ${e.message}` : e;
  }
};
const fast = (c: ColumnDesc, text: string): unknown => {
  try {
    return textToCell(c, input)(text);
  } catch (e) {
    return e instanceof DbError ? `${e.code} ${e.message}` : e;
  }
};

/** Deterministic generator of decimal-ish strings, canonical and not. */
function* numericInputs(): Generator<string> {
  const fixed = ['0', '-0', '0.0', '-0.00', '0.5', '-0.5', '.5', '5.', '007', '0.00', '1', '-1', '12.3', '12.345', '12.355', '99999999.99', '9999999999.99',
    '99999999999', '9999999999', '-9999999999.99', '1e3', '1E-2', ' 1', '1 ', '+1', 'NaN', 'Infinity', '-', '', '1.2.3', '١', '12,5', '0.001', '123456789012.5',
    '0000000000000000000001', '1.999', '-1.995', '10000000000.00'];
  yield* fixed;
  let x = 12345;
  const rnd = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const digits = (n: number): string => Array.from({ length: n }, () => String(rnd(10))).join('');
  for (let i = 0; i < 3000; i++) {
    const sign = rnd(4) === 0 ? '-' : '';
    const int = digits(1 + rnd(13));
    const frac = rnd(3) === 0 ? '' : '.' + digits(rnd(5));
    yield sign + int + frac;
  }
}

describe('numeric text → cell', () => {
  for (const [p, s] of [[12, 2], [5, 0], [3, 3], [20, 6], [1, 0]] as const) {
    it(`numeric(${p},${s}) equals the general path`, () => {
      const c = col(TypeOid.numeric, numericTypmod(p, s));
      let fastHits = 0;
      for (const t of numericInputs()) {
        expect(fast(c, t), t).toEqual(general(c, t));
        if (numericFitting(t, p, s) !== undefined) fastHits++;
      }
      expect(fastHits).toBeGreaterThan(10);
    });
  }

  it('numeric without typmod equals the general path', () => {
    const c = col(TypeOid.numeric);
    for (const t of numericInputs()) expect(fast(c, t), t).toEqual(general(c, t));
  });

  it('takes the fast path only for canonical text', () => {
    expect(numericFitting('117047.53', 12, 2)).toBe('117047.53');
    expect(numericFitting('5', 12, 2)).toBe('5.00');
    expect(numericFitting('0.5', 12, 2)).toBe('0.50');
    for (const t of ['-0.00', '007', '1.999', '+1', ' 1', '1e2', '5.', '.5', '12345678901']) expect(numericFitting(t, 12, 2), t).toBeUndefined();
    expect(isCanonicalDecimal('1.50')).toBe(true);
    expect(isCanonicalDecimal('-0')).toBe(false);
  });
});

describe('other types', () => {
  it('text, varchar, int, bigint, timestamptz equal the general path', () => {
    const cases: Array<[ColumnDesc, string[]]> = [
      [col(TypeOid.text), ['', 'abc', ' x ', 'ünï']],
      [col(TypeOid.varchar), ['abc', '']],
      [col(TypeOid.varchar, 7), ['abc', 'abcdefghij', 'abc   ']],
      [col(TypeOid.int4), ['1', '-2147483648', '2147483648', 'x', ' 7 ']],
      [col(TypeOid.int8), ['1', '-9223372036854775808', '9223372036854775808', '']],
      [col(TypeOid.timestamptz), ['2024-01-01 00:00:01.000+00', '2024-01-01 00:00:01+02', 'bogus', 'epoch']],
    ];
    for (const [c, texts] of cases) for (const t of texts) expect(fast(c, t), `${c.typeOid} ${t}`).toEqual(general(c, t));
  });
});

describe('integers', () => {
  /** Plain and odd integer text around every boundary the fast path has (15 digits, int2/int4 ranges, signs, zeros). */
  function* intInputs(): Generator<string> {
    yield* ['0', '-0', '00', '+0', '-', '', ' 1', '1 ', '+1', '01', '-01', '1a', '1.0', '1e3', '١', '32767', '32768', '-32768', '-32769',
      '2147483647', '2147483648', '-2147483648', '-2147483649', '999999999999999', '1000000000000000', '-999999999999999', '-1000000000000000',
      '9007199254740991', '9007199254740993', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809'];
    let x = 777;
    const rnd = (n: number): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    for (let i = 0; i < 3000; i++) {
      const len = 1 + rnd(19);
      let d = '';
      for (let k = 0; k < len; k++) d += String(rnd(10));
      yield (rnd(3) === 0 ? '-' : '') + d;
    }
  }
  it('int2, int4 and int8 equal the general path (values, NULL-free errors, -0, overflow)', () => {
    for (const oid of [TypeOid.int2, TypeOid.int4, TypeOid.int8]) {
      const c = col(oid);
      for (const t of intInputs()) {
        const want = general(c, t);
        const got = fast(c, t);
        expect(got, `${oid} ${t}`).toEqual(want);
        expect(Object.is(got, -0), `${oid} ${t}`).toBe(false);
      }
    }
  });
});
