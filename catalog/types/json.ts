// JSON for json and jsonb: a small reader that keeps numbers as their text (numeric semantics),
// PostgreSQL 15's error wording (22P02 "invalid input syntax for type json" with its DETAIL and
// CONTEXT), and jsonb's normal form: object keys sorted by length then bytes, the last of
// duplicate keys wins, numbers printed as numeric, '", "' and '": "' spacing.
import { DbError } from '../errors.js';
import { Numeric } from './numeric.js';

export type JsonValue =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'num'; v: string }
  | { t: 'str'; v: string }
  | { t: 'arr'; items: JsonValue[] }
  | { t: 'obj'; entries: Array<[string, JsonValue]> };

/** Nesting limit (PostgreSQL stops at its stack depth limit). */
export const JSON_DEPTH_MAX = 6400;

class JsonReader {
  i = 0;
  line = 1;
  lineStart = 0;
  constructor(readonly s: string, readonly jsonb: boolean) {}

  fail(detail: string, tokenEnd = this.i): DbError {
    return new DbError('22P02', 'invalid input syntax for type json', { detail, where: this.context(tokenEnd) });
  }

  /**
   * PostgreSQL's report_json_context: the line up to the end of the offending token, cut to
   * fewer than 50 bytes from the left ('...' prefix when cut), with a '...' suffix when more
   * input follows on the same line.
   */
  context(tokenEnd: number): string {
    const s = this.s;
    let start = this.lineStart;
    let bytes = Buffer.byteLength(s.slice(start, tokenEnd), 'utf8');
    while (bytes >= 50 && start < tokenEnd) {
      const cp = s.codePointAt(start)!;
      const w = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      bytes -= w;
      start += cp >= 0x10000 ? 2 : 1;
    }
    const prefix = start > this.lineStart ? '...' : '';
    const next = s.charCodeAt(tokenEnd);
    const suffix = tokenEnd < s.length && next !== 0x0a && next !== 0x0d ? '...' : '';
    return `JSON data, line ${this.line}: ${prefix}${s.slice(start, tokenEnd)}${suffix}`;
  }

