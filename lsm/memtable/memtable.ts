// The memtable: every version written since the last flush, sorted by
// (table asc, key bytes asc, seq DESC) — the same order as segments and the merging iterator.
// Structure: a list of sorted leaves (arrays of at most LEAF_MAX entries). Finding a leaf is a
// binary search over the leaves' last entries, then a binary search inside the leaf; an insert
// is a splice into one small array, and a full leaf splits in two. This keeps puts O(log n)
// with cheap constant factors and lets iterators walk leaves in both directions. Every leaf has
// a twin array of sort-key strings (table prefix + key as latin1, see sortkey.ts): searches
// compare those strings (one native compare, one pointer) instead of Entry key bytes, which
// with random keys were cache-miss bound (3 pointer hops per probe).
// Point gets first ask `newest` (sort key → the key's highest-seq version): one hash probe
// answers "no version of this key here" and "the newest version is visible", the search runs
// only when the newest version is above the snapshot (or the index is off, see NEWEST_KEYS_MAX).
// Invariants: (table, key, seq) is unique (re-inserting it replaces: WAL replay is idempotent);
// no leaf is empty; `sizeBytes` approximates memory use and drives sealing (the index's ~40
// bytes per distinct key are not in it); while `newest` is on, it holds every sort key present,
// each with its version of the highest seq.
// Iterators stay valid across inserts: they remember the last entry returned and re-seek when
// the memtable changed underneath (an insert never changes what an older snapshot sees).
import { compareBytes } from '../keys/compare.js';
import type { Cell, Entry, Seq, TableId } from '../types.js';
import { sortKeyOf } from './sortkey.js';

const LEAF_MAX = 128;
/** Distinct keys the newest-version index holds at most (a Map's hard limit is 2^24): past it
 *  the index is dropped and gets search the leaves, as before it existed. */
export const NEWEST_KEYS_MAX = 1 << 22;
/** Larger than any sequence number: sorts before every version of a key. */
export const SEQ_MAX: Seq = (1n << 63n) - 1n;
/** Smaller than any sequence number: sorts after every version of a key. */
const SEQ_BELOW = -1n;
const EMPTY = new Uint8Array(0);

export function compareEntry(a: Entry, table: TableId, key: Uint8Array, seq: Seq): number {
  if (a.table !== table) return a.table - table;
  const c = compareBytes(a.key, key);
  if (c !== 0) return c;
  return a.seq === seq ? 0 : a.seq > seq ? -1 : 1;
}

export function cellBytes(c: Cell): number {
  if (c === null || typeof c === 'boolean') return 1;
  if (typeof c === 'number') return 8;
  if (typeof c === 'bigint') return 8;
  if (typeof c === 'string') return c.length * 2;
  return c.length;
}

export function entryBytes(e: Entry): number {
  let n = 48 + e.key.length;
  if (e.row) for (const c of e.row) n += 8 + cellBytes(c);
  return n;
}

export interface KeyRange {
  lower?: Uint8Array;
  upper?: Uint8Array;
  lowerInclusive?: boolean;
  upperInclusive?: boolean;
  reverse?: boolean;
}

/** First index in one leaf whose (sort key, seq) is ≥ (sk, seq); seq sorts descending. */
function leafLowerBound(ks: string[], leaf: Entry[], sk: string, seq: Seq): number {
  let a = 0;
  let b = ks.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    const s = ks[mid]!;
    if (s < sk || (s === sk && leaf[mid]!.seq > seq)) a = mid + 1;
    else b = mid;
  }
  return a;
}

interface Pos {
  leaf: number;
  idx: number;
}

export class Memtable {
  private leaves: Entry[][] = [];
  /** skeys[l][i] is the sort key of leaves[l][i] (same shape as leaves). */
  private skeys: string[][] = [];
  sizeBytes = 0;
  count = 0;
  /** Bumped on every insert; iterators compare it to know when to re-seek. */
  version = 0;
  minSeq: Seq | undefined;
  maxSeq: Seq | undefined;
  /** Versions and approximate bytes per table (for approximateStats). */
  readonly perTable = new Map<TableId, { count: number; bytes: number }>();
  /** Sort key → that key's version with the highest seq; undefined once it outgrew its limit. */
  private newest: Map<string, Entry> | undefined = new Map();

