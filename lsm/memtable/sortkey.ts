// Sort keys: one string per (table, key) whose JavaScript string order is exactly the entry
// order's (table asc, key bytes asc). Layout: 7 chars holding the table id as big-endian
// base-256 digits (ids up to 2^53 fit exactly), then one char per key byte (latin1, code 0–255).
// Strings compare by UTF-16 code unit and every char is < 256, so `a < b` on sort keys equals
// comparing (table, key) bytewise — V8 does it natively on one-byte strings, without chasing
// Entry → Uint8Array → backing store. The same string serves as the map key of a (table, key)
// for write sets, in-flight commits and row locks (mvcc/), so a commit builds it once.
import type { TableId } from '../types.js';

const latin1 = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

function tablePrefix(table: TableId): string {
  let s = '';
  let t = table;
  for (let i = 0; i < 7; i++) {
    s = String.fromCharCode(t % 256) + s;
    t = Math.floor(t / 256);
  }
  return s;
}

/** Prefixes of the first 256 table ids, built once (immutable after load). */
const SMALL_PREFIXES: readonly string[] = Array.from({ length: 256 }, (_, t) => tablePrefix(t));

export function sortKeyOf(table: TableId, key: Uint8Array): string {
  // 2^53 itself is allowed: the memtable's reverse scans seek to (table + 1, empty key).
  if (!Number.isInteger(table) || table < 0 || table > 2 ** 53) throw new Error(`lsm invariant violated: table id ${table}`);
  const p = table < 256 ? SMALL_PREFIXES[table]! : tablePrefix(table);
  return key.length === 0 ? p : p + latin1.call(key, 0, key.length);
}
