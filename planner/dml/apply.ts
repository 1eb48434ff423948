// Applying one row change: the part of UPDATE (and of INSERT ... ON CONFLICT DO UPDATE) that
// follows the new row's computation: constraints, key change, unique entries, write.

import type { EvalContext, Value } from '../bind/expr.js';
import type { TableSession } from '../rel/runtime.js';
import type { TableWriter } from './write.js';

/** Replaces the row at `oldKey` (content `oldRow`) by `newRow`. */
export async function replaceRow(ts: TableSession, w: TableWriter, oldKey: Uint8Array, oldRow: readonly Value[], newRow: Value[], ctx: EvalContext): Promise<void> {
  w.checkRow(newRow, ctx);
  const pk = w.table.primaryKey;
  const newKey = pk ? w.key(ts, newRow) : oldKey;
  const sameKey = Buffer.compare(newKey, oldKey) === 0;
  // Unique entries of the old row go first, so a row keeping its values does not conflict with itself.
  w.remove(ts, oldKey, oldRow);
  const c = await w.findConflict(ts, newKey, newRow, sameKey);
  if (c) throw w.conflictError(c, newRow, ctx);
  w.put(ts, newKey, newRow);
}
