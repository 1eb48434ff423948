// Which rows a SELECT … FOR UPDATE/SHARE locks (PostgreSQL's transformLockingClause and the
// rewriter's markQueryForLocking), and the rewrite that makes the query return them.
// PostgreSQL: a locking clause without OF applies to every table of the query's FROM (also inside
// joins, subqueries in FROM and views, recursively; CTE references, functions and VALUES are not
// locked); OF names FROM items of the query's own level (first match in range-table order: the
// items inside a join before the join); a subquery or view named (or reached) is locked as a whole
// and must pass CheckSelectLocking; a locked table on the nullable side of an outer join is 0A000
// "… cannot be applied to the nullable side of an outer join" (the planner's check, no position).
// Several clauses on one table: the strongest strength and wait policy win (NOWAIT over SKIP
// LOCKED over waiting, as PostgreSQL's applyLockingClause takes the larger enum value).
// The rewrite: each locked table's primary-key columns become hidden output columns named
// `?lockN_i?`, carried up through every subquery level (appended to its target list) to the top,
// where row-locks-keyed.ts reads them to encode the row's stored key. A view reached is replaced
// by its query as a subquery (the rewriter's expansion); an aliased join holding locked tables
// becomes `(SELECT * FROM join) alias`, so its items stay reachable from inside. The statement's
// AST is never modified (plans are cached): changed nodes are copies.
// Not built (0A000): a locked table without a primary key anywhere but alone in FROM (its rows
// have no key an output column can carry), external tables (PostgreSQL locks a foreign table's
// rows only through its FDW; ours are files), ORDER BY <position> with `*` over a subquery that
// carries hidden columns (they sit in the middle of the expansion). A subquery's own locking
// clause is honoured (its tables locked with its strength) when the outer SELECT locks too.

import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { Node, SelectStmt } from '../parse/ast.js';
import { containsAggregate } from './ast-walk.js';
import { lookupTable } from './from.js';
import { findTargetSrf } from './project-set.js';
import { findWindowCall } from './window-bind.js';
import { findCte } from './with.js';
import type { WaitPolicy } from './row-locks-keyed.js';
import type { LockOptions } from '../../lsm/index.js';

/** The lock manager's row-lock strengths (FOR KEY SHARE … FOR UPDATE). */
export type RowLockMode = NonNullable<LockOptions['strength']>;

interface Alias { aliasname?: string; colnames?: Node[] }
interface RangeVarNode { kind: 'RangeVar'; relname?: string; schemaname?: string; alias?: Alias; location?: number }
interface JoinExprNode { kind: 'JoinExpr'; jointype?: string; larg: FromNode; rarg: FromNode; alias?: Alias }
interface RangeSubselectNode { kind: 'RangeSubselect'; lateral?: boolean; subquery: SelectStmt; alias?: Alias; /** a WITH query cte-inline.ts moved here */ inlinedCte?: boolean }
interface RangeFunctionNode { kind: 'RangeFunction'; alias?: Alias; functions?: Node[] }
type FromNode = RangeVarNode | JoinExprNode | RangeSubselectNode | RangeFunctionNode | { kind: string; alias?: Alias; location?: number };
interface LockedRel { relname?: string; schemaname?: string; catalogname?: string; location?: number }
export interface LockingClause { kind: 'LockingClause'; lockedRels?: LockedRel[]; strength: string; waitPolicy: string }

/** PostgreSQL's LockClauseStrength, weakest first (the index is the order). */
const STRENGTHS = ['LCS_FORKEYSHARE', 'LCS_FORSHARE', 'LCS_FORNOKEYUPDATE', 'LCS_FORUPDATE'] as const;
const STRENGTH_TEXT: Record<string, string> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};
/** LockWaitPolicy, weakest first. */
const POLICIES: readonly WaitPolicy[] = ['block', 'skip', 'nowait'];

export function strengthText(strength: string): string {
  return STRENGTH_TEXT[strength] ?? 'FOR UPDATE';
}

const ROW_LOCK_MODE: Record<string, RowLockMode> = {
  LCS_FORUPDATE: 'update',
  LCS_FORNOKEYUPDATE: 'noKeyUpdate',
  LCS_FORSHARE: 'share',
  LCS_FORKEYSHARE: 'keyShare',
};

