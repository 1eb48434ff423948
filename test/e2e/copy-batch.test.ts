// COPY FROM STDIN with one CopyData message per row, as psql and pgbench send it: runCopyIn
// hands the sink batches of CopyData (COPY_IN_BATCH_BYTES), so these check what a batch must not
// change — row counts and line numbers across batch boundaries, and errors in input order (a
// bad row before a CopyFail or a stray Query is reported, as PostgreSQL reports it while
// reading). Driven over the real Connection with raw protocol frames (test/wire/harness.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { serialize } from 'pg-protocol';
import type { Engine } from '../../planner/api.js';
import { COPY_IN_BATCH_BYTES } from '../../wire/statement.js';
import { makeContext, makeEngine, RawClient } from '../wire/harness.js';

let engine: Engine;
beforeAll(async () => {
  engine = await makeEngine();
});
afterAll(async () => {
  await engine.close();
});

let tableNo = 0;
async function withTable(): Promise<{ c: RawClient; t: string }> {
  const c = new RawClient(makeContext(engine));
  c.send(serialize.startup({ user: 'tester', database: 'postgres' }));
  await c.readyCount(1);
  const t = `copy_batch${++tableNo}`;
  c.send(serialize.query(`CREATE TABLE ${t} (a int4, b text)`));
  await c.readyCount(2);
  return { c, t };
}

/** One CopyData per row, rows a..b-1 as "i\tnote i\n" (about 16 bytes each). */
function rowFrames(from: number, to: number, bad?: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = from; i < to; i++) out.push(serialize.copyData(Buffer.from(i === bad ? `x${i}\tbad\n` : `${i}\tnote ${i}\n`)));
  return out;
}

async function scalar(c: RawClient, sql: string, nthReady: number): Promise<unknown> {
  const n = c.msgs.length;
  c.send(serialize.query(sql));
  await c.readyCount(nthReady);
  return c.msgs.slice(n).find((m) => m.name === 'dataRow')?.fields[0];
}

// Enough rows for several batches: the batch boundary falls mid-stream more than once.
const ROWS = Math.ceil((3 * COPY_IN_BATCH_BYTES) / 14);

describe('COPY FROM STDIN, one CopyData per row', () => {
  it('counts every row across batch boundaries', async () => {
    const { c, t } = await withTable();
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.query(`COPY ${t} FROM STDIN`), ...rowFrames(0, ROWS), serialize.copyDone()]));
    await c.readyCount(3);
    expect(c.names(n)).toEqual(['copyInResponse', 'commandComplete', 'readyForQuery']);
    expect(c.msgs.at(-2)!.text).toBe(`COPY ${ROWS}`);
    expect(await scalar(c, `SELECT count(*) || ' ' || sum(a) FROM ${t}`, 4)).toBe(`${ROWS} ${(ROWS * (ROWS - 1)) / 2}`);
  });

  it('a bad row past the first batch names its own line; nothing is kept', async () => {
    const { c, t } = await withTable();
    const bad = ROWS - 7;
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.query(`COPY ${t} FROM STDIN`), ...rowFrames(0, ROWS, bad), serialize.copyDone()]));
    await c.readyCount(3);
    expect(c.names(n)).toEqual(['copyInResponse', 'error', 'readyForQuery']);
    expect(c.msgs[n + 1]).toMatchObject({
      code: '22P02',
      message: `invalid input syntax for type integer: "x${bad}"`,
      where: `COPY ${t}, line ${bad + 1}, column a: "x${bad}"`,
    });
    expect(await scalar(c, `SELECT count(*) FROM ${t}`, 4)).toBe('0');
  });

  it('a bad row before CopyFail is what is reported (input order), as PostgreSQL', async () => {
    const { c, t } = await withTable();
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.query(`COPY ${t} FROM STDIN`), ...rowFrames(0, 5, 3), serialize.copyFail('client gave up')]));
    await c.readyCount(3);
    expect(c.names(n)).toEqual(['copyInResponse', 'error', 'readyForQuery']);
    expect(c.msgs[n + 1]).toMatchObject({ code: '22P02', where: `COPY ${t}, line 4, column a: "x3"` });
  });

  it('a bad row before a stray Query is reported instead of the protocol violation', async () => {
    const { c, t } = await withTable();
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.query(`COPY ${t} FROM STDIN`), ...rowFrames(0, 3, 1), serialize.query('SELECT 1')]));
    await c.readyCount(3);
    expect(c.names(n).slice(0, 2)).toEqual(['copyInResponse', 'error']);
    expect(c.msgs[n + 1]).toMatchObject({ code: '22P02', where: `COPY ${t}, line 2, column a: "x1"` });
  });

  it('CopyFail after whole batches of good rows keeps nothing', async () => {
    const { c, t } = await withTable();
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.query(`COPY ${t} FROM STDIN`), ...rowFrames(0, ROWS), serialize.copyFail('stop')]));
    await c.readyCount(3);
    expect(c.msgs[n + 1]).toMatchObject({ code: '57014', message: 'COPY from stdin failed: stop' });
    expect(await scalar(c, `SELECT count(*) FROM ${t}`, 4)).toBe('0');
  });
});
