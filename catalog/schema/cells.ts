// SQL value ⇄ lsm Cell mapping, and SQL type → primary-key KeyType (see ../STORAGE.md).
// The lsm stores six JavaScript kinds (null, boolean, number, bigint, string, Uint8Array);
// every SQL type maps onto exactly one kind, so a stored column holds one kind across rows.
//
// Invariants:
// - toCell(oid, fromCell(oid, c)) === c and fromCell(oid, toCell(oid, v)) equals v for every
//   value the type's codec can produce (a test checks each type).
// - numeric is stored as its canonical text (exact; the key encoder parses the same text);
//   interval as "months days micros" (PostgreSQL keeps the three fields apart, so do we).

import type { Cell, KeyType } from '../../lsm/index.js';
import { DbError } from '../errors.js';
import { DEFAULT_FORMAT_SETTINGS, Numeric, TypeOid, binaryIn, binaryOut, textOut, typeByOid, type Interval } from '../types/index.js';

const O = TypeOid;

/** The internal SQL value (catalog/types representation) as a storable cell. */
export function toCell(oid: number, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  switch (oid) {
    case O.numeric:
      return textOut(O.numeric, v, DEFAULT_FORMAT_SETTINGS);
    case O.interval: {
      const i = v as Interval;
      return `${i.months} ${i.days} ${i.micros}`;
    }
    default:
      // Arrays: PostgreSQL's array_send bytes (self-describing, exact for every element type).
      // (Only arrays reach here as non-byte objects; the type lookup stays off the scalar path.)
      return typeof v === 'object' && !(v instanceof Uint8Array) && typeByOid(oid)?.typcategory === 'A' ? binaryOut(oid, v) : (v as Cell);
  }
}

/** A stored cell back to the internal SQL value. */
export function fromCell(oid: number, c: Cell): unknown {
  if (c === null || c === undefined) return null;
  switch (oid) {
    case O.numeric:
      // The stored canonical text: Numeric.fromString's plain-form fast path reads it (no
      // typmod step: the value was coerced when it was written).
      return Numeric.fromString(c as string);
    case O.interval: {
      const [m, d, us] = (c as string).split(' ');
      return { months: Number(m), days: Number(d), micros: BigInt(us!) } satisfies Interval;
    }
    default:
      return c instanceof Uint8Array && oid !== O.bytea && typeByOid(oid)?.typcategory === 'A' ? binaryIn(oid, c) : c;
  }
}

/** False when fromCell(oid, c) is `c` itself for every cell (a scan may skip the call). */
export function cellNeedsDecode(oid: number): boolean {
  return oid === O.numeric || oid === O.interval || typeByOid(oid)?.typcategory === 'A';
}

/** Key type of a primary-key/unique column; 42704 for types without a btree ordering. */
export function keyTypeOf(oid: number, typeName: string): KeyType {
  switch (oid) {
    case O.int2: return 'int2';
    case O.int4: case O.oid: return 'int4';
    case O.int8: return 'int8';
    case O.float4: case O.float8: return 'float8';
    case O.numeric: return 'numeric';
    case O.text: case O.varchar: case O.bpchar: case O.name: case O.char: return 'text';
    case O.bytea: return 'bytea';
    case O.bool: return 'bool';
    case O.date: return 'date';
    case O.time: return 'time';
    case O.timestamp: return 'timestamp';
    case O.timestamptz: return 'timestamptz';
    case O.uuid: return 'uuid';
    default:
      throw new DbError('42704', `data type ${typeName} has no default operator class for access method "btree"`, {
        hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
      });
  }
}

/** The cell to feed encodeKey for a key column (oid and int4 share the 4-byte encoding). */
export function keyCell(oid: number, v: unknown): Cell {
  if (oid === O.float4 && typeof v === 'number') return v;
  return toCell(oid, v);
}
