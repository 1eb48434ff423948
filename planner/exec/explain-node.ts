// The EXPLAIN tree: what each operator reports about itself (`RelNode.explain()` → NodeReport)
// and the tree EXPLAIN prints (ExplainNode), in PostgreSQL's vocabulary.
//
// An operator reports its node type, its headline, its detail lines and its children; the
// builder here turns operators into plan nodes the way PostgreSQL shows them:
// - a Filter operator is not a node of its own: its predicate becomes the `Filter:` line of the
//   node below (PostgreSQL evaluates quals inside scans and joins), and under ANALYZE that
//   node's rows are the filter's output while "Rows Removed by Filter" is the difference;
// - a projection is not a node either (its target list is the `Output:` of the node below);
// - an operator without `explain()` (for instance one another part of the planner adds) is
//   shown through its `describe()`: the first line is the node, later lines are detail lines
//   carried through verbatim. This is the contract for external scan nodes (`Foreign Scan on
//   sales (DuckDB)`, `Pushed Filter: …`, `Partitions: kept 3 of 24`, `DuckDB: <sql>`).
//
// Estimates are computed bottom-up from each report's `estimate` (see explain-cost.ts).

import type { TableDesc } from '../../catalog/index.js';
import type { RelNode } from '../rel/ops.js';
import type { DeparseOptions } from './explain-deparse.js';

export interface Estimate {
  startup: number;
  total: number;
  rows: number;
  width: number;
}

/** A detail line's text, computed once the deparse options (qualification) are known. */
export type Lazy = string | ((o: DeparseOptions) => string);

export interface Detail {
  /** PostgreSQL's label (`Index Cond`, `Filter`, `Hash Cond`, `Sort Key`); '' for a verbatim line. */
  label: string;
  text: Lazy;
  /** Lists (Sort Key, Group Key) are arrays in the JSON format. */
  list?: boolean;
}

export interface ChildRef {
  node: RelNode;
  /** JSON "Parent Relationship". */
  relationship?: 'Outer' | 'Inner' | 'Subquery' | 'Member' | 'InitPlan';
  /** A node PostgreSQL puts between (the Hash of a hash join, the Materialize of a nested loop). */
  wrap?: 'Hash' | 'Materialize';
  /** A sub-plan printed under its own heading (`CTE w`) rather than as a child. */
  subplan?: string;
}

/** What the estimator knows about storage. */
export interface EstimateContext {
  tableRows(t: TableDesc): { rows: number; bytes: number };
}

/** An operator's description of itself. */
export interface NodeReport {
  /** PostgreSQL's "Node Type" (JSON). */
  type: string;
  /** The text format's first line without costs ("Seq Scan on t", "Hash Left Join"). */
  headline: string;
  /** Further JSON keys in PostgreSQL's order (Relation Name, Alias, Index Name, Join Type, Strategy …). */
  props?: Array<[string, string | number | boolean]>;
  details?: Detail[];
  children?: ChildRef[];
  /** `filter`: merged into the child as its Filter line; `transparent`: the child stands for it. */
  merge?: 'filter' | 'transparent';
  /** The Filter line of a `filter` report. */
  filter?: Lazy;
  /** Selectivity of a `filter` report's predicate. */
  selectivity?: number;
  /** Output expressions (VERBOSE) of a `transparent` projection, or of the node itself. */
  outputs?: Lazy[];
  /** Counts as one relation for qualifying column names (scans of tables, subqueries, functions). */
  relation?: boolean;
  estimate(inputs: Estimate[], cx: EstimateContext): Estimate;
}

/** A printed plan node. */
export interface ExplainNode {
  type: string;
  headline: string;
  props: Array<[string, string | number | boolean]>;
  details: Detail[];
  children: ExplainNode[];
  /** Sub-plans under a heading (`CTE w`), printed after the details and before the children. */
  subplans?: Array<{ name: string; node: ExplainNode }>;
  relationship?: string;
  est: Estimate;
  outputs?: Lazy[];
  /** ANALYZE: the operator whose rows this node shows. */
  counted?: RelNode;
  /** ANALYZE: the operator below a merged filter (its rows minus ours were removed). */
  filteredFrom?: RelNode;
  /** ANALYZE figures measured elsewhere (the modify node of DML). */
  actual?: { rows: number; loops: number; startupMs: number; totalMs: number };
  relations: number;
}

/** The report of an operator, through `explain()` or, failing that, its `describe()` lines. */
export function reportOf(n: RelNode): NodeReport {
  const withExplain = n as RelNode & { explain?: () => NodeReport };
  if (typeof withExplain.explain === 'function') return withExplain.explain();
  return reportFromDescribe(n);
}

/**
 * A node known only by its describe() text: the first line is the headline, further lines are
 * verbatim detail lines — except the blocks its inputs (`input`, `left`, `right`: the operators'
 * naming convention) describe themselves, which become its children.
 */
