// Locks held until the owning transaction ends, in one wait-for graph:
//  - row locks: exclusive, per (table, key) — the per-row fast path (`holders`, one entry per
//    held lock, no object per lock);
//  - relation locks (`LockOptions.relation`): a shared mode (DML: PostgreSQL's ROW EXCLUSIVE —
//    several holders) and an exclusive mode (DDL: ACCESS EXCLUSIVE — waits for every holder);
//    a key is either a row-lock key or a relation-lock key, never both (callers say which).
// Waiters queue FIFO with a timeout and a polled cancel token. A relation request is granted only
// when it conflicts with no holder and (FIFO fairness) no one is queued before it — so a queued
// exclusive request is not starved by a stream of shared ones; a transaction that already holds
// the relation in some mode is not made to queue behind requests that wait for it.
// Before a transaction starts waiting, the wait-for graph is walked from the transactions it would
// wait for (the holders it conflicts with and the queued requests before it); reaching the
// requester means a cycle, and the requester is the victim (40P01), as in PostgreSQL where the
// backend that runs the deadlock check aborts itself.
// Invariants: a lock with no holder has no waiters (a row lock's entry is deleted; a relation
// lock's queue is granted from its head until a request conflicts); a transaction is in at most
// one wait queue; every waiter is settled exactly once (grant, timeout, cancel); a wait queue
// exists only while it is non-empty.
// Bulk holders (`addBulk`): a key covered by one has that transaction as its holder for every
// other requester; it becomes an exact entry (`holders`) the first time someone asks for it.
import { LsmError } from '../types.js';
import type { BulkKeys } from './bulk-keys.js';

export type TxnId = number;

export type RelMode = 'shared' | 'exclusive';

interface Waiter {
  txn: TxnId;
  key: string;
  /** undefined: a row lock. */
  mode: RelMode | undefined;
  label: string | undefined;
  modeName?: string | undefined;
  grant: () => void;
  fail: (e: unknown) => void;
}

/** What a relation lock reports to its requester (filled in when granted). */
export interface RelGrant {
  /** The relation's generation: it changes every time an exclusive holder releases it (DDL
   *  committed or rolled back). Equal generations before and after mean no DDL ran between. */
  gen: number;
  /** True when the request had to wait. */
  waited: boolean;
}

export interface LockOptions {
  /** Give up after this long (55P03); undefined = wait forever (deadlocks are still found). */
  timeoutMs?: number;
  /** Fail at once when the lock is held (FOR UPDATE NOWAIT). */
  nowait?: boolean;
  /** A relation lock in this mode (the key names a relation); undefined = a row lock. */
  relation?: RelMode;
  /** Relation locks: where the grant is reported (a caller-owned object, reused). */
  grant?: RelGrant;
  /** What the lock is, for the deadlock report ("relation 16384"). */
  label?: string;
  /** Relation locks: PostgreSQL's name of the mode asked for, for the deadlock report
   *  ("RowShareLock" for SELECT FOR UPDATE and FK checks); default from `relation`. */
  modeName?: string;
  /** Polled while waiting (every CANCEL_POLL_MS): a reason set here ends the wait with it. */
  cancel?: { readonly reason: unknown };
}

/** 40P01 with the cycle described as PostgreSQL's DETAIL does ("Process A waits for … ; blocked
 *  by process B."), transaction ids standing in for process ids. */
export class DeadlockError extends LsmError {
  constructor(readonly detail: string) {
    super('40P01', 'deadlock detected');
  }
}

interface RelLock {
  /** The exclusive holder. */
  x: TxnId | undefined;
  /** Shared holders (the set is kept with the entry: no allocation per statement). */
  readonly shared: Set<TxnId>;
  gen: number;
}

/** Idle relation entries kept (their generations); beyond it idle entries are dropped. */
const REL_IDLE_MAX = 4096;
const CANCEL_POLL_MS = 20;

