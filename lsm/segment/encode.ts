// Segment encoder: sorted entries of one table → segment file bytes + meta. Pure CPU, no I/O,
// so it runs inline or in a worker thread. Spec: FORMAT.md.
// Invariants checked here (violations are programmer errors → Error): entries non-empty, one
// table, strictly sorted by (key asc, seq desc) with no duplicate (key, seq), seq within int64,
// 'put' carries a row and 'del' does not.
import { crc32 } from 'node:zlib';
import { Binary, Bool, Data, Field, Float64, Int64, Null, RecordBatch, Schema, Struct, Table, Uint16, Uint8, Utf8, makeData, tableToIPC } from 'apache-arrow';
import type { DataType } from 'apache-arrow';
import type { Cell, Entry, TableId } from '../types.js';
import { compareBytes, compareEntries } from '../iter/index.js';
import { BLOOM_PROBES, buildBloom } from './bloom.js';
import { compareSameKind, encodeCell } from './cells.js';
import { SEGMENT_FORMAT_VERSION, encodeFooter, encodeTrailer } from './footer.js';
import type { BatchInfo, ColumnEncoding, ColumnInfo, ColumnStats, SegmentMeta } from './meta.js';

export const DEFAULT_BATCH_ROWS = 4096;
export const MAX_BATCH_ROWS = 65536;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export interface EncodeSegmentOptions {
  /** Rows per Arrow record batch (the sparse index granularity). Default 4096. */
  batchRows?: number;
}

export interface EncodedSegment {
  bytes: Uint8Array;
  meta: SegmentMeta;
}

const utf8 = new TextEncoder();

export function encodeSegment(table: TableId, entries: readonly Entry[], opts: EncodeSegmentOptions = {}): EncodedSegment {
  const batchRows = opts.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > MAX_BATCH_ROWS) throw new Error(`batchRows ${batchRows} out of range`);
  if (entries.length === 0) throw new Error('encodeSegment: no entries');
  checkEntries(table, entries);

  let width = 0;
  let putCount = 0;
  for (const e of entries) if (e.kind === 'put') { putCount++; width = Math.max(width, e.row!.length); }
  let fixedWidth = true;
  for (const e of entries) if (e.kind === 'put' && e.row!.length !== width) { fixedWidth = false; break; }
  const encodings: ColumnEncoding[] = [];
  for (let c = 0; c < width; c++) encodings.push(chooseEncoding(entries, c));

  const fields = segmentFields(width, fixedWidth, encodings);
  const batches: BuiltBatch[] = [];
  for (let start = 0; start < entries.length; start += batchRows) {
    const slice = entries.slice(start, Math.min(entries.length, start + batchRows));
    const children: Data[] = [keyData(slice), seqData(slice), kindData(slice)];
    if (!fixedWidth) children.push(widthData(slice));
    const colStats: ColumnStats[] = [];
    for (let c = 0; c < width; c++) {
      const { data, stats } = columnData(slice, c, encodings[c]!);
      children.push(data);
      colStats.push(stats);
    }
    let smallestSeq = slice[0]!.seq;
    let largestSeq = slice[0]!.seq;
    for (const e of slice) {
      if (e.seq < smallestSeq) smallestSeq = e.seq;
      if (e.seq > largestSeq) largestSeq = e.seq;
    }
    batches.push({ children, info: { firstKey: slice[0]!.key, lastKey: slice[slice.length - 1]!.key, rowCount: slice.length, smallestSeq, largestSeq, columns: colStats } });
  }
  const distinct: Uint8Array[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (i === 0 || compareBytes(entries[i - 1]!.key, entries[i]!.key) !== 0) distinct.push(entries[i]!.key);
  }
  return assembleSegment({ table, fields, batches, encodings, width, fixedWidth, rowCount: entries.length, putCount, distinctKeys: distinct, distinctKeyCount: distinct.length, smallestKey: entries[0]!.key, largestKey: entries[entries.length - 1]!.key });
}

