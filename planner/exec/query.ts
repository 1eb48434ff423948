// Query plans for what needs no tables: SELECT of expressions (with WHERE on the one-row
// FROM-less input), VALUES lists, set operations between them, and ORDER BY / LIMIT / OFFSET /
// DISTINCT on the result. Tables arrive with issue 4: a FROM clause naming a relation is
// answered with 42P01 (no relation exists yet), other FROM items with 0A000.
//
// A QueryPlan produces all its rows at once (these results are small by construction: their
// size is bounded by the statement text); the table executor will add batch-wise operators.

import { DbError, hashKey } from '../../catalog/index.js';
import type { RowCursor } from '../api.js';
import type { Node, SelectStmt, SortBy } from '../parse/ast.js';
import type { Binder } from '../bind/binder.js';
import { coerceAllTo, commonType } from '../bind/coerce.js';
import { isImmutable, type BoundExpr, type EvalContext, type Value } from '../bind/expr.js';
import { figureColname } from '../bind/names.js';
import { T, typeName, type SqlType } from '../bind/types.js';
import { compile, type AsyncResults, type CompileState, type Compiled } from '../eval/compile.js';
import { needsRelPlanner, planRelSelect, planWith, rejectWindowCalls } from '../rel/index.js';
import { rejectSrfCalls } from '../rel/project-set.js';
import { comparatorFor, type Cmp } from '../eval/compare.js';
import { AppendNode } from '../rel/append.js';
import { RowsNode, type RelNode } from '../rel/ops.js';
import { RelCursor } from '../rel/rel-cursor.js';
import { planLockingSelect } from '../rel/row-locks.js';
import { hasNestedLocking, waitingForNestedLocks } from '../rel/row-locks-nested.js';

export interface OutputColumn {
  name: string;
  type: SqlType;
}

export interface QueryPlan {
  readonly columns: readonly OutputColumn[];
  /** All result rows. Synchronous unless the plan waits (pg_sleep). */
  run(ctx: EvalContext): Value[][] | Promise<Value[][]>;
  /**
   * Plans that can stream open a cursor instead, so a large result never materialises: relational
   * plans (rel/rel-cursor.ts: rows pulled from the operator tree as the client takes them; a
   * synchronous cursor when no external scan needs setting up), issue 5's placement A (one DuckDB
   * fragment), UNION ALL over such branches. The rows of `run()` when streaming is not possible
   * for this execution. The session prefers this over `run()` when present.
   */
  openCursor?(ctx: EvalContext): RowCursor | Value[][] | Promise<RowCursor | Value[][]>;
  /**
   * An operator whose rows are exactly `run()`'s, for a plan nested in a statement that set up its
   * external scans (issue 5): a Subquery Scan opens it (streaming, SUSPEND forwarded) and EXPLAIN
   * shows it. Relational plans: their root; UNION ALL: an Append over the branches.
   */
  readonly rowsNode?: RelNode;
}

const EMPTY_ROW: readonly Value[] = Object.freeze([]);

/**
 * `keepUnknown`: a set operation's branch leaves unknown-typed outputs unresolved, so the set
 * operation's type resolution can give them the other branch's type (PostgreSQL's rule).
 */
export function planQuery(b: Binder, stmt: SelectStmt, keepUnknown = false): QueryPlan {
  // A locking SELECT nested in this one (sublink, FROM subquery, WITH query): the statement
  // runs again after waiting for its row locks (rel/row-locks-nested.ts).
  if (b.tables && hasNestedLocking(stmt)) return waitingForNestedLocks(planQueryRouted(b, stmt, keepUnknown));
  return planQueryRouted(b, stmt, keepUnknown);
}

