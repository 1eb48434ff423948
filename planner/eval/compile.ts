// Compiles a BoundExpr into a JS closure `(row, ctx) => value`. Closures are built once per
// plan and reused for every execution and every row, so the hot path allocates nothing beyond
// argument arrays of function calls.
//
// Semantics (PostgreSQL's): strict calls skip NULL inputs; AND/OR are three-valued and stop
// early; CASE, COALESCE evaluate lazily; GREATEST/LEAST ignore NULLs; IN is an OR of equalities
// with NULL when no match and some comparison was NULL.

import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';

export type Compiled = (row: readonly Value[], ctx: EvalContext) => Value;

/** asyncCall nodes are evaluated before the row (their results read from ctx by slot). */
export interface AsyncSlot {
  node: Extract<BoundExpr, { kind: 'asyncCall' }>;
  args: Compiled[];
}

export interface CompileState {
  asyncSlots: AsyncSlot[];
}

/** Per-execution results of async calls, indexed like CompileState.asyncSlots. */
export interface AsyncResults {
  asyncResults?: Value[];
}

export function compile(e: BoundExpr, st: CompileState = { asyncSlots: [] }): Compiled {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'param': {
      const i = e.index;
      return (_r, ctx) => {
        const v = ctx.params[i];
        return v === undefined ? null : v;
      };
    }
    case 'column': {
      const i = e.index;
      return (r) => r[i] as Value;
    }
    case 'call': {
      const impl = e.impl;
      const args = e.args.map((a) => compile(a, st));
      const n = args.length;
      if (n === 0) return (_r, ctx) => impl([], ctx);
      if (e.strict) {
        if (n === 1) {
          const a0 = args[0]!;
          return (r, ctx) => {
            const v = a0(r, ctx);
            return v === null ? null : impl([v], ctx);
          };
        }
        if (n === 2) {
          const a0 = args[0]!, a1 = args[1]!;
          return (r, ctx) => {
            const x = a0(r, ctx);
            if (x === null) return null;
            const y = a1(r, ctx);
            return y === null ? null : impl([x, y], ctx);
          };
        }
        return (r, ctx) => {
          const vals = new Array<Value>(n);
          for (let i = 0; i < n; i++) {
            const v = args[i]!(r, ctx);
            if (v === null) return null;
            vals[i] = v;
          }
          return impl(vals, ctx);
        };
      }
      return (r, ctx) => impl(args.map((a) => a(r, ctx)), ctx);
    }
    case 'asyncCall': {
      const slot = st.asyncSlots.length;
      st.asyncSlots.push({ node: e, args: e.args.map((a) => compile(a, st)) });
      return (_r, ctx) => {
        const res = (ctx as EvalContext & AsyncResults).asyncResults;
        return res === undefined ? null : (res[slot] ?? null);
      };
    }
    case 'and': {
      const args = e.args.map((a) => compile(a, st));
      return (r, ctx) => {
        let sawNull = false;
        for (const a of args) {
          const v = a(r, ctx);
          if (v === false) return false;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : true;
      };
    }
    case 'or': {
      const args = e.args.map((a) => compile(a, st));
      return (r, ctx) => {
        let sawNull = false;
        for (const a of args) {
          const v = a(r, ctx);
          if (v === true) return true;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
    }
    case 'not': {
      const a = compile(e.arg, st);
      return (r, ctx) => {
        const v = a(r, ctx);
        return v === null ? null : !v;
      };
    }
    case 'case': {
      const whens = e.whens.map((w) => ({ cond: compile(w.cond, st), result: compile(w.result, st) }));
      const otherwise = compile(e.otherwise, st);
      return (r, ctx) => {
        for (const w of whens) if (w.cond(r, ctx) === true) return w.result(r, ctx);
        return otherwise(r, ctx);
      };
    }
    case 'coalesce': {
      const args = e.args.map((a) => compile(a, st));
      return (r, ctx) => {
        for (const a of args) {
          const v = a(r, ctx);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case 'minmax': {
      const args = e.args.map((a) => compile(a, st));
      const cmp = e.cmp;
      const greatest = e.op === 'greatest';
      return (r, ctx) => {
        let best: Value = null;
        for (const a of args) {
          const v = a(r, ctx);
          if (v === null) continue;
          if (best === null || (greatest ? cmp(v, best) > 0 : cmp(v, best) < 0)) best = v;
        }
        return best;
      };
    }
    case 'nullif': {
      const l = compile(e.left, st), rr = compile(e.right, st), eq = e.eq;
      return (r, ctx) => {
        const x = l(r, ctx);
        if (x === null) return null;
        const y = rr(r, ctx);
        if (y === null) return x;
        return eq([x, y], ctx) === true ? null : x;
      };
    }
    case 'nulltest': {
      const a = compile(e.arg, st);
      const isNull = e.isNull;
      return (r, ctx) => (a(r, ctx) === null) === isNull;
    }
    case 'booltest': {
      const a = compile(e.arg, st);
      switch (e.test) {
        case 'true': return (r, ctx) => a(r, ctx) === true;
        case 'not true': return (r, ctx) => a(r, ctx) !== true;
        case 'false': return (r, ctx) => a(r, ctx) === false;
        case 'not false': return (r, ctx) => a(r, ctx) !== false;
        case 'unknown': return (r, ctx) => a(r, ctx) === null;
        case 'not unknown': return (r, ctx) => a(r, ctx) !== null;
        default: {
          const never: never = e.test;
          return never;
        }
      }
    }
    case 'distinct': {
      const l = compile(e.left, st), rr = compile(e.right, st), eq = e.eq, negated = e.negated;
      return (r, ctx) => {
        const x = l(r, ctx), y = rr(r, ctx);
        let distinct: boolean;
        if (x === null || y === null) distinct = (x === null) !== (y === null);
        else distinct = eq([x, y], ctx) !== true;
        return negated ? !distinct : distinct;
      };
    }
    case 'in': {
      const a = compile(e.arg, st);
      const list = e.list.map((x) => compile(x, st));
      const eqs = e.eqs, negated = e.negated;
      return (r, ctx) => {
        const x = a(r, ctx);
        if (x === null) return null;
        let sawNull = false;
        for (let i = 0; i < list.length; i++) {
          const y = list[i]!(r, ctx);
          if (y === null) {
            sawNull = true;
            continue;
          }
          if (eqs[i]!([x, y], ctx) === true) return !negated;
        }
        return sawNull ? null : negated;
      };
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}
