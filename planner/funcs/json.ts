// jsonb operators and functions (->, ->>, @>, <@, ?, ||, -, to_jsonb, jsonb_build_*, ...) and
// the jsonb → scalar casts. A jsonb value is its normal-form text (catalog); operations parse
// it with catalog's reader and print results with catalog's jsonbText, so every result is in
// normal form too.

import {
  DbError, TypeOid, canonicalize, compareValues, jsonbText, parseJson, quoteJsonString, textOut, typeByOid, Numeric, type JsonValue, type PgArray, type PgRecord,
} from '../../catalog/index.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { fn, type FnDef } from './def.js';
import { isArrayOid } from '../bind/array-types.js';

const O = TypeOid;

/** The element type of an array type. */
function elemOid(oid: number): number {
  return typeByOid(oid)?.typelem ?? O.text;
}
const J = O.jsonb;

const parse = (v: Value): JsonValue => parseJson(v as string, true);
const out = (v: JsonValue): string => jsonbText(v);

function field(v: JsonValue, key: string): JsonValue | undefined {
  if (v.t !== 'obj') return undefined;
  for (const [k, x] of v.entries) if (k === key) return x;
  return undefined;
}

function element(v: JsonValue, i: number): JsonValue | undefined {
  if (v.t !== 'arr') return undefined;
  const idx = i < 0 ? v.items.length + i : i;
  return idx >= 0 && idx < v.items.length ? v.items[idx] : undefined;
}

/** ->> text form: strings unquoted, JSON null as SQL NULL. */
function asText(v: JsonValue | undefined): Value {
  if (v === undefined || v.t === 'null') return null;
  return v.t === 'str' ? v.v : out(v);
}

function kindName(v: JsonValue): string {
  switch (v.t) {
    case 'null': return 'null';
    case 'bool': return 'boolean';
    case 'num': return 'numeric';
    case 'str': return 'string';
    case 'arr': return 'array';
    case 'obj': return 'object';
    default: { const never: never = v; return never; }
  }
}

function equalJson(a: JsonValue, b: JsonValue): boolean {
  return compareValues(J, out(a), out(b)) === 0;
}

/** PostgreSQL's JsonbDeepContains. */
function contains(a: JsonValue, b: JsonValue, top = true): boolean {
  if (a.t === 'obj' && b.t === 'obj') {
    return b.entries.every(([k, bv]) => {
      const av = field(a, k);
      if (av === undefined) return false;
      if ((av.t === 'obj' || av.t === 'arr') && av.t === bv.t) return contains(av, bv, false);
      return av.t === bv.t && (av.t === 'obj' || av.t === 'arr' ? false : equalJson(av, bv));
    });
  }
  if (a.t === 'arr' && b.t === 'arr') {
    return b.items.every((bv) => {
      if (bv.t === 'obj' || bv.t === 'arr') return a.items.some((av) => av.t === bv.t && contains(av, bv, false));
      return a.items.some((av) => av.t === bv.t && equalJson(av, bv));
    });
  }
  // A top-level array contains a scalar it has as an element.
  if (top && a.t === 'arr' && b.t !== 'obj' && b.t !== 'arr') return a.items.some((av) => av.t === b.t && equalJson(av, b));
  if (a.t === 'obj' || a.t === 'arr' || b.t === 'obj' || b.t === 'arr') return false;
  return a.t === b.t && equalJson(a, b);
}

function exists(v: JsonValue, key: string): boolean {
  if (v.t === 'obj') return field(v, key) !== undefined;
  if (v.t === 'arr') return v.items.some((x) => x.t === 'str' && x.v === key);
  return v.t === 'str' && v.v === key;
}

function concat(a: JsonValue, b: JsonValue): JsonValue {
  if (a.t === 'obj' && b.t === 'obj') return canonicalize({ t: 'obj', entries: [...a.entries, ...b.entries] });
  const items = (x: JsonValue): JsonValue[] => (x.t === 'arr' ? x.items : [x]);
  return { t: 'arr', items: [...items(a), ...items(b)] };
}

