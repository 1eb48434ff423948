// The column chunk's bloom filter (bloom.ts buildBloomRanges over a key buffer + offsets) has
// exactly the bits of buildBloom over the same keys: the filter is part of the file format.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildBloom } from '../../../lsm/segment/index.js';
import { buildBloomRanges } from '../../../lsm/segment/bloom.js';

describe('buildBloomRanges', () => {
  it('gives buildBloom bits for keys stored back to back', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 300 }), fc.nat(7), (keys, pad) => {
        const total = keys.reduce((n, k) => n + k.length, 0);
        const buf = new Uint8Array(pad + total + 3);
        const offsets = new Int32Array(keys.length + 1);
        let at = pad;
        offsets[0] = at;
        keys.forEach((k, i) => {
          buf.set(k, at);
          at += k.length;
          offsets[i + 1] = at;
        });
        expect(buildBloomRanges(buf, offsets, keys.length)).toEqual(buildBloom(keys, keys.length));
      }),
      { numRuns: 300 },
    );
  });
});
