// The expression binder: libpg-query AST → typed BoundExpr, with PostgreSQL's rules for
// literals, parameters, casts, operators and function overloads. Statements (SELECT, VALUES,
// ...) call it per expression; the table binder of issue 4 supplies a Scope for column names.
//
// Invariants:
// - Every error carries the position of the construct that caused it, when the AST has one.
// - Binding never evaluates anything except the input functions of unknown literals.

import { bindRowComparison, bindRowIn } from './row-compare.js';
import { bindPrivilegeCall } from '../funcs/privilege.js';
import { DbError, TypeOid, textOut } from '../../catalog/index.js';
import type { FormatSettings } from '../api.js';
import { nodeKindName, strings, type A_Const, type A_Expr, type FuncCall, type Node, type TypeName } from '../parse/ast.js';
import type { SourceText } from '../parse/parser.js';
import type { FunctionRegistry } from '../funcs/registry.js';
import { RESULT_ARG0, type FnDef } from '../funcs/def.js';
import { comparatorFor } from '../eval/compare.js';
import { numericFromString } from '../eval/numeric.js';
import { castImpl } from './casts.js';
import { coerceAllTo, coerceExplicit, coerceToBool, commonType, posFields, tryCoerce, type CoerceEnv } from './coerce.js';
import type { BoundExpr, Impl } from './expr.js';
import type { ParamTypes } from './params.js';
import { ANY, selectCandidate } from './resolve.js';
import { resolveTypeName, t, T, typeName, type SqlType } from './types.js';
import { TYPE_AWARE_JSON, typeAwareJson } from '../funcs/json.js';
import { bindAnyAll, bindArrayExpr, bindArrayFunction, bindArrayOperator, bindIndirection } from './array-bind.js';
import { arrayTypeFor, isArrayOid } from './array-types.js';
import { ARRAY_SRFS } from '../funcs/array-srf.js';

/** The OID of a plain type name usable as a cast function (date(...), int8(...)), or undefined. */
function typeOidIfName(name: string): number | undefined {
  try {
    return resolveTypeName([name], undefined);
  } catch {
    return undefined;
  }
}

import { bindSqlValueFunction } from './svf.js';
import type { TableSession } from '../rel/runtime.js';

/** Resolves column references; the FROM-less SELECT has none (issue 4 adds table scopes). */
export interface Scope {
  /**
   * `ctx` is passed only by the binder itself; a wrapping scope that forwards a name without it
   * tells the FROM scope that the result will be remapped (aggregate output, window input), so
   * forms it cannot remap (whole-row `t.*` values) are refused there.
   */
  resolveColumn(names: readonly string[], location: number, ctx?: ResolveContext): BoundExpr | undefined;
}

/** What name resolution may ask the binder (only on error paths). */
export interface ResolveContext {
  /** The OID of the table a possibly schema-qualified name denotes (RangeVarGetRelid, missing_ok). */
  relationOid(name: string, schema: string | undefined): number | undefined;
}

export class Binder implements CoerceEnv {
  constructor(
    readonly registry: FunctionRegistry,
    readonly params: ParamTypes,
    readonly fmt: FormatSettings,
    private readonly source: SourceText,
    readonly scope: Scope | undefined,
    /** issue 4: the session's storage side, for statements that name tables. */
    readonly tables?: TableSession,
    /** The views whose queries are being expanded around this binder, outermost first (OIDs). */
    private readonly expanding: readonly number[] = [],
  ) {}

