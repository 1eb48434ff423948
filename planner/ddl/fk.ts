// FOREIGN KEY definitions: column `REFERENCES t [(col)]`, table `FOREIGN KEY (a, b) REFERENCES
// t (x, y)` and ALTER TABLE ... ADD [CONSTRAINT name] FOREIGN KEY (existing rows validated),
// with PostgreSQL 15's checks and wording (checked against it):
//   42P01 the referenced relation does not exist; 42809 it is not a table;
//   42703 `column "x" referenced in foreign key constraint does not exist`;
//   42830 no primary key / no unique constraint on exactly the referenced columns (any order);
//   42830 `number of referencing and referenced columns for foreign key disagree`;
//   42804 `foreign key constraint "c_x_fkey" cannot be implemented` (no implicit cast either way).
// Actions: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT (../dml/fk.ts applies them);
// MATCH FULL/PARTIAL and DEFERRABLE are 0A000. Also the dependency side: DROP TABLE of a
// referenced table (2BP01, or CASCADE dropping the constraints with a NOTICE), TRUNCATE of a
// referenced table (0A000), DROP COLUMN / DROP CONSTRAINT of a referenced key (2BP01).
//
// Invariants: a ForeignKeyDesc lives on the referencing table and names the referenced table by
// oid (renames keep it valid); the referenced columns always match its primary key or one of its
// UNIQUE constraints (dropping that key is refused while the FK exists, see checkKeyDrop).

