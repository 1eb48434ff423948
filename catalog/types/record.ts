// Anonymous records (type record, OID 2249): the values of row constructors `ROW(1, 'a')`.
// A value carries its fields and their type OIDs, as PostgreSQL's anonymous record datums
// carry a typmod naming a transient row type. Text output is record_out; text input of an
// anonymous record is 0A000 as in PostgreSQL ("input of anonymous composite types is not
// implemented"); binary output is record_send; comparison is record_cmp (field by field, a NULL
// field after any non-NULL one).

import { DbError } from '../errors.js';

export interface PgRecord {
  readonly fields: readonly unknown[];
  /** Type OID of each field. */
  readonly types: readonly number[];
  /**
   * Field names of a whole-row reference (`t.*` as a value: PostgreSQL's composite of the
   * table's row type, whose column names to_jsonb shows); absent for ROW(...), whose fields
   * are f1, f2, ...
   */
  readonly names?: readonly string[];
}

/** record_out: fields separated by commas in parentheses; NULL is empty, an empty string is
 *  "", a field with a quote, backslash, parenthesis, comma or white space is double-quoted with
 *  " and \ doubled. */
export function recordOut(r: PgRecord, fieldOut: (oid: number, v: unknown) => string): string {
  const parts = r.fields.map((v, i) => {
    if (v === null || v === undefined) return '';
    const s = fieldOut(r.types[i]!, v);
    if (s === '') return '""';
    if (!/["\\(),\s]/.test(s)) return s;
    return '"' + s.replace(/["\\]/g, (c) => c + c) + '"';
  });
  return '(' + parts.join(',') + ')';
}

export function recordIn(): never {
  throw new DbError('0A000', 'input of anonymous composite types is not implemented');
}

/** record_send: int4 field count, then per field its type OID, byte length (-1 for NULL) and bytes. */
export function recordSend(r: PgRecord, fieldSend: (oid: number, v: unknown) => Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  const int4 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n);
  chunks.push(int4(r.fields.length));
  r.fields.forEach((v, i) => {
    chunks.push(int4(r.types[i]!));
    if (v === null || v === undefined) {
      chunks.push(int4(-1));
      return;
    }
    const b = fieldSend(r.types[i]!, v);
    chunks.push(int4(b.length), b);
  });
  return Buffer.concat(chunks);
}

/** record_cmp: field by field with each field's order; NULL sorts after non-NULL. */
export function compareRecords(a: PgRecord, b: PgRecord, cmp: (oid: number, x: unknown, y: unknown) => number): number {
  const n = Math.min(a.fields.length, b.fields.length);
  for (let i = 0; i < n; i++) {
    const x = a.fields[i], y = b.fields[i];
    const xn = x === null || x === undefined, yn = y === null || y === undefined;
    if (xn || yn) {
      if (xn && yn) continue;
      return xn ? 1 : -1;
    }
    if (a.types[i] !== b.types[i]) {
      throw new DbError('42804', `cannot compare dissimilar column types ${a.types[i]} and ${b.types[i]} at record column ${i + 1}`);
    }
    const c = cmp(a.types[i]!, x, y);
    if (c !== 0) return c;
  }
  if (a.fields.length !== b.fields.length) throw new DbError('42804', 'cannot compare record types with different numbers of columns');
  return 0;
}