  private readonly resolveContext: ResolveContext = {
    relationOid: (name, schema) => {
      const ts = this.tables;
      if (!ts) return undefined;
      return ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), name, schema)?.oid;
    },
  };

  /** issue 4: the same binder resolving column names through another scope (FROM clauses). */
  withScope(scope: Scope | undefined): Binder {
    return new Binder(this.registry, this.params, this.fmt, this.source, scope, this.tables, this.expanding);
  }

  /**
   * The binder for a view's query (no outer scope): a view met again while its own query is
   * being expanded is PostgreSQL's rewriter error, 42P17 "infinite recursion detected in rules
   * for relation", naming the view that repeats (a view can come to read itself through
   * CREATE OR REPLACE VIEW).
   */
  forViewQuery(viewOid: number, viewName: string): Binder {
    if (this.expanding.includes(viewOid)) throw new DbError('42P17', `infinite recursion detected in rules for relation "${viewName}"`);
    return new Binder(this.registry, this.params, this.fmt, this.source, undefined, this.tables, [...this.expanding, viewOid]);
  }

  position(location: number): number | undefined {
    return location >= 0 ? this.source.position(location) : undefined;
  }

  err(code: string, message: string, location: number, extra: Omit<import('../../catalog/index.js').DbErrorFields, 'position'> = {}): DbError {
    return new DbError(code, message, { ...extra, ...posFields(this, location) });
  }

  /** 0A000 "<what> is/are not supported yet" (`what` ending in "s" reads as plural). */
  unsupported(what: string, location = -1): DbError {
    return this.err('0A000', `${what} ${/s$/.test(what) ? 'are' : 'is'} not supported yet`, location);
  }

  bind(node: Node): BoundExpr {
    switch (node.kind) {
      case 'A_Const':
        return this.bindConst(node);
      case 'ParamRef': {
        const loc = node.location ?? -1;
        const n = node.number ?? 0;
        const oid = this.params.get(n, this.position(loc));
        return { kind: 'param', index: n - 1, type: t(oid), location: loc };
      }
      case 'TypeCast': {
        const target = this.typeFromName(node.typeName);
        // ARRAY[...]::T[] coerces each element to T (transformTypeCast pushes the type down).
        const arg = node.arg.kind === 'A_ArrayExpr' && isArrayOid(target.oid) ? bindArrayExpr(this, node.arg, target) : this.bind(node.arg);
        return coerceExplicit(this, arg, target, node.location ?? node.typeName.location ?? -1);
      }
      case 'ColumnRef': {
        const names = strings(node.fields);
        const loc = node.location ?? -1;
        const hit = this.scope?.resolveColumn(names, loc, this.resolveContext);
        if (hit) return hit;
        if (names.length > 1) {
          throw this.err('42P01', `missing FROM-clause entry for table "${names[names.length - 2]}"`, loc);
        }
        if (names[0] === '*') throw this.err('42601', 'SELECT * with no tables specified is not valid', loc);
        throw this.err('42703', `column "${names.join('.')}" does not exist`, loc);
      }
      case 'A_Expr':
        return this.bindAExpr(node);
      case 'BoolExpr': {
        const loc = node.location ?? -1;
        const what = node.boolop === 'AND_EXPR' ? 'AND' : node.boolop === 'OR_EXPR' ? 'OR' : 'NOT';
        const args = (node.args ?? []).map((a) => coerceToBool(this, this.bind(a), what, loc));
        if (node.boolop === 'NOT_EXPR') return { kind: 'not', arg: args[0]!, type: T.bool };
        return { kind: node.boolop === 'AND_EXPR' ? 'and' : 'or', args, type: T.bool };
      }
      case 'NullTest': {
        // No coercion: an untyped $1 IS NULL stays undetermined (42P18), as in PostgreSQL.
        const arg = this.bind(node.arg);
        // A row IS NULL when every field is (not built: refused rather than answered wrongly).
        if (arg.type.oid === TypeOid.record) throw this.unsupported('IS [NOT] NULL on row values', node.location ?? -1);
        return { kind: 'nulltest', arg, isNull: node.nulltesttype === 'IS_NULL', type: T.bool };
      }
      case 'BooleanTest': {
        const test = ({ IS_TRUE: 'true', IS_NOT_TRUE: 'not true', IS_FALSE: 'false', IS_NOT_FALSE: 'not false', IS_UNKNOWN: 'unknown', IS_NOT_UNKNOWN: 'not unknown' } as const)[node.booltesttype];
        const arg = coerceToBool(this, this.bind(node.arg), `IS ${test.toUpperCase()}`, node.location ?? -1);
        return { kind: 'booltest', arg, test, type: T.bool };
      }
      case 'CaseExpr':
        return this.bindCase(node);
      case 'CoalesceExpr': {
        const loc = node.location ?? -1;
        const args = (node.args ?? []).map((a) => this.bind(a));
        const ty = commonType(this, args, 'COALESCE', loc);
        return { kind: 'coalesce', args: coerceAllTo(this, args, ty, 'COALESCE', loc), type: ty };
      }
      case 'MinMaxExpr': {
        const loc = node.location ?? -1;
        const op = node.op === 'IS_GREATEST' ? 'greatest' : 'least';
        const args = (node.args ?? []).map((a) => this.bind(a));
        const ty = commonType(this, args, op.toUpperCase(), loc);
        const cmp = comparatorFor(ty.oid);
        if (!cmp) throw this.err('42883', `could not identify a comparison function for type ${typeName(ty)}`, loc);
        return { kind: 'minmax', op, args: coerceAllTo(this, args, ty, op.toUpperCase(), loc), cmp, type: ty };
      }
      case 'SQLValueFunction':
        return bindSqlValueFunction(this, node);
      case 'FuncCall':
        return this.bindFuncCall(node);
      case 'CollateClause': {
        const coll = strings(node.collname);
        const name = coll[coll.length - 1] ?? '';
        if (!['C', 'POSIX', 'default', 'ucs_basic'].includes(name)) {
          throw this.err('42704', `collation "${name}" for encoding "UTF8" does not exist`, node.location ?? -1);
        }
        return this.bind(node.arg!);
      }
      case 'SubLink':
        if (this.tables) return this.tables.bindSubLink(this, node); // issue 4
        throw this.unsupported('subqueries in expressions', node.location ?? -1);
      case 'A_ArrayExpr':
        return bindArrayExpr(this, node);
      case 'RowExpr': {
        // ROW(...) builds an anonymous record; unknown literals become text fields. `t.*` inside
        // it stands for t's columns (PostgreSQL expands it), not one whole-row field.
        const args = (node.args ?? []).flatMap((a) => {
          const e = this.resolveUnknown(this.bind(a));
          const star = a.kind === 'ColumnRef' && strings(a.fields).slice(-1)[0] === '*';
          return star && e.kind === 'call' && e.name === 'row' ? e.args : [e];
        });
        const types = args.map((a) => a.type.oid);
        return { kind: 'call', name: 'row', args, type: T.record, impl: (a) => ({ fields: a.slice(), types }), strict: false, volatility: 'immutable', location: node.location ?? -1 };
      }
      case 'ResTarget': case 'SortBy': case 'RangeVar': case 'SelectStmt': case 'DefElem': case 'VariableSetStmt':
      case 'VariableShowStmt': case 'TransactionStmt': case 'CreatedbStmt': case 'DropdbStmt': case 'DiscardStmt':
      case 'CopyStmt': case 'ExplainStmt': case 'PrepareStmt': case 'ExecuteStmt': case 'DeallocateStmt': case 'TypeName': case 'NamedArgExpr': case 'String': case 'Integer': case 'Float': case 'Boolean': case 'List':
      case 'A_Star': case 'CaseWhen':
        throw this.err('42601', `unexpected ${node.kind} in an expression`, -1);
      default: {
        const never: never = node;
        const kind = nodeKindName(never);
        if (kind === 'A_Indirection') {
          const ind = never as unknown as { arg: Node; indirection?: Node[]; location?: number };
          return bindIndirection(this, ind, ind.location ?? -1);
        }
        if (kind === 'SetToDefault') {
          throw this.err('42601', 'DEFAULT is not allowed in this context', (never as { location?: number }).location ?? -1);
        }
        throw this.unsupported(`expression ${kind}`);
      }
    }
  }

  private bindConst(c: A_Const): BoundExpr {
    const loc = c.location ?? -1;
    if (c.isnull) return { kind: 'const', type: T.unknown, value: null, location: loc };
    if (c.ival !== undefined) return { kind: 'const', type: T.int4, value: c.ival.ival ?? 0, location: loc };
    if (c.fval !== undefined) {
      const s = c.fval.fval ?? '0';
      if (/^-?\d+$/.test(s)) {
        const v = BigInt(s);
        // make_const: an integer literal too long for the lexer's int4 is int4 if it fits
        // after all (-2147483648), else int8, else numeric.
        if (v >= -2147483648n && v <= 2147483647n) return { kind: 'const', type: T.int4, value: Number(v), location: loc };
        if (v >= -(1n << 63n) && v < 1n << 63n) return { kind: 'const', type: T.int8, value: v, location: loc };
      }
      return { kind: 'const', type: T.numeric, value: numericFromString(s), location: loc };
    }
    if (c.sval !== undefined) return { kind: 'const', type: T.unknown, value: c.sval.sval ?? '', location: loc };
    if (c.boolval !== undefined) return { kind: 'const', type: T.bool, value: c.boolval.boolval === true, location: loc };
    if (c.bsval !== undefined) throw this.unsupported('bit string literals', loc);
    throw this.err('XX000', 'unrecognized constant', loc);
  }

  /** Type of a TypeName with its typmod (varchar(n), numeric(p,s), timestamp(p), ...). */
  typeFromName(tn: TypeName): SqlType {
    const loc = tn.location ?? -1;
    if (tn.setof || tn.pct_type) throw this.unsupported('this type syntax', loc);
    if (tn.arrayBounds && tn.arrayBounds.length > 0) {
      // int4[][] and int4[3] are all int4[]: PostgreSQL ignores the declared bounds.
      const elem = this.typeFromName({ ...tn, arrayBounds: [] });
      try {
        return arrayTypeFor(elem);
      } catch (e) {
        throw e instanceof DbError ? this.err(e.code, e.message, loc) : e;
      }
    }
    const oid = resolveTypeName(strings(tn.names), this.position(loc));
    const mods: number[] = [];
    for (const m of tn.typmods ?? []) {
      if (m.kind === 'A_Const' && m.ival !== undefined) mods.push(m.ival.ival ?? 0);
      else throw this.err('42601', 'type modifiers must be simple constants or identifiers', loc);
    }
    return t(oid, this.typmod(oid, mods, loc));
  }

  private typmod(oid: number, mods: number[], loc: number): number {
    if (mods.length === 0) return -1;
    const name = typeName(oid);
    switch (oid) {
      case TypeOid.varchar:
      case TypeOid.bpchar: {
        if (mods.length > 1) throw this.err('42601', `invalid type modifier`, loc);
        const n = mods[0]!;
        if (n < 1) throw this.err('22023', `length for type ${oid === TypeOid.varchar ? 'varchar' : 'char'} must be at least 1`, loc);
        if (n > 10485760) throw this.err('22023', `length for type ${oid === TypeOid.varchar ? 'varchar' : 'char'} cannot exceed 10485760`, loc);
        return n + 4;
      }
      case TypeOid.numeric: {
        if (mods.length > 2) throw this.err('42601', 'invalid NUMERIC type modifier', loc);
        const p = mods[0]!;
        const s = mods[1] ?? 0;
        if (p < 1 || p > 1000) throw this.err('22023', `NUMERIC precision ${p} must be between 1 and 1000`, loc);
        if (s < -1000 || s > 1000) throw this.err('22023', `NUMERIC scale ${s} must be between -1000 and 1000`, loc);
        return ((p << 16) | (s & 0x7ff)) + 4;
      }
      case TypeOid.time:
      case TypeOid.timestamp:
      case TypeOid.timestamptz: {
        if (mods.length > 1) throw this.err('42601', `invalid type modifier`, loc);
        const p = mods[0]!;
        if (p < 0) throw this.err('22023', `${name.toUpperCase()}(${p}) precision must not be negative`, loc);
        return Math.min(p, 6);
      }
      case TypeOid.interval: {
        // libpg-query passes [fieldMask] or [fieldMask, precision] (INTERVAL_TYPMOD).
        const range = mods[0]!;
        const prec = mods.length > 1 ? Math.min(mods[1]!, 6) : 0xffff;
        return ((range & 0x7fff) << 16) | (prec & 0xffff);
      }
      default:
        throw this.err('42601', `type modifier is not allowed for type "${name}"`, loc);
    }
  }

  /** Target-list rule: an expression still of type unknown becomes text. */
  resolveUnknown(e: BoundExpr): BoundExpr {
    if (e.type.oid !== TypeOid.unknown) return e;
    return tryCoerce(this, e, T.text, 'i') ?? e;
  }

  // --- operators -----------------------------------------------------------------------------

  private bindAExpr(node: A_Expr): BoundExpr {
    const loc = node.location ?? -1;
    const opName = (): string => {
      const n = strings(node.name);
      return n[n.length - 1] ?? '';
    };
    switch (node.exprKind) {
      case 'AEXPR_OP':
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE': {
        if (node.exprKind === 'AEXPR_OP' && node.lexpr?.kind === 'RowExpr' && node.rexpr?.kind === 'RowExpr') {
          return bindRowComparison(this, opName(), node.lexpr.args ?? [], node.rexpr.args ?? [], loc);
        }
        // Left operand first, as transformAExprOp (which of two bad names an error reports).
        const left = node.lexpr === undefined ? undefined : this.bind(node.lexpr);
        return this.operator(opName(), left, this.bind(node.rexpr!), loc);
      }
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT': {
        const eq = this.operator('=', this.bind(node.lexpr!), this.bind(node.rexpr!), loc);
        if (eq.kind !== 'call') throw this.err('42804', 'IS DISTINCT FROM requires = operator to yield boolean', loc);
        return { kind: 'distinct', left: eq.args[0]!, right: eq.args[1]!, eq: eq.impl, negated: node.exprKind === 'AEXPR_NOT_DISTINCT', type: T.bool };
      }
      case 'AEXPR_NULLIF': {
        const eq = this.operator('=', this.bind(node.lexpr!), this.bind(node.rexpr!), loc);
        if (eq.kind !== 'call') throw this.err('42804', 'NULLIF requires = operator to yield boolean', loc);
        return { kind: 'nullif', left: eq.args[0]!, right: eq.args[1]!, eq: eq.impl, type: eq.args[0]!.type };
      }
      case 'AEXPR_IN':
        return this.bindIn(node, loc);
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN':
      case 'AEXPR_BETWEEN_SYM':
      case 'AEXPR_NOT_BETWEEN_SYM': {
        const items = node.rexpr?.kind === 'List' ? node.rexpr.items ?? [] : [];
        const not = node.exprKind === 'AEXPR_NOT_BETWEEN' || node.exprKind === 'AEXPR_NOT_BETWEEN_SYM';
        const sym = node.exprKind === 'AEXPR_BETWEEN_SYM' || node.exprKind === 'AEXPR_NOT_BETWEEN_SYM';
        const range = (lo: Node, hi: Node): BoundExpr => {
          const a1 = this.bind(node.lexpr!), a2 = this.bind(node.lexpr!);
          if (!not) return { kind: 'and', args: [this.operator('>=', a1, this.bind(lo), loc), this.operator('<=', a2, this.bind(hi), loc)], type: T.bool };
          return { kind: 'or', args: [this.operator('<', a1, this.bind(lo), loc), this.operator('>', a2, this.bind(hi), loc)], type: T.bool };
        };
        const r1 = range(items[0]!, items[1]!);
        if (!sym) return r1;
        const r2 = range(items[1]!, items[0]!);
        return not ? { kind: 'and', args: [r1, r2], type: T.bool } : { kind: 'or', args: [r1, r2], type: T.bool };
      }
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL':
        return bindAnyAll(this, node, loc);
      case 'AEXPR_SIMILAR': {
        // x SIMILAR TO p [ESCAPE e] is x ~ similar_to_escape(p, e) (the parser built the call).
        return this.operator(opName(), this.bind(node.lexpr!), this.bind(node.rexpr!), loc);
      }
      default: {
        const never: never = node.exprKind;
        throw this.unsupported(`operator kind ${String(never)}`, loc);
      }
    }
  }

  private bindIn(node: A_Expr, loc: number): BoundExpr {
    const negated = strings(node.name)[0] === '<>';
    if (node.lexpr?.kind === 'RowExpr') {
      return bindRowIn(this, node.lexpr.args ?? [], node.rexpr?.kind === 'List' ? node.rexpr.items ?? [] : [], negated, loc);
    }
    const left = this.bind(node.lexpr!);
    const items = (node.rexpr?.kind === 'List' ? node.rexpr.items ?? [] : []).map((n) => this.bind(n));
    let arg = left;
    let list = items;
    let eqs: Impl[];
    try {
      // PostgreSQL first tries one common type for the whole list (ScalarArrayOpExpr).
      const ty = commonType(this, [left, ...items], 'IN', loc);
      const all = coerceAllTo(this, [left, ...items], ty, 'IN', loc);
      arg = all[0]!;
      list = all.slice(1);
      const eq = this.operator('=', arg, list[0] ?? arg, loc);
      if (eq.kind !== 'call') throw new Error('unreachable');
      eqs = list.map(() => eq.impl);
    } catch (e) {
      if (!(e instanceof DbError) || (e.code !== '42804' && e.code !== '42883')) throw e;
      // Otherwise: one = per item (an OR of comparisons), each resolved on its own.
      eqs = [];
      list = [];
      for (const it of items) {
        const eq = this.operator('=', left, it, loc);
        if (eq.kind !== 'call') throw this.err('42804', 'IN requires = operator to yield boolean', loc);
        arg = eq.args[0]!;
        list.push(eq.args[1]!);
        eqs.push(eq.impl);
      }
    }
    return { kind: 'in', arg, list, eqs, negated, type: T.bool };
  }

  /** Resolves and binds `left op right` (or prefix `op right`). */
  operator(name: string, left: BoundExpr | undefined, right: BoundExpr, loc: number): BoundExpr {
    // Row comparisons (ROW(a, b) < ROW(c, d), IN of rows) are not built: refused, never answered by
    // a generic record operator.
    if (left?.type.oid === TypeOid.record || right.type.oid === TypeOid.record) throw this.unsupported('row comparisons', loc);
    const arrayOp = left ? bindArrayOperator(this, name, left, right, loc) : undefined;
    if (arrayOp) return arrayOp;
    const args = left ? [left, right] : [right];
    const cands = this.registry.operators(name, left ? 2 : 1);
    const inputs = args.map((a) => a.type.oid);
    const res = selectCandidate(inputs, cands);
    const shown = left ? `${typeName(inputs[0]!)} ${name} ${typeName(inputs[1]!)}` : `${name} ${typeName(inputs[0]!)}`;
    if (res.kind === 'none') {
      throw this.err('42883', `operator does not exist: ${shown}`, loc, {
        hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    if (res.kind === 'ambiguous') {
      throw this.err('42725', `operator is not unique: ${shown}`, loc, {
        hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
      });
    }
    return this.applyFn(res.cand, args, loc, name);
  }

  /** Coerces arguments to the chosen candidate and builds the call node. */
  applyFn(def: FnDef, args: BoundExpr[], loc: number, name: string): BoundExpr {
    const coerced = args.map((a, i) => {
      const declared = i < def.args.length ? def.args[i]! : def.variadic ?? ANY;
      if (declared === ANY) {
        const r = this.resolveUnknown(a);
        if (def.anyAsText && r.type.oid !== TypeOid.text) {
          // anytextcat casts ($1::text); concat()/format() use the output function.
          const from = r.type.oid;
          const impl: Impl = def.anyAsText === 'cast' ? castImpl(from, TypeOid.text, -1, true)! : (v, ctx) => textOut(from, v[0], ctx.fmt);
          return { kind: 'call', name: 'text', args: [r], type: T.text, impl, strict: true, volatility: 'stable', location: loc } as BoundExpr;
        }
        return r;
      }
      const c = tryCoerce(this, a, t(declared), 'i');
      if (!c) throw this.err('42883', `function ${name} argument ${i + 1} cannot be coerced`, loc);
      return c;
    });
    const result = def.result === RESULT_ARG0 ? coerced[0]!.type : t(def.result);
    if (def.asyncImpl) return { kind: 'asyncCall', name, args: coerced, type: result, impl: def.asyncImpl, location: loc };
    return { kind: 'call', name, args: coerced, type: result, impl: def.impl, strict: def.strict !== false, volatility: def.volatility ?? 'immutable', location: loc };
  }

  // --- CASE and functions --------------------------------------------------------------------

  private bindCase(node: Extract<Node, { kind: 'CaseExpr' }>): BoundExpr {
    const loc = node.location ?? -1;
    const whens: Array<{ cond: BoundExpr; result: BoundExpr }> = [];
    const results: BoundExpr[] = [];
    for (const w of node.args ?? []) {
      if (w.kind !== 'CaseWhen') continue;
      let cond: BoundExpr;
      if (node.arg) cond = this.operator('=', this.bind(node.arg), this.bind(w.expr), w.location ?? loc);
      else cond = coerceToBool(this, this.bind(w.expr), 'CASE/WHEN', w.location ?? loc);
      if (cond.type.oid !== TypeOid.bool) throw this.err('42804', `argument of CASE/WHEN must be type boolean, not type ${typeName(cond.type)}`, w.location ?? loc);
      const result = this.bind(w.result);
      whens.push({ cond, result });
      results.push(result);
    }
    const otherwise: BoundExpr = node.defresult ? this.bind(node.defresult) : { kind: 'const', type: T.unknown, value: null, location: -1 };
    const ty = commonType(this, [...results, otherwise], 'CASE', loc);
    const coerced = coerceAllTo(this, [...results, otherwise], ty, 'CASE', loc);
    return { kind: 'case', whens: whens.map((w, i) => ({ cond: w.cond, result: coerced[i]! })), otherwise: coerced[coerced.length - 1]!, type: ty };
  }

  private bindFuncCall(node: FuncCall): BoundExpr {
    const loc = node.location ?? -1;
    const qname = strings(node.funcname);
    const name = qname[qname.length - 1]!;
    if (qname.length > 2 || (qname.length === 2 && qname[0] !== 'pg_catalog')) {
      throw this.err('3F000', `schema "${qname[0]}" does not exist`, loc);
    }
    // Window calls are planned by the SELECT's window stage (rel/window-bind.ts); one that
    // reaches the binder sits where PostgreSQL forbids them (VALUES, UPDATE, RETURNING, ...).
    if (node.over) throw this.err('42P20', 'window functions are not allowed here', loc);
    if (this.registry.windowFunction(name)) throw this.err('42809', `window function ${name} requires an OVER clause`, loc);
    const seqCall = this.tables?.bindSequenceCall(this, node); // issue 4: nextval/currval/setval/lastval
    if (seqCall) return seqCall;
    if (node.agg_star || node.agg_distinct || node.agg_order || node.agg_filter || AGGREGATES.has(name)) {
      throw this.unsupported(`aggregate function ${name}()`, loc);
    }
    if (node.func_variadic) throw this.unsupported('VARIADIC arguments', loc);
    if (name === 'pg_typeof' && qname.length <= 2 && (node.args?.length ?? 0) === 1) {
      // pg_typeof("any") → regtype: the argument's type as bound, unknown literals included
      // (pg_typeof('1') is unknown). The argument is still evaluated, as PostgreSQL calls the
      // function with it (its errors surface); the function is not strict.
      const arg = this.bind(node.args![0]!);
      const oid = arg.type.oid;
      return { kind: 'call', name, args: [arg], type: T.regtype, impl: () => oid, strict: false, volatility: 'stable', location: loc };
    }
    const args = this.namedArgs(name, node.args ?? [], loc).map((a) => this.bind(a));
    if (ARRAY_SRFS.has(name)) throw this.unsupported(`set-returning function ${name}() in this context`, loc);
    const arrayFn = bindArrayFunction(this, name, args, loc);
    if (arrayFn) return arrayFn;
    const privilege = bindPrivilegeCall(this, name, args, this.tables, loc);
    if (privilege) return privilege;
    if (TYPE_AWARE_JSON.has(name) && qname.length === 1) {
      // to_jsonb(anyelement), jsonb_build_*(VARIADIC "any"): the conversion depends on each
      // argument's SQL type, so the implementation is made for the bound types.
      const resolved = args.map((a) => this.resolveUnknown(a));
      const impl = typeAwareJson(name, resolved.map((a) => a.type.oid));
      if (impl) {
        return { kind: 'call', name, args: resolved, type: T.jsonb, impl, strict: name === 'to_jsonb', volatility: 'stable', location: loc };
      }
    }
    const cands = this.registry.functions(name) ?? [];
    // Expand variadic candidates to the call's arity.
    // Variadic candidates take at least one variadic argument, expanded to the call's arity.
    const expanded = cands.flatMap((c) => {
      if (c.variadic === undefined) return [c];
      if (args.length <= c.args.length) return [];
      return [{ ...c, args: [...c.args, ...new Array<number>(args.length - c.args.length).fill(c.variadic)] }];
    });
    const inputs = args.map((a) => a.type.oid);
    const res = selectCandidate(inputs, expanded);
    const shown = `${name}(${inputs.map((o) => typeName(o)).join(', ')})`;
    if (res.kind === 'none' && args.length === 1 && qname.length === 1) {
      // PostgreSQL treats type_name(x) as a cast when no function matches (func_get_detail's
      // FUNCDETAIL_COERCION): date('2020-01-01'), int8(5), text(1).
      const oid = typeOidIfName(name);
      if (oid !== undefined) {
        const r = tryCoerce(this, args[0]!, t(oid), 'e');
        // PostgreSQL's cast functions (int8(int4), ...) are pg_proc rows here resolved as casts;
        // binary-compatible and I/O conversions are accepted in function syntax as well.
        if (r) return r;
      }
    }
    if (res.kind === 'none') {
      throw this.err('42883', `function ${shown} does not exist`, loc, {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    if (res.kind === 'ambiguous') {
      throw this.err('42725', `function ${shown} is not unique`, loc, {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      });
    }
    return this.applyFn(res.cand, args, loc, name);
  }

  /**
   * Named arguments (`make_interval(days => 3)`): placed by parameter name for the built-ins
   * that declare names and defaults; elsewhere 0A000.
   */
  private namedArgs(name: string, args: Node[], loc: number): Node[] {
    if (!args.some((a) => a.kind === 'NamedArgExpr')) return args;
    const params = NAMED_PARAMS[name];
    if (!params) throw this.unsupported('named arguments for this function', loc);
    const out: Node[] = params.map(() => ({ kind: 'A_Const', ival: { ival: 0 } }) as Node);
    let positional = true;
    args.forEach((a, i) => {
      if (a.kind !== 'NamedArgExpr') {
        if (!positional) throw this.err('42601', 'positional argument cannot follow named argument', loc);
        out[i] = a;
        return;
      }
      positional = false;
      const at = params.indexOf(a.name ?? '');
      if (at < 0) {
        throw this.err('42883', `function ${name}(${a.name} => unknown) does not exist`, loc, {
          hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
        });
      }
      out[at] = a.arg;
    });
    return out;
  }

  /** Coerce helper for statements (LIMIT, WHERE...). */
  coerceTo(e: BoundExpr, ty: SqlType, what: string, loc: number): BoundExpr {
    const r = tryCoerce(this, e, ty, 'a');
    if (r) return r;
    throw this.err('42804', `argument of ${what} must be type ${typeName(ty)}, not type ${typeName(e.type)}`, loc);
  }

  coerceToBool(e: BoundExpr, what: string, loc: number): BoundExpr {
    return coerceToBool(this, e, what, loc);
  }
}

/** Parameter names of built-ins callable with named arguments (all with default 0). */
const NAMED_PARAMS: Record<string, string[]> = {
  make_interval: ['years', 'months', 'weeks', 'days', 'hours', 'mins', 'secs'],
};

/** Aggregate names: meaningful only with a FROM/GROUP BY executor (issue 4). */
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg', 'json_agg', 'jsonb_agg', 'stddev', 'variance', 'stddev_pop', 'stddev_samp', 'var_pop', 'var_samp']);
