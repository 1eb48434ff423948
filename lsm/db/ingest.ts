// Ingest: rows of a table that holds nothing yet, given in strictly ascending key order, become
// segment files built outside the memtable and the WAL, added to the manifest in ONE version
// edit at the bottom level (RocksDB's IngestExternalFile; LevelDB's bulk load idea). Used by
// key rewrites (ALTER TABLE ADD PRIMARY KEY) of rows already sorted by the new key, and by COPY /
// INSERT … SELECT into storage the transaction created. A load of a table others can see and
// write (an autocommit COPY into a committed table) writes its files the same way but publishes
// them at commit with a file-level sequence number instead (publish.ts; ../MVCC.md "Published
// ingest"): the invariants below marked (fresh) hold for the first kind only.
//
// Invariants:
//  - (fresh) the table holds no version anywhere (memtables, segments) when the ingest starts
//    and when it is applied; nothing else writes it meanwhile (the caller owns a fresh table id);
//  - (fresh) every ingested version has seq 0: visible to every snapshot, older than any later write
//    (the table id is unreachable for readers until the caller publishes it, e.g. by a catalog
//    commit, so "visible to old snapshots" never shows);
//  - order of durability: each file is written and fsynced, the directory fsynced, then the
//    one manifest edit. A crash before the edit leaves orphan files that the next open deletes
//    (lsm/manifest/orphans.ts): all of the ingest or none of it is in the database;
//  - memory is bounded: one chunk being filled plus at most INFLIGHT_MAX chunks being written;
//  - rows are copied into a ColumnChunk (lsm/segment/column-chunk.ts: per-column builders) as
//    they arrive, so the caller's row and key objects die young instead of living until their
//    chunk is encoded (a COPY spent a quarter of its CPU copying them through the young
//    generation); a full chunk's buffers are transferred to the worker pool, which encodes it
//    from its columns (the `encode-columns` job; inline when the pool has no worker) while the
//    caller fills the next one — the bytes are encodeSegment's for the same entries — and hands
//    the buffers back for the next chunk;
//  - a written file's bytes are not kept: the rare reader of an ingest's rows (abandon, a
//    published ingest's duplicate report or materialize) reads the file back (openFile), and
//    reads after the ingest load files into the segment cache on demand. Keeping a reader per
//    file held every byte of a load in memory until its end (70 MB per million COPY rows), and
//    that growing external memory drove most of the main thread's mark-compacts.
import { compareBytes } from '../iter/index.js';
import { segmentFileName, type SegmentFile } from '../manifest/index.js';
import type { ColumnChunkParts, ColumnarRow, EncodedSegment } from '../segment/index.js';
import { ColumnChunk, SegmentReader } from '../segment/index.js';
import type { Row, TableId } from '../types.js';
import type { FlushContext } from './flush.js';

/** What a flush needs to write segment files, plus where and how large ingested files go. */
export interface IngestContext extends FlushContext {
  /** Level the files are added to (the deepest one compaction uses). */
  level: number;
  /** Target size of one ingested file (estimated from the rows before encoding). */
  fileBytes: number;
  /** True when the table holds any version (memtables or segments). */
  tableHasData: (table: TableId) => boolean;
}

export type IngestAdd = 'ok' | 'duplicate' | 'unsorted';

export interface IngestResult {
  files: SegmentFile[];
  rows: number;
  bytesWritten: number;
}

/** Chunks handed to the pool and not yet written; bounds memory and keeps the worker busy. */
const INFLIGHT_MAX = 2;

type State = 'open' | 'finishing' | 'written' | 'done' | 'abandoned' | 'aborted';

export class TableIngest {
  private chunk: ColumnChunk;
  private chunkBytes = 0;
  private last: Uint8Array | undefined;
  private readonly inflight: Promise<void>[] = [];
  /** In the order their writes started (numbers ascend with keys, but writes may finish out of
   *  order: sort by fileNumber for key order). */
  private readonly files: SegmentFile[] = [];
  private failure: unknown;
  /** A written chunk's buffers handed back by the worker, for the next chunk (at most one). */
  private spare: ColumnChunkParts | undefined;
  private state: State = 'open';
  private bytesWritten = 0;
  /** Set once the manifest edit was attempted: its record may be durable even if it failed. */
  private editTried = false;
  rows = 0;

