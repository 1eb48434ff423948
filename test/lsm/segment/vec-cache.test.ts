// VecCache (lsm/segment/vec-cache.ts) alone and through SegmentReader.vectorParts: a value is
// derived once per (file, batch, column, kind) and then served from the cache; the byte budget
// holds (least recently used first out, oversized values never kept); a file's entries go with
// dropFile; the same name with other bytes (another body checksum) is a miss, never the old
// value; VectorBatch.derived hands each batch its own column's value.
import { describe, expect, it } from 'vitest';
import { SegmentReader, VecCache, encodeSegment, type ColumnVector, type DeriveFn } from '../../../lsm/segment/index.js';
import type { Entry } from '../../../lsm/types.js';
import { put, sorted } from './helpers.js';

const VEC: ColumnVector = { enc: 'null', offset: 0, valid: new Uint8Array(0) };

/** A deriver returning `sizeBytes`-byte values that count their calls. */
function counting(sizeBytes: number): { make: DeriveFn<Float64Array>; calls: () => number } {
  let calls = 0;
  return {
    make: (_v, rows) => {
      calls++;
      return { value: new Float64Array(rows).fill(calls), sizeBytes };
    },
    calls: () => calls,
  };
}

describe('VecCache', () => {
  it('derives once, then hits; kinds, columns, batches and files are apart', () => {
    const c = new VecCache(1 << 20);
    const d = counting(100);
    const a = c.get('f1', 7, 0, 1, 'k', VEC, 4, d.make);
    expect(c.get('f1', 7, 0, 1, 'k', VEC, 4, d.make)).toBe(a);
    expect(d.calls()).toBe(1);
    c.get('f1', 7, 0, 1, 'other', VEC, 4, d.make);
    c.get('f1', 7, 0, 2, 'k', VEC, 4, d.make);
    c.get('f1', 7, 1, 1, 'k', VEC, 4, d.make);
    c.get('f2', 7, 0, 1, 'k', VEC, 4, d.make);
    expect(d.calls()).toBe(5);
    expect(c.stats).toMatchObject({ hits: 1, misses: 5, entries: 5, bytes: 500 });
  });

  it('a new body checksum under the same name is a miss that replaces the entry', () => {
    const c = new VecCache(1 << 20);
    const d = counting(10);
    const a = c.get('f', 1, 0, 0, 'k', VEC, 2, d.make);
    const b = c.get('f', 2, 0, 0, 'k', VEC, 2, d.make);
    expect(b).not.toBe(a);
    expect(b[0]).toBe(2);
    expect(c.stats).toMatchObject({ misses: 2, entries: 1, bytes: 10 });
    expect(c.get('f', 2, 0, 0, 'k', VEC, 2, d.make)).toBe(b);
  });

  it('stays within its budget, least recently used out first; oversized values are not kept', () => {
    const c = new VecCache(1000);
    const d = counting(200);
    for (let b = 0; b < 5; b++) c.get('f', 0, b, 0, 'k', VEC, 1, d.make);
    expect(c.stats).toMatchObject({ entries: 5, bytes: 1000, evictions: 0 });
    c.get('f', 0, 0, 0, 'k', VEC, 1, d.make); // batch 0 is now the most recent
    c.get('f', 0, 5, 0, 'k', VEC, 1, d.make); // evicts batch 1
    expect(c.stats).toMatchObject({ entries: 5, bytes: 1000, evictions: 1 });
    const calls = d.calls();
    c.get('f', 0, 0, 0, 'k', VEC, 1, d.make);
    expect(d.calls()).toBe(calls);
    c.get('f', 0, 1, 0, 'k', VEC, 1, d.make);
    expect(d.calls()).toBe(calls + 1);
    const big = counting(251); // > a quarter of the budget
    c.get('g', 0, 0, 0, 'k', VEC, 1, big.make);
    c.get('g', 0, 0, 0, 'k', VEC, 1, big.make);
    expect(big.calls()).toBe(2);
    expect(c.stats.bytes).toBeLessThanOrEqual(1000);
  });

  it('dropFile forgets that file only', () => {
    const c = new VecCache(1 << 20);
    const d = counting(8);
    c.get('a', 0, 0, 0, 'k', VEC, 1, d.make);
    c.get('a', 0, 1, 0, 'k', VEC, 1, d.make);
    c.get('b', 0, 0, 0, 'k', VEC, 1, d.make);
    c.dropFile('a');
    expect(c.stats).toMatchObject({ entries: 1, bytes: 8 });
    c.get('b', 0, 0, 0, 'k', VEC, 1, d.make);
    c.get('a', 0, 0, 0, 'k', VEC, 1, d.make);
    expect(d.calls()).toBe(4);
  });
});

