// Column builders of a ColumnChunk (column-chunk.ts): one column's values as typed arrays and a
// UTF-8 byte buffer — Float64Array for numbers, BigInt64Array for int64 bigints, bytes + offsets
// for strings and byte cells, bits for booleans — appended row by row, either from cells (add)
// or by a caller converting input itself (putF64 / putI64 / putUtf8 / padUtf8: no BigInt or
// string per value). Invariants: rows arrive in order; a column holds one kind (add and the
// puts answer false for another, and the chunk falls back to plain entries); `valid` marks the
// non-null rows; every slot is written before it is read (a recycled chunk's buffers are reused).
import type { Cell } from '../types.js';
import { decodeUtf8 } from './cells.js';
import { kindOf } from './encode.js';
import type { ColumnEncoding } from './meta.js';

const INT64_MAX = (1n << 63n) - 1n;
const TWO_32 = 4294967296;
// putI64 writes an int64 as two 32-bit halves (low first): the BigInt64Array's layout on a
// little-endian host, which every platform Node supports here is (asserted, not assumed).
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('lsm column chunk: big-endian host not supported');
const INT64_MIN = -(1n << 63n);
export const INITIAL_ROWS = 1024;

/** A growable byte buffer (a Buffer: write() puts a string's UTF-8 in place). */
export class Bytes {
  buf: Buffer;
  used = 0;
  constructor(capacityBytes = 4096) {
    this.buf = Buffer.allocUnsafeSlow(capacityBytes);
  }
  /** Empty bytes over an existing buffer's whole capacity (a recycled chunk's). */
  static over(ab: ArrayBuffer): Bytes {
    const b = new Bytes(0);
    b.buf = Buffer.from(ab, 0, ab.byteLength);
    return b;
  }
  reserve(n: number): void {
    if (this.used + n > 0x7fffffff) throw new Error('column chunk exceeds 2 GiB');
    if (this.used + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + n));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
  put(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }
  putString(s: string): void {
    const n = s.length;
    this.reserve(n * 3);
    const buf = this.buf;
    const at = this.used;
    // Short ASCII (numerics as text, names): a JS loop beats Buffer#write's binding call.
    if (n <= 32) {
      let k = 0;
      for (; k < n; k++) {
        const c = s.charCodeAt(k);
        if (c >= 0x80) break;
        buf[at + k] = c;
      }
      if (k === n) {
        this.used = at + n;
        return;
      }
    }
    this.used = at + buf.write(s, at, 'utf8');
  }
}

export function grow<T extends Float64Array | BigInt64Array | Uint8Array | Int32Array | Uint16Array>(a: T, rows: number): T {
  if (rows <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(a.length * 2, rows));
  (next as Uint8Array).set(a as Uint8Array);
  return next;
}

/** One column's values so far; `kind` is 'null' until the first non-null cell. */
export class ColumnBuilder {
  kind: ColumnEncoding = 'null';
  /** 1 where the cell is not null (rows beyond a row's width are null). */
  valid: Uint8Array;
  f64: Float64Array | undefined;
  i64: BigInt64Array | undefined;
  /** utf8/bin: value i is bytes [offsets[i], offsets[i + 1]); bool: 0/1 in `bools`. */
  bytes: Bytes | undefined;
  offsets: Int32Array | undefined;
  bools: Uint8Array | undefined;
  /** `i64` as 32-bit halves (putI64); dropped whenever `i64` is replaced. */
  private i64w: Uint32Array | undefined;

  /**
   * `capacityRows`/`capacityBytes`: first sizes of the arrays (ChunkSizes of the previous chunk).
   * `spare`: a finished chunk's column buffers to take instead of allocating (any that are
   * large enough; `valid` is cleared, the others are written before they are read).
   */
  constructor(capacityRows = INITIAL_ROWS, private readonly capacityBytes = 4096, private spare?: ColumnParts) {
    if (spare !== undefined && spare.valid.length >= capacityRows) {
      this.valid = spare.valid;
      this.valid.fill(0);
    } else this.valid = new Uint8Array(capacityRows);
  }