  constructor(private readonly ctx: IngestContext, readonly table: TableId) {
    if (ctx.tableHasData(table)) throw new Error(`lsm invariant violated: ingest into table ${table}, which holds data`);
    this.chunk = new ColumnChunk(table);
  }

  /**
   * Appends a row (its cells are copied into the chunk's columns; the ingest keeps `key` until
   * the next add, for the order check). 'duplicate' when the key equals the previous one,
   * 'unsorted' when it sorts before it; neither row is taken.
   */
  add(key: Uint8Array, row: Row): IngestAdd {
    if (this.state !== 'open') throw new Error(`lsm invariant violated: add to an ingest that is ${this.state}`);
    if (this.last !== undefined) {
      // A JS loop: a short key compares ~4× faster than through Buffer.compare's binding.
      const c = compareBytes(key, this.last);
      if (c <= 0) return c === 0 ? 'duplicate' : 'unsorted';
    }
    this.last = key;
    this.chunk.add(key, row);
    this.chunkBytes += approxBytes(key, row);
    this.rows++;
    return 'ok';
  }

  /**
   * add(key, r.cells()) of a row that writes itself into the chunk's builders (ColumnarRow: a
   * COPY's text converted from its bytes without a Cell[], BigInt or string per row). The same
   * checks, answers, chunk bytes and file cuts.
   */
  addColumnar(key: Uint8Array, r: ColumnarRow): IngestAdd {
    if (this.state !== 'open') throw new Error(`lsm invariant violated: add to an ingest that is ${this.state}`);
    if (this.last !== undefined) {
      const c = compareBytes(key, this.last);
      if (c <= 0) return c === 0 ? 'duplicate' : 'unsorted';
    }
    this.last = key;
    this.chunk.addFrom(key, r);
    this.chunkBytes += key.length + 10 + r.approxBytes();
    this.rows++;
    return 'ok';
  }

  /** True when the current chunk reached the file size: call drain() before adding more. */
  get full(): boolean {
    return this.chunkBytes >= this.ctx.fileBytes;
  }

  /** Encodes the current chunk and starts writing it (waits while INFLIGHT_MAX chunks are
   *  being written). */
  async drain(): Promise<void> {
    if (this.chunk.rows === 0) return;
    while (this.inflight.length >= INFLIGHT_MAX) await this.inflight[0];
    await this.ctx.pool.whenRoom();
    this.throwIfFailed();
    const chunk = this.chunk;
    // Sized like the last chunk: its arrays are allocated once, not grown by doubling.
    this.chunk = new ColumnChunk(this.table, chunk.sizes(), this.takeSpare());
    this.chunkBytes = 0;
    const { ctx } = this;
    const opts = ctx.batchRows ? { batchRows: ctx.batchRows } : {};
    // Numbers are taken in key order, so files sort by number as by key (only cosmetic).
    const fileNumber = ctx.fileNumbers.next();
    // Encoded on the worker pool (its buffers transferred: the caller parses the next chunk
    // meanwhile); a failed encode fails the ingest at the next drain or finish.
    const job = ctx.pool.encodeColumnChunk(chunk, opts, this.keepSpare).then((seg: EncodedSegment) => this.write(fileNumber, seg)).catch((e: unknown) => {
      this.failure ??= e;
    });
    const tracked: Promise<void> = job.finally(() => {
      this.inflight.splice(this.inflight.indexOf(tracked), 1);
    });
    this.inflight.push(tracked);
  }

  private async write(fileNumber: number, seg: EncodedSegment): Promise<void> {
    const name = segmentFileName(fileNumber);
    // Registered before the write so that abort() removes a partly written file too.
    this.files.push({
      level: this.ctx.level,
      fileNumber,
      table: this.table,
      sizeBytes: seg.bytes.length,
      smallestKey: seg.meta.smallestKey,
      largestKey: seg.meta.largestKey,
      smallestSeq: seg.meta.smallestSeq,
      largestSeq: seg.meta.largestSeq,
      rowCount: seg.meta.rowCount,
    });
    await this.ctx.io.writeFileDurable(`${this.ctx.dir}/${name}`, seg.bytes);
    this.bytesWritten += seg.bytes.length;
  }

