import { describe, expect, it } from 'vitest';
import { bloomMayContain, bloomMayContainHashed, buildBloom, keyHash1, keyHash2 } from '../../../lsm/segment/index.js';
import { Prng } from '../../../lsm/io/index.js';

describe('bloom with precomputed hashes', () => {
  it('answers exactly as bloomMayContain, for members and non-members', () => {
    const prng = new Prng(11);
    const key = () => Uint8Array.from({ length: 1 + prng.int(24) }, () => prng.int(256));
    const members = Array.from({ length: 2000 }, key);
    const bits = buildBloom(members, members.length);
    let positives = 0;
    for (const k of [...members, ...Array.from({ length: 5000 }, key)]) {
      const want = bloomMayContain(bits, k);
      expect(bloomMayContainHashed(bits, keyHash1(k), keyHash2(k))).toBe(want);
      if (want) positives++;
    }
    for (const k of members) expect(bloomMayContainHashed(bits, keyHash1(k), keyHash2(k))).toBe(true);
    // Non-members are mostly rejected (about 1 % false positives): the filter is not all ones.
    expect(positives).toBeLessThan(2000 + 250);
  });
});
