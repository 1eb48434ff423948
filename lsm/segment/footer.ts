// Footer and trailer codec of a segment file. Spec: FORMAT.md "Layout", "Footer", "Trailer".
// File = [Arrow IPC file][footer: msgpack map][trailer: 28 bytes]. The trailer is fixed-size so
// a reader finds everything from the end; the footer lives outside the Arrow file because it
// carries a checksum of the Arrow bytes and binary data (bloom, keys) that Arrow's string-only
// schema metadata could only hold re-encoded.
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import type { Cell } from '../types.js';
import { decodeCell, encodeCell } from './cells.js';
import type { BatchInfo, ColumnEncoding, ColumnStats, SegmentMeta } from './meta.js';

export const SEGMENT_FORMAT_VERSION = 1;
export const SEGMENT_MAGIC = 'PYRLGSEG';
export const TRAILER_BYTES = 28;

// Plain maps, no record extension: the footer must decode without shared structures.
const packr = new Packr({ useRecords: false, moreTypes: false, bundleStrings: false });

export interface DecodedFooter {
  meta: Omit<SegmentMeta, 'sizeBytes' | 'formatVersion'>;
  /** -1 when rows have different widths (then the file has a `_width` column). */
  width: number;
  batches: BatchInfo[];
  bloom: Uint8Array;
  bloomProbes: number;
}

const ENCODINGS: readonly ColumnEncoding[] = ['null', 'bool', 'f64', 'i64', 'utf8', 'bin', 'packed'];

function statsOut(s: ColumnStats): Record<string, unknown> {
  const o: Record<string, unknown> = { nulls: s.nullCount, nans: s.nanCount };
  if (s.min !== undefined) o.min = encodeCell(s.min);
  if (s.max !== undefined) o.max = encodeCell(s.max);
  return o;
}

export function encodeFooter(f: DecodedFooter): Uint8Array {
  const m = f.meta;
  return packr.pack({
    table: m.table,
    rows: m.rowCount,
    puts: m.putCount,
    dels: m.delCount,
    distinctKeys: m.distinctKeys,
    minKey: m.smallestKey,
    maxKey: m.largestKey,
    minSeq: m.smallestSeq.toString(),
    maxSeq: m.largestSeq.toString(),
    width: f.width,
    columns: m.columns.map((c) => ({ enc: c.encoding, ...statsOut(c.stats) })),
    batches: f.batches.map((b) => ({
      firstKey: b.firstKey,
      lastKey: b.lastKey,
      rows: b.rowCount,
      minSeq: b.smallestSeq.toString(),
      maxSeq: b.largestSeq.toString(),
      columns: b.columns.map(statsOut),
    })),
    bloom: f.bloom,
    bloomProbes: f.bloomProbes,
  });
}

/** Thrown by the decoder on a structurally wrong footer; the reader names the file. */
class FooterShapeError extends Error {}

function need(cond: boolean, what: string): asserts cond {
  if (!cond) throw new FooterShapeError(`footer field ${what} is malformed`);
}
function nat(o: Record<string, unknown>, k: string): number {
  const v = o[k];
  need(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0, k);
  return v;
}
function bytes(o: Record<string, unknown>, k: string): Uint8Array {
  const v = o[k];
  need(v instanceof Uint8Array, k);
  return v;
}
function seq(o: Record<string, unknown>, k: string): bigint {
  const v = o[k];
  need(typeof v === 'string' && /^[0-9]{1,20}$/.test(v), k);
  return BigInt(v);
}
function obj(v: unknown, what: string): Record<string, unknown> {
  need(typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array), what);
  return v as Record<string, unknown>;
}
function arr(o: Record<string, unknown>, k: string): unknown[] {
  const v = o[k];
  need(Array.isArray(v), k);
  return v;
}
function optCell(o: Record<string, unknown>, k: string): Cell | undefined {
  if (o[k] === undefined) return undefined;
  try {
    return decodeCell(bytes(o, k));
  } catch (e) {
    throw new FooterShapeError(`footer field ${k}: ${(e as Error).message}`);
  }
}
function statsIn(v: unknown): ColumnStats {
  const o = obj(v, 'column stats');
  return { nullCount: nat(o, 'nulls'), nanCount: nat(o, 'nans'), min: optCell(o, 'min'), max: optCell(o, 'max') };
}

