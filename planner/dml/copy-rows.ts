// COPY FROM input as a stream of converted rows (stored cells in table column order, unlisted
// columns null) pulled one at a time, so every row's checks run in input order: a bad literal in
// row 9 is reported only after row 3's duplicate key would have been. Two sources:
//  - ParsedRows (this file): the general path, any format — a RecordParser (copy-parse.ts)
//    splits the chunk into records of field strings/bytes, converted per row here;
//  - FastTextRows (copy-fast.ts): text format straight from the bytes.
// Both give the same rows and the same errors for the same input
// (test/planner/dml/copy-fast-same.test.ts).

import { DbError, binaryIn, toCell, type ColumnDesc } from '../../catalog/index.js';
import type { Cell } from '../../lsm/index.js';
import type { TextToCell } from './copy-cells.js';
import type { Fields, RecordParser } from './copy-parse.js';

export interface RowSource {
  /** Feeds input bytes (22021 for bad UTF-8, 22P04 for bad binary framing, 54000). */
  push(chunk: Uint8Array): void;
  /** End of input: the rest becomes records (22P04 for a truncated one). */
  end(): void;
  /** The next row, or undefined until more input comes (or after the end). Throws DbError with
   *  the CONTEXT line (22P04 column counts, input errors of the column types). `reuse`: the
   *  caller is done with the array of the previous row (it copied the cells), so the source may
   *  fill that array again instead of allocating one. */
  next(reuse?: boolean): Cell[] | undefined;
  /** Input line number of the last row next() gave (error CONTEXT lines name it). */
  readonly line: number;
  /** That row's input text without its line end (CONTEXT of constraint errors); undefined in binary format. */
  rawLine(): string | undefined;
}

/** What a row source needs to know about the COPY's target. */
export interface RowTarget {
  tableName: string;
  /** Columns of the table, dropped ones included (cells are indexed by attnum - 1). */
  width: number;
  /** The listed columns, in input order. */
  cols: readonly ColumnDesc[];
  /** Text → cell per listed column (copy-cells.ts textToCell). */
  conv: readonly TextToCell[];
}

/** Wraps an input error of column `c` with PostgreSQL's CONTEXT line. */
export function columnError(e: unknown, t: RowTarget, line: number, c: ColumnDesc, v: string | Uint8Array): unknown {
  if (e instanceof DbError) return new DbError(e.code, e.message, { ...e.fields, where: `COPY ${t.tableName}, line ${line}, column ${c.name}: "${String(v)}"` });
  return e;
}

export function missingData(t: RowTarget, line: number, have: number): DbError {
  return new DbError('22P04', `missing data for column "${t.cols[have]!.name}"`, { where: `COPY ${t.tableName}, line ${line}` });
}

export function extraData(t: RowTarget, line: number): DbError {
  return new DbError('22P04', 'extra data after last expected column', { where: `COPY ${t.tableName}, line ${line}` });
}

/** Any format through a RecordParser; see the file header. */
export class ParsedRows implements RowSource {
  private records: Fields[] = [];
  private lines: readonly string[] = [];
  private at = 0;
  line: number;

  constructor(private readonly parser: RecordParser, private readonly t: RowTarget, private readonly binary: boolean, headerLine: boolean) {
    this.line = headerLine ? 1 : 0;
  }

  push(chunk: Uint8Array): void {
    this.take(this.parser.push(chunk));
  }

  end(): void {
    this.take(this.parser.end());
  }

  /** Records of one push; the caller consumed the previous ones (kept if not). */
  private take(records: Fields[]): void {
    if (this.at < this.records.length) {
      this.records = [...this.records.slice(this.at), ...records] as Fields[];
      this.lines = [...this.lines.slice(this.at), ...this.parser.lines];
    } else {
      this.records = records;
      this.lines = this.parser.lines;
    }
    this.at = 0;
  }

  rawLine(): string | undefined {
    return this.lines[this.at - 1];
  }

  next(): Cell[] | undefined {
    if (this.at >= this.records.length) return undefined;
    const f = this.records[this.at++]!;
    const { t } = this;
    const cols = t.cols;
    this.line++;
    const line = this.line;
    if (f.length < cols.length && !this.binary) throw missingData(t, line, f.length);
    if (f.length > cols.length) {
      if (this.binary) throw new DbError('22P04', `row field count is ${f.length}, expected ${cols.length}`, { where: `COPY ${t.tableName}, line ${line}` });
      throw extraData(t, line);
    }
    if (f.length !== cols.length) throw new DbError('22P04', `row field count is ${f.length}, expected ${cols.length}`);
    const cells = new Array<Cell>(t.width);
    for (let i = 0; i < t.width; i++) cells[i] = null;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      const v = f[i];
      if (v === null || v === undefined) continue;
      try {
        cells[c.attnum - 1] = typeof v === 'string' ? t.conv[i]!(v) : toCell(c.typeOid, binaryIn(c.typeOid, v));
      } catch (e) {
        throw columnError(e, t, line, c, v);
      }
    }
    return cells;
  }
}
