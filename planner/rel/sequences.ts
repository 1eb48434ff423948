// Sequence functions: nextval, currval, setval, lastval (PostgreSQL's semantics: not
// transactional, currval/lastval per session). The name argument is text (regclass input
// rules: unquoted names fold to lower case, "quoted" keep case, schema.name allowed).

import { DbError, TypeOid, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { T, typeName } from '../bind/types.js';
import type { FuncCall } from '../parse/ast.js';
import { tablesOf } from './scan.js';

export const SEQUENCE_FUNCTIONS = new Set(['nextval', 'currval', 'setval', 'lastval']);

// PostgreSQL's stringToQualifiedNameList/SplitIdentifierString: dot-separated identifiers,
// "quoted" ones keep case (a doubled quote is one quote), others fold to lower case; an empty
// name, an unterminated quote or text after a closing quote is 42602 "invalid name syntax".
function parseRegclass(s: string): string[] {
  const bad = (): DbError => new DbError('42602', 'invalid name syntax');
  const parts: string[] = [];
  let i = 0;
  const ws = (): void => { while (i < s.length && /\s/.test(s[i]!)) i++; };
  ws();
  if (i >= s.length) throw bad();
  for (;;) {
    let part: string;
    if (s[i] === '"') {
      let end = i + 1;
      part = '';
      for (;;) {
        const q = s.indexOf('"', end);
        if (q < 0) throw bad();
        part += s.slice(end, q);
        if (s[q + 1] === '"') { part += '"'; end = q + 2; continue; }
        i = q + 1;
        break;
      }
      if (part === '') throw bad();
    } else {
      const start = i;
      while (i < s.length && s[i] !== '.' && !/\s/.test(s[i]!)) i++;
      if (i === start) throw bad();
      part = s.slice(start, i).toLowerCase();
    }
    parts.push(part);
    ws();
    if (i >= s.length) break;
    if (s[i] !== '.') throw bad();
    i++;
    ws();
  }
  if (parts.length > 3) throw new DbError('42601', `improper relation name (too many dotted names): ${parts.join('.')}`);
  return parts;
}

// An integer argument is a relation OID (PostgreSQL: int4 -> oid -> regclass are implicit casts).
function lookupOid(ctx: EvalContext, oid: bigint): TableDesc {
  const ts = tablesOf(ctx);
  const t = ts.catalog.listTables(ts.reader(), ts.host.database).find((d) => BigInt(d.oid) === oid);
  if (!t) throw new DbError('XX000', `could not open relation with OID ${oid}`);
  if (t.kind !== 'sequence') throw new DbError('42809', `"${t.name}" is not a sequence`);
  return t;
}

function lookup(ctx: EvalContext, name: Value): TableDesc {
  if (typeof name === 'bigint' || typeof name === 'number') return lookupOid(ctx, BigInt(name));
  if (typeof name === 'object' && name !== null && 'oid' in name) return lookupOid(ctx, BigInt((name as { oid: number }).oid)); // a regclass value
  const ts = tablesOf(ctx);
  const parts = parseRegclass(name as string);
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
  // The first argument is regclass: text-like values name the relation, integers are its OID
  // (implicit int -> oid -> regclass); anything else has no matching function (42883).
  const O = TypeOid;
  const first = args[0]?.type.oid;
  const nameArg = first === undefined || ([O.unknown, O.text, O.varchar, O.bpchar, O.name] as number[]).includes(first);
  const oidArg = first !== undefined && ([O.int2, O.int4, O.int8, O.oid] as number[]).includes(first);
  const regclassArg = first === O.regclass;
  const restOk = args.slice(1).every((a, i) => (i === 0 ? ([O.unknown, O.int2, O.int4, O.int8] as number[]).includes(a.type.oid) : ([O.unknown, O.bool] as number[]).includes(a.type.oid)));
  if (!want.includes(args.length) || (args.length > 0 && !nameArg && !oidArg && !regclassArg) || !restOk) {
    throw b.err('42883', `function ${name}(${args.map((a) => typeName(a.type.oid)).join(', ')}) does not exist`, loc, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const coerced: BoundExpr[] = args.map((a, i) => (i === 0 ? (regclassArg ? a : oidArg ? b.coerceTo(a, T.int8, name, loc) : b.coerceTo(a, T.text, name, loc)) : i === 1 ? b.coerceTo(a, T.int8, name, loc) : b.coerceTo(a, T.bool, name, loc)));
  const call = (impl: (a: Value[], ctx: EvalContext) => Value): BoundExpr => ({ kind: 'call', name, args: coerced, type: T.int8, impl, strict: true, volatility: 'volatile', location: loc });
  switch (name) {
    case 'nextval':
      return call((a, ctx) => {
        const seq = lookup(ctx, a[0]!);
        const ts = tablesOf(ctx);
        const r = ts.catalog.nextvalNow(seq);
        r.persist?.catch(() => undefined);
        ts.seqValues.set(seq.oid, r.value);
        ts.lastSeqOid = seq.oid;
        return r.value;
      });
    case 'currval':
      return call((a, ctx) => {
        const seq = lookup(ctx, a[0]!);
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
        const seq = lookup(ctx, a[0]!);
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
