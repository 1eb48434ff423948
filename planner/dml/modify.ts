// UPDATE and DELETE: find the target rows with a keyed scan at the statement snapshot, then
// for each one take its row lock and re-check, as PostgreSQL does:
//   READ COMMITTED   – if a newer version was committed meanwhile, re-evaluate WHERE on it
//                      and work on that version (EvalPlanQual); a deleted row is skipped.
//   REPEATABLE READ  – a newer committed version (or deletion) is 40001
//                      "could not serialize access due to concurrent update".
// UPDATE ... FROM / DELETE ... USING join the target with other items; a target row joined by
// several rows changes once. Tags: "UPDATE n", "DELETE n".

import { DbError, findColumn, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { Node, ResTarget, SelectStmt } from '../parse/ast.js';
import type { BoundExpr } from '../bind/expr.js';
import { bindRowSubquery } from '../rel/sublink.js';
import { lookupTable, tablesOfBinder } from '../rel/from.js';
import { iter, type RelNode } from '../rel/ops.js';
import { JoinNode } from '../rel/join.js';
import { RelScope } from '../rel/scope.js';
import { planFromList, type FromResult, type ScanRef } from '../rel/from.js';
import { T } from '../bind/types.js';
import { storageError } from '../rel/runtime.js';
import { ScanNode, chooseAccess, decodeRow } from '../rel/scan.js';
import { rejectWindowCalls } from '../rel/window-bind.js';
import { replaceRow } from './apply.js';
import { assign, bindChecks, bindDefault, bindReturning, evalDefault, project, tableEntry, tableScope, type DefaultValue, type TablePlan, notWritable } from './common.js';
import { lockOptions, ownKey, TableWriter } from './write.js';
import { keyColumnSlots, planFkChecks } from './fk.js';
import { takeTarget, RelTarget } from './rel-lock.js';
import type { RowLockMode } from '../rel/row-locks-targets.js';
import type { Shown } from '../exec/explain-deparse.js';
import { planWithClauseForWrite, type WithClause } from '../rel/with.js';

interface RelationNode { relname?: string; schemaname?: string; alias?: { aliasname?: string }; location?: number }
export interface UpdateStmtNode { kind: 'UpdateStmt'; relation: RelationNode; targetList?: Node[]; whereClause?: Node; fromClause?: Node[]; returningList?: Node[]; returningClause?: { exprs?: Node[]; options?: Node[] }; withClause?: unknown }
export interface DeleteStmtNode { kind: 'DeleteStmt'; relation: RelationNode; whereClause?: Node; usingClause?: Node[]; returningList?: Node[]; returningClause?: { exprs?: Node[]; options?: Node[] }; withClause?: unknown }

type SetItem = { slot: number; f: Compiled } | { slot: number; def: DefaultValue };

export function planUpdate(b: Binder, s: UpdateStmtNode): TablePlan {
  // WITH … UPDATE: the queries are planned first and visible to the statement's own planning.
  if (s.withClause) return planWithClauseForWrite(b, s.withClause as WithClause, () => planUpdate(b, { ...s, withClause: undefined }));
  const tab = lookupTable(b, s.relation.relname ?? '', s.relation.schemaname, s.relation.location ?? -1);
  if (tab.kind !== 'table') throw notWritable(b, tab, 'update', s.relation.location ?? -1);
  const alias = s.relation.alias?.aliasname;
  const { scope, from, scans } = targetScope(b, tab, alias, s.fromClause);
  const sb = b.withScope(scope);
  // parse_agg.c's wording, in transformUpdateStmt's order (WHERE, SET, RETURNING).
  rejectWindowCalls(b, s.whereClause, 'WHERE');
  rejectWindowCalls(b, s.targetList, 'UPDATE');
  const sets: SetItem[] = [];
  const rowSubqueries = new Map<object, ReturnType<typeof bindRowSubquery>>();
  for (const n of s.targetList ?? []) {
    const rt = n as ResTarget;
    if ((rt as { indirection?: unknown[] }).indirection?.length) throw b.unsupported('UPDATE of subfields or array elements', rt.location ?? -1);
    const col = findColumn(tab, rt.name ?? '');
    if (!col) throw b.err('42703', `column "${rt.name}" of relation "${tab.name}" does not exist`, rt.location ?? -1);
    if (sets.some((x) => x.slot === col.attnum - 1)) throw b.err('42601', `multiple assignments to same column "${col.name}"`, rt.location ?? -1);
    let v = rt.val!;
    if ((v as { kind: string }).kind === 'MultiAssignRef') {
      // SET (a, b) = (x, y) or = (SELECT x, y): each target takes its element of the row.
      const m = v as unknown as { source: Node & { args?: Node[]; subselect?: SelectStmt; location?: number }; colno: number; ncolumns: number };
      if (m.source.kind === 'RowExpr') {
        if ((m.source.args ?? []).length !== m.ncolumns) throw b.err('42601', 'number of columns does not match number of values', m.source.location ?? -1);
        v = m.source.args![m.colno - 1]!;
      } else if (m.source.kind === 'SubLink') {
        const sub = (rowSubqueries.get(m.source) ?? rowSubqueries.set(m.source, bindRowSubquery(sb, m.source.subselect!, m.source.location ?? -1)).get(m.source))!;
        if (sub.columns.length !== m.ncolumns) throw b.err('42601', 'number of columns does not match number of values', m.source.location ?? -1);
        const i = m.colno - 1;
        const elem: BoundExpr = { kind: 'call', name: 'row_element', args: [sub.expr], type: sub.columns[i]!.type, strict: true, volatility: 'volatile', location: -1, impl: (a) => (a[0] as Value[])[i] ?? null };
        if (sets.some((x) => x.slot === col.attnum - 1)) throw b.err('42601', `multiple assignments to same column "${col.name}"`, rt.location ?? -1);
        sets.push({ slot: col.attnum - 1, f: compile(assign(sb, elem, col, m.source.location ?? -1)) });
        continue;
      } else throw b.err('42601', 'source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression', m.source.location ?? -1);
    }
    if ((v as { kind: string }).kind === 'SetToDefault') {
      sets.push({ slot: col.attnum - 1, def: bindDefault(b, tab, col) });
      continue;
    }
    if (col.identity === 'always') {
      throw new DbError('428C9', `column "${col.name}" can only be updated to DEFAULT`, { detail: `Column "${col.name}" is an identity column defined as GENERATED ALWAYS.` });
    }
    sets.push({ slot: col.attnum - 1, f: compile(assign(sb, sb.bind(v), col, (v as { location?: number }).location ?? -1)) });
  }
  const target = planTarget(sb, tab, s.whereClause, from, scans);
  const writer = new TableWriter(tab, bindChecks(b, tab));
  const returning = bindReturning(b, tab, s.returningClause?.exprs ?? s.returningList, scope);
  const ts = tablesOfBinder(b);
  const fkPlan = planFkChecks(b, tab);
  const rel = new RelTarget(tab, b.position(s.relation.location ?? -1));
  // The row keeps its stored key and there is no unique entry to move (pgbench's UPDATEs): the
  // change is one write of the new row at the same key (TableWriter.replaceAtKey) instead of
  // replaceRow's delete + key encode + conflict check + put — the same result.
  const pkSlots = new Set((tab.primaryKey?.attnums ?? []).map((a) => a - 1));
  const keyKept = tab.uniques.length === 0 && !sets.some((x) => pkSlots.has(x.slot));
  // PostgreSQL's UPDATE locks the row FOR NO KEY UPDATE unless it changes a key column (one of
  // a unique index without expressions — FOR KEY SHARE, the FK checks, protects exactly those):
  // then FOR UPDATE. PostgreSQL decides by comparing the values; here by the SET list (an
  // assignment of a key column to its own value takes FOR UPDATE).
  const keySlots = keyColumnSlots(tab);
  target.strength = sets.some((x) => keySlots.has(x.slot)) ? 'update' : 'noKeyUpdate';
  return {
    columns: returning?.columns ?? null,
    explain: () => ({ op: 'Update', table: tab, alias: s.relation.alias?.aliasname, input: target.node, ...(target.shown ? { where: target.shown } : {}) }),
    async run(ctx) {
      // Synchronous when the relation lock waits for no one (the common case).
      const locking = takeTarget(ts, rel, ctx);
      if (locking) await locking;
      const fk = fkPlan?.begin();
      const out: Value[][] = [];
      let n = 0;
      for (const c of targetCandidates(ctx, tab, target)) {
        if (ctx.cancel.reason) throw ctx.cancel.reason;
        // Synchronous unless another transaction holds the row lock.
        let r = lockCandidate(ctx, tab, target, c);
        if (r instanceof Promise) r = await r;
        if (r === undefined) continue;
        const { row, combined } = r;
        const next = row.slice();
        for (const s of sets) {
          if ('f' in s) next[s.slot] = s.f(combined, ctx);
          else next[s.slot] = await evalDefault(b, s.def, ctx);
        }
        if (keyKept) writer.replaceAtKey(ts, r.key, c.k, next, ctx);
        else await replaceRow(ts, writer, r.key, row, next, ctx);
        fk?.updated(row, next);
        n++;
        if (returning) out.push(project(returning.exprs, [...next, ...combined.slice(tab.columns.length)], ctx));
      }
      if (fk) await fk.finish(ts, ctx);
      return { rows: out, tag: `UPDATE ${n}` };
    },
  };
}

export function planDelete(b: Binder, s: DeleteStmtNode): TablePlan {
  // WITH … DELETE: the queries are planned first and visible to the statement's own planning.
  if (s.withClause) return planWithClauseForWrite(b, s.withClause as WithClause, () => planDelete(b, { ...s, withClause: undefined }));
  const tab = lookupTable(b, s.relation.relname ?? '', s.relation.schemaname, s.relation.location ?? -1);
  if (tab.kind !== 'table') throw notWritable(b, tab, 'delete', s.relation.location ?? -1);
  const { scope, from, scans } = targetScope(b, tab, s.relation.alias?.aliasname, s.usingClause);
  const sb = b.withScope(scope);
  rejectWindowCalls(b, s.whereClause, 'WHERE');
  const target = planTarget(sb, tab, s.whereClause, from, scans);
  const writer = new TableWriter(tab, []);
  const returning = bindReturning(b, tab, s.returningClause?.exprs ?? s.returningList, scope);
  const ts = tablesOfBinder(b);
  const fkPlan = planFkChecks(b, tab);
  const rel = new RelTarget(tab, b.position(s.relation.location ?? -1));
  return {
    columns: returning?.columns ?? null,
    explain: () => ({ op: 'Delete', table: tab, alias: s.relation.alias?.aliasname, input: target.node, ...(target.shown ? { where: target.shown } : {}) }),
    async run(ctx) {
      // Synchronous when the relation lock waits for no one (the common case).
      const locking = takeTarget(ts, rel, ctx);
      if (locking) await locking;
      const fk = fkPlan?.begin();
      const out: Value[][] = [];
      let n = 0;
      for (const c of targetCandidates(ctx, tab, target)) {
        if (ctx.cancel.reason) throw ctx.cancel.reason;
        let r = lockCandidate(ctx, tab, target, c);
        if (r instanceof Promise) r = await r;
        if (r === undefined) continue;
        const { key, row, combined } = r;
        writer.remove(ts, key, row);
        fk?.deleted(row);
        n++;
        if (returning) out.push(project(returning.exprs, [...row, ...combined.slice(tab.columns.length)], ctx));
      }
      if (fk) await fk.finish(ts, ctx);
      return { rows: out, tag: `DELETE ${n}` };
    },
  };
}

interface Target {
  /** Rows laid out as [target columns..., stored key, FROM/USING columns...]. */
  node: RelNode;
  /** The row-lock strength of each target row (DELETE: FOR UPDATE; UPDATE: see planUpdate). */
  strength: RowLockMode;
  where: Compiled | undefined;
  /** EXPLAIN: the WHERE clause as bound. */
  shown?: Shown;
}

/**
 * The scope of UPDATE/DELETE expressions (SET, WHERE, RETURNING): the target table's columns,
 * one hidden slot for its stored key, then the FROM (UPDATE) or USING (DELETE) items.
 */
function targetScope(b: Binder, tab: TableDesc, alias: string | undefined, items: Node[] | undefined): { scope: RelScope; from: FromResult | undefined; scans: ScanRef[] } {
  const own = tableEntry(tab, alias, 0);
  const scans: ScanRef[] = [];
  if (!items?.length) return { scope: tableScope(b, tab, alias), from: undefined, scans };
  const from = planFromList(b, items, scans, tab.columns.length + 1, own);
  for (const e of from.entries) {
    if (e.alias === own.alias && e.schema === undefined) throw new DbError('42712', `table name "${e.alias}" specified more than once`);
  }
  const keySlot = { alias: undefined, schema: undefined, offset: tab.columns.length, columns: [{ name: '', type: T.bytea, tableOid: 0, attnum: 0, hidden: true }] };
  const scope = new RelScope([own, keySlot, ...from.entries], tab.columns.length + 1 + from.width, (l) => b.position(l));
  for (const [k, v] of from.merged) scope.merged.set(k, v);
  scope.parent = b.scope;
  return { scope, from, scans };
}

function planTarget(sb: Binder, tab: TableDesc, whereAst: Node | undefined, from: FromResult | undefined, scans: ScanRef[]): Target {
  const where = whereAst ? sb.coerceToBool(sb.bind(whereAst), 'WHERE', -1) : undefined;
  const scan = new ScanNode(tab, chooseAccess(tab, 0, where), true);
  for (const r of scans) r.scan.setAccess(chooseAccess(r.scan.table, r.offset, where));
  const node: RelNode = from ? new JoinNode(scan, from.node, 'cross', undefined, []) : scan;
  return { node, strength: 'update', where: where ? compile(where) : undefined, ...(where ? { shown: { expr: where, slots: { kind: 'entries' as const, entries: (sb.scope as RelScope).entries } } } : {}) };
}

/** The rows SELECT … FOR UPDATE locks (../rel/row-locks.ts): `tab`'s keyed scan, rows laid out
 *  as [columns..., stored key], and WHERE bound over them (`alias` as in FROM). */
export interface LockScan {
  node: RelNode;
  where: Compiled | undefined;
}

export function planLockScan(b: Binder, tab: TableDesc, alias: string | undefined, whereAst: Node | undefined): LockScan {
  const { scope, from, scans } = targetScope(b, tab, alias, undefined);
  const t = planTarget(b.withScope(scope), tab, whereAst, from, scans);
  return { node: t.node, where: t.where };
}

/** A row the scan found at the statement snapshot: its stored key, that key's opKey (`ownKey`)
 *  and the scan's row ([target columns..., stored key, FROM/USING columns...]). */
interface Candidate {
  key: Uint8Array;
  k: string;
  combined: Value[];
}

/** A target row after lock + re-check: the version to change. */
interface TargetRow {
  key: Uint8Array;
  row: Value[];
  combined: Value[];
}

/** The candidates at the statement snapshot, each target row once (collected before the first
 *  lock: lock waits are asynchronous). */
function targetCandidates(ctx: EvalContext, tab: TableDesc, t: Target): Candidate[] {
  const width = tab.columns.length;
  const candidates: Candidate[] = [];
  let seen: Set<string> | undefined;
  for (const r of iter(t.node.open(ctx))) {
    if (t.where && t.where(r, ctx) !== true) continue;
    const key = r[width] as Uint8Array;
    const k = ownKey(tab.storageId, key);
    // Several FROM rows join one target row: it changes once. (A point get yields one row: no set.)
    if (candidates.length > 0) {
      if (seen === undefined) {
        seen = new Set<string>();
        for (const c of candidates) seen.add(c.k);
      }
      if (seen.has(k)) continue;
      seen.add(k);
    }
    candidates.push({ key, k, combined: r });
  }
  return candidates;
}

/**
 * Lock + re-check of one candidate (see the file header): the row to change, or undefined when
 * it is skipped. Runs synchronously when the row lock is free or already ours (tryLockRow takes
 * it exactly as an uncontended lockRow would); a promise only when another transaction holds it.
 * The caller checks the statement's cancel token before each candidate.
 */
function lockCandidate(ctx: EvalContext, tab: TableDesc, t: Target, c: Candidate): TargetRow | undefined | Promise<TargetRow | undefined> {
  const ts = ctx.tables!;
  const txn = ts.current();
  let locked: boolean;
  try {
    // Our own write's lock is ours: this only upgrades it (an earlier UPDATE's FOR NO KEY
    // UPDATE before a DELETE), waiting for FOR KEY SHARE holders then.
    locked = txn.tryLockRow(c.k, t.strength === 'update' ? TRY_UPDATE : TRY_NO_KEY_UPDATE);
  } catch (e) {
    throw storageError(e);
  }
  if (locked) return afterLock(ctx, tab, t, c);
  const opts = lockOptions(ts, ctx.cancel);
  opts.strength = t.strength;
  return txn.lockRow(tab.storageId, c.key, opts).then(
    () => afterLock(ctx, tab, t, c),
    (e: unknown) => {
      throw storageError(e);
    },
  );
}

/** The row lock is held: our own version when we wrote the row, else the candidate as found,
 *  or the newest committed version (READ COMMITTED re-check; REPEATABLE READ: 40001 when it
 *  changed after the snapshot). */
function afterLock(ctx: EvalContext, tab: TableDesc, t: Target, c: Candidate): TargetRow | undefined {
  const ts = ctx.tables!;
  const txn = ts.current();
  if (ts.ownKeys.has(c.k)) {
    // Already written by this transaction: the own version is the current one.
    const cur = txn.get(tab.storageId, c.key);
    return cur ? recheck(ctx, tab, t, c, cur) : undefined;
  }
  // No commit became visible since the statement's snapshot: the version the scan found is the
  // newest committed one, and reading it again (memtables, segments) would find the same. A
  // commit's versions enter the memtable in the same synchronous step that advances the visible
  // seq (lsm/db.ts commitOps, publish), so no committed version is newer than the visible seq.
  if (ts.db.lastVisibleSeq <= txn.snapshotSeq) return { key: c.key, row: c.combined.slice(0, tab.columns.length), combined: c.combined };
  const latest = txn.getLatestCommitted(tab.storageId, c.key);
  if (latest && latest.seq <= txn.snapshotSeq) return { key: c.key, row: c.combined.slice(0, tab.columns.length), combined: c.combined };
  if (txn.isolation === 'snapshot') throw new DbError('40001', 'could not serialize access due to concurrent update');
  if (!latest) return undefined; // deleted meanwhile
  return recheck(ctx, tab, t, c, latest.row);
}

/** WHERE evaluated again on a newer version of the candidate's row (undefined: no longer matches). */
function recheck(ctx: EvalContext, tab: TableDesc, t: Target, c: Candidate, cells: Parameters<typeof decodeRow>[1]): TargetRow | undefined {
  const width = tab.columns.length;
  const row = new Array<Value>(width);
  decodeRow(tab, cells, row);
  const combined = [...row, c.key, ...c.combined.slice(width + 1)];
  if (t.where && t.where(combined, ctx) !== true) return undefined;
  return { key: c.key, row, combined };
}

/** Synchronous-try options per strength (shared: no object per row). */
const TRY_UPDATE = Object.freeze({ strength: 'update' as const });
const TRY_NO_KEY_UPDATE = Object.freeze({ strength: 'noKeyUpdate' as const });
