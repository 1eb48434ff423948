// Portal row limits (PortalSuspended, resume), portals across Sync inside a transaction block,
// and the COPY sub-protocol framing (CopyOutResponse/CopyData/CopyDone in text, csv and binary;
// leftovers of a failed COPY FROM STDIN ignored until the next command).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { serialize } from 'pg-protocol';
import type { Engine } from '../../planner/api.js';
import { makeContext, makeEngine, RawClient } from './harness.js';

let engine: Engine;
beforeAll(async () => {
  engine = await makeEngine();
});
afterAll(async () => {
  await engine.close();
});

async function ready(): Promise<RawClient> {
  const c = new RawClient(makeContext(engine));
  c.send(serialize.startup({ user: 'tester', database: 'postgres' }));
  await c.readyCount(1);
  return c;
}

const FIVE = 'VALUES (1), (2), (3), (4), (5)';

describe('portal row limits', () => {
  it('suspends after the row limit and resumes where it stopped', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(Buffer.concat([
      serialize.parse({ text: FIVE }),
      serialize.bind({}),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.sync(),
    ]));
    await c.readyCount(2);
    expect(c.names(n)).toEqual([
      'parseComplete', 'bindComplete',
      'dataRow', 'dataRow', 'portalSuspended',
      'dataRow', 'dataRow', 'portalSuspended',
      'dataRow', 'commandComplete', 'readyForQuery',
    ]);
    expect(c.msgs.slice(n).filter((m) => m.name === 'dataRow').map((m) => m.fields[0])).toEqual(['1', '2', '3', '4', '5']);
    // PostgreSQL counts the rows of the last Execute only.
    expect(c.msgs.find((m, i) => i >= n && m.name === 'commandComplete')!.text).toBe('SELECT 1');
  });

  it('treats a limit met exactly as a suspension and reports SELECT 0 on the next Execute', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(Buffer.concat([
      serialize.parse({ text: 'VALUES (1), (2)' }),
      serialize.bind({}),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 0 }),
      serialize.sync(),
    ]));
    await c.readyCount(2);
    expect(c.names(n)).toEqual(['parseComplete', 'bindComplete', 'dataRow', 'dataRow', 'portalSuspended', 'commandComplete', 'commandComplete', 'readyForQuery']);
    expect(c.msgs.slice(n).filter((m) => m.name === 'commandComplete').map((m) => m.text)).toEqual(['SELECT 0', 'SELECT 0']);
  });

  it('keeps a named portal across Sync inside a transaction block, and drops portals at commit', async () => {
    const c = await ready();
    c.send(serialize.query('BEGIN'));
    await c.readyCount(2);
    let n = c.msgs.length;
    c.send(Buffer.concat([serialize.parse({ text: FIVE }), serialize.bind({ portal: 'cur' }), serialize.execute({ portal: 'cur', rows: 3 }), serialize.sync()]));
    await c.readyCount(3);
    expect(c.names(n)).toEqual(['parseComplete', 'bindComplete', 'dataRow', 'dataRow', 'dataRow', 'portalSuspended', 'readyForQuery']);
    expect(c.msgs.at(-1)!.status).toBe('T');
    n = c.msgs.length;
    c.send(Buffer.concat([serialize.execute({ portal: 'cur', rows: 0 }), serialize.sync()]));
    await c.readyCount(4);
    expect(c.names(n)).toEqual(['dataRow', 'dataRow', 'commandComplete', 'readyForQuery']);
    expect(c.msgs.slice(n, n + 2).map((m) => m.fields[0])).toEqual(['4', '5']);
    c.send(Buffer.concat([serialize.bind({ portal: 'p2' }), serialize.execute({ portal: 'p2', rows: 1 }), serialize.sync()]));
    await c.readyCount(5);
    c.send(serialize.query('COMMIT'));
    await c.readyCount(6);
    n = c.msgs.length;
    c.send(Buffer.concat([serialize.execute({ portal: 'p2', rows: 1 }), serialize.sync()]));
    await c.readyCount(7);
    expect(c.msgs.slice(n).find((m) => m.name === 'error')).toMatchObject({ code: '34000', message: 'portal "p2" does not exist' });
  });

  it('refuses to rebind an open named portal with PostgreSQL\'s wording', async () => {
    const c = await ready();
    c.send(serialize.query('BEGIN'));
    await c.readyCount(2);
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.parse({ text: 'SELECT 1' }), serialize.bind({ portal: 'p' }), serialize.bind({ portal: 'p' }), serialize.sync()]));
    await c.readyCount(3);
    expect(c.names(n)).toEqual(['parseComplete', 'bindComplete', 'error', 'readyForQuery']);
    expect(c.msgs[n + 2]).toMatchObject({ code: '42P03', message: 'cursor "p" already exists' });
    expect(c.msgs.at(-1)!.status).toBe('E');
  });

  it('describes a portal with its result formats', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.parse({ text: 'SELECT 1 AS a, 2 AS b' }), serialize.bind({ binary: true }), serialize.describe({ type: 'P' }), serialize.sync()]));
    await c.readyCount(2);
    const rd = c.msgs.slice(n).find((m) => m.name === 'rowDescription')!;
    expect(rd.fields.map((f: { name: string; format: string }) => [f.name, f.format])).toEqual([['a', 'binary'], ['b', 'binary']]);
  });
});

