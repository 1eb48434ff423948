// FROM-clause planning: tables, joins (inner/left/right/full/cross, ON, USING, NATURAL),
// subqueries and VALUES in FROM, each turned into an operator tree plus the scope that names
// its output slots. WHERE-clause key conditions are pushed into table scans afterwards
// (select.ts) through the `scans` list.

import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Binder, Scope } from '../bind/binder.js';
import type { BoundExpr } from '../bind/expr.js';
import { t } from '../bind/types.js';
import { commonType, coerceAllTo } from '../bind/coerce.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { Node, SelectStmt } from '../parse/ast.js';
import { planQuery } from '../exec/query.js';
import { JoinNode, type EquiKey, type JoinKind } from './join.js';
import { LateralJoinNode, lateralCorrelation } from './lateral.js';
import { ProjectNode, RowsNode, type RelNode } from './ops.js';
import { ScanNode, conjuncts } from './scan.js';
import { OutOfReachScope, RelScope, type RangeEntry, type StarColumn } from './scope.js';
import type { TableSession } from './runtime.js';
import { findCte } from './with.js';
import { planFunctionInFrom } from './srf.js';
import { strings } from '../parse/ast.js';
import { externalState } from '../external/fetch-run.js'; // issue 5
import { offerShipping } from '../external/ship.js'; // issue 5

/** AST shapes of FROM items (libpg-query's names; not in parse/ast.ts's Node union). */
interface Alias { aliasname?: string; colnames?: Node[] }
interface RangeVarNode { kind: 'RangeVar'; relname?: string; schemaname?: string; catalogname?: string; alias?: Alias; location?: number }
interface JoinExprNode { kind: 'JoinExpr'; jointype?: string; isNatural?: boolean; larg: FromNode; rarg: FromNode; usingClause?: Node[]; quals?: Node; alias?: Alias }
interface RangeSubselectNode { kind: 'RangeSubselect'; lateral?: boolean; subquery: SelectStmt; alias?: Alias }
type FromNode = RangeVarNode | JoinExprNode | RangeSubselectNode | { kind: string; location?: number };

export interface ScanRef {
  scan: ScanNode;
  offset: number;
}

export interface FromResult {
  node: RelNode;
  entries: RangeEntry[];
  /** What `*` expands to, in order. */
  visible: StarColumn[];
  merged: Map<string, BoundExpr>;
  width: number;
  /** Entries hidden by a join alias (RelScope.unreachable: for error messages only). */
  unreachable?: RangeEntry[];
}

function unreachableOf(...rs: FromResult[]): { unreachable?: RangeEntry[] } {
  const all = rs.flatMap((r) => r.unreachable ?? []);
  return all.length > 0 ? { unreachable: all } : {};
}

export function tablesOfBinder(b: Binder): TableSession {
  if (!b.tables) throw new DbError('XX000', 'table access without a storage session');
  return b.tables;
}

export function lookupTable(b: Binder, relname: string, schemaname: string | undefined, location: number): TableDesc {
  const ts = tablesOfBinder(b);
  const tab = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), relname, schemaname);
  if (!tab) {
    const name = schemaname ? `${schemaname}.${relname}` : relname;
    throw b.err('42P01', `relation "${name}" does not exist`, location);
  }
  return tab;
}

function aliasNames(a: Alias | undefined): string[] {
  return (a?.colnames ?? []).map((n) => (n.kind === 'String' ? n.sval ?? '' : ''));
}

function entryVisible(scope: RelScope, e: RangeEntry): StarColumn[] {
  const out: StarColumn[] = [];
  e.columns.forEach((c, i) => {
    if (!c.hidden) out.push({ name: c.name, expr: scope.slot(e, i, -1), tableOid: c.tableOid, attnum: c.attnum });
  });
  return out;
}

