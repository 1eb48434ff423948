// Row comparisons between two row constructors, as PostgreSQL's parser expands them
// (make_row_comparison_op, transformAExprIn): ROW(a1, a2) = ROW(b1, b2) is a1 = b1 AND a2 = b2;
// <> is the OR of the pairwise <>; < <= > >= compare pairwise until the first pair that is not
// equal (RowCompareExpr): (a1, a2) < (b1, b2) is CASE WHEN a1 = b1 THEN a2 < b2 ELSE a1 < b1 END,
// whose NULL results follow RowCompareExpr's (a NULL in the deciding pair gives NULL).
// (a, b) [NOT] IN ((c, d), ...) is the OR of the row equalities (negated for NOT IN).
// Comparing a row constructor with anything else (a record value, a subquery) is 0A000.

import type { Binder } from './binder.js';
import type { BoundExpr } from './expr.js';
import { T } from './types.js';
import type { Node } from '../parse/ast.js';

const ORDERING = new Set(['<', '<=', '>', '>=']);

function pairwise(b: Binder, op: string, l: BoundExpr, r: BoundExpr, loc: number): BoundExpr {
  const e = b.operator(op, l, r, loc);
  if (e.type.oid !== T.bool.oid) throw b.err('42804', `row comparison operator must yield type boolean, not type ${e.type.oid}`, loc);
  return e;
}

/** The bound comparison of two row constructors' fields. */
export function bindRowComparison(b: Binder, op: string, left: readonly Node[], right: readonly Node[], loc: number): BoundExpr {
  if (left.length !== right.length) throw b.err('42601', 'unequal number of entries in row expressions', loc);
  if (left.length === 0) throw b.err('0A000', 'cannot compare rows of zero length', loc);
  const ls = left.map((n) => b.bind(n));
  const rs = right.map((n) => b.bind(n));
  if (op === '=' || op === '<>') {
    const parts = ls.map((l, i) => pairwise(b, op, l, rs[i]!, loc));
    if (parts.length === 1) return parts[0]!;
    return { kind: op === '=' ? 'and' : 'or', args: parts, type: T.bool };
  }
  if (!ORDERING.has(op)) {
    throw b.err('42883', `could not determine interpretation of row comparison operator ${op}`, loc, { hint: 'Row comparison operators must be associated with btree operator families.' });
  }
  // The last pair decides with the operator itself, earlier pairs with its strict form.
  const strict = op === '<=' ? '<' : op === '>=' ? '>' : op;
  let result = pairwise(b, op, ls[ls.length - 1]!, rs[rs.length - 1]!, loc);
  for (let i = ls.length - 2; i >= 0; i--) {
    const eq = pairwise(b, '=', ls[i]!, rs[i]!, loc);
    result = { kind: 'case', whens: [{ cond: eq, result }], otherwise: pairwise(b, strict, ls[i]!, rs[i]!, loc), type: T.bool };
  }
  return result;
}

/** (a, b) [NOT] IN ((c, d), ...): every item must be a row constructor of the same length. */
export function bindRowIn(b: Binder, left: readonly Node[], items: readonly Node[], negated: boolean, loc: number): BoundExpr {
  const ors = items.map((it) => {
    if (it.kind !== 'RowExpr') throw b.unsupported('comparing a row constructor with a non-row value', loc);
    return bindRowComparison(b, '=', left, it.args ?? [], loc);
  });
  const any: BoundExpr = ors.length === 1 ? ors[0]! : { kind: 'or', args: ors, type: T.bool };
  return negated ? { kind: 'not', arg: any, type: T.bool } : any;
}
