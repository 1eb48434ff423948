// Quoting for the DuckDB SQL text the planner generates. Every identifier and literal that goes
// into DuckDB passes through here, so no user-supplied string can change the statement's shape.
// DuckDB follows standard SQL: '' inside a string literal, "" inside a quoted identifier, and
// backslash is an ordinary character.

export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error('assertion: identifier contains NUL');
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('assertion: literal contains NUL');
  return `'${text.replaceAll("'", "''")}'`;
}

export interface ReadParquetOptions {
  /** Files DuckDB may read: always an explicit list (we never hand it a glob). */
  files: readonly string[];
  /**
   * Hive partition columns with the DuckDB type each value is cast to. The planner has already
   * pruned `files` using the catalog's partition values; DuckDB only materialises the columns
   * from the paths, with the declared types (never guessed).
   */
  hiveTypes?: readonly (readonly [name: string, duckType: string])[];
  /** Adds DuckDB's `file_row_number` column (a row's position in its file, from 0). */
  fileRowNumber?: boolean;
}

/** `read_parquet(['a','b'], …)` over an explicit file list. */
export function readParquetCall(opts: ReadParquetOptions): string {
  if (opts.files.length === 0) throw new Error('assertion: read_parquet needs at least one file');
  const list = `[${opts.files.map(quoteLiteral).join(', ')}]`;
  const hive = opts.hiveTypes && opts.hiveTypes.length > 0 ? opts.hiveTypes : undefined;
  const rowNumber = opts.fileRowNumber ? ', file_row_number = true' : '';
  if (!hive) return `read_parquet(${list}, hive_partitioning = false${rowNumber})`;
  for (const [, t] of hive) {
    if (!/^[A-Z][A-Z0-9_ ]*(\(\d+(, ?\d+)?\))?$/.test(t)) throw new Error(`assertion: bad DuckDB type name ${t}`);
  }
  const types = hive.map(([n, t]) => `${quoteLiteral(n)}: ${quoteLiteral(t)}`).join(', ');
  return `read_parquet(${list}, hive_partitioning = true, hive_types = {${types}}, hive_types_autocast = false${rowNumber})`;
}
