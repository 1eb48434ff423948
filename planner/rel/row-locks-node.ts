// LockRows: the operator of a SELECT … FOR UPDATE/SHARE in the plan tree, as PostgreSQL's EXPLAIN
// shows it (above the query, below Limit: LIMIT/OFFSET count locked rows).
// Locking waits for other transactions, which a synchronous operator cannot do, so the statement
// (row-locks.ts) locks first — asynchronously, through its query's cursor — and hands this node
// the locked rows of that execution (`provide`); `open` then yields them, and the Limit above
// applies OFFSET/LIMIT as usual. The query below (`input`, the same plan the locking walk ran)
// is this node's child for EXPLAIN and EXPLAIN ANALYZE (its figures are those of the walk's run,
// several runs counting as loops when a READ COMMITTED re-check walked the query again).
// Invariants: `open` without rows provided for its execution is an internal error (XX000), never
// an empty result; the rows stay for the execution (keyed by its cancel token), so a nested
// locking SELECT read again (a subquery scan re-opened) yields the same locked rows.
// `NestedLockRows`: the operator a statement reads a locking subquery in FROM through; its rows
// are not there before the statement waited for them (row-locks-nested.ts).

import { DbError } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { NodeReport } from '../exec/explain-node.js';
import { ROW_COST } from '../exec/explain-cost.js';
import type { RelNode, Row } from './ops.js';

export class LockRowsNode implements RelNode {
  private readonly provided = new WeakMap<object, Value[][]>();

  /** `width`: the visible output columns (the input may carry hidden key columns after them). */
  constructor(readonly input: RelNode, readonly width: number) {}

  /** The locked rows of the execution running under `ctx`. */
  provide(ctx: EvalContext, rows: Value[][]): void {
    this.provided.set(ctx.cancel, rows);
  }

  *open(ctx: EvalContext): Generator<Row> {
    const rows = this.provided.get(ctx.cancel);
    if (!rows) throw new DbError('XX000', 'internal error: LockRows opened before its rows were locked');
    for (const r of rows) yield r;
  }

  describe(i = ''): string {
    return `${i}LockRows\n${this.input.describe(i + '  ')}`;
  }

  explain(): NodeReport {
    return {
      type: 'LockRows', headline: 'LockRows', children: [{ node: this.input, relationship: 'Outer' }],
      // PostgreSQL: cpu_tuple_cost per row on top of the input.
      estimate: ([i]) => ({ startup: i!.startup, total: i!.total + i!.rows * ROW_COST, rows: i!.rows, width: i!.width }),
    };
  }
}

/** A locking SELECT read by the statement it is nested in: the locked plan's rows for this
 *  execution, or the error that makes the statement wait for them (`needed`). */
export class NestedLockRows implements RelNode {
  constructor(
    readonly input: RelNode,
    private readonly lockedNode: (ctx: EvalContext) => RelNode | undefined,
    private readonly needed: (ctx: EvalContext) => Error,
  ) {}

  get width(): number {
    return this.input.width;
  }

  open(ctx: EvalContext): Iterator<Row> {
    const node = this.lockedNode(ctx);
    if (!node) throw this.needed(ctx);
    return node.open(ctx);
  }

  describe(i = ''): string {
    return this.input.describe(i);
  }

  explain(): NodeReport {
    return this.input.explain!();
  }
}
