// interval(fields, precision) typmods: `INTERVAL '5' HOUR`, `'1 day 2:03:04'::interval minute`,
// `interval(2)`. PostgreSQL reads a bare number in the smallest unit of the field range
// (DecodeInterval) and then truncates fields below the range (AdjustIntervalForTypmod).
// Typmod layout as PostgreSQL's INTERVAL_TYPMOD: (range << 16) | precision, 0xFFFF = none.

import { TypeOid, textIn, type Interval } from '../../catalog/index.js';
import type { FormatSettings } from '../api.js';

const YEAR = 1 << 2, MONTH = 1 << 1, DAY = 1 << 3, HOUR = 1 << 10, MINUTE = 1 << 11, SECOND = 1 << 12;
const FULL_RANGE = 0x7fff;
const US_HOUR = 3_600_000_000n, US_MINUTE = 60_000_000n;

function range(typmod: number): number {
  return (typmod >> 16) & 0x7fff;
}
function precision(typmod: number): number {
  return typmod & 0xffff;
}

/** Text input of an interval with a typmod. */
export function intervalIn(text: string, typmod: number, fmt: FormatSettings): Interval {
  const r = range(typmod);
  const bare = /^\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*$/.exec(text);
  let v: Interval;
  if (bare && r !== FULL_RANGE && r !== 0) {
    const n = Number(bare[1]);
    if (r === YEAR) v = { months: Math.trunc(n * 12), days: 0, micros: 0n };
    else if (r === MONTH || r === (YEAR | MONTH)) v = { months: Math.trunc(n), days: 0, micros: 0n };
    else if (r === DAY) v = { months: 0, days: Math.trunc(n), micros: BigInt(Math.round((n - Math.trunc(n)) * 86_400_000_000)) };
    else if (r === HOUR || r === (DAY | HOUR)) v = { months: 0, days: 0, micros: BigInt(Math.round(n * 3_600_000_000)) };
    else if (r === MINUTE || r === (HOUR | MINUTE) || r === (DAY | HOUR | MINUTE)) v = { months: 0, days: 0, micros: BigInt(Math.round(n * 60_000_000)) };
    else v = { months: 0, days: 0, micros: BigInt(Math.round(n * 1_000_000)) };
  } else {
    v = textIn(TypeOid.interval, text, fmt, -1) as Interval;
  }
  return intervalTypmodApply(v, typmod);
}

/** AdjustIntervalForTypmod: drop fields below the range, round seconds to the precision. */
export function intervalTypmodApply(v: Interval, typmod: number): Interval {
  if (typmod < 0) return v;
  const r = range(typmod);
  let { months, days, micros } = v;
  if (r === YEAR) {
    months = Math.trunc(months / 12) * 12;
    days = 0;
    micros = 0n;
  } else if (r === MONTH || r === (YEAR | MONTH)) {
    days = 0;
    micros = 0n;
  } else if (r === DAY) {
    micros = 0n;
  } else if (r === HOUR || r === (DAY | HOUR)) {
    micros = (micros / US_HOUR) * US_HOUR;
  } else if (r === MINUTE || r === (HOUR | MINUTE) || r === (DAY | HOUR | MINUTE)) {
    micros = (micros / US_MINUTE) * US_MINUTE;
  }
  const p = precision(typmod);
  if (p !== 0xffff && p < 6 && (r & SECOND || r === FULL_RANGE)) {
    const unit = 10n ** BigInt(6 - p);
    const half = unit / 2n;
    micros = micros >= 0n ? ((micros + half) / unit) * unit : -(((-micros + half) / unit) * unit);
  }
  return { months: months === 0 ? 0 : months, days: days === 0 ? 0 : days, micros };
}
