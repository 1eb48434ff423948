// Backend message writer: every message of one event-loop turn is built into one growing buffer
// and handed to the socket in a single write (see PROTOCOL.md, "Batching").
//
// Invariants:
// - `begin(type)` / `end()` bracket every message; the length word is back-patched by `end()`.
// - The buffer grows by doubling and never shrinks below its initial size; `take()` hands out a
//   copy-free view and starts a fresh buffer, so a view given to the socket is never overwritten.
// - Strings are written as UTF-8; cstrings must not contain NUL (the caller's values never do:
//   they come from decoded UTF-8 text that the frame reader already split on NUL).

import type { Field } from '../planner/api.js';

export interface ErrorFields {
  severity: string;
  code: string;
  message: string;
  detail?: string | undefined;
  hint?: string | undefined;
  position?: number | undefined;
  internalPosition?: number | undefined;
  internalQuery?: string | undefined;
  where?: string | undefined;
  schema?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  dataType?: string | undefined;
  constraint?: string | undefined;
}

const INITIAL_BYTES = 16 * 1024;
/** Outputs up to this size are copied out of the working buffer instead of handing it over. */
const SMALL_OUTPUT_BYTES = 4 * 1024;

export class BackendWriter {
  buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  pos = 0;
  private msgStart = -1;
  /**
   * The last RowDescription built for one uniform format code, by field-list identity (see
   * rowDescription): one entry, so repeating one statement hits and nothing grows.
   */
  private rdFields: readonly Field[] | undefined = undefined;
  private rdCode = -1;
  private rdBytes: Buffer | undefined = undefined;

  get sizeBytes(): number {
    return this.pos;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.buf.copy(nb, 0, 0, this.pos);
    this.buf = nb;
  }

  /**
   * The bytes written so far, resetting the writer. Small outputs are copied (into Node's pooled
   * slab, cheap) so the working buffer is reused; large outputs are handed over without a copy
   * and the writer starts a fresh buffer, so bytes given to the socket are never overwritten.
   */
  take(): Buffer {
    let out: Buffer;
    if (this.pos <= SMALL_OUTPUT_BYTES) {
      out = Buffer.allocUnsafe(this.pos);
      this.buf.copy(out, 0, 0, this.pos);
    } else {
      out = this.buf.subarray(0, this.pos);
      this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
    }
    this.pos = 0;
    return out;
  }

  begin(type: string): void {
    this.ensure(5);
    this.buf[this.pos] = type.charCodeAt(0);
    this.msgStart = this.pos + 1;
    this.pos += 5;
  }

  end(): void {
    this.buf.writeInt32BE(this.pos - this.msgStart, this.msgStart);
    this.msgStart = -1;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
  }

