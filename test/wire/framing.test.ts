// Frame reader: every split point, byte-at-a-time delivery, limits, and the body reader's
// bounds checks. Frontend bytes are produced by pg-protocol's serializer (independent oracle).
import { describe, it, expect } from 'vitest';
import { serialize } from 'pg-protocol';
import { BodyReader, FrameReader, FramingError, type Frame } from '../../wire/framing.js';
import { bindParam, decodeMessage, decodeMessageAt, type BindParams, type FrontendMessage } from '../../wire/messages.js';

const startup = serialize.startup({ user: 'alice', database: 'postgres', application_name: 't' });
const typed = Buffer.concat([
  serialize.query('SELECT 1; SELECT 2'),
  serialize.parse({ name: 's1', text: 'SELECT $1::int', types: [23] }),
  serialize.bind({ statement: 's1', portal: 'p', values: ['42', null] }),
  serialize.describe({ type: 'P', name: 'p' }),
  serialize.execute({ portal: 'p', rows: 10 }),
  serialize.flush(),
  serialize.copyData(Buffer.alloc(3000, 7)),
  serialize.sync(),
  serialize.end(),
]);
const all = Buffer.concat([startup, typed]);

function readAll(chunks: Buffer[], max = 1 << 20): Array<{ type: number; body: string }> {
  const r = new FrameReader(max);
  const out: Array<{ type: number; body: string }> = [];
  const drain = (): void => {
    for (let f: Frame | undefined = r.next(); f; f = r.next()) {
      out.push({ type: f.type, body: f.body.toString('hex') });
      if (f.type === 0) r.startupDone = true;
    }
  };
  for (const c of chunks) {
    r.push(c);
    drain();
  }
  expect(r.bufferedBytes).toBe(0);
  return out;
}

describe('FrameReader', () => {
  const whole = readAll([all]);

  it('splits a whole buffer into the serialized messages', () => {
    expect(whole.map((f) => String.fromCharCode(f.type || 0x30))).toEqual(['0', 'Q', 'P', 'B', 'D', 'E', 'H', 'd', 'S', 'X']);
    expect(whole[0]!.body).toBe(startup.subarray(4).toString('hex'));
    expect(whole[7]!.body).toBe(Buffer.alloc(3000, 7).toString('hex'));
  });

  it('gives the same frames for a split at every byte position', () => {
    for (let i = 0; i <= all.length; i++) {
      expect(readAll([all.subarray(0, i), all.subarray(i)]), `split at ${i}`).toEqual(whole);
    }
  });

  it('gives the same frames for three-way splits and byte-at-a-time delivery', () => {
    for (let i = 0; i < all.length; i += 7) {
      const j = Math.min(all.length, i + 13);
      expect(readAll([all.subarray(0, i), all.subarray(i, j), all.subarray(j)])).toEqual(whole);
    }
    const bytes: Buffer[] = [];
    for (let i = 0; i < all.length; i++) bytes.push(all.subarray(i, i + 1));
    expect(readAll(bytes)).toEqual(whole);
  });

  it('returns views into the chunk when a frame lies inside it (no copy)', () => {
    const r = new FrameReader(1 << 20);
    r.startupDone = true;
    r.push(typed);
    const f = r.next()!;
    expect(f.body.buffer).toBe(typed.buffer);
  });

  it('rejects a message longer than the limit before buffering it', () => {
    const r = new FrameReader(1000);
    r.startupDone = true;
    const big = serialize.query('x'.repeat(2000));
    r.push(big.subarray(0, 5));
    expect(() => r.next()).toThrow(FramingError);
    expect(() => r.next()).toThrow('invalid message length');
  });

  it('caps fixed-size message types at 10000 bytes and rejects unknown types from the header', () => {
    const r = new FrameReader(1 << 20);
    r.startupDone = true;
    r.push(Buffer.from([0x53, 0, 0, 0x4e, 0x30])); // Sync claiming 20016 bytes
    expect(() => r.next()).toThrow('invalid message length');
    const q = new FrameReader(1 << 20);
    q.startupDone = true;
    q.push(Buffer.from([0x51, 0, 0, 0x4e, 0x30])); // Query may be that long: waits for the body
    expect(q.next()).toBeUndefined();
    const u = new FrameReader(1 << 20);
    u.startupDone = true;
    u.push(Buffer.from([0x7a, 0x7f, 0xff, 0xff, 0xff]));
    expect(() => u.next()).toThrow('invalid frontend message type 122');
  });

  it('rejects a length word below 4 and bad startup lengths', () => {
    const r = new FrameReader(1000);
    r.startupDone = true;
    r.push(Buffer.from([0x51, 0, 0, 0, 3]));
    expect(() => r.next()).toThrow('invalid message length');
    const s = new FrameReader(1000);
    s.push(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0]));
    expect(() => s.next()).toThrow('invalid length of startup packet');
    const t = new FrameReader(1000);
    t.push(Buffer.from([0, 0, 0x30, 0x00]));
    expect(() => t.next()).toThrow('invalid length of startup packet');
  });

  it('waits for more bytes on a truncated frame', () => {
    const r = new FrameReader(1 << 20);
    r.startupDone = true;
    const q = serialize.query('SELECT 1');
    r.push(q.subarray(0, q.length - 1));
    expect(r.next()).toBeUndefined();
    r.push(q.subarray(q.length - 1));
    expect(r.next()?.type).toBe(0x51);
  });
});

