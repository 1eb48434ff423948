// textOut / textIn: the text format of every supported type (PostgreSQL 15 typoutput/typinput).
// The switch over OIDs is the one place that maps a type to its codec; arrays are 0A000 for now.
import { byteaToEscape, byteaToHex, parseBytea } from './bytea.js';
import { parseBool } from './bool.js';
import { formatDate, formatTime, formatTimestamp, formatTimestamptz } from './dt-format.js';
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
import type { Interval } from './values.js';
import { USECS_PER_DAY } from './values.js';

function unsupportedType(oid: number): Error {
  const t = typeByOid(oid);
  if (t !== undefined && t.typcategory === 'A') return notSupported(`array values of type ${t.typname.slice(1)}[] are not supported yet`);
  return notSupported(`type with OID ${oid} is not supported`);
}

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
    default:
      throw unsupportedType(oid);
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
    case OID.date: return parseDateTime('date', text, fmt);
    case OID.time: return applyTypmod(oid, parseDateTime('time', text, fmt), typmod, false);
    case OID.timestamp: return applyTypmod(oid, parseDateTime('timestamp', text, fmt), typmod, false);
    case OID.timestamptz: return applyTypmod(oid, parseDateTime('timestamptz', text, fmt), typmod, false);
    case OID.interval: return applyTypmod(oid, parseInterval(text, fmt.intervalStyle), typmod, false);
    case OID.void: return undefined;
    default: throw unsupportedType(oid);
  }
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
    case OID.interval: {
      const iv = value as Interval;
      const precision = typmod & 0xffff;
      if (precision === 0xffff) return iv;
      return { months: iv.months, days: iv.days, micros: roundToPrecision(iv.micros, precision) };
    }
    default:
      return value;
  }
}

/** varchar/bpchar declared length from a typmod, or undefined (for callers formatting types). */
export function charTypmodLength(typmod: number): number | undefined {
  return typmod >= VARHDRSZ ? typmod - VARHDRSZ : undefined;
}
