// RenameStmt: ALTER TABLE/VIEW/SEQUENCE … RENAME TO, RENAME COLUMN, RENAME CONSTRAINT and
// ALTER SCHEMA … RENAME TO, with PostgreSQL 15's checks and messages (RenameRelation,
// RangeVarCallbackForAlterRelation, RenameSchema). ALTER TABLE renames any relation kind, as in
// PostgreSQL; ALTER VIEW / ALTER SEQUENCE insist on their kind (42809 "is not a view").
// A relation's catalog row is keyed by (db, schema, name), so a rename moves the row; the OID
// and storage stay. Rows naming the relation by name (indexes' `indexOf.table`, owned
// sequences' `ownedBy`) follow it.

import { DbError, findColumn, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TableSession } from '../rel/runtime.js';
import type { TablePlan } from '../dml/common.js';

export interface RenameStmtNode { kind: 'RenameStmt'; renameType?: string; relationType?: string; relation?: { relname?: string; schemaname?: string; location?: number }; subname?: string; newname?: string; missing_ok?: boolean }

const RELATION_TAG: Record<string, string> = { OBJECT_TABLE: 'ALTER TABLE', OBJECT_VIEW: 'ALTER VIEW', OBJECT_SEQUENCE: 'ALTER SEQUENCE' };

/** A deep copy of a descriptor (descriptors from the catalog are shared and immutable). */
function copyDesc(t: TableDesc): TableDesc {
  return JSON.parse(JSON.stringify(t)) as TableDesc;
}

/**
 * Finds and locks the relation a RenameStmt names; undefined after the IF EXISTS notice.
 * `want` is the kind the statement's keyword demands (undefined: any, as ALTER TABLE).
 */
async function lockRelation(b: Binder, ts: TableSession, s: RenameStmtNode, want: 'view' | 'sequence' | 'table' | undefined): Promise<TableDesc | undefined> {
  const rel = s.relation ?? {};
  const found = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), rel.relname ?? '', rel.schemaname);
  const shown = `${rel.schemaname ? `${rel.schemaname}.` : ''}${rel.relname}`;
  if (!found) {
    if (s.missing_ok) {
      ts.notice({ severity: 'NOTICE', code: '00000', message: `relation "${shown}" does not exist, skipping` });
      return undefined;
    }
    throw b.err('42P01', `relation "${shown}" does not exist`, rel.location ?? -1);
  }
  const t = await ts.catalog.lockName(ts.writer(), ts.host.database, found.schema, found.name, ts.statementLockWait());
  if (!t) throw new DbError('42P01', `relation "${shown}" does not exist`);
  if (want !== undefined && t.kind !== want) throw new DbError('42809', `"${t.name}" is not a ${want}`);
  return copyDesc(t);
}

export function planRename(b: Binder, s: RenameStmtNode): TablePlan | undefined {
  switch (s.renameType) {
    case 'OBJECT_TABLE': case 'OBJECT_VIEW': case 'OBJECT_SEQUENCE':
      return relationRename(b, s);
    case 'OBJECT_COLUMN': case 'OBJECT_TABCONSTRAINT':
      return partRename(b, s);
    case 'OBJECT_SCHEMA':
      return schemaRename(b, s);
    default:
      return undefined;
  }
}

function relationRename(b: Binder, s: RenameStmtNode): TablePlan {
  const type = s.renameType!;
  const want = type === 'OBJECT_VIEW' ? 'view' : type === 'OBJECT_SEQUENCE' ? 'sequence' : undefined;
  const tag = RELATION_TAG[type]!;
  return {
    columns: null,
    async run() {
      const ts = tablesOfBinder(b);
      const t = await lockRelation(b, ts, s, want);
      if (!t) return { rows: [], tag };
      const newname = s.newname ?? '';
      const clash = await ts.catalog.lockName(ts.writer(), ts.host.database, t.schema, newname, ts.statementLockWait());
      if (clash) throw new DbError('42P07', `relation "${newname}" already exists`);
      const w = ts.writer();
      const oldName = t.name;
      ts.catalog.deleteTable(w, t);
      t.name = newname;
      ts.catalog.putTable(w, t);
      if (t.kind === 'table') followTable(ts, t, oldName);
      ts.noteDdl();
      return { rows: [], tag };
    },
  };
}

