// End to end on the fault-injecting in-memory Io: flush-like L0 segments, leveled compactions
// through executeCompaction, reads at live snapshots checked against a model, file deletion
// only after readers let go, and crashes at every I/O step of a compaction.
import { describe, it, expect } from 'vitest';
import { MemIo, Prng } from '../../../lsm/io/index.js';
import { Manifest, segmentFileName, type Version } from '../../../lsm/manifest/index.js';
import { encodeSegment, SegmentReader } from '../../../lsm/segment/index.js';
import { mergeSorted, visibleOnly, compareEntries } from '../../../lsm/iter/index.js';
import {
  CompactionStats, RateLimiter, WorkerPool, deleteObsoleteFiles, executeCompaction, pickCompaction, segmentFileFromMeta,
} from '../../../lsm/compaction/index.js';
import type { Entry } from '../../../lsm/types.js';

const DIR = '/db';
const SEED = Number(process.env.PYRALOG_SEED ?? 99);

interface Db {
  io: MemIo;
  manifest: Manifest;
  seq: bigint;
  history: Entry[]; // every version ever written (the model)
}

async function openDb(io: MemIo): Promise<Db> {
  await io.mkdirp(DIR);
  const o = await Manifest.open(io, DIR);
  return { io, manifest: o.manifest, seq: o.lastSeq, history: [] };
}

async function flush(db: Db, prng: Prng, n: number, keySpace: number): Promise<void> {
  const m = new Map<number, Entry>();
  for (let i = 0; i < n; i++) {
    const k = prng.int(keySpace);
    const seq = ++db.seq;
    const del = prng.int(4) === 0;
    m.set(k, { table: 1, key: Uint8Array.of(k >> 8, k & 0xff), seq, kind: del ? 'del' : 'put', row: del ? undefined : [`v${seq}`, Number(seq)] });
  }
  const entries = [...m.values()].sort(compareEntries);
  db.history.push(...entries);
  const { bytes, meta } = encodeSegment(1, entries, { batchRows: 16 });
  const num = db.manifest.newFileNumber();
  await db.io.writeFileDurable(`${DIR}/${segmentFileName(num)}`, bytes);
  await db.io.syncDir(DIR);
  await db.manifest.logAndApply({ added: [segmentFileFromMeta(meta, 0, num)], lastSeq: db.seq });
}

function readAll(io: MemIo, v: Version, snap: bigint): string[] {
  const sources = v.levels.flatMap((l) => l.map((f) => SegmentReader.open(io.readFileSync(`${DIR}/${segmentFileName(f.fileNumber)}`), segmentFileName(f.fileNumber)).iterate()));
  return [...visibleOnly(mergeSorted(sources, false), snap)].map((e) => `${e.key[0]}.${e.key[1]}=${e.row![0]}`);
}
function modelAt(history: Entry[], snap: bigint): string[] {
  const all = [...history].sort(compareEntries);
  return [...visibleOnly(all[Symbol.iterator](), snap)].map((e) => `${e.key[0]}.${e.key[1]}=${e.row![0]}`);
}

function ctxOf(db: Db, pool: WorkerPool, stats: CompactionStats) {
  return { io: db.io, dir: DIR, manifest: db.manifest, pool, stats, limiter: new RateLimiter({ bytesPerSec: 0, nowMs: () => db.io.nowMs() }) };
}

