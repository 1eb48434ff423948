// COPY table [(columns)] FROM STDIN and COPY table [(columns)] TO STDOUT, in text, csv and
// binary formats (options parsed by session/copy-out.ts; FREEZE accepted: rows are visible to
// everyone at commit anyway). Rows from COPY FROM go through the same checks as INSERT
// (defaults, NOT NULL, CHECK, unique keys) inside the statement's transaction.

import { DbError, binaryIn, findColumn, liveColumns, toCell, type ColumnDesc } from '../../catalog/index.js';
import type { Cell } from '../../lsm/index.js';
import type { CopyInSink, Execution } from '../api.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext } from '../bind/expr.js';
import { planQuery } from '../exec/query.js';
import type { CopyStmt, Node, SelectStmt } from '../parse/ast.js';
import { copyOutSource, parseCopyOptions } from '../session/copy-out.js';
import { lookupTable, tablesOfBinder } from '../rel/from.js';
import { bindChecks, bindDefault, evalDefault, type DefaultValue, type TablePlan } from './common.js';
import { textToCell } from './copy-cells.js';
import { BinaryRecordParser, TextRecordParser, type Fields, type RecordParser } from './copy-parse.js';
import { TableWriter, lockOptions } from './write.js';

/** Rows parsed but not yet written are applied in batches of this many. */
const COPY_BATCH_ROWS = 1000;

export function planCopyTable(b: Binder, s: CopyStmt): TablePlan {
  const rel = s.relation!;
  if (s.filename !== undefined || s.is_program) throw new DbError('0A000', `COPY ${s.is_from ? 'from' : 'to'} a server file or program is not supported; use ${s.is_from ? 'FROM STDIN' : 'TO STDOUT'}`);
  if (s.whereClause) throw b.unsupported('COPY FROM ... WHERE');
  const tab = lookupTable(b, rel.relname ?? '', rel.schemaname, rel.location ?? -1);
  if (tab.kind !== 'table') throw new DbError('42809', `cannot copy ${s.is_from ? 'to' : 'from'} sequence "${tab.name}"`);
  const options = parseCopyOptions((s.options ?? []).filter((o) => !(o.kind === 'DefElem' && o.defname === 'freeze')));
  let cols: ColumnDesc[];
  if (s.attlist?.length) {
    cols = [];
    for (const n of s.attlist) {
      const name = n.kind === 'String' ? n.sval ?? '' : '';
      const c = findColumn(tab, name);
      if (!c) throw new DbError('42703', `column "${name}" of relation "${tab.name}" does not exist`);
      if (cols.includes(c)) throw new DbError('42701', `column "${name}" specified more than once`);
      cols.push(c);
    }
  } else cols = liveColumns(tab);

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
      const apply = async (records: Fields[], c: EvalContext): Promise<void> => {
        if (records.length === 0) return;
        // lock_timeout cannot change inside the statement; reading it parses the setting.
        const lock = lockOptions(ts);
        for (let i = 0; i < records.length; i++) {
          if (c.cancel.reason) throw c.cancel.reason;
          const cells = toCells(records[i]!);
          if (defaults.size > 0) {
            for (const [attnum, d] of defaults) cells[attnum - 1] = d.kind === 'null' ? null : toCell(tab.columns[attnum - 1]!.typeOid, await evalDefault(b, d, c));
          }
          writer.checkCells(cells, c);
          const key = writer.keyOfCells(ts, cells);
          // The row's key and cells are handed over to the transaction (no copies).
          if (writer.conflictFree) writer.putCells(ts, key, cells, []);
          else {
            try {
              if (!writer.tryInsertCells(ts, key, cells, c)) await writer.insertCellsChecked(ts, key, cells, c, lock);
            } catch (e) {
              // PostgreSQL names the input line of a unique violation (CONTEXT: COPY t, line 2).
              if (e instanceof DbError && e.code === '23505' && !e.fields.where) throw new DbError(e.code, e.message, { ...e.fields, where: `COPY ${tab.name}, line ${line}` });
              throw e;
            }
          }
          count++;
          if (i % COPY_BATCH_ROWS === COPY_BATCH_ROWS - 1) await Promise.resolve();
        }
      };
      const sink: CopyInSink = {
        async write(chunk) {
          if (aborted) return;
          await apply(parser.push(chunk), ctx);
        },
        async finish() {
          await apply(parser.end(), ctx);
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
