// CREATE [OR REPLACE] VIEW and DROP VIEW. A view is a relation of kind 'view' whose defining
// query (a parse tree) is planned again wherever the view is named in FROM, as PostgreSQL's
// rewriter expands it. Its columns are recorded at creation (names from the column list or the
// query). Views are read-only here: INSERT/UPDATE/DELETE on a view are 0A000.

import { DbError, stripLocations, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { planQuery } from '../exec/query.js';
import type { Node, SelectStmt } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TablePlan } from '../dml/common.js';
import { checkColumnType } from './create-table.js';

export interface ViewStmtNode { kind: 'ViewStmt'; view: { relname?: string; schemaname?: string; relpersistence?: string }; aliases?: Node[]; query: SelectStmt; replace?: boolean; withCheckOption?: string }

export function planCreateView(b: Binder, s: ViewStmtNode): TablePlan {
  if (s.view.relpersistence === 't') throw b.unsupported('temporary views');
  const q = planQuery(b.withScope(undefined), s.query);
  const names = (s.aliases ?? []).map((n) => (n.kind === 'String' ? n.sval ?? '' : ''));
  if (names.length > q.columns.length) throw new DbError('42601', 'CREATE VIEW specifies more column names than columns');
  const columns = q.columns.map((c, i) => ({ name: names[i] ?? c.name, attnum: i + 1, typeOid: c.type.oid === 705 ? 25 : c.type.oid, typmod: c.type.typmod, notNull: false }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new DbError('42701', `column "${c.name}" specified more than once`);
    seen.add(c.name);
    checkColumnType(c.name, c.typeOid);
  }
  return {
    columns: null,
    async run() {
      const ts = tablesOfBinder(b);
      const name = s.view.relname ?? '';
      const schema = s.view.schemaname ?? ts.creationSchema();
      const existing = await ts.catalog.lockName(ts.writer(), ts.host.database, schema, name, ts.statementLockWait());
      if (existing && !(s.replace && existing.kind === 'view')) throw new DbError('42P07', `relation "${name}" already exists`);
      if (existing && s.replace) {
        const old = existing.columns;
        if (columns.length < old.length) throw new DbError('42P16', 'cannot drop columns from view');
        for (let i = 0; i < old.length; i++) {
          if (old[i]!.name !== columns[i]!.name) throw new DbError('42P16', `cannot change name of view column "${old[i]!.name}" to "${columns[i]!.name}"`);
        }
      }
      const oid = existing?.oid ?? (await ts.catalog.allocOid());
      const desc: TableDesc = { kind: 'view', oid, db: ts.host.database, schema, name, storageId: 0, columns, uniques: [], checks: [], viewQuery: stripLocations(s.query) };
      ts.catalog.putTable(ts.writer(), desc);
      ts.noteDdl();
      return { rows: [], tag: 'CREATE VIEW' };
    },
  };
}
