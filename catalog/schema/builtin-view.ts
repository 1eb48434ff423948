// The descriptor of a built-in catalog view (information_schema.<name>, pg_catalog.<name>): a view
// whose query is `SELECT * FROM <schema>.<fn>('<name>')`, the set-returning function the planner
// answers from the catalog at scan time (planner/funcs/info-schema.ts, pg-catalog.ts). Nothing is
// stored: the descriptor is made on each lookup.
import type { TableDesc } from './desc.js';

export function builtinCatalogView(db: string, schema: string, name: string, oid: number, fn: string): TableDesc {
  const viewQuery = {
    kind: 'SelectStmt',
    targetList: [{ kind: 'ResTarget', val: { kind: 'ColumnRef', fields: [{ kind: 'A_Star' }] } }],
    fromClause: [{
      kind: 'RangeFunction',
      functions: [{ kind: 'List', items: [{
        kind: 'FuncCall',
        funcname: [{ kind: 'String', sval: schema }, { kind: 'String', sval: fn }],
        args: [{ kind: 'A_Const', sval: { sval: name } }],
        funcformat: 'COERCE_EXPLICIT_CALL',
      }, {}] }],
    }],
    limitOption: 'LIMIT_OPTION_DEFAULT',
    op: 'SETOP_NONE',
  };
  return { kind: 'view', oid, db, schema, name, storageId: 0, columns: [], uniques: [], checks: [], viewQuery };
}
