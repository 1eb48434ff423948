// The inline flush: a lone commit's WAL record written and fdatasynced synchronously, on the
// event loop's own thread, instead of through libuv's thread pool.
//
// Why (measured, lsm/wal/README.md "Inline flush"): a 300-byte record's fdatasync through the
// pool costs ~110–140 µs of process CPU and ~155–185 µs until the loop sees it done (p50); the
// same fdatasync called synchronously costs ~52 µs of CPU and ~92 µs. The pool's extra cost is
// its thread's wake-up, the event loop's wake-up and the promise machinery around both. The
// price of the synchronous call is that the loop does nothing else for the disk's flush time,
// so the writer takes this path only when the caller says no other session has work in flight
// and the writer itself has nothing queued or running (WalWriter.append's `inline`).
import type { AppendFile } from '../types.js';

/** The synchronous halves of an AppendFile, when its Io has them (RealIo, MemIo). */
export interface SyncWrites {
  /** `append`, done before returning. */
  appendNow(data: Uint8Array): void;
  /** `sync` (fdatasync), done before returning. */
  syncNow(): void;
}

/** The Io's monotonic sub-millisecond clock, when it has one (RealIo; MemIo does not). */
export function preciseClockOf(io: object): (() => number) | undefined {
  const c = io as { monotonicMs?: () => number };
  return typeof c.monotonicMs === 'function' ? () => c.monotonicMs!() : undefined;
}

export function hasSyncWrites(f: AppendFile): f is AppendFile & SyncWrites {
  const s = f as Partial<SyncWrites>;
  return typeof s.appendNow === 'function' && typeof s.syncNow === 'function';
}

/** A record larger than this always goes through the asynchronous path: copying it into the page
 *  cache takes long enough that the pool's fixed overhead no longer matters, and the loop should
 *  not be held for it. One OLTP commit's record is a few hundred bytes. */
export const INLINE_FRAME_BYTES_MAX = 64 * 1024;
