// Why a view cannot take INSERT/UPDATE/DELETE, in PostgreSQL 15's words
// (view_query_is_auto_updatable / view_cols_are_auto_updatable, checked in that order).
// Pyralog does not write through views yet: a view PostgreSQL would update automatically gets
// 0A000, one it would refuse gets PostgreSQL's own 55000 error with its DETAIL and HINT.

import { DbError, type TableDesc } from '../../catalog/index.js';
import { strings, type Node, type SelectStmt } from '../parse/ast.js';
import { containsAggregate } from '../rel/ast-walk.js';

export type ViewWrite = 'insert' | 'update' | 'delete';

/** Set-returning functions PostgreSQL marks proretset (the ones Pyralog knows). */
const SRF_NAMES: ReadonlySet<string> = new Set([
  'generate_series', 'generate_subscripts', 'unnest', 'regexp_matches', 'regexp_split_to_table',
  'json_array_elements', 'json_array_elements_text', 'jsonb_array_elements', 'jsonb_array_elements_text',
  'json_each', 'json_each_text', 'jsonb_each', 'jsonb_each_text', 'json_object_keys', 'jsonb_object_keys',
]);

/** True when `pred` holds for some node of the tree (not descending into subqueries). */
function some(n: unknown, pred: (x: Node) => boolean): boolean {
  if (Array.isArray(n)) return n.some((x) => some(x, pred));
  if (n === null || typeof n !== 'object') return false;
  const o = n as Node & Record<string, unknown>;
  if (typeof o.kind === 'string' && pred(o)) return true;
  if (o.kind === 'SubLink' || o.kind === 'SelectStmt') return false;
  return Object.values(o).some((v) => some(v, pred));
}

/** The DETAIL of a view PostgreSQL would not update automatically, or undefined. */
function notUpdatableDetail(q: SelectStmt, op: ViewWrite): string | undefined {
  const targets = (q.targetList ?? []).map((t) => (t as { val?: Node }).val);
  if (q.distinctClause) return 'Views containing DISTINCT are not automatically updatable.';
  if (q.groupClause?.length) return 'Views containing GROUP BY are not automatically updatable.';
  if (q.havingClause) return 'Views containing HAVING are not automatically updatable.';
  if (q.withClause) return 'Views containing WITH are not automatically updatable.';
  if (q.op && q.op !== 'SETOP_NONE') return 'Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable.';
  if (q.limitCount || q.limitOffset) return 'Views containing LIMIT or OFFSET are not automatically updatable.';
  if (targets.some((t) => containsAggregate(t))) return 'Views that return aggregate functions are not automatically updatable.';
  if (targets.some((t) => some(t, (x) => x.kind === 'FuncCall' && (x as { over?: unknown }).over !== undefined))) {
    return 'Views that return window functions are not automatically updatable.';
  }
  if (targets.some((t) => some(t, (x) => x.kind === 'FuncCall' && SRF_NAMES.has(strings((x as { funcname?: Node[] }).funcname).at(-1) ?? '')))) {
    return 'Views that return set-returning functions are not automatically updatable.';
  }
  const from = q.fromClause ?? [];
  if (q.valuesLists || from.length !== 1 || from[0]!.kind !== 'RangeVar') {
    return 'Views that do not select from a single table or view are not automatically updatable.';
  }
  // INSERT and UPDATE need at least one column that is a plain column of the base relation.
  const plain = (t: Node | undefined): boolean => t?.kind === 'ColumnRef';
  if (op !== 'delete' && !targets.some(plain)) return 'Views that have no updatable columns are not automatically updatable.';
  return undefined;
}

/** The error for INSERT/UPDATE/DELETE on view `v`. */
export function viewWriteError(v: TableDesc, op: ViewWrite): DbError {
  const detail = notUpdatableDetail(v.viewQuery as SelectStmt, op);
  if (detail === undefined) return new DbError('0A000', `writing through view "${v.name}" is not supported yet`);
  const verb = op === 'insert' ? 'insert into' : op === 'update' ? 'update' : 'delete from';
  const gerund = op === 'insert' ? 'inserting into' : op === 'update' ? 'updating' : 'deleting from';
  const upper = op.toUpperCase();
  return new DbError('55000', `cannot ${verb} view "${v.name}"`, {
    detail,
    hint: `To enable ${gerund} the view, provide an INSTEAD OF ${upper} trigger or an unconditional ON ${upper} DO INSTEAD rule.`,
  });
}
