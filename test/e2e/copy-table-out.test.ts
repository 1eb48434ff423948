// COPY table TO STDOUT streams (planner/dml/copy.ts → session/copy-out.ts copyOutQuery): the
// table's scan cursor is pulled one batch per CopyData chunk, so a table far larger than the
// collected path's cap (`SET pyralog.result_rows_max`, lowered here) goes out whole in text, csv
// and binary; the bytes are PostgreSQL 15's (the same script runs against a throw-away cluster
// when its binaries are installed, small table with awkward values and the large one alike); a
// CancelRequest while the client is not reading ends the COPY with 57014 and the session and its
// transaction go on. Over TCP with raw pg-protocol frames (stream-raw.ts) against the real server.
import { createHash } from 'node:crypto';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module of the bench folder
import { Cleanup } from '../../bench/lib/cleanup.mjs';
// @ts-expect-error plain JS module of the bench folder
import { startPostgres } from '../../bench/lib/pg-cluster.mjs';
import { havePg } from './oracle-suite.js';
import { startServer, type RunningServer } from './server.js';
import { dataRows, Raw } from './stream-raw.js';
import { sendCancel } from './locks-clients.js';

const BIG_ROWS = 5000;
const CAP_ROWS = 1000;

/** One connection whose CopyData payloads are collected as copies (pg-protocol's parser hands
 *  out views of a buffer it reuses). */
async function open(port: number): Promise<{ r: Raw; take(): Buffer }> {
  const r = await Raw.open(port);
  const parser = new Parser();
  const chunks: Buffer[] = [];
  r.sock.on('data', (b: Buffer) => parser.parse(b, (m) => {
    if (m.name === 'copyData') chunks.push(Buffer.from((m as unknown as { chunk: Buffer }).chunk));
  }));
  return { r, take: () => Buffer.concat(chunks.splice(0)) };
}

interface CopyResult {
  bytes: Buffer;
  tag: string | undefined;
  error: string | undefined;
}

async function copy(c: { r: Raw; take(): Buffer }, sql: string): Promise<CopyResult> {
  const ms = await c.r.run(serialize.query(sql));
  const err = ms.find((m) => m.name === 'error');
  return { bytes: c.take(), tag: ms.find((m) => m.name === 'commandComplete')?.text as string | undefined, error: err ? `${err.code} ${err.message}` : undefined };
}

