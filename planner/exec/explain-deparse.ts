// Bound expressions printed the way PostgreSQL's EXPLAIN prints them (ruleutils.c's
// deparse_expression with EXPLAIN's settings): operators as `(a op b)`, casts as `(x)::type`,
// constants with their type label unless they are plain int4/positive numeric/bool literals
// (`1`, `1.5`, `'10'::numeric`, `'x'::text`, `'-1'::integer`), AND/OR lists in one pair of
// parentheses, `x IN (…)` as `(x = ANY ('{…}'::type[]))`, parameters as `$n`.
//
// Column names come from the slots an expression reads: a `SlotNames` source maps a slot to a
// (relation alias, column) pair or to the text of an upper node's output (aggregates, group
// keys). Whether names are qualified follows PostgreSQL: only when the query names more than
// one relation (or under VERBOSE).

import { DEFAULT_FORMAT_SETTINGS, TypeOid, textOut, type FormatSettings } from '../../catalog/index.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { compile } from '../eval/compile.js';
import { typeName } from '../bind/types.js';
import type { RangeEntry } from '../rel/scope.js';

/** Names of the slots of the row an expression reads. */
export type SlotNames =
  | { kind: 'entries'; entries: readonly RangeEntry[] }
  /** Slots that are an upper node's outputs, each already deparsed (`count(*)`, `t.v`). */
  | { kind: 'texts'; texts: ReadonlyArray<(q: DeparseOptions) => string> }
  | { kind: 'none' };

export interface DeparseOptions {
  /** Qualify column names with their relation alias (set per line by the formatter, see below). */
  qualify: boolean;
  /** The plan reads more than one relation (PostgreSQL: the range table has several entries). */
  multi?: boolean;
  verbose?: boolean;
  fmt: FormatSettings;
  /** EXPLAIN EXECUTE: parameter values print as the constants they are. */
  paramValues?: readonly Value[];
  paramTypes?: readonly number[];
  /** Numbers of the subqueries printed so far (`(SubPlan 1)`), shared by the lines of one plan. */
  subplans?: Map<BoundExpr, number>;
}

export const DEFAULT_DEPARSE: DeparseOptions = { qualify: false, fmt: DEFAULT_FORMAT_SETTINGS };

/**
 * PostgreSQL's explain.c rules for qualifying column names in a line: a scan's own quals only
 * under VERBOSE (or on a Subquery Scan); the target list (Output) when several relations are
 * read; join conditions, upper-node filters and sort/group keys when several relations are read
 * or under VERBOSE.
 */
export function qualifyFor(nodeType: string, label: string, o: DeparseOptions): boolean {
  const multi = o.multi === true, verbose = o.verbose === true;
  if (label === 'Output') return multi;
  const scan = nodeType.endsWith('Scan') && nodeType !== 'Subquery Scan';
  if (scan && (label === 'Filter' || label === 'Index Cond')) return verbose;
  if (nodeType === 'Subquery Scan' && label === 'Filter') return true;
  return multi || verbose;
}

/** An expression together with the names of the slots it reads (what a plan node shows). */
export interface Shown {
  expr: BoundExpr;
  slots: SlotNames;
}

const IDENT = /^[a-z_][a-z0-9_$]*$/;
const RESERVED = new Set(['all', 'and', 'any', 'array', 'as', 'asc', 'case', 'cast', 'check', 'collate', 'column', 'constraint', 'create', 'default', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'intersect', 'into', 'limit', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'primary', 'references', 'select', 'table', 'then', 'to', 'true', 'union', 'unique', 'user', 'using', 'when', 'where', 'with']);

/** PostgreSQL's quote_identifier. */
export function quoteIdent(s: string): string {
  if (IDENT.test(s) && !RESERVED.has(s)) return s;
  return `"${s.replace(/"/g, '""')}"`;
}