function deleteKey(v: JsonValue, key: string): JsonValue {
  if (v.t === 'obj') return { t: 'obj', entries: v.entries.filter(([k]) => k !== key) };
  if (v.t === 'arr') return { t: 'arr', items: v.items.filter((x) => !(x.t === 'str' && x.v === key)) };
  throw new DbError('22023', 'cannot delete from scalar');
}

function deleteIndex(v: JsonValue, i: number): JsonValue {
  if (v.t === 'arr') {
    const idx = i < 0 ? v.items.length + i : i;
    return { t: 'arr', items: v.items.filter((_x, j) => j !== idx) };
  }
  if (v.t === 'obj') throw new DbError('22023', 'cannot delete from object using integer index');
  throw new DbError('22023', 'cannot delete from scalar');
}

function stripNulls(v: JsonValue): JsonValue {
  if (v.t === 'obj') return { t: 'obj', entries: v.entries.filter(([, x]) => x.t !== 'null').map(([k, x]) => [k, stripNulls(x)] as [string, JsonValue]) };
  if (v.t === 'arr') return { t: 'arr', items: v.items.map(stripNulls) };
  return v;
}

function pretty(v: JsonValue, indent = ''): string {
  const inner = indent + '    ';
  if (v.t === 'arr') return v.items.length === 0 ? '[]' : '[\n' + v.items.map((x) => inner + pretty(x, inner)).join(',\n') + '\n' + indent + ']';
  if (v.t === 'obj') return v.entries.length === 0 ? '{}' : '{\n' + v.entries.map(([k, x]) => inner + quoteJsonString(k) + ': ' + pretty(x, inner)).join(',\n') + '\n' + indent + '}';
  return out(v);
}

/** to_jsonb of an SQL value of type `oid` (datum_to_jsonb). */
export function toJsonValue(oid: number, v: Value, ctx: EvalContext): JsonValue {
  if (v === null) return { t: 'null' };
  switch (oid) {
    case O.bool: return { t: 'bool', v: v as boolean };
    case O.int2: case O.int4: case O.int8: case O.oid: return { t: 'num', v: String(v) };
    case O.float4: case O.float8: case O.numeric: {
      const s = textOut(oid, v, { ...ctx.fmt, extraFloatDigits: 1 });
      return /^(-?Infinity|NaN)$/.test(s) ? { t: 'str', v: s } : { t: 'num', v: Numeric.fromString(s).toString() };
    }
    case O.jsonb: case O.json: return canonicalize(parseJson(v as string, true));
    case O.date: {
      const s = textOut(oid, v, { ...ctx.fmt, dateStyle: 'ISO, MDY' });
      return { t: 'str', v: s };
    }
    case O.timestamp: case O.timestamptz: {
      let s = textOut(oid, v, { ...ctx.fmt, dateStyle: 'ISO, MDY' });
      if (/infinity/.test(s)) return { t: 'str', v: s };
      s = s.replace(' ', 'T');
      if (oid === O.timestamptz) s = s.replace(/([+-]\d\d)$/, '$1:00');
      return { t: 'str', v: s };
    }
    default:
      if (isArrayOid(oid)) return arrayToJson(elemOid(oid), v as PgArray, ctx);
      if (oid === O.record) {
        // composite_to_jsonb: a row's column names; an anonymous record's fields are f1, f2, ...
        const r = v as PgRecord;
        return canonicalize({ t: 'obj', entries: r.fields.map((x, i) => [r.names?.[i] ?? `f${i + 1}`, toJsonValue(r.types[i]!, x ?? null, ctx)] as [string, JsonValue]) });
      }
      return { t: 'str', v: textOut(oid, v, ctx.fmt) };
  }
}

/** array_to_json_internal: one JSON array per dimension, elements as to_jsonb converts them
 *  (lower bounds are not kept; an empty array is []). */
