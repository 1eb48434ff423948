// The native executor's side of an external table scan. The executor's operators are
// synchronous iterators, so the rows of an external scan are either fetched *before* the
// statement runs (prefetch.ts, async, dynamic import; bounded by ROWS_IN_MEMORY_MAX) or streamed
// from DuckDB while it runs (stream-rows.ts, SUSPEND while a chunk is on its way; only for scans
// reached through operators that forward SUSPEND), and the scan's ScanNode yields them from here. Imported statically by rel/: nothing here loads
// DuckDB.
//
// Which scans: planning is synchronous, so every external ScanNode planned by a SELECT is
// recorded in the session's ExternalState while the SELECT is planned (`openWindow`/`close`);
// the outermost relational plan then fetches all the scans planned inside it — including views,
// subqueries in FROM, subqueries in expressions and CTE bodies — before it runs, and nested
// plans find their rows already there. That is what makes external tables readable from a view,
// INSERT … SELECT, COPY (SELECT …) TO STDOUT and COPY … TO Parquet alike.
import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Value } from '../bind/expr.js';
import type { ExternalHost } from './host.js';
import { ExternalScan } from './scan-spec.js';

/** Scans recorded while planning, at most this many before the oldest are forgotten. */
const PLANNED_MAX = 10_000;

/** A session's external-table state (held in TableSession.externalRows). */
export class ExternalState {
  /** The server's engine, learnt from the session's hooks (planExternalStatement, runWithExternal). */
  host: ExternalHost | undefined;
  /** External scans in planning order (the recent ones; windows copy what they need). */
  private planned: ExternalScan[] = [];
  private depth = 0;
  /** Where the outermost window of a WITH frame started (CTE bodies are planned before the main query). */
  private readonly frameStart = new WeakMap<object, number>();
  /** Rows fetched for the running statement, per scan (one slot per table column). */
  readonly fetched = new Map<ExternalScan, readonly Value[][]>();
  /**
   * Partial-aggregate rows DuckDB computed for the running statement, per scan whose branch was
   * decomposed (`ExternalScan.partial`; rel/partial-agg.ts): the branch's output rows as they are.
   */
  readonly aggregated = new Map<ExternalScan, readonly Value[][]>();
  /** Scans streamed by the running statement (stream-rows.ts). */
  readonly streams = new Map<ExternalScan, StreamedRows>();
  /** Partial aggregates the running statement's DuckDB queries are computing (stream-rows.ts openPartialStreams). */
  readonly partialStreams = new Map<ExternalScan, StreamedRows>();

  /** Relational SELECTs being planned now (a scan planned in a SELECT's own FROM has this planDepth). */
  get planningDepth(): number {
    return this.depth;
  }

  /** A new external scan of `t`, recorded for the windows open now. */
  scan(t: TableDesc): ExternalScan {
    const s = new ExternalScan(t);
    s.planDepth = this.depth;
    if (this.planned.length >= PLANNED_MAX && this.depth === 0) this.planned = [];
    this.planned.push(s);
    return s;
  }

  /**
   * Starts recording for a relational SELECT being planned; `cteFrame`: the outermost WITH frame
   * visible while it is planned (its CTE bodies belong to the window too).
   */
  openWindow(cteFrame: object | undefined): { close(): ExternalScan[]; outermost: boolean } {
    let start = this.planned.length;
    // Outermost: not inside another SELECT being planned, nor a WITH query (whose bodies run
    // synchronously inside the main query): its plan may finish asynchronously.
    const outermost = this.depth === 0 && cteFrame === undefined;
    if (this.depth === 0 && cteFrame !== undefined) {
      const known = this.frameStart.get(cteFrame);
      if (known === undefined) this.frameStart.set(cteFrame, start);
      else start = Math.min(start, known);
    }
    this.depth++;
    let closed = false;
    return {
      outermost,
      close: (): ExternalScan[] => {
        if (closed) return [];
        closed = true;
        this.depth--;
        return this.planned.slice(Math.min(start, this.planned.length));
      },
    };
  }

  /** Forgets recorded scans (the session's hook calls this when a statement's plan is done). */
  drainPlanned(): ExternalScan[] {
    if (this.depth > 0) return [];
    const out = this.planned;
    this.planned = [];
    return out;
  }
}

/** A streamed scan's rows for the running statement (stream-rows.ts): `rows()` once per execution. */
export interface StreamedRows {
  rows(): Iterator<Value[]> & Iterable<Value[]>;
  close(): void;
}

/**
 * Rows of `scan` for the running statement: fetched before the run, or streamed from its DuckDB
 * cursor (yielding SUSPEND while a chunk is on its way — only for scans the planner knows are
 * reached through operators that forward it); 0A000 when the statement's shape set up neither.
 */
export function externalRowsOf(state: ExternalState | undefined, scan: ExternalScan): Iterable<Value[]> {
  const r = state?.fetched.get(scan);
  if (!r) {
    const s = state?.streams.get(scan);
    if (s) return s.rows();
    throw new DbError('0A000', `external table "${scan.table.name}" cannot be read in this kind of statement yet`, {
      detail: 'External tables are read by the query that names them (SELECT, views, subqueries, INSERT … SELECT, COPY (SELECT …)); this statement shape was not prefetched.',
    });
  }
  return r;
}

/** Kept for TableSession's field type (issue 5). */
export type ExternalRows = ExternalState;

/** Any write to an external table: PostgreSQL-style 0A000 with the way out in the hint. */
export function externalTableReadOnly(table: string): DbError {
  return new DbError('0A000', `cannot modify external table "${table}"`, {
    detail: 'External tables are read-only references to files.',
    hint: "Use COPY (query) TO '<file>.parquet' to write Parquet, or INSERT INTO a native table.",
  });
}
