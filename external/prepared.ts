// DuckDB prepared statements for repeated statement shapes (issue 5: a point lookup paid ~0.5 ms
// of DuckDB parse/plan per execution when its constants were rendered into a new SQL text).
// Invariants: (1) a cached statement belongs to exactly one connection and is used by one query
// at a time (connections are pooled only between queries, duck.ts); (2) the cache is keyed by the
// full SQL text, which the planner renders without per-execution constants — those travel as
// `ExternalParam`s; (3) at most PREPARED_PER_CONNECTION_MAX statements per connection (LRU), the
// evicted one destroyed at once; the rest die with their connection (DuckDB's disconnect
// destroys a connection's prepared statements). File changes need no invalidation: DuckDB binds
// read_parquet's files again at each execution of a prepared statement (metadata and schema are
// re-read when a file's mtime moved; test/external/rowgroup-prepared.test.ts shows it).
import type { DuckDBPreparedStatement } from '@duckdb/node-api';

/** Statements kept per connection. A shape differs per file list and per filter form. */
export const PREPARED_PER_CONNECTION_MAX = 64;

/**
 * A value for one `$n` of a statement shape. The kinds are the DuckDB types the planner binds;
 * its SQL casts each parameter to the column's type (`CAST($1 AS SMALLINT)`), exactly as it
 * would cast a literal of the same value.
 */
export type ExternalParam =
  | { type: 'BIGINT'; value: bigint }
  | { type: 'INTEGER'; value: number }
  | { type: 'VARCHAR'; value: string };

export function bindParams(stmt: DuckDBPreparedStatement, params: readonly ExternalParam[]): void {
  if (stmt.parameterCount !== params.length) {
    throw new Error(`assertion: statement has ${stmt.parameterCount} parameters, ${params.length} given`);
  }
  params.forEach((p, i) => {
    switch (p.type) {
      case 'BIGINT':
        return stmt.bindBigInt(i + 1, p.value);
      case 'INTEGER':
        if (!Number.isInteger(p.value) || p.value < -2147483648 || p.value > 2147483647) throw new Error('assertion: INTEGER parameter out of range');
        return stmt.bindInteger(i + 1, p.value);
      case 'VARCHAR':
        return stmt.bindVarchar(i + 1, p.value);
      default: {
        const never: never = p;
        return never;
      }
    }
  });
}

/** The prepared statements of one connection, least recently used first. */
export class PreparedCache {
  private readonly bySql = new Map<string, DuckDBPreparedStatement>();

  get(sql: string): DuckDBPreparedStatement | undefined {
    const s = this.bySql.get(sql);
    if (s) {
      this.bySql.delete(sql);
      this.bySql.set(sql, s);
    }
    return s;
  }

  put(sql: string, stmt: DuckDBPreparedStatement): void {
    this.bySql.set(sql, stmt);
    if (this.bySql.size > PREPARED_PER_CONNECTION_MAX) {
      const [oldest, old] = this.bySql.entries().next().value!;
      this.bySql.delete(oldest);
      old.destroySync();
    }
  }

  get size(): number {
    return this.bySql.size;
  }
}