function arrayToJson(elem: number, a: PgArray, ctx: EvalContext): JsonValue {
  if (a.dims.length === 0) return { t: 'arr', items: [] };
  let next = 0;
  const level = (d: number): JsonValue => {
    const items: JsonValue[] = [];
    for (let i = 0; i < a.dims[d]!; i++) items.push(d === a.dims.length - 1 ? toJsonValue(elem, a.values[next++] ?? null, ctx) : level(d + 1));
    return { t: 'arr', items };
  };
  return level(0);
}

/** jsonb → bool/int/numeric/float casts (jsonb_bool, jsonb_int4, ...). */
export function jsonbToScalar(v: Value, to: number, toName: string): JsonValue {
  const j = parse(v);
  const want = to === O.bool ? 'bool' : 'num';
  if (j.t !== want) throw new DbError('22023', `cannot cast jsonb ${kindName(j)} to type ${toName}`);
  return j;
}

function buildObject(a: Value[], types: number[], ctx: EvalContext): JsonValue {
  if (a.length % 2 !== 0) throw new DbError('22023', 'argument list must have even number of elements', { hint: 'The arguments of jsonb_build_object() must consist of alternating keys and values.' });
  const entries: Array<[string, JsonValue]> = [];
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] === null) throw new DbError('22004', `argument ${i + 1}: key must not be null`);
    // PostgreSQL decides by the key's type: arrays and json/jsonb are never keys.
    if (types[i] === O.json || types[i] === O.jsonb || types[i] === O.record || isArrayOid(types[i]!)) throw new DbError('22023', 'key value must be scalar, not array, composite, or json');
    const k = toJsonValue(types[i]!, a[i]!, ctx);
    entries.push([k.t === 'str' ? k.v : out(k), toJsonValue(types[i + 1]!, a[i + 1]!, ctx)]);
  }
  return canonicalize({ t: 'obj', entries });
}

/**
 * jsonb_agg / jsonb_object_agg (PostgreSQL 15's jsonb_agg_transfn, jsonb_object_agg_transfn):
 * each input converted as to_jsonb converts it, with the statement's settings (TimeZone,
 * IntervalStyle); NULL inputs become JSON null; no input rows → SQL NULL. Object keys must be
 * non-NULL scalars (22023 otherwise); a repeated key keeps its last value (jsonb's rule).
 */
export function jsonbAggregate(name: 'jsonb_agg' | 'jsonb_object_agg', types: readonly number[]): (ctx: EvalContext) => { add(a: Value[]): void; result(): Value } {
  // PostgreSQL decides by the key's type: arrays, composites and json/jsonb are never keys.
  const nonScalarKey = types[0] === O.json || types[0] === O.jsonb || types[0] === O.record || isArrayOid(types[0]!);
  return (ctx) => {
    if (name === 'jsonb_agg') {
      let items: JsonValue[] | null = null;
      return {
        add: (a) => { (items ??= []).push(toJsonValue(types[0]!, a[0] ?? null, ctx)); },
        result: () => (items === null ? null : out({ t: 'arr', items })),
      };
    }
    let entries: Array<[string, JsonValue]> | null = null;
    return {
      add: (a) => {
        if (a[0] === null) throw new DbError('22023', 'field name must not be null');
        const k = toJsonValue(types[0]!, a[0]!, ctx);
        if (k.t === 'arr' || k.t === 'obj' || nonScalarKey) throw new DbError('22023', 'key value must be scalar, not array, composite, or json');
        (entries ??= []).push([k.t === 'str' ? k.v : out(k), toJsonValue(types[1]!, a[1] ?? null, ctx)]);
      },
      result: () => (entries === null ? null : out(canonicalize({ t: 'obj', entries }))),
    };
  };
}

