// COPY (query) TO STDOUT streams (planner/session/session.ts `copyOut` → copy-out.ts
// copyOutQuery): the query's cursor is pulled one batch per CopyData chunk, so a result far larger
// than the collected path's cap (`SET pyralog.result_rows_max`, lowered here) goes out whole, 2 M
// rows go out in order, and a CancelRequest while the client is not
// reading ends the COPY with 57014 and leaves the session (and an explicit transaction) usable.
// Over TCP with raw pg-protocol frames (stream-raw.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../planner/index.js';
import type { Engine } from '../../planner/api.js';
import { PgServer } from '../../wire/index.js';
import { Logger } from '../../wire/log.js';
import { dataRows, Raw } from './stream-raw.js';
import { sendCancel } from './locks-clients.js';

let base: string;
let engine: Engine;
let server: PgServer;
let port: number;
const ROWS = 3000;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'pyralog-copy-out-stream-'));
  engine = await createEngine({ dataDir: join(base, 'data') });
  server = new PgServer({
    engine, log: new Logger('off'), users: [], maxConnections: 10, maxMessageBytes: 1 << 20,
    logMinDurationMs: -1, authTimeoutMs: 10_000, tls: undefined,
  });
  port = await server.listen(0, '127.0.0.1');
  const r = await Raw.open(port);
  await r.run(serialize.query('CREATE TABLE t (k int PRIMARY KEY, name text)'));
  await r.run(serialize.query(`INSERT INTO t SELECT x, 'n' || x FROM generate_series(1, ${ROWS}) x`));
  r.close();
}, 60_000);

afterAll(async () => {
  await server?.close(1000);
  await engine?.close();
  rmSync(base, { recursive: true, force: true });
});

/**
 * CopyData payloads as they arrive, copied: pg-protocol's parser hands out views of its own
 * buffer, which it reuses for the next partial frame (Raw's messages keep those views).
 */
function copyCollector(r: Raw): { take(): Buffer[] } {
  const parser = new Parser();
  const chunks: Buffer[] = [];
  r.sock.on('data', (b: Buffer) => parser.parse(b, (m) => {
    if (m.name === 'copyData') chunks.push(Buffer.from((m as unknown as { chunk: Buffer }).chunk));
  }));
  return { take: () => chunks.splice(0) };
}

const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');


describe('COPY (query) TO STDOUT streams', () => {
  it('a result larger than pyralog.result_rows_max goes out whole; the collected path meets the cap', async () => {
    const r = await Raw.open(port);
    const copies = copyCollector(r);
    try {
      await r.run(serialize.query('SET pyralog.result_rows_max = 1000'));
      const n = 200_000;
      const ms = await r.run(serialize.query(`COPY (SELECT g, g * 2 FROM generate_series(1, ${n}) g) TO STDOUT`));
      expect(ms.find((m) => m.name === 'error')).toBeUndefined();
      expect(ms.filter((m) => m.name === 'copyData').length).toBeGreaterThan(1); // chunks of ~64 KiB
      const lines = text(copies.take()).split('\n');
      expect(lines.length).toBe(n + 1);
      expect(lines[0]).toBe('1\t2');
      expect(lines[n - 1]).toBe(`${n}\t${2 * n}`);
      expect(ms.find((m) => m.name === 'commandComplete')!.text).toBe(`COPY ${n}`);
      // A native table through the same path (csv, header) and a filter; the session's cap still
      // stops a collected result (a CTE body is collected).
      const t = await r.run(serialize.query('COPY (SELECT k, name FROM t WHERE k % 2 = 0 ORDER BY k) TO STDOUT (FORMAT csv, HEADER)'));
      const tl = text(copies.take()).split('\n');
      expect(tl[0]).toBe('k,name');
      expect(tl[1]).toBe('2,n2');
      expect(tl.length).toBe(ROWS / 2 + 2);
      expect(t.find((m) => m.name === 'commandComplete')!.text).toBe(`COPY ${ROWS / 2}`);
      const cte = await r.run(serialize.query('COPY (WITH x AS (SELECT * FROM t) SELECT count(*) FROM x) TO STDOUT'));
      expect(cte.find((m) => m.name === 'error')).toMatchObject({ code: '53200' });
    } finally {
      r.close();
    }
  }, 120_000);

  it('2,000,000 rows (the default cap is not lowered): every row, in order, in ~64 KiB chunks', async () => {
    const r = await Raw.open(port);
    const copies = copyCollector(r);
    try {
      const n = 2_000_000;
      const start = r.msgs.length;
      r.send(serialize.query(`COPY (SELECT g FROM generate_series(1, ${n}) g) TO STDOUT`));
      await r.ready(2);
      const ms = r.msgs.slice(start);
      expect(ms.find((m) => m.name === 'error')).toBeUndefined();
      const chunks = copies.take();
      const bytes = chunks.reduce((a, c) => a + c.length, 0);
      const last = chunks.at(-1)!.toString('utf8');
      expect(chunks.length).toBeGreaterThan(200);
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(64 * 1024 + 16);
      expect(text(chunks).split('\n').slice(0, 3)).toEqual(['1', '2', '3']);
      // 1..2,000,000, one per line: 9·1 + 90·2 + 900·3 + … + 1,000,001·7 digits plus the newlines.
      let digits = 0;
      for (let d = 1, lo = 1; lo <= n; d++, lo *= 10) digits += (Math.min(n, lo * 10 - 1) - lo + 1) * d;
      expect(bytes).toBe(digits + n);
      expect(last.endsWith('1999999\n2000000\n')).toBe(true);
      expect(ms.find((m) => m.name === 'commandComplete')!.text).toBe(`COPY ${n}`);
    } finally {
      r.close();
    }
  }, 300_000);

  it('CancelRequest while the client is not reading ends the COPY with 57014; the session and its transaction go on', async () => {
    const r = await Raw.open(port);
    try {
      const key = r.msgs.find((m) => m.name === 'backendKeyData')!;
      await r.run(serialize.query('BEGIN'));
      const start = r.msgs.length;
      // ~100 MB of rows: far more than the socket buffers hold, so the server waits for the client.
      r.send(serialize.query("COPY (SELECT g, repeat('x', 1000) FROM generate_series(1, 100000) g) TO STDOUT"));
      await r.until((m) => m.slice(start).some((x) => x.name === 'copyData'));
      r.sock.pause();
      await sendCancel(port, key);
      r.sock.resume();
      await r.ready(3);
      const ms = r.msgs.slice(start);
      const chunks = ms.filter((m) => m.name === 'copyData').length;
      expect(chunks).toBeGreaterThan(0);
      expect(chunks).toBeLessThan(100000 * 1000 / (64 * 1024)); // not the whole result
      expect(ms.find((m) => m.name === 'error')).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
      expect(ms.at(-1)).toMatchObject({ name: 'readyForQuery', status: 'E' });
      await r.run(serialize.query('ROLLBACK'));
      // The same session copies the native table again, whole, and writes to it.
      const again = await r.run(serialize.query('COPY (SELECT k FROM t) TO STDOUT'));
      expect(again.find((m) => m.name === 'commandComplete')!.text).toBe(`COPY ${ROWS}`);
      await r.run(serialize.query(`INSERT INTO t VALUES (${ROWS + 1}, 'more')`));
      expect(dataRows(await r.run(serialize.query('SELECT count(*) FROM t')))).toEqual([[String(ROWS + 1)]]);
      await r.run(serialize.query(`DELETE FROM t WHERE k = ${ROWS + 1}`));
    } finally {
      r.close();
    }
  }, 120_000);
});
