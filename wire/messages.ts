// Decoding of frontend messages (PROTOCOL.md, "Frontend messages") into a discriminated union.
//
// Invariants:
// - Decoding never throws anything but FramingError (08P01, fatal) or DbError 22021 for text
//   that is not valid UTF-8 (a statement error, the connection continues).
// - Parameter values stay views into the frame body: they are decoded by the type codecs later.

import { DbError } from '../catalog/index.js';
import { BodyReader, FramingError, type Frame } from './framing.js';

export const PROTOCOL_3_0 = 196608;
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export type StartupPacket =
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; pid: number; secret: number }
  | { kind: 'startup'; major: number; minor: number; params: Map<string, string> };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 text, reporting invalid bytes as PostgreSQL does (22021). */
export function decodeUtf8(b: Buffer): string {
  // Pure ASCII is by far the common case and latin1 decoding of it is the cheapest path.
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return b.toString('latin1');
  try {
    return utf8.decode(b);
  } catch {
    throw new DbError('22021', `invalid byte sequence for encoding "UTF8": ${badSequence(b)}`);
  }
}

/** The offending bytes as PostgreSQL's report_invalid_encoding prints them ("0xc3 0x28"). */
function badSequence(b: Buffer): string {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    let ok = len > 0 && i + len <= b.length;
    for (let k = 1; ok && k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok && len > 1) ok = utf8Valid(b.subarray(i, i + len));
    if (!ok) {
      const n = Math.min(Math.max(len, 1), b.length - i);
      const parts: string[] = [];
      for (let k = 0; k < n; k++) parts.push('0x' + b[i + k]!.toString(16).padStart(2, '0'));
      return parts.join(' ');
    }
    i += len;
  }
  return '0x00';
}

function utf8Valid(b: Buffer): boolean {
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * A null-terminated string of a message. The empty string (unnamed statement or portal, sent in
 * nearly every extended-protocol message) and ASCII text are decoded in place, without a
 * subarray view; other text goes through decodeUtf8's validation.
 */
function cstr(r: BodyReader): string {
  const start = r.pos;
  const end = r.cstringEnd();
  if (end === start) return '';
  const b = r.buf;
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return decodeUtf8(b.subarray(start, end));
  return b.toString('latin1', start, end);
}

export function decodeStartup(body: Buffer): StartupPacket {
  const r = new BodyReader(body);
  const code = r.int32();
  if (code === SSL_REQUEST_CODE) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST_CODE) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST_CODE) {
    const pid = r.int32();
    const secret = r.int32();
    return { kind: 'cancel', pid, secret };
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  const params = new Map<string, string>();
  if (major === 3) {
    // name/value cstring pairs, then a terminating empty name (PostgreSQL's ProcessStartupPacket).
    for (;;) {
      if (r.remaining === 0) throw new FramingError('invalid startup packet layout: expected terminator as last byte');
      const name = r.cstringBytes().toString('utf8');
      if (name === '') break;
      if (r.remaining === 0) throw new FramingError('invalid startup packet layout: expected terminator as last byte');
      const value = r.cstringBytes().toString('utf8');
      params.set(name, value);
    }
    if (r.remaining !== 0) throw new FramingError('invalid startup packet layout: expected terminator as last byte');
  }
  return { kind: 'startup', major, minor, params };
}

export type FrontendMessage =
  | { kind: 'query'; sql: string }
  | { kind: 'parse'; name: string; sql: string; paramOids: number[] }
  | { kind: 'bind'; portal: string; statement: string; paramFormats: number[]; params: BindParams; resultFormats: number[] }
  | { kind: 'describe'; target: 'S' | 'P'; name: string }
  | { kind: 'execute'; portal: string; maxRows: number }
  | { kind: 'close'; target: 'S' | 'P'; name: string }
  | { kind: 'flush' }
  | { kind: 'sync' }
  | { kind: 'terminate' }
  | { kind: 'copyData'; data: Buffer }
  | { kind: 'copyDone' }
  | { kind: 'copyFail'; message: string }
  | { kind: 'password'; data: Buffer }
  | { kind: 'functionCall' };

/**
 * Bind's parameter values as ranges of the message's buffer, without a Buffer view per value
 * (a view is an object the decode of a pgbench lookup's one `aid` would allocate and drop):
 * value i is `buf[pos[2i], pos[2i + 1])`, NULL when `pos[2i]` is -1. Read them before the next
 * message is decoded, like any view of the input buffer.
 */
export interface BindParams {
  readonly buf: Buffer;
  readonly pos: readonly number[];
  readonly count: number;
}

