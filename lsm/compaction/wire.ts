// Packing entries for the trip to a worker thread. postMessage's structured clone costs about
// 8 µs per entry (every Uint8Array drags its own ArrayBuffer), and that cost lands on the main
// thread — the very thread a worker flush is meant to spare. So entries travel as a few flat
// buffers, built in one pass and transferred, not copied. This format never reaches disk.
//
//   keys      concatenated key bytes; keyOffsets Int32Array[n+1]
//   seqs      BigInt64Array[n];  kinds Uint8Array[n] (0 put, 1 del)
//   cells     per put entry: u16 width, then per cell a tag byte and its payload:
//             0 null | 1 false | 2 true | 3 f64 (8 LE) | 7 int64 bigint (8 LE)
//             4 other bigint (u32 len + decimal) | 5 string (u32 len + UTF-8) | 6 bytes (u32 len + raw)
import type { Cell, Entry, TableId } from '../types.js';
import { decodeUtf8, type PackedRows } from '../segment/index.js';

/** Entries as flat buffers: the segment encoder's own input shape (encodeSegmentPacked). */
export type PackedEntries = PackedRows;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

// A Buffer (own ArrayBuffer, never the shared pool): Buffer#write puts a string's UTF-8 in
// place without a subarray view per cell.
class Out {
  buf: Buffer;
  dv: DataView;
  n = 0;
  constructor(sizeBytes: number) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(64, sizeBytes));
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }
  need(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
    this.dv = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
  /** A plain Uint8Array copy down to size, with its own ArrayBuffer (it is transferred). */
  done(): Uint8Array {
    const out = new Uint8Array(this.n);
    out.set(this.buf.subarray(0, this.n));
    return out;
  }
}

/** One pass over the entries; all buffers are fresh and safe to transfer. */
export function packEntries(table: TableId, entries: readonly Entry[]): PackedEntries {
  const n = entries.length;
  let keyBytes = 0;
  for (let i = 0; i < n; i++) keyBytes += entries[i]!.key.length;
  const keys = new Uint8Array(keyBytes);
  const keyOffsets = new Int32Array(n + 1);
  const seqs = new BigInt64Array(n);
  const kinds = new Uint8Array(n);
  const out = new Out(n * 32);
  let kp = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    if (e.table !== table) throw new Error(`packEntries: entry of table ${e.table} in a batch of table ${table}`);
    keys.set(e.key, kp);
    kp += e.key.length;
    keyOffsets[i + 1] = kp;
    seqs[i] = e.seq;
    if (e.kind === 'del') {
      kinds[i] = 1;
      continue;
    }
    const row = e.row!;
    out.need(2);
    out.dv.setUint16(out.n, row.length, true);
    out.n += 2;
    for (let c = 0; c < row.length; c++) putCell(out, row[c]!);
  }
  return { table, count: n, keys, keyOffsets, seqs, kinds, cells: out.done() };
}

function putCell(out: Out, v: Cell): void {
  if (v === null) {
    out.need(1);
    out.buf[out.n++] = 0;
    return;
  }
  switch (typeof v) {
    case 'boolean':
      out.need(1);
      out.buf[out.n++] = v ? 2 : 1;
      return;
    case 'number':
      out.need(9);
      out.buf[out.n++] = 3;
      out.dv.setFloat64(out.n, v, true);
      out.n += 8;
      return;
    case 'bigint':
      if (v >= INT64_MIN && v <= INT64_MAX) {
        out.need(9);
        out.buf[out.n++] = 7;
        out.dv.setBigInt64(out.n, v, true);
        out.n += 8;
      } else putBytes(out, 4, utf8.encode(v.toString(10)));
      return;
    case 'string': {
      out.need(5 + v.length * 3);
      out.buf[out.n] = 5;
      const written = out.buf.write(v, out.n + 5, 'utf8');
      out.dv.setUint32(out.n + 1, written, true);
      out.n += 5 + written;
      return;
    }
    case 'object':
      putBytes(out, 6, v);
      return;
  }
}

function putBytes(out: Out, tag: number, b: Uint8Array): void {
  out.need(5 + b.length);
  out.buf[out.n] = tag;
  out.dv.setUint32(out.n + 1, b.length, true);
  out.buf.set(b, out.n + 5);
  out.n += 5 + b.length;
}

export function packedTransferables(p: PackedEntries): ArrayBuffer[] {
  return [p.keys.buffer, p.keyOffsets.buffer, p.seqs.buffer, p.kinds.buffer, p.cells.buffer] as ArrayBuffer[];
}

/** Inverse of packEntries; keys and byte cells are views into the packed buffers. */
export function unpackEntries(p: PackedEntries): Entry[] {
  const out: Entry[] = new Array(p.count);
  const b = p.cells;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let q = 0;
  for (let i = 0; i < p.count; i++) {
    const key = p.keys.subarray(p.keyOffsets[i]!, p.keyOffsets[i + 1]!);
    if (p.kinds[i] === 1) {
      out[i] = { table: p.table, key, seq: p.seqs[i]!, kind: 'del', row: undefined };
      continue;
    }
    const width = dv.getUint16(q, true);
    q += 2;
    const row: Cell[] = new Array(width);
    for (let c = 0; c < width; c++) {
      const tag = b[q++]!;
      switch (tag) {
        case 0: row[c] = null; break;
        case 1: row[c] = false; break;
        case 2: row[c] = true; break;
        case 3: row[c] = dv.getFloat64(q, true); q += 8; break;
        case 7: row[c] = dv.getBigInt64(q, true); q += 8; break;
        case 4: case 5: case 6: {
          const len = dv.getUint32(q, true);
          const body = b.subarray(q + 4, q + 4 + len);
          q += 4 + len;
          row[c] = tag === 6 ? body : tag === 5 ? decodeUtf8(b, q - len, q) : BigInt(utf8d.decode(body));
          break;
        }
        default:
          throw new Error(`packed entries: unknown cell tag ${tag}`);
      }
    }
    out[i] = { table: p.table, key, seq: p.seqs[i]!, kind: 'put', row };
  }
  return out;
}