/**
 * `target`: UPDATE/DELETE's own table entry, which its FROM/USING items may not name (PostgreSQL
 * marks it p_lateral_only and not p_lateral_ok while they are planned); given, such a name gets
 * PostgreSQL's "invalid reference" errors (OutOfReachScope) instead of "missing".
 */
export function planFromList(b: Binder, items: Node[], scans: ScanRef[], startOffset = 0, target?: RangeEntry): FromResult {
  let acc: FromResult | undefined;
  const hidden = target ? [target] : [];
  for (const it of items) {
    const { r, params } = planRightOf(b, acc, startOffset, it as unknown as FromNode, startOffset + (acc?.width ?? 0), scans, hidden);
    if (!acc) acc = r;
    else {
      const names = new Set(acc.entries.map((e) => e.alias).filter((x) => x !== undefined));
      for (const e of r.entries) {
        if (e.alias !== undefined && names.has(e.alias) && e.schema === undefined) {
          throw new DbError('42712', `table name "${e.alias}" specified more than once`);
        }
      }
      acc = {
        node: params ? new LateralJoinNode(acc.node, r.node, 'cross', undefined, params) : new JoinNode(acc.node, r.node, 'cross', undefined, []),
        entries: [...acc.entries, ...r.entries],
        visible: [...acc.visible, ...r.visible],
        merged: new Map([...acc.merged, ...r.merged]),
        width: acc.width + r.width,
        ...unreachableOf(acc, r),
      };
    }
  }
  return acc!;
}

/**
 * LATERAL subqueries and functions in FROM may read the items to their left (lateral.ts); so
 * may a join after a comma that contains one (`FROM a, b JOIN LATERAL (VALUES (a.i)) s ON …`).
 */
function isLateralItem(item: FromNode): boolean {
  return (item.kind === 'RangeSubselect' && (item as RangeSubselectNode).lateral === true) || item.kind === 'RangeFunction' || item.kind === 'JoinExpr';
}

/**
 * Plans a FROM item that has `left` before it. A lateral item that names left columns comes
 * back with `params`: the left-row values (left-relative slots) its plan reads as outer references.
 */
function planRightOf(b: Binder, left: FromResult | undefined, leftOffset: number, item: FromNode, offset: number, scans: ScanRef[], hidden: RangeEntry[]): { r: FromResult; params?: Compiled[] } {
  if (!left) return { r: planFromItem(b, item, offset, scans, hidden) };
  if (!isLateralItem(item)) {
    // The items to the left exist but are out of this item's reach (their names get PostgreSQL's errors).
    return { r: planFromItem(b.withScope(new OutOfReachScope(b.scope, left.entries, false, (l) => b.position(l))), item, offset, scans, hidden) };
  }
  const corr = lateralCorrelation(b, left, leftOffset);
  // A join after a comma is planned here so LATERAL items inside it reach the left items; its
  // ON clauses do not (PostgreSQL: "invalid reference to FROM-clause entry").
  const on = item.kind === 'JoinExpr' ? new OutOfReachScope(withHidden(b, hidden, false).scope, left.entries, false, (l) => b.position(l)) : undefined;
  const r = planFromItem(b.withScope(corr), item, offset, scans, hidden, on);
  if (corr.exprs.length === 0) return { r };
  return { r, params: corr.exprs.map((e) => compile(shiftColumns(e, -leftOffset))) };
}

/** `b` with UPDATE/DELETE's target out of reach (LATERAL active for `lateral` items), when there is one. */
function withHidden(b: Binder, hidden: RangeEntry[], lateral: boolean): Binder {
  return hidden.length === 0 ? b : b.withScope(new OutOfReachScope(b.scope, hidden, lateral, (l) => b.position(l)));
}