/** The Arrow fields of a segment: system columns, `_width` when rows differ in width, user columns. */
export function segmentFields(width: number, fixedWidth: boolean, encodings: readonly ColumnEncoding[]): Field[] {
  const fields: Field[] = [
    new Field('_key', new Binary(), false),
    new Field('_seq', new Int64(), false),
    new Field('_kind', new Uint8(), false),
  ];
  if (!fixedWidth) fields.push(new Field('_width', new Uint16(), false));
  for (let c = 0; c < width; c++) fields.push(new Field(`c${c}`, arrowType(encodings[c]!), true));
  return fields;
}

/** One record batch's column data (in field order) and its footer entry. */
export interface BuiltBatch {
  children: Data[];
  info: BatchInfo;
}

export interface BuiltSegment {
  table: TableId;
  fields: Field[];
  batches: BuiltBatch[];
  encodings: readonly ColumnEncoding[];
  width: number;
  fixedWidth: boolean;
  rowCount: number;
  putCount: number;
  /** Every distinct key, ascending (the bloom filter's input; each key is hashed as it is
   *  iterated and not kept, so an iterator may hand out one reused buffer). */
  distinctKeys: Iterable<Uint8Array>;
  distinctKeyCount: number;
  /** The bloom filter of distinctKeys when the caller built it already (buildBloomRanges);
   *  distinctKeys is then not read. */
  bloom?: Uint8Array;
  smallestKey: Uint8Array;
  largestKey: Uint8Array;
}

/** Arrow IPC body + footer + trailer from built batches: the one place a segment's bytes are
 *  laid out, shared by encodeSegment and encodeSegmentPacked (encode-packed.ts). */
export function assembleSegment(b: BuiltSegment): EncodedSegment {
  const { table, fields, encodings, width, fixedWidth } = b;
  const schema = new Schema(fields);
  const infos = b.batches.map((x) => x.info);
  const batches = b.batches.map((x) => new RecordBatch(schema, makeData({ type: new Struct(fields), length: x.info.rowCount, nullCount: 0, children: x.children })));
  const arrowBytes = tableToIPC(new Table(schema, batches), 'file');
  const distinctKeys = b.distinctKeyCount;
  const bloom = b.bloom ?? buildBloom(b.distinctKeys, distinctKeys);
  const columns: ColumnInfo[] = encodings.map((encoding, c) => ({ encoding, stats: ownStats(mergeStats(infos.map((x) => x.columns[c]!))) }));
  const metaCore = {
    table,
    rowCount: b.rowCount,
    putCount: b.putCount,
    delCount: b.rowCount - b.putCount,
    distinctKeys,
    // Copies: the caller keeps meta (the manifest holds the keys for the file's life), and a
    // view would pin the whole buffer it points into — a memtable's, or a compaction input's —
    // and be cloned whole when posted back from a worker.
    smallestKey: b.smallestKey.slice(),
    largestKey: b.largestKey.slice(),
    smallestSeq: infos.reduce((m, x) => (x.smallestSeq < m ? x.smallestSeq : m), infos[0]!.smallestSeq),
    largestSeq: infos.reduce((m, x) => (x.largestSeq > m ? x.largestSeq : m), infos[0]!.largestSeq),
    columnCount: width,
    columns,
  };
  const footer = encodeFooter({ meta: metaCore, width: fixedWidth ? width : -1, batches: infos, bloom, bloomProbes: BLOOM_PROBES });
  const trailer = encodeTrailer({ footerBytes: footer.length, footerCrc: crc32(footer), bodyCrc: crc32(arrowBytes), formatVersion: SEGMENT_FORMAT_VERSION });
  const bytes = new Uint8Array(arrowBytes.length + footer.length + trailer.length);
  bytes.set(arrowBytes, 0);
  bytes.set(footer, arrowBytes.length);
  bytes.set(trailer, arrowBytes.length + footer.length);
  return { bytes, meta: { ...metaCore, formatVersion: SEGMENT_FORMAT_VERSION, sizeBytes: bytes.length } };
}

