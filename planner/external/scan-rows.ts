// The native executor's side of an external table scan (placement B). The executor's operators
// are synchronous iterators, so the session fetches each external table a statement reads
// *before* running it (prefetch.ts, async, bounded by ROWS_IN_MEMORY_MAX) and the table's
// ScanNode then yields those rows from here. Imported statically by rel/scan.ts: nothing here
// loads DuckDB.
import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';

/** Rows of the external tables the running statement reads, by table oid (one slot per column). */
export type ExternalRows = Map<number, readonly Value[][]>;

/** Rows for `t` fetched for this statement, or 0A000 when the statement's shape was not prefetched. */
export function externalRowsOf(rows: ExternalRows | undefined, t: TableDesc): readonly Value[][] {
  const r = rows?.get(t.oid);
  if (!r) {
    throw new DbError('0A000', `external table "${t.name}" cannot be read in this kind of statement yet`, {
      detail: 'External tables are readable in SELECT statements (directly, in joins, subqueries and CTEs); views, INSERT … SELECT and COPY over them are not wired yet.',
    });
  }
  return r;
}

/** Any write to an external table: PostgreSQL-style 0A000 with the way out in the hint. */
export function externalTableReadOnly(table: string): DbError {
  return new DbError('0A000', `cannot modify external table "${table}"`, {
    detail: 'External tables are read-only references to files.',
    hint: "Use COPY (query) TO '<file>.parquet' to write Parquet, or INSERT INTO a native table.",
  });
}
