// COPY FROM in text format straight from the input bytes (copy-rows.ts RowSource): no string per
// line, no string per field, no field arrays. Each record's field byte ranges are found in one
// scan, then converted per column by kind:
//  - int2/int4/int8: plain digits ('-'? 1–15 digits, no leading zero) → the number / BigInt;
//  - timestamp/timestamptz without typmod: 'YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}]' with an explicit
//    offset ('Z', '±HH', '±HH:MM', '±HH:MM:SS', '±HHMM'; timestamp ignores it) → µs since 2000;
//  - numeric: plain canonical decimal text that fits numeric(p,s) without rounding → the stored
//    text (fraction padded to s digits); numeric without typmod keeps the text;
//  - text and varchar without length: the field's UTF-8 as a string.
// Exactly the rules of copy-cells.ts / catalog dt-fast.ts, byte for byte. Every other column
// type, every escaped field and every input a fast rule is unsure about (signs, spaces, words,
// rounding, overflow, a timestamp without offset: the session zone) is decoded to the same
// string the general parser (copy-parse.ts TextRecordParser) would give and converted by the same
// textToCell, so values and errors (SQLSTATE, message, CONTEXT line) are the general path's.
//
// Input handling mirrors TextRecordParser: UTF-8 validated at push for everything but an
// incomplete trailing character (22021 as TextDecoder's fatal mode raises it), a leading BOM
// dropped, records end at '\n' (one '\r' before it stripped), the line `\.` ends the data, a
// backslash takes the next byte with it when fields are split, the NULL marker is compared
// before unescaping. The pending bytes are bounded as the general parser bounds them (54000).

import { isUtf8 } from 'node:buffer';
import { DbError, TypeOid, daysFromCivil, daysInMonth, isValidNumericTypmod, numericTypmodPrecision, numericTypmodScale } from '../../catalog/index.js';
import type { Cell } from '../../lsm/index.js';
import { COPY_RECORD_BYTES_MAX, unescapeText, type TextOptions } from './copy-parse.js';
import { columnError, extraData, missingData, type RowSource, type RowTarget } from './copy-rows.js';

/** Whether text-format input with these options can take FastTextRows (decided per COPY). */
export function fastTextEligible(o: TextOptions): boolean {
  return !o.csv && !o.header && o.delimiter.length === 1 && o.delimiter.charCodeAt(0) < 0x80;
}

const enum Kind {
  General,
  Int8,
  Int4,
  Int2,
  Timestamptz,
  Timestamp,
  Numeric,
  NumericAny,
  Text,
}

const NUMERIC_FAST_BYTES_MAX = 40;
const DAYS_EXACT_MAX = 100_000;
const USECS_PER_DAY = 86_400_000_000;
const INITIAL_BYTES = 128 * 1024;

interface BufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

export class FastTextRows implements RowSource {
  private buf: Buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  /** Next record starts here. */
  private start = 0;
  /** Bytes held. */
  private held = 0;
  /** Bytes [start, checked) are valid UTF-8 (checked ends on a character boundary). */
  private checked = 0;
  private bomChecked = false;
  private final = false;
  private done = false;
  private recStart = 0;
  private recEnd = 0;
  private fieldStart = new Int32Array(16);
  private fieldEnd = new Int32Array(16);
  private fieldEsc = new Uint8Array(16);
  private readonly kinds: Kind[];
  private readonly precision: number[];
  private readonly scale: number[];
  private readonly nullBytes: Buffer;
  private readonly delim: number;
  line = 0;

  constructor(o: TextOptions, private readonly t: RowTarget) {
    this.delim = o.delimiter.charCodeAt(0);
    this.nullBytes = Buffer.from(o.nullString, 'utf8');
    this.kinds = t.cols.map((c) => kindOf(c.typeOid, c.typmod));
    this.precision = t.cols.map((c) => (isValidNumericTypmod(c.typmod) ? numericTypmodPrecision(c.typmod) : 0));
    this.scale = t.cols.map((c) => (isValidNumericTypmod(c.typmod) ? numericTypmodScale(c.typmod) : 0));
    for (let i = 0; i < t.cols.length; i++) {
      const s = this.scale[i]!;
      if (this.kinds[i] === Kind.Numeric && (s < 0 || s > this.precision[i]!)) this.kinds[i] = Kind.General;
    }
  }

