// Table scans over the lsm, inside the session's transaction (own writes visible), with the
// primary key used when the WHERE clause pins it: equality on every key column → point get;
// equality on a leading part and/or a range on the next key column → key-range scan; else a
// full scan. The residual filter always stays above the scan (exactness never depends on the
// access path), so pushing a key condition can only skip rows that could not match.
//
// Invariant: a scan row has one slot per table attnum (dropped columns read NULL); with
// `withKey` one extra trailing slot holds the stored key (DML uses it to write back).
// A SELECT's scan decodes only the columns its statement can name (`useColumnsOf`); the
// other slots hold NULL and are never read (nothing in the statement refers to them).

import { DbError, TypeOid, cellNeedsDecode, fromCell, keyCell, keyTypeOf, type TableDesc } from '../../catalog/index.js';
import { encodeKey, encodeRowId, prefixSuccessor, type Cell, type KeyColumn, type KeyRow, type Row as LsmRow, type ScanOptions } from '../../lsm/index.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { RelNode, Row } from './ops.js';
import type { TableSession } from './runtime.js';
import type { NodeReport } from '../exec/explain-node.js';
import { scanReport, type KeyCondShown } from '../exec/explain-rel.js';
import { externalRowsOf } from '../external/scan-rows.js'; // issue 5
import { ExternalScan } from '../external/scan-spec.js'; // issue 5 (and its column analysis)
import { describeExternalScan } from '../external/describe.js'; // issue 5

export interface KeyBound {
  value: Compiled;
  /** The SQL type of `value` (may differ from the key column's: int4 column = int8 param). */
  oid: number;
  /** EXPLAIN's Index Cond. */
  shown?: KeyCondShown;
}

export type Access =
  | { kind: 'full' }
  | { kind: 'point'; eq: KeyBound[] }
  | { kind: 'range'; eq: KeyBound[]; lower?: { b: KeyBound; inclusive: boolean }; upper?: { b: KeyBound; inclusive: boolean } };

export function tablesOf(ctx: EvalContext): TableSession {
  const t = ctx.tables;
  if (!t) throw new DbError('XX000', 'table access without a storage session');
  return t;
}

export function keySchema(t: TableDesc): KeyColumn[] {
  if (!t.primaryKey) return [{ type: 'rowid' }];
  return t.primaryKey.attnums.map((a) => {
    const c = t.columns[a - 1]!;
    return { type: keyTypeOf(c.typeOid, String(c.typeOid)) };
  });
}

/** Decodes a stored row into values, one per attnum (short rows: the columns' missing value). */
export function decodeRow(t: TableDesc, cells: LsmRow, out: Value[]): void {
  const cols = t.columns;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    if (c.dropped) out[i] = null;
    else out[i] = i < cells.length ? fromCell(c.typeOid, cells[i]!) : fromCell(c.typeOid, (c.missing ?? null) as Cell);
  }
}

/** How a column's cell becomes its value: the cell itself for most types (fromCell returns it
 *  unchanged), else fromCell. Decided once per plan, not per row. */
type Decode = { attIndex: number; oid: number; direct: boolean; missing: Cell };

function decoderOf(t: TableDesc, i: number): Decode {
  const c = t.columns[i]!;
  return { attIndex: i, oid: c.typeOid, direct: !cellNeedsDecode(c.typeOid), missing: (c.missing ?? null) as Cell };
}

/** A column name no statement can contain (PostgreSQL identifiers cannot hold NUL). */
const NO_COLUMN = '\u0000';

/**
 * Table columns (0-based) the SELECT `ast` can read through a scan of `t` named `alias`, or
 * undefined for all of them. ExternalScan.useColumnsOf is the analysis (any name match anywhere
 * in the statement; `*`, NATURAL and whole-row references mean all columns); it is asked about a
 * copy of the table with one unnameable column in front, so that "no column named" (count(*))
 * shows as that column alone. Column aliases (`t AS x(a, b)`) rename columns out of sight of a
 * name match: the analysis then answers all columns too.
 */