  constructor(private readonly newestKeysMax = NEWEST_KEYS_MAX) {}

  /** Records `e` in the newest-version index (put and bulkLoad, for every version kept). */
  private noteNewest(sk: string, e: Entry): void {
    const idx = this.newest;
    if (idx === undefined) return;
    const cur = idx.get(sk);
    if (cur === undefined) {
      if (idx.size >= this.newestKeysMax) {
        this.newest = undefined;
        return;
      }
      idx.set(sk, e);
    } else if (e.seq >= cur.seq) idx.set(sk, e); // same seq: the re-insert replaces (WAL replay)
  }

  private account(table: TableId, count: number, bytes: number): void {
    const t = this.perTable.get(table);
    if (t) {
      t.count += count;
      t.bytes += bytes;
    } else this.perTable.set(table, { count, bytes });
  }

  private sortKey(table: TableId, key: Uint8Array): string {
    return sortKeyOf(table, key);
  }

  /** First position whose entry is ≥ (sort key, seq); {leaf: leaves.length} when none. */
  private lowerBound(table: TableId, key: Uint8Array, seq: Seq): Pos {
    return this.lowerBoundS(this.sortKey(table, key), seq);
  }

  /** The first leaf whose last version sorts at or after (sk, seq); skeys.length when none. */
  private leafFor(sk: string, seq: Seq): number {
    const skeys = this.skeys;
    let lo = 0;
    let hi = skeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ks = skeys[mid]!;
      const last = ks.length - 1;
      const s = ks[last]!;
      if (s < sk || (s === sk && this.leaves[mid]![last]!.seq > seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lowerBoundS(sk: string, seq: Seq): Pos {
    const skeys = this.skeys;
    const lo = this.leafFor(sk, seq);
    if (lo === skeys.length) return { leaf: lo, idx: 0 };
    return { leaf: lo, idx: leafLowerBound(skeys[lo]!, this.leaves[lo]!, sk, seq) };
  }

  private at(p: Pos): Entry | undefined {
    return this.leaves[p.leaf]?.[p.idx];
  }

  private prev(p: Pos): Pos | undefined {
    if (p.idx > 0) return { leaf: p.leaf, idx: p.idx - 1 };
    if (p.leaf === 0) return undefined;
    return { leaf: p.leaf - 1, idx: this.leaves[p.leaf - 1]!.length - 1 };
  }

  private next(p: Pos): Pos {
    if (p.idx + 1 < this.leaves[p.leaf]!.length) return { leaf: p.leaf, idx: p.idx + 1 };
    return { leaf: p.leaf + 1, idx: 0 };
  }

  /** Inserts a version; `sk` is sortKeyOf(e.table, e.key) when the caller already has it. */
  put(e: Entry, sk: string = sortKeyOf(e.table, e.key)): void {
    this.version++;
    if (this.minSeq === undefined || e.seq < this.minSeq) this.minSeq = e.seq;
    if (this.maxSeq === undefined || e.seq > this.maxSeq) this.maxSeq = e.seq;
    const bytes = entryBytes(e);
    this.noteNewest(sk, e);
    if (this.leaves.length === 0) {
      this.leaves.push([e]);
      this.skeys.push([sk]);
      this.sizeBytes += bytes;
      this.count++;
      this.account(e.table, 1, bytes);
      return;
    }
    // Fast path for ascending inserts (sequential fills, WAL replay of increasing keys): the
    // entry sorts after the last entry of the last leaf.
    const nl = this.leaves.length - 1;
    const lastLeaf = this.leaves[nl]!;
    const lastKeys = this.skeys[nl]!;
    const ls = lastKeys[lastKeys.length - 1]!;
    if (ls < sk || (ls === sk && lastLeaf[lastLeaf.length - 1]!.seq > e.seq)) {
      lastLeaf.push(e);
      lastKeys.push(sk);
      this.sizeBytes += bytes;
      this.count++;
      this.account(e.table, 1, bytes);
      if (lastLeaf.length > LEAF_MAX) {
        this.leaves.push(lastLeaf.splice(LEAF_MAX >>> 1));
        this.skeys.push(lastKeys.splice(LEAF_MAX >>> 1));
      }
      return;
    }
    let p = this.lowerBoundS(sk, e.seq);
    if (p.leaf === this.leaves.length) p = { leaf: p.leaf - 1, idx: this.leaves[p.leaf - 1]!.length };
    const leaf = this.leaves[p.leaf]!;
    const ks = this.skeys[p.leaf]!;
    const old = leaf[p.idx];
    if (old && ks[p.idx] === sk && old.seq === e.seq) {
      leaf[p.idx] = e;
      this.sizeBytes += bytes - entryBytes(old);
      this.account(e.table, 0, bytes - entryBytes(old));
      return;
    }
    leaf.splice(p.idx, 0, e);
    ks.splice(p.idx, 0, sk);
    this.sizeBytes += bytes;
    this.count++;
    this.account(e.table, 1, bytes);
    if (leaf.length > LEAF_MAX) {
      this.leaves.splice(p.leaf + 1, 0, leaf.splice(LEAF_MAX >>> 1));
      this.skeys.splice(p.leaf + 1, 0, ks.splice(LEAF_MAX >>> 1));
    }
  }

  /** Loads many versions into an EMPTY memtable at once (WAL replay): one sort instead of a
   *  binary-search insert per entry, leaves filled to 3/4 so later inserts split rarely. Same
   *  result as put() of each entry in order: a later entry with the same (table, key, seq)
   *  replaces an earlier one. */
  bulkLoad(entries: readonly Entry[]): void {
    if (this.count !== 0) throw new Error('lsm invariant violated: bulkLoad into a non-empty memtable');
    const n = entries.length;
    if (n === 0) return;
    const sks: string[] = new Array(n);
    for (let i = 0; i < n; i++) sks[i] = sortKeyOf(entries[i]!.table, entries[i]!.key);
    // Already in order (sequential keys) is common: check before paying for a sort.
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) {
      const a = sks[i - 1]!;
      const b = sks[i]!;
      if (a > b || (a === b && entries[i - 1]!.seq <= entries[i]!.seq)) sorted = false;
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!sorted) {
      order.sort((x, y) => {
        const a = sks[x]!;
        const b = sks[y]!;
        if (a !== b) return a < b ? -1 : 1;
        const sa = entries[x]!.seq;
        const sb = entries[y]!.seq;
        if (sa !== sb) return sa > sb ? -1 : 1;
        return y - x; // the later duplicate first: it is the one kept
      });
    }
    const fill = (LEAF_MAX * 3) >>> 2;
    let leaf: Entry[] = [];
    let ks: string[] = [];
    let prevSk: string | undefined;
    let prevSeq: Seq = -1n;
    for (let j = 0; j < n; j++) {
      const i = order[j]!;
      const e = entries[i]!;
      const sk = sks[i]!;
      if (sk === prevSk && e.seq === prevSeq) continue; // an earlier duplicate: replaced
      prevSk = sk;
      prevSeq = e.seq;
      if (leaf.length === fill) {
        this.leaves.push(leaf);
        this.skeys.push(ks);
        leaf = [];
        ks = [];
      }
      leaf.push(e);
      ks.push(sk);
      this.noteNewest(sk, e);
      const bytes = entryBytes(e);
      this.sizeBytes += bytes;
      this.count++;
      this.account(e.table, 1, bytes);
      if (this.minSeq === undefined || e.seq < this.minSeq) this.minSeq = e.seq;
      if (this.maxSeq === undefined || e.seq > this.maxSeq) this.maxSeq = e.seq;
    }
    this.leaves.push(leaf);
    this.skeys.push(ks);
    this.version++;
  }

  /** The newest version of (table, key) with seq ≤ snapshot (a tombstone included). The hot
   *  path of point gets: the same leaf search as lowerBound (leafFor), without allocating a position. */
  get(table: TableId, key: Uint8Array, snapshot: Seq): Entry | undefined {
    // A table with no version here (pgbench's accounts after a bulk load, while others write):
    // no sort key and no search. perTable only grows until the memtable is dropped.
    if (this.count === 0 || !this.perTable.has(table)) return undefined;
    const sk = this.sortKey(table, key);
    const idx = this.newest;
    if (idx !== undefined) {
      const top = idx.get(sk);
      if (top === undefined) return undefined;
      if (top.seq <= snapshot) return top;
    }
    const skeys = this.skeys;
    const lo = this.leafFor(sk, snapshot);
    if (lo === skeys.length) return undefined;
    const ks = skeys[lo]!;
    const leaf = this.leaves[lo]!;
    const a = leafLowerBound(ks, leaf, sk, snapshot);
    return a < ks.length && ks[a] === sk ? leaf[a] : undefined;
  }

  /** Every version in range, in entry order (or reverse), staying valid across inserts. */
  *iterate(table: TableId, r: KeyRange = {}): Generator<Entry> {
    const lowerIncl = r.lowerInclusive ?? true;
    const upperIncl = r.upperInclusive ?? false;
    const inUpper = (e: Entry): boolean => {
      if (!r.upper) return true;
      const c = compareBytes(e.key, r.upper);
      return upperIncl ? c <= 0 : c < 0;
    };
    const inLower = (e: Entry): boolean => {
      if (!r.lower) return true;
      const c = compareBytes(e.key, r.lower);
      return lowerIncl ? c >= 0 : c > 0;
    };
    if (!r.reverse) {
      // Walks leaf/idx in place (no position object per step); re-seeks after an insert.
      const p = r.lower ? this.lowerBound(table, r.lower, lowerIncl ? SEQ_MAX : SEQ_BELOW) : this.lowerBound(table, EMPTY, SEQ_MAX);
      let leafNo = p.leaf;
      let idx = p.idx;
      let ver = this.version;
      for (;;) {
        const leaf = this.leaves[leafNo];
        if (leaf === undefined) return;
        if (idx >= leaf.length) {
          leafNo++;
          idx = 0;
          continue;
        }
        const e = leaf[idx]!;
        if (e.table !== table || !inUpper(e)) return;
        yield e;
        if (this.version !== ver) {
          ver = this.version;
          const q = this.lowerBound(e.table, e.key, e.seq - 1n);
          leafNo = q.leaf;
          idx = q.idx;
        } else idx++;
      }
    } else {
      const start = r.upper ? this.lowerBound(table, r.upper, upperIncl ? SEQ_BELOW : SEQ_MAX) : this.lowerBound(table + 1, EMPTY, SEQ_MAX);
      let p = this.prev(start);
      let ver = this.version;
      for (;;) {
        if (!p) return;
        const e = this.at(p);
        if (!e || e.table !== table || !inLower(e)) return;
        yield e;
        if (this.version !== ver) {
          ver = this.version;
          p = this.prev(this.lowerBound(e.table, e.key, e.seq));
        } else p = this.prev(p);
      }
    }
  }

  /** For visible.ts: the leaves and their sort keys, read in place (never mutated there). */
  get leafEntries(): readonly (readonly Entry[])[] {
    return this.leaves;
  }

  get leafSortKeys(): readonly (readonly string[])[] {
    return this.skeys;
  }

  /** For visible.ts: the position of the first version of `table` in the forward range. */
  seekFirst(table: TableId, r: KeyRange): { leaf: number; idx: number } {
    return r.lower ? this.lowerBound(table, r.lower, (r.lowerInclusive ?? true) ? SEQ_MAX : SEQ_BELOW) : this.lowerBound(table, EMPTY, SEQ_MAX);
  }

  /** For visible.ts: the position just after version `e` (after inserts moved things). */
  seekAfter(e: Entry): { leaf: number; idx: number } {
    return this.lowerBound(e.table, e.key, e.seq - 1n);
  }

  /** Smallest and largest key of `table` held now (undefined: none). Later inserts may widen
   *  the range, but only with versions newer than every snapshot taken before them. */
  keyBounds(table: TableId): { smallest: Uint8Array; largest: Uint8Array } | undefined {
    if (!this.perTable.has(table)) return undefined;
    const first = this.at(this.lowerBound(table, EMPTY, SEQ_MAX));
    if (first === undefined || first.table !== table) return undefined;
    const lastPos = this.prev(this.lowerBound(table + 1, EMPTY, SEQ_MAX));
    const last = lastPos ? this.at(lastPos) : undefined;
    if (last === undefined || last.table !== table) throw new Error('lsm invariant violated: memtable key bounds');
    return { smallest: first.key, largest: last.key };
  }

  /** Table ids present, ascending. */
  tables(): TableId[] {
    return [...this.perTable.keys()].sort((a, b) => a - b);
  }

  /** All entries of one table in entry order (for a flush). */
  entriesOf(table: TableId): Entry[] {
    return [...this.iterate(table)];
  }
}
