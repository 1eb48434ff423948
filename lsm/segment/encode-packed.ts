// Segment encoder over entries in the worker wire format (lsm/compaction/wire.ts: keys,
// seqs, kinds and tagged cells in flat buffers), without turning them back into JS objects:
// key and string bytes are copied straight into the Arrow columns, numbers read in place. A
// flush or ingest of a million rows spent most of its worker time (and half of it in GC)
// rebuilding entries only to encode them again. The output is byte for byte what
// encodeSegment(unpacked entries) produces (a test holds that); inputs that need a 'packed'
// column (mixed kinds, bigints beyond int64) return undefined and take the entry path.
import { Binary, Bool, Float64, Int64, Null, Uint16, Uint8, Utf8, makeData } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import type { Cell, Seq, TableId } from '../types.js';
import { assembleSegment, segmentFields, VarBuilder, type BuiltBatch, type EncodedSegment, type EncodeSegmentOptions, DEFAULT_BATCH_ROWS, MAX_BATCH_ROWS } from './encode.js';
import { decodeUtf8 } from './cells.js';
import type { ColumnEncoding, ColumnStats } from './meta.js';

/** The flat entry buffers (lsm/compaction/wire.ts's PackedEntries is this type). */
export interface PackedRows {
  table: TableId;
  count: number;
  keys: Uint8Array;
  keyOffsets: Int32Array;
  seqs: BigInt64Array;
  kinds: Uint8Array;
  cells: Uint8Array;
}

// Wire cell tags (wire.ts).
const T_NULL = 0, T_FALSE = 1, T_TRUE = 2, T_F64 = 3, T_BIG = 4, T_STR = 5, T_BYTES = 6, T_I64 = 7;

const KIND_OF_TAG: readonly (ColumnEncoding | undefined)[] = [undefined, 'bool', 'bool', 'f64', 'packed', 'utf8', 'bin', 'i64'];

