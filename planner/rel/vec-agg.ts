// The vectorised aggregate: a hash aggregate over ONE native table scan (full or key range,
// optionally under a WHERE of simple integer comparisons) computed from the segments' column
// vectors instead of per-row JS arrays. AggNode (agg.ts) picks it once per plan; the plan and
// EXPLAIN stay those of the HashAggregate/Aggregate it replaces at run time.
//
// Shape taken: no grouping sets; zero or one group key that is a plain column of type
// int2/int4/int8/text/varchar; only count(*), count(col), sum/avg/min/max(col) over
// int2/int4/int8/float4/float8/numeric (min/max also text/varchar), none with DISTINCT, FILTER or
// ORDER BY; the WHERE (if any) an AND of `col op constant` with col of type int2/int4/int8,
// op one of = <> < <= > >=, the constant row-independent and of type int2/int4/int8.
//
// At run time the lsm hands out the visible rows of the scan as parts (LsmDb.scanPartsAt,
// lsm/db/reads.ts): a segment whose needed columns have the expected Arrow encodings gives
// column vectors per record batch (visible rows selected, no row object), the keys newer
// sources (the memtable) hold taken out and given as resolved rows in their places; the rest —
// memtables alone, too many newer keys, other encodings, rows narrower than the needed columns
// (before ADD COLUMN) — gives rows, which go through the scan's own decoder, the
// filter's compiled predicate and the compiled group/argument expressions, exactly as on the row
// path. Parts come in key order, so groups appear in the order the row path sees them and float
// sums add in the same order: the results are those of agg-fast.ts (vec-agg.test.ts checks).
// A transaction with uncommitted writes of its own runs the row path (its write set merges into
// the scan row by row; the lsm's parts do not see it), and so does EXPLAIN ANALYZE (its
// per-operator counts are those of the operators the row path opens).

import { TypeOid } from '../../catalog/index.js';
import { decodeUtf8 as decodeText, type Cell, type ColumnEncoding, type ColumnVector, type ScanPart, type VectorBatch } from '../../lsm/index.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import type { Compiled } from '../eval/compile.js';
import { compile } from '../eval/compile.js';
import type { AggShown } from '../exec/explain-rel.js';
import type { FastAggCall } from './agg-fast.js';
import { CANCEL_CHECK_ROWS, FilterNode, ROWS_IN_MEMORY_MAX, checkCancel, tooMany, type RelNode, type Row } from './ops.js';
import { ScanNode, conjuncts, rowIndependent, tablesOf } from './scan.js';
import { isValid, kernelFactory, type Kernel } from './vec-kernels.js';

const O = TypeOid;
const INT_OIDS: ReadonlySet<number> = new Set([O.int2, O.int4, O.int8]);
const KEY_OIDS: ReadonlySet<number> = new Set([O.int2, O.int4, O.int8, O.text, O.varchar]);
const ARG_OIDS: ReadonlySet<number> = new Set([O.int2, O.int4, O.int8, O.float4, O.float8, O.numeric]);
const TEXT_OIDS: ReadonlySet<number> = new Set([O.text, O.varchar]);

/** The Arrow encoding a column of SQL type `oid` has in a segment (catalog/STORAGE.md's cells). */
function encodingOf(oid: number): ColumnEncoding | undefined {
  if (oid === O.int2 || oid === O.int4 || oid === O.float4 || oid === O.float8) return 'f64';
  if (oid === O.int8) return 'i64';
  if (oid === O.numeric || oid === O.text || oid === O.varchar) return 'utf8';
  return undefined;
}

type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
const FLIP: Record<CmpOp, CmpOp> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

interface VecPred {
  col: number;
  op: CmpOp;
  value: Compiled;
}

interface VecArg {
  /** Table column read (undefined: count(*)). */
  col: number | undefined;
  kernel: (ctx: EvalContext) => Kernel;
  /** The compiled argument (row path). */
  arg: Compiled | undefined;
}

/** What the vector path counts (tests assert it ran). */
export interface VecAggStats {
  runs: number;
  vectorRows: number;
  rowPathRows: number;
}

/** The plan of a vectorised aggregate (from vectorAggregate). */
export interface VecAgg {
  /** The aggregate's rows, or undefined when this execution must take the row path. */
  open(ctx: EvalContext): Generator<Row> | undefined;
  readonly stats: VecAggStats;
}

