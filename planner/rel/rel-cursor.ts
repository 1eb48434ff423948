// A relational statement's result as a RowCursor (issue 4/5: large results never materialise
// whole). The wire asks for a batch of rows (wire/statement.ts streamRows, FETCH_BATCH_ROWS, or
// Execute's row limit); the cursor pulls exactly that many from the operator tree, synchronously
// while nothing suspends, and awaits the statement's Suspension when a streamed external scan
// yields SUSPEND (suspend.ts). The wire sends them and flushes under the socket's back-pressure
// before it asks again, so at most one batch of rows is in flight per statement.
//
// Invariants:
// - A fetch pulls at most the rows asked for (a suspended portal has computed no row beyond
//   what it returned: volatile functions such as nextval advance as in PostgreSQL).
// - An error after some rows of a batch were pulled is deferred: those rows are returned, the
//   error is raised by the next fetch (PostgreSQL sends the DataRows produced, then the error).
// - Every exit releases everything: exhaustion, an error, close() (portal closed, transaction
//   end, connection lost) close the operator iterators (streamed DuckDB cursors close in the
//   generators' finally) and run `release` (the external rows set up for this execution).
// - One fetch at a time (`busy`); a SUSPEND with no Suspension, or a wait left pending at the
//   end, is XX000 (suspend.ts `leaked`).
// - `detach()` pulls the remaining rows into memory (at most `pyralog.result_rows_max`, 53200
//   after them) and releases the tree: the session calls it before another statement runs in
//   the same session while this cursor is suspended, so the rows the portal still returns are
//   those of its own snapshot and of the transaction's writes before it (PostgreSQL's portal
//   keeps its snapshot; our operators would otherwise read the transaction as it is now).
import type { FetchResult, RowCursor } from '../api.js';
import type { EvalContext } from '../bind/expr.js';
import { tooMany, type Row } from './ops.js';
import { leaked, resultRowsMax, SUSPEND, type Suspension } from './suspend.js';

export { resultRowsMax, RESULT_ROWS_SETTING } from './suspend.js';

type Step = 'done' | 'suspended' | 'full';

export class RelCursor implements RowCursor {
  private it: Iterator<Row> | undefined;
  /** Rows returned so far (the CommandComplete tag). */
  private returned = 0;
  /** A deferred error: raised by the next fetch. */
  private error: unknown;
  /** After detach(): the remaining rows, served from memory. */
  private held: Row[] | undefined;
  private heldPos = 0;
  private busy = false;
  private released = false;
  /** Told once when the cursor no longer reads the transaction (the session's bookkeeping). */
  onRelease: ((c: RelCursor) => void) | undefined;

  constructor(
    it: Iterator<Row>,
    private readonly ctx: EvalContext,
    private readonly susp: Suspension | undefined,
    private readonly release: (() => void) | undefined,
  ) {
    this.it = it;
  }

  /** True while the operator tree is open (not exhausted, failed, closed or detached). */
  get isOpen(): boolean {
    return this.it !== undefined;
  }

  fetch(maxRows: number): FetchResult | Promise<FetchResult> {
    if (this.busy) throw leaked('a cursor fetched while its previous fetch was pending');
    if (this.held) return this.fromHeld(maxRows);
    if (this.it === undefined) return this.ended([]);
    // fetch(0) asks for everything: bounded like any collected result.
    const all = maxRows <= 0;
    const want = all ? resultRowsMax(this.ctx) + 1 : maxRows;
    const out: Row[] = [];
    let s: Step;
    try {
      s = this.step(out, want);
    } catch (e) {
      return this.failed(e, out);
    }
    if (s === 'suspended') return this.pullAsync(out, want, all);
    return this.settle(s, out, all);
  }

  close(): void {
    this.held = undefined;
    this.error = undefined;
    this.finish(false);
  }

