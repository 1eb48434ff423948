// Array values (PostgreSQL 15 array_in/array_out/array_send/array_recv/array_cmp) for arrays of
// the registered element types. Value: PgArray — dimensions, lower bounds and the elements
// flattened in row-major order, null standing for SQL NULL. '{}' has no dimensions.
//
// Stored form: a table cell holding an array is exactly the array_send bytes below (PostgreSQL's
// binary format: int32 ndim, int32 has-null flag, uint32 element OID, ndim × (int32 length,
// int32 lower bound), then per element int32 byte length (-1 for NULL) and the element's own
// binary form), see catalog/schema/cells.ts. It is self-describing and exact for every element
// type; a cell whose element OID differs from the column's is refused (42804) on read.
import { DbError } from '../errors.js';
import { badBinary } from './errors.js';
import type { FormatSettings, InputSettings } from './settings.js';

export interface PgArray {
  /** Length of each dimension (empty for the empty array). */
  dims: number[];
  /** Lower bound of each dimension (1 unless written as '[0:2]={...}'). */
  lbounds: number[];
  /** Elements in row-major order; null is SQL NULL. */
  values: unknown[];
}

/** PostgreSQL's MAXDIM. */
export const ARRAY_MAX_DIMS = 6;

/** Element codecs, passed in by the text/binary codec doors (avoids an import cycle). */
export interface ElemText {
  textIn(oid: number, text: string, fmt: InputSettings): unknown;
  textOut(oid: number, value: unknown, fmt: FormatSettings): string;
}
export interface ElemBinary {
  binaryIn(oid: number, bytes: Uint8Array): unknown;
  binaryOut(oid: number, value: unknown): Uint8Array;
}

/** Builds a one-dimensional array (lower bound 1) of values. */
export function makeArray(values: unknown[]): PgArray {
  return values.length === 0 ? { dims: [], lbounds: [], values: [] } : { dims: [values.length], lbounds: [1], values };
}

// ---- text output -----------------------------------------------------------------------------

const isArraySpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

