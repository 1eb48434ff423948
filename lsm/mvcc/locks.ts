// Locks held until the owning transaction ends, in one wait-for graph:
//  - row locks, per (table, key), in PostgreSQL's four strengths (`LockOptions.strength`,
//    row-holds.ts: FOR KEY SHARE, FOR SHARE, FOR NO KEY UPDATE, FOR UPDATE — the default);
//    several holders at once when their strengths do not conflict; the per-row fast path
//    (`holders`, one entry per held lock, a number for a single holder: no object per lock);
//  - relation locks (`LockOptions.relation`): a shared mode (DML: PostgreSQL's ROW EXCLUSIVE —
//    several holders) and an exclusive mode (DDL: ACCESS EXCLUSIVE — waits for every holder);
//    a key is either a row-lock key or a relation-lock key, never both (callers say which).
// Waiters queue FIFO with a timeout and a polled cancel token. A row request is granted when it
// conflicts with no holder — also past queued waiters, as PostgreSQL's heap_lock_tuple lets a
// request compatible with the current lockers through without queueing on the tuple — and a
// release grants every queued row request that no longer conflicts, in queue order (so a row
// waiter waits only for the holders it conflicts with: those are its edges in the graph). An
// upgrade (a holder asking for a stronger strength) waits for the other holders it conflicts
// with while keeping what it holds. A relation request is granted only
// when it conflicts with no holder and (FIFO fairness) no one is queued before it — so a queued
// exclusive request is not starved by a stream of shared ones; a transaction that already holds
// the relation in some mode is not made to queue behind requests that wait for it.
// Before a transaction starts waiting, the wait-for graph is walked from the transactions it would
// wait for (the holders it conflicts with and the queued requests before it); reaching the
// requester means a cycle, and the requester is the victim (40P01), as in PostgreSQL where the
// backend that runs the deadlock check aborts itself.
// Invariants: a lock with no holder has no waiters (a row lock's entry is deleted, its
// compatible waiters granted; a relation lock's queue is granted from its head until a request
// conflicts); a row waiter conflicts with some holder; a transaction is in at most
// one wait queue; every waiter is settled exactly once (grant, timeout, cancel); a wait queue
// exists only while it is non-empty.
// Bulk holders (`addBulk`): a key covered by one has that transaction as its FOR UPDATE holder
// for every other requester; it becomes an exact entry (`holders`) the first time someone asks
// for it.
import { LsmError } from '../types.js';
import type { BulkKeys } from './bulk-keys.js';
import { conflictingHolders, conflicts, holdersOf, holds, oneHolder, RANK_UPDATE, ROW_RANK, withHolder, withoutHolder, type RowHold, type RowLockMode } from './row-holds.js';

export type { RowLockMode } from './row-holds.js';

export type TxnId = number;

export type RelMode = 'shared' | 'exclusive';

/** A lock request as the wait-for graph sees it (a queued one is a Waiter). */
interface Request {
  txn: TxnId;
  key: string;
  /** undefined: a row lock. */
  mode: RelMode | undefined;
  /** Row locks: the rank of the strength asked for (row-holds.ts). */
  rank: number;
  label: string | undefined;
  modeName?: string | undefined;
}

interface Waiter extends Request {
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
  /** Row locks: the strength (default 'update', exclusive). */
  strength?: RowLockMode;
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

/** What a synchronous try takes (`tryAcquire`): a row lock's strength, or a relation mode. */
export type TryLockOptions = Pick<LockOptions, 'strength' | 'relation' | 'grant'>;

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
  /** Holders of every held row lock (row-holds.ts: a number for one holder). A lock that no one
   *  waits for is this one entry only (a bulk load holds a lock per inserted row: no object,
   *  array or promise per lock). */
  private readonly holders = new Map<string, RowHold>();
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
   * FOR UPDATE holder (`materialized`, released with the bulk hold), so the ordinary wait
   * machinery — FIFO, deadlock detection, timeouts, cancel — applies unchanged. `yieldsTo`: the
   * other loads this one waits for at its close whatever the order they took their keys in
   * (heldByOthers).
   */
  private readonly bulk = new Map<TxnId, { keys: BulkKeys; materialized: string[]; yieldsTo: Set<TxnId> | undefined }>();
  private bulkClock = 0;

