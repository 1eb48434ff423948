// SQL-standard value functions without parentheses: CURRENT_TIMESTAMP[(p)], CURRENT_DATE,
// LOCALTIMESTAMP, CURRENT_USER, SESSION_USER, CURRENT_CATALOG, CURRENT_SCHEMA, ...

import { DbError } from '../../catalog/index.js';
import type { SQLValueFunction } from '../parse/ast.js';
import { localMicros, roundMicros, timestampToDate } from '../funcs/datetime.js';
import type { BoundExpr } from './expr.js';
import { T, t } from './types.js';
import type { Binder } from './binder.js';

export function bindSqlValueFunction(b: Binder, node: SQLValueFunction): BoundExpr {
  const loc = node.location ?? -1;
  const p = node.typmod ?? -1;
  const call = (name: string, type: BoundExpr['type'], impl: Extract<BoundExpr, { kind: 'call' }>['impl']): BoundExpr => ({
    kind: 'call', name, args: [], type, impl, strict: false, volatility: 'stable', location: loc,
  });
  switch (node.op) {
    case 'SVFOP_CURRENT_TIMESTAMP':
      return call('current_timestamp', T.timestamptz, (_a, ctx) => ctx.env.txStartMicros());
    case 'SVFOP_CURRENT_TIMESTAMP_N':
      if (p < 0) throw new DbError('22023', `CURRENT_TIMESTAMP(${p}) precision must not be negative`, b.position(loc) ? { position: b.position(loc)! } : {});
      return call('current_timestamp', t(T.timestamptz.oid, Math.min(p, 6)), (_a, ctx) => roundMicros(ctx.env.txStartMicros(), p));
    case 'SVFOP_CURRENT_DATE':
      return call('current_date', T.date, (_a, ctx) => timestampToDate(localMicros(ctx.env.txStartMicros(), ctx)));
    case 'SVFOP_LOCALTIMESTAMP':
      return call('localtimestamp', T.timestamp, (_a, ctx) => localMicros(ctx.env.txStartMicros(), ctx));
    case 'SVFOP_LOCALTIMESTAMP_N':
      return call('localtimestamp', t(T.timestamp.oid, Math.min(p, 6)), (_a, ctx) => roundMicros(localMicros(ctx.env.txStartMicros(), ctx), p));
    case 'SVFOP_LOCALTIME':
    case 'SVFOP_LOCALTIME_N': {
      const prec = node.op === 'SVFOP_LOCALTIME_N' ? p : -1;
      return call('localtime', t(T.time.oid, prec >= 0 ? Math.min(prec, 6) : -1), (_a, ctx) => {
        const day = 86_400_000_000n;
        const local = roundMicros(localMicros(ctx.env.txStartMicros(), ctx), prec);
        return ((local % day) + day) % day;
      });
    }
    case 'SVFOP_CURRENT_TIME':
    case 'SVFOP_CURRENT_TIME_N':
      throw b.unsupported('time with time zone (CURRENT_TIME)', loc);
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_CURRENT_ROLE':
    case 'SVFOP_USER':
    case 'SVFOP_SESSION_USER':
      return call(node.op.slice(6).toLowerCase(), T.name, (_a, ctx) => ctx.env.user);
    case 'SVFOP_CURRENT_CATALOG':
      return call('current_catalog', T.name, (_a, ctx) => ctx.env.database);
    case 'SVFOP_CURRENT_SCHEMA':
      return call('current_schema', T.name, () => 'public');
    default:
      throw b.unsupported(node.op.replace('SVFOP_', '').replace(/_N$/, ''), loc);
  }
}
