// The forward visible scan of one memtable: for each key of the range the newest version with
// seq <= the snapshot, nothing for a key whose visible version is a deletion — what
// visibleOnly(memtable.iterate()) yields, as one plain iterator (no generator frames; versions
// of a key recognised by their sort-key string, not by comparing key bytes). Exact only when no
// other source holds versions of these keys (db/reads.ts groups sources by key range).
// Like Memtable.iterate it stays valid across inserts: when the memtable changed since the last
// step it re-seeks just after the last version it passed.
import { compareBytes } from '../keys/compare.js';
import type { Entry, Seq, TableId } from '../types.js';
import type { KeyRange, Memtable } from './memtable.js';

export class MemtableVisibleScan implements IterableIterator<Entry> {
  private leaf = -1;
  private idx = 0;
  private ver = -1;
  private last: Entry | undefined;
  private decided: string | undefined;
  private done = false;

  constructor(private readonly mem: Memtable, private readonly table: TableId, private readonly range: KeyRange, private readonly snapshotSeq: Seq) {
    if (range.reverse) throw new Error('lsm invariant violated: MemtableVisibleScan is forward only');
  }

  next(): IteratorResult<Entry> {
    const mem = this.mem;
    if (this.done) return { done: true, value: undefined };
    if (this.ver !== mem.version) {
      const p = this.last === undefined ? mem.seekFirst(this.table, this.range) : mem.seekAfter(this.last);
      this.leaf = p.leaf;
      this.idx = p.idx;
      this.ver = mem.version;
    }
    const leaves = mem.leafEntries;
    const skeys = mem.leafSortKeys;
    const upper = this.range.upper;
    const upperIncl = this.range.upperInclusive ?? false;
    for (;;) {
      const leaf = leaves[this.leaf];
      if (leaf === undefined) break;
      if (this.idx >= leaf.length) {
        this.leaf++;
        this.idx = 0;
        continue;
      }
      const e = leaf[this.idx]!;
      if (e.table !== this.table) break;
      if (upper !== undefined) {
        const c = compareBytes(e.key, upper);
        if (upperIncl ? c > 0 : c >= 0) break;
      }
      const sk = skeys[this.leaf]![this.idx]!;
      this.idx++;
      this.last = e;
      if (sk === this.decided || e.seq > this.snapshotSeq) continue;
      this.decided = sk;
      if (e.kind === 'put') return { done: false, value: e };
    }
    this.done = true;
    return { done: true, value: undefined };
  }

  return(): IteratorResult<Entry> {
    this.done = true;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): IterableIterator<Entry> {
    return this;
  }
}