export class LockManager {
  /** Holder of every held row lock. A lock that no one waits for is this one entry only (a bulk
   *  load holds a lock per inserted row: no object, array or promise per lock). */
  private readonly holders = new Map<string, TxnId>();
  /** Relation locks (held or idle). */
  private readonly rels = new Map<string, RelLock>();
  private relGenNext = 1;
  /** Waiters, FIFO, only for locks someone waits for (a key here always has a holder). */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly waitingFor = new Map<TxnId, Waiter>();
  /**
   * Bulk holders (a published ingest, ../db/publish.ts): a transaction that holds the row lock
   * of every key in a BulkKeys without an entry per key. A row-lock request for a key with no
   * exact holder asks them; when one covers the key, the key gets that transaction as its exact
   * holder (`materialized`, released with the bulk hold), so the ordinary wait machinery — FIFO,
   * deadlock detection, timeouts, cancel — applies unchanged.
   */
  private readonly bulk = new Map<TxnId, { keys: BulkKeys; materialized: string[] }>();
  private bulkClock = 0;

  /** Bound on waiting transactions: a queue that grows without limit is a bug elsewhere. */
  constructor(private readonly waitersMax = 100_000) {}

  holderOf(key: string): TxnId | undefined {
    return this.holders.get(key);
  }

  /** Takes the row lock when it is free (true) or already ours (true); false when another holds it. */
  tryAcquire(txn: TxnId, key: string): boolean {
    let holder = this.holders.get(key);
    if (holder === undefined && this.bulk.size !== 0) holder = this.bulkHolder(txn, key);
    if (holder === undefined) {
      this.holders.set(key, txn);
      return true;
    }
    return holder === txn;
  }

  /** Registers `txn` as holding the row lock of every key `keys` holds now or later (see `bulk`). */
  addBulk(txn: TxnId, keys: BulkKeys): void {
    if (this.bulk.has(txn)) throw new Error(`lsm invariant violated: transaction ${txn} registers a second bulk hold`);
    this.bulk.set(txn, { keys, materialized: [] });
  }

  /** Ends the bulk hold of `txn` (if any): the keys waiters made exact go to their next waiters. */
  releaseBulk(txn: TxnId): void {
    const b = this.bulk.get(txn);
    if (b === undefined) return;
    this.bulk.delete(txn);
    this.releaseAll(txn, b.materialized);
  }

  /** The bulk clock: BulkKeys records when each key was taken (heldByOthers compares them). */
  bulkTick(): number {
    return this.bulkClock++;
  }

  /**
   * Row-lock keys of `keys` that another transaction holds: exactly (a writer that locked the
   * key before the bulk holder `txn` took it), or as another bulk holder of the same table that
   * took the first key both share BEFORE `txn` did (as in PostgreSQL, where the later COPY
   * blocks at that row until the earlier one's transaction ends). Both loads compare the same
   * key, so exactly one of two waits for the other. A published ingest waits for each key named
   * here before it validates (db/publish.ts).
   */
  heldByOthers(txn: TxnId, keys: BulkKeys): string[] {
    const out: string[] = [];
    for (const [k, t] of this.holders) if (t !== txn && keys.has(k)) out.push(k);
    for (const [t, b] of this.bulk) {
      if (t === txn || b.keys.table !== keys.table) continue;
      const c = keys.firstCommon(b.keys);
      if (c !== undefined && b.keys.tickAt(c[1]) < keys.tickAt(c[0])) out.push(keys.opKeyAt(c[0]));
    }
    return out;
  }

  /** The bulk holder other than `txn` covering the free key `key`, made its exact holder. */
  private bulkHolder(txn: TxnId, key: string): TxnId | undefined {
    for (const [t, b] of this.bulk) {
      if (t === txn || !b.keys.has(key)) continue;
      this.holders.set(key, t);
      b.materialized.push(key);
      return t;
    }
    return undefined;
  }

  /** Resolves when `txn` holds the lock (at once if it already does). */
  acquire(txn: TxnId, key: string, opts: LockOptions = {}): Promise<void> {
    if (opts.relation !== undefined) return this.acquireRel(txn, key, opts.relation, opts);
    let holder = this.holders.get(key);
    if (holder === undefined && this.bulk.size !== 0) holder = this.bulkHolder(txn, key);
    if (holder === undefined) {
      this.holders.set(key, txn);
      return Promise.resolve();
    }
    if (holder === txn) return Promise.resolve();
    if (opts.nowait) return Promise.reject(new LsmError('55P03', 'could not obtain lock on row'));
    return this.wait(txn, key, undefined, opts);
  }