  push(chunk: Uint8Array): void {
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.held);
      this.held -= this.start;
      this.checked -= this.start;
      this.recStart = this.recEnd = 0;
      this.start = 0;
    }
    if (this.held + chunk.length > this.buf.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.held + chunk.length));
      this.buf.copy(next, 0, 0, this.held);
      this.buf = next;
    }
    this.buf.set(chunk, this.held);
    this.held += chunk.length;
    const upTo = completeEnd(this.buf, this.checked, this.held);
    if (upTo > this.checked && !isUtf8(this.buf.subarray(this.checked, upTo))) throw invalidUtf8();
    this.checked = upTo;
    if (!this.bomChecked && this.checked >= 3) this.checkBom();
    if (this.held - this.start > COPY_RECORD_BYTES_MAX) {
      const nl = this.buf.indexOf(10, this.start);
      if (nl < 0 || nl >= this.held) throw new DbError('54000', 'COPY record is too long');
    }
  }

  end(): void {
    // TextDecoder's final decode: an incomplete character at the end is an encoding error.
    if (this.checked < this.held) throw invalidUtf8();
    if (!this.bomChecked) this.checkBom();
    this.final = true;
  }

  /** TextDecoder drops a BOM at the start of the stream. */
  private checkBom(): void {
    this.bomChecked = true;
    const b = this.buf;
    if (this.held - this.start >= 3 && b[this.start] === 0xef && b[this.start + 1] === 0xbb && b[this.start + 2] === 0xbf) this.start += 3;
  }

  rawLine(): string {
    return (this.buf as unknown as BufferSlices).utf8Slice(this.recStart, this.recEnd);
  }

  next(): Cell[] | undefined {
    if (this.done || !this.bomChecked) return undefined;
    const b = this.buf;
    const s = this.start;
    const limit = this.checked;
    if (s >= limit) return undefined;
    let eol = b.indexOf(10, s);
    let next: number;
    if (eol < 0 || eol >= limit) {
      if (!this.final) return undefined;
      eol = limit;
      next = limit;
    } else next = eol + 1;
    let lineEnd = eol;
    if (lineEnd > s && b[lineEnd - 1] === 13) lineEnd--;
    this.start = next;
    this.recStart = s;
    this.recEnd = lineEnd;
    if (lineEnd - s === 2 && b[s] === 92 && b[s + 1] === 46) {
      this.done = true;
      return undefined;
    }
    const t = this.t;
    const ncols = t.cols.length;
    this.line++;
    const line = this.line;
    // Field boundaries (a backslash takes the next byte with it: an escaped delimiter does not split).
    if (this.fieldStart.length < ncols + 2) this.growFields(ncols + 2);
    const fStart = this.fieldStart;
    const fEnd = this.fieldEnd;
    const fEsc = this.fieldEsc;
    const dc = this.delim;
    let nf = 0;
    let j = s;
    let ascii = 0;
    for (;;) {
      const from = j;
      let esc = 0;
      while (j < lineEnd) {
        const c = b[j]!;
        if (c === dc) break;
        if (c === 92) {
          esc = 1;
          j += 2;
        } else {
          ascii |= c;
          j++;
        }
      }
      if (j > lineEnd) j = lineEnd;
      fStart[nf] = from;
      fEnd[nf] = j;
      fEsc[nf] = esc;
      nf++;
      // More fields than columns is an error whatever follows.
      if (j >= lineEnd || nf > ncols) break;
      j++;
    }
    if (nf < ncols) throw missingData(t, line, nf);
    if (nf > ncols) throw extraData(t, line);
    const cells = new Array<Cell>(t.width);
    for (let i = 0; i < t.width; i++) cells[i] = null;
    const isAscii = ascii < 0x80;
    for (let i = 0; i < ncols; i++) {
      const fs = fStart[i]!;
      const fe = fEnd[i]!;
      if (this.isNull(fs, fe)) continue;
      const at = t.cols[i]!.attnum - 1;
      if (fEsc[i] === 0) {
        const v = this.fast(i, fs, fe, isAscii);
        if (v !== undefined) {
          cells[at] = v;
          continue;
        }
      }
      let text = (b as unknown as BufferSlices).utf8Slice(fs, fe);
      if (fEsc[i] === 1) text = unescapeText(text);
      try {
        cells[at] = t.conv[i]!(text);
      } catch (e) {
        throw columnError(e, t, line, t.cols[i]!, text);
      }
    }
    return cells;
  }

  private growFields(n: number): void {
    this.fieldStart = new Int32Array(n);
    this.fieldEnd = new Int32Array(n);
    this.fieldEsc = new Uint8Array(n);
  }

  private isNull(fs: number, fe: number): boolean {
    const nb = this.nullBytes;
    if (fe - fs !== nb.length) return false;
    const b = this.buf;
    for (let k = 0; k < nb.length; k++) if (b[fs + k] !== nb[k]) return false;
    return true;
  }

  /** The cell of unescaped field bytes [fs, fe) of column i by a fast rule, or undefined. */
  private fast(i: number, fs: number, fe: number, isAscii: boolean): Cell | undefined {
    const b = this.buf;
    switch (this.kinds[i]!) {
      case Kind.General:
        return undefined;
      case Kind.Int8: {
        const n = plainInt(b, fs, fe);
        return n === undefined ? undefined : BigInt(n);
      }
      case Kind.Int4: {
        const n = plainInt(b, fs, fe);
        return n === undefined || n < -2147483648 || n > 2147483647 ? undefined : n;
      }
      case Kind.Int2: {
        const n = plainInt(b, fs, fe);
        return n === undefined || n < -32768 || n > 32767 ? undefined : n;
      }
      case Kind.Timestamptz:
        return timestampMicros(b, fs, fe, true);
      case Kind.Timestamp:
        return timestampMicros(b, fs, fe, false);
      case Kind.Numeric:
        return numericFitting(b, fs, fe, this.precision[i]!, this.scale[i]!);
      case Kind.NumericAny:
        return scanDecimal(b, fs, fe) < 0 ? undefined : (b as unknown as BufferSlices).latin1Slice(fs, fe);
      case Kind.Text:
        return isAscii ? (b as unknown as BufferSlices).latin1Slice(fs, fe) : (b as unknown as BufferSlices).utf8Slice(fs, fe);
    }
  }
}