  skipWs(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) this.i++;
      else if (c === 0x0a) { this.i++; this.line++; this.lineStart = this.i; }
      else return;
    }
  }

  /**
   * The token at the cursor as PostgreSQL's json_lex delimits it (for error messages): a number
   * runs as far as number syntax goes ('1=' is the token "1"), then swallows trailing
   * alphanumerics ('1abc' is one bad token); a word is a run of alphanumerics (letters, digits,
   * '_', non-ASCII); any other character is a one-character token ('.5' reports ".").
   */
  tokenEnd(): number {
    const s = this.s;
    let j = this.i;
    const c = s[j];
    if (c === undefined) return j;
    if ('{}[],:'.includes(c)) return j + 1;
    const alnum = (k: number): boolean => {
      const d = s.charCodeAt(k);
      return (d >= 0x30 && d <= 0x39) || (d >= 0x41 && d <= 0x5a) || (d >= 0x61 && d <= 0x7a) || d === 0x5f || d >= 0x80;
    };
    const digits = (): void => { while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++; };
    if (c === '-' || (c >= '0' && c <= '9')) {
      if (c === '-') j++;
      digits();
      if (s[j] === '.') { j++; digits(); }
      if (s[j] === 'e' || s[j] === 'E') { j++; if (s[j] === '+' || s[j] === '-') j++; digits(); }
      while (j < s.length && alnum(j)) j++;
      return Math.max(j, this.i + 1);
    }
    while (j < s.length && alnum(j)) j++;
    return j === this.i ? j + 1 : j;
  }

  unexpected(expected: string): DbError {
    if (this.i >= this.s.length) return this.fail('The input string ended unexpectedly.');
    const end = this.tokenEnd();
    const tok = this.s.slice(this.i, end);
    if (!/^[{}[\],:]$/.test(tok) && this.s[this.i] !== '"' && !isValidScalarToken(tok)) {
      return this.fail(`Token "${tok}" is invalid.`, end);
    }
    return this.fail(`${expected}, but found "${tok}".`, end);
  }

  value(depth: number): JsonValue {
    if (depth > JSON_DEPTH_MAX) throw new DbError('54001', 'stack depth limit exceeded');
    this.skipWs();
    const s = this.s;
    const c = s[this.i];
    switch (c) {
      case '{': return this.object(depth);
      case '[': return this.array(depth);
      case '"': return { t: 'str', v: this.string() };
      case undefined: throw this.fail('The input string ended unexpectedly.');
      default: break;
    }
    const end = this.tokenEnd();
    const tok = s.slice(this.i, end);
    if (tok === 'true' || tok === 'false') { this.i = end; return { t: 'bool', v: tok === 'true' }; }
    if (tok === 'null') { this.i = end; return { t: 'null' }; }
    if (NUMBER_RE.test(tok)) { this.i = end; return { t: 'num', v: tok }; }
    if (/^[}\],:]$/.test(tok)) throw this.fail(`Expected JSON value, but found "${tok}".`, end);
    throw this.fail(`Token "${tok}" is invalid.`, end);
  }

  object(depth: number): JsonValue {
    this.i++; // {
    const entries: Array<[string, JsonValue]> = [];
    this.skipWs();
    if (this.s[this.i] === '}') { this.i++; return { t: 'obj', entries }; }
    for (let first = true; ; first = false) {
      this.skipWs();
      // PostgreSQL words the first key's error differently (JSON_PARSE_OBJECT_START).
      if (this.s[this.i] !== '"') throw this.unexpected(first ? 'Expected string or "}"' : 'Expected string');
      const key = this.string();
      this.skipWs();
      if (this.s[this.i] !== ':') throw this.unexpected('Expected ":"');
      this.i++;
      entries.push([key, this.value(depth + 1)]);
      this.skipWs();
      const c = this.s[this.i];
      if (c === ',') { this.i++; continue; }
      if (c === '}') { this.i++; return { t: 'obj', entries }; }
      throw this.unexpected('Expected "," or "}"');
    }
  }

  array(depth: number): JsonValue {
    this.i++; // [
    const items: JsonValue[] = [];
    this.skipWs();
    if (this.s[this.i] === ']') { this.i++; return { t: 'arr', items }; }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipWs();
      const c = this.s[this.i];
      if (c === ',') { this.i++; continue; }
      if (c === ']') { this.i++; return { t: 'arr', items }; }
      throw this.unexpected('Expected "," or "]"');
    }
  }

  string(): string {
    const s = this.s;
    const start = ++this.i;
    let out = '';
    let chunk = start;
    for (;;) {
      const c = s.charCodeAt(this.i);
      // An unterminated string is one invalid token running from its quote to the end.
      if (Number.isNaN(c)) throw this.fail(`Token "${s.slice(start - 1)}" is invalid.`, s.length);
      if (c === 0x22) { out += s.slice(chunk, this.i); this.i++; return out; }
      if (c < 0x20) {
        throw this.fail(`Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`, this.i + 1);
      }
      if (c !== 0x5c) { this.i++; continue; }
      out += s.slice(chunk, this.i);
      const e = s[this.i + 1];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = s.slice(this.i + 2, this.i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail('"\\u" must be followed by four hexadecimal digits.', Math.min(s.length, this.i + 6));
          const code = parseInt(hex, 16);
          if (this.jsonb) {
            if (code === 0) {
              throw new DbError('22P05', 'unsupported Unicode escape sequence', { detail: '\\u0000 cannot be converted to text.', where: this.context(this.i + 6) });
            }
            if (code >= 0xd800 && code <= 0xdbff) {
              const lo = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(s.slice(this.i + 6));
              if (lo === null) {
                // json_lex_string: another high surrogate is its own error; anything else
                // (a character, the closing quote) means the low half is missing.
                const hi2 = /^\\u[dD][89abAB][0-9a-fA-F]{2}/.test(s.slice(this.i + 6));
                throw this.fail(hi2 ? 'Unicode high surrogate must not follow a high surrogate.' : 'Unicode low surrogate must follow a high surrogate.', this.i + 6);
              }
              out += String.fromCharCode(code, parseInt(lo[1]!, 16));
              this.i += 6;
            } else if (code >= 0xdc00 && code <= 0xdfff) {
              throw this.fail('Unicode low surrogate must follow a high surrogate.', this.i + 6);
            } else out += String.fromCharCode(code);
          }
          this.i += 4;
          break;
        }
        case undefined: throw this.fail(`Token "${s.slice(start - 1)}" is invalid.`, s.length);
        default:
          throw this.fail(`Escape sequence "\\${String.fromCodePoint(s.codePointAt(this.i + 1)!)}" is invalid.`, this.i + 2);
      }
      this.i += 2;
      chunk = this.i;
    }
  }

  document(): JsonValue {
    const v = this.value(0);
    this.skipWs();
    if (this.i < this.s.length) throw this.unexpected('Expected end of input');
    return v;
  }
}

