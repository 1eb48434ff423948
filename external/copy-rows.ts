// COPY <native rows> TO '<file>.parquet': rows the planner produced (native tables, hybrid
// queries) are appended into a DuckDB temporary table on a private connection, then written with
// the same temp-name + rename discipline as copyQueryToParquet. Invariants: values are converted
// exactly (internal PostgreSQL forms → DuckDB values, epochs shifted back); a type without an
// exact DuckDB counterpart is refused (0A000) before anything is written; the temporary table
// lives in DuckDB memory, so its size is bounded by memory_limit (53200 beyond it).
import { renameSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBTimeValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUUIDValue,
  type DuckDBAppender,
} from '@duckdb/node-api';
import { ExternalError, fromDuckError } from './errors.js';
import type { ExternalEngine } from './duck.js';
import { duckTypeFor, PgOid, type PgTypeRef } from './types.js';
import type { ExternalDecimal, ExternalInterval, ExternalValue } from './values.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';
import { copyOptionsClause, refuseExistingDirectoryTarget, tempNameFor, type ParquetWriteOptions } from './copy.js';

export interface RowColumn {
  name: string;
  pg: PgTypeRef;
}

const EPOCH_SHIFT_DAYS = 10957;
const EPOCH_SHIFT_MICROS = 946_684_800_000_000n;

type Append = (a: DuckDBAppender, v: Exclude<ExternalValue, null>) => void;

function rescale(d: ExternalDecimal, scale: number): bigint {
  if (d.scale === scale) return d.unscaled;
  if (d.scale < scale) return d.unscaled * 10n ** BigInt(scale - d.scale);
  throw new ExternalError('22003', `numeric value with scale ${d.scale} does not fit the column's scale ${scale}`);
}

function appenderFor(c: RowColumn): Append {
  const pg = c.pg;
  switch (pg.oid) {
    case PgOid.bool:
      return (a, v) => a.appendBoolean(v as boolean);
    case PgOid.int2:
      return (a, v) => a.appendSmallInt(v as number);
    case PgOid.int4:
      return (a, v) => a.appendInteger(v as number);
    case PgOid.int8:
      return (a, v) => a.appendBigInt(v as bigint);
    case PgOid.float4:
      return (a, v) => a.appendFloat(v as number);
    case PgOid.float8:
      return (a, v) => a.appendDouble(v as number);
    case PgOid.text:
      return (a, v) => a.appendVarchar(v as string);
    case PgOid.bytea:
      return (a, v) => a.appendBlob(v as Uint8Array);
    case PgOid.date:
      return (a, v) => {
        const d = v as number;
        a.appendDate(new DuckDBDateValue(d === 2147483647 ? 2 ** 31 - 1 : d === -2147483648 ? -(2 ** 31 - 1) : d + EPOCH_SHIFT_DAYS));
      };
    case PgOid.time:
      return (a, v) => a.appendTime(new DuckDBTimeValue(v as bigint));
    case PgOid.timestamp:
    case PgOid.timestamptz:
      return (a, v) => {
        const m = v as bigint;
        const inf = (1n << 63n) - 1n;
        const duck = m === inf ? inf : m === -(1n << 63n) ? -inf : m + EPOCH_SHIFT_MICROS;
        if (pg.oid === PgOid.timestamp) a.appendTimestamp(new DuckDBTimestampValue(duck));
        else a.appendTimestampTZ(new DuckDBTimestampTZValue(duck));
      };
    case PgOid.interval:
      return (a, v) => {
        const i = v as ExternalInterval;
        a.appendInterval(new DuckDBIntervalValue(i.months, i.days, i.micros));
      };
    case PgOid.uuid:
      return (a, v) => a.appendUUID(DuckDBUUIDValue.fromUint128(BigInt('0x' + (v as string).replaceAll('-', ''))));
    case PgOid.numeric: {
      const t = pg.typmod - 4;
      const p = (t >> 16) & 0xffff;
      const s = t & 0xffff;
      return (a, v) => a.appendDecimal(new DuckDBDecimalValue(rescale(v as ExternalDecimal, s), p, s));
    }
    default: {
      const never: never = pg.oid;
      return never;
    }
  }
}

/**
 * Writes `batches` (row-major batches of rows in `columns` order) to `target`. Returns the row
 * count. Unconstrained numeric columns are refused: Parquet DECIMAL needs a precision ≤ 38.
 */
export async function copyRowsToParquet(
  engine: ExternalEngine,
  columns: readonly RowColumn[],
  batches: AsyncIterable<readonly (readonly ExternalValue[])[]>,
  target: string,
  opts: ParquetWriteOptions,
): Promise<number> {
  if (columns.length === 0) throw new ExternalError('0A000', 'COPY to Parquet needs at least one column');
  const types = columns.map((c) => {
    const t = duckTypeFor(c.pg);
    if (!t) {
      throw new ExternalError('0A000', `column "${c.name}" cannot be written to Parquet: ${c.pg.oid === PgOid.numeric ? 'numeric without a precision (cast it to numeric(p,s), p ≤ 38)' : 'no Parquet type'}`);
    }
    return t;
  });
  const finalPath = engine.roots.checkWritable(target);
  const options = copyOptionsClause(opts);
  refuseExistingDirectoryTarget(finalPath, opts);
  const tmp = tempNameFor(finalPath);
  const table = `pyralog_copy_${randomUUID().replaceAll('-', '')}`;
  const appenders = columns.map(appenderFor);
  return engine.withConnection(async (conn) => {
    let rows = 0;
    let sourceError: unknown;
    try {
      await conn.run(`CREATE TEMPORARY TABLE ${quoteIdent(table)} (${columns.map((c, i) => `${quoteIdent(c.name)} ${types[i]}`).join(', ')})`);
      const app = await conn.createAppender(table, 'main', 'temp');
      try {
        const it = batches[Symbol.asyncIterator]();
        for (;;) {
          let step: IteratorResult<readonly (readonly ExternalValue[])[]>;
          try {
            step = await it.next();
          } catch (e) {
            // The caller's own failure (a value it cannot convert, a cancelled statement) keeps
            // its identity; only DuckDB's errors are classified below.
            sourceError = e;
            throw e;
          }
          if (step.done) break;
          const batch = step.value;
          for (const row of batch) {
            for (let i = 0; i < appenders.length; i++) {
              const v = row[i] ?? null;
              if (v === null) app.appendNull();
              else appenders[i]!(app, v);
            }
            app.endRow();
            rows++;
          }
          app.flushSync();
        }
      } finally {
        app.closeSync();
      }
      await conn.run(`COPY ${quoteIdent(table)} TO ${quoteLiteral(tmp)} (${options})`);
      renameSync(tmp, finalPath);
      return rows;
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      if (e === sourceError && sourceError !== undefined) throw e;
      throw fromDuckError(e);
    } finally {
      await conn.run(`DROP TABLE IF EXISTS temp.${quoteIdent(table)}`).catch(() => undefined);
    }
  });
}
