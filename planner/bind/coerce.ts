// Coercion of bound expressions to a target type (PostgreSQL's coerce_type) and the choice of a
// common type for CASE/COALESCE/VALUES/UNION/IN (select_common_type).
//
// Invariant: an unknown literal is converted by the target type's input function right here,
// at bind time, and its errors carry the literal's position — as PostgreSQL does.

import { DbError, TypeOid, textIn } from '../../catalog/index.js';
import type { FormatSettings } from '../api.js';
import { intervalIn } from '../eval/interval-typmod.js';
import { castContext, castImpl, type CastContext } from './casts.js';
import type { BoundExpr } from './expr.js';
import type { ParamTypes } from './params.js';
import { category, isPreferred, t, typeName, type SqlType } from './types.js';
import { isArrayOid } from './array-types.js';

export interface CoerceEnv {
  readonly fmt: FormatSettings;
  readonly params: ParamTypes;
  /** Byte offset → 1-based character position (undefined for -1). */
  position(location: number): number | undefined;
}

function withPos(e: unknown, env: CoerceEnv, location: number): unknown {
  if (e instanceof DbError && e.fields.position === undefined) {
    const p = env.position(location);
    if (p !== undefined) return e.withPosition(p);
  }
  return e;
}

/**
 * Coerces `e` to `target` within `ctx`; undefined when no such coercion exists (callers word
 * the error, which differs between casts, operators and assignments).
 */
export function tryCoerce(env: CoerceEnv, e: BoundExpr, target: SqlType, ctx: CastContext): BoundExpr | undefined {
  const from = e.type.oid;
  if (from === target.oid && (target.typmod < 0 || target.typmod === e.type.typmod)) {
    return e.type === target || target.typmod < 0 ? e : { ...e, type: target } as BoundExpr;
  }
  if (from === TypeOid.unknown) {
    // regclass/regnamespace input needs the session's catalog: a literal becomes a (stable) cast call.
    if (e.kind === 'const' && target.oid !== TypeOid.regclass && target.oid !== TypeOid.regnamespace) {
      if (e.value === null) return { kind: 'const', type: target, value: null, location: e.location };
      if (target.typmod >= 0 && isArrayOid(target.oid)) {
        // '{ab,c}' into varchar(2)[]: read the array, then apply the element typmod to each element.
        const read = tryCoerce(env, e, t(target.oid), ctx);
        return read && tryCoerce(env, read, target, ctx);
      }
      try {
        const value = target.oid === TypeOid.interval && target.typmod >= 0
          ? intervalIn(e.value as string, target.typmod, env.fmt)
          : textIn(target.oid, e.value as string, env.fmt, target.typmod, { explicitCast: ctx === 'e' });
        return { kind: 'const', type: target, value, location: e.location };
      } catch (err) {
        throw withPos(err, env, e.location);
      }
    }
    if (e.kind === 'param') {
      env.params.deduce(e.index + 1, target.oid, env.position(e.location));
      const p: BoundExpr = { kind: 'param', index: e.index, type: t(target.oid), location: e.location };
      return target.typmod >= 0 ? tryCoerce(env, p, target, ctx) : p;
    }
  }
  const c = castContext(from, target.oid);
  if (c === undefined) return undefined;
  if (ctx === 'i' && c !== 'i') return undefined;
  if (ctx === 'a' && c === 'e') return undefined;
  const cast = castImpl(from, target.oid, target.typmod, ctx === 'e');
  if (cast === undefined) return undefined;
  const location = 'location' in e ? e.location : -1;
  // A regclass/regnamespace literal is read when the statement runs; its errors point at the
  // literal as PostgreSQL's (read at parse analysis) do.
  const literalPos = from === TypeOid.unknown && e.kind === 'const' ? env.position(location) : undefined;
  const impl: typeof cast = literalPos === undefined ? cast : (a, c) => {
    try { return cast(a, c); } catch (err) { throw err instanceof DbError && err.fields.position === undefined ? err.withPosition(literalPos) : err; }
  };
  const call: BoundExpr = { kind: 'call', name: typeName(target), args: [e], type: target, impl, strict: true, volatility: castVolatility(from, target.oid), location };
  return call;
}

