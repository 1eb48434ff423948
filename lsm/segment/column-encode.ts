// The segment encoder over a ColumnChunk's columns (column-chunk.ts): Arrow data per record
// batch straight from the typed arrays and byte buffers, statistics as encode.ts's columnData
// computes them, the bloom filter from the key buffer (bloom.ts buildBloomRanges). Output: byte for byte encodeSegment's
// for the same entries (seq 0, 'put'); test/lsm/segment/column-chunk.test.ts holds that.
import { Binary, Bool, Float64, Int64, Null, Uint16, Uint8, Utf8, makeData } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import type { TableId } from '../types.js';
import { buildBloomRanges } from './bloom.js';
import { decodeUtf8 } from './cells.js';
import type { ChunkColumns, ColumnBuilder } from './column-chunk.js';
import { DEFAULT_BATCH_ROWS, MAX_BATCH_ROWS, assembleSegment, segmentFields, type BuiltBatch, type EncodeSegmentOptions, type EncodedSegment } from './encode.js';
import type { ColumnEncoding, ColumnStats } from './meta.js';

export function encodeColumns(table: TableId, n: number, chunk: ChunkColumns, opts: EncodeSegmentOptions): EncodedSegment {
  const batchRows = opts.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > MAX_BATCH_ROWS) throw new Error(`batchRows ${batchRows} out of range`);
  if (n === 0) throw new Error('encodeSegment: no entries');
  const { keys, keyOffsets, widths, cols } = chunk;
  const key = (i: number): Uint8Array => new Uint8Array(keys.buf.buffer, keys.buf.byteOffset + keyOffsets[i]!, keyOffsets[i + 1]! - keyOffsets[i]!);
  let width = 0;
  let fixedWidth = true;
  for (let i = 0; i < n; i++) {
    const w = widths[i]!;
    if (w > width) width = w;
    if (w !== widths[0]) fixedWidth = false;
  }
  const encodings: ColumnEncoding[] = [];
  for (let c = 0; c < width; c++) encodings.push(cols[c]!.kind);
  const fields = segmentFields(width, fixedWidth, encodings);
  const batches: BuiltBatch[] = [];
  for (let start = 0; start < n; start += batchRows) {
    const end = Math.min(n, start + batchRows);
    const m = end - start;
    const seqs = new BigInt64Array(m);
    const children: Data[] = [
      varData(new Binary(), m, 0, undefined, keyOffsets, keys.buf, start),
      makeData({ type: new Int64(), length: m, nullCount: 0, data: seqs }),
      makeData({ type: new Uint8(), length: m, nullCount: 0, data: new Uint8Array(m) }),
    ];
    if (!fixedWidth) children.push(makeData({ type: new Uint16(), length: m, nullCount: 0, data: widths.slice(start, end) }));
    const colStats: ColumnStats[] = [];
    for (let c = 0; c < width; c++) {
      const col = columnData(cols[c]!, start, m);
      children.push(col.data);
      colStats.push(col.stats);
    }
    batches.push({ children, info: { firstKey: key(start), lastKey: key(end - 1), rowCount: m, smallestSeq: 0n, largestSeq: 0n, columns: colStats } });
  }
  // Keys ascend strictly: every key is distinct. firstKey/lastKey are views into the chunk's key
  // buffer; assembleSegment copies what the meta keeps and the footer encodes the batch keys
  // into its own bytes.
  return assembleSegment({ table, fields, batches, encodings, width, fixedWidth, rowCount: n, putCount: n, distinctKeys: [], distinctKeyCount: n, bloom: buildBloomRanges(keys.buf, keyOffsets, n), smallestKey: key(0), largestKey: key(n - 1) });
}

/** A Binary/Utf8 column of rows [start, start + m) with offsets rebased to 0. */
function varData(type: Binary | Utf8, m: number, nullCount: number, nullBitmap: Uint8Array | undefined, offsets: Int32Array, buf: Buffer, start: number): Data {
  const base = offsets[start]!;
  const valueOffsets = new Int32Array(m + 1);
  for (let i = 1; i <= m; i++) valueOffsets[i] = offsets[start + i]! - base;
  const data = new Uint8Array(buf.subarray(base, offsets[start + m]!));
  return makeData({ type, length: m, nullCount, nullBitmap, valueOffsets, data } as Parameters<typeof makeData>[0]);
}

