// The window stage of a SELECT (PostgreSQL's WindowAgg): after GROUP BY/HAVING, before
// DISTINCT/ORDER BY/LIMIT. It materializes its input (at most ROWS_IN_MEMORY_MAX rows, 53200
// beyond), then for each window clause sorts the rows by PARTITION BY (ascending, NULLS LAST)
// and ORDER BY (the ORDER BY comparators: NULLS FIRST/LAST, byte order for text), splits the
// partitions and peer groups, and computes the clause's functions for every row. Output rows
// are the input rows with one slot appended per window function, in the order of the last
// clause's sort (as PostgreSQL's stacked WindowAggs return them).
//
// Aggregates over a frame are computed incrementally while the frame head stays put and the
// tail moves forward (UNBOUNDED PRECEDING, whole partitions, peers): O(n) per partition. When
// the head moves, count and integer sum/avg take the departed rows back out (window-moving.ts,
// PostgreSQL's inverse transitions); other aggregates restart over the new frame, as PostgreSQL
// does for aggregates without an inverse (which keeps float sums bit-identical). Frames with
// EXCLUDE are aggregated per row.
//
// Invariants: the node keeps no state between executions; input rows are never mutated;
// frame offsets are evaluated once per execution, before any input row is read.

import { DbError } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { Compiled } from '../eval/compile.js';
import type { Cmp } from '../eval/compare.js';
import type { WindowFnDef, WindowObject } from '../funcs/window.js';
import { checkCancel, CANCEL_CHECK_ROWS, iter, ROWS_IN_MEMORY_MAX, tooMany, type RelNode, type Row, type SortKey } from './ops.js';
import { SUSPEND } from './suspend.js';
import type { MovingAccum } from './window-moving.js';
import { computeFrames, frameSegments, type FrameShape, type InRange, type PartitionShape } from './window-frame.js';

/** The accumulator shape of rel/agg.ts (resolveAggregate's `make`). */
export interface WindowAccum {
  add(args: Value[]): void;
  result(): Value;
}

export type WindowFuncKind =
  | { tag: 'window'; def: WindowFnDef }
  | { tag: 'agg'; make: (ctx: EvalContext) => WindowAccum; filter: Compiled | undefined; moving: (() => MovingAccum) | undefined };

export interface WindowFuncPlan {
  /** Index among the window results (output slot = input width + slot). */
  slot: number;
  kind: WindowFuncKind;
  args: Compiled[];
}

export interface WindowClausePlan {
  partition: Array<{ expr: Compiled; cmp: Cmp }>;
  order: SortKey[];
  frame: FrameShape;
  startOffset: Compiled | undefined;
  endOffset: Compiled | undefined;
  inRange: InRange | undefined;
  funcs: WindowFuncPlan[];
}

export class WindowNode implements RelNode {
  constructor(readonly input: RelNode, readonly clauses: WindowClausePlan[], readonly funcCount: number) {}

  get width(): number {
    return this.input.width + this.funcCount;
  }

