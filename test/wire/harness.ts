// Test harness: a real engine in a temp directory, a Connection over an in-memory duplex pair,
// driven either by the real `pg` client or by raw frames (pg-protocol serializer + Parser).
import { duplexPair, type Duplex } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Parser } from 'pg-protocol/dist/parser.js';
import { createEngine } from '../../planner/index.js';
import type { Engine } from '../../planner/api.js';
import { BackendRegistry } from '../../wire/backends.js';
import { Connection, type ServerContext } from '../../wire/connection.js';
import { Logger } from '../../wire/log.js';
import type { UserAuth } from '../../wire/auth.js';

export async function makeEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'pyralog-wire-'));
  return await createEngine({ dataDir: dir });
}

export interface CtxOptions {
  users?: UserAuth[];
  maxConnections?: number;
  maxMessageBytes?: number;
  logLines?: string[];
}

export function makeContext(engine: Engine, o: CtxOptions = {}): ServerContext {
  const lines = o.logLines;
  return {
    engine,
    log: new Logger(lines ? 'debug' : 'off', (l) => lines?.push(l)),
    backends: new BackendRegistry(o.maxConnections ?? 100),
    maxMessageBytes: o.maxMessageBytes ?? 1 << 20,
    logMinDurationMs: -1,
    authTimeoutMs: 10_000,
    users: new Map((o.users ?? []).map((u) => [u.name, u])),
    mockNonce: Buffer.alloc(32, 9),
    startTls: undefined,
    tlsEndPoint: undefined,
  };
}

/** Starts a Connection on one end of a duplex pair; returns the client end and the run promise. */
export function serve(ctx: ServerContext): { client: Duplex; conn: Connection; done: Promise<void> } {
  const [client, server] = duplexPair();
  const conn = new Connection(server, ctx, 'memory');
  const done = conn.run();
  return { client, conn, done };
}

/** A `pg` client whose "socket" is an in-memory duplex served by a Connection. */
export function pgClient(ctx: ServerContext, config: pg.ClientConfig = {}): { client: pg.Client; conn: Connection; done: Promise<void> } {
  const { client: end, conn, done } = serve(ctx);
  const sock = end as Duplex & { setNoDelay(): void; setKeepAlive(): void; connect(): void };
  sock.setNoDelay = () => {};
  sock.setKeepAlive = () => {};
  sock.connect = () => process.nextTick(() => sock.emit('connect'));
  const client = new pg.Client({ user: 'tester', database: 'postgres', ...config, stream: () => sock as never });
  return { client, conn, done };
}

export type Msg = { name: string; [k: string]: any };

/** Polls `pred` until it holds (timing-independent waits for tests on a loaded machine). */
export async function waitUntil(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Raw protocol driver: write frontend bytes, read backend messages decoded by pg-protocol. */
export class RawClient {
  readonly msgs: Msg[] = [];
  readonly raw: Buffer[] = [];
  ended = false;
  private waiters: Array<() => void> = [];
  private parser = new Parser();
  private rawMode = false;
  readonly conn: Connection;
  readonly done: Promise<void>;
  readonly end: Duplex;

  constructor(ctx: ServerContext) {
    const s = serve(ctx);
    this.end = s.client;
    this.conn = s.conn;
    this.done = s.done;
    this.end.on('data', (b: Buffer) => {
      if (this.rawMode) this.raw.push(b);
      else this.parser.parse(b, (m) => this.msgs.push(m as unknown as Msg));
      this.notify();
    });
    this.end.on('end', () => {
      this.ended = true;
      this.notify();
    });
    this.end.on('close', () => {
      this.ended = true;
      this.notify();
    });
    this.end.on('error', () => {});
  }

  /** Bytes arrive unparsed (for 'S'/'N' answers to SSLRequest/GSSENCRequest). */
  setRaw(on: boolean): void {
    this.rawMode = on;
  }

  send(b: Buffer): void {
    this.end.write(b);
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `pred` holds on the messages received so far (or the stream ended). */
  async waitFor(pred: (msgs: Msg[]) => boolean, timeoutMs = 5000): Promise<Msg[]> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.msgs)) {
      if (this.ended) throw new Error(`stream ended; got ${this.msgs.map((m) => m.name).join(',')}`);
      if (Date.now() > deadline) throw new Error(`timeout; got ${this.msgs.map((m) => m.name).join(',')}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.msgs;
  }

  /** Waits until at least `n` unparsed bytes arrived (raw mode). */
  async waitRaw(n: number, timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = Buffer.concat(this.raw);
      if (all.length >= n) return all;
      if (this.ended || Date.now() > deadline) throw new Error(`got ${all.length} of ${n} raw bytes`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** Waits for the n-th ReadyForQuery (counting from the start). */
  async readyCount(n: number): Promise<Msg[]> {
    return this.waitFor((m) => m.filter((x) => x.name === 'readyForQuery').length >= n);
  }

  async waitEnd(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('connection did not close');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  /** Names of the messages after index `from`. */
  names(from = 0): string[] {
    return this.msgs.slice(from).map((m) => m.name);
  }
}