/** One column's Arrow data and statistics for rows [start, start + m) (encode.ts columnData's). */
function columnData(b: ColumnBuilder, start: number, m: number): { data: Data; stats: ColumnStats } {
  const stats: ColumnStats = { nullCount: 0, nanCount: 0, min: undefined, max: undefined };
  const bitmap = new Uint8Array((m + 7) >> 3);
  const valid = b.valid;
  for (let i = 0; i < m; i++) {
    if (valid[start + i] === 1) bitmap[i >> 3] = bitmap[i >> 3]! | (1 << (i & 7));
    else stats.nullCount++;
  }
  const nullCount = stats.nullCount;
  const nullBitmap = nullCount > 0 ? bitmap : undefined;
  switch (b.kind) {
    case 'null':
      return { data: makeData({ type: new Null(), length: m, nullCount: m }), stats };
    case 'f64': {
      const a = b.f64!.slice(start, start + m);
      let have = false;
      let min = 0, max = 0;
      for (let i = 0; i < m; i++) {
        if (valid[start + i] !== 1) { a[i] = 0; continue; }
        const v = a[i]!;
        if (Number.isNaN(v)) { stats.nanCount++; continue; }
        if (!have) { min = v; max = v; have = true; }
        else { if (v < min) min = v; if (v > max) max = v; }
      }
      if (have) { stats.min = min; stats.max = max; }
      return { data: makeData({ type: new Float64(), length: m, nullCount, nullBitmap, data: a }), stats };
    }
    case 'i64': {
      const a = b.i64!.slice(start, start + m);
      // Compared as 32-bit halves (high signed, low unsigned; little-endian host, as
      // column-chunk.ts asserts): reading a BigInt64Array makes a BigInt per value, which was
      // most of the worker isolate's garbage. Only the min and max become BigInts.
      const hi = new Int32Array(a.buffer, a.byteOffset, m * 2);
      const lo = new Uint32Array(a.buffer, a.byteOffset, m * 2);
      let minAt = -1, maxAt = -1;
      for (let i = 0; i < m; i++) {
        if (valid[start + i] !== 1) { hi[2 * i] = 0; hi[2 * i + 1] = 0; continue; }
        if (minAt < 0) { minAt = i; maxAt = i; continue; }
        const h = hi[2 * i + 1]!, l = lo[2 * i]!;
        const hMin = hi[2 * minAt + 1]!, hMax = hi[2 * maxAt + 1]!;
        // The first of equal values is kept (strict comparisons), as encode.ts keeps it.
        if (h < hMin || (h === hMin && l < lo[2 * minAt]!)) minAt = i;
        if (h > hMax || (h === hMax && l > lo[2 * maxAt]!)) maxAt = i;
      }
      if (minAt >= 0) { stats.min = a[minAt]!; stats.max = a[maxAt]!; }
      return { data: makeData({ type: new Int64(), length: m, nullCount, nullBitmap, data: a }), stats };
    }
    case 'bool': {
      const bits = new Uint8Array((m + 7) >> 3);
      let have = false;
      let min = true, max = false;
      for (let i = 0; i < m; i++) {
        if (valid[start + i] !== 1) continue;
        const v = b.bools![start + i] === 1;
        if (v) bits[i >> 3] = bits[i >> 3]! | (1 << (i & 7));
        if (!have) { min = v; max = v; have = true; }
        else { if (!v) min = false; if (v) max = true; }
      }
      if (have) { stats.min = min; stats.max = max; }
      return { data: makeData({ type: new Bool(), length: m, nullCount, nullBitmap, data: bits }), stats };
    }
    case 'utf8':
    case 'bin': {
      const buf = b.bytes!.buf;
      const off = b.offsets!;
      let minAt = -1, minEnd = 0, maxAt = -1, maxEnd = 0;
      for (let i = start; i < start + m; i++) {
        if (valid[i] !== 1) continue;
        const s = off[i]!, e = off[i + 1]!;
        if (minAt < 0) { minAt = s; minEnd = e; maxAt = s; maxEnd = e; continue; }
        if (compareRange(buf, s, e, minAt, minEnd) < 0) { minAt = s; minEnd = e; }
        if (compareRange(buf, s, e, maxAt, maxEnd) > 0) { maxAt = s; maxEnd = e; }
      }
      if (minAt >= 0) {
        stats.min = b.kind === 'utf8' ? decodeUtf8(buf, minAt, minEnd) : new Uint8Array(buf.subarray(minAt, minEnd));
        stats.max = b.kind === 'utf8' ? decodeUtf8(buf, maxAt, maxEnd) : new Uint8Array(buf.subarray(maxAt, maxEnd));
      }
      return { data: varData(b.kind === 'utf8' ? new Utf8() : new Binary(), m, nullCount, nullBitmap, off, buf, start), stats };
    }
    case 'packed':
      throw new Error('lsm invariant violated: packed column in a column chunk');
    default: {
      const never: never = b.kind;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

/** sign(bytes [as, ae) − bytes [bs, be)) of one buffer; a JS loop (short values: no binding call). */
function compareRange(buf: Uint8Array, as: number, ae: number, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const x = buf[as + k]!, y = buf[bs + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  const la = ae - as, lb = be - bs;
  return la === lb ? 0 : la < lb ? -1 : 1;
}
