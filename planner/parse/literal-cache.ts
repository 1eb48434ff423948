// A parse cache keyed by query *shape* (shape.ts): texts that differ only in literal values share
// one libpg-query parse. On a miss the text is parsed and, if it is a single DML/SELECT statement,
// a template is kept: a private copy of its AST plus, for every literal of the text, where its
// A_Const sits. On a hit the template is copied with the new literal values put into those
// A_Consts and every AST location moved by the length changes of the literals before it, giving
// exactly the AST libpg-query would have produced for the new text (test/planner/
// literal-cache.test.ts compares the two). Binding and planning then run as for any new text.
//
// A literal is only substituted when the template proves it: exactly one A_Const at its offset
// (or, for a folded unary minus, at the '-' before it) holding exactly the value the lexer
// computed, and not in a place whose value changes the statement's meaning beyond a value
// (typmods, ORDER BY/GROUP BY positions, LIMIT/OFFSET). Every other literal is *fixed*: a hit
// requires its text to be identical.

import { Lru } from '../lru.js';
import { parseStatements, SourceText, type SourceStatement } from './parser.js';
import { shapeOf, type Literal, type Shape } from './shape.js';
import type { Node } from './ast.js';
import { hasParamRef, parameterisableConsts, withParams } from './literal-params.js';

/** Distinct shapes a session keeps templates for. */
export const SHAPE_CACHE_ENTRIES = 256;

/** Statements whose parse may be shared between literal values. */
const SHAPED_KINDS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

interface Slot {
  /** Literal index in the shape. */
  index: number;
  /** A_Const location in the template text (the literal or its '-'). */
  at: number;
  negated: boolean;
}

interface Template {
  /** Private, never-bound copy of the template's AST. */
  ast: Node;
  literals: readonly Literal[];
  slotsByAt: Map<number, Slot>;
  /** Literals that must be textually identical: index → text. */
  fixed: ReadonlyArray<[number, string]>;
  stmtStart: number;
  stmtEnd: number | undefined;
  text: string;
  /** The parameterised form (literal-params.ts), when some slots may become parameters. */
  param: ParamTemplate | undefined;
}

/**
 * A template's statement with some literals replaced by parameters $1..$n (int4 each): one plan
 * of it serves every text of the shape. Shared by those texts; the session records in
 * `failedEpoch` the plan epoch in which the parameterised statement could not serve (the exact
 * path then serves until DDL or a setting change starts a new epoch).
 */
export interface ParamTemplate {
  /** The statement with ParamRefs; its locations refer to `source` (the template's text). */
  readonly stmt: SourceStatement;
  /** Per parameter, the literal it takes its value from. */
  readonly slots: ReadonlyArray<{ index: number; negated: boolean }>;
  /** Type OIDs of the parameters (int4 for every one). */
  readonly paramOids: readonly number[];
  /** Every other literal stays a constant of the template: a text must have it verbatim. */
  readonly constants: ReadonlyArray<[number, string]>;
  failedEpoch: number | undefined;
}

/** A text served by a parameterised template: the values, and its exact parse on demand. */
export interface ParamHit {
  template: ParamTemplate;
  values: number[];
  /** The statement exactly as parseStatements gives it (built on first call). */
  exact: () => SourceStatement;
}

const INT4_OID = 23;

export class LiteralCache {
  private readonly templates: Lru<string, Template>;
  hits = 0;
  misses = 0;

  constructor(entriesMax = SHAPE_CACHE_ENTRIES) {
    this.templates = new Lru(entriesMax);
  }

  clear(): void {
    this.templates.clear();
  }

  get size(): number {
    return this.templates.size;
  }

  /**
   * Like parse(), but a text whose template has a parameterised form comes back as a ParamHit (and is then not parsed at all unless its exact parse is asked for).
   */
  parseOrParams(sql: string): ParamHit | SourceStatement[] {
    const shape = shapeOf(sql);
    if (shape && shape.literals.length > 0) {
      const t = this.templates.get(shape.key);
      if (t) {
        if (t.param && constantsMatch(t.param, shape, sql)) {
          this.hits++;
          let exact: SourceStatement | undefined;
          return {
            template: t.param,
            values: paramValues(t.param, shape),
            exact: () => (exact ??= instantiate(t, shape, sql) ?? parseStatements(sql)[0]!),
          };
        }
        const out = instantiate(t, shape, sql);
        if (out) { this.hits++; return [out]; }
      }
    }
    this.misses++;
    const stmts = parseStatements(sql);
    if (shape && shape.literals.length > 0 && stmts.length === 1) {
      const t = buildTemplate(shape, sql, stmts[0]!);
      if (t) {
        this.templates.set(shape.key, t);
        // The first text of a shape is served parameterised too, so all texts share one plan.
        const first = stmts[0]!;
        if (t.param) return { template: t.param, values: paramValues(t.param, shape), exact: () => first };
      }
    }
    return stmts;
  }

