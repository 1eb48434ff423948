// EXPLAIN ANALYZE's per-operator figures: rows produced, loops (times opened), time to the
// first row and in total (inclusive of the operators below, as PostgreSQL counts).
//
// Instrumentation is only installed on a plan built for one EXPLAIN ANALYZE execution: every
// operator of that plan gets an own `open` that wraps the prototype's iterator with counters.
// Plans run without ANALYZE are never touched, so the counters cost nothing there. TIMING OFF
// counts rows and loops without reading the clock.

import { performance } from 'node:perf_hooks';
import type { EvalContext } from '../bind/expr.js';
import type { RelNode, Row } from '../rel/ops.js';
import { SUSPEND } from '../rel/suspend.js';
import { reportOf, type ExplainNode } from './explain-node.js';

export interface Actual {
  rows: number;
  loops: number;
  startupMs: number;
  totalMs: number;
}

/** Operators a plan may nest: far beyond any real plan, it bounds the walk. */
const OPERATORS_MAX = 100_000;

export class Measured {
  private readonly stats = new Map<RelNode, Actual>();
  private readonly overrides = new Map<ExplainNode, Actual>();
  private readonly removed = new Map<ExplainNode, number>();

  constructor(readonly timing: boolean) {}

  /** Wraps `open` of every operator reachable from `root`. */
  instrument(root: RelNode): void {
    const todo: RelNode[] = [root];
    const seen = new Set<RelNode>();
    while (todo.length > 0 && seen.size < OPERATORS_MAX) {
      const n = todo.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      this.wrap(n);
      for (const c of reportOf(n).children ?? []) todo.push(c.node);
    }
  }

  private wrap(n: RelNode): void {
    const st: Actual = { rows: 0, loops: 0, startupMs: 0, totalMs: 0 };
    this.stats.set(n, st);
    const open = n.open.bind(n);
    const timing = this.timing;
    (n as { open: RelNode['open'] }).open = (ctx: EvalContext): Iterator<Row> => {
      st.loops++;
      const t0 = timing ? performance.now() : 0;
      const it = open(ctx);
      let elapsed = timing ? performance.now() - t0 : 0;
      let first = true;
      const wrapped: Iterator<Row> & Iterable<Row> = {
        next(): IteratorResult<Row> {
          const t = timing ? performance.now() : 0;
          const r = it.next();
          if (timing) {
            const dt = performance.now() - t;
            elapsed += dt;
            st.totalMs += dt;
          }
          if (first) {
            first = false;
            if (timing) st.startupMs += elapsed;
          }
          if (!r.done && r.value !== SUSPEND) st.rows++;
          return r;
        },
        return(value?: unknown): IteratorResult<Row> {
          return it.return ? it.return(value) : { done: true, value: undefined };
        },
        [Symbol.iterator]() {
          return this;
        },
      };
      return wrapped;
    };
  }

  /** Figures measured outside the operators (the modify node of DML). */
  setActual(n: ExplainNode, a: Actual): void {
    this.overrides.set(n, a);
  }

  setRemoved(n: ExplainNode, rows: number): void {
    this.removed.set(n, rows);
  }

  actual(n: ExplainNode): Actual | undefined {
    return this.overrides.get(n) ?? (n.counted ? this.stats.get(n.counted) : undefined);
  }

  of(op: RelNode): Actual | undefined {
    return this.stats.get(op);
  }

  /** Rows a merged filter removed per loop; undefined when the node has no measured filter. */
  removedByFilter(n: ExplainNode): number | undefined {
    const set = this.removed.get(n);
    if (set !== undefined) return set;
    if (!n.filteredFrom || !n.counted) return undefined;
    const below = this.stats.get(n.filteredFrom), after = this.stats.get(n.counted);
    if (!below || !after || after.loops === 0) return undefined;
    return Math.round((below.rows - after.rows) / after.loops);
  }
}