  *open(ctx: EvalContext): Generator<Row> {
    const offsets = this.clauses.map((c) => frameOffsets(c, ctx));
    const rows: Row[] = [];
    for (const r of iter(this.input.open(ctx))) {
      if (r === SUSPEND) {
        yield r;
        continue;
      }
      if (rows.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
      if (rows.length % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
      rows.push(r);
    }
    const n = rows.length;
    const results: Value[][] = Array.from({ length: this.funcCount }, () => new Array<Value>(n).fill(null));
    let perm: number[] | undefined;
    this.clauses.forEach((c, k) => {
      const sorted = sortRows(c, rows, ctx);
      perm = sorted.perm;
      evaluateClause(c, rows, sorted.perm, sorted.cols, offsets[k]!, results, ctx);
    });
    const w = this.funcCount;
    for (let j = 0; j < n; j++) {
      const i = perm ? perm[j]! : j;
      const r = rows[i]!;
      const width = r.length;
      const out = new Array<Value>(width + w);
      for (let x = 0; x < width; x++) out[x] = r[x];
      for (let f = 0; f < w; f++) out[width + f] = results[f]![i];
      yield out;
    }
  }

  streamInputs(): readonly RelNode[] {
    return [this.input];
  }

  describe(i = ''): string {
    return `${i}WindowAgg\n${this.input.describe(i + '  ')}`;
  }
}

function frameOffsets(c: WindowClausePlan, ctx: EvalContext): { start: Value; end: Value } {
  const one = (f: Compiled | undefined, which: 'starting' | 'ending'): Value => {
    if (!f) return null;
    const v = f([], ctx);
    if (v === null) throw new DbError('22004', `frame ${which} offset must not be null`);
    if (c.frame.mode !== 'range' && (v as bigint) < 0n) throw new DbError('22013', `frame ${which} offset must not be negative`);
    return v;
  };
  return { start: one(c.startOffset, 'starting'), end: one(c.endOffset, 'ending') };
}

/**
 * The permutation of `rows` in (PARTITION BY, ORDER BY) order and the key values, column by
 * column ([partition keys..., order keys...], each indexed by input row). Array.prototype.sort
 * is stable, so ties keep their input order.
 */
function sortRows(c: WindowClausePlan, rows: Row[], ctx: EvalContext): { perm: number[]; cols: Value[][] } {
  const keys: SortKey[] = [...c.partition.map((p) => ({ expr: p.expr, cmp: p.cmp, desc: false, nullsFirst: false })), ...c.order];
  const n = rows.length;
  const cols = keys.map(() => new Array<Value>(n));
  const perm = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (i % CANCEL_CHECK_ROWS === CANCEL_CHECK_ROWS - 1) checkCancel(ctx);
    const r = rows[i]!;
    for (let k = 0; k < keys.length; k++) cols[k]![i] = keys[k]!.expr(r, ctx);
    perm[i] = i;
  }
  if (keys.length > 0) perm.sort(indexComparator(keys, cols));
  return { perm, cols };
}

/** compareRows over column-wise keys, specialised for the common one-key case. */
function indexComparator(keys: SortKey[], cols: Value[][]): (a: number, b: number) => number {
  const nk = keys.length;
  if (nk === 1) {
    const col = cols[0]!;
    const { cmp, desc, nullsFirst } = keys[0]!;
    return (a, b) => {
      const x = col[a]!, y = col[b]!;
      if (x === null || y === null) return x === y ? 0 : (x === null) === nullsFirst ? -1 : 1;
      const r = cmp(x, y);
      return desc ? -r : r;
    };
  }
  return (a, b) => {
    for (let k = 0; k < nk; k++) {
      const x = cols[k]![a]!, y = cols[k]![b]!;
      const key = keys[k]!;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === key.nullsFirst ? -1 : 1;
      }
      const r = key.cmp(x, y);
      if (r !== 0) return key.desc ? -r : r;
    }
    return 0;
  };
}

function evaluateClause(c: WindowClausePlan, rows: Row[], perm: number[], cols: Value[][], offs: { start: Value; end: Value }, results: Value[][], ctx: EvalContext): void {
  const np = c.partition.length;
  const no = c.order.length;
  const cmps = [...c.partition.map((p) => p.cmp), ...c.order.map((o) => o.cmp)];
  const needFrames = c.funcs.some((f) => f.kind.tag === 'agg' || f.kind.def.usesFrame);
  let start = 0;
  const n = perm.length;
  while (start < n) {
    let end = start + 1;
    while (end < n && equalKeys(cmps, cols, perm[start]!, perm[end]!, 0, np)) end++;
    const size = end - start;
    // Peer groups.
    const groupOf = new Int32Array(size);
    const starts: number[] = [0];
    for (let p = 1; p < size; p++) {
      if (!equalKeys(cmps, cols, perm[start + p - 1]!, perm[start + p]!, np, np + no)) starts.push(p);
      groupOf[p] = starts.length - 1;
    }
    starts.push(size);
    const first = start;
    const shape: PartitionShape = {
      rows: size,
      groupOf,
      groupStarts: Int32Array.from(starts),
      groups: starts.length - 1,
      sortValue: no === 1 ? (p) => cols[np]![perm[first + p]!]! : undefined,
    };
    const frames = needFrames
      ? computeFrames({ shape: c.frame, ordered: no > 0, startOffset: offs.start, endOffset: offs.end, inRange: c.inRange, asc: !(c.order[0]?.desc ?? false), nullsFirst: c.order[0]?.nullsFirst ?? false }, shape, ctx)
      : undefined;
    const rowAt = (p: number): Row => rows[perm[first + p]!]!;
    for (const f of c.funcs) {
      const out = results[f.slot]!;
      const put = (p: number, v: Value): void => { out[perm[first + p]!] = v; };
      if (f.kind.tag === 'agg') aggregateOverFrames(f, f.kind, c.frame, shape, frames!, rowAt, put, ctx);
      else windowFunction(f, f.kind.def, c.frame, shape, frames, rowAt, put, ctx);
    }
    checkCancel(ctx);
    start = end;
  }
}

