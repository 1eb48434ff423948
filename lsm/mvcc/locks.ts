// Row locks: exclusive, per (table, key), held until the owning transaction ends. Waiters queue
// FIFO with a timeout. Before a transaction starts waiting, the wait-for graph is walked from
// the lock's holder (each waiting transaction waits for exactly one lock, whose holder it waits
// for); reaching the requester means a cycle, and the requester is the victim (40P01), as in
// PostgreSQL where the backend that runs the deadlock check aborts itself.
// Invariants: a lock with no holder has no waiters (it is deleted); a transaction is in at most
// one wait queue; every waiter is settled exactly once (grant, timeout, cancel); a wait queue
// exists only while it is non-empty.
import { LsmError } from '../types.js';

export type TxnId = number;

interface Waiter {
  txn: TxnId;
  grant: () => void;
  fail: (e: LsmError) => void;
}

export interface LockOptions {
  /** Give up after this long (55P03); undefined = wait forever (deadlocks are still found). */
  timeoutMs?: number;
  /** Fail at once when the lock is held (FOR UPDATE NOWAIT). */
  nowait?: boolean;
}

export class LockManager {
  /** Holder of every held lock. A lock that no one waits for is this one entry only (a bulk
   *  load holds a lock per inserted row: no object, array or promise per lock). */
  private readonly holders = new Map<string, TxnId>();
  /** Waiters, FIFO, only for locks someone waits for (a key here always has a holder). */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly waitingFor = new Map<TxnId, string>();
  /** Bound on waiting transactions: a queue that grows without limit is a bug elsewhere. */
  constructor(private readonly waitersMax = 100_000) {}

  holderOf(key: string): TxnId | undefined {
    return this.holders.get(key);
  }

  /** Takes the lock when it is free (true) or already ours (true); false when another holds it. */
  tryAcquire(txn: TxnId, key: string): boolean {
    const holder = this.holders.get(key);
    if (holder === undefined) {
      this.holders.set(key, txn);
      return true;
    }
    return holder === txn;
  }

  /** Resolves when `txn` holds the lock (at once if it already does). */
  acquire(txn: TxnId, key: string, opts: LockOptions = {}): Promise<void> {
    const holder = this.holders.get(key);
    if (holder === undefined) {
      this.holders.set(key, txn);
      return Promise.resolve();
    }
    if (holder === txn) return Promise.resolve();
    if (opts.nowait) return Promise.reject(new LsmError('55P03', 'could not obtain lock on row'));
    if (this.wouldDeadlock(txn, holder)) {
      return Promise.reject(new LsmError('40P01', 'deadlock detected'));
    }
    if (this.waitingFor.size >= this.waitersMax) return Promise.reject(new LsmError('53200', 'out of shared memory (lock wait slots)'));
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (): void => {
        if (timer) clearTimeout(timer);
        this.waitingFor.delete(txn);
      };
      const w: Waiter = {
        txn,
        grant: () => {
          settle();
          resolve();
        },
        fail: (e) => {
          settle();
          const q = this.queues.get(key);
          if (q) {
            const i = q.indexOf(w);
            if (i >= 0) q.splice(i, 1);
            if (q.length === 0) this.queues.delete(key);
          }
          reject(e);
        },
      };
      const q = this.queues.get(key);
      if (q) q.push(w);
      else this.queues.set(key, [w]);
      this.waitingFor.set(txn, key);
      if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
        timer = setTimeout(() => w.fail(new LsmError('55P03', 'canceling statement due to lock timeout')), opts.timeoutMs);
      }
    });
  }

  /** Follows holder → the lock it waits for → that lock's holder ...; true if it reaches txn. */
  private wouldDeadlock(txn: TxnId, holder: TxnId): boolean {
    let cur: TxnId | undefined = holder;
    for (let steps = 0; cur !== undefined && steps <= this.waitingFor.size + 1; steps++) {
      if (cur === txn) return true;
      const k = this.waitingFor.get(cur);
      if (k === undefined) return false;
      cur = this.holders.get(k);
    }
    return false;
  }

  /** True while `txn` is queued for a lock (cheap check before building an error for cancelWait). */
  isWaiting(txn: TxnId): boolean {
    return this.waitingFor.has(txn);
  }

  /** Cancels the wait of `txn` (if any) with the given error. */
  cancelWait(txn: TxnId, e: LsmError): void {
    const key = this.waitingFor.get(txn);
    if (key === undefined) return;
    const w = this.queues.get(key)?.find((x) => x.txn === txn);
    w?.fail(e);
  }

  /** Releases every lock in `keys` held by `txn`, handing each to its next waiter. */
  releaseAll(txn: TxnId, keys: Iterable<string>): void {
    const queues = this.queues;
    for (const key of keys) {
      if (this.holders.get(key) !== txn) continue;
      const q = queues.size === 0 ? undefined : queues.get(key);
      const next = q?.shift();
      if (next === undefined) {
        this.holders.delete(key);
        continue;
      }
      if (q!.length === 0) queues.delete(key);
      this.holders.set(key, next.txn);
      next.grant();
    }
  }

  get heldCount(): number {
    return this.holders.size;
  }
}
