// What one external ScanNode asks DuckDB for: the WHERE conjuncts of its SELECT that read only
// this table (and constants/parameters), kept as bound expressions over the table's columns and
// turned into a Fragment filter + partition predicates at every execution (parameters are only
// known then; plans are cached across executions). Imported statically by rel/: no DuckDB here.
//
// Invariants:
// - A conjunct is pushed only when DuckDB evaluates it exactly as PostgreSQL does (same type
//   family on both sides of a comparison, no casts of columns, constants rendered by
//   `constant`) and when it is null-rejecting (FALSE or NULL when every column of the table is
//   NULL): then pushing it below an outer join's nullable side cannot change the result.
// - The native filter stays above the scan, so a pushed conjunct is always re-checked; pushing
//   only ever removes rows the WHERE clause would remove.
// - "Constants" are literals, parameters and immutable calls over them — never a subquery, an
//   outer reference of a correlated subquery (`outer`, re-evaluated per outer row) or a stable
//   call: the fetch runs once per statement, before any row exists.
import type { TableDesc } from '../../catalog/index.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { compile } from '../eval/compile.js';
import type { FragAgg, FragExpr } from './fragment.js';
import type { CmpOp, PartitionPredicate } from './prune.js';
import { nativeFilters, type ShipSource } from './ship.js';

const CMP_OPS: ReadonlySet<string> = new Set(['=', '<>', '<', '<=', '>', '>=']);
const FLIP: Record<CmpOp, CmpOp> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const INTS: ReadonlySet<number> = new Set([20, 21, 23]);

/** Type families whose comparisons DuckDB evaluates as PostgreSQL does (byte order for text). */
function family(oid: number): string | undefined {
  switch (oid) {
    case 20: case 21: case 23: case 1700: return 'exact';
    case 700: case 701: return 'float';
    case 25: case 1043: return 'text';
    case 16: return 'bool';
    case 1082: return 'date';
    case 1114: return 'timestamp';
    case 1184: return 'timestamptz';
    default: return undefined;
  }
}

/** A pushed conjunct: constants are still bound expressions (evaluated per execution). */
type Pushed =
  | { kind: 'cmp'; col: number; op: CmpOp; value: BoundExpr }
  | { kind: 'in'; col: number; list: BoundExpr[]; negated: boolean }
  | { kind: 'notNull'; col: number }
  | { kind: 'and'; args: Pushed[] }
  | { kind: 'or'; args: Pushed[] };

/** The filters of one execution: DuckDB's WHERE and the predicates for pruning files. */
export interface ScanRequest {
  filters: FragExpr[];
  /** Conjuncts over partition columns only (prunePartitions). */
  partition: PartitionPredicate[];
  /** Conjuncts over file columns only (pruneByStats against the files' min/max). */
  stats: PartitionPredicate[];
  /** Pushed filters as text (EXPLAIN). */
  shown: string[];
  /** Every pushed conjunct went into `filters` (placement A needs the whole WHERE in DuckDB). */
  complete: boolean;
}

/** What one execution did, for EXPLAIN. */
export interface ScanFigures {
  partitionsKept: number;
  partitionsTotal: number;
  filesKept: number;
  filesTotal: number;
  /** Files skipped by min/max statistics (after partition pruning). */
  statsPruned: number;
  /** The fragment computed the whole statement (placement A), not only this scan's rows. */
  wholeStatement?: boolean;
  /** The fragment computed the partial aggregate of a UNION ALL branch (rel/partial-agg.ts). */
  partialAggregate?: boolean;
  /** The rows streamed into the native executor chunk by chunk (stream-rows.ts), not fetched first. */
  streamed?: boolean;
  /** Distinct native keys shipped into the fragment (undefined: none shipped). */
  shippedKeys: number | undefined;
  /** Shipped keys located by key runs (ship-runs.ts): files whose rows were read by row number. */
  keyRunFiles?: number;
  sql: string | undefined;
}

