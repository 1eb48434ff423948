// ALTER TABLE … ADD CONSTRAINT … CHECK (…) [NO INHERIT] [NOT VALID] and ALTER TABLE … VALIDATE
// CONSTRAINT name, as PostgreSQL 15 (checked against it):
//  - ADD CHECK without NOT VALID checks every existing row (23514 "check constraint "c" of
//    relation "t" is violated by some row"); with NOT VALID existing rows are not read and the
//    constraint is stored not validated (pg_constraint.convalidated false, pg_get_constraintdef
//    and psql's \d print "NOT VALID"). New and updated rows are checked either way.
//  - VALIDATE CONSTRAINT checks the existing rows of a NOT VALID CHECK (23514 as above) or
//    FOREIGN KEY (23503, ./fk.ts validateForeignKey) and marks it validated; an already
//    validated one is left alone; a PRIMARY KEY / UNIQUE is 42809 "… is not a foreign key or
//    check constraint"; an unknown name 42704.
//  - NO INHERIT is stored and shown (pg_constraint.connoinherit, "NO INHERIT"); Pyralog has no
//    table inheritance, so it changes nothing else.
// CREATE TABLE ignores NOT VALID (a new table has no rows: PostgreSQL marks the constraints valid).
//
// The row check of a CHECK runs once per statement, after every subcommand (PostgreSQL's phase
// 3), over the rows as the statement left them (added columns with their defaults) — so
// `ADD CONSTRAINT c CHECK (…) NOT VALID, VALIDATE CONSTRAINT c` checks, as PostgreSQL does.
// A statement of VALIDATE CONSTRAINT subcommands only locks the table as PostgreSQL's SHARE
// UPDATE EXCLUSIVE (alter.ts lockTable → catalog lockNameShareUpdateExclusive): concurrent
// SELECT/INSERT/UPDATE/DELETE go on during the validation (the rows they write are checked by the
// not-yet-valid constraint already), another VALIDATE or any other ALTER TABLE waits.

import { DbError, stripLocations, type CheckDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { compile } from '../eval/compile.js';
import type { Node } from '../parse/ast.js';
import type { TableSession } from '../rel/runtime.js';
import { decodeRow } from '../rel/scan.js';
import { tableScope } from '../dml/common.js';
import { checkName, constraintNames, validateForeignKey } from './fk.js';
import { latestRows } from './latest-rows.js';

/** The parts of a CHECK Constraint node these statements read. */
export interface CheckConstraintNode { conname?: string; raw_expr?: Node; skip_validation?: boolean; is_no_inherit?: boolean }

/** A CheckDesc from a parsed CHECK (`name` '' = to be chosen by the caller). `allowNotValid`:
 *  false in CREATE TABLE, where PostgreSQL marks every CHECK valid. */
export function checkDesc(k: CheckConstraintNode, name: string, allowNotValid: boolean): CheckDesc {
  return {
    name,
    expr: stripLocations(k.raw_expr),
    ...(k.is_no_inherit === true ? { noInherit: true } : {}),
    ...(allowNotValid && k.skip_validation === true ? { notValid: true } : {}),
  };
}

/** ALTER TABLE … ADD [CONSTRAINT name] CHECK (the expression already passed create-table.ts
 *  rejectInConstraint): adds it to `t` (a working copy); returns it when the existing rows must
 *  be checked (not NOT VALID). */
export function addCheck(b: Binder, t: TableDesc, k: CheckConstraintNode): CheckDesc | undefined {
  if (k.conname !== undefined && constraintNames(t).has(k.conname)) {
    throw new DbError('42710', `constraint "${k.conname}" for relation "${t.name}" already exists`);
  }
  const ch = checkDesc(k, k.conname ?? checkName(t, k.raw_expr), true);
  // Bind now: type errors (42804 "argument of CHECK must be type boolean") before any row is read.
  const sb = b.withScope(tableScope(b, t));
  sb.coerceToBool(sb.bind(ch.expr as Node), 'CHECK', -1);
  t.checks.push(ch);
  return ch.notValid ? undefined : ch;
}

/** ALTER TABLE … VALIDATE CONSTRAINT name on `t` (a working copy). A CHECK that needs its rows
 *  checked is returned (the caller checks it with the statement's other new CHECKs); a FOREIGN
 *  KEY is checked here. */
export async function validateConstraint(ts: TableSession, t: TableDesc, name: string, ctx: EvalContext): Promise<CheckDesc | undefined> {
  const ch = t.checks.find((c) => c.name === name);
  if (ch) {
    if (!ch.notValid) return undefined;
    delete ch.notValid;
    return ch;
  }
  const fk = (t.foreignKeys ?? []).find((f) => f.name === name);
  if (fk) {
    if (!fk.notValid) return undefined;
    const parent = fk.refOid === t.oid ? t : ts.catalog.listTables(ts.reader(), t.db).find((p) => p.oid === fk.refOid);
    if (!parent) throw new DbError('XX000', `referenced relation ${fk.refOid} of constraint "${name}" not found`);
    await validateForeignKey(ts, t, fk, parent, ctx);
    delete fk.notValid;
    return undefined;
  }
  if (t.primaryKey?.name === name || t.uniques.some((u) => u.name === name)) {
    throw new DbError('42809', `constraint "${name}" of relation "${t.name}" is not a foreign key or check constraint`);
  }
  throw new DbError('42704', `constraint "${name}" of relation "${t.name}" does not exist`);
}

/** Checks every row of `t` (its storage as the statement has written it so far, decoded under
 *  `t`'s columns) against `checks` that are still constraints of `t`: 23514 for the first
 *  violated one, in the order the constraints were added. */
export function checkExistingRows(b: Binder, ts: TableSession, t: TableDesc, checks: readonly CheckDesc[], ctx: EvalContext): void {
  const live = checks.filter((c) => t.checks.includes(c));
  if (live.length === 0) return;
  const sb = b.withScope(tableScope(b, t));
  const preds = live.map((c) => ({ name: c.name, pred: compile(sb.coerceToBool(sb.bind(c.expr as Node), 'CHECK', -1)) }));
  const row = new Array<Value>(t.columns.length);
  for (const kr of latestRows(ts, t.storageId)) {
    decodeRow(t, kr.row, row);
    for (const p of preds) {
      if (p.pred(row, ctx) === false) throw new DbError('23514', `check constraint "${p.name}" of relation "${t.name}" is violated by some row`, { schema: t.schema, table: t.name, constraint: p.name });
    }
  }
}