  /** Bound on waiting transactions: a queue that grows without limit is a bug elsewhere. */
  constructor(private readonly waitersMax = 100_000) {}

  /** A holder of the row lock (the first of several), or undefined. */
  holderOf(key: string): TxnId | undefined {
    return holdersOf(this.holders.get(key))[0]?.txn;
  }

  /** Every holder of the row lock with its strength (tests, diagnostics). */
  rowHolders(key: string): Array<{ txn: TxnId; mode: RowLockMode }> {
    return holdersOf(this.holders.get(key));
  }

  /**
   * Takes the lock at once when that waits for no one: a row lock (in `o.strength`, default
   * FOR UPDATE) that conflicts with no other holder (free, ours already, or shared), or a
   * relation lock (`o.relation`, grant reported in `o.grant`) as `acquire` would grant it
   * without waiting. False when it would have to wait: nothing changed, the caller waits
   * through `acquire`. No promise, no allocation on the uncontended paths.
   */
  tryAcquire(txn: TxnId, key: string, o?: TryLockOptions): boolean {
    let rank = RANK_UPDATE;
    if (o !== undefined) {
      if (o.relation !== undefined) return this.tryRel(txn, key, o.relation, o.grant);
      if (o.strength !== undefined) rank = ROW_RANK[o.strength];
    }
    let h = this.holders.get(key);
    if (h === undefined && this.bulk.size !== 0) h = this.bulkHolder(txn, key);
    if (h === undefined) {
      this.holders.set(key, oneHolder(txn, rank));
      return true;
    }
    if (conflicts(h, txn, rank)) return false;
    const next = withHolder(h, txn, rank);
    if (next !== h) this.holders.set(key, next);
    return true;
  }

  /** Registers `txn` as holding the row lock of every key `keys` holds now or later (see `bulk`). */
  addBulk(txn: TxnId, keys: BulkKeys): void {
    if (this.bulk.has(txn)) throw new Error(`lsm invariant violated: transaction ${txn} registers a second bulk hold`);
    this.bulk.set(txn, { keys, materialized: [], yieldsTo: undefined });
  }

  /** Ends the bulk hold of `txn` (if any): the keys waiters made exact go to their next waiters. */
  releaseBulk(txn: TxnId): void {
    const b = this.bulk.get(txn);
    if (b === undefined) return;
    this.bulk.delete(txn);
    for (const o of this.bulk.values()) o.yieldsTo?.delete(txn);
    this.releaseAll(txn, b.materialized);
  }

  /** The bulk clock: BulkKeys records when each key was taken (heldByOthers compares them). */
  bulkTick(): number {
    return this.bulkClock++;
  }

  /**
   * Row-lock keys of `keys` that another transaction holds: exactly (a writer that locked the
   * key before the bulk holder `txn` took it), or as another bulk holder L of the same table
   * that `txn` must wait for. A published ingest waits for each key named here before it
   * validates (db/publish.ts), and asks again after every wait.
   * Which of two loads sharing keys waits: as in PostgreSQL, where the later COPY blocks at the
   * row until the earlier one's transaction ends, the one that took the first key both share
   * LATER — both compare the same key, so exactly one of two waits. But a load does not stop at
   * that key as a COPY does: it goes on taking keys, so among three or more loads those pairwise
   * orders can form a cycle no PostgreSQL run would (B waits for C at 51, A for B at 50, C for A
   * at 100 — PostgreSQL's A never reaches 100). So before `txn` names L it looks at the wait-for
   * graph: when L already waits (transitively) for `txn`, the pair's order flips for good — L
   * yields to `txn` (`yieldsTo`): L will wait for `txn` whatever happens to the chain between
   * them meanwhile (a timeout in it must not let both validate before either commits), and `txn`
   * goes on. The loads that do not commit then find the winner's rows (23505), as in PostgreSQL.
   */
  heldByOthers(txn: TxnId, keys: BulkKeys): string[] {
    const out: string[] = [];
    for (const [k, h] of this.holders) if (keys.has(k) && (typeof h !== 'number' || !holds(h, txn) || conflicts(h, txn, RANK_UPDATE))) out.push(k);
    const mine = this.bulk.get(txn);
    for (const [t, b] of this.bulk) {
      if (t === txn || b.keys.table !== keys.table) continue;
      const c = keys.firstCommon(b.keys);
      if (c === undefined) continue;
      const name = mine?.yieldsTo?.has(t) === true || (b.yieldsTo?.has(txn) !== true && b.keys.tickAt(c[1]) < keys.tickAt(c[0]));
      if (!name) continue;
      if (mine?.yieldsTo?.has(t) !== true && this.waitsFor(t, txn)) {
        (b.yieldsTo ??= new Set()).add(txn);
        continue;
      }
      out.push(keys.opKeyAt(c[0]));
    }
    return out;
  }

