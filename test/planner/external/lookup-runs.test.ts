// KeyRunCache (planner/external/lookup-runs.ts) with the real builder (parquetKeyRuns on a real
// locked-down engine): built in the background, handed out only for the identity it was built
// for, one build at a time, a failed build not retried for the same file version, bounded.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetKeyRuns, quoteLiteral, type ExternalEngine } from '../../../external/index.js';
import { KeyRunCache, KEY_RUN_FILES_MAX, fileIdentity } from '../../../planner/external/lookup-runs.js';
import { makeFixture, type Fixture } from '../../external/fixtures.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await makeFixture();
});

afterAll(() => {
  fx?.cleanup();
});

/** The real builder, counting its calls. */
function counted(): { calls: string[]; build: (e: ExternalEngine, f: string, c: string, t: string, s: AbortSignal) => ReturnType<typeof parquetKeyRuns> } {
  const calls: string[] = [];
  return { calls, build: (e, f, c, t, s) => (calls.push(f), parquetKeyRuns(e, f, c, t, s)) };
}

async function write(name: string, rows: number): Promise<string> {
  const path = join(fx.root, name);
  await fx.oracle.run(`COPY (SELECT (range + 1)::BIGINT AS id FROM range(${rows})) TO ${quoteLiteral(path)} (FORMAT parquet)`);
  return path;
}

describe('KeyRunCache', () => {
  it('builds in the background and hands the runs out for the same file identity only', async () => {
    const path = await write('a.parquet', 3000);
    const b = counted();
    const cache = new KeyRunCache(b.build);
    const id1 = fileIdentity(path)!;
    expect(cache.get(fx.engine, path, 'id', 'BIGINT', id1)).toBeUndefined(); // started, not waited for
    await cache.idle();
    expect(cache.get(fx.engine, path, 'id', 'BIGINT', id1)?.blocks[0]?.offset).toBe(1n);
    expect(b.calls).toHaveLength(1);
    // Rewritten: the old runs are never handed out; new ones are built for the new identity.
    await fx.oracle.run(`COPY (SELECT (range + 11)::BIGINT AS id FROM range(3000)) TO ${quoteLiteral(path)} (FORMAT parquet)`);
    utimesSync(path, new Date(Date.now() + 3000), new Date(Date.now() + 3000));
    const id2 = fileIdentity(path)!;
    expect(id2).not.toBe(id1);
    expect(cache.get(fx.engine, path, 'id', 'BIGINT', id2)).toBeUndefined();
    await cache.idle();
    expect(cache.get(fx.engine, path, 'id', 'BIGINT', id2)?.blocks[0]?.offset).toBe(11n);
    expect(cache.get(fx.engine, path, 'id', 'BIGINT', id1)).toBeUndefined();
  });

  it('runs one build at a time and does not retry a failed one for the same identity', async () => {
    const good = await write('b.parquet', 100);
    const bad = join(fx.root, 'bad.parquet');
    writeFileSync(bad, 'not parquet at all');
    const b = counted();
    const cache = new KeyRunCache(b.build);
    expect(cache.get(fx.engine, bad, 'id', 'BIGINT', fileIdentity(bad)!)).toBeUndefined();
    expect(cache.get(fx.engine, good, 'id', 'BIGINT', fileIdentity(good)!)).toBeUndefined(); // a build is running
    expect(b.calls).toEqual([bad]);
    await cache.idle();
    expect(cache.get(fx.engine, bad, 'id', 'BIGINT', fileIdentity(bad)!)).toBeUndefined();
    await cache.idle();
    expect(b.calls).toEqual([bad]); // the failure is remembered for this version of the file
  });

  it('keeps at most KEY_RUN_FILES_MAX indexes and builds nothing after close', async () => {
    const path = await write('c.parquet', 10);
    const b = counted();
    const cache = new KeyRunCache(b.build);
    const id = fileIdentity(path)!;
    for (let i = 0; i < KEY_RUN_FILES_MAX + 3; i++) {
      cache.get(fx.engine, path, i === 0 ? 'id' : `no_such_${i}`, 'BIGINT', id); // distinct (file, column) entries
      await cache.idle();
    }
    expect(cache.size).toBe(KEY_RUN_FILES_MAX);
    expect(b.calls.length).toBe(KEY_RUN_FILES_MAX + 3);
    // The first (least recently used) entry was dropped: asking again builds it again.
    expect(cache.get(fx.engine, path, 'id', 'BIGINT', id)).toBeUndefined();
    await cache.idle();
    expect(cache.get(fx.engine, path, 'id', 'BIGINT', id)?.blocks[0]?.offset).toBe(1n);
    await cache.close();
    const before = b.calls.length;
    const other = await write('d.parquet', 10);
    expect(cache.get(fx.engine, other, 'id', 'BIGINT', fileIdentity(other)!)).toBeUndefined();
    await cache.idle();
    expect(b.calls.length).toBe(before);
  });
});
