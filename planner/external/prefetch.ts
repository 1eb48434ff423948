// Placement B: fetch every external table a statement reads through DuckDB before the native
// executor runs it (its operators are synchronous). Each table is read once per statement with a
// rendered fragment (all columns, the catalog's file list), streamed batch by batch, converted to
// internal values, and held in memory up to ROWS_IN_MEMORY_MAX rows (53200 beyond, like every
// blocking operator). Loaded by dynamic import: this file pulls in DuckDB.
import { DbError, type TableDesc } from '../../catalog/index.js';
import { decodeRef } from '../../external/index.js';
import type { CancelToken } from '../api.js';
import type { Value } from '../bind/expr.js';
import { ROWS_IN_MEMORY_MAX, tooMany } from '../rel/ops.js';
import { externalRowCursor } from './cursor.js';
import { renderFragment } from './fragment.js';
import type { ExternalHost } from './host.js';
import type { ExternalRows } from './scan-rows.js';

/** Rows asked from DuckDB per fetch. */
const FETCH_ROWS = 4096;
const CANCEL_POLL_MS = 50;

export async function prefetchExternal(host: ExternalHost, tables: readonly TableDesc[], cancel: CancelToken, rowsMax = ROWS_IN_MEMORY_MAX): Promise<ExternalRows> {
  const out: ExternalRows = new Map();
  let total = 0;
  for (const t of tables) {
    if (out.has(t.oid)) continue;
    const ref = decodeRef(t.external!);
    const width = t.columns.length;
    if (ref.files.length === 0) {
      out.set(t.oid, []);
      continue;
    }
    const r = renderFragment({
      table: t.name, ref, files: ref.files, filters: [],
      output: { kind: 'columns', columns: [...ref.columns, ...ref.partitionColumns].map((c) => c.name) },
      orderBy: [], limit: undefined, offset: undefined,
    });
    if (!r.pushable) throw new DbError('0A000', `external table "${t.name}" cannot be read: ${r.reason}`);
    if (r.columns.length !== width) throw new Error(`assertion: external table ${t.name} has ${width} columns, fragment ${r.columns.length}`);
    const engine = await host.engine();
    const cursor = externalRowCursor(engine, cancel, { sql: r.sql, files: r.files, cancelPollMs: CANCEL_POLL_MS });
    const rows: Value[][] = [];
    try {
      for (;;) {
        const f = await cursor.fetch(FETCH_ROWS);
        total += f.rows.length;
        if (total > rowsMax) throw tooMany();
        for (const row of f.rows) rows.push(row as Value[]);
        if (f.done) break;
      }
    } finally {
      cursor.close();
    }
    out.set(t.oid, rows);
  }
  return out;
}