  private acquireRel(txn: TxnId, key: string, mode: RelMode, opts: LockOptions): Promise<void> {
    let r = this.rels.get(key);
    if (r === undefined) {
      if (this.rels.size >= REL_IDLE_MAX) this.dropIdleRels();
      r = { x: undefined, shared: new Set(), gen: this.relGenNext++ };
      this.rels.set(key, r);
    }
    const q = this.queues.get(key);
    // Already holding the relation in some mode: no queueing behind waiters that wait for us.
    const holds = r.x === txn || r.shared.has(txn);
    if (relGrantable(r, txn, mode) && (q === undefined || holds)) {
      if (mode === 'shared') {
        if (r.x !== txn) r.shared.add(txn);
      } else r.x = txn;
      if (opts.grant) {
        opts.grant.gen = r.gen;
        opts.grant.waited = false;
      }
      return Promise.resolve();
    }
    if (opts.nowait) return Promise.reject(new LsmError('55P03', `could not obtain lock on ${opts.label ?? 'relation'}`));
    return this.wait(txn, key, mode, opts, holds);
  }

  private wait(txn: TxnId, key: string, mode: RelMode | undefined, opts: LockOptions, front = false): Promise<void> {
    const cycle = this.findCycle(txn, key, mode, opts.label, front, opts.modeName);
    if (cycle !== undefined) return Promise.reject(new DeadlockError(cycle));
    if (this.waitingFor.size >= this.waitersMax) return Promise.reject(new LsmError('53200', 'out of shared memory (lock wait slots)'));
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let poll: NodeJS.Timeout | undefined;
      const settle = (): void => {
        if (timer) clearTimeout(timer);
        if (poll) clearInterval(poll);
        this.waitingFor.delete(txn);
      };
      const w: Waiter = {
        txn, key, mode, label: opts.label, modeName: opts.modeName,
        grant: () => {
          settle();
          if (opts.grant) {
            opts.grant.gen = this.rels.get(key)?.gen ?? 0;
            opts.grant.waited = true;
          }
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
          // A relation request that leaves the queue may unblock those behind it.
          if (mode !== undefined) this.grantRel(key);
          reject(e);
        },
      };
      const q = this.queues.get(key);
      if (q) {
        if (front) q.splice(firstOther(q, txn), 0, w);
        else q.push(w);
      } else this.queues.set(key, [w]);
      this.waitingFor.set(txn, w);
      if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
        timer = setTimeout(() => w.fail(new LsmError('55P03', 'canceling statement due to lock timeout')), opts.timeoutMs);
      }
      const cancel = opts.cancel;
      if (cancel) {
        poll = setInterval(() => {
          if (cancel.reason !== undefined) w.fail(cancel.reason);
        }, CANCEL_POLL_MS);
      }
    });
  }

  /** The transactions a request (or a queued waiter `self`) waits for: the holders it conflicts
   *  with and, for relation locks, the conflicting requests queued before it. */
  private blockers(txn: TxnId, key: string, mode: RelMode | undefined, self: Waiter | undefined, front: boolean, out: TxnId[]): void {
    if (mode === undefined) {
      const h = this.holders.get(key);
      if (h !== undefined) out.push(h);
      return;
    }
    const r = this.rels.get(key);
    if (r === undefined) return;
    if (r.x !== undefined && r.x !== txn) out.push(r.x);
    if (mode === 'exclusive') for (const s of r.shared) if (s !== txn) out.push(s);
    if (front) return;
    for (const w of this.queues.get(key) ?? []) {
      if (w === self) break;
      if (w.txn !== txn && (mode === 'exclusive' || w.mode === 'exclusive')) out.push(w.txn);
    }
  }

  /** Walks the wait-for graph from what `txn` would wait for; the cycle's description when it
   *  reaches `txn`, else undefined. */
  private findCycle(txn: TxnId, key: string, mode: RelMode | undefined, label: string | undefined, front: boolean, modeName?: string): string | undefined {
    const first: TxnId[] = [];
    this.blockers(txn, key, mode, undefined, front, first);
    // Depth-first with the path kept, to describe the cycle.
    const via = new Map<TxnId, TxnId>(); // node -> the node that waits for it
    const stack: TxnId[] = [];
    for (const b of first) {
      if (!via.has(b)) {
        via.set(b, txn);
        stack.push(b);
      }
    }
    while (stack.length > 0) {
      const cur = stack.pop()!;
      const w = this.waitingFor.get(cur);
      if (w === undefined) continue;
      const next: TxnId[] = [];
      this.blockers(w.txn, w.key, w.mode, w, false, next);
      for (const n of next) {
        if (n === txn) {
          via.set(txn, cur);
          return this.describe(txn, key, mode, label, via, modeName);
        }
        if (!via.has(n)) {
          via.set(n, cur);
          stack.push(n);
        }
      }
    }
    return undefined;
  }

  private describe(txn: TxnId, key: string, mode: RelMode | undefined, label: string | undefined, via: Map<TxnId, TxnId>, modeName?: string): string {
    // via: b -> the transaction waiting for b. Walk back from txn to rebuild the cycle in order.
    const order: TxnId[] = [];
    let cur = via.get(txn)!;
    for (let n = 0; cur !== txn && n <= via.size; n++) {
      order.unshift(cur);
      cur = via.get(cur)!;
    }
    const cycle = [txn, ...order];
    const lines: string[] = [];
    for (let i = 0; i < cycle.length; i++) {
      const a = cycle[i]!;
      const b = cycle[(i + 1) % cycle.length]!;
      const w = a === txn ? { mode, label, key, modeName } : this.waitingFor.get(a)!;
      lines.push(`Process ${a} waits for ${lockName(w.mode, w.modeName)} on ${w.mode === undefined ? `transaction ${b}` : w.label ?? 'relation'}; blocked by process ${b}.`);
    }
    return lines.join('\n');
  }

  /** True while `txn` is queued for a lock (cheap check before building an error for cancelWait). */
  isWaiting(txn: TxnId): boolean {
    return this.waitingFor.has(txn);
  }

  /** Cancels the wait of `txn` (if any) with the given error. */
  cancelWait(txn: TxnId, e: LsmError): void {
    this.waitingFor.get(txn)?.fail(e);
  }

  /** Releases every lock in `keys` held by `txn`, handing each to its next waiter(s). */
  releaseAll(txn: TxnId, keys: Iterable<string>): void {
    const queues = this.queues;
    for (const key of keys) {
      if (this.holders.get(key) !== txn) {
        if (this.rels.size !== 0) this.releaseRel(txn, key);
        continue;
      }
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

  private releaseRel(txn: TxnId, key: string): void {
    const r = this.rels.get(key);
    if (r === undefined) return;
    let changed = r.shared.delete(txn);
    if (r.x === txn) {
      r.x = undefined;
      r.gen = this.relGenNext++;
      changed = true;
    }
    if (changed && this.queues.size !== 0) this.grantRel(key);
  }

  /** Grants queued relation requests from the head while they conflict with no holder. */
  private grantRel(key: string): void {
    const r = this.rels.get(key);
    const q = this.queues.get(key);
    if (r === undefined || q === undefined) return;
    while (q.length > 0) {
      const w = q[0]!;
      if (!relGrantable(r, w.txn, w.mode!)) break;
      q.shift();
      if (w.mode === 'shared') {
        if (r.x !== w.txn) r.shared.add(w.txn);
      } else r.x = w.txn;
      w.grant();
    }
    if (q.length === 0) this.queues.delete(key);
  }

  private dropIdleRels(): void {
    for (const [k, r] of this.rels) if (r.x === undefined && r.shared.size === 0 && !this.queues.has(k)) this.rels.delete(k);
  }

  /** Relation locks: the holders of `key` (tests, diagnostics). */
  relHolders(key: string): { exclusive: TxnId | undefined; shared: TxnId[] } {
    const r = this.rels.get(key);
    return { exclusive: r?.x, shared: r ? [...r.shared] : [] };
  }

  get heldCount(): number {
    return this.holders.size;
  }
}

function relGrantable(r: RelLock, txn: TxnId, mode: RelMode): boolean {
  if (r.x !== undefined) return r.x === txn;
  if (mode === 'shared') return true;
  return r.shared.size === 0 || (r.shared.size === 1 && r.shared.has(txn));
}

/** Index of the first waiter in `q` not of `txn` (where a holder's upgrade request goes). */
function firstOther(q: Waiter[], txn: TxnId): number {
  for (let i = 0; i < q.length; i++) if (q[i]!.txn !== txn) return i;
  return q.length;
}

function lockName(mode: RelMode | undefined, modeName: string | undefined): string {
  if (modeName !== undefined && mode !== undefined) return modeName;
  return mode === undefined ? 'ShareLock' : mode === 'shared' ? 'RowExclusiveLock' : 'AccessExclusiveLock';
}