/** `on`: the parent scope of the ON clauses of a join planned as a LATERAL-capable item (planRightOf). */
function planFromItem(b0: Binder, item: FromNode, offset: number, scans: ScanRef[], hidden: RangeEntry[] = [], on?: Scope): FromResult {
  const lateral = (item.kind === 'RangeSubselect' && (item as RangeSubselectNode).lateral === true) || item.kind === 'RangeFunction';
  const b = item.kind === 'JoinExpr' ? b0 : withHidden(b0, hidden, lateral);
  switch (item.kind) {
    case 'RangeVar': {
      const rv = item as RangeVarNode;
      // RangeVarGetRelidExtended: a database name other than the current one is refused first.
      if (rv.catalogname !== undefined && rv.catalogname !== tablesOfBinder(b).host.database) {
        throw b.err('0A000', `cross-database references are not implemented: "${rv.catalogname}.${rv.schemaname}.${rv.relname}"`, rv.location ?? -1);
      }
      const cte = rv.schemaname === undefined ? findCte(b, rv.relname ?? '') : undefined;
      if (cte) {
        const renames = aliasNames(rv.alias);
        const entry: RangeEntry = {
          alias: rv.alias?.aliasname ?? rv.relname, schema: undefined, offset,
          columns: cte.columns.map((c, i) => ({ name: renames[i] ?? c.name, type: c.type, tableOid: 0, attnum: 0 })),
        };
        const node = new RowsNode(entry.columns.length, (ctx) => cte.rows(ctx), `CTE Scan on ${rv.relname}`, cte.plan);
        node.alias = rv.alias?.aliasname;
        const scope = new RelScope([entry], offset + entry.columns.length, (l) => b.position(l));
        return { node, entries: [entry], visible: entryVisible(scope, entry), merged: new Map(), width: entry.columns.length };
      }
      const tab = lookupTable(b, rv.relname ?? '', rv.schemaname, rv.location ?? -1);
      if (tab.kind === 'index') throw b.err('42809', `"${tab.name}" is an index`, rv.location ?? -1);
      if (tab.kind === 'view') {
        // The view's query, planned afresh (PostgreSQL's rewriter expands views the same way).
        const sub = planQuery(b.forViewQuery(tab.oid, tab.name), tab.viewQuery as SelectStmt);
        const renames = aliasNames(rv.alias);
        const entry: RangeEntry = {
          alias: rv.alias?.aliasname ?? tab.name, schema: rv.alias ? undefined : tab.schema, offset,
          columns: sub.columns.map((c, i) => ({ name: renames[i] ?? tab.columns[i]?.name ?? c.name, type: c.type, tableOid: tab.oid, attnum: i + 1 })),
        };
        const node = new RowsNode(entry.columns.length, (ctx) => {
          const r = sub.run(ctx);
          if (r instanceof Promise) throw new DbError('0A000', 'functions that wait (pg_sleep) inside views are not supported yet');
          return r;
        }, `View Scan on ${rv.alias?.aliasname ?? tab.name}`, sub, sub.rowsNode);
        const scope = new RelScope([entry], offset + entry.columns.length, (l) => b.position(l));
        return { node, entries: [entry], visible: entryVisible(scope, entry), merged: new Map(), width: entry.columns.length };
      }
      if (tab.kind !== 'table') throw b.unsupported(`selecting from sequence "${tab.name}"`, rv.location ?? -1);
      const renames = aliasNames(rv.alias);
      const live = tab.columns.filter((c) => !c.dropped);
      if (renames.length > live.length) {
        throw new DbError('42P10', `table "${rv.alias?.aliasname}" has ${live.length} columns available but ${renames.length} columns specified`);
      }
      let li = 0;
      const entry: RangeEntry = {
        alias: rv.alias?.aliasname ?? tab.name,
        schema: rv.alias ? undefined : tab.schema,
        ...(rv.alias ? { relname: tab.name } : {}),
        offset,
        columns: tab.columns.map((c) => {
          const name = c.dropped ? '' : renames[li++] ?? c.name;
          return { name, type: t(c.typeOid, c.typmod), tableOid: tab.oid, attnum: c.attnum, ...(c.dropped ? { hidden: true } : {}) };
        }),
      };
      const scan = new ScanNode(tab, { kind: 'full' });
      scan.alias = rv.alias?.aliasname;
      if (tab.external !== undefined) { // issue 5
        scan.external = externalState(tablesOfBinder(b)).scan(tab);
        scan.external.alias = rv.alias?.aliasname ?? tab.name;
      }
      scans.push({ scan, offset });
      const scope = new RelScope([entry], offset + entry.columns.length, (l) => b.position(l));
      return { node: scan, entries: [entry], visible: entryVisible(scope, entry), merged: new Map(), width: entry.columns.length };
    }
    case 'RangeSubselect': {
      const rs = item as RangeSubselectNode;
      // Outer references (an enclosing query's columns) stay visible; sibling FROM items only
      // to a LATERAL subquery, whose binder scope planRightOf made the left items' scope.
      const sub = planQuery(b, rs.subquery);
      const renames = aliasNames(rs.alias);
      const entry: RangeEntry = {
        alias: rs.alias?.aliasname,
        schema: undefined,
        offset,
        columns: sub.columns.map((c, i) => ({ name: renames[i] ?? c.name, type: c.type, tableOid: 0, attnum: 0 })),
      };
      const node = new RowsNode(entry.columns.length, (ctx) => {
        const r = sub.run(ctx);
        if (r instanceof Promise) throw new DbError('0A000', 'functions that wait (pg_sleep) inside a subquery in FROM are not supported yet');
        return r;
      }, `Subquery Scan on ${rs.alias?.aliasname ?? 'unnamed_subquery'}`, sub.rowsNode ? { node: sub.rowsNode } : sub, sub.rowsNode);
      const scope = new RelScope([entry], offset + entry.columns.length, (l) => b.position(l));
      return { node, entries: [entry], visible: entryVisible(scope, entry), merged: new Map(), width: entry.columns.length };
    }
    case 'JoinExpr':
      return planJoin(b, item as JoinExprNode, offset, scans, hidden, on);
    case 'RangeFunction': {
      const rf = item as unknown as { lateral?: boolean; ordinality?: boolean; functions?: Node[]; alias?: Alias; is_rowsfrom?: boolean };
      if (rf.is_rowsfrom || (rf.functions ?? []).length !== 1) throw b.unsupported('ROWS FROM');
      const list = rf.functions![0]!;
      const call = (list.kind === 'List' ? list.items?.[0] : undefined) as Node | undefined;
      if (!call || call.kind !== 'FuncCall') throw b.unsupported('this function in FROM');
      const renames = aliasNames(rf.alias);
      // Arguments see outer references and, through planRightOf, the FROM items to the left.
      const fr = planFunctionInFrom(b.withScope(b.scope), call, rf.ordinality === true, renames[0] ?? (rf.alias?.aliasname && !rf.ordinality ? rf.alias.aliasname : undefined));
      fr.node.alias = rf.alias?.aliasname;
      const entry: RangeEntry = {
        alias: rf.alias?.aliasname ?? strings(call.funcname).slice(-1)[0], schema: undefined, offset,
        columns: fr.columns.map((c, i) => ({ name: renames[i] ?? c.name, type: c.type, tableOid: 0, attnum: 0 })),
      };
      const scope = new RelScope([entry], offset + entry.columns.length, (l) => b.position(l));
      return { node: fr.node, entries: [entry], visible: entryVisible(scope, entry), merged: new Map(), width: entry.columns.length };
    }
    default:
      throw b.unsupported(`FROM item ${item.kind}`, (item as { location?: number }).location ?? -1);
  }
}

