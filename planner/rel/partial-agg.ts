// Partial aggregation through UNION ALL (issue 5): an aggregate over a FROM subquery that is a
// UNION ALL of branches is rewritten (on the AST, after the original statement was planned, so
// every PostgreSQL error is raised by the original) into the same aggregate over per-branch
// partial aggregates:
//
//   SELECT g, sum(x), avg(y) FROM (B1 UNION ALL B2) s GROUP BY g
//   ⇒ SELECT g, sum(p0)::int8*, CAST(sum(p1) AS numeric) / CAST(nullif(sum(p2), 0) AS numeric)
//     FROM (SELECT g, sum(x) p0, sum(y) p1, count(y) p2 FROM … GROUP BY g UNION ALL …) s(g, p0, p1, p2)
//     GROUP BY g                                      (* only where PostgreSQL's sum is int8)
//
// A branch `SELECT <plain columns> FROM <one table> [WHERE …]` is rewritten in place and marked
// with PARTIAL_BRANCH (its table and column names): when that table is external and the WHERE is
// wholly pushed, the branch's partial aggregate runs in DuckDB (select.ts → scan.partial →
// prefetch.ts); any other branch is wrapped as `SELECT … FROM (branch) b(c0, …) GROUP BY …`
// and aggregated natively.
//
// Why it is exact: grouping by g then re-grouping the partial rows by g gives the same groups
// (each partial row carries one branch's group; GROUP BY only on group-able types whose DuckDB
// equality is PostgreSQL's); the combined functions are associative over exact types:
//   count(*) / count(x) → sum of counts (coalesce 0, cast back to int8);
//   sum(int2|int4) → int8 partials, their sum cast back to int8 (PostgreSQL's result type);
//   sum(int8|numeric) → numeric partials summed as numeric (exact; result scale = max scale);
//   min / max → min of mins / max of maxes (NULL partials ignored, as NULL inputs are);
//   avg(int2|int4|int8|numeric) → sum / count, computed as PostgreSQL's avg finishes
//     (int8_avg / numeric_avg: numeric_div(sum::numeric, count::numeric), NULL when count = 0).
// A group whose values are all NULL has NULL partial sums/mins/maxes and 0 counts in every
// branch, so NULL sum/min/max/avg and 0 count. Floats (summation order), DISTINCT, FILTER,
// ORDER BY inside the call and other aggregates are not decomposed: the original plan stays.
// The rewritten plan is used only when its output names and types equal the original's.
import type { FragAgg } from '../external/fragment.js';
import { figureColname } from '../bind/names.js';
import { strings, type FuncCall, type Node, type ResTarget, type SelectStmt } from '../parse/ast.js';
import { isAggregateCall, rewrite } from './ast-walk.js';

/** Marks a rewritten plain branch: its partial aggregate may run in DuckDB (select.ts). */
export const PARTIAL_BRANCH: unique symbol = Symbol('pyralog.partialBranch');

/** What DuckDB computes for a marked branch: GROUP BY columns then aggregates, by table column name. */
export interface PartialBranchSpec {
  groupBy: string[];
  aggs: FragAgg[];
}

type PartialFn = 'count_star' | 'count' | 'sum' | 'min' | 'max';

/** Types DuckDB groups and compares exactly as PostgreSQL (no floats: -0/+0 and NaN). */
const GROUPABLE: ReadonlySet<number> = new Set([16, 20, 21, 23, 1700, 25, 1043, 1082, 1114, 1184]);
const SUMMABLE: ReadonlySet<number> = new Set([20, 21, 23, 1700]);
const ORDERED: ReadonlySet<number> = new Set([20, 21, 23, 1700, 25, 1043, 1082, 1114, 1184]);

