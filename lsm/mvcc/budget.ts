// What a transaction's write set costs on the JavaScript heap, and the limits that keep it from
// exhausting the heap (a server must answer a huge statement with an error, never die of a V8
// "heap out of memory": see ../MVCC.md "Write-set limits").
//
// Why estimate the heap and not the encoded bytes: the old limit counted memtable.entryBytes
// (~the encoded size), but each write-set entry also costs a Map entry, the op-key string, a
// WriteOp object, the key's Uint8Array (+ ArrayBuffer when copied), the row array and a boxed
// value per bigint / non-small number / string cell, plus the SQL layer's own-key set entry and
// the row lock named by the same key. Measured (Node 20; heapUsed after gc() before/after
// 300 000 writes into one transaction; test/lsm/mvcc/budget.test.ts repeats it with 50 000 and
// fails when the estimate drifts below 85% of the measurement; the table is in README.md): a
// row (bigint, int, 'row-123456') with a 9-byte key costs 513 B through put() (595 B with the
// SQL layer's own-key set) and 410 B through insertIfAbsent (own-key set included), against
// 116 B counted before — 4.4–5× — so the old 1 GiB limit let a write set grow to ~5 GiB of
// heap. `entryHeapBytes` reproduces the measurements within ~10% (above them for rows of
// one-byte strings, whose payload it counts twice as the encoded size does).
//
// The estimate is `opBytes` (the encoded size the WAL record bound relies on) plus the object
// overheads, so it is never below the old figure: a write set under the limit still encodes to
// a WAL record under `txnBytesMax + slack`.
import { cellBytes } from '../memtable/memtable.js';
import { LsmError } from '../types.js';
import type { Cell, Row } from '../types.js';

/** Per write-set entry beyond opBytes: Map entry, WriteOp, op-key string header, key view, row
 *  array header, the SQL layer's own-key Set entry and the row lock's Map entry (fitted to the
 *  measurements in the header). */
export const ENTRY_OVERHEAD_BYTES = 300;
/** put()/delete() copy the key into a fresh Uint8Array + ArrayBuffer (putOwned and
 *  insertIfAbsent keep the caller's, usually a view into a shared slab). */
export const KEY_COPY_BYTES = 160;
/** A row lock held without a write-set entry for its key (SELECT … FOR UPDATE, an UPDATE that
 *  found nothing to change, FK parents): the Set entry here + the lock manager's Map entry + the
 *  key string. */
export const LOCK_HEAP_BYTES = 120;

/** Fraction of the V8 heap limit one transaction's write set may use: the commit adds ~25%
 *  (Entry objects, arrays, the memtable's leaves) while the memtable keeps the rows until they
 *  are flushed, and the statement itself, other sessions and caches need the rest. */
export const TXN_HEAP_FRACTION = 0.25;
/** Fraction of the heap all open transactions' write sets may use together. */
export const ALL_TXNS_HEAP_FRACTION = 0.5;

/** The encoded size of an entry (memtable.entryBytes without building one). */
export function opBytes(key: Uint8Array, row: Row | undefined): number {
  let n = 48 + key.length;
  if (row) for (let i = 0; i < row.length; i++) n += 8 + cellBytes(row[i]!);
  return n;
}

/** Heap cost of one write-set entry (see the header). */
export function entryHeapBytes(key: Uint8Array, row: Row | undefined, keyCopied: boolean): number {
  let n = opBytes(key, row) + ENTRY_OVERHEAD_BYTES + (keyCopied ? KEY_COPY_BYTES : 0);
  if (row) for (let i = 0; i < row.length; i++) n += cellBoxBytes(row[i]!);
  return n;
}

/** What a cell costs on the heap beyond the 8-byte array slot and the payload opBytes counts. */
function cellBoxBytes(c: Cell): number {
  switch (typeof c) {
    case 'string':
      return 16; // string header
    case 'bigint':
      return 24; // BigInt object (one digit)
    case 'number':
      return (c | 0) === c ? 0 : 16; // small integers are unboxed; other numbers are HeapNumbers
    case 'object':
      return c === null ? 0 : 200; // Uint8Array: typed array + ArrayBuffer objects
    default:
      return 0;
  }
}

/**
 * The per-transaction limit: the configured one, bounded by the heap this process may use.
 * `heapLimitBytes` is `v8.getHeapStatistics().heap_size_limit` (taken once at open).
 */
export function boundedTxnBytes(configuredBytes: number, heapLimitBytes: number): number {
  return Math.max(1, Math.min(configuredBytes, Math.floor(heapLimitBytes * TXN_HEAP_FRACTION)));
}

/** The hint every write-set limit error carries (the workarounds, planner/dml/README.md). */
export const WRITE_SET_HINT =
  'Load large amounts of data with CREATE TABLE AS, or with COPY into a table created or truncated in the same transaction, or split the work into smaller transactions.';

/** An LsmError with PostgreSQL's optional DETAIL and HINT fields (the SQL layer forwards them). */
export class LimitError extends LsmError {
  constructor(
    code: '54000' | '53200',
    message: string,
    readonly detail: string | undefined,
    readonly hint: string | undefined,
  ) {
    super(code, message);
  }
}

export function writeSetLimitError(limitBytes: number): LimitError {
  return new LimitError('54000', `transaction write set exceeds ${limitBytes} bytes`, undefined, WRITE_SET_HINT);
}

/**
 * The heap bytes charged by all open transactions of one database. One instance per LsmDb
 * (never module-level): transactions charge each growth of their write set and release their
 * total when they end.
 */
export class WriteSetBudget {
  private usedBytes = 0;

  constructor(readonly limitBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Takes `bytes` (may be negative); throws 53200 when all write sets together would pass the
   *  limit — this transaction fits its own limit, but the server as a whole has no room. */
  charge(bytes: number): void {
    const next = this.usedBytes + bytes;
    if (bytes > 0 && next > this.limitBytes) {
      throw new LimitError(
        '53200',
        'out of memory',
        `Failed on request of size ${bytes} in memory context "TransactionWriteSets": open transactions hold ${this.usedBytes} of ${this.limitBytes} bytes.`,
        WRITE_SET_HINT,
      );
    }
    this.usedBytes = next;
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
  }

  /** Takes `bytes` without a check: a commit's rows moving from its write set into a memtable
   *  (the write set's charge is released right after; this must not fail mid-commit). */
  add(bytes: number): void {
    this.usedBytes += bytes;
  }
}
