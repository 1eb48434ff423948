// Pull-based operators over rows of Values. Each node is built once per plan (plans are cached)
// and opened per execution: `open(ctx)` returns a fresh iterator, so a node holds no state
// between executions. Rows are plain arrays laid out as the node's scope says (scope.ts).
//
// Invariants:
// - Operators never mutate an input row they pass on; a node that changes a row copies it.
// - Blocking operators (sort, aggregate, hash join build, distinct) hold at most
//   `rowsMax` rows (53200 out of memory beyond it) — every buffer has a limit.
// - The cancel token is checked every CANCEL_CHECK_ROWS rows.
// - SUSPEND (suspend.ts) is forwarded unchanged by every operator here that pulls a child
//   (`streamInputs` lists the children it forwards for); it is never a row.

import { DbError, intervalKey, type Interval } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { Compiled } from '../eval/compile.js';
import type { Cmp } from '../eval/compare.js';
import type { NodeReport } from '../exec/explain-node.js';
import type { Shown } from '../exec/explain-deparse.js';
import { distinctReport, filterReport, limitReport, projectReport, rowsReport, sortReport, trimReport, type ProjectionShown } from '../exec/explain-rel.js';
import { SUSPEND } from './suspend.js';

export type Row = Value[];

export interface RelNode {
  readonly width: number;
  open(ctx: EvalContext): Iterator<Row>;
  /** One line per node for EXPLAIN-style descriptions and tests (plan shape). */
  describe(indent?: string): string;
  /** What EXPLAIN shows for this operator (exec/explain-node.ts); without it, describe() lines are shown. */
  explain?(): NodeReport;
  /**
   * The inputs this operator pulls while forwarding SUSPEND (suspend.ts): external scans reached
   * from the statement's root only through such operators may stream. Absent: none (the scans
   * below are fetched before the statement runs).
   */
  streamInputs?(): readonly RelNode[];
}

/** Rows a blocking operator may hold in memory. */
export const ROWS_IN_MEMORY_MAX = 5_000_000;
export const CANCEL_CHECK_ROWS = 1024;

export function checkCancel(ctx: EvalContext): void {
  const r = ctx.cancel.reason;
  if (r) throw r;
}

export function tooMany(): DbError {
  return new DbError('53200', `out of memory`, { detail: `an operator would hold more than ${ROWS_IN_MEMORY_MAX} rows` });
}

function* iter(it: Iterator<Row>): Generator<Row> {
  // Closing this generator early (LIMIT, an error) closes the input too: a streamed external
  // scan below then closes its DuckDB cursor.
  try {
    for (let r = it.next(); !r.done; r = it.next()) yield r.value;
  } finally {
    it.return?.();
  }
}

export class FilterNode implements RelNode {
  /**
   * `gate`: the conjuncts of `pred` that read no column and call nothing volatile, evaluated once
   * when the node opens (PostgreSQL's One-Time Filter): when they are not true, the input is
   * never opened (`WHERE 1 = 0` over generate_series(1, 100000000) returns at once, and an
   * input with side effects does not run, as in PostgreSQL). `pred` still holds them.
   */
  constructor(readonly input: RelNode, readonly pred: Compiled, readonly shown?: Shown, readonly gate?: Compiled) {
    this.rowPred = pred;
  }
  /** What each row is checked against: `pred`, or less when the input already guarantees some
   *  of its conjuncts (residualOnly); null: nothing is left to check. */
  private rowPred: Compiled | null;
  get width(): number {
    return this.input.width;
  }
  /**
   * The planner's statement that every row the input yields satisfies the conjuncts of `pred`
   * other than `residual` (a point get's key equalities: the get returns only the row whose key
   * equals them). Rows are then checked against `residual` alone (null: none), which gives the
   * same rows; `pred` (EXPLAIN, vec-agg) is unchanged.
   */
  residualOnly(residual: Compiled | null): void {
    this.rowPred = residual;
  }
  open(ctx: EvalContext): Iterator<Row> {
    // Nothing to check and no gate: the input's own iterator (a point get's PointRow, lazy too).
    if (this.rowPred === null && this.gate === undefined) return this.input.open(ctx);
    return new FilterRows(this.input, this.rowPred, this.gate, ctx);
  }
  streamInputs(): readonly RelNode[] {
    return [this.input];
  }
  describe(i = ''): string {
    return `${i}Filter\n${this.input.describe(i + '  ')}`;
  }
  explain(): NodeReport {
    return filterReport(this);
  }
}

export class ProjectNode implements RelNode {
  constructor(readonly input: RelNode, readonly exprs: Compiled[], readonly shown?: ProjectionShown) {}
  get width(): number {
    return this.exprs.length;
  }
  open(ctx: EvalContext): Iterator<Row> {
    return new ProjectRows(this.input, this.exprs, ctx);
  }
  streamInputs(): readonly RelNode[] {
    return [this.input];
  }
  describe(i = ''): string {
    return `${i}Project\n${this.input.describe(i + '  ')}`;
  }
  explain(): NodeReport {
    return projectReport(this);
  }
}

