// The session's entry points for external tables that must not load DuckDB (statically imported
// by planner/session): which external tables a statement reads, refusing writes to them, and the
// TablePlan for Pyralog's own statements (whose execution, ddl.ts, is a dynamic import).
import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { TablePlan } from '../dml/index.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TableSession } from '../rel/index.js';
import type { ExternalHost } from './host.js';
import { externalTableReadOnly } from './scan-rows.js';
import { externalState } from './fetch-run.js';
import type { ExternalStatement } from './statements.js';
import { fromCreateForeignTable, type ForeignTableNode } from './pg-spelling.js';
import { planPgParquetCopy, planSeedParquetCopy } from './copy-plan.js';
import type { CopyStmt } from '../parse/ast.js';
import type { EvalContext, Value } from '../bind/expr.js';

interface RangeVarLike {
  kind: 'RangeVar';
  schemaname?: string;
  relname?: string;
}

function resolve(ts: TableSession, rv: RangeVarLike): TableDesc | undefined {
  return ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), rv.relname ?? '', rv.schemaname);
}

/**
 * External tables a statement reads: named anywhere in `ast` (FROM items, subqueries, CTE
 * bodies) or planned since the last call (views over external tables); undefined when there are
 * none (the common case). The session keeps it in the plan so that execution goes through
 * `runWithExternal`, which hands the server's engine to the plan's own fetch step.
 */
