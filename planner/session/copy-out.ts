// COPY (query) TO STDOUT in PostgreSQL's text, csv and binary formats (see PostgreSQL's
// "COPY" reference page, "File Formats"). Rows are encoded into chunks of whole rows of at most
// ~64 KiB each, so the wire layer streams them without holding one huge buffer. `copyOutQuery`
// pulls the rows from the query's cursor a batch at a time as the chunks are asked for (issue 5);
// COPY table TO STDOUT (../dml/copy.ts) runs through it too, with the table's scan as the query.

import { DbError, binaryOut, textOut } from '../../catalog/index.js';
import type { CopyOutSource, Execution, FetchResult, FormatSettings, RowCursor } from '../api.js';
import type { Node } from '../parse/ast.js';
import type { EvalContext, Value } from '../bind/expr.js';
import type { OutputColumn, QueryPlan } from '../exec/query.js';

export interface CopyOptions {
  format: 'text' | 'csv' | 'binary';
  header: boolean;
  delimiter: string;
  nullString: string;
  quote: string;
  escape: string;
  forceQuoteAll: boolean;
  forceQuote: readonly string[];
}

/** Target size of one CopyData chunk. */
export const COPY_CHUNK_BYTES = 64 * 1024;

function optString(o: Node): string | undefined {
  const a = (o as { arg?: Node }).arg;
  if (!a) return undefined;
  if (a.kind === 'String') return a.sval ?? '';
  if (a.kind === 'A_Const') return a.sval?.sval ?? (a.ival ? String(a.ival.ival ?? 0) : undefined);
  if (a.kind === 'Integer') return String(a.ival ?? 0);
  if (a.kind === 'Boolean') return a.boolval ? 'true' : 'false';
  return undefined;
}

export function parseCopyOptions(opts: Node[] | undefined): CopyOptions {
  let format: CopyOptions['format'] = 'text';
  let header: boolean | undefined;
  let delimiter: string | undefined;
  let nullString: string | undefined;
  let quote: string | undefined;
  let escape: string | undefined;
  let forceQuoteAll = false;
  let forceQuote: string[] = [];
  for (const o of opts ?? []) {
    if (o.kind !== 'DefElem') continue;
    const v = optString(o);
    switch (o.defname) {
      case 'format': {
        const f = (v ?? '').toLowerCase();
        if (f !== 'text' && f !== 'csv' && f !== 'binary') throw new DbError('22023', `COPY format "${v}" not recognized`);
        format = f;
        break;
      }
      case 'header':
        header = v === undefined ? true : !['false', 'off', '0', 'no'].includes(v.toLowerCase());
        break;
      case 'delimiter': delimiter = v ?? ''; break;
      case 'null': nullString = v ?? ''; break;
      case 'quote': quote = v ?? ''; break;
      case 'escape': escape = v ?? ''; break;
      case 'force_quote': {
        const a = (o as { arg?: Node }).arg;
        if (a?.kind === 'A_Star') forceQuoteAll = true;
        else if (a?.kind === 'List') forceQuote = (a.items ?? []).map((x) => (x.kind === 'String' ? x.sval ?? '' : ''));
        break;
      }
      default:
        throw new DbError('42601', `option "${o.defname}" not recognized`);
    }
  }
  if (format === 'binary') {
    if (delimiter !== undefined) throw new DbError('42601', 'cannot specify DELIMITER in BINARY mode');
    if (nullString !== undefined) throw new DbError('42601', 'cannot specify NULL in BINARY mode');
    if (header) throw new DbError('0A000', 'cannot specify HEADER in BINARY mode');
  }
  if (format !== 'csv') {
    if (quote !== undefined) throw new DbError('0A000', 'COPY quote available only in CSV mode');
    if (escape !== undefined) throw new DbError('0A000', 'COPY escape available only in CSV mode');
    if (forceQuoteAll || forceQuote.length) throw new DbError('0A000', 'COPY force quote available only in CSV mode');
  }
  const d = delimiter ?? (format === 'csv' ? ',' : '\t');
  if (Buffer.byteLength(d) !== 1) throw new DbError('0A000', 'COPY delimiter must be a single one-byte character');
  if (/[\r\n]/.test(d)) throw new DbError('22023', 'COPY delimiter cannot be newline or carriage return');
  const q = quote ?? '"';
  if (format === 'csv' && Buffer.byteLength(q) !== 1) throw new DbError('0A000', 'COPY quote must be a single one-byte character');
  if (format === 'csv' && d === q) throw new DbError('22023', 'COPY delimiter and quote must be different');
  return {
    format, header: header ?? false, delimiter: d, nullString: nullString ?? (format === 'csv' ? '' : '\\N'),
    quote: q, escape: escape ?? q, forceQuoteAll, forceQuote,
  };
}

function textField(s: string, delim: string): string {
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += delim === '\t' ? '\\t' : '\t'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\v': out += '\\v'; break;
      default: out += ch === delim ? '\\' + ch : ch;
    }
  }
  return out;
}

function csvField(s: string, o: CopyOptions, force: boolean, single: boolean): string {
  const needs = force || s === o.nullString || s.includes(o.delimiter) || s.includes(o.quote) || /[\r\n]/.test(s) || (single && s === '\\.');
  if (!needs) return s;
  let out = o.quote;
  for (const ch of s) {
    if (ch === o.quote || ch === o.escape) out += o.escape;
    out += ch;
  }
  return out + o.quote;
}

