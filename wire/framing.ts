// Incremental frame reader for the frontend side of the v3 protocol (see PROTOCOL.md, "Framing").
//
// Invariants:
// - A frame's body is a view (subarray) into a received chunk whenever the frame lies inside one
//   chunk; only a frame that straddles chunks is assembled, with one concatenation of exactly the
//   chunks it covers. No byte is copied more than twice.
// - A length outside [4, limit of its type] and an unknown type byte are reported from the
//   header alone, so an oversized message never makes us buffer or allocate its claimed size.
// - Until `startupDone` is set, frames are startup packets (no type byte; type reported as 0).

/** A whole frontend message. `type` is the ASCII type byte, or 0 for a startup-phase packet. */
export interface Frame {
  type: number;
  /** The message body without type byte and length word. Valid until the caller drops it. */
  body: Buffer;
}

/** A framing violation: the connection cannot continue (08P01, then close). */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

/** PostgreSQL's own cap for the startup packet (MAX_STARTUP_PACKET_LENGTH). */
export const STARTUP_PACKET_BYTES_MAX = 10000;
/** PostgreSQL's PQ_SMALL_MESSAGE_LIMIT: messages with fixed small bodies may not claim more. */
export const SMALL_MESSAGE_BYTES_MAX = 10000;

/**
 * Longest body each frontend message type may declare, indexed by type byte; 0 = not a frontend
 * message type (rejected from the header alone, as PostgreSQL's SocketBackend does).
 */
function lengthLimits(maxMessageBytes: number): Int32Array {
  const t = new Int32Array(256);
  for (const ch of 'QPBFdfp') t[ch.charCodeAt(0)] = maxMessageBytes;
  for (const ch of 'XCDEHSc') t[ch.charCodeAt(0)] = Math.min(SMALL_MESSAGE_BYTES_MAX, maxMessageBytes);
  return t;
}

export class FrameReader {
  /** Current buffer and read offset inside it. */
  private cur: Buffer = Buffer.alloc(0);
  private off = 0;
  /** Chunks received after `cur`, not yet looked at. */
  private rest: Buffer[] = [];
  private restBytes = 0;
  /** Set once the startup packet has been accepted; regular typed frames follow. */
  startupDone = false;
  /** Body range in `frameBuf` of the frame nextInPlace() returned last. */
  bodyStart = 0;
  bodyEnd = 0;

  private readonly limits: Int32Array;

  constructor(maxMessageBytes: number) {
    this.limits = lengthLimits(maxMessageBytes);
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.cur.length - this.off + this.restBytes;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.off === this.cur.length && this.restBytes === 0) {
      this.cur = chunk;
      this.off = 0;
    } else {
      this.rest.push(chunk);
      this.restBytes += chunk.length;
    }
  }

  /** The next whole frame, or undefined when more bytes are needed. Throws FramingError. */
  next(): Frame | undefined {
    if (this.startupDone) {
      const type = this.nextInPlace();
      return type < 0 ? undefined : { type, body: this.cur.subarray(this.bodyStart, this.bodyEnd) };
    }
    if (!this.ensure(4)) return undefined;
    const len = this.cur.readInt32BE(this.off);
    if (len < 8 || len > STARTUP_PACKET_BYTES_MAX) throw new FramingError('invalid length of startup packet');
    if (!this.ensure(len)) return undefined;
    const start = this.off;
    this.off = start + len;
    return { type: 0, body: this.cur.subarray(start + 4, start + len) };
  }

  /**
   * After the startup phase: the type byte of the next whole frame, whose body is then
   * `frameBuf[bodyStart, bodyEnd)` (valid as long as `next()`'s body would be: the bytes are never
   * overwritten), or -1 when more bytes are needed. No Frame object and no subarray view: the
   * message loop decodes the body in place (messages.ts decodeMessageAt). Throws FramingError.
   */
  nextInPlace(): number {
    if (!this.ensure(5)) return -1;
    const cur = this.cur;
    const off = this.off;
    const type = cur[off]!;
    const limit = this.limits[type]!;
    if (limit === 0) throw new FramingError(`invalid frontend message type ${type}`);
    const len = cur.readInt32BE(off + 1);
    if (len < 4 || len > limit) throw new FramingError('invalid message length');
    if (!this.ensure(1 + len)) return -1;
    const start = this.off;
    this.off = start + 1 + len;
    this.bodyStart = start + 5;
    this.bodyEnd = start + 1 + len;
    return type;
  }

  /** The buffer holding the body of the frame nextInPlace() returned last. */
  get frameBuf(): Buffer {
    return this.cur;
  }

  /** Makes at least `n` unread bytes contiguous in `cur`; false when fewer than `n` have arrived. */
  private ensure(n: number): boolean {
    const have = this.cur.length - this.off;
    if (have >= n) return true;
    if (have + this.restBytes < n) return false;
    const parts: Buffer[] = [this.cur.subarray(this.off)];
    let total = have;
    while (total < n) {
      const c = this.rest.shift()!;
      this.restBytes -= c.length;
      parts.push(c);
      total += c.length;
    }
    this.cur = Buffer.concat(parts, total);
    this.off = 0;
    return true;
  }
}

/**
 * Reads fields out of one message body — `buf[start, end)`, all of `buf` by default; every read
 * is bounds-checked against `end` (08P01 on overrun).
 */
export class BodyReader {
  pos: number;
  readonly limit: number;
  constructor(readonly buf: Buffer, start = 0, end = buf.length) {
    this.pos = start;
    this.limit = end;
  }

  get remaining(): number {
    return this.limit - this.pos;
  }

  int8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Raw bytes of a null-terminated string (terminator consumed, not included). */
  cstringBytes(): Buffer {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0 || end >= this.limit) throw new FramingError('invalid string in message');
    const b = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return b;
  }

  /**
   * The end offset of the null-terminated string at `pos` (the NUL's offset); consumes it.
   * For callers that decode the range in place instead of through a subarray view.
   */
  cstringEnd(): number {
    const buf = this.buf;
    let end = this.pos;
    // Names are short (usually empty: the unnamed statement and portal); a loop beats indexOf's call.
    const limit = this.limit;
    while (end < limit && buf[end] !== 0) end++;
    if (end >= limit) throw new FramingError('invalid string in message');
    this.pos = end + 1;
    return end;
  }

  /** Consumes n bytes as bytes(n) would (same checks) and returns their start offset in `buf`,
   *  for callers that keep the range instead of a view (Bind's parameter values). */
  skip(n: number): number {
    if (n < 0) throw new FramingError('insufficient data left in message');
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return start;
  }

  bytes(n: number): Buffer {
    if (n < 0) throw new FramingError('insufficient data left in message');
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** PostgreSQL's pq_getmsgend: trailing garbage is a protocol violation. */
  end(): void {
    if (this.pos !== this.limit) throw new FramingError('invalid message format');
  }

  private need(n: number): void {
    if (this.pos + n > this.limit) throw new FramingError('insufficient data left in message');
  }
}