function planJoin(b: Binder, j: JoinExprNode, offset: number, scans: ScanRef[], hidden: RangeEntry[], on: Scope | undefined): FromResult {
  if (!j.alias) return planJoinItems(b, j, offset, scans, hidden, on);
  const scansBefore = scans.length;
  const r = planJoinItems(b, j, offset, scans, hidden, on);
  // The aliased join's slots are its visible columns (below), not its inputs' slots, so a key
  // condition on them must not reach the scans inside: they keep full scans.
  scans.splice(scansBefore);
  return aliasedJoin(b, r, j.alias, offset);
}

/**
 * `(a JOIN b) AS j [(c, ...)]`: the alias hides the component items completely (PostgreSQL's
 * transformFromClauseItem: the join's namespace item is the only one left); its columns are
 * the join's visible columns (USING/NATURAL's merged ones first), renamed by the column aliases,
 * computed into fresh slots by a projection.
 */
function aliasedJoin(b: Binder, r: FromResult, alias: Alias, offset: number): FromResult {
  const renames = aliasNames(alias);
  const name = alias.aliasname ?? '';
  if (renames.length > r.visible.length) {
    throw new DbError('42P10', `join expression "${name}" has ${r.visible.length} columns available but ${renames.length} columns specified`);
  }
  const exprs = r.visible.map((c) => c.expr);
  const node = new ProjectNode(r.node, exprs.map((e) => compile(shiftColumns(e, -offset))), { exprs, slots: { kind: 'entries', entries: r.entries } });
  const entry: RangeEntry = {
    alias: name, schema: undefined, offset,
    columns: r.visible.map((c, i) => ({ name: renames[i] ?? c.name, type: c.expr.type, tableOid: c.tableOid, attnum: c.attnum })),
  };
  const scope = new RelScope([entry], offset + entry.columns.length, (l) => b.position(l));
  return { node, entries: [entry], visible: entryVisible(scope, entry), merged: new Map(), width: entry.columns.length, unreachable: [...r.entries, ...r.unreachable ?? []] };
}

