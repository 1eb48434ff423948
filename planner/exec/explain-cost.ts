// Plan estimates: rows, width and cost, in PostgreSQL's shape but in Pyralog's own units.
//
// Units (documented in planner/exec/README.md): 1.0 = reading one 8 KiB block of a segment
// sequentially; a point get is a random read (4.0); 0.01 per row an operator produces;
// 0.0025 per operator/function evaluation. Row counts come from the LSM's approximate table
// statistics (rows in memtables and segment footers, versions not yet compacted included);
// selectivities without statistics are PostgreSQL's defaults: equality 0.005, inequality 1/3,
// LIKE 0.005, IS NULL 0.005, anything else 0.5 (booleans) — so the figures compare plans with
// each other, not with PostgreSQL's.

import { TypeOid } from '../../catalog/index.js';
import type { BoundExpr } from '../bind/expr.js';
import type { Estimate } from './explain-node.js';

export const SEQ_BLOCK_COST = 1.0;
export const RANDOM_READ_COST = 4.0;
export const ROW_COST = 0.01;
export const OPERATOR_COST = 0.0025;
export const BLOCK_BYTES = 8192;
/** Groups assumed for a GROUP BY without statistics (PostgreSQL's DEFAULT_NUM_DISTINCT). */
export const DEFAULT_GROUPS = 200;
export const DEFAULT_EQ_SEL = 0.005;
export const DEFAULT_INEQ_SEL = 1 / 3;
export const DEFAULT_MATCH_SEL = 0.005;
/** Rows assumed for a function scan (PostgreSQL's prorows default). */
export const FUNCTION_ROWS = 1000;

/** PostgreSQL's average width of a value of the type (get_typavgwidth without statistics). */
export function typeWidth(oid: number, typmod = -1): number {
  switch (oid) {
    case TypeOid.bool: return 1;
    case TypeOid.int2: return 2;
    case TypeOid.int4: case TypeOid.float4: case TypeOid.date: case TypeOid.oid: return 4;
    case TypeOid.int8: case TypeOid.float8: case TypeOid.timestamp: case TypeOid.timestamptz: case TypeOid.time: return 8;
    case TypeOid.interval: case TypeOid.uuid: return 16;
    case TypeOid.varchar: case TypeOid.bpchar:
      // typmod = declared length + 4: PostgreSQL assumes a mostly full value below 32 bytes.
      if (typmod > 4) {
        const n = typmod - 4;
        return n <= 32 ? n + 1 : 32 + Math.floor((n - 32) / 2);
      }
      return 32;
    default: return 32;
  }
}

/** The fraction of rows a predicate keeps (PostgreSQL's clause selectivity without statistics). */
export function selectivity(e: BoundExpr): number {
  switch (e.kind) {
    case 'const':
      return e.value === true ? 1 : 0;
    case 'and':
      return e.args.reduce((s, a) => s * selectivity(a), 1);
    case 'or':
      return e.args.reduce((s, a) => { const x = selectivity(a); return s + x - s * x; }, 0);
    case 'not':
      return 1 - selectivity(e.arg);
    case 'nulltest':
      return e.isNull ? DEFAULT_EQ_SEL : 1 - DEFAULT_EQ_SEL;
    case 'in':
      return e.negated ? Math.max(0, 1 - DEFAULT_EQ_SEL * e.list.length) : Math.min(1, DEFAULT_EQ_SEL * e.list.length);
    case 'distinct':
      return e.negated ? DEFAULT_EQ_SEL : 1 - DEFAULT_EQ_SEL;
    case 'call':
      switch (e.name) {
        case '=': return DEFAULT_EQ_SEL;
        case '<>': return 1 - DEFAULT_EQ_SEL;
        case '<': case '<=': case '>': case '>=': return DEFAULT_INEQ_SEL;
        case '~~': case '~~*': case '~': case '~*': return DEFAULT_MATCH_SEL;
        case '!~~': case '!~~*': case '!~': case '!~*': return 1 - DEFAULT_MATCH_SEL;
        default: return 0.5;
      }
    default:
      return 0.5;
  }
}

/** Operator evaluations in an expression (cost of evaluating it once per row). */
export function operatorCount(e: BoundExpr): number {
  switch (e.kind) {
    case 'const': case 'param': case 'column': return 0;
    case 'call': case 'asyncCall': return 1 + e.args.reduce((n, a) => n + operatorCount(a), 0);
    case 'and': case 'or': case 'coalesce': case 'minmax': return e.args.reduce((n, a) => n + operatorCount(a), 0);
    case 'not': case 'nulltest': case 'booltest': return 1 + operatorCount(e.arg);
    case 'case': return e.whens.reduce((n, w) => n + operatorCount(w.cond) + operatorCount(w.result), operatorCount(e.otherwise));
    case 'nullif': case 'distinct': return 1 + operatorCount(e.left) + operatorCount(e.right);
    case 'in': return e.list.length + operatorCount(e.arg);
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** Rows are at least one in an estimate (PostgreSQL's clamp_row_est). */
export function clampRows(n: number): number {
  return n <= 1 ? 1 : Math.round(n);
}

/** A node that reads all of its input before it produces its first row. */
export function blocking(input: Estimate, extraCost: number, rows: number, width: number): Estimate {
  const total = input.total + extraCost;
  return { startup: total, total: total + rows * ROW_COST, rows: clampRows(rows), width };
}

/** A node that streams its input, spending `perRow` per input row. */
export function streaming(input: Estimate, perRow: number, rows: number, width: number): Estimate {
  return { startup: input.startup, total: input.total + input.rows * perRow, rows: clampRows(rows), width };
}

/** Sort of n rows: comparisons n·log2(n) at twice the operator cost before the first row. */
export function sortCost(input: Estimate): Estimate {
  const n = Math.max(input.rows, 2);
  const startup = input.total + 2 * OPERATOR_COST * n * Math.log2(n);
  return { startup, total: startup + OPERATOR_COST * input.rows, rows: input.rows, width: input.width };
}