describe('BodyReader', () => {
  it('reads fields and checks bounds', () => {
    const r = new BodyReader(Buffer.from([0, 1, 0, 0, 0, 2, 0x61, 0x62, 0]));
    expect(r.int16()).toBe(1);
    expect(r.int32()).toBe(2);
    expect(r.cstringBytes().toString()).toBe('ab');
    r.end();
    expect(() => r.int8()).toThrow('insufficient data left in message');
    expect(() => new BodyReader(Buffer.from('ab')).cstringBytes()).toThrow('invalid string in message');
    const t = new BodyReader(Buffer.from([1, 2]));
    t.int8();
    expect(() => t.end()).toThrow('invalid message format');
  });

  it('finds string ends in place (empty, ASCII, missing terminator)', () => {
    const r = new BodyReader(Buffer.from([0, 0x61, 0x62, 0, 0x63]));
    expect(r.cstringEnd()).toBe(0);
    expect(r.pos).toBe(1);
    expect(r.cstringEnd()).toBe(3);
    expect(r.pos).toBe(4);
    expect(() => r.cstringEnd()).toThrow(FramingError);
  });
});

describe('decodeMessage names', () => {
  it('decodes empty, ASCII and UTF-8 names and refuses invalid UTF-8 with 22021', () => {
    const frameOf = (b: Buffer): Frame => ({ type: b[0]!, body: b.subarray(5) });
    expect(decodeMessage(frameOf(serialize.bind({ statement: 'stmt_1', portal: '', values: ['1'] })))).toMatchObject({ kind: 'bind', statement: 'stmt_1', portal: '' });
    expect(decodeMessage(frameOf(serialize.describe({ type: 'S', name: 'é€😀' })))).toMatchObject({ kind: 'describe', target: 'S', name: 'é€😀' });
    const bad = Buffer.from([0x44, 0, 0, 0, 8, 0x53, 0x61, 0xc3, 0]);
    expect(() => decodeMessage(frameOf(bad))).toThrow(expect.objectContaining({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0xc3' }));
  });
});

describe('in-place frames (the message loop: FrameReader.nextInPlace + decodeMessageAt)', () => {
  /** The typed frames of `chunks` read in place, each decoded where it lies. */
  function readInPlace(chunks: Buffer[]): Array<{ type: number; body: string; msg: unknown }> {
    const r = new FrameReader(1 << 20);
    r.startupDone = true;
    const out: Array<{ type: number; body: string; msg: unknown }> = [];
    for (const c of chunks) {
      r.push(c);
      for (let t = r.nextInPlace(); t >= 0; t = r.nextInPlace()) {
        out.push({ type: t, body: r.frameBuf.subarray(r.bodyStart, r.bodyEnd).toString('hex'), msg: decodeMessageAt(t, r.frameBuf, r.bodyStart, r.bodyEnd) });
      }
    }
    expect(r.bufferedBytes).toBe(0);
    return out;
  }
  const expected = readAll([typed.subarray(0)].map((b) => Buffer.concat([startup, b]))).slice(1);

  it('gives the frames next() gives and the messages decodeMessage gives, at every split', () => {
    // Bind's parameters are ranges of whichever buffer was decoded: compared as their values.
    const values = (m: FrontendMessage): unknown => (m.kind === 'bind' ? { ...m, params: Array.from({ length: m.params.count }, (_, i) => bindParam(m.params, i)) } : m);
    const decoded = expected.map((f) => values(decodeMessage({ type: f.type, body: Buffer.from(f.body, 'hex') })));
    for (let i = 0; i <= typed.length; i += i < 200 ? 1 : 97) {
      const got = readInPlace([typed.subarray(0, i), typed.subarray(i)]);
      expect(got.map((g) => ({ type: g.type, body: g.body })), `split at ${i}`).toEqual(expected);
      expect(got.map((g) => values(g.msg)), `split at ${i}`).toEqual(decoded);
    }
  });

  it('bounds every read by the frame, not by the buffer behind it', () => {
    // An Execute whose body lacks its row count, followed in the same buffer by a Sync: the
    // reader must not read the next frame's bytes as the missing field.
    const short = Buffer.from([0x45, 0, 0, 0, 5, 0]);
    const buf = Buffer.concat([short, serialize.sync()]);
    expect(() => decodeMessageAt(0x45, buf, 5, 6)).toThrow('insufficient data left in message');
    // A name without its terminator inside the frame, a NUL right after it.
    const name = Buffer.from([0x44, 0, 0, 0, 6, 0x53, 0x61, 0]);
    expect(() => decodeMessageAt(0x44, name, 5, 7)).toThrow('invalid string in message');
    const r = new BodyReader(Buffer.from([9, 0x61, 0x62, 0, 9]), 1, 3);
    expect(r.remaining).toBe(2);
    expect(() => r.cstringBytes()).toThrow('invalid string in message');
    expect(() => new BodyReader(Buffer.from([9, 0x61, 0, 9]), 1, 3).end()).toThrow('invalid message format');
    // Bind without format codes shares one frozen empty list (never written to).
    const body = Buffer.from([0, 0x73, 0, 0, 0, 0, 0, 0, 0]); // portal '', statement 's', 0 formats, 0 params, 0 result formats
    const m = decodeMessageAt(0x42, body, 0, body.length) as { paramFormats: number[]; params: BindParams; resultFormats: number[] };
    expect(m).toMatchObject({ kind: 'bind', portal: '', statement: 's', paramFormats: [], resultFormats: [] });
    expect(m.params.count).toBe(0);
    expect(Object.isFrozen(m.paramFormats) && Object.isFrozen(m.resultFormats)).toBe(true);
  });

  it("Bind's parameter values are ranges of the buffer: values, NULL, empty, and lengths that overrun or are below -1", () => {
    const frame = serialize.bind({ portal: 'p', statement: 's', values: ['12', null, '', 'héllo'] });
    // Decoded in place inside a larger buffer, as the message loop does.
    const buf = Buffer.concat([Buffer.from([7, 7, 7]), frame, Buffer.from([9])]);
    const m = decodeMessageAt(0x42, buf, 3 + 5, 3 + frame.length) as { params: BindParams };
    expect(m.params.count).toBe(4);
    const vals = [0, 1, 2, 3].map((i) => bindParam(m.params, i));
    expect(vals.map((v) => (v === null ? null : v.toString('utf8')))).toEqual(['12', null, '', 'héllo']);
    expect(decodeMessage({ type: frame[0]!, body: frame.subarray(5) }).kind).toBe('bind');
    // portal 'p', statement 's', 0 formats, 1 param of length 5 with 2 bytes left; then length -2.
    const over = Buffer.from([0x70, 0, 0x73, 0, 0, 0, 0, 1, 0, 0, 0, 5, 0x31, 0x32]);
    expect(() => decodeMessageAt(0x42, over, 0, over.length)).toThrow('insufficient data left in message');
    const neg = Buffer.from([0x70, 0, 0x73, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0]);
    expect(() => decodeMessageAt(0x42, neg, 0, neg.length)).toThrow('insufficient data left in message');
  });
});
