// CREATE EXTERNAL TABLE without the catalog write: resolve declared types (through the session's
// binder, passed in as `typeOf`), register the location through external/, and return what the
// catalog entry needs (columns with PostgreSQL types + the encoded ExternalTableRef). The caller
// writes the TableDesc in its transaction, so DDL stays transactional.
import { DbError, formatType } from '../../catalog/index.js';
import { encodeRef, registerParquet, type DeclaredColumn, type ExternalEngine, type ExternalTableRef } from '../../external/index.js';
import { withDbErrors } from './convert.js';
import type { ColumnDef, ExternalStatement } from './statements.js';

export interface ResolvedType {
  oid: number;
  typmod: number;
}

/**
 * The binder's type resolution for one column (42704 if unknown): `col.typeName` (a libpg-query
 * TypeName, PostgreSQL's spelling) when present, else `col.typeText` (Pyralog's spelling).
 */
export type TypeOf = (col: ColumnDef) => ResolvedType;

export interface ExternalTablePlan {
  /** Table columns in order: file columns, then partition columns. */
  columns: { name: string; typeOid: number; typmod: number }[];
  ref: ExternalTableRef;
  /** `encodeRef(ref)`: the text the catalog stores (external/REFS.md). */
  refText: string;
}

/** Types external tables can carry end to end (the DuckDB side has an exact counterpart). */
const SUPPORTED = new Set([16, 17, 20, 21, 23, 25, 1043, 700, 701, 1082, 1083, 1114, 1184, 1186, 1700, 2950]);

function declared(defs: readonly ColumnDef[], typeOf: TypeOf): DeclaredColumn[] {
  return defs.map((d) => {
    const t = typeOf(d);
    if (!SUPPORTED.has(t.oid)) {
      throw new DbError('0A000', `type ${formatType(t.oid, t.typmod)} is not supported for external table columns`, { position: d.pos });
    }
    return { name: d.name, oid: t.oid, typmod: t.typmod, typeName: formatType(t.oid, t.typmod) };
  });
}

export async function planExternalTable(
  stmt: Extract<ExternalStatement, { kind: 'createExternalTable' }>,
  engine: ExternalEngine,
  typeOf: TypeOf,
  nowMs: number,
): Promise<ExternalTablePlan> {
  const columns = stmt.columns ? declared(stmt.columns, typeOf) : undefined;
  const partitionColumns = declared(stmt.partitionedBy, typeOf);
  const ref = await withDbErrors(() =>
    registerParquet(engine, { location: stmt.location, ...(columns ? { columns } : {}), partitionColumns, nowMs }),
  );
  const bad = ref.columns.find((c) => c.oid === 0);
  if (bad) {
    throw new DbError('0A000', `column "${bad.name}" has DuckDB type ${bad.duckType}, which has no PostgreSQL equivalent here`, {
      hint: 'List the columns to use: CREATE EXTERNAL TABLE name (column type, ...) STORED AS PARQUET LOCATION ...',
    });
  }
  return {
    columns: [...ref.columns, ...ref.partitionColumns].map((c) => ({ name: c.name, typeOid: c.oid, typmod: c.typmod })),
    ref,
    refText: encodeRef(ref),
  };
}

export { externalTableReadOnly } from './scan-rows.js';
