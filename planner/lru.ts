// A bounded least-recently-used map (Map keeps insertion order; a hit re-inserts the key).
// Every cache in the planner goes through this so that no cache can grow without limit.

export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly entriesMax: number) {
    if (!(entriesMax >= 1)) throw new RangeError('Lru needs room for at least one entry');
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
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