import { DbError, TypeOid, findColumn, type ColumnDesc, type FkAction, type ForeignKeyDesc, type IndexDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { castContext } from '../bind/casts.js';
import type { EvalContext } from '../bind/expr.js';
import { typeName } from '../bind/types.js';
import { strings, type Node } from '../parse/ast.js';
import { isTempSchema, type TableSession } from '../rel/runtime.js';
import { parentLookup, referencedKey, referencingKeys } from '../dml/fk.js';
import { decodeRow } from '../rel/scan.js';
import type { Value } from '../bind/expr.js';
import { latestRows } from './latest-rows.js';

export interface FkConstraintNode {
  kind: 'Constraint';
  contype: string;
  conname?: string;
  pktable?: { relname?: string; schemaname?: string; location?: number };
  fk_attrs?: Node[];
  pk_attrs?: Node[];
  fk_matchtype?: string;
  fk_upd_action?: string;
  fk_del_action?: string;
  skip_validation?: boolean;
  deferrable?: boolean;
  location?: number;
}

/** Every constraint name of a table (primary key, uniques, checks, foreign keys). */
export function constraintNames(t: TableDesc): Set<string> {
  return new Set([...(t.primaryKey ? [t.primaryKey.name] : []), ...t.uniques.map((u) => u.name), ...t.checks.map((c) => c.name), ...(t.foreignKeys ?? []).map((f) => f.name)]);
}

/** PostgreSQL's ChooseConstraintName within one table: base, base1, base2, ... */
export function chooseConstraintName(t: TableDesc, base: string, taken = constraintNames(t)): string {
  let n = base;
  for (let i = 1; taken.has(n); i++) n = `${base}${i}`;
  return n;
}

/** The default name of a CHECK: `<table>_<col>_check` when the expression references exactly one
 *  column (however often), else `<table>_check`; then made unique (PostgreSQL 15). */
export function checkName(t: TableDesc, expr: unknown): string {
  const cols = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n === null || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o['kind'] === 'ColumnRef') {
      const f = strings(o['fields'] as Node[]);
      if (f.length) cols.add(f[f.length - 1]!);
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(expr);
  return chooseConstraintName(t, cols.size === 1 ? `${t.name}_${[...cols][0]}_check` : `${t.name}_check`);
}

function action(a: string | undefined, b: Binder, loc: number): FkAction {
  switch (a ?? 'a') {
    case 'a': return 'a';
    case 'r': return 'r';
    case 'c': return 'c';
    case 'n': return 'n';
    case 'd': return 'd';
    default: throw b.unsupported(`foreign key action ${a}`, loc);
  }
}

/**
 * The ForeignKeyDesc of constraint `c` on `child` (whose columns and keys are final; `child` may
 * not be in the catalog yet — a self-reference in CREATE TABLE). `column`: the column of a
 * column-level REFERENCES.
 */
export async function defineForeignKey(b: Binder, ts: TableSession, child: TableDesc, c: FkConstraintNode, column?: string): Promise<ForeignKeyDesc> {
  const loc = c.location ?? -1;
  if (c.fk_matchtype === 'f') throw b.unsupported('MATCH FULL foreign keys', loc);
  if (c.fk_matchtype === 'p') throw b.unsupported('MATCH PARTIAL foreign keys', loc);
  if (c.deferrable) throw b.unsupported('DEFERRABLE foreign keys', loc);
  const onDelete = action(c.fk_del_action, b, loc);
  const onUpdate = action(c.fk_upd_action, b, loc);
  const rel = c.pktable ?? {};
  const relname = rel.relname ?? '';
  let parent = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), relname, rel.schemaname);
  const self = relname === child.name && (rel.schemaname === undefined || rel.schemaname === child.schema);
  if ((!parent && self) || parent?.oid === child.oid) parent = child;
  if (!parent) throw b.err('42P01', `relation "${rel.schemaname ? `${rel.schemaname}.` : ''}${relname}" does not exist`, rel.location ?? -1);
  if (parent.kind !== 'table' || parent.external) throw new DbError('42809', `referenced relation "${parent.name}" is not a table`);
  // A temporary table dies with its session: permanent and temporary tables never reference each other.
  const childTemp = isTempSchema(child.schema);
  if (childTemp !== isTempSchema(parent.schema)) {
    throw new DbError('42P16', childTemp ? 'constraints on temporary tables may reference only temporary tables' : 'constraints on permanent tables may reference only permanent tables');
  }
  const fkCols = column !== undefined ? [column] : strings(c.fk_attrs);
  const attnums = fkCols.map((n) => {
    const col = findColumn(child, n);
    if (!col) throw new DbError('42703', `column "${n}" referenced in foreign key constraint does not exist`);
    return col.attnum;
  });
  let refAttnums: number[];
  const pkCols = strings(c.pk_attrs);
  if (pkCols.length === 0) {
    if (!parent.primaryKey) throw new DbError('42830', `there is no primary key for referenced table "${parent.name}"`);
    refAttnums = [...parent.primaryKey.attnums];
  } else {
    refAttnums = pkCols.map((n) => {
      const col = findColumn(parent!, n);
      if (!col) throw new DbError('42703', `column "${n}" referenced in foreign key constraint does not exist`);
      return col.attnum;
    });
    if (!referencedKey(parent, refAttnums)) throw new DbError('42830', `there is no unique constraint matching given keys for referenced table "${parent.name}"`);
  }
  if (refAttnums.length !== attnums.length) throw new DbError('42830', 'number of referencing and referenced columns for foreign key disagree');
  const name = c.conname ?? chooseConstraintName(child, `${child.name}_${fkCols.join('_')}_fkey`);
  for (let i = 0; i < attnums.length; i++) {
    const fc = child.columns[attnums[i]! - 1]!;
    const pc = parent.columns[refAttnums[i]! - 1]!;
    if (!typesCompatible(fc.typeOid, pc.typeOid)) {
      throw new DbError('42804', `foreign key constraint "${name}" cannot be implemented`, {
        detail: `Key columns "${fc.name}" and "${pc.name}" are of incompatible types: ${typeName(fc.typeOid)} and ${typeName(pc.typeOid)}.`,
      });
    }
  }
  if (parent !== child && !parent.referencedBy?.includes(child.oid)) {
    // Mark the parent (under its name lock, as PostgreSQL locks the referenced table).
    const locked = await ts.catalog.lockName(ts.writer(), parent.db, parent.schema, parent.name, ts.statementLockWait());
    if (!locked) throw new DbError('42P01', `relation "${parent.name}" does not exist`);
    ts.catalog.putTable(ts.writer(), { ...locked, referencedBy: [...(locked.referencedBy ?? []), child.oid] });
    ts.noteDdl();
  }
  return { name, oid: await ts.catalog.allocOid(), attnums, refOid: parent.oid, refAttnums, onDelete, onUpdate };
}

/** Btree operator families with cross-type equality (integer_ops, float_ops, datetime_ops). */
const CROSS_TYPE_FAMILIES: ReadonlyArray<ReadonlySet<number>> = [
  new Set([TypeOid.int2, TypeOid.int4, TypeOid.int8]),
  new Set([TypeOid.float4, TypeOid.float8]),
  new Set([TypeOid.date, TypeOid.timestamp, TypeOid.timestamptz]),
];

