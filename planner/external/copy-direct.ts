// COPY of an external table as it is — `COPY ext [(cols)] TO …` or `COPY (SELECT * | cols FROM ext)
// TO …` with no other clause — in Parquet format: DuckDB reads the files and writes the target end
// to end (copyQueryToParquet), so no row passes through the native executor: no row cap, no
// conversions, the files' own column types. The SQL is rendered by renderFragment (column
// projection only) and wrapped to give the output columns their SQL names. Anything else — a
// WHERE, a join, an expression — takes the native path (copy-plan.ts). This file loads no DuckDB
// (imported statically); copy-direct-run.ts does the write (dynamic import).
import type { TableDesc } from '../../catalog/index.js';
import type { SelectStmt } from '../parse/ast.js';
import type { TableSession } from '../rel/index.js';

export interface DirectSource {
  table: TableDesc;
  /** SQL column names to write, in order. */
  columns: string[];
}

interface NodeLike {
  kind: string;
  [k: string]: unknown;
}

/** The external table and columns when `ast` is a plain projection of one external table. */
export function directExternalSource(ast: SelectStmt, ts: TableSession): DirectSource | undefined {
  if ((ast.op && ast.op !== 'SETOP_NONE') || ast.withClause || ast.whereClause || ast.groupClause?.length || ast.havingClause
    || ast.sortClause?.length || ast.limitCount || ast.limitOffset || ast.distinctClause || ast.valuesLists || ast.windowClause?.length
    || ast.lockingClause?.length || ast.intoClause) return undefined;
  const from = ast.fromClause ?? [];
  if (from.length !== 1) return undefined;
  const rv = from[0] as unknown as NodeLike;
  if (rv.kind !== 'RangeVar' || rv.alias !== undefined || rv.inh === false) return undefined;
  const table = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), String(rv.relname ?? ''), rv.schemaname as string | undefined);
  if (table?.external === undefined) return undefined;
  const names = table.columns.filter((c) => !c.dropped).map((c) => c.name);
  const columns: string[] = [];
  for (const t of ast.targetList ?? []) {
    const rt = t as unknown as NodeLike;
    if (rt.kind !== 'ResTarget' || rt.name !== undefined) return undefined; // an alias renames: native path
    const val = rt.val as NodeLike | undefined;
    if (!val || val.kind !== 'ColumnRef') return undefined;
    const fields = (val.fields ?? []) as NodeLike[];
    if (fields.length === 1 && fields[0]!.kind === 'A_Star') {
      columns.push(...names);
      continue;
    }
    if (fields.length !== 1 || fields[0]!.kind !== 'String') return undefined;
    const name = String(fields[0]!.sval ?? '');
    if (!names.includes(name)) return undefined; // the native path reports 42703
    columns.push(name);
  }
  if (columns.length === 0 || new Set(columns).size !== columns.length) return undefined; // duplicate names: native path
  return { table, columns };
}