/** Index relations and owned sequences name their table: point them at the new name. */
function followTable(ts: TableSession, t: TableDesc, oldName: string): void {
  const w = ts.writer();
  for (const rel of ts.catalog.listTables(ts.reader(), t.db, t.schema)) {
    if (rel.kind === 'index' && rel.indexOf?.table === oldName) {
      ts.catalog.putTable(w, { ...rel, indexOf: { ...rel.indexOf, table: t.name } });
    } else if (rel.kind === 'sequence' && rel.sequence?.ownedBy?.startsWith(`${oldName}.`)) {
      ts.catalog.putTable(w, { ...rel, sequence: { ...rel.sequence, ownedBy: `${t.name}.${rel.sequence.ownedBy.slice(oldName.length + 1)}` } });
    }
  }
}

function partRename(b: Binder, s: RenameStmtNode): TablePlan {
  return {
    columns: null,
    async run() {
      const ts = tablesOfBinder(b);
      const t = await lockRelation(b, ts, s, 'table');
      if (!t) return { rows: [], tag: 'ALTER TABLE' };
      const newname = s.newname ?? '';
      if (s.renameType === 'OBJECT_COLUMN') {
        const c = findColumn(t, s.subname ?? '');
        if (!c) throw new DbError('42703', `column "${s.subname}" does not exist`);
        if (findColumn(t, newname)) throw new DbError('42701', `column "${newname}" of relation "${t.name}" already exists`);
        // CHECK expressions name columns (PostgreSQL's hold attnums): they follow the rename.
        for (const ch of t.checks) ch.expr = renameColumnRefs(ch.expr, c.name, newname);
        c.name = newname;
      } else {
        const all = [...(t.primaryKey ? [t.primaryKey] : []), ...t.uniques, ...t.checks, ...(t.foreignKeys ?? [])];
        const k = all.find((x) => x.name === s.subname);
        if (!k) throw new DbError('42704', `constraint "${s.subname}" for table "${t.name}" does not exist`);
        k.name = newname;
      }
      ts.catalog.putTable(ts.writer(), t);
      ts.noteDdl();
      return { rows: [], tag: 'ALTER TABLE' };
    },
  };
}

function schemaRename(b: Binder, s: RenameStmtNode): TablePlan {
  return {
    columns: null,
    async run() {
      const ts = tablesOfBinder(b);
      const db = ts.host.database;
      const from = s.subname ?? '';
      const to = s.newname ?? '';
      if (!ts.catalog.schemaExists(ts.reader(), db, from)) throw new DbError('3F000', `schema "${from}" does not exist`);
      if (ts.catalog.schemaExists(ts.reader(), db, to)) throw new DbError('42P06', `schema "${to}" already exists`);
      if (to.startsWith('pg_')) throw new DbError('42939', `unacceptable schema name "${to}"`, { detail: 'The prefix "pg_" is reserved for system schemas.' });
      if (from === 'pg_catalog' || from === 'information_schema' || /^pg_temp_\d+$/.test(from)) {
        throw new DbError('42501', `must be owner of schema ${from}`);
      }
      // Every relation row moves under the new schema name (names locked on both sides).
      const w = ts.writer();
      for (const t of ts.catalog.listTables(ts.reader(), db, from)) {
        const locked = await ts.catalog.lockName(w, db, from, t.name, ts.statementLockWait());
        if (!locked) continue;
        await ts.catalog.lockName(w, db, to, t.name, ts.statementLockWait());
        ts.catalog.deleteTable(w, locked);
        ts.catalog.putTable(w, { ...locked, schema: to });
      }
      await ts.catalog.renameSchema(w, db, from, to);
      ts.noteDdl();
      return { rows: [], tag: 'ALTER SCHEMA' };
    },
  };
}

/** A stored expression with every column reference to `from` renamed to `to` (a fresh tree). */
function renameColumnRefs(n: unknown, from: string, to: string): unknown {
  if (Array.isArray(n)) return n.map((x) => renameColumnRefs(x, from, to));
  if (n === null || typeof n !== 'object') return n;
  const o = n as Record<string, unknown>;
  if (o.kind === 'ColumnRef' && Array.isArray(o.fields)) {
    const fields = o.fields as Array<{ kind?: string; sval?: string }>;
    const last = fields[fields.length - 1];
    if (last?.kind === 'String' && last.sval === from) return { ...o, fields: [...fields.slice(0, -1), { ...last, sval: to }] };
    return o;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = renameColumnRefs(v, from, to);
  return out;
}
