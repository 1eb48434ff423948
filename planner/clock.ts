// The wall clock in PostgreSQL's timestamp unit: microseconds since 2000-01-01 00:00:00 UTC.

const PG_EPOCH_UNIX_MS = 946_684_800_000;

/** Now, µs since 2000-01-01 UTC (sub-millisecond part from the monotonic clock). */
export function nowMicros(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.round((ms - PG_EPOCH_UNIX_MS) * 1000));
}
