// COPY table [(columns)] FROM STDIN and COPY table [(columns)] TO STDOUT (streamed from the
// table's scan cursor), in text, csv and binary formats (options parsed by session/copy-out.ts;
// FREEZE accepted: rows are visible to everyone at commit anyway). Rows from COPY FROM go through
// the same checks as INSERT (defaults, NOT NULL, CHECK, unique keys) inside the statement's
// transaction; into a table whose storage this transaction created they become segment files
// directly while their keys ascend (copy-ingest.ts), else they join the transaction's write set
// (the row path).

import { DbError, toCell } from '../../catalog/index.js';
import { INT64_KEY_BYTES, encodeInt64KeyInto, isInt64KeyType, type Cell, type KeyColumn } from '../../lsm/index.js';
import type { CopyInSink, Execution } from '../api.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext } from '../bind/expr.js';
import { lockTarget, RelTarget } from './rel-lock.js';
import { planQuery } from '../exec/query.js';
import type { CopyStmt, Node, SelectStmt } from '../parse/ast.js';
import { copyOutQuery, parseCopyOptions } from '../session/copy-out.js';
import { lookupTable, tablesOfBinder } from '../rel/from.js';
import { bindChecks, bindDefault, copyTargetColumns, evalDefault, type DefaultValue, type TablePlan } from './common.js';
import { textToCell } from './copy-cells.js';
import { CopyIngest, copyIngestStart, storageCreatedHere } from './copy-ingest.js';
import { FastTextRows, fastTextEligible } from './copy-fast.js';
import { Tag, type StagedRow } from './copy-staged.js';
import { BinaryRecordParser, TextRecordParser, type TextOptions } from './copy-parse.js';
import { ParsedRows, type RowSource, type RowTarget } from './copy-rows.js';
import { planFkChecks } from './fk.js';
import { TableWriter, lockOptions } from './write.js';