export class ExternalScan {
  private pushed: Pushed[] = [];
  /** Table columns the statement may read (0-based); undefined: all of them. */
  private used: number[] | undefined;
  /** The name the statement gives the table (alias or table name), for whole-row references. */
  alias: string;
  /** A native scan joined to this one whose keys may be shipped into the fragment (ship.ts). */
  ship: ShipSource | undefined;
  /** Relational SELECTs being planned when this scan was (1: directly in the outermost one's FROM). */
  planDepth = 0;
  /** Every conjunct of the SELECT's WHERE runs in DuckDB (placement A needs that). */
  allWherePushed = true;
  /** Figures of the latest execution (EXPLAIN shows them when the statement has run). */
  lastRun: ScanFigures | undefined;
  /**
   * Set when this scan is the FROM of a UNION ALL branch rewritten into a partial aggregate
   * (rel/partial-agg.ts): DuckDB may compute `SELECT groupBy…, aggs… GROUP BY groupBy…` instead of
   * returning rows, when the fragment renders with exactly these output types (`oids`, the
   * branch's bound column types); otherwise the rows are fetched and the branch runs natively.
   */
  partial: { groupBy: string[]; aggs: FragAgg[]; oids: number[] } | undefined;

  constructor(readonly table: TableDesc) {
    this.alias = table.name;
  }

  /**
   * Keeps only the columns `ast` (the whole SELECT that scans this table, subqueries included)
   * may name. Conservative by construction: a column is kept when its name appears as any string
   * anywhere in the statement; `*`, NATURAL joins and whole-row references keep every column.
   */
  useColumnsOf(ast: unknown): void {
    const u = namesIn(ast);
    if (u.star || u.natural || u.renamed || u.refs.some((f) => f.length === 1 && f[0] === this.alias && !this.table.columns.some((c) => c.name === this.alias))) {
      this.used = undefined;
      return;
    }
    this.used = this.table.columns.flatMap((c, i) => (!c.dropped && u.strings.has(c.name) ? [i] : []));
  }

  /** Column positions to fetch (at least one: a count(*) still needs rows). */
  columnsToFetch(): number[] {
    const all = this.table.columns.map((_, i) => i);
    if (!this.used) return all;
    return this.used.length > 0 ? this.used : all.slice(0, 1);
  }

  /** Records the conjuncts of `where` (slots start at `offset`) that can run in DuckDB. */
  pushWhere(where: BoundExpr | undefined, offset: number): void {
    const width = this.table.columns.length;
    const out: Pushed[] = [];
    const all = conjunctsOf(where);
    for (const c of all) {
      const p = this.translate(c, offset, width);
      if (p && nullRejecting(p)) out.push(p);
    }
    this.pushed = out;
    this.allWherePushed = out.length === all.length;
    if (this.ship) this.ship.filters = nativeFilters(this.ship, where);
  }

  /** `extCol IN (keys)` for DuckDB and for pruning by statistics (keys of the native key type). */
  shipPredicate(src: ShipSource, keys: readonly Value[]): { frag: FragExpr; part: PartitionPredicate | undefined } {
    const frag: FragExpr = { kind: 'in', arg: { kind: 'col', name: this.name(src.extCol) }, list: keys.map((k) => ({ kind: 'const', oid: src.nativeOid, typmod: -1, value: k })), negated: false };
    const vs = keys.map((k) => this.typedValue(src.extCol, src.nativeOid, k));
    return { frag, part: vs.includes(NOT_PRUNABLE) ? undefined : { kind: 'in', column: this.name(src.extCol), values: vs, negated: false } };
  }

  get hasFilters(): boolean {
    return this.pushed.length > 0;
  }

