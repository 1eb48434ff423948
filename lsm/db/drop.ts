// dropTable's helpers (the orchestration is LsmDb.dropTable): what of a table still sits in
// memtables, and the limits that choose between tombstones, a flush, and waiting for old
// snapshots. See ../README.md "dropTable".
import type { Memtable } from '../memtable/index.js';
import type { TableId } from '../types.js';

/** Memtable versions of a dropped table above which they are flushed (then dropped with their
 *  files) instead of each getting a tombstone. */
export const DROP_TOMBSTONES_MAX = 10_000;
/** How long a drop waits for snapshots older than it before it writes a tombstone per row. */
export const DROP_WAIT_MS = 30_000;
export const DROP_POLL_MS = 20;

export function memtableVersions(mem: Memtable, imms: readonly Memtable[], table: TableId): number {
  let n = mem.perTable.get(table)?.count ?? 0;
  for (const m of imms) n += m.perTable.get(table)?.count ?? 0;
  return n;
}

/** Distinct keys of `table` in the memtables (any version, tombstones included). */
export function memtableKeys(mem: Memtable, imms: readonly Memtable[], table: TableId): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (const m of [mem, ...imms]) {
    if (!m.perTable.has(table)) continue;
    for (const e of m.iterate(table)) {
      const s = Buffer.from(e.key.buffer, e.key.byteOffset, e.key.byteLength).toString('latin1');
      if (!seen.has(s)) seen.set(s, e.key);
    }
  }
  return [...seen.values()];
}