/** PostgreSQL's ATAddForeignKeyConstraint rule: the referencing type `fk` must reach the
 *  referenced key's type `pk` by an implicit cast, or both sit in one btree operator family
 *  with a cross-type equality operator (int8 → int4 keys are fine, numeric → int4 are not). */
export function typesCompatible(fk: number, pk: number): boolean {
  return castContext(fk, pk) === 'i' || CROSS_TYPE_FAMILIES.some((f) => f.has(fk) && f.has(pk));
}

/** ALTER TABLE ... ADD [CONSTRAINT name] FOREIGN KEY: defines it on `t` (a working copy) and
 *  validates the existing rows. */
export async function addForeignKey(b: Binder, ts: TableSession, t: TableDesc, c: FkConstraintNode, ctx: EvalContext): Promise<void> {
  if (c.conname && constraintNames(t).has(c.conname)) throw new DbError('42710', `constraint "${c.conname}" for relation "${t.name}" already exists`);
  const fk = await defineForeignKey(b, ts, t, c);
  const parent = fk.refOid === t.oid ? t : ts.catalog.listTables(ts.reader(), t.db).find((p) => p.oid === fk.refOid)!;
  // NOT VALID: existing rows are checked by a later VALIDATE CONSTRAINT (validate.ts).
  if (c.skip_validation) fk.notValid = true;
  else await validateForeignKey(ts, t, fk, parent, ctx);
  (t.foreignKeys ??= []).push(fk);
}

/** ALTER TABLE ... ADD FOREIGN KEY: every existing row of `child` must reference a parent row
 *  (23503 with the first offending key, as PostgreSQL's validation query reports). */
export async function validateForeignKey(ts: TableSession, child: TableDesc, fk: ForeignKeyDesc, parent: TableDesc, ctx: EvalContext): Promise<void> {
  const lookup = parentLookup(child, fk, parent);
  for (const kr of latestRows(ts, child.storageId)) {
    const row = new Array<Value>(child.columns.length);
    decodeRow(child, kr.row, row);
    await lookup.check(ts, row, ctx);
  }
}

/** A relation's name as getObjectDescription prints it: schema-qualified unless the search
 *  path finds this very relation by its bare name. */
export function describedName(ts: TableSession, t: TableDesc): string {
  return ts.catalog.resolve(ts.reader(), t.db, ts.searchPath(), t.name)?.oid === t.oid ? t.name : `${t.schema}.${t.name}`;
}

/**
 * DROP TABLE of `t`: foreign keys of other tables that reference it. Without CASCADE: 2BP01 as
 * PostgreSQL words it; with CASCADE the constraints are dropped from their tables (the tables
 * stay) and a NOTICE lists them. `dropping`: oids dropped by the same statement (their own
 * constraints go with them).
 */