function planJoinItems(b: Binder, j: JoinExprNode, offset: number, scans: ScanRef[], hidden: RangeEntry[], on: Scope | undefined): FromResult {
  const left = planFromItem(b, j.larg, offset, scans, hidden, on);
  const { r: right, params } = planRightOf(b, left, offset, j.rarg, offset + left.width, scans, hidden);
  const entries = [...left.entries, ...right.entries];
  const width = left.width + right.width;
  const scope = new RelScope(entries, offset + width, (l) => b.position(l));
  for (const [k, v] of [...left.merged, ...right.merged]) scope.merged.set(k, v);
  scope.parent = on ?? withHidden(b, hidden, false).scope; // correlated subqueries may name outer columns in ON
  scope.unreachable = unreachableOf(left, right).unreachable ?? [];
  const jb = b.withScope(scope);
  let kind: JoinKind = ({ JOIN_INNER: 'inner', JOIN_LEFT: 'left', JOIN_RIGHT: 'right', JOIN_FULL: 'full' } as Record<string, JoinKind>)[j.jointype ?? 'JOIN_INNER'] ?? 'inner';
  if (j.jointype && !['JOIN_INNER', 'JOIN_LEFT', 'JOIN_RIGHT', 'JOIN_FULL'].includes(j.jointype)) throw b.unsupported(`join type ${j.jointype}`);
  let using: string[] | undefined;
  if (j.isNatural) {
    const rn = new Set(right.visible.map((c) => c.name));
    using = left.visible.map((c) => c.name).filter((n) => rn.has(n));
  } else if (j.usingClause) using = j.usingClause.map((n) => (n.kind === 'String' ? n.sval ?? '' : ''));
  let cond: BoundExpr | undefined;
  const merged = new Map<string, BoundExpr>();
  let visible: StarColumn[];
  if (using) {
    const conds: BoundExpr[] = [];
    const mergedCols: StarColumn[] = [];
    for (const name of using) {
      const lc = left.visible.filter((c) => c.name === name);
      const rc = right.visible.filter((c) => c.name === name);
      if (lc.length === 0) throw new DbError('42703', `column "${name}" specified in USING clause does not exist in left table`);
      if (rc.length === 0) throw new DbError('42703', `column "${name}" specified in USING clause does not exist in right table`);
      if (lc.length > 1) throw new DbError('42702', `common column name "${name}" appears more than once in left table`);
      if (rc.length > 1) throw new DbError('42702', `common column name "${name}" appears more than once in right table`);
      const l = lc[0]!.expr, r = rc[0]!.expr;
      conds.push(jb.operator('=', l, r, -1));
      let m: BoundExpr;
      if (kind === 'full') {
        const ty = commonType(jb, [l, r], 'JOIN/USING', -1);
        m = { kind: 'coalesce', args: coerceAllTo(jb, [l, r], ty, 'JOIN/USING', -1), type: ty };
      } else m = kind === 'right' ? r : l;
      merged.set(name, m);
      mergedCols.push({ name, expr: m, tableOid: 0, attnum: 0 });
    }
    cond = conds.length === 0 ? undefined : conds.length === 1 ? conds[0] : { kind: 'and', args: conds, type: conds[0]!.type };
    const u = new Set(using);
    visible = [...mergedCols, ...left.visible.filter((c) => !u.has(c.name)), ...right.visible.filter((c) => !u.has(c.name))];
  } else {
    if (j.quals) cond = jb.coerceToBool(jb.bind(j.quals), 'JOIN/ON', -1);
    else if (kind === 'inner') kind = 'cross';
    visible = [...left.visible, ...right.visible];
  }
  // Equalities between a left slot and a right slot let the join hash the right input.
  const equi: EquiKey[] = [];
  const lo = offset, mid = offset + left.width, hi = offset + width;
  for (const c of conjuncts(cond)) {
    if (c.kind !== 'call' || c.name !== '=' || c.args.length !== 2) continue;
    const [x, y] = c.args as [BoundExpr, BoundExpr];
    if (x.kind !== 'column' || y.kind !== 'column') continue;
    if (!hashable(x.type.oid, y.type.oid)) continue;
    if (x.index >= lo && x.index < mid && y.index >= mid && y.index < hi) equi.push({ left: x.index - lo, right: y.index - mid });
    else if (y.index >= lo && y.index < mid && x.index >= mid && x.index < hi) equi.push({ left: y.index - lo, right: x.index - mid });
  }
  offerShipping(kind, left.node, right.node, equi, offset); // issue 5: native keys into an external scan
  // The join's own rows start at slot 0; the condition reads absolute slots, so shift it.
  const compiled = cond ? compile(shiftColumns(cond, -offset)) : undefined;
  if (params) {
    if (kind !== 'inner' && kind !== 'left' && kind !== 'cross') throw b.err('42P10', `invalid reference to FROM-clause entry for table "${left.entries[0]?.alias ?? ''}"`, -1);
    return { node: new LateralJoinNode(left.node, right.node, kind, compiled, params, { cond, slots: { kind: 'entries', entries }, offset }), entries, visible, merged, width, ...unreachableOf(left, right) };
  }
  return { node: new JoinNode(left.node, right.node, kind, compiled, equi, { cond, slots: { kind: 'entries', entries }, offset }), entries, visible, merged, width, ...unreachableOf(left, right) };
}

const INTS = new Set([20, 21, 23]);
function hashable(a: number, b: number): boolean {
  if (a === b) return a !== 1042 && a !== 114; // bpchar ignores trailing blanks; json has no equality
  return INTS.has(a) && INTS.has(b);
}

/** A copy of `e` whose column slots are moved by `delta`. */
export function shiftColumns(e: BoundExpr, delta: number): BoundExpr {
  if (delta === 0) return e;
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return x;
    const o = x as Record<string, unknown>;
    if (o['kind'] === 'column') return { ...o, index: (o['index'] as number) + delta };
    if (typeof o['kind'] !== 'string' && !('cond' in o)) return x; // values (Numeric, Interval) stay as they are
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = k === 'impl' || k === 'eq' || k === 'eqs' || k === 'cmp' || k === 'value' || k === 'type' ? v : walk(v);
    return out;
  };
  return walk(e) as BoundExpr;
}
