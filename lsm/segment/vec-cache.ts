// Derived-vector cache: what a vector consumer computes from one column of one record batch of
// a segment (e.g. the SQL layer's numerics parsed from their stored text into scaled integers),
// kept so a repeated scan does not derive it again. Segments are immutable, so an entry is
// valid for as long as its file exists; it is keyed by the file's name AND its body checksum
// (a name reused for other bytes — never done by the lsm, whose file numbers only grow — would
// miss, not serve stale values), and dropFile() frees a file's entries when the file is
// deleted (db/segments.ts SegmentCache.evict, called by compaction and DROP for deleted files).
//
// Bounded: entries are byte-accounted (the size the deriver reports) and evicted least recently
// used first once the total passes bytesMax; an entry larger than a quarter of the budget is
// handed out without being kept (it would evict everything else for one scan).
//
// A `kind` names one derivation; the deriver for a kind must be a pure function of the
// column's buffers (the same bytes always give the same value). Values are shared: callers
// must not mutate them. Single-threaded, as the rest of the lsm's read path.
import type { ColumnVector } from './batch.js';

/** A derived value and the bytes it holds (its typed arrays), for the cache's budget. */
export interface Derived<T> {
  value: T;
  sizeBytes: number;
}

/** Derives a value from the buffers of one column of one record batch of `rows` rows. */
export type DeriveFn<T> = (vec: ColumnVector, rows: number) => Derived<T>;

interface Entry {
  file: string;
  crc: number;
  value: unknown;
  sizeBytes: number;
}

/** Counters and the current size, kept up to date in place (tests read them). */
export interface VecCacheStats {
  hits: number;
  misses: number;
  /** Entries evicted to stay within the budget (not those of deleted files). */
  evictions: number;
  entries: number;
  bytes: number;
}

export class VecCache {
  /** Insertion order is recency order: a hit moves its entry to the end; eviction takes the first. */
  private readonly entries = new Map<string, Entry>();
  /** Entry keys per file name (dropFile). */
  private readonly byFile = new Map<string, Set<string>>();
  private bytes = 0;
  readonly stats: VecCacheStats = { hits: 0, misses: 0, evictions: 0, entries: 0, bytes: 0 };

  constructor(readonly bytesMax: number) {}

  /**
   * The value of `kind` for column `column` of record batch `batch` of file `file` (body
   * checksum `crc`): cached, or derived now by `make` (and kept if it fits the budget).
   */
  get<T>(file: string, crc: number, batch: number, column: number, kind: string, vec: ColumnVector, rows: number, make: DeriveFn<T>): T {
    const key = `${file}\u0000${batch}\u0000${column}\u0000${kind}`;
    const e = this.entries.get(key);
    if (e !== undefined && e.crc === crc) {
      this.stats.hits++;
      this.entries.delete(key);
      this.entries.set(key, e);
      return e.value as T;
    }
    if (e !== undefined) this.remove(key, e);
    this.stats.misses++;
    const d = make(vec, rows);
    if (d.sizeBytes <= this.bytesMax / 4) {
      this.entries.set(key, { file, crc, value: d.value, sizeBytes: d.sizeBytes });
      let keys = this.byFile.get(file);
      if (keys === undefined) this.byFile.set(file, (keys = new Set()));
      keys.add(key);
      this.bytes += d.sizeBytes;
      this.stats.entries = this.entries.size;
      this.stats.bytes = this.bytes;
      while (this.bytes > this.bytesMax) {
        const first = this.entries.entries().next();
        if (first.done) break;
        this.remove(first.value[0], first.value[1]);
        this.stats.evictions++;
      }
    }
    return d.value;
  }

  /** Forgets every entry of `file` (the file was deleted). */
  dropFile(file: string): void {
    const keys = this.byFile.get(file);
    if (keys === undefined) return;
    for (const k of [...keys]) {
      const e = this.entries.get(k);
      if (e !== undefined) this.remove(k, e);
    }
    this.byFile.delete(file);
  }

  private remove(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.sizeBytes;
    this.stats.entries = this.entries.size;
    this.stats.bytes = this.bytes;
    const keys = this.byFile.get(e.file);
    if (keys !== undefined) {
      keys.delete(key);
      if (keys.size === 0) this.byFile.delete(e.file);
    }
  }
}