  private translate(e: BoundExpr, offset: number, width: number): Pushed | undefined {
    const colOf = (x: BoundExpr): number | undefined => {
      if (x.kind !== 'column' || x.index < offset || x.index >= offset + width) return undefined;
      const i = x.index - offset;
      const c = this.table.columns[i];
      return c && !c.dropped ? i : undefined;
    };
    switch (e.kind) {
      case 'call': {
        if (!CMP_OPS.has(e.name) || e.args.length !== 2) return undefined;
        const [l, r] = e.args as [BoundExpr, BoundExpr];
        let col = colOf(l), other = r, op = e.name as CmpOp;
        if (col === undefined) {
          col = colOf(r);
          other = l;
          op = FLIP[op];
        }
        if (col === undefined || !constantExpr(other) || !sameFamily(this.table.columns[col]!.typeOid, other.type.oid)) return undefined;
        return { kind: 'cmp', col, op, value: other };
      }
      case 'in': {
        const col = colOf(e.arg);
        if (col === undefined || e.list.length === 0) return undefined;
        const oid = this.table.columns[col]!.typeOid;
        if (!e.list.every((x) => constantExpr(x) && sameFamily(oid, x.type.oid))) return undefined;
        return { kind: 'in', col, list: e.list, negated: e.negated };
      }
      case 'nulltest': {
        const col = colOf(e.arg);
        return col !== undefined && !e.isNull && family(this.table.columns[col]!.typeOid) !== undefined ? { kind: 'notNull', col } : undefined;
      }
      case 'and':
      case 'or': {
        const args = e.args.map((a) => this.translate(a, offset, width));
        if (args.some((a) => a === undefined)) return undefined;
        return { kind: e.kind, args: args as Pushed[] };
      }
      default:
        return undefined;
    }
  }

  /**
   * The filters of one execution (parameters and constants evaluated with `ctx`);
   * `partitionColumns`: names of the table's partition columns (from its ref).
   */
  request(ctx: EvalContext, partitionColumns: ReadonlySet<string>): ScanRequest {
    const filters: FragExpr[] = [];
    const partition: PartitionPredicate[] = [];
    const stats: PartitionPredicate[] = [];
    const shown: string[] = [];
    let complete = true;
    for (const p of this.pushed) {
      const ev = this.evaluate(p, ctx);
      if (ev.frag) filters.push(ev.frag);
      if (!ev.exact) complete = false;
      if (ev.part) {
        const cols = predicateColumns(ev.part);
        if (cols.every((c) => partitionColumns.has(c))) partition.push(ev.part);
        else if (!cols.some((c) => partitionColumns.has(c))) stats.push(ev.part);
      }
      shown.push(this.show(p));
    }
    return { filters, partition, stats, shown, complete };
  }

  /** The pushed filters as text, parameters as $n (EXPLAIN without running). */
  shownFilters(): string[] {
    return this.pushed.map((p) => this.show(p));
  }

  private name(col: number): string {
    return this.table.columns[col]!.name;
  }


  /**
   * Would DuckDB compare the column with this constant exactly? Integer and numeric mixes make
   * DuckDB pick a common DECIMAL, which falls back to DOUBLE beyond 38 digits: a numeric constant
   * is rendered only when it fits the column's own numeric(p,s) (then the common type is the
   * column's), an integer constant only against numeric(p,s) with s ≤ 18, never numeric against
   * an integer column. Such a conjunct stays native (it still prunes: pruning compares in JS).
   */
  private exactInDuck(col: number, oid: number, v: Value): boolean {
    const c = this.table.columns[col]!;
    if (c.typeOid !== 1700 && oid !== 1700) return true;
    if (c.typeOid !== 1700) return false;
    if (c.typmod < 0) return false;
    const p = ((c.typmod - 4) >> 16) & 0xffff;
    const sc = (c.typmod - 4) & 0xffff;
    if (INTS.has(oid)) return sc <= 18;
    if (v === null) return true;
    const n = v as { kind?: string; coef?: bigint; scale?: number };
    if (n.kind !== 'finite' || n.coef === undefined || n.scale === undefined) return false;
    const digits = (n.coef < 0n ? -n.coef : n.coef).toString().length;
    return n.scale <= sc && digits - n.scale <= p - sc;
  }

