// The table of configuration parameters (PostgreSQL's GUCs) a session knows: their canonical
// names, PostgreSQL 15 defaults, and how a SET value is checked and normalised into the text
// SHOW prints. Immutable: per-session values live in settings/session-settings.ts.
//
// Invariant: `normalize` either returns exactly what PostgreSQL 15's SHOW would print after the
// same SET, or throws the DbError PostgreSQL raises (22023 invalid value, 55P02 read-only, ...).

import { DbError } from '../../catalog/index.js';
import { normalizeTimeZone } from './timezone.js';

export type SettingContext = 'user' | 'readonly';

export interface SettingDef {
  /** Canonical spelling (SHOW's column name, ParameterStatus name). */
  readonly name: string;
  readonly context: SettingContext;
  readonly description: string;
  /** Default value (as SHOW prints it) when the session has none from startup or SET. */
  readonly defaultValue: string;
  /** List parameters take several SET arguments joined with ", " (PostgreSQL's GUC_LIST_INPUT). */
  readonly list?: 'quote' | 'plain';
  normalize(value: string): string;
}

export const SERVER_VERSION = '15.0';
export const SERVER_VERSION_NUM = '150000';

function invalid(name: string, value: string, hint?: string): DbError {
  return new DbError('22023', `invalid value for parameter "${name}": "${value}"`, hint ? { hint } : {});
}

const BOOL_WORDS: Record<string, boolean> = {
  on: true, off: false, true: true, false: false, yes: true, no: false, '1': true, '0': false,
};

/** PostgreSQL's parse_bool: the words above and unique prefixes of true/false/yes/no/on/off. */
export function parseBoolText(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (v in BOOL_WORDS) return BOOL_WORDS[v];
  if (v.length === 0) return undefined;
  for (const [word, b] of [['true', true], ['false', false], ['yes', true], ['no', false]] as const) {
    if (word.startsWith(v)) return b;
  }
  if (v.length >= 2 && 'off'.startsWith(v)) return false;
  return undefined;
}

function boolSetting(name: string, defaultValue: string, description: string, context: SettingContext = 'user'): SettingDef {
  return {
    name, context, description, defaultValue,
    normalize(value) {
      const b = parseBoolText(value);
      if (b === undefined) throw new DbError('22023', `parameter "${name}" requires a Boolean value`);
      return b ? 'on' : 'off';
    },
  };
}

function enumSetting(name: string, values: readonly string[], defaultValue: string, description: string): SettingDef {
  return {
    name, context: 'user', description, defaultValue,
    normalize(value) {
      const v = value.trim().toLowerCase();
      const hit = values.find((x) => x === v);
      if (hit === undefined) throw invalid(name, value, `Available values: ${values.join(', ')}.`);
      return hit;
    },
  };
}

function intSetting(name: string, min: number, max: number, defaultValue: string, description: string): SettingDef {
  return {
    name, context: 'user', description, defaultValue,
    normalize(value) {
      const t = value.trim();
      if (!/^[+-]?\d+(\.\d+)?$/.test(t)) throw invalid(name, value);
      const n = Math.round(Number(t));
      if (n < min || n > max) {
        throw new DbError('22023', `${n} is outside the valid range for parameter "${name}" (${min} .. ${max})`);
      }
      return String(n);
    },
  };
}

const MS_UNITS: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000], ['ms', 1]];
const INT_MAX = 2147483647;