function quoteLiteral(s: string): string {
  // simple_quote_literal: doubles quotes and (with standard_conforming_strings) nothing else.
  return `'${s.replace(/'/g, "''")}'`;
}

/** The text of the column in `slot`, or undefined when the source does not name it. */
export function slotText(slots: SlotNames, slot: number, o: DeparseOptions): string | undefined {
  switch (slots.kind) {
    case 'entries': {
      for (const e of slots.entries) {
        if (slot < e.offset || slot >= e.offset + e.columns.length) continue;
        const c = e.columns[slot - e.offset]!;
        const col = quoteIdent(c.name);
        return o.qualify && e.alias !== undefined ? `${quoteIdent(e.alias)}.${col}` : col;
      }
      return undefined;
    }
    case 'texts': {
      const f = slots.texts[slot];
      return f ? f(o) : undefined;
    }
    case 'none':
      return undefined;
    default: {
      const never: never = slots;
      return never;
    }
  }
}

export function constText(oid: number, v: Value, o: DeparseOptions): string {
  const label = typeName(oid);
  if (v === null || v === undefined) return `NULL::${label}`;
  const s = textOut(oid, v, o.fmt);
  switch (oid) {
    case TypeOid.int4:
      return s.startsWith('-') ? `'${s}'::${label}` : s;
    case TypeOid.numeric:
      if (/^[0-9]+\.[0-9]+$/.test(s) || /^[0-9]+\.$/.test(s)) return s;
      return `${quoteLiteral(s)}::${label}`;
    case TypeOid.bool:
      return s === 't' ? 'true' : 'false';
    default:
      return `${quoteLiteral(s)}::${label}`;
  }
}

/** Names the binder gives subquery calls (rel/sublink.ts). */
const SUBLINKS = new Set(['subquery', 'exists', 'any', 'all', 'row_subquery']);