/** The row-lock strength a locking clause asks for (the lock manager's name of it). */
export function rowLockMode(strength: string): RowLockMode {
  return ROW_LOCK_MODE[strength] ?? 'update';
}

function policyOf(c: LockingClause): WaitPolicy {
  return c.waitPolicy === 'LockWaitSkip' ? 'skip' : c.waitPolicy === 'LockWaitError' ? 'nowait' : 'block';
}

/** How one FROM item (or everything below it) is locked. */
interface Lock { strength: string; policy: WaitPolicy }

function stronger(a: Lock | undefined, b: Lock): Lock {
  if (!a) return b;
  return {
    strength: STRENGTHS.indexOf(b.strength as typeof STRENGTHS[number]) > STRENGTHS.indexOf(a.strength as typeof STRENGTHS[number]) ? b.strength : a.strength,
    policy: POLICIES.indexOf(b.policy) > POLICIES.indexOf(a.policy) ? b.policy : a.policy,
  };
}

/** One table whose rows the statement locks. */
export interface LockTarget {
  readonly tab: TableDesc;
  /** The strength's text ("FOR UPDATE"), for messages. */
  readonly what: string;
  /** The strength its rows are locked in. */
  readonly strength: RowLockMode;
  readonly policy: WaitPolicy;
  /** The top-level output columns holding its primary-key values, in key order. */
  readonly keyNames: string[];
  /** Where the statement names it (relation-lock errors point there). */
  readonly location: number;
  /** Its FROM item in the rewritten statement (epqStatement replaces it). */
  readonly node: object;
}

export interface LockRewrite {
  /** The statement without locking clauses, with the hidden key outputs appended. */
  readonly stmt: SelectStmt;
  readonly targets: LockTarget[];
  /** Every FROM item at every level is a locked table (or a subquery, view or join of them): a
   *  returned row is fully identified by its locked rows, so a re-check can evaluate the query
   *  on exactly those rows (epqStatement). */
  readonly epqable: boolean;
  /** A lone table without a primary key (FROM is just it): row-locks.ts locks its rows by WHERE. */
  readonly lone?: { tab: TableDesc; rv: RangeVarNode; lock: Lock };
}

export const HIDDEN_NAME = /^\?lock\d+_\d+\?$/;

/** PostgreSQL's CheckSelectLocking, in its order (no positions: PostgreSQL gives none). */
export function checkSelectLocking(b: Binder, s: SelectStmt, what: string): void {
  if (s.op && s.op !== 'SETOP_NONE') throw b.err('0A000', `${what} is not allowed with UNION/INTERSECT/EXCEPT`, -1);
  if (s.distinctClause) throw b.err('0A000', `${what} is not allowed with DISTINCT clause`, -1);
  if (s.groupClause?.length) throw b.err('0A000', `${what} is not allowed with GROUP BY clause`, -1);
  if (s.havingClause) throw b.err('0A000', `${what} is not allowed with HAVING clause`, -1);
  if (containsAggregate([s.targetList, s.sortClause])) throw b.err('0A000', `${what} is not allowed with aggregate functions`, -1);
  if (s.windowClause?.length || findWindowCall([s.targetList, s.sortClause])) throw b.err('0A000', `${what} is not allowed with window functions`, -1);
  if (findTargetSrf(s.targetList)) throw b.err('0A000', `${what} is not allowed with set-returning functions in the target list`, -1);
}

/** The statement's rewrite (s has a FROM clause and passed checkSelectLocking). */
export function rewriteLocking(b: Binder, s: SelectStmt): LockRewrite {
  const w = new Rewriter(b);
  const from = s.fromClause ?? [];
  const lone = from.length === 1 && from[0]!.kind === 'RangeVar' ? (from[0] as RangeVarNode) : undefined;
  const level = w.level(s, undefined, false, new Set(), true);
  if (lone && level.loneNoKey) return { stmt: { ...s, lockingClause: undefined }, targets: [], epqable: false, lone: { tab: level.loneNoKey.tab, rv: lone, lock: level.loneNoKey.lock } };
  // A view expanded twice shares its FROM items' nodes: they would not tell the targets apart.
  const epqable = w.epqable && new Set(w.targets.map((t) => t.node)).size === w.targets.length;
  return { stmt: level.stmt, targets: w.targets, epqable };
}