  /** `exact`: `frag` is the whole conjunct (no branch dropped). */
  private evaluate(p: Pushed, ctx: EvalContext): { frag: FragExpr | undefined; part: PartitionPredicate | undefined; exact: boolean } {
    const constFrag = (col: number, e: BoundExpr): { frag: FragExpr; v: Value } => {
      const v = compile(e)([], ctx);
      return { frag: { kind: 'const', oid: e.type.oid, typmod: e.type.typmod ?? -1, value: v }, v };
    };
    switch (p.kind) {
      case 'cmp': {
        const c = constFrag(p.col, p.value);
        const frag: FragExpr | undefined = this.exactInDuck(p.col, p.value.type.oid, c.v) ? { kind: 'cmp', op: p.op, left: { kind: 'col', name: this.name(p.col) }, right: c.frag } : undefined;
        const v = this.typedValue(p.col, p.value.type.oid, c.v);
        return { frag, exact: frag !== undefined, part: v === NOT_PRUNABLE ? undefined : { kind: 'cmp', column: this.name(p.col), op: p.op, value: v } };
      }
      case 'in': {
        const cs = p.list.map((e) => constFrag(p.col, e));
        const exact = cs.every((c, i) => this.exactInDuck(p.col, p.list[i]!.type.oid, c.v));
        const frag: FragExpr | undefined = exact ? { kind: 'in', arg: { kind: 'col', name: this.name(p.col) }, list: cs.map((c) => c.frag), negated: p.negated } : undefined;
        const vs = cs.map((c, i) => this.typedValue(p.col, p.list[i]!.type.oid, c.v));
        return { frag, exact: frag !== undefined, part: vs.includes(NOT_PRUNABLE) ? undefined : { kind: 'in', column: this.name(p.col), values: vs, negated: p.negated } };
      }
      case 'notNull':
        return {
          frag: { kind: 'isNull', arg: { kind: 'col', name: this.name(p.col) }, negated: true },
          part: { kind: 'isNull', column: this.name(p.col), negated: true },
          exact: true,
        };
      case 'and':
      case 'or': {
        const xs = p.args.map((a) => this.evaluate(a, ctx));
        const parts = xs.map((x) => x.part);
        // AND may prune on the prunable part alone; OR only when every branch is prunable. (An
        // AND mixing partition and file columns is then used by neither pruning: see request.)
        const part: PartitionPredicate | undefined = p.kind === 'and'
          ? (parts.some((x) => x) ? { kind: 'and', args: parts.filter((x): x is PartitionPredicate => x !== undefined) } : undefined)
          : (parts.every((x) => x) ? { kind: 'or', args: parts as PartitionPredicate[] } : undefined);
        // DuckDB: an AND may drop a branch it cannot render (weaker filter, re-checked natively);
        // an OR cannot.
        const frags = xs.map((x) => x.frag);
        const kept = frags.filter((x): x is FragExpr => x !== undefined);
        const frag: FragExpr | undefined = p.kind === 'and'
          ? (kept.length > 0 ? { kind: 'and', args: kept } : undefined)
          : (kept.length === frags.length ? { kind: 'or', args: kept } : undefined);
        return { frag, part, exact: frag !== undefined && xs.every((x) => x.exact) };
      }
      default: {
        const never: never = p;
        return never;
      }
    }
  }

  /** `v` as an internal value of the column's type (for pruning), or NOT_PRUNABLE. */
  private typedValue(col: number, oid: number, v: Value): unknown {
    if (v === null) return null;
    const colOid = this.table.columns[col]!.typeOid;
    if (colOid === oid || (family(colOid) === 'text' && family(oid) === 'text')) return v;
    if (INTS.has(colOid) && INTS.has(oid)) {
      const big = typeof v === 'bigint' ? v : BigInt(v as number);
      if (colOid === 20) return big;
      const lim = colOid === 21 ? 1n << 15n : 1n << 31n;
      return big >= -lim && big < lim ? Number(big) : NOT_PRUNABLE;
    }
    return NOT_PRUNABLE;
  }

