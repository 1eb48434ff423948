// Token-bucket rate limiter for background bytes (compaction reads and writes), so that
// foreground latency holds. The bucket holds at most `burstBytes`; a request larger than the
// burst waits until the bucket is full and then drives it negative (it never deadlocks).
// Waiters are served in order; their number is bounded.
export interface RateLimiterOptions {
  /** Sustained budget; 0 or Infinity disables limiting. */
  bytesPerSec: number;
  /** Bucket size. Default: one second of budget. */
  burstBytes?: number;
  /** Clock (Io.nowMs in the engine). */
  nowMs: () => number;
  /** Sleep; default setTimeout. Tests pass a fake. */
  sleepMs?: (ms: number) => Promise<void>;
  /** Waiting callers allowed at once. Default 64. */
  waitersMax?: number;
}

export class RateLimiter {
  private tokens: number;
  private lastMs: number;
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;
  private readonly burst: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Total time callers spent waiting, for stats. */
  waitedMs = 0;

  constructor(private readonly opts: RateLimiterOptions) {
    this.burst = opts.burstBytes ?? opts.bytesPerSec;
    this.tokens = this.burst;
    this.lastMs = opts.nowMs();
    this.sleep = opts.sleepMs ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get unlimited(): boolean {
    return !(this.opts.bytesPerSec > 0) || this.opts.bytesPerSec === Infinity;
  }

  /** Resolves when `bytes` may be spent. */
  acquire(bytes: number): Promise<void> {
    if (this.unlimited) return Promise.resolve();
    if (this.waiting >= (this.opts.waitersMax ?? 64)) throw new Error('lsm invariant violated: too many rate-limiter waiters');
    this.waiting++;
    const run = this.chain.then(() => this.take(bytes));
    this.chain = run.finally(() => this.waiting--);
    return run;
  }

  private refill(): void {
    const now = this.opts.nowMs();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastMs) * this.opts.bytesPerSec) / 1000);
    this.lastMs = now;
  }

  private async take(bytes: number): Promise<void> {
    const need = Math.min(bytes, this.burst);
    this.refill();
    while (this.tokens < need) {
      const ms = Math.max(1, Math.ceil(((need - this.tokens) * 1000) / this.opts.bytesPerSec));
      const t0 = this.opts.nowMs();
      await this.sleep(ms);
      this.waitedMs += this.opts.nowMs() - t0;
      this.refill();
    }
    this.tokens -= bytes;
  }
}
