// ColumnChunk (rows appended into per-column builders, the ingest's chunk) encodes exactly the
// bytes of encodeSegment over the same entries — every cell kind, nulls, narrow and widening
// rows, several record batches, columns whose kinds differ or bigints beyond int64 (the chunk
// falls back to entries) — also after its buffers were moved (toParts/fromParts, the trip to a
// worker), and gives every row back unchanged (row/key, used by abandon()). Rows that write
// themselves into the builders (addFrom: putF64/putI64/putUtf8/padUtf8, a bulk loader's path)
// give the same bytes as the same cells through add().
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeSegment } from '../../../lsm/segment/index.js';
import { ColumnChunk, columnChunkTransferables, type ColumnBuilder, type ColumnarRow } from '../../../lsm/segment/column-chunk.js';
import type { Cell, Entry } from '../../../lsm/types.js';
import { plain } from './helpers.js';

const kindCell: Record<string, fc.Arbitrary<Cell>> = {
  bool: fc.boolean(),
  f64: fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity)),
  i64: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  utf8: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', ' '.repeat(84), '\uFEFFx', 'é😀')),
  bin: fc.uint8Array({ maxLength: 40 }),
  // Kinds that force the fallback to entries.
  mixed: fc.oneof(fc.integer(), fc.string(), fc.boolean()),
  bigger: fc.oneof(fc.bigInt({ min: -10n, max: 10n }), fc.constantFrom(1n << 64n, -(1n << 70n))),
};

const chunkArb = fc
  .tuple(fc.array(fc.constantFrom('bool', 'f64', 'i64', 'utf8', 'bin', 'bool', 'f64', 'i64', 'utf8', 'bin', 'mixed', 'bigger'), { minLength: 0, maxLength: 5 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }))
  .chain(([kinds, n, batchRows]) =>
    fc.tuple(
      fc.uniqueArray(
        fc.record({
          key: fc.integer({ min: 0, max: 5000 }),
          narrow: fc.integer({ min: 0, max: kinds.length }),
          cells: fc.tuple(...kinds.map((k) => fc.option(kindCell[k]!, { freq: 4 }))),
        }),
        { minLength: 1, maxLength: n, selector: (r) => r.key },
      ),
      fc.constant(kinds.length),
      fc.constant(batchRows),
      fc.boolean(),
    ),
  );

