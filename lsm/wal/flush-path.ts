// Which fdatasync a lone commit takes: inline (on the event loop's thread, inline.ts) or the
// thread pool's — chosen by the latency each path showed for recent lone commits.
//
// Why not always inline (measured, README.md "Inline flush"): on a quiet machine the inline
// fdatasync is faster (p50 ~95 µs against ~150 µs through the pool) and costs half the CPU; but
// when every core is busy (load average 9–12 on this 2-core machine) it was several times
// SLOWER (p50 0.2–1.6 ms against 0.11–0.22 ms), and pgbench at 1 client lost 38 % — a thread
// that only waits for the disk gets a core back sooner than the busy main thread does. The
// machine's state decides, so the writer measures instead of guessing: it keeps the last
// SAMPLES latencies of each path (from the start of the append to the moment the commit can be
// acknowledged on the loop), takes the path whose median is lower, and sends every PROBE_EVERY-th
// lone commit down the other path so that a change of conditions is noticed.
// Without a precise clock (MemIo: deterministic simulations) lone commits are always inline.

const SAMPLES = 15;
const PROBE_EVERY = 16;

class Window {
  private readonly xs: number[] = [];
  private next = 0;
  median = Number.NaN;
  add(x: number): void {
    if (this.xs.length < SAMPLES) this.xs.push(x);
    else this.xs[this.next] = x;
    this.next = (this.next + 1) % SAMPLES;
    const s = [...this.xs].sort((a, b) => a - b);
    this.median = s[s.length >> 1]!;
  }
  get known(): boolean {
    return this.xs.length > 0;
  }
}

export class FlushPathChooser {
  private readonly inline = new Window();
  private readonly pool = new Window();
  private lone = 0;
  /** `clockMs`: a monotonic clock with sub-millisecond resolution, or none (always inline). */
  constructor(readonly clockMs: (() => number) | undefined) {}

  /** For a lone commit: true = flush inline, false = through the pool (then recordPool). */
  chooseInline(): boolean {
    if (this.clockMs === undefined) return true;
    this.lone++;
    if (!this.inline.known) return true;
    if (!this.pool.known) return false;
    const best = this.inline.median <= this.pool.median;
    return this.lone % PROBE_EVERY === 0 ? !best : best;
  }

  recordInline(ms: number): void {
    this.inline.add(ms);
  }

  recordPool(ms: number): void {
    this.pool.add(ms);
  }

  /** The medians (ms) the choice is made on; NaN = no sample yet (stats, tests). */
  get medians(): { inlineMs: number; poolMs: number } {
    return { inlineMs: this.inline.median, poolMs: this.pool.median };
  }
}
