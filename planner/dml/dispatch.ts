// Which statements run over tables, and their plans. The session asks here for every
// statement kind it does not handle itself; undefined means "not a table statement".

import { DbError } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext } from '../bind/expr.js';
import type { CopyStmt, Node } from '../parse/ast.js';
import { planCopyTable } from './copy.js';
import { planCreateView, type ViewStmtNode } from '../ddl/view.js';
import { planCreateIndex, type IndexStmtNode } from '../ddl/index-ddl.js';
import { planAlterTable, type AlterTableStmtNode } from '../ddl/alter.js';
import { planRename, type RenameStmtNode } from '../ddl/rename.js';
import { planAlterSequence, type AlterSeqStmtNode } from '../ddl/sequence-ddl.js';
import { planCreateTable, type CreateStmtNode } from '../ddl/create-table.js';
import { planCreateSchema, planCreateSequence, planDrop, planTruncate, type CreateSchemaStmtNode, type CreateSeqStmtNode, type DropStmtNode, type TruncateStmtNode } from '../ddl/drop.js';
import { planCreateTableAs, type CreateTableAsNode } from '../ddl/create-as.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TablePlan } from './common.js';
import { planInsert, type InsertStmtNode } from './insert.js';
import { planDelete, planUpdate, type DeleteStmtNode, type UpdateStmtNode } from './modify.js';

const WRITE_COMMANDS: Record<string, string> = {
  InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', CreateStmt: 'CREATE TABLE', DropStmt: 'DROP',
  TruncateStmt: 'TRUNCATE TABLE', CopyStmt: 'COPY', AlterTableStmt: 'ALTER TABLE', IndexStmt: 'CREATE INDEX', ViewStmt: 'CREATE VIEW', RenameStmt: 'ALTER TABLE', CreateSchemaStmt: 'CREATE SCHEMA', CreateSeqStmt: 'CREATE SEQUENCE', AlterSeqStmt: 'ALTER SEQUENCE', CreateTableAsStmt: 'CREATE TABLE AS',
};

export function planTableStatement(b: Binder, ast: Node): TablePlan | undefined {
  const p = planStatement(b, ast);
  const kind = (ast as { kind: string }).kind;
  const cmd = kind === 'CopyStmt' && !(ast as unknown as CopyStmt).is_from ? undefined : WRITE_COMMANDS[kind];
  if (!p || !cmd) return p;
  // A read-only transaction refuses writes at execution time (SET TRANSACTION READ ONLY may
  // come after planning), with PostgreSQL's 25006.
  const check = (): void => {
    if (tablesOfBinder(b).host.getSetting('transaction_read_only') === 'on') throw new DbError('25006', `cannot execute ${cmd} in a read-only transaction`);
  };
  return {
    columns: p.columns,
    ...(p.execute ? { execute: (ctx: EvalContext) => { check(); return p.execute!(ctx); } } : {}),
    ...(p.explain ? { explain: p.explain } : {}),
    run(ctx) {
      if (tablesOfBinder(b).host.getSetting('transaction_read_only') === 'on') {
        return Promise.reject(new DbError('25006', `cannot execute ${cmd} in a read-only transaction`));
      }
      return p.run(ctx);
    },
  };
}

function planStatement(b: Binder, ast: Node): TablePlan | undefined {
  const n = ast as unknown as { kind: string };
  switch (n.kind) {
    case 'InsertStmt':
      return planInsert(b, n as InsertStmtNode);
    case 'UpdateStmt':
      return planUpdate(b, n as UpdateStmtNode);
    case 'DeleteStmt':
      return planDelete(b, n as DeleteStmtNode);
    case 'CreateStmt':
      return planCreateTable(b, n as CreateStmtNode);
    case 'DropStmt':
      return planDrop(b, n as DropStmtNode);
    case 'TruncateStmt':
      return planTruncate(b, n as TruncateStmtNode);
    case 'CreateSchemaStmt':
      return planCreateSchema(b, n as CreateSchemaStmtNode);
    case 'AlterSeqStmt':
      return planAlterSequence(b, n as AlterSeqStmtNode);
    case 'CreateSeqStmt':
      return planCreateSequence(b, n as CreateSeqStmtNode);
    case 'CreateTableAsStmt':
      return planCreateTableAs(b, n as CreateTableAsNode);
    case 'CopyStmt': {
      const c = n as unknown as CopyStmt;
      return c.relation ? planCopyTable(b, c) : undefined;
    }
    case 'ViewStmt':
      return planCreateView(b, n as ViewStmtNode);
    case 'IndexStmt':
      return planCreateIndex(b, n as IndexStmtNode);
    case 'AlterTableStmt':
      return planAlterTable(b, n as AlterTableStmtNode);
    case 'RenameStmt':
      return planRename(b, n as RenameStmtNode);
    case 'VacuumStmt':
      return planVacuum(b, n as { kind: string; is_vacuumcmd?: boolean; options?: Node[] });
    case 'CheckPointStmt':
      return planCheckpoint(b);
    default:
      return undefined;
  }
}

/** CHECKPOINT writes every memtable to segment files now and waits (PostgreSQL flushes dirty
 *  buffers; here the WAL's tail becomes segments, so a restart replays less and scans read
 *  column vectors). Every user is a superuser here, so PostgreSQL 15's pg_checkpoint check
 *  always passes. Allowed inside a transaction block, as in PostgreSQL. */
function planCheckpoint(b: Binder): TablePlan {
  return {
    columns: null,
    async run() {
      await tablesOfBinder(b).db.flush();
      return { rows: [], tag: 'CHECKPOINT' };
    },
  };
}

/** VACUUM compacts the LSM now (what a vacuum can do here); ANALYZE has no statistics to refresh
 *  yet, so it only checks the named tables exist. Both return PostgreSQL's tag. */
function planVacuum(b: Binder, s: { is_vacuumcmd?: boolean; options?: Node[] }): TablePlan {
  const vacuum = s.is_vacuumcmd === true;
  return {
    columns: null,
    async run() {
      const ts = tablesOfBinder(b);
      if (vacuum) {
        if (ts.host.inTransactionBlock()) throw new DbError('25001', 'VACUUM cannot run inside a transaction block');
        await ts.db.compactNow();
      }
      return { rows: [], tag: vacuum ? 'VACUUM' : 'ANALYZE' };
    },
  };
}
