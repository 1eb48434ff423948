// Array types as the binder sees them: `_int4` (1007) is "integer[]" whose element is int4.
// PostgreSQL has one array type per element type whatever the number of dimensions
// (int4[][] is int4[]), and an array column keeps its element's typmod (varchar(3)[]).
// The OIDs themselves come from catalog's type registry (pg_type.typarray/typelem).

import { DbError, arrayTypeOf, typeByOid } from '../../catalog/index.js';
import { typeName, type SqlType } from './types.js';

/** True for the registered array types (pg_type.typcategory 'A'). */
export function isArrayOid(oid: number): boolean {
  return typeByOid(oid)?.typcategory === 'A';
}

/** The element type of an array type, or undefined for a non-array type. */
export function elemOidOf(arrayOid: number): number | undefined {
  const t = typeByOid(arrayOid);
  return t !== undefined && t.typcategory === 'A' ? t.typelem : undefined;
}

/** The array type of an element type, or undefined when the element type has none. */
export function arrayOidOf(elemOid: number): number | undefined {
  return arrayTypeOf(elemOid)?.oid;
}

/** Element type of an array SqlType, keeping the typmod (varchar(3)[] → varchar(3)). */
export function elemType(ty: SqlType): SqlType {
  const e = elemOidOf(ty.oid);
  if (e === undefined) throw new DbError('XX000', `type ${typeName(ty)} is not an array type`);
  return { oid: e, typmod: ty.typmod };
}

/** The array type over an element SqlType; 42704 when none exists (as PostgreSQL words it). */
export function arrayTypeFor(elem: SqlType): SqlType {
  const a = arrayOidOf(elem.oid);
  if (a === undefined) throw new DbError('42704', `could not find array type for data type ${typeName(elem.oid)}`);
  return { oid: a, typmod: elem.typmod };
}
