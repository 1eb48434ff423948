// The pg_catalog relations Pyralog answers (pg_namespace, pg_class, pg_attribute, pg_type, …),
// so psql's \d family and drivers can read the catalog as they do on PostgreSQL. As with
// information_schema (information-schema.ts) there is no stored pg_catalog: each is a view whose
// defining query is `SELECT * FROM pg_catalog._pg_catalog_view('<name>')`, which the planner
// (planner/funcs/pg-catalog.ts) answers from the catalog through the statement's snapshot every
// time the view is scanned. Descriptors are built on lookup and never stored; they are views, so
// INSERT/UPDATE/DELETE get PostgreSQL's "cannot … view" errors rather than a write to nowhere.

import type { TableDesc } from './desc.js';
import { builtinCatalogView } from './builtin-view.js';

/** The pg_catalog relations that exist, with PostgreSQL 15's OIDs (stable: they are constants). */
export const PG_CATALOG_RELATIONS: ReadonlyMap<string, number> = new Map([
  ['pg_namespace', 2615], ['pg_class', 1259], ['pg_attribute', 1249], ['pg_type', 1247], ['pg_am', 2601],
  ['pg_index', 2610], ['pg_inherits', 2611], ['pg_description', 2609], ['pg_attrdef', 2604], ['pg_constraint', 2606],
  ['pg_collation', 3456], ['pg_policy', 3256], ['pg_statistic_ext', 3381], ['pg_publication', 6104], ['pg_publication_namespace', 6237],
  ['pg_publication_rel', 6106], ['pg_roles', 12000], ['pg_trigger', 2620],
]);

/** The internal function the views scan, qualified with pg_catalog. */
export const PG_CATALOG_FUNCTION = '_pg_catalog_view';

/** The view descriptor of pg_catalog.<name> in database `db`, or undefined. */
export function pgCatalogView(db: string, name: string): TableDesc | undefined {
  const oid = PG_CATALOG_RELATIONS.get(name);
  if (oid === undefined) return undefined;
  return builtinCatalogView(db, 'pg_catalog', name, oid, PG_CATALOG_FUNCTION);
}
