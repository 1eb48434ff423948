// COPY native [(cols)] FROM '<path>.parquet' (FORMAT parquet): the plan, which loads no DuckDB
// (copy-import.ts does, by dynamic import). Rows go through the same checks as INSERT … SELECT
// (defaults, NOT NULL, CHECK, unique keys) in the statement's transaction, so ROLLBACK leaves
// nothing. File columns map to the target columns by position, as COPY's do; each file type is
// converted with INSERT's assignment rules (42804 "column … is of type … but expression is of
// type …" when there is no assignment cast; the cast's own errors, 22003/22P02, otherwise).
import { DbError, type ColumnDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext } from '../bind/expr.js';
import type { TablePlan } from '../dml/index.js';
import { bindChecks, bindDefault, copyTargetColumns, type DefaultValue } from '../dml/common.js';
import { TableWriter } from '../dml/write.js';
import type { CopyStmt } from '../parse/ast.js';
import { lookupTable } from '../rel/from.js';
import type { ExternalHost } from './host.js';

interface DefElemLike {
  kind: string;
  defname?: string;
  arg?: { kind: string; sval?: string };
}

/** True when a COPY's options say FORMAT parquet (case-insensitive). */
export function isParquetFormat(options: readonly unknown[] | undefined): boolean {
  return (options ?? []).some((o) => {
    const d = o as DefElemLike;
    return d.kind === 'DefElem' && d.defname === 'format' && (d.arg?.sval ?? '').toLowerCase() === 'parquet';
  });
}

/** What the import needs at run time (built at planning, where the binder is at hand). */
export interface ParquetImportPlan {
  b: Binder;
  tableName: string;
  /** Target columns in file-column order. */
  targets: ColumnDesc[];
  defaults: Map<number, DefaultValue>;
  writer: TableWriter;
  location: string;
  width: number;
}

export function planParquetImport(b: Binder, n: CopyStmt, host: ExternalHost | undefined): TablePlan {
  if (n.filename === undefined) {
    throw new DbError('0A000', 'COPY FROM STDIN is not supported in Parquet format', {
      hint: "Put the file under an external data root and use COPY … FROM '<path>' (FORMAT parquet).",
    });
  }
  for (const o of n.options ?? []) {
    const d = o as DefElemLike;
    if (d.kind === 'DefElem' && d.defname !== 'format') throw new DbError('42601', `option "${d.defname}" not recognized`, { hint: 'COPY FROM in Parquet format takes no options besides FORMAT.' });
  }
  if (n.whereClause) throw new DbError('0A000', 'COPY FROM … WHERE is not supported in Parquet format');
  const rel = n.relation!;
  const tab = lookupTable(b, rel.relname ?? '', rel.schemaname, rel.location ?? -1);
  if (tab.kind !== 'table') throw new DbError('42809', `cannot copy to ${tab.kind} "${tab.name}"`);
  const targets = copyTargetColumns(tab, n.attlist);
  const listed = new Set(targets.map((c) => c.attnum));
  const defaults = new Map<number, DefaultValue>();
  for (const c of tab.columns) if (!c.dropped && !listed.has(c.attnum)) defaults.set(c.attnum, bindDefault(b, tab, c));
  const plan: ParquetImportPlan = {
    b, tableName: tab.name, targets, defaults, writer: new TableWriter(tab, bindChecks(b, tab)), location: n.filename, width: tab.columns.length,
  };
  return {
    columns: null,
    async run(ctx: EvalContext) {
      if (!host) throw new DbError('0A000', 'external tables are not available on this server');
      const { importParquet } = await import('./copy-import.js');
      const count = await importParquet(await host.engine(), plan, ctx);
      return { rows: [], tag: `COPY ${count}` };
    },
  };
}
