// COPY FROM text fields straight to stored cells (catalog/schema/cells.ts's toCell form), one
// converter per target column chosen once per statement. The general path is
// toCell(textIn(...)); a few shapes that dominate bulk loads take a scan-only fast path that
// must produce exactly the same cell:
//  - numeric: canonical decimal text (optional '-', digits without leading zeros, optional
//    fraction) that fits the column's numeric(p,s) without rounding is already the stored
//    text (PostgreSQL's numeric_out of the value) once the fraction is padded to s digits;
//    numeric without typmod keeps the input's scale, so the text is stored as is.
//  - text (and varchar/bpchar without length): the field itself.
//  - int2/int4/int8: plain digits (optional '-', no leading zero, at most 15 digits: exact as
//    a double) are the value; the cell is the number (int2/int4) or its BigInt (int8), as
//    parseInt*/toCell give it.
// Everything else — and every input the fast path is unsure about (signs, spaces, exponents,
// rounding, negative zero, overflow) — goes through textIn, so errors keep PostgreSQL's
// messages (the caller adds the CONTEXT line).

import { INT2_MAX, INT2_MIN, INT4_MAX, INT4_MIN, TypeOid, isValidNumericTypmod, numericTypmodPrecision, numericTypmodScale, textIn, toCell, type ColumnDesc, type InputSettings } from '../../catalog/index.js';
import type { Cell } from '../../lsm/index.js';

export type TextToCell = (text: string) => Cell;

/** Longest numeric text the fast path handles (longer input takes the general path). */
const NUMERIC_FAST_CHARS_MAX = 40;

export function textToCell(c: ColumnDesc, input: InputSettings): TextToCell {
  const oid = c.typeOid;
  const typmod = c.typmod;
  const general: TextToCell = (text) => toCell(oid, textIn(oid, text, input, typmod));
  switch (oid) {
    case TypeOid.text:
      return (text) => text;
    case TypeOid.varchar:
      return typmod < 0 ? (text) => text : general;
    case TypeOid.int8:
      return (text) => {
        const n = plainInt(text);
        return n === undefined ? general(text) : BigInt(n);
      };
    case TypeOid.int4:
      return (text) => {
        const n = plainInt(text);
        return n === undefined || n < INT4_MIN || n > INT4_MAX ? general(text) : n;
      };
    case TypeOid.int2:
      return (text) => {
        const n = plainInt(text);
        return n === undefined || n < INT2_MIN || n > INT2_MAX ? general(text) : n;
      };
    case TypeOid.numeric: {
      if (!isValidNumericTypmod(typmod)) return (text) => (isCanonicalDecimal(text) ? text : general(text));
      const p = numericTypmodPrecision(typmod);
      const s = numericTypmodScale(typmod);
      if (s < 0 || s > p) return general;
      return (text) => numericFitting(text, p, s) ?? general(text);
    }
    default:
      return general;
  }
}

/** The value of plain integer text ('-'? then 1–15 digits without a leading zero, or "0"),
 *  else undefined (spaces, '+', leading zeros, "-0", longer input: the general parser). */
export function plainInt(text: string): number | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  const digits = n - i;
  if (digits < 1 || digits > 15) return undefined;
  const c0 = text.charCodeAt(i);
  if (c0 === 0x30) return n === 1 ? 0 : undefined;
  let v = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    v = v * 10 + (c - 0x30);
  }
  return n > digits ? -v : v;
}

/** Where the parts of plain decimal text are, or undefined when it is not plain and canonical. */
interface Decimal {
  intDigits: number;
  fracDigits: number;
}

function scanDecimal(text: string): Decimal | undefined {
  const n = text.length;
  if (n === 0 || n > NUMERIC_FAST_CHARS_MAX) return undefined;
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  const intDigits = intEnd - intStart;
  if (intDigits === 0) return undefined;
  // A leading zero is only canonical as the lone integer digit ("0.5").
  if (intDigits > 1 && text.charCodeAt(intStart) === 0x30) return undefined;
  let fracDigits = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 0x2e) return undefined;
    i++;
    const fracStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i !== n) return undefined;
    fracDigits = i - fracStart;
    if (fracDigits === 0) return undefined; // "5." : the general parser
  }
  const lone0 = intDigits === 1 && text.charCodeAt(intStart) === 0x30;
  // Negative zero prints without its sign: the general parser.
  if (intStart === 1 && lone0 && allZeros(text, intEnd + 1, n)) return undefined;
  return { intDigits: lone0 ? 0 : intDigits, fracDigits };
}

/**
 * The stored text of `text` as numeric(p,s) when it is plain decimal text that fits without
 * rounding; undefined when the general parser must decide.
 */
export function numericFitting(text: string, p: number, s: number): string | undefined {
  const d = scanDecimal(text);
  if (!d) return undefined;
  if (d.fracDigits > s) return undefined; // rounding
  if (d.intDigits > p - s) return undefined; // overflow (22003)
  if (d.fracDigits === s) return text;
  const pad = '0'.repeat(s - d.fracDigits);
  return d.fracDigits === 0 ? `${text}.${pad}` : text + pad;
}

/** Plain decimal text that numeric_out prints back unchanged (numeric without typmod). */
export function isCanonicalDecimal(text: string): boolean {
  return scanDecimal(text) !== undefined;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function allZeros(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) !== 0x30) return false;
  return true;
}
