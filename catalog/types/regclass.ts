// regclass (OID 2205): an OID that reads and prints as a relation name (PostgreSQL's regclassin /
// regclassout). Both directions need the session (its catalog and search_path), which the codecs
// here do not have, so a regclass value is the OID together with the text regclassout printed for
// it when the value was made: the planner's casts (planner/funcs/pg-catalog-regclass.ts) resolve
// names and OIDs with the session and build the value; output, comparison and the binary form
// only read it. The printed name is fixed at the moment of the cast, which within one statement
// is what PostgreSQL shows too (regclassout runs against the statement's catalog snapshot).
//
// regnamespace (OID 4089) uses the same value (OID and printed schema name) for the same reason.
//
// Binary form: the OID as a 4-byte big-endian unsigned integer (oid's). Input from the codecs
// (bind parameters) needs the session to find the name (text) or the label (binary), so a
// parameter decodes to a `PendingRegclass` carrying what was sent; the planner resolves it with
// the session (planner/funcs/pg-catalog-regclass.ts resolveRegclass / resolveRegclassParams), as
// PostgreSQL's regclassin runs at Bind against the session's search_path. Until resolved it
// refuses to be printed (0A000), so a value nobody resolved can never show a wrong name.
import { DbError } from '../errors.js';

/** A regclass value: the relation's OID and its regclassout text ("t", "s.t", "16389", "-"). */
export interface RegclassValue {
  readonly oid: number;
  readonly label: string;
}

export function makeRegclass(oid: number, label: string): RegclassValue {
  return Object.freeze({ oid, label });
}

/** regclassout: the text fixed when the value was made. */
export function regclassOut(v: RegclassValue): string {
  return v.label;
}

/** What a regclass / regnamespace bind parameter carried: the text form, or the binary form's OID. */
export type PendingRegclassInput = { readonly text: string } | { readonly oid: number };

/** A regclass (or regnamespace, `typeOid`) bind parameter awaiting the session's regclassin. */
export class PendingRegclass implements RegclassValue {
  constructor(readonly typeOid: number, readonly input: PendingRegclassInput) {
    Object.freeze(this);
  }

  /** The binary form's OID needs no session; a name does. */
  get oid(): number {
    if ('oid' in this.input) return this.input.oid;
    throw unresolved();
  }

  get label(): string {
    throw unresolved();
  }
}

function unresolved(): DbError {
  return new DbError('0A000', 'a regclass bind parameter is resolved only where the statement reads it with its session; this use cannot resolve it');
}

/** regclassin / regnamespacein of a text bind parameter: kept for the session to resolve. */
export function regclassParamFromText(typeOid: number, text: string): PendingRegclass {
  return new PendingRegclass(typeOid, { text });
}

/** The binary form of a regclass / regnamespace bind parameter: the OID as a big-endian uint4. */
export function regclassParamFromBinary(typeOid: number, bytes: Uint8Array): PendingRegclass {
  if (bytes.length !== 4) throw new DbError('22P03', 'incorrect binary data format in bind parameter');
  return new PendingRegclass(typeOid, { oid: new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) });
}

/**
 * stringToQualifiedNameList for regclassin: `a`, `s.a`, `"Mixed"."x.y"`; unquoted parts are
 * lower-cased (ASCII letters only). undefined when the text is not a valid name list (42602 "invalid name syntax").
 */
export function splitQualifiedName(text: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  const s = text;
  const skipSpace = (): void => { while (i < s.length && /\s/.test(s[i]!)) i++; };
  skipSpace();
  for (;;) {
    if (s[i] === '"') {
      let j = i + 1, out = '';
      for (;;) {
        if (j >= s.length) return undefined;
        if (s[j] === '"') {
          if (s[j + 1] === '"') { out += '"'; j += 2; continue; }
          break;
        }
        out += s[j++];
      }
      if (out === '') return undefined;
      parts.push(out);
      i = j + 1;
    } else {
      // SplitIdentifierString: an unquoted name runs to the next dot or space, whatever it holds;
      // only ASCII letters are lower-cased (downcase_identifier in UTF8).
      const m = /^[^\s.]+/.exec(s.slice(i));
      if (m === null) return undefined;
      parts.push(m[0].replace(/[A-Z]+/g, (x) => x.toLowerCase()));
      i += m[0].length;
    }
    skipSpace();
    if (i >= s.length) return parts;
    if (s[i] !== '.') return undefined;
    i++;
    skipSpace();
  }
}
