// Placement A streams: a SELECT over one external table runs as one DuckDB fragment whose rows
// go to the client chunk by chunk. The table here has more rows than any operator may hold
// (ROWS_IN_MEMORY_MAX), so a path that materialised the result would answer 53200; Execute
// with a row limit must instead suspend the portal after the rows asked for, and resume.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from 'pg-protocol';
import { DuckDBInstance } from '@duckdb/node-api';
import { createEngine } from '../../planner/index.js';
import type { Engine } from '../../planner/api.js';
import { ROWS_IN_MEMORY_MAX } from '../../planner/rel/ops.js';
import { makeContext, RawClient } from '../wire/harness.js';

const ROWS = ROWS_IN_MEMORY_MAX + 50;
let base: string;
let engine: Engine;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pyralog-stream-')));
  const root = join(base, 'root');
  mkdirSync(root);
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  await c.run(`COPY (SELECT range::INTEGER AS id FROM range(${ROWS})) TO '${join(root, 'big.parquet')}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  engine = await createEngine({ dataDir: join(base, 'data'), externalRoots: [root] });
  const r = new RawClient(makeContext(engine));
  r.send(serialize.startup({ user: 'tester', database: 'postgres' }));
  await r.waitFor((m) => m.some((x) => x.name === 'readyForQuery'));
  r.send(serialize.query(`CREATE EXTERNAL TABLE big STORED AS PARQUET LOCATION '${join(root, 'big.parquet')}'`));
  await r.waitFor((m) => m.filter((x) => x.name === 'readyForQuery').length === 2);
  expect(r.msgs.find((m) => m.name === 'error')).toBeUndefined();
  r.end.end();
}, 120_000);

afterAll(async () => {
  await engine?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('placement A streams its rows', () => {
  it('Execute with a row limit suspends and resumes over more rows than an operator may hold', async () => {
    const r = new RawClient(makeContext(engine));
    r.send(serialize.startup({ user: 'tester', database: 'postgres' }));
    await r.waitFor((m) => m.some((x) => x.name === 'readyForQuery'));
    const n = r.msgs.length;
    r.send(Buffer.concat([
      serialize.parse({ text: 'SELECT id FROM big WHERE id >= 0' }),
      serialize.bind({}),
      serialize.execute({ rows: 100 }),
      serialize.execute({ rows: 100 }),
      serialize.close({ type: 'P', name: '' }),
      serialize.sync(),
    ]));
    const msgs = (await r.waitFor((m) => m.slice(n).some((x) => x.name === 'readyForQuery'), 60_000)).slice(n);
    expect(msgs.find((m) => m.name === 'error')).toBeUndefined();
    const names = msgs.map((m) => m.name).filter((x) => x !== 'dataRow');
    expect(names).toEqual(['parseComplete', 'bindComplete', 'portalSuspended', 'portalSuspended', 'closeComplete', 'readyForQuery']);
    const ids = msgs.filter((m) => m.name === 'dataRow').map((m) => Number(m.fields[0]));
    expect(ids.length).toBe(200);
    expect(new Set(ids).size).toBe(200);
    expect(ids.every((x) => Number.isInteger(x) && x >= 0 && x < ROWS)).toBe(true);
    r.end.end();
  }, 120_000);

  it('placement B (a join with a native relation) streams the external rows too: no 53200 past the cap', async () => {
    // Was 53200 while placement B fetched the external rows whole first; now the scan streams
    // through the join and LIMIT closes the DuckDB cursor after the first row.
    const r = new RawClient(makeContext(engine));
    r.send(serialize.startup({ user: 'tester', database: 'postgres' }));
    await r.waitFor((m) => m.some((x) => x.name === 'readyForQuery'));
    const n = r.msgs.length;
    r.send(serialize.query('SELECT b.id FROM big b CROSS JOIN (VALUES (1)) v(x) WHERE b.id >= 0 LIMIT 1'));
    const msgs = (await r.waitFor((m) => m.slice(n).some((x) => x.name === 'readyForQuery'), 120_000)).slice(n);
    expect(msgs.find((m) => m.name === 'error')).toBeUndefined();
    expect(msgs.filter((m) => m.name === 'dataRow').length).toBe(1);
    r.end.end();
  }, 180_000);
});
