// k-way merge of sorted entry sources with a binary heap.
// Invariants: every source yields entries in forward order (see order.ts) or, when `reverse`,
// in its exact mirror. Sources are listed NEWEST FIRST (memtable, immutable memtables, L0 newest
// first, then L1, L2, ...): when two sources hold the same (table, key, seq) — possible while a
// flushed memtable and its new segment are both visible — the one from the earlier source is
// yielded and the duplicate is dropped, so a version is never seen twice.
import type { Entry } from '../types.js';
import { compareEntries, sameKey } from './order.js';

interface HeapItem {
  entry: Entry;
  source: number;
}

/** Merge sorted sources into one sorted stream. Closing the result closes every source. */
export function mergeSorted(sources: readonly Iterator<Entry>[], reverse: boolean): IterableIterator<Entry> {
  const sign = reverse ? -1 : 1;
  const less = (a: HeapItem, b: HeapItem): boolean => {
    const c = compareEntries(a.entry, b.entry) * sign;
    return c !== 0 ? c < 0 : a.source < b.source;
  };
  return run(sources, less);
}

function* run(sources: readonly Iterator<Entry>[], less: (a: HeapItem, b: HeapItem) => boolean): Generator<Entry> {
  const heap: HeapItem[] = [];
  const push = (item: HeapItem): void => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const siftDown = (i: number): void => {
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && less(heap[r]!, heap[l]!) ? r : l;
      if (!less(heap[c]!, heap[i]!)) return;
      [heap[i], heap[c]] = [heap[c]!, heap[i]!];
      i = c;
    }
  };
  try {
    for (let s = 0; s < sources.length; s++) {
      const r = sources[s]!.next();
      if (!r.done) push({ entry: r.value, source: s });
    }
    let last: Entry | undefined;
    while (heap.length > 0) {
      const top = heap[0]!;
      const entry = top.entry;
      const r = sources[top.source]!.next();
      if (r.done) {
        const tail = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = tail;
          siftDown(0);
        }
      } else {
        top.entry = r.value;
        siftDown(0);
      }
      if (last !== undefined && last.seq === entry.seq && sameKey(last, entry)) continue;
      last = entry;
      yield entry;
    }
  } finally {
    for (const s of sources) s.return?.();
  }
}