/** The cheap shape test: an aggregate over one FROM subquery that is a UNION ALL. */
export function matchUnionAggregate(s: SelectStmt): { union: SelectStmt; leaves: SelectStmt[] } | undefined {
  if (s.withClause || s.whereClause || s.windowClause?.length || s.intoClause || s.lockingClause?.length || s.valuesLists) return undefined;
  if (s.op && s.op !== 'SETOP_NONE') return undefined;
  if (s.fromClause?.length !== 1) return undefined;
  const f = s.fromClause[0] as unknown as { kind: string; lateral?: boolean; subquery?: SelectStmt };
  if (f.kind !== 'RangeSubselect' || f.lateral || !f.subquery) return undefined;
  const u = f.subquery;
  if (!isUnionAll(u)) return undefined;
  if (!s.groupClause?.length && !(s.targetList ?? []).some((t) => hasAggregate(t))) return undefined;
  const leaves: SelectStmt[] = [];
  flatten(u, leaves);
  return { union: u, leaves };
}

function isUnionAll(u: SelectStmt): boolean {
  return u.op === 'SETOP_UNION' && u.all === true && !u.sortClause?.length && !u.limitCount && !u.limitOffset && !u.withClause;
}

function flatten(u: SelectStmt, out: SelectStmt[]): void {
  if (isUnionAll(u)) {
    flatten({ ...u.larg!, kind: 'SelectStmt' }, out);
    flatten({ ...u.rarg!, kind: 'SelectStmt' }, out);
  } else out.push({ ...u, kind: 'SelectStmt' });
}

function hasAggregate(n: unknown): boolean {
  let found = false;
  rewrite(n, (x) => {
    if (isAggregateCall(x)) found = true;
    return found ? x : undefined;
  });
  return found;
}

/** Does the tree hold a node of one of these kinds (or a window call)? */
function holds(n: unknown, kinds: ReadonlySet<string>): boolean {
  let found = false;
  const walk = (x: unknown): void => {
    if (found || x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) walk(y);
      return;
    }
    const o = x as Record<string, unknown>;
    if (typeof o.kind === 'string' && kinds.has(o.kind)) found = true;
    if (o.kind === 'FuncCall' && o.over !== undefined) found = true;
    for (const v of Object.values(o)) walk(v);
  };
  walk(n);
  return found;
}

const FORBIDDEN = new Set(['SubLink', 'A_Star', 'GroupingFunc', 'GroupingSet']);

const str = (s: string): Node => ({ kind: 'String', sval: s }) as Node;
const colRef = (...names: string[]): Node => ({ kind: 'ColumnRef', fields: names.map(str), location: -1 }) as Node;
const call = (name: string, args: Node[], star = false): Node =>
  ({ kind: 'FuncCall', funcname: [str(name)], ...(star ? { agg_star: true } : { args }), funcformat: 'COERCE_EXPLICIT_CALL', location: -1 }) as Node;
const cast = (arg: Node, type: string): Node =>
  ({ kind: 'TypeCast', arg, typeName: { names: [str('pg_catalog'), str(type)], typemod: -1, location: -1 }, location: -1 }) as unknown as Node;
const intConst = (n: number): Node => ({ kind: 'A_Const', ival: n === 0 ? {} : { ival: n }, location: -1 }) as Node;

// Internal names (shown by EXPLAIN): quoted, with `*`, so no user column can be meant by them.
const groupName = (i: number): string => `*g${i}*`;
const partialName = (i: number): string => `*p${i}*`;
const branchColumn = (j: number): string => `*c${j}*`;

/**
 * The rewritten statement, or undefined when a part is not decomposable. `unionColumns`: the
 * UNION's output columns (names and types, from planning it alone); every branch's columns were
 * checked by the caller to have exactly these types.
 */
