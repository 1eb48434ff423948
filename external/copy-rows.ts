// COPY <native rows> TO '<file>.parquet': rows the planner produced (native tables, hybrid
// queries) are appended into a DuckDB temporary table on a private connection, then written with
// the same temp-name + rename discipline as copyQueryToParquet. Invariants: values are converted
// exactly (internal PostgreSQL forms → DuckDB values, epochs shifted back); a type without an
// exact DuckDB counterpart is refused (0A000) before anything is written; the temporary table
// lives in DuckDB memory, so its size is bounded by memory_limit (53200 beyond it).
import { renameSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  FLOAT,
  INTEGER,
  INTERVAL,
  SMALLINT,
  TIME,
  TIMESTAMP,
  TIMESTAMPTZ,
  UUID,
  VARCHAR,
  DuckDBBlobValue,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBTimeValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUUIDValue,
  type DuckDBType,
  type DuckDBValue,
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
/** Rows per appended data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/** One column's DuckDB type and the conversion of a non-NULL internal value to DuckDB's JS value. */
interface ColumnWriter {
  type: DuckDBType;
  toDuck(v: Exclude<ExternalValue, null>): DuckDBValue;
}

function rescale(d: ExternalDecimal, scale: number): bigint {
  if (d.scale === scale) return d.unscaled;
  if (d.scale < scale) return d.unscaled * 10n ** BigInt(scale - d.scale);
  throw new ExternalError('22003', `numeric value with scale ${d.scale} does not fit the column's scale ${scale}`);
}

const same = (v: Exclude<ExternalValue, null>): DuckDBValue => v as DuckDBValue;

function writerFor(c: RowColumn): ColumnWriter {
  const pg = c.pg;
  switch (pg.oid) {
    case PgOid.bool:
      return { type: BOOLEAN, toDuck: same };
    case PgOid.int2:
      return { type: SMALLINT, toDuck: same };
    case PgOid.int4:
      return { type: INTEGER, toDuck: same };
    case PgOid.int8:
      return { type: BIGINT, toDuck: same };
    case PgOid.float4:
      return { type: FLOAT, toDuck: same };
    case PgOid.float8:
      return { type: DOUBLE, toDuck: same };
    case PgOid.text:
      return { type: VARCHAR, toDuck: same };
    case PgOid.bytea:
      return { type: BLOB, toDuck: (v) => new DuckDBBlobValue(v as Uint8Array) };
    case PgOid.date:
      return {
        type: DATE,
        toDuck: (v) => {
          const d = v as number;
          return new DuckDBDateValue(d === 2147483647 ? 2 ** 31 - 1 : d === -2147483648 ? -(2 ** 31 - 1) : d + EPOCH_SHIFT_DAYS);
        },
      };
    case PgOid.time:
      return { type: TIME, toDuck: (v) => new DuckDBTimeValue(v as bigint) };
    case PgOid.timestamp:
    case PgOid.timestamptz: {
      const inf = (1n << 63n) - 1n;
      const shift = (m: bigint): bigint => (m === inf ? inf : m === -(1n << 63n) ? -inf : m + EPOCH_SHIFT_MICROS);
      return pg.oid === PgOid.timestamp
        ? { type: TIMESTAMP, toDuck: (v) => new DuckDBTimestampValue(shift(v as bigint)) }
        : { type: TIMESTAMPTZ, toDuck: (v) => new DuckDBTimestampTZValue(shift(v as bigint)) };
    }
    case PgOid.interval:
      return {
        type: INTERVAL,
        toDuck: (v) => {
          const i = v as ExternalInterval;
          return new DuckDBIntervalValue(i.months, i.days, i.micros);
        },
      };
    case PgOid.uuid:
      return { type: UUID, toDuck: (v) => DuckDBUUIDValue.fromUint128(BigInt('0x' + (v as string).replaceAll('-', ''))) };
    case PgOid.numeric: {
      const t = pg.typmod - 4;
      const p = (t >> 16) & 0xffff;
      const s = t & 0xffff;
      return { type: DECIMAL(p, s), toDuck: (v) => new DuckDBDecimalValue(rescale(v as ExternalDecimal, s), p, s) };
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
  const writers = columns.map(writerFor);
  return engine.withConnection(async (conn) => {
    let rows = 0;
    let sourceError: unknown;
    try {
      await conn.run(`CREATE TEMPORARY TABLE ${quoteIdent(table)} (${columns.map((c, i) => `${quoteIdent(c.name)} ${types[i]}`).join(', ')})`);
      const app = await conn.createAppender(table, 'main', 'temp');
      const duckTypes = writers.map((w) => w.type);
      // Column-major chunks of ≤ CHUNK_ROWS rows: one vector write per value instead of one
      // appender call per value (about 4× faster), and never more than one chunk built at once.
      const appendRows = (batch: readonly (readonly ExternalValue[])[], from: number, n: number): void => {
        const chunk = DuckDBDataChunk.create(duckTypes, n);
        for (let c = 0; c < writers.length; c++) {
          const w = writers[c]!;
          const col = new Array<DuckDBValue>(n);
          for (let r = 0; r < n; r++) {
            const v = batch[from + r]![c] ?? null;
            col[r] = v === null ? null : w.toDuck(v);
          }
          chunk.setColumnValues(c, col);
        }
        app.appendDataChunk(chunk);
      };
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
          for (let from = 0; from < batch.length; from += CHUNK_ROWS) {
            const n = Math.min(CHUNK_ROWS, batch.length - from);
            appendRows(batch, from, n);
            rows += n;
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
