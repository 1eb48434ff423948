// The information_schema views Pyralog answers (schemata, tables, views, columns, …). There is
// no pg_catalog underneath to define them over in SQL, so each is a view whose defining query
// is `SELECT * FROM information_schema._pg_catalog_view('<name>')`: the planner's set-returning
// function of that name (planner/funcs/info-schema.ts) reads the catalog through the
// statement's own snapshot every time the view is scanned. The view descriptors are built here,
// on lookup; they are never stored (their schema's rows are not in SYS_RELATION).

import type { TableDesc } from './desc.js';
import { builtinCatalogView } from './builtin-view.js';

/** Names of the information_schema views that exist (the planner function answers each). */
export const INFORMATION_SCHEMA_VIEWS: ReadonlySet<string> = new Set([
  'schemata', 'tables', 'views', 'columns', 'character_sets', 'table_constraints', 'key_column_usage',
  'referential_constraints', 'constraint_column_usage', 'constraint_table_usage', 'check_constraints', 'sequences',
]);

/** The internal function the views scan (qualified with information_schema, like _pg_expandarray). */
export const INFORMATION_SCHEMA_FUNCTION = '_pg_catalog_view';

/** OIDs of the views: fixed, below FirstNormalObjectId as PostgreSQL's built-in objects are. */
const VIEW_OID_BASE = 13000;

/** The view descriptor of information_schema.<name> in database `db`, or undefined. */
export function informationSchemaView(db: string, name: string): TableDesc | undefined {
  if (!INFORMATION_SCHEMA_VIEWS.has(name)) return undefined;
  const oid = VIEW_OID_BASE + [...INFORMATION_SCHEMA_VIEWS].indexOf(name);
  return builtinCatalogView(db, 'information_schema', name, oid, INFORMATION_SCHEMA_FUNCTION);
}
