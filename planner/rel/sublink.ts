// Subqueries in expressions (PostgreSQL's SubLink): scalar `(SELECT ...)`, EXISTS, IN / op ANY,
// op ALL; correlated or not. A subquery is planned once; at run time it is re-run per outer
// row when it is correlated, once per statement execution otherwise.
//
// Correlation: names the subquery cannot resolve are looked up in the enclosing scope; each hit
// becomes an argument of the SubLink's call node (evaluated on the outer row) and, inside the
// subquery, a stable call that reads that argument from the context (`outer`). Nested levels
// compose: an outer reference of an outer reference is just another argument one level up.

import { DbError, TypeOid } from '../../catalog/index.js';
import type { Binder, Scope } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { T } from '../bind/types.js';
import { compile } from '../eval/compile.js';
import { arraySubquery } from '../eval/array-assign.js';
import { planQuery, type QueryPlan } from '../exec/query.js';
import { strings, type Node, type SelectStmt, type SubLink } from '../parse/ast.js';
import { rowsOrPrelude, waitsForLocks } from './row-locks-nested.js';

export type OuterCtx = EvalContext & { readonly outer?: readonly Value[] };

/** Resolves names against the enclosing query and records what the subquery reads from it. */
export class Correlation implements Scope {
  readonly exprs: BoundExpr[] = [];
  /** The scope of a LATERAL item (lateral.ts). A flag, not a subclass: lateral.ts is loaded
   *  inside an import cycle through this file, so it must not extend a class of it at load. */
  lateral = false;
  constructor(readonly parent: Scope | undefined) {}

  resolveColumn(names: readonly string[], loc: number): BoundExpr | undefined {
    const hit = this.parent?.resolveColumn(names, loc);
    if (!hit) return undefined;
    let i = this.exprs.findIndex((e) => JSON.stringify(strip(e)) === JSON.stringify(strip(hit)));
    if (i < 0) {
      i = this.exprs.length;
      this.exprs.push(hit);
    }
    const slot = i;
    return {
      kind: 'call', name: 'outer', args: [], type: hit.type, strict: false, volatility: 'stable', location: loc,
      impl: (_a, ctx) => (ctx as OuterCtx).outer![slot] ?? null,
    };
  }
}

function strip(e: BoundExpr): unknown {
  return { ...e, location: -1 };
}

/** Per-execution cache of uncorrelated subquery results, keyed by the statement's cancel token. */
class OnceCache<T> {
  private readonly m = new WeakMap<object, T>();
  get(ctx: EvalContext, f: () => T): T {
    const k = ctx.cancel as object;
    if (this.m.has(k)) return this.m.get(k)!;
    const v = f();
    this.m.set(k, v);
    return v;
  }
  /** The result of this execution, computed asynchronously (a nested locking SELECT). */
  set(ctx: EvalContext, v: T): void {
    this.m.set(ctx.cancel as object, v);
  }
}

/**
 * The rows of a subquery for one execution (uncorrelated) or one outer row (correlated). A
 * locking SELECT's rows wait for row locks: the first ask throws PreludeNeeded and the statement
 * runs again once they are locked and cached (row-locks-nested.ts); correlated, it would run
 * per outer row — not built.
 */
function subqueryRows(b: Binder, sub: QueryPlan, correlated: boolean, loc: number): (a: Value[], ctx: EvalContext) => Value[][] {
  if (correlated && waitsForLocks(sub)) throw b.unsupported('FOR UPDATE/SHARE in a correlated subquery', loc);
  const cache = new OnceCache<Value[][]>();
  const notSupported = (): DbError => new DbError('0A000', 'functions that wait (pg_sleep) inside subqueries are not supported yet');
  return (a, ctx) => {
    if (correlated) return rowsOrPrelude(sub, sub.run({ ...ctx, outer: a } as OuterCtx), () => undefined, notSupported);
    return cache.get(ctx, () => rowsOrPrelude(sub, sub.run(ctx), (rows) => cache.set(ctx, rows), notSupported));
  };
}

/**
 * FigureColname of a scalar subquery whose first target is `*` or `t.*`: PostgreSQL names the
 * column after the transformed subquery's first output column (`(SELECT * FROM t)` is "val"
 * when t's first column is val), which only planning the subquery can tell (other spellings are
 * named from the parse tree by bind/names.ts). Undefined for anything else.
 */
export function starSubLinkName(b: Binder, n: Node | undefined): string | undefined {
  if (!isStarSubLink(n)) return undefined;
  const name = planQuery(b.withScope(new Correlation(b.scope)), n.subselect as SelectStmt).columns[0]?.name;
  return name === '?column?' ? undefined : name;
}

