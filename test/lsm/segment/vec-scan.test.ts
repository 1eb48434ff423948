// SegmentReader.vectorParts (lsm/segment/vec-scan.ts) against iterateVisible on random
// segments: several versions per key, tombstones, rows of different widths (a _width column),
// NULLs, every snapshot from below the oldest to above the newest version, key ranges, small
// record batches (keys' versions crossing batch boundaries). The parts must give exactly the
// visible rows in key order: wide rows through the column vectors (read raw: Float64Array,
// BigInt64Array and its int32 words, UTF-8 offsets+bytes, validity bits), narrow rows as rows.
import { describe, expect, it } from 'vitest';
import { SegmentReader, decodeUtf8, encodeSegment, type ColumnVector } from '../../../lsm/segment/index.js';
import type { Cell, Entry } from '../../../lsm/types.js';
import { del, put, sorted } from './helpers.js';
import { rng } from '../../seeded-rng.js';

/** Column i's cell: c0 number (f64), c1 bigint (i64), c2 string (utf8), c3 number. */
function cellOf(col: number, r: () => number): Cell {
  if (r() < 0.15) return null;
  switch (col) {
    case 0: return r() < 0.05 ? NaN : Math.floor(r() * 2000) - 1000 + (r() < 0.3 ? 0.5 : 0);
    case 1: return r() < 0.1 ? -(2n ** 62n) + BigInt(Math.floor(r() * 1000)) : BigInt(Math.floor(r() * 1e12)) - 500000000000n;
    case 2: return r() < 0.1 ? 'é' + String(Math.floor(r() * 100)) : 'v' + String(Math.floor(r() * 1000));
    default: return Math.floor(r() * 100);
  }
}

/** The value at batch row r of a vector, read from the raw buffers as a consumer does. */
function rawValue(v: ColumnVector, r: number): Cell {
  const i = v.offset + r;
  if (v.valid !== undefined && (v.valid[i >> 3]! & (1 << (i & 7))) === 0) return null;
  switch (v.enc) {
    case 'f64':
      return v.values[i]!;
    case 'i64': {
      const lo = BigInt(v.words[2 * i]! >>> 0);
      const hi = BigInt(v.words[2 * i + 1]!);
      const fromWords = hi * 4294967296n + lo;
      expect(fromWords).toBe(v.values[i]!);
      return fromWords;
    }
    case 'utf8':
      return decodeUtf8(v.bytes, v.offsets[i]!, v.offsets[i + 1]!);
    default:
      return 'unexpected encoding';
  }
}

const show = (row: readonly Cell[]): string => JSON.stringify(row.map((c) => (typeof c === 'bigint' ? `${c}n` : Number.isNaN(c) ? 'NaN' : c)));

describe('SegmentReader.vectorParts = iterateVisible', () => {
  for (let seed = 1; seed <= 12; seed++) {
    it(`random segment ${seed}`, () => {
      const r = rng(seed);
      const entries: Entry[] = [];
      const keys = 20 + Math.floor(r() * 300);
      const multi = seed % 3 !== 0; // every third segment: one version per key
      const narrowToo = seed % 2 === 0;
      let seq = 1;
      for (let k = 0; k < keys; k++) {
        const key = [k >> 8, k & 255];
        const versions = multi ? 1 + Math.floor(r() * 3) : 1;
        for (let v = 0; v < versions; v++) {
          const s = multi ? seq++ : Math.floor(r() * 50) + 1;
          if (r() < 0.15) entries.push(del(key, s));
          else {
            const width = narrowToo && r() < 0.25 ? 2 : 4;
            entries.push(put(key, s, Array.from({ length: width }, (_, c) => cellOf(c, r))));
          }
        }
      }
      const rd = SegmentReader.open(encodeSegment(1, sorted(entries), { batchRows: 7 + Math.floor(r() * 20) }).bytes, 'test.seg');
      const maxSeq = Number(rd.meta.largestSeq);
      for (let trial = 0; trial < 12; trial++) {
        const snap = BigInt(trial === 0 ? maxSeq + 5 : Math.floor(r() * (maxSeq + 2)));
        const lo = Math.floor(r() * keys);
        const ranged = trial % 3 === 1;
        const opts = ranged ? { lower: Uint8Array.from([lo >> 8, lo & 255]), upper: Uint8Array.from([(lo + 40) >> 8, (lo + 40) & 255]), upperInclusive: trial % 2 === 0 } : {};
        const minWidth = trial % 2 === 0 ? 4 : 3;
        const want: string[] = [];
        for (const v of rd.iterateVisible(opts, snap)) want.push(v.row.length < minWidth ? `narrow ${show(v.row)}` : show(v.row.slice(0, minWidth)));
        const got: string[] = [];
        for (const part of rd.vectorParts(opts, snap, minWidth, [])) {
          if (part.kind === 'rows') {
            for (let x = part.rows.next(); !x.done; x = part.rows.next()) got.push(`narrow ${show(x.value.row)}`);
            continue;
          }
          const vb = part.batch;
          expect(vb.count).toBeGreaterThan(0);
          for (let i = 0; i < vb.count; i++) {
            const row = vb.sel[i]!;
            const cells: Cell[] = [];
            for (let c = 0; c < minWidth; c++) {
              const v = rawValue(vb.vector(c), row);
              expect(show([v])).toBe(show([vb.cell(c, row)]));
              cells.push(v);
            }
            got.push(show(cells));
          }
        }
        expect(got, `seed ${seed} snapshot ${snap} range ${ranged ? lo : '-'} minWidth ${minWidth}`).toEqual(want);
      }
    });
  }
});
