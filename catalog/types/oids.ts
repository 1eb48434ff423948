// Built-in type OIDs (PostgreSQL 15's pg_type.dat) for the types Pyralog supports, and their
// array types. `TypeOid` is a frozen const object of numbers, so `TypeOid.int4` is a value and
// `TypeOid[keyof typeof TypeOid]` the union type of the known OIDs.

export const TypeOid = Object.freeze({
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  void: 2278,
  uuid: 2950,
  jsonb: 3802,
  regtype: 2206,
  regclass: 2205,
  regnamespace: 4089,
  record: 2249,
  // Array types (RowDescription only: array values are 0A000 for now).
  _bool: 1000,
  _bytea: 1001,
  _char: 1002,
  _name: 1003,
  _int2: 1005,
  _int4: 1007,
  _text: 1009,
  _bpchar: 1014,
  _varchar: 1015,
  _int8: 1016,
  _float4: 1021,
  _float8: 1022,
  _oid: 1028,
  _json: 199,
  _timestamp: 1115,
  _date: 1182,
  _time: 1183,
  _timestamptz: 1185,
  _interval: 1187,
  _numeric: 1231,
  _uuid: 2951,
  _jsonb: 3807,
  _regtype: 2211,
  _regclass: 2210,
  _regnamespace: 4090,
  _record: 2287,
} as const);

/** The union of the known type OIDs (as a type). */
export type TypeOid = (typeof TypeOid)[keyof typeof TypeOid];

/** Short internal alias used inside catalog/types. */
export const OID = TypeOid;

/** PostgreSQL's VARHDRSZ: varchar(n)/bpchar(n)/numeric typmods are offset by it. */
export const VARHDRSZ = 4;
