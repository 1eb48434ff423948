// ExternalEngine: the one in-process DuckDB instance of a server, locked down at open.
// Invariants: (1) settings are fixed before `lock_configuration=true`, so nothing later — no SQL
// we generate, no bug — can re-enable file access or widen the roots; (2) DuckDB only reads
// under the allowed roots (its own `allowed_directories` wall behind our realpath check);
// (3) results stream chunk by chunk (≈2048 rows) — never materialised whole; (4) every query
// holds a limiter slot and its own connection, so `cancel()` interrupts exactly that query.
import { DuckDBInstance, DuckDBMaterializedResult, type DuckDBConnection, type DuckDBDataChunk, type DuckDBPreparedStatement, type DuckDBResult } from '@duckdb/node-api';
import { ExternalError, fromDuckError } from './errors.js';
import { AllowedRoots } from './roots.js';
import { QueryLimiter } from './limiter.js';
import { mapDuckType, type ExternalColumn } from './types.js';
import { converterFor, type ExternalValue, type ValueConverter } from './values.js';
import { quoteLiteral, readParquetCall } from './sql-text.js';
import { listLocation, type Listing } from './listing.js';
import { ListingCache } from './listing-cache.js';
import { bindParams, PreparedCache, type ExternalParam } from './prepared.js';

export interface ExternalEngineOptions {
  /** External data roots (the planner's config: default `<datadir>/external`). */
  roots: readonly string[];
  threads: number;
  memoryLimitBytes: number;
  /** Spill directory for DuckDB; must lie under a root. Undefined: no spilling. */
  tempDirectory?: string;
  maxConcurrentQueries: number;
  maxQueuedQueries: number;
  /** Upper bound on files one location may list. */
  maxFilesPerLocation: number;
}

export interface ExternalBatch {
  rowCount: number;
  /** Column-major values, one array per result column. */
  columns: ExternalValue[][];
}

export interface ExternalResultColumn extends ExternalColumn {}

export interface StreamOptions {
  /** Files the SQL reads (for error attribution). */
  files?: readonly string[];
  /** Aborting interrupts DuckDB; the stream's calls then reject with 57014. */
  signal?: AbortSignal;
  /**
   * Values for `$1…$n` in `sql`. Given (even empty), `sql` is a statement shape that holds no
   * per-execution constant: it is prepared once per pooled connection and kept (prepared.ts), so
   * DuckDB's parse/plan is not paid again for the next execution of the same shape.
   */
  params?: readonly ExternalParam[];
  /**
   * The caller knows the result is small (a LIMIT, a point lookup): DuckDB computes it whole in
   * one call instead of chunk by chunk, saving a thread hop per chunk. Never for unbounded results.
   */
  materialize?: boolean;
  /** The query reads a row group or two (a row-targeted lookup): run it single-threaded. */
  singleThread?: boolean;
}

const canceled = (): ExternalError => new ExternalError('57014', 'canceling statement due to user request');

/** A running DuckDB query whose rows are pulled batch by batch. */
export interface ExternalStream {
  readonly columns: readonly ExternalResultColumn[];
  /** Next batch, or undefined at the end (the stream then releases its slot by itself). */
  next(): Promise<ExternalBatch | undefined>;
  /** Releases the connection early (after an error or LIMIT in the caller). Idempotent. */
  close(): void;
}

export class ExternalEngine {
  readonly roots: AllowedRoots;
  private readonly limiter: QueryLimiter;
  private closed = false;
  /**
   * Connections whose last query ran to its end, kept for the next query: opening a DuckDB
   * connection costs about 1.5 ms, a large part of a point lookup. At most maxConcurrentQueries
   * are kept (no more can be busy at once). A connection whose query was interrupted, failed or
   * was closed before its end is closed instead (no half-consumed result is ever reused).
   * Nothing else lives on them: settings are global and locked, and withConnection's temporary
   * tables use connections of their own that are never pooled.
   */
  private readonly idle: DuckDBConnection[] = [];
  private readonly listings = new ListingCache();
  /** Values derived from a cached listing (relist.ts), dropped with the listing. */
  private readonly fromListing = new WeakMap<Listing, WeakMap<object, unknown>>();
  /** Prepared statement shapes per pooled connection (dropped with the connection). */
  private readonly prepared = new WeakMap<DuckDBConnection, PreparedCache>();

  /** The single-threaded instance (singleInstance) and its idle connections, as `idle`. */
  private single: Promise<DuckDBInstance> | undefined;
  private readonly idleSingle: DuckDBConnection[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    roots: AllowedRoots,
    readonly options: ExternalEngineOptions,
    private readonly allowed: readonly string[],
    private readonly memMiB: number,
  ) {
    this.roots = roots;
    this.limiter = new QueryLimiter(options.maxConcurrentQueries, options.maxQueuedQueries);
  }

