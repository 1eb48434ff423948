// Frame boundaries computed directly (rel/window-frame.ts), hand-checked against PostgreSQL's
// update_frameheadpos/update_frametailpos rules: ROWS clamps at the partition, GROUPS moves by
// peer groups, RANGE offsets compare values and treat NULLs as one peer group that is never in
// the range of a non-NULL row, and EXCLUDE cuts the current row / group / ties out.
import { describe, expect, it } from 'vitest';
import type { EvalContext, Value } from '../../../planner/bind/expr.js';
import { computeFrames, decodeFrame, FRAME, frameSegments, type FrameParams, type PartitionShape } from '../../../planner/rel/window-frame.js';
import { inRangeFor } from '../../../planner/rel/window-inrange.js';
import { FunctionRegistry } from '../../../planner/funcs/registry.js';

const ctx = {} as EvalContext;
const registry = new FunctionRegistry();

/** A partition whose single ORDER BY value per row is `vals` (already in window order). */
function partition(vals: Value[]): PartitionShape {
  const groupOf = new Int32Array(vals.length);
  const starts = [0];
  for (let i = 1; i < vals.length; i++) {
    if (vals[i] !== vals[i - 1]) starts.push(i);
    groupOf[i] = starts.length - 1;
  }
  starts.push(vals.length);
  return { rows: vals.length, groupOf, groupStarts: Int32Array.from(starts), groups: starts.length - 1, sortValue: (p) => vals[p]! };
}

function frames(opts: number, vals: Value[], extra: Partial<FrameParams> = {}): Array<[number, number]> {
  const f = computeFrames({ shape: decodeFrame(opts), ordered: true, startOffset: null, endOffset: null, asc: true, nullsFirst: false, ...extra }, partition(vals), ctx);
  return Array.from(f.head, (h, i) => [h, f.tail[i]!]);
}

const F = FRAME;
const BETWEEN = F.NONDEFAULT | F.BETWEEN;

describe('computeFrames', () => {
  it('default frame: RANGE UNBOUNDED PRECEDING to the last peer', () => {
    expect(frames(F.RANGE | F.START_UNBOUNDED_PRECEDING | F.END_CURRENT_ROW, [1, 1, 2, 3, 3])).toEqual([[0, 2], [0, 2], [0, 3], [0, 5], [0, 5]]);
  });

  it('ROWS offsets clamp at both partition ends', () => {
    const opts = BETWEEN | F.ROWS | F.START_OFFSET_PRECEDING | F.END_OFFSET_FOLLOWING;
    expect(frames(opts, [1, 2, 3, 4], { startOffset: 2n, endOffset: 1n })).toEqual([[0, 2], [0, 3], [0, 4], [1, 4]]);
  });

  it('GROUPS offsets move by peer groups', () => {
    const opts = BETWEEN | F.GROUPS | F.START_OFFSET_PRECEDING | F.END_CURRENT_ROW;
    expect(frames(opts, [1, 1, 2, 3, 3], { startOffset: 1n })).toEqual([[0, 2], [0, 2], [0, 3], [2, 5], [2, 5]]);
  });

  it('RANGE offsets: values in range, NULL rows only with NULL rows (NULLS LAST)', () => {
    const opts = BETWEEN | F.RANGE | F.START_OFFSET_PRECEDING | F.END_OFFSET_FOLLOWING;
    const got = frames(opts, [1, 2, 4, 7, null, null], { startOffset: 2, endOffset: 1, inRange: inRangeFor(23, registry) });
    expect(got).toEqual([[0, 2], [0, 2], [1, 3], [3, 4], [4, 6], [4, 6]]);
  });

  it('RANGE offsets with NULLS FIRST and DESC flip the comparisons', () => {
    const opts = BETWEEN | F.RANGE | F.START_OFFSET_PRECEDING | F.END_CURRENT_ROW;
    const got = frames(opts, [null, 9, 8, 5], { startOffset: 1, inRange: inRangeFor(23, registry), asc: false, nullsFirst: true });
    expect(got).toEqual([[0, 1], [1, 2], [1, 3], [3, 4]]);
  });

  it('a negative RANGE offset is 22013 when the frame is computed', () => {
    const opts = BETWEEN | F.RANGE | F.START_OFFSET_PRECEDING | F.END_CURRENT_ROW;
    expect(() => frames(opts, [1, 2], { startOffset: -1, inRange: inRangeFor(23, registry) })).toThrow('invalid preceding or following size in window function');
  });
});

describe('frameSegments', () => {
  it('EXCLUDE CURRENT ROW / GROUP / TIES', () => {
    // frame [0, 6), current row 2 in peer group [1, 4)
    expect(frameSegments('no_others', 0, 6, 2, 1, 4)).toEqual([[0, 6]]);
    expect(frameSegments('current_row', 0, 6, 2, 1, 4)).toEqual([[0, 2], [3, 6]]);
    expect(frameSegments('group', 0, 6, 2, 1, 4)).toEqual([[0, 1], [4, 6]]);
    expect(frameSegments('ties', 0, 6, 2, 1, 4)).toEqual([[0, 1], [2, 3], [4, 6]]);
    // current row outside its own frame (ROWS 2 FOLLOWING...): nothing to put back
    expect(frameSegments('ties', 4, 6, 2, 1, 4)).toEqual([[4, 6]]);
  });
});
