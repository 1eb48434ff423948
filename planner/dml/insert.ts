// INSERT: VALUES lists (DEFAULT allowed), INSERT ... SELECT, DEFAULT VALUES, RETURNING,
// ON CONFLICT DO NOTHING / DO UPDATE SET ... [WHERE ...] with EXCLUDED, identity columns.
// Tag: "INSERT 0 n" (PostgreSQL's oid field is always 0).

import { DbError, findColumn, liveColumns, type ColumnDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { compile, type Compiled } from '../eval/compile.js';
import { planQuery, type QueryPlan } from '../exec/query.js';
import { strings, type Node, type ResTarget, type SelectStmt } from '../parse/ast.js';
import { lookupTable, tablesOfBinder } from '../rel/from.js';
import { decodeRow } from '../rel/scan.js';
import { RelScope } from '../rel/scope.js';
import { rejectWindowCalls } from '../rel/window-bind.js';
import { replaceRow } from './apply.js';
import { assign, bindChecks, bindDefault, bindReturning, evalDefault, project, tableEntry, tableScope, type DefaultValue, type TablePlan, notWritable } from './common.js';
import { TableWriter, ownKey } from './write.js';
import { planFkChecks } from './fk.js';
import { takeTarget, RelTarget } from './rel-lock.js';
import { forEachBatch, queryMayRead } from './insert-stream.js';
import { CopyIngest, ingestTarget } from './copy-ingest.js';
import type { Cell } from '../../lsm/index.js';
import { planWithClauseForWrite, type WithClause } from '../rel/with.js';

interface InferClause { indexElems?: Array<{ IndexElem?: { name?: string }; kind?: string; name?: string }>; conname?: string }
interface OnConflict { action: string; infer?: InferClause; targetList?: Node[]; whereClause?: Node }
export interface InsertStmtNode {
  kind: 'InsertStmt';
  relation: { relname?: string; schemaname?: string; alias?: { aliasname?: string }; location?: number };
  cols?: Node[];
  selectStmt?: SelectStmt;
  onConflictClause?: OnConflict;
  returningList?: Node[]; returningClause?: { exprs?: Node[]; options?: Node[] };
  override?: string;
  withClause?: unknown;
}

type Source =
  | { kind: 'values'; rows: Array<Array<Compiled | 'default'>> }
  | { kind: 'query'; q: QueryPlan; stream: boolean; conv: Compiled[] };

export function planInsert(b: Binder, s: InsertStmtNode): TablePlan {
  // WITH … INSERT: the queries are planned first and visible to the statement's own planning.
  if (s.withClause) return planWithClauseForWrite(b, s.withClause as WithClause, () => planInsert(b, { ...s, withClause: undefined }));
  const tab = lookupTable(b, s.relation.relname ?? '', s.relation.schemaname, s.relation.location ?? -1);
  if (tab.kind !== 'table') throw notWritable(b, tab, 'insert', s.relation.location ?? -1);
  // Target columns.
  let targets: ColumnDesc[];
  if (s.cols && s.cols.length > 0) {
    targets = [];
    for (const c of s.cols) {
      const rt = c as ResTarget;
      const name = rt.name ?? '';
      if ((rt as { indirection?: unknown[] }).indirection?.length) throw b.unsupported('INSERT into subfields or array elements', rt.location ?? -1);
      const col = findColumn(tab, name);
      if (!col) throw b.err('42703', `column "${name}" of relation "${tab.name}" does not exist`, rt.location ?? -1);
      if (targets.includes(col)) throw b.err('42701', `column "${name}" specified more than once`, rt.location ?? -1);
      targets.push(col);
    }
  } else targets = liveColumns(tab);

  const nb = b.withScope(undefined);
  let source: Source;
  let shownQuery: object | undefined; // EXPLAIN: the plan of INSERT … SELECT
  const sel = s.selectStmt;
  if (!sel) source = { kind: 'values', rows: [targets.map(() => 'default' as const)] };
  else if (sel.valuesLists && !sel.sortClause && !sel.limitCount && !sel.limitOffset && !sel.withClause) {
    const rows = sel.valuesLists.map((l) => (l.kind === 'List' ? l.items ?? [] : []));
    rejectWindowCalls(b, rows, 'VALUES');
    for (const r of rows) {
      if (r.length > targets.length) throw b.err('42601', 'INSERT has more expressions than target columns', exprLoc(r[targets.length]));
      if (r.length < targets.length && s.cols?.length) throw b.err('42601', 'INSERT has more target columns than expressions', exprLoc(r[r.length - 1]));
    }
    source = {
      kind: 'values',
      rows: rows.map((r) => targets.map((col, i) => {
        const n = r[i];
        if (n === undefined || (n as { kind: string }).kind === 'SetToDefault') return 'default' as const;
        return compile(assign(nb, nb.bind(n), col, exprLoc(n)));
      })),
    };
  } else {
    const q = planQuery(nb, sel);
    shownQuery = q;
    if (q.columns.length > targets.length) throw b.err('42601', 'INSERT has more expressions than target columns', -1);
    if (q.columns.length < targets.length && s.cols?.length) throw b.err('42601', 'INSERT has more target columns than expressions', -1);
    const conv = q.columns.map((c, i) => {
      const slot: BoundExpr = { kind: 'column', index: i, type: c.type, name: c.name, location: -1 };
      return compile(assign(nb, slot, targets[i]!, -1));
    });
    // Streamed in batches unless the source may read the target (insert-stream.ts: Halloween).
    source = { kind: 'query', q, stream: !queryMayRead(b, sel, tab), conv };
  }
  const overriding = s.override === 'OVERRIDING_SYSTEM_VALUE';
  for (const col of targets) {
    if (col.identity === 'always' && !overriding) {
      const explicit = source.kind === 'query' || source.rows.some((r) => r[targets.indexOf(col)] !== 'default');
      if (explicit) {
        throw new DbError('428C9', `cannot insert a non-DEFAULT value into column "${col.name}"`, {
          detail: `Column "${col.name}" is an identity column defined as GENERATED ALWAYS.`,
          hint: 'Use OVERRIDING SYSTEM VALUE to override.',
        });
      }
    }
  }
  const defaults = new Map<number, DefaultValue>();
  for (const c of tab.columns) if (!c.dropped) defaults.set(c.attnum, bindDefault(b, tab, c));
  // For buildRowNow: each slot's default (undefined for dropped columns), whether every default
  // can be computed without waiting (no nextval), and which slots the column list gives.
  const defaultOf = tab.columns.map((c) => (c.dropped ? undefined : defaults.get(c.attnum)));
  const syncDefaults = defaultOf.every((d) => d === undefined || d.kind !== 'nextval');
  const writer = new TableWriter(tab, bindChecks(b, tab));
  const alias = s.relation.alias?.aliasname;
  const returning = bindReturning(b, tab, s.returningClause?.exprs ?? s.returningList, tableScope(b, tab, alias));
  const conflict = s.onConflictClause ? planConflict(b, tab, s.onConflictClause, alias) : undefined;
  const targetIdx = targets.map((c) => c.attnum - 1);
  const targetMask = tab.columns.map((c) => targets.includes(c));
  const ts = tablesOfBinder(b);
  const fkPlan = planFkChecks(b, tab, conflict?.kind === 'update');
  const rel = new RelTarget(tab, b.position(s.relation.location ?? -1));
  // A plain INSERT … SELECT may go by segment ingest (see run); ingestTarget refuses the rest
  // exactly as for COPY (UNIQUE/indexes, own FOREIGN KEYs, temporary, storage not new or not empty).
  const ingestable = source.kind === 'query' && !conflict && !returning;

  return {
    columns: returning?.columns ?? null,
    explain: () => ({ op: 'Insert', table: tab, alias, ...(shownQuery ? { query: shownQuery } : { valuesRows: source.kind === 'values' ? source.rows.length : 1 }) }),
    async run(ctx) {
      // The shared relation lock without a promise when nothing blocks it (rel-lock.ts).
      const locking = takeTarget(ts, rel, ctx);
      if (locking) await locking;
      const fk = fkPlan?.begin();
      const out: Value[][] = [];
      let n = 0;
      /** The full row of one input: given values, then defaults (identity, nextval) in column order. */
      const buildRow = async (input: Array<Value | 'default'>): Promise<Value[]> => {
        const row = new Array<Value>(tab.columns.length).fill(null);
        const given = new Set<number>();
        for (let i = 0; i < targetIdx.length; i++) {
          const v = input[i];
          if (v === undefined || v === 'default') continue;
          row[targetIdx[i]!] = v;
          given.add(targetIdx[i]!);
        }
        for (const c of tab.columns) {
          if (c.dropped || given.has(c.attnum - 1)) continue;
          row[c.attnum - 1] = await evalDefault(b, defaults.get(c.attnum)!, ctx);
        }
        return row;
      };
      /** buildRow without a promise, for tables whose defaults need no nextval (`syncDefaults`):
       *  the same values in the same order (a 'null' default leaves the slot's null). */
      const buildRowNow = (input: Array<Value | 'default'>): Value[] => {
        const row = new Array<Value>(tab.columns.length).fill(null);
        let given: boolean[] | undefined = targetMask;
        for (let i = 0; i < targetIdx.length; i++) {
          const v = input[i];
          if (v === undefined || v === 'default') {
            if (given === targetMask) given = targetMask.slice();
            given[targetIdx[i]!] = false; // DEFAULT for a listed column
            continue;
          }
          row[targetIdx[i]!] = v;
        }
        for (let i = 0; i < defaultOf.length; i++) {
          const d = defaultOf[i];
          if (d === undefined || given[i]) continue;
          if (d.kind === 'expr') row[i] = d.f(NO_ROW, ctx);
        }
        return row;
      };
      /** The row path: NOT NULL/CHECK, then the key's conflict check and the write set. A
       *  promise only when something waits (nextval, a key lock, a conflict's update). */
      const insertOne = (input: Array<Value | 'default'>): void | Promise<void> => {
        if (!syncDefaults) return buildRow(input).then(insertRow);
        return insertRow(buildRowNow(input));
      };
      const insertRow = (row: Value[]): void | Promise<void> => {
        writer.checkRow(row, ctx);
        const key = writer.key(ts, row);
        if (!writer.conflictFree) return insertChecked(row, key);
        insertNew(row, key);
      };
      const insertNew = (row: Value[], key: Uint8Array): void => {
        writer.put(ts, key, row);
        fk?.inserted(row);
        n++;
        if (returning) out.push(project(returning.exprs, row, ctx));
      };
      const insertChecked = async (row: Value[], key: Uint8Array): Promise<void> => {
        const hit = writer.conflictFree ? undefined : await writer.findConflict(ts, key, row, false, undefined, !conflict);
        if (hit) {
          if (!conflict || !conflict.matches(hit.idx.name)) throw writer.conflictError(hit, row, ctx);
          if (conflict.kind === 'nothing') {
            checkConflictVisible(ts, tab, hit.key);
            return;
          }
          const existingCells = await writer.lockAndRead(ts, tab.storageId, hit.key);
          if (!existingCells) throw new DbError('40001', 'could not serialize access due to concurrent update');
          checkConflictVisible(ts, tab, hit.key);
          const existing = new Array<Value>(tab.columns.length);
          decodeRow(tab, existingCells, existing);
          const combined = existing.concat(row);
          if (conflict.where && conflict.where(combined, ctx) !== true) return;
          const updated = existing.slice();
          for (const [slot, f] of conflict.sets) updated[slot] = f(combined, ctx);
          await replaceRow(ts, writer, hit.key, existing, updated, ctx);
          fk?.updated(existing, updated);
          n++;
          if (returning) out.push(project(returning.exprs, updated, ctx));
          return;
        }
        insertNew(row, key);
      };
      if (source.kind === 'values') {
        const inputs = source.rows.map((r) => r.map((f) => (f === 'default' ? 'default' : f(NO_ROW, ctx))));
        for (const input of inputs) {
          const w = insertOne(input);
          if (w !== undefined) await w;
        }
      } else {
        const conv = source.conv;
        // Into a table whose storage this transaction created (BEGIN; CREATE TABLE; INSERT …
        // SELECT — restores), rows go by segment ingest exactly as COPY FROM's (copy-ingest.ts
        // header): not into the write set. Checked when the statement runs (plans are cached;
        // the table's state is not); ON CONFLICT and RETURNING take the row path.
        let ingest = ingestable && ingestTarget(ts, tab, fkPlan !== undefined) ? CopyIngest.begin(ts, writer) : undefined;
        try {
          // Each batch is converted and written before the next one is pulled (insert-stream.ts).
          await forEachBatch(source.q, ctx, source.stream, async (rows) => {
            for (const r of rows) {
              const input = conv.map((f) => f(r, ctx));
              if (!ingest?.active) {
                const w = insertOne(input);
                if (w !== undefined) await w;
                continue;
              }
              // Converted and checked as on the row path (same errors in the same order).
              const row = await buildRow(input);
              writer.checkRow(row, ctx);
              const key = writer.key(ts, row);
              // A key equal to the previous one is 23505 as the row path words it; a key below
              // it moves the rows taken so far into the write set and continues row by row.
              if (ingest.add(key, writer.cells(row) as Cell[], ctx) === 'ok') {
                n++;
                if (ingest.full) await ingest.drain();
                continue;
              }
              await ingest.toRowPath();
              await insertChecked(row, key);
            }
          });
          if (ingest?.active) await ingest.finish();
        } catch (e) {
          // The ingest's files go at once (row-path rows go with the transaction's rollback).
          const ing = ingest;
          ingest = undefined;
          await ing?.abort();
          throw e;
        }
      }
      if (fk) await fk.finish(ts, ctx);
      return { rows: out, tag: `INSERT 0 ${n}` };
    },
  };
}

/**
 * REPEATABLE READ / SERIALIZABLE: the row an ON CONFLICT clause acts on (DO NOTHING skipping it,
 * DO UPDATE updating it, whatever its WHERE says) must be visible to the transaction's snapshot
 * or be its own — PostgreSQL's ExecCheckTupleVisible raises 40001 at the INSERT itself, not at
 * COMMIT. A version committed after the snapshot (a concurrent INSERT, or an UPDATE of the row)
 * is such a row. `key` is the conflicting row's primary-storage key (also for a conflict found
 * through a unique index).
 */
function checkConflictVisible(ts: NonNullable<EvalContext['tables']>, tab: TableDesc, key: Uint8Array): void {
  const txn = ts.current();
  if (txn.isolation !== 'snapshot') return;
  // No commit became visible since the snapshot: every committed version is older than it.
  if (ts.db.lastVisibleSeq <= txn.snapshotSeq) return;
  if (ts.ownKeys.has(ownKey(tab.storageId, key))) return;
  const seq = txn.latestCommittedSeq(tab.storageId, key);
  if (seq !== undefined && seq > txn.snapshotSeq) throw new DbError('40001', 'could not serialize access due to concurrent update');
}

/** The row a DEFAULT or a VALUES expression is evaluated over: none (never written to). */
const NO_ROW = Object.freeze([]) as unknown as Value[];

function exprLoc(n: Node | undefined): number {
  return (n as { location?: number } | undefined)?.location ?? -1;
}

interface ConflictPlan {
  kind: 'nothing' | 'update';
  matches(constraint: string): boolean;
  sets: Array<[number, Compiled]>;
  where: Compiled | undefined;
}

function planConflict(b: Binder, tab: TableDesc, oc: OnConflict, alias: string | undefined): ConflictPlan {
  // Arbiter: the constraint named, or the unique index on exactly the listed columns.
  let arbiter: string | undefined;
  if (oc.infer?.conname) arbiter = oc.infer.conname;
  else if (oc.infer?.indexElems?.length) {
    const cols = oc.infer.indexElems.map((e) => (e.kind === 'IndexElem' ? e.name : e.IndexElem?.name) ?? '');
    const attnums = cols.map((c) => findColumn(tab, c)?.attnum ?? -1).sort();
    const all = [...(tab.primaryKey ? [tab.primaryKey] : []), ...tab.uniques];
    const idx = all.find((i) => [...i.attnums].sort().join(',') === attnums.join(','));
    if (!idx) throw new DbError('42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
    arbiter = idx.name;
  } else if (oc.action === 'ONCONFLICT_UPDATE') {
    throw new DbError('42601', 'ON CONFLICT DO UPDATE requires inference specification or constraint name', {
      hint: 'For example, ON CONFLICT (column_name).',
    });
  }
  const matches = (name: string): boolean => arbiter === undefined || arbiter === name;
  if (oc.action === 'ONCONFLICT_NOTHING') return { kind: 'nothing', matches, sets: [], where: undefined };
  const own = tableEntry(tab, alias, 0);
  const excluded = tableEntry(tab, 'excluded', tab.columns.length);
  excluded.schema = undefined;
  const scope = new RelScope([own, excluded], tab.columns.length * 2, (l) => b.position(l));
  const sb = b.withScope(scope);
  const sets: Array<[number, Compiled]> = [];
  for (const n of oc.targetList ?? []) {
    const rt = n as ResTarget;
    const col = findColumn(tab, rt.name ?? '');
    if (!col) throw b.err('42703', `column "${rt.name}" of relation "${tab.name}" does not exist`, rt.location ?? -1);
    const v = rt.val!;
    const e = (v as { kind: string }).kind === 'SetToDefault' ? undefined : assign(sb, sb.bind(v), col, exprLoc(v));
    if (!e) throw b.unsupported('DEFAULT in ON CONFLICT DO UPDATE');
    sets.push([col.attnum - 1, compile(e)]);
  }
  const where = oc.whereClause ? compile(sb.coerceToBool(sb.bind(oc.whereClause), 'WHERE', -1)) : undefined;
  return { kind: 'update', matches, sets, where };
}

export { strings };
