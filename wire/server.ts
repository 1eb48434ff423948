// The TCP listener: accepts sockets, runs a Connection per socket, owns the backend registry,
// the TLS context and graceful shutdown. The only file of wire/ that touches node:net/node:tls.
//
// Invariants:
// - A Connection's failure never reaches the server: run() never rejects, and socket errors are
//   handled per connection.
// - Shutdown: stop accepting; ask every connection to end (idle ones end at once); after the
//   grace period cancel what still runs; wait for every connection; then resolve.

import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { randomBytes, X509Certificate } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Engine } from '../planner/api.js';
import { tlsServerEndPoint, type UserAuth } from './auth.js';
import { BackendRegistry } from './backends.js';
import { Connection, type ServerContext } from './connection.js';
import type { Logger } from './log.js';

export interface ServerOptions {
  engine: Engine;
  log: Logger;
  users: readonly UserAuth[];
  maxConnections: number;
  maxMessageBytes: number;
  logMinDurationMs: number;
  authTimeoutMs: number;
  /** PEM certificate and key; TLS is offered only when both are present. */
  tls: { cert: string | Buffer; key: string | Buffer } | undefined;
}

/** Raw sockets beyond this many (admitted or not) are closed at once: a bound on start-up floods. */
const SOCKETS_MAX_FACTOR = 2;
const SOCKETS_MAX_EXTRA = 16;

export class PgServer {
  private readonly net: NetServer;
  private readonly ctx: ServerContext;
  private readonly connections = new Set<Connection>();
  private readonly running = new Set<Promise<void>>();
  private readonly socketsMax: number;
  private secure: SecureContext | undefined;

  constructor(private readonly opts: ServerOptions) {
    this.secure = opts.tls ? createSecureContext({ cert: opts.tls.cert, key: opts.tls.key }) : undefined;
    const secure = this.secure;
    this.ctx = {
      engine: opts.engine,
      log: opts.log,
      backends: new BackendRegistry(opts.maxConnections),
      maxMessageBytes: opts.maxMessageBytes,
      logMinDurationMs: opts.logMinDurationMs,
      authTimeoutMs: opts.authTimeoutMs,
      users: new Map(opts.users.map((u) => [u.name, u])),
      mockNonce: randomBytes(32),
      tlsEndPoint: opts.tls === undefined ? undefined : tlsServerEndPoint(Buffer.from(new X509Certificate(opts.tls.cert).raw)),
      startTls:
        secure === undefined
          ? undefined
          : (raw: Duplex): Duplex => new TLSSocket(raw as Socket, { isServer: true, secureContext: secure }),
    };
    this.socketsMax = opts.maxConnections * SOCKETS_MAX_FACTOR + SOCKETS_MAX_EXTRA;
    this.net = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.net.on('error', (e) => opts.log.error('listener error', { error: e }));
  }

  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.net.once('error', onError);
      this.net.listen(port, host, () => {
        this.net.off('error', onError);
        const addr = this.net.address();
        resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket): void {
    socket.on('error', () => {}); // reported through the Connection; never crash the listener
    if (this.connections.size >= this.socketsMax) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    const conn = new Connection(socket, this.ctx, peer);
    this.connections.add(conn);
    const p = conn.run().finally(() => {
      this.connections.delete(conn);
      this.running.delete(p);
    });
    this.running.add(p);
  }

  /** Graceful shutdown (see the file header). */
  async close(graceMs: number): Promise<void> {
    // net.Server.close() stops accepting at once but calls back only after the last socket is
    // gone, so it is awaited at the end, not here.
    const closed = new Promise<void>((resolve) => this.net.close(() => resolve()));
    await this.endConnections(graceMs);
    await closed;
  }

  private async endConnections(graceMs: number): Promise<void> {
    for (const c of this.connections) c.requestShutdown();
    if (await this.settledWithin(graceMs)) return;
    this.opts.log.warn('grace period over: cancelling running statements', { connections: this.connections.size });
    for (const c of this.connections) c.forceShutdown();
    if (await this.settledWithin(KILL_AFTER_CANCEL_MS)) return;
    // A statement that ignores its cancel token must not keep the process alive forever.
    this.opts.log.error('statements did not stop after cancel: closing their sockets', { connections: this.connections.size });
    for (const c of this.connections) c.kill();
    await this.settledWithin(KILL_AFTER_CANCEL_MS);
  }

  /** True when every connection ended within `ms`. */
  private async settledWithin(ms: number): Promise<boolean> {
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const all = Promise.all([...this.running]).then(() => true as const);
    const r = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return r;
  }
}

/** After cancelling, statements get this long to notice before their sockets are closed. */
const KILL_AFTER_CANCEL_MS = 2000;