const DONE: IteratorResult<Row> = Object.freeze({ done: true, value: undefined });

/**
 * The lifecycle FilterRows and ProjectRows share (plain iterators, no generator frame per open):
 * the input is opened by the subclass at the first next(); an error, the input's end or
 * return() closes the input (its return()), as the former generators' finally did.
 */
abstract class InputRows implements IterableIterator<Row> {
  protected src: Iterator<Row> | undefined;
  /** 0: not started, 1: reading, 2: finished. */
  protected state = 0;

  abstract next(): IteratorResult<Row>;

  return(): IteratorResult<Row> {
    this.close();
    return DONE;
  }

  protected close(): void {
    this.state = 2;
    const src = this.src;
    this.src = undefined;
    src?.return?.();
  }

  [Symbol.iterator](): IterableIterator<Row> {
    return this;
  }
}

/** FilterNode's rows: what its former generator did, step for step — the gate and the input's
 *  open() run at the first next(). */
class FilterRows extends InputRows {
  private n = 0;

  constructor(private readonly input: RelNode, private readonly pred: Compiled | null, private readonly gate: Compiled | undefined, private readonly ctx: EvalContext) {
    super();
  }

  next(): IteratorResult<Row> {
    if (this.state === 2) return DONE;
    const ctx = this.ctx;
    try {
      if (this.state === 0) {
        this.state = 1;
        if (this.gate && this.gate([], ctx) !== true) {
          this.state = 2;
          return DONE;
        }
        this.src = this.input.open(ctx);
      }
      const src = this.src!;
      const pred = this.pred;
      for (;;) {
        const r = src.next();
        if (r.done) {
          this.close();
          return DONE;
        }
        const row = r.value;
        if (row === SUSPEND) return { done: false, value: row };
        if (++this.n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
        if (pred === null || pred(row, ctx) === true) return { done: false, value: row };
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }
}

/** ProjectNode's rows, with the same lifecycle. */
class ProjectRows extends InputRows {
  constructor(private readonly input: RelNode, private readonly exprs: Compiled[], private readonly ctx: EvalContext) {
    super();
  }

  next(): IteratorResult<Row> {
    if (this.state === 2) return DONE;
    const ctx = this.ctx;
    try {
      if (this.state === 0) {
        this.state = 1;
        this.src = this.input.open(ctx);
      }
      const r = this.src!.next();
      if (r.done) {
        this.close();
        return DONE;
      }
      const row = r.value;
      if (row === SUSPEND) return { done: false, value: row };
      const ex = this.exprs;
      const n = ex.length;
      const out = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = ex[i]!(row, ctx);
      return { done: false, value: out };
    } catch (e) {
      this.close();
      throw e;
    }
  }
}

/** Rows given by the plan (VALUES in FROM, materialized subquery results). */
export class RowsNode implements RelNode {
  /** EXPLAIN: the FROM-clause alias of a function scan. */
  alias: string | undefined = undefined;
  /** EXPLAIN: rows the plan knows it produces (a constant integer generate_series). */
  rowsEstimate: number | undefined = undefined;
  /**
   * `sub`: the plan a Subquery/View scan materializes (EXPLAIN shows it as the child);
   * `source`: an operator giving exactly `produce`'s rows (the sub-plan's `rowsNode`), opened
   * instead so the rows stream (SUSPEND forwarded) rather than being materialized first.
   */
  constructor(readonly width: number, readonly produce: (ctx: EvalContext) => Row[], readonly label = 'Values', readonly sub?: object, readonly source?: RelNode) {}
  *open(ctx: EvalContext): Generator<Row> {
    if (this.source) yield* iter(this.source.open(ctx));
    else yield* this.produce(ctx);
  }
  streamInputs(): readonly RelNode[] {
    return this.source ? [this.source] : [];
  }
  describe(i = ''): string {
    return `${i}${this.label}`;
  }
  explain(): NodeReport {
    return rowsReport(this);
  }
}

export interface SortKey {
  expr: Compiled;
  cmp: Cmp;
  desc: boolean;
  nullsFirst: boolean;
  /** EXPLAIN's Sort Key. */
  shown?: Shown;
}

export function compareRows(keys: readonly SortKey[], a: Value[], b: Value[]): number {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const x = a[k], y = b[k];
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === key.nullsFirst ? -1 : 1;
    }
    const c = key.cmp(x, y);
    if (c !== 0) return key.desc ? -c : c;
  }
  return 0;
}

export class SortNode implements RelNode {
  constructor(readonly input: RelNode, readonly keys: SortKey[]) {}
  get width(): number {
    return this.input.width;
  }
  *open(ctx: EvalContext): Generator<Row> {
    const items: Array<{ k: Value[]; r: Row; i: number }> = [];
    for (const r of iter(this.input.open(ctx))) {
      if (r === SUSPEND) {
        yield r;
        continue;
      }
      if (items.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
      if (items.length % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
      items.push({ k: this.keys.map((key) => key.expr(r, ctx)), r, i: items.length });
    }
    items.sort((a, b) => compareRows(this.keys, a.k, b.k) || a.i - b.i);
    for (const it of items) yield it.r;
  }
  streamInputs(): readonly RelNode[] {
    return [this.input];
  }
  describe(i = ''): string {
    return `${i}Sort\n${this.input.describe(i + '  ')}`;
  }
  explain(): NodeReport {
    return sortReport(this);
  }
}

export class LimitNode implements RelNode {
  constructor(readonly input: RelNode, readonly limit: Compiled | undefined, readonly offset: Compiled | undefined) {}
  get width(): number {
    return this.input.width;
  }
  *open(ctx: EvalContext): Generator<Row> {
    const off = this.offset ? (this.offset([], ctx) as bigint | null) : null;
    const lim = this.limit ? (this.limit([], ctx) as bigint | null) : null;
    if (off !== null && off < 0n) throw new DbError('2201X', 'OFFSET must not be negative');
    if (lim !== null && lim < 0n) throw new DbError('2201W', 'LIMIT must not be negative');
    let skip = off === null ? 0n : off;
    let left = lim;
    if (left === 0n) return;
    const it = this.input.open(ctx);
    try {
      for (let r = it.next(); !r.done; r = it.next()) {
        if (r.value === SUSPEND) {
          yield r.value;
          continue;
        }
        if (skip > 0n) {
          skip--;
          continue;
        }
        yield r.value;
        if (left !== null && --left === 0n) return;
      }
    } finally {
      it.return?.();
    }
  }
  streamInputs(): readonly RelNode[] {
    return [this.input];
  }
  describe(i = ''): string {
    return `${i}Limit\n${this.input.describe(i + '  ')}`;
  }
  explain(): NodeReport {
    return limitReport(this);
  }
}

/** A string key equal for rows PostgreSQL considers not distinct (NULLs equal each other). */
export function rowKey(r: readonly Value[], n = r.length): string {
  let s = '';
  for (let i = 0; i < n; i++) s += valueKey(r[i]) + '\u0000';
  return s;
}

export function valueKey(v: Value): string {
  if (v === null || v === undefined) return 'N';
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return Object.is(v, -0) ? 'n0' : 'n' + String(v);
    case 'bigint':
      return 'n' + v.toString();
    case 'boolean':
      return v ? 'T' : 'F';
    default:
      if (v instanceof Uint8Array) return 'b' + Buffer.from(v).toString('hex');
      if (typeof (v as { hashKey?: () => string }).hashKey === 'function') return 'm' + (v as { hashKey: () => string }).hashKey();
      // interval: '1 mon' = '30 days' = '720:00:00' (PostgreSQL compares the normalised span).
      if (typeof (v as Interval).micros === 'bigint' && typeof (v as Interval).months === 'number') return 'i' + intervalKey(v as Interval).toString();
      return 'o' + JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  }
}

export class DistinctNode implements RelNode {
  /** `keyWidth`: only the first keyWidth slots decide (extra sort slots ride along). */
  constructor(readonly input: RelNode, readonly keyWidth: number, readonly keyOf: (r: Row, n: number, ctx: EvalContext) => string = rowKey) {}
  get width(): number {
    return this.input.width;
  }
  *open(ctx: EvalContext): Generator<Row> {
    const seen = new Set<string>();
    for (const r of iter(this.input.open(ctx))) {
      if (r === SUSPEND) {
        yield r;
        continue;
      }
      const k = this.keyOf(r, this.keyWidth, ctx);
      if (seen.has(k)) continue;
      if (seen.size >= ROWS_IN_MEMORY_MAX) throw tooMany();
      seen.add(k);
      yield r;
    }
  }
  streamInputs(): readonly RelNode[] {
    return [this.input];
  }
  describe(i = ''): string {
    return `${i}Distinct\n${this.input.describe(i + '  ')}`;
  }
  explain(): NodeReport {
    return distinctReport(this);
  }
}

/** Drops trailing helper slots (sort keys that are not output columns). */
export class TrimNode implements RelNode {
  constructor(readonly input: RelNode, readonly width: number) {}
  *open(ctx: EvalContext): Generator<Row> {
    for (const r of iter(this.input.open(ctx))) yield r.length === this.width || r === SUSPEND ? r : r.slice(0, this.width);
  }
  streamInputs(): readonly RelNode[] {
    return [this.input];
  }
  describe(i = ''): string {
    return this.input.describe(i);
  }
  explain(): NodeReport {
    return trimReport(this);
  }
}

export { iter };
