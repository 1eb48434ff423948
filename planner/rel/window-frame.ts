// Window frames: PostgreSQL's frameOptions bits decoded into a FrameSpec, the frame of every
// row of a partition (head/tail positions) computed as nodeWindowAgg.c's update_frameheadpos /
// update_frametailpos do, and the in_range support functions RANGE offsets use.
//
// Invariants:
// - Heads and tails ignore the EXCLUDE clause (as in PostgreSQL); exclusion is applied by the
//   caller when it walks a frame (`frameSegments`).
// - 0 <= head, tail <= partition rows; a frame may be empty (head >= tail).
// - RANGE offset heads and tails only move forward within a partition, and their NULL rules
//   are PostgreSQL's (NULL rows are peers of each other and never in an offset range of a
//   non-NULL row), which is why they are computed with the same forward scans.

import { DbError, TypeOid } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';

// parsenodes.h FRAMEOPTION_* (unchanged from PostgreSQL 11 to 18).
export const FRAME = {
  NONDEFAULT: 0x1, RANGE: 0x2, ROWS: 0x4, GROUPS: 0x8, BETWEEN: 0x10,
  START_UNBOUNDED_PRECEDING: 0x20, END_UNBOUNDED_PRECEDING: 0x40,
  START_UNBOUNDED_FOLLOWING: 0x80, END_UNBOUNDED_FOLLOWING: 0x100,
  START_CURRENT_ROW: 0x200, END_CURRENT_ROW: 0x400,
  START_OFFSET_PRECEDING: 0x800, END_OFFSET_PRECEDING: 0x1000,
  START_OFFSET_FOLLOWING: 0x2000, END_OFFSET_FOLLOWING: 0x4000,
  EXCLUDE_CURRENT_ROW: 0x8000, EXCLUDE_GROUP: 0x10000, EXCLUDE_TIES: 0x20000,
} as const;
/** RANGE UNBOUNDED PRECEDING AND CURRENT ROW: the frame of a window without a frame clause. */
export const FRAME_DEFAULTS = FRAME.RANGE | FRAME.START_UNBOUNDED_PRECEDING | FRAME.END_CURRENT_ROW;
export const FRAME_START_OFFSET = FRAME.START_OFFSET_PRECEDING | FRAME.START_OFFSET_FOLLOWING;
export const FRAME_END_OFFSET = FRAME.END_OFFSET_PRECEDING | FRAME.END_OFFSET_FOLLOWING;

export type FrameMode = 'rows' | 'range' | 'groups';
export type FrameBound = 'unbounded_preceding' | 'offset_preceding' | 'current' | 'offset_following' | 'unbounded_following';
export type Exclusion = 'no_others' | 'current_row' | 'group' | 'ties';

export interface FrameShape {
  mode: FrameMode;
  start: FrameBound;
  end: FrameBound;
  exclude: Exclusion;
}

export function decodeFrame(opts: number): FrameShape {
  const mode: FrameMode = opts & FRAME.ROWS ? 'rows' : opts & FRAME.GROUPS ? 'groups' : 'range';
  const start: FrameBound = opts & FRAME.START_UNBOUNDED_PRECEDING ? 'unbounded_preceding'
    : opts & FRAME.START_OFFSET_PRECEDING ? 'offset_preceding'
    : opts & FRAME.START_OFFSET_FOLLOWING ? 'offset_following'
    : opts & FRAME.START_UNBOUNDED_FOLLOWING ? 'unbounded_following' : 'current';
  const end: FrameBound = opts & FRAME.END_UNBOUNDED_FOLLOWING ? 'unbounded_following'
    : opts & FRAME.END_OFFSET_PRECEDING ? 'offset_preceding'
    : opts & FRAME.END_OFFSET_FOLLOWING ? 'offset_following'
    : opts & FRAME.END_UNBOUNDED_PRECEDING ? 'unbounded_preceding' : 'current';
  const exclude: Exclusion = opts & FRAME.EXCLUDE_CURRENT_ROW ? 'current_row' : opts & FRAME.EXCLUDE_GROUP ? 'group' : opts & FRAME.EXCLUDE_TIES ? 'ties' : 'no_others';
  return { mode, start, end, exclude };
}

/** in_range(val, base, offset, sub, less): is val >= base ± offset (or <= when `less`)? */
export type InRange = (val: Value, base: Value, offset: Value, sub: boolean, less: boolean, ctx: EvalContext) => boolean;

/** A partition as frame computation sees it: rows in window order, peer groups numbered. */
export interface PartitionShape {
  readonly rows: number;
  /** Peer group of each row (all 0 without ORDER BY). */
  readonly groupOf: Int32Array;
  /** First row of each peer group, plus `rows` at the end (groupStarts[g+1] is g's end). */
  readonly groupStarts: Int32Array;
  readonly groups: number;
  /** The single ORDER BY value of each row (RANGE offset frames only). */
  readonly sortValue?: (p: number) => Value;
}

export interface FrameParams {
  shape: FrameShape;
  ordered: boolean;
  startOffset: Value;
  endOffset: Value;
  inRange?: InRange;
  /** ORDER BY direction of the RANGE column: in_range flips its flags for DESC. */
  asc: boolean;
  nullsFirst: boolean;
}

const clamp = (x: number, n: number): number => (x < 0 ? 0 : x > n ? n : x);
const num = (v: Value): number => (typeof v === 'bigint' ? (v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v)) : (v as number));

