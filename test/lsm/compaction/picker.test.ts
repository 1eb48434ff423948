import { describe, it, expect } from 'vitest';
import { MemIo } from '../../../lsm/io/index.js';
import { Manifest, type SegmentFile, type Version } from '../../../lsm/manifest/index.js';
import { CompactionPointers, levelBudgetBytes, pickCompaction } from '../../../lsm/compaction/index.js';

function f(fileNumber: number, level: number, lo: number, hi: number, opts: { table?: number; size?: number } = {}): SegmentFile {
  return { level, fileNumber, table: opts.table ?? 1, sizeBytes: opts.size ?? 1000, smallestKey: Uint8Array.of(lo), largestKey: Uint8Array.of(hi), smallestSeq: BigInt(fileNumber), largestSeq: BigInt(fileNumber), rowCount: 1 };
}
async function versionWith(files: SegmentFile[]): Promise<Version> {
  const io = new MemIo(1);
  await io.mkdirp('/db');
  const { manifest } = await Manifest.open(io, '/db');
  return manifest.logAndApply({ added: files });
}
const nums = (fs: SegmentFile[]): number[] => fs.map((x) => x.fileNumber);

describe('pickCompaction', () => {
  it('moves several L0 files at once when they overlap neither each other nor L1 (a sequential load)', async () => {
    const seq = await versionWith([f(10, 0, 1, 2), f(11, 0, 3, 4), f(12, 0, 5, 6), f(13, 0, 7, 8), f(20, 1, 9, 9)]);
    const t = pickCompaction(seq)!;
    expect(nums(t.inputs).sort()).toEqual([10, 11, 12, 13]);
    expect(t.overlaps).toEqual([]);
    expect(t.trivialMove).toBe(true);
    // Two inputs overlapping each other, or an overlap below, need a merge.
    expect(pickCompaction(await versionWith([f(10, 0, 1, 2), f(11, 0, 2, 4), f(12, 0, 5, 6), f(13, 0, 7, 8)]))!.trivialMove).toBe(false);
    expect(pickCompaction(await versionWith([f(10, 0, 1, 2), f(11, 0, 3, 4), f(12, 0, 5, 6), f(13, 0, 7, 8), f(20, 1, 4, 4)]))!.trivialMove).toBe(false);
  });

  it('does nothing below the triggers', async () => {
    const v = await versionWith([f(10, 0, 1, 5), f(11, 0, 1, 5), f(12, 0, 1, 5), f(13, 1, 1, 9)]);
    expect(pickCompaction(v)).toBeUndefined();
  });

  it('moves all L0 files of the oldest file\'s table to L1 with the overlapping L1 files', async () => {
    const v = await versionWith([
      f(10, 0, 3, 5), f(11, 0, 1, 2, { table: 2 }), f(12, 0, 4, 8), f(13, 0, 7, 9),
      f(20, 1, 0, 1), f(21, 1, 2, 3), f(22, 1, 6, 6), f(23, 1, 10, 12), f(24, 1, 2, 9, { table: 2 }),
    ]);
    const t = pickCompaction(v)!;
    expect(t.reason).toBe('l0-file-count');
    expect(t.table).toBe(1);
    expect(nums(t.inputs)).toEqual([13, 12, 10]);
    expect(nums(t.overlaps)).toEqual([21, 22]);
    expect(t.outputLevel).toBe(1);
    expect(t.isBottomLevel).toBe(true);
    expect([...t.smallestKey, ...t.largestKey]).toEqual([2, 9]);
    // Busy files are skipped: the next table is tried instead.
    const t2 = pickCompaction(v, { busyFiles: new Set([21]) })!;
    expect(t2.table).toBe(2);
    expect(nums(t2.overlaps)).toEqual([24]);
  });

  it('compacts the level that is most over its byte budget, round-robin across files', async () => {
    const mb = 1024 * 1024;
    const v = await versionWith([f(30, 1, 1, 2, { size: 6 * mb }), f(31, 1, 3, 4, { size: 6 * mb }), f(32, 1, 5, 6, { size: 6 * mb }), f(40, 2, 2, 3), f(41, 3, 9, 9)]);
    expect(levelBudgetBytes(1)).toBe(10 * mb);
    expect(levelBudgetBytes(3)).toBe(1000 * mb);
    const ptr = new CompactionPointers();
    const t = pickCompaction(v, {}, ptr)!;
    expect(t.reason).toBe('level-bytes');
    expect(nums(t.inputs)).toEqual([30]);
    expect(nums(t.overlaps)).toEqual([40]);
    expect(t.isBottomLevel).toBe(true); // L3's file 41 is outside the range
    ptr.advance(t);
    expect(nums(pickCompaction(v, {}, ptr)!.inputs)).toEqual([31]);
    ptr.advance(pickCompaction(v, {}, ptr)!);
    const t3 = pickCompaction(v, {}, ptr)!;
    expect(nums(t3.inputs)).toEqual([32]);
    expect(t.trivialMove).toBe(false);
    expect(t3.trivialMove).toBe(true); // nothing in L2 overlaps keys 5..6
    ptr.advance(t3);
    expect(nums(pickCompaction(v, {}, ptr)!.inputs)).toEqual([30]); // wrapped around
  });

  it('knows when deeper levels still hold the key range', async () => {
    const mb = 1024 * 1024;
    const v = await versionWith([f(30, 1, 1, 9, { size: 11 * mb }), f(50, 4, 8, 8)]);
    const t = pickCompaction(v)!;
    expect(t.isBottomLevel).toBe(false);
    const v2 = await versionWith([f(30, 1, 1, 9, { size: 11 * mb }), f(50, 4, 8, 8, { table: 3 })]);
    expect(pickCompaction(v2)!.isBottomLevel).toBe(true);
  });
});

describe('pickCompaction on an empty database', () => {
  it('finds nothing to do', async () => {
    const io = new MemIo(1);
    await io.mkdirp('/db');
    const { version } = await Manifest.open(io, '/db');
    expect(pickCompaction(version)).toBeUndefined();
  });
});
