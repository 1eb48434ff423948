// The one ordering of entries in lsm/: (table asc, key bytes asc unsigned, seq DESC).
// Reverse iteration is the exact mirror of it: (table desc, key desc, seq ASC). Every source
// (memtable, segment, merged view) must yield one of these two orders; the merging iterator and
// visibleOnly rely on it and do not re-check.
import type { Entry } from '../types.js';

/** Unsigned byte comparison with Buffer.compare semantics, without allocating Buffers. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Forward order: negative when `a` comes first. */
export function compareEntries(a: Entry, b: Entry): number {
  if (a.table !== b.table) return a.table < b.table ? -1 : 1;
  const k = compareBytes(a.key, b.key);
  if (k !== 0) return k;
  // Same key: newer (larger seq) first.
  return a.seq === b.seq ? 0 : a.seq > b.seq ? -1 : 1;
}

/** True when both entries are versions of the same (table, key). */
export function sameKey(a: Entry, b: Entry): boolean {
  return a.table === b.table && compareBytes(a.key, b.key) === 0;
}
