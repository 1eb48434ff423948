// COPY FROM in text format straight from the input bytes (copy-rows.ts RowSource): no string per
// line, no string per field, no field arrays. Each record's field byte ranges are found in one
// scan, then converted per column by kind:
//  - int2/int4/int8: plain digits ('-'? 1–15 digits, no leading zero) → the number / BigInt;
//  - timestamp/timestamptz without typmod: 'YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}]' with an explicit
//    offset ('Z', '±HH', '±HH:MM', '±HH:MM:SS', '±HHMM'; timestamp ignores it) → µs since 2000;
//  - numeric: plain canonical decimal text that fits numeric(p,s) without rounding → the stored
//    text (fraction padded to s digits); numeric without typmod keeps the text;
//  - text, varchar and bpchar without length: the field's UTF-8 as a string; varchar(n): the
//    same when it has at most n bytes; bpchar(n): an ASCII field of at most n bytes, padded.
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
import { DbError, TypeOid, isValidNumericTypmod, numericTypmodPrecision, numericTypmodScale } from '../../catalog/index.js';
import type { Cell } from '../../lsm/index.js';
import { DayCache, completeEnd, numericFitting, numericPad, plainInt, scanDecimal, timestampMicros } from './copy-bytes.js';
import { COPY_RECORD_BYTES_MAX, unescapeText, type TextOptions } from './copy-parse.js';
import { columnError, extraData, missingData, type RowSource, type RowTarget } from './copy-rows.js';
import { PAD_SPACES, StagedRow, Tag } from './copy-staged.js';

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
  /** varchar(n): the field when its UTF-8 is at most n bytes (so at most n characters). */
  Varchar,
  /** bpchar(n): an ASCII field of at most n characters, blank-padded to n. */
  Bpchar,
}