const BINARY_SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);

/** Rows for a COPY OUT encoder, batch after batch; undefined at the end. */
interface RowFeed {
  next(): Value[][] | undefined | Promise<Value[][] | undefined>;
  close(): void;
}

/** Encodes all rows as COPY data chunks. */
export function copyOutSource(columns: readonly OutputColumn[], rows: Value[][], o: CopyOptions, fmt: FormatSettings): CopyOutSource {
  return encodeFeed(columns, arrayFeed(rows), o, fmt);
}

/** Rows pulled from the query's cursor per fetch (the wire's FETCH_BATCH_ROWS). */
export const COPY_OUT_FETCH_ROWS = 4096;

/**
 * COPY (query) TO STDOUT that streams (issue 5): the query's cursor is opened now (so planning
 * and setup errors end the statement before CopyOutResponse) and pulled one batch at a time as
 * the wire asks for chunks, so at most one batch of rows and one chunk are in memory; a plan
 * without a cursor is collected as before. An error while pulling ends the COPY after the
 * chunks already sent (the wire sends the ErrorResponse; PostgreSQL sends the CopyData produced
 * before the error too). The wire's close() closes the cursor on every exit.
 */
export async function copyOutQuery(q: QueryPlan, ctx: EvalContext, o: CopyOptions, fmt: FormatSettings): Promise<Execution> {
  const exec = (feed: RowFeed): Execution => ({ kind: 'copyOut', format: o.format, columnCount: q.columns.length, source: encodeFeed(q.columns, feed, o, fmt) });
  if (!q.openCursor) return exec(arrayFeed(await q.run(ctx)));
  const opened = await q.openCursor(ctx);
  if (Array.isArray(opened)) return exec(arrayFeed(opened));
  const cursor: RowCursor = opened;
  let done = false;
  return exec({
    next() {
      if (done) return undefined;
      const r = cursor.fetch(COPY_OUT_FETCH_ROWS);
      const take = (x: FetchResult): Value[][] => {
        if (x.done) done = true;
        return x.rows;
      };
      return r instanceof Promise ? r.then(take) : take(r);
    },
    close: () => cursor.close(),
  });
}

function arrayFeed(rows: Value[][]): RowFeed {
  let given = false;
  return { next: () => (given ? undefined : ((given = true), rows)), close: () => undefined };
}

/** COPY data chunks of whole rows (at most ~COPY_CHUNK_BYTES each) from a feed of row batches. */
function encodeFeed(columns: readonly OutputColumn[], feed: RowFeed, o: CopyOptions, fmt: FormatSettings): CopyOutSource {
  let batch: Value[][] = [];
  let i = 0;
  let count = 0;
  let ended = false;
  let headerDone = false;
  let closed = false;
  const forced = columns.map((c) => o.forceQuoteAll || o.forceQuote.includes(c.name));
  const single = columns.length === 1;
  const close = (): void => {
    if (closed) return;
    closed = true;
    feed.close();
  };
  return {
    async next() {
      if (closed) return undefined;
      const parts: Buffer[] = [];
      let size = 0;
      if (!headerDone) {
        headerDone = true;
        if (o.format === 'binary') {
          const h = Buffer.alloc(BINARY_SIGNATURE.length + 8);
          BINARY_SIGNATURE.copy(h, 0);
          parts.push(h);
          size += h.length;
        } else if (o.header) {
          const names = columns.map((c) => (o.format === 'csv' ? csvField(c.name, o, false, single) : textField(c.name, o.delimiter)));
          const line = Buffer.from(names.join(o.delimiter) + '\n');
          parts.push(line);
          size += line.length;
        }
      }
      while (size < COPY_CHUNK_BYTES) {
        if (i >= batch.length) {
          if (ended) break;
          const b = feed.next();
          const got = b instanceof Promise ? await b : b;
          if (got === undefined) {
            ended = true;
            break;
          }
          batch = got;
          i = 0;
          continue;
        }
        const row = batch[i++]!;
        count++;
        const b = o.format === 'binary' ? binaryRow(columns, row) : Buffer.from(textRow(columns, row, o, fmt, forced, single));
        parts.push(b);
        size += b.length;
      }
      if (ended && i >= batch.length) {
        if (o.format === 'binary') parts.push(Buffer.from([0xff, 0xff]));
        close();
      }
      return parts.length === 0 ? undefined : new Uint8Array(Buffer.concat(parts));
    },
    tag: () => `COPY ${count}`,
    close,
  };
}

function textRow(columns: readonly OutputColumn[], row: Value[], o: CopyOptions, fmt: FormatSettings, forced: boolean[], single: boolean): string {
  const cells = row.map((v, c) => {
    if (v === null) return o.nullString;
    const s = textOut(columns[c]!.type.oid, v, fmt);
    return o.format === 'csv' ? csvField(s, o, forced[c]!, single) : textField(s, o.delimiter);
  });
  return cells.join(o.delimiter) + '\n';
}

function binaryRow(columns: readonly OutputColumn[], row: Value[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(2);
  head.writeInt16BE(row.length);
  parts.push(head);
  row.forEach((v, c) => {
    const len = Buffer.alloc(4);
    if (v === null) {
      len.writeInt32BE(-1);
      parts.push(len);
      return;
    }
    const bytes = binaryOut(columns[c]!.type.oid, v);
    len.writeInt32BE(bytes.length);
    parts.push(len, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
  return Buffer.concat(parts);
}
