// Small helpers over the planner's AST (parse/ast.ts) used by FROM-clause planning: a
// rewriting walk, structural equality that ignores locations, and aggregate detection.

import type { FuncCall, Node } from '../parse/ast.js';
import { strings } from '../parse/ast.js';
import { AGGREGATE_NAMES } from './agg.js';

/** Copies `n`, replacing every subtree for which `fn` returns a node (not descending into it).
 *  Subqueries (SubLink.subselect, RangeSubselect) are left alone: they have their own scope. */
export function rewrite(n: unknown, fn: (x: Node) => Node | undefined): unknown {
  if (Array.isArray(n)) return n.map((x) => rewrite(x, fn));
  if (n === null || typeof n !== 'object') return n;
  const obj = n as Record<string, unknown>;
  if (typeof obj['kind'] === 'string') {
    const r = fn(obj as unknown as Node);
    if (r) return r;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = k === 'subselect' || k === 'subquery' ? v : rewrite(v, fn);
  return out;
}

/** JSON of a node without locations (equal for the same expression written twice). */
export function shapeKey(n: unknown): string {
  return JSON.stringify(n, (k, v) => (k === 'location' ? undefined : v));
}

export function isAggregateCall(n: Node): n is FuncCall {
  if (n.kind !== 'FuncCall' || n.over !== undefined) return false;
  const name = strings(n.funcname);
  const last = name[name.length - 1] ?? '';
  return n.agg_star === true || n.agg_distinct === true || AGGREGATE_NAMES.has(last) && (name.length === 1 || name[0] === 'pg_catalog');
}

/** True when the tree contains an aggregate call outside subqueries. */
export function containsAggregate(n: unknown): boolean {
  let found = false;
  rewrite(n, (x) => {
    if (found) return x;
    if (isAggregateCall(x)) {
      found = true;
      return x;
    }
    return undefined;
  });
  return found;
}
