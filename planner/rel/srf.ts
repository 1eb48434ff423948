// Functions in FROM (PostgreSQL's RangeFunction): generate_series over integers, numeric and
// timestamps (PostgreSQL's argument rules and errors), any scalar function as a one-row
// relation, WITH ORDINALITY. Arguments may read outer (correlated) values but not columns of
// other FROM items (LATERAL is 0A000).

import { DbError, Numeric, TypeOid, addInterval, intervalKey, resolveZone, type Interval } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { t as sqlType, T, typeName, type SqlType } from '../bind/types.js';
import { selectCandidate } from '../bind/resolve.js';
import { compile } from '../eval/compile.js';
import { strings, type FuncCall, type Node } from '../parse/ast.js';
import { CANCEL_CHECK_ROWS, ROWS_IN_MEMORY_MAX, checkCancel, tooMany, RowsNode, type Row } from './ops.js';
import { seriesRows } from '../exec/explain-rel.js';
import { arrayFunctionInFrom } from '../funcs/array-srf.js';

export interface FunctionRelation {
  node: RowsNode;
  columns: Array<{ name: string; type: SqlType }>;
}

const O = TypeOid;

/** generate_series's pg_proc rows (integer, bigint, numeric; timestamp[tz] with an interval step). */
const SERIES_OVERLOADS: ReadonlyArray<{ args: readonly number[] }> = [
  ...[O.int4, O.int8, O.numeric].flatMap((o) => [{ args: [o, o] }, { args: [o, o, o] }]),
  { args: [O.timestamp, O.timestamp, O.interval] },
  { args: [O.timestamptz, O.timestamptz, O.interval] },
];

