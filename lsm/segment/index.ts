// lsm/segment door: encoder, reader, meta types, bloom helpers. See README.md and FORMAT.md.
export { encodeSegment, DEFAULT_BATCH_ROWS, MAX_BATCH_ROWS } from './encode.js';
export type { EncodeSegmentOptions, EncodedSegment } from './encode.js';
export { encodeSegmentPacked, type PackedRows } from './encode-packed.js';
export { ColumnChunk, columnChunkTransferables, type ColumnChunkParts, type ColumnBuilder, type ColumnarRow } from './column-chunk.js';
export { SegmentReader } from './reader.js';
export type { IterateOptions } from './reader.js';
export { SegmentCorruptionError } from './errors.js';
export { SEGMENT_FORMAT_VERSION, SEGMENT_MAGIC, TRAILER_BYTES } from './footer.js';
export { bloomMayContain, bloomMayContainHashed, keyHash1, keyHash2, buildBloom, hashKey, BLOOM_BITS_PER_KEY, BLOOM_PROBES } from './bloom.js';
export { encodeCell, decodeCell, compareSameKind, compareUtf8Order, decodeUtf8 } from './cells.js';
export type { SegmentMeta, ColumnInfo, ColumnStats, ColumnEncoding, BatchInfo } from './meta.js';
export type { ColumnVector } from './batch.js';
export type { ScanPart, VectorBatch, OverlayRow } from './vec-scan.js';
export { VecCache, type Derived, type DeriveFn, type VecCacheStats } from './vec-cache.js';
