import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MemIo } from '../../../lsm/io/index.js';
import { Manifest, type SegmentFile } from '../../../lsm/manifest/index.js';
import { compareBytes } from '../../../lsm/iter/index.js';

const SEED = Number(process.env.PYRALOG_SEED ?? 31337);

describe('Version lookups', () => {
  it('overlapping / fileForKey / filesForKey agree with a linear scan', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Disjoint L1 files per table from sorted distinct boundaries; some L0 files anywhere.
        fc.array(fc.record({ table: fc.integer({ min: 0, max: 3 }), bounds: fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { minLength: 0, maxLength: 16 }) }), { maxLength: 4 }),
        fc.array(fc.record({ table: fc.integer({ min: 0, max: 3 }), a: fc.integer({ min: 0, max: 60 }), b: fc.integer({ min: 0, max: 60 }) }), { maxLength: 5 }),
        fc.array(fc.record({ table: fc.integer({ min: 0, max: 3 }), lo: fc.option(fc.integer({ min: 0, max: 61 })), hi: fc.option(fc.integer({ min: 0, max: 61 })) }), { maxLength: 20 }),
        async (l1spec, l0spec, queries) => {
          const io = new MemIo(1);
          await io.mkdirp('/db');
          const { manifest } = await Manifest.open(io, '/db');
          const added: SegmentFile[] = [];
          const mk = (level: number, table: number, lo: number, hi: number): SegmentFile => ({
            level, fileNumber: manifest.newFileNumber(), table, sizeBytes: 1, smallestKey: Uint8Array.of(lo), largestKey: Uint8Array.of(hi), smallestSeq: 1n, largestSeq: 1n, rowCount: 1,
          });
          const usedTables = new Set<number>();
          for (const s of l1spec) {
            if (usedTables.has(s.table)) continue;
            usedTables.add(s.table);
            const b = [...s.bounds].sort((x, y) => x - y);
            for (let i = 0; i + 1 < b.length; i += 2) added.push(mk(1, s.table, b[i]!, b[i + 1]!));
          }
          for (const s of l0spec) added.push(mk(0, s.table, Math.min(s.a, s.b), Math.max(s.a, s.b)));
          const v = await manifest.logAndApply({ added });
          for (const q of queries) {
            const lo = q.lo === null ? undefined : Uint8Array.of(q.lo);
            const hi = q.hi === null ? undefined : Uint8Array.of(q.hi);
            for (const level of [0, 1, 2]) {
              const want = v.levels[level]!.filter((f) => f.table === q.table && (hi === undefined || compareBytes(f.smallestKey, hi) <= 0) && (lo === undefined || compareBytes(f.largestKey, lo) >= 0));
              expect(v.overlapping(level, q.table, lo, hi).map((f) => f.fileNumber)).toEqual(want.map((f) => f.fileNumber));
            }
            if (lo !== undefined) {
              const want = v.levels[1]!.find((f) => f.table === q.table && compareBytes(f.smallestKey, lo) <= 0 && compareBytes(f.largestKey, lo) >= 0);
              expect(v.fileForKey(1, q.table, lo)?.fileNumber).toBe(want?.fileNumber);
              expect(v.filesForKey(q.table, lo).map((f) => f.fileNumber)).toEqual(v.levels.flatMap((l) => l.filter((f) => f.table === q.table && compareBytes(f.smallestKey, lo) <= 0 && compareBytes(f.largestKey, lo) >= 0)).map((f) => f.fileNumber));
            }
          }
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});