const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function isValidScalarToken(tok: string): boolean {
  return tok === 'true' || tok === 'false' || tok === 'null' || NUMBER_RE.test(tok);
}

/** Parse JSON text (json semantics: escapes are checked but strings keep their decoded form). */
export function parseJson(text: string, jsonb = true): JsonValue {
  return new JsonReader(text, jsonb).document();
}

/** json input: validate and keep the text as given. */
export function validateJson(text: string): string {
  new JsonReader(text, false).document();
  return text;
}

/** jsonb input: parse and return the normal form's text (the internal jsonb value). */
export function normalizeJsonb(text: string): string {
  return jsonbText(canonicalize(parseJson(text, true)));
}

function keyCompare(a: string, b: string): number {
  // jsonb orders keys by byte length, then bytes (UTF-8).
  const ba = Buffer.byteLength(a);
  const bb = Buffer.byteLength(b);
  if (ba !== bb) return ba - bb;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Apply jsonb's object rules (sorted keys, last duplicate wins) recursively. */
export function canonicalize(v: JsonValue): JsonValue {
  switch (v.t) {
    case 'arr': return { t: 'arr', items: v.items.map(canonicalize) };
    case 'obj': {
      const m = new Map<string, JsonValue>();
      for (const [k, x] of v.entries) m.set(k, canonicalize(x));
      return { t: 'obj', entries: [...m].sort((a, b) => keyCompare(a[0], b[0])) };
    }
    case 'num': return { t: 'num', v: Numeric.fromString(v.v).toString() };
    default: return v;
  }
}

/** A JSON string literal as PostgreSQL's escape_json writes it. */
export function quoteJsonString(s: string): string {
  let out = '"';
  let chunk = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (c < 0x20) {
      switch (c) {
        case 0x08: rep = '\\b'; break;
        case 0x0c: rep = '\\f'; break;
        case 0x0a: rep = '\\n'; break;
        case 0x0d: rep = '\\r'; break;
        case 0x09: rep = '\\t'; break;
        default: rep = '\\u' + c.toString(16).padStart(4, '0');
      }
    }
    if (rep !== undefined) { out += s.slice(chunk, i) + rep; chunk = i + 1; }
  }
  return out + s.slice(chunk) + '"';
}

/** jsonb's text output of a (canonical) value. */
export function jsonbText(v: JsonValue): string {
  switch (v.t) {
    case 'null': return 'null';
    case 'bool': return v.v ? 'true' : 'false';
    case 'num': return v.v;
    case 'str': return quoteJsonString(v.v);
    case 'arr': return '[' + v.items.map(jsonbText).join(', ') + ']';
    case 'obj': return '{' + v.entries.map(([k, x]) => quoteJsonString(k) + ': ' + jsonbText(x)).join(', ') + '}';
    default: { const never: never = v; return never; }
  }
}