/** `(SELECT * …)` / `(SELECT t.* …)` as a scalar subquery (its first target unnamed). */
export function isStarSubLink(n: Node | undefined): n is SubLink {
  if (n?.kind !== 'SubLink' || n.subLinkType !== 'EXPR_SUBLINK' || n.subselect?.kind !== 'SelectStmt') return false;
  const first = n.subselect.targetList?.[0];
  return first?.kind === 'ResTarget' && first.name === undefined && first.val?.kind === 'ColumnRef' && strings(first.val.fields).slice(-1)[0] === '*';
}

export function bindSubLink(b: Binder, n: SubLink): BoundExpr {
  const loc = n.location ?? -1;
  const corr = new Correlation(b.scope);
  const sub = planQuery(b.withScope(corr), n.subselect as SelectStmt);
  const args = corr.exprs;
  const rows = subqueryRows(b, sub, args.length > 0, loc);
  const call = (name: string, type: BoundExpr['type'], extra: BoundExpr[], impl: (a: Value[], ctx: EvalContext) => Value): BoundExpr =>
    ({ kind: 'call', name, args: [...args, ...extra], type, strict: false, volatility: 'volatile', location: loc, impl });
  const nargs = args.length;
  switch (n.subLinkType) {
    case 'EXPR_SUBLINK': {
      if (sub.columns.length !== 1) throw b.err('42601', 'subquery must return only one column', loc);
      return call('subquery', sub.columns[0]!.type, [], (a, ctx) => {
        const r = rows(a, ctx);
        if (r.length > 1) throw new DbError('21000', 'more than one row returned by a subquery used as an expression');
        return r.length === 0 ? null : r[0]![0]!;
      });
    }
    case 'EXISTS_SUBLINK':
      return call('exists', T.bool, [], (a, ctx) => rows(a, ctx).length > 0);
    case 'ANY_SUBLINK':
    case 'ALL_SUBLINK': {
      const any = n.subLinkType === 'ANY_SUBLINK';
      const opNames = strings((n as unknown as { operName?: Node[] }).operName);
      const op = opNames[opNames.length - 1] ?? '=';
      if (!n.testexpr) throw b.err('42601', 'subquery comparison without a left operand', loc);
      if (n.testexpr.kind === 'RowExpr') throw b.unsupported('row comparisons with subqueries', loc);
      if (sub.columns.length !== 1) throw b.err('42601', sub.columns.length > 1 ? 'subquery has too many columns' : 'subquery has too few columns', loc);
      let left = b.bind(n.testexpr);
      const rt = sub.columns[0]!.type;
      if (left.type.oid === TypeOid.unknown) left = b.coerceTo(left, rt, 'IN', loc);
      const cmpExpr = b.operator(op, { kind: 'column', index: 0, type: left.type, name: 'l', location: loc }, { kind: 'column', index: 1, type: rt, name: 'r', location: loc }, loc);
      if (cmpExpr.type.oid !== TypeOid.bool) throw b.err('42804', `op ${any ? 'ANY' : 'ALL'}/ALL (subquery) requires operator to yield boolean`, loc);
      const cmp = compile(cmpExpr);
      return call(any ? 'any' : 'all', T.bool, [left], (a, ctx) => {
        const l = a[nargs]!;
        const r = rows(a.slice(0, nargs), ctx);
        let sawNull = false;
        const pair: Value[] = [l, null];
        for (const row of r) {
          pair[1] = row[0]!;
          const c = l === null || row[0] === null ? null : cmp(pair, ctx);
          if (c === null) sawNull = true;
          else if (any && c === true) return true;
          else if (!any && c === false) return false;
        }
        if (sawNull) return null;
        return !any;
      });
    }
    case 'ARRAY_SUBLINK': {
      if (sub.columns.length !== 1) throw b.err('42601', 'subquery must return only one column', loc);
      const arr = arraySubquery(sub.columns[0]!.type);
      return call('array_subquery', arr.type, [], (a, ctx) => arr.collect(rows(a, ctx)));
    }
    default:
      throw b.unsupported(`subquery kind ${n.subLinkType}`, loc);
  }
}

/**
 * A sub-SELECT whose single row feeds several targets (UPDATE ... SET (a, b) = (SELECT ...)):
 * `expr` evaluates to the row (an array) or null when the subquery returns no row.
 */
export function bindRowSubquery(b: Binder, subselect: SelectStmt, loc: number): { columns: readonly { name: string; type: BoundExpr['type'] }[]; expr: BoundExpr } {
  const corr = new Correlation(b.scope);
  const sub = planQuery(b.withScope(corr), subselect);
  const subRows = subqueryRows(b, sub, corr.exprs.length > 0, loc);
  const expr: BoundExpr = {
    kind: 'call', name: 'row_subquery', args: corr.exprs, type: T.unknown, strict: false, volatility: 'volatile', location: loc,
    impl: (a, ctx) => {
      const rows = subRows(a, ctx);
      if (rows.length > 1) throw new DbError('21000', 'more than one row returned by a subquery used as an expression');
      return rows.length === 0 ? null : rows[0]!;
    },
  };
  return { columns: sub.columns, expr };
}