export function externalTablesIn(ast: unknown, ts: TableSession | undefined): TableDesc[] | undefined {
  if (!ts) return undefined;
  const found = new Map<number, TableDesc>();
  for (const s of ts.externalRows?.drainPlanned() ?? []) found.set(s.table.oid, s.table);
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (n === null || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.kind === 'RangeVar') {
      const t = resolve(ts, o as unknown as RangeVarLike);
      if (t?.external !== undefined) found.set(t.oid, t);
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(ast);
  return found.size > 0 ? [...found.values()] : undefined;
}

/** INSERT/UPDATE/DELETE/TRUNCATE/COPY FROM naming an external table → 0A000 (before planning). */
export function refuseExternalWrite(ast: unknown, ts: TableSession | undefined): void {
  if (!ts) return;
  const n = ast as { kind: string; relation?: RangeVarLike; relations?: RangeVarLike[]; is_from?: boolean };
  let targets: RangeVarLike[] = [];
  switch (n.kind) {
    case 'InsertStmt': case 'UpdateStmt': case 'DeleteStmt': case 'MergeStmt':
      targets = n.relation ? [n.relation] : [];
      break;
    case 'TruncateStmt':
      targets = (n.relations ?? []).filter((r) => r.kind === 'RangeVar');
      break;
    case 'CopyStmt':
      targets = n.is_from && n.relation ? [n.relation] : [];
      break;
    default:
      return;
  }
  for (const rv of targets) {
    const t = resolve(ts, rv);
    if (t?.external !== undefined) throw externalTableReadOnly(t.name);
  }
}

/** DROP FOREIGN TABLE (libpg-query's DropStmt) as our drop statement; undefined for other drops. */
export function fromDropForeignTable(n: { kind: string; removeType?: string; objects?: unknown[]; missing_ok?: boolean; behavior?: string }): ExternalStatement | undefined {
  if (n.kind !== 'DropStmt' || n.removeType !== 'OBJECT_FOREIGN_TABLE') return undefined;
  const names = (n.objects ?? []).map((o) => {
    const parts = ((o as { List?: { items?: unknown[] }; items?: unknown[] }).items ?? (o as { List?: { items?: unknown[] } }).List?.items ?? [])
      .map((x) => (x as { sval?: string; String?: { sval?: string } }).sval ?? (x as { String?: { sval?: string } }).String?.sval ?? '');
    return parts.length === 2 ? { schema: parts[0], name: parts[1]! } : { schema: undefined, name: parts[parts.length - 1] ?? '' };
  });
  return { kind: 'dropExternalTable', names, ifExists: n.missing_ok === true, behavior: n.behavior === 'DROP_CASCADE' ? 'cascade' : 'restrict' };
}

/** The plan of one of our statements: executed in the session's storage transaction. */
export function externalStatementPlan(b: Binder, stmt: ExternalStatement, host: ExternalHost | undefined, spelling: 'pyralog' | 'postgres'): TablePlan {
  return {
    columns: null,
    async run() {
      const ts = tablesOfBinder(b);
      if (!host) throw new DbError('0A000', 'external tables are not available on this server');
      if (ts.host.getSetting('transaction_read_only') === 'on' && stmt.kind !== 'copyToParquet') {
        throw new DbError('25006', `cannot execute ${stmt.kind === 'createExternalTable' ? 'CREATE' : 'DROP'} ${spelling === 'postgres' ? 'FOREIGN' : 'EXTERNAL'} TABLE in a read-only transaction`);
      }
      const { runExternalDdl } = await import('./ddl.js');
      return { rows: [], tag: await runExternalDdl(b, ts, host, stmt, spelling) };
    },
  };
}

/**
 * The session's hook for statements it does not handle itself: our statements (carried as a
 * `PyralogExternalStmt` node), CREATE/DROP FOREIGN TABLE, and writes naming an external table
 * (0A000). Undefined: not ours — the native table planner takes it.
 */
export function planExternalStatement(b: Binder, ast: unknown, ts: TableSession, host: ExternalHost | undefined): TablePlan | undefined {
  const n = ast as { kind: string };
  // INSERT … SELECT and COPY (SELECT …) plan their queries next: their fetch step needs the engine.
  if (host) externalState(ts).host = host;
  if (n.kind === 'PyralogExternalStmt') {
    const stmt = (ast as { stmt: ExternalStatement }).stmt;
    return stmt.kind === 'copyToParquet' ? planSeedParquetCopy(b, stmt, host) : externalStatementPlan(b, stmt, host, 'pyralog');
  }
  if (n.kind === 'CopyStmt') {
    refuseExternalWrite(ast, ts);
    return planPgParquetCopy(b, ast as CopyStmt, host);
  }
  if (n.kind === 'CreateForeignTableStmt') return externalStatementPlan(b, fromCreateForeignTable(ast as ForeignTableNode), host, 'postgres');
  const drop = fromDropForeignTable(ast as { kind: string });
  if (drop) return externalStatementPlan(b, drop, host, 'postgres');
  refuseExternalWrite(ast, ts);
  refuseDropTableOfExternal(ast, ts);
  return undefined;
}

/**
 * Runs a query that reads external tables. The plan fetches its external scans itself
 * (fetch-run.ts, with the filters pushed into each); this hook gives it the server's engine.
 */
export async function runWithExternal<T>(
  host: ExternalHost,
  ts: TableSession,
  tables: readonly TableDesc[],
  ctx: EvalContext,
  run: (ctx: EvalContext) => T | Promise<T>,
): Promise<T> {
  void tables;
  externalState(ts).host = host;
  return await run(ctx);
}

/** DROP TABLE naming an external table: PostgreSQL's 42809 for DROP TABLE on a foreign table. */
function refuseDropTableOfExternal(ast: unknown, ts: TableSession): void {
  const n = ast as { kind: string; removeType?: string; objects?: unknown[] };
  if (n.kind !== 'DropStmt' || n.removeType !== 'OBJECT_TABLE') return;
  const drop = fromDropForeignTable({ ...n, removeType: 'OBJECT_FOREIGN_TABLE' });
  for (const q of drop && drop.kind === 'dropExternalTable' ? drop.names : []) {
    const t = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), q.name, q.schema);
    if (t?.external !== undefined) {
      throw new DbError('42809', `"${t.name}" is not a table`, { hint: 'Use DROP FOREIGN TABLE to remove a foreign table.' });
    }
  }
}
