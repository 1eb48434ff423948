// Binding helpers shared by INSERT/UPDATE/DELETE: the scope of a table's own row (slot i =
// attnum i+1), stored DEFAULT and CHECK expressions bound again, PostgreSQL's assignment
// coercion (42804 "column ... is of type ... but expression is of type ..."), and the plan
// shape DML statements hand to the session.

import { viewWriteError, type ViewWrite } from './view-update.js';
import { DbError, findColumn, liveColumns, type ColumnDesc, type TableDesc } from '../../catalog/index.js';
import type { Execution } from '../api.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { tryCoerce } from '../bind/coerce.js';
import { t, typeName } from '../bind/types.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { OutputColumn } from '../exec/query.js';
import { strings, type Node, type ResTarget } from '../parse/ast.js';
import { figureColname } from '../bind/names.js';
import { tablesOfBinder } from '../rel/from.js';
import { RelScope, type RangeEntry } from '../rel/scope.js';
import { rejectWindowCalls } from '../rel/window-bind.js';
import type { BoundCheck } from './write.js';

/** A planned statement over tables: run inside the session's storage transaction. */
import type { ModifyShown } from '../exec/explain-rel.js';

export interface TablePlan {
  /** Result columns (RETURNING / SELECT-like), or null. */
  readonly columns: readonly OutputColumn[] | null;
  run(ctx: EvalContext): Promise<{ rows: Value[][]; tag: string }>;
  /** Statements that are not row results (COPY) produce their Execution themselves. */
  execute?(ctx: EvalContext): Execution | Promise<Execution>;
  /** EXPLAIN: what INSERT/UPDATE/DELETE do (exec/explain-rel.ts). */
  explain?(): ModifyShown;
}

export function tableEntry(tab: TableDesc, alias: string | undefined, offset = 0): RangeEntry {
  return {
    alias: alias ?? tab.name,
    schema: alias ? undefined : tab.schema,
    offset,
    columns: tab.columns.map((c) => ({ name: c.dropped ? '' : c.name, type: t(c.typeOid, c.typmod), tableOid: tab.oid, attnum: c.attnum, ...(c.dropped ? { hidden: true } : {}) })),
  };
}

export function tableScope(b: Binder, tab: TableDesc, alias?: string): RelScope {
  const e = tableEntry(tab, alias);
  return new RelScope([e], e.columns.length, (l) => b.position(l));
}

/** Assignment coercion of `e` to the column's type (typmod applied: 22001, 22003). */
export function assign(b: Binder, e: BoundExpr, col: ColumnDesc, loc: number): BoundExpr {
  const target = t(col.typeOid, col.typmod);
  const r = tryCoerce(b, e, target, 'a');
  if (r) return r;
  const p = b.position(loc);
  throw new DbError('42804', `column "${col.name}" is of type ${typeName(target)} but expression is of type ${typeName(e.type)}`, {
    hint: 'You will need to rewrite or cast the expression.', ...(p !== undefined ? { position: p } : {}),
  });
}

export type DefaultValue =
  | { kind: 'null' }
  | { kind: 'expr'; f: Compiled }
  | { kind: 'nextval'; seq: TableDesc };

/** The column's DEFAULT, bound for this statement. nextval('seq') is recognised directly. */
export function bindDefault(b: Binder, tab: TableDesc, col: ColumnDesc): DefaultValue {
  const ast = col.defaultExpr as Node | undefined;
  if (!ast) return { kind: 'null' };
  const nv = nextvalTarget(ast);
  if (nv !== undefined) {
    const ts = tablesOfBinder(b);
    const parts = nv.split('.');
    const name = parts[parts.length - 1]!;
    const schema = parts.length > 1 ? parts[0] : tab.schema;
    const seq = ts.catalog.table(ts.reader(), ts.host.database, schema!, name);
    if (!seq || seq.kind !== 'sequence') throw new DbError('42P01', `relation "${nv}" does not exist`);
    return { kind: 'nextval', seq };
  }
  const nb = b.withScope(undefined);
  return { kind: 'expr', f: compile(assign(nb, nb.bind(ast), col, -1)) };
}