  private show(p: Pushed): string {
    const c = (e: BoundExpr): string => showConst(e);
    switch (p.kind) {
      case 'cmp': return `(${this.name(p.col)} ${p.op} ${c(p.value)})`;
      case 'in': return `(${this.name(p.col)} ${p.negated ? '<> ALL' : '= ANY'} (ARRAY[${p.list.map(c).join(', ')}]))`;
      case 'notNull': return `(${this.name(p.col)} IS NOT NULL)`;
      case 'and': case 'or': return `(${p.args.map((a) => this.show(a)).join(p.kind === 'and' ? ' AND ' : ' OR ')})`;
      default: {
        const never: never = p;
        return never;
      }
    }
  }
}

const NOT_PRUNABLE = Symbol('not prunable');

function showConst(e: BoundExpr): string {
  if (e.kind === 'param') return `$${e.index + 1}`;
  if (e.kind === 'const') {
    const v = e.value;
    if (v === null) return 'NULL';
    if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    return '(constant)';
  }
  if (e.kind === 'call' && e.args.length === 1) return showConst(e.args[0]!);
  return '(expression)';
}

/** Every string in an AST, and whether it has `*`, NATURAL joins, and its column references. */
function namesIn(ast: unknown): { strings: Set<string>; star: boolean; natural: boolean; renamed: boolean; refs: string[][] } {
  // `renamed`: an alias with a column list (`t AS x(a, b)`) gives columns names a match cannot
  // trace back to the table's, so any such alias means every column.
  const out = { strings: new Set<string>(), star: false, natural: false, renamed: false, refs: [] as string[][] };
  const walk = (n: unknown): void => {
    if (typeof n === 'string') {
      out.strings.add(n);
      return;
    }
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (n === null || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.kind === 'A_Star' || 'A_Star' in o) out.star = true;
    if (o.isNatural === true) out.natural = true;
    if (Array.isArray(o.colnames) && o.colnames.length > 0) out.renamed = true;
    if (o.kind === 'ColumnRef' && Array.isArray(o.fields)) {
      out.refs.push(o.fields.map((f) => {
        const x = f as { sval?: string; String?: { sval?: string } };
        return x.sval ?? x.String?.sval ?? '';
      }));
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(ast);
  return out;
}

function predicateColumns(p: PartitionPredicate): string[] {
  switch (p.kind) {
    case 'cmp': case 'in': case 'isNull': return [p.column];
    case 'and': case 'or': return p.args.flatMap(predicateColumns);
    case 'not': return predicateColumns(p.arg);
    default: {
      const never: never = p;
      return never;
    }
  }
}

function conjunctsOf(e: BoundExpr | undefined): BoundExpr[] {
  if (!e) return [];
  if (e.kind === 'and') return e.args.flatMap(conjunctsOf);
  return [e];
}

/** Literals, parameters and immutable calls over them (see the file header). */
function constantExpr(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'const': case 'param': return true;
    case 'call': return e.volatility === 'immutable' && e.name !== 'outer' && e.args.every(constantExpr);
    default: return false;
  }
}

function sameFamily(colOid: number, valueOid: number): boolean {
  const f = family(colOid);
  if (f === undefined || f !== family(valueOid)) return false;
  // An integer column against a numeric constant: both DuckDB and PostgreSQL compare as numeric;
  // a float column only against floats (numeric→double conversions are done by the binder).
  return true;
}

/** FALSE or NULL when the table's columns are all NULL (safe below an outer join's nullable side). */
function nullRejecting(p: Pushed): boolean {
  switch (p.kind) {
    case 'cmp': case 'in': case 'notNull': return true;
    case 'and': return p.args.some(nullRejecting);
    case 'or': return p.args.every(nullRejecting);
    default: {
      const never: never = p;
      return never;
    }
  }
}
