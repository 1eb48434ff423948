// Sequence functions: nextval, currval, setval, lastval (PostgreSQL's semantics: not
// transactional, currval/lastval per session). The name argument is text (regclass input
// rules: unquoted names fold to lower case, "quoted" keep case, schema.name allowed).

import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { T } from '../bind/types.js';
import type { FuncCall } from '../parse/ast.js';
import { tablesOf } from './scan.js';

export const SEQUENCE_FUNCTIONS = new Set(['nextval', 'currval', 'setval', 'lastval']);

function parseRegclass(s: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^."]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < s.length && (m = re.exec(s)) !== null) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.trim().toLowerCase());
    pos = re.lastIndex;
    if (m[3] === '') break;
  }
  return parts;
}

function lookup(ctx: EvalContext, name: string): TableDesc {
  const ts = tablesOf(ctx);
  const parts = parseRegclass(name);
  const rel = parts[parts.length - 1] ?? '';
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  const t = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), rel, schema);
  if (!t) throw new DbError('42P01', `relation "${name}" does not exist`);
  if (t.kind !== 'sequence') throw new DbError('42809', `"${t.name}" is not a sequence`);
  return t;
}

export function bindSequenceCall(b: Binder, f: FuncCall): BoundExpr {
  const names = f.funcname ?? [];
  const name = (names[names.length - 1] as { sval?: string }).sval ?? '';
  const loc = f.location ?? -1;
  const args = (f.args ?? []).map((a) => b.bind(a));
  const want = name === 'lastval' ? [0] : name === 'setval' ? [2, 3] : [1];
  if (!want.includes(args.length)) {
    throw b.err('42883', `function ${name}(${args.map((a) => (a.type.oid === 705 ? 'unknown' : String(a.type.oid))).join(', ')}) does not exist`, loc, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const coerced: BoundExpr[] = args.map((a, i) => (i === 0 ? b.coerceTo(a, T.text, name, loc) : i === 1 ? b.coerceTo(a, T.int8, name, loc) : b.coerceTo(a, T.bool, name, loc)));
  const call = (impl: (a: Value[], ctx: EvalContext) => Value): BoundExpr => ({ kind: 'call', name, args: coerced, type: T.int8, impl, strict: true, volatility: 'volatile', location: loc });
  switch (name) {
    case 'nextval':
      return call((a, ctx) => {
        const seq = lookup(ctx, a[0] as string);
        const ts = tablesOf(ctx);
        const r = ts.catalog.nextvalNow(seq);
        r.persist?.catch(() => undefined);
        ts.seqValues.set(seq.oid, r.value);
        ts.lastSeqOid = seq.oid;
        return r.value;
      });
    case 'currval':
      return call((a, ctx) => {
        const seq = lookup(ctx, a[0] as string);
        const v = tablesOf(ctx).seqValues.get(seq.oid);
        if (v === undefined) throw new DbError('55000', `currval of sequence "${seq.name}" is not yet defined in this session`);
        return v;
      });
    case 'lastval':
      return call((_a, ctx) => {
        const ts = tablesOf(ctx);
        const v = ts.lastSeqOid === undefined ? undefined : ts.seqValues.get(ts.lastSeqOid);
        if (v === undefined) throw new DbError('55000', 'lastval is not yet defined in this session');
        return v;
      });
    default:
      return call((a, ctx) => {
        const seq = lookup(ctx, a[0] as string);
        const v = a[1] as bigint;
        const called = a.length > 2 ? (a[2] as boolean) : true;
        const ts = tablesOf(ctx);
        ts.catalog.setvalNow(seq, v, called).catch(() => undefined);
        if (called) {
          ts.seqValues.set(seq.oid, v);
          ts.lastSeqOid = seq.oid;
        }
        return v;
      });
  }
}
