// The suspension sentinel (issue 5, streaming external rows through the synchronous executor).
// Operators are synchronous generators; a leaf whose rows come from DuckDB (an external scan
// streamed by planner/external/stream-rows.ts) cannot wait for the next chunk. Instead it records
// the promise of that chunk on the statement's `Suspension` and yields the frozen row `SUSPEND`.
// Every operator forwards SUSPEND upward unchanged (yield it, then pull the same child again),
// and the statement's driver (`drainRows`) awaits the recorded promise before pulling again.
//
// Invariants:
// - Only scans reached from the driver through operators that forward SUSPEND stream
//   (`streamingScans` decides at planning); every other scan is fetched before the run.
// - A SUSPEND that reaches code that does not forward it is a programmer error, caught three
//   ways, each an XX000 rather than a wrong answer: a synchronous drain that meets it
//   (`assertNotSuspended`), a streamed leaf pulled again before its chunk arrived, and a
//   suspension left pending when the statement finished.
// - At most one promise is pending per statement: a leaf yields SUSPEND right after recording,
//   and nothing pulls again before the driver awaited it.
import { DbError } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { ROWS_IN_MEMORY_MAX, tooMany, type RelNode, type Row } from './ops.js';

/** The custom setting that lowers the rows a collected relational result may hold (tests). */
export const RESULT_ROWS_SETTING = 'pyralog.result_rows_max';

/**
 * Rows a relational result collected in memory may hold: ROWS_IN_MEMORY_MAX, or less when
 * `SET pyralog.result_rows_max = n` lowers it (tests show a streamed result passing a small cap
 * that the collected path stops at with 53200).
 */
export function resultRowsMax(ctx: EvalContext): number {
  let v: string | undefined;
  try {
    v = ctx.env?.getSetting(RESULT_ROWS_SETTING);
  } catch {
    v = undefined;
  }
  const n = v === undefined || v.trim() === '' ? NaN : Number(v);
  return Number.isSafeInteger(n) && n >= 0 && n < ROWS_IN_MEMORY_MAX ? n : ROWS_IN_MEMORY_MAX;
}

/** The sentinel row (never a real row: rows are fresh arrays). */
export const SUSPEND: Row = Object.freeze([]) as unknown as Row;

/** One statement's pending wait (created by the driver, captured by streamed leaves). */
export class Suspension {
  private pending: Promise<void> | undefined;

  /** Records `p` and returns SUSPEND for the leaf to yield. */
  suspend(p: Promise<void>): Row {
    if (this.pending) throw leaked('two suspensions pending at once');
    this.pending = p;
    return SUSPEND;
  }

  /** The recorded wait (the driver awaits it after seeing SUSPEND). */
  take(): Promise<void> {
    const p = this.pending;
    if (!p) throw leaked('SUSPEND without a recorded wait');
    this.pending = undefined;
    return p;
  }

  get isPending(): boolean {
    return this.pending !== undefined;
  }
}

/** Records `p` on the statement's suspension and returns SUSPEND (the task's `suspend(ctx, promise)`). */
export function suspend(s: Suspension, p: Promise<void>): Row {
  return s.suspend(p);
}

export function leaked(what: string): DbError {
  return new DbError('XX000', `internal error: external rows suspended where the executor cannot wait (${what})`);
}

/** For synchronous consumers: a SUSPEND here would be taken for a row. */
export function assertNotSuspended(r: Row): void {
  if (r === SUSPEND) throw leaked('a synchronous consumer received SUSPEND');
}

/**
 * Drains `root` into memory (the collected path: COPY, INSERT … SELECT, nested plans; a client's
 * result goes through rel-cursor.ts instead), at most `pyralog.result_rows_max` rows (53200
 * beyond): synchronous while nothing suspends (the fast path of native queries), else a
 * Promise that awaits each recorded wait and resumes. Closes the iterator on every exit (LIMIT
 * already did; an error or cancel closes the streamed cursors through the generators' finally).
 */
export function drainRows(root: RelNode, ctx: Parameters<RelNode['open']>[0], s: Suspension): Value[][] | Promise<Value[][]> {
  const it = root.open(ctx);
  const out: Row[] = [];
  const max = resultRowsMax(ctx);
  let async = false;
  try {
    for (let r = it.next(); !r.done; r = it.next()) {
      if (r.value === SUSPEND) {
        async = true;
        return resume(it, out, s, max);
      }
      if (out.length >= max) throw tooMany(); // the collected result is bounded like any buffer
      out.push(r.value);
    }
  } finally {
    if (!async) it.return?.();
  }
  if (s.isPending) throw leaked('a wait left pending');
  return out;
}

async function resume(it: Iterator<Row>, out: Row[], s: Suspension, max: number): Promise<Value[][]> {
  try {
    await s.take();
    for (let r = it.next(); !r.done; r = it.next()) {
      if (r.value === SUSPEND) {
        await s.take();
        continue;
      }
      if (out.length >= max) throw tooMany(); // the collected result is bounded like any buffer
      out.push(r.value);
    }
    if (s.isPending) throw leaked('a wait left pending');
    return out;
  } finally {
    it.return?.();
  }
}

/**
 * The external scans of `candidates` that may stream: those reached from `root` only through
 * operators that forward SUSPEND (`RelNode.streamInputs`). Scans under anything else — a
 * subquery in an expression, a LATERAL item, a CTE, a window stage, a set-returning function —
 * are fetched before the run, so SUSPEND never reaches code that would take it for a row.
 */
export function streamingScans<S>(root: RelNode, candidates: readonly S[]): Set<S> {
  const want = new Set(candidates);
  const out = new Set<S>();
  const todo: RelNode[] = [root];
  for (let i = 0; i < todo.length && i < 100_000; i++) {
    const n = todo[i]!;
    const ext = (n as { external?: S }).external;
    if (ext !== undefined && want.has(ext)) out.add(ext);
    for (const c of n.streamInputs?.() ?? []) todo.push(c);
  }
  return out;
}