export function jsonOperators(): FnDef[] {
  const T = O.text, I = O.int4, B = O.bool;
  const ops: FnDef[] = [
    fn('->', [J, T], J, (a) => { const r = field(parse(a[0]), a[1] as string); return r === undefined ? null : out(r); }),
    fn('->', [J, I], J, (a) => { const r = element(parse(a[0]), a[1] as number); return r === undefined ? null : out(r); }),
    fn('->>', [J, T], T, (a) => asText(field(parse(a[0]), a[1] as string))),
    fn('->>', [J, I], T, (a) => asText(element(parse(a[0]), a[1] as number))),
    fn('@>', [J, J], B, (a) => contains(parse(a[0]), parse(a[1]))),
    fn('<@', [J, J], B, (a) => contains(parse(a[1]), parse(a[0]))),
    fn('?', [J, T], B, (a) => exists(parse(a[0]), a[1] as string)),
    fn('||', [J, J], J, (a) => out(concat(parse(a[0]), parse(a[1])))),
    fn('-', [J, T], J, (a) => out(deleteKey(parse(a[0]), a[1] as string))),
    fn('-', [J, I], J, (a) => out(deleteIndex(parse(a[0]), a[1] as number))),
  ];
  for (const [op, test] of [['=', (c: number) => c === 0], ['<>', (c: number) => c !== 0], ['<', (c: number) => c < 0], ['<=', (c: number) => c <= 0], ['>', (c: number) => c > 0], ['>=', (c: number) => c >= 0]] as const) {
    ops.push(fn(op, [J, J], B, (a) => test(compareValues(J, a[0], a[1]))));
  }
  return ops;
}

export function jsonFunctions(): FnDef[] {
  const T = O.text, I = O.int4;
  return [
    fn('jsonb_array_length', [J], I, (a) => {
      const j = parse(a[0]);
      if (j.t === 'arr') return j.items.length;
      throw new DbError('22023', j.t === 'obj' ? 'cannot get array length of a non-array' : 'cannot get array length of a scalar');
    }),
    fn('jsonb_typeof', [J], T, (a) => { const j = parse(a[0]); return j.t === 'num' ? 'number' : j.t === 'arr' ? 'array' : j.t === 'obj' ? 'object' : j.t === 'str' ? 'string' : j.t === 'bool' ? 'boolean' : 'null'; }),
    fn('jsonb_strip_nulls', [J], J, (a) => out(stripNulls(parse(a[0])))),
    fn('jsonb_pretty', [J], T, (a) => pretty(parse(a[0]))),
    fn('jsonb_extract_path', [J], J, (a) => {
      let v: JsonValue | undefined = parse(a[0]);
      for (const k of a.slice(1)) {
        if (k === null || v === undefined) return null;
        v = v.t === 'arr' ? (/^-?\d+$/.test(k as string) ? element(v, Number(k)) : undefined) : field(v, k as string);
      }
      return v === undefined ? null : out(v);
    }, { variadic: T }),
    fn('jsonb_extract_path_text', [J], T, (a) => {
      let v: JsonValue | undefined = parse(a[0]);
      for (const k of a.slice(1)) {
        if (k === null || v === undefined) return null;
        v = v.t === 'arr' ? (/^-?\d+$/.test(k as string) ? element(v, Number(k)) : undefined) : field(v, k as string);
      }
      return asText(v);
    }, { variadic: T }),
  ];
}

/** Functions whose result depends on their arguments' SQL types (bound by the binder). */
export const TYPE_AWARE_JSON = new Set(['to_jsonb', 'jsonb_build_array', 'jsonb_build_object']);

export function typeAwareJson(name: string, types: number[]): ((a: Value[], ctx: EvalContext) => Value) | undefined {
  switch (name) {
    case 'to_jsonb':
      if (types.length !== 1) return undefined;
      return (a, ctx) => (a[0] === null ? null : out(toJsonValue(types[0]!, a[0], ctx)));
    case 'jsonb_build_array':
      return (a, ctx) => out({ t: 'arr', items: a.map((v, i) => toJsonValue(types[i]!, v, ctx)) });
    case 'jsonb_build_object':
      return (a, ctx) => out(buildObject(a, types, ctx));
    default:
      return undefined;
  }
}