/** Frame heads and tails (exclusive) of every row of the partition. */
export function computeFrames(f: FrameParams, part: PartitionShape, ctx: EvalContext): { head: Int32Array; tail: Int32Array } {
  const n = part.rows;
  const head = new Int32Array(n);
  const tail = new Int32Array(n);
  const { mode, start, end } = f.shape;
  const so = start === 'offset_preceding' || start === 'offset_following' ? f.startOffset : null;
  const eo = end === 'offset_preceding' || end === 'offset_following' ? f.endOffset : null;
  const g = part.groupOf, gs = part.groupStarts;
  let rangeHead = 0;
  let rangeTail = 0;
  for (let i = 0; i < n; i++) {
    // Head.
    switch (start) {
      case 'unbounded_preceding': head[i] = 0; break;
      case 'unbounded_following': head[i] = n; break;
      case 'current':
        head[i] = mode === 'rows' ? i : f.ordered ? gs[g[i]!]! : 0;
        break;
      case 'offset_preceding':
      case 'offset_following': {
        const sign = start === 'offset_preceding' ? -1 : 1;
        if (mode === 'rows') head[i] = clamp(i + sign * num(so), n);
        else if (mode === 'groups') {
          const target = g[i]! + sign * num(so);
          head[i] = target <= 0 ? 0 : target >= part.groups ? n : gs[target]!;
        } else {
          rangeHead = rangeAdvance(f, part, i, rangeHead, so, sign < 0, false, ctx);
          head[i] = rangeHead;
        }
        break;
      }
    }
    // Tail.
    switch (end) {
      case 'unbounded_following': tail[i] = n; break;
      case 'unbounded_preceding': tail[i] = 0; break;
      case 'current':
        tail[i] = mode === 'rows' ? i + 1 : f.ordered ? gs[g[i]! + 1]! : n;
        break;
      case 'offset_preceding':
      case 'offset_following': {
        const sign = end === 'offset_preceding' ? -1 : 1;
        if (mode === 'rows') tail[i] = clamp(i + sign * num(eo) + 1, n);
        else if (mode === 'groups') {
          const target = g[i]! + sign * num(eo);
          tail[i] = target < 0 ? 0 : target >= part.groups - 1 ? n : gs[target + 1]!;
        } else {
          rangeTail = rangeAdvance(f, part, i, rangeTail, eo, sign < 0, true, ctx);
          tail[i] = rangeTail;
        }
        break;
      }
    }
  }
  return { head, tail };
}

/**
 * update_frameheadpos / update_frametailpos for RANGE with an offset: moves `pos` forward
 * from where the previous row left it until the row there is the frame head (first row in
 * range) or the frame tail (first row past the range).
 */
function rangeAdvance(f: FrameParams, part: PartitionShape, cur: number, pos: number, offset: Value, preceding: boolean, isTail: boolean, ctx: EvalContext): number {
  const value = part.sortValue!;
  const inRange = f.inRange!;
  let sub = preceding;
  let less = isTail;
  if (!f.asc) {
    sub = !sub;
    less = !less;
  }
  const currval = value(cur);
  const currNull = currval === null;
  for (; pos < part.rows; pos++) {
    const v = value(pos);
    const vNull = v === null;
    if (vNull || currNull) {
      if (!isTail) {
        // Head: skip NULLs before a non-NULL current row (NULLS FIRST), or non-NULLs before
        // a NULL current row (NULLS LAST).
        if (f.nullsFirst ? !vNull || currNull : vNull || !currNull) break;
      } else if (f.nullsFirst ? !vNull : !currNull) break;
      continue;
    }
    const ok = inRange(v, currval, offset, sub, less, ctx);
    if (isTail ? !ok : ok) break;
  }
  return pos;
}

/**
 * The frame of row `i` with its exclusion applied, as up to three [from, to) segments in
 * window order. `groupStart`/`groupEnd` bound the current row's peer group (the whole
 * partition without ORDER BY).
 */
export function frameSegments(exclude: Exclusion, head: number, tail: number, i: number, groupStart: number, groupEnd: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const add = (a: number, b: number): void => {
    if (a < b) out.push([a, b]);
  };
  switch (exclude) {
    case 'no_others':
      add(head, tail);
      break;
    case 'current_row':
      add(head, Math.min(tail, i));
      add(Math.max(head, i + 1), tail);
      break;
    case 'group':
      add(head, Math.min(tail, groupStart));
      add(Math.max(head, groupEnd), tail);
      break;
    case 'ties':
      add(head, Math.min(tail, groupStart));
      add(Math.max(head, i), Math.min(tail, i + 1));
      add(Math.max(head, groupEnd), tail);
      break;
    default: {
      const never: never = exclude;
      throw new Error(`unknown exclusion ${String(never)}`);
    }
  }
  return out;
}

export function invalidSize(): DbError {
  return new DbError('22013', 'invalid preceding or following size in window function');
}

/** The in_range offset types PostgreSQL 15 registers for a RANGE column type (pg_amproc). */
export function inRangeOffsetTypes(colOid: number): number[] {
  const O = TypeOid;
  switch (colOid) {
    case O.int2: return [O.int8, O.int4, O.int2];
    case O.int4: return [O.int8, O.int4, O.int2];
    case O.int8: return [O.int8];
    case O.float4: case O.float8: return [O.float8];
    case O.numeric: return [O.numeric];
    case O.date: case O.time: case O.timestamp: case O.timestamptz: case O.interval: return [O.interval];
    default: return [];
  }
}
