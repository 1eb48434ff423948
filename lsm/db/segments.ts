// Segment reader cache: segment files are read once (synchronously, so point gets stay
// synchronous) and kept as open SegmentReaders in an LRU bounded by bytes. Evicting a reader is
// always safe: iterators hold their own reader objects (and so the bytes) for as long as they
// run, so a file deleted by compaction never pulls bytes out from under a running scan.
import { SegmentReader } from '../segment/index.js';
import { segmentFileName } from '../manifest/index.js';
import type { Io } from '../types.js';

export class SegmentCache {
  private readonly readers = new Map<number, SegmentReader>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly io: Io, private readonly dir: string, private readonly bytesMax: number) {}

  reader(fileNumber: number): SegmentReader {
    const r = this.readers.get(fileNumber);
    if (r) {
      this.hits++;
      // Move to the most recently used end.
      this.readers.delete(fileNumber);
      this.readers.set(fileNumber, r);
      return r;
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
    if (old) this.bytes -= old.meta.sizeBytes;
    this.readers.set(fileNumber, r);
    this.bytes += r.meta.sizeBytes;
    for (const [n, victim] of this.readers) {
      if (this.bytes <= this.bytesMax || n === fileNumber) break;
      this.readers.delete(n);
      this.bytes -= victim.meta.sizeBytes;
    }
  }

  evict(fileNumber: number): void {
    const r = this.readers.get(fileNumber);
    if (!r) return;
    this.readers.delete(fileNumber);
    this.bytes -= r.meta.sizeBytes;
  }

  get cachedBytes(): number {
    return this.bytes;
  }
}
