// The system tables: fixed lsm table ids, their key schemas and row layouts (../STORAGE.md).
// Catalog rows are written inside the SQL transaction's lsm Txn, so DDL commits or rolls back
// with the transaction. Counters (OIDs, sequence values) are written outside transactions,
// as PostgreSQL's are: a rolled-back CREATE still consumes its OID, nextval never rolls back.

import { encodeKey, type KeyColumn, type Row } from '../../lsm/index.js';
import type { TableDesc } from './desc.js';

/** lsm table ids 0..99 are reserved for system tables; user storage ids start at 16384. */
export const SYS_META = 1;
export const SYS_NAMESPACE = 2;
export const SYS_RELATION = 3;
export const SYS_SEQUENCE = 4;

/** PostgreSQL's FirstNormalObjectId: user OIDs start here. */
export const FIRST_USER_OID = 16384;
/** OIDs are persisted ahead in chunks of this many (a crash skips at most one chunk). */
export const OID_CHUNK = 1000;
/** Sequence values logged ahead (PostgreSQL's SEQ_LOG_VALS). */
export const SEQ_LOG_VALS = 32;

/** Layout version of the system rows; a reader refuses rows from a newer layout. */
export const CATALOG_FORMAT_VERSION = 1;

const TEXT: KeyColumn = { type: 'text' };
const INT8: KeyColumn = { type: 'int8' };
const META_KEY_SCHEMA = [TEXT];
const NS_KEY_SCHEMA = [TEXT, TEXT];
const REL_KEY_SCHEMA = [TEXT, TEXT, TEXT];
const SEQ_KEY_SCHEMA = [INT8];

export function metaKey(name: string): Uint8Array {
  return encodeKey(META_KEY_SCHEMA, [name]);
}

export function namespaceKey(db: string, schema: string): Uint8Array {
  return encodeKey(NS_KEY_SCHEMA, [db, schema]);
}

export function namespacePrefix(db: string): Uint8Array {
  return encodeKey([TEXT], [db]);
}

export function relationKey(db: string, schema: string, name: string): Uint8Array {
  return encodeKey(REL_KEY_SCHEMA, [db, schema, name]);
}

export function relationPrefix(db: string, schema?: string): Uint8Array {
  return schema === undefined ? encodeKey([TEXT], [db]) : encodeKey(NS_KEY_SCHEMA, [db, schema]);
}

export function sequenceKey(oid: number): Uint8Array {
  return encodeKey(SEQ_KEY_SCHEMA, [BigInt(oid)]);
}

/** Relation row: [format version, oid, kind, descriptor JSON]. */
export function relationRow(t: TableDesc): Row {
  return [CATALOG_FORMAT_VERSION, t.oid, t.kind, JSON.stringify(t)];
}

export function namespaceRow(oid: number, owner: string): Row {
  return [CATALOG_FORMAT_VERSION, oid, owner];
}

/** Sequence state row: [last_value, is_called]; last_value is the logged-ahead value. */
export function sequenceRow(lastValue: bigint, isCalled: boolean): Row {
  return [lastValue, isCalled];
}
