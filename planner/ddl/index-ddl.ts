// CREATE [UNIQUE] INDEX and DROP INDEX. An index is a relation of kind 'index' in the catalog
// (index names share the relation namespace, as in PostgreSQL). A unique index is enforced:
// its entries live in their own lsm table, filled from the existing rows at creation
// (duplicates → 23505 "could not create unique index"). A non-unique index is recorded in the
// catalog only: the executor does not use secondary indexes for access yet, which changes
// speed, never results; a non-unique index may name expressions (bound and checked at creation,
// kept as parse trees like pg_index.indexprs). Unique expression indexes and partial indexes
// are 0A000.

import { DbError, findColumn, keyTypeOf, stripLocations, type IndexDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { strings, type Node } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import { decodeRow } from '../rel/scan.js';
import { tableScope, type TablePlan } from '../dml/common.js';
import type { BoundExpr } from '../bind/expr.js';
import { TableWriter } from '../dml/write.js';
import type { Value } from '../bind/expr.js';
import type { TableSession } from '../rel/runtime.js';

interface IndexElem { kind?: string; name?: string; expr?: Node }
export interface IndexStmtNode {
  kind: 'IndexStmt'; idxname?: string; relation: { relname?: string; schemaname?: string; location?: number };
  indexParams?: Array<IndexElem | { IndexElem: IndexElem }>; unique?: boolean; primary?: boolean; if_not_exists?: boolean;
  whereClause?: Node; accessMethod?: string; indexIncludingParams?: Node[];
}

export function planCreateIndex(b: Binder, s: IndexStmtNode): TablePlan {
  if (s.whereClause) throw b.unsupported('partial indexes');
  if (s.accessMethod && s.accessMethod !== 'btree' && s.accessMethod !== 'hash') throw b.unsupported(`index access method "${s.accessMethod}"`);
  return {
    columns: null,
    async run(ctx) {
      const ts = tablesOfBinder(b);
      const db = ts.host.database;
      const found = ts.catalog.resolve(ts.reader(), db, ts.searchPath(), s.relation.relname ?? '', s.relation.schemaname);
      if (!found) throw b.err('42P01', `relation "${s.relation.relname}" does not exist`, s.relation.location ?? -1);
      if (found.kind !== 'table') throw new DbError('42809', `"${found.name}" is not a table`);
      const t = JSON.parse(JSON.stringify((await ts.catalog.lockName(ts.writer(), db, found.schema, found.name, ts.statementLockWait()))!)) as TableDesc;
      const cols: string[] = [];
      const attnums: number[] = [];
      const exprs: Array<unknown | null> = [];
      for (const p of s.indexParams ?? []) {
        const e = ('IndexElem' in p ? p.IndexElem : p) as IndexElem;
        if (!e.name) {
          // An expression: bound over the table (its errors now), immutable, with a btree order.
          if (s.unique) throw b.unsupported('unique expression indexes');
          const bound = b.withScope(tableScope(b, t)).bind(e.expr!);
          if (!immutableCalls(bound)) throw new DbError('42P17', 'functions in index expression must be marked IMMUTABLE');
          keyTypeOf(bound.type.oid, String(bound.type.oid));
          cols.push(indexColname(e.expr!));
          attnums.push(0);
          exprs.push(stripLocations(e.expr));
          continue;
        }
        const c = findColumn(t, e.name);
        if (!c) throw new DbError('42703', `column "${e.name}" does not exist`);
        keyTypeOf(c.typeOid, String(c.typeOid));
        cols.push(c.name);
        attnums.push(c.attnum);
        exprs.push(null);
      }
      let name = s.idxname;
      if (!name) {
        const base = `${t.name}_${cols.join('_')}_${s.unique ? 'key' : 'idx'}`;
        name = base;
        for (let i = 1; ts.catalog.table(ts.reader(), db, t.schema, name); i++) name = `${base}${i}`;
      }
      const clash = await ts.catalog.lockName(ts.writer(), db, t.schema, name, ts.statementLockWait());
      if (clash) {
        if (s.if_not_exists) {
          ts.notice({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
          return { rows: [], tag: 'CREATE INDEX' };
        }
        throw new DbError('42P07', `relation "${name}" already exists`);
      }
      const oid = await ts.catalog.allocOid();
      const idx: IndexDesc = { name, oid, storageId: s.unique ? oid : 0, attnums, primary: false, ...(exprs.some((x) => x !== null) ? { exprs } : {}) };
      if (s.unique) {
        t.uniques.push(idx);
        fillUnique(ts, t, idx, ctx);
      } else (t.indexes ??= []).push(idx);
      ts.catalog.putTable(ts.writer(), t);
      ts.catalog.putTable(ts.writer(), {
        kind: 'index', oid, db, schema: t.schema, name, storageId: idx.storageId, columns: [], uniques: [], checks: [],
        indexOf: { table: t.name, unique: s.unique === true, attnums },
      });
      ts.noteDdl();
      return { rows: [], tag: 'CREATE INDEX' };
    },
  };
}

/** CheckMutability: every function the expression calls is immutable (columns are fine). */
function immutableCalls(e: BoundExpr): boolean {
  if (e.kind === 'asyncCall' || e.kind === 'param') return false;
  if (e.kind === 'call' && e.volatility !== 'immutable') return false;
  const kids = Object.values(e).flatMap((v) => (Array.isArray(v) ? v : [v]))
    .flatMap((v) => (v && typeof v === 'object' && 'cond' in v && 'result' in v ? [v.cond, v.result] : [v]))
    .filter((v): v is BoundExpr => v !== null && typeof v === 'object' && typeof (v as { kind?: unknown }).kind === 'string' && 'type' in v);
  return kids.every(immutableCalls);
}

/** FigureIndexColname: a function call is named after the function, anything else "expr". */
function indexColname(expr: Node): string {
  if (expr.kind === 'FuncCall') return strings((expr as { funcname?: Node[] }).funcname).at(-1) ?? 'expr';
  return 'expr';
}

/** Writes the entries of a new unique index for the existing rows; 23505 on duplicates. */
function fillUnique(ts: TableSession, t: TableDesc, idx: IndexDesc, ctx: Parameters<TableWriter['checkRow']>[1]): void {
  const w = new TableWriter(t, []);
  const i = t.uniques.indexOf(idx);
  const seen = new Set<string>();
  const txn = ts.current();
  for (const kr of txn.scan(t.storageId)) {
    const row = new Array<Value>(t.columns.length);
    decodeRow(t, kr.row, row);
    const uk = w.uniqueKeys(row)[i];
    if (!uk) continue;
    const k = Buffer.from(uk).toString('latin1');
    if (seen.has(k)) {
      const e = w.conflictError({ idx }, row, ctx);
      throw new DbError('23505', `could not create unique index "${idx.name}"`, { detail: (e.fields.detail ?? '').replace('already exists.', 'is duplicated.') });
    }
    seen.add(k);
    txn.put(idx.storageId, uk, [kr.key]);
  }
}

/** DROP INDEX [IF EXISTS] name[, ...]. */
/**
 * A DROP target's dotted name as makeRangeVarFromNameList reads it: [[db.]schema.]name; a
 * database other than the current one is 0A000, more than three parts 42601.
 */
export function dropTargetName(parts: readonly string[], db: string): { schema: string | undefined; name: string } {
  if (parts.length > 3) throw new DbError('42601', `improper relation name (too many dotted names): ${parts.join('.')}`);
  if (parts.length === 3 && parts[0] !== db) throw new DbError('0A000', `cross-database references are not implemented: "${parts.join('.')}"`);
  return { schema: parts.length > 1 ? parts[parts.length - 2] : undefined, name: parts[parts.length - 1]! };
}

export async function dropIndexes(ts: TableSession, objects: Node[], missingOk: boolean): Promise<string> {
  const db = ts.host.database;
  for (const o of objects) {
    const parts = strings(o.kind === 'List' ? o.items : [o]);
    const { schema, name } = dropTargetName(parts, db);
    const idx = ts.catalog.resolve(ts.reader(), db, ts.searchPath(), name, schema);
    if (!idx || idx.kind !== 'index') {
      if (idx) throw new DbError('42809', `"${name}" is not an index`, { hint: `Use DROP ${idx.kind === 'table' ? 'TABLE' : 'SEQUENCE'} to remove a ${idx.kind}.` });
      if (missingOk) {
        ts.notice({ severity: 'NOTICE', code: '00000', message: `index "${parts.join('.')}" does not exist, skipping` });
        continue;
      }
      throw new DbError('42704', `index "${parts.join('.')}" does not exist`);
    }
    const tab = await ts.catalog.lockName(ts.writer(), db, idx.schema, idx.indexOf!.table, ts.statementLockWait());
    if (tab) {
      const t = JSON.parse(JSON.stringify(tab)) as TableDesc;
      t.uniques = t.uniques.filter((u) => u.name !== idx.name);
      t.indexes = (t.indexes ?? []).filter((u) => u.name !== idx.name);
      ts.catalog.putTable(ts.writer(), t);
    }
    ts.catalog.deleteTable(ts.writer(), idx);
    if (idx.storageId) ts.afterCommit(idx.storageId);
    ts.noteDdl();
  }
  return 'DROP INDEX';
}
