// Binding of window functions (PostgreSQL's transformWindowFuncCall and
// transformWindowDefinitions): the WINDOW clause with its refinement rules, OVER clauses,
// frame clauses with their offsets, and the calls themselves (window functions of
// funcs/window.ts, or aggregates of agg.ts used over a window). Each call in the target list
// and ORDER BY is replaced by a reference to a slot the window stage appends to its input row;
// identical calls share a slot and identical window specifications share one clause.
//
// Errors are PostgreSQL 15's, worded and coded as it does (42P20 windowing errors, 42704
// unknown window names, 42809 non-window functions with OVER, 0A000 for DISTINCT/ORDER BY in
// window aggregates). Expressions are bound against the stage's input: the FROM row, or the
// aggregate row in grouped queries.

import { DbError, TypeOid } from '../../catalog/index.js';
import type { Binder, Scope } from '../bind/binder.js';
import { commonType, tryCoerce } from '../bind/coerce.js';
import type { BoundExpr } from '../bind/expr.js';
import { T, t, typeName, type SqlType } from '../bind/types.js';
import { compile } from '../eval/compile.js';
import { comparatorFor } from '../eval/compare.js';
import type { WindowFnDef } from '../funcs/window.js';
import { strings, type ColumnRef, type FuncCall, type Node, type SortBy } from '../parse/ast.js';
import { AGGREGATE_NAMES, resolveAggregate } from './agg.js';
import { containsAggregate, rewrite, shapeKey } from './ast-walk.js';
import type { SortKey } from './ops.js';
import { decodeFrame, FRAME_DEFAULTS, FRAME_END_OFFSET, FRAME_START_OFFSET, inRangeOffsetTypes } from './window-frame.js';
import { inRangeFor } from './window-inrange.js';
import { movingAggregate } from './window-moving.js';
import type { WindowClausePlan, WindowFuncKind } from './window.js';

/** A WINDOW clause entry or an OVER clause (libpg-query's WindowDef). */
export interface WindowDefNode {
  kind?: 'WindowDef';
  name?: string;
  refname?: string;
  partitionClause?: Node[];
  orderClause?: Node[];
  frameOptions?: number;
  startOffset?: Node;
  endOffset?: Node;
  location?: number;
}

/** A window specification after the refinement rules (partition/order copied from a base). */
interface Spec {
  partition: Node[];
  order: SortBy[];
  frameOptions: number;
  startOffset: Node | undefined;
  endOffset: Node | undefined;
  location: number;
}

const SLOT_PREFIX = '\u0001win';

/** The first window function call in `n` (outside subqueries), or undefined. */
export function findWindowCall(n: unknown): FuncCall | undefined {
  let found: FuncCall | undefined;
  rewrite(n, (x) => {
    if (found) return x;
    if (x.kind === 'FuncCall' && x.over !== undefined) {
      found = x;
      return x;
    }
    return undefined;
  });
  return found;
}

/** 42P20 "window functions are not allowed in <construct>" when `n` holds a window call. */
export function rejectWindowCalls(b: Binder, n: unknown, construct: string): void {
  const w = findWindowCall(n);
  if (w) throw b.err('42P20', `window functions are not allowed in ${construct}`, w.location ?? -1);
}

/** The FROM clause's own windowing errors (JOIN ... ON, functions in FROM), as parse_agg.c words them. */
export function rejectWindowCallsInFrom(b: Binder, from: readonly Node[] | undefined): void {
  rewrite(from, (x) => {
    const kind = (x as { kind: string }).kind;
    if (kind === 'JoinExpr') rejectWindowCalls(b, (x as { quals?: Node }).quals, 'JOIN conditions');
    if (kind === 'RangeFunction') {
      rejectWindowCalls(b, x, 'functions in FROM');
      return x;
    }
    return undefined;
  });
}

/** Resolves window-slot names, then defers to the scope the window stage's input had. */
class WindowScope implements Scope {
  constructor(private readonly inner: Scope | undefined, private readonly slots: ReadonlyMap<string, BoundExpr>) {}
  resolveColumn(names: readonly string[], loc: number): BoundExpr | undefined {
    const s = names.length === 1 ? this.slots.get(names[0]!) : undefined;
    if (s) return { ...s, location: loc } as BoundExpr;
    return this.inner?.resolveColumn(names, loc);
  }
}

export interface WindowStage {
  targets: Node[];
  sorts: Node[];
  clauses: WindowClausePlan[];
  count: number;
  /** The scope above the stage: window slots, then the input's names. */
  scope(inner: Scope | undefined): Scope;
}

/**
 * Plans the window stage of a SELECT, or undefined when it has no window function (a WINDOW
 * clause alone is still checked, as PostgreSQL does). `b` binds against the stage's input.
 */
