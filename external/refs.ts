// ExternalTableRef: what the catalog stores for an external table (spec: REFS.md). The catalog
// keeps it as one opaque text cell; encode/decode live here, next to the spec, and are tested
// together. Invariant: decodeRef(encodeRef(r)) deep-equals r; anything else fed to decodeRef is
// XX001 ("corrupt external table reference"), never a half-read object.
import { ExternalError } from './errors.js';

export const REF_VERSION = 1;

export interface RefColumn {
  /** The SQL column name (as declared, or as discovered). */
  name: string;
  /** The column's name in the files (partition key for partition columns); generated SQL quotes this. */
  source: string;
  /** PostgreSQL type OID and typmod (catalog/types vocabulary). */
  oid: number;
  typmod: number;
  /** DuckDB's type for the column in the files ('' for partition columns: they live in paths). */
  duckType: string;
}

export interface RefFile {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  /** Raw partition values in `partitionColumns` order (null = __HIVE_DEFAULT_PARTITION__). */
  partition: (string | null)[];
  /** Column bounds by SQL column name (file-stats.ts); absent in refs written before them. */
  stats?: RefFileStats;
}

/**
 * Per column: [min, max] as text DuckDB printed in the column's type, or null when the file holds
 * no non-NULL value of it. A column without an entry is unknown (never pruned).
 */
export type RefFileStats = Record<string, [string, string] | null>;

export interface ExternalTableRef {
  version: typeof REF_VERSION;
  format: 'parquet';
  /** LOCATION exactly as the user wrote it. */
  location: string;
  /** Realpath the partition segments are relative to. */
  baseDir: string;
  columns: RefColumn[];
  partitionColumns: RefColumn[];
  files: RefFile[];
  registeredAtMs: number;
}

export function encodeRef(ref: ExternalTableRef): string {
  return JSON.stringify({
    version: ref.version,
    format: ref.format,
    location: ref.location,
    baseDir: ref.baseDir,
    columns: ref.columns.map(col),
    partitionColumns: ref.partitionColumns.map(col),
    files: ref.files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, mtimeMs: f.mtimeMs, partition: f.partition, ...(f.stats ? { stats: f.stats } : {}) })),
    registeredAtMs: ref.registeredAtMs,
  });
}

const col = (c: RefColumn): RefColumn => ({ name: c.name, source: c.source, oid: c.oid, typmod: c.typmod, duckType: c.duckType });

function corrupt(why: string): ExternalError {
  return new ExternalError('XX001', `corrupt external table reference: ${why}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function decodeColumn(v: unknown): RefColumn {
  if (!isObj(v) || typeof v.name !== 'string' || typeof v.source !== 'string' || !isInt(v.oid) || !isInt(v.typmod) || typeof v.duckType !== 'string') {
    throw corrupt('bad column entry');
  }
  return { name: v.name, source: v.source, oid: v.oid, typmod: v.typmod, duckType: v.duckType };
}

function decodeStats(v: unknown): RefFileStats {
  if (!isObj(v)) throw corrupt('bad file statistics');
  const out: RefFileStats = {};
  for (const [k, b] of Object.entries(v)) {
    if (b === null) out[k] = null;
    else if (Array.isArray(b) && b.length === 2 && typeof b[0] === 'string' && typeof b[1] === 'string') out[k] = [b[0], b[1]];
    else throw corrupt(`bad statistics of column "${k}"`);
  }
  return out;
}

export function decodeRef(text: string): ExternalTableRef {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw corrupt('not JSON');
  }
  if (!isObj(v)) throw corrupt('not an object');
  if (v.version !== REF_VERSION) throw corrupt(`unknown version ${String(v.version)}`);
  if (v.format !== 'parquet') throw corrupt(`unknown format ${String(v.format)}`);
  if (typeof v.location !== 'string' || typeof v.baseDir !== 'string') throw corrupt('bad location');
  if (!Array.isArray(v.columns) || !Array.isArray(v.partitionColumns) || !Array.isArray(v.files)) {
    throw corrupt('missing lists');
  }
  if (!isInt(v.registeredAtMs)) throw corrupt('bad registeredAtMs');
  const columns = v.columns.map(decodeColumn);
  const partitionColumns = v.partitionColumns.map(decodeColumn);
  const files = v.files.map((f): RefFile => {
    if (!isObj(f) || typeof f.path !== 'string' || !isInt(f.sizeBytes) || !isInt(f.mtimeMs) || !Array.isArray(f.partition)) {
      throw corrupt('bad file entry');
    }
    if (f.partition.length !== partitionColumns.length || !f.partition.every((p) => p === null || typeof p === 'string')) {
      throw corrupt('partition values do not match the partition columns');
    }
    const out: RefFile = { path: f.path, sizeBytes: f.sizeBytes, mtimeMs: f.mtimeMs, partition: f.partition as (string | null)[] };
    if (f.stats !== undefined) out.stats = decodeStats(f.stats);
    return out;
  });
  return {
    version: REF_VERSION,
    format: 'parquet',
    location: v.location,
    baseDir: v.baseDir,
    columns,
    partitionColumns,
    files,
    registeredAtMs: v.registeredAtMs,
  };
}