export function rewriteUnionAggregate(
  s: SelectStmt,
  m: { leaves: SelectStmt[] },
  unionColumns: ReadonlyArray<{ name: string; oid: number }>,
): SelectStmt | undefined {
  const from = s.fromClause![0] as unknown as { alias?: { aliasname?: string; colnames?: Node[] } };
  const alias = from.alias?.aliasname;
  const renames = strings(from.alias?.colnames);
  const names = unionColumns.map((c, j) => renames[j] ?? c.name);
  const sorts = (s.sortClause ?? []).map((x) => (x as { node?: Node }).node);
  if (holds([s.targetList, s.havingClause, sorts, s.groupClause, s.distinctClause], FORBIDDEN)) return undefined;
  if ((s as { groupDistinct?: boolean }).groupDistinct) return undefined;
  /** Column position of `n` in the subquery, or undefined. */
  const columnOf = (n: Node | undefined): number | undefined => {
    if (n?.kind !== 'ColumnRef') return undefined;
    const f = strings(n.fields);
    if (f.length === 2 ? f[0] !== alias || alias === undefined : f.length !== 1) return undefined;
    const hits = names.flatMap((x, j) => (x === f[f.length - 1] ? [j] : []));
    return hits.length === 1 ? hits[0] : undefined;
  };
  // GROUP BY: plain columns of group-able types.
  const groups: number[] = [];
  for (const g of s.groupClause ?? []) {
    const j = columnOf(g);
    if (j === undefined || !GROUPABLE.has(unionColumns[j]!.oid)) return undefined;
    if (!groups.includes(j)) groups.push(j);
  }
  // Partials: (fn, column) pairs shared by the aggregate calls.
  const partials: Array<{ fn: PartialFn; col: number }> = [];
  const partial = (fn: PartialFn, col: number): Node => {
    let i = partials.findIndex((p) => p.fn === fn && p.col === col);
    if (i < 0) i = partials.push({ fn, col }) - 1;
    return colRef(partialName(i));
  };
  let ok = true;
  const replace = (x: Node): Node | undefined => {
    if (!isAggregateCall(x)) return undefined;
    const c = combined(x, columnOf, unionColumns, partial);
    if (!c) ok = false;
    return c ?? x;
  };
  const targetList = (s.targetList ?? []).map((t) => {
    const rt = t as ResTarget;
    return { ...rt, name: rt.name ?? figureColname(rt.val), val: rewrite(rt.val, replace) as Node } as Node;
  });
  const havingClause = s.havingClause ? (rewrite(s.havingClause, replace) as Node) : undefined;
  const sortClause = s.sortClause ? (rewrite(s.sortClause, replace) as Node[]) : undefined;
  if (!ok || partials.length === 0) return undefined;
  const branches = m.leaves.map((leaf) => branchOf(leaf, groups, partials, unionColumns.length));
  const union = branches.reduce((l, r) => ({ kind: 'SelectStmt', op: 'SETOP_UNION', all: true, larg: l, rarg: r, limitOption: 'LIMIT_OPTION_DEFAULT' }) as SelectStmt);
  const colnames = [...groups.map((j) => names[j]!), ...partials.map((_, i) => partialName(i))].map(str);
  const sub = { kind: 'RangeSubselect', subquery: union, alias: { ...(alias !== undefined ? { aliasname: alias } : {}), colnames } } as unknown as Node;
  const out: SelectStmt = { ...s, targetList, fromClause: [sub] };
  if (havingClause) out.havingClause = havingClause;
  if (sortClause) out.sortClause = sortClause;
  return out;
}

/** The combining expression for one aggregate call over the partial columns, or undefined. */
function combined(
  x: FuncCall,
  columnOf: (n: Node | undefined) => number | undefined,
  cols: ReadonlyArray<{ oid: number }>,
  partial: (fn: PartialFn, col: number) => Node,
): Node | undefined {
  const name = strings(x.funcname);
  const fn = name[name.length - 1]!;
  if (name.length > 2 || (name.length === 2 && name[0] !== 'pg_catalog')) return undefined;
  if (x.agg_distinct || x.agg_filter || x.agg_order?.length || x.over !== undefined || x.func_variadic) return undefined;
  if ((x as { agg_within_group?: boolean }).agg_within_group) return undefined;
  const count = (p: Node): Node => cast({ kind: 'CoalesceExpr', args: [call('sum', [p]), intConst(0)], location: -1 } as unknown as Node, 'int8');
  if (x.agg_star) return fn === 'count' && !x.args?.length ? count(partial('count_star', -1)) : undefined;
  if (x.args?.length !== 1) return undefined;
  const j = columnOf(x.args[0]);
  if (j === undefined) return undefined;
  const oid = cols[j]!.oid;
  switch (fn) {
    case 'count':
      return count(partial('count', j));
    case 'sum':
      if (!SUMMABLE.has(oid)) return undefined;
      return oid === 21 || oid === 23 ? cast(call('sum', [partial('sum', j)]), 'int8') : call('sum', [partial('sum', j)]);
    case 'min':
    case 'max':
      return ORDERED.has(oid) ? call(fn, [partial(fn, j)]) : undefined;
    case 'avg': {
      if (!SUMMABLE.has(oid)) return undefined;
      const total = cast(call('sum', [partial('sum', j)]), 'numeric');
      const n = { kind: 'A_Expr', exprKind: 'AEXPR_NULLIF', name: [str('=')], lexpr: call('sum', [partial('count', j)]), rexpr: intConst(0), location: -1 } as unknown as Node;
      return { kind: 'A_Expr', exprKind: 'AEXPR_OP', name: [str('/')], lexpr: total, rexpr: cast(n, 'numeric'), location: -1 } as unknown as Node;
    }
    default:
      return undefined;
  }
}

