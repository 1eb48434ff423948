// Temporary tables (CREATE TEMP[ORARY] TABLE), PostgreSQL 15 semantics. A temporary table is an
// ordinary catalog entry with ordinary LSM storage in the session's own schema `pg_temp_N`:
// - the schema row is written in the creating transaction (a ROLLBACK takes it back too);
// - the session searches it first (TableSession.searchPath), `pg_temp` names it in qualified
//   names (SchemaCatalog.resolve), other sessions never have it on their path;
// - the session's end drops every relation in it and the schema itself (dropTempSchema);
//   a crash leaves them behind and the next server start removes them (TablesServer.open).
// - ON COMMIT DELETE ROWS / DROP: the table is registered with its session (registerOnCommit)
//   and runOnCommit deletes its rows / drops it inside each committing transaction, as
//   PostgreSQL's PreCommit_on_commit_actions does.

import { DbError } from '../../catalog/index.js';
import type { TableDesc } from '../../catalog/index.js';
import { isTempSchema, type OnCommitEntry, type TableSession } from '../rel/runtime.js';
import { dropRelation } from './drop.js';

/** PostgreSQL's OnCommitAction names as libpg_query spells them. */
export type OnCommit = 'ONCOMMIT_NOOP' | 'ONCOMMIT_PRESERVE_ROWS' | 'ONCOMMIT_DELETE_ROWS' | 'ONCOMMIT_DROP';

/**
 * The schema a CREATE [TEMP] TABLE goes to, creating the session's temporary schema when the
 * table is temporary. `pg_temp.t` (or the session's own pg_temp_N) makes the table temporary,
 * as PostgreSQL does; a temporary table in any other named schema is 42P16.
 */
export async function creationTarget(ts: TableSession, persistence: string | undefined, schemaname: string | undefined, onCommit: string | undefined): Promise<string> {
  const explicitTemp = schemaname !== undefined && (schemaname === 'pg_temp' || schemaname === ts.tempSchema?.name);
  const temp = persistence === 't' || explicitTemp;
  if (schemaname !== undefined && !explicitTemp) {
    // PostgreSQL looks the schema up first, then checks persistence (RangeVarAdjustRelationPersistence).
    if (!ts.catalog.schemaExists(ts.reader(), ts.host.database, schemaname)) throw new DbError('3F000', `schema "${schemaname}" does not exist`);
    if (isTempSchema(schemaname)) throw new DbError('42P16', 'cannot create relations in temporary schemas of other sessions');
    if (temp) throw new DbError('42P16', 'cannot create temporary relation in non-temporary schema');
  }
  if (!temp) {
    if (onCommit !== undefined && onCommit !== 'ONCOMMIT_NOOP') throw new DbError('42P16', 'ON COMMIT can only be used on temporary tables');
    return schemaname ?? ts.creationSchema();
  }
  onCommitAction(onCommit); // an unsupported option fails before the temp schema is made
  return ensureTempSchema(ts);
}

/**
 * What each commit must do for a table created with this ON COMMIT option: nothing (NOOP,
 * PRESERVE ROWS) or an OnCommitEntry action; 0A000 for an option libpg_query may add later.
 */
function onCommitAction(onCommit: string | undefined): OnCommitEntry['action'] | undefined {
  const o = (onCommit ?? 'ONCOMMIT_NOOP') as OnCommit;
  switch (o) {
    case 'ONCOMMIT_NOOP':
    case 'ONCOMMIT_PRESERVE_ROWS':
      return undefined;
    case 'ONCOMMIT_DELETE_ROWS':
      return 'delete-rows';
    case 'ONCOMMIT_DROP':
      return 'drop';
    default: {
      const never: never = o;
      throw new DbError('0A000', `ON COMMIT ${String(never)} is not supported`);
    }
  }
}

/** The session's temporary schema, its catalog row written in this transaction if missing. */
async function ensureTempSchema(ts: TableSession): Promise<string> {
  if (!ts.tempSchema) {
    const id = ts.server.allocTempId();
    ts.tempSchema = { name: `pg_temp_${id}`, id };
  }
  const name = ts.tempSchema.name;
  const w = ts.writer();
  if (!ts.catalog.schemaExists(w, ts.host.database, name)) {
    await ts.catalog.createSchema(w, ts.host.database, name, ts.host.user);
    ts.noteDdl();
  }
  return name;
}

/**
 * Session end: drops every relation of the session's temporary schema and the schema, in a
 * transaction of its own, then frees the schema number. When that fails the number stays
 * taken (no later session may inherit the leftovers) until the next start removes them.
 */
export async function dropTempSchema(ts: TableSession): Promise<void> {
  const temp = ts.tempSchema;
  if (!temp) return;
  ts.tempSchema = undefined;
  const db = ts.host.database;
  const txn = ts.db.begin({ isolation: 'read-committed' });
  const w = txn as unknown as Parameters<typeof ts.catalog.putTable>[0];
  const storage: number[] = [];
  try {
    for (const t of ts.catalog.listTables(w, db, temp.name)) {
      ts.catalog.deleteTable(w, t);
      if (t.kind === 'table') storage.push(t.storageId, ...t.uniques.map((u) => u.storageId), ...(t.indexes ?? []).map((i) => i.storageId));
    }
    if (ts.catalog.schemaExists(w, db, temp.name)) ts.catalog.dropSchema(w, db, temp.name);
    await txn.commit();
  } catch (e) {
    if (txn.isActive) txn.rollback();
    throw e;
  }
  ts.server.catalogVersion++;
  ts.server.freeTempId(temp.id);
  for (const id of storage) void ts.catalog.reclaimStorage(id).catch(() => undefined);
}

/** After CREATE TEMP TABLE … ON COMMIT DELETE ROWS | DROP: remember what each commit must do. */
export function registerOnCommit(ts: TableSession, desc: TableDesc, onCommit: string | undefined): void {
  const action = onCommitAction(onCommit);
  if (action) ts.onCommit.push({ action, schema: desc.schema, name: desc.name, oid: desc.oid });
}

/**
 * Inside a committing transaction: deletes the rows of ON COMMIT DELETE ROWS tables and drops
 * ON COMMIT DROP tables. An entry whose table is gone (rolled back or dropped: the oid no longer
 * matches) is forgotten.
 */
export async function runOnCommit(ts: TableSession): Promise<void> {
  const keep: OnCommitEntry[] = [];
  const txn = ts.writer();
  for (const e of ts.onCommit) {
    const t = ts.catalog.table(txn, ts.host.database, e.schema, e.name);
    if (!t || t.oid !== e.oid || t.kind !== 'table') continue;
    switch (e.action) {
      case 'delete-rows': {
        keep.push(e);
        // Row deletes rather than TRUNCATE's fresh storage id: no DDL (cached plans stay valid).
        for (const id of new Set([t.storageId, ...t.uniques.map((u) => u.storageId)])) {
          const keys: Uint8Array[] = [];
          for (const kr of txn.scan(id, {})) keys.push(kr.key);
          for (const k of keys) txn.delete(id, k);
        }
        break;
      }
      case 'drop':
        dropRelation(ts, t);
        break;
      default: {
        const never: never = e.action;
        throw new Error(`unknown ON COMMIT action ${String(never)}`);
      }
    }
  }
  ts.onCommit = keep;
}