interface LevelResult {
  stmt: SelectStmt;
  /** Hidden output names this level's target list gained. */
  hidden: string[];
  /** The level's single FROM table has no primary key (only the top level may use it). */
  loneNoKey?: { tab: TableDesc; lock: Lock };
}

class Rewriter {
  readonly targets: LockTarget[] = [];
  /** Hidden outputs carried up from a subquery, view or aliased join (not a level's own tables). */
  readonly carried = new Map<string, string>();
  private next = 0;
  /** See LockRewrite.epqable: cleared by any FROM item that is not a locked table. */
  epqable = true;
  /** Views being expanded (a view that reaches itself: PostgreSQL's 42P17). */
  private readonly views: number[] = [];
  constructor(private readonly b: Binder) {}

  /**
   * One query level: `inherited` is the lock of an enclosing clause that reaches every table of
   * this level (a subquery or view locked as a whole); the level's own clauses add to it.
   * `ctes`: the names of WITH queries visible at this level from WITH clauses of enclosing levels
   * of this statement (the binder knows those of the statement's own WITH).
   */
  level(s: SelectStmt, inherited: Lock | undefined, nullable: boolean, ctes: ReadonlySet<string>, top = false): LevelResult {
    const b = this.b;
    const own = (s.lockingClause ?? []) as unknown as LockingClause[];
    const visibleCtes = new Set(ctes);
    for (const c of ((s.withClause as { ctes?: Array<{ ctename?: string }> } | undefined)?.ctes ?? [])) if (c.ctename) visibleCtes.add(c.ctename);
    const isCte = (rv: RangeVarNode): boolean => rv.schemaname === undefined && (visibleCtes.has(rv.relname ?? '') || findCte(b, rv.relname ?? '') !== undefined);
    const from = (s.fromClause ?? []) as unknown as FromNode[];
    // The level's items in PostgreSQL's range-table order, with the lock each gets.
    const items: FromNode[] = [];
    const collect = (n: FromNode): void => {
      if (n.kind === 'JoinExpr') {
        collect((n as JoinExprNode).larg);
        collect((n as JoinExprNode).rarg);
      }
      items.push(n);
    };
    for (const f of from) collect(f);
    const locks = new Map<FromNode, Lock>();
    let all: Lock | undefined = inherited;
    for (const c of own) {
      const lock: Lock = { strength: c.strength, policy: policyOf(c) };
      const what = strengthText(c.strength);
      if (!c.lockedRels?.length) {
        all = stronger(all, lock);
        continue;
      }
      for (const r of c.lockedRels) {
        if (r.schemaname !== undefined || r.catalogname !== undefined) throw b.err('42601', `${what} must specify unqualified relation names`, r.location ?? -1);
        const item = items.find((n) => refName(n) === r.relname);
        if (!item) throw b.err('42P01', `relation "${r.relname}" in ${what} clause not found in FROM clause`, r.location ?? -1);
        if (item.kind === 'JoinExpr') throw b.err('0A000', `${what} cannot be applied to a join`, r.location ?? -1);
        if (item.kind === 'RangeFunction') throw b.err('0A000', `${what} cannot be applied to a function`, r.location ?? -1);
        if ((item.kind === 'RangeVar' && isCte(item as RangeVarNode)) || (item as RangeSubselectNode).inlinedCte) throw b.err('0A000', `${what} cannot be applied to a WITH query`, r.location ?? -1);
        if (item.kind !== 'RangeVar' && item.kind !== 'RangeSubselect') throw b.err('0A000', `${what} cannot be applied to this FROM item`, r.location ?? -1);
        locks.set(item, stronger(locks.get(item), lock));
      }
    }
    const lockOf = (n: FromNode): Lock | undefined => (all ? stronger(locks.get(n), all) : locks.get(n));
    const hidden: string[] = [];
    const added: Node[] = [];
    let loneNoKey: LevelResult['loneNoKey'];
    const visit = (n: FromNode, nullable: boolean): FromNode => {
      switch (n.kind) {
        case 'RangeVar': {
          const rv = n as RangeVarNode;
          const lock = lockOf(rv);
          if (!lock || isCte(rv)) {
            this.epqable = false;
            return n;
          }
          const tab = lookupTable(b, rv.relname ?? '', rv.schemaname, rv.location ?? -1);
          const what = strengthText(lock.strength);
          if (tab.kind === 'view') {
            if (this.views.includes(tab.oid)) throw new DbError('42P17', `infinite recursion detected in rules for relation "${tab.name}"`);
            // The rewriter's view expansion: the view's query as a subquery named like the view.
            const renames = rv.alias?.colnames ?? [];
            const colnames = [...renames, ...tab.columns.slice(renames.length).map((c) => ({ kind: 'String', sval: c.name }) as unknown as Node)];
            const sub: RangeSubselectNode = { kind: 'RangeSubselect', subquery: tab.viewQuery as SelectStmt, alias: { aliasname: rv.alias?.aliasname ?? tab.name, colnames } };
            this.views.push(tab.oid);
            try {
              return this.subselect(sub, lock, nullable, visibleCtes, hidden, added);
            } finally {
              this.views.pop();
            }
          }
          if (tab.kind === 'sequence') throw b.err('42809', `cannot lock rows in sequence "${tab.name}"`, -1);
          if (tab.kind !== 'table') throw b.unsupported(`${what} on this kind of relation`, rv.location ?? -1);
          if (tab.external !== undefined) {
            throw new DbError('0A000', `cannot lock rows in foreign table "${tab.name}"`, { hint: 'External tables are files that Pyralog does not change: leave them out of the locking clause (FOR UPDATE OF a native table).' });
          }
          if (nullable) throw new DbError('0A000', `${what} cannot be applied to the nullable side of an outer join`);
          if (!tab.primaryKey) {
            if (top && from.length === 1 && from[0] === n) {
              loneNoKey = { tab, lock };
              return n;
            }
            throw b.unsupported(`${what} on a table without a primary key ("${tab.name}") in a join, subquery or view`, rv.location ?? -1);
          }
          const ref = rv.alias?.aliasname ?? rv.relname ?? '';
          const renames = (rv.alias?.colnames ?? []).map((c) => (c as { sval?: string }).sval ?? '');
          const live = tab.columns.filter((c) => !c.dropped);
          const n0 = this.next++;
          const keyNames: string[] = [];
          tab.primaryKey.attnums.forEach((a, i) => {
            const col = tab.columns[a - 1]!;
            const name = renames[live.indexOf(col)] ?? col.name;
            const hiddenName = `?lock${n0}_${i}?`;
            added.push(hiddenTarget(hiddenName, ref, name));
            hidden.push(hiddenName);
            keyNames.push(hiddenName);
          });
          this.targets.push({ tab, what, strength: rowLockMode(lock.strength), policy: lock.policy, keyNames, location: rv.location ?? -1, node: rv });
          return n;
        }
        case 'RangeSubselect': {
          // An inlined WITH query is not locked from here (PostgreSQL: CTE references are not).
          const lock = (n as RangeSubselectNode).inlinedCte ? undefined : lockOf(n);
          // Not locked from here, but maybe by its own clause (`(SELECT … FOR SHARE) s`).
          if (!lock && !(n as RangeSubselectNode).subquery.lockingClause?.length) {
            this.epqable = false;
            return n;
          }
          return this.subselect(n as RangeSubselectNode, lock, nullable, visibleCtes, hidden, added);
        }
        case 'JoinExpr': {
          const j = n as JoinExprNode;
          const t = j.jointype;
          const before = hidden.length;
          const larg = visit(j.larg, nullable || t === 'JOIN_RIGHT' || t === 'JOIN_FULL');
          const rarg = visit(j.rarg, nullable || t === 'JOIN_LEFT' || t === 'JOIN_FULL');
          const join = larg === j.larg && rarg === j.rarg ? j : { ...j, larg, rarg };
          if (!j.alias || hidden.length === before) return join;
          // `(a JOIN b) AS j`: its items are out of reach outside it; as `(SELECT * FROM a JOIN b) j`
          // the hidden outputs are carried out like a subquery's.
          const inner = hidden.splice(before);
          const moved = added.splice(added.length - inner.length);
          const subquery: SelectStmt = { kind: 'SelectStmt', targetList: [starTarget(), ...moved], fromClause: [{ ...join, alias: undefined } as unknown as Node], limitOption: 'LIMIT_OPTION_DEFAULT', op: 'SETOP_NONE' };
          for (const h of inner) this.carry(h, j.alias.aliasname ?? '', hidden, added);
          return { kind: 'RangeSubselect', subquery, alias: j.alias } as RangeSubselectNode;
        }
        default:
          this.epqable = false;
          return n; // functions, VALUES lists and the rest are not locked
      }
    };
    const newFrom = from.map((f) => visit(f, nullable));
    // `*` over a subquery, view or aliased join brings its hidden outputs along, in the middle of
    // the output: ORDER BY <position> would count them.
    const carriedRefs = new Set(hidden.flatMap((h) => this.carried.get(h) ?? []));
    if (carriedRefs.size > 0 && hasStar(s.targetList) && (s.sortClause ?? []).some((x) => (x as { node?: { kind: string } }).node?.kind === 'A_Const')) {
      throw b.unsupported('ORDER BY a column position with * over a locked subquery or view');
    }
    // `s.*` as a value (to_jsonb(s.*)) would be a record with the hidden columns in it.
    const starValue = carriedRefs.size > 0 ? findStarValue([(s.targetList ?? []).map((t) => (isStarRef((t as { val?: Node }).val) ? undefined : t)), s.whereClause, s.sortClause], carriedRefs) : undefined;
    if (starValue) throw b.unsupported(`${starValue}.* as a value over a locked subquery or view`);
    const changed = newFrom.some((f, i) => f !== from[i]);
    const stmt: SelectStmt = {
      ...s,
      lockingClause: undefined,
      ...(changed ? { fromClause: newFrom as unknown as Node[] } : {}),
      ...(added.length > 0 ? { targetList: [...(s.targetList ?? []), ...added] } : {}),
    };
    return { stmt, hidden, ...(loneNoKey ? { loneNoKey } : {}) };
  }

