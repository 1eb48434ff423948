// NodeReports of the relational operators (planner/rel/*): each operator's `explain()` is a
// one-line call into this file, so the wording lives in one place and the operators stay about
// execution. Reports describe what the operator really does:
// - a primary-key point get or key range is an `Index Scan using <pkey> on t` with the key
//   conditions as `Index Cond` (those conjuncts are not repeated in the Filter line, though
//   the residual filter re-checks them: exactness never depends on the access path);
// - a join hashes its right input when the condition has column equalities (`Hash Join`, the
//   right input under a `Hash` node) and otherwise loops over the materialized right input
//   (`Nested Loop` with a `Materialize` inner);
// - GROUP BY and DISTINCT use hash tables (`HashAggregate`), DISTINCT ON keeps the first row
//   per key of sorted input (`Unique`), a subquery in FROM is materialized (`Subquery Scan`).

import type { TableDesc } from '../../catalog/index.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import type { Compiled } from '../eval/compile.js';
import type { RelNode } from '../rel/ops.js';
import { clampRows, blocking, DEFAULT_EQ_SEL, DEFAULT_GROUPS, DEFAULT_INEQ_SEL, FUNCTION_ROWS, OPERATOR_COST, operatorCount, RANDOM_READ_COST, ROW_COST, BLOCK_BYTES, SEQ_BLOCK_COST, selectivity, sortCost, streaming, typeWidth } from './explain-cost.js';
import { conjunctsOf, deparse, deparseQual, quoteIdent, type DeparseOptions, type Shown, type SlotNames } from './explain-deparse.js';
import { reportFromDescribe, type Detail, type Estimate, type Lazy, type NodeReport } from './explain-node.js';

const qualified = (alias: string | undefined, col: string, o: DeparseOptions): string =>
  (o.qualify && alias !== undefined ? `${quoteIdent(alias)}.${quoteIdent(col)}` : quoteIdent(col));

function widthOf(exprs: readonly BoundExpr[]): number {
  return exprs.reduce((w, e) => w + typeWidth(e.type.oid, e.type.typmod), 0);
}

function tableWidth(t: TableDesc): number {
  return t.columns.reduce((w, c) => (c.dropped ? w : w + typeWidth(c.typeOid, c.typmod)), 0);
}

// --- scans -----------------------------------------------------------------------------------

/** How a key condition is shown: the key column, the operator as applied to it, the other side. */
export interface KeyCondShown {
  /** The WHERE conjunct this condition came from (not repeated in the Filter line). */
  cond: BoundExpr;
  column: string;
  op: string;
  other: BoundExpr;
}

interface KeyBoundLike { shown?: KeyCondShown }
type AccessLike =
  | { kind: 'full' }
  | { kind: 'point'; eq: KeyBoundLike[] }
  | { kind: 'range'; eq: KeyBoundLike[]; lower?: { b: KeyBoundLike }; upper?: { b: KeyBoundLike } };

export interface ScanLike extends RelNode {
  readonly table: TableDesc;
  readonly access: AccessLike;
  alias?: string;
}

export function keyConds(a: AccessLike): KeyCondShown[] {
  switch (a.kind) {
    case 'full': return [];
    case 'point': return a.eq.flatMap((b) => (b.shown ? [b.shown] : []));
    case 'range': return [...a.eq, ...(a.lower ? [a.lower.b] : []), ...(a.upper ? [a.upper.b] : [])].flatMap((b) => (b.shown ? [b.shown] : []));
    default: {
      const never: never = a;
      return never;
    }
  }
}

