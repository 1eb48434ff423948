// catalog/types door: the type registry, internal value shapes, and text/binary codecs.
// See README.md for the value representation of each type.
export { TypeOid, VARHDRSZ } from './oids.js';
export {
  ALL_TYPES, typeByOid, lookupType, arrayTypeOf, formatType,
  charTypmod, numericTypmod, numericTypmodPrecision, numericTypmodScale, isValidNumericTypmod,
  type TypeInfo, type TypCategory,
} from './registry.js';
export { DEFAULT_FORMAT_SETTINGS, type FormatSettings, type InputSettings } from './settings.js';
export {
  type Interval,
  DATE_NEG_INFINITY, DATE_POS_INFINITY, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY,
  USECS_PER_SEC, USECS_PER_MINUTE, USECS_PER_HOUR, USECS_PER_DAY,
} from './values.js';
export { textOut, textIn, applyTypmod, type TextInOptions } from './text-codec.js';
export { regtypeIn, regtypeOut } from './regtype.js';
export { type RegclassValue, type PendingRegclassInput, PendingRegclass, makeRegclass, regclassOut, regclassParamFromText, regclassParamFromBinary, splitQualifiedName } from './regclass.js';
export { type PgRecord, recordOut } from './record.js';
export { binaryOut, binaryIn, decodeUtf8, numericSend, numericRecv } from './binary-codec.js';
export { type PgArray, makeArray, compareArrays, ARRAY_MAX_DIMS } from './array.js';
export { compareValues, hashKey, compareUtf8, compareFloat, compareBytes, compareJsonb } from './compare.js';
export { Numeric, type NumericKind, NUMERIC_MAX_DISPLAY_SCALE, NUMERIC_MIN_SIG_DIGITS, NUMERIC_DSCALE_MAX, divisionByZero } from './numeric.js';
export { INT2_MIN, INT2_MAX, INT4_MIN, INT4_MAX, INT8_MIN, INT8_MAX, parseInt2, parseInt4, parseInt8, parseOid } from './int.js';
export { parseBool, tryParseBool } from './bool.js';
export { float4Out, float8Out, parseFloat4, parseFloat8 } from './float.js';
export { parseBytea, byteaToHex, byteaToEscape } from './bytea.js';
export { parseUuid } from './uuid.js';
export { applyVarcharTypmod, applyBpcharTypmod, bpcharTrim, charLength, truncateName } from './strings.js';
export { parseJson, validateJson, normalizeJsonb, canonicalize, jsonbText, quoteJsonString, type JsonValue } from './json.js';
export {
  daysFromCivil, civilFromDays, isLeapYear, daysInMonth, dayOfWeek, splitTimestamp, joinTimestamp, splitTime,
  isValidDateDays, isValidTimestamp, isDateInfinite, isTimestampInfinite, TIMESTAMP_MIN, TIMESTAMP_END,
  DATE_MIN_DAYS, DATE_END_DAYS, type TimestampFields, type CivilDate,
} from './calendar.js';
export { resolveZone, resolveZoneArg, zoneOrThrow, fixedZoneFromHours, offsetAt, localToUtc, formatOffset, UTC_ZONE, type Zone } from './timezone.js';
export { parseDateStyle, formatDate, formatTime, formatTimestamp, formatTimestamptz, type ParsedDateStyle, type DateOrder, type DateOutputStyle } from './dt-format.js';
export { parseDateTime, roundToPrecision, type DateTimeKind } from './dt-parse.js';
export {
  formatInterval, parseInterval, intervalAdd, intervalSub, intervalNegate, justifyHours, justifyDays, justifyInterval,
  intervalKey, compareInterval,
} from './interval.js';
export {
  addInterval, subInterval, timestampDiff, age, timestamptzToFields, fieldsToTimestamptz, addMonthsToFields,
  dateToTimestamp, timestampToDate,
} from './dt-math.js';