function checkEntries(table: TableId, entries: readonly Entry[]): void {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.table !== table) throw new Error(`encodeSegment: entry of table ${e.table} in a segment of table ${table}`);
    if (e.seq < 0n || e.seq > INT64_MAX) throw new Error(`encodeSegment: seq ${e.seq} outside int64`);
    if ((e.kind === 'put') !== (e.row !== undefined)) throw new Error(`encodeSegment: ${e.kind} entry with${e.row ? '' : 'out'} a row`);
    if (e.row !== undefined && e.row.length > 0xffff) throw new Error('encodeSegment: row wider than 65535 cells');
    if (i > 0 && compareEntries(entries[i - 1]!, e) >= 0) throw new Error(`encodeSegment: entries not strictly sorted at index ${i}`);
  }
}

/** One Arrow type per column per segment; several JS kinds in one column → 'packed'. */
function chooseEncoding(entries: readonly Entry[], c: number): ColumnEncoding {
  let enc: ColumnEncoding = 'null';
  for (const e of entries) {
    const v = e.row?.[c];
    if (v === undefined || v === null) continue;
    const k = kindOf(v);
    if (k === 'i64' && ((v as bigint) > INT64_MAX || (v as bigint) < INT64_MIN)) return 'packed';
    if (enc === 'null') enc = k;
    else if (enc !== k) return 'packed';
  }
  return enc;
}

/** The column encoding a non-null cell's kind asks for (also ColumnChunk's builders). */
export function kindOf(v: Exclude<Cell, null>): ColumnEncoding {
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'number': return 'f64';
    case 'bigint': return 'i64';
    case 'string': return 'utf8';
    case 'object': return 'bin';
  }
}

export function arrowType(enc: ColumnEncoding): DataType {
  switch (enc) {
    case 'null': return new Null();
    case 'bool': return new Bool();
    case 'f64': return new Float64();
    case 'i64': return new Int64();
    case 'utf8': return new Utf8();
    case 'bin': return new Binary();
    case 'packed': return new Binary();
    default: { const never: never = enc; throw new Error(`unknown encoding ${String(never)}`); }
  }
}

/** Growable byte buffer with Arrow offsets, for Binary/Utf8 columns. */
// A Buffer, not a plain Uint8Array: Buffer#write encodes a string in place without the
// subarray view that TextEncoder#encodeInto needs per call (about twice as fast per cell).
export class VarBuilder {
  private buf = Buffer.allocUnsafeSlow(1024);
  private used = 0;
  readonly offsets: Int32Array;
  constructor(n: number) { this.offsets = new Int32Array(n + 1); }
  private reserve(n: number): void {
    if (this.used + n > 0x7fffffff) throw new Error('record batch column exceeds 2 GiB');
    if (this.used + n > this.buf.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + n));
      this.buf.copy(next, 0, 0, this.used);
      this.buf = next;
    }
  }
  push(i: number, b: Uint8Array | undefined): void {
    if (b !== undefined) {
      this.reserve(b.length);
      this.buf.set(b, this.used);
      this.used += b.length;
    }
    this.offsets[i + 1] = this.used;
  }
  /** UTF-8 straight into the buffer (no temporary per string). */
  pushString(i: number, s: string): void {
    this.reserve(s.length * 3);
    this.used += this.buf.write(s, this.used, 'utf8');
    this.offsets[i + 1] = this.used;
  }
  /** Bytes [s, e) of `src` (a Buffer view of packed cells: copied without a view per call). */
  pushRange(i: number, src: Buffer, s: number, e: number): void {
    this.reserve(e - s);
    this.used += src.copy(this.buf, this.used, s, e);
    this.offsets[i + 1] = this.used;
  }
  get data(): Uint8Array { return this.buf.subarray(0, this.used); }
}

function keyData(slice: readonly Entry[]): Data {
  const vb = new VarBuilder(slice.length);
  slice.forEach((e, i) => vb.push(i, e.key));
  return makeData({ type: new Binary(), length: slice.length, nullCount: 0, valueOffsets: vb.offsets, data: vb.data });
}
// Plain loops, not TypedArray.from(iterable, fn): the latter is several times slower.
function seqData(slice: readonly Entry[]): Data {
  const a = new BigInt64Array(slice.length);
  for (let i = 0; i < slice.length; i++) a[i] = slice[i]!.seq;
  return makeData({ type: new Int64(), length: slice.length, nullCount: 0, data: a });
}
function kindData(slice: readonly Entry[]): Data {
  const a = new Uint8Array(slice.length);
  for (let i = 0; i < slice.length; i++) a[i] = slice[i]!.kind === 'put' ? 0 : 1;
  return makeData({ type: new Uint8(), length: slice.length, nullCount: 0, data: a });
}
function widthData(slice: readonly Entry[]): Data {
  const a = new Uint16Array(slice.length);
  for (let i = 0; i < slice.length; i++) a[i] = slice[i]!.row?.length ?? 0;
  return makeData({ type: new Uint16(), length: slice.length, nullCount: 0, data: a });
}

