// lsm/ door: everything other folders may import from lsm/ is re-exported here (README.md).
export * from './types.js';
export { LsmDb, type LsmOptions, type BeginOptions, type DbScanOptions, type LsmStats } from './db.js';
export { Txn, Snapshot, type Isolation, type KeyRow, type ScanOptions, type WriteOp, type LockOptions } from './mvcc/index.js';
export { encodeKey, encodeKeyPrefix, encodeRowId, decodeKey, prefixSuccessor, compareBytes, KEY_BYTES_MAX, type KeyColumn, type KeyType } from './keys/index.js';
export { encodeInt64KeyInto, isInt64KeyType, INT64_KEY_BYTES } from './keys/index.js';
export { RealIo, MemIo, Prng, type MemIoFaults, type MemIoOp } from './io/index.js';
export type { SyncMode } from './wal/index.js';
export type { CompactionSettings } from './db/compact.js';
export type { TableIngest, IngestAdd, IngestResult } from './db/ingest.js';
export type { PublishIngest } from './db/publish.js';
export type { ScanPart, VectorBatch, ColumnVector, ColumnEncoding, Derived, DeriveFn, VecCacheStats, ColumnBuilder, ColumnarRow } from './segment/index.js';
export type { VectorRequest, VectorScanStats } from './db/reads.js';
export { decodeUtf8 } from './segment/index.js';