  static async open(options: ExternalEngineOptions): Promise<ExternalEngine> {
    const roots = new AllowedRoots(options.roots);
    const allowed = [...roots.paths];
    if (options.tempDirectory !== undefined) {
      const real = roots.checkExisting(options.tempDirectory);
      allowed.push(real);
    }
    const memMiB = Math.max(64, Math.floor(options.memoryLimitBytes / (1024 * 1024)));
    const tempDir = options.tempDirectory !== undefined ? allowed[allowed.length - 1]! : '';
    const instance = await openLocked(options.threads, memMiB, allowed, tempDir);
    return new ExternalEngine(instance, roots, options, allowed, memMiB);
  }

  /**
   * The single-threaded instance for queries that read a row group or two (`singleThread`),
   * opened on first use with the same lockdown, a quarter of the memory and no spilling: DuckDB
   * then runs the query on the calling thread instead of waking worker threads (~1 ms less CPU
   * per point lookup measured here, where 2 cores serve the server, DuckDB and the clients).
   */
  private singleInstance(): Promise<DuckDBInstance> {
    if (!this.single) {
      const p = openLocked(1, Math.max(64, Math.floor(this.memMiB / 4)), this.allowed, '');
      this.single = p;
      p.catch(() => {
        if (this.single === p) this.single = undefined;
      });
    }
    return this.single;
  }

  /** Lists a LOCATION under the roots (see listing.ts). */
  list(location: string): Listing {
    return listLocation(this.roots, location, { maxFiles: this.options.maxFilesPerLocation, suffix: '.parquet' });
  }

  /**
   * The listing a query reads: as `list`, but a directory/glob listing is reused while none of
   * its directories changed (listing-cache.ts states the rule and why it is safe).
   */
  listForQuery(location: string): Listing {
    return this.listings.get(location, () => this.list(location));
  }

  /**
   * `compute()`, remembered per (listing, key) object pair: a listing object is handed out again
   * only while it is valid (listing-cache.ts), so a value computed from it and from an immutable
   * `key` (a decoded catalog ref) holds as long as the same listing comes back.
   */
  derived<T>(listing: Listing, key: object, compute: () => T): T {
    let m = this.fromListing.get(listing);
    if (!m) this.fromListing.set(listing, (m = new WeakMap()));
    if (m.has(key)) return m.get(key) as T;
    const v = compute();
    m.set(key, v);
    return v;
  }

  /** The columns of a set of Parquet files as DuckDB reads them, mapped to PostgreSQL types. */
  async describeParquet(files: readonly string[], hiveTypes?: readonly (readonly [string, string])[]): Promise<ExternalColumn[]> {
    const stream = await this.stream(`SELECT * FROM ${readParquetCall({ files, hiveTypes })} LIMIT 0`, { files });
    stream.close();
    return stream.columns.map((c) => ({ name: c.name, type: c.type }));
  }

  /**
   * Runs SQL the planner generated (never user text) and returns a pull stream. `files` names the
   * files involved so that DuckDB's errors can be attributed (XX001 naming the file). `signal`
   * cancels: DuckDB may compute a whole aggregate before the first chunk, so the interrupt must
   * be able to arrive while this call is still pending, not only between batches.
   */
  async stream(sql: string, opts: StreamOptions = {}): Promise<ExternalStream> {
    this.assertOpen();
    const files = opts.files ?? [];
    const signal = opts.signal;
    if (signal?.aborted) throw canceled();
    const release = await this.limiter.acquire();
    let conn: DuckDBConnection | undefined;
    const onAbort = (): void => conn?.interrupt();
    signal?.addEventListener('abort', onAbort);
    try {
      if (signal?.aborted) throw canceled();
      const pool = opts.singleThread ? this.idleSingle : this.idle;
      conn = pool.pop() ?? (await (opts.singleThread ? await this.singleInstance() : this.instance).connect());
      if (signal?.aborted) throw canceled();
      const result =
        opts.params === undefined
          ? await (opts.materialize ? conn.run(sql) : conn.stream(sql))
          : await this.streamPrepared(conn, sql, opts.params, opts.materialize === true);
      if (signal?.aborted) throw canceled();
      const c = conn;
      return new DuckStream(result, (reusable) => {
        signal?.removeEventListener('abort', onAbort);
        if (reusable && !signal?.aborted && !this.closed && pool.length < this.options.maxConcurrentQueries) pool.push(c);
        else c.closeSync();
        release();
      }, files, signal);
    } catch (e) {
      signal?.removeEventListener('abort', onAbort);
      conn?.closeSync();
      release();
      if (signal?.aborted) throw canceled();
      throw fromDuckError(e, files);
    }
  }

  /** Executes a statement shape on `conn`, preparing it the first time this connection sees it. */
  private async streamPrepared(conn: DuckDBConnection, sql: string, params: readonly ExternalParam[], materialize: boolean): Promise<DuckDBResult> {
    let cache = this.prepared.get(conn);
    if (!cache) this.prepared.set(conn, (cache = new PreparedCache()));
    let stmt: DuckDBPreparedStatement | undefined = cache.get(sql);
    if (!stmt) {
      stmt = await conn.prepare(sql);
      cache.put(sql, stmt);
    }
    bindParams(stmt, params);
    return materialize ? stmt.run() : stmt.stream();
  }

