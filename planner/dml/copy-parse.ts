// COPY FROM STDIN input parsing: PostgreSQL's text and csv formats (record splitting, NULL
// marker, escapes/quotes, the `\.` end marker) and the binary format (PGCOPY signature,
// flags, header extension, tuples of length-prefixed fields). Input arrives in CopyData chunks
// split anywhere (mid-line, mid-character, mid-field): the parsers keep a remainder.
//
// Invariants: a record is emitted only once complete; the pending remainder is bounded by
// COPY_RECORD_BYTES_MAX (54000 beyond it); every error is 22P04 (bad_copy_file_format) or
// 22P02-style input errors raised later by the type input functions.

import { DbError } from '../../catalog/index.js';

export const COPY_RECORD_BYTES_MAX = 64 * 1024 * 1024;

/** Fields of one record: raw text (null = SQL NULL), or raw bytes in binary format. */
export type Fields = Array<string | null> | Array<Uint8Array | null>;

export interface RecordParser {
  /** Feeds bytes; returns the complete records found. */
  push(chunk: Uint8Array): Fields[];
  /** The input text of each record the last push()/end() returned, without its line end (error
   *  CONTEXT lines quote it, as PostgreSQL's line_buf); empty in binary format. */
  readonly lines: readonly string[];
  /** End of input: returns the last records; 22P04 for a truncated record. */
  end(): Fields[];
}

export interface TextOptions {
  csv: boolean;
  delimiter: string;
  nullString: string;
  quote: string;
  escape: string;
  header: boolean;
}

/** The value of one text-format field holding backslash escapes (PostgreSQL's CopyReadAttributesText). */
export function unescapeText(raw: string): string {
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      const n = raw[++i]!;
      switch (n) {
        case 'b': cur += '\b'; break;
        case 'f': cur += '\f'; break;
        case 'n': cur += '\n'; break;
        case 'r': cur += '\r'; break;
        case 't': cur += '\t'; break;
        case 'v': cur += '\v'; break;
        case 'x': {
          const m = /^[0-9a-fA-F]{1,2}/.exec(raw.slice(i + 1));
          if (m) {
            cur += String.fromCharCode(parseInt(m[0], 16));
            i += m[0].length;
          } else cur += 'x';
          break;
        }
        default:
          if (n >= '0' && n <= '7') {
            const m = /^[0-7]{1,3}/.exec(raw.slice(i))!;
            cur += String.fromCharCode(parseInt(m[0], 8) & 0xff);
            i += m[0].length - 1;
          } else cur += n;
      }
      continue;
    }
    cur += ch;
  }
  return cur;
}

function badFormat(msg: string): DbError {
  return new DbError('22P04', msg);
}

interface ParsedRecord {
  fields: Array<string | null>;
  /** The record's input text without its line end. */
  raw: string;
  next: number;
  endMarker: boolean;
}

/** text and csv formats. */
export class TextRecordParser implements RecordParser {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private buf = '';
  private done = false;
  private skipHeader: boolean;
  lines: string[] = [];

  constructor(private readonly o: TextOptions) {
    this.skipHeader = o.csv && o.header;
  }

  push(chunk: Uint8Array): Fields[] {
    let s: string;
    try {
      s = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new DbError('22021', 'invalid byte sequence for encoding "UTF8"');
    }
    this.buf += s;
    if (this.buf.length > COPY_RECORD_BYTES_MAX && this.buf.indexOf('\n') < 0) throw new DbError('54000', 'COPY record is too long');
    return this.drain(false);
  }

  end(): Fields[] {
    try {
      // An incomplete character at the end of the input.
      this.buf += this.decoder.decode();
    } catch {
      throw new DbError('22021', 'invalid byte sequence for encoding "UTF8"');
    }
    const out = this.drain(true);
    return out;
  }

  private drain(final: boolean): Fields[] {
    const out: Fields[] = [];
    const lines: string[] = [];
    this.lines = lines;
    let pos = 0;
    const b = this.buf;
    while (!this.done && pos < b.length) {
      const r = this.o.csv ? this.csvRecord(b, pos, final) : this.textRecord(b, pos, final);
      if (!r) break;
      pos = r.next;
      if (r.endMarker) {
        this.done = true;
        break;
      }
      if (this.skipHeader) {
        this.skipHeader = false;
        continue;
      }
      out.push(r.fields);
      lines.push(r.raw);
    }
    this.buf = b.slice(pos);
    return out;
  }