  /** A subquery (or an expanded view) locked as a whole (`lock`) or by its own locking clause:
   *  its tables, its hidden outputs carried up. */
  private subselect(rs: RangeSubselectNode, lock: Lock | undefined, nullable: boolean, ctes: ReadonlySet<string>, hidden: string[], added: Node[]): FromNode {
    const own = (rs.subquery.lockingClause ?? []) as unknown as LockingClause[];
    if (own.length > 0) checkSelectLocking(this.b, rs.subquery, strengthText(own[0]!.strength));
    if (lock) checkSelectLocking(this.b, rs.subquery, strengthText(lock.strength));
    const before = this.targets.length;
    if (!rs.subquery.fromClause?.length) {
      this.epqable = false;
      return rs; // VALUES, SELECT without FROM: nothing to lock
    }
    const r = this.level(rs.subquery, lock, nullable, ctes);
    // PostgreSQL locks inside such a subquery (LockRows under its Limit): SKIP LOCKED there skips
    // held rows before the LIMIT counts them; here the LIMIT would count them first.
    const skips = this.targets.slice(before).some((t) => t.policy === 'skip');
    if (skips && (rs.subquery.limitCount || rs.subquery.limitOffset)) throw this.b.unsupported('SKIP LOCKED over a subquery or view with LIMIT or OFFSET');
    if (r.hidden.length === 0) return rs.subquery === r.stmt ? rs : { ...rs, subquery: r.stmt };
    for (const h of r.hidden) this.carry(h, rs.alias?.aliasname ?? '', hidden, added);
    return { ...rs, subquery: r.stmt };
  }

