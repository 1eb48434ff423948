// Point lookups by an integer key answered from key runs (external/key-runs.ts, lookup-runs.ts):
// for a placement-A fragment over one file whose whole WHERE is `key = constant`, the rows with
// that key are found from the file's key runs and read by `file_row_number` — DuckDB then reads
// only the output columns of those rows' row groups, not the key column (issue 5: ~4.5 → ~3 ms
// in-process for the bench's lookup). A key outside every block is answered without DuckDB.
// Exactness: the runs are used only for the file's identity (size, mtime ns, inode) they were
// computed for, checked by a stat before the read and again after it — a file replaced meanwhile
// makes the caller discard the rows and read the file as usual. Anything else (a block that
// may hold the key but is not dense, no index yet, another filter, aggregates, several files)
// takes the usual path, which DuckDB answers with its own row-group pruning. Loaded by dynamic
// import (it pulls in DuckDB), from placement-a-run.ts.
import { keyRunsSupported, rowsWithKey, type ExternalEngine } from '../../external/index.js';
import type { Fragment } from './fragment.js';
import { fileIdentity, type KeyRunCache } from './lookup-runs.js';

const INT_OIDS = new Set([20, 21, 23]);

export interface KeyLookup {
  column: string;
  /** Its name in the file and DuckDB type. */
  source: string;
  duckType: string;
  key: { oid: number; typmod: number; value: bigint | number };
}

/** The fragment's one filter as `integer column = non-NULL integer constant`, or undefined. */
export function keyLookupOf(f: Fragment): KeyLookup | undefined {
  if (f.files.length !== 1 || f.filters.length !== 1 || f.output.kind !== 'columns' || f.rowTarget) return undefined;
  // A file column named like DuckDB's virtual column would be shadowed by it.
  if ([...f.ref.columns, ...f.ref.partitionColumns].some((c) => c.source.toLowerCase() === 'file_row_number')) return undefined;
  const e = f.filters[0]!;
  if (e.kind !== 'cmp' || e.op !== '=') return undefined;
  const [c, k] = e.left.kind === 'col' ? [e.left, e.right] : [e.right, e.left];
  if (c.kind !== 'col' || k.kind !== 'const' || !INT_OIDS.has(k.oid)) return undefined;
  if (typeof k.value !== 'bigint' && typeof k.value !== 'number') return undefined;
  const col = f.ref.columns.find((x) => x.name === c.name);
  if (!col || !INT_OIDS.has(col.oid) || !keyRunsSupported(col.duckType)) return undefined;
  return { column: col.name, source: col.source, duckType: col.duckType, key: { oid: k.oid, typmod: k.typmod, value: k.value } };
}

export type Targeted =
  /** Rows at these positions hold the key (none: no row has it); `identity` as read. */
  | { rows: bigint[]; identity: string; lookup: KeyLookup }
  | undefined;

/** The positions of the lookup's rows from the file's key runs, or undefined (usual path). */
export function targetRows(cache: KeyRunCache, engine: ExternalEngine, f: Fragment): Targeted {
  const lookup = keyLookupOf(f);
  if (!lookup) return undefined;
  const file = f.files[0]!.path;
  const identity = fileIdentity(file);
  if (identity === undefined) return undefined;
  const runs = cache.get(engine, file, lookup.source, lookup.duckType, identity);
  if (!runs) return undefined;
  const rows = rowsWithKey(runs, BigInt(lookup.key.value));
  return rows ? { rows, identity, lookup } : undefined;
}

/** Whether the file still has the identity the rows were located with. */
export function stillSameFile(f: Fragment, identity: string): boolean {
  return fileIdentity(f.files[0]!.path) === identity;
}
