// Joins: inner, left, right, full and cross, over a materialized right input. When the join
// condition contains equalities between a left column and a right column, rows are matched
// through a hash table on those columns (hash join); otherwise every pair is tested (nested
// loop). The full condition is always evaluated on each candidate pair, so the hash only
// narrows candidates and never decides a match on its own.

import type { EvalContext, Value } from '../bind/expr.js';
import type { Compiled } from '../eval/compile.js';
import type { NodeReport } from '../exec/explain-node.js';
import { joinReport, type JoinShown } from '../exec/explain-rel.js';
import { checkCancel, CANCEL_CHECK_ROWS, iter, ROWS_IN_MEMORY_MAX, tooMany, valueKey, type RelNode, type Row } from './ops.js';
import { SUSPEND } from './suspend.js';

export type JoinKind = 'inner' | 'left' | 'right' | 'full' | 'cross';

export interface EquiKey {
  /** Slot in the left row / in the right row (right-relative). */
  left: number;
  right: number;
}

export class JoinNode implements RelNode {
  constructor(
    readonly left: RelNode,
    readonly right: RelNode,
    readonly kind: JoinKind,
    readonly cond: Compiled | undefined,
    readonly equi: EquiKey[],
    /** EXPLAIN: the bound condition and the names of the slots it reads. */
    readonly shown?: JoinShown,
  ) {}

  get width(): number {
    return this.left.width + this.right.width;
  }

  *open(ctx: EvalContext): Generator<Row> {
    const rights: Row[] = [];
    for (const r of iter(this.right.open(ctx))) {
      if (r === SUSPEND) {
        yield r;
        continue;
      }
      if (rights.length >= ROWS_IN_MEMORY_MAX) throw tooMany();
      rights.push(r);
    }
    const lw = this.left.width, rw = this.right.width;
    const matched = this.kind === 'right' || this.kind === 'full' ? new Uint8Array(rights.length) : undefined;
    let hash: Map<string, number[]> | undefined;
    if (this.equi.length > 0) {
      hash = new Map();
      rights.forEach((r, i) => {
        const k = this.keyOf(r, false);
        if (k === undefined) return; // NULL never equals anything
        const list = hash!.get(k);
        if (list) list.push(i);
        else hash!.set(k, [i]);
      });
    }
    const nullsRight = new Array<Value>(rw).fill(null);
    let n = 0;
    const all = rights.map((_r, i) => i);
    for (const l of iter(this.left.open(ctx))) {
      if (l === SUSPEND) {
        yield l;
        continue;
      }
      if (++n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
      let candidates: number[];
      if (hash) {
        const k = this.keyOf(l, true);
        candidates = k === undefined ? [] : hash.get(k) ?? [];
      } else candidates = all;
      let any = false;
      for (const i of candidates) {
        const combined = l.concat(rights[i]!);
        if (this.cond && this.cond(combined, ctx) !== true) continue;
        any = true;
        if (matched) matched[i] = 1;
        yield combined;
      }
      if (!any && (this.kind === 'left' || this.kind === 'full')) yield l.concat(nullsRight);
    }
    if (matched) {
      const nullsLeft = new Array<Value>(lw).fill(null);
      for (let i = 0; i < rights.length; i++) if (!matched[i]) yield nullsLeft.concat(rights[i]!);
    }
  }

  streamInputs(): readonly RelNode[] {
    return [this.left, this.right];
  }

  private keyOf(r: Row, left: boolean): string | undefined {
    let s = '';
    for (const e of this.equi) {
      const v = r[left ? e.left : e.right];
      if (v === null) return undefined;
      s += valueKey(v) + '\u0000';
    }
    return s;
  }

  describe(i = ''): string {
    const what = this.equi.length > 0 ? 'Hash Join' : 'Nested Loop';
    return `${i}${what} (${this.kind})\n${this.left.describe(i + '  ')}\n${this.right.describe(i + '  ')}`;
  }

  explain(): NodeReport {
    return joinReport(this);
  }
}