export function encodeSegmentPacked(p: PackedRows, opts: EncodeSegmentOptions = {}): EncodedSegment | undefined {
  const batchRows = opts.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > MAX_BATCH_ROWS) throw new Error(`batchRows ${batchRows} out of range`);
  const n = p.count;
  if (n === 0) throw new Error('encodeSegment: no entries');
  const cells = p.cells;
  const buf = Buffer.from(cells.buffer, cells.byteOffset, cells.byteLength);
  const keyBuf = Buffer.from(p.keys.buffer, p.keys.byteOffset, p.keys.byteLength);
  const dv = new DataView(cells.buffer, cells.byteOffset, cells.byteLength);
  const key = (i: number): Uint8Array => p.keys.subarray(p.keyOffsets[i]!, p.keyOffsets[i + 1]!);

  // One pass: order check, row starts, widths, each column's kinds.
  const rowAt = new Int32Array(n).fill(-1);
  const widths = new Uint16Array(n);
  let width = 0;
  let putCount = 0;
  let fixed: number | undefined;
  let fixedWidth = true;
  const kinds: (ColumnEncoding | undefined)[] = [];
  let q = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      // Buffer#compare(target, tStart, tEnd, sStart, sEnd) is sign(source − target): key i − key i−1.
      const c = keyBuf.compare(keyBuf, p.keyOffsets[i - 1]!, p.keyOffsets[i]!, p.keyOffsets[i]!, p.keyOffsets[i + 1]!);
      if (c < 0 || (c === 0 && p.seqs[i]! >= p.seqs[i - 1]!)) throw new Error(`encodeSegment: entries not strictly sorted at index ${i}`);
    }
    const seq = p.seqs[i]!;
    if (seq < 0n) throw new Error(`encodeSegment: seq ${seq} outside int64`);
    if (p.kinds[i] === 1) continue;
    putCount++;
    rowAt[i] = q;
    const w = dv.getUint16(q, true);
    widths[i] = w;
    q += 2;
    if (fixed === undefined) fixed = w;
    else if (fixed !== w) fixedWidth = false;
    if (w > width) width = w;
    for (let c = 0; c < w; c++) {
      const tag = cells[q++]!;
      if (tag !== T_NULL) {
        const k = KIND_OF_TAG[tag];
        if (k === undefined) throw new Error(`packed entries: unknown cell tag ${tag}`);
        if (k === 'packed') return undefined;
        const was = kinds[c];
        if (was === undefined) kinds[c] = k;
        else if (was !== k) return undefined;
      }
      q += payloadBytes(tag, dv, q);
    }
  }
  const encodings: ColumnEncoding[] = [];
  for (let c = 0; c < width; c++) encodings.push(kinds[c] ?? 'null');
  const fields = segmentFields(width, fixedWidth, encodings);

  const batches: BuiltBatch[] = [];
  const cursor = new Int32Array(batchRows);
  for (let start = 0; start < n; start += batchRows) {
    const end = Math.min(n, start + batchRows);
    const m = end - start;
    const kb = new VarBuilder(m);
    for (let i = start; i < end; i++) kb.pushRange(i - start, keyBuf, p.keyOffsets[i]!, p.keyOffsets[i + 1]!);
    const seqs = p.seqs.slice(start, end);
    const children: Data[] = [
      makeData({ type: new Binary(), length: m, nullCount: 0, valueOffsets: kb.offsets, data: kb.data }),
      makeData({ type: new Int64(), length: m, nullCount: 0, data: seqs }),
      makeData({ type: new Uint8(), length: m, nullCount: 0, data: p.kinds.slice(start, end) }),
    ];
    if (!fixedWidth) children.push(makeData({ type: new Uint16(), length: m, nullCount: 0, data: widths.slice(start, end) }));
    for (let i = 0; i < m; i++) cursor[i] = rowAt[start + i]! < 0 ? -1 : rowAt[start + i]! + 2;
    const colStats: ColumnStats[] = [];
    for (let c = 0; c < width; c++) {
      const col = column(encodings[c]!, c, start, m, widths, cursor, cells, buf, dv);
      children.push(col.data);
      colStats.push(col.stats);
    }
    let smallestSeq: Seq = seqs[0]!;
    let largestSeq: Seq = seqs[0]!;
    for (let i = 1; i < m; i++) {
      if (seqs[i]! < smallestSeq) smallestSeq = seqs[i]!;
      if (seqs[i]! > largestSeq) largestSeq = seqs[i]!;
    }
    batches.push({ children, info: { firstKey: key(start), lastKey: key(end - 1), rowCount: m, smallestSeq, largestSeq, columns: colStats } });
  }
  const distinct: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || keyBuf.compare(keyBuf, p.keyOffsets[i]!, p.keyOffsets[i + 1]!, p.keyOffsets[i - 1]!, p.keyOffsets[i]!) !== 0) distinct.push(key(i));
  }
  return assembleSegment({ table: p.table, fields, batches, encodings, width, fixedWidth, rowCount: n, putCount, distinctKeys: distinct, distinctKeyCount: distinct.length, smallestKey: key(0), largestKey: key(n - 1) });
}

/** Bytes after the tag byte of a cell at `q`. */
function payloadBytes(tag: number, dv: DataView, q: number): number {
  switch (tag) {
    case T_NULL: case T_FALSE: case T_TRUE: return 0;
    case T_F64: case T_I64: return 8;
    default: return 4 + dv.getUint32(q, true);
  }
}

/**
 * Column `c` of rows [start, start + m): reads each row's cell at its cursor and advances the
 * cursor (columns are built in order, so every cell is visited once). Statistics follow
 * encode.ts's columnData exactly: strings and bytes compare as bytes (UTF-8 order), numbers
 * numerically, NaN counted apart, the first of equal values kept.
 */