/** Milliseconds as PostgreSQL prints a GUC_UNIT_MS value: the largest unit that divides it. */
export function formatMs(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of MS_UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Parses "5s", "100 ms", "1500" (bare = ms) into milliseconds; undefined when malformed. */
export function parseMs(value: string): number | undefined {
  const m = /^\s*([+-]?\d+(?:\.\d*)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const factor = unit === 'us' ? 0.001 : MS_UNITS.find(([u]) => u === unit)![1];
  // PostgreSQL rounds a fractional value of the base unit half to even (rint).
  const x = n * factor;
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function msSetting(name: string, description: string): SettingDef {
  return {
    name, context: 'user', description, defaultValue: '0',
    normalize(value) {
      const ms = parseMs(value);
      if (ms === undefined) {
        throw invalid(name, value, 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".');
      }
      if (ms < 0 || ms > INT_MAX) {
        throw new DbError('22023', `${ms} ms is outside the valid range for parameter "${name}" (0 .. ${INT_MAX})`);
      }
      return formatMs(ms);
    },
  };
}

function readonlySetting(name: string, value: string, description: string): SettingDef {
  return {
    name, context: 'readonly', description, defaultValue: value,
    normalize() {
      throw new DbError('55P02', `parameter "${name}" cannot be changed`);
    },
  };
}

function stringSetting(name: string, defaultValue: string, description: string, list?: 'quote' | 'plain'): SettingDef {
  return { name, context: 'user', description, defaultValue, ...(list ? { list } : {}), normalize: (v) => v };
}

const DATE_STYLES: Record<string, string> = { iso: 'ISO', sql: 'SQL', postgres: 'Postgres', german: 'German' };
const DATE_ORDERS: Record<string, string> = {
  dmy: 'DMY', euro: 'DMY', european: 'DMY', mdy: 'MDY', us: 'MDY', noneuro: 'MDY', noneuropean: 'MDY', ymd: 'YMD',
};

/** PostgreSQL's check_datestyle, relative to the value being replaced. */
export function normalizeDateStyle(value: string, current: string): string {
  let style: string | undefined;
  let order: string | undefined;
  for (const part of value.split(',')) {
    const p = part.trim().toLowerCase();
    if (p === 'default') {
      style ??= 'ISO';
      order ??= 'MDY';
      continue;
    }
    const s = DATE_STYLES[p];
    const o = DATE_ORDERS[p];
    if (s !== undefined) {
      if (style !== undefined && style !== s) throw new DbError('22023', `invalid value for parameter "DateStyle": "${value}"`, { detail: 'Conflicting "datestyle" specifications.' });
      style = s;
    } else if (o !== undefined) {
      if (order !== undefined && order !== o) throw new DbError('22023', `invalid value for parameter "DateStyle": "${value}"`, { detail: 'Conflicting "datestyle" specifications.' });
      order = o;
    } else {
      throw new DbError('22023', `invalid value for parameter "DateStyle": "${value}"`, { detail: `Unrecognized key word: "${part.trim()}".` });
    }
  }
  const [curStyle, curOrder] = current.split(', ') as [string, string];
  if (style === 'German' && order === undefined) order = 'DMY';
  return `${style ?? curStyle}, ${order ?? curOrder}`;
}

const ENCODINGS_SUPPORTED = new Set(['utf8', 'unicode']);
/** Encodings PostgreSQL knows: accepted names we cannot convert to are refused with 0A000. */
const ENCODINGS_KNOWN = new Set([
  'sql_ascii', 'latin1', 'latin2', 'latin3', 'latin4', 'latin5', 'latin6', 'latin7', 'latin8', 'latin9', 'latin10',
  'win1250', 'win1251', 'win1252', 'win1253', 'win1254', 'win1255', 'win1256', 'win1257', 'win1258', 'win866', 'win874',
  'koi8r', 'koi8u', 'euc_jp', 'euc_cn', 'euc_kr', 'euc_tw', 'euc_jis_2004', 'sjis', 'big5', 'gbk', 'uhc', 'gb18030',
  'johab', 'shift_jis_2004', 'iso_8859_5', 'iso_8859_6', 'iso_8859_7', 'iso_8859_8', 'mule_internal',
]);

const clientEncoding: SettingDef = {
  name: 'client_encoding', context: 'user', description: 'Sets the client\'s character set encoding.', defaultValue: 'UTF8',
  normalize(value) {
    const v = value.trim().toLowerCase().replace(/[-_]/g, (c) => (c === '-' ? '' : c));
    if (ENCODINGS_SUPPORTED.has(v) || v === 'utf8') return 'UTF8';
    if (ENCODINGS_KNOWN.has(v)) {
      throw new DbError('0A000', `conversion between ${value.toUpperCase()} and UTF8 is not supported`);
    }
    throw invalid('client_encoding', value);
  },
};

const ISOLATION_LEVELS = ['serializable', 'repeatable read', 'read committed', 'read uncommitted'] as const;
function isolationSetting(name: string): SettingDef {
  return {
    name, context: 'user', description: 'Sets the transaction isolation level.', defaultValue: 'read committed',
    normalize(value) {
      const v = value.trim().toLowerCase().replace(/\s+/g, ' ');
      const hit = ISOLATION_LEVELS.find((x) => x === v || x.replace(' ', '') === v);
      if (hit === undefined) throw invalid(name, value, `Available values: ${ISOLATION_LEVELS.join(', ')}.`);
      return hit;
    },
  };
}

export const SETTING_DEFS: readonly SettingDef[] = [
  stringSetting('application_name', '', 'Sets the application name to be reported in statistics and logs.'),
  boolSetting('array_nulls', 'on', 'Enable input of NULL elements in arrays.'),
  enumSetting('bytea_output', ['escape', 'hex'], 'hex', 'Sets the output format for bytea.'),
  clientEncoding,
  enumSetting('client_min_messages', ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error'], 'notice', 'Sets the message levels that are sent to the client.'),
  {
    name: 'DateStyle', context: 'user', description: 'Sets the display format for date and time values.', defaultValue: 'ISO, MDY', list: 'plain',
    normalize: (v) => normalizeDateStyle(v, 'ISO, MDY'),
  },
  isolationSetting('default_transaction_isolation'),
  boolSetting('default_transaction_read_only', 'off', 'Sets the default read-only status of new transactions.'),
  intSetting('extra_float_digits', -15, 3, '1', 'Sets the number of digits displayed for floating-point values.'),
  msSetting('idle_in_transaction_session_timeout', 'Sets the maximum allowed idle time between queries, when in a transaction.'),
  readonlySetting('in_hot_standby', 'off', 'Shows whether hot standby is currently active.'),
  readonlySetting('integer_datetimes', 'on', 'Shows whether datetimes are integer based.'),
  enumSetting('intervalstyle', ['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601'], 'postgres', 'Sets the display format for interval values.'),
  readonlySetting('is_superuser', 'on', 'Shows whether the current user is a superuser.'),
  readonlySetting('lc_collate', 'C.UTF-8', 'Shows the collation order locale.'),
  readonlySetting('lc_ctype', 'C.UTF-8', 'Shows the character classification and case conversion locale.'),
  stringSetting('lc_messages', 'C.UTF-8', 'Sets the language in which messages are displayed.'),
  stringSetting('lc_monetary', 'C.UTF-8', 'Sets the locale for formatting monetary amounts.'),
  stringSetting('lc_numeric', 'C.UTF-8', 'Sets the locale for formatting numbers.'),
  stringSetting('lc_time', 'C.UTF-8', 'Sets the locale for formatting date and time values.'),
  msSetting('lock_timeout', 'Sets the maximum allowed duration of any wait for a lock.'),
  readonlySetting('max_identifier_length', '63', 'Shows the maximum identifier length.'),
  stringSetting('search_path', '"$user", public', 'Sets the schema search order for names that are not schema-qualified.', 'quote'),
  readonlySetting('server_encoding', 'UTF8', 'Shows the server (database) character set encoding.'),
  readonlySetting('server_version', SERVER_VERSION, 'Shows the server version.'),
  readonlySetting('server_version_num', SERVER_VERSION_NUM, 'Shows the server version as an integer.'),
  readonlySetting('session_authorization', '', 'Sets the session user name.'),
  {
    name: 'standard_conforming_strings', context: 'user', description: 'Causes \'...\' strings to treat backslashes literally.', defaultValue: 'on',
    normalize(value) {
      const b = parseBoolText(value);
      if (b === undefined) throw new DbError('22023', 'parameter "standard_conforming_strings" requires a Boolean value');
      if (!b) throw new DbError('0A000', 'standard_conforming_strings = off is not supported');
      return 'on';
    },
  },
  msSetting('statement_timeout', 'Sets the maximum allowed duration of any statement.'),
  {
    name: 'TimeZone', context: 'user', description: 'Sets the time zone for displaying and interpreting time stamps.', defaultValue: 'UTC',
    normalize(value) {
      const z = normalizeTimeZone(value);
      if (z === undefined) throw invalid('TimeZone', value);
      return z;
    },
  },
  isolationSetting('transaction_isolation'),
  boolSetting('transaction_read_only', 'off', 'Sets the current transaction\'s read-only status.'),
];

const BY_NAME = new Map<string, SettingDef>(SETTING_DEFS.map((d) => [d.name.toLowerCase(), d]));

/** The definition for a (case-insensitive) parameter name, or undefined. */
export function findSetting(name: string): SettingDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}
