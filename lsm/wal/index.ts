// lsm/wal door (internal to lsm/): record codec, recovery scan, group-commit writer.
export { encodeRecord, encodePayload, decodePayload, frame, makePackr, FRAME_HEADER_BYTES, WAL_RECORD_VERSION, type WalRecord } from './record.js';
export { scanWal, type WalScan } from './reader.js';
export { DEFAULT_WAL_PREALLOC_BYTES, WalWriter, walFileName, parseWalFileName, type SyncMode, type WalWriterOptions } from './writer.js';
export { preciseClockOf } from './inline.js';
export { FlushPathChooser } from './flush-path.js';
