// Time zones as catalog's Zone (resolved through catalog's memo on each call). The session's
// zone follows SET TIME ZONE rules (resolveZone); a zone named inside an expression (AT TIME
// ZONE, date_trunc's third argument) follows PostgreSQL's timestamp-function rules
// (resolveZoneArg): abbreviations such as PST first, and a bare number counts hours WEST of
// Greenwich, so '-7' means UTC+7.

import { DbError, resolveZone, resolveZoneArg, type Zone } from '../../catalog/index.js';
import type { EvalContext } from '../bind/expr.js';

export function sessionZone(ctx: EvalContext): Zone {
  const z = resolveZone(ctx.fmt.timeZone);
  if (z === undefined) throw new DbError('22023', `time zone "${ctx.fmt.timeZone}" not recognized`);
  return z;
}

/** A zone named in SQL (AT TIME ZONE, date_trunc's third argument): 22023 when unknown. */
export function zoneArg(name: string): Zone {
  const z = resolveZoneArg(name);
  if (z === undefined) throw new DbError('22023', `time zone "${name}" not recognized`);
  return z;
}