/** Tuples of a binary COPY stream: field count and each field's bytes (null = SQL NULL). */
function binaryTuples(b: Buffer): Array<Array<Buffer | null>> {
  expect(b.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  let p = 11 + 4 + 4 + b.readInt32BE(15);
  const out: Array<Array<Buffer | null>> = [];
  for (;;) {
    const n = b.readInt16BE(p);
    p += 2;
    if (n === -1) break;
    const row: Array<Buffer | null> = [];
    for (let i = 0; i < n; i++) {
      const len = b.readInt32BE(p);
      p += 4;
      row.push(len < 0 ? null : b.subarray(p, p + len));
      if (len > 0) p += len;
    }
    out.push(row);
  }
  expect(p).toBe(b.length);
  return out;
}

const SETUP = [
  'DROP TABLE IF EXISTS cto_small, cto_big',
  'CREATE TABLE cto_small (k int PRIMARY KEY, name text, v numeric(10,2), f boolean, d date, raw bytea)',
  `INSERT INTO cto_small VALUES (1, 'plain', 1.5, true, '2024-02-29', '\\x00ff'),
    (2, E'tab\\there, new\\nline \\\\ back', -0.25, false, '1999-12-31', ''),
    (3, NULL, NULL, NULL, NULL, NULL), (4, 'a,b "q"', 12345678.9, true, '2000-01-01', '\\x5c2c'),
    (5, '\\.', 0, false, '2024-01-01', '\\x0a')`,
  'CREATE TABLE cto_big (k int PRIMARY KEY, name text, v numeric)',
  `INSERT INTO cto_big SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, ${BIG_ROWS}) g`,
];

const COPIES = [
  'COPY cto_small TO STDOUT',
  'COPY cto_small TO STDOUT (FORMAT csv, HEADER)',
  "COPY cto_small (raw, name, k) TO STDOUT (FORMAT csv, FORCE_QUOTE *, NULL 'NIL', DELIMITER ';')",
  'COPY cto_small TO STDOUT (FORMAT binary)',
  'COPY cto_big TO STDOUT',
  'COPY cto_big TO STDOUT (FORMAT csv, HEADER)',
  'COPY cto_big (v, k) TO STDOUT (FORMAT binary)',
];

/** The script: set up, lower the cap, every COPY; results by statement. */
async function script(port: number): Promise<Map<string, CopyResult>> {
  const c = await open(port);
  try {
    for (const s of SETUP) {
      const ms = await c.r.run(serialize.query(s));
      const err = ms.find((m) => m.name === 'error');
      if (err) throw new Error(`${s}: ${err.code} ${err.message}`);
    }
    await c.r.run(serialize.query(`SET pyralog.result_rows_max = ${CAP_ROWS}`));
    const out = new Map<string, CopyResult>();
    for (const s of COPIES) out.set(s, await copy(c, s));
    return out;
  } finally {
    c.r.close();
  }
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('COPY table TO STDOUT streams', () => {
  let py: RunningServer | undefined;
  let pyResults: Map<string, CopyResult>;
  const cleanup = new Cleanup();
  beforeAll(async () => {
    py = await startServer();
    pyResults = await script(py.port);
  }, 120_000);
  afterAll(async () => {
    await py?.stop();
    cleanup.runAll();
  });

  it(`a table larger than pyralog.result_rows_max goes out whole in text, csv and binary`, () => {
    for (const [s, r] of pyResults) expect(r.error, s).toBeUndefined();
    const text = pyResults.get('COPY cto_big TO STDOUT')!;
    const lines = text.bytes.toString('utf8').split('\n');
    expect(lines.length).toBe(BIG_ROWS + 1);
    expect(lines[0]).toBe('1\tn1\t1.5');
    expect(lines[BIG_ROWS - 1]).toBe(`${BIG_ROWS}\tn${BIG_ROWS}\t${BIG_ROWS * 1.5}.0`);
    expect(lines.at(-1)).toBe('');
    expect(text.tag).toBe(`COPY ${BIG_ROWS}`);
    const csv = pyResults.get('COPY cto_big TO STDOUT (FORMAT csv, HEADER)')!;
    const cl = csv.bytes.toString('utf8').split('\n');
    expect(cl[0]).toBe('k,name,v');
    expect(cl[1]).toBe('1,n1,1.5');
    expect(cl.length).toBe(BIG_ROWS + 2);
    expect(csv.tag).toBe(`COPY ${BIG_ROWS}`);
    const bin = pyResults.get('COPY cto_big (v, k) TO STDOUT (FORMAT binary)')!;
    const tuples = binaryTuples(bin.bytes);
    expect(tuples.length).toBe(BIG_ROWS);
    expect(tuples.map((t) => t[1]!.readInt32BE(0))).toEqual(Array.from({ length: BIG_ROWS }, (_, i) => i + 1));
    expect(bin.tag).toBe(`COPY ${BIG_ROWS}`);
  });

  it('small table: every format as PostgreSQL 15 writes it (NULLs, escapes, quoting, the \\. row)', () => {
    const text = pyResults.get('COPY cto_small TO STDOUT')!.bytes.toString('utf8');
    expect(text).toBe([
      '1\tplain\t1.50\tt\t2024-02-29\t\\\\x00ff',
      '2\ttab\\there, new\\nline \\\\ back\t-0.25\tf\t1999-12-31\t\\\\x',
      '3\t\\N\t\\N\t\\N\t\\N\t\\N',
      '4\ta,b "q"\t12345678.90\tt\t2000-01-01\t\\\\x5c2c',
      '5\t\\\\.\t0.00\tf\t2024-01-01\t\\\\x0a',
      '',
    ].join('\n'));
    const csv = pyResults.get("COPY cto_small (raw, name, k) TO STDOUT (FORMAT csv, FORCE_QUOTE *, NULL 'NIL', DELIMITER ';')")!.bytes.toString('utf8');
    expect(csv).toContain('\nNIL;NIL;"3"\n');
    expect(csv).toContain('"\\x";"tab\there, new\nline \\ back";"2"\n'); // the newline stays inside quotes
    expect(binaryTuples(pyResults.get('COPY cto_small TO STDOUT (FORMAT binary)')!.bytes).length).toBe(5);
  });

  it.skipIf(!havePg)('PostgreSQL 15 gives the same bytes and tags (the oracle, live)', async () => {
    const server = await startPostgres(cleanup, { settings: { timezone: 'UTC' } });
    const pgResults = await script(server.port as number);
    for (const s of COPIES) {
      const a = pyResults.get(s)!;
      const b = pgResults.get(s)!;
      expect({ s, tag: a.tag, error: a.error, size: a.bytes.length, sha: sha(a.bytes) }).toEqual({ s, tag: b.tag, error: b.error, size: b.bytes.length, sha: sha(b.bytes) });
    }
  }, 120_000);

  it('CancelRequest while the client is not reading ends the COPY with 57014; the session and its transaction go on', async () => {
    const c = await open(py!.port);
    const r = c.r;
    try {
      await r.run(serialize.query("CREATE TABLE cto_wide AS SELECT g AS k, repeat('x', 2000) AS pad FROM generate_series(1, 20000) g"));
      const key = r.msgs.find((m) => m.name === 'backendKeyData')!;
      await r.run(serialize.query(`SET pyralog.result_rows_max = ${CAP_ROWS}`));
      await r.run(serialize.query('BEGIN'));
      const start = r.msgs.length;
      // ~40 MB of rows: far more than the socket buffers hold, so the server waits for the client.
      r.send(serialize.query('COPY cto_wide TO STDOUT'));
      await r.until((m) => m.slice(start).some((x) => x.name === 'copyData'));
      r.sock.pause();
      await sendCancel(py!.port, key);
      r.sock.resume();
      await r.until((m) => m.slice(start).some((x) => x.name === 'readyForQuery'), 60_000);
      const ms = r.msgs.slice(start);
      const chunks = ms.filter((m) => m.name === 'copyData').length;
      expect(chunks).toBeGreaterThan(0);
      expect(chunks).toBeLessThan(20000 * 2000 / (64 * 1024)); // not the whole table
      expect(ms.find((m) => m.name === 'error')).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
      expect(ms.at(-1)).toMatchObject({ name: 'readyForQuery', status: 'E' });
      await r.run(serialize.query('ROLLBACK'));
      c.take();
      // The same session copies the table again, whole, and changes it (nothing left holding it).
      const again = await copy(c, 'COPY cto_wide (k) TO STDOUT');
      expect(again.tag).toBe('COPY 20000');
      expect(again.bytes.toString('utf8').split('\n').length).toBe(20001);
      await r.run(serialize.query('TRUNCATE cto_wide'));
      expect(dataRows(await r.run(serialize.query('SELECT count(*) FROM cto_wide')))).toEqual([['0']]);
    } finally {
      r.close();
    }
  }, 120_000);
});

