// LATERAL: a FROM item that reads columns of the items to its left (`FROM t, LATERAL (SELECT …
// WHERE x = t.a)`, `CROSS JOIN LATERAL`, `LEFT JOIN LATERAL … ON true`, and functions in FROM,
// which are implicitly lateral: `FROM t, generate_series(1, t.n)`).
//
// The right item is planned once under a `Correlation` (sublink.ts) whose parent scope is the
// left items' scope: each left column it names becomes a parameter, evaluated on the left row
// and passed to the right side as `ctx.outer`, exactly as a correlated subquery receives its
// outer references. At run time the right side is re-opened for every left row (PostgreSQL's
// nested loop with the left row as parameter); nothing is materialized across left rows.

import type { Binder, Scope } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { Compiled } from '../eval/compile.js';
import type { NodeReport } from '../exec/explain-node.js';
import { joinReport, type JoinShown } from '../exec/explain-rel.js';
import type { EquiKey } from './join.js';
import { checkCancel, CANCEL_CHECK_ROWS, iter, type RelNode, type Row } from './ops.js';
import { SUSPEND } from './suspend.js';
import { RelScope, type RangeEntry } from './scope.js';
import type { BoundExpr } from '../bind/expr.js';
import { Correlation, type OuterCtx } from './sublink.js';

/** Join kinds a LATERAL reference allows (PostgreSQL: INNER or LEFT; a comma is a cross join). */
export type LateralKind = 'inner' | 'left' | 'cross';

/** The scope a lateral item binds in: the left items' columns, then the enclosing query's. */
export function lateralCorrelation(b: Binder, left: { entries: RangeEntry[]; merged: Map<string, BoundExpr>; width: number }, leftOffset: number): Correlation {
  const scope = new RelScope(left.entries, leftOffset + left.width, (l) => b.position(l));
  for (const [k, v] of left.merged) scope.merged.set(k, v);
  scope.parent = b.scope;
  const c = new Correlation(scope);
  c.lateral = true; // told apart for the outer-level aggregate rule below
  return c;
}

/**
 * An aggregate whose arguments read only outer references belongs to the outer query level
 * (PostgreSQL); directly inside a LATERAL item that level is the FROM clause, so 42803. True
 * when `scope` (the aggregate's binding scope) sits right under a lateral Correlation and
 * the bound arguments read outer values but no column of their own level.
 */
export function readsOnlyLateralOuter(scope: Scope | undefined, args: readonly BoundExpr[]): boolean {
  const parent = scope instanceof RelScope ? scope.parent : scope;
  if (!(parent instanceof Correlation) || !parent.lateral || args.length === 0) return false;
  let columns = 0, outers = 0;
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) { x.forEach(walk); return; }
    if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return;
    const o = x as Record<string, unknown>;
    if (o['kind'] === 'column') columns++;
    if (o['kind'] === 'call' && o['name'] === 'outer') outers++;
    if (typeof o['kind'] !== 'string') return;
    for (const [k, v] of Object.entries(o)) if (k !== 'type' && k !== 'impl' && k !== 'value') walk(v);
  };
  walk(args);
  return outers > 0 && columns === 0;
}

/** Nested loop that re-opens `right` for each left row with `params(leftRow)` as `ctx.outer`. */
export class LateralJoinNode implements RelNode {
  /** No hash keys: the right side differs per left row (EXPLAIN prints a Nested Loop). */
  readonly equi: EquiKey[] = [];

  constructor(
    readonly left: RelNode,
    readonly right: RelNode,
    readonly kind: LateralKind,
    readonly cond: Compiled | undefined,
    /** The left-row values the right side reads, in `Correlation` order (left-relative slots). */
    readonly params: Compiled[],
    readonly shown?: JoinShown,
  ) {}

  get width(): number {
    return this.left.width + this.right.width;
  }

  *open(ctx: EvalContext): Generator<Row> {
    const nullsRight = new Array<Value>(this.right.width).fill(null);
    let n = 0;
    for (const l of iter(this.left.open(ctx))) {
      if (l === SUSPEND) {
        yield l;
        continue;
      }
      if (++n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
      const outer = this.params.map((p) => p(l, ctx));
      const rctx: OuterCtx = { ...ctx, outer };
      let any = false;
      for (const r of iter(this.right.open(rctx))) {
        if (++n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
        const combined = l.concat(r);
        if (this.cond && this.cond(combined, ctx) !== true) continue;
        any = true;
        yield combined;
      }
      if (!any && this.kind === 'left') yield l.concat(nullsRight);
    }
  }

  /** Only the left side: the right side is re-opened per left row (its scans are fetched first). */
  streamInputs(): readonly RelNode[] {
    return [this.left];
  }

  describe(i = ''): string {
    return `${i}Nested Loop (${this.kind}, lateral)\n${this.left.describe(i + '  ')}\n${this.right.describe(i + '  ')}`;
  }

  explain(): NodeReport {
    return joinReport(this);
  }
}