  /** One text-format line starting at `pos`, or undefined when incomplete. */
  private textRecord(b: string, pos: number, final: boolean): ParsedRecord | undefined {
    let eol = b.indexOf('\n', pos);
    let next: number;
    if (eol < 0) {
      if (!final) return undefined;
      eol = b.length;
      next = b.length;
    } else next = eol + 1;
    let line = b.slice(pos, eol);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '\\.') return { fields: [], raw: line, next, endMarker: true };
    // Fields are slices of the line; only a field holding a backslash is decoded character by
    // character (the common case allocates one string per field and no intermediates).
    const fields: Array<string | null> = [];
    const dc = this.o.delimiter.charCodeAt(0);
    const nullString = this.o.nullString;
    const n = line.length;
    let start = 0;
    for (;;) {
      let j = start;
      let escaped = false;
      while (j < n) {
        const c = line.charCodeAt(j);
        if (c === dc) break;
        if (c === 92) {
          // A backslash takes the next character with it (an escaped delimiter does not split).
          escaped = true;
          j += 2;
        } else j++;
      }
      if (j > n) j = n;
      const raw = line.slice(start, j);
      fields.push(raw === nullString ? null : escaped ? unescapeText(raw) : raw);
      if (j >= n) break;
      start = j + 1;
    }
    return { fields, raw: line, next, endMarker: false };
  }

  /** One csv record (quoted fields may span lines), or undefined when incomplete. */
  private csvRecord(b: string, pos: number, final: boolean): ParsedRecord | undefined {
    const { delimiter: d, quote: q, escape: e, nullString } = this.o;
    // The end marker is only recognised as a line of its own.
    if (b.startsWith('\\.\n', pos) || b.startsWith('\\.\r\n', pos) || (final && b.slice(pos) === '\\.')) {
      return { fields: [], raw: '\\.', next: b.indexOf('\n', pos) < 0 ? b.length : b.indexOf('\n', pos) + 1, endMarker: true };
    }
    const fields: Array<string | null> = [];
    let i = pos;
    let cur = '';
    let quoted = false;
    let inQuotes = false;
    for (;;) {
      if (i >= b.length) {
        if (!final) return undefined;
        if (inQuotes) throw badFormat('unterminated CSV quoted field');
        fields.push(!quoted && cur === nullString ? null : cur);
        return { fields, raw: b.slice(pos, i), next: i, endMarker: false };
      }
      const ch = b[i]!;
      if (inQuotes) {
        if (ch === e && e !== q && b[i + 1] === q) { cur += q; i += 2; continue; }
        if (ch === e && e !== q && b[i + 1] === e) { cur += e; i += 2; continue; }
        if (ch === q) {
          if (e === q && b[i + 1] === q) { cur += q; i += 2; continue; }
          if (e === q && i + 1 >= b.length && !final) return undefined;
          inQuotes = false;
          i++;
          continue;
        }
        cur += ch;
        i++;
        continue;
      }
      if (ch === q) { inQuotes = true; quoted = true; i++; continue; }
      if (ch === d) {
        fields.push(!quoted && cur === nullString ? null : cur);
        cur = '';
        quoted = false;
        i++;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        fields.push(!quoted && cur === nullString ? null : cur);
        let next = i + 1;
        if (ch === '\r' && b[next] === '\n') next++;
        else if (ch === '\r' && next >= b.length && !final) return undefined;
        return { fields, raw: b.slice(pos, i), next, endMarker: false };
      }
      cur += ch;
      i++;
    }
  }
}

const SIGNATURE = Uint8Array.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);

/** binary format. */
export class BinaryRecordParser implements RecordParser {
  readonly lines: readonly string[] = [];
  private buf = new Uint8Array(0);
  private headerDone = false;
  private done = false;

  push(chunk: Uint8Array): Fields[] {
    const nb = new Uint8Array(this.buf.length + chunk.length);
    nb.set(this.buf);
    nb.set(chunk, this.buf.length);
    this.buf = nb;
    if (this.buf.length > COPY_RECORD_BYTES_MAX + 1024) throw new DbError('54000', 'COPY record is too long');
    return this.drain();
  }

  end(): Fields[] {
    const out = this.drain();
    if (!this.done && this.buf.length > 0) throw badFormat('unexpected EOF in COPY data');
    if (!this.headerDone) throw badFormat('COPY file signature not recognized');
    return out;
  }

  private drain(): Fields[] {
    const out: Fields[] = [];
    const b = this.buf;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let pos = 0;
    if (!this.headerDone) {
      if (b.length < 19) return out;
      for (let i = 0; i < SIGNATURE.length; i++) if (b[i] !== SIGNATURE[i]) throw badFormat('COPY file signature not recognized');
      const flags = dv.getInt32(11);
      if ((flags & 0x10000) !== 0) throw badFormat('invalid COPY file header (WITH OIDS)');
      if ((flags & 0xfffe0000) !== 0) throw badFormat('unrecognized critical flags in COPY file header');
      const ext = dv.getInt32(15);
      if (ext < 0) throw badFormat('invalid COPY file header (missing length)');
      if (b.length < 19 + ext) return out;
      pos = 19 + ext;
      this.headerDone = true;
    }
    while (!this.done) {
      if (b.length - pos < 2) break;
      const n = dv.getInt16(pos);
      if (n === -1) {
        this.done = true;
        pos += 2;
        break;
      }
      if (n < 0) throw badFormat('row field count is negative');
      let p = pos + 2;
      const fields: Array<Uint8Array | null> = [];
      let complete = true;
      for (let f = 0; f < n; f++) {
        if (b.length - p < 4) { complete = false; break; }
        const len = dv.getInt32(p);
        p += 4;
        if (len === -1) { fields.push(null); continue; }
        if (len < 0) throw badFormat('invalid field size');
        if (b.length - p < len) { complete = false; break; }
        fields.push(b.slice(p, p + len));
        p += len;
      }
      if (!complete) break;
      out.push(fields);
      pos = p;
    }
    this.buf = b.slice(pos);
    return out;
  }
}