  /** True when `from` waits, directly or through other waiters, for `to` (the wait-for graph). */
  private waitsFor(from: TxnId, to: TxnId): boolean {
    const seen = new Set<TxnId>([from]);
    const stack: TxnId[] = [from];
    const next: TxnId[] = [];
    while (stack.length > 0) {
      const w = this.waitingFor.get(stack.pop()!);
      if (w === undefined) continue;
      next.length = 0;
      this.blockers(w, false, next);
      for (const n of next) {
        if (n === to) return true;
        if (!seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return false;
  }

  /** The bulk holder other than `txn` covering the free key `key`, made its exact holder. */
  private bulkHolder(txn: TxnId, key: string): RowHold | undefined {
    for (const [t, b] of this.bulk) {
      if (t === txn || !b.keys.has(key)) continue;
      const h = oneHolder(t, RANK_UPDATE);
      this.holders.set(key, h);
      b.materialized.push(key);
      return h;
    }
    return undefined;
  }

  /** Resolves when `txn` holds the lock (at once if it already does). */
  acquire(txn: TxnId, key: string, opts: LockOptions = {}): Promise<void> {
    if (opts.relation !== undefined) return this.acquireRel(txn, key, opts.relation, opts);
    const rank = opts.strength === undefined ? RANK_UPDATE : ROW_RANK[opts.strength];
    let h = this.holders.get(key);
    if (h === undefined && this.bulk.size !== 0) h = this.bulkHolder(txn, key);
    if (h === undefined) {
      this.holders.set(key, oneHolder(txn, rank));
      return Promise.resolve();
    }
    if (!conflicts(h, txn, rank)) {
      const next = withHolder(h, txn, rank);
      if (next !== h) this.holders.set(key, next);
      return Promise.resolve();
    }
    if (opts.nowait) return Promise.reject(new LsmError('55P03', 'could not obtain lock on row'));
    return this.wait(txn, key, undefined, rank, opts);
  }

  /** The relation lock granted at once (see acquireRel), or false. */
  private tryRel(txn: TxnId, key: string, mode: RelMode, grant: RelGrant | undefined): boolean {
    const r = this.relOf(key);
    const holds = r.x === txn || r.shared.has(txn);
    if (!relGrantable(r, txn, mode) || (!holds && this.queues.has(key))) return false;
    if (mode === 'shared') {
      if (r.x !== txn) r.shared.add(txn);
    } else r.x = txn;
    if (grant) {
      grant.gen = r.gen;
      grant.waited = false;
    }
    return true;
  }

  private relOf(key: string): RelLock {
    let r = this.rels.get(key);
    if (r === undefined) {
      if (this.rels.size >= REL_IDLE_MAX) this.dropIdleRels();
      r = { x: undefined, shared: new Set(), gen: this.relGenNext++ };
      this.rels.set(key, r);
    }
    return r;
  }

  private acquireRel(txn: TxnId, key: string, mode: RelMode, opts: LockOptions): Promise<void> {
    // Already holding the relation in some mode: no queueing behind waiters that wait for us.
    if (this.tryRel(txn, key, mode, opts.grant)) return Promise.resolve();
    if (opts.nowait) return Promise.reject(new LsmError('55P03', `could not obtain lock on ${opts.label ?? 'relation'}`));
    const r = this.rels.get(key)!;
    return this.wait(txn, key, mode, RANK_UPDATE, opts, r.x === txn || r.shared.has(txn));
  }

  private wait(txn: TxnId, key: string, mode: RelMode | undefined, rank: number, opts: LockOptions, front = false): Promise<void> {
    const req = { txn, key, mode, rank, label: opts.label, modeName: opts.modeName };
    const cycle = this.findCycle(req, front);
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
        ...req,
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
          // A relation request that leaves the queue may unblock those behind it (a row
          // waiter blocks no other waiter).
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

  /** The transactions a request `w` (queued, or about to be) waits for: the holders it
   *  conflicts with and, for relation locks, the conflicting requests queued before it (all of
   *  the queue when `w` is not in it yet; none when it goes to the `front`). */
  private blockers(w: Request, front: boolean, out: TxnId[]): void {
    const txn = w.txn;
    if (w.mode === undefined) {
      const h = this.holders.get(w.key);
      if (h !== undefined) conflictingHolders(h, txn, w.rank, out);
      return;
    }
    const r = this.rels.get(w.key);
    if (r === undefined) return;
    if (r.x !== undefined && r.x !== txn) out.push(r.x);
    if (w.mode === 'exclusive') for (const s of r.shared) if (s !== txn) out.push(s);
    if (front) return;
    for (const o of this.queues.get(w.key) ?? []) {
      if (o === w) break;
      if (o.txn !== txn && (w.mode === 'exclusive' || o.mode === 'exclusive')) out.push(o.txn);
    }
  }

  /** Walks the wait-for graph from what `req` would wait for; the cycle's description when it
   *  reaches `req.txn`, else undefined. */
  private findCycle(req: Request, front: boolean): string | undefined {
    const txn = req.txn;
    const first: TxnId[] = [];
    this.blockers(req, front, first);
    // Depth-first with the path kept, to describe the cycle.
    const via = new Map<TxnId, TxnId>(); // node -> the node that waits for it
    const stack: TxnId[] = [];
    for (const b of first) {
      if (!via.has(b)) {
        via.set(b, txn);
        stack.push(b);
      }
    }
    const next: TxnId[] = [];
    while (stack.length > 0) {
      const cur = stack.pop()!;
      const w = this.waitingFor.get(cur);
      if (w === undefined) continue;
      next.length = 0;
      this.blockers(w, false, next);
      for (const n of next) {
        if (n === txn) {
          via.set(txn, cur);
          return this.describe(req, via);
        }
        if (!via.has(n)) {
          via.set(n, cur);
          stack.push(n);
        }
      }
    }
    return undefined;
  }

  private describe(req: Request, via: Map<TxnId, TxnId>): string {
    const txn = req.txn;
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
      const w = a === txn ? req : this.waitingFor.get(a)!;
      // A row wait is PostgreSQL's wait for the holder's transaction (XactLockTableWait takes
      // ShareLock on it), whatever the row-lock strength.
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
      const h = this.holders.get(key);
      // The common case inline: the one holder, this transaction, no one waiting.
      if (typeof h === 'number' && h - (h & 3) === txn * 4 && (queues.size === 0 || !queues.has(key))) {
        this.holders.delete(key);
        continue;
      }
      if (h === undefined || !holds(h, txn)) {
        // Not a row lock of ours: a relation lock (or nothing).
        if (this.rels.size !== 0) this.releaseRel(txn, key);
        continue;
      }
      const rest = withoutHolder(h, txn);
      if (rest === undefined) this.holders.delete(key);
      else if (rest !== h) this.holders.set(key, rest);
      if (queues.size !== 0 && queues.has(key)) this.grantRow(key);
    }
  }

  /** Grants, in queue order, every queued request for the row lock `key` that conflicts with
   *  no holder now (each one granted counts as a holder for those after it). */
  private grantRow(key: string): void {
    const q = this.queues.get(key)!;
    let h = this.holders.get(key);
    const granted: Waiter[] = [];
    for (let i = 0; i < q.length; ) {
      const w = q[i]!;
      if (h !== undefined && conflicts(h, w.txn, w.rank)) {
        i++;
        continue;
      }
      h = withHolder(h, w.txn, w.rank);
      q.splice(i, 1);
      granted.push(w);
    }
    if (h !== undefined) this.holders.set(key, h);
    if (q.length === 0) this.queues.delete(key);
    for (const w of granted) w.grant();
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