  /** Appends cell `v` at row `i` (rows arrive in order); false when its kind differs. */
  add(i: number, v: Cell): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (v === null) {
      if (this.offsets) this.offsets[i + 1] = this.bytes!.used;
      else this.rowsBefore = i + 1;
      return true;
    }
    const k = kindOf(v);
    if (k !== this.kind) {
      if (this.kind !== 'null') return false;
      this.start(k);
    }
    this.valid[i] = 1;
    switch (k) {
      case 'f64': this.f64![i] = v as number; return true;
      case 'i64':
        if ((v as bigint) > INT64_MAX || (v as bigint) < INT64_MIN) return false;
        this.i64![i] = v as bigint;
        return true;
      case 'utf8': this.bytes!.putString(v as string); this.offsets![i + 1] = this.bytes!.used; return true;
      case 'bin': this.bytes!.put(v as Uint8Array); this.offsets![i + 1] = this.bytes!.used; return true;
      case 'bool': this.bools![i] = v === true ? 1 : 0; return true;
      default: return false;
    }
  }

  // Typed appends for a caller that converts input itself (ColumnarRow.writeInto): add(i, v)
  // for a value of one kind without the dispatch, and without a BigInt or string per value.
  // Each answers false, writing nothing, when the column holds another kind (add's rule).

  /** add(i, v) of a number. */
  putF64(i: number, v: number): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.kind !== 'f64') {
      if (this.kind !== 'null') return false;
      this.start('f64');
    }
    this.valid[i] = 1;
    this.f64![i] = v;
    return true;
  }

  /** add(i, BigInt(n)) of a safe integer `n`, without the BigInt. */
  putI64(i: number, n: number): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.kind !== 'i64') {
      if (this.kind !== 'null') return false;
      this.start('i64');
    }
    this.valid[i] = 1;
    let w = this.i64w;
    if (w === undefined) w = this.i64w = new Uint32Array(this.i64!.buffer, this.i64!.byteOffset, this.i64!.length * 2);
    const hi = Math.floor(n / TWO_32); // an int32 for a safe integer; stored modulo 2^32 (two's complement)
    w[2 * i] = n - hi * TWO_32;
    w[2 * i + 1] = hi;
    return true;
  }

  /** add(i, s) of the string whose UTF-8 is src[s, e) (copied: no string made). */
  putUtf8(i: number, src: Uint8Array, s: number, e: number): boolean {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.kind !== 'utf8') {
      if (this.kind !== 'null') return false;
      this.start('utf8');
    }
    this.valid[i] = 1;
    const by = this.bytes!;
    const n = e - s;
    by.reserve(n);
    const buf = by.buf;
    let at = by.used;
    // Short values: a JS loop beats a subarray and a set() call.
    if (n <= 32) for (let k = s; k < e; k++) buf[at++] = src[k]!;
    else {
      buf.set(src.subarray(s, e), at);
      at += n;
    }
    by.used = at;
    this.offsets![i + 1] = at;
    return true;
  }

  /** Appends `count` bytes `byte` to row i's value, the last one put (putUtf8): padding. */
  padUtf8(i: number, byte: number, count: number): void {
    const by = this.bytes!;
    by.reserve(count);
    by.buf.fill(byte, by.used, by.used + count);
    by.used += count;
    this.offsets![i + 1] = by.used;
  }

  /** Null for row i (a row narrower than this column). */
  addNull(i: number): void {
    if (i >= this.valid.length) this.ensure(i + 1);
    if (this.offsets) this.offsets[i + 1] = this.bytes!.used;
    else this.rowsBefore = i + 1;
  }

  private start(k: ColumnEncoding): void {
    this.kind = k;
    const cap = this.valid.length;
    const sp = this.spare;
    this.spare = undefined;
    if (k === 'f64') this.f64 = sp?.f64 !== undefined && sp.f64.length >= cap ? sp.f64 : new Float64Array(cap);
    else if (k === 'i64') {
      this.i64 = sp?.i64 !== undefined && sp.i64.length >= cap ? sp.i64 : new BigInt64Array(cap);
      this.i64w = undefined;
    }
    else if (k === 'bool') this.bools = sp?.bools !== undefined && sp.bools.length >= cap ? sp.bools : new Uint8Array(cap);
    else {
      const old = sp?.bytes?.buffer as ArrayBuffer | undefined;
      this.bytes = old !== undefined && old.byteLength >= this.capacityBytes ? Bytes.over(old) : new Bytes(this.capacityBytes);
      // Earlier rows: empty (null) values.
      if (sp?.offsets !== undefined && sp.offsets.length >= cap + 1) {
        this.offsets = sp.offsets;
        this.offsets.fill(0, 0, this.rowsBefore + 1);
      } else this.offsets = new Int32Array(cap + 1);
    }
  }

  /** Rows added before the first non-null cell (their offsets must read 0). */
  private rowsBefore = 0;

  private ensure(rows: number): void {
    const cap = Math.max(this.valid.length * 2, rows);
    this.valid = grow(this.valid, cap);
    if (this.f64) this.f64 = grow(this.f64, cap);
    if (this.i64) {
      this.i64 = grow(this.i64, cap);
      this.i64w = undefined;
    }
    if (this.bools) this.bools = grow(this.bools, cap);
    if (this.offsets) this.offsets = grow(this.offsets, cap + 1);
  }

  cell(i: number): Cell {
    if (i >= this.valid.length || this.valid[i] !== 1) return null;
    switch (this.kind) {
      case 'f64': return this.f64![i]!;
      case 'i64': return this.i64![i]!;
      case 'bool': return this.bools![i] === 1;
      case 'utf8': return decodeUtf8(this.bytes!.buf, this.offsets![i]!, this.offsets![i + 1]!);
      case 'bin': return new Uint8Array(this.bytes!.buf.subarray(this.offsets![i]!, this.offsets![i + 1]!));
      default: return null;
    }
  }
}

/** One column of a ColumnChunkParts (column-chunk.ts). */
export interface ColumnParts {
  kind: ColumnEncoding;
  valid: Uint8Array;
  f64: Float64Array | undefined;
  i64: BigInt64Array | undefined;
  bools: Uint8Array | undefined;
  bytes: Uint8Array | undefined;
  offsets: Int32Array | undefined;
}
