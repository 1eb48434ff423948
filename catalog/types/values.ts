// Internal value shapes that are not plain JS primitives (see README.md for the full table).

/** interval: months, days and microseconds kept apart, as PostgreSQL does (no normalisation). */
export interface Interval {
  months: number;
  days: number;
  micros: bigint;
}

/** Date sentinels (PostgreSQL's DATEVAL_NOBEGIN / DATEVAL_NOEND). */
export const DATE_NEG_INFINITY = -2147483648;
export const DATE_POS_INFINITY = 2147483647;
/** Timestamp sentinels (PostgreSQL's DT_NOBEGIN / DT_NOEND). */
export const TIMESTAMP_NEG_INFINITY = -(1n << 63n);
export const TIMESTAMP_POS_INFINITY = (1n << 63n) - 1n;

export const USECS_PER_SEC = 1_000_000n;
export const USECS_PER_MINUTE = 60_000_000n;
export const USECS_PER_HOUR = 3_600_000_000n;
export const USECS_PER_DAY = 86_400_000_000n;
