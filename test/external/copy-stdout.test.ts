// COPY … TO STDOUT (FORMAT parquet) over TCP against the real server: the frames checked with
// pg-protocol's own parser (CopyOutResponse overall format 1, CopyData, CopyDone, COPY n), the
// bytes read back by DuckDB, psql's \copy writing a file DuckDB reads, and the hidden temp file
// gone afterwards.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, serialize, type BackendMessage } from 'pg-protocol';
import { startTierServer, type TierServer } from './tiers-server.js';

let s: TierServer;

/** A minimal raw client: sends frames, collects every backend message pg-protocol decodes. */
class Raw {
  readonly msgs: BackendMessage[] = [];
  private waiters: Array<() => void> = [];
  private readonly sock: Socket;
  constructor(port: number) {
    this.sock = connect(port, '127.0.0.1');
    void parse(this.sock, (m) => {
      // pg-protocol hands out CopyData chunks as views of its reused read buffer: keep a copy.
      if (m.name === 'copyData') (m as unknown as { chunk: Buffer }).chunk = Buffer.from((m as unknown as { chunk: Buffer }).chunk);
      this.msgs.push(m);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  send(b: Buffer): void {
    this.sock.write(b);
  }
  async readyCount(n: number): Promise<void> {
    while (this.msgs.filter((m) => m.name === 'readyForQuery').length < n) await new Promise<void>((r) => this.waiters.push(r));
  }
  end(): void {
    this.sock.end(serialize.end());
  }
  destroy(): void {
    this.sock.destroy();
  }
  async until(pred: () => boolean): Promise<void> {
    while (!pred()) await new Promise<void>((r) => this.waiters.push(r));
  }
}

/** Polls until `pred` holds (the server cleans up asynchronously after a disconnect). */
async function eventually(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

const SRC = `SELECT g AS id, (g * 0.25)::numeric(10,2) AS amount, CASE WHEN g % 4 = 0 THEN NULL ELSE 'v' || g END AS label,
  timestamptz '2024-02-29 12:00:00+00' + g * interval '1 minute' AS ts FROM generate_series(1, 30000) g`;

beforeAll(async () => {
  s = await startTierServer('copystdout');
  await s.client.query(`CREATE TABLE src AS ${SRC}`);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

async function stillAnswers(): Promise<void> {
  expect((await s.rows('SELECT count(*) FROM src'))[0]).toEqual(['30000']);
}

describe('COPY … TO STDOUT (FORMAT parquet)', () => {
  it('streams the Parquet file as binary COPY OUT data that DuckDB reads back', async () => {
    const c = new Raw(s.port);
    c.send(serialize.startup({ user: 'postgres', database: 'postgres' }));
    await c.readyCount(1);
    const n = c.msgs.length;
    c.send(serialize.query(`COPY (SELECT * FROM src WHERE id <= 25000) TO STDOUT (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)`));
    await c.readyCount(2);
    const got = c.msgs.slice(n);
    const names = got.map((m) => m.name);
    expect(names[0]).toBe('copyOutResponse');
    expect(names.slice(-3)).toEqual(['copyDone', 'commandComplete', 'readyForQuery']);
    const head = got[0] as unknown as { binary: boolean; columnTypes: number[] };
    expect(head.binary).toBe(true);
    expect(head.columnTypes).toEqual([1, 1, 1, 1]);
    const data = got.filter((m) => m.name === 'copyData').map((m) => (m as unknown as { chunk: Buffer }).chunk);
    expect(data.length).toBeGreaterThan(1); // the file is sent in bounded chunks
    expect(Math.max(...data.map((d) => d.length))).toBeLessThanOrEqual(64 * 1024);
    expect((got.at(-2) as unknown as { text: string }).text).toBe('COPY 25000');
    const bytes = Buffer.concat(data);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const file = join(s.outside, 'stdout.parquet');
    writeFileSync(file, bytes);
    expect(await s.oracleRows(`SELECT count(*)::INTEGER, sum(amount)::VARCHAR, count(label)::INTEGER, min(ts)::VARCHAR FROM read_parquet('${file}')`))
      .toEqual([[25000, '78128125.00', 18750, '2024-02-29 12:01:00+00']]);
    expect(await s.oracleRows(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`)).toEqual([['ZSTD']]);
    // The hidden temp file is gone once the stream ended.
    expect(readdirSync(s.root)).toEqual([]);
    // The connection is usable afterwards.
    c.send(serialize.query('SELECT 1'));
    await c.readyCount(3);
    c.end();
  });

  it("psql's \\copy … to 'x.parquet' (format parquet) writes a file DuckDB reads", async () => {
    const out = join(s.outside, 'psql.parquet');
    // Asynchronous spawn: the server runs in this process and must keep serving psql.
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string; missing: boolean }>((resolve) => {
      const p = spawn('psql', ['-X', '-h', '127.0.0.1', '-p', String(s.port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1',
        '-c', `\\copy (SELECT id, label FROM src ORDER BY id) to '${out}' (format parquet)`], { env: { ...process.env, PGSSLMODE: 'disable', PGGSSENCMODE: 'disable' } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('error', (e: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, missing: e.code === 'ENOENT' }));
      p.on('close', (code) => resolve({ code, stdout, stderr, missing: false }));
    });
    if (r.missing && !process.env.CI) return; // psql not installed here
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('COPY 30000');
    expect(existsSync(out)).toBe(true);
    expect(await s.oracleRows(`SELECT count(*)::INTEGER, min(id)::INTEGER, max(label) FROM read_parquet('${out}')`)).toEqual([[30000, 1, 'v9999']]);
  });

  it('a client that disconnects mid-stream leaves no temp file behind', async () => {
    const c = new Raw(s.port);
    c.send(serialize.startup({ user: 'postgres', database: 'postgres' }));
    await c.readyCount(1);
    // Uncompressed, so the file is many chunks long.
    c.send(serialize.query(`COPY (SELECT a.id, a.label, b.id AS id2 FROM src a, generate_series(1, 10) b(id)) TO STDOUT (FORMAT parquet, COMPRESSION uncompressed)`));
    await c.until(() => c.msgs.some((m) => m.name === 'copyData'));
    expect(readdirSync(s.root).filter((f) => f.startsWith('.pyralog-copy-out-')).length).toBe(1);
    c.destroy();
    await eventually(() => readdirSync(s.root).filter((f) => f.startsWith('.')).length === 0, 'temp file removed');
    await stillAnswers();
  });

  it('external tables and a table name as the source; directory options refused', async () => {
    await s.client.query(`COPY src TO '${join(s.root, 'src.parquet')}' (FORMAT parquet)`);
    await s.client.query(`CREATE EXTERNAL TABLE src_ext STORED AS PARQUET LOCATION '${join(s.root, 'src.parquet')}'`);
    const c = new Raw(s.port);
    c.send(serialize.startup({ user: 'postgres', database: 'postgres' }));
    await c.readyCount(1);
    const n = c.msgs.length;
    c.send(serialize.query(`COPY (SELECT e.id, e.amount FROM src_ext e JOIN src USING (id) WHERE id % 1000 = 0) TO STDOUT (FORMAT parquet)`));
    await c.readyCount(2);
    const bytes = Buffer.concat(c.msgs.slice(n).filter((m) => m.name === 'copyData').map((m) => (m as unknown as { chunk: Buffer }).chunk));
    const file = join(s.outside, 'ext.parquet');
    writeFileSync(file, bytes);
    expect(await s.oracleRows(`SELECT count(*)::INTEGER, sum(amount)::VARCHAR FROM read_parquet('${file}')`)).toEqual([[30, '116250.00']]);
    c.end();
    expect((await s.sqlError(`COPY src TO STDOUT (FORMAT parquet, PARTITION_BY (id))`)).code).toBe('0A000');
    expect((await s.sqlError(`COPY src TO STDOUT (FORMAT parquet, FILE_SIZE_BYTES 1000)`)).code).toBe('0A000');
    expect(readdirSync(s.root).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
