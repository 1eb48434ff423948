// pg_class rows: tables (relkind 'r', or 'f' for issue 5's external tables, which PostgreSQL
// would show as foreign tables), views ('v'), sequences ('S') and indexes ('i': primary keys,
// UNIQUE constraints and CREATE INDEX, as catalog IndexDescs). Facts follow PostgreSQL 15 for
// the same DDL (relam heap/btree, relreplident 'd' for tables, 'n' otherwise; relhasrules for
// views; relhastriggers for both sides of a FOREIGN KEY; reltuples -1 = never analyzed).
// The pg_catalog relations themselves are added by pg-catalog.ts (builtinClassRows).

import { type IndexDesc, type TableDesc } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import { arrayOfValues } from '../eval/array-values.js';
import { isTempSchema, type TableSession } from '../rel/runtime.js';

const HEAP_AM = 2, BTREE_AM = 403, OWNER = 10;
/** Columns of every sequence relation (last_value, log_cnt, is_called). */
const SEQUENCE_NATTS = 3;

/** Relations the session may see: its own temporary schema, not other sessions'. */
export function relationsOf(ts: TableSession): TableDesc[] {
  const path = ts.searchPath();
  return ts.catalog.listTables(ts.reader(), ts.host.database).filter((r) => !isTempSchema(r.schema) || path.includes(r.schema));
}

/** The indexes of a table: primary key, UNIQUE constraints/indexes, plain CREATE INDEX. */
export function indexesOf(x: TableDesc): IndexDesc[] {
  return [...(x.primaryKey ? [x.primaryKey] : []), ...x.uniques, ...(x.indexes ?? [])];
}

/** One pg_class row (PostgreSQL 15's columns, less relfrozenxid/relminmxid/relacl). */
export function classRow(oid: number, name: string, nsp: number, p: {
  relam: number; filenode: number; hasIndex?: boolean; temp: boolean; kind: string; natts: number; checks?: number;
  rules?: boolean; triggers?: boolean; replident: string; options?: Record<string, string>;
}): Value[] {
  // reltuples: -1 (never vacuumed/analyzed) for tables and views; PostgreSQL counts 1 for a
  // sequence and the table's rows when an index is built (0 here: the count is not kept).
  const tuples = p.kind === 'S' ? 1 : p.kind === 'i' ? 0 : -1;
  const opts = p.options && Object.keys(p.options).length > 0 ? arrayOfValues(Object.entries(p.options).map(([k, v]) => `${k}=${v}`)) : null;
  return [
    oid, name, nsp, 0, 0, OWNER, p.relam, p.filenode, 0, 0, tuples, 0, 0, p.hasIndex ?? false, false, p.temp ? 't' : 'p', p.kind,
    p.natts, p.checks ?? 0, p.rules ?? false, p.triggers ?? false, false, false, false, true, p.replident, false, 0, opts, null,
  ];
}

export function pgClassRows(ts: TableSession): Value[][] {
  const db = ts.host.database, r = ts.reader();
  const rels = relationsOf(ts);
  const nspOid = new Map<string, number>();
  const nsp = (s: string): number => {
    let o = nspOid.get(s);
    if (o === undefined) nspOid.set(s, (o = ts.catalog.schemaOid(r, db, s)));
    return o;
  };
  // A table has FK triggers when it has a FOREIGN KEY or another table's FOREIGN KEY refers to it.
  const referenced = new Set<number>(rels.flatMap((x) => (x.foreignKeys ?? []).map((f) => f.refOid)));
  const out: Value[][] = [];
  const indexOids = new Set<number>();
  for (const x of rels) {
    const temp = isTempSchema(x.schema);
    switch (x.kind) {
      case 'table': {
        const foreign = x.external !== undefined;
        const idx = indexesOf(x);
        out.push(classRow(x.oid, x.name, nsp(x.schema), {
          relam: foreign ? 0 : HEAP_AM, filenode: foreign ? 0 : x.storageId, hasIndex: idx.length > 0, temp, kind: foreign ? 'f' : 'r',
          natts: x.columns.length, checks: x.checks.length, triggers: (x.foreignKeys ?? []).length > 0 || referenced.has(x.oid),
          replident: foreign ? 'n' : 'd', ...(x.options ? { options: x.options } : {}),
        }));
        for (const i of idx) {
          indexOids.add(i.oid);
          out.push(classRow(i.oid, i.name, nsp(x.schema), { relam: BTREE_AM, filenode: i.storageId, temp, kind: 'i', natts: i.attnums.length, replident: 'n' }));
        }
        break;
      }
      case 'view':
        out.push(classRow(x.oid, x.name, nsp(x.schema), { relam: 0, filenode: 0, temp, kind: 'v', natts: x.columns.length, rules: true, replident: 'n' }));
        break;
      case 'sequence':
        out.push(classRow(x.oid, x.name, nsp(x.schema), { relam: 0, filenode: x.storageId, temp, kind: 'S', natts: SEQUENCE_NATTS, replident: 'n' }));
        break;
      case 'index':
        break; // listed with its table (below, if the table did not list it)
      default: {
        const never: never = x.kind;
        throw new Error(`unexpected relation kind ${String(never)}`);
      }
    }
  }
  for (const x of rels) {
    if (x.kind === 'index' && !indexOids.has(x.oid)) {
      out.push(classRow(x.oid, x.name, nsp(x.schema), { relam: BTREE_AM, filenode: x.storageId, temp: isTempSchema(x.schema), kind: 'i', natts: x.indexOf?.attnums.length ?? 0, replident: 'n' }));
    }
  }
  return out;
}
