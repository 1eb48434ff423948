// The DuckDB half of COPY native FROM '<path>.parquet' (FORMAT parquet) (dynamic import: loads
// DuckDB). The location is listed under the allowed roots (42501 outside, 58P01 missing; a
// directory or glob imports every file), DuckDB reads it with an explicit file list, and rows
// arrive in DuckDB chunks (~2048 rows): at most one chunk is held here, each row converted with
// INSERT's assignment casts and written through TableWriter in the statement's transaction.
import { DbError } from '../../catalog/index.js';
import { readParquetCall, type ExternalEngine, type ExternalStream } from '../../external/index.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { t } from '../bind/types.js';
import { assign, evalDefault } from '../dml/common.js';
import { lockOptions } from '../dml/write.js';
import { compile, type Compiled } from '../eval/compile.js';
import { tablesOfBinder } from '../rel/from.js';
import { dbErrorFromExternal, toInternalValue } from './convert.js';
import type { ParquetImportPlan } from './copy-from.js';

/** Yield to the event loop after this many rows (other sessions keep being served). */
const YIELD_ROWS = 4096;

export async function importParquet(engine: ExternalEngine, p: ParquetImportPlan, ctx: EvalContext): Promise<number> {
  let stream: ExternalStream | undefined;
  try {
    const files = engine.list(p.location).files.map((f) => f.path);
    stream = await engine.stream(`SELECT * FROM ${readParquetCall({ files })}`, { files });
    const cols = stream.columns;
    const where = `COPY ${p.tableName}, file "${p.location}"`;
    if (cols.length !== p.targets.length) {
      throw new DbError('22P04', `row field count is ${cols.length}, expected ${p.targets.length}`, {
        detail: `The Parquet data has columns ${cols.map((c) => c.name).join(', ')}; the target columns are ${p.targets.map((c) => c.name).join(', ')}.`,
        where,
      });
    }
    const conv: Compiled[] = cols.map((c, i) => {
      const target = p.targets[i]!;
      if (c.type.kind === 'unsupported') {
        throw new DbError('0A000', `column "${c.name}" of the Parquet data has DuckDB type ${c.type.duckType}, which cannot be imported: ${c.type.reason}`, { where });
      }
      const slot: BoundExpr = { kind: 'column', index: i, type: t(c.type.pg.oid, c.type.pg.typmod), name: c.name, location: -1 };
      return compile(assign(p.b, slot, target, -1));
    });
    const ts = tablesOfBinder(p.b);
    const lock = lockOptions(ts);
    const writer = p.writer;
    const input = new Array<Value>(cols.length);
    let count = 0;
    for (;;) {
      if (ctx.cancel.reason) throw ctx.cancel.reason;
      const batch = await stream.next();
      if (!batch) break;
      for (let r = 0; r < batch.rowCount; r++) {
        for (let c = 0; c < cols.length; c++) input[c] = toInternalValue(batch.columns[c]![r] ?? null) as Value;
        const row = new Array<Value>(p.width).fill(null);
        for (let i = 0; i < conv.length; i++) {
          const target = p.targets[i]!;
          try {
            row[target.attnum - 1] = input[i] === null ? null : conv[i]!(input, ctx);
          } catch (e) {
            if (e instanceof DbError) throw new DbError(e.code, e.message, { ...e.fields, where: `COPY ${p.tableName}, row ${count + 1}, column ${target.name}` });
            throw e;
          }
        }
        for (const [attnum, d] of p.defaults) row[attnum - 1] = d.kind === 'null' ? null : await evalDefault(p.b, d, ctx);
        // Stored form once; the key and cells are handed to the transaction (no copies), the
        // same path as COPY FROM STDIN: lock, check and write in one step when no lock waits.
        const cells = writer.cells(row);
        writer.checkCells(cells, ctx);
        const key = writer.keyOfCells(ts, cells);
        if (writer.conflictFree) writer.putCells(ts, key, cells, []);
        else if (!writer.tryInsertCells(ts, key, cells, ctx)) await writer.insertCellsChecked(ts, key, cells, ctx, lock);
        count++;
        if (count % YIELD_ROWS === 0) await new Promise<void>((res) => setImmediate(res));
      }
    }
    return count;
  } catch (e) {
    throw dbErrorFromExternal(e);
  } finally {
    stream?.close();
  }
}
