import { describe, it, expect, afterEach, beforeAll, afterAll } from 'vitest';
import { WorkerPool, runCompaction } from '../../../lsm/compaction/index.js';
import { ColumnChunk, encodeSegment, SegmentReader } from '../../../lsm/segment/index.js';
import type { Entry } from '../../../lsm/types.js';

const pools: WorkerPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});
// Starting a worker from TypeScript sources costs ~2 s (type stripping); share one.
let shared: WorkerPool;
beforeAll(() => {
  shared = new WorkerPool({ workers: 1, queueMax: 2 });
});
afterAll(async () => {
  await shared.close();
});
function pool(workers: number, queueMax = 8): WorkerPool {
  if (workers === 1 && queueMax === 2) return shared;
  const p = new WorkerPool({ workers, queueMax });
  pools.push(p);
  return p;
}

function entries(n: number, table = 2): Entry[] {
  const big = new Uint8Array(10_000); // keys below are views into this: the pool must copy them down
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    big[i * 2] = i >> 8;
    big[i * 2 + 1] = i & 0xff;
    out.push({ table, key: big.subarray(i * 2, i * 2 + 2), seq: BigInt(i + 1), kind: i % 5 === 0 ? 'del' : 'put', row: i % 5 === 0 ? undefined : [i, `v${i}`, BigInt(i), i % 2 === 0, Uint8Array.of(i & 0xff)] });
  }
  return out;
}