function quoteElem(s: string): string {
  let need = s.length === 0 || s.toLowerCase() === 'null';
  for (let i = 0; i < s.length && !need; i++) {
    const c = s.charCodeAt(i);
    need = c === 0x22 || c === 0x5c || c === 0x7b || c === 0x7d || c === 0x2c || isArraySpace(c);
  }
  if (!need) return s;
  return '"' + s.replace(/["\\]/g, (m) => '\\' + m) + '"';
}

export function arrayOut(elemOid: number, a: PgArray, fmt: FormatSettings, codec: ElemText): string {
  if (a.dims.length === 0) return '{}';
  let prefix = '';
  if (a.lbounds.some((lb) => lb !== 1)) {
    prefix = a.dims.map((d, i) => `[${a.lbounds[i]!}:${a.lbounds[i]! + d - 1}]`).join('') + '=';
  }
  let k = 0;
  const level = (depth: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < a.dims[depth]!; i++) {
      if (depth + 1 < a.dims.length) parts.push(level(depth + 1));
      else {
        const v = a.values[k++];
        parts.push(v === null || v === undefined ? 'NULL' : quoteElem(codec.textOut(elemOid, v, fmt)));
      }
    }
    return '{' + parts.join(',') + '}';
  };
  return prefix + level(0);
}

// ---- text input ------------------------------------------------------------------------------

class Malformed { constructor(readonly detail: string) {} }

/** array_in. Errors: 22P02 malformed array literal (with PostgreSQL's DETAIL), element errors. */
export function arrayIn(elemOid: number, text: string, fmt: InputSettings, codec: ElemText): PgArray {
  try {
    return parseArray(elemOid, text, fmt, codec);
  } catch (e) {
    if (e instanceof Malformed) throw new DbError('22P02', `malformed array literal: "${text}"`, { detail: e.detail });
    throw e;
  }
}

function parseArray(elemOid: number, s: string, fmt: InputSettings, codec: ElemText): PgArray {
  let i = 0;
  const ws = () => { while (i < s.length && isArraySpace(s.charCodeAt(i))) i++; };
  const int = (): number | undefined => {
    const m = /^[+-]?\d+/.exec(s.slice(i));
    if (m === null) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };
  ws();
  let declared: { dims: number[]; lbounds: number[] } | undefined;
  if (s[i] === '[') {
    declared = { dims: [], lbounds: [] };
    while (s[i] === '[') {
      i++;
      ws();
      const a = int();
      if (a === undefined) throw new Malformed('Missing array dimension value.');
      ws();
      let lb = 1;
      let ub = a;
      if (s[i] === ':') {
        i++;
        ws();
        const b = int();
        if (b === undefined) throw new Malformed('Missing array dimension value.');
        lb = a;
        ub = b;
        ws();
      }
      if (s[i] !== ']') throw new Malformed('Missing "]" in array dimensions.');
      i++;
      if (ub < lb) throw new DbError('2202E', 'upper bound cannot be less than lower bound');
      declared.dims.push(ub - lb + 1);
      declared.lbounds.push(lb);
      ws();
    }
    if (s[i] !== '=') throw new Malformed('Missing "=" after array dimensions.');
    i++;
    ws();
  }
  if (s[i] !== '{') throw new Malformed('Array value must start with "{" or dimension information.');
  // Scan the nested braces into a tree of raw element strings (null = NULL).
  type Node = Array<Node | { raw: string | null }>;
  const readLevel = (depth: number): Node => {
    if (depth > ARRAY_MAX_DIMS) throw new DbError('54000', `number of array dimensions (${depth}) exceeds the maximum allowed (${ARRAY_MAX_DIMS})`);
    i++; // '{'
    const items: Node = [];
    ws();
    if (s[i] === '}') { i++; return items; }
    for (;;) {
      ws();
      if (i >= s.length) throw new Malformed('Unexpected end of input.');
      const c = s[i]!;
      if (c === '{') {
        if (items.length > 0 && !Array.isArray(items[0])) throw new Malformed('Unexpected "{" character.');
        items.push(readLevel(depth + 1));
      } else {
        if (items.length > 0 && Array.isArray(items[0])) throw new Malformed('Unexpected array element.');
        if (c === ',' || c === '}') throw new Malformed(`Unexpected "${c}" character.`);
        items.push({ raw: readElem() });
      }
      ws();
      if (i >= s.length) throw new Malformed('Unexpected end of input.');
      if (s[i] === ',') { i++; continue; }
      if (s[i] === '}') { i++; return items; }
      throw new Malformed(`Unexpected "${s[i]!}" character.`);
    }
  };
  const readElem = (): string | null => {
    let out = '';
    let quotedOrEscaped = false;
    let trailingSpaceStart = -1; // unquoted whitespace at the end is dropped
    while (i < s.length) {
      const c = s[i]!;
      if (c === '"') {
        quotedOrEscaped = true;
        i++;
        for (;;) {
          if (i >= s.length) throw new Malformed('Unexpected end of input.');
          const q = s[i]!;
          if (q === '\\') { if (i + 1 >= s.length) throw new Malformed('Unexpected end of input.'); out += s[i + 1]; i += 2; continue; }
          if (q === '"') { i++; break; }
          out += q;
          i++;
        }
        trailingSpaceStart = -1;
        continue;
      }
      if (c === '\\') {
        if (i + 1 >= s.length) throw new Malformed('Unexpected end of input.');
        quotedOrEscaped = true;
        out += s[i + 1];
        i += 2;
        trailingSpaceStart = -1;
        continue;
      }
      if (c === ',' || c === '}') break;
      if (c === '{') throw new Malformed('Unexpected "{" character.');
      if (isArraySpace(c.charCodeAt(0))) { if (trailingSpaceStart < 0) trailingSpaceStart = out.length; } else trailingSpaceStart = -1;
      out += c;
      i++;
    }
    if (trailingSpaceStart >= 0) out = out.slice(0, trailingSpaceStart);
    if (!quotedOrEscaped && out.toLowerCase() === 'null') return null;
    return out;
  };
  const tree = readLevel(1);
  ws();
  if (i < s.length) throw new Malformed('Junk after closing right brace.');
  // Shape: every level must be rectangular.
  const dims: number[] = [];
  let level: Node[] = [tree];
  while (level.length > 0 && level[0]!.length > 0) {
    const len = level[0]!.length;
    if (level.some((n) => n.length !== len)) throw new Malformed('Multidimensional arrays must have sub-arrays with matching dimensions.');
    const nested = Array.isArray(level[0]![0]);
    if (level.some((n) => n.some((x) => Array.isArray(x) !== nested))) throw new Malformed('Multidimensional arrays must have sub-arrays with matching dimensions.');
    dims.push(len);
    if (!nested) break;
    level = level.flatMap((n) => n as Node[]);
  }
  if (dims.length > 0 && level.some((n) => n.length === 0)) throw new Malformed('Multidimensional arrays must have sub-arrays with matching dimensions.');
  const raws: Array<string | null> = [];
  const collect = (n: Node) => { for (const x of n) { if (Array.isArray(x)) collect(x); else raws.push(x.raw); } };
  collect(tree);
  let lbounds = dims.map(() => 1);
  if (declared !== undefined) {
    if (dims.length === 0) return { dims: [], lbounds: [], values: [] };
    if (declared.dims.length !== dims.length || declared.dims.some((d, k) => d !== dims[k])) {
      throw new Malformed('Specified array dimensions do not match array contents.');
    }
    lbounds = declared.lbounds;
  }
  const values = raws.map((r) => (r === null ? null : codec.textIn(elemOid, r, fmt)));
  return { dims, lbounds, values };
}

// ---- binary ----------------------------------------------------------------------------------

export function arraySend(elemOid: number, a: PgArray, codec: ElemBinary): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 12 + 8 * a.dims.length;
  let hasNull = 0;
  for (const v of a.values) {
    if (v === null || v === undefined) { hasNull = 1; size += 4; continue; }
    const b = codec.binaryOut(elemOid, v);
    parts.push(b);
    size += 4 + b.length;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(a.dims.length, 0);
  out.writeInt32BE(hasNull, 4);
  out.writeUInt32BE(elemOid, 8);
  let at = 12;
  for (let d = 0; d < a.dims.length; d++) {
    out.writeInt32BE(a.dims[d]!, at);
    out.writeInt32BE(a.lbounds[d]!, at + 4);
    at += 8;
  }
  let p = 0;
  for (const v of a.values) {
    if (v === null || v === undefined) { out.writeInt32BE(-1, at); at += 4; continue; }
    const b = parts[p++]!;
    out.writeInt32BE(b.length, at);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  return out;
}

export function arrayRecv(elemOid: number, bytes: Uint8Array, codec: ElemBinary): PgArray {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const short = () => new DbError('08P01', 'insufficient data left in message');
  if (b.length < 12) throw short();
  const ndim = b.readInt32BE(0);
  const flags = b.readInt32BE(4);
  const elemType = b.readUInt32BE(8);
  if (ndim < 0) throw new DbError('22P03', `invalid number of dimensions: ${ndim}`);
  if (ndim > ARRAY_MAX_DIMS) throw new DbError('54000', `number of array dimensions (${ndim}) exceeds the maximum allowed (${ARRAY_MAX_DIMS})`);
  if (flags !== 0 && flags !== 1) throw new DbError('22P03', 'invalid array flags');
  if (elemType !== elemOid) {
    throw new DbError('42804', 'wrong element type');
  }
  if (b.length < 12 + 8 * ndim) throw short();
  const dims: number[] = [];
  const lbounds: number[] = [];
  let n = ndim === 0 ? 0 : 1;
  for (let d = 0; d < ndim; d++) {
    const len = b.readInt32BE(12 + 8 * d);
    const lb = b.readInt32BE(16 + 8 * d);
    if (len < 0 || lb + len - 1 > 2147483647) throw new DbError('54000', 'array size exceeds the maximum allowed (134217727)');
    dims.push(len);
    lbounds.push(lb);
    n *= len;
  }
  if (n > 134217727) throw new DbError('54000', 'array size exceeds the maximum allowed (134217727)');
  if (n === 0) return { dims: [], lbounds: [], values: [] };
  let at = 12 + 8 * ndim;
  const values: unknown[] = [];
  for (let k = 0; k < n; k++) {
    if (at + 4 > b.length) throw short();
    const len = b.readInt32BE(at);
    at += 4;
    if (len === -1) { values.push(null); continue; }
    if (len < 0) throw badBinary();
    if (at + len > b.length) throw short();
    values.push(codec.binaryIn(elemOid, b.subarray(at, at + len)));
    at += len;
  }
  if (at !== b.length) throw badBinary();
  return { dims, lbounds, values };
}

// ---- comparison ------------------------------------------------------------------------------

/** array_cmp: element-wise (NULL after any value), then item count, dimensionality, bounds. */
export function compareArrays(a: PgArray, b: PgArray, cmp: (x: unknown, y: unknown) => number): number {
  const n = Math.min(a.values.length, b.values.length);
  for (let k = 0; k < n; k++) {
    const x = a.values[k];
    const y = b.values[k];
    const xn = x === null || x === undefined;
    const yn = y === null || y === undefined;
    if (xn || yn) {
      if (xn && yn) continue;
      return xn ? 1 : -1;
    }
    const c = cmp(x, y);
    if (c !== 0) return c;
  }
  if (a.values.length !== b.values.length) return a.values.length < b.values.length ? -1 : 1;
  if (a.dims.length !== b.dims.length) return a.dims.length < b.dims.length ? -1 : 1;
  for (let d = 0; d < a.dims.length; d++) {
    if (a.dims[d] !== b.dims[d]) return a.dims[d]! < b.dims[d]! ? -1 : 1;
    if (a.lbounds[d] !== b.lbounds[d]) return a.lbounds[d]! < b.lbounds[d]! ? -1 : 1;
  }
  return 0;
}