export function scanReport(s: ScanLike): NodeReport {
  const t = s.table;
  if (t.external !== undefined) {
    // External scans describe themselves (placement, pushed filters, files, DuckDB SQL).
    const r = reportFromDescribe(s);
    return { ...r, props: [['Relation Name', t.name], ['Alias', s.alias ?? t.name]], estimate: () => ({ startup: 0, total: 1000 * ROW_COST, rows: 1000, width: tableWidth(t) }) };
  }
  const aliasPart = s.alias !== undefined && s.alias !== t.name ? ` ${quoteIdent(s.alias)}` : '';
  const rel = `${quoteIdent(t.name)}${aliasPart}`;
  const props: Array<[string, string | number | boolean]> = [];
  const conds = keyConds(s.access);
  const keyed = s.access.kind !== 'full';
  const pkey = t.primaryKey?.name ?? `${t.name}_pkey`;
  if (keyed) props.push(['Scan Direction', 'Forward'], ['Index Name', pkey]);
  props.push(['Relation Name', t.name], ['Schema', t.schema], ['Alias', s.alias ?? t.name]);
  const details: Detail[] = [];
  if (keyed && conds.length > 0) {
    details.push({ label: 'Index Cond', text: (o) => {
      const parts = conds.map((c) => `(${qualified(alias, c.column, o)} ${c.op} ${deparse(c.other, { kind: 'none' }, o)})`);
      return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
    } });
  }
  const alias = s.alias ?? t.name;
  const outputs = t.columns.filter((c) => !c.dropped).map((c): Lazy => (o) => qualified(alias, c.name, o));
  return {
    type: keyed ? 'Index Scan' : 'Seq Scan', outputs,
    headline: keyed ? `Index Scan using ${quoteIdent(pkey)} on ${rel}` : `Seq Scan on ${rel}`,
    props, details, relation: true,
    estimate: (_in, cx) => {
      const { rows, bytes } = cx.tableRows(t);
      const width = tableWidth(t);
      const blocks = Math.max(1, Math.ceil(bytes / BLOCK_BYTES));
      const a = s.access;
      switch (a.kind) {
        case 'full':
          return { startup: 0, total: blocks * SEQ_BLOCK_COST + rows * ROW_COST, rows: clampRows(rows), width };
        case 'point':
          return { startup: 0, total: RANDOM_READ_COST + ROW_COST, rows: 1, width };
        case 'range': {
          const both = a.lower && a.upper;
          const sel = Math.pow(DEFAULT_EQ_SEL, a.eq.length) * (both ? DEFAULT_EQ_SEL : a.lower || a.upper ? DEFAULT_INEQ_SEL : 1);
          const n = clampRows(rows * sel);
          return { startup: 0, total: RANDOM_READ_COST + (n / Math.max(rows, 1)) * blocks * SEQ_BLOCK_COST + n * ROW_COST, rows: n, width };
        }
        default: {
          const never: never = a;
          return never;
        }
      }
    },
  };
}

// --- filter, projection --------------------------------------------------------------------

/** Conjuncts already applied as key conditions by scans below `n` (shown as Index Cond). */
export function consumedBelow(n: RelNode, out = new Set<BoundExpr>()): Set<BoundExpr> {
  const x = n as RelNode & { access?: AccessLike; input?: RelNode; left?: RelNode; right?: RelNode };
  if (x.access) for (const c of keyConds(x.access)) out.add(c.cond);
  for (const c of [x.input, x.left, x.right]) if (c) consumedBelow(c, out);
  return out;
}

export function filterReport(n: { input: RelNode; shown?: Shown }): NodeReport {
  const used = consumedBelow(n.input);
  const conds = n.shown ? conjunctsOf(n.shown.expr).filter((c) => !used.has(c)) : [];
  const slots = n.shown?.slots ?? { kind: 'none' };
  const sel = conds.reduce((s, c) => s * selectivity(c), 1);
  const ops = conds.reduce((k, c) => k + Math.max(1, operatorCount(c)), 0);
  return {
    type: 'Filter', headline: 'Filter', merge: 'filter', children: [{ node: n.input }],
    ...(conds.length > 0 ? { filter: (o: DeparseOptions) => deparseQual(conds, slots, o) } : n.shown ? {} : { filter: '(predicate not shown)' }),
    selectivity: sel,
    estimate: ([i]) => streaming(i!, ops * OPERATOR_COST, i!.rows * sel, i!.width),
  };
}

export interface ProjectionShown {
  exprs: readonly BoundExpr[];
  slots: SlotNames;
}

export function projectReport(n: { input: RelNode; shown?: ProjectionShown }): NodeReport {
  const s = n.shown;
  return {
    type: 'Result', headline: 'Result', merge: 'transparent', children: [{ node: n.input }],
    ...(s ? { outputs: s.exprs.map((e): Lazy => (o) => deparse(e, s.slots, o)) } : {}),
    estimate: ([i]) => ({ ...i!, width: s ? widthOf(s.exprs) : i!.width }),
  };
}

export function trimReport(n: { input: RelNode }): NodeReport {
  return { type: 'Result', headline: 'Result', merge: 'transparent', children: [{ node: n.input }], estimate: ([i]) => i! };
}

// --- rows given by the plan: Result, Values, CTE/Subquery/Function scans --------------------

