// Bridges external/'s vocabulary to the planner's: ExternalError → DbError (same SQLSTATE,
// message, detail, hint), and external values → catalog/types' internal values (the only
// difference is numeric: ExternalDecimal → Numeric).
import { DbError, Numeric } from '../../catalog/index.js';
import { ExternalError, type ExternalValue } from '../../external/index.js';

export function dbErrorFromExternal(e: unknown): unknown {
  if (!(e instanceof ExternalError)) return e;
  const fields: { detail?: string; hint?: string } = {};
  if (e.detail !== undefined) fields.detail = e.detail;
  if (e.hint !== undefined) fields.hint = e.hint;
  return new DbError(e.sqlstate, e.message, fields);
}

/** Runs `f`, rethrowing ExternalErrors as DbErrors. */
export async function withDbErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw dbErrorFromExternal(e);
  }
}

export function toInternalValue(v: ExternalValue): unknown {
  if (v !== null && typeof v === 'object' && 'kind' in v && v.kind === 'decimal') return Numeric.of(v.unscaled, v.scale);
  return v;
}
