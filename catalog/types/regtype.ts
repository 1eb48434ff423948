// regtype (OID 2206): an OID that reads and prints as a type name (PostgreSQL's regtypein /
// regtypeout). The value is the type's OID as a number, like oid. Output is format_type without
// a typmod ("character varying", "integer[]", "character" for bpchar); an OID Pyralog does not
// know prints as its number, as PostgreSQL prints an OID missing from pg_type.
// Input: a bare number is taken as the OID; otherwise the text is read as a type name the way
// parseTypeString does (SQL spellings, quoted identifiers keep their case, a typmod is ignored,
// each trailing [] makes it an array type, an optional pg_catalog qualifier).
import { DbError } from '../errors.js';
import { OID } from './oids.js';
import { formatType, lookupType, typeByOid, type TypeInfo } from './registry.js';

/** regtypeout: format_type(oid, NULL). */
export function regtypeOut(oid: number): string {
  const t = typeByOid(oid);
  if (t === undefined) return String(oid);
  // Without a typmod "given", bpchar is spelled "character" (format_type_be), unlike
  // format_type(oid, -1) which says "bpchar".
  if (oid === OID.bpchar) return 'character';
  if (t.typcategory === 'A' && t.typelem === OID.bpchar) return 'character[]';
  return formatType(oid);
}

/** SQL grammar spellings parseTypeString turns into another type than the same-named pg_type row. */
const GRAMMAR_NAMES: ReadonlyMap<string, number> = new Map([
  ['char', OID.bpchar], ['character', OID.bpchar], ['national character', OID.bpchar], ['nchar', OID.bpchar],
  ['char varying', OID.varchar], ['character varying', OID.varchar], ['national character varying', OID.varchar],
  ['float', OID.float8], ['time with time zone', 0], ['timestamptz', OID.timestamptz],
]);

interface NamePart { readonly text: string; readonly quoted: boolean }

/** Splits `a.b."C d"` into identifier parts; undefined on a syntax error. */
function splitName(s: string): NamePart[] | undefined {
  const parts: NamePart[] = [];
  let i = 0;
  while (i <= s.length) {
    if (s[i] === '"') {
      let j = i + 1, text = '';
      for (;;) {
        if (j >= s.length) return undefined;
        if (s[j] === '"') {
          if (s[j + 1] === '"') { text += '"'; j += 2; continue; }
          break;
        }
        text += s[j++];
      }
      parts.push({ text, quoted: true });
      i = j + 1;
    } else {
      const m = /^[^."]*/.exec(s.slice(i))![0];
      const word = m.trim().replace(/\s+/g, ' ');
      if (word === '' || !/^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$ \u0080-\uffff]*$/.test(word)) return undefined;
      parts.push({ text: word.toLowerCase(), quoted: false });
      i += m.length;
    }
    if (i >= s.length) break;
    if (s[i] !== '.') return undefined;
    i++;
  }
  return parts;
}

/** regtypein: a type name or a numeric OID → the OID. */
export function regtypeIn(text: string): number {
  const s = text.trim();
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    if (n > 4294967295) throw new DbError('22003', `value "${s}" is out of range for type oid`);
    return n;
  }
  let rest = s;
  let arrayDims = 0;
  for (;;) {
    const m = /\s*\[\s*[0-9]*\s*\]\s*$/.exec(rest);
    if (m === null) break;
    arrayDims++;
    rest = rest.slice(0, m.index);
  }
  // A typmod (`varchar(10)`, `numeric(10,2)`, `timestamp(3) with time zone`) is read and dropped.
  rest = rest.replace(/\s*\(\s*[0-9]+\s*(,\s*-?[0-9]+\s*)?\)/, '').trim();
  const parts = splitName(rest);
  if (parts === undefined || parts.length === 0) {
    throw new DbError('42601', `invalid type name "${text}"`);
  }
  if (parts.length > 2) throw new DbError('0A000', `cross-database references are not implemented: ${parts.map((p) => p.text).join('.')}`);
  const shown = parts.map((p) => p.text).join('.');
  const notFound = (): DbError => new DbError('42704', `type "${shown}" does not exist`);
  const last = parts[parts.length - 1]!;
  if (parts.length === 2 && parts[0]!.text !== 'pg_catalog') throw notFound();
  // Multi-word names exist only unquoted; a quoted "char" is the one-byte type.
  let oid: number | undefined;
  if (!last.quoted && parts.length === 1) oid = GRAMMAR_NAMES.get(last.text);
  if (oid === 0) throw notFound();
  if (oid === undefined && (last.quoted || !last.text.includes(' ') || parts.length === 1)) oid = lookupType([last.text])?.oid;
  if (oid === undefined) throw notFound();
  let result: number = oid;
  for (let d = 0; d < arrayDims; d++) {
    const t: TypeInfo = typeByOid(result)!;
    if (t.typcategory === 'A') break; // int4[][] is still _int4
    if (t.typarray === 0) throw notFound();
    result = t.typarray;
  }
  return result;
}
