// textOut / textIn: the text format of every supported type (PostgreSQL 15 typoutput/typinput).
// The switch over OIDs is the one place that maps a type to its codec; arrays are 0A000 for now.
import { arrayIn, arrayOut, type PgArray } from './array.js';
import { byteaToEscape, byteaToHex, parseBytea } from './bytea.js';
import { parseBool } from './bool.js';
import { formatDate, formatTime, formatTimestamp, formatTimestamptz } from './dt-format.js';
import { fastDate, fastTime, fastTimestamp } from './dt-fast.js';
import { parseDateTime, roundToPrecision } from './dt-parse.js';
import { notSupported, outOfRange } from './errors.js';
import { float4Out, float8Out, parseFloat4, parseFloat8 } from './float.js';
import { parseInt2, parseInt4, parseInt8, parseOid } from './int.js';
import { formatInterval, parseInterval } from './interval.js';
import { normalizeJsonb, validateJson } from './json.js';
import { Numeric } from './numeric.js';
import { OID, VARHDRSZ } from './oids.js';
import { isValidNumericTypmod, numericTypmodPrecision, numericTypmodScale, typeByOid } from './registry.js';
import type { FormatSettings, InputSettings } from './settings.js';
import { applyBpcharTypmod, applyVarcharTypmod, charOut, parseChar, truncateName } from './strings.js';
import { parseUuid } from './uuid.js';
import { regtypeIn, regtypeOut } from './regtype.js';
import { regclassOut, regclassParamFromText, type RegclassValue } from './regclass.js';
import { recordIn, recordOut, type PgRecord } from './record.js';
import type { Interval } from './values.js';
import { USECS_PER_DAY } from './values.js';

function unsupportedType(oid: number): Error {
  return notSupported(`type with OID ${oid} is not supported`);
}

/** The element type of a registered array type, or undefined. */
function arrayElem(oid: number): number | undefined {
  const t = typeByOid(oid);
  return t !== undefined && t.typcategory === 'A' && t.typelem !== 0 ? t.typelem : undefined;
}

const ELEM_TEXT = { textIn: (oid: number, text: string, fmt: InputSettings) => textIn(oid, text, fmt), textOut: (oid: number, v: unknown, fmt: FormatSettings) => textOut(oid, v, fmt) };

/** Text output of an internal value (never null: NULL is the caller's business). */
export function textOut(oid: number, value: unknown, fmt: FormatSettings): string {
  switch (oid) {
    case OID.int4:
    case OID.int2:
    case OID.oid:
      return String(value as number);
    case OID.int8:
      return (value as bigint).toString();
    case OID.text:
    case OID.varchar:
    case OID.bpchar:
    case OID.name:
    case OID.unknown:
    case OID.json:
    case OID.jsonb:
      return value as string;
    case OID.bool:
      return value ? 't' : 'f';
    case OID.float8:
      return float8Out(value as number, fmt.extraFloatDigits);
    case OID.float4:
      return float4Out(value as number, fmt.extraFloatDigits);
    case OID.numeric:
      return (value as Numeric).toString();
    case OID.char:
      return charOut(value as string);
    case OID.bytea:
      return fmt.byteaOutput === 'escape' ? byteaToEscape(value as Uint8Array) : byteaToHex(value as Uint8Array);
    case OID.date:
      return formatDate(value as number, fmt);
    case OID.time:
      return formatTime(value as bigint);
    case OID.timestamp:
      return formatTimestamp(value as bigint, fmt);
    case OID.timestamptz:
      return formatTimestamptz(value as bigint, fmt);
    case OID.interval:
      return formatInterval(value as Interval, fmt.intervalStyle);
    case OID.uuid:
      return value as string;
    case OID.void:
      return '';
    case OID.regtype:
      return regtypeOut(value as number);
    case OID.regclass: case OID.regnamespace:
      return regclassOut(value as RegclassValue);
    case OID.record:
      return recordOut(value as PgRecord, (t, v) => textOut(t, v, fmt));
    default: {
      const elem = arrayElem(oid);
      if (elem !== undefined) return arrayOut(elem, value as PgArray, fmt, ELEM_TEXT);
      throw unsupportedType(oid);
    }
  }
}

export interface TextInOptions {
  /** An explicit cast (CAST / ::): varchar(n)/bpchar(n) truncate instead of raising 22001. */
  explicitCast?: boolean;
}

/**
 * Text input of a value of type `oid` with an optional typmod (varchar(n), bpchar(n),
 * numeric(p,s), time(p), timestamp(p), interval(p)). Throws DbError as PostgreSQL does.
 */
