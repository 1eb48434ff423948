// COPY (generated query) TO '<file>.parquet' through DuckDB. Invariant: a reader never sees half a
// file — DuckDB writes a hidden temp name in the target's directory (hidden names are skipped by
// listings), and only a complete file is renamed into place (rename is atomic within a directory).
import { renameSync, rmSync, existsSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ExternalError } from './errors.js';
import type { ExternalEngine } from './duck.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

export type ParquetCompression =
  | { codec: 'zstd'; level?: number }
  | { codec: 'snappy' }
  | { codec: 'gzip' }
  | { codec: 'lz4' }
  | { codec: 'brotli' }
  | { codec: 'uncompressed' };

export interface ParquetWriteOptions {
  compression: ParquetCompression;
  rowGroupSize?: number;
  /** Hive-partitioned output: the target becomes a directory of `col=value/` folders. */
  partitionBy?: readonly string[];
  /**
   * Split the output into files of about this size (DuckDB's FILE_SIZE_BYTES, checked after each
   * row group): the target becomes a directory of `data_<n>.parquet` files. DuckDB cannot combine
   * it with PARTITION_BY (refused here with 0A000, before anything is written).
   */
  fileSizeBytes?: number;
}

/** True when the target is written as a directory (partitioned or split by size). */
export function writesDirectory(opts: ParquetWriteOptions): boolean {
  return (opts.partitionBy !== undefined && opts.partitionBy.length > 0) || opts.fileSizeBytes !== undefined;
}

function compressionClause(c: ParquetCompression): string {
  switch (c.codec) {
    case 'zstd': {
      if (c.level === undefined) return 'COMPRESSION zstd';
      if (!Number.isInteger(c.level) || c.level < 1 || c.level > 22) {
        throw new ExternalError('0A000', `ZSTD compression level must be between 1 and 22, got ${c.level}`);
      }
      return `COMPRESSION zstd, COMPRESSION_LEVEL ${c.level}`;
    }
    case 'snappy':
    case 'gzip':
    case 'lz4':
    case 'brotli':
    case 'uncompressed':
      return `COMPRESSION ${c.codec}`;
    default: {
      const never: never = c;
      return never;
    }
  }
}

/** The option list of a DuckDB COPY … TO (FORMAT parquet, …) for these options. */
export function copyOptionsClause(opts: ParquetWriteOptions): string {
  const parts = ['FORMAT parquet', compressionClause(opts.compression)];
  if (opts.rowGroupSize !== undefined) {
    if (!Number.isInteger(opts.rowGroupSize) || opts.rowGroupSize < 1) {
      throw new ExternalError('0A000', `ROW_GROUP_SIZE must be a positive integer, got ${opts.rowGroupSize}`);
    }
    parts.push(`ROW_GROUP_SIZE ${opts.rowGroupSize}`);
  }
  const partitioned = opts.partitionBy !== undefined && opts.partitionBy.length > 0;
  if (partitioned) parts.push(`PARTITION_BY (${opts.partitionBy!.map(quoteIdent).join(', ')})`);
  if (opts.fileSizeBytes !== undefined) {
    if (!Number.isSafeInteger(opts.fileSizeBytes) || opts.fileSizeBytes < 1) {
      throw new ExternalError('0A000', `FILE_SIZE_BYTES must be a positive integer, got ${opts.fileSizeBytes}`);
    }
    if (partitioned) throw new ExternalError('0A000', 'COPY to Parquet cannot combine FILE_SIZE_BYTES with PARTITION_BY', { hint: 'Use one of them.' });
    parts.push(`FILE_SIZE_BYTES ${opts.fileSizeBytes}`);
  }
  return parts.join(', ');
}

/** A directory output never replaces anything: its target must not exist yet (58030). */
export function refuseExistingDirectoryTarget(finalPath: string, opts: ParquetWriteOptions): void {
  if (writesDirectory(opts) && existsSync(finalPath)) {
    throw new ExternalError('58030', `could not write "${finalPath}": the output directory already exists`, {
      detail: opts.fileSizeBytes !== undefined ? 'FILE_SIZE_BYTES writes a directory of files.' : 'PARTITION_BY writes a directory of partitions.',
    });
  }
}

/** The hidden temp name a COPY writes before the rename (hidden names are skipped by listings). */
export function tempNameFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.pyralog-tmp-${randomUUID()}`);
}

/**
 * Writes the rows of `selectSql` (SQL the planner generated) to `target`. Returns the row count.
 * The target must lie under the allowed roots (42501 otherwise) and must not exist yet when
 * partitioned (a directory is never replaced); a plain file target is replaced atomically.
 */
export async function copyQueryToParquet(
  engine: ExternalEngine,
  selectSql: string,
  target: string,
  opts: ParquetWriteOptions,
  files: readonly string[] = [],
): Promise<number> {
  const finalPath = engine.roots.checkWritable(target);
  const options = copyOptionsClause(opts);
  refuseExistingDirectoryTarget(finalPath, opts);
  const tmp = tempNameFor(finalPath);
  const sql = `COPY (${selectSql}) TO ${quoteLiteral(tmp)} (${options})`;
  try {
    const n = await engine.runScalar(sql, { files });
    renameSync(tmp, finalPath);
    return typeof n === 'bigint' ? Number(n) : typeof n === 'number' ? n : 0;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
