// decodeUtf8 (segment/cells.ts) reads every string cell of a segment: its short-ASCII paths
// (one String.fromCharCode call up to 8 characters, a loop up to 24) and the native UTF-8 slice
// must all equal TextDecoder's answer, at any offset of a larger buffer.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeUtf8 } from '../../../lsm/segment/index.js';

describe('decodeUtf8', () => {
  it('equals TextDecoder for strings of every length class, ASCII or not', () => {
    const dec = new TextDecoder('utf-8', { ignoreBOM: true });
    const enc = new TextEncoder();
    fc.assert(fc.property(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 30 })), fc.string({ maxLength: 3 }), (pre, s, post) => {
      const a = enc.encode(pre);
      const b = enc.encode(s);
      const buf = enc.encode(pre + s + post);
      expect(decodeUtf8(buf, a.length, a.length + b.length)).toBe(dec.decode(b));
    }), { numRuns: 3000 });
    for (const s of ['', '1', '12.50', '-1234.56', '12345678', '123456789', 'x'.repeat(24), 'y'.repeat(25), 'é', 'aé']) {
      const b = enc.encode(s);
      expect(decodeUtf8(b, 0, b.length)).toBe(s);
    }
  });
});