export function columnsNamedIn(t: TableDesc, alias: string | undefined, ast: unknown): number[] | undefined {
  const probe = new ExternalScan({ ...t, columns: [{ name: NO_COLUMN, attnum: 0, typeOid: TypeOid.int4, typmod: -1, notNull: false }, ...t.columns] });
  probe.alias = alias ?? t.name;
  probe.useColumnsOf(ast);
  const fetch = probe.columnsToFetch();
  if (fetch.length === t.columns.length + 1) return undefined;
  return fetch.filter((i) => i > 0).map((i) => i - 1);
}

/** The input row of a key bound's expression: it reads no column (rowIndependent), so one
 *  shared empty row serves every evaluation. */
const NO_ROW: Value[] = Object.freeze([]) as unknown as Value[];

function isIntOid(oid: number): boolean {
  return oid === TypeOid.int2 || oid === TypeOid.int4 || oid === TypeOid.int8;
}

/** Converts a bound value to the key column's cell, or undefined when it cannot equal any key.
 *  Integers: a number (int2/int4 value) is range-checked as a number, without a BigInt per call
 *  (the point lookup's hot path); only bigint values go through BigInt comparisons. */
function toKeyCell(colOid: number, valueOid: number, v: Value): Cell | undefined {
  if (v === null) return undefined;
  if (isIntOid(colOid) && isIntOid(valueOid)) {
    if (typeof v === 'number') {
      if (colOid === TypeOid.int8) return BigInt(v);
      const lim = colOid === TypeOid.int2 ? 32768 : 2147483648;
      return v < -lim || v >= lim ? undefined : v;
    }
    const big = typeof v === 'bigint' ? v : BigInt(v as number);
    const lim = colOid === TypeOid.int2 ? 1n << 15n : colOid === TypeOid.int4 ? 1n << 31n : 1n << 63n;
    if (big < -lim || big >= lim) return undefined;
    return colOid === TypeOid.int8 ? big : Number(big);
  }
  return keyCell(colOid, v);
}

export class ScanNode implements RelNode {
  readonly width: number;
  private readonly schema: KeyColumn[];
  private readonly keyOids: number[];
  /** The FROM-clause alias (EXPLAIN: "Seq Scan on t x"). */
  alias: string | undefined = undefined;
  /** issue 5: what this scan of an external table asks DuckDB for (from.ts sets it). */
  external: ExternalScan | undefined;
  /** The columns decoded per row: all live ones unless useColumnsOf narrowed them. */
  private decoders: Decode[];
  /** The lsm projection (undefined: whole rows). */
  private lsmColumns: number[] | undefined;
  /** A row of NULLs of this scan's width: each output row starts as a copy of it. */
  private readonly nulls: Value[];
  /** emitter()'s function, made once per plan (it reads only plan-time fields). */
  private emitFn: ((kr: KeyRow) => Row) | undefined = undefined;

  constructor(readonly table: TableDesc, public access: Access, readonly withKey = false) {
    this.width = table.columns.length + (withKey ? 1 : 0);
    this.schema = keySchema(table);
    this.keyOids = table.primaryKey ? table.primaryKey.attnums.map((a) => table.columns[a - 1]!.typeOid) : [];
    this.decoders = table.columns.flatMap((c, i) => (c.dropped ? [] : [decoderOf(table, i)]));
    this.lsmColumns = undefined;
    this.nulls = new Array<Value>(this.width).fill(null);
  }

  /**
   * Decode only the columns the SELECT `ast` (the whole statement that plans this scan,
   * subqueries included) can name (columnsNamedIn). Scans that write back (withKey) and
   * external scans keep every column.
   */
  useColumnsOf(ast: unknown): void {
    if (this.withKey || this.table.external !== undefined) return;
    const used = columnsNamedIn(this.table, this.alias, ast);
    if (used === undefined) return;
    this.decoders = used.map((i) => decoderOf(this.table, i));
    this.lsmColumns = used;
    this.emitFn = undefined;
  }

