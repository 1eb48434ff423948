// SELECT with a FROM clause (or with aggregates): FROM → WHERE (key conditions pushed into
// scans) → GROUP BY / aggregates / HAVING → target list → DISTINCT → ORDER BY → LIMIT/OFFSET,
// PostgreSQL's order of evaluation. ORDER BY may name output columns (by name or position) or
// any expression over the input; the latter ride along as extra slots that are trimmed.
//
// Aggregates: the target list, HAVING and ORDER BY are rewritten before binding: each
// aggregate call and each GROUP BY expression is replaced by a reference to a slot of the
// aggregate's output row ([group values..., aggregate results...]); a plain column that is
// not grouped is 42803, as in PostgreSQL.

import { DbError } from '../../catalog/index.js';
import type { Binder, Scope } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { figureColname } from '../bind/names.js';
import { T, typeName } from '../bind/types.js';
import { compile, type Compiled } from '../eval/compile.js';
import { comparatorFor } from '../eval/compare.js';
import type { OutputColumn, QueryPlan } from '../exec/query.js';
import { strings, type ColumnRef, type FuncCall, type Node, type ResTarget, type SelectStmt, type SortBy } from '../parse/ast.js';
import { AggNode, resolveAggregate, type AggSpec } from './agg.js';
import { containsAggregate, isAggregateCall, rewrite, shapeKey } from './ast-walk.js';
import { planFromList, type FromResult, type ScanRef } from './from.js';
import { DistinctNode, FilterNode, iter, rowKey, LimitNode, ProjectNode, RowsNode, SortNode, tooMany, TrimNode, type RelNode, type Row, type SortKey } from './ops.js';
import { chooseAccess, pointResidual } from './scan.js';
import { RelScope } from './scope.js';
import { isStarSubLink, starSubLinkName } from './sublink.js';
import { findWindowCall, planWindowStage, rejectWindowCalls, rejectWindowCallsInFrom } from './window-bind.js';
import { WindowNode } from './window.js';
import { readsOnlyLateralOuter } from './lateral.js';
import { findTargetSrf, planProjectSet, rejectSrfCalls, type ProjectSetNode } from './project-set.js';
import { containsGroupingFunc, expandGroupClause, groupingFuncExpr, groupingFuncItems } from './grouping.js';
import type { SlotNames } from '../exec/explain-deparse.js';
import { externalState, runFetching } from '../external/fetch-run.js'; // issue 5
import type { ExternalScan } from '../external/scan-spec.js'; // issue 5
import { matchPlacementA, placementAPlan } from '../external/placement-a.js'; // issue 5
import { matchUnionAggregate } from './partial-agg.js'; // issue 5
import { partialBranchPlan, partialSpecOf, planDecomposed, unionViewForm } from './partial-plan.js'; // issue 5
import { leaked, streamingScans, SUSPEND } from './suspend.js'; // issue 5
import { RelCursor, resultRowsMax } from './rel-cursor.js';
import { openFetchingCursor } from './rel-cursor-fetch.js'; // issue 5
import type { RowCursor } from '../api.js';

const MAGIC = '\u0001';

function magicRef(name: string): ColumnRef {
  return { kind: 'ColumnRef', fields: [{ kind: 'String', sval: MAGIC + name }] };
}

/**
 * `SELECT generate_series(a, b) [AS x], <constants>` without FROM: the set-returning call
 * becomes a function in FROM (PostgreSQL evaluates it as a ProjectSet over one row).
 */
function targetSrf(s: SelectStmt): SelectStmt | undefined {
  if (s.fromClause?.length || !s.targetList) return undefined;
  let found = -1;
  s.targetList.forEach((t, i) => {
    const v = (t as ResTarget).val;
    if (v?.kind === 'FuncCall' && strings(v.funcname).slice(-1)[0] === 'generate_series' && !v.over) found = found === -1 ? i : -2;
  });
  if (found < 0) return undefined;
  const t = s.targetList[found] as ResTarget;
  const from = { kind: 'RangeFunction', functions: [{ kind: 'List', items: [t.val, {}] }], alias: { aliasname: `${MAGIC}srf` } } as unknown as Node;
  const targetList = s.targetList.map((x, i) => (i === found
    ? { kind: 'ResTarget', name: t.name ?? 'generate_series', val: { kind: 'ColumnRef', fields: [{ kind: 'String', sval: `${MAGIC}srf` }, { kind: 'String', sval: `${MAGIC}srf` }] }, ...(t.location !== undefined ? { location: t.location } : {}) }
    : x)) as Node[];
  return { ...s, fromClause: [from], targetList };
}

