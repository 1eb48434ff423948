// ALTER TABLE … ALTER [COLUMN] c [SET DATA] TYPE t [USING expr], as PostgreSQL 15's
// ATPrepAlterColumnType / ATExecAlterColumnType / ATRewriteTable do it:
//  - the new value of every row is the USING expression (over the row as it was) or the column
//    itself, coerced to the new type in assignment context (42804 "column … cannot be cast
//    automatically to type …" with PostgreSQL's hint when no such cast exists);
//  - the column's DEFAULT is coerced too (42804 "default for column … cannot be cast
//    automatically"), CHECK constraints are bound again over the new types (so `i < 10` on a
//    column turned varchar fails with 42883 "operator does not exist: character varying <
//    integer") and re-checked on the converted rows, FOREIGN KEYs through the column (either
//    side) must still join compatible types (42804 "foreign key constraint … cannot be
//    implemented");
//  - the table is rewritten into fresh storage (new keys and unique entries under the new
//    types, duplicates found as in rewrite.ts), the old storage reclaimed after commit, so a
//    ROLLBACK restores the old rows and types untouched.

import { DbError, findColumn, keyTypeOf, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { BoundExpr, EvalContext, Value } from '../bind/expr.js';
import { tryCoerce } from '../bind/coerce.js';
import { t as sqlType, typeName } from '../bind/types.js';
import { compile, type Compiled } from '../eval/compile.js';
import type { Node, TypeName } from '../parse/ast.js';
import type { TableSession } from '../rel/runtime.js';
import { decodeRow } from '../rel/scan.js';
import { assign, tableScope } from '../dml/common.js';
import { RewrittenKeys } from './rewrite.js';
import { TableWriter, type BoundCheck } from '../dml/write.js';
import { checkColumnType } from './create-table.js';
import { latestRows } from './latest-rows.js';

export interface AlterTypeCmd { subtype: string; name?: string; def?: Node }
interface ColumnDefNode { kind: 'ColumnDef'; typeName?: TypeName; raw_default?: Node; collClause?: unknown }

/** One column's conversion: its new value from the row as it was stored before the statement. */
export interface Conversion {
  readonly attnum: number;
  readonly convert: Compiled;
}

/**
 * Applies one ALTER COLUMN TYPE to the working copy `t` (types, typmods, DEFAULT) and returns
 * the conversion to run over the stored rows. `before` is the table as stored (the scope the
 * USING expression reads).
 */
export function alterColumnType(b: Binder, t: TableDesc, before: TableDesc, cmd: AlterTypeCmd): Conversion {
  const c = findColumn(t, cmd.name ?? '');
  if (!c) throw new DbError('42703', `column "${cmd.name}" of relation "${t.name}" does not exist`);
  const def = cmd.def as unknown as ColumnDefNode;
  const target = b.typeFromName(def.typeName!);
  checkColumnType(c.name, target.oid);
  const sb = b.withScope(tableScope(b, before));
  const using = def.raw_default;
  const source: BoundExpr = using ? sb.bind(using) : sb.bind({ kind: 'ColumnRef', fields: [{ kind: 'String', sval: c.name }] } as unknown as Node);
  const want = sqlType(target.oid, target.typmod);
  const coerced = tryCoerce(sb, source, want, 'a');
  if (!coerced) {
    throw using
      ? new DbError('42804', `result of USING clause for column "${c.name}" cannot be cast automatically to type ${typeName(want)}`, { hint: 'You might need to add an explicit cast.' })
      : new DbError('42804', `column "${c.name}" cannot be cast automatically to type ${typeName(want)}`, { hint: `You might need to specify "USING ${c.name}::${typeName(want)}".` });
  }
  if (t.primaryKey?.attnums.includes(c.attnum) || t.uniques.some((u) => u.attnums.includes(c.attnum))) keyTypeOf(target.oid, typeName(target.oid));
  if (c.defaultExpr !== undefined) {
    // PostgreSQL stored the default coerced to the old column type ('x' became 'x'::text): it
    // is that expression that must cast to the new type.
    const nb = b.withScope(undefined);
    const d = assign(nb, nb.bind(c.defaultExpr as Node), c, -1);
    if (!tryCoerce(nb, d, want, 'a')) throw new DbError('42804', `default for column "${c.name}" cannot be cast automatically to type ${typeName(want)}`);
  }
  c.typeOid = target.oid;
  c.typmod = target.typmod;
  delete c.missing; // every row is rewritten with the column present
  return { attnum: c.attnum, convert: compile(coerced) };
}

/** PostgreSQL needs an equality operator between FK key types: the rule fk.ts applies at creation. */
function checkForeignKeys(ts: TableSession, t: TableDesc, changed: ReadonlySet<number>, compatible: (a: number, b: number) => boolean): void {
  const tables = ts.catalog.listTables(ts.reader(), t.db);
  const byOid = (oid: number): TableDesc | undefined => (oid === t.oid ? t : tables.find((x) => x.oid === oid));
  const pairs: Array<{ child: TableDesc; fk: NonNullable<TableDesc['foreignKeys']>[number]; parent: TableDesc }> = [];
  for (const fk of t.foreignKeys ?? []) {
    const parent = byOid(fk.refOid);
    const selfRef = fk.refOid === t.oid && fk.refAttnums.some((a) => changed.has(a));
    if (parent && (selfRef || fk.attnums.some((a) => changed.has(a)))) pairs.push({ child: t, fk, parent });
  }
  for (const child of tables) {
    if (child.oid === t.oid) continue;
    for (const fk of child.foreignKeys ?? []) {
      if (fk.refOid === t.oid && fk.refAttnums.some((a) => changed.has(a))) pairs.push({ child, fk, parent: t });
    }
  }
  for (const { child, fk, parent } of pairs) {
    for (let i = 0; i < fk.attnums.length; i++) {
      const fc = child.columns[fk.attnums[i]! - 1]!;
      const pc = parent.columns[fk.refAttnums[i]! - 1]!;
      if (!compatible(fc.typeOid, pc.typeOid)) {
        throw new DbError('42804', `foreign key constraint "${fk.name}" cannot be implemented`, {
          detail: `Key columns "${fc.name}" and "${pc.name}" are of incompatible types: ${typeName(fc.typeOid)} and ${typeName(pc.typeOid)}.`,
        });
      }
    }
  }
}

/**
 * After every subcommand: CHECKs bound over the new types, FOREIGN KEYs re-checked, then all
 * rows of `before`'s storage converted and written into fresh storage under `t`.
 */
export async function rewriteConverted(
  b: Binder, ts: TableSession, before: TableDesc, t: TableDesc, conversions: readonly Conversion[], ctx: EvalContext,
  fkCompatible: (a: number, b: number) => boolean,
): Promise<void> {
  const nb = b.withScope(tableScope(b, t));
  // NOT VALID CHECKs are not checked on existing rows (PostgreSQL keeps them NOT VALID too).
  const checks: BoundCheck[] = t.checks.filter((ch) => ch.notValid !== true).map((ch) => ({ name: ch.name, pred: compile(nb.coerceToBool(nb.bind(ch.expr as Node), 'CHECK', -1)) }));
  checkForeignKeys(ts, t, new Set(conversions.map((c) => c.attnum)), fkCompatible);
  const next: TableDesc = t;
  next.storageId = await ts.catalog.allocOid();
  if (next.primaryKey) next.primaryKey.storageId = next.storageId;
  for (const u of next.uniques) u.storageId = await ts.catalog.allocOid();
  const w = new TableWriter(next, []);
  const written = new RewrittenKeys(next, w, ctx);
  const old = new Array<Value>(before.columns.length);
  for (const kr of latestRows(ts, before.storageId)) {
    decodeRow(before, kr.row, old);
    const row = old.slice();
    for (const cv of conversions) row[cv.attnum - 1] = cv.convert(old, ctx);
    for (const cv of conversions) {
      const c = next.columns[cv.attnum - 1]!;
      if (c.notNull && row[cv.attnum - 1] === null) throw new DbError('23502', `column "${c.name}" of relation "${t.name}" contains null values`, { schema: t.schema, table: t.name, column: c.name });
    }
    for (const ch of checks) {
      if (ch.pred(row, ctx) === false) throw new DbError('23514', `check constraint "${ch.name}" of relation "${t.name}" is violated by some row`, { schema: t.schema, table: t.name, constraint: ch.name });
    }
    const { key, uniqueKeys } = written.add(ts, row);
    w.put(ts, key, row, undefined, uniqueKeys);
  }
  ts.afterCommit(before.storageId);
  for (const u of before.uniques) ts.afterCommit(u.storageId);
}

