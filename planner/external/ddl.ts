// CREATE/DROP EXTERNAL TABLE (and CREATE/DROP FOREIGN TABLE) against the catalog, inside the
// session's transaction: the entry is a TableDesc whose `external` holds encodeRef(ref); dropping
// removes only that entry, never files. Loaded by dynamic import (planExternalTable loads DuckDB).
import { DbError, type ColumnDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { TypeName } from '../parse/ast.js';
import { parseStatements } from '../parse/parser.js';
import type { TableSession } from '../rel/index.js';
import { planExternalTable, type TypeOf } from './create.js';
import type { ExternalHost } from './host.js';
import type { ColumnDef, ExternalStatement } from './statements.js';

type Spelling = 'pyralog' | 'postgres';

/** The binder's type resolution for a column: PostgreSQL's TypeName node, or our type text parsed as `NULL::<text>`. */
function typeOfWith(b: Binder): TypeOf {
  return (col: ColumnDef) => {
    let tn = col.typeName as TypeName | undefined;
    if (!tn) {
      const [s] = parseStatements(`SELECT NULL::${col.typeText}`);
      const target = (s?.ast as unknown as { targetList?: Array<{ val?: { kind: string; typeName?: TypeName } }> }).targetList?.[0]?.val;
      if (!target || target.kind !== 'TypeCast' || !target.typeName) {
        throw new DbError('42601', `syntax error in type "${col.typeText}"`, { position: col.pos });
      }
      tn = { ...target.typeName, location: -1 };
    }
    const t = b.typeFromName(tn);
    return { oid: t.oid, typmod: t.typmod };
  };
}

export async function runExternalDdl(b: Binder, ts: TableSession, host: ExternalHost, stmt: ExternalStatement, spelling: Spelling): Promise<string> {
  switch (stmt.kind) {
    case 'createExternalTable':
      return create(b, ts, host, stmt, spelling);
    case 'dropExternalTable':
      return drop(ts, stmt, spelling);
    case 'copyToParquet':
      throw new DbError('0A000', 'COPY … TO a Parquet file is not supported yet');
    default: {
      const never: never = stmt;
      return never;
    }
  }
}

async function create(b: Binder, ts: TableSession, host: ExternalHost, stmt: Extract<ExternalStatement, { kind: 'createExternalTable' }>, spelling: Spelling): Promise<string> {
  const tag = spelling === 'postgres' ? 'CREATE FOREIGN TABLE' : 'CREATE EXTERNAL TABLE';
  const name = stmt.name.name;
  const schema = stmt.name.schema ?? ts.creationSchema();
  if (!ts.catalog.schemaExists(ts.reader(), ts.host.database, schema)) throw new DbError('3F000', `schema "${schema}" does not exist`);
  const w = ts.writer();
  const existing = await ts.catalog.lockName(w, ts.host.database, schema, name, ts.statementLockWait());
  if (existing) {
    if (stmt.ifNotExists) {
      ts.notice({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
      return tag;
    }
    throw new DbError('42P07', `relation "${name}" already exists`);
  }
  const plan = await planExternalTable(stmt, await host.engine(), typeOfWith(b), Date.now());
  const oid = await ts.catalog.allocOid();
  const columns: ColumnDesc[] = plan.columns.map((c, i) => ({ name: c.name, attnum: i + 1, typeOid: c.typeOid, typmod: c.typmod, notNull: false }));
  const desc: TableDesc = { kind: 'table', oid, db: ts.host.database, schema, name, storageId: oid, columns, uniques: [], checks: [], external: plan.refText };
  ts.catalog.putTable(w, desc);
  ts.noteDdl();
  return tag;
}

async function drop(ts: TableSession, stmt: Extract<ExternalStatement, { kind: 'dropExternalTable' }>, spelling: Spelling): Promise<string> {
  const w = ts.writer();
  const targets: TableDesc[] = [];
  for (const q of stmt.names) {
    const t = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), q.name, q.schema);
    if (!t) {
      if (stmt.ifExists) {
        ts.notice({ severity: 'NOTICE', code: '00000', message: `foreign table "${q.name}" does not exist, skipping` });
        continue;
      }
      throw new DbError('42P01', `foreign table "${q.name}" does not exist`);
    }
    if (t.external === undefined) {
      throw new DbError('42809', `"${t.name}" is not a foreign table`, { hint: t.kind === 'table' ? 'Use DROP TABLE to remove a table.' : undefined });
    }
    targets.push(t);
  }
  for (const t of targets) {
    const locked = await ts.catalog.lockName(w, ts.host.database, t.schema, t.name, ts.statementLockWait());
    if (locked) ts.catalog.deleteTable(w, locked);
  }
  if (targets.length > 0) ts.noteDdl();
  return spelling === 'postgres' ? 'DROP FOREIGN TABLE' : 'DROP EXTERNAL TABLE';
}