/** One UNION ALL branch computing the partials of `leaf`, marked when it is a plain single-table SELECT. */
function branchOf(leaf: SelectStmt, groups: number[], partials: ReadonlyArray<{ fn: PartialFn; col: number }>, width: number): SelectStmt {
  const plain = plainColumns(leaf);
  const colAst = (j: number): Node => (plain ? ((leaf.targetList![j] as ResTarget).val as Node) : colRef(branchColumn(j)));
  const targetList: Node[] = [
    ...groups.map((j, i) => ({ kind: 'ResTarget', name: groupName(i), val: colAst(j), location: -1 }) as Node),
    ...partials.map((p, i) => ({
      kind: 'ResTarget', name: partialName(i), location: -1,
      val: p.fn === 'count_star' ? call('count', [], true) : call(p.fn, [colAst(p.col)]),
    }) as Node),
  ];
  const groupClause = groups.map(colAst);
  if (plain) {
    const last = (j: number): string => strings(((leaf.targetList![j] as ResTarget).val as { fields?: Node[] }).fields).slice(-1)[0]!;
    const spec: PartialBranchSpec = {
      groupBy: groups.map(last),
      aggs: partials.map((p): FragAgg => (p.fn === 'count_star' ? { fn: 'count_star' } : { fn: p.fn, arg: last(p.col), distinct: false })),
    };
    const b: SelectStmt = { kind: 'SelectStmt', targetList, fromClause: leaf.fromClause!, groupClause, limitOption: 'LIMIT_OPTION_DEFAULT', op: 'SETOP_NONE', ...(leaf.whereClause ? { whereClause: leaf.whereClause } : {}) };
    (b as unknown as Record<symbol, PartialBranchSpec>)[PARTIAL_BRANCH] = spec;
    return b;
  }
  return {
    kind: 'SelectStmt', targetList, groupClause, limitOption: 'LIMIT_OPTION_DEFAULT', op: 'SETOP_NONE',
    fromClause: [{ kind: 'RangeSubselect', subquery: leaf, alias: { aliasname: '*branch*', colnames: Array.from({ length: width }, (_, j) => str(branchColumn(j))) } } as unknown as Node],
  };
}

/** `SELECT <plain column refs> FROM <one table> [WHERE …]` and nothing else. */
function plainColumns(leaf: SelectStmt): boolean {
  if ((leaf.op && leaf.op !== 'SETOP_NONE') || leaf.groupClause?.length || leaf.havingClause || leaf.distinctClause || leaf.windowClause?.length
    || leaf.sortClause?.length || leaf.limitCount || leaf.limitOffset || leaf.withClause || leaf.valuesLists || leaf.intoClause || leaf.lockingClause?.length) return false;
  if (leaf.fromClause?.length !== 1 || leaf.fromClause[0]!.kind !== 'RangeVar') return false;
  return (leaf.targetList ?? []).every((t) => {
    const v = (t as ResTarget).val;
    return t.kind === 'ResTarget' && v?.kind === 'ColumnRef' && !strings(v.fields).includes('*') && !holds(v, FORBIDDEN);
  });
}