/** Does this SELECT need the relational planner (FROM, aggregates, GROUP BY)? */
export function needsRelPlanner(s: SelectStmt): boolean {
  if (s.op && s.op !== 'SETOP_NONE') return false;
  if (s.valuesLists) return false;
  if (targetSrf(s) || findTargetSrf(s.targetList)) return true;
  if (s.distinctClause?.some((d) => d !== null && Object.keys(d).length > 0)) return true; // DISTINCT ON, also without FROM
  // A scalar subquery over * is named after its column (starSubLinkName), which this planner does.
  if (s.targetList?.some((t) => t.kind === 'ResTarget' && t.name === undefined && isStarSubLink(t.val))) return true;
  return (s.fromClause?.length ?? 0) > 0 || (s.groupClause?.length ?? 0) > 0 || s.havingClause !== undefined || containsAggregate(s.targetList)
    || (s.windowClause?.length ?? 0) > 0 || findWindowCall([s.targetList, s.sortClause]) !== undefined;
}

/** The slots of the aggregate output: group values then aggregate results. */
class AggScope implements Scope {
  constructor(
    private readonly input: RelScope | undefined,
    private readonly groups: BoundExpr[],
    private readonly slots: Map<string, BoundExpr>,
    private readonly position: (l: number) => number | undefined,
  ) {}
  resolveColumn(names: readonly string[], loc: number): BoundExpr | undefined {
    const first = names[0] ?? '';
    if (first.startsWith(MAGIC)) {
      const s = this.slots.get(first.slice(1));
      return s ? { ...s, location: loc } as BoundExpr : undefined;
    }
    const e = this.input?.resolveColumn(names, loc);
    if (!e) return undefined;
    if (e.kind === 'column') {
      const i = this.groups.findIndex((g) => g.kind === 'column' && g.index === e.index);
      if (i >= 0) return { kind: 'column', index: i, type: e.type, name: e.name, location: loc };
      const entry = this.input!.entries.find((x) => e.index >= x.offset && e.index < x.offset + x.columns.length);
      const shown = entry?.alias ? `${entry.alias}.${e.name}` : e.name;
      const p = this.position(loc);
      throw new DbError('42803', `column "${shown}" must appear in the GROUP BY clause or be used in an aggregate function`, p !== undefined ? { position: p } : {});
    }
    // Outer references (correlated subqueries) are constant within a group.
    return e;
  }
}

interface Target {
  name: string;
  ast: Node;
}

export function planRelSelect(b: Binder, s0: SelectStmt): QueryPlan {
  // issue 5: external scans planned inside this SELECT are fetched before it runs.
  const ts = b.tables!;
  const st = externalState(ts);
  const win = st.openWindow(ts.ctes[0]);
  const depth = st.planningDepth;
  let plan: QueryPlan & { node: RelNode };
  let ext: ExternalScan[];
  let dropped: Set<ExternalScan> | undefined;
  try {
    // An aggregate over a UNION ALL with external branches: partial aggregates (partial-agg.ts).
    // (Also through a view whose query is a UNION ALL: the view's query as a FROM subquery.)
    let s1: SelectStmt | undefined = s0;
    let u = matchUnionAggregate(s0);
    if (!u && (s1 = unionViewForm(b, s0))) u = matchUnionAggregate(s1);
    if (u && s1) ({ plan, dropped } = planDecomposed(b, s1, u, st, planRelSelectInner));
    else plan = planRelSelectInner(b, s0);
  } finally {
    ext = win.close();
  }
  if (dropped && dropped.size > 0) ext = ext.filter((x) => !dropped!.has(x));
  if (ext.length === 0) return plan;
  const spec = win.outermost ? undefined : partialSpecOf(s0);
  const partial = spec && partialBranchPlan(plan, spec, ext, depth);
  if (partial) return partial;
  // Outermost: the scans reached through SUSPEND-forwarding operators stream (suspend.ts).
  const streamed = win.outermost ? streamingScans(plan.node, ext) : undefined;
  const stream = streamed && streamed.size > 0 ? { node: plan.node, scans: streamed } : undefined;
  const fetching: QueryPlan & { node: RelNode } = {
    columns: plan.columns, node: plan.node, run: (ctx) => runFetching(ext, ctx, () => plan.run(ctx) as Value[][], stream),
    // The session's path: the same scans set up, the rows sent as they are pulled (rel-cursor-fetch.ts).
    openCursor: (ctx) => openFetchingCursor(plan.node, ext, ctx, streamed),
    // Nested: the outermost plan set up the scans, so the operators give the rows as they are.
    ...(win.outermost ? {} : { rowsNode: plan.node }),
  };
  const a = win.outermost && ext.length === 1 ? matchPlacementA(s0 as never, ext[0]!, ext[0]!.allWherePushed) : undefined;
  if (!a) return fetching;
  const pa = placementAPlan(a, fetching);
  return {
    ...pa, node: plan.node,
    // DuckDB's cursor when the fragment runs there, else placement B streams too.
    async openCursor(ctx: EvalContext): Promise<RowCursor | Value[][]> {
      const { openPlacementA } = await import('../external/placement-a-run.js');
      return (await openPlacementA(a, plan.columns.map((c) => c.type.oid), ctx)) ?? (await fetching.openCursor!(ctx));
    },
  } as QueryPlan;
}