  /**
   * Pulls the rest into memory and releases the operator tree (see the header). Never rejects:
   * an error becomes the deferred error the portal's next fetch raises after the held rows.
   */
  detach(): void | Promise<void> {
    if (this.it === undefined || this.held) return;
    const keep = (r: FetchResult): void => {
      this.held = r.rows;
      this.heldPos = 0;
    };
    const counted = this.returned;
    let r: FetchResult | Promise<FetchResult>;
    try {
      r = this.fetch(0);
    } catch (e) {
      this.error = e;
      this.held = [];
      return;
    }
    if (!(r instanceof Promise)) {
      this.returned = counted;
      keep(r);
      return;
    }
    return r.then(
      (x) => {
        this.returned = counted;
        keep(x);
      },
      (e) => {
        this.returned = counted;
        this.error = e;
        this.held = [];
      },
    );
  }

  /** Pulls into `out` until `want` rows, the end, or a SUSPEND. */
  private step(out: Row[], want: number): Step {
    const it = this.it!;
    while (out.length < want) {
      const r = it.next();
      if (r.done) return 'done';
      if (r.value === SUSPEND) {
        if (!this.susp) throw leaked('a cursor without a suspension received SUSPEND');
        return 'suspended';
      }
      out.push(r.value);
    }
    return 'full';
  }

  private async pullAsync(out: Row[], want: number, all: boolean): Promise<FetchResult> {
    this.busy = true;
    let s: Step = 'suspended';
    try {
      while (s === 'suspended') {
        await this.susp!.take();
        if (this.it === undefined) return this.ended(out); // closed while waiting (connection lost)
        const reason = this.ctx.cancel.reason;
        if (reason) throw reason;
        s = this.step(out, want);
      }
    } catch (e) {
      this.busy = false;
      return this.failed(e, out);
    }
    this.busy = false;
    return this.settle(s, out, all);
  }

  private settle(s: Exclude<Step, 'suspended'>, out: Row[], all: boolean): FetchResult {
    if (s === 'done') {
      if (this.susp?.isPending) return this.failed(leaked('a wait left pending'), out);
      this.finish(true);
      this.returned += out.length;
      return { rows: out, done: true, tag: `SELECT ${this.returned}` };
    }
    if (all) {
      // One row more than the cap arrived: the collected result would exceed it.
      out.pop();
      return this.failed(tooMany(), out);
    }
    this.returned += out.length;
    return { rows: out, done: false };
  }

  /** An error while pulling: the rows already pulled go out first (deferred error). */
  private failed(e: unknown, out: Row[]): FetchResult {
    this.finish(false);
    if (out.length === 0) throw e;
    this.error = e;
    this.returned += out.length;
    return { rows: out, done: false };
  }

  private ended(out: Row[]): FetchResult {
    const e = this.error;
    if (e !== undefined) {
      this.error = undefined;
      throw e;
    }
    this.returned += out.length;
    return { rows: out, done: true, tag: `SELECT ${this.returned}` };
  }

  private fromHeld(maxRows: number): FetchResult {
    const held = this.held!;
    const end = maxRows <= 0 ? held.length : Math.min(held.length, this.heldPos + maxRows);
    const rows = this.heldPos === 0 && end === held.length ? held : held.slice(this.heldPos, end);
    this.heldPos = end;
    if (end < held.length) {
      this.returned += rows.length;
      return { rows, done: false };
    }
    this.held = undefined;
    if (this.error !== undefined) {
      if (rows.length === 0) return this.ended([]);
      this.returned += rows.length;
      return { rows, done: false }; // the deferred error comes with the next fetch
    }
    return this.ended(rows);
  }

  /** Closes the iterator (streamed scans close their DuckDB cursors) and releases the rest. Idempotent. */
  private finish(normalEnd: boolean): void {
    const it = this.it;
    this.it = undefined;
    if (!this.released) {
      this.released = true;
      try {
        // The statement's outcome is decided; a failure while closing must not replace it.
        if (it && !normalEnd) it.return?.();
      } catch {
        // ignored (see above)
      } finally {
        try {
          this.release?.();
        } finally {
          this.onRelease?.(this);
        }
      }
    }
  }
}

/** A cursor over an operator tree that never suspends (no streamed external scans). */
export function nativeCursor(it: Iterator<Row>, ctx: EvalContext): RelCursor {
  return new RelCursor(it, ctx, undefined, undefined);
}