function planQueryRouted(b: Binder, stmt: SelectStmt, keepUnknown: boolean): QueryPlan {
  // issue 4: FROM clauses, aggregates and GROUP BY go to the relational planner.
  if (b.tables && stmt.withClause) return planWith(b, stmt);
  // SELECT … FOR UPDATE/SHARE over a table: its rows locked first (rel/row-locks.ts; after
  // WITH, whose main query comes back here).
  if (b.tables && stmt.lockingClause?.length) return planLockingSelect(b, stmt);
  if (b.tables && needsRelPlanner(stmt)) return planRelSelect(b, stmt);
  rejectUnsupported(b, stmt);
  let plan: QueryPlan;
  if (stmt.op && stmt.op !== 'SETOP_NONE') plan = planSetOp(b, stmt);
  else if (stmt.valuesLists) plan = planValues(b, stmt.valuesLists);
  else plan = planTargets(b, stmt, keepUnknown);
  return applyOrderLimit(b, stmt, plan);
}

function rejectUnsupported(b: Binder, s: SelectStmt): void {
  if (s.withClause) throw b.unsupported('WITH queries');
  if (s.intoClause) throw b.unsupported('SELECT INTO');
  if (s.lockingClause?.length) throw b.unsupported('FOR UPDATE/SHARE');
  if (s.fromClause?.length) {
    for (const f of s.fromClause) {
      if (f.kind === 'RangeVar') {
        const name = f.schemaname ? `${f.schemaname}.${f.relname}` : f.relname;
        throw b.err('42P01', `relation "${name}" does not exist`, f.location ?? -1);
      }
    }
    throw b.unsupported('this FROM clause');
  }
  if (s.groupClause?.length || s.havingClause) throw b.unsupported('GROUP BY/HAVING without tables');
  if (s.windowClause?.length) throw b.unsupported('window clauses');
  if (s.valuesLists) rejectWindowCalls(b, s.valuesLists, 'VALUES');
  if (s.distinctClause?.some((d) => d !== null && Object.keys(d).length > 0)) throw b.unsupported('DISTINCT ON');
}

/** Evaluates a target list, folding immutable expressions once per plan. */
class RowProducer {
  private readonly compiled: Compiled[];
  private readonly folded: Array<{ done: boolean; value: Value }>;
  private readonly state: CompileState = { asyncSlots: [] };

  constructor(exprs: readonly BoundExpr[]) {
    this.compiled = exprs.map((e) => compile(e, this.state));
    this.folded = exprs.map(() => ({ done: false, value: null }));
    this.foldable = exprs.map(isImmutable);
  }

  private readonly foldable: boolean[];

  get isAsync(): boolean {
    return this.state.asyncSlots.length > 0;
  }

  /** Evaluates the async calls first (in order), then the row. */
  async rowAsync(ctx: EvalContext): Promise<Value[]> {
    const results: Value[] = [];
    const actx = ctx as EvalContext & AsyncResults;
    for (const slot of this.state.asyncSlots) {
      const args = slot.args.map((a) => a(EMPTY_ROW, ctx));
      results.push(args.some((v) => v === null) ? null : await slot.node.impl(args, ctx));
    }
    const withResults: EvalContext & AsyncResults = { ...actx, asyncResults: results };
    return this.row(withResults);
  }

  row(ctx: EvalContext): Value[] {
    const n = this.compiled.length;
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) {
      if (this.foldable[i]) {
        const f = this.folded[i]!;
        if (!f.done) {
          f.value = this.compiled[i]!(EMPTY_ROW, ctx);
          f.done = true;
        }
        out[i] = f.value;
      } else out[i] = this.compiled[i]!(EMPTY_ROW, ctx);
    }
    return out;
  }
}

