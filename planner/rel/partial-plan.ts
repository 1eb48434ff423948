// Planning the partial-aggregate rewrite of partial-agg.ts (issue 5). The original statement is
// planned first (its errors are the statement's errors, and it is the fallback); the UNION and
// each branch are planned alone to learn their column types (every branch must have exactly the
// UNION's types, so no branch's values are converted by the UNION); then the rewritten statement
// is planned and used when its output columns equal the original's. External scans recorded by
// the plans that are not used are returned as `dropped` (the statement must not fetch them).
import { DbError } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { QueryPlan } from '../exec/query.js';
import { planQuery } from '../exec/query.js';
import type { ExternalScan } from '../external/scan-spec.js';
import type { ExternalState } from '../external/scan-rows.js';
import { runFetching } from '../external/fetch-run.js';
import { strings, type Node, type SelectStmt } from '../parse/ast.js';
import { containsAggregate } from './ast-walk.js';
import { lookupTable } from './from.js';
import { findCte } from './with.js';
import { reportOf, type NodeReport } from '../exec/explain-node.js';
import { iter, type RelNode, type Row } from './ops.js';
import { PARTIAL_BRANCH, rewriteUnionAggregate, type PartialBranchSpec } from './partial-agg.js';

type RelPlan = QueryPlan & { node: RelNode };

/** Plans `s` (an aggregate over a UNION ALL subquery, matched by matchUnionAggregate) decomposed when it can. */
export function planDecomposed(
  b: Binder,
  s: SelectStmt,
  m: { union: SelectStmt; leaves: SelectStmt[] },
  st: ExternalState,
  inner: (b: Binder, s: SelectStmt) => RelPlan,
): { plan: RelPlan; dropped: Set<ExternalScan> } {
  const dropped = new Set<ExternalScan>();
  /** Runs `f` in its own recording window (scans of a failed attempt are dropped at once). */
  const recorded = <T>(f: () => T): { value: T; scans: ExternalScan[] } => {
    const w = st.openWindow(undefined);
    let value: T;
    try {
      value = f();
    } catch (e) {
      for (const x of w.close()) dropped.add(x);
      throw e;
    }
    return { value, scans: w.close() };
  };
  const orig = recorded(() => inner(b, s));
  if (orig.scans.length === 0) return { plan: orig.value, dropped };
  const keepOriginal = (scans: ExternalScan[]): { plan: RelPlan; dropped: Set<ExternalScan> } => {
    for (const x of scans) dropped.add(x);
    return { plan: orig.value, dropped };
  };
  let probe: { value: SelectStmt | undefined; scans: ExternalScan[] };
  try {
    probe = recorded(() => {
      const u = planQuery(b, m.union);
      const cols = u.columns.map((c) => ({ name: c.name, oid: c.type.oid, typmod: c.type.typmod ?? -1 }));
      for (const leaf of m.leaves) {
        const lc = planQuery(b, leaf).columns;
        if (lc.length !== cols.length || lc.some((c, i) => c.type.oid !== cols[i]!.oid || (c.type.typmod ?? -1) !== cols[i]!.typmod)) return undefined;
      }
      return rewriteUnionAggregate(s, m, cols);
    });
  } catch (e) {
    // Planning parts alone may fail where the whole did not (e.g. an unknown literal resolved by
    // the other branch): keep the original plan.
    if (e instanceof DbError) return keepOriginal([]);
    throw e;
  }
  if (!probe.value) return keepOriginal(probe.scans);
  let rw: { value: RelPlan; scans: ExternalScan[] };
  try {
    rw = recorded(() => inner(b, probe.value!));
  } catch (e) {
    if (e instanceof DbError) return keepOriginal(probe.scans);
    throw e;
  }
  const a = orig.value.columns, c = rw.value.columns;
  const same = a.length === c.length && a.every((x, i) => x.name === c[i]!.name && x.type.oid === c[i]!.type.oid && (x.type.typmod ?? -1) === (c[i]!.type.typmod ?? -1));
  if (!same) return keepOriginal([...probe.scans, ...rw.scans]);
  for (const x of [...orig.scans, ...probe.scans]) dropped.add(x);
  return { plan: rw.value, dropped };
}

/**
 * `SELECT … FROM v …` where `v` is a view whose query is a UNION ALL: the same statement with the
 * view's query as a FROM subquery (alias and column names as the view scan gives them — what
 * from.ts does when it plans a view), so the decomposition applies; undefined otherwise.
 */
