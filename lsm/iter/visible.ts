// Snapshot visibility over a merged, sorted stream of versions.
// For each (table, key) yield the newest version with seq <= snapshotSeq, and nothing at all
// when that version is a deletion (or when no version is visible). Works in both directions:
// forward streams list a key's versions newest first (the first visible one wins); reverse
// streams list them oldest first (the last visible one before the key changes wins).
import type { Entry, Seq } from '../types.js';
import { sameKey } from './order.js';

export function visibleOnly(iter: Iterator<Entry>, snapshotSeq: Seq, reverse = false): IterableIterator<Entry> {
  return reverse ? visibleReverse(iter, snapshotSeq) : visibleForward(iter, snapshotSeq);
}

function* visibleForward(iter: Iterator<Entry>, snapshotSeq: Seq): Generator<Entry> {
  try {
    let decided: Entry | undefined; // a version of the key whose fate is already settled
    for (let r = iter.next(); !r.done; r = iter.next()) {
      const e = r.value;
      if (decided !== undefined && sameKey(decided, e)) continue;
      if (e.seq > snapshotSeq) continue;
      decided = e;
      if (e.kind === 'put') yield e;
    }
  } finally {
    iter.return?.();
  }
}

function* visibleReverse(iter: Iterator<Entry>, snapshotSeq: Seq): Generator<Entry> {
  try {
    let candidate: Entry | undefined; // newest visible version seen so far of the current key
    let current: Entry | undefined; // any version of the current key
    for (let r = iter.next(); !r.done; r = iter.next()) {
      const e = r.value;
      if (current !== undefined && !sameKey(current, e)) {
        if (candidate !== undefined && candidate.kind === 'put') yield candidate;
        candidate = undefined;
      }
      current = e;
      if (e.seq <= snapshotSeq) candidate = e;
    }
    if (candidate !== undefined && candidate.kind === 'put') yield candidate;
  } finally {
    iter.return?.();
  }
}
