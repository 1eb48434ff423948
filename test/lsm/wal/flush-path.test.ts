// flush-path.ts: a lone commit's fdatasync path is the one with the lower recent median latency,
// the other path is probed every 16th lone commit, and without a clock it is always inline.
import { describe, it, expect } from 'vitest';
import { FlushPathChooser, WalWriter, encodeRecord, makePackr } from '../../../lsm/wal/index.js';
import { MemIo } from '../../../lsm/io/index.js';

/** Runs `n` lone commits through the chooser with fixed latencies; returns how many went inline. */
function run(c: FlushPathChooser, n: number, inlineMs: number, poolMs: number): number {
  let inline = 0;
  for (let i = 0; i < n; i++) {
    if (c.chooseInline()) {
      inline++;
      c.recordInline(inlineMs);
    } else c.recordPool(poolMs);
  }
  return inline;
}

describe('FlushPathChooser', () => {
  it('without a clock: always inline', () => {
    const c = new FlushPathChooser(undefined);
    expect(run(c, 100, 5, 0.1)).toBe(100);
  });

  it('takes the faster path, probes the other, and follows a change of conditions', () => {
    const c = new FlushPathChooser(() => 0);
    // Quiet machine: inline 0.1 ms, pool 0.15 ms. One sample of each first, then inline except probes.
    const quiet = run(c, 160, 0.1, 0.15);
    expect(quiet).toBeGreaterThanOrEqual(148);
    expect(quiet).toBeLessThan(160);
    expect(c.medians).toEqual({ inlineMs: 0.1, poolMs: 0.15 });
    // Busy machine: inline slows to 1 ms; within a window's worth of probes plus samples the pool wins.
    run(c, 160, 1, 0.15);
    const busy = run(c, 160, 1, 0.15);
    expect(busy).toBe(10); // only the probes (every 16th lone commit)
    // Quiet again: the probes bring inline's median back down and inline wins again.
    run(c, 320, 0.1, 0.15);
    expect(run(c, 160, 0.1, 0.15)).toBe(150);
  });

  it('a WalWriter over an Io without a precise clock (MemIo) flushes every lone commit inline', async () => {
    const io = new MemIo(1);
    await io.mkdirp('/db');
    const w = await WalWriter.create(io, '/db', 1, { syncMode: 'fsync', queueBytesMax: 1 << 20, groupBytesMax: 1 << 20, syncIntervalMs: 50 });
    const packr = makePackr();
    for (let i = 1n; i <= 40n; i++) await w.append(encodeRecord(packr, i, [{ table: 1, key: Buffer.from([Number(i)]), seq: i, kind: 'put', row: [1] }]), () => {}, true);
    expect(w.stats.inlineSyncs).toBe(40);
  });

  it('a WalWriter with a clock sends some lone commits through the pool and measures both', async () => {
    const io = new MemIo(2);
    await io.mkdirp('/db');
    let now = 0;
    const w = await WalWriter.create(io, '/db', 1, { syncMode: 'fsync', queueBytesMax: 1 << 20, groupBytesMax: 1 << 20, syncIntervalMs: 50, clockMs: () => (now += 0.01) });
    const packr = makePackr();
    for (let i = 1n; i <= 40n; i++) await w.append(encodeRecord(packr, i, [{ table: 1, key: Buffer.from([Number(i)]), seq: i, kind: 'put', row: [1] }]), () => {}, true);
    expect(w.stats.commits).toBe(40);
    expect(w.stats.inlineSyncs).toBeGreaterThan(0);
    expect(w.stats.inlineSyncs).toBeLessThan(40);
    const m = w.flushPath.medians;
    expect(Number.isNaN(m.inlineMs) || Number.isNaN(m.poolMs)).toBe(false);
  });
});