  /** Carries the hidden output `h` of the item `ref` up one level under a new name (the level
   *  above may expand `ref.*`, which brings `h` along: one name per level keeps them apart). */
  private carry(h: string, ref: string, hidden: string[], added: Node[]): void {
    const name = `?lock${this.next++}_0?`;
    this.carried.set(name, ref);
    added.push(hiddenTarget(name, ref, h));
    hidden.push(name);
    for (const t of this.targets) {
      const i = t.keyNames.indexOf(h);
      if (i >= 0) t.keyNames[i] = name;
    }
  }
}

/** The name of the WITH query that stands for target `i` in epqStatement. */
export function epqName(i: number): string {
  return `?epq${i}?`;
}

/**
 * The re-check form of a rewritten statement (PostgreSQL's EvalPlanQual): each target's FROM
 * item replaced by the WITH query `epqName(i)` under the same name (row-locks.ts supplies one
 * row: the target's newest version), ORDER BY / LIMIT / OFFSET dropped — the query evaluated
 * again on exactly the locked rows of one returned row.
 */
export function epqStatement(stmt: SelectStmt, targets: readonly LockTarget[]): SelectStmt {
  const swap = new Map<object, Node>();
  targets.forEach((t, i) => {
    const rv = t.node as RangeVarNode;
    swap.set(rv, { kind: 'RangeVar', relname: epqName(i), alias: { ...rv.alias, aliasname: rv.alias?.aliasname ?? rv.relname }, location: -1 } as unknown as Node);
  });
  const copy = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(copy);
    if (n === null || typeof n !== 'object') return n;
    const hit = swap.get(n);
    if (hit) return hit;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) out[k] = copy(v);
    return out;
  };
  return { ...(copy(stmt) as SelectStmt), sortClause: undefined, limitCount: undefined, limitOffset: undefined };
}