  /** parseStatements(sql), through the shape cache when the text allows it. */
  parse(sql: string): SourceStatement[] {
    const shape = shapeOf(sql);
    if (shape && shape.literals.length > 0) {
      const t = this.templates.get(shape.key);
      if (t) {
        const out = instantiate(t, shape, sql);
        if (out) { this.hits++; return [out]; }
      }
    }
    this.misses++;
    const stmts = parseStatements(sql);
    if (shape && shape.literals.length > 0 && stmts.length === 1) {
      const t = buildTemplate(shape, sql, stmts[0]!);
      if (t) this.templates.set(shape.key, t);
    }
    return stmts;
  }
}

function buildTemplate(shape: Shape, sql: string, s: SourceStatement): Template | undefined {
  if (!SHAPED_KINDS.has(s.ast.kind) || s.startBytes === undefined) return undefined;
  const consts = new Map<number, Array<{ node: Record<string, unknown>; excluded: boolean }>>();
  collectConsts(s.ast, false, consts);
  const slotsByAt = new Map<number, Slot>();
  const fixed: Array<[number, string]> = [];
  shape.literals.forEach((l, index) => {
    const slot = slotFor(l, index, consts);
    if (slot) slotsByAt.set(slot.at, slot);
    else fixed.push([index, sql.slice(l.start, l.end)]);
  });
  if (slotsByAt.size === 0) return undefined;
  const ast = structuredClone(s.ast);
  return {
    ast,
    literals: shape.literals,
    slotsByAt,
    fixed,
    stmtStart: s.startBytes,
    stmtEnd: s.endBytes,
    text: sql,
    param: buildParamTemplate(ast, slotsByAt, shape.literals, s),
  };
}

/** The parameterised statement of a template, or undefined when no slot may be a parameter. */
function buildParamTemplate(ast: Node, slotsByAt: Map<number, Slot>, literals: readonly Literal[], s: SourceStatement): ParamTemplate | undefined {
  if (hasParamRef(ast)) return undefined; // $n in a simple-protocol text: keep its exact errors
  const eligible = parameterisableConsts(ast);
  if (eligible.size === 0) return undefined;
  const numberOf = new Map<object, number>();
  const slots: Array<{ index: number; negated: boolean }> = [];
  // Parameters numbered in text order, so $k is the k-th parameterised literal.
  const consts = [...eligible].map((c) => ({ c, at: (c as { location?: number }).location ?? -1 })).sort((a, b) => a.at - b.at);
  for (const { c, at } of consts) {
    const slot = slotsByAt.get(at);
    // A fixed literal (or a constant the lexer did not see) stays a constant; only int4-class
    // literals (always an int4 Const, whatever the value) become parameters.
    if (!slot || literals[slot.index]!.cls !== 'i') continue;
    slots.push({ index: slot.index, negated: slot.negated });
    numberOf.set(c, slots.length);
  }
  if (slots.length === 0) return undefined;
  const asParam = new Set(slots.map((x) => x.index));
  const constants: Array<[number, string]> = [];
  literals.forEach((l, i) => {
    if (!asParam.has(i)) constants.push([i, s.source.text.slice(l.start, l.end)]);
  });
  return {
    stmt: { sql: s.sql, ast: withParams(ast, numberOf), source: s.source, startBytes: s.startBytes, endBytes: s.endBytes },
    slots,
    paramOids: slots.map(() => INT4_OID),
    constants,
    failedEpoch: undefined,
  };
}

function paramValues(p: ParamTemplate, shape: Shape): number[] {
  const out = new Array<number>(p.slots.length);
  for (let i = 0; i < p.slots.length; i++) {
    const s = p.slots[i]!;
    const v = shape.literals[s.index]!.value as number;
    out[i] = (s.negated ? -v : v) | 0; // | 0: never a -0
  }
  return out;
}

function constantsMatch(p: ParamTemplate, shape: Shape, sql: string): boolean {
  const lits = shape.literals;
  for (const [i, text] of p.constants) {
    const l = lits[i];
    if (l === undefined || sql.slice(l.start, l.end) !== text) return false;
  }
  return true;
}

type ConstMap = Map<number, Array<{ node: Record<string, unknown>; excluded: boolean }>>;

function slotFor(l: Literal, index: number, consts: ConstMap): Slot | undefined {
  if (l.cls === 'x') return undefined;
  const direct = consts.get(l.start);
  if (direct) {
    if (direct.length !== 1 || direct[0]!.excluded) return undefined;
    return constHolds(direct[0]!.node, l, false) ? { index, at: l.start, negated: false } : undefined;
  }
  if (l.minusAt < 0 || l.cls === 's') return undefined;
  const neg = consts.get(l.minusAt);
  if (!neg || neg.length !== 1 || neg[0]!.excluded) return undefined;
  return constHolds(neg[0]!.node, l, true) ? { index, at: l.minusAt, negated: true } : undefined;
}

