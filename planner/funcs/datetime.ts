// Date/time functions and operators. The clock functions follow PostgreSQL's stability rules:
// now()/transaction_timestamp() are fixed for the transaction, statement_timestamp() for the
// statement, clock_timestamp() reads the clock on every call.

import { TypeOid } from '../../catalog/index.js';
import { nowMicros } from '../clock.js';
import { fn, type FnDef } from './def.js';

const O = TypeOid;

/** AdjustTimestampForTypmod: round µs to `precision` fractional digits (half away from zero). */
export function roundMicros(us: bigint, precision: number): bigint {
  if (precision < 0 || precision >= 6) return us;
  const unit = 10n ** BigInt(6 - precision);
  const half = unit / 2n;
  return us >= 0n ? ((us + half) / unit) * unit : -(((-us + half) / unit) * unit);
}

export function datetimeFunctions(): FnDef[] {
  return [
    fn('now', [], O.timestamptz, (_a, ctx) => ctx.env.txStartMicros(), { volatility: 'stable' }),
    fn('transaction_timestamp', [], O.timestamptz, (_a, ctx) => ctx.env.txStartMicros(), { volatility: 'stable' }),
    fn('statement_timestamp', [], O.timestamptz, (_a, ctx) => ctx.env.stmtStartMicros(), { volatility: 'stable' }),
    fn('clock_timestamp', [], O.timestamptz, () => nowMicros(), { volatility: 'volatile' }),
  ];
}

export function datetimeOperators(): FnDef[] {
  return [];
}
