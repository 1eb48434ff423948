// Key shipping for hybrid joins (issue 5, placement "ship the native keys"): when an external
// table is joined on an equality with a plain native table scan, the native side is read first
// (with the WHERE conjuncts that only read it), and when it is small its distinct keys are pushed
// into the external fragment as `key IN (…)` — into DuckDB's WHERE and into file pruning by
// statistics. The join itself still runs natively, so shipping only removes external rows that
// could not find a partner.
// Invariants: shipping is offered only where dropping unmatched external rows cannot change the
// result (inner join; the external table on the nullable side of an outer join); the key types
// compare the same way in DuckDB and PostgreSQL (integers of any width, text, date, timestamp,
// timestamptz); native filters used to shrink the key set read only the native scan and constants
// (no subqueries, no outer references), and ignoring one of them only ships more keys.
// `pyralog.ship_keys` (custom setting: auto | on | off) forces it either way for tests.
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { RelNode } from '../rel/ops.js';
import { shiftColumns } from '../rel/from.js';

/** Native rows read (after filters) before shipping is given up in `auto` mode. */
export const SHIP_ROWS_AUTO_MAX = 10_000;
/** Hard bound with `pyralog.ship_keys = on` (the SQL text carries every key). */
export const SHIP_ROWS_FORCED_MAX = 100_000;

const FAMILY: Record<number, string> = { 20: 'int', 21: 'int', 23: 'int', 25: 'text', 1043: 'text', 1082: 'date', 1114: 'ts', 1184: 'tstz' };

export interface ShipSource {
  /** The native table scan (no external scans below it). */
  native: RelNode & { readonly width: number };
  nativeName: string;
  /** Key slot in the native scan's row and its type. */
  nativeKey: number;
  nativeOid: number;
  /** Absolute slot where the native scan's columns start in the SELECT's row. */
  nativeOffset: number;
  /** External table column (0-based) the key equals. */
  extCol: number;
  /** Native-only WHERE conjuncts (compiled over the native row), set once WHERE is bound. */
  filters: Compiled[];
  /**
   * Keys read for the statement being set up (`rememberKeys`), so that a scan that first tries
   * its key runs (ship-runs.ts) and then falls back to the usual fragment reads the native side
   * once. Cleared by runFetching (fetch-run.ts) when the set-up ends; only used for the same
   * EvalContext and row bound.
   */
  collected?: { ctx: EvalContext; rowsMax: number; keys: Value[] | undefined } | undefined;
}

/** Key types whose equality DuckDB and PostgreSQL agree on. */
export function shippable(nativeOid: number, extOid: number): boolean {
  const f = FAMILY[nativeOid];
  return f !== undefined && f === FAMILY[extOid];
}

/** The conjuncts of `where` that read only the native scan (and constants); compiled over its row. */
export function nativeFilters(src: ShipSource, where: BoundExpr | undefined): Compiled[] {
  const out: Compiled[] = [];
  const lo = src.nativeOffset, hi = src.nativeOffset + src.native.width;
  const ok = (e: BoundExpr): boolean => {
    switch (e.kind) {
      case 'const': case 'param': return true;
      case 'column': return e.index >= lo && e.index < hi;
      case 'asyncCall': return false;
      case 'call': return e.volatility !== 'volatile' && e.name !== 'outer' && e.args.every(ok);
      case 'and': case 'or': case 'coalesce': case 'minmax': return e.args.every(ok);
      case 'not': case 'nulltest': case 'booltest': return ok(e.arg);
      case 'case': return e.whens.every((w) => ok(w.cond) && ok(w.result)) && ok(e.otherwise);
      case 'nullif': case 'distinct': return ok(e.left) && ok(e.right);
      case 'in': return ok(e.arg) && e.list.every(ok);
      default: {
        const never: never = e;
        return never;
      }
    }
  };
  const conj = (e: BoundExpr | undefined): BoundExpr[] => (!e ? [] : e.kind === 'and' ? e.args.flatMap(conj) : [e]);
  for (const c of conj(where)) if (ok(c)) out.push(compile(shiftColumns(c, -lo)));
  return out;
}

