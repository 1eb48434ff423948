// The keys a bulk load (a published ingest, ../db/publish.ts) has taken so far, for the lock
// manager: the load holds the row lock of each of them without an entry per key in the lock
// table ("bulk holder", locks.ts). Keys arrive strictly ascending, so they are appended to one
// growing byte buffer with an offset per key and looked up by binary search — about key length
// + 4 bytes per key (a million 9-byte keys: 13 MB), against ~120 B per row lock.
// Invariants: keys are strictly ascending (the caller checked); a key's bytes never change once
// appended; `has` answers exactly (no false positives: a false one would make an unrelated
// INSERT wait for the load).
import { LsmError } from '../types.js';
import type { TableId } from '../types.js';
import { sortKeyOf } from '../memtable/sortkey.js';

/** Bytes one BulkKeys may hold (keys + offsets): past it the load must take another way. */
export const BULK_KEYS_BYTES_MAX = 1 << 30;

export class BulkKeys {
  private bytes = new Uint8Array(1 << 12);
  private used = 0;
  /** offsets[i] = start of key i; offsets[count] = end of the last key. */
  private offsets = new Uint32Array(1 << 10);
  /** ticks[i]: when key i was appended (the lock manager's bulk clock): which of two loads
   *  took a common key first (locks.ts heldByOthers). */
  private ticks = new Float64Array(1 << 10);
  private n = 0;
  /** The opKey prefix of the table (7 chars, memtable/sortkey.ts). */
  readonly prefix: string;

  constructor(readonly table: TableId) {
    this.prefix = sortKeyOf(table, new Uint8Array(0));
  }

  get count(): number {
    return this.n;
  }

  get sizeBytes(): number {
    return this.bytes.length + this.offsets.byteLength + this.ticks.byteLength;
  }

  /** When key i was appended. */
  tickAt(i: number): number {
    return this.ticks[i]!;
  }

  /** Appends a key greater than every key appended before (the caller checked the order), taken
   *  at `tick` (LockManager.bulkTick()). */
  append(key: Uint8Array, tick: number): void {
    const need = this.used + key.length;
    if (need > this.bytes.length) {
      const next = Math.max(need, this.bytes.length * 2);
      if (next + this.offsets.byteLength + this.ticks.byteLength > BULK_KEYS_BYTES_MAX) throw new LsmError('54000', `bulk load key set exceeds ${BULK_KEYS_BYTES_MAX} bytes`);
      const b = new Uint8Array(next);
      b.set(this.bytes.subarray(0, this.used));
      this.bytes = b;
    }
    if (this.n + 2 > this.offsets.length) {
      const o = new Uint32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
      const t = new Float64Array(this.offsets.length);
      t.set(this.ticks);
      this.ticks = t;
    }
    this.ticks[this.n] = tick;
    this.bytes.set(key, this.used);
    this.offsets[this.n] = this.used;
    this.used = need;
    this.offsets[++this.n] = this.used;
  }

  /** Key i (a view: do not mutate). */
  key(i: number): Uint8Array {
    return this.bytes.subarray(this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** Index of `key` among the appended keys, or -1. */
  indexOf(key: Uint8Array): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.compareAt(mid, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** True when the row-lock key `k` (an opKey) names one of the appended keys. */
  has(k: string): boolean {
    if (this.n === 0 || !k.startsWith(this.prefix)) return false;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.compareStr(mid, k);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The first appended key index whose key is >= `key` (count when none). */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compareAt(mid, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Indexes [in this, in other] of the first key both sets hold, or undefined (a merge walk;
   *  O(1) when the key ranges do not meet). */
  firstCommon(other: BulkKeys): [number, number] | undefined {
    if (other.table !== this.table || this.n === 0 || other.n === 0) return undefined;
    if (other.compareAt(other.n - 1, this.key(0)) < 0 || this.compareAt(this.n - 1, other.key(0)) < 0) return undefined;
    let i = this.lowerBound(other.key(0));
    let j = 0;
    while (i < this.n && j < other.n) {
      const c = other.compareAt(j, this.key(i));
      if (c === 0) return [i, j];
      if (c < 0) j++;
      else i++;
    }
    return undefined;
  }

  /** The opKey of key i. */
  opKeyAt(i: number): string {
    return sortKeyOf(this.table, this.key(i));
  }

  /** Key i compared with `key` (bytewise). */
  private compareAt(i: number, key: Uint8Array): number {
    const b = this.bytes;
    const s = this.offsets[i]!;
    const e = this.offsets[i + 1]!;
    const n = Math.min(e - s, key.length);
    for (let j = 0; j < n; j++) {
      const d = b[s + j]! - key[j]!;
      if (d !== 0) return d;
    }
    return e - s - key.length;
  }

  /** Key i compared with the key part of opKey `k` (one latin1 char per byte after the prefix). */
  private compareStr(i: number, k: string): number {
    const b = this.bytes;
    const s = this.offsets[i]!;
    const e = this.offsets[i + 1]!;
    const len = k.length - this.prefix.length;
    const n = Math.min(e - s, len);
    const p = this.prefix.length;
    for (let j = 0; j < n; j++) {
      const d = b[s + j]! - k.charCodeAt(p + j);
      if (d !== 0) return d;
    }
    return e - s - len;
  }
}
