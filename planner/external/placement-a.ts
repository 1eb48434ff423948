// Placement A: a SELECT whose FROM is one external table and whose every part DuckDB computes
// exactly as PostgreSQL does runs in DuckDB as one fragment — WHERE (all of it pushed), GROUP BY
// plain columns, count/sum/min/max, ORDER BY output columns with NULLS FIRST/LAST spelled,
// LIMIT/OFFSET constants. Only the (small) result crosses into the executor.
// Safety nets, in order: the statement is recognised from its AST shape only (anything else →
// placement B, the native plan over a pushed-down scan); the native plan is bound first, so
// every PostgreSQL error (42703, 42803, …) is raised exactly as before; the fragment's output
// types must equal the bound plan's column types, else placement B; at execution, a fragment
// that cannot be rendered faithfully (a constant DuckDB cannot carry, no files left) runs
// placement B too. Floating-point sums are never pushed (summation order changes the last bits).
// Static import: the fetch runs through prefetch.ts (dynamic import).
import type { RowCursor } from '../api.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { QueryPlan } from '../exec/query.js';
import type { FragAgg, FragSort } from './fragment.js';
import type { ExternalScan } from './scan-spec.js';

export interface PlacementA {
  scan: ExternalScan;
  /** Output: plain columns, or GROUP BY columns + aggregates (then `outputOrder` maps targets). */
  output: { kind: 'columns'; columns: string[] } | { kind: 'aggregate'; groupBy: string[]; aggs: FragAgg[] };
  /** Target i is fragment output column outputOrder[i]. */
  outputOrder: number[];
  orderBy: FragSort[];
  limit: number | undefined;
  offset: number | undefined;
}

type Ast = Record<string, unknown> & { kind?: string };

const str = (n: unknown): string | undefined => {
  const o = n as { sval?: string; String?: { sval?: string } } | undefined;
  return o?.sval ?? o?.String?.sval;
};

/** A column reference to the scanned table (unqualified, or qualified by its alias). */
function columnName(n: unknown, scan: ExternalScan): string | undefined {
  const c = n as Ast;
  if (c?.kind !== 'ColumnRef' || !Array.isArray(c.fields)) return undefined;
  const f = c.fields.map(str);
  if (f.some((x) => x === undefined)) return undefined;
  if (f.length === 2 && f[0] !== scan.alias) return undefined;
  if (f.length !== 1 && f.length !== 2) return undefined;
  const name = f[f.length - 1]!;
  return scan.table.columns.some((col) => col.name === name && !col.dropped) ? name : undefined;
}

function constInt(n: unknown): number | undefined {
  const c = n as { kind?: string; ival?: { ival?: number }; isnull?: boolean };
  if (c?.kind !== 'A_Const' || c.isnull) return undefined;
  if (c.ival) return c.ival.ival ?? 0;
  return undefined;
}

const FLOATS = new Set([700, 701]);
/** Types whose order DuckDB and PostgreSQL agree on (text in byte order, as Pyralog compares it). */
const ORDERED = new Set([16, 20, 21, 23, 1700, 700, 701, 25, 1043, 1082, 1114, 1184]);
/** Types DuckDB groups exactly as PostgreSQL does (no floats: -0/+0 and NaN grouping). */
const GROUPABLE = new Set([16, 20, 21, 23, 1700, 25, 1043, 1082, 1114, 1184]);

