// encodeSegmentPacked (straight from the worker wire format) produces exactly the bytes of
// encodeSegment over the same entries, for every cell kind, nulls, narrow rows, deletions,
// several versions of a key and several record batches; columns that need the 'packed'
// encoding are refused (undefined) so the caller takes the entry path.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeSegment, encodeSegmentPacked } from '../../../lsm/segment/index.js';
import { packEntries } from '../../../lsm/compaction/wire.js';
import type { Cell, Entry } from '../../../lsm/types.js';

const kindCell: Record<string, fc.Arbitrary<Cell>> = {
  bool: fc.boolean(),
  f64: fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity)),
  i64: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  utf8: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', ' '.repeat(84), '\uFEFFx', 'é😀')),
  bin: fc.uint8Array({ maxLength: 40 }),
};

const segmentArb = fc
  .tuple(fc.array(fc.constantFrom('bool', 'f64', 'i64', 'utf8', 'bin'), { minLength: 0, maxLength: 5 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }))
  .chain(([kinds, n, batchRows]) =>
    fc.tuple(
      fc.array(
        fc.record({
          key: fc.integer({ min: 0, max: 400 }),
          seq: fc.bigInt({ min: 0n, max: 1000n }),
          del: fc.boolean(),
          narrow: fc.integer({ min: 0, max: kinds.length }),
          cells: fc.tuple(...kinds.map((k) => fc.option(kindCell[k]!, { freq: 4 }))),
        }),
        { minLength: 1, maxLength: n },
      ),
      fc.constant(kinds.length),
      fc.constant(batchRows),
      fc.boolean(),
    ),
  );

function entriesOf(raw: Array<{ key: number; seq: bigint; del: boolean; narrow: number; cells: Cell[] }>, width: number, ragged: boolean): Entry[] {
  const seen = new Set<string>();
  const out: Entry[] = [];
  for (const r of raw) {
    const id = `${r.key}/${r.seq}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const key = Uint8Array.of(r.key >> 8, r.key & 0xff);
    const row = ragged ? r.cells.slice(0, r.narrow) : r.cells.slice(0, width);
    out.push(r.del ? { table: 3, key, seq: r.seq, kind: 'del', row: undefined } : { table: 3, key, seq: r.seq, kind: 'put', row });
  }
  return out.sort((a, b) => Buffer.compare(a.key, b.key) || (a.seq > b.seq ? -1 : a.seq < b.seq ? 1 : 0));
}

describe('encodeSegmentPacked', () => {
  it('writes the same bytes as encodeSegment', () => {
    fc.assert(
      fc.property(segmentArb, ([raw, width, batchRows, ragged]) => {
        const entries = entriesOf(raw, width, ragged);
        const want = encodeSegment(3, entries, { batchRows });
        const got = encodeSegmentPacked(packEntries(3, entries), { batchRows });
        expect(got).toBeDefined();
        expect(Buffer.compare(got!.bytes, want.bytes)).toBe(0);
        expect(got!.meta).toEqual(want.meta);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves mixed-kind columns and bigints beyond int64 to the entry path', () => {
    const e = (key: number, row: Cell[]): Entry => ({ table: 1, key: Uint8Array.of(key), seq: 1n, kind: 'put', row });
    expect(encodeSegmentPacked(packEntries(1, [e(1, [1]), e(2, ['x'])]))).toBeUndefined();
    expect(encodeSegmentPacked(packEntries(1, [e(1, [1n << 70n])]))).toBeUndefined();
    expect(() => encodeSegmentPacked(packEntries(1, [e(2, [1]), e(1, [2])]))).toThrow(/not strictly sorted/);
  });
});