export function reportFromDescribe(n: RelNode): NodeReport {
  let lines = n.describe('').split('\n').filter((l) => l.trim() !== '');
  const headline = (lines[0] ?? 'Unknown').trim();
  lines = lines.slice(1);
  const children: ChildRef[] = [];
  const x = n as RelNode & { input?: unknown; left?: unknown; right?: unknown };
  for (const c of [x.input, x.left, x.right]) {
    if (!isRelNode(c)) continue;
    const block = c.describe('  ').split('\n').filter((l) => l.trim() !== '');
    const at = indexOfBlock(lines, block);
    if (at < 0) continue;
    lines = [...lines.slice(0, at), ...lines.slice(at + block.length)];
    children.push({ node: c, relationship: children.length === 0 ? 'Outer' : 'Inner' });
  }
  const on = headline.indexOf(' on ');
  const type = on > 0 ? headline.slice(0, on) : headline;
  return {
    type, headline, relation: children.length === 0, children,
    details: lines.map((l) => ({ label: '', text: l.trim() })),
    estimate: (inputs) => (inputs.length > 0
      ? { startup: inputs[0]!.startup, total: inputs.reduce((t, i) => t + i.total, 0) + inputs[0]!.rows * 0.0025, rows: inputs[0]!.rows, width: 4 * n.width }
      : { startup: 0, total: 10, rows: 1000, width: 4 * n.width }),
  };
}

function isRelNode(v: unknown): v is RelNode {
  return typeof v === 'object' && v !== null && typeof (v as RelNode).open === 'function' && typeof (v as RelNode).describe === 'function';
}

function indexOfBlock(lines: readonly string[], block: readonly string[]): number {
  if (block.length === 0) return -1;
  for (let i = 0; i + block.length <= lines.length; i++) {
    let ok = true;
    for (let j = 0; j < block.length && ok; j++) ok = lines[i + j] === block[j];
    if (ok) return i;
  }
  return -1;
}

/** Builds the printed tree from an operator tree. */
export function buildTree(root: RelNode, cx: EstimateContext): ExplainNode {
  return build(root, cx, undefined);
}

function build(n: RelNode, cx: EstimateContext, relationship: string | undefined): ExplainNode {
  const r = reportOf(n);
  if (r.merge === 'filter' || r.merge === 'transparent') {
    const childRef = r.children?.[0];
    if (!childRef) throw new Error(`explain: ${r.type} without an input`);
    const child = build(childRef.node, cx, relationship);
    if (r.merge === 'transparent') {
      if (r.outputs) child.outputs = r.outputs;
      if (r.outputs) child.est = { ...child.est, width: r.estimate([child.est], cx).width };
      return child;
    }
    const before = child.est;
    const est = r.estimate([before], cx);
    const prior = child.details.find((d) => d.label === 'Filter');
    if (r.filter !== undefined) {
      if (prior) {
        const a = prior.text, b = r.filter;
        prior.text = (o) => `(${lazy(a, o)} AND ${lazy(b, o)})`;
      } else child.details.push({ label: 'Filter', text: r.filter });
    }
    child.est = est;
    child.filteredFrom = child.counted;
    child.counted = n;
    return child;
  }
  const children: ExplainNode[] = [];
  const subplans: Array<{ name: string; node: ExplainNode }> = [];
  const inputs: Estimate[] = [];
  let relations = r.relation ? 1 : 0;
  for (const c of r.children ?? []) {
    let node = build(c.node, cx, c.relationship);
    if (c.subplan !== undefined) {
      relations += node.relations;
      subplans.push({ name: c.subplan, node });
      continue;
    }
    if (c.wrap) {
      node = {
        type: c.wrap, headline: c.wrap, props: [], details: [], children: [node], relationship: c.relationship ?? 'Inner',
        est: c.wrap === 'Hash' ? { ...node.est, startup: node.est.total } : { ...node.est, total: node.est.total + node.est.rows * 0.0025 },
        relations: node.relations,
        ...(node.counted ? { counted: node.counted } : {}),
        ...(node.outputs ? { outputs: node.outputs } : {}),
      };
      node.children[0]!.relationship = 'Outer';
    }
    relations += node.relations;
    children.push(node);
    inputs.push(node.est);
  }
  return {
    type: r.type, headline: r.headline, props: r.props ?? [], details: [...(r.details ?? [])], children,
    ...(subplans.length > 0 ? { subplans } : {}),
    ...(relationship ? { relationship } : {}),
    est: r.estimate(inputs, cx),
    ...(r.outputs ?? passedOutputs(r.type, children) ? { outputs: r.outputs ?? passedOutputs(r.type, children)! } : {}),
    counted: n,
    relations,
  };
}

/** VERBOSE Output of nodes that pass rows on (sort, limit, joins): what their inputs output. */
function passedOutputs(type: string, children: readonly ExplainNode[]): Lazy[] | undefined {
  switch (type) {
    case 'Sort': case 'Limit': case 'Unique': case 'Materialize': case 'Hash':
      return children[0]?.outputs;
    case 'Hash Join': case 'Nested Loop':
      return children.every((c) => c.outputs) ? children.flatMap((c) => c.outputs!) : undefined;
    default:
      return undefined;
  }
}

export function lazy(t: Lazy, o: DeparseOptions): string {
  return typeof t === 'string' ? t : t(o);
}