  cstring(s: string): void {
    this.ensure(s.length * 3 + 1);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.buf[this.pos++] = 0;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A length-prefixed UTF-8 value (DataRow column in text format). */
  textValue(s: string): void {
    this.ensure(4 + s.length * 3);
    const lenAt = this.pos;
    const n = this.buf.write(s, lenAt + 4, 'utf8');
    this.buf.writeInt32BE(n, lenAt);
    this.pos = lenAt + 4 + n;
  }

  /** A length-prefixed binary value (DataRow column in binary format). */
  bytesValue(b: Uint8Array): void {
    this.ensure(4 + b.length);
    this.buf.writeInt32BE(b.length, this.pos);
    this.buf.set(b, this.pos + 4);
    this.pos += 4 + b.length;
  }

  nullValue(): void {
    this.int32(-1);
  }

  // ---- whole messages -------------------------------------------------------------------

  authentication(code: number, data?: Uint8Array): void {
    this.begin('R');
    this.int32(code);
    if (data) this.bytes(data);
    this.end();
  }

  parameterStatus(name: string, value: string): void {
    this.begin('S');
    this.cstring(name);
    this.cstring(value);
    this.end();
  }

  backendKeyData(pid: number, secret: number): void {
    this.begin('K');
    this.int32(pid);
    this.int32(secret);
    this.end();
  }

  readyForQuery(status: 'I' | 'T' | 'E'): void {
    this.begin('Z');
    this.int8(status.charCodeAt(0));
    this.end();
  }

  negotiateProtocolVersion(minor: number, unrecognized: readonly string[]): void {
    this.begin('v');
    this.int32(minor);
    this.int32(unrecognized.length);
    for (const o of unrecognized) this.cstring(o);
    this.end();
  }

  /**
   * RowDescription; `formats[i]` (or formats[0] for all, or 0) is each column's format code.
   * With one format for all columns (the usual case) the bytes of the last field list are kept
   * and copied when the same list comes again: a prepared statement's fields are one array for
   * the plan's life, so a Describe per Execute (pgbench -M prepared, node-postgres) is a copy.
   */
  rowDescription(fields: readonly Field[], formats: readonly number[]): void {
    if (formats.length > 1) {
      this.encodeRowDescription(fields, formats);
      return;
    }
    const code = formats.length === 0 ? 0 : formats[0]!;
    if (code !== 0 && code !== 1) {
      this.encodeRowDescription(fields, formats); // rejected by Bind before; never cached
      return;
    }
    if (this.rdFields !== fields || this.rdCode !== code) {
      const start = this.pos;
      this.encodeRowDescription(fields, formats);
      this.rdFields = fields;
      this.rdCode = code;
      this.rdBytes = Buffer.from(this.buf.subarray(start, this.pos));
      return;
    }
    this.bytes(this.rdBytes!);
  }

  private encodeRowDescription(fields: readonly Field[], formats: readonly number[]): void {
    this.begin('T');
    this.int16(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      this.cstring(f.name);
      this.ensure(18);
      const b = this.buf;
      let p = this.pos;
      b.writeInt32BE(f.tableOid | 0, p);
      b.writeInt16BE(f.columnAttr, p + 4);
      b.writeInt32BE(f.typeOid | 0, p + 6);
      b.writeInt16BE(f.typeLen, p + 10);
      b.writeInt32BE(f.typeMod | 0, p + 12);
      b.writeInt16BE(formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : formats[i]!, p + 16);
      this.pos = p + 18;
    }
    this.end();
  }

  noData(): void {
    this.simple('n');
  }

  parameterDescription(oids: readonly number[]): void {
    this.begin('t');
    this.int16(oids.length);
    for (const o of oids) this.int32(o);
    this.end();
  }

  commandComplete(tag: string): void {
    this.begin('C');
    this.cstring(tag);
    this.end();
  }

  emptyQueryResponse(): void {
    this.simple('I');
  }

  parseComplete(): void {
    this.simple('1');
  }

  bindComplete(): void {
    this.simple('2');
  }

  closeComplete(): void {
    this.simple('3');
  }

  portalSuspended(): void {
    this.simple('s');
  }

  copyDone(): void {
    this.simple('c');
  }

  /** CopyInResponse ('G') / CopyOutResponse ('H'): overall format then one code per column. */
  copyResponse(type: 'G' | 'H', binary: boolean, columnCount: number): void {
    this.begin(type);
    this.int8(binary ? 1 : 0);
    this.int16(columnCount);
    for (let i = 0; i < columnCount; i++) this.int16(binary ? 1 : 0);
    this.end();
  }

  copyData(chunk: Uint8Array): void {
    this.begin('d');
    this.bytes(chunk);
    this.end();
  }

  /** ErrorResponse ('E') or NoticeResponse ('N'), fields in PostgreSQL's order. */
  errorOrNotice(type: 'E' | 'N', f: ErrorFields): void {
    this.begin(type);
    this.field('S', f.severity);
    this.field('V', f.severity);
    this.field('C', f.code);
    this.field('M', f.message);
    this.field('D', f.detail);
    this.field('H', f.hint);
    this.field('P', f.position === undefined ? undefined : String(f.position));
    this.field('p', f.internalPosition === undefined ? undefined : String(f.internalPosition));
    this.field('q', f.internalQuery);
    this.field('W', f.where);
    this.field('s', f.schema);
    this.field('t', f.table);
    this.field('c', f.column);
    this.field('d', f.dataType);
    this.field('n', f.constraint);
    this.int8(0);
    this.end();
  }

  private field(code: string, value: string | undefined): void {
    if (value === undefined) return;
    this.int8(code.charCodeAt(0));
    this.cstring(value);
  }

  private simple(type: string): void {
    this.ensure(5);
    this.buf[this.pos] = type.charCodeAt(0);
    this.buf.writeInt32BE(4, this.pos + 1);
    this.pos += 5;
  }
}
