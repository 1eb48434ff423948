// DROP TABLE / DROP SEQUENCE [IF EXISTS] [CASCADE], TRUNCATE, CREATE/DROP SCHEMA, CREATE
// SEQUENCE. Catalog changes are transactional; the rows of a dropped or truncated storage id
// become unreachable at commit and are reclaimed afterwards (runtime.ts afterCommit).

import { DbError, type SequenceOptions, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { strings, type Node } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TableSession } from '../rel/runtime.js';
import { nextvalTarget, type TablePlan } from '../dml/common.js';
import { createSequenceDesc } from './create-table.js';
import { dropIndexes, dropTargetName } from './index-ddl.js';
import { checkTruncate, dropReferencingKeys, namedOids } from './fk.js';

export interface DropStmtNode { kind: 'DropStmt'; objects?: Node[]; removeType?: string; missing_ok?: boolean; behavior?: string; concurrent?: boolean }
export interface TruncateStmtNode { kind: 'TruncateStmt'; relations?: Array<{ relname?: string; schemaname?: string; location?: number }>; restart_seqs?: boolean; behavior?: string }
export interface CreateSchemaStmtNode { kind: 'CreateSchemaStmt'; schemaname?: string; if_not_exists?: boolean; schemaElts?: Node[]; authrole?: unknown }
export interface CreateSeqStmtNode { kind: 'CreateSeqStmt'; sequence: { relname?: string; schemaname?: string }; options?: Node[]; if_not_exists?: boolean }

function plan(run: (ts: TableSession) => Promise<string>, b: Binder): TablePlan {
  return { columns: null, run: async () => ({ rows: [], tag: await run(tablesOfBinder(b)) }) };
}

export function planDrop(b: Binder, s: DropStmtNode): TablePlan | undefined {
  const kind = s.removeType;
  if (kind === 'OBJECT_SCHEMA') return plan((ts) => dropSchemas(ts, s), b);
  if (kind === 'OBJECT_INDEX') return plan((ts) => dropIndexes(ts, s.objects ?? [], s.missing_ok === true), b);
  if (kind !== 'OBJECT_TABLE' && kind !== 'OBJECT_SEQUENCE' && kind !== 'OBJECT_VIEW') return undefined;
  const what = kind === 'OBJECT_TABLE' ? 'table' : kind === 'OBJECT_VIEW' ? 'view' : 'sequence';
  return plan(async (ts) => {
    const db = ts.host.database;
    for (const o of s.objects ?? []) {
      const parts = strings(o.kind === 'List' ? o.items : [o]);
      const { schema, name } = dropTargetName(parts, db);
      const found = ts.catalog.resolve(ts.reader(), db, ts.searchPath(), name, schema);
      // PostgreSQL names only the relation in these messages (DropErrorMsgNonExistent).
      const shown = name;
      if (!found) {
        // A named schema that does not exist is reported as such (PostgreSQL's LookupExplicitNamespace).
        const noSchema = schema !== undefined && schema !== 'pg_temp' && !ts.catalog.schemaExists(ts.reader(), db, schema);
        if (noSchema && !s.missing_ok) throw new DbError('3F000', `schema "${schema}" does not exist`);
        if (s.missing_ok) {
          ts.notice({ severity: 'NOTICE', code: '00000', message: noSchema ? `schema "${schema}" does not exist, skipping` : `${what} "${shown}" does not exist, skipping` });
          continue;
        }
        throw new DbError('42P01', `${what} "${shown}" does not exist`);
      }
      const locked = await ts.catalog.lockName(ts.writer(), db, found.schema, found.name, ts.statementLockWait());
      if (!locked) throw new DbError('42P01', `${what} "${shown}" does not exist`);
      if (locked.kind !== what) {
        throw new DbError('42809', `"${locked.name}" is not a ${what}`, { hint: `Use DROP ${locked.kind.toUpperCase()} to remove a${locked.kind === 'index' ? 'n' : ''} ${locked.kind}.` });
      }
      if (locked.kind === 'sequence' && locked.sequence?.ownedBy && s.behavior !== 'DROP_CASCADE') {
        const [tname, cname] = locked.sequence.ownedBy.split('.');
        if (ts.catalog.table(ts.reader(), db, locked.schema, tname!)) {
          throw new DbError('2BP01', `cannot drop sequence ${locked.name} because other objects depend on it`, {
            detail: `default value for column ${cname} of table ${tname} depends on sequence ${locked.name}`,
            hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
          });
        }
      }
      if (locked.kind === 'sequence') await dropDefaultsUsing(ts, locked, s.behavior === 'DROP_CASCADE');
      if (locked.kind === 'table') await dropReferencingKeys(ts, locked, s.behavior === 'DROP_CASCADE', namedOids(ts, s.objects ?? []));
      dropRelation(ts, locked);
    }
    return `DROP ${what.toUpperCase()}`;
  }, b);
}