function column(enc: ColumnEncoding, c: number, start: number, m: number, widths: Uint16Array, cursor: Int32Array, cells: Uint8Array, buf: Buffer, dv: DataView): { data: Data; stats: ColumnStats } {
  const stats: ColumnStats = { nullCount: 0, nanCount: 0, min: undefined, max: undefined };
  const bitmap = new Uint8Array((m + 7) >> 3);
  const bits = enc === 'bool' ? new Uint8Array((m + 7) >> 3) : undefined;
  const f64 = enc === 'f64' ? new Float64Array(m) : undefined;
  const i64 = enc === 'i64' ? new BigInt64Array(m) : undefined;
  const vb = enc === 'utf8' || enc === 'bin' ? new VarBuilder(m) : undefined;
  // Byte-valued min/max as positions into `buf` until the end (no copies per row).
  let minAt = -1, minLen = 0, maxAt = -1, maxLen = 0;
  let minNum = 0, maxNum = 0, haveNum = false;
  let minBig = 0n, maxBig = 0n, haveBig = false;
  let minBool = true, maxBool = false, haveBool = false;
  for (let i = 0; i < m; i++) {
    const at = cursor[i]!;
    if (at < 0 || c >= widths[start + i]!) {
      stats.nullCount++;
      vb?.push(i, undefined);
      continue;
    }
    const tag = cells[at]!;
    const q = at + 1;
    cursor[i] = q + payloadBytes(tag, dv, q);
    if (tag === T_NULL) {
      stats.nullCount++;
      vb?.push(i, undefined);
      continue;
    }
    bitmap[i >> 3] = bitmap[i >> 3]! | (1 << (i & 7));
    switch (tag) {
      case T_FALSE: case T_TRUE: {
        const v = tag === T_TRUE;
        if (v) bits![i >> 3] = bits![i >> 3]! | (1 << (i & 7));
        if (!haveBool) { minBool = v; maxBool = v; haveBool = true; }
        else { if (!v && minBool) minBool = false; if (v && !maxBool) maxBool = true; }
        break;
      }
      case T_F64: {
        const v = dv.getFloat64(q, true);
        f64![i] = v;
        if (Number.isNaN(v)) { stats.nanCount++; break; }
        if (!haveNum) { minNum = v; maxNum = v; haveNum = true; }
        else { if (v < minNum) minNum = v; if (v > maxNum) maxNum = v; }
        break;
      }
      case T_I64: {
        const v = dv.getBigInt64(q, true);
        i64![i] = v;
        if (!haveBig) { minBig = v; maxBig = v; haveBig = true; }
        else { if (v < minBig) minBig = v; if (v > maxBig) maxBig = v; }
        break;
      }
      case T_STR: case T_BYTES: {
        const len = dv.getUint32(q, true);
        const s = q + 4;
        vb!.pushRange(i, buf, s, s + len);
        if (minAt < 0) { minAt = s; minLen = len; maxAt = s; maxLen = len; }
        else {
          // sign(value − current min / max), see above.
          if (buf.compare(buf, minAt, minAt + minLen, s, s + len) < 0) { minAt = s; minLen = len; }
          if (buf.compare(buf, maxAt, maxAt + maxLen, s, s + len) > 0) { maxAt = s; maxLen = len; }
        }
        break;
      }
      default:
        throw new Error(`packed entries: cell tag ${tag} in a ${enc} column`);
    }
  }
  const nullCount = stats.nullCount;
  const nullBitmap = nullCount > 0 ? bitmap : undefined;
  // A plain Uint8Array copy (cells may be a Buffer, whose slice() is a view).
  const byteCell = (at: number, len: number): Cell => (enc === 'utf8' ? decodeUtf8(cells, at, at + len) : new Uint8Array(cells.subarray(at, at + len)));
  switch (enc) {
    case 'null':
      return { data: makeData({ type: new Null(), length: m, nullCount: m }), stats };
    case 'bool':
      if (haveBool) { stats.min = minBool; stats.max = maxBool; }
      return { data: makeData({ type: new Bool(), length: m, nullCount, nullBitmap, data: bits! }), stats };
    case 'f64':
      if (haveNum) { stats.min = minNum; stats.max = maxNum; }
      return { data: makeData({ type: new Float64(), length: m, nullCount, nullBitmap, data: f64! }), stats };
    case 'i64':
      if (haveBig) { stats.min = minBig; stats.max = maxBig; }
      return { data: makeData({ type: new Int64(), length: m, nullCount, nullBitmap, data: i64! }), stats };
    case 'utf8':
    case 'bin':
      if (minAt >= 0) { stats.min = byteCell(minAt, minLen); stats.max = byteCell(maxAt, maxLen); }
      if (enc === 'utf8') return { data: makeData({ type: new Utf8(), length: m, nullCount, nullBitmap, valueOffsets: vb!.offsets, data: vb!.data }), stats };
      return { data: makeData({ type: new Binary(), length: m, nullCount, nullBitmap, valueOffsets: vb!.offsets, data: vb!.data }), stats };
    case 'packed':
      throw new Error('lsm invariant violated: packed column in encodeSegmentPacked');
    default: {
      const never: never = enc;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}