  /** Set once the WHERE clause is bound (select.ts). */
  setAccess(a: Access): void {
    this.access = a;
  }

  private cells(bounds: KeyBound[], ctx: EvalContext): Cell[] | undefined {
    const out: Cell[] = [];
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i]!;
      const c = toKeyCell(this.keyOids[i]!, b.oid, b.value(NO_ROW, ctx));
      if (c === undefined) return undefined;
      out.push(c);
    }
    return out;
  }

  open(ctx: EvalContext): Iterator<Row> {
    if (this.table.external !== undefined) return this.openExternal(ctx);
    if (this.access.kind === 'point') return this.openPoint(ctx, this.access.eq);
    // Full and key-range scans: a plain iterator (no generator frame per row); the lsm scan
    // starts at the first next(), as a generator's body would.
    const a = this.access;
    const emit = this.emitter();
    return new ScanRows(() => {
      const txn = tablesOf(ctx).current();
      const opts = a.kind === 'full' ? {} : this.rangeOptions(a, ctx);
      return opts === undefined ? undefined : txn.scan(this.table.storageId, this.lsmColumns ? { ...opts, columns: this.lsmColumns } : opts);
    }, emit);
  }

  /**
   * For the vectorised aggregate (vec-agg.ts): the lsm scan options of a native full or
   * key-range scan this execution (with the projection), 'empty' when nothing can match, or
   * undefined for scans it does not read (point gets, external tables, scans writing back).
   */
  lsmScanOptions(ctx: EvalContext): ScanOptions | 'empty' | undefined {
    if (this.table.external !== undefined || this.withKey || this.access.kind === 'point') return undefined;
    const opts = this.access.kind === 'full' ? {} : this.rangeOptions(this.access, ctx);
    if (opts === undefined) return 'empty';
    return this.lsmColumns ? { ...opts, columns: this.lsmColumns } : opts;
  }

  /** Stored row → output row, as open() makes them (vec-agg.ts's row path). */
  rowDecoder(): (kr: KeyRow) => Row {
    return this.emitter();
  }

  private *openExternal(ctx: EvalContext): Generator<Row> {
    const t = this.table;
    if (!this.external) throw new DbError('0A000', `external table "${t.name}" cannot be read in this kind of statement`);
    return yield* externalRowsOf(tablesOf(ctx).externalRows, this.external); // issue 5: fetched before the statement ran
  }

  /** A point get: the lookup happens at the first next(), as a generator's body would, but
   *  without a generator frame (one row at most). */
  private openPoint(ctx: EvalContext, eq: KeyBound[]): Iterator<Row> {
    return new PointRow(this, ctx, eq);
  }

  /** PointRow's lookup: the output row of the key `eq` pins, or undefined when none. */
  lookupPoint(ctx: EvalContext, eq: KeyBound[]): Row | undefined {
    const cells = this.cells(eq, ctx);
    if (!cells) return undefined;
    const key = encodeKey(this.schema, cells);
    // Only the columns this statement names are decoded from a segment row (useColumnsOf).
    const row = tablesOf(ctx).current().get(this.table.storageId, key, this.lsmColumns);
    return row ? this.outputRow(row, key) : undefined;
  }

  /** Stored row → output row (emitter() as a function of a KeyRow). */
  private emitter(): (kr: KeyRow) => Row {
    // Cached: decoders change only in useColumnsOf (planning), which clears it.
    if (this.emitFn !== undefined) return this.emitFn;
    this.emitFn = (kr) => this.outputRow(kr.row, kr.key);
    return this.emitFn;
  }

  /** Stored row → output row: the decoded columns, NULL elsewhere, the key last with withKey.
   *  (A point get calls it directly: no { key, row } object per lookup.) */
  private outputRow(cells: LsmRow, key: Uint8Array): Row {
    const decoders = this.decoders;
    const out = this.nulls.slice();
    for (let j = 0; j < decoders.length; j++) {
      const d = decoders[j]!;
      const i = d.attIndex;
      const c = i < cells.length ? cells[i]! : d.missing;
      out[i] = d.direct ? c as Value : fromCell(d.oid, c) as Value;
    }
    if (this.withKey) out[this.table.columns.length] = key;
    return out;
  }

  /** The lsm bounds of a key-range access this execution, or undefined when nothing can match. */
  private rangeOptions(a: Extract<Access, { kind: 'range' }>, ctx: EvalContext): ScanOptions | undefined {
    const eq = this.cells(a.eq, ctx);
    if (!eq) return undefined;
    const n = eq.length;
    const prefix = n > 0 ? encodeKey(this.schema.slice(0, n), eq) : new Uint8Array(0);
    let lower: Uint8Array | undefined = n > 0 ? prefix : undefined;
    let upper: Uint8Array | undefined = n > 0 ? prefixSuccessor(prefix) : undefined;
    let lowerInclusive = true;
    const sub = this.schema.slice(0, n + 1);
    const colOid = this.keyOids[n]!;
    if (a.lower) {
      const v = a.lower.b.value([], ctx);
      if (v === null) return undefined;
      const c = toKeyCell(colOid, a.lower.b.oid, v);
      if (c !== undefined) {
        const k = encodeKey(sub, [...eq, c]);
        if (a.lower.inclusive) lower = k;
        else {
          const s = prefixSuccessor(k);
          if (!s) return undefined;
          lower = s;
        }
        lowerInclusive = true;
      }
    }
    if (a.upper) {
      const v = a.upper.b.value([], ctx);
      if (v === null) return undefined;
      const c = toKeyCell(colOid, a.upper.b.oid, v);
      if (c !== undefined) {
        const k = encodeKey(sub, [...eq, c]);
        upper = a.upper.inclusive ? prefixSuccessor(k) : k;
      }
    }
    return { ...(lower ? { lower, lowerInclusive } : {}), ...(upper ? { upper, upperInclusive: false } : {}) };
  }

  describe(i = ''): string {
    if (this.external) return describeExternalScan(this.external, i); // issue 5
    const what = this.access.kind === 'full' ? 'Seq Scan' : this.access.kind === 'point' ? 'Point Get' : 'Key Range Scan';
    return `${i}${what} on ${this.table.name}`;
  }

  explain(): NodeReport {
    return scanReport(this);
  }
}

