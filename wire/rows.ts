// Result and parameter encoding between internal values and the wire (text or binary format),
// through the catalog's type codecs.
//
// Invariants:
// - Encoders are chosen once per statement (per column: OID, format, settings), never per value.
// - DataRow bytes are written straight into the writer's buffer; a NULL is length -1.
// - Format codes other than 0 (text) and 1 (binary) are rejected before any row is produced.

import { DbError, TypeOid, binaryIn, binaryOut, textIn, textOut } from '../catalog/index.js';
import type { Field, FormatSettings, Value } from '../planner/api.js';
import type { BackendWriter } from './writer.js';
import { decodeUtf8, type BindParams } from './messages.js';

export type ColumnEncoder = (w: BackendWriter, v: Value) => void;

function checkFormat(code: number): void {
  if (code !== 0 && code !== 1) throw new DbError('22023', `unsupported format code: ${code}`);
}

/** The format code of column `i` under Bind's result-format list (none = text, one = all). */
export function formatOf(formats: readonly number[], i: number): number {
  return formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : formats[i]!;
}

/** Checks Bind's result-format list against the column count (PostgreSQL's wording). */
export function checkResultFormats(formats: readonly number[], columnCount: number): void {
  if (formats.length > 1 && formats.length !== columnCount) {
    throw new DbError('08P01', `bind message has ${formats.length} result formats but query has ${columnCount} columns`);
  }
  // An indexed loop: for-of over the shared frozen empty list took ~5 % of a prepared lookup.
  for (let i = 0; i < formats.length; i++) checkFormat(formats[i]!);
}

export function encodersFor(fields: readonly Field[], formats: readonly number[], fmt: FormatSettings): ColumnEncoder[] {
  const out: ColumnEncoder[] = new Array(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const oid = fields[i]!.typeOid;
    if (formatOf(formats, i) === 1) {
      out[i] = (w, v) => {
        if (v === null || v === undefined) w.nullValue();
        else w.bytesValue(binaryOut(oid, v));
      };
    } else {
      out[i] = (w, v) => {
        if (v === null || v === undefined) w.nullValue();
        else w.textValue(textOut(oid, v, fmt));
      };
    }
  }
  return out;
}

/** One DataRow message. */
export function writeDataRow(w: BackendWriter, row: readonly Value[], encoders: readonly ColumnEncoder[]): void {
  w.begin('D');
  w.int16(encoders.length);
  for (let i = 0; i < encoders.length; i++) encoders[i]!(w, row[i]);
  w.end();
}

/** Decodes Bind parameters by the prepared statement's parameter types. */
export function decodeParams(
  params: BindParams,
  formats: readonly number[],
  paramOids: readonly number[],
  fmt: FormatSettings,
): Value[] {
  const n = params.count;
  const buf = params.buf;
  const pos = params.pos;
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = pos[2 * i]!;
    if (s === -1) {
      out[i] = null;
      continue;
    }
    const e = pos[2 * i + 1]!;
    const code = formatOf(formats, i);
    checkFormat(code);
    const oid = paramOids[i] ?? 0;
    if (code === 0) {
      const v = oid === INT4_OID || oid === INT8_OID || oid === INT2_OID ? plainInt(oid, buf, s, e) : undefined;
      out[i] = v !== undefined ? v : textIn(oid === 0 ? TEXT_OID_UNKNOWN : oid, decodeUtf8(buf.subarray(s, e)), fmt);
    } else {
      out[i] = binaryIn(oid === 0 ? TEXT_OID_UNKNOWN : oid, buf.subarray(s, e));
    }
  }
  return out;
}

/** An unresolved parameter type stays text-like (PostgreSQL's `unknown`, OID 705). */
const TEXT_OID_UNKNOWN = 705;
const INT2_OID: number = TypeOid.int2;
const INT4_OID: number = TypeOid.int4;
const INT8_OID: number = TypeOid.int8;

/**
 * A text integer parameter in its plainest form — an optional '-' and 1 to 4 (int2) or 9 digits,
 * nothing else — read straight from the bytes: no string, no parse (pgbench's `aid`). Such text
 * always fits the type, so the value is textIn's. Anything else (spaces, '+', more digits,
 * non-digits) is undefined: textIn then decides, with PostgreSQL's errors.
 */
function plainInt(oid: number, buf: Buffer, start: number, end: number): number | bigint | undefined {
  let i = start;
  if (end > start && buf[start] === 0x2d) i = start + 1;
  const digits = end - i;
  if (digits < 1 || digits > (oid === INT2_OID ? 4 : 9)) return undefined;
  let n = 0;
  for (let j = i; j < end; j++) {
    const d = buf[j]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  // '-0' is 0 (never -0: PostgreSQL has no negative zero integer).
  const v = i > start && n !== 0 ? -n : n;
  return oid === INT8_OID ? BigInt(v) : v;
}