/** Mode from the session (`pyralog.ship_keys`). */
export function shipMode(ctx: EvalContext): 'auto' | 'on' | 'off' {
  let v: string | undefined;
  try {
    v = ctx.env?.getSetting('pyralog.ship_keys');
  } catch {
    v = undefined;
  }
  return v === 'on' || v === 'off' ? v : 'auto';
}

/**
 * The distinct non-NULL keys of the native side, or undefined when it has more rows than
 * allowed (then nothing is shipped and the external side is read with its own filters).
 */
export function collectKeys(src: ShipSource, ctx: EvalContext, rowsMax: number): Value[] | undefined {
  const c = src.collected;
  if (c && c.ctx === ctx && c.rowsMax === rowsMax) return c.keys;
  try {
    return readKeys(src, ctx, rowsMax);
  } catch (e) {
    // Reading the native side early is an optimisation: when it cannot be done here (its access
    // path reads an outer query's row, say), the join runs without shipped keys. Cancellation
    // still ends the statement.
    if (ctx.cancel.reason) throw ctx.cancel.reason;
    void e;
    return undefined;
  }
}

/** `collectKeys`, remembered on `src` until `forgetKeys` (one set-up of one statement). */
export function rememberKeys(src: ShipSource, ctx: EvalContext, rowsMax: number): Value[] | undefined {
  const keys = collectKeys(src, ctx, rowsMax);
  src.collected = { ctx, rowsMax, keys };
  return keys;
}

export function forgetKeys(src: ShipSource): void {
  src.collected = undefined;
}

function readKeys(src: ShipSource, ctx: EvalContext, rowsMax: number): Value[] | undefined {
  const seen = new Set<unknown>();
  const keys: Value[] = [];
  let rows = 0;
  const it = src.native.open(ctx);
  try {
    for (let r = it.next(); !r.done; r = it.next()) {
      const row = r.value;
      if (!src.filters.every((f) => f(row, ctx) === true)) continue;
      if (++rows > rowsMax) return undefined;
      const k = row[src.nativeKey] ?? null;
      if (k === null) continue;
      const id = typeof k === 'bigint' ? `b${k}` : k;
      if (seen.has(id)) continue;
      seen.add(id);
      keys.push(k);
    }
  } finally {
    it.return?.(undefined);
  }
  return keys;
}

interface ScanLike extends RelNode {
  readonly table: { name: string; external?: string; columns: ReadonlyArray<{ typeOid: number }> };
  readonly withKey: boolean;
  external?: { ship: ShipSource | undefined } | undefined;
}

const isScan = (n: RelNode): n is ScanLike => 'table' in n && 'withKey' in n && typeof (n as { table?: unknown }).table === 'object';

/**
 * Called by rel/from.ts for a join of two FROM items: when one side is an external table scan
 * and the other a native table scan joined on an equality of shippable types, records the
 * native side as the external scan's key source.
 */
export function offerShipping(kind: string, left: RelNode, right: RelNode, equi: ReadonlyArray<{ left: number; right: number }>, offset: number): void {
  const tryShip = (ext: RelNode, nat: RelNode, natOffset: number, keys: Array<{ ext: number; nat: number }>): void => {
    if (!isScan(ext) || !isScan(nat) || !ext.external || nat.table.external !== undefined || nat.external || nat.withKey) return;
    for (const k of keys) {
      const natOid = nat.table.columns[k.nat]?.typeOid;
      const extOid = ext.table.columns[k.ext]?.typeOid;
      if (natOid === undefined || extOid === undefined || !shippable(natOid, extOid)) continue;
      ext.external.ship = { native: nat, nativeName: nat.table.name, nativeKey: k.nat, nativeOid: natOid, nativeOffset: natOffset, extCol: k.ext, filters: [] };
      return;
    }
  };
  // Unmatched external rows may be dropped only where the join drops them anyway.
  if (kind === 'inner' || kind === 'left') tryShip(right, left, offset, equi.map((e) => ({ ext: e.right, nat: e.left })));
  if (kind === 'inner' || kind === 'right') tryShip(left, right, offset + left.width, equi.map((e) => ({ ext: e.left, nat: e.right })));
}
