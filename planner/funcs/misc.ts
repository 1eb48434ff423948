// Session and system information functions: version(), current_setting(), set_config(),
// current_database(), pg_backend_pid(), pg_sleep() (cancellable), gen_random_uuid(), ...

import { randomUUID } from 'node:crypto';
import { DbError, TypeOid, formatType } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { SERVER_VERSION } from '../settings/index.js';
import { fn, type FnDef } from './def.js';

const O = TypeOid;

export const VERSION_STRING = `PostgreSQL ${SERVER_VERSION} (Pyralog 0.1.0) on x86_64-pc-linux-gnu, compiled by Node.js ${process.version}, 64-bit`;

/** Sleep granularity: how often pg_sleep looks at the cancel token. */
const SLEEP_SLICE_MS = 20;

export async function cancellableSleep(seconds: number, ctx: EvalContext): Promise<void> {
  if (!(seconds > 0)) return;
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (ctx.cancel.reason) throw ctx.cancel.reason;
    const left = end - Date.now();
    if (left <= 0) return;
    await new Promise<void>((r) => setTimeout(r, Math.min(left, SLEEP_SLICE_MS)));
  }
}

function currentSetting(a: Value[], ctx: EvalContext): Value {
  const name = a[0] as string;
  const missingOk = a.length > 1 && a[1] === true;
  const v = ctx.env.getSetting(name);
  if (v === undefined) {
    if (missingOk) return null;
    throw new DbError('42704', `unrecognized configuration parameter "${name}"`);
  }
  return v;
}

export function miscFunctions(): FnDef[] {
  return [
    fn('version', [], O.text, () => VERSION_STRING, { volatility: 'stable' }),
    fn('current_setting', [O.text], O.text, currentSetting, { volatility: 'stable' }),
    fn('current_setting', [O.text, O.bool], O.text, currentSetting, { volatility: 'stable' }),
    fn('set_config', [O.text, O.text, O.bool], O.text, (a, ctx) => {
      if (a[0] === null) throw new DbError('22004', 'SET requires parameter name');
      return ctx.env.setSetting(a[0] as string, (a[1] as string | null) ?? '', a[2] === true);
    }, { volatility: 'volatile', strict: false }),
    fn('current_database', [], O.name, (_a, ctx) => ctx.env.database, { volatility: 'stable' }),
    fn('current_catalog', [], O.name, (_a, ctx) => ctx.env.database, { volatility: 'stable' }),
    fn('current_schema', [], O.name, () => 'public', { volatility: 'stable' }),
    fn('current_user', [], O.name, (_a, ctx) => ctx.env.user, { volatility: 'stable' }),
    fn('session_user', [], O.name, (_a, ctx) => ctx.env.user, { volatility: 'stable' }),
    fn('pg_backend_pid', [], O.int4, (_a, ctx) => ctx.env.backendPid, { volatility: 'stable' }),
    fn('gen_random_uuid', [], O.uuid, () => randomUUID(), { volatility: 'volatile' }),
    fn('format_type', [O.oid, O.int4], O.text, (a) => (a[0] === null ? null : formatType(a[0] as number, (a[1] as number | null) ?? -1)), { strict: false, volatility: 'stable' }),
    fn('pg_sleep', [O.float8], O.void, () => {
      throw new DbError('XX000', 'pg_sleep must run through its asynchronous implementation');
    }, {
      volatility: 'volatile',
      asyncImpl: async (a, ctx) => {
        await cancellableSleep(a[0] as number, ctx);
        return null;
      },
    }),
  ];
}