/** Are keys [from, to) of input rows a and b equal (NULL equal to NULL, as for grouping)? */
function equalKeys(cmps: Cmp[], cols: Value[][], a: number, b: number, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const col = cols[k]!;
    const x = col[a]!, y = col[b]!;
    if (x === null || y === null) {
      if (x !== y) return false;
    } else if (cmps[k]!(x, y) !== 0) return false;
  }
  return true;
}

type Frames = { head: Int32Array; tail: Int32Array };

function windowFunction(f: WindowFuncPlan, def: WindowFnDef, frame: FrameShape, part: PartitionShape, frames: Frames | undefined, rowAt: (p: number) => Row, put: (p: number, v: Value) => void, ctx: EvalContext): void {
  const ev = def.partition();
  const obj = {
    partitionRows: part.rows,
    pos: 0,
    argCount: f.args.length,
    peerGroup: 0,
    groupStart: 0,
    groupEnd: 0,
    arg: (i: number, p: number): Value => f.args[i]!(rowAt(p), ctx),
    frameRow(nth: number, fromEnd: boolean): number | undefined {
      const segs = frameSegments(frame.exclude, frames!.head[this.pos]!, frames!.tail[this.pos]!, this.pos, this.groupStart, this.groupEnd);
      if (fromEnd) segs.reverse();
      for (const [a, b] of segs) {
        if (nth < b - a) return fromEnd ? b - 1 - nth : a + nth;
        nth -= b - a;
      }
      return undefined;
    },
  } satisfies WindowObject;
  for (let p = 0; p < part.rows; p++) {
    if (p % CANCEL_CHECK_ROWS === CANCEL_CHECK_ROWS - 1) checkCancel(ctx);
    const g = part.groupOf[p]!;
    obj.pos = p;
    obj.peerGroup = g;
    obj.groupStart = part.groupStarts[g]!;
    obj.groupEnd = part.groupStarts[g + 1]!;
    put(p, ev(obj));
  }
}

function aggregateOverFrames(f: WindowFuncPlan, kind: Extract<WindowFuncKind, { tag: 'agg' }>, frame: FrameShape, part: PartitionShape, frames: Frames, rowAt: (p: number) => Row, put: (p: number, v: Value) => void, ctx: EvalContext): void {
  const n = part.rows;
  // Inputs are evaluated once per row (FILTER first: a filtered-out row adds nothing).
  const inputs: Array<Value[] | undefined> = new Array(n);
  for (let p = 0; p < n; p++) {
    const r = rowAt(p);
    inputs[p] = kind.filter && kind.filter(r, ctx) !== true ? undefined : f.args.map((a) => a(r, ctx));
  }
  const addRows = (acc: WindowAccum, a: number, b: number): void => {
    for (let p = a; p < b; p++) {
      const args = inputs[p];
      if (args) acc.add(args);
    }
  };
  const removeRows = (acc: MovingAccum, a: number, b: number): void => {
    for (let p = a; p < b; p++) {
      const args = inputs[p];
      if (args) acc.remove(args);
    }
  };
  const { head, tail } = frames;
  if (frame.exclude === 'no_others') {
    const moving = kind.moving;
    let acc: WindowAccum | undefined;
    let curHead = -1, curTail = -1;
    let last: Value = null;
    for (let p = 0; p < n; p++) {
      if (p % CANCEL_CHECK_ROWS === CANCEL_CHECK_ROWS - 1) checkCancel(ctx);
      const h = head[p]!, t = Math.max(head[p]!, tail[p]!);
      if (acc && h === curHead && t === curTail) {
        put(p, last);
        continue;
      }
      if (acc && h === curHead && t > curTail) addRows(acc, curTail, t);
      else if (acc && moving && h > curHead && h <= curTail && t >= curTail) {
        // The head moved forward: take the rows that left back out (exact inverse).
        removeRows(acc as MovingAccum, curHead, h);
        addRows(acc, curTail, t);
      } else {
        acc = moving ? moving() : kind.make(ctx);
        addRows(acc, h, t);
      }
      curHead = h;
      curTail = t;
      last = copyResult(acc.result());
      put(p, last);
    }
    return;
  }
  for (let p = 0; p < n; p++) {
    if (p % CANCEL_CHECK_ROWS === CANCEL_CHECK_ROWS - 1) checkCancel(ctx);
    const g = part.groupOf[p]!;
    const acc = kind.make(ctx);
    for (const [a, b] of frameSegments(frame.exclude, head[p]!, tail[p]!, p, part.groupStarts[g]!, part.groupStarts[g + 1]!)) addRows(acc, a, b);
    put(p, copyResult(acc.result()));
  }
}

/** Accumulators may return their own growing state (arrays): the frame's result is a copy. */
function copyResult(v: Value): Value {
  return Array.isArray(v) ? (v.slice() as Value) : v;
}
