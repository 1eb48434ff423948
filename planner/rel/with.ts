// WITH queries (CTEs), including WITH RECURSIVE. A CTE is planned once and materialized once
// per statement execution; FROM-clause names resolve to CTEs (innermost WITH first) before
// the catalog. A recursive CTE `non-recursive UNION [ALL] recursive` is evaluated by
// PostgreSQL's iteration: the working table starts as the non-recursive rows; each round runs
// the recursive term over the working table; UNION (without ALL) drops rows already produced;
// it stops when a round produces nothing. Every buffer is bounded (ROWS_IN_MEMORY_MAX).
// A CTE read once by the main query's FROM may be inlined there first (cte-inline.ts: external
// bodies and NOT MATERIALIZED ones), as PostgreSQL 12+ inlines, so its rows stream.

import { DbError } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { planQuery, type OutputColumn, type QueryPlan } from '../exec/query.js';
import type { Node, SelectStmt } from '../parse/ast.js';
import { tablesOfBinder } from './from.js';
import { ROWS_IN_MEMORY_MAX, rowKey, tooMany } from './ops.js';
import { inlineCtes, type CteNode } from './cte-inline.js';
import { isAggregateCall, rewrite } from './ast-walk.js';
import { rowsOrPrelude, waitsForLocks } from './row-locks-nested.js';
import type { TablePlan } from '../dml/common.js';

export interface CteDef {
  columns: OutputColumn[];
  rows(ctx: EvalContext): Value[][];
  /** EXPLAIN: the CTE's plan (non-recursive CTEs), shown as the `CTE name` sub-plan of its scans. */
  plan?: QueryPlan;
}

interface CommonTableExpr { kind: 'CommonTableExpr'; ctename?: string; aliascolnames?: Node[]; ctequery?: SelectStmt; location?: number }
export interface WithClause { ctes?: Node[]; recursive?: boolean }

function runSync(q: QueryPlan, ctx: EvalContext, keep: (rows: Value[][]) => void): Value[][] {
  // A locking WITH query (FOR UPDATE … SKIP LOCKED, the job-queue pattern) waits for row locks:
  // the statement runs again once they are taken (row-locks-nested.ts).
  return rowsOrPrelude(q, q.run(ctx), keep, () => new DbError('0A000', 'functions that wait (pg_sleep) inside WITH queries are not supported yet'));
}

/** Once per execution (keyed by the statement's cancel token); `f` may hand its rows over
 *  later, through `keep`, when it throws PreludeNeeded. */
function once(f: (ctx: EvalContext, keep: (rows: Value[][]) => void) => Value[][]): (ctx: EvalContext) => Value[][] {
  const m = new WeakMap<object, Value[][]>();
  return (ctx) => {
    const k = ctx.cancel as object;
    let v = m.get(k);
    if (!v) {
      v = f(ctx, (rows) => m.set(k, rows));
      m.set(k, v);
    }
    return v;
  }
}

export function planWith(b: Binder, s: SelectStmt): QueryPlan {
  const ts = tablesOfBinder(b);
  const w0 = s.withClause as WithClause;
  // CTEs read once by the main query's FROM become subqueries there, so they stream (cte-inline.ts).
  const inl = inlineCtes({ ...s, withClause: undefined }, (w0.ctes ?? []) as unknown as CteNode[], w0.recursive === true, (rv) => {
    const t = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), rv.relname ?? '', rv.schemaname);
    return t?.external !== undefined;
  });
  if (inl.ctes.length === 0) return planQuery(b, inl.main);
  return planWithClause(b, { ...w0, ctes: inl.ctes as unknown as Node[] }, () => planQuery(b, inl.main));
}

/**
 * Plans `body` with the WITH clause's queries visible to it (the frame is popped after planning;
 * the plans keep their CTEs). Also the door for a data-modifying statement's WITH (`WITH next AS
 * (SELECT … FOR UPDATE SKIP LOCKED) UPDATE jobs … FROM next`): its body plans the UPDATE.
 */