function columnData(slice: readonly Entry[], c: number, enc: ColumnEncoding): { data: Data; stats: ColumnStats } {
  const n = slice.length;
  const stats: ColumnStats = { nullCount: 0, nanCount: 0, min: undefined, max: undefined };
  const bitmap = new Uint8Array((n + 7) >> 3);
  const cell = (i: number): Cell => slice[i]!.row?.[c] ?? null;
  for (let i = 0; i < n; i++) {
    const v = cell(i);
    if (v === null) { stats.nullCount++; continue; }
    bitmap[i >> 3] = bitmap[i >> 3]! | (1 << (i & 7));
    if (enc === 'packed') continue;
    if (typeof v === 'number' && Number.isNaN(v)) { stats.nanCount++; continue; }
    if (stats.min === undefined || compareSameKind(v, stats.min) < 0) stats.min = v;
    if (stats.max === undefined || compareSameKind(v, stats.max) > 0) stats.max = v;
  }
  const nullCount = stats.nullCount;
  const nullBitmap = nullCount > 0 ? bitmap : undefined;
  switch (enc) {
    case 'null':
      return { data: makeData({ type: new Null(), length: n, nullCount: n }), stats };
    case 'bool': {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (cell(i) === true) bits[i >> 3] = bits[i >> 3]! | (1 << (i & 7));
      return { data: makeData({ type: new Bool(), length: n, nullCount, nullBitmap, data: bits }), stats };
    }
    case 'f64': {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = (cell(i) as number | null) ?? 0;
      return { data: makeData({ type: new Float64(), length: n, nullCount, nullBitmap, data: a }), stats };
    }
    case 'i64': {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) a[i] = (cell(i) as bigint | null) ?? 0n;
      return { data: makeData({ type: new Int64(), length: n, nullCount, nullBitmap, data: a }), stats };
    }
    case 'utf8': {
      const vb = new VarBuilder(n);
      for (let i = 0; i < n; i++) {
        const v = cell(i);
        if (v === null) vb.push(i, undefined);
        else vb.pushString(i, v as string);
      }
      return { data: makeData({ type: new Utf8(), length: n, nullCount, nullBitmap, valueOffsets: vb.offsets, data: vb.data }), stats };
    }
    case 'bin':
    case 'packed': {
      const vb = new VarBuilder(n);
      for (let i = 0; i < n; i++) {
        const v = cell(i);
        vb.push(i, v === null ? undefined : enc === 'bin' ? (v as Uint8Array) : encodeCell(v));
      }
      return { data: makeData({ type: new Binary(), length: n, nullCount, nullBitmap, valueOffsets: vb.offsets, data: vb.data }), stats };
    }
    default: {
      const never: never = enc;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

export function ownStats(s: ColumnStats): ColumnStats {
  const own = (c: Cell | undefined): Cell | undefined => (c instanceof Uint8Array ? c.slice() : c);
  return { ...s, min: own(s.min), max: own(s.max) };
}

export function mergeStats(parts: readonly ColumnStats[]): ColumnStats {
  const out: ColumnStats = { nullCount: 0, nanCount: 0, min: undefined, max: undefined };
  for (const p of parts) {
    out.nullCount += p.nullCount;
    out.nanCount += p.nanCount;
    if (p.min !== undefined && (out.min === undefined || compareSameKind(p.min, out.min) < 0)) out.min = p.min;
    if (p.max !== undefined && (out.max === undefined || compareSameKind(p.max, out.max) > 0)) out.max = p.max;
  }
  return out;
}