function pred(e: BoundExpr, width: number): VecPred | undefined {
  if (e.kind !== 'call' || e.args.length !== 2 || !(e.name in FLIP)) return undefined;
  const [l, r] = e.args as [BoundExpr, BoundExpr];
  let col: BoundExpr, other: BoundExpr, op = e.name as CmpOp;
  if (l.kind === 'column' && rowIndependent(r)) {
    col = l;
    other = r;
  } else if (r.kind === 'column' && rowIndependent(l)) {
    col = r;
    other = l;
    op = FLIP[op];
  } else return undefined;
  if (col.kind !== 'column' || col.index >= width || !INT_OIDS.has(col.type.oid) || !INT_OIDS.has(other.type.oid)) return undefined;
  return { col: col.index, op, value: compile(other) };
}

/** The vectorised plan of an aggregate, or undefined when its shape is not one it takes. */
export function vectorAggregate(input: RelNode, groups: readonly Compiled[], aggs: readonly FastAggCall[], grouped: boolean, shown: AggShown | undefined): VecAgg | undefined {
  let scan: RelNode = input;
  let filter: FilterNode | undefined;
  if (scan instanceof FilterNode) {
    filter = scan;
    scan = scan.input;
  }
  if (!(scan instanceof ScanNode) || scan.table.external !== undefined || scan.withKey) return undefined;
  const table = scan.table;
  const width = table.columns.length;
  const colOk = (e: BoundExpr | undefined, oids: ReadonlySet<number>): e is Extract<BoundExpr, { kind: 'column' }> =>
    e?.kind === 'column' && e.index < width && !table.columns[e.index]!.dropped && oids.has(e.type.oid) && e.type.oid === table.columns[e.index]!.typeOid;
  // The WHERE: every conjunct a vector predicate.
  const preds: VecPred[] = [];
  if (filter) {
    if (!filter.shown) return undefined;
    for (const c of conjuncts(filter.shown.expr)) {
      const p = pred(c, width);
      const tc = p && table.columns[p.col]!;
      if (!p || !tc || tc.dropped || !INT_OIDS.has(tc.typeOid)) return undefined;
      preds.push(p);
    }
  }
  // The group key.
  if (groups.length > 1 || (groups.length === 1 && (!shown || shown.groups.length !== 1))) return undefined;
  const keyExpr = shown?.groups[0];
  if (groups.length === 1 && !colOk(keyExpr, KEY_OIDS)) return undefined;
  const keyCol = groups.length === 1 ? (keyExpr as Extract<BoundExpr, { kind: 'column' }>).index : undefined;
  // The aggregates.
  const args: VecArg[] = [];
  for (const a of aggs) {
    if (a.distinct || a.filter || a.order || a.args.length > 1) return undefined;
    const e = a.shownArgs?.[0];
    if (a.args.length === 1) {
      const oids = a.name === 'min' || a.name === 'max' ? new Set([...ARG_OIDS, ...TEXT_OIDS]) : a.name === 'count' ? new Set([...ARG_OIDS, ...TEXT_OIDS]) : ARG_OIDS;
      if (!colOk(e, oids)) return undefined;
    }
    const kernel = kernelFactory({ name: a.name, argType: a.args.length === 1 ? e!.type : undefined, make: a.make });
    if (!kernel) return undefined;
    args.push({ col: a.args.length === 1 ? (e as Extract<BoundExpr, { kind: 'column' }>).index : undefined, kernel, arg: a.args[0] });
  }
  // The columns read from vectors and the encodings expected for each.
  const cols = new Set<number>(preds.map((p) => p.col));
  if (keyCol !== undefined) cols.add(keyCol);
  for (const a of args) if (a.col !== undefined) cols.add(a.col);
  const request = { columns: [...cols].map((column) => ({ column, encodings: [encodingOf(table.columns[column]!.typeOid)!] })) };
  const scanNode = scan;
  const stats: VecAggStats = { runs: 0, vectorRows: 0, rowPathRows: 0 };
  const run = new VecRun(scanNode, filter?.pred, preds, keyCol, groups[0], args, grouped, table.columns.map((c) => c.typeOid));
  return {
    stats,
    open(ctx) {
      // EXPLAIN ANALYZE instruments a plan by giving each operator an own `open` (exec/
      // explain-analyze.ts): the row path then runs, so the scan and filter lines report the
      // rows they produced (the vector path never opens them).
      if (Object.hasOwn(scanNode, 'open') || (filter !== undefined && Object.hasOwn(filter, 'open'))) return undefined;
      const ts = tablesOf(ctx);
      const txn = ts.current();
      if (txn.writeCount > 0) return undefined;
      const opts = scanNode.lsmScanOptions(ctx);
      if (opts === undefined) return undefined;
      stats.runs++;
      const parts = opts === 'empty' ? undefined : ts.db.scanPartsAt(table.storageId, opts, txn.snapshotSeq, request);
      return run.rows(ctx, parts, stats);
    },
  };
}