function entriesOf(raw: Array<{ key: number; narrow: number; cells: Cell[] }>, width: number, ragged: boolean): Entry[] {
  return raw
    .map((r): Entry => ({ table: 3, key: Uint8Array.of(r.key >> 8, r.key & 0xff, 7), seq: 0n, kind: 'put', row: ragged ? r.cells.slice(0, r.narrow) : r.cells.slice(0, width) }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
}

describe('ColumnChunk', () => {
  it('encodes the same bytes as encodeSegment and gives the rows back', () => {
    fc.assert(
      fc.property(chunkArb, ([raw, width, batchRows, ragged]) => {
        const entries = entriesOf(raw, width, ragged);
        const chunk = new ColumnChunk(3);
        for (const e of entries) chunk.add(e.key, e.row!);
        expect(chunk.rows).toBe(entries.length);
        for (let i = 0; i < entries.length; i++) {
          expect(plain({ ...entries[i]!, key: chunk.key(i), row: chunk.row(i) })).toEqual(plain(entries[i]));
        }
        const want = encodeSegment(3, entries, { batchRows });
        const got = chunk.encode({ batchRows });
        expect(Buffer.from(got.bytes).equals(Buffer.from(want.bytes))).toBe(true);
        expect(got.meta).toEqual(want.meta);
        // The same after a trip to a worker: parts cloned with their buffers transferred.
        const parts = chunk.toParts();
        const moved = ColumnChunk.fromParts(structuredClone(parts, { transfer: columnChunkTransferables(parts) }));
        expect(Buffer.from(moved.encode({ batchRows }).bytes).equals(Buffer.from(want.bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('copies what it is given (the caller may reuse key and row arrays)', () => {
    const chunk = new ColumnChunk(1);
    const key = Uint8Array.of(1);
    const row: Cell[] = [1, 'a', 2n];
    chunk.add(key, row);
    key[0] = 2;
    row[0] = 5;
    row[1] = 'b';
    chunk.add(key, row);
    expect(Array.from(chunk.key(0))).toEqual([1]);
    expect(chunk.row(0)).toEqual([1, 'a', 2n]);
    expect(chunk.row(1)).toEqual([5, 'b', 2n]);
  });

  it('keeps a large chunk exact across buffer growth', () => {
    const chunk = new ColumnChunk(9);
    const entries: Entry[] = [];
    for (let i = 0; i < 20000; i++) {
      const key = Uint8Array.of(i >> 16, (i >> 8) & 0xff, i & 0xff);
      const row: Cell[] = [BigInt(i), i % 7 === 0 ? null : i * 1.5, `note number ${i}`, i % 3 === 0 ? null : `${i}.00`];
      entries.push({ table: 9, key, seq: 0n, kind: 'put', row });
      chunk.add(key, row);
    }
    expect(Buffer.from(chunk.encode().bytes).equals(Buffer.from(encodeSegment(9, entries).bytes))).toBe(true);
  });

  it('rows written through the typed puts (addFrom) encode the same bytes as their cells', () => {
    /** A ColumnarRow over cells: numbers, safe bigints and strings by the typed puts (strings
     *  split so padUtf8 appends the tail), anything else by add(). */
    const columnar = (row: Cell[]): ColumnarRow => ({
      width: row.length,
      cells: () => [...row],
      approxBytes: () => 0,
      writeInto(cols: readonly ColumnBuilder[], i: number): boolean {
        for (let c = 0; c < row.length; c++) {
          const v = row[c]!;
          const b = cols[c]!;
          let ok: boolean;
          if (v === null) {
            b.addNull(i);
            ok = true;
          } else if (typeof v === 'number') ok = b.putF64(i, v);
          else if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) ok = b.putI64(i, Number(v));
          else if (typeof v === 'string' && /^[^\ud800-\udfff]*$/.test(v)) {
            // A run of one trailing character goes by padUtf8.
            const bytes = Buffer.from(v, 'utf8');
            let tail = 0;
            while (tail < bytes.length - 1 && bytes[bytes.length - 1 - tail] === bytes[bytes.length - 1] && bytes[bytes.length - 1]! < 0x80) tail++;
            ok = b.putUtf8(i, bytes, 0, bytes.length - tail);
            if (ok && tail > 0) b.padUtf8(i, bytes[bytes.length - 1]!, tail);
          } else ok = b.add(i, v);
          if (!ok) return false;
        }
        return true;
      },
    });
    const edge = fc.constantFrom<Cell>(0n, -1n, 1n, 4294967295n, 4294967296n, -4294967296n, -4294967297n, BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MIN_SAFE_INTEGER), 'x'.repeat(40), '0.000', '1.', 'ab   ');
    fc.assert(
      fc.property(chunkArb, fc.array(edge, { minLength: 1, maxLength: 3 }), ([raw, width, batchRows, ragged], extra) => {
        const entries = entriesOf(raw, width, ragged);
        // One more column of edge values of one kind (kinds may mix: the fallback).
        for (let i = 0; i < entries.length; i++) if (entries[i]!.row!.length === width) entries[i]!.row = [...entries[i]!.row!, extra[i % extra.length]!];
        const chunk = new ColumnChunk(3);
        for (const e of entries) chunk.addFrom(e.key, columnar(e.row!));
        for (let i = 0; i < entries.length; i++) expect(plain({ ...entries[i]!, key: chunk.key(i), row: chunk.row(i) })).toEqual(plain(entries[i]));
        const want = encodeSegment(3, entries, { batchRows });
        expect(Buffer.from(chunk.encode({ batchRows }).bytes).equals(Buffer.from(want.bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
