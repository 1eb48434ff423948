// The built-in window functions of PostgreSQL 15 (pg_proc rows with prokind 'w'): row_number,
// rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value, last_value,
// nth_value. Aggregates used with OVER are not here: they are the aggregates of rel/agg.ts.
//
// A window function is written against `WindowObject`, the executor's view of the current row
// inside its partition (PostgreSQL's windowapi.h: WinGetPartitionRowCount,
// WinGetFuncArgInPartition, WinGetFuncArgInFrame). The executor (rel/window*.ts) builds one
// evaluator per partition, so per-partition state (ntile's buckets) lives in its closure.
//
// Invariants: evaluators never keep a Value between partitions; argument positions passed to
// `arg` are inside the partition; results have the declared result type (int8 → bigint,
// int4 → number, float8 → number).

import { DbError, TypeOid } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';

/** The current row as a window function sees it. Positions are 0-based within the partition. */
export interface WindowObject {
  readonly partitionRows: number;
  readonly pos: number;
  /** Arguments of the call (lag(x) vs lag(x, 2) vs lag(x, 2, d)). */
  readonly argCount: number;
  /** Peer group (rows equal under the window's ORDER BY) of the current row: number, first row, end. */
  readonly peerGroup: number;
  readonly groupStart: number;
  readonly groupEnd: number;
  /** Argument `i` evaluated at partition row `p`. */
  arg(i: number, p: number): Value;
  /** Position of the n-th (0-based) row of the current frame, exclusions applied, counted from
   *  the frame's start (or end when `fromEnd`); undefined when the frame has fewer rows. */
  frameRow(n: number, fromEnd: boolean): number | undefined;
}

export type WindowEval = (w: WindowObject) => Value;

/** Declared argument: a fixed type, anyelement, or anycompatible (lag/lead's value and default). */
export type WindowArg = number | 'anyelement' | 'anycompatible';

export interface WindowFnDef {
  readonly name: string;
  /** Overloads by arity (PostgreSQL declares lag/lead/ntile... as several pg_proc rows). */
  readonly signatures: ReadonlyArray<readonly WindowArg[]>;
  /** Result: a type OID, or the resolved type of the first (polymorphic) argument. */
  readonly result: number | 'arg0';
  /** Reads the frame (first_value, last_value, nth_value); the others ignore it. */
  readonly usesFrame: boolean;
  /** A fresh evaluator for one partition. */
  partition(): WindowEval;
}

const O = TypeOid;

function def(name: string, signatures: WindowArg[][], result: number | 'arg0', usesFrame: boolean, partition: () => WindowEval): WindowFnDef {
  return { name, signatures, result, usesFrame, partition };
}

/** lag/lead: the value `offset` rows before/after the current row, else the default. */
function shift(dir: -1 | 1): () => WindowEval {
  return () => (w) => {
    let offset = 1;
    if (w.argCount > 1) {
      const o = w.arg(1, w.pos);
      if (o === null) return null;
      offset = o as number;
    }
    const target = w.pos + dir * offset;
    if (target >= 0 && target < w.partitionRows) return w.arg(0, target);
    return w.argCount > 2 ? w.arg(2, w.pos) : null;
  };
}


/**
 * ntile as windowfuncs.c computes it: the bucket count is read at the first row of the
 * partition whose argument is not NULL (rows before it return NULL); leading buckets get one
 * extra row when the partition does not divide evenly.
 */
function ntile(): WindowEval {
  let tile = 0;
  let rowsPerBucket = 0;
  let boundary = 0;
  let remainder = 0;
  return (w) => {
    if (tile === 0) {
      const n = w.arg(0, w.pos);
      if (n === null) return null;
      const buckets = n as number;
      if (buckets <= 0) throw new DbError('22014', 'argument of ntile must be greater than zero');
      const total = w.partitionRows;
      tile = 1;
      rowsPerBucket = 0;
      boundary = Math.trunc(total / buckets);
      if (boundary <= 0) boundary = 1;
      else {
        remainder = total % buckets;
        if (remainder !== 0) boundary++;
      }
    }
    rowsPerBucket++;
    if (boundary < rowsPerBucket) {
      if (remainder !== 0 && tile === remainder) {
        remainder = 0;
        boundary -= 1;
      }
      tile += 1;
      rowsPerBucket = 1;
    }
    return tile;
  };
}

const DEFS: readonly WindowFnDef[] = [
  def('row_number', [[]], O.int8, false, () => (w) => BigInt(w.pos + 1)),
  def('rank', [[]], O.int8, false, () => (w) => BigInt(w.groupStart + 1)),
  def('dense_rank', [[]], O.int8, false, () => (w) => BigInt(w.peerGroup + 1)),
  def('percent_rank', [[]], O.float8, false, () => (w) => (w.partitionRows > 1 ? w.groupStart / (w.partitionRows - 1) : 0)),
  def('cume_dist', [[]], O.float8, false, () => (w) => w.groupEnd / w.partitionRows),
  def('ntile', [[O.int4]], O.int4, false, ntile),
  def('lag', [['anyelement'], ['anyelement', O.int4], ['anycompatible', O.int4, 'anycompatible']], 'arg0', false, shift(-1)),
  def('lead', [['anyelement'], ['anyelement', O.int4], ['anycompatible', O.int4, 'anycompatible']], 'arg0', false, shift(1)),
  def('first_value', [['anyelement']], 'arg0', true, () => (w) => {
    const p = w.frameRow(0, false);
    return p === undefined ? null : w.arg(0, p);
  }),
  def('last_value', [['anyelement']], 'arg0', true, () => (w) => {
    const p = w.frameRow(0, true);
    return p === undefined ? null : w.arg(0, p);
  }),
  def('nth_value', [['anyelement', O.int4]], 'arg0', true, () => (w) => {
    const n = w.arg(1, w.pos);
    if (n === null) return null;
    if ((n as number) <= 0) throw new DbError('22016', 'argument of nth_value must be greater than zero');
    const p = w.frameRow((n as number) - 1, false);
    return p === undefined ? null : w.arg(0, p);
  }),
];

/** The window functions by name (one table per engine, like the function registry). */
export function windowFunctions(): Map<string, WindowFnDef> {
  return new Map(DEFS.map((d) => [d.name, d]));
}