  /** A reader of written file `fileNumber`, its bytes read back from disk (not cached). */
  openFile(fileNumber: number): SegmentReader {
    const name = segmentFileName(fileNumber);
    return SegmentReader.open(this.ctx.io.readFileSync(`${this.ctx.dir}/${name}`), name);
  }

  private readonly keepSpare = (parts: ColumnChunkParts): void => {
    this.spare = parts;
  };

  private takeSpare(): ColumnChunkParts | undefined {
    const s = this.spare;
    this.spare = undefined;
    return s;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Writes what is left and adds every file to the manifest in one edit. */
  async finish(): Promise<IngestResult> {
    if (this.state !== 'open') throw new Error(`lsm invariant violated: finish of an ingest that is ${this.state}`);
    await this.drain();
    this.state = 'finishing';
    while (this.inflight.length > 0) await this.inflight[0];
    this.throwIfFailed();
    const { ctx } = this;
    if (this.files.length > 0) {
      if (ctx.tableHasData(this.table)) throw new Error(`lsm invariant violated: table ${this.table} was written during its ingest`);
      await ctx.io.syncDir(ctx.dir);
      this.editTried = true;
      await ctx.manifest.logAndApply({ added: this.files });
    }
    this.state = 'done';
    return { files: [...this.files], rows: this.rows, bytesWritten: this.bytesWritten };
  }

  /**
   * For a published ingest (publish.ts): writes what is left and waits for every file, without
   * a manifest edit — the publisher adds the files later with their file-level seq. The files
   * stay until then or until abort() removes them. Returns the files (level from the context),
   * by file number (key order); openFile() reads one back.
   */
  async writeAll(): Promise<{ files: SegmentFile[] }> {
    if (this.state !== 'open') throw new Error(`lsm invariant violated: writeAll of an ingest that is ${this.state}`);
    await this.drain();
    this.state = 'finishing';
    while (this.inflight.length > 0) await this.inflight[0];
    this.throwIfFailed();
    if (this.state !== 'finishing') throw new Error(`lsm invariant violated: ingest ${this.state} while its files were written`);
    this.state = 'written';
    return { files: [...this.files].sort((a, b) => a.fileNumber - b.fileNumber) };
  }

  /**
   * Gives back every row added so far, in key order (written files by file number — numbers
   * are taken in key order — then the chunk not yet drained), for a caller that must continue
   * another way (rows out of order). No more rows can be added; call abort() once the rows are
   * consumed: it removes the files the rows are read from.
   */
  async abandon(): Promise<IterableIterator<{ key: Uint8Array; row: Row }>> {
    if (this.state !== 'open') throw new Error(`lsm invariant violated: abandon of an ingest that is ${this.state}`);
    this.state = 'abandoned';
    while (this.inflight.length > 0) await this.inflight[0];
    this.throwIfFailed();
    const numbers = this.files.map((f) => f.fileNumber).sort((a, b) => a - b);
    const chunk = this.chunk;
    this.chunk = new ColumnChunk(this.table);
    const open = (n: number): SegmentReader => this.openFile(n);
    return (function* () {
      // One file's bytes at a time.
      for (const n of numbers) for (const e of open(n).iterate()) yield { key: e.key, row: e.row! };
      for (let i = 0; i < chunk.rows; i++) yield { key: chunk.key(i).slice(), row: chunk.row(i) };
    })();
  }

  /** Drops the ingest: files written so far are removed (none of them is in the manifest).
   *  After a failed manifest edit the files stay: the next open's orphan check decides. */
  async abort(): Promise<void> {
    if (this.state === 'done' || this.state === 'aborted') return;
    this.state = 'aborted';
    this.chunk = new ColumnChunk(this.table);
    while (this.inflight.length > 0) await this.inflight[0];
    if (this.editTried) return;
    for (const f of this.files) await this.ctx.io.remove(`${this.ctx.dir}/${segmentFileName(f.fileNumber)}`).catch(() => undefined);
  }
}

/** Rough encoded size of a row: enough to cut files near the target size. */
function approxBytes(key: Uint8Array, row: Row): number {
  let n = key.length + 10;
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (typeof c === 'string') n += c.length + 4;
    else if (c instanceof Uint8Array) n += c.length + 4;
    else n += 8;
  }
  return n;
}