export function planWindowStage(b: Binder, windowClause: readonly Node[] | undefined, targets: Node[], sorts: Node[], inputWidth: number): WindowStage | undefined {
  const named = namedWindows(b, windowClause ?? []);
  const calls: FuncCall[] = [];
  const byShape = new Map<string, number>();
  const replace = (x: Node): Node | undefined => {
    if (x.kind !== 'FuncCall' || x.over === undefined) return undefined;
    const inner = findWindowCall([x.args, x.agg_filter]);
    if (inner) throw b.err('42P20', 'window function calls cannot be nested', inner.location ?? -1);
    const shape = shapeKey(x);
    let i = byShape.get(shape);
    if (i === undefined) {
      i = calls.length;
      calls.push(x);
      byShape.set(shape, i);
    }
    return { kind: 'ColumnRef', fields: [{ kind: 'String', sval: SLOT_PREFIX + i }], location: x.location ?? -1 } satisfies ColumnRef;
  };
  const newTargets = targets.map((n) => rewrite(n, replace) as Node);
  const newSorts = sorts.map((n) => rewrite(n, replace) as Node);
  // Named windows are bound even when unused: their errors are reported regardless.
  for (const spec of named.values()) bindSpec(b, spec);
  if (calls.length === 0) return undefined;

  const clauses: WindowClausePlan[] = [];
  const clauseOf = new Map<string, number>();
  const slots = new Map<string, BoundExpr>();
  calls.forEach((call, slot) => {
    const over = call.over as WindowDefNode;
    let spec: Spec;
    if (over.name !== undefined) {
      const s = named.get(over.name);
      if (!s) throw b.err('42704', `window "${over.name}" does not exist`, over.location ?? -1);
      spec = s;
    } else spec = refine(b, over, named);
    const key = shapeKey([spec.partition, spec.order, spec.frameOptions, spec.startOffset, spec.endOffset]);
    let k = clauseOf.get(key);
    if (k === undefined) {
      k = clauses.length;
      clauses.push(bindSpec(b, spec));
      clauseOf.set(key, k);
    }
    const f = bindCall(b, call);
    clauses[k]!.funcs.push({ slot, kind: f.kind, args: f.args.map((a) => compile(a)) });
    slots.set(SLOT_PREFIX + slot, { kind: 'column', index: inputWidth + slot, type: f.type, name: f.name, location: -1 });
  });
  return { targets: newTargets, sorts: newSorts, clauses, count: calls.length, scope: (inner) => new WindowScope(inner, slots) };
}

/** The WINDOW clause, each entry refined against the earlier ones. */
function namedWindows(b: Binder, defs: readonly Node[]): Map<string, Spec> {
  const named = new Map<string, Spec>();
  for (const d of defs as unknown as WindowDefNode[]) {
    const name = d.name ?? '';
    if (named.has(name)) throw b.err('42P20', `window "${name}" is already defined`, d.location ?? -1);
    named.set(name, refine(b, d, named));
  }
  return named;
}

/** transformWindowDefinitions' rules for a definition that names a base window. */
function refine(b: Binder, d: WindowDefNode, named: ReadonlyMap<string, Spec>): Spec {
  const loc = d.location ?? -1;
  const order = (d.orderClause ?? []) as SortBy[];
  const own = { frameOptions: d.frameOptions ?? FRAME_DEFAULTS, startOffset: d.startOffset, endOffset: d.endOffset, location: loc };
  if (d.refname === undefined) return { partition: d.partitionClause ?? [], order, ...own };
  const base = named.get(d.refname);
  if (!base) throw b.err('42704', `window "${d.refname}" does not exist`, loc);
  if (d.partitionClause?.length) throw b.err('42P20', `cannot override PARTITION BY clause of window "${d.refname}"`, loc);
  if (order.length > 0 && base.order.length > 0) throw b.err('42P20', `cannot override ORDER BY clause of window "${d.refname}"`, loc);
  if (base.frameOptions !== FRAME_DEFAULTS) {
    const msg = `cannot copy window "${d.refname}" because it has a frame clause`;
    if (d.name !== undefined || order.length > 0 || own.frameOptions !== FRAME_DEFAULTS) throw b.err('42P20', msg, loc);
    throw b.err('42P20', msg, loc, { hint: 'Omit the parentheses in this OVER clause.' });
  }
  return { partition: base.partition, order: order.length > 0 ? order : base.order, ...own };
}