/** Rows of generate_series(start, stop [, step]) when all are integer constants (else undefined). */
export function seriesRows(args: readonly BoundExpr[]): number | undefined {
  const v = args.map((a) => (a.kind === 'const' && (typeof a.value === 'number' || typeof a.value === 'bigint') ? Number(a.value) : undefined));
  if (v.some((x) => x === undefined)) return undefined;
  const [start, stop, step = 1] = v as number[];
  if (step === 0) return undefined;
  return Math.max(0, Math.floor((stop! - start!) / step) + 1);
}

export function rowsReport(n: { width: number; label: string; alias: string | undefined; sub?: object; rowsEstimate?: number | undefined }): NodeReport {
  const label = n.label;
  const on = label.indexOf(' on ');
  const kind = on > 0 ? label.slice(0, on) : label;
  const target = on > 0 ? label.slice(on + 4) : undefined;
  const w = 4 * n.width;
  switch (kind) {
    case 'Result':
      return { type: 'Result', headline: 'Result', estimate: () => ({ startup: 0, total: ROW_COST, rows: 1, width: w }) };
    case 'Function Scan': {
      const fn = target ?? 'function';
      const alias = n.alias !== undefined && n.alias !== fn ? ` ${quoteIdent(n.alias)}` : '';
      return {
        type: 'Function Scan', headline: `Function Scan on ${fn}${alias}`, relation: true,
        props: [['Function Name', fn], ['Alias', n.alias ?? fn]],
        estimate: () => {
          const rows = n.rowsEstimate ?? FUNCTION_ROWS;
          return { startup: 0, total: rows * ROW_COST, rows: clampRows(rows), width: w };
        },
      };
    }
    case 'CTE Scan': {
      // A CTE is computed once per statement (materialized): its plan is the `CTE name` sub-plan.
      const body = (n.sub as { node?: RelNode } | undefined)?.node;
      return {
        type: 'CTE Scan', headline: `CTE Scan on ${quoteIdent(target ?? 'cte')}${n.alias !== undefined && n.alias !== target ? ` ${quoteIdent(n.alias)}` : ''}`, relation: true,
        props: [['CTE Name', target ?? ''], ['Alias', n.alias ?? target ?? '']],
        ...(body ? { children: [{ node: body, relationship: 'InitPlan' as const, subplan: `CTE ${quoteIdent(target ?? 'cte')}` }] } : {}),
        estimate: () => ({ startup: 0, total: FUNCTION_ROWS * ROW_COST, rows: FUNCTION_ROWS, width: w }),
      };
    }
    case 'View Scan':
    case 'Subquery Scan': {
      const alias = n.alias ?? target ?? 'subquery';
      const child = (n.sub as { node?: RelNode } | undefined)?.node;
      return {
        type: 'Subquery Scan', headline: `Subquery Scan on ${quoteIdent(alias)}`, relation: true,
        props: [['Alias', alias]],
        ...(child ? { children: [{ node: child, relationship: 'Subquery' as const }] } : {}),
        estimate: (inputs) => {
          const i = inputs[0];
          return i ? { startup: i.startup, total: i.total + i.rows * ROW_COST, rows: i.rows, width: i.width } : { startup: 0, total: FUNCTION_ROWS * ROW_COST, rows: FUNCTION_ROWS, width: w };
        },
      };
    }
    default:
      return { type: 'Values Scan', headline: 'Values Scan on "*VALUES*"', relation: true, props: [['Alias', '*VALUES*']], estimate: () => ({ startup: 0, total: ROW_COST, rows: 1, width: w }) };
  }
}

// --- sort, limit, distinct -------------------------------------------------------------------

interface SortKeyLike { desc: boolean; nullsFirst: boolean; shown?: Shown }

/** A sort/group key as PostgreSQL prints it: a plain column bare, anything else in parentheses. */
export function keyText(s: Shown, o: DeparseOptions): string {
  const t = deparse(s.expr, s.slots, o);
  return /^("[^"]*"|[a-z_][a-z0-9_$]*)(\.("[^"]*"|[a-z_][a-z0-9_$]*))?$/.test(t) ? t : `(${t})`;
}

export function sortReport(n: { input: RelNode; keys: readonly SortKeyLike[] }): NodeReport {
  const keys = n.keys;
  const text = (o: DeparseOptions): string => keys.map((k) => {
    let t = k.shown ? keyText(k.shown, o) : '?';
    if (k.desc) t += ' DESC';
    if (k.desc && !k.nullsFirst) t += ' NULLS LAST';
    if (!k.desc && k.nullsFirst) t += ' NULLS FIRST';
    return t;
  }).join(', ');
  return {
    type: 'Sort', headline: 'Sort', children: [{ node: n.input, relationship: 'Outer' }],
    details: [{ label: 'Sort Key', text, list: true }],
    estimate: ([i]) => sortCost(i!),
  };
}

