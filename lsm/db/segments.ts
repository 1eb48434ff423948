// Segment reader cache: segment files are read once (synchronously, so point gets stay
// synchronous) and kept as open SegmentReaders in an LRU bounded by bytes. Evicting a reader is
// always safe: iterators hold their own reader objects (and so the bytes) for as long as they
// run, so a file deleted by compaction never pulls bytes out from under a running scan.
import { SegmentReader } from '../segment/index.js';
import { segmentFileName } from '../manifest/index.js';
import type { Io } from '../types.js';

interface Slot {
  reader: SegmentReader;
  /** Last use (a counter, not a clock): eviction takes the smallest. */
  usedAt: number;
}

export class SegmentCache {
  private readonly readers = new Map<number, Slot>();
  private tick = 0;
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly io: Io, private readonly dir: string, private readonly bytesMax: number) {}

  reader(fileNumber: number): SegmentReader {
    const slot = this.readers.get(fileNumber);
    if (slot) {
      this.hits++;
      slot.usedAt = ++this.tick;
      return slot.reader;
    }
    this.misses++;
    const name = segmentFileName(fileNumber);
    const bytes = this.io.readFileSync(`${this.dir}/${name}`);
    const opened = SegmentReader.open(bytes, name);
    this.insert(fileNumber, opened);
    return opened;
  }

  /** Adds a reader built from bytes just written (a flush or compaction output). */
  insert(fileNumber: number, r: SegmentReader): void {
    const old = this.readers.get(fileNumber);
    if (old) this.bytes -= old.reader.meta.sizeBytes;
    this.readers.set(fileNumber, { reader: r, usedAt: ++this.tick });
    this.bytes += r.meta.sizeBytes;
    // Evict least recently used readers (never the one just added) until within budget.
    while (this.bytes > this.bytesMax && this.readers.size > 1) {
      let victim: number | undefined;
      let oldest = Infinity;
      for (const [n, sl] of this.readers) {
        if (n !== fileNumber && sl.usedAt < oldest) {
          oldest = sl.usedAt;
          victim = n;
        }
      }
      if (victim === undefined) break;
      this.evict(victim);
    }
  }

  evict(fileNumber: number): void {
    const slot = this.readers.get(fileNumber);
    if (!slot) return;
    this.readers.delete(fileNumber);
    this.bytes -= slot.reader.meta.sizeBytes;
  }

  get cachedBytes(): number {
    return this.bytes;
  }
}
