// Formatting settings the codecs read. FormatSettings is the wire<->planner contract's shape
// (planner/api.ts re-exports this one; catalog may not import planner). InputSettings adds the
// statement clock, which only text input of 'now'/'today'/... needs.

/** Formatting settings the codecs need, taken from the session at encode time. */
export interface FormatSettings {
  /** Session TimeZone: an IANA name ('Europe/Paris'), 'UTC', a fixed offset or a POSIX spec. */
  timeZone: string;
  /** DateStyle as SHOW prints it, e.g. 'ISO, MDY'. Output style and field order are both read. */
  dateStyle: string;
  /** 'postgres' | 'postgres_verbose' | 'sql_standard' | 'iso_8601'. */
  intervalStyle: string;
  /** extra_float_digits, -15..3. */
  extraFloatDigits: number;
  byteaOutput: 'hex' | 'escape';
}

/** Text input settings: the format settings plus the transaction's clock. */
export interface InputSettings extends FormatSettings {
  /**
   * Statement/transaction timestamp (µs since 2000-01-01 UTC) for 'now', 'today', 'tomorrow',
   * 'yesterday'. When absent those inputs raise 0A000 rather than reading a wall clock here.
   */
  nowMicros?: bigint;
}

/** PostgreSQL's defaults for a fresh session (initdb with TimeZone UTC). */
export const DEFAULT_FORMAT_SETTINGS: Readonly<FormatSettings> = Object.freeze({
  timeZone: 'UTC',
  dateStyle: 'ISO, MDY',
  intervalStyle: 'postgres',
  extraFloatDigits: 1,
  byteaOutput: 'hex',
});
