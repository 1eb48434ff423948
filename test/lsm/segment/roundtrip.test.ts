import { describe, it, expect } from 'vitest';
import { encodeSegment, SegmentReader } from '../../../lsm/segment/index.js';
import type { Cell, Entry } from '../../../lsm/types.js';
import { del, plain, put, sorted } from './helpers.js';

function roundTrip(entries: Entry[], batchRows?: number): SegmentReader {
  const { bytes, meta } = encodeSegment(entries[0]!.table, entries, batchRows ? { batchRows } : {});
  const r = SegmentReader.open(bytes, 'test.seg');
  expect(r.meta).toEqual(meta);
  expect([...r.iterate()].map(plain)).toEqual(entries.map(plain));
  expect([...r.iterate({ reverse: true })].map(plain)).toEqual([...entries].reverse().map(plain));
  return r;
}

describe('segment round trip', () => {
  it('keeps every cell kind, nulls, empty strings, -0, NaN and big binaries', () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    const entries = sorted([
      put([1], 5, [true, 1.5, 12n, 'héllo 😀', new Uint8Array([0, 255]), null]),
      put([2], 6, [false, -0, -(2n ** 63n), '', new Uint8Array(0), null]),
      put([3], 7, [null, NaN, 2n ** 63n - 1n, 'z', big, null]),
      put([4], 8, [null, Infinity, null, null, null, null]),
      del([5], 9),
    ]);
    const r = roundTrip(entries);
    expect(r.meta.columns.map((c) => c.encoding)).toEqual(['bool', 'f64', 'i64', 'utf8', 'bin', 'null']);
    expect(r.meta.columns[1]!.stats).toEqual({ nullCount: 1, nanCount: 1, min: -0, max: Infinity });
    expect(r.meta.columns[2]!.stats.min).toBe(-(2n ** 63n));
    expect(r.meta.columns[3]!.stats).toMatchObject({ min: '', max: 'z', nullCount: 2 });
    expect(r.meta.putCount).toBe(4);
    expect(r.meta.delCount).toBe(1);
  });

  it('stores mixed-kind columns and out-of-range bigints as packed cells', () => {
    const entries = sorted([
      put([1], 3, [1, 2n ** 70n]),
      put([1], 2, ['one', 5n]),
      put([1], 1, [true, null]),
    ]);
    const r = roundTrip(entries);
    expect(r.meta.columns.map((c) => c.encoding)).toEqual(['packed', 'packed']);
  });

  it('preserves each row width when rows differ (ALTER TABLE ADD COLUMN)', () => {
    const entries = sorted([put([1], 1, [1]), put([2], 2, [1, null]), put([3], 3, [1, 'x', null]), put([4], 4, [])]);
    const r = roundTrip(entries);
    expect(r.meta.columnCount).toBe(3);
    expect(r.get(Uint8Array.of(2), 10n)!.row).toEqual([1, null]);
  });

  it('handles a segment of deletions only and a single row', () => {
    roundTrip([del([1], 1), del([2], 1)]);
    roundTrip([put([], 0, ['empty key'])]);
  });

  it('keeps many versions of one key across record batches', () => {
    const entries: Entry[] = [];
    for (let s = 1000; s >= 1; s--) entries.push(s % 7 === 0 ? del([9, 9], s) : put([9, 9], s, [s]));
    entries.unshift(put([1], 5, [0]));
    entries.push(put([9, 10], 1, [0]));
    const r = roundTrip(entries, 64);
    expect(r.batches.length).toBe(Math.ceil(1002 / 64));
    for (const snap of [0, 1, 7, 63, 64, 65, 500, 999, 1000, 5000]) {
      const want = entries.find((e) => e.key.length === 2 && e.key[1] === 9 && e.seq <= BigInt(snap));
      expect(plain(r.get(Uint8Array.of(9, 9), BigInt(snap)))).toEqual(plain(want));
    }
  });

  it('returns zero-copy key views into the file bytes', () => {
    const { bytes } = encodeSegment(1, [put([1, 2, 3], 1, [new Uint8Array([4, 5])])]);
    const r = SegmentReader.open(bytes, 'z.seg');
    const e = r.get(Uint8Array.of(1, 2, 3), 1n)!;
    expect(e.key.buffer).toBe(bytes.buffer);
    expect((e.row![0] as Uint8Array).buffer).toBe(bytes.buffer);
  });

  it('refuses unsorted, duplicate or mixed-table input', () => {
    expect(() => encodeSegment(1, [put([2], 1, []), put([1], 1, [])])).toThrow(/sorted/);
    expect(() => encodeSegment(1, [put([1], 1, []), put([1], 1, [])])).toThrow(/sorted/);
    expect(() => encodeSegment(1, [put([1], 1, []), put([1], 2, [])])).toThrow(/sorted/);
    expect(() => encodeSegment(2, [put([1], 1, [])])).toThrow(/table/);
    expect(() => encodeSegment(1, [])).toThrow(/no entries/);
  });

  it('records per-batch min/max for scan pruning', () => {
    const entries: Entry[] = [];
    for (let i = 0; i < 100; i++) entries.push(put([i], 1, [i * 2, `s${String(i).padStart(3, '0')}`] as Cell[]));
    const r = roundTrip(entries, 10);
    expect(r.batches[3]!.columns[0]).toEqual({ nullCount: 0, nanCount: 0, min: 60, max: 78 });
    expect(r.batches[3]!.columns[1]!.min).toBe('s030');
    expect(r.meta.columns[0]!.stats).toMatchObject({ min: 0, max: 198 });
  });
});

describe('segment meta ownership', () => {
  it('never returns views into the caller\'s buffers', () => {
    const big = new Uint8Array(1 << 20);
    big.set([1, 2, 3], 100);
    const e = [{ table: 1, key: big.subarray(100, 101), seq: 1n, kind: 'put' as const, row: [big.subarray(100, 103)] }];
    const { meta } = encodeSegment(1, e);
    expect(meta.smallestKey.buffer.byteLength).toBe(1);
    expect(meta.largestKey.buffer.byteLength).toBe(1);
    expect((meta.columns[0]!.stats.min as Uint8Array).buffer.byteLength).toBe(3);
  });
});

describe('segment round trip of strings', () => {
  it('keeps a leading U+FEFF (byte order mark) in short and long, ASCII and non-ASCII strings, also through the worker wire format', async () => {
    const { packEntries, unpackEntries } = await import('../../../lsm/compaction/wire.js');
    const texts = ['\uFEFFa', '\uFEFF' + 'x'.repeat(40), '\uFEFFé', 'é' + 'y'.repeat(30) + '\uFEFF', ' '.repeat(84), 'plain'];
    const entries = sorted(texts.map((t, i) => put([i], 1, [t])));
    const r = roundTrip(entries);
    expect([...r.iterate()].map((e) => e.row![0])).toEqual(texts);
    expect(unpackEntries(packEntries(entries[0]!.table, entries)).map((e) => e.row![0])).toEqual(texts);
  });
});