/** 'seq' when the AST is nextval('seq') (optionally ::regclass), else undefined. */
export function nextvalTarget(ast: Node): string | undefined {
  if (ast.kind !== 'FuncCall') return undefined;
  const fn = strings(ast.funcname);
  if (fn[fn.length - 1] !== 'nextval' || (ast.args ?? []).length !== 1) return undefined;
  let a = ast.args![0]!;
  if (a.kind === 'TypeCast') a = a.arg;
  if (a.kind === 'A_Const' && a.sval !== undefined) return a.sval.sval ?? '';
  return undefined;
}

export async function evalDefault(b: Binder, d: DefaultValue, ctx: EvalContext): Promise<Value> {
  switch (d.kind) {
    case 'null':
      return null;
    case 'expr':
      return d.f([], ctx);
    case 'nextval': {
      const ts = tablesOfBinder(b);
      const v = await ts.catalog.nextval(d.seq);
      ts.seqValues.set(d.seq.oid, v);
      ts.lastSeqOid = d.seq.oid;
      const colType = d.seq.sequence!.typeOid;
      return colType === 20 ? v : Number(v);
    }
    default: {
      const never: never = d;
      return never;
    }
  }
}

export function bindChecks(b: Binder, tab: TableDesc): BoundCheck[] {
  if (tab.checks.length === 0) return [];
  const sb = b.withScope(tableScope(b, tab));
  return tab.checks.map((c) => ({ name: c.name, pred: compile(sb.coerceToBool(sb.bind(c.expr as Node), 'CHECK', -1)) }));
}

/** RETURNING list bound over the table's row: columns and compiled expressions. */
export function bindReturning(b: Binder, tab: TableDesc, list: Node[] | undefined, scope: RelScope): { columns: OutputColumn[]; exprs: Compiled[] } | undefined {
  if (!list || list.length === 0) return undefined;
  rejectWindowCalls(b, list, 'RETURNING');
  const rb = b.withScope(scope);
  const columns: OutputColumn[] = [];
  const exprs: Compiled[] = [];
  for (const n of list) {
    const rt = n as ResTarget;
    const v = rt.val!;
    if (v.kind === 'ColumnRef' && strings(v.fields).slice(-1)[0] === '*') {
      const f = strings(v.fields);
      for (const c of scope.starColumns(f.length > 1 ? f.slice(0, -1) : undefined, v.location ?? -1)) {
        columns.push({ name: c.name, type: c.expr.type });
        exprs.push(compile(c.expr));
      }
      continue;
    }
    const e = rb.resolveUnknown(rb.bind(v));
    columns.push({ name: rt.name ?? figureColname(v), type: e.type });
    exprs.push(compile(e));
  }
  void tab;
  return { columns, exprs };
}

export function project(exprs: Compiled[], row: readonly Value[], ctx: EvalContext): Value[] {
  return exprs.map((f) => f(row, ctx));
}

/** INSERT/UPDATE/DELETE on something that is not a table (PostgreSQL 15's messages; an index
 *  is refused by the parser, with the relation's position). */
export function notWritable(b: Binder, t: TableDesc, op: ViewWrite, location: number): DbError {
  switch (t.kind) {
    case 'view': return viewWriteError(t, op);
    case 'sequence': return new DbError('42809', `cannot change sequence "${t.name}"`);
    case 'index': return b.err('42809', `"${t.name}" is an index`, location);
    default: return new DbError('42809', `cannot change relation "${t.name}"`);
  }
}

/** COPY's column list: named columns in order (42703 unknown, 42701 repeated), else every live column. */
export function copyTargetColumns(tab: TableDesc, attlist: readonly Node[] | undefined): ColumnDesc[] {
  if (!attlist?.length) return liveColumns(tab);
  const cols: ColumnDesc[] = [];
  for (const n of attlist) {
    const name = n.kind === 'String' ? n.sval ?? '' : '';
    const c = findColumn(tab, name);
    if (!c) throw new DbError('42703', `column "${name}" of relation "${tab.name}" does not exist`);
    if (cols.includes(c)) throw new DbError('42701', `column "${name}" specified more than once`);
    cols.push(c);
  }
  return cols;
}