export function planCopyTable(b: Binder, s: CopyStmt): TablePlan {
  const rel = s.relation!;
  if (s.filename !== undefined || s.is_program) throw new DbError('0A000', `COPY ${s.is_from ? 'from' : 'to'} a server file or program is not supported; use ${s.is_from ? 'FROM STDIN' : 'TO STDOUT'}`);
  if (s.whereClause) throw b.unsupported('COPY FROM ... WHERE');
  const tab = lookupTable(b, rel.relname ?? '', rel.schemaname, rel.location ?? -1);
  if (tab.kind !== 'table') throw new DbError('42809', `cannot copy ${s.is_from ? 'to' : 'from'} sequence "${tab.name}"`);
  const options = parseCopyOptions((s.options ?? []).filter((o) => !(o.kind === 'DefElem' && o.defname === 'freeze')));
  const freeze = freezeOption(s.options ?? []);
  const cols = copyTargetColumns(tab, s.attlist);

  if (!s.is_from) {
    const select: SelectStmt = {
      kind: 'SelectStmt',
      targetList: cols.map((c) => ({ kind: 'ResTarget', val: { kind: 'ColumnRef', fields: [{ kind: 'String', sval: c.name }] } }) as Node),
      fromClause: [{ kind: 'RangeVar', relname: tab.name, schemaname: tab.schema }],
    };
    const q = planQuery(b, select);
    // Streams as COPY (query) TO STDOUT does (copy-out.ts copyOutQuery): the table's scan cursor
    // is opened now, under the statement's snapshot (the session marked it before execute), and
    // pulled one batch per CopyData chunk, so a table of any size goes out in bounded memory (no
    // pyralog.result_rows_max cap); the wire's close() closes the cursor on every exit, cancel
    // and errors included.
    const plan: TablePlan = {
      columns: null,
      run: () => Promise.reject(new Error('COPY TO runs through execute')),
      execute: (ctx) => copyOutQuery(q, ctx, options, ctx.fmt),
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
  const relLock = new RelTarget(tab);
  const start = (ctx: EvalContext): Execution => {
      const input = { ...ctx.fmt, nowMicros: ctx.env.txStartMicros() };
      let count = 0;
      let aborted = false;
      const fk = fkPlan?.begin();
      // Checked when the COPY starts (plans are cached; the table's state is not).
      let ingest = copyIngestStart(ts, writer, fkPlan !== undefined, ctx, options.format === 'csv' && options.header ? 1 : 0);
      // PostgreSQL refuses FREEZE unless the table was created or truncated in the transaction
      // (after CopyInResponse, at the first data). A savepoint since is not detected: accepted.
      const freezeError = freeze && !ingest?.fresh && !storageCreatedHere(ts, tab)
        ? new DbError('55000', 'cannot perform COPY FREEZE because the table was not created or truncated in the current subtransaction')
        : undefined;
      // One converter per listed column, chosen once (fast paths for bulk-load shapes).
      const target: RowTarget = { tableName: tab.name, width: tab.columns.length, cols, conv: cols.map((c) => textToCell(c, input)) };
      // Rows straight from the bytes in text format (copy-fast.ts), else through a record parser.
      const textOpts: TextOptions = { csv: options.format === 'csv', delimiter: options.delimiter, nullString: options.nullString, quote: options.quote, escape: options.escape, header: options.header };
      const src: RowSource = options.format === 'binary'
        ? new ParsedRows(new BinaryRecordParser(), target, true, false)
        : options.format === 'text' && fastTextEligible(textOpts)
          ? new FastTextRows(textOpts, target)
          : new ParsedRows(new TextRecordParser(textOpts), target, false, options.format === 'csv' && options.header);
      // Defaults that are not NULL are evaluated asynchronously (nextval and friends).
      const asyncDefaults = [...defaults.values()].some((d) => d.kind !== 'null');
      // While rows go to the ingest (which copies each row and key, and keeps only the previous
      // key for its order check), the source refills one cells array and a one-column int64-like
      // primary key (bigint, timestamp) is encoded into one of two alternating buffers: no
      // array per row. A row that leaves for the row path is copied first (the write set keeps it).
      // A table without a primary key gets its hidden row ids the same way.
      const pkCol = tab.primaryKey?.attnums.length === 1 && isInt64KeyType(writer.pkSchema[0]!.type) ? writer.pkSchema[0]! : undefined;
      const pkAt = pkCol ? tab.primaryKey!.attnums[0]! - 1 : -1;
      const keyBufs = [new Uint8Array(INT64_KEY_BYTES), new Uint8Array(INT64_KEY_BYTES)];
      let keyBuf = 0;
      // Columnar rows (copy-staged.ts): while rows go to the ingest, text-format rows are staged
      // and written straight into the ingest's column builders (no Cell[], BigInt or string per
      // row) when nothing needs their cells: no CHECK constraint, no default to evaluate, a key
      // of one int64-like column or a hidden row id. A row that fails NOT NULL, has a null key
      // or leaves the ingest is made into cells and takes the paths below (same errors).
      const staged = src instanceof FastTextRows && !asyncDefaults && writer.checks.length === 0 && (pkCol !== undefined || !tab.primaryKey) ? src : undefined;
      const listedAt = (attnum: number): number => cols.findIndex((c) => c.attnum === attnum);
      const notNullAt = tab.columns.filter((c) => c.notNull && !c.dropped).map((c) => listedAt(c.attnum));
      const pkListed = pkCol ? listedAt(pkAt + 1) : -1;
      /** The key of a staged row that passes NOT NULL (into the alternating buffers), else undefined. */
      const stagedKey = (r: StagedRow): Uint8Array | undefined => {
        for (let k = 0; k < notNullAt.length; k++) if (r.isNull(notNullAt[k]!)) return undefined;
        if (!pkCol) return encodeInt64KeyInto(ROWID_KEY, ts.catalog.nextRowId(tab.storageId), keyBufs[keyBuf]!);
        if (r.isNull(pkListed)) return undefined;
        const t = r.tag[pkListed];
        return encodeInt64KeyInto(pkCol, t === Tag.I64 || t === Tag.F64 ? r.num[pkListed]! : r.cellAt(pkListed)!, keyBufs[keyBuf]!);
      };
      const withLine = (e: unknown): unknown =>
        // PostgreSQL names the input line of a unique violation (CONTEXT: COPY t, line 2).
        e instanceof DbError && e.code === '23505' && !e.fields.where ? new DbError(e.code, e.message, { ...e.fields, where: `COPY ${tab.name}, line ${src.line}` }) : e;
      /** Offers a prepared row to the ingest: 'ok' (taken), or 'unsorted' (not taken). */
      const ingestAdd = (ing: CopyIngest, key: Uint8Array, cells: Cell[], c: EvalContext): 'ok' | 'unsorted' => {
        try {
          return ing.add(key, cells, c);
        } catch (e) {
          throw withLine(e);
        }
      };
      /** NOT NULL/CHECK, then the key of a converted row (NULL defaults: cells start null). */
      const prepare = (cells: Cell[], c: EvalContext, reuse = false): Uint8Array => {
        try {
          writer.checkCells(cells, c);
        } catch (e) {
          // PostgreSQL quotes the input line of a row that fails a constraint (CONTEXT: COPY t,
          // line 2: "2	\N"); binary input has no line text.
          const raw = src.rawLine();
          if (e instanceof DbError && !e.fields.where) throw new DbError(e.code, e.message, { ...e.fields, where: `COPY ${tab.name}, line ${src.line}${raw === undefined ? '' : `: "${clipLine(raw)}"`}` });
          throw e;
        }
        if (reuse) {
          if (pkCol) {
            const v = cells[pkAt];
            if (v !== null && v !== undefined) return encodeInt64KeyInto(pkCol, v, keyBufs[keyBuf]!);
          } else if (!tab.primaryKey) {
            // keyOfCells's hidden row id (encodeRowId), into the key buffer.
            return encodeInt64KeyInto(ROWID_KEY, ts.catalog.nextRowId(tab.storageId), keyBufs[keyBuf]!);
          }
        }
        return writer.keyOfCells(ts, cells);
      };
      /**
       * Applies the rows the source has synchronously while no row has to wait (the common case:
       * no promise per row or per CopyData message); from the first row that must wait for a row
       * lock or evaluate a default, the rest continue asynchronously.
       */
      const apply = (c: EvalContext): Promise<void> | undefined => {
        for (;;) {
          if (c.cancel.reason) throw c.cancel.reason;
          let cells: Cell[] | undefined;
          let reuse = false;
          if (staged !== undefined && ingest?.active === true) {
            const r = staged.stage();
            if (r === undefined) return undefined;
            const key = stagedKey(r);
            if (key !== undefined) {
              let added: 'ok' | 'unsorted';
              try {
                added = ingest.addColumnar(key, r, c);
              } catch (e) {
                throw withLine(e);
              }
              if (added === 'unsorted') {
                const own = r.cells() as Cell[];
                const ownKey = key.slice();
                return ingest.toRowPath().then(() => applySlow(own, c, ownKey));
              }
              keyBuf ^= 1;
              count++;
              if (ingest.full) return ingest.drain().then(() => apply(c));
              continue;
            }
            cells = r.cells() as Cell[];
          } else {
            reuse = !asyncDefaults && ingest?.active === true;
            cells = src.next(reuse);
            if (cells === undefined) return undefined;
            if (asyncDefaults) return applySlow(cells, c);
          }
          const key = prepare(cells, c, reuse);
          if (ingest?.active) {
            if (ingestAdd(ingest, key, cells, c) === 'unsorted') {
              const own = reuse ? cells.slice() : cells;
              const ownKey = reuse ? key.slice() : key;
              return ingest.toRowPath().then(() => applySlow(own, c, ownKey));
            }
            keyBuf ^= 1;
            count++;
            if (ingest.full) return ingest.drain().then(() => apply(c));
            continue;
          }
          // The row's key and cells are handed over to the transaction (no copies).
          if (writer.conflictFree) writer.putNewCells(ts, key, cells);
          else {
            let done: boolean;
            try {
              done = writer.tryInsertCells(ts, key, cells, c);
            } catch (e) {
              throw withLine(e);
            }
            if (!done) return applySlow(cells, c, key);
          }
          fk?.inserted(writer.valuesOf(cells));
          count++;
        }
        return undefined;
      };
      /** A row (already converted) the waiting way, then the rest through apply. */
      const applySlow = async (cells: Cell[], c: EvalContext, key?: Uint8Array): Promise<void> => {
        if (key === undefined) {
          for (const [attnum, d] of defaults) if (d.kind !== 'null') cells[attnum - 1] = toCell(tab.columns[attnum - 1]!.typeOid, await evalDefault(b, d, c));
          key = prepare(cells, c);
        }
        if (ingest?.active) {
          if (ingestAdd(ingest, key, cells, c) === 'ok') {
            count++;
            if (ingest.full) await ingest.drain();
            return apply(c);
          }
          await ingest.toRowPath();
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
        await apply(c);
      };
      /** A failure ends the COPY: the ingest's files go at once (the row path's rows go with
       *  the transaction's rollback). */
      const failed = async (e: unknown): Promise<never> => {
        const ing = ingest;
        ingest = undefined;
        await ing?.abort();
        throw e;
      };
      const sink: CopyInSink = {
        write(chunk) {
          if (aborted) return;
          if (freezeError) throw freezeError;
          if (!ingest) {
            src.push(chunk);
            return apply(ctx);
          }
          try {
            src.push(chunk);
            return apply(ctx)?.catch(failed);
          } catch (e) {
            return failed(e);
          }
        },
        async finish() {
          if (freezeError) throw freezeError;
          try {
            src.end();
            await apply(ctx);
            if (ingest?.active) await ingest.finish();
          } catch (e) {
            await failed(e);
          }
          if (fk) await fk.finish(ts, ctx);
          return `COPY ${count}`;
        },
        abort() {
          aborted = true;
          const ing = ingest;
          ingest = undefined;
          void ing?.abort().catch(() => undefined);
        },
      };
      return { kind: 'copyIn', format: options.format, columnCount: cols.length, sink };
  };
  return {
    columns: null,
    run: () => Promise.reject(new Error('COPY FROM runs through execute')),
    // The relation lock first (rel-lock.ts): COPY waits for DDL and re-plans after a rewrite.
    execute: (ctx) => lockTarget(ts, relLock, ctx).then(() => start(ctx)),
  };
}

const ROWID_KEY: KeyColumn = { type: 'rowid' };

/** An input line as PostgreSQL's CONTEXT shows it: at most 100 bytes (whole characters), then "...". */
function clipLine(raw: string): string {
  const MAX_BYTES = 100;
  if (Buffer.byteLength(raw) <= MAX_BYTES) return raw;
  let bytes = 0;
  let end = 0;
  for (const ch of raw) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > MAX_BYTES) break;
    bytes += n;
    end += ch.length;
  }
  return raw.slice(0, end) + '...';
}

/** COPY's FREEZE option (FREEZE, FREEZE true/false/on/off/1/0). */
function freezeOption(opts: readonly Node[]): boolean {
  let on = false;
  for (const o of opts) {
    if (o.kind !== 'DefElem' || o.defname !== 'freeze') continue;
    const a = (o as { arg?: Node }).arg;
    if (!a) on = true;
    else if (a.kind === 'Boolean') on = a.boolval === true;
    else if (a.kind === 'Integer') on = (a.ival ?? 0) !== 0;
    else if (a.kind === 'String') on = !['false', 'off', '0', 'no', 'f', 'n'].includes((a.sval ?? '').toLowerCase());
    else on = true;
  }
  return on;
}
