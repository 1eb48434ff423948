// Table scans over the lsm, inside the session's transaction (own writes visible), with the
// primary key used when the WHERE clause pins it: equality on every key column → point get;
// equality on a leading part and/or a range on the next key column → key-range scan; else a
// full scan. The residual filter always stays above the scan (exactness never depends on the
// access path), so pushing a key condition can only skip rows that could not match.
//
// Invariant: a scan row has one slot per table attnum (dropped columns read NULL); with
// `withKey` one extra trailing slot holds the stored key (DML uses it to write back).

import { DbError, TypeOid, fromCell, keyCell, keyTypeOf, type TableDesc } from '../../catalog/index.js';
import { encodeKey, encodeRowId, prefixSuccessor, type Cell, type KeyColumn, type KeyRow, type Row as LsmRow } from '../../lsm/index.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { RelNode, Row } from './ops.js';
import type { TableSession } from './runtime.js';
import type { NodeReport } from '../exec/explain-node.js';
import { scanReport, type KeyCondShown } from '../exec/explain-rel.js';
import { externalRowsOf } from '../external/scan-rows.js'; // issue 5
import type { ExternalScan } from '../external/scan-spec.js'; // issue 5
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

/** Converts a bound value to the key column's cell, or undefined when it cannot equal any key. */
function toKeyCell(colOid: number, valueOid: number, v: Value): Cell | undefined {
  if (v === null) return undefined;
  const ints = [TypeOid.int2, TypeOid.int4, TypeOid.int8] as number[];
  if (ints.includes(colOid) && ints.includes(valueOid)) {
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

  constructor(readonly table: TableDesc, public access: Access, readonly withKey = false) {
    this.width = table.columns.length + (withKey ? 1 : 0);
    this.schema = keySchema(table);
    this.keyOids = table.primaryKey ? table.primaryKey.attnums.map((a) => table.columns[a - 1]!.typeOid) : [];
  }

  /** Set once the WHERE clause is bound (select.ts). */
  setAccess(a: Access): void {
    this.access = a;
  }

  private cells(bounds: KeyBound[], ctx: EvalContext): Cell[] | undefined {
    const out: Cell[] = [];
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i]!;
      const c = toKeyCell(this.keyOids[i]!, b.oid, b.value([], ctx));
      if (c === undefined) return undefined;
      out.push(c);
    }
    return out;
  }

  *open(ctx: EvalContext): Generator<Row> {
    const ts = tablesOf(ctx);
    const t = this.table;
    if (t.external !== undefined) { // issue 5: fetched before the statement ran
      if (!this.external) throw new DbError('0A000', `external table "${t.name}" cannot be read in this kind of statement`);
      return yield* externalRowsOf(ts.externalRows, this.external);
    }
    const txn = ts.current();
    const emit = (kr: KeyRow): Row => {
      const out = new Array<Value>(this.width);
      decodeRow(t, kr.row, out);
      if (this.withKey) out[t.columns.length] = kr.key;
      return out;
    };
    const a = this.access;
    switch (a.kind) {
      case 'full': {
        for (const kr of txn.scan(t.storageId)) yield emit(kr);
        return;
      }
      case 'point': {
        const cells = this.cells(a.eq, ctx);
        if (!cells) return;
        const key = encodeKey(this.schema, cells);
        const row = txn.get(t.storageId, key);
        if (row) yield emit({ key, row });
        return;
      }
      case 'range': {
        const eq = this.cells(a.eq, ctx);
        if (!eq) return;
        const n = eq.length;
        const prefix = n > 0 ? encodeKey(this.schema.slice(0, n), eq) : new Uint8Array(0);
        let lower: Uint8Array | undefined = n > 0 ? prefix : undefined;
        let upper: Uint8Array | undefined = n > 0 ? prefixSuccessor(prefix) : undefined;
        let lowerInclusive = true;
        const sub = this.schema.slice(0, n + 1);
        const colOid = this.keyOids[n]!;
        if (a.lower) {
          const v = a.lower.b.value([], ctx);
          if (v === null) return;
          const c = toKeyCell(colOid, a.lower.b.oid, v);
          if (c !== undefined) {
            const k = encodeKey(sub, [...eq, c]);
            if (a.lower.inclusive) lower = k;
            else {
              const s = prefixSuccessor(k);
              if (!s) return;
              lower = s;
            }
            lowerInclusive = true;
          }
        }
        if (a.upper) {
          const v = a.upper.b.value([], ctx);
          if (v === null) return;
          const c = toKeyCell(colOid, a.upper.b.oid, v);
          if (c !== undefined) {
            const k = encodeKey(sub, [...eq, c]);
            upper = a.upper.inclusive ? prefixSuccessor(k) : k;
          }
        }
        const opts = { ...(lower ? { lower, lowerInclusive } : {}), ...(upper ? { upper, upperInclusive: false } : {}) };
        for (const kr of txn.scan(t.storageId, opts)) yield emit(kr);
        return;
      }
      default: {
        const never: never = a;
        return never;
      }
    }
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

/** A value of type `v` can be turned into a key of column type `c` without changing order. */
function keyComparable(c: number, v: number): boolean {
  if (c === v) return c !== TypeOid.bpchar;
  const ints = [TypeOid.int2, TypeOid.int4, TypeOid.int8] as number[];
  if (ints.includes(c) && ints.includes(v)) return true;
  return false;
}

export { encodeRowId };