  /** Runs generated SQL to completion and returns DuckDB's first value (COPY's row count, ...). */
  async runScalar(sql: string, opts: StreamOptions = {}): Promise<ExternalValue> {
    const s = await this.stream(sql, opts);
    try {
      const b = await s.next();
      return b && b.rowCount > 0 ? (b.columns[0]![0] ?? null) : null;
    } finally {
      s.close();
    }
  }

  /**
   * Runs `fn` on a private DuckDB connection holding a limiter slot (COPY from rows uses it for
   * its temporary table and appender). The connection is closed afterwards, whatever happens.
   */
  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    this.assertOpen();
    const release = await this.limiter.acquire();
    let conn: DuckDBConnection | undefined;
    try {
      conn = await this.instance.connect();
      return await fn(conn);
    } finally {
      conn?.closeSync();
      release();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.idle.splice(0)) c.closeSync();
    for (const c of this.idleSingle.splice(0)) c.closeSync();
    this.instance.closeSync();
    void this.single?.then((i) => i.closeSync(), () => undefined);
  }

  private assertOpen(): void {
    if (this.closed) throw new ExternalError('XX000', 'the external query engine is closed');
  }
}

class DuckStream implements ExternalStream {
  readonly columns: readonly ExternalResultColumn[];
  private readonly converters: readonly ValueConverter[];
  private done = false;
  /** Next chunk of a materialized result. */
  private chunkIndex = 0;

  constructor(
    private readonly result: DuckDBResult,
    /** Gives the connection back: `reusable` when its result was read to the end. */
    private readonly release: (reusable: boolean) => void,
    private readonly files: readonly string[],
    private readonly signal: AbortSignal | undefined,
  ) {
    const n = result.columnCount;
    const cols: ExternalResultColumn[] = [];
    const conv: ValueConverter[] = [];
    for (let i = 0; i < n; i++) {
      const t = result.columnType(i);
      cols.push({ name: result.columnName(i), type: mapDuckType(t) });
      conv.push(converterFor(t));
    }
    this.columns = cols;
    this.converters = conv;
  }

  async next(): Promise<ExternalBatch | undefined> {
    if (this.signal?.aborted) {
      this.close();
      throw canceled();
    }
    if (this.done) return undefined;
    let chunk: DuckDBDataChunk | null;
    try {
      // A materialized result is already in memory: its chunks are read in place, without the
      // thread-pool round trip fetchChunk costs (two per point lookup: the row, then the end).
      const r = this.result;
      chunk = r instanceof DuckDBMaterializedResult ? (this.chunkIndex < r.chunkCount ? r.getChunk(this.chunkIndex++) : null) : await r.fetchChunk();
    } catch (e) {
      this.close();
      throw this.signal?.aborted ? canceled() : fromDuckError(e, this.files);
    }
    if (this.signal?.aborted) {
      this.close();
      throw canceled();
    }
    if (!chunk || chunk.rowCount === 0) {
      this.finish(true);
      return undefined;
    }
    const rowCount = chunk.rowCount;
    const columns: ExternalValue[][] = [];
    for (let c = 0; c < this.converters.length; c++) {
      const conv = this.converters[c]!;
      const raw = chunk.getColumnValues(c);
      const out = new Array<ExternalValue>(rowCount);
      for (let r = 0; r < rowCount; r++) out[r] = conv(raw[r] ?? null);
      columns.push(out);
    }
    return { rowCount, columns };
  }

  close(): void {
    this.finish(false);
  }

  private finish(reusable: boolean): void {
    if (this.done) return;
    this.done = true;
    this.release(reusable);
  }
}

/** A DuckDB instance with Pyralog's settings, locked (`lock_configuration`) before it is returned. */
async function openLocked(threads: number, memMiB: number, allowed: readonly string[], tempDir: string): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(threads),
    memory_limit: `${memMiB}MiB`,
    // Nothing may be fetched or loaded: offline server, and extensions widen the attack surface.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
  });
  try {
    const conn = await instance.connect();
    try {
      const dirs = `[${allowed.map((d) => quoteLiteral(d.endsWith('/') ? d : d + '/')).join(', ')}]`;
      const settings = [
        `SET GLOBAL allowed_directories = ${dirs}`,
        `SET GLOBAL temp_directory = ${quoteLiteral(tempDir)}`,
        // PostgreSQL semantics for generated SQL: int / int truncates.
        'SET GLOBAL integer_division = true',
        'SET GLOBAL parquet_metadata_cache = true',
        'SET GLOBAL enable_external_access = false',
        'SET GLOBAL lock_configuration = true',
      ];
      for (const s of settings) await conn.run(s);
    } finally {
      conn.closeSync();
    }
  } catch (e) {
    instance.closeSync();
    throw e;
  }
  return instance;
}
