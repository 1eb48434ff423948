// The explained statement as a tree, for the three kinds of plans the planner makes:
// - operator plans (queries with FROM, aggregates): the operators' own reports (explain-node.ts);
// - plans without operators (SELECT without FROM, VALUES, set operations of those — exec/query.ts
//   computes them as a whole): nodes named from the statement's shape (`Result`, `Values Scan`,
//   `Append`, `HashSetOp`, `Sort`, `Limit`); under ANALYZE only the top node has figures (the
//   whole computation is one step), so its inputs are not listed;
// - INSERT/UPDATE/DELETE: a ModifyTable node (`Update on t`) over the rows it reads.

import type { Binder } from '../bind/binder.js';
import type { SelectStmt, SortBy } from '../parse/ast.js';
import type { RelNode } from '../rel/ops.js';
import { clampRows, OPERATOR_COST, ROW_COST, selectivity, sortCost, typeWidth } from './explain-cost.js';
import { conjunctsOf, deparseQual, quoteIdent } from './explain-deparse.js';
import type { Measured } from './explain-analyze.js';
import { buildTree, type EstimateContext, type Estimate, type ExplainNode } from './explain-node.js';
import { consumedBelow, type ModifyShown } from './explain-rel.js';
import { planQuery, type QueryPlan } from './query.js';

export interface RunFigures {
  rows: number;
  tag: string;
  ms: number;
}

export interface Explained {
  /** Operators ANALYZE instruments before the run. */
  operators(): RelNode[];
  /** The printed tree (built after the run under ANALYZE). */
  tree(cx: EstimateContext, m: Measured | undefined, run: RunFigures | undefined): ExplainNode;
}

export function operatorTree(root: RelNode): Explained {
  return { operators: () => [root], tree: (cx) => buildTree(root, cx) };
}

function leaf(type: string, headline: string, est: Estimate, props: Array<[string, string | number | boolean]> = [], children: ExplainNode[] = []): ExplainNode {
  return { type, headline, props, details: [], children, est, relations: children.reduce((n, c) => n + c.relations, 0) };
}

// --- plans without operators ----------------------------------------------------------------

export function opaqueTree(b: Binder, s: SelectStmt, plan: QueryPlan): Explained {
  return {
    operators: () => [],
    tree: (cx, m, run) => {
      const root = shapeTree(b, s, plan, cx);
      if (m && run) {
        root.children = [];
        m.setActual(root, { rows: run.rows, loops: 1, startupMs: run.ms, totalMs: run.ms });
      }
      return root;
    },
  };
}

function widthOfColumns(plan: QueryPlan): number {
  return plan.columns.reduce((w, c) => w + typeWidth(c.type.oid, c.type.typmod), 0);
}

function shapeTree(b: Binder, s: SelectStmt, plan: QueryPlan, cx: EstimateContext): ExplainNode {
  const width = widthOfColumns(plan);
  let root: ExplainNode;
  if (s.op && s.op !== 'SETOP_NONE') {
    const branches: SelectStmt[] = [];
    const collect = (x: SelectStmt): void => {
      // UNION ALL chains flatten into one Append, as PostgreSQL's planner does.
      if (x.op === s.op && x.all === s.all && s.op === 'SETOP_UNION' && s.all && !x.sortClause && !x.limitCount) {
        collect({ ...x.larg!, kind: 'SelectStmt' });
        collect({ ...x.rarg!, kind: 'SelectStmt' });
      } else branches.push(x);
    };
    if (s.op === 'SETOP_UNION' && s.all) collect({ ...s, sortClause: undefined, limitCount: undefined, limitOffset: undefined } as SelectStmt);
    else branches.push({ ...s.larg!, kind: 'SelectStmt' }, { ...s.rarg!, kind: 'SelectStmt' });
    const kids = branches.map((x) => branchTree(b, x, cx));
    for (const k of kids) k.relationship = 'Member';
    const est: Estimate = {
      startup: kids[0]?.est.startup ?? 0,
      total: kids.reduce((t, k) => t + k.est.total, 0),
      rows: kids.reduce((r, k) => r + k.est.rows, 0),
      width,
    };
    const append = leaf('Append', 'Append', est, [], kids);
    if (s.op === 'SETOP_UNION' && s.all) root = append;
    else if (s.op === 'SETOP_UNION') {
      append.relationship = 'Outer';
      root = leaf('Aggregate', 'HashAggregate', { startup: est.total + est.rows * OPERATOR_COST, total: est.total + est.rows * (OPERATOR_COST + ROW_COST), rows: clampRows(est.rows), width }, [['Strategy', 'Hashed'], ['Partial Mode', 'Simple']], [append]);
    } else {
      const command = s.op === 'SETOP_INTERSECT' ? 'Intersect' : 'Except';
      const cmd = `${command}${s.all ? ' All' : ''}`;
      append.relationship = 'Outer';
      root = leaf('SetOp', `HashSetOp ${cmd}`, { startup: est.total, total: est.total + est.rows * OPERATOR_COST, rows: clampRows(kids[0]?.est.rows ?? 1), width }, [['Strategy', 'Hashed'], ['Command', cmd]], [append]);
    }
  } else if (s.valuesLists) {
    const n = s.valuesLists.length;
    root = leaf('Values Scan', 'Values Scan on "*VALUES*"', { startup: 0, total: n * ROW_COST, rows: n, width }, [['Alias', '*VALUES*']]);
    root.relations = 1;
  } else if (s.fromClause?.length) {
    // A plan over tables that exposes no operators (it runs as one piece elsewhere): say so
    // rather than guess its shape. Plans should expose `node` (see exec/README.md).
    root = leaf('Custom Scan', 'Custom Scan (statement computed as one step)', { startup: 0, total: 10, rows: 1000, width });
    root.relations = 1;
  } else {
    root = leaf('Result', 'Result', { startup: 0, total: ROW_COST, rows: 1, width });
  }
  if (s.sortClause?.length) {
    const keys = (s.sortClause as SortBy[]).map((sb) => {
      const n = sb.node as { kind: string; ival?: { ival?: number }; fields?: Array<{ sval?: string }> };
      let text = n.kind === 'A_Const' && n.ival ? quoteIdent(plan.columns[(n.ival.ival ?? 1) - 1]?.name ?? '?column?') : n.kind === 'ColumnRef' ? (n.fields ?? []).map((f) => quoteIdent(f.sval ?? '')).join('.') : '?';
      if (sb.sortby_dir === 'SORTBY_DESC') text += ' DESC';
      return text;
    });
    const child = root;
    child.relationship = 'Outer';
    root = leaf('Sort', 'Sort', sortCost(child.est), [], [child]);
    root.details.push({ label: 'Sort Key', text: keys.join(', '), list: true });
  }
  if (s.limitCount || s.limitOffset) {
    const child = root;
    child.relationship = 'Outer';
    root = leaf('Limit', 'Limit', { ...child.est }, [], [child]);
  }
  return root;
}

