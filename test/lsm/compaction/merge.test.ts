import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { runCompaction } from '../../../lsm/compaction/index.js';
import { encodeSegment, SegmentReader } from '../../../lsm/segment/index.js';
import { compareBytes, compareEntries, mergeSorted, visibleOnly } from '../../../lsm/iter/index.js';
import type { Entry } from '../../../lsm/types.js';

const SEED = Number(process.env.PYRALOG_SEED ?? 777);
const id = (e: Entry): string => `${Array.from(e.key)}/${e.seq}/${e.kind}/${JSON.stringify(e.row ?? null, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;

/** Versions of a few keys spread over several input files, each (key, seq) once overall. */
const inputsArb = fc
  .array(fc.record({ key: fc.uint8Array({ minLength: 1, maxLength: 2, max: 4 }), del: fc.boolean(), v: fc.string({ maxLength: 30 }), file: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 200 })
  .map((xs) => {
    const files: Entry[][] = [[], [], [], []];
    xs.forEach((x, i) => files[x.file]!.push({ table: 4, key: x.key, seq: BigInt(i + 1), kind: x.del ? 'del' : 'put', row: x.del ? undefined : [x.v, BigInt(i)] }));
    return files.filter((f) => f.length > 0).map((f) => f.sort(compareEntries));
  });

/** Exactly what the rule keeps. */
function model(all: Entry[], smallest: bigint, bottom: boolean): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < all.length; i++) {
    const e = all[i]!;
    if (e.seq > smallest) { out.push(e); continue; }
    const newerVisibleExists = all.slice(0, i).some((x) => compareBytes(x.key, e.key) === 0 && x.seq <= smallest);
    if (newerVisibleExists) continue;
    if (e.kind === 'del' && bottom) continue;
    out.push(e);
  }
  return out;
}

describe('runCompaction', () => {
  it('keeps exactly what live snapshots can see, vs a model', () => {
    fc.assert(
      fc.property(inputsArb, fc.integer({ min: 0, max: 210 }), fc.boolean(), fc.integer({ min: 50, max: 3000 }), (files, smallestN, bottom, target) => {
        const smallest = BigInt(smallestN);
        const inputs = files.map((f, i) => ({ bytes: encodeSegment(4, f, { batchRows: 7 }).bytes, fileName: `in${i}.seg` }));
        const res = runCompaction(inputs, { smallestLiveSnapshotSeq: smallest, isBottomLevel: bottom, targetFileBytes: target, batchRows: 5 });
        const all = files.flat().sort(compareEntries);
        const readers = res.outputs.map((o, i) => SegmentReader.open(o.bytes, `out${i}.seg`));
        const got = readers.flatMap((r) => [...r.iterate()]);
        expect(got.map(id)).toEqual(model(all, smallest, bottom).map(id));
        // Outputs are ordered, and no key straddles two outputs.
        for (let i = 1; i < readers.length; i++) expect(compareBytes(readers[i - 1]!.meta.largestKey, readers[i]!.meta.smallestKey)).toBeLessThan(0);
        // Every live snapshot (>= smallest) sees the same rows before and after.
        for (const snap of [smallest, smallest + 3n, smallest + 40n, 1000n]) {
          const before = [...visibleOnly(all[Symbol.iterator](), snap)].map(id);
          const after = [...visibleOnly(mergeSorted(readers.map((r) => r.iterate()), false), snap)].map(id);
          expect(after).toEqual(before);
        }
        expect(res.entriesOut).toBe(got.length);
        expect(res.entriesIn).toBe(all.length);
        expect(res.entriesIn - res.entriesOut).toBe(res.droppedVersions + res.droppedTombstones);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('splits outputs near the target size', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 5000; i++) entries.push({ table: 1, key: Uint8Array.of(i >> 8, i & 0xff), seq: 1n, kind: 'put', row: ['x'.repeat(100)] });
    const res = runCompaction([{ bytes: encodeSegment(1, entries).bytes, fileName: 'a.seg' }], { smallestLiveSnapshotSeq: 10n, isBottomLevel: true, targetFileBytes: 64 * 1024 });
    expect(res.outputs.length).toBeGreaterThan(5);
    for (const o of res.outputs.slice(0, -1)) expect(o.bytes.length).toBeLessThan(2 * 64 * 1024);
    expect(res.outputs.reduce((n, o) => n + o.meta.rowCount, 0)).toBe(5000);
  });

  it('refuses a corrupt input, naming it', () => {
    const bytes = encodeSegment(1, [{ table: 1, key: Uint8Array.of(1), seq: 1n, kind: 'del', row: undefined }]).bytes;
    bytes[3] = bytes[3]! ^ 1;
    expect(() => runCompaction([{ bytes, fileName: 'seg-000009.seg' }], { smallestLiveSnapshotSeq: 0n, isBottomLevel: false })).toThrow(/seg-000009\.seg/);
  });

  it('a published ingest file merges by its file-level seq (fileSeq), as if every row carried it', () => {
    // Older versions (seq 3..7) of some keys in one file; a published file (rows say seq 0, the
    // manifest says 9) with newer puts of those keys and others.
    const older: Entry[] = [];
    for (let i = 0; i < 40; i += 3) older.push({ table: 1, key: Uint8Array.of(i), seq: BigInt(3 + (i % 5)), kind: i % 2 ? 'del' : 'put', row: i % 2 ? undefined : [`old ${i}`] });
    const published: Entry[] = [];
    for (let i = 0; i < 40; i += 2) published.push({ table: 1, key: Uint8Array.of(i), seq: 0n, kind: 'put', row: [`new ${i}`, BigInt(i)] });
    const withSeq = published.map((e) => ({ ...e, seq: 9n }));
    for (const [smallest, bottom] of [[2n, false], [8n, true], [20n, true]] as const) {
      const opts = { smallestLiveSnapshotSeq: smallest, isBottomLevel: bottom, batchRows: 4 };
      const got = runCompaction([{ bytes: encodeSegment(1, published).bytes, fileName: 'p.seg', fileSeq: 9n }, { bytes: encodeSegment(1, older).bytes, fileName: 'o.seg' }], opts);
      const want = runCompaction([{ bytes: encodeSegment(1, withSeq).bytes, fileName: 'p.seg' }, { bytes: encodeSegment(1, older).bytes, fileName: 'o.seg' }], opts);
      expect(got.outputs.map((o) => Buffer.from(o.bytes).toString('hex'))).toEqual(want.outputs.map((o) => Buffer.from(o.bytes).toString('hex')));
      expect({ ...got, outputs: [] }).toEqual({ ...want, outputs: [], bytesIn: got.bytesIn });
    }
    // Without it the published rows would count as seq 0: older than every other version.
    const wrong = runCompaction([{ bytes: encodeSegment(1, published).bytes, fileName: 'p.seg' }, { bytes: encodeSegment(1, older).bytes, fileName: 'o.seg' }], { smallestLiveSnapshotSeq: 20n, isBottomLevel: true });
    const right = runCompaction([{ bytes: encodeSegment(1, published).bytes, fileName: 'p.seg', fileSeq: 9n }, { bytes: encodeSegment(1, older).bytes, fileName: 'o.seg' }], { smallestLiveSnapshotSeq: 20n, isBottomLevel: true });
    expect(Buffer.from(wrong.outputs[0]!.bytes).equals(Buffer.from(right.outputs[0]!.bytes))).toBe(false);
  });
});