const VARHDRSZ = 4;
const SPACES = ' '.repeat(256);

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
  private readonly days = new DayCache();
  /** The array next(true) refills. */
  private row: Cell[] | undefined;
  /** The row stage() refills. */
  private staged: StagedRow | undefined;
  /** Whether the record found by record() is all ASCII. */
  private isAscii = true;
  line = 0;

  constructor(o: TextOptions, private readonly t: RowTarget) {
    this.delim = o.delimiter.charCodeAt(0);
    this.nullBytes = Buffer.from(o.nullString, 'utf8');
    this.kinds = t.cols.map((c) => kindOf(c.typeOid, c.typmod));
    this.precision = t.cols.map((c) => (isValidNumericTypmod(c.typmod) ? numericTypmodPrecision(c.typmod) : 0));
    this.scale = t.cols.map((c) => (isValidNumericTypmod(c.typmod) ? numericTypmodScale(c.typmod) : 0));
    // varchar(n)/bpchar(n): n in `precision`.
    for (let i = 0; i < t.cols.length; i++) if (this.kinds[i] === Kind.Varchar || this.kinds[i] === Kind.Bpchar) this.precision[i] = t.cols[i]!.typmod - VARHDRSZ;
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

  /**
   * Finds the next record's fields (fieldStart/fieldEnd/fieldEsc, one per listed column; 22P04
   * for a wrong count) and counts its line: false when no complete record is held.
   */
  private record(): boolean {
    if (this.done || !this.bomChecked) return false;
    const b = this.buf;
    const s = this.start;
    const limit = this.checked;
    if (s >= limit) return false;
    let eol = b.indexOf(10, s);
    let next: number;
    if (eol < 0 || eol >= limit) {
      if (!this.final) return false;
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
      return false;
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
    this.isAscii = ascii < 0x80;
    return true;
  }

  next(reuse = false): Cell[] | undefined {
    if (!this.record()) return undefined;
    const t = this.t;
    const ncols = t.cols.length;
    const fStart = this.fieldStart;
    const fEnd = this.fieldEnd;
    const fEsc = this.fieldEsc;
    let cells = reuse ? this.row : undefined;
    if (cells === undefined) {
      cells = new Array<Cell>(t.width);
      for (let i = 0; i < t.width; i++) cells[i] = null;
      // Unlisted columns stay null; listed ones are all set below.
      if (reuse) this.row = cells;
    }
    const isAscii = this.isAscii;
    for (let i = 0; i < ncols; i++) {
      const fs = fStart[i]!;
      const fe = fEnd[i]!;
      const at = t.cols[i]!.attnum - 1;
      if (this.isNull(fs, fe)) {
        cells[at] = null;
        continue;
      }
      if (fEsc[i] === 0) {
        const v = this.fast(i, fs, fe, isAscii);
        if (v !== undefined) {
          cells[at] = v;
          continue;
        }
      }
      cells[at] = this.general(i, fs, fe);
    }
    return cells;
  }

  /** Column i's field [fs, fe) through the column's string converter (the general rule: any
   *  type, escapes, every error as the general parser words it). */
  private general(i: number, fs: number, fe: number): Cell {
    const t = this.t;
    let text = (this.buf as unknown as BufferSlices).utf8Slice(fs, fe);
    if (this.fieldEsc[i] === 1) text = unescapeText(text);
    try {
      return t.conv[i]!(text);
    } catch (e) {
      throw columnError(e, t, this.line, t.cols[i]!, text);
    }
  }

  /**
   * next() without cells: the row converted into a StagedRow (refilled each call; valid until
   * the next push or stage), or undefined as next(). Same rules, values and errors as next().
   */
  stage(): StagedRow | undefined {
    if (!this.record()) return undefined;
    const t = this.t;
    const st = (this.staged ??= new StagedRow(t.width, t.cols.map((c) => c.attnum)));
    st.buf = this.buf;
    st.ascii = this.isAscii;
    const ncols = t.cols.length;
    let approx = st.unlistedBytes;
    for (let i = 0; i < ncols; i++) {
      const fs = this.fieldStart[i]!;
      const fe = this.fieldEnd[i]!;
      if (this.isNull(fs, fe)) st.tag[i] = Tag.Null;
      else if (this.fieldEsc[i] !== 0 || !this.stageFast(st, i, fs, fe)) {
        st.cell[i] = this.general(i, fs, fe);
        st.tag[i] = Tag.Cell;
      }
      approx += st.sizeOf(i);
    }
    st.approx = approx;
    return st;
  }

  /** fast() into the staged row: false where fast() answers undefined. */
  private stageFast(st: StagedRow, i: number, fs: number, fe: number): boolean {
    const b = this.buf;
    switch (this.kinds[i]!) {
      case Kind.General:
        return false;
      case Kind.Int8: {
        const n = plainInt(b, fs, fe);
        if (n === undefined) return false;
        st.tag[i] = Tag.I64;
        st.num[i] = n;
        return true;
      }
      case Kind.Int4:
      case Kind.Int2: {
        const n = plainInt(b, fs, fe);
        const lim = this.kinds[i] === Kind.Int4 ? 2147483648 : 32768;
        if (n === undefined || n < -lim || n >= lim) return false;
        st.tag[i] = Tag.F64;
        st.num[i] = n;
        return true;
      }
      case Kind.Timestamptz:
      case Kind.Timestamp: {
        const us = timestampMicros(b, fs, fe, this.kinds[i] === Kind.Timestamptz, this.days);
        if (us === undefined) return false;
        st.tag[i] = Tag.I64;
        st.num[i] = us;
        return true;
      }
      case Kind.Numeric: {
        const pad = numericPad(b, fs, fe, this.precision[i]!, this.scale[i]!);
        if (pad < 0) return false;
        return bytes(st, i, fs, fe, pad);
      }
      case Kind.NumericAny:
        return scanDecimal(b, fs, fe) >= 0 && bytes(st, i, fs, fe, 0);
      case Kind.Text:
        return bytes(st, i, fs, fe, 0);
      case Kind.Varchar:
        return fe - fs <= this.precision[i]! && bytes(st, i, fs, fe, 0);
      case Kind.Bpchar: {
        const pad = this.precision[i]! - (fe - fs);
        if (!this.isAscii || pad < 0 || pad > SPACES.length) return false;
        return bytes(st, i, fs, fe, pad === 0 ? 0 : PAD_SPACES | pad);
      }
    }
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
      case Kind.Timestamp: {
        const us = timestampMicros(b, fs, fe, this.kinds[i] === Kind.Timestamptz, this.days);
        return us === undefined ? undefined : BigInt(us);
      }
      case Kind.Numeric:
        return numericFitting(b, fs, fe, this.precision[i]!, this.scale[i]!);
      case Kind.NumericAny:
        return scanDecimal(b, fs, fe) < 0 ? undefined : (b as unknown as BufferSlices).latin1Slice(fs, fe);
      case Kind.Text:
        return isAscii ? (b as unknown as BufferSlices).latin1Slice(fs, fe) : (b as unknown as BufferSlices).utf8Slice(fs, fe);
      case Kind.Varchar:
        if (fe - fs > this.precision[i]!) return undefined; // maybe too long (22001), or trailing spaces cut
        return isAscii ? (b as unknown as BufferSlices).latin1Slice(fs, fe) : (b as unknown as BufferSlices).utf8Slice(fs, fe);
      case Kind.Bpchar: {
        const pad = this.precision[i]! - (fe - fs);
        if (!isAscii || pad < 0 || pad > SPACES.length) return undefined;
        const s = (b as unknown as BufferSlices).latin1Slice(fs, fe);
        return pad === 0 ? s : s + SPACES.slice(0, pad);
      }
    }
  }
}

function bytes(st: StagedRow, i: number, fs: number, fe: number, pad: number): true {
  st.tag[i] = Tag.Bytes;
  st.start[i] = fs;
  st.end[i] = fe;
  st.pad[i] = pad;
  return true;
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
    case TypeOid.varchar: return typmod < VARHDRSZ ? Kind.Text : Kind.Varchar;
    case TypeOid.bpchar: return typmod < VARHDRSZ ? Kind.Text : Kind.Bpchar;
    default: return Kind.General;
  }
}

function invalidUtf8(): DbError {
  return new DbError('22021', 'invalid byte sequence for encoding "UTF8"');
}