describe('COPY framing', () => {
  it('COPY (query) TO STDOUT in text: CopyOutResponse, CopyData, CopyDone, CommandComplete', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(serialize.query("COPY (VALUES (1, 'a'), (2, NULL)) TO STDOUT"));
    await c.readyCount(2);
    const names = c.names(n);
    expect(names[0]).toBe('copyOutResponse');
    expect(names.slice(-3)).toEqual(['copyDone', 'commandComplete', 'readyForQuery']);
    expect(c.msgs[n]).toMatchObject({ binary: false, columnTypes: [0, 0] });
    const data = Buffer.concat(c.msgs.slice(n).filter((m) => m.name === 'copyData').map((m) => m.chunk as Buffer)).toString();
    expect(data).toBe('1\ta\n2\t\\N\n');
    expect(c.msgs.at(-2)!.text).toBe('COPY 2');
  });

  it('COPY TO STDOUT in csv and binary formats, also through the extended protocol', async () => {
    const c = await ready();
    let n = c.msgs.length;
    c.send(serialize.query('COPY (SELECT 1 AS x) TO STDOUT (FORMAT csv, HEADER)'));
    await c.readyCount(2);
    expect(Buffer.concat(c.msgs.slice(n).filter((m) => m.name === 'copyData').map((m) => m.chunk as Buffer)).toString()).toBe('x\n1\n');
    n = c.msgs.length;
    c.send(Buffer.concat([serialize.parse({ text: 'COPY (SELECT 7) TO STDOUT (FORMAT binary)' }), serialize.bind({}), serialize.execute({}), serialize.sync()]));
    await c.readyCount(3);
    expect(c.names(n)[2]).toBe('copyOutResponse');
    expect(c.msgs[n + 2]).toMatchObject({ binary: true, columnTypes: [1] });
    const bin = Buffer.concat(c.msgs.slice(n).filter((m) => m.name === 'copyData').map((m) => m.chunk as Buffer));
    expect(bin.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(bin.subarray(-2).toString('hex')).toBe('ffff');
    expect(c.names(n).slice(-3)).toEqual(['copyDone', 'commandComplete', 'readyForQuery']);
  });

  it('ignores CopyData/CopyDone/CopyFail that follow a COPY FROM STDIN the server refused', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(Buffer.concat([
      serialize.query('COPY nosuch FROM STDIN'),
      serialize.copyData(Buffer.from('1\n')),
      serialize.copyDone(),
      serialize.copyFail('gave up'),
      serialize.query('SELECT 1'),
    ]));
    await c.readyCount(3);
    expect(c.names(n)).toEqual(['error', 'readyForQuery', 'rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
    expect(c.msgs[n]).toMatchObject({ code: '42P01', message: 'relation "nosuch" does not exist' });
  });
});
