// format(fmt, VARIADIC args) with %s, %I, %L, %% and positional %n$ specifiers, and the quoting
// helpers quote_ident / quote_literal (PostgreSQL's rules, without the reserved-word list:
// identifiers that are not lower-case simple names are quoted).

import { DbError } from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';

export function quoteIdent(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) && !RESERVED.has(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

export function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  return s.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** Keywords PostgreSQL's quote_ident always quotes (reserved and type/function-name keywords). */
const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check', 'collate',
  'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time', 'current_timestamp',
  'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for',
  'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit',
  'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references',
  'returning', 'select', 'session_user', 'some', 'symmetric', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique',
  'user', 'using', 'variadic', 'when', 'where', 'window', 'with',
]);

export function formatString(a: Value[], _ctx: EvalContext): Value {
  const fmt = a[0];
  if (fmt === null) return null;
  const args = a.slice(1);
  const f = fmt as string;
  let out = '';
  let next = 0;
  for (let i = 0; i < f.length; i++) {
    const c = f[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    i++;
    if (i >= f.length) throw new DbError('22023', 'unterminated format() type specifier', { hint: 'For a single "%" use "%%".' });
    if (f[i] === '%') {
      out += '%';
      continue;
    }
    let argIndex = next;
    const m = /^(\d+)\$/.exec(f.slice(i));
    if (m) {
      argIndex = Number(m[1]) - 1;
      if (argIndex < 0) throw new DbError('22023', 'format specifies argument 0, but arguments are numbered from 1');
      i += m[0].length;
    }
    // Width/flags are accepted only in their simplest form ("-" and digits).
    const w = /^(-?)(\d*)/.exec(f.slice(i))!;
    i += w[0].length;
    const type = f[i];
    if (type === undefined) throw new DbError('22023', 'unterminated format() type specifier', { hint: 'For a single "%" use "%%".' });
    if (argIndex >= args.length) throw new DbError('22023', 'too few arguments for format()');
    const v = args[argIndex];
    next = argIndex + 1;
    let piece: string;
    switch (type) {
      case 's': piece = v === null ? '' : String(v); break;
      case 'I':
        if (v === null) throw new DbError('22004', 'null values cannot be formatted as an SQL identifier');
        piece = quoteIdent(String(v));
        break;
      case 'L': piece = v === null ? 'NULL' : quoteLiteral(String(v)); break;
      default: throw new DbError('22023', `unrecognized format() type specifier "${type}"`, { hint: 'For a single "%" use "%%".' });
    }
    const width = w[2] ? Number(w[2]) : 0;
    if (width > piece.length) piece = w[1] ? piece.padEnd(width) : piece.padStart(width);
    out += piece;
  }
  return out;
}