function planTargets(b: Binder, s: SelectStmt, keepUnknown: boolean): QueryPlan {
  const exprs: BoundExpr[] = [];
  const columns: OutputColumn[] = [];
  for (const t of s.targetList ?? []) {
    if (t.kind !== 'ResTarget' || !t.val) continue;
    const bound = b.bind(t.val);
    const e = keepUnknown ? bound : b.resolveUnknown(bound);
    exprs.push(e);
    columns.push({ name: t.name ?? figureColname(t.val), type: e.type });
  }
  const where = s.whereClause ? b.coerceToBool(b.bind(s.whereClause), 'WHERE', -1) : undefined;
  const whereFn = where ? compile(where) : undefined;
  const producer = new RowProducer(exprs);
  const distinct = s.distinctClause !== undefined;
  return {
    columns,
    run(ctx) {
      if (whereFn && whereFn(EMPTY_ROW, ctx) !== true) return [];
      if (producer.isAsync) return producer.rowAsync(ctx).then((r) => [r]);
      void distinct;
      return [producer.row(ctx)];
    },
  };
}

function planValues(b: Binder, lists: Node[]): QueryPlan {
  const rows = lists.map((l) => (l.kind === 'List' ? l.items ?? [] : []).map((n) => b.bind(n)));
  const width = rows[0]?.length ?? 0;
  for (const r of rows) {
    if (r.length !== width) throw b.err('42601', 'VALUES lists must all be the same length', -1);
  }
  const columns: OutputColumn[] = [];
  for (let c = 0; c < width; c++) {
    const col = rows.map((r) => r[c]!);
    const ty = commonType(b, col, 'VALUES', -1);
    const coerced = coerceAllTo(b, col, ty, 'VALUES', -1);
    coerced.forEach((e, i) => { rows[i]![c] = e; });
    columns.push({ name: `column${c + 1}`, type: ty });
  }
  const producers = rows.map((r) => new RowProducer(r));
  const isAsync = producers.some((p) => p.isAsync);
  return {
    columns,
    run(ctx) {
      if (isAsync) return Promise.all(producers.map((p) => p.rowAsync(ctx)));
      return producers.map((p) => p.row(ctx));
    },
  };
}

function planSetOp(b: Binder, s: SelectStmt): QueryPlan {
  const left = planQuery(b, { ...s.larg!, kind: 'SelectStmt' }, true);
  const right = planQuery(b, { ...s.rarg!, kind: 'SelectStmt' }, true);
  const opName = s.op === 'SETOP_UNION' ? 'UNION' : s.op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT';
  if (left.columns.length !== right.columns.length) {
    throw b.err('42601', `each ${opName} query must have the same number of columns`, -1);
  }
  const types = left.columns.map((c, i) => {
    const r = right.columns[i]!;
    const probe: BoundExpr[] = [
      { kind: 'const', type: c.type, value: null, location: -1 },
      { kind: 'const', type: r.type, value: null, location: -1 },
    ];
    return commonType(b, probe, opName, -1);
  });
  const convL = converters(b, left.columns, types, opName);
  const convR = converters(b, right.columns, types, opName);
  const columns = left.columns.map((c, i) => ({ name: c.name, type: types[i]! }));
  const all = s.all === true;
  const keyOf = rowKeyFn(types);
  // UNION ALL: an Append over the branches (a branch without an operator tree runs its plan).
  const rowsNode = s.op === 'SETOP_UNION' && all
    ? new AppendNode([left, right].map((p) => p.rowsNode ?? new RowsNode(p.columns.length, (ctx) => {
      const r = p.run(ctx);
      if (r instanceof Promise) throw new DbError('0A000', 'functions that wait (pg_sleep) inside a subquery in FROM are not supported yet');
      return r;
    }, 'Result')), columns.length, [convL, convR])
    : undefined;
  // Both branches are operator trees (no external scan to set up first, nothing that waits):
  // the Append streams to the client as a relational plan does.
  const streams = rowsNode !== undefined && left.rowsNode !== undefined && right.rowsNode !== undefined;
  return {
    columns,
    ...(rowsNode ? { rowsNode } : {}),
    ...(streams ? { openCursor: (ctx: EvalContext) => new RelCursor(rowsNode.open(ctx), ctx, undefined, undefined) } : {}),
    run(ctx) {
      const finish = (l: Value[][], r: Value[][]): Value[][] => {
        const L = l.map((row) => convL(row, ctx));
        const R = r.map((row) => convR(row, ctx));
        return combine(s.op!, all, L, R, keyOf);
      };
      const l = left.run(ctx), r = right.run(ctx);
      if (l instanceof Promise || r instanceof Promise) return Promise.all([l, r]).then(([x, y]) => finish(x, y));
      return finish(l, r);
    },
  };
}

