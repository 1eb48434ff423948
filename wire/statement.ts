// Running one statement to the wire: execution, row streaming, COPY sub-protocol, cancellation
// and statement_timeout, slow-statement logging. Shared by the simple and extended protocols.
//
// Invariants:
// - A statement's CancelToken is the only channel for CancelRequest/statement_timeout: wire/
//   sets `reason`, the executor (and this file, between batches) checks it.
// - Output is flushed whenever the writer passes FLUSH_BYTES and the socket's backpressure is
//   honoured, so a large result never sits whole in memory on our side.

import { DbError } from '../catalog/index.js';
import type { CancelToken, CopyInSink, CopyOutSource, Execution, FetchResult, Field, FormatSettings, RowCursor, SqlSession, Value } from '../planner/api.js';
import type { Frame } from './framing.js';
import type { Logger } from './log.js';
import { decodeUtf8 } from './messages.js';
import { encodersFor, writeDataRow, type ColumnEncoder } from './rows.js';
import type { BackendWriter } from './writer.js';
import { ConnectionLost, FLUSH_BYTES } from './transport.js';

/** What a statement runner needs from its connection. */
export interface StatementIo {
  readonly out: BackendWriter;
  readonly log: Logger;
  readonly logMinDurationMs: number;
  nextFrame(): Promise<Frame | undefined>;
  /** A whole frame already received, or undefined (then nextFrame() waits). No promise. */
  bufferedFrame(): Frame | undefined;
  /** Flushes when the output has grown past FLUSH_BYTES; waits while the socket is full. */
  maybeFlush(): Promise<void>;
  /** Sends pending NoticeResponses now (notices precede the results they belong to). */
  sendNotices(): void;
  /** The token a CancelRequest should hit now, or undefined. */
  running: CancelToken | undefined;
}

/** Rows fetched per cursor call when the client did not ask for a limit. */
export const FETCH_BATCH_ROWS = 4096;

export function newCancelToken(): CancelToken {
  return { reason: undefined };
}

/** Arms statement_timeout on a token; returns the disarm function. */
export function armTimeout(session: SqlSession, token: CancelToken): () => void {
  const ms = session.statementTimeoutMs();
  if (!(ms > 0)) return noop;
  const timer = setTimeout(() => {
    token.reason ??= new DbError('57014', 'canceling statement due to statement timeout');
  }, ms);
  return () => clearTimeout(timer);
}

const noop = (): void => {};

function checkCancel(token: CancelToken): void {
  if (token.reason !== undefined) throw token.reason;
}

/** A started statement or portal: the execution plus what streaming it needs. */
export interface Running {
  exec: Execution;
  token: CancelToken;
  encoders: ColumnEncoder[] | undefined;
}

/** How a run of an execution ended: suspended by the row limit, or done with its tag. */
export type RunEnd =
  | { kind: 'suspended' }
  /** `sent` counts the DataRows sent by this run only (PostgreSQL's nprocessed). */
  | { kind: 'done'; tag: string; sent: number };

/**
 * Streams up to `maxRows` rows (0 = all) of a cursor as DataRows: suspended when the limit
 * stopped it before the cursor said it was exhausted. Synchronous while the cursor answers
 * synchronously and the output stays under FLUSH_BYTES (a point lookup: no promise at all);
 * the first wait continues in streamRowsAsync.
 */
export function streamRows(io: StatementIo, cursor: RowCursor, encoders: readonly ColumnEncoder[] | undefined, maxRows: number, token: CancelToken): RunEnd | Promise<RunEnd> {
  let left = maxRows;
  let sent = 0;
  for (;;) {
    const r = cursor.fetch(maxRows === 0 ? FETCH_BATCH_ROWS : Math.min(left, FETCH_BATCH_ROWS));
    if (r instanceof Promise) return streamRowsAsync(io, cursor, encoders, maxRows, token, left, sent, r, 0);
    checkCancel(token);
    const rows: Value[][] = r.rows;
    if (encoders !== undefined) {
      for (let i = 0; i < rows.length; i++) {
        writeDataRow(io.out, rows[i]!, encoders);
        // Wide rows: hand bytes to the socket as they pile up, not once per batch.
        if (io.out.sizeBytes >= FLUSH_BYTES) return streamRowsAsync(io, cursor, encoders, maxRows, token, left, sent, r, i + 1);
      }
    }
    const end = batchSent(io, r, maxRows, left, sent);
    if (typeof end !== 'number') return end;
    left -= end - sent;
    sent = end;
    if (io.out.sizeBytes >= FLUSH_BYTES) return streamRowsAsync(io, cursor, encoders, maxRows, token, left, sent, undefined, 0);
  }
}