/** Binds a window specification's PARTITION BY, ORDER BY and frame into a clause plan. */
function bindSpec(b: Binder, spec: Spec): WindowClausePlan {
  const inDef = (n: unknown): void => {
    const w = findWindowCall(n);
    if (w) throw b.err('42P20', 'window functions are not allowed in window definitions', w.location ?? -1);
  };
  const partition = spec.partition.map((n) => {
    inDef(n);
    const e = b.resolveUnknown(b.bind(n));
    const cmp = comparatorFor(e.type.oid);
    if (!cmp) throw b.err('42883', `could not identify an equality operator for type ${typeName(e.type)}`, (n as { location?: number }).location ?? -1);
    return { expr: compile(e), cmp };
  });
  const orderTypes: SqlType[] = [];
  const order: SortKey[] = spec.order.map((sb) => {
    inDef(sb.node);
    // USING < / USING > are the type's btree order (ASC / DESC); other operators are not built.
    const using = sb.sortby_dir === 'SORTBY_USING' ? strings((sb as { useOp?: Node[] }).useOp).join('.') : undefined;
    if (using !== undefined && using !== '<' && using !== '>') throw b.unsupported(`window ORDER BY ... USING ${using}`, sb.location ?? -1);
    const e = b.resolveUnknown(b.bind(sb.node));
    const cmp = comparatorFor(e.type.oid);
    if (!cmp) throw b.err('42883', `could not identify an ordering operator for type ${typeName(e.type)}`, (sb.node as { location?: number }).location ?? -1);
    orderTypes.push(e.type);
    const desc = sb.sortby_dir === 'SORTBY_DESC' || using === '>';
    const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' || (sb.sortby_nulls !== 'SORTBY_NULLS_LAST' && desc);
    return { expr: compile(e), cmp, desc, nullsFirst };
  });
  const opts = spec.frameOptions;
  const frame = decodeFrame(opts);
  if (frame.mode === 'range' && opts & (FRAME_START_OFFSET | FRAME_END_OFFSET) && order.length !== 1) {
    throw b.err('42P20', 'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column', spec.location);
  }
  if (frame.mode === 'groups' && order.length === 0) throw b.err('42P20', 'GROUPS mode requires an ORDER BY clause', spec.location);
  let rangeOffsetType: number | undefined;
  const offset = (n: Node | undefined, isStart: boolean): BoundExpr | undefined => {
    if (!n || !(opts & (isStart ? FRAME_START_OFFSET : FRAME_END_OFFSET))) return undefined;
    inDef(n);
    const construct = frame.mode.toUpperCase();
    const loc = (n as { location?: number }).location ?? -1;
    if (containsAggregate(n)) throw b.err('42803', `aggregate functions are not allowed in window ${construct}`, loc);
    const vb = b.withScope(noVariables(b, construct));
    const e = vb.bind(n);
    if (frame.mode !== 'range') return vb.coerceTo(e, T.int8, construct, loc);
    const target = rangeOffsetTarget(b, orderTypes[0]!, e, loc);
    rangeOffsetType = target;
    return vb.coerceTo(e, t(target), construct, loc);
  };
  const so = offset(spec.startOffset, true);
  const eo = offset(spec.endOffset, false);
  let inRange;
  if (rangeOffsetType !== undefined) {
    inRange = inRangeFor(orderTypes[0]!.oid, b.registry);
    if (!inRange) throw b.unsupported(`RANGE with offset PRECEDING/FOLLOWING for column type ${typeName(orderTypes[0]!)}`, spec.location);
  }
  return { partition, order, frame, startOffset: so && compile(so), endOffset: eo && compile(eo), inRange, funcs: [] };
}

/** checkExprIsVarFree: frame offsets may not read columns of the query. */
function noVariables(b: Binder, construct: string): Scope {
  return {
    resolveColumn(_names, loc) {
      throw b.err('42P10', `argument of ${construct} must not contain variables`, loc);
    },
  };
}

/** transformFrameOffset's choice among the column type's in_range offset types. */
function rangeOffsetTarget(b: Binder, col: SqlType, e: BoundExpr, loc: number): number {
  // The in_range functions are registered for the sort opclass's type: varchar sorts as text.
  const colOid = col.oid === TypeOid.varchar ? TypeOid.text : col.oid;
  const cands = inRangeOffsetTypes(colOid);
  const shown = typeName(colOid);
  if (cands.length === 0) throw b.err('0A000', `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${shown}`, loc);
  const nodeType = e.type.oid;
  const preferred = nodeType !== TypeOid.unknown ? nodeType : colOid;
  const matches = cands.filter((c) => c === nodeType || nodeType === TypeOid.unknown || tryCoerce(b, e, t(c), 'i') !== undefined);
  if (matches.length === 0) {
    throw b.err('0A000', `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${shown} and offset type ${typeName(nodeType)}`, loc, { hint: 'Cast the offset value to an appropriate type.' });
  }
  if (matches.includes(preferred)) return preferred;
  if (matches.length === 1) return matches[0]!;
  throw b.err('0A000', `RANGE with offset PRECEDING/FOLLOWING has multiple interpretations for column type ${shown} and offset type ${typeName(nodeType)}`, loc, { hint: 'Cast the offset value to the exact intended type.' });
}

