// encodeInt64KeyInto (a one-column int64-like key written into a reused buffer, for bulk loads)
// gives encodeKey's bytes and errors for every int64-like key type and value form.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeKey, type KeyColumn } from '../../../lsm/keys/index.js';
import { INT64_KEY_BYTES, encodeInt64KeyInto, isInt64KeyType } from '../../../lsm/keys/index.js';

const TYPES = ['int8', 'rowid', 'time', 'timestamp', 'timestamptz'] as const;

describe('encodeInt64KeyInto', () => {
  it('writes encodeKey bytes into the given buffer', () => {
    const buf = new Uint8Array(INT64_KEY_BYTES);
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.maxSafeInteger(), fc.constantFrom(0, -0, 1, -1, 2 ** 53 - 1)), (type, v) => {
        const col: KeyColumn = { type };
        const got = encodeInt64KeyInto(col, v, buf);
        expect(got).toBe(buf);
        expect(Buffer.from(got).equals(Buffer.from(encodeKey([col], [v])))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects what encodeKey rejects', () => {
    const buf = new Uint8Array(INT64_KEY_BYTES);
    for (const v of [1n << 63n, -(1n << 63n) - 1n, 1.5, 'x']) {
      expect(() => encodeKey([{ type: 'int8' }], [v])).toThrow();
      expect(() => encodeInt64KeyInto({ type: 'int8' }, v, buf)).toThrow();
    }
    expect(TYPES.every(isInt64KeyType)).toBe(true);
    expect(isInt64KeyType('int4')).toBe(false);
  });
});
