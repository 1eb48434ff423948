// Key runs of one integer column of one Parquet file (issue 5: a cold point lookup reads less
// than DuckDB's own row-group pruning would). A file sorted by a dense integer key — ids 1…n in
// file order, the common layout of an exported serial key — holds, in each block of rows, the
// values `file_row_number + c` for one constant c. Knowing c, a lookup of key k reads row k − c
// directly (`WHERE file_row_number = …`; DuckDB skips row groups by row number), without
// decompressing the key column's row group to find it.
//
// The scan (one pass over the column, at most BLOCKS_MAX groups) cuts the file's rows into blocks
// of `blockRows` (the first row group's size, so blocks line up with row groups) and records per
// block the least and greatest key, the number of rows and of non-NULL keys, and whether
// key − file_row_number is one constant there. Invariants: (1) a block is `dense` only when that
// constant is the same for every row and no key in it is NULL — then its keys are exactly
// min…max, one row each, at rows start + (key − min); (2) every non-NULL key of the file lies in
// the [min, max] of its block, so a key outside every block's bounds is in no row; (3) the result
// describes the file as it was read: the caller pairs it with the file's identity (size, mtime)
// and must not use it for a file whose identity changed. Only int2/int4/int8 columns (DuckDB
// SMALLINT/INTEGER/BIGINT).
import type { ExternalEngine } from './duck.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

/** Blocks per file at most (a larger file gets no key runs: the lookup takes the usual path). */
export const KEY_RUN_BLOCKS_MAX = 65_536;

export interface KeyRunBlock {
  /** First row (file_row_number) of the block, and its number of rows. */
  startRow: bigint;
  rows: bigint;
  /** Least and greatest non-NULL key; undefined when every key in the block is NULL. */
  min: bigint | undefined;
  max: bigint | undefined;
  /** Every key is `row + offset` (no NULLs): key k sits at row k − offset. Undefined otherwise. */
  offset: bigint | undefined;
}

export interface KeyRuns {
  file: string;
  column: string;
  blockRows: bigint;
  blocks: KeyRunBlock[];
}

const INTEGER_TYPES = new Set(['SMALLINT', 'INTEGER', 'BIGINT']);

/** Whether key runs can be computed for a column of this DuckDB type. */
export function keyRunsSupported(duckType: string): boolean {
  return INTEGER_TYPES.has(duckType);
}

/**
 * Reads `column` (its name in the file, DuckDB type `duckType`) of `file` once and returns its
 * blocks, or undefined when the file has more than KEY_RUN_BLOCKS_MAX blocks or no rows. The path
 * must already be checked against the roots (the planner hands over files of a registered ref).
 */
export async function parquetKeyRuns(engine: ExternalEngine, file: string, column: string, duckType: string, signal?: AbortSignal): Promise<KeyRuns | undefined> {
  if (!keyRunsSupported(duckType)) throw new Error(`assertion: key runs of a ${duckType} column`);
  const f = `[${quoteLiteral(file)}]`;
  const layout = await engine.runScalar(
    `SELECT CAST(sum(row_group_num_rows) AS VARCHAR) || ',' || CAST(coalesce(min(row_group_num_rows) FILTER (WHERE row_group_id = 0), 0) AS VARCHAR) ` +
      `FROM (SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${f}))`,
    { files: [file], signal },
  );
  if (typeof layout !== 'string') return undefined;
  const [total, first] = layout.split(',').map((x) => BigInt(x));
  if (total === undefined || first === undefined || total === 0n || first === 0n) return undefined;
  const blockRows = first;
  if ((total + blockRows - 1n) / blockRows > BigInt(KEY_RUN_BLOCKS_MAX)) return undefined;
  // BIGINT arithmetic (40 % faster than HUGEINT here): a SMALLINT/INTEGER key cannot overflow it;
  // a BIGINT key within 2^63 of the end of its range makes DuckDB raise an overflow error, and
  // the caller then records "no key runs" for the file (never a wrong block).
  const key = `CAST(t.${quoteIdent(column)} AS BIGINT)`;
  const diff = `${key} - t.file_row_number`;
  const sql =
    `SELECT CAST(t.file_row_number // ${blockRows} AS VARCHAR), CAST(count(*) AS VARCHAR), CAST(count(${key}) AS VARCHAR), ` +
    `CAST(min(${key}) AS VARCHAR), CAST(max(${key}) AS VARCHAR), CAST(min(${diff}) AS VARCHAR), CAST(max(${diff}) AS VARCHAR), ` +
    `CAST(min(t.file_row_number) AS VARCHAR) ` +
    `FROM read_parquet(${f}, hive_partitioning = false, file_row_number = true) AS t GROUP BY 1 ORDER BY min(t.file_row_number)`;
  const blocks: KeyRunBlock[] = [];
  const stream = await engine.stream(sql, { files: [file], signal });
  try {
    for (let b = await stream.next(); b; b = await stream.next()) {
      for (let r = 0; r < b.rowCount; r++) {
        const v = b.columns.map((c) => c[r]);
        const big = (x: unknown): bigint | undefined => (typeof x === 'string' ? BigInt(x) : undefined);
        const rows = big(v[1])!;
        const nonNull = big(v[2])!;
        const lo = big(v[5]);
        const hi = big(v[6]);
        const startRow = big(v[7])!;
        const dense = nonNull === rows && lo !== undefined && lo === hi;
        blocks.push({ startRow, rows, min: big(v[3]), max: big(v[4]), offset: dense ? lo : undefined });
      }
    }
  } finally {
    stream.close();
  }
  // The blocks must tile the file: a gap would mean rows this scan did not see.
  let next = 0n;
  for (const b of blocks) {
    if (b.startRow !== next) throw new Error(`assertion: key-run blocks of ${file} do not tile the file`);
    next += b.rows;
  }
  if (next !== total) throw new Error(`assertion: key-run blocks of ${file} cover ${next} of ${total} rows`);
  return { file, column, blockRows, blocks };
}

/**
 * The rows whose key equals `k`: a list of file row numbers (empty: no row has this key), or
 * undefined when a block that may hold k is not dense (the caller reads the file as usual).
 */
export function rowsWithKey(runs: KeyRuns, k: bigint): bigint[] | undefined {
  const out: bigint[] = [];
  for (const b of runs.blocks) {
    if (b.min === undefined || b.max === undefined || k < b.min || k > b.max) continue;
    if (b.offset === undefined) return undefined;
    out.push(k - b.offset);
  }
  return out;
}
