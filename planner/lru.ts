// A bounded, approximately least-recently-used map. Every cache in the planner goes through this
// so that no cache can grow without limit.
//
// Map keeps insertion order and the oldest insertion is evicted first. A strict LRU re-inserts the
// key on every hit (delete + set), which churns the Map's hash table (deleted slots pile up until
// a rehash) and cost ~7 % of a simple-protocol point lookup, whose statement text hits the same
// entry every time. So each entry remembers the insertion counter of its last (re)insertion, and
// a hit re-inserts only an entry that has fallen into the older half (⌈entriesMax/2⌉ or more
// insertions ago). Consequences: an entry hit at least once every entriesMax/2 insertions is never
// evicted, and an evicted entry was not hit since it fell into the older half (a CLOCK-like
// approximation; the bound is exact).

interface Slot<V> {
  value: V;
  /** The insertion counter when this entry was last (re)inserted. */
  stamp: number;
}

export class Lru<K, V> {
  private readonly map = new Map<K, Slot<V>>();
  private inserted = 0;
  private readonly freshSpan: number;

  constructor(readonly entriesMax: number) {
    if (!(entriesMax >= 1)) throw new RangeError('Lru needs room for at least one entry');
    this.freshSpan = Math.ceil(entriesMax / 2);
  }

  get(key: K): V | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) return undefined;
    if (this.inserted - slot.stamp >= this.freshSpan) {
      this.map.delete(key);
      slot.stamp = ++this.inserted;
      this.map.set(key, slot);
    }
    return slot.value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, stamp: ++this.inserted });
    if (this.map.size > this.entriesMax) {
      const oldest = this.map.keys().next().value as K;
      this.map.delete(oldest);
    }
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
