// Streamed external scans (issue 5, placement B without materialising): the scan's rows come from
// its DuckDB cursor one chunk at a time while the synchronous native executor runs. When the
// buffered chunk is used up, the scan's generator records the next fetch on the statement's
// Suspension and yields SUSPEND (planner/rel/suspend.ts); the driver awaits it and pulls again.
// Memory: one DuckDB chunk (≤ FETCH_ROWS rows) per streamed scan. Cancel/statement_timeout reach
// DuckDB through the cursor (it polls the CancelToken while a fetch is pending). Closing the
// generator (LIMIT satisfied, an error, the statement's end) closes the cursor, which stops the
// DuckDB query early. Loaded by dynamic import: this file pulls in DuckDB.
import type { EvalContext, Value } from '../bind/expr.js';
import { leaked, type Suspension } from '../rel/suspend.js';
import { externalRowCursor } from './cursor.js';
import type { ExternalHost } from './host.js';
import { currentRef, drainCursor, preparePartial, prepareScan } from './prefetch.js';
import type { StreamedRows } from './scan-rows.js';
import type { ExternalScan } from './scan-spec.js';

/** Rows asked from DuckDB per fetch (one chunk buffered per scan). */
const FETCH_ROWS = 4096;
const CANCEL_POLL_MS = 50;

/** Opens one stream per scan (pruning and the rendered fragment as for a prefetch). */
export async function openStreams(host: ExternalHost, scans: readonly ExternalScan[], ctx: EvalContext, susp: Suspension): Promise<Map<ExternalScan, StreamedRows>> {
  const out = new Map<ExternalScan, StreamedRows>();
  try {
    for (const scan of scans) {
      const ref = await currentRef(host, scan.table.external!);
      const p = prepareScan(scan, ref, ctx);
      if (scan.lastRun) scan.lastRun.streamed = true;
      if (p.kind === 'empty') {
        out.set(scan, emptyRows());
        continue;
      }
      const engine = await host.engine();
      out.set(scan, streamOf(externalRowCursor(engine, ctx.cancel, { sql: p.r.sql, files: p.r.files, cancelPollMs: CANCEL_POLL_MS }), p.fetch, p.width, susp, scan.table.name));
    }
  } catch (e) {
    for (const s of out.values()) s.close();
    throw e;
  }
  return out;
}

/**
 * Partial aggregates of decomposed UNION ALL branches (rel/partial-agg.ts) that DuckDB can compute:
 * each query starts now, so DuckDB works on its threads while the native executor runs the other
 * branches; the branch's rows() waits (SUSPEND) only if DuckDB is not done when it is reached.
 * Scans whose fragment does not render are left out (they stream their rows instead).
 */
export async function openPartialStreams(host: ExternalHost, scans: readonly ExternalScan[], ctx: EvalContext, susp: Suspension, rowsMax: number): Promise<Map<ExternalScan, StreamedRows>> {
  const out = new Map<ExternalScan, StreamedRows>();
  for (const scan of scans) {
    const ref = await currentRef(host, scan.table.external!);
    const r = preparePartial(scan, ref, ctx);
    if (!r) continue;
    const engine = await host.engine();
    const cursor = externalRowCursor(engine, ctx.cancel, { sql: r.sql, files: r.files, cancelPollMs: CANCEL_POLL_MS });
    let rows: Value[][] | undefined;
    const all = drainCursor(cursor, rowsMax).then((x) => {
      rows = x;
    });
    all.catch(() => undefined); // awaited (and its error raised) when the branch is reached
    let opened = false;
    out.set(scan, {
      *rows(): Generator<Value[]> {
        if (opened) throw leaked(`external table "${scan.table.name}" streamed twice in one execution`);
        opened = true;
        if (!rows) yield susp.suspend(all);
        if (!rows) throw leaked(`external table "${scan.table.name}" read before its rows arrived`);
        yield* rows;
      },
      close: () => cursor.close(),
    });
  }
  return out;
}

function emptyRows(): StreamedRows {
  return { rows: () => [][Symbol.iterator](), close: () => undefined };
}

function streamOf(cursor: ReturnType<typeof externalRowCursor>, fetch: readonly number[], width: number, susp: Suspension, table: string): StreamedRows {
  let opened = false;
  const widen = fetch.length === width
    ? (row: Value[]): Value[] => row
    // One slot per table column; columns the statement never names stay NULL.
    : (row: Value[]): Value[] => {
      const full = new Array<Value>(width).fill(null);
      for (let k = 0; k < fetch.length; k++) full[fetch[k]!] = row[k]!;
      return full;
    };
  function* rows(): Generator<Value[]> {
    // A scan opened twice in one execution would have to read DuckDB twice: the planner only
    // streams scans opened once per statement (suspend.ts streamingScans).
    if (opened) throw leaked(`external table "${table}" streamed twice in one execution`);
    opened = true;
    let buf: Value[][] = [];
    let pos = 0;
    let done = false;
    let waiting = false;
    try {
      for (;;) {
        if (waiting) throw leaked(`external table "${table}" read before its rows arrived`);
        if (pos < buf.length) {
          yield widen(buf[pos++]!);
          continue;
        }
        if (done) return;
        waiting = true;
        buf = [];
        yield susp.suspend(Promise.resolve(cursor.fetch(FETCH_ROWS)).then((f) => {
          buf = f.rows as Value[][];
          pos = 0;
          done = f.done;
          waiting = false;
        }));
      }
    } finally {
      cursor.close();
    }
  }
  return { rows, close: () => cursor.close() };
}