function kindOf(oid: number, typmod: number): Kind {
  switch (oid) {
    case TypeOid.int8: return Kind.Int8;
    case TypeOid.int4: return Kind.Int4;
    case TypeOid.int2: return Kind.Int2;
    case TypeOid.timestamptz: return typmod < 0 ? Kind.Timestamptz : Kind.General;
    case TypeOid.timestamp: return typmod < 0 ? Kind.Timestamp : Kind.General;
    case TypeOid.numeric: return isValidNumericTypmod(typmod) ? Kind.Numeric : Kind.NumericAny;
    case TypeOid.text: return Kind.Text;
    case TypeOid.varchar: return typmod < 0 ? Kind.Text : Kind.General;
    default: return Kind.General;
  }
}

function invalidUtf8(): DbError {
  return new DbError('22021', 'invalid byte sequence for encoding "UTF8"');
}

/**
 * Where validation may stop: before a trailing incomplete character that a later chunk can
 * complete (a lead byte and valid continuation bytes, fewer than it needs), else `end` (an
 * invalid tail fails validation now, as a streaming TextDecoder fails).
 */
export function completeEnd(b: Uint8Array, from: number, end: number): number {
  let i = end - 1;
  let k = 0;
  while (i >= from && k < 3 && (b[i]! & 0xc0) === 0x80) {
    i--;
    k++;
  }
  if (i < from) return end;
  const lead = b[i]!;
  const need = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
  if (need <= k) return end;
  if (k >= 1) {
    const c1 = b[i + 1]!;
    if ((lead === 0xe0 && c1 < 0xa0) || (lead === 0xed && c1 > 0x9f) || (lead === 0xf0 && c1 < 0x90) || (lead === 0xf4 && c1 > 0x8f)) return end;
  }
  return i;
}

