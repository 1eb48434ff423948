// The type vocabulary external/ shares with the planner without importing catalog/: PostgreSQL
// types as OID numbers (+ typmod), DuckDB types as DuckDB's own names. The planner looks the OIDs
// up in catalog/types. Invariant: every DuckDB type either maps to exactly one PostgreSQL type or
// is reported unsupported with its DuckDB name (the planner raises 0A000 when such a column is
// used) — never a silent lossy conversion.
import { DuckDBTypeId, type DuckDBType, DuckDBDecimalType } from '@duckdb/node-api';

/** PostgreSQL type OIDs external/ produces (same numbers as catalog/types/oids.ts). */
export const PgOid = Object.freeze({
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  float4: 700,
  float8: 701,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  uuid: 2950,
});
export type PgOid = (typeof PgOid)[keyof typeof PgOid];

export interface PgTypeRef {
  oid: PgOid;
  /** PostgreSQL typmod: numeric(p,s) = ((p << 16) | s) + 4; -1 = none. */
  typmod: number;
}

export type ColumnTypeMapping =
  | { kind: 'mapped'; pg: PgTypeRef; duckType: string }
  | { kind: 'unsupported'; duckType: string; reason: string };

export interface ExternalColumn {
  name: string;
  type: ColumnTypeMapping;
}

const plain = (oid: PgOid): PgTypeRef => ({ oid, typmod: -1 });

/** numeric(p,s) typmod, PostgreSQL's packing. */
export function numericTypmod(precision: number, scale: number): number {
  return ((precision << 16) | scale) + 4;
}

/** DuckDB result/DESCRIBE type → PostgreSQL type (see README.md, "Type map"). */
export function mapDuckType(t: DuckDBType): ColumnTypeMapping {
  const duckType = t.toString();
  const ok = (pg: PgTypeRef): ColumnTypeMapping => ({ kind: 'mapped', pg, duckType });
  const no = (reason: string): ColumnTypeMapping => ({ kind: 'unsupported', duckType, reason });
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return ok(plain(PgOid.bool));
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.SMALLINT:
      return ok(plain(PgOid.int2));
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.INTEGER:
      return ok(plain(PgOid.int4));
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.BIGINT:
      return ok(plain(PgOid.int8));
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      // Wider than int8: numeric keeps every value exactly.
      return ok(plain(PgOid.numeric));
    case DuckDBTypeId.DECIMAL: {
      const d = t as DuckDBDecimalType;
      return ok({ oid: PgOid.numeric, typmod: numericTypmod(d.width, d.scale) });
    }
    case DuckDBTypeId.FLOAT:
      return ok(plain(PgOid.float4));
    case DuckDBTypeId.DOUBLE:
      return ok(plain(PgOid.float8));
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
      return ok(plain(PgOid.text));
    case DuckDBTypeId.BLOB:
      return ok(plain(PgOid.bytea));
    case DuckDBTypeId.DATE:
      return ok(plain(PgOid.date));
    case DuckDBTypeId.TIME:
      return ok(plain(PgOid.time));
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
      return ok(plain(PgOid.timestamp));
    case DuckDBTypeId.TIMESTAMP_TZ:
      return ok(plain(PgOid.timestamptz));
    case DuckDBTypeId.INTERVAL:
      return ok(plain(PgOid.interval));
    case DuckDBTypeId.UUID:
      return ok(plain(PgOid.uuid));
    case DuckDBTypeId.TIMESTAMP_NS:
      return no('nanosecond timestamps have no exact PostgreSQL type');
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return no('array columns are not supported yet');
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION:
    case DuckDBTypeId.VARIANT:
      return no('nested columns have no PostgreSQL type here');
    default:
      return no('no PostgreSQL equivalent');
  }
}

/**
 * PostgreSQL type → the DuckDB type name used in generated SQL (CASTs, hive_types, declared
 * column checks). Returns undefined for types DuckDB fragments cannot carry.
 */
export function duckTypeFor(pg: PgTypeRef): string | undefined {
  switch (pg.oid) {
    case PgOid.bool:
      return 'BOOLEAN';
    case PgOid.bytea:
      return 'BLOB';
    case PgOid.int2:
      return 'SMALLINT';
    case PgOid.int4:
      return 'INTEGER';
    case PgOid.int8:
      return 'BIGINT';
    case PgOid.text:
      return 'VARCHAR';
    case PgOid.float4:
      return 'FLOAT';
    case PgOid.float8:
      return 'DOUBLE';
    case PgOid.date:
      return 'DATE';
    case PgOid.time:
      return 'TIME';
    case PgOid.timestamp:
      return 'TIMESTAMP';
    case PgOid.timestamptz:
      return 'TIMESTAMP WITH TIME ZONE';
    case PgOid.interval:
      return 'INTERVAL';
    case PgOid.uuid:
      return 'UUID';
    case PgOid.numeric: {
      if (pg.typmod < 4) return undefined; // unconstrained numeric: DuckDB DECIMAL tops at 38 digits
      const t = pg.typmod - 4;
      const p = (t >> 16) & 0xffff;
      const s = t & 0xffff;
      return p <= 38 ? `DECIMAL(${p},${s})` : undefined;
    }
    default: {
      const never: never = pg.oid;
      return never;
    }
  }
}