function converters(b: Binder, cols: readonly OutputColumn[], types: SqlType[], opName: string): (row: Value[], ctx: EvalContext) => Value[] {
  const fns = cols.map((c, i) => {
    if (c.type.oid === types[i]!.oid) return undefined;
    const slot: BoundExpr = { kind: 'column', index: i, type: c.type, name: c.name, location: -1 };
    return compile(coerceAllTo(b, [slot], types[i]!, opName, -1)[0]!);
  });
  if (fns.every((f) => f === undefined)) return (row) => row;
  return (row, ctx) => row.map((v, i) => (fns[i] ? fns[i]!(row, ctx) : v));
}

function combine(op: string, all: boolean, L: Value[][], R: Value[][], keyOf: (r: Value[]) => string): Value[][] {
  if (op === 'SETOP_UNION') {
    if (all) return L.concat(R);
    return dedupe(L.concat(R), keyOf);
  }
  const counts = new Map<string, number>();
  for (const r of R) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1);
  const out: Value[][] = [];
  const seen = new Set<string>();
  for (const r of L) {
    const k = keyOf(r);
    const c = counts.get(k) ?? 0;
    if (op === 'SETOP_INTERSECT') {
      if (c > 0 && (all || !seen.has(k))) {
        out.push(r);
        if (all) counts.set(k, c - 1);
      }
    } else if (all) {
      if (c > 0) counts.set(k, c - 1);
      else out.push(r);
    } else if (c === 0 && !seen.has(k)) out.push(r);
    seen.add(k);
  }
  return out;
}

function dedupe(rows: Value[][], keyOf: (r: Value[]) => string): Value[][] {
  const seen = new Set<string>();
  const out: Value[][] = [];
  for (const r of rows) {
    const k = keyOf(r);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(r);
    }
  }
  return out;
}

/** A string key equal for rows PostgreSQL considers not distinct (NULLs equal each other). */
function rowKeyFn(types: SqlType[]): (r: Value[]) => string {
  // catalog's hashKey is equal exactly when the type's comparison says equal (1.0 = 1.00,
  // '1 mon' = '30 days', 'a ' = 'a' for bpchar, -0 = 0).
  return (r) =>
    r
      .map((v, i) => {
        if (v === null) return 'N';
        const k = hashKey(types[i]!.oid, v);
        return typeof k + ':' + String(k);
      })
      .join('\u0000');
}

interface SortKey {
  index: number;
  cmp: Cmp;
  desc: boolean;
  nullsFirst: boolean;
}

