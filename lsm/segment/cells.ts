// Tagged single-cell codec, used where a cell must be stored as opaque bytes: the per-column
// min/max in the footer, and "packed" columns (a column whose values in one segment have more
// than one JavaScript kind, e.g. old and new versions around ALTER COLUMN TYPE). Spec: FORMAT.md
// "Tagged cells". A cell's byte string is delimited by its container (msgpack bin / Arrow offsets).
import type { Cell } from '../types.js';
import { compareBytes } from '../iter/index.js';

export const CellTag = { Null: 0, False: 1, True: 2, Float64: 3, BigInt: 4, Utf8: 5, Bytes: 6 } as const;
export type CellTag = (typeof CellTag)[keyof typeof CellTag];

const utf8 = new TextEncoder();
// ignoreBOM: a string value may start with U+FEFF; the default would drop it.
const utf8d = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeCell(c: Cell): Uint8Array {
  if (c === null) return Uint8Array.of(CellTag.Null);
  switch (typeof c) {
    case 'boolean':
      return Uint8Array.of(c ? CellTag.True : CellTag.False);
    case 'number': {
      const out = new Uint8Array(9);
      out[0] = CellTag.Float64;
      new DataView(out.buffer).setFloat64(1, c, true);
      return out;
    }
    case 'bigint': {
      const digits = utf8.encode(c.toString(10));
      return concatTag(CellTag.BigInt, digits);
    }
    case 'string':
      return concatTag(CellTag.Utf8, utf8.encode(c));
    case 'object':
      return concatTag(CellTag.Bytes, c);
  }
}

function concatTag(tag: CellTag, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = tag;
  out.set(body, 1);
  return out;
}

/** Decode one tagged cell; throws on malformed input (callers turn it into a corruption error). */
export function decodeCell(b: Uint8Array): Cell {
  if (b.length === 0) throw new Error('empty tagged cell');
  const body = b.subarray(1);
  switch (b[0]) {
    case CellTag.Null:
      expectLen(b, 1);
      return null;
    case CellTag.False:
      expectLen(b, 1);
      return false;
    case CellTag.True:
      expectLen(b, 1);
      return true;
    case CellTag.Float64:
      expectLen(b, 9);
      return new DataView(b.buffer, b.byteOffset + 1, 8).getFloat64(0, true);
    case CellTag.BigInt: {
      const s = utf8d.decode(body);
      if (!/^-?[0-9]+$/.test(s)) throw new Error('bad bigint cell');
      return BigInt(s);
    }
    case CellTag.Utf8:
      return utf8d.decode(body);
    case CellTag.Bytes:
      return body;
    default:
      throw new Error(`unknown cell tag ${b[0]}`);
  }
}

function expectLen(b: Uint8Array, n: number): void {
  if (b.length !== n) throw new Error(`tagged cell has ${b.length} bytes, expected ${n}`);
}

/**
 * Order used for min/max statistics of one column kind. Strings compare by their UTF-8 bytes
 * (PostgreSQL "C" collation order, which is the project's default byte ordering); numbers
 * numerically (NaN is never passed in: it is counted separately); booleans false < true.
 */
export function compareSameKind(a: Cell, b: Cell): number {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8Order(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (a === b) return 0;
  return (a as number | bigint | boolean) < (b as number | bigint | boolean) ? -1 : 1;
}

/**
 * Compare two strings in UTF-8 byte order without encoding them. UTF-16 code-unit order equals
 * UTF-8 byte order except that surrogates (astral characters, 4 UTF-8 bytes starting 0xF0) sort
 * after U+E000..U+FFFF in UTF-8 but before them in UTF-16; fix up exactly that case.
 */
export function compareUtf8Order(a: string, b: string): number {
  // Equal strings are the common case of min/max statistics (padded char(n) columns): the
  // engine's own comparison answers that without a loop over char codes.
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y : x) >= 0xe000) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}


/** UTF-8 bytes [s, e) of buf as a string. Short ASCII strings (the common case for keys and
 *  values: numerics are stored as text) are built directly, which beats TextDecoder's call
 *  overhead; up to 8 characters with one String.fromCharCode call (no intermediate strings). */
export function decodeUtf8(buf: Uint8Array, s: number, e: number): string {
  const n = e - s;
  if (n <= 24) {
    for (let i = s; i < e; i++) {
      if (buf[i]! >= 0x80) return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', s, e);
    }
    const c = String.fromCharCode;
    switch (n) {
      case 0: return '';
      case 1: return c(buf[s]!);
      case 2: return c(buf[s]!, buf[s + 1]!);
      case 3: return c(buf[s]!, buf[s + 1]!, buf[s + 2]!);
      case 4: return c(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!);
      case 5: return c(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!, buf[s + 4]!);
      case 6: return c(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!, buf[s + 4]!, buf[s + 5]!);
      case 7: return c(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!, buf[s + 4]!, buf[s + 5]!, buf[s + 6]!);
      case 8: return c(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!, buf[s + 4]!, buf[s + 5]!, buf[s + 6]!, buf[s + 7]!);
      default: {
        let out = '';
        for (let i = s; i < e; i++) out += c(buf[i]!);
        return out;
      }
    }
  }
  // Longer ones: Buffer's native UTF-8 slice (lenient like TextDecoder: bad bytes become
  // U+FFFD) costs less per call than TextDecoder#decode of a subarray.
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', s, e);
}
