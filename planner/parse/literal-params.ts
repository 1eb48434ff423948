// Literal parameterisation for plan reuse: in a template (literal-cache.ts), the integer literals
// whose value cannot change the statement's meaning beyond a value become parameters, so one
// bound plan serves every text of the shape with the literals passed as parameter values
// (pgbench's simple protocol sends `... WHERE aid = 123` with a new literal every time).
//
// Why this is exact: an int4-class literal (class 'i': an integer that fits int4, possibly with a
// folded unary minus) binds to a Const of type int4 whatever its value, and a parameter declared
// int4 binds to a Param of type int4; operator and function resolution, implicit and assignment
// casts see only the type. Values matter only where the planner reads the literal itself, so
// only literals in these places are parameterised, walking nothing but operators, boolean
// connectives and casts' arguments down from them:
//   - the WHERE clause of a SELECT without GROUP BY / HAVING / DISTINCT / ORDER BY / window /
//     set operation / WITH (no target expression can be matched against it by shape),
//   - the SET values and WHERE clause of an UPDATE without FROM / WITH,
//   - the WHERE clause of a DELETE without USING / WITH,
//   - the VALUES rows of an INSERT … VALUES without WITH / ON CONFLICT.
// Never inside a subquery, a function call, CASE, or anything else. The session falls back to
// the exact per-text plan when the parameterised one cannot be planned (so errors keep their
// exact wording and positions) or reaches external tables (their pushdown reads constants).

import type { Node } from './ast.js';

/** The node kinds the walk descends through (and the A_Consts it collects). */
const WALKED = new Set(['A_Expr', 'BoolExpr', 'TypeCast', 'NullTest', 'A_Const', 'List']);

type Obj = Record<string, unknown>;

/**
 * The A_Const nodes of `ast` that may become parameters (see the file comment), by identity.
 * Empty when the statement is not of an eligible form.
 */
export function parameterisableConsts(ast: Node): Set<object> {
  const out = new Set<object>();
  const n = ast as unknown as Obj;
  const has = (k: string): boolean => {
    const v = n[k];
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  };
  switch (n['kind'] as string) {
    case 'SelectStmt': {
      if (['groupClause', 'havingClause', 'distinctClause', 'sortClause', 'windowClause', 'withClause', 'valuesLists', 'larg', 'rarg', 'intoClause', 'lockingClause'].some(has)) return out;
      if (n['op'] !== undefined && n['op'] !== 'SETOP_NONE') return out;
      walk(n['whereClause'], out);
      return out;
    }
    case 'UpdateStmt': {
      if (has('fromClause') || has('withClause')) return out;
      for (const rt of (n['targetList'] as Obj[] | undefined) ?? []) {
        if (rt['kind'] === 'ResTarget' && rt['indirection'] === undefined) walk(rt['val'], out);
      }
      walk(n['whereClause'], out);
      return out;
    }
    case 'DeleteStmt': {
      if (has('usingClause') || has('withClause')) return out;
      walk(n['whereClause'], out);
      return out;
    }
    case 'InsertStmt': {
      if (has('withClause') || has('onConflictClause')) return out;
      const sel = n['selectStmt'] as Obj | undefined;
      if (!sel || sel['kind'] !== 'SelectStmt') return out;
      const lists = sel['valuesLists'] as unknown[] | undefined;
      if (!lists || lists.length === 0) return out;
      for (const k of Object.keys(sel)) if (k !== 'kind' && k !== 'valuesLists' && k !== 'op' && k !== 'limitOption') return out;
      for (const row of lists) {
        const items = (row as Obj)['kind'] === 'List' ? ((row as Obj)['items'] as unknown[] | undefined) : (row as unknown[]);
        if (!Array.isArray(items)) return new Set();
        for (const item of items) walk(item, out);
      }
      return out;
    }
    default:
      return out;
  }
}

function walk(v: unknown, out: Set<object>): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, out);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  const o = v as Obj;
  const kind = o['kind'];
  if (typeof kind !== 'string' || !WALKED.has(kind)) return;
  switch (kind) {
    case 'A_Const':
      if (o['ival'] !== undefined) out.add(o);
      return;
    case 'A_Expr':
      // Every A_Expr kind (operators, IN lists, LIKE, BETWEEN, IS DISTINCT FROM, ...) resolves
      // its operators from the argument types only.
      walk(o['lexpr'], out);
      walk(o['rexpr'], out);
      return;
    case 'BoolExpr':
      walk(o['args'], out);
      return;
    case 'TypeCast':
      walk(o['arg'], out); // never the TypeName (typmods are fixed literals anyway)
      return;
    case 'NullTest':
      walk(o['arg'], out);
      return;
    case 'List': // IN (...) and BETWEEN ... AND ... operands
      walk(o['items'], out);
      return;
    default:
      return;
  }
}

/**
 * A copy of `ast` with each A_Const of `consts` replaced by a ParamRef numbered by `numberOf`
 * (other nodes copied as they are).
 */
export function withParams(ast: Node, numberOf: Map<object, number>): Node {
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(copy);
    if (v === null || typeof v !== 'object') return v;
    const num = numberOf.get(v);
    if (num !== undefined) {
      const loc = (v as Obj)['location'];
      return { kind: 'ParamRef', number: num, location: typeof loc === 'number' ? loc : -1 };
    }
    const out: Obj = {};
    for (const k of Object.keys(v as Obj)) out[k] = copy((v as Obj)[k]);
    return out;
  };
  return copy(ast) as Node;
}

/** Whether the AST holds a ParamRef ($n) anywhere (texts with parameters are not parameterised). */
export function hasParamRef(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasParamRef);
  if (v === null || typeof v !== 'object') return false;
  const o = v as Obj;
  if (o['kind'] === 'ParamRef') return true;
  for (const k of Object.keys(o)) if (hasParamRef(o[k])) return true;
  return false;
}
