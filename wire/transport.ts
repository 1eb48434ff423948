// Bytes in and out of one connection: frames from the stream, batched writes to it, and
// back-pressure both ways. Knows nothing about the protocol's meaning.
//
// Invariants:
// - Output accumulates in `out` and is written when the reader runs out of whole frames (one
//   write per turn), on `flush()`, or past FLUSH_BYTES (`maybeFlush`).
// - Input: while the consumer is busy and more than INPUT_HIGH_WATER_BYTES are buffered, the
//   stream is paused; it resumes when the consumer asks for a frame that has not arrived yet.
//   This never deadlocks: a paused stream always holds at least one whole frame.
// - Output: the consumer waits for 'drain' before reading more when the stream is full.
// - After `close()` nothing more is written and `nextFrame()` returns undefined.

import type { Duplex } from 'node:stream';
import { FrameReader, type Frame } from './framing.js';
import { BackendWriter } from './writer.js';

const INPUT_HIGH_WATER_BYTES = 1024 * 1024;
/** Output is flushed mid-statement once it grows past this. */
export const FLUSH_BYTES = 256 * 1024;

/** Thrown when the client went away in the middle of a statement. */
export class ConnectionLost extends Error {
  constructor() {
    super('connection lost');
    this.name = 'ConnectionLost';
  }
}

export class Transport {
  readonly out = new BackendWriter();
  readonly reader: FrameReader;
  private stream: Duplex;
  private inputEnded = false;
  private closed = false;
  private paused = false;
  private wake: (() => void) | undefined;

  /**
   * @param onInputEnd called once when the client's side ends or fails (cancels what runs)
   */
  constructor(
    stream: Duplex,
    maxMessageBytes: number,
    private readonly onInputEnd: (error: Error | undefined) => void,
  ) {
    this.stream = stream;
    this.reader = new FrameReader(maxMessageBytes);
    this.attach(stream);
  }

  /** True while the consumer waits for input that has not arrived. */
  get waiting(): boolean {
    return this.wake !== undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.closed) return; // a client still sending after we ended: drop, never buffer
    this.reader.push(chunk);
    if (this.wake !== undefined) {
      this.wakeUp();
    } else if (!this.paused && this.reader.bufferedBytes > INPUT_HIGH_WATER_BYTES) {
      this.paused = true;
      this.stream.pause();
    }
  };

  private readonly onEnd = (): void => this.ended(undefined);
  private readonly onError = (e: Error): void => this.ended(e);

  private ended(e: Error | undefined): void {
    if (!this.inputEnded) {
      this.inputEnded = true;
      this.onInputEnd(e);
    }
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private attach(s: Duplex): void {
    s.on('data', this.onData);
    s.on('end', this.onEnd);
    s.on('close', this.onEnd);
    s.on('error', this.onError);
  }

  private detach(s: Duplex): void {
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('close', this.onEnd);
    s.off('error', this.onError);
  }

  /**
   * A whole frame already received, or undefined when none is buffered (then `nextFrame()`
   * waits). Throws FramingError for a malformed frame. The synchronous fast path of a pipeline.
   */
  bufferedFrame(): Frame | undefined {
    return this.closed ? undefined : this.reader.next();
  }

  /**
   * bufferedFrame() without a Frame object: the type byte of a whole frame already received
   * (its body is `reader.frameBuf[reader.bodyStart, reader.bodyEnd)`), or -1. After the startup
   * phase only. Throws FramingError for a malformed frame.
   */
  bufferedType(): number {
    return this.closed ? -1 : this.reader.nextInPlace();
  }

  /**
   * The next whole frame, or undefined once the input ended. Before waiting it writes pending
   * output; `onIdle` may arm a timer for the wait and returns its disarm function.
   * Throws FramingError for a malformed frame.
   */
  async nextFrame(onIdle?: () => (() => void) | undefined): Promise<Frame | undefined> {
    for (;;) {
      const f = this.reader.next();
      if (f !== undefined) return f;
      const w = this.waitInput(onIdle);
      if (w === undefined) return undefined;
      await w;
    }
  }

  /**
   * For a consumer that found no whole frame buffered: writes pending output, then waits for more
   * input (or for the output to drain first). Undefined once the input has ended (no frame will
   * come); otherwise a promise after which the consumer looks for a frame again. The message
   * loop's wait: one promise per round trip, no async function frame and no closure (unless
   * `onIdle` arms a timer).
   */
  waitInput(onIdle?: () => (() => void) | undefined): Promise<void> | undefined {
    if (this.inputEnded) return undefined;
    this.flush();
    if (this.stream.writableNeedDrain) return this.drain();
    if (this.paused) {
      this.paused = false;
      this.stream.resume();
    }
    const disarm = onIdle?.();
    const waiting = new Promise<void>(this.setWake);
    return disarm === undefined ? waiting : waiting.then(disarm);
  }

  /** The executor of waitInput's promise: one function per connection, not one per wait. */
  private readonly setWake = (resolve: () => void): void => {
    this.wake = resolve;
  };

  flush(): void {
    if (this.out.sizeBytes === 0) return;
    const bytes = this.out.take();
    if (!this.closed && this.stream.writable) this.stream.write(bytes);
  }

  async maybeFlush(): Promise<void> {
    if (this.out.sizeBytes < FLUSH_BYTES) return;
    this.flush();
    if (this.stream.writableNeedDrain) await this.drain();
    if (this.inputEnded) throw new ConnectionLost();
  }

  private drain(): Promise<void> {
    return new Promise<void>((resolve) => {
      const s = this.stream;
      const done = (): void => {
        s.off('drain', done);
        s.off('close', done);
        resolve();
      };
      s.on('drain', done);
      s.on('close', done);
      if (s.destroyed) done();
    });
  }

  /** One unframed byte ('S'/'N' answers to SSLRequest/GSSENCRequest), written at once. */
  rawByte(ch: string): void {
    this.out.int8(ch.charCodeAt(0));
    this.flush();
  }

  /** Replaces the stream by a wrapper of it (TLS). Pending input would bypass it: none allowed. */
  upgrade(wrap: (raw: Duplex) => Duplex): void {
    this.detach(this.stream);
    this.stream = wrap(this.stream);
    this.attach(this.stream);
  }

  /** Writes what is pending, ends the stream and releases a waiting consumer. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.inputEnded = true;
    const s = this.stream;
    s.end(() => s.destroy());
    this.wakeUp();
  }

  /** Closes without waiting for the peer (shutdown's last resort). */
  destroy(): void {
    this.close();
    this.stream.destroy();
  }
}