/** copy-cells.ts plainInt over bytes: '-'? then 1–15 digits without a leading zero, or "0". */
function plainInt(b: Uint8Array, s: number, e: number): number | undefined {
  let i = b[s] === 0x2d ? s + 1 : s;
  const digits = e - i;
  if (digits < 1 || digits > 15) return undefined;
  if (b[i] === 0x30) return e - s === 1 ? 0 : undefined;
  let v = 0;
  for (; i < e; i++) {
    const c = b[i]! - 0x30;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return e - s > digits ? -v : v;
}

/** Two digits at i (i + 1 < e), or -1. */
function two(b: Uint8Array, i: number, e: number): number {
  if (i + 1 >= e) return -1;
  const x = b[i]! - 0x30;
  const y = b[i + 1]! - 0x30;
  return x < 0 || x > 9 || y < 0 || y > 9 ? -1 : x * 10 + y;
}

/** catalog dt-fast.ts fastTimestamp over bytes, for input with an explicit offset only. */
function timestampMicros(b: Uint8Array, s: number, e: number, withTz: boolean): bigint | undefined {
  if (e - s < 19 || b[s + 4] !== 0x2d || b[s + 7] !== 0x2d) return undefined;
  const y1 = two(b, s, e);
  const y2 = two(b, s + 2, e);
  const m = two(b, s + 5, e);
  const d = two(b, s + 8, e);
  if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1) return undefined;
  const y = y1 * 100 + y2;
  if (y === 0 || d > daysInMonth(y, m)) return undefined;
  const days = daysFromCivil(y, m, d);
  const sep = b[s + 10];
  if (sep !== 0x20 && sep !== 0x54) return undefined;
  const i = s + 11;
  if (b[i + 2] !== 0x3a || b[i + 5] !== 0x3a) return undefined;
  const h = two(b, i, e);
  const mi = two(b, i + 3, e);
  const se = two(b, i + 6, e);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  let us = ((h * 60 + mi) * 60 + se) * 1_000_000;
  let j = i + 8;
  if (j < e && b[j] === 0x2e) {
    j++;
    let scale = 100_000;
    const from = j;
    while (j < e && b[j]! >= 0x30 && b[j]! <= 0x39) {
      if (scale < 1) return undefined; // more than 6 digits: dt-parse rounds
      us += (b[j]! - 0x30) * scale;
      scale /= 10;
      j++;
    }
    if (j === from) return undefined;
  }
  if (days > DAYS_EXACT_MAX || days < -DAYS_EXACT_MAX) return undefined;
  const local = days * USECS_PER_DAY + us;
  // No offset: timestamptz takes the session zone (the general path); timestamp is the wall clock.
  if (j >= e) return withTz ? undefined : BigInt(local);
  const off = offsetSeconds(b, j, e);
  if (off === undefined) return undefined;
  return BigInt(withTz ? local - off * 1_000_000 : local);
}

/** dt-fast.ts offset(): 'Z', '±HH', '±HH:MM', '±HH:MM:SS', '±HHMM' filling [i, e). */
function offsetSeconds(b: Uint8Array, i: number, e: number): number | undefined {
  const c = b[i];
  if (c === 0x5a || c === 0x7a) return i + 1 === e ? 0 : undefined;
  if (c !== 0x2b && c !== 0x2d) return undefined;
  const sign = c === 0x2d ? -1 : 1;
  const h = two(b, i + 1, e);
  if (h < 0 || h > 15) return undefined;
  let mi = 0;
  let se = 0;
  let j = i + 3;
  if (j < e) {
    if (b[j] === 0x3a) j++;
    mi = two(b, j, e);
    j += 2;
    if (j < e) {
      if (b[j] !== 0x3a) return undefined;
      se = two(b, j + 1, e);
      j += 3;
    }
  }
  if (j !== e || mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  return sign * (h * 3600 + mi * 60 + se);
}

/**
 * copy-cells.ts scanDecimal over bytes: the fraction digit count of plain canonical decimal
 * text, with the integer digit count in the high bits (intDigits * 256 + fracDigits; a lone
 * integer zero counts 0), or -1 when the general parser must decide.
 */
function scanDecimal(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 0 || n > NUMERIC_FAST_BYTES_MAX) return -1;
  let i = b[s] === 0x2d ? s + 1 : s;
  const intStart = i;
  while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
  const intEnd = i;
  const intDigits = intEnd - intStart;
  if (intDigits === 0) return -1;
  if (intDigits > 1 && b[intStart] === 0x30) return -1;
  let fracDigits = 0;
  if (i < e) {
    if (b[i] !== 0x2e) return -1;
    i++;
    const fracStart = i;
    while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    if (i !== e) return -1;
    fracDigits = i - fracStart;
    if (fracDigits === 0) return -1;
  }
  const lone0 = intDigits === 1 && b[intStart] === 0x30;
  if (intStart === s + 1 && lone0) {
    let zeros = true;
    for (let k = intEnd + 1; k < e; k++) if (b[k] !== 0x30) zeros = false;
    if (zeros) return -1; // negative zero prints without its sign
  }
  return (lone0 ? 0 : intDigits) * 256 + fracDigits;
}

const ZEROS = '0'.repeat(1000);

/** copy-cells.ts numericFitting over bytes: the stored text of numeric(p,s), or undefined. */
function numericFitting(b: Uint8Array, s: number, e: number, p: number, sc: number): string | undefined {
  const d = scanDecimal(b, s, e);
  if (d < 0) return undefined;
  const frac = d & 0xff;
  if (frac > sc || d >> 8 > p - sc) return undefined;
  const text = (b as unknown as BufferSlices).latin1Slice(s, e);
  if (frac === sc) return text;
  return frac === 0 ? `${text}.${ZEROS.slice(0, sc)}` : text + ZEROS.slice(0, sc - frac);
}