export function planWithClause<T>(b: Binder, w: WithClause, body: () => T, used?: Set<CteDef>): T {
  const ts = tablesOfBinder(b);
  const frame = used ? new UsedFrame(used) : new Map<string, CteDef>();
  ts.ctes.push(frame);
  try {
    for (const n of w.ctes ?? []) {
      const c = n as unknown as CommonTableExpr;
      const name = c.ctename ?? '';
      // Positions as PostgreSQL's parser_errposition at the query's name.
      if (frame.has(name)) throw b.err('42712', `WITH query name "${name}" specified more than once`, c.location ?? -1);
      const names = (c.aliascolnames ?? []).map((x) => (x.kind === 'String' ? x.sval ?? '' : ''));
      const q = c.ctequery!;
      if ((q as { kind: string }).kind !== 'SelectStmt') throw b.unsupported('data-modifying statements in WITH');
      // PostgreSQL's checkWellFormedRecursion (the parts that decide whether this can run at all).
      if (w.recursive === true && mentions(q, name)) {
        if (q.op !== 'SETOP_UNION' || !q.larg || !q.rarg) {
          throw b.err('42P19', `recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`, c.location ?? -1);
        }
        const inBase = referenceTo(q.larg, name);
        if (inBase !== undefined) throw b.err('42P19', `recursive reference to query "${name}" must not appear within its non-recursive term`, inBase);
      }
      const recursive = w.recursive === true && q.op === 'SETOP_UNION' && q.larg && q.rarg && mentions(q.rarg, name);
      if (!recursive) {
        const plan = planQuery(b, q);
        const columns = rename(b, plan.columns, names, name, c.location);
        frame.set(name, { columns, rows: once((ctx, keep) => runSync(plan, ctx, keep)), plan });
        continue;
      }
      // parseCheckAggregates: an aggregate over the working table would never let it run dry.
      const agg = firstAggregate([q.rarg!.targetList, (q.rarg as { havingClause?: unknown }).havingClause]);
      if (agg !== undefined) throw b.err('42P19', "aggregate functions are not allowed in a recursive query's recursive term", agg);
      const base = planQuery(b, { ...q.larg!, kind: 'SelectStmt' });
      const columns = rename(b, base.columns, names, name, c.location);
      let working: Value[][] = [];
      frame.set(name, { columns, rows: () => working });
      const step = planQuery(b, { ...q.rarg!, kind: 'SelectStmt' });
      if (step.columns.length !== columns.length) throw new DbError('42601', `each UNION query must have the same number of columns`);
      // Its terms run once per round: a locking one could not be run again after its wait.
      if (waitsForLocks(base) || waitsForLocks(step)) throw b.unsupported('FOR UPDATE/SHARE in a recursive WITH query');
      const all = q.all === true;
      frame.set(name, {
        columns,
        rows: once((ctx) => {
          const seen = all ? undefined : new Set<string>();
          const keep = (rows: Value[][]): Value[][] => {
            if (!seen) return rows;
            const out: Value[][] = [];
            for (const r of rows) {
              const k = rowKey(r);
              if (seen.has(k)) continue;
              seen.add(k);
              out.push(r);
            }
            return out;
          };
          const result = keep(runSync(base, ctx, noLater));
          working = result;
          while (working.length > 0) {
            if (ctx.cancel.reason) throw ctx.cancel.reason;
            const next = keep(runSync(step, ctx, noLater));
            if (result.length + next.length > ROWS_IN_MEMORY_MAX) throw tooMany();
            for (const r of next) result.push(r);
            working = next;
          }
          return result;
        }),
      });
    }
    return body();
  } finally {
    ts.ctes.pop();
  }
}

/** A WITH frame that records which of its queries planning looked up (findCte). */
class UsedFrame extends Map<string, CteDef> {
  constructor(private readonly used: Set<CteDef>) {
    super();
  }
  override get(name: string): CteDef | undefined {
    const d = super.get(name);
    if (d) this.used.add(d);
    return d;
  }
}

/**
 * planWithClause for INSERT / UPDATE / DELETE. PostgreSQL runs a WITH query at the statement's
 * snapshot, which the statement's own writes are not part of; here a WITH query reads the
 * transaction's state when first read, so one first read from RETURNING or ON CONFLICT … SET
 * would count rows the statement wrote already. So the WITH queries the statement refers to run
 * (once, as always) before it writes.
 */
export function planWithClauseForWrite(b: Binder, w: WithClause, body: () => TablePlan): TablePlan {
  const used = new Set<CteDef>();
  const plan = planWithClause(b, w, body, used);
  if (used.size === 0) return plan;
  const defs = [...used];
  const wrapped: TablePlan = {
    columns: plan.columns,
    run: async (ctx) => {
      for (const d of defs) d.rows(ctx);
      return plan.run(ctx);
    },
  };
  if (plan.explain) wrapped.explain = () => plan.explain!();
  if (plan.execute) wrapped.execute = (ctx) => plan.execute!(ctx);
  return wrapped;
}

/** Recursive terms never wait for locks (refused when planned). */
function noLater(): void {}

function rename(b: Binder, cols: readonly OutputColumn[], names: string[], cte: string, location: number | undefined): OutputColumn[] {
  if (names.length > cols.length) throw b.err('42P10', `WITH query "${cte}" has ${cols.length} columns available but ${names.length} columns specified`, location ?? -1);
  return cols.map((c, i) => ({ name: names[i] ?? c.name, type: c.type }));
}

/** Does the statement name `name` in a FROM clause anywhere (the recursive self-reference)? */
function mentions(n: unknown, name: string): boolean {
  if (Array.isArray(n)) return n.some((x) => mentions(x, name));
  if (n === null || typeof n !== 'object') return false;
  const o = n as Record<string, unknown>;
  if (o['kind'] === 'RangeVar' && o['relname'] === name && o['schemaname'] === undefined) return true;
  return Object.values(o).some((v) => mentions(v, name));
}

/** The location of the first aggregate call outside subqueries (-1 without one), or undefined. */
function firstAggregate(n: unknown): number | undefined {
  let at: number | undefined;
  rewrite(n, (x) => {
    if (at !== undefined) return x;
    if (isAggregateCall(x)) {
      at = (x as { location?: number }).location ?? -1;
      return x;
    }
    return undefined;
  });
  return at;
}

/** The location of a FROM reference to `name` in the statement (-1 without one), or undefined. */
function referenceTo(n: unknown, name: string): number | undefined {
  if (Array.isArray(n)) {
    for (const x of n) {
      const r = referenceTo(x, name);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (n === null || typeof n !== 'object') return undefined;
  const o = n as Record<string, unknown>;
  if (o['kind'] === 'RangeVar' && o['relname'] === name && o['schemaname'] === undefined) return (o['location'] as number | undefined) ?? -1;
  for (const v of Object.values(o)) {
    const r = referenceTo(v, name);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** The CTE visible under `name`, innermost WITH first. */
export function findCte(b: Binder, name: string): CteDef | undefined {
  const st = b.tables?.ctes;
  if (!st) return undefined;
  for (let i = st.length - 1; i >= 0; i--) {
    const d = st[i]!.get(name);
    if (d) return d;
  }
  return undefined;
}
