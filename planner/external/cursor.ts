// A RowCursor (planner/api.ts) over a rendered external fragment: the placement for a statement
// that touches only external data. Rows stream from DuckDB chunk by chunk; at most one chunk is
// buffered here (~2048 rows), so Execute with a row limit and huge results never materialise.
// Cancel: the session's CancelToken is polled (it is a field, not an event) while DuckDB works,
// and an abort interrupts DuckDB; the token's own DbError is what the client sees (a CancelRequest
// and statement_timeout have different messages).
import type { CancelToken, FetchResult, RowCursor, Value } from '../api.js';
import type { ExternalEngine, ExternalParam, ExternalStream } from '../../external/index.js';
import { dbErrorFromExternal, toInternalValue } from './convert.js';

export interface ExternalCursorOptions {
  sql: string;
  files: readonly string[];
  /** Values of `$n` in `sql`: the statement is then a prepared shape (external/prepared.ts). */
  params?: readonly ExternalParam[];
  /** A small result (LIMIT, point lookup): computed whole by DuckDB in one call (duck.ts). */
  materialize?: boolean;
  /** Reads a row group or two: DuckDB's single-threaded instance runs it (duck.ts). */
  singleThread?: boolean;
  /** How often the CancelToken is polled while DuckDB computes. */
  cancelPollMs: number;
}

export function externalRowCursor(engine: ExternalEngine, cancel: CancelToken, opts: ExternalCursorOptions): RowCursor {
  const abort = new AbortController();
  let stream: ExternalStream | undefined;
  let pending: Value[][] = []; // rows of the current chunk not yet handed out
  let pos = 0;
  let count = 0;
  let finished = false;
  let closed = false;

  const cancelled = (): void => {
    if (cancel.reason) {
      abort.abort();
      throw cancel.reason;
    }
  };

  /** Awaits `p` while polling the cancel token. */
  async function guarded<T>(p: Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      if (cancel.reason) abort.abort();
    }, opts.cancelPollMs);
    try {
      return await p;
    } catch (e) {
      if (cancel.reason) throw cancel.reason;
      throw dbErrorFromExternal(e);
    } finally {
      clearInterval(timer);
    }
  }

  async function fetchAsync(maxRows: number): Promise<FetchResult> {
    if (closed) return { rows: [], done: true, tag: `SELECT ${count}` };
    cancelled();
    stream ??= await guarded(engine.stream(opts.sql, { files: opts.files, signal: abort.signal, params: opts.params, materialize: opts.materialize, singleThread: opts.singleThread }));
    const out: Value[][] = [];
    while (maxRows === 0 || out.length < maxRows) {
      if (pos < pending.length) {
        out.push(pending[pos++]!);
        continue;
      }
      if (finished) break;
      cancelled();
      const b = await guarded(stream.next());
      if (!b) {
        finished = true;
        break;
      }
      const rows: Value[][] = new Array(b.rowCount);
      for (let r = 0; r < b.rowCount; r++) {
        const row = new Array<Value>(b.columns.length);
        for (let c = 0; c < b.columns.length; c++) row[c] = toInternalValue(b.columns[c]![r]!);
        rows[r] = row;
      }
      pending = rows;
      pos = 0;
    }
    count += out.length;
    const done = finished && pos >= pending.length;
    if (done) close();
    return done ? { rows: out, done, tag: `SELECT ${count}` } : { rows: out, done };
  }

  function close(): void {
    if (closed) return;
    closed = true;
    stream?.close();
    pending = [];
  }

  return { fetch: fetchAsync, close };
}
