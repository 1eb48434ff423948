// COPY (query) TO '<file>.parquet' | STDOUT — PostgreSQL's spelling (FORMAT parquet, COMPRESSION, …)
// and the seed's (FORMAT PARQUET COMPRESSION ZSTD(level=3)). The query runs in the native executor
// (external tables it reads are prefetched, as for SELECT); its rows go to copyRowsToParquet
// (temp name + rename, roots checked for writing); TO STDOUT streams that file (copy-stdout.ts).
// Nothing here loads DuckDB; copy-run.ts and copy-stdout.ts do (dynamic imports).
import { DbError } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { Execution } from '../api.js';
import type { TablePlan } from '../dml/index.js';
import { planQuery, type QueryPlan } from '../exec/query.js';
import type { CopyStmt, SelectStmt } from '../parse/ast.js';
import { parseStatements } from '../parse/parser.js';
import { tablesOfBinder } from '../rel/from.js';
import { directExternalSource } from './copy-direct.js';
import { isParquetFormat, planParquetImport } from './copy-from.js';
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

/**
 * PostgreSQL's `COPY … TO 'file' | STDOUT (FORMAT parquet, …)` and `COPY native FROM 'file'
 * (FORMAT parquet)` (copy-from.ts); undefined when not FORMAT parquet (the native COPY path).
 */
export function planPgParquetCopy(b: Binder, n: CopyStmt, host: ExternalHost | undefined): TablePlan | undefined {
  if (n.is_program) return undefined;
  if (n.is_from) return isParquetFormat(n.options) ? planParquetImport(b, n, host) : undefined;
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
  return copyPlan(b, ast, n.filename ?? STDOUT, opts, host);
}

/** The seed's spelling, already parsed by statements.ts. */
export function planSeedParquetCopy(b: Binder, stmt: Extract<ExternalStatement, { kind: 'copyToParquet' }>, host: ExternalHost | undefined): TablePlan {
  const s = stmt.source;
  const text = s.kind === 'query'
    ? s.text
    : `SELECT ${s.columns ? s.columns.map(quoteName).join(', ') : '*'} FROM ${s.name.schema ? `${quoteName(s.name.schema)}.` : ''}${quoteName(s.name.name)}`;
  return copyPlan(b, selectOf(text), stmt.target, { ...stmt.options, partitionBy: undefined, fileSizeBytes: stmt.options.fileSizeBytes }, host);
}

/** Thrown inside the direct STDOUT write when the fragment cannot be rendered: use the native path. */
const NATIVE_PATH: unique symbol = Symbol('native path');

/** The target of COPY … TO STDOUT (a file name is always a string). */
const STDOUT: unique symbol = Symbol('stdout');

function copyPlan(b: Binder, ast: SelectStmt, target: string | typeof STDOUT, opts: ParquetCopyOptionsPg, host: ExternalHost | undefined): TablePlan {
  if (target === STDOUT && (opts.partitionBy !== undefined || opts.fileSizeBytes !== undefined)) {
    throw new DbError('0A000', `COPY TO STDOUT in Parquet format cannot use ${opts.partitionBy !== undefined ? 'PARTITION_BY' : 'FILE_SIZE_BYTES'}`, {
      detail: 'That option writes a directory of files; STDOUT carries one file.',
    });
  }
  const query: QueryPlan = planQuery(b, ast);
  const rowsOf = async (ctx: EvalContext, h: ExternalHost): Promise<Value[][]> => {
    const ts = tablesOfBinder(b);
    const ext = externalTablesIn(ast, ts);
    return ext ? runWithExternal(h, ts, ext, ctx, (c) => query.run(c)) : query.run(ctx);
  };
  const hostOrFail = (): ExternalHost => {
    if (!host) throw new DbError('0A000', 'external tables are not available on this server');
    return host;
  };
  if (target === STDOUT) {
    return {
      columns: null,
      run: () => Promise.reject(new Error('assertion: COPY TO STDOUT runs through execute')),
      async execute(ctx: EvalContext): Promise<Execution> {
        const h = hostOrFail();
        const direct = directExternalSource(ast, tablesOfBinder(b));
        if (direct) {
          const engine = await h.engine();
          const [{ copyExternalDirect }, { streamWrittenFile }] = await Promise.all([import('./copy-direct-run.js'), import('./copy-stdout.js')]);
          const ex = await streamWrittenFile(engine, query.columns.length, async (path) => {
            const n = await copyExternalDirect(engine, direct, path, opts);
            if (n === undefined) throw NATIVE_PATH;
            return n;
          }).catch((e: unknown) => {
            if (e === NATIVE_PATH) return undefined;
            throw e;
          });
          if (ex) return ex;
        }
        const rows = await rowsOf(ctx, h);
        const { parquetToStdout } = await import('./copy-stdout.js');
        return parquetToStdout(await h.engine(), query.columns, rows, opts);
      },
    };
  }
  return {
    columns: null,
    async run(ctx: EvalContext) {
      const h = hostOrFail();
      const direct = directExternalSource(ast, tablesOfBinder(b));
      if (direct) {
        const { copyExternalDirect } = await import('./copy-direct-run.js');
        const n = await copyExternalDirect(await h.engine(), direct, target, opts);
        if (n !== undefined) return { rows: [], tag: `COPY ${n}` };
      }
      const rows = await rowsOf(ctx, h);
      const { writeParquetRows } = await import('./copy-run.js');
      const n = await writeParquetRows(await h.engine(), query.columns, rows, target, opts);
      return { rows: [], tag: `COPY ${n}` };
    },
  };
}

