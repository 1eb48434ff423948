// Sort keys (lsm/memtable/sortkey.ts): sortKeyOf builds keys of up to 12 bytes of any table with one
// String.fromCharCode call and longer ones as prefix + latin1; both must give exactly the layout
// the file describes (7 big-endian base-256 digits of the table id, then one char per key byte),
// the same string KeySlab.intern gives, and JavaScript string order equal to (table, key bytes).
import { describe, expect, it } from 'vitest';
import { KeySlab, sortKeyOf } from '../../../lsm/memtable/sortkey.js';

/** The layout, written out independently of the implementation. */
function reference(table: number, key: Uint8Array): string {
  const digits: number[] = [];
  let t = table;
  for (let i = 0; i < 7; i++) {
    digits.unshift(t % 256);
    t = Math.floor(t / 256);
  }
  return [...digits, ...key].map((c) => String.fromCharCode(c)).join('');
}

function compareRef(ta: number, a: Uint8Array, tb: number, b: Uint8Array): number {
  if (ta !== tb) return ta < tb ? -1 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** A deterministic byte source (no Math.random: failures reproduce). */
function bytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = i % 3 === 0 ? (x & 1 ? 0 : 255) : x & 255; // extremes included
  }
  return out;
}

// User tables' ids are OIDs (16384 and up): the one-call path must hold for them too.
const TABLES = [0, 1, 5, 200, 255, 256, 257, 16384, 16391, 65535, 2 ** 24 + 5, 2 ** 32 - 1, 2 ** 32 + 7, 2 ** 40 + 3, 2 ** 53 - 1, 2 ** 53];

describe('sortKeyOf', () => {
  it('gives the documented layout for every key length around the one-call limit', () => {
    const slab = new KeySlab();
    for (const t of TABLES) {
      for (let n = 0; n <= 20; n++) {
        for (let seed = 1; seed <= 5; seed++) {
          const key = bytes(seed * 31 + n, n);
          const sk = sortKeyOf(t, key);
          expect(sk).toBe(reference(t, key));
          expect(slab.intern(t, key).sortKey).toBe(sk);
        }
      }
    }
  });

  it('orders strings as (table, key bytes)', () => {
    const items: Array<[number, Uint8Array]> = [];
    for (const t of [0, 5, 255, 256, 16384, 16385, 2 ** 32 + 1]) for (let n = 0; n <= 14; n++) items.push([t, bytes(n * 7 + t, n)], [t, bytes(n * 11 + t + 1, n)]);
    for (const [ta, a] of items) {
      for (const [tb, b] of items) {
        const s = sortKeyOf(ta, a);
        const r = sortKeyOf(tb, b);
        expect(s < r ? -1 : s > r ? 1 : 0).toBe(compareRef(ta, a, tb, b));
      }
    }
  });

  it('rejects table ids outside 0..2^53', () => {
    expect(() => sortKeyOf(-1, new Uint8Array(1))).toThrow(/table id/);
    expect(() => sortKeyOf(1.5, new Uint8Array(1))).toThrow(/table id/);
  });
});
