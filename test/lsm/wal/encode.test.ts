// The one-pass WAL encoder (lsm/wal/encode.ts) against the reference: msgpackr decodes every
// frame it writes back to the same entries (cell kinds included: bigint stays bigint, numbers stay
// numbers, -0 stays -0), the frame header is right, and for common shapes the bytes equal
// msgpackr's own encoding.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { encodeRecord, encodePayload, makePackr, scanWal, decodePayload } from '../../../lsm/wal/index.js';
import type { Cell, Entry } from '../../../lsm/types.js';

const packr = makePackr();

const cellArb: fc.Arbitrary<Cell> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.integer({ min: -200, max: 300 }),
  fc.double(),
  fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 32 - 1, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 0.1),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ minLength: 250, maxLength: 400 }),
  fc.uint8Array({ maxLength: 40 }),
  fc.uint8Array({ minLength: 250, maxLength: 300 }),
);

const entryArb: fc.Arbitrary<Entry> = fc.record({
  table: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 40 })),
  key: fc.uint8Array({ maxLength: 300 }),
  seq: fc.constant(0n),
  kind: fc.constantFrom('put' as const, 'del' as const),
  row: fc.array(cellArb, { maxLength: 20 }),
}).map((e) => ({ ...e, row: e.kind === 'put' ? e.row : undefined }));

function same(a: Cell, b: Cell): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return a === b;
}

describe('WAL one-pass encoder', () => {
  it('decodes (msgpackr) to the same entries, cell kinds included', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), fc.array(entryArb, { maxLength: 30 }), (seq, entries) => {
        const f = encodeRecord(packr, seq, entries.map((e) => ({ ...e, seq })));
        const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);
        const payload = f.subarray(8);
        expect(dv.getUint32(0, true)).toBe(payload.length);
        expect(dv.getUint32(4, true)).toBe(crc32(payload));
        const r = decodePayload(packr, payload);
        expect(r.seq).toBe(seq);
        expect(r.entries.length).toBe(entries.length);
        r.entries.forEach((d, i) => {
          const e = entries[i]!;
          expect(d.table).toBe(e.table);
          expect(Buffer.compare(d.key, e.key)).toBe(0);
          expect(d.kind).toBe(e.kind);
          if (e.kind === 'del') expect(d.row).toBeUndefined();
          else {
            expect(d.row!.length).toBe(e.row!.length);
            d.row!.forEach((c, j) => expect(same(c, e.row![j]!), `${String(c)} vs ${String(e.row![j])}`).toBe(true));
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('writes the bytes msgpackr writes for the usual row shapes', () => {
    const rows: Cell[][] = [
      [1n, 1704067201000000n, 61958, '117047.53', 'note number 1'],
      [0, -1, 127, 128, 255, 256, 65535, 65536, -32, -33, -128, -129, -32768, -32769, 2 ** 31 - 1, -(2 ** 31)],
      [null, true, false, 1.5, 'a', '', 'x'.repeat(10), Uint8Array.from([1, 2, 3])],
    ];
    const entries: Entry[] = rows.map((row, i) => ({ table: 5 + i, key: Uint8Array.from([i, 1, 2]), seq: 9n, kind: 'put', row }));
    entries.push({ table: 1, key: Uint8Array.from([7]), seq: 9n, kind: 'del', row: undefined });
    expect(Buffer.from(encodeRecord(packr, 9n, entries).subarray(8)).toString('hex')).toBe(Buffer.from(encodePayload(packr, 9n, entries)).toString('hex'));
  });

  it('grows past its estimate (a record of many rows) and scans back whole', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 5000; i++) entries.push({ table: 3, key: Uint8Array.from([i >> 8, i & 0xff]), seq: 4n, kind: 'put', row: [BigInt(i), i % 3 === 0 ? 'ü'.repeat(i % 200) : `row ${i}`] });
    // A small first sample forces several doublings.
    entries.unshift({ table: 3, key: new Uint8Array(0), seq: 4n, kind: 'put', row: [] });
    const f = encodeRecord(packr, 4n, entries);
    const scan = scanWal(packr, 'f', f, 1 << 26);
    expect(scan.records.length).toBe(1);
    expect(scan.records[0]!.entries.length).toBe(5001);
    expect(scan.records[0]!.entries[4000]!.row).toEqual([3999n, 'ü'.repeat(3999 % 200)]);
  });
});