/**
 * streamRows from its first wait on: `pending` is a batch still to fetch (a promise) or to
 * write from row `from` on; undefined when the next step is a flush before the next fetch.
 */
async function streamRowsAsync(
  io: StatementIo, cursor: RowCursor, encoders: readonly ColumnEncoder[] | undefined, maxRows: number, token: CancelToken,
  left: number, sent: number, pending: FetchResult | Promise<FetchResult> | undefined, from: number,
): Promise<RunEnd> {
  for (;;) {
    let r: FetchResult;
    if (pending === undefined) {
      await io.maybeFlush();
      const f = cursor.fetch(maxRows === 0 ? FETCH_BATCH_ROWS : Math.min(left, FETCH_BATCH_ROWS));
      r = f instanceof Promise ? await f : f;
      checkCancel(token);
    } else if (pending instanceof Promise) {
      r = await pending;
      checkCancel(token);
    } else {
      r = pending;
    }
    pending = undefined;
    const rows: Value[][] = r.rows;
    if (encoders !== undefined) {
      for (let i = from; i < rows.length; i++) {
        writeDataRow(io.out, rows[i]!, encoders);
        if (io.out.sizeBytes >= FLUSH_BYTES) await io.maybeFlush();
      }
    }
    from = 0;
    const end = batchSent(io, r, maxRows, left, sent);
    if (typeof end !== 'number') return end;
    left -= end - sent;
    sent = end;
  }
}

/**
 * After a batch was written: how the run ended, or the rows sent so far when it goes on.
 * `sent` counts the DataRows sent by this run only (PostgreSQL's nprocessed).
 */
function batchSent(io: StatementIo, r: FetchResult, maxRows: number, left: number, sent: number): RunEnd | number {
  const n = r.rows.length;
  sent += n;
  if (n > 0) io.sendNotices();
  if (r.done) return { kind: 'done', tag: r.tag ?? 'SELECT 0', sent };
  if (maxRows !== 0 && left - n <= 0) return SUSPENDED;
  return sent;
}

const SUSPENDED: RunEnd = { kind: 'suspended' };

/**
 * The command tag with its row count replaced, for statements that return rows: PostgreSQL
 * reports the rows of this Execute ('SELECT 2' after a suspension, 'SELECT 0' once exhausted).
 */
export function tagWithCount(tag: string, n: number): string {
  // By hand, not /\d+$/: this runs once per statement, and the usual tag already holds n.
  let k = tag.length;
  let count = 0;
  let scale = 1;
  while (k > 0) {
    const ch = tag.charCodeAt(k - 1);
    if (ch < 0x30 || ch > 0x39) break;
    count += (ch - 0x30) * scale;
    scale *= 10;
    k--;
  }
  if (k === tag.length) return tag;
  // Same count without leading zeros (a tag never has them): the tag as it is.
  if (count === n && (tag.length - k === 1 || tag.charCodeAt(k) !== 0x30)) return tag;
  return tag.slice(0, k) + String(n);
}

/**
 * The per-column encoders for an execution's rows. The last set is kept (`cache`, one per
 * connection): a repeated statement — same row description object, same result formats, same
 * format settings object (the session replaces it when a setting changes) — reuses its
 * encoders instead of building a closure per column per statement.
 */
export function rowEncoders(session: SqlSession, exec: Execution, formats: readonly number[], cache: EncoderCache): ColumnEncoder[] | undefined {
  if (exec.kind !== 'rows' || exec.fields === null) return undefined;
  const fmt = session.formatSettings();
  if (cache.fields === exec.fields && cache.fmt === fmt && sameFormats(cache.formats, formats)) return cache.encoders;
  const encoders = encodersFor(exec.fields, formats, fmt);
  cache.fields = exec.fields;
  cache.fmt = fmt;
  cache.formats = formats.length === 0 ? NO_FORMATS : [...formats];
  cache.encoders = encoders;
  return encoders;
}

/** rowEncoders' last answer and what it was built for. Encoders are stateless: sharing is safe. */
export interface EncoderCache {
  fields: readonly Field[] | undefined;
  fmt: FormatSettings | undefined;
  formats: readonly number[];
  encoders: ColumnEncoder[] | undefined;
}

export function newEncoderCache(): EncoderCache {
  return { fields: undefined, fmt: undefined, formats: NO_FORMATS, encoders: undefined };
}