const DENSE_KEYS_MAX = 1 << 16;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** Group ids by key value, first seen first (agg-fast.ts's grouping: same groups, same order). */
class GroupIds {
  count = 0;
  readonly keys: Value[] = [];
  private dense: Int32Array<ArrayBuffer> = new Int32Array(0);
  private readonly byNumber = new Map<number, number>();
  private readonly byString = new Map<string, number>();
  private readonly byBig = new Map<string, number>();
  private nullGid = -1;

  constructor(private readonly onNew: (n: number) => void) {}

  private add(v: Value): number {
    if (this.count >= ROWS_IN_MEMORY_MAX) throw tooMany();
    this.keys.push(v);
    this.onNew(this.count + 1);
    return this.count++;
  }

  /** Group ids of small non-negative integer keys (-1: none yet); replaced when it grows. */
  get denseIds(): Int32Array {
    return this.dense;
  }

  /** A small non-negative integer key. */
  denseId(d: number, v: Value): number {
    if (d >= this.dense.length) {
      let n = Math.max(64, this.dense.length);
      while (n <= d) n *= 2;
      const b = new Int32Array(n).fill(-1);
      b.set(this.dense);
      this.dense = b;
    }
    let g = this.dense[d]!;
    if (g < 0) this.dense[d] = g = this.add(v);
    return g;
  }

  id(v: Value): number {
    switch (typeof v) {
      case 'number':
        // -0 lands on 0, as in agg-fast.ts (and SameValueZero in the Map).
        if (v >= 0 && v < DENSE_KEYS_MAX && (v | 0) === v) return this.denseId(v, v);
        return this.mapId(this.byNumber, v, v);
      case 'bigint':
        if (v >= 0n && v < BigInt(DENSE_KEYS_MAX)) return this.denseId(Number(v), v);
        if (v >= -MAX_SAFE_BIG && v <= MAX_SAFE_BIG) return this.mapId(this.byNumber, Number(v), v);
        return this.mapId(this.byBig, v.toString(), v);
      case 'string':
        return this.mapId(this.byString, v, v);
      default:
        if (v === null) return this.nullGid >= 0 ? this.nullGid : (this.nullGid = this.add(null));
        throw new Error(`vec-agg: unexpected group key ${String(v)}`);
    }
  }

  private mapId<K>(m: Map<K, number>, k: K, v: Value): number {
    let g = m.get(k);
    if (g === undefined) m.set(k, (g = this.add(v)));
    return g;
  }
}

/** One execution's work (state lives in `rows`; this object holds the plan). */
class VecRun {
  constructor(
    private readonly scan: ScanNode,
    private readonly filter: Compiled | undefined,
    private readonly preds: readonly VecPred[],
    private readonly keyCol: number | undefined,
    private readonly keyFn: Compiled | undefined,
    private readonly args: readonly VecArg[],
    private readonly grouped: boolean,
    private readonly oids: readonly number[],
  ) {}

  *rows(ctx: EvalContext, parts: Iterator<ScanPart> | undefined, stats: VecAggStats): Generator<Row> {
    const kernels = this.args.map((a) => a.kernel(ctx));
    const ids = new GroupIds((n) => { for (const k of kernels) k.grow(n); });
    const consts = this.preds.map((p) => p.value([], ctx));
    let sel = new Int32Array(0);
    let gids = new Int32Array(0);
    const decode = this.scan.rowDecoder();
    const minWidth = this.minWidth;
    let n = 0;
    try {
      for (let p = parts?.next(); p !== undefined && !p.done; p = parts!.next()) {
        const part = p.value;
        if (part.kind === 'rows') {
          for (let r = part.rows.next(); !r.done; r = part.rows.next()) {
            if (++n % CANCEL_CHECK_ROWS === 0) checkCancel(ctx);
            const cells = r.value.row;
            // A full-width row: its stored cells are read directly (addCells); a narrower one
            // (before ADD COLUMN: missing cells take the column's default) is decoded.
            if (cells.length >= minWidth) this.addCells(cells, consts, ids, kernels, stats);
            else this.addRow(decode(r.value), ctx, ids, kernels, stats);
          }
          continue;
        }
        checkCancel(ctx);
        const vb = part.batch;
        if (sel.length < vb.count) {
          sel = new Int32Array(vb.sel.length);
          gids = new Int32Array(vb.sel.length);
        }
        const count = this.select(vb, consts, sel);
        if (count === 0) continue;
        stats.vectorRows += count;
        this.groupIds(vb, sel, count, ids, gids);
        for (let i = 0; i < kernels.length; i++) {
          const col = this.args[i]!.col;
          kernels[i]!.addVectors(vb, col === undefined ? undefined : vb.vector(col), col ?? -1, sel, gids, count);
        }
      }
    } finally {
      parts?.return?.();
    }
    if (ids.count === 0 && !this.grouped && this.keyCol === undefined) ids.id(null);
    for (let g = 0; g < ids.count; g++) {
      const out = new Array<Value>((this.keyCol === undefined ? 0 : 1) + kernels.length);
      let j = 0;
      if (this.keyCol !== undefined) out[j++] = ids.keys[g]!;
      for (const k of kernels) out[j++] = k.result(g);
      yield out;
    }
  }

  /** Cells past the last column the aggregate reads (key, arguments, predicates). */
  private get minWidth(): number {
    let w = this.keyCol === undefined ? 0 : this.keyCol + 1;
    for (const p of this.preds) w = Math.max(w, p.col + 1);
    for (const a of this.args) if (a.col !== undefined) w = Math.max(w, a.col + 1);
    return w;
  }

  /**
   * The row path over one stored row's cells (a memtable row, a key newer sources decide):
   * the predicates, key and arguments are plain columns of types whose cell is their value
   * (catalog/schema/cells.ts fromCell) except numeric, which only the kernels read (addCell) —
   * so no decoded row, no Numeric per value. The same result as addRow on the decoded row.
   */
  private addCells(cells: readonly Cell[], consts: readonly Value[], ids: GroupIds, kernels: Kernel[], stats: VecAggStats): void {
    for (let i = 0; i < this.preds.length; i++) {
      const p = this.preds[i]!;
      const c = cells[p.col]!;
      const k = consts[i]!;
      if (c === null || k === null || !compare(c as number | bigint, p.op, k as number | bigint)) return;
    }
    stats.rowPathRows++;
    const g = this.keyCol === undefined ? ids.id(null) : ids.id(cells[this.keyCol]! as Value);
    for (let i = 0; i < kernels.length; i++) {
      const col = this.args[i]!.col;
      kernels[i]!.addCell(g, col === undefined ? null : cells[col]!);
    }
  }

  /** The row path: one decoded scan row. */
  private addRow(row: Row, ctx: EvalContext, ids: GroupIds, kernels: Kernel[], stats: VecAggStats): void {
    if (this.filter && this.filter(row, ctx) !== true) return;
    stats.rowPathRows++;
    const g = this.keyFn === undefined ? ids.id(null) : ids.id(this.keyFn(row, ctx));
    for (let i = 0; i < kernels.length; i++) {
      const f = this.args[i]!.arg;
      kernels[i]!.addValue(g, f === undefined ? null : f(row, ctx));
    }
  }

  /** The batch's selected rows that pass every predicate, into `out`; their count. */
  private select(vb: VectorBatch, consts: readonly Value[], out: Int32Array): number {
    let count = vb.count;
    out.set(vb.sel.subarray(0, count));
    for (let i = 0; i < this.preds.length; i++) {
      const c = consts[i]!;
      if (c === null) return 0; // col op NULL is never true
      const p = this.preds[i]!;
      count = filterVector(vb.vector(p.col), p.op, c as number | bigint, out, count);
    }
    return count;
  }

  /** Group ids of rows sel[0..count) into gids. */
  private groupIds(vb: VectorBatch, sel: Int32Array, count: number, ids: GroupIds, gids: Int32Array): void {
    const kc = this.keyCol;
    if (kc === undefined) {
      const g = ids.id(null);
      gids.fill(g, 0, count);
      return;
    }
    const vec = vb.vector(kc);
    const off = vec.offset;
    const nulls = vec.valid !== undefined;
    switch (vec.enc) {
      case 'f64': {
        const v = vec.values;
        for (let i = 0; i < count; ) {
          // Known small keys of rows without nulls: one typed-array read each (denseRun); the
          // row it stops at (a NULL, a new key, any other number) takes the general way.
          if (!nulls) i = denseRun(v, off, sel, i, count, ids.denseIds, gids);
          if (i === count) break;
          const r = sel[i]!;
          if (nulls && !isValid(vec, r)) gids[i] = ids.id(null);
          else {
            const x = v[off + r]!;
            gids[i] = x >= 0 && x < DENSE_KEYS_MAX && (x | 0) === x ? ids.denseId(x, x) : ids.id(x);
          }
          i++;
        }
        return;
      }
      case 'i64': {
        const w = vec.words;
        for (let i = 0; i < count; i++) {
          const r = sel[i]!;
          if (nulls && !isValid(vec, r)) gids[i] = ids.id(null);
          else {
            const j = (off + r) * 2;
            const lo = w[j]!;
            gids[i] = w[j + 1] === 0 && lo >= 0 && lo < DENSE_KEYS_MAX ? ids.denseId(lo, vec.values[off + r]!) : ids.id(vec.values[off + r]!);
          }
        }
        return;
      }
      default:
        for (let i = 0; i < count; i++) gids[i] = ids.id(keyValue(vb, vec, kc, sel[i]!, this.oids[kc]!));
    }
  }
}

/**
 * Group ids of rows sel[i..count) whose f64 key is a small integer with a group already, into
 * gids; stops at the first other row (returns its index; count: all done). Monomorphic typed
 * arrays in a small function: the hot loop of a GROUP BY over an int key.
 */
function denseRun(v: Float64Array, off: number, sel: Int32Array, i: number, count: number, dense: Int32Array, gids: Int32Array): number {
  const limit = dense.length;
  for (; i < count; i++) {
    const x = v[off + sel[i]!]!;
    if (!(x >= 0 && x < limit)) return i;
    const k = x | 0;
    if (k !== x) return i;
    const g = dense[k]!;
    if (g < 0) return i;
    gids[i] = g;
  }
  return count;
}

/** A key column's value (utf8 text, or every row null). */
function keyValue(vb: VectorBatch, vec: ColumnVector, col: number, r: number, _oid: number): Value {
  if (!isValid(vec, r)) return null;
  if (vec.enc === 'utf8') {
    const o = vec.offsets;
    return decodeText(vec.bytes, o[vec.offset + r]!, o[vec.offset + r + 1]!);
  }
  return vb.cell(col, r) as Value;
}

/** Keeps the rows of sel[0..count) whose value `op` c is true (NULL: never); the new count. */
function filterVector(vec: ColumnVector, op: CmpOp, c: number | bigint, sel: Int32Array, count: number): number {
  const off = vec.offset;
  let n = 0;
  switch (vec.enc) {
    case 'f64': {
      const v = vec.values;
      for (let i = 0; i < count; i++) {
        const r = sel[i]!;
        if (!isValid(vec, r)) continue;
        if (compare(v[off + r]!, op, c)) sel[n++] = r;
      }
      return n;
    }
    case 'i64': {
      const w = vec.words;
      for (let i = 0; i < count; i++) {
        const r = sel[i]!;
        if (!isValid(vec, r)) continue;
        const j = (off + r) * 2;
        const hi = w[j + 1]!;
        // hi·2^32 + lo is an exact number while |hi| < 2^20; else read the bigint.
        const x = hi < 1048576 && hi > -1048576 ? hi * 4294967296 + (w[j]! >>> 0) : vec.values[off + r]!;
        if (compare(x, op, c)) sel[n++] = r;
      }
      return n;
    }
    default:
      return 0; // 'null': every value NULL (planning admits integer columns only)
  }
}

/** Mixed number/bigint comparisons are exact in JS. */
function compare(x: number | bigint, op: CmpOp, c: number | bigint): boolean {
  switch (op) {
    case '=': return x == c; // eslint-disable-line eqeqeq -- number == bigint compares values
    case '<>': return x != c; // eslint-disable-line eqeqeq
    case '<': return x < c;
    case '<=': return x <= c;
    case '>': return x > c;
    case '>=': return x >= c;
  }
}
