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
  if (opts.partitionBy !== undefined && opts.partitionBy.length > 0) parts.push(`PARTITION_BY (${opts.partitionBy.map(quoteIdent).join(', ')})`);
  return parts.join(', ');
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
  const partitioned = opts.partitionBy !== undefined && opts.partitionBy.length > 0;
  if (partitioned && existsSync(finalPath)) {
    throw new ExternalError('58030', `could not write "${finalPath}": the partitioned output directory already exists`);
  }
  const tmp = join(dirname(finalPath), `.${basename(finalPath)}.pyralog-tmp-${randomUUID()}`);
  const options = copyOptionsClause(opts);
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