function planRelSelectInner(b: Binder, s0: SelectStmt): QueryPlan & { node: RelNode } {
  const s = targetSrf(s0) ?? s0;
  // PostgreSQL expands a select-list set-returning function after the window stage (ProjectSet
  // above WindowAgg); the FROM rewrite above would put the window over the expanded rows.
  if (s !== s0 && findWindowCall([s0.targetList, s0.sortClause])) throw b.unsupported('set-returning functions in a select list with window functions');
  if (s.intoClause) throw b.unsupported('SELECT INTO');
  if (s.lockingClause?.length) throw b.unsupported('FOR UPDATE/SHARE');
  const scans: ScanRef[] = [];
  let from: FromResult | undefined;
  let node: RelNode;
  let inScope: RelScope | undefined;
  if (s.fromClause?.length) {
    rejectWindowCallsInFrom(b, s.fromClause);
    from = planFromList(b, s.fromClause, scans);
    for (const r of scans) r.scan.external?.useColumnsOf(s0); // issue 5: fetch only the columns named
    for (const r of scans) r.scan.useColumnsOf(s0); // native scans: decode only the columns named (scan.ts)
    inScope = new RelScope(from.entries, from.width, (l) => b.position(l));
    for (const [k, v] of from.merged) inScope.merged.set(k, v);
    inScope.star = from.visible;
    inScope.unreachable = from.unreachable ?? [];
    inScope.parent = b.scope;
    node = from.node;
  } else {
    node = new RowsNode(0, () => [[]], 'Result');
  }
  const ib = inScope ? b.withScope(inScope) : b; // without FROM, outer references stay visible

  // WHERE
  if (s.whereClause) {
    rejectWindowCalls(b, s.whereClause, 'WHERE');
    rejectSrfCalls(b, s.whereClause, 'WHERE');
    if (containsAggregate(s.whereClause)) throw b.err('42803', 'aggregate functions are not allowed in WHERE', -1);
    if (containsGroupingFunc(s.whereClause)) throw b.err('42803', 'grouping operations are not allowed in WHERE', -1);
    const where = ib.coerceToBool(ib.bind(s.whereClause), 'WHERE', -1);
    for (const r of scans) {
      r.scan.setAccess(chooseAccess(r.scan.table, r.offset, where));
      r.scan.external?.pushWhere(where, r.offset); // issue 5
    }
    const filter = new FilterNode(node, compile(where), { expr: where, slots: { kind: 'entries', entries: inScope?.entries ?? [] } }, oneTimeGate(where));
    // A lone native point get returns only the row whose key equals its key conditions: the
    // filter checks the other conjuncts only (none, for a plain PK lookup).
    if (scans.length === 1 && node === scans[0]!.scan) {
      const rest = pointResidual(scans[0]!.scan, where);
      if (rest !== undefined) filter.residualOnly(rest.length === 0 ? null : compile(rest.length === 1 ? rest[0]! : { kind: 'and', args: rest, type: where.type }));
    }
    node = filter;
  }

  // Target list with * expanded into column references.
  const targets: Target[] = [];
  for (const t of s.targetList ?? []) {
    if (t.kind !== 'ResTarget' || !t.val) continue;
    const rt = t as ResTarget;
    const v = rt.val!;
    if (v.kind === 'ColumnRef' && strings(v.fields).slice(-1)[0] === '*') {
      const f = strings(v.fields);
      if (!inScope && f.length > 1) throw b.err('42P01', `missing FROM-clause entry for table "${f[f.length - 2]}"`, v.location ?? -1);
      if (!inScope) throw b.err('42601', 'SELECT * with no tables specified is not valid', v.location ?? -1);
      const qual = f.length > 1 ? f.slice(0, -1) : undefined;
      for (const c of inScope.starColumns(qual, v.location ?? -1)) {
        const entry = inScope.entries.find((e) => c.expr.kind === 'column' && c.expr.index >= e.offset && c.expr.index < e.offset + e.columns.length);
        const direct = qual === undefined && inScope.merged.has(c.name);
        const fields = direct || !entry?.alias ? [c.name] : [entry.alias, c.name];
        targets.push({ name: c.name, ast: { kind: 'ColumnRef', fields: fields.map((x) => ({ kind: 'String', sval: x })), location: v.location ?? -1 } });
      }
      continue;
    }
    targets.push({ name: rt.name ?? starSubLinkName(ib, v) ?? figureColname(v), ast: v });
  }

  // Aggregation.
  let outBinder = ib;
  let outSlots: SlotNames = { kind: 'entries', entries: inScope?.entries ?? [] }; // EXPLAIN's names of the projection's input
  let having: Node | undefined = s.havingClause;
  let sortAsts: Array<SortBy> = (s.sortClause ?? []) as SortBy[];
  let windowDefs: Node[] = s.windowClause ?? [];
  const grouped = (s.groupClause?.length ?? 0) > 0;
  rejectWindowCalls(b, s.groupClause, 'GROUP BY');
  rejectWindowCalls(b, having, 'HAVING');
  rejectSrfCalls(b, having, 'HAVING');
  const usesGrouping = containsGroupingFunc([targets.map((t) => t.ast), having, sortAsts]);
  if (grouped || usesGrouping || having !== undefined || targets.some((t) => containsAggregate(t.ast)) || sortAsts.some((x) => containsAggregate(x.node)) || containsAggregate(windowDefs)) {
    const groups: BoundExpr[] = [];
    const groupShapes: string[] = [];
    // Plain GROUP BY items: output positions and output-column aliases (input columns win).
    const leaf = (g: Node): Node => {
      let ast = g;
      if (g.kind === 'A_Const' && g.ival !== undefined) {
        const pos = g.ival.ival ?? 0;
        if (pos < 1 || pos > targets.length) throw b.err('42P10', `GROUP BY position ${pos} is not in select list`, g.location ?? -1);
        ast = targets[pos - 1]!.ast;
      } else if (g.kind === 'ColumnRef' && (g.fields?.length ?? 0) === 1) {
        const name = strings(g.fields)[0]!;
        let inInput = false;
        try { inInput = inScope?.resolveColumn([name], -1) !== undefined; } catch { inInput = true; }
        const alias = targets.find((t) => t.name === name);
        if (!inInput && alias) ast = alias.ast;
      }
      return ast;
    };
    const gp = expandGroupClause(b, s.groupClause ?? [], (s as { groupDistinct?: boolean }).groupDistinct === true, leaf);
    const sets = gp.sets ?? (usesGrouping ? [gp.items.map((_, i) => i)] : undefined);
    for (const ast of gp.items) {
      if (containsAggregate(ast)) throw b.err('42803', 'aggregate functions are not allowed in GROUP BY', -1);
      groups.push(ib.resolveUnknown(ib.bind(ast)));
      groupShapes.push(shapeKey(ast));
    }
    const aggs: AggSpec[] = [];
    const slots = new Map<string, BoundExpr>();
    groups.forEach((g, i) => slots.set(`g${i}`, { kind: 'column', index: i, type: g.type, name: '?column?', location: -1 }));
    const aggShapes = new Map<string, number>();
    const groupingCalls: number[][] = [];
    const replace = (x: Node): Node | undefined => {
      if (x.kind === ('GroupingFunc' as Node['kind'])) {
        groupingCalls.push(groupingFuncItems(b, x, groupShapes, (a) => {
          const e = a.kind === 'ColumnRef' ? ib.bind(a) : undefined;
          return e?.kind === 'column' ? groups.findIndex((g) => g.kind === 'column' && g.index === e.index) : -1;
        }));
        return magicRef(`G${groupingCalls.length - 1}`);
      }
      const shape = shapeKey(x);
      const gi = x.kind === 'A_Const' ? -1 : groupShapes.indexOf(shape);
      if (gi >= 0) return magicRef(`g${gi}`);
      if (!isAggregateCall(x)) return undefined;
      const known = aggShapes.get(shape);
      if (known !== undefined) return magicRef(`a${known}`);
      const spec = bindAggregate(ib, x);
      const i = aggs.length;
      aggs.push(spec);
      aggShapes.set(shape, i);
      slots.set(`a${i}`, { kind: 'column', index: groups.length + i, type: spec.type, name: spec.name, location: -1 });
      return magicRef(`a${i}`);
    };
    for (const t of targets) t.ast = rewrite(t.ast, replace) as Node;
    if (having) having = rewrite(having, replace) as Node;
    sortAsts = sortAsts.map((x) => ({ ...x, node: rewrite(x.node, replace) as Node }));
    windowDefs = windowDefs.map((w) => rewrite(w, replace) as Node);
    groupingCalls.forEach((items, i) => slots.set(`G${i}`, groupingFuncExpr(items, sets!, groups.length + aggs.length)));
    const agg = new AggNode(node, groups.map((g) => compile(g)), aggs, grouped, { groups, slots: outSlots }, sets);
    node = agg;
    outSlots = agg.outputSlots();
    outBinder = b.withScope(new AggScope(inScope, groups, slots, (l) => b.position(l)));
    if (having !== undefined) {
      const h = outBinder.coerceToBool(outBinder.bind(having), 'HAVING', -1);
      node = new FilterNode(node, compile(h), { expr: h, slots: outSlots });
    }
  }

  // Window functions: after GROUP BY/HAVING, before DISTINCT/ORDER BY/LIMIT (window-bind.ts).
  const stage = planWindowStage(outBinder, windowDefs, targets.map((t) => t.ast), sortAsts.map((x) => x.node), node.width);
  if (stage) {
    targets.forEach((t, i) => { t.ast = stage.targets[i]!; });
    sortAsts = sortAsts.map((x, i) => ({ ...x, node: stage.sorts[i]! }));
    node = new WindowNode(node, stage.clauses, stage.count);
    outBinder = outBinder.withScope(stage.scope(outBinder.scope));
  }

  // Set-returning functions in the targets: ProjectSet above the window stage (project-set.ts).
  const ps = planProjectSet(outBinder, targets.map((t) => t.ast), node);
  if (ps) {
    targets.forEach((t, i) => { t.ast = ps.targets[i]!; });
    node = ps.node;
    outBinder = outBinder.withScope(ps.scope);
  }

  // Projection: output columns, then ORDER BY expressions that are not output columns.
  const exprs: BoundExpr[] = targets.map((t) => outBinder.resolveUnknown(outBinder.bind(t.ast)));
  const columns: OutputColumn[] = targets.map((t, i) => ({ name: t.name, type: exprs[i]!.type }));
  const distinctOn = (s.distinctClause ?? []).filter((d) => d !== null && Object.keys(d).length > 0) as Node[];
  const distinct = s.distinctClause !== undefined && distinctOn.length === 0;
  const targetShapes = targets.map((t) => shapeKey(t.ast));
  const extraSlots = new Map<string, number>();
  /** Output slot of an ORDER BY / DISTINCT ON item (extra slots appended for other expressions). */
  const slotOf = (n: Node, what: string): number => {
    if (n.kind === 'A_Const' && n.ival !== undefined) {
      const pos = n.ival.ival ?? 0;
      if (pos < 1 || pos > targets.length) throw b.err('42P10', `${what} position ${pos} is not in select list`, n.location ?? -1);
      return pos - 1;
    }
    if (n.kind === 'ColumnRef' && (n.fields?.length ?? 0) === 1 && !(strings(n.fields)[0] ?? '').startsWith(MAGIC)) {
      const name = strings(n.fields)[0]!;
      const hits = columns.map((c, i) => (c.name === name ? i : -1)).filter((i) => i >= 0);
      if (hits.length > 1) {
        // Several output columns of that name: fine when they are the same expression.
        const shapes = new Set(hits.map((i) => targetShapes[i]));
        if (shapes.size > 1) throw b.err('42702', `${what} "${name}" is ambiguous`, n.location ?? -1);
      }
      if (hits.length > 0) return hits[0]!;
    }
    const shape = shapeKey(n);
    const same = targetShapes.indexOf(shape);
    if (same >= 0) return same;
    const extra = extraSlots.get(shape);
    if (extra !== undefined) return extra;
    // `t.a` and `a` are the same column (PostgreSQL matches bound expressions, not spellings).
    const bound = outBinder.resolveUnknown(outBinder.bind(n));
    if (bound.kind === 'column') {
      const k = exprs.findIndex((x, i) => i < columns.length && x.kind === 'column' && x.index === bound.index);
      if (k >= 0) return k;
    }
    if (distinct) throw b.err('42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', (n as { location?: number }).location ?? -1);
    exprs.push(bound);
    extraSlots.set(shape, exprs.length - 1);
    return exprs.length - 1;
  };
  const sortSlots: Array<{ slot: number; sb: SortBy }> = [];
  for (const sb of sortAsts) {
    if (sb.sortby_dir === 'SORTBY_USING') throw b.unsupported('ORDER BY ... USING');
    sortSlots.push({ slot: slotOf(sb.node, 'ORDER BY'), sb });
  }
  const onSlots = distinctOn.map((n) => slotOf(n, 'SELECT DISTINCT ON'));
  if (onSlots.length > 0) {
    if (sortSlots.length === 0) for (const slot of onSlots) sortSlots.push({ slot, sb: { kind: 'SortBy', node: { kind: 'A_Star' } } });
    const lead = new Set(sortSlots.slice(0, onSlots.length).map((x) => x.slot));
    if (sortSlots.length < onSlots.length && !sortSlots.every((x) => onSlots.includes(x.slot)) || onSlots.some((x, i) => i < sortSlots.length && !lead.has(x))) {
      throw b.err('42P10', 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions', -1);
    }
  }
  const sortKeys = (key: (slot: number) => Compiled): SortKey[] => sortSlots.map(({ slot, sb }) => {
    const ty = exprs[slot]!.type;
    const cmp = comparatorFor(ty.oid);
    if (!cmp) throw b.err('42883', `could not identify an ordering operator for type ${typeName(ty)}`, -1, { hint: 'Use an explicit ordering operator or modify the query.' });
    const desc = sb.sortby_dir === 'SORTBY_DESC';
    const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' || (sb.sortby_nulls !== 'SORTBY_NULLS_LAST' && desc);
    return { expr: key(slot), cmp, desc, nullsFirst, shown: { expr: exprs[slot]!, slots: outSlots } };
  });
  const postponed = ps && !distinct && sortAsts.length > 0 ? postponedSrfInput(ps.node, exprs, sortSlots.map((x) => x.slot), onSlots) : undefined;
  if (postponed) {
    // PostgreSQL's make_sort_input_target: ProjectSet above the Sort (and DISTINCT ON's Unique).
    node = postponed.project(new SortNode(postponed.input, sortKeys((slot) => compile(exprs[slot]!))), postponed.distinctOn);
    node = new ProjectNode(node, exprs.map((e) => compile(e)), { exprs, slots: outSlots });
  } else {
    node = new ProjectNode(node, exprs.map((e) => compile(e)), { exprs, slots: outSlots });
    if (distinct) node = new DistinctNode(node, columns.length);
    if (sortSlots.length > 0) node = new SortNode(node, sortKeys((slot) => (r: readonly Value[]) => r[slot]));
    if (onSlots.length > 0) node = new DistinctNode(node, 0, (r) => rowKey(onSlots.map((i) => r[i])));
  }
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') throw b.unsupported('FETCH ... WITH TIES');
  const lim = s.limitCount && !(s.limitCount.kind === 'A_Const' && s.limitCount.isnull) ? compileInt8(b, s.limitCount, 'LIMIT') : undefined;
  const off = s.limitOffset ? compileInt8(b, s.limitOffset, 'OFFSET') : undefined;
  if (lim || off) node = new LimitNode(node, lim, off);
  if (exprs.length > columns.length) node = new TrimNode(node, columns.length);
  return relQueryPlan(node, columns);
}

/**
 * PostgreSQL's make_sort_input_target for set-returning functions: with ORDER BY (DISTINCT ON's
 * own sort does not count: without ORDER BY the ProjectSet stays below), when no sort
 * key (nor DISTINCT ON key) reads a set-returning call's result, the ProjectSet runs after the
 * Sort (and after DISTINCT ON's Unique), so the calls see the rows in sorted order (the first
 * row to raise an error is the first one sorted) and DISTINCT ON picks input rows, not expanded
 * ones; LIMIT stays above, counting output rows. SELECT DISTINCT makes every column a sort key,
 * so it never postpones. The keys are the same bound expressions, evaluated on the ProjectSet's
 * input row: the stage only appends slots, so every other slot index is the same there.
 * DISTINCT ON keys are evaluated on that row too.
 */
function postponedSrfInput(ps: ProjectSetNode, exprs: readonly BoundExpr[], sortSlots: readonly number[], onSlots: readonly number[]):
  { input: RelNode; project: (sorted: RelNode, distinctOn: boolean) => RelNode; distinctOn: boolean } | undefined {
  if (sortSlots.length === 0) return undefined;
  const base = ps.input.width;
  if ([...sortSlots, ...onSlots].some((slot) => readsSlotFrom(exprs[slot]!, base))) return undefined;
  const onKeys = onSlots.map((slot) => compile(exprs[slot]!));
  return {
    input: ps.input,
    distinctOn: onKeys.length > 0,
    project: (sorted, distinctOn) => ps.withInput(distinctOn ? new DistinctNode(sorted, 0, (r, _n, ctx) => rowKey(onKeys.map((k) => k(r, ctx)))) : sorted),
  };
}

/** Whether a bound expression reads a slot at or beyond `from` (a ProjectSet's appended slots);
 *  a subquery's outer references are its call's arguments, so they are seen too. */
function readsSlotFrom(e: BoundExpr, from: number): boolean {
  const r = (x: BoundExpr): boolean => readsSlotFrom(x, from);
  switch (e.kind) {
    case 'const': case 'param': return false;
    case 'column': return e.index >= from;
    case 'call': case 'asyncCall': case 'and': case 'or': case 'coalesce': case 'minmax': return e.args.some(r);
    case 'not': case 'nulltest': case 'booltest': return r(e.arg);
    case 'case': return e.whens.some((w) => r(w.cond) || r(w.result)) || r(e.otherwise);
    case 'nullif': case 'distinct': return r(e.left) || r(e.right);
    case 'in': return r(e.arg) || e.list.some(r);
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** LIMIT/OFFSET arguments may not read columns (42P10) nor contain aggregates (42803). */
const NO_VARIABLES = (what: string): Scope => ({
  resolveColumn(_names, loc) {
    void loc;
    throw new DbError('42P10', `argument of ${what} must not contain variables`);
  },
});

function compileInt8(b: Binder, n: Node, what: string): Compiled {
  rejectWindowCalls(b, n, what);
  rejectSrfCalls(b, n, what);
  if (containsAggregate(n)) throw b.err('42803', `aggregate functions are not allowed in ${what}`, -1);
  const e = b.withScope(NO_VARIABLES(what));
  // An unknown literal ('2') is coerced straight to bigint, as PostgreSQL's transformLimitClause
  // does (so '2.2' is 22P02 for type bigint, not a text-to-bigint cast error).
  return compile(e.coerceTo(e.bind(n), T.int8, what, -1));
}

function bindAggregate(b: Binder, f: FuncCall): AggSpec {
  const names = strings(f.funcname);
  const name = names[names.length - 1]!;
  const loc = f.location ?? -1;
  if (f.args?.some((a) => containsAggregate(a))) throw nestedAggregate(b, f, name, loc);
  const w = findWindowCall([f.args, f.agg_filter]);
  if (w) throw b.err('42803', 'aggregate function calls cannot contain window function calls', w.location ?? -1);
  if (f.func_variadic) throw b.unsupported('VARIADIC arguments', loc);
  const raw = (f.args ?? []).map((a) => b.bind(a));
  const args = raw.map((a) => b.resolveUnknown(a));
  if (readsOnlyLateralOuter(b.scope, args)) throw b.err('42803', 'aggregate functions are not allowed in FROM clause of their own query level', loc);
  if (f.agg_star && name !== 'count') throw b.err('42809', `${name}(*) specified, but ${name} is not an aggregate function`, loc);
  const r = resolveAggregateAt(b, name, raw, args, f.agg_star === true, loc);
  const filter = f.agg_filter ? compile(b.coerceToBool(b.bind(f.agg_filter), 'FILTER', loc)) : undefined;
  let order: AggSpec['order'];
  if (f.agg_order?.length) {
    const exprs: Compiled[] = [];
    const keys: SortKey[] = [];
    (f.agg_order as SortBy[]).forEach((sb, i) => {
      const rawKey = b.bind(sb.node);
      if (f.agg_distinct && !isAggArgument(sb.node, rawKey, f.args ?? [], args)) {
        throw b.err('42P10', 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', leftmostLocation(sb.node));
      }
      const e = b.resolveUnknown(rawKey);
      const cmp = comparatorFor(e.type.oid);
      if (!cmp) throw b.err('42883', `could not identify an ordering operator for type ${typeName(e.type)}`, loc, { hint: 'Use an explicit ordering operator or modify the query.' });
      const desc = sb.sortby_dir === 'SORTBY_DESC';
      exprs.push(compile(e));
      keys.push({ expr: (r: readonly Value[]) => r[i], cmp, desc, nullsFirst: sb.sortby_nulls === 'SORTBY_NULLS_FIRST' || (sb.sortby_nulls !== 'SORTBY_NULLS_LAST' && desc) });
    });
    order = { exprs, keys };
  }
  return { name, args: args.map((a) => compile(a)), distinct: f.agg_distinct === true, filter, type: r.type, make: r.make, ...(order ? { order } : {}), shownArgs: args };
}

/**
 * resolveAggregate with the call's position on its errors; 42883 names the argument types as
 * written (an unknown literal stays "unknown", as ParseFuncOrColumn reports them).
 */
function resolveAggregateAt(b: Binder, name: string, raw: BoundExpr[], args: BoundExpr[], star: boolean, loc: number): ReturnType<typeof resolveAggregate> {
  try {
    return resolveAggregate(name, args.map((a) => a.type), star);
  } catch (e) {
    if (!(e instanceof DbError)) throw e;
    const err = e.code === '42883' && raw.some((a) => a.type.oid === T.unknown.oid)
      ? new DbError('42883', `function ${name}(${raw.map((a) => typeName(a.type)).join(', ')}) does not exist`, { ...e.fields })
      : e;
    const p = b.position(loc);
    throw p !== undefined && err.fields.position === undefined ? err.withPosition(p) : err;
  }
}

/**
 * An aggregate inside an aggregate's arguments. PostgreSQL resolves the outer function first
 * (check_agg_arguments runs after ParseFuncOrColumn), so `string_agg(string_agg('a', ','))` is
 * 42883 "function string_agg(text) does not exist"; only a call that resolves is 42803 "cannot be
 * nested", at the inner call. The inner calls are bound as aggregates to learn their types.
 */
function nestedAggregate(b: Binder, f: FuncCall, name: string, loc: number): DbError {
  const inner: Array<{ call: FuncCall; type: BoundExpr['type'] }> = [];
  const marked = (f.args ?? []).map((a) => rewrite(a, (x) => {
    if (!isAggregateCall(x)) return undefined;
    inner.push({ call: x, type: bindAggregate(b, x).type });
    return magicRef(`n${inner.length - 1}`);
  }) as Node);
  const first = inner[0]?.call.location ?? loc;
  const scope: Scope = {
    resolveColumn(names, l, ctx) {
      const n = names[0] ?? '';
      if (names.length === 1 && n.startsWith(MAGIC + 'n')) {
        return { kind: 'column', index: 0, type: inner[Number(n.slice(2))]!.type, name: '?column?', location: l };
      }
      return b.scope?.resolveColumn(names, l, ctx);
    },
  };
  const nb = b.withScope(scope);
  const raw = marked.map((a) => nb.bind(a));
  resolveAggregateAt(b, name, raw, raw.map((a) => nb.resolveUnknown(a)), f.agg_star === true, loc);
  return b.err('42803', 'aggregate function calls cannot be nested', first);
}

/**
 * transformDistinctClause for an aggregate: with DISTINCT every ORDER BY item must be one of the
 * arguments (the same column, or the same expression; an unknown literal never matches, since
 * the argument it would equal was coerced to the function's type).
 */
function isAggArgument(node: Node, key: BoundExpr, argAsts: Node[], args: BoundExpr[]): boolean {
  if (key.kind === 'column') return args.some((a) => a.kind === 'column' && a.index === key.index);
  if (key.type.oid === T.unknown.oid) return false;
  const shape = shapeKey(node);
  return argAsts.some((a) => shapeKey(a) === shape);
}

/** exprLocation's spirit for an AST: the leftmost location in it (`y || ''` is at `y`), or -1. */
function leftmostLocation(n: unknown): number {
  let min = -1;
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) { x.forEach(walk); return; }
    for (const [k, v] of Object.entries(x)) {
      if (k === 'location' && typeof v === 'number' && v >= 0 && (min < 0 || v < min)) min = v;
      else walk(v);
    }
  };
  walk(n);
  return min;
}

/**
 * PostgreSQL's pseudoconstant: reads no column of the input row and calls nothing volatile.
 * Parameters (also the literals the plan cache turns into parameters), stable functions and
 * references to an outer query's row are fixed while the node is open.
 */
function pseudoConstant(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'const':
    case 'param':
      return true;
    case 'column':
    case 'asyncCall':
      return false;
    case 'call':
      return e.volatility !== 'volatile' && e.args.every(pseudoConstant);
    case 'and':
    case 'or':
    case 'coalesce':
    case 'minmax':
      return e.args.every(pseudoConstant);
    case 'not':
    case 'nulltest':
    case 'booltest':
      return pseudoConstant(e.arg);
    case 'case':
      return e.whens.every((w) => pseudoConstant(w.cond) && pseudoConstant(w.result)) && pseudoConstant(e.otherwise);
    case 'nullif':
    case 'distinct':
      return pseudoConstant(e.left) && pseudoConstant(e.right);
    case 'in':
      return pseudoConstant(e.arg) && e.list.every(pseudoConstant);
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The conjuncts of a WHERE clause that can be evaluated once, before any row (see FilterNode). */
function oneTimeGate(where: BoundExpr): Compiled | undefined {
  const conjuncts = where.kind === 'and' ? where.args : [where];
  const once = conjuncts.filter(pseudoConstant);
  if (once.length === 0) return undefined;
  return compile(once.length === 1 ? once[0]! : { kind: 'and', args: once, type: where.type });
}

/**
 * Wraps an operator tree as the session's QueryPlan. The session opens a cursor (rel-cursor.ts:
 * rows pulled as the client takes them, never held whole); `run` collects them for the callers
 * that need every row (COPY, INSERT … SELECT, CTE bodies): a buffer like any blocking operator's,
 * at most ROWS_IN_MEMORY_MAX rows (or `pyralog.result_rows_max`), 53200 beyond.
 */
export function relQueryPlan(node: RelNode, columns: OutputColumn[]): QueryPlan & { node: RelNode } {
  return {
    columns,
    node,
    rowsNode: node,
    run(ctx: EvalContext): Value[][] {
      const out: Row[] = [];
      const max = resultRowsMax(ctx);
      for (const r of iter(node.open(ctx))) {
        if (r === SUSPEND) throw leaked('a synchronous plan received SUSPEND');
        if (out.length >= max) throw tooMany();
        out.push(r);
      }
      return out;
    },
    openCursor: (ctx: EvalContext) => new RelCursor(node.open(ctx), ctx, undefined, undefined),
  };
}
