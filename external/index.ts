// external/ door: DuckDB-backed external data (Parquet now; Safetensors and Zarr later).
// Stands alone: imports nothing else from the project (test/layering.test.ts holds this).
export { ExternalError, fromDuckError, type ExternalSqlState } from './errors.js';
export { AllowedRoots, refuseUrl } from './roots.js';
export {
  listLocation,
  parseHivePath,
  globToRegExp,
  diffListings,
  HIVE_NULL,
  type ExternalFile,
  type Listing,
  type ListingDiff,
} from './listing.js';
export { PgOid, mapDuckType, duckTypeFor, numericTypmod, type PgTypeRef, type ColumnTypeMapping, type ExternalColumn } from './types.js';
export { type ExternalValue, type ExternalDecimal, type ExternalInterval } from './values.js';
export { quoteIdent, quoteLiteral, readParquetCall, type ReadParquetOptions } from './sql-text.js';
export {
  ExternalEngine,
  type ExternalEngineOptions,
  type ExternalBatch,
  type ExternalStream,
  type ExternalResultColumn,
  type StreamOptions,
} from './duck.js';
export { parquetKeyRuns, rowsWithKey, keyRunsSupported, KEY_RUN_BLOCKS_MAX, type KeyRuns, type KeyRunBlock } from './key-runs.js';
export { PREPARED_PER_CONNECTION_MAX, type ExternalParam } from './prepared.js';
export { copyQueryToParquet, copyOptionsClause, type ParquetCompression, type ParquetWriteOptions } from './copy.js';
export { copyRowsToParquet, type RowColumn } from './copy-rows.js';
export { encodeRef, decodeRef, REF_VERSION, type ExternalTableRef, type RefColumn, type RefFile, type RefFileStats } from './refs.js';
export { parquetFileStats, STATS_OIDS } from './file-stats.js';
export { registerParquet, partitionValues, type DeclaredColumn, type RegisterRequest } from './register.js';
export { relistRef, type Relisted } from './relist.js';