/** Casts whose result depends on session settings (TimeZone, DateStyle) are stable, not immutable. */
function castVolatility(from: number, to: number): 'immutable' | 'stable' {
  const tz = (o: number): boolean => o === TypeOid.timestamptz || o === TypeOid.date || o === TypeOid.timestamp || o === TypeOid.time || o === TypeOid.interval;
  return tz(from) || tz(to) || [from, to].some((o) => o === TypeOid.regclass || o === TypeOid.regnamespace) ? 'stable' : 'immutable';
}

/** Explicit cast (`::`, CAST): 42846 when impossible. */
export function coerceExplicit(env: CoerceEnv, e: BoundExpr, target: SqlType, location: number): BoundExpr {
  const r = tryCoerce(env, e, target, 'e');
  if (r) return r;
  throw new DbError('42846', `cannot cast type ${typeName(e.type.oid)} to ${typeName(target)}`, posFields(env, location));
}

/** Implicit coercion for a construct (`what` names it in the 42804 message). */
export function coerceImplicit(env: CoerceEnv, e: BoundExpr, target: SqlType, what: string, location: number): BoundExpr {
  const r = tryCoerce(env, e, target, 'i');
  if (r) return r;
  throw new DbError('42804', `${what} could not convert type ${typeName(e.type.oid)} to ${typeName(target)}`, posFields(env, location));
}

/** coerce_to_boolean: `argument of WHERE must be type boolean, not type integer`. */
export function coerceToBool(env: CoerceEnv, e: BoundExpr, construct: string, location: number): BoundExpr {
  if (e.type.oid === TypeOid.bool) return e;
  const r = e.type.oid === TypeOid.unknown ? tryCoerce(env, e, t(TypeOid.bool), 'i') : undefined;
  if (r) return r;
  throw new DbError('42804', `argument of ${construct} must be type boolean, not type ${typeName(e.type.oid)}`, posFields(env, exprLocation(e, location)));
}

export function exprLocation(e: BoundExpr, fallback: number): number {
  return 'location' in e && e.location >= 0 ? e.location : fallback;
}

export function posFields(env: CoerceEnv, location: number): { position?: number } {
  const p = env.position(location);
  return p !== undefined ? { position: p } : {};
}

/** select_common_type: 42804 "<construct> types X and Y cannot be matched". */
export function commonType(env: CoerceEnv, exprs: readonly BoundExpr[], construct: string, location: number): SqlType {
  let ptype = -1;
  let pcat = '';
  let ppref = false;
  let allSameTypmod: number | undefined;
  for (const e of exprs) {
    const o = e.type.oid;
    if (o === TypeOid.unknown) continue;
    if (ptype === -1) {
      ptype = o;
      pcat = category(o);
      ppref = isPreferred(o);
      allSameTypmod = e.type.typmod;
      continue;
    }
    if (o === ptype) {
      if (allSameTypmod !== e.type.typmod) allSameTypmod = -1;
      continue;
    }
    const ncat = category(o);
    if (ncat !== pcat) {
      throw new DbError('42804', `${construct} types ${typeName(ptype)} and ${typeName(o)} cannot be matched`, posFields(env, exprLocation(e, location)));
    }
    if (!ppref && castContext(ptype, o) === 'i' && castContext(o, ptype) !== 'i') {
      ptype = o;
      ppref = isPreferred(o);
      allSameTypmod = e.type.typmod;
    } else {
      allSameTypmod = -1;
    }
  }
  if (ptype === -1) return t(TypeOid.text);
  return t(ptype, allSameTypmod ?? -1);
}

/** Coerces every expression to the common type (42846-ish error wording as PostgreSQL's). */
export function coerceAllTo(env: CoerceEnv, exprs: readonly BoundExpr[], target: SqlType, construct: string, location: number): BoundExpr[] {
  return exprs.map((e) => {
    const r = tryCoerce(env, e, target.typmod >= 0 && e.type.oid === target.oid ? target : t(target.oid), 'i');
    if (r) return r;
    throw new DbError('42804', `${construct} could not convert type ${typeName(e.type.oid)} to ${typeName(target)}`, posFields(env, exprLocation(e, location)));
  });
}
