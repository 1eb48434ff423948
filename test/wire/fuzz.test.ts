// Property-based fuzzing of frontend frames (fast-check, fixed seed; fast-check prints the seed
// and the shrunk counterexample on failure). After any sequence of well-framed random messages
// or raw garbage, the server either closes the connection after a FATAL ErrorResponse, or still
// answers `SELECT 1` correctly after a Sync. It never throws out of Connection.run and never hangs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { serialize } from 'pg-protocol';
import type { Engine } from '../../planner/api.js';
import { makeContext, makeEngine, RawClient } from './harness.js';

const SEED = 20261124;

let engine: Engine;
beforeAll(async () => {
  engine = await makeEngine();
});
afterAll(async () => {
  await engine.close();
});

const TYPES = 'QPBDECHSXdcfpFzq'.split('').map((ch) => ch.charCodeAt(0));

function frame(type: number, body: Uint8Array): Buffer {
  const b = Buffer.alloc(5 + body.length);
  b[0] = type;
  b.writeInt32BE(4 + body.length, 1);
  b.set(body, 5);
  return b;
}

const cstr = fc.oneof(fc.constantFrom('', 'x', 's1', 'SELECT 1', 'SELECT $1::int4', 'BEGIN', 'garbage ;;'), fc.string({ maxLength: 12 }));
const structured = fc.oneof(
  cstr.map((q) => serialize.query(q)),
  fc.tuple(cstr, cstr, fc.array(fc.constantFrom(0, 23, 25, 16, 999999), { maxLength: 3 })).map(([n, t, types]) => serialize.parse({ name: n, text: t, types })),
  fc.tuple(cstr, cstr, fc.array(fc.option(fc.string({ maxLength: 6 }), { nil: null }), { maxLength: 3 })).map(([p, s, v]) => serialize.bind({ portal: p, statement: s, values: v })),
  fc.tuple(fc.constantFrom<'S' | 'P'>('S', 'P'), cstr).map(([t, n]) => serialize.describe({ type: t, name: n })),
  fc.tuple(cstr, fc.integer({ min: 0, max: 3 })).map(([p, r]) => serialize.execute({ portal: p, rows: r })),
  fc.tuple(fc.constantFrom<'S' | 'P'>('S', 'P'), cstr).map(([t, n]) => serialize.close({ type: t, name: n })),
  fc.constant(serialize.sync()),
  fc.constant(serialize.flush()),
  fc.uint8Array({ maxLength: 8 }).map((b) => serialize.copyData(Buffer.from(b))),
  fc.constant(serialize.copyDone()),
  cstr.map((m) => serialize.copyFail(m)),
);
const randomFrame = fc.tuple(fc.constantFrom(...TYPES), fc.uint8Array({ maxLength: 24 })).map(([t, b]) => frame(t, b));
const garbage = fc.uint8Array({ minLength: 1, maxLength: 16 }).map((b) => Buffer.from(b));
const input = fc.array(fc.oneof({ weight: 6, arbitrary: structured }, { weight: 3, arbitrary: randomFrame }, { weight: 1, arbitrary: garbage }), { maxLength: 12 });

describe('frame fuzzing', () => {
  it('answers every input with results or errors, never a crash or a hang', async () => {
    let closedRuns = 0;
    await fc.assert(
      fc.asyncProperty(input, fc.integer({ min: 1, max: 64 }), async (frames, chunkBytes) => {
        const c = new RawClient(makeContext(engine, { maxMessageBytes: 4096 }));
        c.send(serialize.startup({ user: 'fuzz', database: 'postgres' }));
        await c.readyCount(1);
        const start = c.msgs.length;
        // Terminate would end the run legitimately; keep it out of the middle of the input.
        const bytes = Buffer.concat([...frames.filter((f) => f[0] !== 0x58), serialize.sync(), serialize.copyDone(), serialize.query('ROLLBACK'), serialize.query('SELECT 1 AS one')]);
        for (let i = 0; i < bytes.length; i += chunkBytes) c.send(bytes.subarray(i, i + chunkBytes));
        try {
          await c.waitFor((m) => {
            const rest = m.slice(start);
            const i = rest.findIndex((x) => x.name === 'dataRow' && x.fields.length === 1 && x.fields[0] === '1');
            return i >= 0 && rest.slice(i).some((x) => x.name === 'readyForQuery');
          }, 5000);
        } catch (e) {
          if (!c.ended) throw e;
          closedRuns++;
          const fatal = c.msgs.slice(start).filter((m) => m.name === 'error' && m.severity === 'FATAL');
          expect(fatal.length, `closed without a FATAL error: ${c.names(start).join(',')}`).toBe(1);
        }
        c.end.end();
        await c.done; // run() must settle (it never rejects)
      }),
      { seed: SEED, numRuns: 150, endOnFailure: true },
    );
    expect(closedRuns).toBeGreaterThan(0); // the generator does reach the fatal paths
  });
});