export function planFunctionInFrom(b: Binder, f: FuncCall, ordinality: boolean, aliasName: string | undefined): FunctionRelation {
  const names = strings(f.funcname);
  const name = names[names.length - 1]!;
  const loc = f.location ?? -1;
  const arrays = arrayFunctionInFrom(b, f, ordinality, aliasName); // unnest, generate_subscripts
  if (arrays) return arrays;
  if (name !== 'generate_series') {
    // A scalar function: one row, one column named after the function (or the alias).
    const e = b.resolveUnknown(b.bind(f as unknown as Node));
    const fn = compile(e);
    const cols = [{ name: aliasName ?? name, type: e.type }];
    if (ordinality) cols.push({ name: 'ordinality', type: T.int8 });
    return { columns: cols, node: new RowsNode(cols.length, (ctx) => [ordinality ? [fn([], ctx), 1n] : [fn([], ctx)]], `Function Scan on ${name}`) };
  }
  const bound = (f.args ?? []).map((a) => b.bind(a));
  // PostgreSQL's overloads, chosen by its function resolution rules (unknown literals and NULLs
  // take the type the other arguments or the preferred type of their category decide).
  const inputs = bound.map((a) => a.type.oid);
  const res = selectCandidate(inputs, SERIES_OVERLOADS);
  const shown = `generate_series(${inputs.map((o) => typeName(o)).join(', ')})`;
  if (res.kind === 'none') {
    throw b.err('42883', `function ${shown} does not exist`, loc, { hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
  }
  if (res.kind === 'ambiguous') {
    throw b.err('42725', `function ${shown} is not unique`, loc, { hint: 'Could not choose a best candidate function. You might need to add explicit type casts.' });
  }
  const ty = sqlType(res.cand.args[0]!);
  const timestamps = ty.oid === O.timestamp || ty.oid === O.timestamptz;
  const args: BoundExpr[] = bound.map((a, i) => b.coerceTo(a, sqlType(res.cand.args[i]!), 'generate_series', loc));
  const fns = args.map((a) => compile(a));
  const colName = aliasName ?? 'generate_series';
  const cols = [{ name: colName, type: ty }];
  if (ordinality) cols.push({ name: 'ordinality', type: T.int8 });
  // The series is generated lazily: a consumer that stops early (LIMIT, a join probe) or a
  // filter that drops every row never holds it in memory (PostgreSQL's SRF scan with a
  // tuplestore would hold it, but nothing observable depends on that).
  const series = function* (ctx: EvalContext): Generator<Row> {
    const v = fns.map((fn) => fn([], ctx));
    if (v.some((x) => x === null)) return;
    let n = 0;
    let ord = 0n;
    const row = (x: Value): Row => (ordinality ? [x, ++ord] : [x]);
    const tick = (): void => {
      if ((++n & (CANCEL_CHECK_ROWS - 1)) === 0) checkCancel(ctx);
    };
    if (timestamps) {
      const step = v[2] as Interval;
      const k = intervalKey(step);
      if (k === 0n) throw new DbError('22023', 'step size cannot equal zero');
      const zone = ty.oid === O.timestamptz ? resolveZone(ctx.fmt.timeZone) : undefined;
      const stop = v[1] as bigint;
      for (let cur = v[0] as bigint; k > 0n ? cur <= stop : cur >= stop; cur = addInterval(cur, step, zone ?? undefined)) {
        yield row(cur);
        tick();
      }
      return;
    }
    if (ty.oid === O.numeric) {
      const start = v[0] as Numeric, stop = v[1] as Numeric, step = (v[2] as Numeric | undefined) ?? Numeric.fromInt(1);
      // generate_series_step_numeric's checks, in its order.
      if (start.isNaN()) throw new DbError('22023', 'start value cannot be NaN');
      if (!start.isFinite()) throw new DbError('22023', 'start value cannot be infinity');
      if (stop.isNaN()) throw new DbError('22023', 'stop value cannot be NaN');
      if (!stop.isFinite()) throw new DbError('22023', 'stop value cannot be infinity');
      if (step.isNaN()) throw new DbError('22023', 'step size cannot be NaN');
      if (!step.isFinite()) throw new DbError('22023', 'step size cannot be infinity');
      if (step.isZero()) throw new DbError('22023', 'step size cannot equal zero');
      const up = step.sign() > 0;
      for (let cur = start; up ? cur.cmp(stop) <= 0 : cur.cmp(stop) >= 0; cur = cur.add(step)) {
        yield row(cur);
        tick();
      }
      return;
    }
    if (ty.oid === O.int4) {
      // int4 values and steps: every value stays a safe integer in a double.
      const start = Number(v[0]), stop = Number(v[1]), step = v.length > 2 ? Number(v[2]) : 1;
      if (step === 0) throw new DbError('22023', 'step size cannot equal zero');
      for (let cur = start; step > 0 ? cur <= stop : cur >= stop; cur += step) {
        yield row(cur);
        tick();
      }
      return;
    }
    const big = (x: Value): bigint => BigInt(x as number | bigint);
    const start = big(v[0]!), stop = big(v[1]!), step = v.length > 2 ? big(v[2]!) : 1n;
    if (step === 0n) throw new DbError('22023', 'step size cannot equal zero');
    for (let cur = start; step > 0n ? cur <= stop : cur >= stop; cur += step) {
      yield row(cur);
      tick();
    }
  };
  // int4 without ordinality (the common case) runs as a plain iterator: one fewer generator
  // resume per row than the general generator (the consumers above add their own).
  const node = new SeriesNode(cols.length, series, ty.oid === O.int4 && !ordinality ? (ctx) => new Int4Series(fns, ctx) : undefined);
  node.rowsEstimate = seriesRows(args); // EXPLAIN: PostgreSQL 15 counts a constant integer series too
  return { columns: cols, node };
}

/**
 * generate_series's scan: rows made one at a time from the series (with the ordinality
 * column when asked). `produce` (the materialized form) is kept for RowsNode's interface.
 */
class SeriesNode extends RowsNode {
  constructor(width: number, private readonly series: (ctx: EvalContext) => Generator<Row>, private readonly fast: ((ctx: EvalContext) => Iterator<Row>) | undefined) {
    super(width, (ctx) => materialize(series(ctx)), 'Function Scan on generate_series');
  }
  override open(ctx: EvalContext): Generator<Row> {
    // RowsNode declares a Generator; RelNode consumers only call next() (the fast iterator).
    return (this.fast ? this.fast(ctx) : this.series(ctx)) as Generator<Row>;
  }
}

/** generate_series(int4, int4 [, int4]) rows; the arguments are evaluated on the first pull. */
class Int4Series implements Iterator<Row> {
  private cur = 0;
  private stop = -1;
  private step = 1;
  private n = 0;
  private started = false;
  constructor(private readonly fns: ReadonlyArray<(row: Value[], ctx: EvalContext) => Value>, private readonly ctx: EvalContext) {}
  next(): IteratorResult<Row> {
    if (!this.started) {
      this.started = true;
      const v = this.fns.map((fn) => fn([], this.ctx));
      if (v.some((x) => x === null)) return { done: true, value: undefined };
      this.cur = Number(v[0]);
      this.stop = Number(v[1]);
      this.step = v.length > 2 ? Number(v[2]) : 1;
      if (this.step === 0) throw new DbError('22023', 'step size cannot equal zero');
    }
    const cur = this.cur;
    // Doubles: int4 values plus an int4 step never lose precision, so no overflow check.
    if (this.step > 0 ? cur > this.stop : cur < this.stop) return { done: true, value: undefined };
    this.cur = cur + this.step;
    if ((++this.n & (CANCEL_CHECK_ROWS - 1)) === 0) checkCancel(this.ctx);
    return { done: false, value: [cur] };
  }
}

function materialize(rows: Iterable<Row>): Row[] {
  const out: Row[] = [];
  for (const r of rows) {
    if (out.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
    out.push(r);
  }
  return out;
}
