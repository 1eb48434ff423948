// Transport: bounded input buffering (the stream is paused while the consumer is busy), batched
// output (one write per turn), and release of a waiting consumer when the peer goes away.
import { describe, it, expect } from 'vitest';
import { duplexPair } from 'node:stream';
import { serialize } from 'pg-protocol';
import { Transport } from '../../wire/transport.js';
import { waitUntil } from './harness.js';

describe('Transport', () => {
  it('pauses input past its high-water mark and loses nothing', async () => {
    const [client, server] = duplexPair();
    const t = new Transport(server, 1 << 20, () => {});
    t.reader.startupDone = true;
    const q = serialize.query('SELECT ' + 'x'.repeat(1000));
    const total = 6000; // ~6 MB of pipelined queries
    let maxBuffered = 0;
    const writer = (async () => {
      for (let i = 0; i < total; i++) {
        if (!client.write(q)) await new Promise((r) => client.once('drain', r));
      }
    })();
    // A consumer that is slow at first: it takes nothing until the writer is stuck.
    await waitUntil(() => server.isPaused());
    await new Promise((r) => setTimeout(r, 50)); // more bytes would have piled up by now
    maxBuffered = Math.max(maxBuffered, t.reader.bufferedBytes);
    expect(server.isPaused()).toBe(true);
    let got = 0;
    while (got < total) {
      const f = await t.nextFrame();
      expect(f?.type).toBe(0x51);
      got++;
      maxBuffered = Math.max(maxBuffered, t.reader.bufferedBytes);
    }
    await writer;
    expect(maxBuffered).toBeLessThan(1024 * 1024 + 128 * 1024);
    t.close();
  });

  it('writes everything produced in one turn with a single write', async () => {
    const [client, server] = duplexPair();
    const t = new Transport(server, 1 << 20, () => {});
    t.reader.startupDone = true;
    const chunks: Buffer[] = [];
    client.on('data', (b: Buffer) => chunks.push(b));
    client.write(Buffer.concat([serialize.sync(), serialize.sync(), serialize.sync()]));
    for (let i = 0; i < 3; i++) {
      await t.nextFrame();
      t.out.readyForQuery('I');
    }
    const pending = t.nextFrame(); // runs out of input: flushes once, then waits
    await waitUntil(() => chunks.length > 0);
    await new Promise((r) => setTimeout(r, 20));
    expect(chunks.length).toBe(1);
    expect(chunks[0]!.length).toBe(18);
    client.end();
    expect(await pending).toBeUndefined();
  });

  it('reports the end of input once and releases a waiting consumer', async () => {
    const [client, server] = duplexPair();
    let ends = 0;
    const t = new Transport(server, 1 << 20, () => ends++);
    const pending = t.nextFrame();
    client.end(); // the peer's FIN
    await new Promise((r) => setTimeout(r, 20));
    server.destroy(); // and then the socket closes: still only one report
    expect(await pending).toBeUndefined();
    expect(ends).toBe(1);
  });
});
