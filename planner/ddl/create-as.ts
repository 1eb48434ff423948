// CREATE TABLE ... AS query [WITH [NO] DATA] and SELECT ... INTO: a table whose columns are the
// query's output columns (names from the column list or the query), filled with its rows in
// the same transaction, pulled through the query's cursor in batches (never collected whole).
// Tag: "SELECT n", as PostgreSQL reports it.

import { checkColumnType } from './create-table.js';
import { DbError, type ColumnDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { planQuery } from '../exec/query.js';
import type { Node, SelectStmt } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TablePlan } from '../dml/common.js';
import { TableWriter } from '../dml/write.js';
import { forEachBatch } from '../dml/insert-stream.js';
import { CopyIngest, ingestTarget } from '../dml/copy-ingest.js';
import type { Cell } from '../../lsm/index.js';
import { creationTarget, registerOnCommit } from './temp.js';

export interface CreateTableAsNode {
  kind: 'CreateTableAsStmt';
  query: SelectStmt;
  into: { rel: { relname?: string; schemaname?: string; relpersistence?: string }; colNames?: Node[]; skipData?: boolean; options?: Node[]; onCommit?: string };
  objtype?: string;
  if_not_exists?: boolean;
}

export function planCreateTableAs(b: Binder, s: CreateTableAsNode): TablePlan {
  if (s.objtype && s.objtype !== 'OBJECT_TABLE') throw b.unsupported('materialized views');
  const q = planQuery(b, s.query);
  const names = (s.into.colNames ?? []).map((n) => (n.kind === 'String' ? n.sval ?? '' : ''));
  if (names.length > q.columns.length) throw new DbError('42601', 'too many column names were specified');
  const cols: ColumnDesc[] = q.columns.map((c, i) => ({
    name: names[i] ?? c.name, attnum: i + 1, typeOid: c.type.oid === 705 ? 25 : c.type.oid, typmod: c.type.typmod, notNull: false,
  }));
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c.name)) throw new DbError('42701', `column "${c.name}" specified more than once`);
    seen.add(c.name);
    checkColumnType(c.name, c.typeOid);
  }
  return {
    columns: null,
    async run(ctx) {
      const ts = tablesOfBinder(b);
      const name = s.into.rel.relname ?? '';
      const schema = await creationTarget(ts, s.into.rel.relpersistence, s.into.rel.schemaname, s.into.onCommit);
      if (!ts.catalog.schemaExists(ts.reader(), ts.host.database, schema)) throw new DbError('3F000', `schema "${schema}" does not exist`);
      const w = ts.writer();
      const existing = await ts.catalog.lockName(w, ts.host.database, schema, name, ts.statementLockWait());
      if (existing) {
        if (s.if_not_exists) {
          ts.notice({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
          return { rows: [], tag: 'CREATE TABLE AS' };
        }
        throw new DbError('42P07', `relation "${name}" already exists`);
      }
      const oid = await ts.catalog.allocOid();
      const desc: TableDesc = { kind: 'table', oid, db: ts.host.database, schema, name, storageId: oid, columns: cols, uniques: [], checks: [] };
      ts.catalog.putTable(w, desc);
      registerOnCommit(ts, desc, s.into.onCommit);
      ts.noteDdl();
      if (s.into.skipData) return { rows: [], tag: 'SELECT 0' };
      // Streamed in batches (dml/insert-stream.ts): the new table cannot be read by the query,
      // so no Halloween check is needed. The storage was created by this statement and has no
      // unique key, so the rows go by segment ingest as COPY FROM's (dml/copy-ingest.ts: the
      // transaction's write set, TXN_BYTES_MAX, does not hold them) when ingestTarget allows
      // (not for temporary tables); else, or if the keys ever stopped ascending, by the row path.
      const writer = new TableWriter(desc, []);
      let ingest = ingestTarget(ts, desc, false) ? CopyIngest.begin(ts, writer) : undefined;
      let n = 0;
      try {
        await forEachBatch(q, ctx, true, async (rows) => {
          for (const r of rows) {
            const key = writer.key(ts, r);
            n++;
            if (ingest?.active) {
              if (ingest.add(key, writer.cells(r) as Cell[], ctx) === 'ok') {
                if (ingest.full) await ingest.drain();
                continue;
              }
              await ingest.toRowPath();
            }
            writer.put(ts, key, r);
          }
        });
        if (ingest?.active) await ingest.finish();
      } catch (e) {
        const ing = ingest;
        ingest = undefined;
        await ing?.abort();
        throw e;
      }
      return { rows: [], tag: `SELECT ${n}` };
    },
  };
}
