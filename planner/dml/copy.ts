// COPY table [(columns)] FROM STDIN and COPY table [(columns)] TO STDOUT, in text, csv and
// binary formats (options parsed by session/copy-out.ts; FREEZE accepted: rows are visible to
// everyone at commit anyway). Rows from COPY FROM go through the same checks as INSERT
// (defaults, NOT NULL, CHECK, unique keys) inside the statement's transaction.

import { DbError, binaryIn, toCell } from '../../catalog/index.js';
import type { Cell } from '../../lsm/index.js';
import type { CopyInSink, Execution } from '../api.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext } from '../bind/expr.js';
import { planQuery } from '../exec/query.js';
import type { CopyStmt, Node, SelectStmt } from '../parse/ast.js';
import { copyOutSource, parseCopyOptions } from '../session/copy-out.js';
import { lookupTable, tablesOfBinder } from '../rel/from.js';
import { bindChecks, bindDefault, copyTargetColumns, evalDefault, type DefaultValue, type TablePlan } from './common.js';
import { textToCell } from './copy-cells.js';
import { BinaryRecordParser, TextRecordParser, type Fields, type RecordParser } from './copy-parse.js';
import { planFkChecks } from './fk.js';
import { TableWriter, lockOptions } from './write.js';

export function planCopyTable(b: Binder, s: CopyStmt): TablePlan {
  const rel = s.relation!;
  if (s.filename !== undefined || s.is_program) throw new DbError('0A000', `COPY ${s.is_from ? 'from' : 'to'} a server file or program is not supported; use ${s.is_from ? 'FROM STDIN' : 'TO STDOUT'}`);
  if (s.whereClause) throw b.unsupported('COPY FROM ... WHERE');
  const tab = lookupTable(b, rel.relname ?? '', rel.schemaname, rel.location ?? -1);
  if (tab.kind !== 'table') throw new DbError('42809', `cannot copy ${s.is_from ? 'to' : 'from'} sequence "${tab.name}"`);
  const options = parseCopyOptions((s.options ?? []).filter((o) => !(o.kind === 'DefElem' && o.defname === 'freeze')));
  const cols = copyTargetColumns(tab, s.attlist);

  if (!s.is_from) {
    const select: SelectStmt = {
      kind: 'SelectStmt',
      targetList: cols.map((c) => ({ kind: 'ResTarget', val: { kind: 'ColumnRef', fields: [{ kind: 'String', sval: c.name }] } }) as Node),
      fromClause: [{ kind: 'RangeVar', relname: tab.name, schemaname: tab.schema }],
    };
    const q = planQuery(b, select);
    const plan: TablePlan = {
      columns: null,
      run: () => Promise.reject(new Error('COPY TO runs through execute')),
      async execute(ctx) {
        const rows = await q.run(ctx);
        return { kind: 'copyOut', format: options.format, columnCount: cols.length, source: copyOutSource(q.columns, rows, options, ctx.fmt) };
      },
    };
    return plan;
  }

  const defaults = new Map<number, DefaultValue>();
  const listed = new Set(cols.map((c) => c.attnum));
  for (const c of tab.columns) if (!c.dropped && !listed.has(c.attnum)) defaults.set(c.attnum, bindDefault(b, tab, c));
  const writer = new TableWriter(tab, bindChecks(b, tab));
  const ts = tablesOfBinder(b);
  // FOREIGN KEYs of the table: every row is noted, the checks run at the end of the COPY (as
  // PostgreSQL's RI triggers fire at the end of the statement: no CONTEXT line).
  const fkPlan = planFkChecks(b, tab, false);
  return {
    columns: null,
    run: () => Promise.reject(new Error('COPY FROM runs through execute')),
    execute(ctx): Execution {
      const parser: RecordParser = options.format === 'binary'
        ? new BinaryRecordParser()
        : new TextRecordParser({ csv: options.format === 'csv', delimiter: options.delimiter, nullString: options.nullString, quote: options.quote, escape: options.escape, header: options.header });
      const input = { ...ctx.fmt, nowMicros: ctx.env.txStartMicros() };
      let count = 0;
      let line = options.format === 'csv' && options.header ? 1 : 0;
      let aborted = false;
      const fk = fkPlan?.begin();
      // One converter per listed column, chosen once (fast paths for bulk-load shapes).
      const conv = cols.map((c) => textToCell(c, input));
      const width = tab.columns.length;
      const toCells = (f: Fields): Cell[] => {
        line++;
        if (f.length < cols.length && options.format !== 'binary') throw new DbError('22P04', `missing data for column "${cols[f.length]!.name}"`, { where: `COPY ${tab.name}, line ${line}` });
        if (f.length > cols.length) {
          throw new DbError('22P04', options.format === 'binary' ? `row field count is ${f.length}, expected ${cols.length}` : 'extra data after last expected column', { where: `COPY ${tab.name}, line ${line}` });
        }
        if (f.length !== cols.length) throw new DbError('22P04', `row field count is ${f.length}, expected ${cols.length}`);
        const cells = new Array<Cell>(width);
        for (let i = 0; i < width; i++) cells[i] = null;
        for (let i = 0; i < cols.length; i++) {
          const c = cols[i]!;
          const v = f[i];
          if (v === null || v === undefined) continue;
          try {
            cells[c.attnum - 1] = typeof v === 'string' ? conv[i]!(v) : toCell(c.typeOid, binaryIn(c.typeOid, v));
          } catch (e) {
            if (e instanceof DbError) throw new DbError(e.code, e.message, { ...e.fields, where: `COPY ${tab.name}, line ${line}, column ${c.name}: "${String(v)}"` });
            throw e;
          }
        }
        return cells;
      };
      // Defaults that are not NULL are evaluated asynchronously (nextval and friends).
      const asyncDefaults = [...defaults.values()].some((d) => d.kind !== 'null');
      const withLine = (e: unknown): unknown =>
        // PostgreSQL names the input line of a unique violation (CONTEXT: COPY t, line 2).
        e instanceof DbError && e.code === '23505' && !e.fields.where ? new DbError(e.code, e.message, { ...e.fields, where: `COPY ${tab.name}, line ${line}` }) : e;
      /** NOT NULL/CHECK, then the key of a converted row (NULL defaults: cells start null). */
      const prepare = (cells: Cell[], c: EvalContext): Uint8Array => {
        writer.checkCells(cells, c);
        return writer.keyOfCells(ts, cells);
      };
      /**
       * Applies records[from..] synchronously while no row has to wait (the common case: no
       * promise per row or per CopyData message); from the first row that must wait for a row
       * lock or evaluate a default, the rest continue asynchronously.
       */
      const apply = (records: Fields[], from: number, c: EvalContext): Promise<void> | undefined => {
        for (let i = from; i < records.length; i++) {
          if (c.cancel.reason) throw c.cancel.reason;
          const cells = toCells(records[i]!);
          if (asyncDefaults) return applySlow(records, i, cells, c);
          const key = prepare(cells, c);
          // The row's key and cells are handed over to the transaction (no copies).
          if (writer.conflictFree) writer.putNewCells(ts, key, cells);
          else {
            let done: boolean;
            try {
              done = writer.tryInsertCells(ts, key, cells, c);
            } catch (e) {
              throw withLine(e);
            }
            if (!done) return applySlow(records, i, cells, c, key);
          }
          fk?.inserted(writer.valuesOf(cells));
          count++;
        }
        return undefined;
      };
      /** Row i (already converted) the waiting way, then the rest through apply. */
      const applySlow = async (records: Fields[], i: number, cells: Cell[], c: EvalContext, key?: Uint8Array): Promise<void> => {
        if (key === undefined) {
          for (const [attnum, d] of defaults) if (d.kind !== 'null') cells[attnum - 1] = toCell(tab.columns[attnum - 1]!.typeOid, await evalDefault(b, d, c));
          key = prepare(cells, c);
        }
        if (writer.conflictFree) writer.putNewCells(ts, key, cells);
        else {
          try {
            // lock_timeout cannot change inside the statement; reading it parses the setting.
            if (!writer.tryInsertCells(ts, key, cells, c)) await writer.insertCellsChecked(ts, key, cells, c, lockOptions(ts));
          } catch (e) {
            throw withLine(e);
          }
        }
        fk?.inserted(writer.valuesOf(cells));
        count++;
        await apply(records, i + 1, c);
      };
      const sink: CopyInSink = {
        write(chunk) {
          if (aborted) return;
          return apply(parser.push(chunk), 0, ctx);
        },
        async finish() {
          await apply(parser.end(), 0, ctx);
          if (fk) await fk.finish(ts, ctx);
          return `COPY ${count}`;
        },
        abort() {
          aborted = true;
        },
      };
      return { kind: 'copyIn', format: options.format, columnCount: cols.length, sink };
    },
  };
}
