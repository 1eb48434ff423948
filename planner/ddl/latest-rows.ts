// The rows an ALTER TABLE reads once its lock is granted: PostgreSQL's phase 3
// (validateCheckConstraint, ATRewriteTable, validateForeignKeyConstraint) registers
// GetLatestSnapshot() whatever the isolation level, so rows committed after a REPEATABLE READ
// transaction's snapshot are checked and rewritten too (a CHECK added over them would otherwise
// hold a row that violates it, and an added column would miss its default there).
//
// READ COMMITTED: alter.ts retook the statement's snapshot after the lock; the transaction's
// scan is already the latest. REPEATABLE READ: the transaction's view (snapshot + own writes)
// merged in key order with the latest committed rows — a key this transaction wrote comes from
// its own view (deleted by it: absent), any other key as committed now (deleted by a commit after
// the snapshot: absent). Rows come out in key order, as a scan's (the ingest rewrite needs it).
// Writing such a row back in place makes the commit's first-committer-wins check fail (40001);
// rewrites into new storage commit.

import { compareBytes, type KeyRow } from '../../lsm/index.js';
import type { TableSession } from '../rel/runtime.js';
import { ownKey } from '../dml/write.js';

export function* latestRows(ts: TableSession, table: number): IterableIterator<KeyRow> {
  const txn = ts.current();
  // No commit became visible since the snapshot: the snapshot is the latest state.
  if (txn.isolation === 'read-committed' || ts.db.lastVisibleSeq <= txn.snapshotSeq) {
    yield* txn.scan(table);
    return;
  }
  const snap = txn.snapshotSeq;
  const wrote = (key: Uint8Array): boolean => txn.wrote(ownKey(table, key));
  // Changed by a commit after the snapshot (then the latest scan has its current version).
  const changedSince = (key: Uint8Array): boolean => (txn.latestCommittedSeq(table, key) ?? 0n) > snap;
  const mine = txn.scan(table);
  const now = ts.db.scan(table);
  let a = mine.next();
  let b = now.next();
  while (!a.done || !b.done) {
    const c = a.done ? 1 : b.done ? -1 : compareBytes(a.value.key, b.value.key);
    if (c < 0) {
      // Only in this transaction's view: its own new row, or a row deleted by a later commit.
      if (!changedSince(a.value.key) || wrote(a.value.key)) yield a.value;
      a = mine.next();
    } else if (c > 0) {
      // Only committed now: a row committed after the snapshot, unless this transaction deleted it.
      if (!wrote(b.value.key)) yield b.value;
      b = now.next();
    } else {
      yield wrote(a.value.key) ? a.value : b.value;
      a = mine.next();
      b = now.next();
    }
  }
}