export function unionViewForm(b: Binder, s: SelectStmt): SelectStmt | undefined {
  if (s.fromClause?.length !== 1 || s.fromClause[0]!.kind !== 'RangeVar') return undefined;
  if (!s.groupClause?.length && !(s.targetList ?? []).some((t) => containsAggregate(t))) return undefined;
  const rv = s.fromClause[0] as unknown as { relname?: string; schemaname?: string; alias?: { aliasname?: string; colnames?: Node[] } };
  if (!b.tables || rv.relname === undefined || (rv.schemaname === undefined && findCte(b, rv.relname))) return undefined;
  let tab;
  try {
    tab = lookupTable(b, rv.relname, rv.schemaname, -1);
  } catch {
    return undefined; // the original plan reports it
  }
  const q = tab.viewQuery as SelectStmt | undefined;
  if (tab.kind !== 'view' || !q || q.op !== 'SETOP_UNION' || !q.all) return undefined;
  const renames = strings(rv.alias?.colnames);
  const colnames = tab.columns.map((c, i) => ({ kind: 'String', sval: renames[i] ?? c.name }) as Node);
  const sub = { kind: 'RangeSubselect', subquery: { ...q, kind: 'SelectStmt' }, alias: { aliasname: rv.alias?.aliasname ?? tab.name, colnames } } as unknown as Node;
  return { ...s, fromClause: [sub] };
}

/** The spec a rewritten branch carries (partial-agg.ts), if `s` is one. */
export function partialSpecOf(s: SelectStmt): PartialBranchSpec | undefined {
  return (s as unknown as Record<symbol, PartialBranchSpec | undefined>)[PARTIAL_BRANCH];
}

/**
 * A marked branch's plan: when its one external scan is its own FROM (`depth`: the branch's
 * planning depth) with the whole WHERE pushed, DuckDB may compute the branch (prefetch.ts puts
 * the rows in `aggregated`); else, or when the fetch fell back to rows, the native plan runs.
 */
export function partialBranchPlan(plan: RelPlan, spec: PartialBranchSpec, ext: ExternalScan[], depth: number): RelPlan | undefined {
  const mine = ext.filter((x) => x.planDepth === depth);
  if (ext.length !== 1 || mine.length !== 1) return undefined;
  const scan = mine[0]!;
  const names = new Set(scan.table.columns.filter((c) => !c.dropped).map((c) => c.name));
  if (!scan.allWherePushed || ![...spec.groupBy, ...spec.aggs.map((a) => ('arg' in a ? a.arg : undefined))].every((n) => n === undefined || names.has(n))) return undefined;
  scan.partial = { groupBy: spec.groupBy, aggs: spec.aggs, oids: plan.columns.map((c) => c.type.oid) };
  const run = (ctx: EvalContext): Value[][] | Promise<Value[][]> => {
    const rows = ctx.tables?.externalRows?.aggregated.get(scan);
    if (rows) return rows as Value[][];
    return runFetching(ext, ctx, () => plan.run(ctx) as Value[][]);
  };
  return { columns: plan.columns, node: plan.node, run, rowsNode: new PartialBranchNode(plan.node, scan, scanNodeOf(plan.node, scan) ?? plan.node) };
}

/** The operator of `root`'s tree that scans `scan` (for EXPLAIN). */
function scanNodeOf(root: RelNode, scan: ExternalScan): RelNode | undefined {
  const todo = [root];
  for (let i = 0; i < todo.length && i < 10_000; i++) {
    const n = todo[i]!;
    if ((n as { external?: unknown }).external === scan) return n;
    for (const c of reportOf(n).children ?? []) todo.push(c.node);
  }
  return undefined;
}

/**
 * A decomposed branch's rows: DuckDB's partial aggregate when the statement computed it
 * (`ExternalState.aggregated`), else the native plan's (its external scan fetched or streamed:
 * the native plan forwards SUSPEND, so `streamInputs` lets the scan stream when the fragment could
 * not be used). EXPLAIN shows the external scan, whose lines say what ran.
 */
class PartialBranchNode implements RelNode {
  constructor(private readonly native: RelNode, private readonly scan: ExternalScan, private readonly shown: RelNode) {}
  get width(): number {
    return this.native.width;
  }
  *open(ctx: EvalContext): Generator<Row> {
    const st = ctx.tables?.externalRows;
    const rows = st?.aggregated.get(this.scan);
    const running = st?.partialStreams.get(this.scan);
    if (rows) yield* rows as Row[];
    else if (running) yield* running.rows(); // SUSPEND until DuckDB's partial aggregate is done
    else yield* iter(this.native.open(ctx));
  }
  streamInputs(): readonly RelNode[] {
    return [this.native];
  }
  describe(i = ''): string {
    return this.shown.describe(i);
  }
  explain(): NodeReport {
    return reportOf(this.shown);
  }
}