const NO_FORMATS: readonly number[] = [];

function sameFormats(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** COPY TO STDOUT: CopyOutResponse, CopyData per chunk, CopyDone, then the tag. */
export async function runCopyOut(io: StatementIo, format: 'text' | 'csv' | 'binary', columnCount: number, source: CopyOutSource, token: CancelToken): Promise<RunEnd> {
  try {
    io.out.copyResponse('H', format === 'binary', columnCount);
    for (;;) {
      const chunk = await source.next();
      checkCancel(token);
      if (chunk === undefined) break;
      io.out.copyData(chunk);
      await io.maybeFlush();
    }
    io.out.copyDone();
    return { kind: 'done', tag: source.tag(), sent: 0 };
  } finally {
    source.close();
  }
}

const d = 0x64, c = 0x63, f = 0x66, H = 0x48, S = 0x53;

/**
 * CopyData bytes gathered before the sink sees them: clients send one CopyData per row (psql,
 * pgbench), so handing the sink a batch parses and applies many rows per call instead of one
 * (one decode, one record array, one apply loop per batch). Bounded: memory per COPY stays at
 * one batch plus one frame. PostgreSQL reads its input in 64 KiB buffers too (RAW_BUF_SIZE).
 */
export const COPY_IN_BATCH_BYTES = 64 * 1024;

/**
 * COPY FROM STDIN: CopyInResponse, then CopyData into the sink until CopyDone (→ tag) or
 * CopyFail (→ 57014). Flush and Sync are ignored inside COPY, as PostgreSQL does.
 *
 * CopyData bodies are batched (COPY_IN_BATCH_BYTES) and the batch is written to the sink before
 * anything else is acted on (CopyDone, CopyFail, an unexpected message), so errors come out in
 * input order as PostgreSQL's: a bad row before a CopyFail reports the row, not the CopyFail.
 */
export async function runCopyIn(io: StatementIo, format: 'text' | 'csv' | 'binary', columnCount: number, sink: CopyInSink, token: CancelToken): Promise<RunEnd> {
  io.out.copyResponse('G', format === 'binary', columnCount);
  let finished = false;
  const batch: Uint8Array[] = [];
  let batchBytes = 0;
  /** Hands the gathered CopyData bytes to the sink (one chunk; frame bodies are not reused). */
  const flushBatch = (): Promise<void> | void => {
    if (batch.length === 0) return;
    const chunk = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batchBytes);
    batch.length = 0;
    batchBytes = 0;
    return sink.write(chunk);
  };
  try {
    for (;;) {
      // psql sends one CopyData per line: frames already buffered are taken without a promise
      // (an await per row was a measurable share of a COPY's main-thread time).
      const frame = io.bufferedFrame() ?? (await io.nextFrame());
      if (frame === undefined) throw new ConnectionLost();
      checkCancel(token);
      if (frame.type === d) {
        batch.push(frame.body);
        batchBytes += frame.body.length;
        if (batchBytes >= COPY_IN_BATCH_BYTES) {
          const w = flushBatch();
          if (w instanceof Promise) await w;
        }
        continue;
      }
      if (frame.type === H || frame.type === S) continue;
      const w = flushBatch();
      if (w instanceof Promise) await w;
      switch (frame.type) {
        case c: {
          finished = true;
          return { kind: 'done', tag: await sink.finish(), sent: 0 };
        }
        case f: {
          finished = true;
          const end = frame.body.indexOf(0);
          const msg = decodeUtf8(frame.body.subarray(0, end < 0 ? frame.body.length : end));
          sink.abort(msg);
          throw new DbError('57014', `COPY from stdin failed: ${msg}`);
        }
        default:
          throw new DbError('08P01', `unexpected message type 0x${frame.type.toString(16).toUpperCase().padStart(2, '0')} during COPY from stdin`);
      }
    }
  } catch (e) {
    if (!finished) sink.abort(e instanceof Error ? e.message : String(e));
    throw e;
  }
}

/** Logs a statement that ran at least log_min_duration_ms. */
export function logSlow(io: StatementIo, stmt: { readonly sql: string }, startMs: number): void {
  if (io.logMinDurationMs < 0) return;
  const ms = performance.now() - startMs;
  // The text is read only when logged: a statement served by a parameterised plan builds it on demand.
  if (ms >= io.logMinDurationMs) io.log.info('slow statement', { durationMs: Math.round(ms * 1000) / 1000, statement: stmt.sql });
}
