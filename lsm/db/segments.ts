// Segment reader cache: segment files are read once (synchronously, so point gets stay
// synchronous) and kept as open SegmentReaders in an LRU bounded by bytes. Evicting a reader is
// always safe: an iterator holds its own reader object (and so the bytes) while it reads that
// segment, and a scan pins the version it started on (pinVersion), so compaction deletes none
// of the files the scan may still open, whether or not their readers are cached.
// A scan opens its segments lazily, in key order (db/reads.ts); a scan larger than a quarter of
// the budget loads its misses without inserting them (fill = false): it would only push every
// point get's segment out of the cache to make room for files it reads once.
// Beside the readers, `vectors` (segment/vec-cache.ts) keeps what vector scans derive from
// segment columns (e.g. parsed numerics), bounded by its own byte budget; evict() — called for
// files compaction or DROP deleted — drops a file's derived vectors with its reader (an LRU
// eviction of a reader keeps them: the file, and so what was derived from it, is unchanged).
import { SegmentReader, VecCache } from '../segment/index.js';
import { segmentFileName, type Version } from '../manifest/index.js';
import type { Io, Seq } from '../types.js';

interface Slot {
  reader: SegmentReader;
  /** Last use (a counter, not a clock): eviction takes the smallest. */
  usedAt: number;
}

/** A scan's hold on the version it reads (its files stay on disk until release()). */
export interface VersionPin {
  release(): void;
}

/** The pin's state, apart from its owner (a FinalizationRegistry's held value must not reach the owner). */
class PinState {
  private held = true;
  constructor(private readonly version: Version) {}
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.version.unref();
  }
}

export class SegmentCache {
  private readonly readers = new Map<number, Slot>();
  private tick = 0;
  private bytes = 0;
  hits = 0;
  misses = 0;
  /** Releases the pin of a scan dropped without return() (e.g. `scan().next()` only) once it is
   *  garbage: the version's obsolete files are then deleted by the next compaction pass. */
  private readonly abandoned = new FinalizationRegistry<PinState>((p) => p.release());

  /** Derived vectors of segment columns (vector scans): a quarter of the readers' budget. */
  readonly vectors: VecCache;

  constructor(private readonly io: Io, private readonly dir: string, private readonly bytesMax: number) {
    this.vectors = new VecCache(Math.floor(bytesMax / 4));
  }

  /** Scans reading more segment bytes than this do not fill the cache. */
  get scanFillBytesMax(): number {
    return this.bytesMax / 4;
  }

  /**
   * The open reader of a segment file, cached or read now. `fill` false: a miss is read and
   * opened but not kept (a large scan; the caller drops it when done with the segment).
   * `fileSeq`: the manifest's file-level seq of the file (SegmentFile.fileSeq), which the reader
   * reports for every version; a cached reader was opened with it already (file numbers are
   * never reused, and the field never changes for a file).
   */
  reader(fileNumber: number, fill = true, fileSeq?: Seq): SegmentReader {
    const slot = this.readers.get(fileNumber);
    if (slot) {
      this.hits++;
      slot.usedAt = ++this.tick;
      return slot.reader;
    }
    this.misses++;
    const name = segmentFileName(fileNumber);
    const bytes = this.io.readFileSync(`${this.dir}/${name}`);
    const opened = SegmentReader.open(bytes, name, fileSeq);
    if (fill) this.insert(fileNumber, opened);
    return opened;
  }

  /**
   * Holds `version` (Version.ref) for a scan: its files are not obsolete, so not deleted, until
   * release() — or, if the scan is dropped unfinished, until `owner` is garbage collected.
   */
  pinVersion(version: Version, owner: object): VersionPin {
    const state = new PinState(version.ref());
    const token = {};
    this.abandoned.register(owner, state, token);
    return {
      release: () => {
        this.abandoned.unregister(token);
        state.release();
      },
    };
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
      this.dropReader(victim);
    }
  }

  /** The file was deleted: its reader and its derived vectors go. */
  evict(fileNumber: number): void {
    this.dropReader(fileNumber);
    this.vectors.dropFile(segmentFileName(fileNumber));
  }

  private dropReader(fileNumber: number): void {
    const slot = this.readers.get(fileNumber);
    if (!slot) return;
    this.readers.delete(fileNumber);
    this.bytes -= slot.reader.meta.sizeBytes;
  }

  get cachedBytes(): number {
    return this.bytes;
  }
}