export function textIn(oid: number, text: string, fmt: InputSettings, typmod = -1, opts: TextInOptions = {}): unknown {
  switch (oid) {
    case OID.int4: return parseInt4(text);
    case OID.int2: return parseInt2(text);
    case OID.int8: return parseInt8(text);
    case OID.oid: return parseOid(text);
    case OID.text:
    case OID.unknown:
      return text;
    case OID.varchar: return applyVarcharTypmod(text, typmod, opts.explicitCast);
    case OID.bpchar: return applyBpcharTypmod(text, typmod, opts.explicitCast);
    case OID.name: return truncateName(text);
    case OID.char: return parseChar(text);
    case OID.bool: return parseBool(text);
    case OID.float8: return parseFloat8(text);
    case OID.float4: return parseFloat4(text);
    case OID.numeric: return applyTypmod(oid, Numeric.fromString(text), typmod, opts.explicitCast ?? false);
    case OID.bytea: return parseBytea(text);
    case OID.json: return validateJson(text);
    case OID.jsonb: return normalizeJsonb(text);
    case OID.uuid: return parseUuid(text);
    // Canonical ISO text takes a scan-only fast path; everything else the general parser.
    case OID.date: return fastDate(text) ?? parseDateTime('date', text, fmt);
    case OID.time: return applyTypmod(oid, fastTime(text) ?? parseDateTime('time', text, fmt), typmod, false);
    case OID.timestamp: return applyTypmod(oid, fastTimestamp(text, false, fmt.timeZone) ?? parseDateTime('timestamp', text, fmt), typmod, false);
    case OID.timestamptz: return applyTypmod(oid, fastTimestamp(text, true, fmt.timeZone) ?? parseDateTime('timestamptz', text, fmt), typmod, false);
    case OID.interval: return applyTypmod(oid, parseInterval(text, fmt.intervalStyle), typmod, false);
    case OID.void: return undefined;
    case OID.regtype: return regtypeIn(text);
    // Resolved with the session where the statement reads it (PendingRegclass).
    case OID.regclass: case OID.regnamespace: return regclassParamFromText(oid, text);
    case OID.record: return recordIn();
    default: {
      const elem = arrayElem(oid);
      if (elem !== undefined) return arrayIn(elem, text, fmt, ELEM_TEXT);
      throw unsupportedType(oid);
    }
  }
}

// Interval range bits of a typmod (1 << field: MONTH 1, YEAR 2, DAY 3, HOUR 10, MINUTE 11, SECOND 12).
const IV_YEAR = 1 << 2, IV_MONTH = 1 << 1, IV_DAY = 1 << 3, IV_HOUR = 1 << 10, IV_MINUTE = 1 << 11, IV_SECOND = 1 << 12;
const USECS_HOUR = 3_600_000_000n;
const USECS_MINUTE = 60_000_000n;

/**
 * PostgreSQL's AdjustIntervalForTypmod: fields right of the last declared one are zeroed
 * (truncated toward zero), those left of it stay; then the seconds precision is rounded.
 */
function adjustIntervalForTypmod(iv: Interval, typmod: number): Interval {
  const range = (typmod >>> 16) & 0x7fff;
  const precision = typmod & 0xffff;
  let { months, days, micros } = iv;
  switch (range) {
    case 0x7fff: case IV_SECOND: case IV_DAY | IV_HOUR | IV_MINUTE | IV_SECOND:
    case IV_HOUR | IV_MINUTE | IV_SECOND: case IV_MINUTE | IV_SECOND:
      break;
    case IV_YEAR: months = Math.trunc(months / 12) * 12; days = 0; micros = 0n; break;
    case IV_MONTH: case IV_YEAR | IV_MONTH: days = 0; micros = 0n; break;
    case IV_DAY: micros = 0n; break;
    case IV_HOUR: case IV_DAY | IV_HOUR: micros = (micros / USECS_HOUR) * USECS_HOUR; break;
    case IV_MINUTE: case IV_DAY | IV_HOUR | IV_MINUTE: case IV_HOUR | IV_MINUTE:
      micros = (micros / USECS_MINUTE) * USECS_MINUTE; break;
    default: throw new Error(`unrecognized interval typmod: ${typmod}`);
  }
  if (precision !== 0xffff) micros = roundToPrecision(micros, precision);
  return { months: months === 0 ? 0 : months, days, micros };
}

/**
 * Coerce a value to a typmod, as PostgreSQL's length-coercion functions do on assignment or
 * explicit cast: varchar/bpchar length (22001 unless explicit), numeric(p,s) (22003),
 * time/timestamp precision rounding. Other types pass through.
 */
export function applyTypmod(oid: number, value: unknown, typmod: number, explicitCast: boolean): unknown {
  if (typmod < 0) return value;
  switch (oid) {
    case OID.varchar: return applyVarcharTypmod(value as string, typmod, explicitCast);
    case OID.bpchar: return applyBpcharTypmod(value as string, typmod, explicitCast);
    case OID.numeric:
      if (!isValidNumericTypmod(typmod)) return value;
      return (value as Numeric).applyTypmod(numericTypmodPrecision(typmod), numericTypmodScale(typmod));
    case OID.time: {
      const r = roundToPrecision(value as bigint, typmod);
      // time(p) rounding can reach 24:00:00 exactly, which PostgreSQL keeps.
      if (r > USECS_PER_DAY) throw outOfRange('time out of range');
      return r;
    }
    case OID.timestamp:
    case OID.timestamptz: {
      const t = value as bigint;
      if (t === (1n << 63n) - 1n || t === -(1n << 63n)) return t;
      return roundToPrecision(t, typmod);
    }
    case OID.interval: return adjustIntervalForTypmod(value as Interval, typmod);
    default:
      return value;
  }
}

/** varchar/bpchar declared length from a typmod, or undefined (for callers formatting types). */
export function charTypmodLength(typmod: number): number | undefined {
  return typmod >= VARHDRSZ ? typmod - VARHDRSZ : undefined;
}
