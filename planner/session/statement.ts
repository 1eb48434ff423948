// Parsed statements and prepared plans as the session hands them to wire/: the ParsedStatement
// and PreparedStatement of planner/api.ts, carrying the AST and the plan behind the contract.

import type { Field, ParsedStatement, PreparedStatement } from '../api.js';
import type { Node, VariableSetStmt, TransactionStmt, CopyStmt } from '../parse/ast.js';
import type { SourceStatement, SourceText } from '../parse/parser.js';
import type { ParamHit, ParamTemplate } from '../parse/literal-cache.js';
import type { Value } from '../api.js';
import type { QueryPlan } from '../exec/query.js';
import type { TablePlan } from '../dml/index.js';
import type { CopyOptions } from './copy-out.js';

export type Plan =
  | { kind: 'query'; query: QueryPlan; external?: readonly import('../../catalog/index.js').TableDesc[] /* issue 5: fetched before running */ }
  | { kind: 'set'; stmt: VariableSetStmt }
  | { kind: 'show'; name: string }
  | { kind: 'transaction'; stmt: TransactionStmt }
  | { kind: 'createdb'; name: string }
  | { kind: 'dropdb'; name: string; missingOk: boolean; force: boolean }
  | { kind: 'discard'; target: string }
  | { kind: 'copyOut'; query: QueryPlan; options: CopyOptions; stmt: CopyStmt }
  /** issue 4: statements over tables (DML, DDL). */
  | { kind: 'table'; plan: TablePlan }
  /** SQL-level prepared statements (PREPARE / EXECUTE / DEALLOCATE). */
  | { kind: 'prepare'; name: string; prepared: Prepared }
  | { kind: 'execute'; name: string; target: Prepared; args: BoundArgs }
  | { kind: 'deallocate'; name: string | undefined };

/** EXECUTE's argument expressions, compiled, with the evaluation they need. */
export interface BoundArgs {
  evaluate(ctx: import('../bind/expr.js').EvalContext): import('../api.js').Value[];
}

/** Per statement, plans for a few distinct parameter-type lists are kept (typically one). */
export const PLANS_PER_STATEMENT_MAX = 4;

export class Statement implements ParsedStatement {
  readonly commandName: string;
  /** Cached plans by parameter-type list (key: OIDs joined by ','). */
  readonly plans = new Map<string, Prepared>();
  /**
   * Set when the text was served by a parameterised template (parse/literal-params.ts): the
   * plan of `template` with `values` as its parameters runs this text; the exact AST is only
   * built when something asks for it (fallback planning, logs).
   */
  readonly literalParams: { template: ParamTemplate; values: readonly Value[] } | undefined;
  private exact: SourceStatement | (() => SourceStatement);

  constructor(s: SourceStatement | ParamHit) {
    if ('template' in s) {
      this.literalParams = { template: s.template, values: s.values };
      this.exact = s.exact;
      this.commandName = commandNameOf(s.template.stmt.ast);
    } else {
      this.literalParams = undefined;
      this.exact = s;
      this.commandName = commandNameOf(s.ast);
    }
  }

  private get source_(): SourceStatement {
    if (typeof this.exact === 'function') this.exact = this.exact();
    return this.exact;
  }

  /** The statement's own text. */
  get sql(): string {
    return this.source_.sql;
  }

  get ast(): Node {
    return this.source_.ast;
  }

  get source(): SourceText {
    return this.source_.source;
  }
}

export class Prepared implements PreparedStatement {
  constructor(
    readonly stmt: Statement,
    readonly paramOids: readonly number[],
    readonly fields: readonly Field[] | null,
    readonly plan: Plan,
    /** Session plan epoch at planning time (plans depend on settings used for literal input). */
    readonly epoch: number,
    /** Parameter values fixed by the statement's own literals (a parameterised template's plan). */
    readonly literalValues?: readonly Value[],
  ) {}
}

export function commandNameOf(n: Node): string {
  switch (n.kind) {
    case 'SelectStmt':
      return 'SELECT';
    case 'VariableSetStmt':
      return n.varKind === 'VAR_RESET' || n.varKind === 'VAR_RESET_ALL' ? 'RESET' : 'SET';
    case 'VariableShowStmt':
      return 'SHOW';
    case 'TransactionStmt':
      switch (n.txKind) {
        case 'TRANS_STMT_BEGIN': return 'BEGIN';
        case 'TRANS_STMT_START': return 'START TRANSACTION';
        case 'TRANS_STMT_COMMIT': return 'COMMIT';
        case 'TRANS_STMT_ROLLBACK': case 'TRANS_STMT_ROLLBACK_TO': return 'ROLLBACK';
        case 'TRANS_STMT_SAVEPOINT': return 'SAVEPOINT';
        case 'TRANS_STMT_RELEASE': return 'RELEASE';
        case 'TRANS_STMT_PREPARE': return 'PREPARE TRANSACTION';
        case 'TRANS_STMT_COMMIT_PREPARED': return 'COMMIT PREPARED';
        case 'TRANS_STMT_ROLLBACK_PREPARED': return 'ROLLBACK PREPARED';
        default: return 'TRANSACTION';
      }
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'DiscardStmt':
      return 'DISCARD';
    case 'CopyStmt':
      return 'COPY';
    case 'ExplainStmt':
      return 'EXPLAIN';
    default:
      return OTHER_COMMANDS[(n as { kind: string }).kind] ?? (n as { kind: string }).kind.replace(/Stmt$/, '').toUpperCase();
  }
}

const OTHER_COMMANDS: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  DropStmt: 'DROP',
  AlterTableStmt: 'ALTER TABLE',
  IndexStmt: 'CREATE INDEX',
  CreateSchemaStmt: 'CREATE SCHEMA',
  ViewStmt: 'CREATE VIEW',
  TruncateStmt: 'TRUNCATE TABLE',
  VacuumStmt: 'VACUUM',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  LockStmt: 'LOCK TABLE',
  DeclareCursorStmt: 'DECLARE CURSOR',
  FetchStmt: 'FETCH',
  ClosePortalStmt: 'CLOSE CURSOR',
  ListenStmt: 'LISTEN',
  NotifyStmt: 'NOTIFY',
  UnlistenStmt: 'UNLISTEN',
  DoStmt: 'DO',
  CreateFunctionStmt: 'CREATE FUNCTION',
  GrantStmt: 'GRANT',
  CreateRoleStmt: 'CREATE ROLE',
  CheckPointStmt: 'CHECKPOINT',
};