interface BoundCall {
  name: string;
  kind: WindowFuncKind;
  args: BoundExpr[];
  type: SqlType;
}

function noSuchFunction(b: Binder, name: string, args: readonly BoundExpr[], loc: number): DbError {
  return b.err('42883', `function ${name}(${args.map((a) => typeName(a.type)).join(', ')}) does not exist`, loc, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

/** A call with OVER: a window function, or an aggregate over the window frame. */
function bindCall(b: Binder, call: FuncCall): BoundCall {
  const loc = call.location ?? -1;
  const qname = strings(call.funcname);
  const name = qname[qname.length - 1]!;
  if (qname.length > 2 || (qname.length === 2 && qname[0] !== 'pg_catalog')) throw b.err('3F000', `schema "${qname[0]}" does not exist`, loc);
  if (call.func_variadic) throw b.unsupported('VARIADIC arguments', loc);
  const def = b.registry.windowFunction(name);
  if (def) {
    if (call.agg_star) throw b.err('42809', `${name}(*) specified, but ${name} is not an aggregate function`, loc);
    if (call.agg_distinct) throw b.err('0A000', 'DISTINCT is not implemented for window functions', loc);
    if (call.agg_order?.length) throw b.err('0A000', 'aggregate ORDER BY is not implemented for window functions', loc);
    if (call.agg_filter) throw b.err('0A000', 'FILTER is not implemented for non-aggregate window functions', loc);
    return bindWindowFunction(b, def, (call.args ?? []).map((a) => b.bind(a)), loc);
  }
  if (!AGGREGATE_NAMES.has(name) && !call.agg_star) {
    // Not a window function nor an aggregate: 42883 when no such function exists at all.
    b.bind({ ...call, over: undefined });
    throw b.err('42809', `OVER specified, but ${name} is not a window function nor an aggregate function`, loc);
  }
  if (call.agg_distinct) throw b.err('0A000', 'DISTINCT is not implemented for window functions', loc);
  if (call.agg_order?.length) throw b.err('0A000', 'aggregate ORDER BY is not implemented for window functions', loc);
  if (call.agg_star && name !== 'count') throw b.err('42809', `${name}(*) specified, but ${name} is not an aggregate function`, loc);
  const args = (call.args ?? []).map((a) => b.resolveUnknown(b.bind(a)));
  let r;
  try {
    r = resolveAggregate(name, args.map((a) => a.type), call.agg_star === true);
  } catch (e) {
    const p = b.position(loc);
    throw e instanceof DbError && p !== undefined && e.fields.position === undefined ? e.withPosition(p) : e;
  }
  const filter = call.agg_filter ? compile(b.coerceToBool(b.bind(call.agg_filter), 'FILTER', loc)) : undefined;
  const moving = movingAggregate(name, args.map((a) => a.type), call.agg_star === true);
  return { name, kind: { tag: 'agg', make: r.make, filter, moving }, args, type: r.type };
}

/** Polymorphic resolution for the window functions' pg_proc signatures. */
function bindWindowFunction(b: Binder, def: WindowFnDef, args: BoundExpr[], loc: number): BoundCall {
  const sig = def.signatures.find((s) => s.length === args.length);
  if (!sig) throw noSuchFunction(b, def.name, args, loc);
  let compatible: SqlType | undefined;
  if (sig.includes('anycompatible')) {
    const poly = args.filter((_, i) => sig[i] === 'anycompatible');
    try {
      compatible = commonType(b, poly, def.name, loc);
    } catch {
      throw noSuchFunction(b, def.name, args, loc);
    }
  }
  const coerced = args.map((a, i) => {
    const want = sig[i]!;
    if (want === 'anyelement') {
      // enforce_generic_type_consistency: anyelement cannot be deduced from an unknown literal.
      if (a.type.oid === TypeOid.unknown) throw new DbError('42804', 'could not determine polymorphic type because input has type unknown');
      return a;
    }
    const r = tryCoerce(b, a, want === 'anycompatible' ? compatible! : t(want), 'i');
    if (!r) throw noSuchFunction(b, def.name, args, loc);
    return r;
  });
  const type = def.result === 'arg0' ? coerced[0]!.type : t(def.result);
  return { name: def.name, kind: { tag: 'window', def }, args: coerced, type };
}
