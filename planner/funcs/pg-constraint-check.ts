// CHECK constraints as pg_constraint rows and pg_get_constraintdef text (PostgreSQL 15's
// ruleutils.c: `CHECK (<expr>)`, the expression deparsed non-pretty — every operator, AND/OR,
// NOT, IS [NOT] NULL and = ANY in its own parentheses — or, with pretty = true as psql's \d asks,
// with only the parentheses isSimpleNode does not drop). The stored parse tree is bound over the
// table's columns as the write path binds it (dml/common.ts bindChecks), so literals print with
// the types they take there ('x'::text).
//
// conkey is the distinct columns the expression reads in order of first appearance, as
// StoreRelCheck collects them. NO INHERIT and NOT VALID (catalog CheckDesc.noInherit/notValid,
// planner/ddl/validate.ts) set connoinherit / clear convalidated and follow the expression as
// PostgreSQL's pg_get_constraintdef prints them (`CHECK (a > 0) NO INHERIT NOT VALID`). A CHECK written before constraints
// had OIDs (catalog/schema desc.ts CheckDesc.oid) has no pg_constraint row until its table's
// descriptor is next written (stated). Constants folded by the binder print folded (a numeric
// column compared with an integer literal prints `c > 1`, PostgreSQL `c > (1)::numeric`).

import type { CheckDesc, TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr } from '../bind/expr.js';
import { typeName } from '../bind/types.js';
import { tableScope } from '../dml/common.js';
import { DEFAULT_DEPARSE, deparse } from '../exec/explain-deparse.js';
import type { Node } from '../parse/ast.js';

/** The CHECK expression bound over the table's row (slot i = attnum i + 1). */
export function bindCheck(b: Binder, x: TableDesc, c: CheckDesc): BoundExpr {
  const sb = b.withScope(tableScope(b, x));
  return sb.coerceToBool(sb.bind(c.expr as Node), 'CHECK', -1);
}

/** conkey: the attnums the expression reads, distinct, in order of first appearance. */
export function checkAttnums(e: BoundExpr): number[] {
  const out: number[] = [];
  const walk = (x: BoundExpr): void => {
    switch (x.kind) {
      case 'const': case 'param': return;
      case 'column': if (!out.includes(x.index + 1)) out.push(x.index + 1); return;
      case 'call': case 'asyncCall': case 'and': case 'or': case 'coalesce': case 'minmax': x.args.forEach(walk); return;
      case 'not': case 'nulltest': case 'booltest': walk(x.arg); return;
      case 'case': x.whens.forEach((w) => { walk(w.cond); walk(w.result); }); walk(x.otherwise); return;
      case 'nullif': case 'distinct': walk(x.left); walk(x.right); return;
      case 'in': walk(x.arg); x.list.forEach(walk); return;
      default: {
        const never: never = x;
        return never;
      }
    }
  };
  walk(e);
  return out;
}

/** pg_get_constraintdef of a CHECK: `CHECK (<expr>)`, then NO INHERIT and NOT VALID. */
export function checkDefText(e: BoundExpr, pretty: boolean, c: Pick<CheckDesc, 'noInherit' | 'notValid'>): string {
  return `CHECK (${expr(e, pretty)})${c.noInherit ? ' NO INHERIT' : ''}${c.notValid ? ' NOT VALID' : ''}`;
}

/** conbin as Pyralog answers it: the expression printed (non-pretty), no CHECK nor suffixes. */
export function checkExprText(e: BoundExpr): string {
  return expr(e, false);
}