describe('WorkerPool', () => {
  it('encodes a segment in a worker thread, byte-identical to inline encoding', async () => {
    const p = pool(1, 2);
    const es = entries(3000);
    const fromWorker = await p.encodeSegment(2, es, { batchRows: 512 });
    const inline = encodeSegment(2, es, { batchRows: 512 });
    expect(Buffer.from(fromWorker.bytes).equals(Buffer.from(inline.bytes))).toBe(true);
    expect(fromWorker.meta).toEqual(inline.meta);
    expect(SegmentReader.open(fromWorker.bytes, 'w.seg').get(Uint8Array.of(0, 7), 100n)!.row![1]).toBe('v7');
  });

  it('encodes an ingest column chunk in a worker (buffers transferred), byte-identical to encodeSegment', async () => {
    const es = entries(3000).filter((e) => e.kind === 'put').map((e) => ({ ...e, seq: 0n }));
    const want = encodeSegment(2, es, { batchRows: 700 });
    for (const p of [pool(1, 2), pool(0)]) {
      const chunk = new ColumnChunk(2);
      for (const e of es) chunk.add(e.key, e.row!);
      const got = await p.encodeColumnChunk(chunk, { batchRows: 700 });
      expect(Buffer.from(got.bytes).equals(Buffer.from(want.bytes))).toBe(true);
      expect(got.meta).toEqual(want.meta);
    }
    // A chunk whose columns differ in kind travels as entries (cloned): still the same bytes.
    const mixed = es.map((e, i) => ({ ...e, row: [i % 2 === 0 ? i : `s${i}`] }));
    const chunk = new ColumnChunk(2);
    for (const e of mixed) chunk.add(e.key, e.row);
    const got = await pool(1, 2).encodeColumnChunk(chunk);
    expect(Buffer.from(got.bytes).equals(Buffer.from(encodeSegment(2, mixed).bytes))).toBe(true);
  });

  it('hands an encoded chunk\'s buffers back; chunks built over them encode byte-identical to encodeSegment', async () => {
    // Chunks of varying size and shape, each built over the buffers the worker returned for the
    // previous one: leading nulls, a column null in one chunk and strings in the next, every kind.
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const p = pool(1, 2);
    let spare: Parameters<NonNullable<Parameters<WorkerPool['encodeColumnChunk']>[2]>>[0] | undefined;
    let prev: ColumnChunk | undefined;
    let k = 0;
    let recycled = 0;
    for (let round = 0; round < 8; round++) {
      const n = [1500, 40, 3000, 700, 2500, 1, 1800, 900][round]!;
      const es: Entry[] = [];
      for (let i = 0; i < n; i++, k++) {
        const key = Uint8Array.of(k >> 16, (k >> 8) & 0xff, k & 0xff);
        const nul = (v: unknown): boolean => rnd(4) === 0 || (round === 2 && i < 100) || v === undefined;
        const row = [
          nul(0) ? null : rnd(1000) / 7,
          nul(0) ? null : BigInt(rnd(1e9)) - 500_000_000n,
          round % 3 === 1 || nul(0) ? null : 'é'.repeat(rnd(3)) + 'x'.repeat(rnd(40)),
          nul(0) ? null : rnd(2) === 0,
          nul(0) ? null : Uint8Array.from({ length: rnd(20) }, () => rnd(256)),
        ].slice(0, 3 + rnd(3));
        es.push({ table: 2, key, seq: 0n, kind: 'put', row });
      }
      const chunk = new ColumnChunk(2, prev?.sizes(), spare);
      if (spare !== undefined) recycled++;
      spare = undefined;
      for (const e of es) chunk.add(e.key, e.row!);
      prev = chunk;
      const want = encodeSegment(2, es, { batchRows: 300 });
      const got = await p.encodeColumnChunk(chunk, { batchRows: 300 }, (parts) => {
        spare = parts;
      });
      expect(Buffer.from(got.bytes).equals(Buffer.from(want.bytes))).toBe(true);
      expect(got.meta).toEqual(want.meta);
    }
    expect(recycled).toBe(7);
  });

  it('runs compactions in a worker with the same result as inline', async () => {
    const p = pool(1, 2);
    const a = encodeSegment(2, entries(500)).bytes;
    const b = encodeSegment(2, entries(300).map((e) => ({ ...e, seq: e.seq + 1000n }))).bytes;
    const inputs = [{ bytes: b, fileName: 'b.seg' }, { bytes: a, fileName: 'a.seg' }];
    const opts = { smallestLiveSnapshotSeq: 1100n, isBottomLevel: true, targetFileBytes: 4096 };
    const w = await p.compact(inputs, opts);
    const i = runCompaction(inputs, opts);
    expect(w.outputs.map((o) => Buffer.from(o.bytes).toString('hex'))).toEqual(i.outputs.map((o) => Buffer.from(o.bytes).toString('hex')));
    expect({ ...w, outputs: undefined }).toEqual({ ...i, outputs: undefined });
  });

  it('propagates job errors: corruption keeps its SQLSTATE, bugs stay errors', async () => {
    const p = pool(1, 2);
    const bytes = encodeSegment(2, entries(10)).bytes;
    bytes[5] = bytes[5]! ^ 0xff;
    await expect(p.compact([{ bytes, fileName: 'bad.seg' }], { smallestLiveSnapshotSeq: 0n, isBottomLevel: false })).rejects.toMatchObject({ code: 'XX001', message: expect.stringContaining('bad.seg') });
    await expect(p.encodeSegment(2, [...entries(3)].reverse())).rejects.toThrow(/sorted/);
    // The worker is still usable afterwards.
    expect((await p.encodeSegment(2, entries(3))).meta.rowCount).toBe(3);
  });

  it('bounds its queue and tells callers when there is room again', async () => {
    const p = pool(1, 2);
    const es = entries(4000);
    const completed0 = p.completed;
    const jobs = [p.encodeSegment(2, es), p.encodeSegment(2, es), p.encodeSegment(2, es)]; // 1 running + 2 queued
    expect(p.running).toBe(1);
    expect(p.queued).toBe(2);
    expect(p.hasRoom()).toBe(false);
    expect(() => p.encodeSegment(2, es)).toThrow(/queue is full/);
    await p.whenRoom();
    expect(p.hasRoom()).toBe(true);
    jobs.push(p.encodeSegment(2, es));
    const done = await Promise.all(jobs);
    expect(done.map((d) => d.meta.rowCount)).toEqual([4000, 4000, 4000, 4000]);
    expect(p.completed - completed0).toBe(4);
  });

  it('runs several workers in parallel and inline mode with workers: 0', async () => {
    const p2 = pool(2);
    const rs = await Promise.all([0, 1, 2, 3].map((t) => p2.encodeSegment(t, entries(100, t))));
    expect(rs.map((r) => r.meta.table)).toEqual([0, 1, 2, 3]);
    const p0 = pool(0);
    expect(p0.workerCount).toBe(0);
    expect((await p0.encodeSegment(2, entries(10))).meta.rowCount).toBe(10);
  });

  it('rejects queued and new jobs once closed', async () => {
    const p = new WorkerPool({ workers: 1, queueMax: 4 });
    const es = entries(4000);
    const running = expect(p.encodeSegment(2, es)).rejects.toMatchObject({ code: '57P01' });
    const queued = expect(p.encodeSegment(2, es)).rejects.toMatchObject({ code: '57P01' });
    await p.close();
    await queued;
    await running;
    await expect(p.encodeSegment(2, es)).rejects.toMatchObject({ code: '57P01' });
  });
});
