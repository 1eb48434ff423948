// The DuckDB half of COPY … TO Parquet (dynamic import: loads DuckDB): internal values → external/'s
// value vocabulary (numeric → ExternalDecimal; everything else already shares the contract), fed
// to copyRowsToParquet in batches.
import { DbError, Numeric } from '../../catalog/index.js';
import { copyRowsToParquet, type ExternalEngine, type ExternalValue, type ParquetCompression, type RowColumn } from '../../external/index.js';
import type { Value } from '../bind/expr.js';
import type { OutputColumn } from '../exec/query.js';
import { withDbErrors } from './convert.js';
import type { ParquetCopyOptionsPg } from './pg-spelling.js';

const BATCH_ROWS = 2048;

function toExternal(v: Value): ExternalValue {
  if (v instanceof Numeric) {
    if (v.kind !== 'finite') throw new DbError('22003', 'cannot write numeric NaN or Infinity to a Parquet decimal column');
    return { kind: 'decimal', unscaled: v.coef, scale: v.scale };
  }
  return v as ExternalValue;
}

export async function writeParquetRows(
  engine: ExternalEngine,
  columns: readonly OutputColumn[],
  rows: readonly Value[][],
  target: string,
  opts: ParquetCopyOptionsPg,
): Promise<number> {
  const cols: RowColumn[] = columns.map((c) => ({ name: c.name, pg: { oid: c.type.oid, typmod: c.type.typmod } as RowColumn['pg'] }));
  async function* batches(): AsyncGenerator<ExternalValue[][]> {
    for (let i = 0; i < rows.length; i += BATCH_ROWS) yield rows.slice(i, i + BATCH_ROWS).map((r) => r.map(toExternal));
  }
  const compression = (opts.codec === 'zstd' ? { codec: 'zstd', ...(opts.level !== undefined ? { level: opts.level } : {}) } : { codec: opts.codec }) as ParquetCompression;
  return withDbErrors(() =>
    copyRowsToParquet(engine, cols, batches(), target, {
      compression,
      ...(opts.rowGroupSize !== undefined ? { rowGroupSize: opts.rowGroupSize } : {}),
      ...(opts.partitionBy !== undefined ? { partitionBy: opts.partitionBy } : {}),
      ...(opts.fileSizeBytes !== undefined ? { fileSizeBytes: opts.fileSizeBytes } : {}),
    }),
  );
}
