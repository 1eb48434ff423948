// The WAL record encoder (spec: FORMAT.md): writes the frame header and the msgpack payload
// [version, seq, [[table, key, kind, row, negZero?]...]] in one pass into one growing buffer,
// without building the intermediate arrays a general msgpack packer needs, and without copying
// the payload into a frame afterwards. A transaction of a million rows (one COPY) is one record,
// so this loop is the commit's cost.
//
// The bytes are plain msgpack and `decodePayload` (msgpackr) reads them; they equal what
// msgpackr writes with makePackr()'s settings for the common cases (the FORMAT.md example and
// the usual row shapes are checked) but need not be identical: a long string may carry a wider
// length header than necessary, integral numbers beyond 32 bits are written as float64
// (msgpackr reads both back as the same number). Cell kinds survive exactly as FORMAT.md says:
// a bigint is always int64, a number never is.
//
// Invariants: the returned frame's length field equals the payload bytes and its CRC is
// zlib.crc32 of them; a value the encoder does not know (a programmer error upstream, since
// checkValue validated every row) throws before anything is returned.
import { crc32 } from 'node:zlib';
import type { Cell, Entry, Seq } from '../types.js';

export const FRAME_HEADER_BYTES = 8;
export const WAL_RECORD_VERSION = 1;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Growable output: a Buffer plus a write position (Buffer for its native utf8Write). */
class Out {
  buf: Buffer;
  pos = 0;

  /** View of `buf` for int64 (Buffer.writeBigInt64BE splits the bigint with BigInt arithmetic). */
  private dv: DataView;

  constructor(sizeBytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, sizeBytes));
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Makes room for `n` more bytes (doubling: amortised O(1) per byte). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.dv = new DataView(next.buffer, next.byteOffset, next.length);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  u16(tag: number, v: number): void {
    this.ensure(3);
    const b = this.buf;
    b[this.pos] = tag;
    b[this.pos + 1] = v >>> 8;
    b[this.pos + 2] = v & 0xff;
    this.pos += 3;
  }

  u32(tag: number, v: number): void {
    this.ensure(5);
    this.buf[this.pos] = tag;
    this.buf.writeUInt32BE(v >>> 0, this.pos + 1);
    this.pos += 5;
  }

  arrayHeader(n: number): void {
    if (n < 16) this.byte(0x90 | n);
    else if (n < 0x10000) this.u16(0xdc, n);
    else this.u32(0xdd, n);
  }

  int(v: number): void {
    if (v >= 0) {
      if (v < 0x80) this.byte(v);
      else if (v < 0x100) {
        this.ensure(2);
        this.buf[this.pos] = 0xcc;
        this.buf[this.pos + 1] = v;
        this.pos += 2;
      } else if (v < 0x10000) this.u16(0xcd, v);
      else this.u32(0xce, v);
    } else if (v >= -32) this.byte(v & 0xff);
    else if (v >= -128) {
      this.ensure(2);
      this.buf[this.pos] = 0xd0;
      this.buf[this.pos + 1] = v & 0xff;
      this.pos += 2;
    } else if (v >= -32768) this.u16(0xd1, v & 0xffff);
    else {
      this.ensure(5);
      this.buf[this.pos] = 0xd2;
      this.buf.writeInt32BE(v, this.pos + 1);
      this.pos += 5;
    }
  }

  float64(v: number): void {
    this.ensure(9);
    this.buf[this.pos] = 0xcb;
    this.buf.writeDoubleBE(v, this.pos + 1);
    this.pos += 9;
  }

  number(v: number): void {
    // -0 is handled by the caller (negZero list); integral values within 32 bits as ints.
    if (Number.isInteger(v) && v >= -2147483648 && v <= 4294967295) this.int(v);
    else this.float64(v);
  }

  int64(v: bigint): void {
    if (v < INT64_MIN || v > INT64_MAX) throw new Error(`lsm invariant violated: bigint cell ${v} outside int64`);
    this.ensure(9);
    this.buf[this.pos] = 0xd3;
    this.dv.setBigInt64(this.pos + 1, v);
    this.pos += 9;
  }

  str(s: string): void {
    const n = s.length;
    if (n < 32) {
      // Short strings (most cells): copy ASCII byte by byte behind a fixstr header.
      this.ensure(1 + n);
      const b = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      if (i === n) {
        b[this.pos] = 0xa0 | n;
        this.pos = start + n;
        return;
      }
      // Non-ASCII: the exact byte length picks the smallest header.
      const len = Buffer.byteLength(s, 'utf8');
      const head = len < 32 ? 1 : len < 0x100 ? 2 : 3;
      this.ensure(head + len);
      this.strHeader(head, len);
      this.buf.write(s, this.pos + head, 'utf8');
      this.pos += head + len;
      return;
    }
    // Long strings: a UTF-16 code unit is at most 3 UTF-8 bytes; choose the header from that
    // bound, write the bytes behind it, then fill in the real length.
    const maxBytes = n * 3;
    const head = maxBytes < 0x100 ? 2 : maxBytes < 0x10000 ? 3 : 5;
    this.ensure(head + maxBytes);
    const len = this.buf.write(s, this.pos + head, 'utf8');
    this.strHeader(head, len);
    this.pos += head + len;
  }

  private strHeader(head: number, len: number): void {
    const b = this.buf;
    switch (head) {
      case 1: b[this.pos] = 0xa0 | len; break;
      case 2: b[this.pos] = 0xd9; b[this.pos + 1] = len; break;
      case 3: b[this.pos] = 0xda; b[this.pos + 1] = len >>> 8; b[this.pos + 2] = len & 0xff; break;
      default: b[this.pos] = 0xdb; b.writeUInt32BE(len, this.pos + 1);
    }
  }

  bin(v: Uint8Array): void {
    const n = v.length;
    if (n < 0x100) {
      this.ensure(2 + n);
      this.buf[this.pos] = 0xc4;
      this.buf[this.pos + 1] = n;
      this.pos += 2;
    } else if (n < 0x10000) {
      this.ensure(3 + n);
      this.u16(0xc5, n);
    } else {
      this.ensure(5 + n);
      this.u32(0xc6, n);
    }
    if (n < 32) {
      const b = this.buf;
      for (let i = 0; i < n; i++) b[this.pos + i] = v[i]!;
    } else this.buf.set(v, this.pos);
    this.pos += n;
  }

  cell(c: Cell): void {
    if (c === null) return this.byte(0xc0);
    switch (typeof c) {
      case 'number': return this.number(c);
      case 'string': return this.str(c);
      case 'bigint': return this.int64(c);
      case 'boolean': return this.byte(c ? 0xc3 : 0xc2);
      default:
        if (c instanceof Uint8Array) return this.bin(c);
        throw new Error(`lsm invariant violated: unknown cell kind ${typeof c}`);
    }
  }
}