/** The value of a LIMIT/OFFSET expression when it is a constant (undefined for parameters). */
function constantOf(c: Compiled | undefined): bigint | undefined {
  if (!c) return undefined;
  try {
    const v: Value = c([], { params: [] } as unknown as EvalContext);
    return typeof v === 'bigint' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function limitReport(n: { input: RelNode; limit: Compiled | undefined; offset: Compiled | undefined }): NodeReport {
  return {
    type: 'Limit', headline: 'Limit', children: [{ node: n.input, relationship: 'Outer' }],
    estimate: ([i]) => {
      const lim = constantOf(n.limit), off = constantOf(n.offset) ?? 0n;
      const want = n.limit ? (lim !== undefined ? Number(lim) : i!.rows * 0.1) : i!.rows;
      const rows = Math.max(0, Math.min(i!.rows - Number(off), want));
      const frac = i!.rows > 0 ? Math.min(1, (rows + Number(off)) / i!.rows) : 1;
      return { startup: i!.startup, total: i!.startup + (i!.total - i!.startup) * frac, rows: clampRows(rows), width: i!.width };
    },
  };
}

export function distinctReport(n: { input: RelNode; keyWidth: number }): NodeReport {
  if (n.keyWidth === 0) {
    // DISTINCT ON: the first row of each key in sorted input.
    return { type: 'Unique', headline: 'Unique', children: [{ node: n.input, relationship: 'Outer' }], estimate: ([i]) => streaming(i!, OPERATOR_COST, Math.min(i!.rows, DEFAULT_GROUPS), i!.width) };
  }
  const proj = (n.input as RelNode & { shown?: ProjectionShown }).shown;
  const details: Detail[] = proj ? [{ label: 'Group Key', list: true, text: (o) => proj.exprs.slice(0, n.keyWidth).map((e) => keyText({ expr: e, slots: proj.slots }, o)).join(', ') }] : [];
  return {
    type: 'Aggregate', headline: 'HashAggregate', props: [['Strategy', 'Hashed'], ['Partial Mode', 'Simple']], details,
    children: [{ node: n.input, relationship: 'Outer' }],
    estimate: ([i]) => blocking(i!, i!.rows * OPERATOR_COST * n.keyWidth, Math.min(i!.rows, DEFAULT_GROUPS), i!.width),
  };
}

// --- aggregate, join ------------------------------------------------------------------------

export interface AggShown {
  groups: readonly BoundExpr[];
  slots: SlotNames;
}

interface AggSpecLike { name: string; distinct: boolean; shownArgs?: readonly BoundExpr[]; star?: boolean }

/** The text of aggregate `a` (`count(*)`, `sum(amount)`, `count(DISTINCT v)`). */
export function aggText(a: AggSpecLike, slots: SlotNames, o: DeparseOptions): string {
  const args = a.shownArgs ?? [];
  if (args.length === 0) return `${a.name}(*)`;
  return `${a.name}(${a.distinct ? 'DISTINCT ' : ''}${args.map((e) => deparse(e, slots, o)).join(', ')})`;
}

/** Names of an aggregate's output slots: group keys, then aggregate results. */
export function aggOutputSlots(n: { aggs: readonly AggSpecLike[]; shown?: AggShown }): SlotNames {
  const s = n.shown;
  const slots = s?.slots ?? { kind: 'none' };
  return {
    kind: 'texts',
    texts: [
      ...(s?.groups ?? []).map((g) => (o: DeparseOptions) => deparse(g, slots, o)),
      ...n.aggs.map((a) => (o: DeparseOptions) => aggText(a, slots, o)),
    ],
  };
}

export function aggReport(n: { input: RelNode; grouped: boolean; groups: readonly unknown[]; aggs: readonly AggSpecLike[]; shown?: AggShown }): NodeReport {
  const s = n.shown;
  const details: Detail[] = [];
  if (n.grouped && s && s.groups.length > 0) {
    details.push({ label: 'Group Key', list: true, text: (o) => s.groups.map((g) => keyText({ expr: g, slots: s.slots }, o)).join(', ') });
  }
  const hashed = n.grouped && n.groups.length > 0;
  return {
    type: 'Aggregate', headline: hashed ? 'HashAggregate' : 'Aggregate',
    props: [['Strategy', hashed ? 'Hashed' : 'Plain'], ['Partial Mode', 'Simple']],
    details, children: [{ node: n.input, relationship: 'Outer' }],
    outputs: (aggOutputSlots(n) as { texts: ReadonlyArray<(o: DeparseOptions) => string> }).texts.slice(),
    estimate: ([i]) => {
      const rows = !hashed ? 1 : Math.min(i!.rows, DEFAULT_GROUPS);
      const width = (s ? widthOf(s.groups) : 4 * n.groups.length) + 8 * n.aggs.length;
      return blocking(i!, i!.rows * OPERATOR_COST * (n.groups.length + n.aggs.length), rows, width);
    },
  };
}

export interface JoinShown {
  /** The join condition as bound (absolute slots of the scope that `slots` names). */
  cond: BoundExpr | undefined;
  slots: SlotNames;
  /** Absolute slot of the join's first column (the condition reads absolute slots). */
  offset: number;
}

interface EquiLike { left: number; right: number }

export function joinReport(n: { left: RelNode; right: RelNode; kind: 'inner' | 'left' | 'right' | 'full' | 'cross'; equi: readonly EquiLike[]; shown?: JoinShown }): NodeReport {
  const hashed = n.equi.length > 0;
  const conds = conjunctsOf(n.shown?.cond);
  const lw = n.left.width;
  const off = n.shown?.offset ?? 0;
  // An equality the hash table uses: `left slot = right slot` in either order.
  const isHashCond = (c: BoundExpr): boolean => {
    if (c.kind !== 'call' || c.name !== '=' || c.args.length !== 2) return false;
    const [x, y] = c.args as [BoundExpr, BoundExpr];
    if (x.kind !== 'column' || y.kind !== 'column') return false;
    const a = x.index - off, b = y.index - off;
    return n.equi.some((e) => (e.left === a && e.right === b - lw) || (e.left === b && e.right === a - lw));
  };
  const hashConds = hashed ? conds.filter(isHashCond) : [];
  const rest = conds.filter((c) => !hashConds.includes(c));
  const slots = n.shown?.slots ?? { kind: 'none' };
  const details: Detail[] = [];
  if (hashConds.length > 0) details.push({ label: 'Hash Cond', text: (o) => deparseQual(hashConds, slots, o) });
  if (rest.length > 0) details.push({ label: 'Join Filter', text: (o) => deparseQual(rest, slots, o) });
  const joinType = n.kind === 'cross' ? 'Inner' : n.kind[0]!.toUpperCase() + n.kind.slice(1);
  const suffix = n.kind === 'inner' || n.kind === 'cross' ? '' : ` ${joinType} Join`;
  const sel = conds.reduce((s, c) => s * selectivity(c), 1);
  return {
    type: hashed ? 'Hash Join' : 'Nested Loop',
    headline: hashed ? (suffix ? `Hash${suffix}` : 'Hash Join') : `Nested Loop${suffix}`,
    props: [['Join Type', joinType], ['Inner Unique', false]],
    details,
    children: [{ node: n.left, relationship: 'Outer' }, { node: n.right, relationship: 'Inner', wrap: hashed ? 'Hash' : 'Materialize' }],
    estimate: ([l, r]) => {
      let rows = l!.rows * r!.rows * sel;
      if (n.kind === 'left' || n.kind === 'full') rows = Math.max(rows, l!.rows);
      if (n.kind === 'right' || n.kind === 'full') rows = Math.max(rows, r!.rows);
      const width = l!.width + r!.width;
      const pairs = hashed ? l!.rows * Math.max(1, r!.rows * DEFAULT_EQ_SEL) : l!.rows * r!.rows;
      const startup = l!.startup + r!.total + (hashed ? r!.rows * ROW_COST : 0);
      const total = l!.total + r!.total + (hashed ? r!.rows * ROW_COST + l!.rows * OPERATOR_COST : 0) + pairs * OPERATOR_COST * Math.max(1, conds.length) + clampRows(rows) * ROW_COST;
      return { startup, total, rows: clampRows(rows), width };
    },
  };
}

export type { Estimate };

// --- DML -------------------------------------------------------------------------------------

/** What INSERT/UPDATE/DELETE plans report (TablePlan.explain, planner/dml). */
export interface ModifyShown {
  op: 'Insert' | 'Update' | 'Delete';
  table: TableDesc;
  alias: string | undefined;
  /** UPDATE/DELETE: the operators producing candidate rows. */
  input?: RelNode;
  /** UPDATE/DELETE: the WHERE clause, applied by the writer to each candidate (and re-checked after a lock wait). */
  where?: Shown;
  /** INSERT … VALUES: the number of rows listed. */
  valuesRows?: number;
  /** INSERT … SELECT: the query's plan (its operators when it has any). */
  query?: object;
}