function branchTree(b: Binder, s: SelectStmt, cx: EstimateContext): ExplainNode {
  const plan = planQuery(b, s, true);
  const node = (plan as QueryPlan & { node?: RelNode }).node;
  return node ? buildTree(node, cx) : shapeTree(b, s, plan, cx);
}

// --- INSERT / UPDATE / DELETE -----------------------------------------------------------------

export function modifyTree(m: ModifyShown): Explained {
  const queryNode = (m.query as { node?: RelNode } | undefined)?.node;
  const input = m.input ?? queryNode;
  return {
    operators: () => (input ? [input] : []),
    tree: (cx, measured, run) => {
      let child: ExplainNode;
      if (input) {
        child = buildTree(input, cx);
        if (m.where) {
          const used = consumedBelow(input);
          const conds = conjunctsOf(m.where.expr).filter((c) => !used.has(c));
          if (conds.length > 0) {
            const slots = m.where.slots;
            child.details.push({ label: 'Filter', text: (o) => deparseQual(conds, slots, o) });
            const sel = conds.reduce((x, c) => x * selectivity(c), 1);
            child.est = { ...child.est, total: child.est.total + child.est.rows * OPERATOR_COST * conds.length, rows: clampRows(child.est.rows * sel) };
            // Without FROM/USING the writer's WHERE is the filter of the scan: the rows it
            // kept are the rows the statement changed.
            const scanned = measured && run && m.input && child.counted === m.input ? measured.of(m.input) : undefined;
            const changed = run ? Number(/ (\d+)$/.exec(run.tag)?.[1] ?? NaN) : NaN;
            if (measured && scanned && Number.isFinite(changed)) {
              measured.setActual(child, { ...scanned, rows: changed });
              measured.setRemoved(child, scanned.rows - changed);
            }
          }
        }
      } else {
        const n = m.valuesRows ?? 1;
        const width = m.table.columns.reduce((w, c) => (c.dropped ? w : w + typeWidth(c.typeOid, c.typmod)), 0);
        child = n === 1
          ? leaf('Result', 'Result', { startup: 0, total: ROW_COST, rows: 1, width })
          : leaf('Values Scan', 'Values Scan on "*VALUES*"', { startup: 0, total: n * ROW_COST, rows: n, width }, [['Alias', '*VALUES*']]);
        if (measured && run) measured.setActual(child, { rows: n, loops: 1, startupMs: run.ms, totalMs: run.ms });
      }
      child.relationship = 'Outer';
      const t = m.table;
      const alias = m.alias !== undefined && m.alias !== t.name ? ` ${quoteIdent(m.alias)}` : '';
      const node = leaf('ModifyTable', `${m.op} on ${quoteIdent(t.name)}${alias}`,
        { startup: child.est.startup, total: child.est.total + child.est.rows * ROW_COST, rows: 0, width: 0 },
        [['Operation', m.op], ['Relation Name', t.name], ['Schema', t.schema], ['Alias', m.alias ?? t.name]], [child]);
      if (measured && run) measured.setActual(node, { rows: run.rows, loops: 1, startupMs: run.ms, totalMs: run.ms });
      return node;
    },
  };
}
