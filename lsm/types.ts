// Shared vocabulary of lsm/: what an entry is, what a cell is, and the I/O seam's shape.
// Every other lsm file speaks these types. Nothing here does I/O.

/**
 * A cell of a stored row. The lsm does not know SQL types: catalog/ maps each SQL type to one
 * of these JavaScript kinds, and a column holds one kind across a table's rows (null aside).
 * Segment files store a column as the matching Arrow type:
 *   boolean → Bool, number → Float64, bigint → Int64, string → Utf8, Uint8Array → Binary.
 */
export type Cell = null | boolean | number | bigint | string | Uint8Array;
export type Row = readonly Cell[];

/** Table ids are small non-negative integers assigned by catalog/. */
export type TableId = number;

/** Sequence numbers order every committed write; a snapshot is a sequence number. */
export type Seq = bigint;

export type EntryKind = 'put' | 'del';

/** One version of one key, as stored in memtables, the WAL and segments. */
export interface Entry {
  table: TableId;
  /** Order-preserving encoded primary key (see KEY-ENCODING.md). */
  key: Uint8Array;
  seq: Seq;
  kind: EntryKind;
  /** The row for 'put'; undefined for 'del'. */
  row: Row | undefined;
}

/**
 * The one I/O seam: all disk and clock access of lsm/ goes through this. `lsm/io/` has the real
 * implementation (node:fs with real fsync of files and directories) and an in-memory one that
 * can inject faults (drop unsynced data on crash, torn writes, EIO one in N).
 * Paths are absolute or relative to the database directory as the implementation documents.
 */
export interface Io {
  readFile(path: string): Promise<Uint8Array>;
  /** Synchronous read for the hot path (segment bytes cached after first open). */
  readFileSync(path: string): Uint8Array;
  /** Create or truncate, write all bytes, fsync the file (not the directory). */
  writeFileDurable(path: string, data: Uint8Array): Promise<void>;
  openAppend(path: string): Promise<AppendFile>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  list(dir: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  mkdirp(dir: string): Promise<void>;
  /** fsync a directory so that creates/renames/removes in it are durable. */
  syncDir(dir: string): Promise<void>;
  size(path: string): Promise<number>;
  truncate(path: string, sizeBytes: number): Promise<void>;
  nowMs(): number;
}

export interface AppendFile {
  /** Append bytes (buffered by the OS until sync). */
  append(data: Uint8Array): Promise<void>;
  /** fsync (fdatasync) the file. */
  sync(): Promise<void>;
  close(): Promise<void>;
  readonly sizeBytes: number;
}

/**
 * SQLSTATE-like codes the lsm raises. lsm/ cannot import catalog/, so it throws LsmError and
 * the SQL layer maps `code` onto a DbError with the same SQLSTATE (the messages are already
 * worded as PostgreSQL words them where PostgreSQL has an equivalent).
 */
export type LsmErrorCode =
  | '40001' // serialization_failure: write-write conflict under snapshot isolation
  | '40P01' // deadlock_detected
  | '55P03' // lock_not_available: lock wait timed out / NOWAIT
  | '53100' // disk_full
  | '53200' // out_of_memory: too many lock waiters (PostgreSQL: "out of shared memory")
  | '58030' // io_error
  | 'XX001' // data_corrupted: a damaged WAL or segment
  | '54000' // program_limit_exceeded: value or transaction too large
  | '25P02' // in_failed_sql_transaction-like misuse: the transaction is finished
  | '57P01' // admin_shutdown: the database is closed
  | 'XX000'; // internal_error

export class LsmError extends Error {
  readonly code: LsmErrorCode;
  constructor(code: LsmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LsmError';
    this.code = code;
  }
}

/** Asserts a programmer invariant; never used for expected outcomes. */
export function lsmAssert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`lsm invariant violated: ${what}`);
}