/** The one row (or none) of a point get, looked up at the first next(). */
class PointRow implements IterableIterator<Row> {
  private pending = true;

  constructor(private readonly scan: ScanNode, private readonly ctx: EvalContext, private readonly eq: KeyBound[]) {}

  next(): IteratorResult<Row> {
    if (this.pending) {
      this.pending = false;
      const row = this.scan.lookupPoint(this.ctx, this.eq);
      if (row !== undefined) return { done: false, value: row };
    }
    return { done: true, value: undefined };
  }

  return(): IteratorResult<Row> {
    this.pending = false;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): IterableIterator<Row> {
    return this;
  }
}

/** Rows of an lsm scan (opened at the first next()) through `emit`. */
class ScanRows implements IterableIterator<Row> {
  private src: Iterator<KeyRow> | undefined;
  private started = false;

  constructor(private readonly start: () => Iterator<KeyRow> | undefined, private readonly emit: (kr: KeyRow) => Row) {}

  next(): IteratorResult<Row> {
    if (!this.started) {
      this.started = true;
      this.src = this.start();
    }
    const r = this.src?.next();
    if (r === undefined || r.done) {
      this.src = undefined;
      return { done: true, value: undefined };
    }
    return { done: false, value: this.emit(r.value) };
  }

  return(): IteratorResult<Row> {
    this.started = true;
    this.src?.return?.();
    this.src = undefined;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): IterableIterator<Row> {
    return this;
  }
}

