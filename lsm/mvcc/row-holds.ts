// Who holds one row lock, and in which of PostgreSQL's four strengths ("Row-Level Locks",
// table 13.3 of the PostgreSQL 15 docs):
//
//                     KEY SHARE  SHARE  NO KEY UPDATE  UPDATE
//   FOR KEY SHARE                                         X
//   FOR SHARE                                   X         X
//   FOR NO KEY UPDATE              X            X         X
//   FOR UPDATE            X        X            X         X
//
// With the strengths ranked 0..3 in that order, two strengths conflict exactly when their ranks
// add up to 3 or more — one addition instead of a table lookup on the hot path.
// A transaction holds one strength per row: the strongest it asked for (asking for a weaker one
// changes nothing; a stronger one is an upgrade, which must not conflict with the OTHER holders).
// Representation (the lock table has an entry per held row, so the common single-holder case
// is one number, no object): `txn * 4 + rank`; several holders: a `SharedHold`. Transaction ids
// are safe integers well below 2^51, so the product is exact, and `h & 3` (ToInt32 keeps the
// low bits of any safe integer) is the rank.

import type { TxnId } from './locks.js';

/** PostgreSQL's row-lock strengths, weakest first (FOR KEY SHARE … FOR UPDATE). */
export type RowLockMode = 'keyShare' | 'share' | 'noKeyUpdate' | 'update';

/** The rank of each strength (its index in table 13.3's order). */
export const ROW_RANK: Readonly<Record<RowLockMode, number>> = { keyShare: 0, share: 1, noKeyUpdate: 2, update: 3 };
const MODE_OF: readonly RowLockMode[] = ['keyShare', 'share', 'noKeyUpdate', 'update'];
/** The exclusive strength (writes, bulk loads, a request that names none). */
export const RANK_UPDATE = 3;

/** Two or more holders of one row (arrays: a row is rarely held by more than a few). */
export class SharedHold {
  constructor(readonly txns: TxnId[], readonly ranks: number[]) {}
}

/** One holder as a number, or several. */
export type RowHold = number | SharedHold;

export function oneHolder(txn: TxnId, rank: number): number {
  return txn * 4 + rank;
}

function txnOf(h: number): TxnId {
  return (h - (h & 3)) / 4;
}

/** True when `rank` asked by `txn` conflicts with a holder other than `txn`. */
export function conflicts(h: RowHold, txn: TxnId, rank: number): boolean {
  if (typeof h === 'number') return txnOf(h) !== txn && (h & 3) + rank >= 3;
  for (let i = 0; i < h.txns.length; i++) if (h.txns[i] !== txn && h.ranks[i]! + rank >= 3) return true;
  return false;
}

/** The holders other than `txn` that `rank` conflicts with (what a waiter waits for). */
export function conflictingHolders(h: RowHold, txn: TxnId, rank: number, out: TxnId[]): void {
  if (typeof h === 'number') {
    if (txnOf(h) !== txn && (h & 3) + rank >= 3) out.push(txnOf(h));
    return;
  }
  for (let i = 0; i < h.txns.length; i++) if (h.txns[i] !== txn && h.ranks[i]! + rank >= 3) out.push(h.txns[i]!);
}

/** `h` with `txn` holding at least `rank` (the caller checked `conflicts`). */
export function withHolder(h: RowHold | undefined, txn: TxnId, rank: number): RowHold {
  if (h === undefined) return oneHolder(txn, rank);
  if (typeof h === 'number') {
    const t = txnOf(h);
    if (t === txn) return (h & 3) >= rank ? h : oneHolder(txn, rank);
    return new SharedHold([t, txn], [h & 3, rank]);
  }
  const i = h.txns.indexOf(txn);
  if (i < 0) {
    h.txns.push(txn);
    h.ranks.push(rank);
  } else if (h.ranks[i]! < rank) h.ranks[i] = rank;
  return h;
}

/** `h` without `txn` (undefined when no holder is left; a SharedHold is changed in place). */
export function withoutHolder(h: RowHold, txn: TxnId): RowHold | undefined {
  if (typeof h === 'number') return txnOf(h) === txn ? undefined : h;
  const i = h.txns.indexOf(txn);
  if (i < 0) return h;
  if (h.txns.length === 2) return oneHolder(h.txns[1 - i]!, h.ranks[1 - i]!);
  h.txns.splice(i, 1);
  h.ranks.splice(i, 1);
  return h;
}

/** True when `txn` is one of the holders. */
export function holds(h: RowHold, txn: TxnId): boolean {
  return typeof h === 'number' ? txnOf(h) === txn : h.txns.includes(txn);
}

/** Every holder with its strength (tests, diagnostics). */
export function holdersOf(h: RowHold | undefined): Array<{ txn: TxnId; mode: RowLockMode }> {
  if (h === undefined) return [];
  if (typeof h === 'number') return [{ txn: txnOf(h), mode: MODE_OF[h & 3]! }];
  return h.txns.map((txn, i) => ({ txn, mode: MODE_OF[h.ranks[i]!]! }));
}