/** The name OF matches a FROM item by (PostgreSQL's eref->aliasname). */
function refName(n: FromNode): string | undefined {
  switch (n.kind) {
    case 'RangeVar':
      return (n as RangeVarNode).alias?.aliasname ?? (n as RangeVarNode).relname;
    case 'RangeFunction': {
      const rf = n as RangeFunctionNode;
      if (rf.alias?.aliasname) return rf.alias.aliasname;
      const call = ((rf.functions?.[0] as { items?: Node[] } | undefined)?.items?.[0]) as { funcname?: Array<{ sval?: string }> } | undefined;
      return call?.funcname?.slice(-1)[0]?.sval;
    }
    default:
      return n.alias?.aliasname;
  }
}

function isStarRef(n: Node | undefined): boolean {
  const v = n as { kind?: string; fields?: Array<{ kind: string }> } | undefined;
  return v?.kind === 'ColumnRef' && v.fields?.[v.fields.length - 1]?.kind === 'A_Star';
}

/** The qualifier of a `ref.*` inside an expression of `n` whose ref is one of `refs`. */
function findStarValue(n: unknown, refs: ReadonlySet<string>): string | undefined {
  if (Array.isArray(n)) {
    for (const x of n) {
      const r = findStarValue(x, refs);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (n === null || typeof n !== 'object') return undefined;
  const o = n as { kind?: string; fields?: Array<{ kind: string; sval?: string }> };
  if (o.kind === 'ColumnRef' && o.fields && o.fields.length === 2 && o.fields[1]!.kind === 'A_Star' && refs.has(o.fields[0]!.sval ?? '')) return o.fields[0]!.sval;
  for (const v of Object.values(o)) {
    const r = findStarValue(v, refs);
    if (r !== undefined) return r;
  }
  return undefined;
}

function hasStar(targets: Node[] | undefined): boolean {
  return (targets ?? []).some((t) => {
    const v = (t as { val?: { kind: string; fields?: Array<{ kind: string }> } }).val;
    return v?.kind === 'ColumnRef' && v.fields?.[v.fields.length - 1]?.kind === 'A_Star';
  });
}

function hiddenTarget(name: string, ref: string, column: string): Node {
  return {
    kind: 'ResTarget', name,
    val: { kind: 'ColumnRef', fields: [{ kind: 'String', sval: ref }, { kind: 'String', sval: column }], location: -1 },
    location: -1,
  } as unknown as Node;
}

function starTarget(): Node {
  return { kind: 'ResTarget', val: { kind: 'ColumnRef', fields: [{ kind: 'A_Star' }], location: -1 }, location: -1 } as unknown as Node;
}
