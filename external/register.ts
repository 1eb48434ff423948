// Registration of a Parquet location: list the files, read their schema through DuckDB, check
// declared columns and partition layout, and build the ExternalTableRef the catalog stores.
// Invariant: a ref is only produced when every declared column exists in the files with the same
// PostgreSQL type (42804 names both types otherwise) and every file carries every declared
// partition key in order (22P04 otherwise). Partition values stay raw strings here; the planner
// parses them with the declared type (22P02 on a bad value).
import { ExternalError } from './errors.js';
import type { ExternalEngine } from './duck.js';
import type { ExternalFile, Listing } from './listing.js';
import type { ExternalColumn } from './types.js';
import { parquetFileStats } from './file-stats.js';
import { REF_VERSION, type ExternalTableRef, type RefColumn, type RefFile } from './refs.js';

export interface DeclaredColumn {
  name: string;
  oid: number;
  typmod: number;
  /** PostgreSQL's name for the declared type (format_type), used in error messages. */
  typeName: string;
}

export interface RegisterRequest {
  location: string;
  /** Undefined: discover the columns from the files. */
  columns?: readonly DeclaredColumn[];
  partitionColumns?: readonly DeclaredColumn[];
  nowMs: number;
}

/** PostgreSQL names for the OIDs mapDuckType produces (messages only). */
const PG_NAMES: Record<number, string> = {
  16: 'boolean', 17: 'bytea', 20: 'bigint', 21: 'smallint', 23: 'integer', 25: 'text', 700: 'real',
  701: 'double precision', 1082: 'date', 1083: 'time without time zone', 1114: 'timestamp without time zone',
  1184: 'timestamp with time zone', 1186: 'interval', 1700: 'numeric', 2950: 'uuid',
};
const VARCHAR_OID = 1043;
const TEXT_OID = 25;

export async function registerParquet(engine: ExternalEngine, req: RegisterRequest): Promise<ExternalTableRef> {
  const listing = engine.list(req.location);
  const partitionColumns = req.partitionColumns ?? [];
  const files = listing.files.map((f) => partitionValues(f, listing, partitionColumns));
  const discovered = await engine.describeParquet(listing.files.map((f) => f.path));
  const columns = req.columns ? checkDeclared(req.columns, discovered) : discoveredColumns(discovered);
  for (const p of partitionColumns) {
    if (columns.some((c) => c.name === p.name || c.source === p.name)) {
      throw new ExternalError('42804', `partition column "${p.name}" is also a column of the Parquet files`);
    }
  }
  // Footer statistics for pruning point lookups and ranges (file-stats.ts).
  const stats = await parquetFileStats(engine, files.map((f) => f.path), columns);
  for (const f of files) {
    const s = stats.get(f.path);
    if (s && Object.keys(s).length > 0) f.stats = s;
  }
  return {
    version: REF_VERSION,
    format: 'parquet',
    location: req.location,
    baseDir: listing.baseDir,
    columns,
    partitionColumns: partitionColumns.map((p) => ({ name: p.name, source: p.name, oid: p.oid, typmod: p.typmod, duckType: '' })),
    files,
    registeredAtMs: req.nowMs,
  };
}

/** Files as the ref stores them; also used when a query re-lists a location. */
export function partitionValues(f: ExternalFile, listing: Listing, partitionColumns: readonly DeclaredColumn[] | readonly RefColumn[]): RefFile {
  const keys = f.partition.map(([k]) => k);
  const want = partitionColumns.map((p) => p.name);
  if (want.length > 0 && (keys.length !== want.length || keys.some((k, i) => k !== want[i]))) {
    throw new ExternalError('22P04', `file "${f.path}" does not follow the partition layout ${want.map((w) => `${w}=…`).join('/')}`, {
      detail: `Its directories below "${listing.baseDir}" name the keys (${keys.join(', ') || 'none'}).`,
      path: f.path,
    });
  }
  return { path: f.path, sizeBytes: f.sizeBytes, mtimeMs: f.mtimeMs, partition: want.length > 0 ? f.partition.map(([, v]) => v) : [] };
}

function discoveredColumns(discovered: readonly ExternalColumn[]): RefColumn[] {
  return discovered.map((c) => {
    switch (c.type.kind) {
      case 'mapped':
        return { name: c.name, source: c.name, oid: c.type.pg.oid, typmod: c.type.pg.typmod, duckType: c.type.duckType };
      case 'unsupported':
        // Kept in the ref (so SELECT * can name it in a 0A000) with OID 0.
        return { name: c.name, source: c.name, oid: 0, typmod: -1, duckType: c.type.duckType };
      default: {
        const never: never = c.type;
        return never;
      }
    }
  });
}

function checkDeclared(declared: readonly DeclaredColumn[], discovered: readonly ExternalColumn[]): RefColumn[] {
  const byName = new Map(discovered.map((c) => [c.name, c]));
  const byLower = new Map(discovered.map((c) => [c.name.toLowerCase(), c]));
  return declared.map((d): RefColumn => {
    const f = byName.get(d.name) ?? byLower.get(d.name.toLowerCase());
    if (!f) {
      throw new ExternalError('42703', `column "${d.name}" does not exist in the Parquet files`, {
        detail: `The files have columns: ${discovered.map((c) => c.name).join(', ')}.`,
      });
    }
    if (f.type.kind === 'unsupported') {
      throw new ExternalError('0A000', `column "${d.name}" has DuckDB type ${f.type.duckType}, which is not supported: ${f.type.reason}`);
    }
    const fileOid = f.type.pg.oid;
    const sameType =
      (fileOid === d.oid || (fileOid === TEXT_OID && d.oid === VARCHAR_OID)) &&
      (d.oid !== 1700 || d.typmod < 0 || d.typmod === f.type.pg.typmod);
    if (!sameType) {
      const fileName = PG_NAMES[fileOid] ?? `oid ${fileOid}`;
      throw new ExternalError('42804', `column "${d.name}" is declared as ${d.typeName} but the Parquet files store ${fileName} (DuckDB ${f.type.duckType})`);
    }
    // The file's real name is kept so that generated SQL can quote it exactly.
    return { name: d.name, source: f.name, oid: d.oid, typmod: d.typmod, duckType: f.type.duckType };
  });
}
