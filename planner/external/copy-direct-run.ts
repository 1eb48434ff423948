// The DuckDB half of copy-direct.ts (dynamic import: loads DuckDB): the projection rendered by
// renderFragment over the table's registered files, its c0… outputs renamed to the SQL column
// names, written by copyQueryToParquet (roots checked, temp name + rename).
import { DbError } from '../../catalog/index.js';
import { copyQueryToParquet, decodeRef, quoteIdent, type ExternalEngine, type ParquetCompression } from '../../external/index.js';
import { withDbErrors } from './convert.js';
import type { DirectSource } from './copy-direct.js';
import { renderFragment } from './fragment.js';
import type { ParquetCopyOptionsPg } from './pg-spelling.js';

/** Writes the source to `target`; undefined when the fragment cannot be rendered (native path). */
export async function copyExternalDirect(engine: ExternalEngine, src: DirectSource, target: string, opts: ParquetCopyOptionsPg): Promise<number | undefined> {
  const ref = decodeRef(src.table.external!);
  if (ref.files.length === 0) return undefined;
  const r = renderFragment({
    table: src.table.name, ref, files: ref.files, filters: [],
    output: { kind: 'columns', columns: src.columns }, orderBy: [], limit: undefined, offset: undefined,
  });
  if (!r.pushable) return undefined;
  const sql = `SELECT ${src.columns.map((n, i) => `c${i} AS ${quoteIdent(n)}`).join(', ')} FROM (${r.sql})`;
  const compression = (opts.codec === 'zstd' ? { codec: 'zstd', ...(opts.level !== undefined ? { level: opts.level } : {}) } : { codec: opts.codec }) as ParquetCompression;
  const n = await withDbErrors(() =>
    copyQueryToParquet(engine, sql, target, {
      compression,
      ...(opts.rowGroupSize !== undefined ? { rowGroupSize: opts.rowGroupSize } : {}),
      ...(opts.partitionBy !== undefined ? { partitionBy: opts.partitionBy } : {}),
      ...(opts.fileSizeBytes !== undefined ? { fileSizeBytes: opts.fileSizeBytes } : {}),
    }, r.files),
  );
  if (!Number.isSafeInteger(n)) throw new DbError('XX000', 'COPY to Parquet: DuckDB reported no row count');
  return n;
}
