// Catalog objects as the rest of the server sees them: tables (with columns and constraints),
// sequences and schemas. They are stored as JSON in system-table rows (systables.ts,
// ../STORAGE.md); these are the decoded shapes.
//
// Invariants:
// - `oid` never changes for the life of a relation; `storageId` (PostgreSQL's relfilenode: the
//   lsm table holding the rows) changes on TRUNCATE, so old rows become unreachable atomically.
// - A column's `attnum` is its 1-based slot in the stored row and never changes; dropped columns
//   keep their slot (`dropped: true`) so stored rows stay readable. Rows written before an
//   ADD COLUMN are shorter: missing trailing cells read as the column's `missing` value (NULL
//   unless the column was added with a constant default, PostgreSQL's attmissingval).
// - Expressions (defaults, CHECKs) are stored as parse trees with locations stripped, and bound
//   again when a statement uses the table (PostgreSQL stores node trees in pg_attrdef too).

export type RelKind = 'table' | 'sequence' | 'index' | 'view';

export interface ColumnDesc {
  name: string;
  attnum: number;
  typeOid: number;
  typmod: number;
  notNull: boolean;
  /** DEFAULT expression: a planner AST node (JSON), locations stripped. */
  defaultExpr?: unknown;
  identity?: 'always' | 'by default';
  dropped?: boolean;
  /** Value (as a stored cell) for rows written before this column existed. */
  missing?: null | boolean | number | string;
}

export interface IndexDesc {
  name: string;
  oid: number;
  /** lsm table of the index entries (unique indexes); equals the table's storageId for a PK. */
  storageId: number;
  attnums: number[];
  primary: boolean;
  /** Expression index: per position the expression (planner AST JSON, locations stripped) where
   *  `attnums` holds 0, as pg_index.indexprs pairs with indkey 0. Absent = plain columns. */
  exprs?: Array<unknown | null>;
}

export interface CheckDesc {
  name: string;
  /** pg_constraint OID, given by SchemaCatalog.putTable when the descriptor is first written
   *  with this constraint (absent in descriptors written before CHECKs had OIDs). */
  oid?: number;
  /** A planner AST node (JSON), locations stripped. */
  expr: unknown;
  /** Original text for error messages / \d (best effort). */
  text?: string;
  /** NO INHERIT (pg_constraint.connoinherit); absent = false. Pyralog has no table inheritance,
   *  so it is only kept and shown. */
  noInherit?: boolean;
  /** Added NOT VALID and not validated since (pg_constraint.convalidated false): existing rows
   *  were not checked, new rows are. Absent = validated. */
  notValid?: boolean;
}

/** FOREIGN KEY actions, pg_constraint.confdeltype/confupdtype letters. */
export type FkAction = 'a' | 'r' | 'c' | 'n' | 'd';

/** A FOREIGN KEY of a table (optional field; descs written before FKs existed have none). */
export interface ForeignKeyDesc {
  name: string;
  oid: number;
  /** Referencing columns of this table. */
  attnums: number[];
  /** The referenced table by oid (survives renames) and its columns, pairwise with `attnums`. */
  refOid: number;
  refAttnums: number[];
  onDelete: FkAction;
  onUpdate: FkAction;
  /** Added NOT VALID and not validated since (pg_constraint.convalidated false); absent = validated. */
  notValid?: boolean;
}

export interface SequenceOptions {
  /** Decimal strings: bigint does not survive JSON. */
  start: string;
  increment: string;
  min: string;
  max: string;
  cycle: boolean;
  /** The column that owns the sequence (serial), as "table.column". */
  ownedBy?: string;
  typeOid: number;
}

export interface TableDesc {
  kind: RelKind;
  oid: number;
  db: string;
  schema: string;
  name: string;
  storageId: number;
  columns: ColumnDesc[];
  primaryKey?: IndexDesc;
  uniques: IndexDesc[];
  checks: CheckDesc[];
  /** FOREIGN KEY constraints of this table (planner/ddl/fk.ts); absent = none. */
  foreignKeys?: ForeignKeyDesc[];
  /** Oids of tables that have (or had: entries may be stale, never missing) a FOREIGN KEY
   *  referencing this table, so statements on other tables need not look for referrers. */
  referencedBy?: number[];
  /** Without a primary key rows are keyed by a hidden row id (an increasing int8). */
  sequence?: SequenceOptions;
  /** kind 'index': the indexed table (same schema) and whether the index enforces uniqueness. */
  indexOf?: { table: string; unique: boolean; attnums: number[] };
  /** kind 'view': the defining query (planner AST JSON, locations stripped). */
  viewQuery?: unknown;
  /** Non-unique secondary indexes declared on a table (catalog entries; scans do not use them yet). */
  indexes?: IndexDesc[];
  /** WITH (...) storage parameters, accepted and kept (fillfactor, ...). */
  options?: Record<string, string>;
  /** issue 5: an external table: encodeRef(ref) of external/REFS.md (no rows in the lsm; storageId unused). */
  external?: string;
}

/** Live (not dropped) columns in attnum order. */
export function liveColumns(t: TableDesc): ColumnDesc[] {
  return t.columns.filter((c) => !c.dropped);
}

export function findColumn(t: TableDesc, name: string): ColumnDesc | undefined {
  return t.columns.find((c) => !c.dropped && c.name === name);
}

/** Removes `location` fields from an AST so a stored expression does not depend on the text. */
export function stripLocations(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(stripLocations);
  if (n === null || typeof n !== 'object') return n;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
    if (k === 'location') continue;
    out[k] = stripLocations(v);
  }
  return out;
}
