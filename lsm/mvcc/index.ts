// lsm/mvcc door (internal to lsm/): snapshots, row locks, transactions.
export { Snapshot, SnapshotRegistry } from './snapshots.js';
export { BulkKeys, BULK_KEYS_BYTES_MAX } from './bulk-keys.js';
export { LockManager, DeadlockError, type LockOptions, type RelGrant, type RelMode, type RowLockMode, type TryLockOptions, type TxnId } from './locks.js';
export { Txn, opKey, type Isolation, type KeyRow, type ScanOptions, type TxnHost, type TxnIngest, type WriteOp } from './txn.js';
export { ALL_TXNS_HEAP_FRACTION, LimitError, TXN_HEAP_FRACTION, WRITE_SET_HINT, WriteSetBudget, boundedTxnBytes, entryHeapBytes } from './budget.js';