/** Whether an A_Const holds exactly the literal's value (negated when the grammar folded a minus). */
function constHolds(c: Record<string, unknown>, l: Literal, negated: boolean): boolean {
  const keys = Object.keys(c).filter((k) => k !== 'kind' && k !== 'location');
  if (keys.length !== 1) return false;
  switch (l.cls) {
    case 'i': {
      const iv = c['ival'] as { ival?: number } | undefined;
      if (!iv) return false;
      return (iv.ival ?? 0) === (negated ? -(l.value as number) : l.value);
    }
    case 'n': {
      const fv = c['fval'] as { fval?: string } | undefined;
      return fv !== undefined && fv.fval === (negated ? '-' + (l.value as string) : l.value);
    }
    case 's': {
      const sv = c['sval'] as { sval?: string } | undefined;
      return sv !== undefined && (sv.sval ?? '') === l.value;
    }
    case 'x':
      return false;
    default: {
      const never: never = l.cls;
      return never;
    }
  }
}

/** Fields whose direct A_Const children are positions or counts, not values. */
const EXCLUDED_DIRECT = new Set(['limitCount', 'limitOffset']);
const EXCLUDED_LIST = new Set(['groupClause']);

function collectConsts(v: unknown, excluded: boolean, out: ConstMap): void {
  if (Array.isArray(v)) {
    for (const x of v) collectConsts(x, excluded, out);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  if (o['kind'] === 'A_Const') {
    const at = typeof o['location'] === 'number' ? (o['location'] as number) : -1;
    const list = out.get(at) ?? [];
    list.push({ node: o, excluded });
    out.set(at, list);
    return;
  }
  for (const k of Object.keys(o)) {
    const child = o[k];
    let ex = excluded || k === 'typmods' || k === 'typmod' || k === 'arrayBounds';
    if (EXCLUDED_DIRECT.has(k) && isConst(child)) ex = true;
    if (EXCLUDED_LIST.has(k) && Array.isArray(child)) {
      for (const item of child) collectConsts(item, ex || isConst(item), out);
      continue;
    }
    if (o['kind'] === 'SortBy' && k === 'node' && isConst(child)) ex = true;
    collectConsts(child, ex, out);
  }
}

function isConst(v: unknown): boolean {
  return v !== null && typeof v === 'object' && (v as { kind?: unknown }).kind === 'A_Const';
}

/** The template's statement for a text of the same shape, or undefined to take the exact path. */
function instantiate(t: Template, shape: Shape, sql: string): SourceStatement | undefined {
  const lits = shape.literals;
  if (lits.length !== t.literals.length) return undefined;
  for (const [i, text] of t.fixed) {
    const l = lits[i]!;
    if (sql.slice(l.start, l.end) !== text) return undefined;
  }
  // Location remapping: a template offset moves by the growth of the literals that start before it.
  const starts = t.literals.map((l) => l.start);
  const growth: number[] = [];
  let acc = 0;
  for (let i = 0; i < lits.length; i++) {
    acc += lits[i]!.end - lits[i]!.start - (t.literals[i]!.end - t.literals[i]!.start);
    growth.push(acc);
  }
  const remap = (loc: number): number => {
    if (loc < 0) return loc;
    let k = -1;
    for (let i = 0; i < starts.length && starts[i]! < loc; i++) k = i;
    return k < 0 ? loc : loc + growth[k]!;
  };
  const ast = copyWith(t.ast, t, lits, remap) as Node;
  const source = new SourceText(sql);
  const start = remap(t.stmtStart);
  const end = t.stmtEnd === undefined ? undefined : remap(t.stmtEnd);
  return { sql: sql.slice(start, end).trim(), ast, source, startBytes: start, endBytes: end };
}

function copyWith(v: unknown, t: Template, lits: readonly Literal[], remap: (loc: number) => number): unknown {
  if (Array.isArray(v)) return v.map((x) => copyWith(x, t, lits, remap));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (o['kind'] === 'A_Const' && typeof o['location'] === 'number') {
    const slot = t.slotsByAt.get(o['location'] as number);
    if (slot) return constFor(lits[slot.index]!, slot.negated, remap(slot.at));
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const child = o[k];
    out[k] = k === 'location' && typeof child === 'number' ? remap(child) : copyWith(child, t, lits, remap);
  }
  return out;
}

/** The A_Const libpg-query makes for a literal (its JSON leaves out zero and empty values). */
function constFor(l: Literal, negated: boolean, location: number): Record<string, unknown> {
  switch (l.cls) {
    case 'i': {
      const v = negated ? -(l.value as number) : (l.value as number);
      return { kind: 'A_Const', ival: v === 0 ? {} : { ival: v }, location };
    }
    case 'n':
      return { kind: 'A_Const', fval: { fval: negated ? '-' + (l.value as string) : l.value }, location };
    case 's':
      return { kind: 'A_Const', sval: { sval: l.value }, location };
    case 'x':
      throw new Error('fixed literal in a slot'); // buildTemplate never makes one
    default: {
      const never: never = l.cls;
      return never;
    }
  }
}
