// Sort keys: one string per (table, key) whose JavaScript string order is exactly the entry
// order's (table asc, key bytes asc). Layout: 7 chars holding the table id as big-endian
// base-256 digits (ids up to 2^53 fit exactly), then one char per key byte (latin1, code 0–255).
// Strings compare by UTF-16 code unit and every char is < 256, so `a < b` on sort keys equals
// comparing (table, key) bytewise — V8 does it natively on one-byte strings, without chasing
// Entry → Uint8Array → backing store. The same string serves as the map key of a (table, key)
// for write sets, in-flight commits and row locks (mvcc/), so a commit builds it once.
import type { TableId } from '../types.js';

const latin1 = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

function tablePrefix(table: TableId): string {
  let s = '';
  let t = table;
  for (let i = 0; i < 7; i++) {
    s = String.fromCharCode(t % 256) + s;
    t = Math.floor(t / 256);
  }
  return s;
}

/** Prefixes of the first 256 table ids, built once (immutable after load). */
const SMALL_PREFIXES: readonly string[] = Array.from({ length: 256 }, (_, t) => tablePrefix(t));

export function sortKeyOf(table: TableId, key: Uint8Array): string {
  // 2^53 itself is allowed: the memtable's reverse scans seek to (table + 1, empty key).
  if (!Number.isInteger(table) || table < 0 || table > 2 ** 53) throw new Error(`lsm invariant violated: table id ${table}`);
  const n = key.length;
  // Short keys (int4/int8 primary keys: 5 and 9 bytes) of any table: one flat string made in
  // one call — no Buffer binding call, no concatenation. A point get builds one per lookup, a
  // row lock and a write one each. User tables have OIDs (>= 16384) as ids, so the table digits
  // are computed here rather than looked up (a prefix table would only serve system tables).
  if (n <= 12) {
    let t = table;
    const d6 = t % 256;
    t = (t - d6) / 256;
    const d5 = t % 256;
    t = (t - d5) / 256;
    const d4 = t % 256;
    t = (t - d4) / 256;
    const d3 = t % 256;
    t = (t - d3) / 256;
    const d2 = t % 256;
    t = (t - d2) / 256;
    const d1 = t % 256;
    const d0 = (t - d1) / 256; // < 256: table <= 2^53
    switch (n) {
      case 0: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6);
      case 1: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!);
      case 2: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!);
      case 3: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!);
      case 4: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!);
      case 5: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!, key[4]!);
      case 6: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!);
      case 7: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!);
      case 8: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!, key[7]!);
      case 9: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!, key[7]!, key[8]!);
      case 10: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!, key[7]!, key[8]!, key[9]!);
      case 11: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!, key[7]!, key[8]!, key[9]!, key[10]!);
      default: return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!, key[7]!, key[8]!, key[9]!, key[10]!, key[11]!);
    }
  }
  const p = table < 256 ? SMALL_PREFIXES[table]! : tablePrefix(table);
  return p + latin1.call(key, 0, n);
}

/** Smallest and largest slab of a KeySlab: a one-row COPY wastes little, a big one allocates
 *  few buffers. */
const SLAB_BYTES_MIN = 4096;
const SLAB_BYTES_MAX = 1 << 20;

/**
 * Owned copies of keys packed into shared slabs (a view per key instead of an ArrayBuffer per
 * key: a bulk load keeps a million keys alive until commit, and each ArrayBuffer is one more
 * object for every scavenge to copy), each returned with its sort key built flat from the same
 * bytes (a concatenated string would be flattened on its first hash). The slab bytes of a key
 * never change after intern() returns.
 */
export class KeySlab {
  private slab = Buffer.allocUnsafeSlow(0);
  private pos = 0;
  private nextBytes = SLAB_BYTES_MIN;

  intern(table: TableId, key: Uint8Array): { key: Uint8Array; sortKey: string } {
    if (!Number.isInteger(table) || table < 0 || table > 2 ** 53) throw new Error(`lsm invariant violated: table id ${table}`);
    const n = 7 + key.length;
    if (this.pos + n > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(Math.max(n, this.nextBytes));
      this.nextBytes = Math.min(this.nextBytes * 2, SLAB_BYTES_MAX);
      this.pos = 0;
    }
    const s = this.slab;
    const p = this.pos;
    let t = table;
    for (let i = 6; i >= 0; i--) {
      s[p + i] = t % 256;
      t = Math.floor(t / 256);
    }
    if (key.length < 32) for (let i = 0; i < key.length; i++) s[p + 7 + i] = key[i]!;
    else s.set(key, p + 7);
    this.pos = p + n;
    return { key: new Uint8Array(s.buffer, s.byteOffset + p + 7, key.length), sortKey: latin1.call(s, p, p + n) };
  }
}
