// SELECT … FOR UPDATE/SHARE over a table with a primary key (row-locks.ts decides): rows are
// locked as the query returns them, in its order, as PostgreSQL's LockRows node under Limit does —
// so LIMIT/OFFSET count locked rows only, and SKIP LOCKED leaves out rows another transaction
// holds. The query runs without LIMIT/OFFSET and with the primary-key columns appended as hidden
// outputs (the row's stored key is encoded from them); rows are pulled from its cursor only as
// far as the limit needs. A locked row with a version committed after the snapshot (or deleted):
// READ COMMITTED takes a fresh snapshot and walks the query again from the start (rows already
// held are not waited for again; rows skipped before are tried again), REPEATABLE READ fails with
// 40001 — every row returned is locked and is its newest version.

import { DbError, keyCell, type TableDesc } from '../../catalog/index.js';
import { encodeKey, type Cell, type LockOptions } from '../../lsm/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { T } from '../bind/types.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { Node, SelectStmt } from '../parse/ast.js';
import type { QueryPlan } from '../exec/query.js';
import type { RowCursor } from '../api.js';
import { lockOptions, ownKey } from '../dml/write.js';
import { storageError } from './runtime.js';
import { keySchema } from './scan.js';
import { planRelSelect } from './select.js';

/** Walks of the query before giving up (each follows a row changed after the snapshot). */
const WALKS_MAX = 1000;
/** Rows pulled from the query's cursor per fetch. */
const FETCH_ROWS = 256;

export type WaitPolicy = 'block' | 'nowait' | 'skip';

export interface KeyedLocking {
  readonly columns: QueryPlan['columns'];
  /** The rows to return, each locked (after the table's relation lock, taken by the caller). */
  rows(ctx: EvalContext): Promise<Value[][]>;
}

/** Plans the keyed walk; `visible` is the number of output columns of the query as written. */
export function planKeyedLocking(b: Binder, s: SelectStmt, tab: TableDesc, ref: string, visible: number, policy: WaitPolicy): KeyedLocking {
  const pk = tab.primaryKey!;
  const hidden = pk.attnums.map((a, i) => ({
    kind: 'ResTarget', name: `?lock_key_${i}?`,
    val: { kind: 'ColumnRef', fields: [{ kind: 'String', sval: ref }, { kind: 'String', sval: tab.columns[a - 1]!.name }], location: -1 },
    location: -1,
  })) as unknown as Node[];
  const query = planRelSelect(b, { ...s, lockingClause: undefined, limitCount: undefined, limitOffset: undefined, targetList: [...(s.targetList ?? []), ...hidden] } as SelectStmt);
  // PostgreSQL evaluates LIMIT and OFFSET as int8 (OFFSET's sign checked first).
  const limit = s.limitCount && !((s.limitCount as { kind: string; isnull?: boolean }).kind === 'A_Const' && (s.limitCount as { isnull?: boolean }).isnull)
    ? compile(b.coerceTo(b.bind(s.limitCount), T.int8, 'LIMIT', -1)) : undefined;
  const offset = s.limitOffset ? compile(b.coerceTo(b.bind(s.limitOffset), T.int8, 'OFFSET', -1)) : undefined;
  const schema = keySchema(tab);
  const types = pk.attnums.map((a) => tab.columns[a - 1]!.typeOid);
  const keyOf = (row: readonly Value[]): Uint8Array => {
    const cells = new Array<Cell>(types.length);
    for (let i = 0; i < types.length; i++) cells[i] = keyCell(types[i]!, row[visible + i]);
    return encodeKey(schema, cells);
  };
  return {
    columns: query.columns.slice(0, visible),
    async rows(ctx) {
      const off = evalCount(offset, ctx);
      const lim = evalCount(limit, ctx);
      if (off !== undefined && off < 0n) throw new DbError('2201X', 'OFFSET must not be negative');
      if (lim !== undefined && lim < 0n) throw new DbError('2201W', 'LIMIT must not be negative');
      return walk(ctx, tab, query, keyOf, visible, Number(off ?? 0n), lim === undefined ? Infinity : Number(lim), policy);
    },
  };
}

function evalCount(f: Compiled | undefined, ctx: EvalContext): bigint | undefined {
  if (!f) return undefined;
  const v = f([], ctx);
  return v === null || v === undefined ? undefined : BigInt(v as bigint | number);
}

async function walk(ctx: EvalContext, tab: TableDesc, query: QueryPlan, keyOf: (row: readonly Value[]) => Uint8Array, visible: number, offset: number, limit: number, policy: WaitPolicy): Promise<Value[][]> {
  const ts = ctx.tables!;
  const txn = ts.current();
  const held = new Set<string>();
  const opts: LockOptions = lockOptions(ts, ctx.cancel);
  if (policy === 'nowait') opts.nowait = true;
  for (let n = 0; ; n++) {
    const snap = txn.snapshotSeq;
    const out: Value[][] = [];
    let skip = offset;
    let changed = false;
    const src = await (query.openCursor ? query.openCursor(ctx) : query.run(ctx));
    const cursor: RowCursor = Array.isArray(src) ? { fetch: () => ({ rows: src, done: true }), close: () => undefined } : src;
    try {
      pull: while (out.length < limit) {
        const r = await cursor.fetch(FETCH_ROWS);
        for (const row of r.rows) {
          if (ctx.cancel.reason) throw ctx.cancel.reason;
          const key = keyOf(row);
          const k = ownKey(tab.storageId, key);
          if (!held.has(k) && !ts.ownKeys.has(k)) {
            // A free row is taken synchronously (no promise per row); a held one waits.
            if (!txn.tryLockRow(k)) {
              if (policy === 'skip') continue; // another transaction holds it: left out
              try {
                await txn.lockRow(tab.storageId, key, opts);
              } catch (e) {
                // NOWAIT's refusal (the lsm's wording) names the relation, as PostgreSQL's does.
                if (policy === 'nowait' && e instanceof Error && e.message === 'could not obtain lock on row') {
                  throw new DbError('55P03', `could not obtain lock on row in relation "${tab.name}"`);
                }
                throw storageError(e);
              }
            }
            held.add(k);
            const latest = txn.getLatestCommitted(tab.storageId, key);
            if (latest === undefined || latest.seq > snap) {
              changed = true;
              break pull;
            }
          }
          if (skip > 0) {
            skip--;
            continue;
          }
          out.push(row.length === visible ? row : row.slice(0, visible));
          if (out.length >= limit) break pull;
        }
        if (r.done) break;
      }
    } finally {
      cursor.close();
    }
    if (!changed) return out;
    if (txn.isolation === 'snapshot' || n >= WALKS_MAX) throw new DbError('40001', 'could not serialize access due to concurrent update');
    txn.setSnapshot();
  }
}
