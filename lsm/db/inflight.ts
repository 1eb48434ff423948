// Keys of commits queued in the WAL but not yet visible: a snapshot-isolation commit that
// writes one of them must fail (first committer wins), since its conflict check cannot see
// them in the memtable yet. Small batches are counted per key at once; a large batch (a bulk
// load: one COPY of a million rows) is kept as its key list and only turned into a set when a
// conflict check actually asks while it is in flight — registering a million keys in a map
// and removing them again took seconds per bulk commit.
// Invariant: has(k) is true exactly while some registered, not yet removed batch holds k.

/** Batches with more keys than this are indexed lazily. */
const EAGER_KEYS_MAX = 1024;

interface LazyBatch {
  keys: readonly string[];
  set: Set<string> | undefined;
}

export type InFlightToken = { kind: 'eager'; keys: readonly string[] } | { kind: 'lazy'; batch: LazyBatch };

export class InFlightKeys {
  private readonly counts = new Map<string, number>();
  private readonly lazy = new Set<LazyBatch>();

  add(keys: readonly string[]): InFlightToken {
    if (keys.length > EAGER_KEYS_MAX) {
      const batch: LazyBatch = { keys, set: undefined };
      this.lazy.add(batch);
      return { kind: 'lazy', batch };
    }
    for (const k of keys) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    return { kind: 'eager', keys };
  }

  remove(t: InFlightToken): void {
    switch (t.kind) {
      case 'lazy':
        this.lazy.delete(t.batch);
        return;
      case 'eager':
        for (const k of t.keys) {
          const n = this.counts.get(k)!;
          if (n === 1) this.counts.delete(k);
          else this.counts.set(k, n - 1);
        }
        return;
      default: {
        const never: never = t;
        throw new Error(`unknown in-flight token ${String(never)}`);
      }
    }
  }

  has(k: string): boolean {
    if (this.counts.has(k)) return true;
    for (const b of this.lazy) {
      b.set ??= new Set(b.keys);
      if (b.set.has(k)) return true;
    }
    return false;
  }
}