/** Bind's parameter `i` as a view (NULL: null), for tests and the rare non-fast paths. */
export function bindParam(p: BindParams, i: number): Buffer | null {
  const s = p.pos[2 * i]!;
  return s === -1 ? null : p.buf.subarray(s, p.pos[2 * i + 1]!);
}

/** Bodiless messages are answered with one frozen object each (the loop only reads `kind`). */
const SYNC: FrontendMessage = Object.freeze({ kind: 'sync' });
const FLUSH: FrontendMessage = Object.freeze({ kind: 'flush' });

const Q = 0x51, P = 0x50, B = 0x42, D = 0x44, E = 0x45, C = 0x43, H = 0x48, S = 0x53, X = 0x58;
const d = 0x64, c = 0x63, f = 0x66, p = 0x70, F = 0x46;

/** No parameter or result format codes (Bind's usual answer): shared, never written to. */
const NO_FORMATS = Object.freeze([]) as unknown as number[];

/** Decodes a typed frame. Unknown types are a fatal protocol violation, as in PostgreSQL. */
export function decodeMessage(frame: Frame): FrontendMessage {
  return decodeMessageAt(frame.type, frame.body, 0, frame.body.length);
}

/**
 * Decodes the typed frame whose body is `buf[start, end)` (FrameReader.nextInPlace): the message
 * loop's path, without a Frame object or a view of the body. Message fields that keep bytes
 * (Bind's parameters, CopyData) are views of `buf`.
 */
export function decodeMessageAt(type: number, buf: Buffer, start: number, end: number): FrontendMessage {
  // Sync and Flush (one per pipeline) carry nothing: a shared answer, no reader.
  if (type === S || type === H) {
    if (end !== start) new BodyReader(buf, start, end).end(); // throws as r.end() below would
    return type === S ? SYNC : FLUSH;
  }
  const r = new BodyReader(buf, start, end);
  switch (type) {
    case Q: {
      const sql = cstr(r);
      r.end();
      return { kind: 'query', sql };
    }
    case P: {
      const name = cstr(r);
      const sql = cstr(r);
      const n = r.int16();
      if (n < 0) throw new FramingError('invalid message format');
      const paramOids: number[] = new Array(n);
      for (let i = 0; i < n; i++) paramOids[i] = r.int32() >>> 0;
      r.end();
      return { kind: 'parse', name, sql, paramOids };
    }
    case B: {
      const portal = cstr(r);
      const statement = cstr(r);
      const nf = r.int16();
      if (nf < 0) throw new FramingError('invalid message format');
      const paramFormats: number[] = nf === 0 ? NO_FORMATS : new Array(nf);
      for (let i = 0; i < nf; i++) paramFormats[i] = r.int16();
      const np = r.int16();
      if (np < 0) throw new FramingError('invalid message format');
      const pos: number[] = new Array(2 * np);
      for (let i = 0; i < np; i++) {
        const len = r.int32();
        if (len === -1) {
          pos[2 * i] = -1;
          pos[2 * i + 1] = -1;
        } else {
          const s = r.skip(len);
          pos[2 * i] = s;
          pos[2 * i + 1] = s + len;
        }
      }
      const params: BindParams = { buf, pos, count: np };
      const nr = r.int16();
      if (nr < 0) throw new FramingError('invalid message format');
      const resultFormats: number[] = nr === 0 ? NO_FORMATS : new Array(nr);
      for (let i = 0; i < nr; i++) resultFormats[i] = r.int16();
      r.end();
      return { kind: 'bind', portal, statement, paramFormats, params, resultFormats };
    }
    case D:
    case C: {
      const t = r.int8();
      const name = cstr(r);
      r.end();
      if (t !== S && t !== P) {
        throw new DbError('08P01', `invalid ${type === D ? 'DESCRIBE' : 'CLOSE'} message subtype ${t}`);
      }
      const target = t === S ? 'S' : 'P';
      return type === D ? { kind: 'describe', target, name } : { kind: 'close', target, name };
    }
    case E: {
      const portal = cstr(r);
      const maxRows = r.int32();
      r.end();
      return { kind: 'execute', portal, maxRows: maxRows < 0 ? 0 : maxRows };
    }
    case H:
      r.end();
      return { kind: 'flush' };
    case S:
      r.end();
      return { kind: 'sync' };
    case X:
      return { kind: 'terminate' };
    case d:
      return { kind: 'copyData', data: buf.subarray(start, end) };
    case c:
      return { kind: 'copyDone' };
    case f: {
      const message = cstr(r);
      return { kind: 'copyFail', message };
    }
    case p:
      return { kind: 'password', data: buf.subarray(start, end) };
    case F:
      return { kind: 'functionCall' };
    default:
      throw new FramingError(`invalid frontend message type ${type}`);
  }
}