const OPERATOR = /^[~!@#%^&|`?+\-*/<>=]+$/;

/** A cast node of the binder is a call named after its result type with one argument. */
function isCast(e: Extract<BoundExpr, { kind: 'call' }>): boolean {
  return e.args.length === 1 && e.name === typeName(e.type);
}

/** Wraps a deparsed operand the way get_rule_expr_paren does for casts: columns and constants bare. */
function castArg(e: BoundExpr, text: string): string {
  return e.kind === 'column' || e.kind === 'param' || (e.kind === 'call' && !isCast(e) && !OPERATOR.test(e.name)) ? `(${text})` : text.startsWith('(') ? text : `(${text})`;
}

export function deparse(e: BoundExpr, slots: SlotNames, o: DeparseOptions): string {
  const d = (x: BoundExpr): string => deparse(x, slots, o);
  switch (e.kind) {
    case 'const':
      return constText(e.type.oid, e.value, o);
    case 'param': {
      const v = o.paramValues?.[e.index];
      if (o.paramValues && v !== undefined) return constText(o.paramTypes?.[e.index] ?? e.type.oid, v, o);
      return `$${e.index + 1}`;
    }
    case 'column':
      return slotText(slots, e.index, o) ?? quoteIdent(e.name);
    case 'call': {
      if (isCast(e)) {
        const a = e.args[0]!;
        if (a.kind === 'const') return constText(e.type.oid, a.value, o);
        return `${castArg(a, d(a))}::${e.name}`;
      }
      if (OPERATOR.test(e.name)) {
        if (e.args.length === 2) return `(${d(e.args[0]!)} ${e.name} ${d(e.args[1]!)})`;
        if (e.args.length === 1) return `(${e.name} ${d(e.args[0]!)})`;
      }
      if (e.name === 'outer') return '$outer';
      if (SUBLINKS.has(e.name) && e.volatility === 'volatile' && !e.strict) {
        // Subqueries in expressions run as sub-plans (their own plans are not listed).
        const m = o.subplans ?? new Map<BoundExpr, number>();
        let k = m.get(e);
        if (k === undefined) m.set(e, (k = m.size + 1));
        return `(SubPlan ${k})`;
      }
      return `${e.name}(${e.args.map(d).join(', ')})`;
    }
    case 'asyncCall':
      return `${e.name}(${e.args.map(d).join(', ')})`;
    case 'and':
      return `(${e.args.map(d).join(' AND ')})`;
    case 'or':
      return `(${e.args.map(d).join(' OR ')})`;
    case 'not':
      return `(NOT ${d(e.arg)})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${d(w.cond)} THEN ${d(w.result)}`).join(' ')} ELSE ${d(e.otherwise)} END`;
    case 'coalesce':
      return `COALESCE(${e.args.map(d).join(', ')})`;
    case 'minmax':
      return `${e.op.toUpperCase()}(${e.args.map(d).join(', ')})`;
    case 'nullif':
      return `NULLIF(${d(e.left)}, ${d(e.right)})`;
    case 'nulltest':
      return `(${d(e.arg)} IS ${e.isNull ? '' : 'NOT '}NULL)`;
    case 'booltest':
      return `(${d(e.arg)} IS ${e.test.toUpperCase()})`;
    case 'distinct':
      return `(${d(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${d(e.right)})`;
    case 'in': {
      const op = e.negated ? '<>' : '=';
      const quant = e.negated ? 'ALL' : 'ANY';
      const folded = e.list.map((x) => foldConst(x, o));
      if (folded.every((v) => v !== undefined && v !== null)) {
        // PostgreSQL builds one array of the common type: integers widen to the wider side.
        const ints = [TypeOid.int2, TypeOid.int4, TypeOid.int8] as number[];
        const item = e.list[0]?.type.oid ?? e.arg.type.oid;
        const oid = ints.includes(item) && ints.includes(e.arg.type.oid) ? Math.max(ints.indexOf(item), ints.indexOf(e.arg.type.oid)) === 2 ? TypeOid.int8 : Math.max(ints.indexOf(item), ints.indexOf(e.arg.type.oid)) === 1 ? TypeOid.int4 : TypeOid.int2 : item;
        const items = folded.map((v) => arrayItem(textOut(oid, v, o.fmt)));
        return `(${d(e.arg)} ${op} ${quant} (${quoteLiteral(`{${items.join(',')}}`)}::${typeName(oid)}[]))`;
      }
      return `(${d(e.arg)} ${op} ${quant} (ARRAY[${e.list.map(d).join(', ')}]))`;
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The value of a constant or of a cast of one (folded as PostgreSQL's planner folds it); undefined otherwise. */
function foldConst(x: BoundExpr, o: DeparseOptions): Value | undefined {
  if (x.kind === 'const') return x.value;
  if (x.kind !== 'call' || !isCast(x) || x.args[0]!.kind !== 'const') return undefined;
  try {
    return compile(x)([], { params: [], fmt: o.fmt } as unknown as EvalContext);
  } catch {
    return undefined;
  }
}

/** An element of an array literal: quoted when it holds array syntax, blanks or nothing. */
function arrayItem(s: string): string {
  if (s === '' || /[{},"\\\s]/.test(s) || s.toUpperCase() === 'NULL') return `"${s.replace(/["\\]/g, (c) => '\\' + c)}"`;
  return s;
}

/** PostgreSQL prints a qual list as one expression: the conjuncts AND-ed in one parenthesis. */
export function deparseQual(conds: readonly BoundExpr[], slots: SlotNames, o: DeparseOptions): string {
  if (conds.length === 1) return deparse(conds[0]!, slots, o);
  return `(${conds.map((c) => deparse(c, slots, o)).join(' AND ')})`;
}

/** The AND-ed conjuncts of a predicate (the same objects, so identity marks them). */
export function conjunctsOf(e: BoundExpr | undefined): BoundExpr[] {
  if (!e) return [];
  if (e.kind === 'and') return e.args.flatMap(conjunctsOf);
  return [e];
}