/** A whole frame (header + payload) of the record of `seq` holding `entries`. */
export function encodeFrame(seq: Seq, entries: readonly Entry[]): Uint8Array {
  // Estimate: keys plus ~24 bytes per cell; the buffer doubles if the estimate is short.
  let estimate = 32;
  const sample = Math.min(entries.length, 64);
  for (let i = 0; i < sample; i++) estimate += 16 + entries[i]!.key.length + (entries[i]!.row?.length ?? 0) * 24;
  if (sample > 0) estimate = Math.ceil((estimate * entries.length) / sample);
  const o = new Out(FRAME_HEADER_BYTES + estimate);
  o.pos = FRAME_HEADER_BYTES;
  o.byte(0x93);
  o.int(WAL_RECORD_VERSION);
  o.int64(seq);
  o.arrayHeader(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const row = e.kind === 'put' ? e.row ?? null : null;
    let negZero: number[] | undefined;
    if (row) for (let c = 0; c < row.length; c++) if (row[c] === 0 && Object.is(row[c], -0)) (negZero ??= []).push(c);
    o.byte(negZero ? 0x95 : 0x94);
    o.number(e.table);
    o.bin(e.key);
    o.byte(e.kind === 'put' ? 0 : 1);
    if (!row) o.byte(0xc0);
    else {
      o.arrayHeader(row.length);
      for (let c = 0; c < row.length; c++) o.cell(row[c]!);
    }
    if (negZero) {
      o.arrayHeader(negZero.length);
      for (const c of negZero) o.int(c);
    }
  }
  const payloadBytes = o.pos - FRAME_HEADER_BYTES;
  const b = o.buf;
  b.writeUInt32LE(payloadBytes, 0);
  b.writeUInt32LE(crc32(b.subarray(FRAME_HEADER_BYTES, o.pos)), 4);
  // A plain Uint8Array view (not a Buffer): what readers of an in-memory frame get back is then
  // the same as for frames read from files by MemIo.
  return new Uint8Array(b.buffer, b.byteOffset, o.pos);
}
