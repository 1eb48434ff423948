// The shape of a built-in function or operator (pg_proc/pg_operator rows, with the
// implementation attached). Tables of these live in the sibling files; registry.ts indexes them.

import type { AsyncImpl, Impl, Volatility } from '../bind/expr.js';
import type { Candidate } from '../bind/resolve.js';

export interface FnDef extends Candidate {
  readonly name: string;
  /** Declared argument types; ANY (-1) accepts anything. */
  readonly args: readonly number[];
  /** Result type; RESULT_FROM_ARG0 etc. for polymorphic results. */
  readonly result: number;
  readonly impl: Impl;
  /** Default true: NULL in → NULL out without calling impl. */
  readonly strict?: boolean;
  /** Default 'immutable'. */
  readonly volatility?: Volatility;
  /** Accepts any number (≥ args.length) of extra arguments of type `variadic` (ANY = any type). */
  readonly variadic?: number;
  /** ANY arguments are converted to text with their output function (textanycat, concat). */
  readonly anyAsText?: 'cast' | 'output';
  /** Present for functions that must wait (pg_sleep). */
  readonly asyncImpl?: AsyncImpl;
}

/** Result type sentinel: the (resolved) type of the first argument. */
export const RESULT_ARG0 = -2;

export function fn(name: string, args: readonly number[], result: number, impl: Impl, extra: Partial<FnDef> = {}): FnDef {
  return { name, args, result, impl, ...extra };
}
