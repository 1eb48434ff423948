// Set-returning functions in the select list (PostgreSQL 10+'s ProjectSet): `SELECT unnest(arr)
// FROM t`, `SELECT generate_series(1, n), x FROM t`, `SELECT unnest(a) * 10`.
//
// The stage sits after aggregation and the window stage and before the projection, as in
// PostgreSQL. Each set-returning call in the targets is replaced by a reference to a slot
// appended to the input row; the call itself is planned as a function in FROM (srf.ts) under a
// `Correlation` over the input scope, so the input columns it reads are evaluated per input row
// and handed to it as `ctx.outer` (the same binding as LATERAL). For each input row the calls
// run in lockstep: as many output rows as the longest result, shorter ones padded with NULL;
// an input row for which every call returns no rows yields nothing.
//
// Not built (0A000): a set-returning call nested in another one's arguments, and functions
// that return several columns. CASE / COALESCE around one is 0A000 with PostgreSQL's wording.

import type { Binder, Scope } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import type { Compiled } from '../eval/compile.js';
import { compile } from '../eval/compile.js';
import { strings, type ColumnRef, type FuncCall, type Node } from '../parse/ast.js';
import { ARRAY_SRFS } from '../funcs/array-srf.js';
import { rewrite } from './ast-walk.js';
import { checkCancel, CANCEL_CHECK_ROWS, iter, ROWS_IN_MEMORY_MAX, tooMany, type RelNode, type Row } from './ops.js';
import { SUSPEND } from './suspend.js';
import { planFunctionInFrom } from './srf.js';
import { Correlation, type OuterCtx } from './sublink.js';

const SLOT_PREFIX = '\u0001srf';

function isSrfCall(n: Node): n is FuncCall {
  if (n.kind !== 'FuncCall' || n.over !== undefined) return false;
  const names = strings(n.funcname);
  const name = names[names.length - 1] ?? '';
  return (name === 'generate_series' || ARRAY_SRFS.has(name)) && (names.length === 1 || names[0] === 'pg_catalog');
}

/** The first set-returning call in the tree (outside subqueries), if any. */
export function findTargetSrf(n: unknown): FuncCall | undefined {
  let found: FuncCall | undefined;
  rewrite(n, (x) => {
    if (found) return x;
    if (isSrfCall(x)) {
      found = x;
      return x;
    }
    return undefined;
  });
  return found;
}

/** check_srf_call_placement: 0A000 "set-returning functions are not allowed in <construct>". */
export function rejectSrfCalls(b: Binder, n: unknown, construct: string): void {
  const f = findTargetSrf(n);
  if (f) throw b.err('0A000', `set-returning functions are not allowed in ${construct}`, f.location ?? -1);
}

interface SrfPlan {
  node: RelNode;
  params: Compiled[];
}

export interface ProjectSetStage {
  targets: Node[];
  node: ProjectSetNode;
  /** The scope above the stage: the SRF slots, then the input's names. */
  scope: Scope;
}

/** Plans the ProjectSet stage, or undefined when no target calls a set-returning function. */
export function planProjectSet(b: Binder, targets: Node[], input: RelNode): ProjectSetStage | undefined {
  if (!findTargetSrf(targets)) return undefined;
  const srfs: SrfPlan[] = [];
  const types: BoundExpr['type'][] = [];
  const replace = (x: Node): Node | undefined => {
    if (x.kind === 'CaseExpr' || x.kind === ('CoalesceExpr' as Node['kind'])) {
      const inner = findTargetSrf(x);
      if (inner) {
        throw b.err('0A000', `set-returning functions are not allowed in ${x.kind === 'CaseExpr' ? 'CASE' : 'COALESCE'}`, inner.location ?? -1,
          { hint: 'You might be able to move the set-returning function into a LATERAL FROM item.' });
      }
      return undefined;
    }
    if (!isSrfCall(x)) return undefined;
    const nested = findTargetSrf([x.args]);
    if (nested) throw b.unsupported('set-returning functions nested in the arguments of another one', nested.location ?? -1);
    const corr = new Correlation(b.scope);
    const fr = planFunctionInFrom(b.withScope(corr), x, false, undefined);
    if (fr.columns.length !== 1) throw b.unsupported('set-returning functions with several result columns in a select list', x.location ?? -1);
    srfs.push({ node: fr.node, params: corr.exprs.map((e) => compile(e)) });
    types.push(fr.columns[0]!.type);
    return { kind: 'ColumnRef', fields: [{ kind: 'String', sval: SLOT_PREFIX + (srfs.length - 1) }], location: x.location ?? -1 } satisfies ColumnRef;
  };
  const newTargets = targets.map((t) => rewrite(t, replace) as Node);
  const base = input.width;
  const inner = b.scope;
  const scope: Scope = {
    resolveColumn(names, loc) {
      const first = names[0] ?? '';
      if (names.length === 1 && first.startsWith(SLOT_PREFIX)) {
        const i = Number(first.slice(SLOT_PREFIX.length));
        return { kind: 'column', index: base + i, type: types[i]!, name: '?column?', location: loc };
      }
      return inner?.resolveColumn(names, loc);
    },
  };
  return { targets: newTargets, node: new ProjectSetNode(input, srfs), scope };
}

/**
 * Appends one slot per set-returning call; emits the calls' results in lockstep per input row.
 * EXPLAIN prints it from describe() (no explain-rel report for ProjectSet yet).
 */
export class ProjectSetNode implements RelNode {
  constructor(readonly input: RelNode, private readonly srfs: readonly SrfPlan[]) {}

  get width(): number {
    return this.input.width + this.srfs.length;
  }

  *open(ctx: EvalContext): Generator<Row> {
    let n = 0;
    for (const row of iter(this.input.open(ctx))) {
      if (row === SUSPEND) {
        yield row;
        continue;
      }
      if (++n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
      const results: Value[][] = this.srfs.map((s) => {
        const rctx: OuterCtx = { ...ctx, outer: s.params.map((p) => p(row, ctx)) };
        const vals: Value[] = [];
        for (const r of iter(s.node.open(rctx))) {
          if (vals.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
          vals.push(r[0] ?? null);
        }
        return vals;
      });
      const count = Math.max(0, ...results.map((r) => r.length));
      for (let i = 0; i < count; i++) yield [...row, ...results.map((r) => (i < r.length ? r[i]! : null))];
    }
  }

  /** The same calls over another input of the same width (select.ts puts a Sort below). */
  withInput(input: RelNode): ProjectSetNode {
    if (input.width !== this.input.width) throw new Error('ProjectSet input width changed');
    return new ProjectSetNode(input, this.srfs);
  }

  /** Only the input: the set-returning calls are re-opened per input row. */
  streamInputs(): readonly RelNode[] {
    return [this.input];
  }

  describe(i = ''): string {
    return `${i}ProjectSet\n${this.input.describe(i + '  ')}`;
  }

}
