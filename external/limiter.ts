// A counting semaphore with a bounded wait queue: at most `slots` DuckDB queries run at once
// (each holds a DuckDB connection and its threads), at most `queueMax` wait; more is 53000.
import { ExternalError } from './errors.js';

export class QueryLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly slots: number,
    private readonly queueMax: number,
  ) {
    if (!(slots >= 1)) throw new Error('assertion: QueryLimiter needs at least one slot');
  }

  async acquire(): Promise<() => void> {
    if (this.running < this.slots) {
      this.running++;
      return this.releaser();
    }
    if (this.waiting.length >= this.queueMax) {
      throw new ExternalError('53000', `too many external queries waiting (limit ${this.queueMax})`);
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; `running` only drops when nobody waits.
      if (next) next();
      else this.running--;
    };
  }
}
