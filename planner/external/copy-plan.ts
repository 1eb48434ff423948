// COPY (query) TO '<file>.parquet' — PostgreSQL's spelling (FORMAT parquet, COMPRESSION, …) and the
// seed's (FORMAT PARQUET COMPRESSION ZSTD(level=3)). The query runs in the native executor
// (external tables it reads are prefetched, as for SELECT); its rows go to copyRowsToParquet
// (temp name + rename, roots checked for writing). Nothing here loads DuckDB; copy-run.ts does.
import { DbError } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { TablePlan } from '../dml/index.js';
import { planQuery, type QueryPlan } from '../exec/query.js';
import type { CopyStmt, SelectStmt } from '../parse/ast.js';
import { parseStatements } from '../parse/parser.js';
import { tablesOfBinder } from '../rel/from.js';
import { externalTablesIn, runWithExternal } from './dispatch.js';
import type { ExternalHost } from './host.js';
import { parquetCopyOptions, type ParquetCopyOptionsPg } from './pg-spelling.js';
import type { ExternalStatement } from './statements.js';

const quoteName = (s: string): string => `"${s.replaceAll('"', '""')}"`;

function selectOf(text: string): SelectStmt {
  const stmts = parseStatements(text);
  const ast = stmts[0]?.ast;
  if (stmts.length !== 1 || !ast || ast.kind !== 'SelectStmt') throw new DbError('0A000', 'COPY to Parquet needs a single SELECT query or a table');
  return ast;
}

/** PostgreSQL's `COPY … TO 'file' (FORMAT parquet, …)`; undefined when not FORMAT parquet to a file. */
export function planPgParquetCopy(b: Binder, n: CopyStmt, host: ExternalHost | undefined): TablePlan | undefined {
  if (n.is_from || n.filename === undefined || n.is_program) return undefined;
  const opts = parquetCopyOptions((n.options ?? []) as unknown as Parameters<typeof parquetCopyOptions>[0]);
  if (!opts) return undefined;
  let ast: SelectStmt;
  if (n.query) {
    if (n.query.kind !== 'SelectStmt') throw new DbError('0A000', 'COPY to Parquet needs a SELECT query or a table');
    ast = n.query;
  } else {
    const r = n.relation!;
    const cols = ((n as { attlist?: Array<{ sval?: string }> }).attlist ?? []).map((a) => quoteName(a.sval ?? ''));
    ast = selectOf(`SELECT ${cols.length > 0 ? cols.join(', ') : '*'} FROM ${r.schemaname ? `${quoteName(r.schemaname)}.` : ''}${quoteName(r.relname ?? '')}`);
  }
  return copyPlan(b, ast, n.filename, opts, host);
}

/** The seed's spelling, already parsed by statements.ts. */
export function planSeedParquetCopy(b: Binder, stmt: Extract<ExternalStatement, { kind: 'copyToParquet' }>, host: ExternalHost | undefined): TablePlan {
  const s = stmt.source;
  const text = s.kind === 'query'
    ? s.text
    : `SELECT ${s.columns ? s.columns.map(quoteName).join(', ') : '*'} FROM ${s.name.schema ? `${quoteName(s.name.schema)}.` : ''}${quoteName(s.name.name)}`;
  return copyPlan(b, selectOf(text), stmt.target, { ...stmt.options, partitionBy: undefined, fileSizeBytes: stmt.options.fileSizeBytes }, host);
}

function copyPlan(b: Binder, ast: SelectStmt, target: string, opts: ParquetCopyOptionsPg, host: ExternalHost | undefined): TablePlan {
  const query: QueryPlan = planQuery(b, ast);
  return {
    columns: null,
    async run(ctx: EvalContext) {
      if (!host) throw new DbError('0A000', 'external tables are not available on this server');
      const ts = tablesOfBinder(b);
      const ext = externalTablesIn(ast, ts);
      const rows: Value[][] = ext ? await runWithExternal(host, ts, ext, ctx, (c) => query.run(c)) : await query.run(ctx);
      const { writeParquetRows } = await import('./copy-run.js');
      const n = await writeParquetRows(await host.engine(), query.columns, rows, target, opts);
      return { rows: [], tag: `COPY ${n}` };
    },
  };
}

