// Listings of directory and glob LOCATIONs kept between queries, so that a query over a
// partitioned table does not walk every directory and stat every file each time (60 hive
// partitions: ~4 ms per query before this cache).
// Rule (external/README.md "Changed files"): a cached listing is reused while every directory it
// walked still has the mtime recorded before that directory was read. Adding, removing or renaming
// an entry (also a rename-into-place of a rewritten file) changes its directory's mtime, so the
// set of files is exactly the cached one. A file rewritten in place keeps its directory's mtime:
// its cached size/mtime are then stale, which is harmless because DuckDB reads the file as it is
// now and statistics pruning re-stats every file it would skip (planner/external/prefetch.ts
// `pruneFiles`), so stale statistics never prune a changed file.
// A directory mtime is trusted only when it is older than the walk by more than
// MTIME_TRUST_MARGIN_MS: a change in the same clock tick as the walk might not move the mtime.
// A file LOCATION is never cached (one stat is as cheap as the check). Bounded: MAX_ENTRIES
// locations, the least recently used dropped first.
import { statSync } from 'node:fs';
import type { Listing } from './listing.js';

const MAX_ENTRIES = 256;
const MTIME_TRUST_MARGIN_MS = 2000;

interface Entry {
  listing: Listing;
  /** Wall clock when the walk started. */
  takenAtMs: number;
}

export class ListingCache {
  private readonly entries = new Map<string, Entry>();

  /** The cached listing of `location` if still valid, else `list()`'s (cached when it can be). */
  get(location: string, list: () => Listing): Listing {
    const hit = this.entries.get(location);
    if (hit) {
      this.entries.delete(location);
      if (stillValid(hit)) {
        this.entries.set(location, hit);
        return hit.listing;
      }
    }
    const takenAtMs = Date.now();
    const listing = list();
    if (listing.dirs.length > 0) {
      this.entries.set(location, { listing, takenAtMs });
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    return listing;
  }

  clear(): void {
    this.entries.clear();
  }
}

function stillValid(e: Entry): boolean {
  for (const d of e.listing.dirs) {
    if (d.mtimeMs > e.takenAtMs - MTIME_TRUST_MARGIN_MS) return false;
    let now: number;
    try {
      now = statSync(d.path).mtimeMs;
    } catch {
      return false;
    }
    if (now !== d.mtimeMs) return false;
  }
  return true;
}
