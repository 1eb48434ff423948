// Per-file column statistics for pruning (issue 5: a cold point lookup must not open every
// file). At registration the footers are read through DuckDB's `parquet_metadata`; DuckDB casts
// each row group's bounds to the column's own type and folds them per file (min of the minima,
// max of the maxima), then prints the result as text ('42', '12.50', '2023-01-01',
// '2023-01-01 00:00:00'), which the planner parses with PostgreSQL's input functions.
// Invariants: a column gets an entry for a file only when every row group of the file has both
// bounds (castable to the column's type) or holds only NULLs — otherwise the column is absent
// for that file (unknown: never pruned). A file whose row groups are all NULL for a column
// records `null` (no non-NULL value). Only types whose printed form reads back exactly are
// recorded (integers, numeric, date, timestamp): text bounds may be truncated by other writers
// and floating-point bounds would need NaN rules, so those are left out.
import type { ExternalEngine } from './duck.js';
import { quoteLiteral } from './sql-text.js';
import type { RefColumn, RefFileStats } from './refs.js';

/** PostgreSQL OIDs whose statistics are recorded: int2, int4, int8, numeric, date, timestamp. */
export const STATS_OIDS: ReadonlySet<number> = new Set([21, 23, 20, 1700, 1082, 1114]);

/** Files per parquet_metadata query (bounds the SQL text). */
const FILES_PER_QUERY = 256;

/** Statistics per file path for the columns of `columns` with a recorded type. */
export async function parquetFileStats(engine: ExternalEngine, files: readonly string[], columns: readonly RefColumn[]): Promise<Map<string, RefFileStats>> {
  const out = new Map<string, RefFileStats>();
  const wanted = columns.filter((c) => STATS_OIDS.has(c.oid) && /^[A-Z][A-Z0-9_ ]*(\(\d+(, ?\d+)?\))?$/.test(c.duckType));
  if (wanted.length === 0) return out;
  for (let i = 0; i < files.length; i += FILES_PER_QUERY) {
    const part = files.slice(i, i + FILES_PER_QUERY);
    for (const c of wanted) {
      const lo = `TRY_CAST(stats_min_value AS ${c.duckType})`;
      const hi = `TRY_CAST(stats_max_value AS ${c.duckType})`;
      const sql = `SELECT file_name, CAST(min(${lo}) AS VARCHAR), CAST(max(${hi}) AS VARCHAR), ` +
        `count(*) FILTER (WHERE NOT (${lo} IS NOT NULL AND ${hi} IS NOT NULL) AND NOT coalesce(stats_null_count = num_values, false)) ` +
        `FROM parquet_metadata([${part.map(quoteLiteral).join(', ')}]) WHERE path_in_schema = ${quoteLiteral(c.source)} GROUP BY file_name`;
      const stream = await engine.stream(sql, { files: part });
      try {
        for (let b = await stream.next(); b; b = await stream.next()) {
          for (let r = 0; r < b.rowCount; r++) {
            const [file, min, max, bad] = b.columns.map((col) => col[r]);
            if (Number(bad) !== 0) continue;
            const s = out.get(String(file)) ?? {};
            out.set(String(file), s);
            s[c.name] = typeof min === 'string' && typeof max === 'string' ? [min, max] : null;
          }
        }
      } finally {
        stream.close();
      }
    }
  }
  return out;
}
