// System-information functions over relations that take regclass, as PostgreSQL 15 defines
// them: pg_relation_is_publishable(regclass), and pg_get_statisticsobjdef_columns(oid), NULL for
// every OID as for any OID that names no statistics object (pg_statistic_ext is empty: Pyralog
// has no CREATE STATISTICS); pg_get_triggerdef likewise (pg_trigger is empty).

import { TypeOid, type RegclassValue } from '../../catalog/index.js';
import type { EvalContext } from '../bind/expr.js';
import { fn, type FnDef } from './def.js';
import { allClassRows } from './pg-catalog.js';

/** PostgreSQL's FirstNormalObjectId: OIDs below it belong to the system. */
const FIRST_NORMAL_OBJECT_ID = 16384;
/** pg_class row positions (pg-catalog.ts PG_CATALOG_COLUMNS.pg_class). */
const RELPERSISTENCE = 15, RELKIND = 16;

/**
 * is_publishable_class: an ordinary or partitioned table, permanent, not a system relation.
 * NULL when the OID names no relation (PostgreSQL's SearchSysCache miss).
 */
export function relationIsPublishable(ctx: EvalContext, oid: number): boolean | null {
  if (!ctx.tables) throw new Error('pg_relation_is_publishable needs a session');
  const row = allClassRows(ctx.tables).find((x) => x[0] === oid);
  if (row === undefined) return null;
  const kind = row[RELKIND], persistence = row[RELPERSISTENCE];
  return (kind === 'r' || kind === 'p') && persistence === 'p' && oid >= FIRST_NORMAL_OBJECT_ID;
}

export function relationFunctions(): FnDef[] {
  return [
    fn('pg_relation_is_publishable', [TypeOid.regclass], TypeOid.bool,
      (a, ctx) => relationIsPublishable(ctx, (a[0] as RegclassValue).oid), { volatility: 'stable' }),
    fn('pg_get_statisticsobjdef_columns', [TypeOid.oid], TypeOid.text, () => null, { volatility: 'stable' }),
    // pg_trigger is empty: PostgreSQL's pg_get_triggerdef is NULL for an OID that names no trigger.
    fn('pg_get_triggerdef', [TypeOid.oid], TypeOid.text, () => null, { volatility: 'stable' }),
    fn('pg_get_triggerdef', [TypeOid.oid, TypeOid.bool], TypeOid.text, () => null, { volatility: 'stable' }),
  ];
}
