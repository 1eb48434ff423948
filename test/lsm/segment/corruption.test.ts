import { describe, it, expect } from 'vitest';
import { crc32 } from 'node:zlib';
import { encodeSegment, SegmentReader, SegmentCorruptionError, TRAILER_BYTES } from '../../../lsm/segment/index.js';
import { del, put } from './helpers.js';

function small(): Uint8Array {
  return encodeSegment(1, [put([1], 2, ['a', 1n]), put([1], 1, ['b', null]), del([2], 3)], { batchRows: 2 }).bytes;
}

describe('segment corruption', () => {
  it('detects a flipped bit in every byte, naming the file', () => {
    const good = small();
    for (let i = 0; i < good.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const bad = good.slice();
        bad[i] = bad[i]! ^ mask;
        let err: unknown;
        try {
          SegmentReader.open(bad, '000042.seg');
        } catch (e) {
          err = e;
        }
        expect(err, `byte ${i} mask ${mask} not detected`).toBeInstanceOf(SegmentCorruptionError);
        expect((err as Error).message).toContain('000042.seg');
      }
    }
  });

  it('detects every truncation and trailing garbage', () => {
    const good = small();
    for (let n = 0; n < good.length; n++) {
      expect(() => SegmentReader.open(good.subarray(0, n), 't.seg'), `length ${n}`).toThrow(SegmentCorruptionError);
    }
    const longer = new Uint8Array(good.length + 5);
    longer.set(good);
    expect(() => SegmentReader.open(longer, 't.seg')).toThrow(/t\.seg/);
    expect(() => SegmentReader.open(new Uint8Array(TRAILER_BYTES), 't.seg')).toThrow(/bad magic/);
  });

  it('reports an unknown format version as such', () => {
    const bad = small();
    const t = bad.length - TRAILER_BYTES;
    const dv = new DataView(bad.buffer, bad.byteOffset);
    dv.setUint16(t + 12, 9, true);
    // Recompute the trailer crc so that only the version is wrong.
    dv.setUint32(t + 16, crc32(bad.subarray(t, t + 16)), true);
    expect(() => SegmentReader.open(bad, 'v.seg')).toThrow(/unknown format version 9/);
  });
});