describe('VectorBatch.derived through SegmentReader.vectorParts', () => {
  const entries: Entry[] = [];
  for (let i = 0; i < 50; i++) entries.push(put([0, i], 10 + i, [i * 2, `s${i}`]));
  const bytes = encodeSegment(1, sorted(entries), { batchRows: 8 }).bytes;
  const reader = SegmentReader.open(bytes, 'seg-000042.seg');

  /** Per visible row: the derived value's entry for that row (column 0 doubled). */
  function derivedValues(cache: VecCache | undefined): { values: number[]; calls: number } {
    let calls = 0;
    const make: DeriveFn<Float64Array> = (vec, rows) => {
      calls++;
      const out = new Float64Array(rows);
      if (vec.enc === 'f64') for (let r = 0; r < rows; r++) out[r] = vec.values[vec.offset + r]! * 2;
      return { value: out, sizeBytes: out.byteLength };
    };
    const values: number[] = [];
    for (const p of reader.vectorParts({}, 1000n, 2, [], cache)) {
      if (p.kind !== 'vectors') throw new Error('expected vectors only');
      const d = p.batch.derived(0, 'double', make);
      for (let i = 0; i < p.batch.count; i++) values.push(d[p.batch.sel[i]!]!);
    }
    return { values, calls };
  }

  it('each batch gets its own rows; the second scan derives nothing', () => {
    const want = Array.from({ length: 50 }, (_, i) => i * 4);
    const cache = new VecCache(1 << 20);
    const first = derivedValues(cache);
    expect(first.values).toEqual(want);
    expect(first.calls).toBe(7); // 50 rows in batches of 8
    const second = derivedValues(cache);
    expect(second.values).toEqual(want);
    expect(second.calls).toBe(0);
    expect(cache.stats).toMatchObject({ hits: 7, misses: 7, entries: 7 });
    // No cache: derived every time.
    expect(derivedValues(undefined)).toEqual({ values: want, calls: 7 });
    expect(reader.bodyCrc).toBeTypeOf('number');
  });

  it('another file under the same name (other bytes) never gets the first file\'s values', () => {
    const cache = new VecCache(1 << 20);
    derivedValues(cache);
    const other = SegmentReader.open(encodeSegment(1, sorted(entries.map((e) => ({ ...e, row: [7, 'x'] }))), { batchRows: 8 }).bytes, 'seg-000042.seg');
    expect(other.bodyCrc).not.toBe(reader.bodyCrc);
    const values: number[] = [];
    for (const p of other.vectorParts({}, 1000n, 2, [], cache)) {
      if (p.kind !== 'vectors') throw new Error('expected vectors only');
      const d = p.batch.derived(0, 'double', (vec, rows) => {
        const out = new Float64Array(rows);
        if (vec.enc === 'f64') for (let r = 0; r < rows; r++) out[r] = vec.values[vec.offset + r]! * 2;
        return { value: out, sizeBytes: out.byteLength };
      });
      for (let i = 0; i < p.batch.count; i++) values.push(d[p.batch.sel[i]!]!);
    }
    expect(values).toEqual(new Array(50).fill(14));
  });
});