function applyOrderLimit(b: Binder, s: SelectStmt, plan: QueryPlan): QueryPlan {
  const setOp = s.op !== undefined && s.op !== 'SETOP_NONE';
  const keys: SortKey[] = (s.sortClause ?? []).map((n) => sortKey(b, n as SortBy, plan, setOp));
  // An unknown literal ('2') goes straight to bigint, as transformLimitClause; SRFs are refused.
  if (s.limitCount) rejectSrfCalls(b, s.limitCount, 'LIMIT');
  if (s.limitOffset) rejectSrfCalls(b, s.limitOffset, 'OFFSET');
  const limit = s.limitCount ? compile(b.coerceTo(b.bind(s.limitCount), T.int8, 'LIMIT', -1)) : undefined;
  const offset = s.limitOffset ? compile(b.coerceTo(b.bind(s.limitOffset), T.int8, 'OFFSET', -1)) : undefined;
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') throw b.unsupported('FETCH ... WITH TIES');
  const distinct = s.distinctClause !== undefined && (!s.op || s.op === 'SETOP_NONE');
  if (keys.length === 0 && !limit && !offset && !distinct) return plan;
  const keyOf = rowKeyFn(plan.columns.map((c) => c.type));
  const finish = (rows: Value[][], ctx: EvalContext): Value[][] => {
    let out = distinct ? dedupe(rows, keyOf) : rows;
    if (keys.length > 0) out = stableSort(out, keys);
    const off = offset ? offset(EMPTY_ROW, ctx) : null;
    const lim = limit ? limit(EMPTY_ROW, ctx) : null;
    if (off !== null && (off as bigint) < 0n) throw new DbError('2201X', 'OFFSET must not be negative');
    if (lim !== null && (lim as bigint) < 0n) throw new DbError('2201W', 'LIMIT must not be negative');
    const start = off === null ? 0 : Number(off as bigint);
    const end = lim === null ? undefined : start + Number(lim as bigint);
    return start === 0 && end === undefined ? out : out.slice(start, end);
  };
  return {
    columns: plan.columns,
    run(ctx) {
      const rows = plan.run(ctx);
      return rows instanceof Promise ? rows.then((r) => finish(r, ctx)) : finish(rows, ctx);
    },
  };
}

function sortKey(b: Binder, sb: SortBy, plan: QueryPlan, setOp: boolean): SortKey {
  if (sb.sortby_dir === 'SORTBY_USING') throw b.unsupported('ORDER BY ... USING');
  const n = sb.node;
  let index = -1;
  if (n.kind === 'A_Const' && n.ival !== undefined) {
    const pos = n.ival.ival ?? 0;
    if (pos < 1 || pos > plan.columns.length) throw b.err('42P10', `ORDER BY position ${pos} is not in select list`, n.location ?? -1);
    index = pos - 1;
  } else if (n.kind === 'ColumnRef' && n.fields?.length === 1 && n.fields[0]!.kind === 'String') {
    const name = n.fields[0]!.sval ?? '';
    const hits = plan.columns.map((c, i) => (c.name === name ? i : -1)).filter((i) => i >= 0);
    if (hits.length > 1) throw b.err('42702', `ORDER BY "${name}" is ambiguous`, n.location ?? -1);
    if (hits.length === 0) throw b.err('42703', `column "${name}" does not exist`, n.location ?? -1);
    index = hits[0]!;
  } else if (setOp) {
    const loc = 'location' in n && typeof n.location === 'number' ? n.location : -1;
    throw b.err('0A000', 'invalid UNION/INTERSECT/EXCEPT ORDER BY clause', loc, {
      detail: 'Only result column names can be used, not expressions or functions.',
      hint: 'Add the expression/function to every SELECT, or move the UNION into a FROM clause.',
    });
  } else {
    // An expression over no input is constant: it cannot reorder anything (still bound, so
    // that errors in it are reported as PostgreSQL would).
    b.bind(n);
    return { index: -1, cmp: () => 0, desc: false, nullsFirst: false };
  }
  const type = plan.columns[index]!.type;
  const cmp = comparatorFor(type.oid);
  if (!cmp) throw b.err('42883', `could not identify an ordering operator for type ${typeName(type)}`, -1, { hint: 'Use an explicit ordering operator or modify the query.' });
  const desc = sb.sortby_dir === 'SORTBY_DESC';
  const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' || (sb.sortby_nulls !== 'SORTBY_NULLS_LAST' && desc);
  return { index, cmp, desc, nullsFirst };
}

function stableSort(rows: Value[][], keys: SortKey[]): Value[][] {
  const idx = rows.map((r, i) => [r, i] as const);
  idx.sort(([a, ia], [b, ib]) => {
    for (const k of keys) {
      if (k.index < 0) continue;
      const x = a[k.index], y = b[k.index];
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === k.nullsFirst ? -1 : 1;
      }
      const c = k.cmp(x, y);
      if (c !== 0) return k.desc ? -c : c;
    }
    return ia - ib;
  });
  return idx.map(([r]) => r);
}
