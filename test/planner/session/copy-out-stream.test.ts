// COPY (query) TO STDOUT through the query's cursor (planner/session/copy-out.ts copyOutQuery):
// the rows are pulled one batch at a time as the wire asks for chunks (the source never runs
// ahead by more than one fetch), the bytes and the tag equal the collected encoder's, an error
// in the middle comes after the chunks already produced, and every exit closes the cursor.
// The cursor is the real RelCursor (nativeCursor) over a row generator standing for an operator
// tree; the wiring into the session is reported (planner/session/session.ts is not this file's).
import { describe, expect, it } from 'vitest';
import type { EvalContext, Value } from '../../../planner/bind/expr.js';
import type { QueryPlan } from '../../../planner/exec/query.js';
import { nativeCursor } from '../../../planner/rel/rel-cursor.js';
import { COPY_OUT_FETCH_ROWS, copyOutQuery, copyOutSource, parseCopyOptions } from '../../../planner/session/copy-out.js';
import type { CopyOutSource } from '../../../planner/api.js';

const ctx = { cancel: { reason: undefined } } as unknown as EvalContext;
const fmt = { dateStyle: 'ISO, MDY', intervalStyle: 'postgres', timeZone: 'UTC', extraFloatDigits: 1 } as never;
const columns = [{ name: 'id', type: { oid: 23, typmod: -1 } }, { name: 'name', type: { oid: 25, typmod: -1 } }] as never as QueryPlan['columns'];

interface Probe { pulled: number; closed: boolean }

function plan(n: number, probe: Probe, failAt = -1): QueryPlan {
  function* rows(): Generator<Value[]> {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error('boom');
        probe.pulled++;
        yield [i, `row ${i}\t${i % 7}`];
      }
    } finally {
      probe.closed = true;
    }
  }
  return { columns, run: () => [...rows()], openCursor: (c) => nativeCursor(rows(), c) } as unknown as QueryPlan;
}

async function drain(s: CopyOutSource, onChunk: () => void = () => undefined): Promise<Buffer> {
  const parts: Buffer[] = [];
  try {
    for (let c = await s.next(); c !== undefined; c = await s.next()) {
      parts.push(Buffer.from(c));
      onChunk();
    }
  } finally {
    s.close();
  }
  return Buffer.concat(parts);
}

const N = 50_000;

describe('COPY (query) TO STDOUT streams', () => {
  for (const format of ['text', 'csv', 'binary'] as const) {
    it(`${format}: same bytes and tag as the collected encoder, pulled a batch at a time`, async () => {
      const o = parseCopyOptions(format === 'text' ? [] : [{ kind: 'DefElem', defname: 'format', arg: { kind: 'String', sval: format } } as never]);
      const probe: Probe = { pulled: 0, closed: false };
      const exec = await copyOutQuery(plan(N, probe), ctx, o, fmt);
      if (exec.kind !== 'copyOut') throw new Error('not copyOut');
      expect(probe.pulled).toBe(0); // nothing pulled before the wire asks
      let chunks = 0;
      const got = await drain(exec.source, () => chunks++);
      expect(exec.source.tag()).toBe(`COPY ${N}`);
      expect(probe.closed).toBe(true);
      const all = plan(N, { pulled: 0, closed: false }).run(ctx) as Value[][];
      const want = await drain(copyOutSource(columns, all, o, fmt));
      expect(got.equals(want)).toBe(true);
      expect(chunks).toBeGreaterThan(2);
    });
  }

  it('the source never runs more than one fetch ahead of the chunks sent', async () => {
    const probe: Probe = { pulled: 0, closed: false };
    const exec = await copyOutQuery(plan(N, probe), ctx, parseCopyOptions([]), fmt);
    if (exec.kind !== 'copyOut') throw new Error('not copyOut');
    let rowsSent = 0;
    for (let c = await exec.source.next(); c !== undefined; c = await exec.source.next()) {
      rowsSent += Buffer.from(c).toString().split('\n').length - 1;
      expect(probe.pulled - rowsSent).toBeLessThanOrEqual(COPY_OUT_FETCH_ROWS);
    }
    expect(rowsSent).toBe(N);
  });

  it('an error in the middle: the chunks before it, then the error; closing early closes the cursor', async () => {
    const probe: Probe = { pulled: 0, closed: false };
    const exec = await copyOutQuery(plan(N, probe, 20_000), ctx, parseCopyOptions([]), fmt);
    if (exec.kind !== 'copyOut') throw new Error('not copyOut');
    let chunks = 0;
    await expect(drain(exec.source, () => chunks++)).rejects.toThrow('boom');
    expect(chunks).toBeGreaterThan(0);
    expect(probe.closed).toBe(true);

    const p2: Probe = { pulled: 0, closed: false };
    const e2 = await copyOutQuery(plan(N, p2), ctx, parseCopyOptions([]), fmt);
    if (e2.kind !== 'copyOut') throw new Error('not copyOut');
    await e2.source.next();
    expect(p2.closed).toBe(false);
    e2.source.close(); // the wire's finally (client gone, cancel)
    expect(p2.closed).toBe(true);
    expect(p2.pulled).toBeLessThan(N);
  });
});