/**
 * DROP SEQUENCE: column DEFAULTs calling nextval('seq') depend on it (PostgreSQL records the
 * regclass constant in pg_depend). Without CASCADE: 2BP01 naming them; with CASCADE the
 * defaults are removed (the columns stay), as PostgreSQL drops the pg_attrdef entries.
 * A default's unqualified name is looked up in its table's schema, as bindDefault does.
 */
async function dropDefaultsUsing(ts: TableSession, seq: TableDesc, cascade: boolean): Promise<void> {
  const users: Array<{ t: TableDesc; cols: string[] }> = [];
  for (const t of ts.catalog.listTables(ts.reader(), seq.db)) {
    if (t.kind !== 'table') continue;
    const cols = t.columns.filter((c) => {
      if (c.dropped || c.defaultExpr === undefined) return false;
      const nv = nextvalTarget(c.defaultExpr as Node);
      if (nv === undefined) return false;
      const parts = nv.split('.');
      return parts[parts.length - 1] === seq.name && (parts.length > 1 ? parts[0] : t.schema) === seq.schema;
    }).map((c) => c.name);
    if (cols.length > 0) users.push({ t, cols });
  }
  if (users.length === 0) return;
  const lines = users.flatMap((u) => u.cols.map((c) => `default value for column ${c} of table ${u.t.name}`));
  if (!cascade) {
    throw new DbError('2BP01', `cannot drop sequence ${seq.name} because other objects depend on it`, {
      detail: lines.map((l) => `${l} depends on sequence ${seq.name}`).join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  ts.notice(lines.length === 1
    ? { severity: 'NOTICE', code: '00000', message: `drop cascades to ${lines[0]}` }
    : { severity: 'NOTICE', code: '00000', message: `drop cascades to ${lines.length} other objects`, detail: lines.map((l) => `drop cascades to ${l}`).join('\n') });
  for (const u of users) {
    const locked = await ts.catalog.lockName(ts.writer(), u.t.db, u.t.schema, u.t.name, ts.statementLockWait());
    if (!locked) continue;
    ts.catalog.putTable(ts.writer(), { ...locked, columns: locked.columns.map((c) => (u.cols.includes(c.name) ? (({ defaultExpr: _d, ...rest }) => rest)(c) : c)) });
  }
  ts.noteDdl();
}

/** Removes a relation (and the sequences its columns own) in the current transaction. */
export function dropRelation(ts: TableSession, t: TableDesc): void {
  const w = ts.writer();
  ts.catalog.deleteTable(w, t);
  if (t.kind === 'table') {
    ts.afterCommit(t.storageId);
    for (const i of [...t.uniques, ...(t.indexes ?? [])]) {
      const rel = ts.catalog.table(ts.reader(), t.db, t.schema, i.name);
      if (rel?.kind === 'index' && rel.indexOf?.table === t.name) ts.catalog.deleteTable(w, rel);
    }
    for (const u of t.uniques) ts.afterCommit(u.storageId);
    // Sequences owned by a column (serial, identity, ALTER SEQUENCE … OWNED BY) go with the
    // table; their names need not follow <table>_<column>_seq (renames, OWNED BY).
    const cols = new Set(t.columns.filter((c) => !c.dropped).map((c) => `${t.name}.${c.name}`));
    for (const rel of ts.catalog.listTables(ts.reader(), t.db, t.schema)) {
      if (rel.kind === 'sequence' && rel.sequence?.ownedBy !== undefined && cols.has(rel.sequence.ownedBy)) ts.catalog.deleteTable(w, rel);
    }
  }
  ts.noteDdl();
}

export function planTruncate(b: Binder, s: TruncateStmtNode): TablePlan {
  return plan(async (ts) => {
    const db = ts.host.database;
    for (const r of s.relations ?? []) {
      const t = ts.catalog.resolve(ts.reader(), db, ts.searchPath(), r.relname ?? '', r.schemaname);
      if (!t) throw b.err('42P01', `relation "${r.schemaname ? `${r.schemaname}.` : ''}${r.relname}" does not exist`, r.location ?? -1);
      if (t.kind !== 'table') throw new DbError('42809', `"${t.name}" is not a table`);
      const locked = (await ts.catalog.lockName(ts.writer(), db, t.schema, t.name, ts.statementLockWait()))!;
      checkTruncate(ts, locked, namedOids(ts, s.relations ?? []), s.behavior === 'DROP_CASCADE');
      // A fresh storage id: the old rows vanish atomically with the commit.
      const next: TableDesc = { ...locked, storageId: await ts.catalog.allocOid(), uniques: [] };
      for (const u of locked.uniques) next.uniques.push({ ...u, storageId: await ts.catalog.allocOid() });
      if (next.primaryKey) next.primaryKey = { ...next.primaryKey, storageId: next.storageId };
      ts.catalog.putTable(ts.writer(), next);
      ts.afterCommit(locked.storageId);
      for (const u of locked.uniques) ts.afterCommit(u.storageId);
      if (s.restart_seqs) {
        for (const c of locked.columns) {
          const seq = ts.catalog.table(ts.reader(), db, locked.schema, `${locked.name}_${c.name}_seq`);
          if (seq?.kind === 'sequence') await ts.catalog.setval(seq, BigInt(seq.sequence!.start), false);
        }
      }
      ts.noteDdl();
    }
    return 'TRUNCATE TABLE';
  }, b);
}

export function planCreateSchema(b: Binder, s: CreateSchemaStmtNode): TablePlan {
  if (s.schemaElts?.length) throw b.unsupported('CREATE SCHEMA with schema elements');
  return plan(async (ts) => {
    const name = s.schemaname ?? '';
    if (ts.catalog.schemaExists(ts.reader(), ts.host.database, name)) {
      if (s.if_not_exists) {
        ts.notice({ severity: 'NOTICE', code: '42P06', message: `schema "${name}" already exists, skipping` });
        return 'CREATE SCHEMA';
      }
      throw new DbError('42P06', `schema "${name}" already exists`);
    }
    if (name.startsWith('pg_')) throw new DbError('42939', `unacceptable schema name "${name}"`, { detail: 'The prefix "pg_" is reserved for system schemas.' });
    await ts.catalog.createSchema(ts.writer(), ts.host.database, name, ts.host.user);
    ts.noteDdl();
    return 'CREATE SCHEMA';
  }, b);
}

async function dropSchemas(ts: TableSession, s: DropStmtNode): Promise<string> {
  const db = ts.host.database;
  for (const o of s.objects ?? []) {
    const name = o.kind === 'String' ? o.sval ?? '' : strings(o.kind === 'List' ? o.items : [])[0] ?? '';
    if (!ts.catalog.schemaExists(ts.reader(), db, name)) {
      if (s.missing_ok) {
        ts.notice({ severity: 'NOTICE', code: '00000', message: `schema "${name}" does not exist, skipping` });
        continue;
      }
      throw new DbError('3F000', `schema "${name}" does not exist`);
    }
    if (name === 'pg_catalog' || name === 'information_schema') throw new DbError('2BP01', `cannot drop schema ${name} because it is required by the database system`);
    const tables = ts.catalog.listTables(ts.reader(), db, name);
    if (tables.length > 0 && s.behavior !== 'DROP_CASCADE') {
      throw new DbError('2BP01', `cannot drop schema ${name} because other objects depend on it`, {
        detail: tables.map((t) => `${t.kind} ${name}.${t.name} depends on schema ${name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    if (tables.length > 0) {
      ts.notice({ severity: 'NOTICE', code: '00000', message: tables.length === 1 ? `drop cascades to ${tables[0]!.kind} ${name}.${tables[0]!.name}` : `drop cascades to ${tables.length} other objects`, ...(tables.length > 1 ? { detail: tables.map((t) => `drop cascades to ${t.kind} ${name}.${t.name}`).join('\n') } : {}) });
    }
    const inSchema = new Set(tables.map((t) => t.oid));
    for (const t of tables) if (t.kind === 'table') await dropReferencingKeys(ts, t, true, inSchema); // FKs from other schemas
    for (const t of tables) dropRelation(ts, t);
    ts.catalog.dropSchema(ts.writer(), db, name);
    ts.noteDdl();
  }
  return 'DROP SCHEMA';
}

export function planCreateSequence(b: Binder, s: CreateSeqStmtNode): TablePlan {
  return plan(async (ts) => {
    const name = s.sequence.relname ?? '';
    const schema = s.sequence.schemaname ?? ts.creationSchema();
    if (s.if_not_exists && ts.catalog.table(ts.reader(), ts.host.database, schema, name)) {
      ts.notice({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
      return 'CREATE SEQUENCE';
    }
    const o: SequenceOptions = { start: '', increment: '1', min: '', max: '', cycle: false, typeOid: 20 };
    for (const d of s.options ?? []) {
      if (d.kind !== 'DefElem') continue;
      const arg = d.arg;
      const num = (): string => {
        if (!arg) throw new DbError('42601', `${d.defname} requires a value`);
        if (arg.kind === 'Integer') return String(arg.ival ?? 0);
        if (arg.kind === 'Float') return arg.fval ?? '0';
        throw new DbError('42601', `${d.defname} requires a numeric value`);
      };
      switch (d.defname) {
        case 'increment': o.increment = num(); break;
        case 'start': o.start = num(); break;
        case 'minvalue': o.min = arg ? num() : ''; break;
        case 'maxvalue': o.max = arg ? num() : ''; break;
        case 'cycle': o.cycle = arg?.kind === 'Boolean' ? arg.boolval === true : arg?.kind === 'Integer' ? arg.ival === 1 : true; break;
        case 'cache': break;
        case 'as': {
          const tn = strings((arg as unknown as { names?: Node[] } | undefined)?.names ?? []);
          const last = tn[tn.length - 1];
          o.typeOid = last === 'int2' ? 21 : last === 'int4' ? 23 : 20;
          break;
        }
        default: throw b.unsupported(`sequence option ${d.defname}`);
      }
    }
    const inc = BigInt(o.increment);
    if (inc === 0n) throw new DbError('22023', 'INCREMENT must not be zero');
    const typeMax = o.typeOid === 21 ? 32767n : o.typeOid === 23 ? 2147483647n : 9223372036854775807n;
    if (o.max === '') o.max = inc > 0n ? typeMax.toString() : '-1';
    if (o.min === '') o.min = inc > 0n ? '1' : (-typeMax - 1n).toString();
    if (o.start === '') o.start = inc > 0n ? o.min : o.max;
    if (BigInt(o.min) >= BigInt(o.max)) throw new DbError('22023', `MINVALUE (${o.min}) must be less than MAXVALUE (${o.max})`);
    if (BigInt(o.start) < BigInt(o.min)) throw new DbError('22023', `START value (${o.start}) cannot be less than MINVALUE (${o.min})`);
    if (BigInt(o.start) > BigInt(o.max)) throw new DbError('22023', `START value (${o.start}) cannot be greater than MAXVALUE (${o.max})`);
    await createSequenceDesc(ts, schema, name, o);
    return 'CREATE SEQUENCE';
  }, b);
}
