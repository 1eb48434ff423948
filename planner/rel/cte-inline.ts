// Inlining a WITH query into the one place that reads it (PostgreSQL 12+ does the same for a
// non-recursive CTE referenced once, unless MATERIALIZED): the CTE reference in the main query's
// FROM becomes a subquery in FROM with the CTE's name as its alias. A subquery in FROM is a
// Subquery Scan over the body's own operators, so its rows stream (to the client, through a
// join, …) instead of being materialized for the statement first; external scans in the body
// then stream from DuckDB as the main query's do (suspend.ts streamingScans), not fetched into
// memory under pyralog.external_rows_max.
//
// Which CTEs (each condition keeps the meaning of the statement exactly):
// - the WITH is not RECURSIVE, the CTE is not MATERIALIZED and its body is a plain SELECT;
// - it is referenced exactly once in the whole statement (main query and every CTE body), and
//   that reference is in the main query's own FROM list (possibly inside joins), unqualified,
//   so the body lands where it was visible from: the main query's level;
// - its body names neither itself nor a CTE defined after it (as a subquery it would see them);
// - not both the CTE and the reference rename columns (the renames compose only one way);
// - its body calls no volatile function (PostgreSQL keeps those materialized), unless NOT
//   MATERIALIZED asks for inlining;
// - it is NOT MATERIALIZED, or its body reads an external table. Native CTE bodies stay
//   materialized by default (EXPLAIN shows them as PostgreSQL's `AS MATERIALIZED` form, which
//   tests hold); README.md says so.
import type { Node, SelectStmt } from '../parse/ast.js';

export interface CteNode { kind: 'CommonTableExpr'; ctename?: string; aliascolnames?: Node[]; ctequery?: SelectStmt; ctematerialized?: string }
interface RangeVarLike { kind: 'RangeVar'; relname?: string; schemaname?: string; catalogname?: string; alias?: { aliasname?: string; colnames?: Node[] }; location?: number }

/** Functions whose result differs per call (PostgreSQL's contain_volatile_functions, the ones we have). */
const VOLATILE = new Set(['nextval', 'setval', 'random', 'setseed', 'gen_random_uuid', 'clock_timestamp', 'timeofday', 'pg_sleep', 'txid_current', 'set_config', 'random_normal']);

/**
 * The main query with the inlinable CTEs moved into its FROM list, and the CTEs that stay.
 * `readsExternal` tells whether a table name (unqualified or schema-qualified) is an external table.
 */
export function inlineCtes(main: SelectStmt, ctes: readonly CteNode[], recursive: boolean, readsExternal: (rv: RangeVarLike) => boolean): { main: SelectStmt; ctes: CteNode[] } {
  if (recursive || (main.op !== undefined && main.op !== 'SETOP_NONE') || !main.fromClause?.length) return { main, ctes: [...ctes] };
  const names = ctes.map((c) => c.ctename ?? '');
  let from = main.fromClause;
  const kept: CteNode[] = [];
  ctes.forEach((c, i) => {
    const name = names[i]!;
    const body = c.ctequery;
    const never = c.ctematerialized === 'CTEMaterializeNever';
    if (!body || (body as { kind: string }).kind !== 'SelectStmt' || c.ctematerialized === 'CTEMaterializeAlways') return void kept.push(c);
    let refs = countRefs({ ...main, fromClause: from }, name);
    for (let j = 0; j < ctes.length; j++) refs += countRefs(ctes[j]!.ctequery, name);
    const ref = refs === 1 ? findInFrom(from, name) : undefined;
    const seesLater = names.slice(i).some((n) => countRefs(body, n) > 0);
    const renames = (ref?.alias?.colnames?.length ?? 0) > 0 && (c.aliascolnames?.length ?? 0) > 0;
    const volatile = !never && callsVolatile(body);
    const wanted = never || anyRangeVar(body, (rv) => !(rv.schemaname === undefined && names.includes(rv.relname ?? '')) && readsExternal(rv));
    if (!ref || seesLater || renames || volatile || !wanted) return void kept.push(c);
    const colnames = ref.alias?.colnames?.length ? ref.alias.colnames : c.aliascolnames;
    // `inlinedCte`: still a WITH query to FOR UPDATE (row-locks-targets.ts), as in PostgreSQL,
    // whose locking clause is resolved before the planner inlines: its rows are not locked, OF
    // naming it is refused.
    const sub = {
      kind: 'RangeSubselect', subquery: body, inlinedCte: true,
      alias: { aliasname: ref.alias?.aliasname ?? name, ...(colnames?.length ? { colnames } : {}) },
    } as unknown as Node;
    from = replaceInFrom(from, ref, sub);
  });
  return { main: from === main.fromClause ? main : { ...main, fromClause: from }, ctes: kept };
}

/** Unqualified table references named `name` anywhere in `n`. */
function countRefs(n: unknown, name: string): number {
  let k = 0;
  anyRangeVar(n, (rv) => {
    if (rv.relname === name && rv.schemaname === undefined) k++;
    return false;
  });
  return k;
}

/** True when `pred` holds for some AST object in `n` (breadth-first, at most 1 M nodes). */
function anyNode(n: unknown, pred: (o: Record<string, unknown>) => boolean): boolean {
  const todo: unknown[] = [n];
  for (let i = 0; i < todo.length && i < 1_000_000; i++) {
    const x = todo[i];
    if (x === null || typeof x !== 'object') continue;
    if (Array.isArray(x)) {
      for (const y of x) todo.push(y);
      continue;
    }
    const o = x as Record<string, unknown>;
    if (pred(o)) return true;
    for (const v of Object.values(o)) if (v !== null && typeof v === 'object') todo.push(v);
  }
  return false;
}

function anyRangeVar(n: unknown, pred: (rv: RangeVarLike) => boolean): boolean {
  return anyNode(n, (o) => o['kind'] === 'RangeVar' && pred(o as unknown as RangeVarLike));
}

function callsVolatile(n: unknown): boolean {
  return anyNode(n, (o) => {
    if (o['kind'] !== 'FuncCall') return false;
    const parts = (o['funcname'] as Array<{ sval?: string }> | undefined) ?? [];
    const last = parts[parts.length - 1]?.sval?.toLowerCase();
    return last !== undefined && VOLATILE.has(last);
  });
}

/** The unqualified reference to `name` among the FROM items and their joins (not inside subqueries). */
function findInFrom(items: readonly Node[], name: string): RangeVarLike | undefined {
  for (const it of items) {
    const hit = findInItem(it as unknown as Record<string, unknown>, name);
    if (hit) return hit;
  }
  return undefined;
}

function findInItem(o: Record<string, unknown>, name: string): RangeVarLike | undefined {
  if (o['kind'] === 'RangeVar') {
    const rv = o as unknown as RangeVarLike;
    return rv.relname === name && rv.schemaname === undefined && rv.catalogname === undefined ? rv : undefined;
  }
  if (o['kind'] === 'JoinExpr') {
    return findInItem(o['larg'] as Record<string, unknown>, name) ?? findInItem(o['rarg'] as Record<string, unknown>, name);
  }
  return undefined;
}

function replaceInFrom(items: Node[], target: RangeVarLike, by: Node): Node[] {
  const swap = (x: unknown): unknown => {
    if (x === target) return by;
    const o = x as Record<string, unknown>;
    if (o && o['kind'] === 'JoinExpr') return { ...o, larg: swap(o['larg']), rarg: swap(o['rarg']) };
    return x;
  };
  return items.map((x) => swap(x) as Node);
}