export async function dropReferencingKeys(ts: TableSession, t: TableDesc, cascade: boolean, dropping: ReadonlySet<number> = new Set()): Promise<void> {
  const refs = referencingKeys(ts, t, false).filter((r) => !dropping.has(r.child.oid));
  if (refs.length === 0) return;
  const lines = refs.map((r) => `constraint ${r.fk.name} on table ${describedName(ts, r.child)}`);
  if (!cascade) {
    const shown = describedName(ts, t);
    throw new DbError('2BP01', `cannot drop table ${shown} because other objects depend on it`, {
      detail: lines.map((l) => `${l} depends on table ${shown}`).join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  ts.notice(refs.length === 1
    ? { severity: 'NOTICE', code: '00000', message: `drop cascades to ${lines[0]}` }
    : { severity: 'NOTICE', code: '00000', message: `drop cascades to ${refs.length} other objects`, detail: lines.map((l) => `drop cascades to ${l}`).join('\n') });
  const byChild = new Map<number, TableDesc>();
  for (const r of refs) byChild.set(r.child.oid, r.child);
  for (const c of byChild.values()) {
    const locked = await ts.catalog.lockName(ts.writer(), c.db, c.schema, c.name, ts.statementLockWait());
    if (!locked) continue;
    const next: TableDesc = { ...locked, foreignKeys: (locked.foreignKeys ?? []).filter((f) => f.refOid !== t.oid) };
    ts.catalog.putTable(ts.writer(), next);
  }
  ts.noteDdl();
}

/** Oids of the relations a DROP (name lists) or TRUNCATE (RangeVars) statement names. */
export function namedOids(ts: TableSession, objects: ReadonlyArray<Node | { relname?: string; schemaname?: string }>): Set<number> {
  const out = new Set<number>();
  for (const o of objects) {
    let name: string;
    let schema: string | undefined;
    if ('relname' in o) {
      name = o.relname ?? '';
      schema = o.schemaname;
    } else {
      const n = o as Node;
      const parts = strings(n.kind === 'List' ? n.items : [n]);
      name = parts[parts.length - 1] ?? '';
      schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    }
    const t = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), name, schema);
    if (t) out.add(t.oid);
  }
  return out;
}

/** TRUNCATE of a table another table references: 0A000 as PostgreSQL reports it (TRUNCATE ...
 *  CASCADE and truncating both tables together are not built). `truncating`: oids in the same
 *  statement. */
export function checkTruncate(ts: TableSession, t: TableDesc, truncating: ReadonlySet<number>, cascade: boolean): void {
  const refs = referencingKeys(ts, t, false).filter((r) => !truncating.has(r.child.oid));
  if (refs.length === 0) return;
  if (cascade) throw new DbError('0A000', 'TRUNCATE ... CASCADE of a table referenced in a foreign key constraint is not supported yet', { hint: `Truncate table "${refs[0]!.child.name}" at the same time.` });
  throw new DbError('0A000', 'cannot truncate a table referenced in a foreign key constraint', {
    detail: `Table "${refs[0]!.child.name}" references "${t.name}".`,
    hint: `Truncate table "${refs[0]!.child.name}" at the same time, or use TRUNCATE ... CASCADE.`,
  });
}

/**
 * ALTER TABLE ... DROP COLUMN of a column that foreign keys reference (of other tables or of `t`
 * itself, `t` being the working copy): 2BP01, or with CASCADE those constraints are dropped.
 * The table's own FKs on the column go with it silently (the caller filters them).
 */
export async function dropColumnKeys(ts: TableSession, t: TableDesc, col: ColumnDesc, cascade: boolean): Promise<void> {
  const refs = referencingKeys(ts, t, false).filter((r) => r.fk.refAttnums.includes(col.attnum));
  for (const fk of t.foreignKeys ?? []) if (fk.refOid === t.oid && fk.refAttnums.includes(col.attnum)) refs.push({ child: t, fk });
  if (refs.length === 0) return;
  const lines = refs.map((r) => `constraint ${r.fk.name} on table ${r.child.name}`);
  if (!cascade) {
    throw new DbError('2BP01', `cannot drop column ${col.name} of table ${t.name} because other objects depend on it`, {
      detail: lines.map((l) => `${l} depends on column ${col.name} of table ${t.name}`).join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  ts.notice(refs.length === 1
    ? { severity: 'NOTICE', code: '00000', message: `drop cascades to ${lines[0]}` }
    : { severity: 'NOTICE', code: '00000', message: `drop cascades to ${refs.length} other objects`, detail: lines.map((l) => `drop cascades to ${l}`).join('\n') });
  const gone = new Set(refs.map((r) => r.fk.oid));
  if (t.foreignKeys) t.foreignKeys = t.foreignKeys.filter((f) => !gone.has(f.oid));
  for (const r of refs) {
    if (r.child === t) continue;
    const locked = await ts.catalog.lockName(ts.writer(), r.child.db, r.child.schema, r.child.name, ts.statementLockWait());
    if (locked) ts.catalog.putTable(ts.writer(), { ...locked, foreignKeys: (locked.foreignKeys ?? []).filter((f) => !gone.has(f.oid)) });
  }
}

/** ALTER TABLE dropping a key (constraint or column) that a foreign key depends on: 2BP01. */
export function checkKeyDrop(ts: TableSession, t: TableDesc, key: IndexDesc): void {
  for (const r of referencingKeys(ts, t, true)) {
    if (referencedKey(t, r.fk.refAttnums) === key) {
      throw new DbError('2BP01', `cannot drop constraint ${key.name} on table ${t.name} because other objects depend on it`, {
        detail: `constraint ${r.fk.name} on table ${r.child.name} depends on index ${key.name}`,
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
  }
}