/** Splits a WHERE clause into its AND-ed conjuncts. */
export function conjuncts(e: BoundExpr | undefined): BoundExpr[] {
  if (!e) return [];
  if (e.kind === 'and') return e.args.flatMap(conjuncts);
  return [e];
}

/** True when the expression reads no input column (constants, parameters, stable calls). */
export function rowIndependent(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'const': case 'param': return true;
    case 'column': case 'asyncCall': return false;
    case 'call': return e.volatility !== 'volatile' && e.args.every(rowIndependent);
    default: return false;
  }
}

/**
 * Chooses the access path for a scan of `t` whose slots start at `offset` in the row that
 * `where` reads. Only `=`, `<`, `<=`, `>`, `>=` between a key column and a row-independent
 * expression are used.
 */
export function chooseAccess(t: TableDesc, offset: number, where: BoundExpr | undefined): Access {
  if (!t.primaryKey) return { kind: 'full' };
  const pk = t.primaryKey.attnums.map((a) => offset + a - 1);
  type Cond = { op: string; b: KeyBound };
  const byCol = new Map<number, Cond[]>();
  const flip: Record<string, string> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
  for (const c of conjuncts(where)) {
    if (c.kind !== 'call' || !(c.name in flip) || c.args.length !== 2) continue;
    const [l, r] = c.args as [BoundExpr, BoundExpr];
    let col: BoundExpr, other: BoundExpr, op = c.name;
    if (l.kind === 'column' && rowIndependent(r)) { col = l; other = r; }
    else if (r.kind === 'column' && rowIndependent(l)) { col = r; other = l; op = flip[op]!; }
    else continue;
    if (col.kind !== 'column' || !pk.includes(col.index)) continue;
    const colOid = t.columns[col.index - offset]!.typeOid;
    if (!keyComparable(colOid, other.type.oid)) continue;
    const list = byCol.get(col.index) ?? [];
    list.push({ op, b: { value: compile(other), oid: other.type.oid, shown: { cond: c, column: t.columns[col.index - offset]!.name, op, other } } });
    byCol.set(col.index, list);
  }
  const eq: KeyBound[] = [];
  for (const slot of pk) {
    const e = byCol.get(slot)?.find((x) => x.op === '=');
    if (!e) break;
    eq.push(e.b);
  }
  if (eq.length === pk.length) return { kind: 'point', eq };
  const next = byCol.get(pk[eq.length]!) ?? [];
  const lo = next.find((x) => x.op === '>' || x.op === '>=');
  const hi = next.find((x) => x.op === '<' || x.op === '<=');
  if (eq.length === 0 && !lo && !hi) return { kind: 'full' };
  return {
    kind: 'range', eq,
    ...(lo ? { lower: { b: lo.b, inclusive: lo.op === '>=' } } : {}),
    ...(hi ? { upper: { b: hi.b, inclusive: hi.op === '<=' } } : {}),
  };
}

/**
 * For a native point get planned from `where` (chooseAccess): the conjuncts of `where` that it
 * does not guarantee — every row it returns has key bytes equal to its key conditions', so those
 * conditions are true for it (a key's bytes equal only for equal values). Undefined when the
 * scan is no such point get (the whole `where` must be checked).
 */
export function pointResidual(scan: ScanNode, where: BoundExpr): BoundExpr[] | undefined {
  const a = scan.access;
  if (a.kind !== 'point' || scan.table.external !== undefined || scan.external !== undefined) return undefined;
  const used = new Set<BoundExpr>();
  for (const b of a.eq) {
    if (b.shown === undefined) return undefined;
    used.add(b.shown.cond);
  }
  return conjuncts(where).filter((c) => !used.has(c));
}

/** A value of type `v` can be turned into a key of column type `c` without changing order. */
function keyComparable(c: number, v: number): boolean {
  if (c === v) return c !== TypeOid.bpchar;
  const ints = [TypeOid.int2, TypeOid.int4, TypeOid.int8] as number[];
  if (ints.includes(c) && ints.includes(v)) return true;
  return false;
}

export { encodeRowId };
