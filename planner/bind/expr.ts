// The bound (typed) expression tree the binder produces and the evaluator compiles. It is the
// one expression representation of the planner: the FROM-less SELECT uses it today, the table
// executor (issue 4) reuses it with `column` nodes that read slots of an input row.
//
// Invariants:
// - Every node carries its result type; `unknown` (705) survives only on constants that no
//   context resolved (they become text at the target list, as PostgreSQL does).
// - `call` nodes with `strict: true` return NULL when any argument is NULL, without calling impl.
// - Locations are byte offsets into the source text (-1 unknown); errors convert them.

import type { CancelToken, FormatSettings, Value } from '../api.js';
import type { SqlType } from './types.js';
import type { TableSession } from '../rel/runtime.js';

export type { Value };

/** What a function implementation may read from the running statement. */
export interface EvalContext {
  readonly params: readonly Value[];
  readonly fmt: FormatSettings;
  readonly cancel: CancelToken;
  readonly env: SessionEnv;
  /** issue 4: the session's storage side (tables, lsm transaction); absent in FROM-less tests. */
  readonly tables?: TableSession;
}

/** The session as functions see it (current_setting, now(), current_user, random, ...). */
export interface SessionEnv {
  readonly user: string;
  readonly database: string;
  readonly backendPid: number;
  /** Transaction start, µs since 2000-01-01 UTC (now(), current_timestamp). */
  txStartMicros(): bigint;
  /** Statement start, µs since 2000-01-01 UTC (statement_timestamp()). */
  stmtStartMicros(): bigint;
  getSetting(name: string): string | undefined;
  /** set_config(name, value, is_local): returns the new value as SHOW prints it. */
  setSetting(name: string, value: string, isLocal: boolean): string;
  /** The session's random generator (setseed makes it reproducible). */
  random(): number;
  setSeed(seed: number): void;
}

export type Impl = (args: Value[], ctx: EvalContext) => Value;
export type AsyncImpl = (args: Value[], ctx: EvalContext) => Promise<Value>;
export type Volatility = 'immutable' | 'stable' | 'volatile';

export type BoundExpr =
  | { kind: 'const'; type: SqlType; value: Value; location: number }
  | { kind: 'param'; index: number; type: SqlType; location: number }
  | { kind: 'column'; index: number; type: SqlType; name: string; location: number }
  | {
      kind: 'call';
      name: string;
      args: BoundExpr[];
      type: SqlType;
      impl: Impl;
      strict: boolean;
      volatility: Volatility;
      location: number;
    }
  /** A function that must wait (pg_sleep): only allowed at the top of a target list entry. */
  | { kind: 'asyncCall'; name: string; args: BoundExpr[]; type: SqlType; impl: AsyncImpl; location: number }
  | { kind: 'and'; args: BoundExpr[]; type: SqlType }
  | { kind: 'or'; args: BoundExpr[]; type: SqlType }
  | { kind: 'not'; arg: BoundExpr; type: SqlType }
  | { kind: 'case'; whens: Array<{ cond: BoundExpr; result: BoundExpr }>; otherwise: BoundExpr; type: SqlType }
  | { kind: 'coalesce'; args: BoundExpr[]; type: SqlType }
  | { kind: 'minmax'; op: 'greatest' | 'least'; args: BoundExpr[]; cmp: (a: Value, b: Value) => number; type: SqlType }
  | { kind: 'nullif'; left: BoundExpr; right: BoundExpr; eq: Impl; type: SqlType }
  | { kind: 'nulltest'; arg: BoundExpr; isNull: boolean; type: SqlType }
  | { kind: 'booltest'; arg: BoundExpr; test: 'true' | 'not true' | 'false' | 'not false' | 'unknown' | 'not unknown'; type: SqlType }
  | { kind: 'distinct'; left: BoundExpr; right: BoundExpr; eq: Impl; negated: boolean; type: SqlType }
  /** x IN (a, b, ...): OR of x = item with SQL's NULL rules; `eqs[i]` compares x with list[i]. */
  | { kind: 'in'; arg: BoundExpr; list: BoundExpr[]; eqs: Impl[]; negated: boolean; type: SqlType };

export function exprType(e: BoundExpr): SqlType {
  return e.type;
}

/** True when the expression's value cannot change between executions (constant-foldable). */
export function isImmutable(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'const':
      return true;
    case 'param':
    case 'column':
    case 'asyncCall':
      return false;
    case 'call':
      return e.volatility === 'immutable' && e.args.every(isImmutable);
    case 'and':
    case 'or':
    case 'coalesce':
    case 'minmax':
      return e.args.every(isImmutable);
    case 'not':
    case 'nulltest':
    case 'booltest':
      return isImmutable(e.arg);
    case 'case':
      return e.whens.every((w) => isImmutable(w.cond) && isImmutable(w.result)) && isImmutable(e.otherwise);
    case 'nullif':
    case 'distinct':
      return isImmutable(e.left) && isImmutable(e.right);
    case 'in':
      return isImmutable(e.arg) && e.list.every(isImmutable);
    default: {
      const never: never = e;
      return never;
    }
  }
}
