// Constructors for the DbErrors the codecs raise, worded exactly as PostgreSQL 15 words them,
// plus PostgreSQL's notion of whitespace (scanner_isspace / isspace in the C locale).
import { DbError } from '../errors.js';

/** 22P02 invalid input syntax for type X: "text" (int, float, numeric, bool, uuid, ...). */
export function invalidSyntax(typeName: string, text: string): DbError {
  return new DbError('22P02', `invalid input syntax for type ${typeName}: "${text}"`);
}

/** 22003 value "text" is out of range for type X. */
export function valueOutOfRange(typeName: string, text: string): DbError {
  return new DbError('22003', `value "${text}" is out of range for type ${typeName}`);
}

/** 22008 with a fixed message ("timestamp out of range", "date out of range", ...). */
export function outOfRange(message: string, code = '22008'): DbError {
  return new DbError(code, message);
}

/** 22007 invalid input syntax for type date/time types. */
export function badDateTimeSyntax(typeName: string, text: string): DbError {
  return new DbError('22007', `invalid input syntax for type ${typeName}: "${text}"`);
}

/** 22008 date/time field value out of range: "text". */
export function dateTimeFieldOverflow(text: string): DbError {
  return new DbError('22008', `date/time field value out of range: "${text}"`);
}

/** 22P03 incorrect binary data format (bad binary parameter or COPY BINARY field). */
export function badBinary(detail?: string): DbError {
  return new DbError('22P03', 'incorrect binary data format', detail === undefined ? {} : { detail });
}

/** 0A000: a feature Pyralog has not built yet. */
export function notSupported(message: string): DbError {
  return new DbError('0A000', message);
}

/** PostgreSQL's isspace() in the C locale: space, \t, \n, \v, \f, \r. */
export function isPgSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Trim PostgreSQL whitespace from both ends. */
export function trimPgSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPgSpace(s.charCodeAt(a))) a++;
  while (b > a && isPgSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
