// The session's time zone as catalog's Zone (resolved through catalog's memo on each call).

import { DbError, resolveZone, type Zone } from '../../catalog/index.js';
import type { EvalContext } from '../bind/expr.js';

export function sessionZone(ctx: EvalContext): Zone {
  return zoneArg(ctx.fmt.timeZone);
}

/** A zone named in SQL (AT TIME ZONE, date_trunc's third argument): 22023 when unknown. */
export function zoneArg(name: string): Zone {
  const z = resolveZone(name);
  if (z === undefined) throw new DbError('22023', `time zone "${name}" not recognized`);
  return z;
}