/** Decode and shape-check the footer; returns an error message instead of throwing. */
export function decodeFooter(payload: Uint8Array): DecodedFooter | string {
  try {
    const o = obj(packr.unpack(payload), 'footer');
    const columns = arr(o, 'columns').map((c) => {
      const co = obj(c, 'column');
      const enc = co.enc as ColumnEncoding;
      need(ENCODINGS.includes(enc), 'columns.enc');
      return { encoding: enc, stats: statsIn(co) };
    });
    const batches = arr(o, 'batches').map((b): BatchInfo => {
      const bo = obj(b, 'batch');
      const cols = arr(bo, 'columns').map(statsIn);
      need(cols.length === columns.length, 'batches.columns');
      return {
        firstKey: bytes(bo, 'firstKey'),
        lastKey: bytes(bo, 'lastKey'),
        rowCount: nat(bo, 'rows'),
        smallestSeq: seq(bo, 'minSeq'),
        largestSeq: seq(bo, 'maxSeq'),
        columns: cols,
      };
    });
    const width = o.width;
    need(typeof width === 'number' && Number.isInteger(width) && width >= -1, 'width');
    const meta = {
      table: nat(o, 'table'),
      rowCount: nat(o, 'rows'),
      putCount: nat(o, 'puts'),
      delCount: nat(o, 'dels'),
      distinctKeys: nat(o, 'distinctKeys'),
      smallestKey: bytes(o, 'minKey'),
      largestKey: bytes(o, 'maxKey'),
      smallestSeq: seq(o, 'minSeq'),
      largestSeq: seq(o, 'maxSeq'),
      columnCount: columns.length,
      columns,
    };
    need(meta.putCount + meta.delCount === meta.rowCount, 'rows');
    need(batches.reduce((n, b) => n + b.rowCount, 0) === meta.rowCount, 'batches.rows');
    need(width === -1 || width === columns.length, 'width');
    return { meta, width, batches, bloom: bytes(o, 'bloom'), bloomProbes: nat(o, 'bloomProbes') };
  } catch (e) {
    if (e instanceof FooterShapeError) return e.message;
    return `footer does not decode: ${(e as Error).message}`;
  }
}

export interface Trailer {
  footerBytes: number;
  footerCrc: number;
  bodyCrc: number;
  formatVersion: number;
}

export function encodeTrailer(t: Trailer): Uint8Array {
  const out = new Uint8Array(TRAILER_BYTES);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, t.footerBytes, true);
  dv.setUint32(4, t.footerCrc, true);
  dv.setUint32(8, t.bodyCrc, true);
  dv.setUint16(12, t.formatVersion, true);
  dv.setUint16(14, 0, true); // flags, reserved
  dv.setUint32(16, crc32(out.subarray(0, 16)), true);
  out.set(new TextEncoder().encode(SEGMENT_MAGIC), 20);
  return out;
}

/** Parse the last TRAILER_BYTES of a file; returns an error message on any mismatch. */
export function decodeTrailer(file: Uint8Array): Trailer | string {
  if (file.length < TRAILER_BYTES) return `file is ${file.length} bytes, shorter than the ${TRAILER_BYTES}-byte trailer`;
  const t = file.subarray(file.length - TRAILER_BYTES);
  if (new TextDecoder().decode(t.subarray(20)) !== SEGMENT_MAGIC) return 'bad magic (not a segment, or truncated)';
  const dv = new DataView(t.buffer, t.byteOffset, TRAILER_BYTES);
  if (dv.getUint32(16, true) !== crc32(t.subarray(0, 16))) return 'trailer checksum mismatch';
  const formatVersion = dv.getUint16(12, true);
  if (formatVersion !== SEGMENT_FORMAT_VERSION) return `unknown format version ${formatVersion}`;
  if (dv.getUint16(14, true) !== 0) return 'unknown flags in trailer';
  const footerBytes = dv.getUint32(0, true);
  if (footerBytes > file.length - TRAILER_BYTES) return 'footer length exceeds the file';
  return { footerBytes, footerCrc: dv.getUint32(4, true), bodyCrc: dv.getUint32(8, true), formatVersion };
}