/** Recognises the statement shape; undefined → placement B. */
export function matchPlacementA(s: Ast, scan: ExternalScan, allWherePushed: boolean): PlacementA | undefined {
  // The scan must be this SELECT's own FROM item (not one inside a view or subquery of it).
  if (!allWherePushed || scan.planDepth !== 1) return undefined;
  if (s.withClause || s.havingClause || s.distinctClause || (s.windowClause as unknown[] | undefined)?.length || s.intoClause || (s.lockingClause as unknown[] | undefined)?.length) return undefined;
  if (s.op && s.op !== 'SETOP_NONE') return undefined;
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') return undefined;
  const from = s.fromClause as Ast[] | undefined;
  if (!from || from.length !== 1 || from[0]!.kind !== 'RangeVar') return undefined;
  const oidOf = (name: string): number => scan.table.columns.find((c) => c.name === name)!.typeOid;
  // Targets.
  const targets = (s.targetList as Ast[] | undefined) ?? [];
  if (targets.length === 0) return undefined;
  type T = { kind: 'col'; name: string; alias: string | undefined } | { kind: 'agg'; agg: FragAgg; alias: string | undefined };
  const ts: T[] = [];
  for (const t of targets) {
    if (t.kind !== 'ResTarget') return undefined;
    const v = t.val as Ast;
    const alias = t.name as string | undefined;
    const col = columnName(v, scan);
    if (col) {
      ts.push({ kind: 'col', name: col, alias });
      continue;
    }
    if (v?.kind !== 'FuncCall') return undefined;
    const fname = ((v.funcname as unknown[]) ?? []).map(str);
    if (fname.length !== 1 || v.agg_filter || v.over || (v.agg_order as unknown[] | undefined)?.length || v.func_variadic) return undefined;
    const fn = fname[0];
    const args = (v.args as unknown[] | undefined) ?? [];
    if (fn === 'count' && v.agg_star && args.length === 0) {
      ts.push({ kind: 'agg', agg: { fn: 'count_star' }, alias });
      continue;
    }
    if ((fn === 'count' || fn === 'sum' || fn === 'min' || fn === 'max') && args.length === 1) {
      const a = columnName(args[0], scan);
      if (!a) return undefined;
      if (fn === 'sum' && FLOATS.has(oidOf(a))) return undefined;
      ts.push({ kind: 'agg', agg: { fn, arg: a, distinct: v.agg_distinct === true }, alias });
      continue;
    }
    return undefined;
  }
  const groupAst = (s.groupClause as unknown[] | undefined) ?? [];
  const groups: string[] = [];
  for (const g of groupAst) {
    const name = columnName(g, scan);
    if (!name || !GROUPABLE.has(oidOf(name))) return undefined;
    if (!groups.includes(name)) groups.push(name);
  }
  const aggregated = groupAst.length > 0 || ts.some((t) => t.kind === 'agg');
  let output: PlacementA['output'];
  let outputOrder: number[];
  if (aggregated) {
    // Every plain column must be grouped (else the bound plan already raised 42803).
    if (ts.some((t) => t.kind === 'col' && !groups.includes(t.name))) return undefined;
    const aggs: FragAgg[] = [];
    outputOrder = ts.map((t) => {
      if (t.kind === 'col') return groups.indexOf(t.name);
      aggs.push(t.agg);
      return groups.length + aggs.length - 1;
    });
    output = { kind: 'aggregate', groupBy: groups, aggs };
  } else {
    output = { kind: 'columns', columns: ts.map((t) => (t as { name: string }).name) };
    outputOrder = ts.map((_, i) => i);
  }
  // ORDER BY: output positions, output names/aliases, or the same column as a target.
  const orderBy: FragSort[] = [];
  for (const sbRaw of (s.sortClause as Ast[] | undefined) ?? []) {
    const sb = sbRaw as Ast & { node?: unknown; sortby_dir?: string; sortby_nulls?: string };
    if (sb.sortby_dir === 'SORTBY_USING') return undefined;
    let target = -1;
    const pos = constInt(sb.node);
    if (pos !== undefined) target = pos - 1;
    else {
      const ref = sb.node as Ast;
      const single = ref?.kind === 'ColumnRef' && Array.isArray(ref.fields) && ref.fields.length === 1 ? str(ref.fields[0]) : undefined;
      const byAlias = single !== undefined ? ts.findIndex((t) => t.alias === single) : -1;
      if (byAlias >= 0) target = byAlias;
      else {
        const col = columnName(sb.node, scan);
        if (col) target = ts.findIndex((t) => t.kind === 'col' && t.name === col && (t.alias === undefined || t.alias === col));
      }
    }
    if (target < 0 || target >= ts.length) return undefined;
    const tt = ts[target]!;
    // count(…) is int8; sum is an integer or numeric; min/max and plain columns keep the column's type.
    const sortOid = tt.kind === 'col' ? oidOf(tt.name) : tt.agg.fn === 'count_star' || tt.agg.fn === 'count' ? 20 : tt.agg.fn === 'sum' ? 1700 : oidOf(tt.agg.arg);
    if (!ORDERED.has(sortOid)) return undefined;
    const desc = sb.sortby_dir === 'SORTBY_DESC';
    const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' || (sb.sortby_nulls !== 'SORTBY_NULLS_LAST' && desc);
    orderBy.push({ index: outputOrder[target]!, desc, nullsFirst });
  }
  let limit: number | undefined;
  let offset: number | undefined;
  if (s.limitCount !== undefined) {
    const c = s.limitCount as { kind?: string; isnull?: boolean };
    if (!(c.kind === 'A_Const' && c.isnull)) {
      limit = constInt(s.limitCount);
      if (limit === undefined || limit < 0) return undefined;
    }
  }
  if (s.limitOffset !== undefined) {
    offset = constInt(s.limitOffset);
    if (offset === undefined || offset < 0) return undefined;
  }
  return { scan, output, outputOrder, orderBy, limit, offset };
}

/** The plan for a recognised statement: DuckDB first, the native plan `fallback` otherwise. */
export function placementAPlan(a: PlacementA, fallback: QueryPlan): QueryPlan {
  return {
    columns: fallback.columns,
    run(ctx: EvalContext): Promise<Value[][]> | Value[][] {
      return (async () => {
        const { runPlacementA } = await import('./placement-a-run.js');
        const rows = await runPlacementA(a, fallback.columns.map((c) => c.type.oid), ctx);
        return rows ?? (await fallback.run(ctx));
      })();
    },
    // The session's path: rows stream from DuckDB to the client (never materialised whole).
    async openCursor(ctx: EvalContext): Promise<RowCursor | Value[][]> {
      const { openPlacementA } = await import('./placement-a-run.js');
      return (await openPlacementA(a, fallback.columns.map((c) => c.type.oid), ctx)) ?? (await fallback.run(ctx));
    },
  };
}
