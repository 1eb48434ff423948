// Files added, removed or changed since registration: the catalog's file list (ExternalTableRef
// .files) is a snapshot taken at CREATE EXTERNAL TABLE; a query calls `relistRef` before it
// reads, so it sees the location as it is now. Behaviour (external/README.md, "Changed files"):
// - the LOCATION is listed again (cheap locally: one readdir walk, no file is opened; a walk is
//   reused while no walked directory's mtime moved, listing-cache.ts); a
//   directory or glob means "whatever Parquet files are there now": added files are read, removed
//   files are not, and a location that has become empty is 58P01 as at registration;
// - a file whose size or mtime changed is read as it is now (DuckDB reads the current bytes; if
//   its columns changed incompatibly the read fails with DuckDB's error, mapped as usual);
// - a LOCATION naming one file that is gone is 58P01 naming the file;
// - new files go through the same checks as at registration: inside the roots (42501, also via
//   symlinks), the declared hive layout (22P04 naming the file); their partition values are
//   parsed by the planner with the declared types (22P02 naming the file).
// Invariants: the returned ref differs from the input only in `files` (columns, partition
// columns, location, baseDir and registeredAtMs are kept); files stay sorted by path.
import type { ExternalEngine } from './duck.js';
import { diffListings, type ExternalFile, type Listing, type ListingDiff } from './listing.js';
import { partitionValues } from './register.js';
import type { ExternalTableRef, RefFile } from './refs.js';

export interface Relisted {
  /** The ref with the current file list. */
  ref: ExternalTableRef;
  /** What changed since registration (empty lists when nothing did). */
  diff: ListingDiff;
}

export function relistRef(engine: ExternalEngine, ref: ExternalTableRef): Relisted {
  const listing = engine.listForQuery(ref.location);
  // The same (cached, still valid) listing and the same ref give the same answer: computed once
  // (60 partitions: ~0.17 ms per query otherwise). Callers must not modify the result.
  return engine.derived(listing, ref, () => relistWith(listing, ref));
}

function relistWith(listing: Listing, ref: ExternalTableRef): Relisted {
  const files: RefFile[] = listing.files.map((f) => partitionValues(f, listing, ref.partitionColumns));
  const before: ExternalFile[] = ref.files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, mtimeMs: f.mtimeMs, partition: [] }));
  const diff = diffListings(before, listing.files);
  if (diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0) return { ref, diff };
  return { ref: { ...ref, files }, diff };
}
