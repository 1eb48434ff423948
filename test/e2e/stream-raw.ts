// Raw pg-protocol frames over TCP for the streaming tests (stream-*.test.ts): pg-protocol's
// serializer out, its parser in; reading can be paused (back-pressure on the server).
import net from 'node:net';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';

export type Msg = { name: string; [k: string]: any };

/** Raw frames over TCP: pg-protocol's serializer out, its parser in; reading can be paused. */
export class Raw {
  readonly msgs: Msg[] = [];
  private readonly parser = new Parser();
  private waiters: Array<() => void> = [];
  ended = false;
  constructor(readonly sock: net.Socket) {
    sock.on('data', (b: Buffer) => {
      this.parser.parse(b, (m) => this.msgs.push(m as unknown as Msg));
      this.wake();
    });
    sock.on('close', () => {
      this.ended = true;
      this.wake();
    });
    sock.on('error', () => undefined);
  }
  static async open(port: number): Promise<Raw> {
    const sock = await new Promise<net.Socket>((res, rej) => {
      const s = net.connect(port, '127.0.0.1', () => res(s));
      s.on('error', rej);
    });
    const r = new Raw(sock);
    r.send(serialize.startup({ user: 'postgres', database: 'postgres' }));
    await r.ready(1);
    return r;
  }
  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  send(b: Buffer): void {
    this.sock.write(b);
  }
  async until(pred: (m: Msg[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.msgs)) {
      if (this.ended) throw new Error(`connection ended; got ${this.names().slice(-5).join(',')}`);
      if (Date.now() > deadline) throw new Error(`timeout; got ${this.names().slice(-5).join(',')}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  ready(n: number): Promise<void> {
    return this.until((m) => m.filter((x) => x.name === 'readyForQuery').length >= n);
  }
  readyCount(): number {
    return this.msgs.filter((x) => x.name === 'readyForQuery').length;
  }
  names(from = 0): string[] {
    return this.msgs.slice(from).map((m) => m.name);
  }
  /** Runs `frames` and waits for the next ReadyForQuery; returns the messages it produced. */
  async run(...frames: Buffer[]): Promise<Msg[]> {
    const n = this.msgs.length;
    const want = this.readyCount() + 1;
    this.send(Buffer.concat(frames));
    await this.ready(want);
    return this.msgs.slice(n);
  }
  close(): void {
    this.sock.destroy();
  }
}

export const dataRows = (ms: Msg[]): string[][] => ms.filter((m) => m.name === 'dataRow').map((m) => m.fields as string[]);
export const compact = (ms: Msg[]): string[] => {
  // Runs of dataRow collapsed: ['dataRow×3', 'portalSuspended', ...]
  const out: string[] = [];
  for (const m of ms) {
    const last = out[out.length - 1];
    if (m.name === 'dataRow' && last?.startsWith('dataRow')) out[out.length - 1] = `dataRow×${Number(last.split('×')[1] ?? 1) + 1}`;
    else out.push(m.name === 'dataRow' ? 'dataRow×1' : m.name);
  }
  return out;
};