describe('executeCompaction', () => {
  it('keeps every live snapshot\'s view through many compactions and frees files only after readers', async () => {
    const prng = new Prng(SEED);
    const db = await openDb(new MemIo(SEED));
    const pool = new WorkerPool({ workers: 0 });
    const stats = new CompactionStats();
    const snapshots: bigint[] = [];
    const picker = { l0FileTrigger: 3, l1BytesMax: 20_000, levelMultiplier: 3 };
    for (let round = 0; round < 40; round++) {
      await flush(db, prng, 60, 400);
      if (prng.int(5) === 0) snapshots.push(db.seq);
      if (snapshots.length > 3) snapshots.shift();
      for (;;) {
        const task = pickCompaction(db.manifest.current(), picker);
        if (!task) break;
        const smallest = snapshots.length ? snapshots.reduce((a, b) => (a < b ? a : b)) : db.seq;
        const reader = db.manifest.current().ref(); // an iterator that outlives the compaction
        const before = readAll(db.io, reader, db.seq);
        await executeCompaction(ctxOf(db, pool, stats), task, { smallestLiveSnapshotSeq: smallest, targetFileBytes: 4000, batchRows: 16 });
        // The old version's files still exist while the reader holds it.
        expect(readAll(db.io, reader, db.seq)).toEqual(before);
        expect(await deleteObsoleteFiles(db.io, DIR, db.manifest)).toEqual([]);
        reader.unref();
        await deleteObsoleteFiles(db.io, DIR, db.manifest);
      }
      for (const s of [...snapshots, db.seq]) expect(readAll(db.io, db.manifest.current(), s), `round ${round} snapshot ${s}`).toEqual(modelAt(db.history, s));
    }
    // Only live files remain on disk; the levels are non-overlapping (the manifest checks it).
    const live = new Set(db.manifest.current().allFiles().map((f) => segmentFileName(f.fileNumber)));
    expect((await db.io.list(DIR)).filter((n) => n.startsWith('seg-')).sort()).toEqual([...live].sort());
    expect(stats.compactions).toBeGreaterThan(10);
    expect(stats.droppedVersions).toBeGreaterThan(0);
    expect(db.manifest.current().levels.slice(2).some((l) => l.length > 0)).toBe(true);
    console.log(`compactions=${stats.compactions} bytesIn=${stats.bytesIn} bytesOut=${stats.bytesOut} dropped=${stats.droppedVersions}+${stats.droppedTombstones} levels=${db.manifest.current().levels.map((l) => l.length).join('/')}`);
    await pool.close();
  });

  it('survives a crash at every I/O step of a compaction', async () => {
    let step = 0;
    for (;; step++) {
      const prng = new Prng(SEED + step);
      const io = new MemIo(SEED + step);
      const db = await openDb(io);
      for (let i = 0; i < 4; i++) await flush(db, prng, 30, 80);
      const want = modelAt(db.history, db.seq);
      const task = pickCompaction(db.manifest.current())!;
      expect(task).toBeDefined();
      const pool = new WorkerPool({ workers: 0 });
      io.haltAfterOps(step);
      let ok = true;
      try {
        await executeCompaction(ctxOf(db, pool, new CompactionStats()), task, { smallestLiveSnapshotSeq: db.seq, targetFileBytes: 1500 });
      } catch {
        ok = false;
      }
      const io2 = io.crash();
      const r = await Manifest.open(io2, DIR);
      expect(readAll(io2, r.version, db.seq), `step ${step}`).toEqual(want);
      const l0 = r.version.levels[0]!.length;
      expect(l0 === 0 || l0 === 4).toBe(true); // all or nothing
      if (ok) expect(l0).toBe(0);
      for (const o of await r.manifest.findOrphans()) expect(o.reason === 'segment-not-in-version' || o.reason === 'stale-manifest' || o.reason === 'temp-file').toBe(true);
      await pool.close();
      if (ok) break;
    }
    expect(step).toBeGreaterThan(3);
  });

  it('keeps its outputs when the manifest edit fails (the edit may be durable)', async () => {
    const prng = new Prng(SEED);
    const io = new MemIo(SEED);
    const db = await openDb(io);
    for (let i = 0; i < 4; i++) await flush(db, prng, 50, 100);
    const want = modelAt(db.history, db.seq);
    const pool = new WorkerPool({ workers: 0 });
    const before = new Set(await io.list(DIR));
    io.faults = { ...io.faults, eioOneInN: 1, eioOps: new Set(['sync']) }; // the manifest append's fsync fails
    await expect(executeCompaction(ctxOf(db, pool, new CompactionStats()), pickCompaction(db.manifest.current())!, { smallestLiveSnapshotSeq: db.seq })).rejects.toMatchObject({ code: '58030' });
    const outputs = (await io.list(DIR)).filter((n) => !before.has(n));
    expect(outputs.length).toBeGreaterThan(0);
    io.faults = { ...io.faults, eioOneInN: 0 };
    // Either outcome of the uncertain edit reopens to the same data.
    const io2 = io.crash();
    const r = await Manifest.open(io2, DIR);
    expect(readAll(io2, r.version, db.seq)).toEqual(want);
    await pool.close();
  });

  it('moves files down without rewriting them when nothing overlaps (trivial moves, several L0 files at once)', async () => {
    const db = await openDb(new MemIo(SEED));
    // Sequential fill: every flush covers a new key range, so L0 → L1 has no overlaps.
    for (let f = 0; f < 4; f++) {
      const entries: Entry[] = [];
      for (let i = 0; i < 50; i++) entries.push({ table: 1, key: Uint8Array.of(f, i), seq: ++db.seq, kind: 'put', row: [`v${db.seq}`] });
      db.history.push(...entries);
      const { bytes, meta } = encodeSegment(1, entries);
      const num = db.manifest.newFileNumber();
      await db.io.writeFileDurable(`${DIR}/${segmentFileName(num)}`, bytes);
      await db.manifest.logAndApply({ added: [segmentFileFromMeta(meta, 0, num)], lastSeq: db.seq });
    }
    const pool = new WorkerPool({ workers: 0 });
    const stats = new CompactionStats();
    // L0 → L1 moves the four disjoint files in one edit; L1 → L2 then moves files one by one.
    const first = pickCompaction(db.manifest.current())!;
    expect([first.inputs.length, first.trivialMove]).toEqual([4, true]);
    const before = db.io.stats.bytesWritten;
    await executeCompaction(ctxOf(db, pool, stats), first, { smallestLiveSnapshotSeq: db.seq, targetFileBytes: 2000 });
    expect(db.io.stats.bytesWritten - before).toBeLessThan(2000); // one manifest record, no segment
    const l1 = db.manifest.current().levels[1]!.map((f) => f.fileNumber);
    expect(l1.length).toBe(4);
    expect(db.manifest.current().levels[0]).toEqual([]);
    const task = pickCompaction(db.manifest.current(), { l1BytesMax: 1 })!;
    expect(task.trivialMove).toBe(true);
    const written = db.io.stats.bytesWritten;
    await executeCompaction(ctxOf(db, pool, stats), task, { smallestLiveSnapshotSeq: db.seq });
    expect(db.io.stats.bytesWritten - written).toBeLessThan(1000); // one manifest record, no segment
    expect(db.manifest.current().levels[2]!.map((f) => f.fileNumber)).toEqual([task.inputs[0]!.fileNumber]);
    expect(stats.trivialMoves).toBe(5);
    expect(readAll(db.io, db.manifest.current(), db.seq)).toEqual(modelAt(db.history, db.seq));
    await pool.close();
  });

  it('runs the merge in a real worker thread', async () => {
    const prng = new Prng(SEED);
    const db = await openDb(new MemIo(SEED));
    for (let i = 0; i < 4; i++) await flush(db, prng, 200, 300);
    const pool = new WorkerPool({ workers: 1 });
    const stats = new CompactionStats();
    await executeCompaction(ctxOf(db, pool, stats), pickCompaction(db.manifest.current())!, { smallestLiveSnapshotSeq: db.seq });
    expect(readAll(db.io, db.manifest.current(), db.seq)).toEqual(modelAt(db.history, db.seq));
    expect(stats.perLevel[1]!.filesIn).toBe(4);
    await pool.close();
  });
});
