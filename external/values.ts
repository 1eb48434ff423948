// DuckDB values → external/'s value vocabulary, which is catalog/types' internal value contract
// (catalog/types/README.md, "Value representation") except that numeric arrives as an
// `ExternalDecimal` (the planner builds its Numeric from it). Dates and timestamps move from
// DuckDB's 1970 epoch to PostgreSQL's 2000 epoch; ±infinity sentinels map onto PostgreSQL's.
// Invariant: conversion is exact or the column was reported unsupported at bind time.
import {
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBTimeValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUUIDValue,
} from '@duckdb/node-api';
import { ExternalError } from './errors.js';

/** numeric value = unscaled × 10^-scale. */
export interface ExternalDecimal {
  readonly kind: 'decimal';
  readonly unscaled: bigint;
  readonly scale: number;
}

export interface ExternalInterval {
  months: number;
  days: number;
  micros: bigint;
}

export type ExternalValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | ExternalDecimal
  | ExternalInterval;

/** Days from 1970-01-01 to 2000-01-01. */
const EPOCH_SHIFT_DAYS = 10957;
const EPOCH_SHIFT_MICROS = 946_684_800_000_000n;
const DUCK_DATE_INF = 2 ** 31 - 1;
const PG_DATE_POS_INF = 2147483647;
const PG_DATE_NEG_INF = -2147483648;
const DUCK_TS_INF = (1n << 63n) - 1n;
const PG_TS_POS_INF = (1n << 63n) - 1n;
const PG_TS_NEG_INF = -(1n << 63n);

function dateToPg(days: number): number {
  if (days === DUCK_DATE_INF) return PG_DATE_POS_INF;
  if (days === -DUCK_DATE_INF) return PG_DATE_NEG_INF;
  return days - EPOCH_SHIFT_DAYS;
}

function tsToPg(micros: bigint): bigint {
  if (micros === DUCK_TS_INF) return PG_TS_POS_INF;
  if (micros === -DUCK_TS_INF) return PG_TS_NEG_INF;
  return micros - EPOCH_SHIFT_MICROS;
}

export type ValueConverter = (v: DuckDBValue) => ExternalValue;

function fail(t: DuckDBType, v: DuckDBValue): never {
  throw new Error(`assertion: unexpected DuckDB value ${String(v)} for ${t.toString()}`);
}

/** One converter per result column, chosen once from the column's DuckDB type. */
export function converterFor(t: DuckDBType): ValueConverter {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.BIGINT:
      return (v) => v as ExternalValue;
    case DuckDBTypeId.FLOAT:
      return (v) => (v === null ? null : Math.fround(v as number));
    case DuckDBTypeId.UINTEGER:
      return (v) => (v === null ? null : BigInt(v as number));
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return (v) => (v === null ? null : { kind: 'decimal', unscaled: v as bigint, scale: 0 });
    case DuckDBTypeId.DECIMAL:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBDecimalValue)) fail(t, v);
        return { kind: 'decimal', unscaled: v.value, scale: v.scale };
      };
    case DuckDBTypeId.BLOB:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBBlobValue)) fail(t, v);
        return v.bytes;
      };
    case DuckDBTypeId.DATE:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBDateValue)) fail(t, v);
        return dateToPg(v.days);
      };
    case DuckDBTypeId.TIME:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBTimeValue)) fail(t, v);
        return v.micros;
      };
    case DuckDBTypeId.TIMESTAMP:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBTimestampValue)) fail(t, v);
        return tsToPg(v.micros);
      };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBTimestampTZValue)) fail(t, v);
        return tsToPg(v.micros);
      };
    case DuckDBTypeId.TIMESTAMP_S:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBTimestampSecondsValue)) fail(t, v);
        return v.seconds * 1_000_000n - EPOCH_SHIFT_MICROS;
      };
    case DuckDBTypeId.TIMESTAMP_MS:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBTimestampMillisecondsValue)) fail(t, v);
        return v.millis * 1000n - EPOCH_SHIFT_MICROS;
      };
    case DuckDBTypeId.INTERVAL:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBIntervalValue)) fail(t, v);
        return { months: v.months, days: v.days, micros: v.micros };
      };
    case DuckDBTypeId.UUID:
      return (v) => {
        if (v === null) return null;
        if (!(v instanceof DuckDBUUIDValue)) fail(t, v);
        return v.toString();
      };
    default:
      // mapDuckType reported these unsupported; a planner that selects one anyway gets 0A000.
      return (v) => {
        if (v === null) return null;
        throw new ExternalError('0A000', `DuckDB type ${t.toString()} is not supported in query results`);
      };
  }
}