const OPERATOR = /^[~!@#%^&|`?+\-*/<>=]+$/;

/** ruleutils' node classes that decide parentheses. */
type Shape = 'simple' | 'op' | 'bool' | 'test' | 'scalarArrayOp' | 'cast';

function shape(e: BoundExpr): Shape {
  switch (e.kind) {
    case 'call':
      if (e.args.length === 1 && e.name === typeName(e.type)) return 'cast';
      return OPERATOR.test(e.name) && e.args.length <= 2 ? 'op' : 'simple';
    case 'and': case 'or': case 'not': return 'bool';
    case 'nulltest': case 'booltest': case 'distinct': return 'test';
    case 'in': return 'scalarArrayOp';
    default: return 'simple';
  }
}

/** isSimpleNode(node, parent) under PRETTYFLAG_PAREN: may the child go without parentheses? */
function isSimple(node: BoundExpr, parent: BoundExpr, first: boolean): boolean {
  const s = shape(node), p = shape(parent);
  if (s === 'simple' || s === 'cast') return true;
  if (s === 'scalarArrayOp') return false;
  if (s === 'op' && p === 'op') {
    const op = (node as { name: string }).name, parentOp = (parent as { name: string }).name;
    if ((node as { args: BoundExpr[] }).args.length !== 2 || (parent as { args: BoundExpr[] }).args.length !== 2) return false;
    const lo = '+-'.includes(op[0]!), hi = '*/%'.includes(op[0]!);
    const plo = '+-'.includes(parentOp[0]!), phi = '*/%'.includes(parentOp[0]!);
    if (!(lo || hi) || !(plo || phi)) return false;
    if (hi && plo) return true;
    if (lo && phi) return false;
    return first; // same priority: (a - b) - c keeps none, a - (b - c) keeps them
  }
  if (s === 'bool' && p === 'bool') {
    const kind = node.kind, parentKind = parent.kind;
    if ((kind === 'not' || kind === 'and') && (parentKind === 'and' || parentKind === 'or')) return true;
    return kind === 'or' && parentKind === 'or';
  }
  // Parents that separate their arguments themselves: function calls (not casts), AND/OR/NOT, CASE, COALESCE, ...
  return p === 'bool' || (p === 'simple' && parent.kind !== 'const' && parent.kind !== 'column' && parent.kind !== 'param');
}

function child(e: BoundExpr, parent: BoundExpr, pretty: boolean, first: boolean): string {
  const text = expr(e, pretty);
  return pretty && !isSimple(e, parent, first) ? `(${text})` : text;
}

/** get_rule_expr: a node prints its own parentheses only when not pretty. */
function expr(e: BoundExpr, pretty: boolean): string {
  const wrap = (s: string): string => (pretty ? s : `(${s})`);
  const c = (x: BoundExpr, first = false): string => child(x, e, pretty, first);
  switch (e.kind) {
    case 'call':
      if (shape(e) === 'op') {
        return e.args.length === 2 ? wrap(`${c(e.args[0]!, true)} ${e.name} ${c(e.args[1]!)}`) : wrap(`${e.name} ${c(e.args[0]!, true)}`);
      }
      if (shape(e) === 'cast') {
        // Pretty: the operand bare when simple (b::text); otherwise explain-deparse's (b)::text.
        const a = e.args[0]!;
        return pretty && a.kind !== 'const' ? `${c(a, true)}::${e.name}` : deparse(e, { kind: 'none' }, DEFAULT_DEPARSE);
      }
      return `${e.name}(${e.args.map((a) => c(a)).join(', ')})`;
    case 'and':
      return wrap(e.args.map((a, i) => c(a, i === 0)).join(' AND '));
    case 'or':
      return wrap(e.args.map((a, i) => c(a, i === 0)).join(' OR '));
    case 'not':
      return wrap(`NOT ${c(e.arg, true)}`);
    case 'nulltest':
      return wrap(`${c(e.arg, true)} IS ${e.isNull ? '' : 'NOT '}NULL`);
    case 'booltest':
      return wrap(`${c(e.arg, true)} IS ${e.test.toUpperCase()}`);
    case 'distinct':
      return wrap(`${c(e.left, true)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${c(e.right)}`);
    case 'in':
      // x IN (a, b) is stored as x = ANY (ARRAY[a, b]); NOT IN as x <> ALL (...).
      return wrap(`${c(e.arg, true)} ${e.negated ? '<> ALL' : '= ANY'} (ARRAY[${e.list.map((a) => expr(a, pretty)).join(', ')}])`);
    default:
      return deparse(e, { kind: 'none' }, DEFAULT_DEPARSE);
  }
}
