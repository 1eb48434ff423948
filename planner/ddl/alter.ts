// ALTER TABLE: ADD/DROP/RENAME COLUMN, ALTER COLUMN SET/DROP DEFAULT and SET/DROP NOT NULL,
// ADD PRIMARY KEY / UNIQUE / CHECK (existing rows validated unless NOT VALID: ./validate.ts),
// VALIDATE CONSTRAINT, DROP CONSTRAINT, RENAME TO.
// Changes that alter the row key (ADD PRIMARY KEY, dropping a key column) rewrite the rows into
// a fresh storage id inside the transaction; the old storage is reclaimed after commit.

import { DbError, findColumn, keyTypeOf, stripLocations, type CheckDesc, type ColumnDesc, type IndexDesc, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import type { Value } from '../bind/expr.js';
import { compile } from '../eval/compile.js';
import { strings, type Node, type TypeName } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TableSession } from '../rel/runtime.js';
import { decodeRow } from '../rel/scan.js';
import { assign, tableScope, type TablePlan } from '../dml/common.js';
import { TableWriter } from '../dml/write.js';
import { dropRelation } from './drop.js';
import { rewrite } from './rewrite.js';
import { addForeignKey, checkKeyDrop, dropColumnKeys, typesCompatible, type FkConstraintNode } from './fk.js';
import { alterColumnType, rewriteConverted, type Conversion } from './alter-type.js';
import { checkColumnType, rejectInConstraint, rejectMisplacedAttrs } from './create-table.js';
import { addCheck, checkDesc, checkExistingRows, validateConstraint, type CheckConstraintNode } from './validate.js';
import { latestRows } from './latest-rows.js';

interface ConstraintNode extends CheckConstraintNode { kind: 'Constraint'; contype: string; conname?: string; keys?: Node[]; raw_expr?: Node; location?: number }
interface ColumnDefNode { kind: 'ColumnDef'; colname?: string; typeName?: TypeName; constraints?: ConstraintNode[]; is_not_null?: boolean }
interface AlterTableCmd { kind: 'AlterTableCmd'; subtype: string; name?: string; def?: Node; missing_ok?: boolean; behavior?: string }
export interface AlterTableStmtNode { kind: 'AlterTableStmt'; relation: { relname?: string; schemaname?: string; location?: number }; cmds?: AlterTableCmd[]; objtype?: string; missing_ok?: boolean }

/** A deep copy of a descriptor (descriptors from the catalog are shared and immutable). */
function copyDesc(t: TableDesc): TableDesc {
  return JSON.parse(JSON.stringify(t)) as TableDesc;
}

async function lockTable(b: Binder, ts: TableSession, rel: { relname?: string; schemaname?: string; location?: number }, missingOk: boolean, objtype: string | undefined, cmds: readonly AlterTableCmd[]): Promise<TableDesc | undefined> {
  const found = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), rel.relname ?? '', rel.schemaname);
  if (!found) {
    // A named schema that does not exist is reported as such (RangeVarGetRelidExtended).
    if (!missingOk && rel.schemaname !== undefined && rel.schemaname !== 'pg_temp' && !ts.catalog.schemaExists(ts.reader(), ts.host.database, rel.schemaname)) {
      throw b.err('3F000', `schema "${rel.schemaname}" does not exist`, rel.location ?? -1);
    }
    if (missingOk) {
      ts.notice({ severity: 'NOTICE', code: '00000', message: `relation "${rel.relname}" does not exist, skipping` });
      return undefined;
    }
    throw b.err('42P01', `relation "${rel.schemaname ? `${rel.schemaname}.` : ''}${rel.relname}" does not exist`, rel.location ?? -1);
  }
  // PostgreSQL's AlterTableGetLockLevel: VALIDATE CONSTRAINT alone takes SHARE UPDATE EXCLUSIVE
  // (writers proceed), any other subcommand ACCESS EXCLUSIVE (the strongest of them wins).
  const shareUpdate = cmds.length > 0 && cmds.every((c) => c.subtype === 'AT_ValidateConstraint');
  const t = shareUpdate
    ? await ts.catalog.lockNameShareUpdateExclusive(ts.writer(), ts.host.database, found.schema, found.name, ts.statementLockWait())
    : await ts.catalog.lockName(ts.writer(), ts.host.database, found.schema, found.name, ts.statementLockWait());
  if (!t) throw new DbError('42P01', `relation "${rel.relname}" does not exist`);
  // PostgreSQL's rewrite and checks read the table at the latest snapshot once the lock is
  // granted: rows a transaction we waited for committed get the new column's default too. Under
  // READ COMMITTED the statement's snapshot is retaken here; REPEATABLE READ keeps its snapshot
  // for later statements, and the row reads merge in the latest committed rows (latest-rows.ts).
  const txn = ts.current();
  if (txn.isolation === 'read-committed') txn.setSnapshot();
  if (objtype === 'OBJECT_VIEW' && t.kind !== 'view') throw new DbError('42809', `"${t.name}" is not a view`);
  if (t.kind !== 'table') {
    // ATSimplePermissions: the first subcommand names the action the relation kind refuses.
    const cmd = cmds[0];
    const kinds = t.kind === 'view' ? 'views' : t.kind === 'sequence' ? 'sequences' : 'indexes';
    if (cmd && !(t.kind === 'view' && cmd.subtype === 'AT_ColumnDefault')) {
      throw new DbError('42809', `ALTER action ${alterActionName(cmd)} cannot be performed on relation "${t.name}"`, { detail: `This operation is not supported for ${kinds}.` });
    }
    throw new DbError('0A000', `ALTER ${t.kind.toUpperCase()} ${cmd ? alterActionName(cmd) : ''} is not supported yet`.replace(/ +is/, ' is'));
  }
  return copyDesc(t);
}

/** PostgreSQL's alter_table_type_to_string for the subcommands Pyralog parses. */
function alterActionName(cmd: AlterTableCmd): string {
  switch (cmd.subtype) {
    case 'AT_AddColumn': return 'ADD COLUMN';
    case 'AT_ColumnDefault': return 'ALTER COLUMN ... SET DEFAULT';
    case 'AT_DropNotNull': return 'ALTER COLUMN ... DROP NOT NULL';
    case 'AT_SetNotNull': return 'ALTER COLUMN ... SET NOT NULL';
    case 'AT_DropColumn': return 'DROP COLUMN';
    case 'AT_AddConstraint': return 'ADD CONSTRAINT';
    case 'AT_DropConstraint': return 'DROP CONSTRAINT';
    case 'AT_ValidateConstraint': return 'VALIDATE CONSTRAINT';
    case 'AT_AlterColumnType': return 'ALTER COLUMN ... SET DATA TYPE';
    case 'AT_AddIdentity': return 'ALTER COLUMN ... ADD IDENTITY';
    case 'AT_DropIdentity': return 'ALTER COLUMN ... DROP IDENTITY';
    case 'AT_SetStatistics': return 'ALTER COLUMN ... SET STATISTICS';
    case 'AT_SetStorage': return 'ALTER COLUMN ... SET STORAGE';
    case 'AT_SetRelOptions': return 'SET (...)';
    case 'AT_ResetRelOptions': return 'RESET (...)';
    default: return cmd.subtype.replace('AT_', '').toUpperCase();
  }
}

/** Reads every row of `t` as values (own writes included). */
function allRows(ts: TableSession, t: TableDesc): Array<{ key: Uint8Array; row: Value[] }> {
  const out: Array<{ key: Uint8Array; row: Value[] }> = [];
  for (const kr of latestRows(ts, t.storageId)) {
    const row = new Array<Value>(t.columns.length);
    decodeRow(t, kr.row, row);
    out.push({ key: kr.key, row });
  }
  return out;
}

export function planAlterTable(b: Binder, s: AlterTableStmtNode): TablePlan {
  if (s.objtype && s.objtype !== 'OBJECT_TABLE' && s.objtype !== 'OBJECT_VIEW') throw b.unsupported(`ALTER ${s.objtype.replace('OBJECT_', '')}`);
  return {
    columns: null,
    async run(ctx) {
      const ts = tablesOfBinder(b);
      const t = await lockTable(b, ts, s.relation, s.missing_ok === true, s.objtype, s.cmds ?? []);
      if (!t) return { rows: [], tag: 'ALTER TABLE' };
      const before = copyDesc(t);
      let needRewrite = false;
      // Columns that become NOT NULL primary key columns: the rewrite fails on a NULL (23502).
      const nullChecked: ColumnDesc[] = [];
      const conversions: Conversion[] = [];
      // CHECKs whose existing rows are checked after every subcommand (validate.ts).
      const rowChecked: CheckDesc[] = [];
      const cmds = s.cmds ?? [];
      if (cmds.some((c) => c.subtype === 'AT_AlterColumnType') && cmds.some((c) => c.subtype === 'AT_AddColumn')) {
        throw b.unsupported('ALTER COLUMN TYPE together with ADD COLUMN in one statement');
      }
      for (const cmd of s.cmds ?? []) {
        const col = (name: string | undefined): ColumnDesc => {
          const c = findColumn(t, name ?? '');
          if (!c) throw new DbError('42703', `column "${name}" of relation "${t.name}" does not exist`);
          return c;
        };
        switch (cmd.subtype) {
          case 'AT_AddColumn': {
            const d = cmd.def as unknown as ColumnDefNode;
            const name = d.colname ?? '';
            if (findColumn(t, name)) {
              if (cmd.missing_ok) {
                ts.notice({ severity: 'NOTICE', code: '42701', message: `column "${name}" of relation "${t.name}" already exists, skipping` });
                continue;
              }
              throw new DbError('42701', `column "${name}" of relation "${t.name}" already exists`);
            }
            const tnames = strings(d.typeName!.names);
            if (tnames.length === 1 && /^(small|big)?serial[248]?$/.test(tnames[0]!)) throw b.unsupported('ADD COLUMN with a serial type');
            const ty = b.typeFromName(d.typeName!);
            checkColumnType(name, ty.oid);
            const c: ColumnDesc = { name, attnum: t.columns.length + 1, typeOid: ty.oid, typmod: ty.typmod, notNull: d.is_not_null === true };
            let pk = false, unique = false;
            rejectMisplacedAttrs(b, d.constraints ?? []);
            for (const k of d.constraints ?? []) {
              if (k.contype === 'CONSTR_NOTNULL') c.notNull = true;
              else if (k.contype === 'CONSTR_DEFAULT') c.defaultExpr = stripLocations(k.raw_expr);
              else if (k.contype === 'CONSTR_PRIMARY') pk = true;
              else if (k.contype === 'CONSTR_UNIQUE') unique = true;
              else if (k.contype === 'CONSTR_CHECK') {
                rejectInConstraint(k.raw_expr, 'check');
                const ch = checkDesc(k, k.conname ?? `${t.name}_${name}_check`, false);
                t.checks.push(ch);
                rowChecked.push(ch);
              }
              else if (k.contype !== 'CONSTR_NULL') throw b.unsupported(`constraint ${k.contype} in ADD COLUMN`);
            }
            t.columns.push(c);
            // Existing rows get the default (evaluated per row, as PostgreSQL's rewrite does).
            const rows = allRows(ts, before);
            if (c.defaultExpr !== undefined || (c.notNull && rows.length > 0)) {
              const nb = b.withScope(undefined);
              const f = c.defaultExpr !== undefined ? compile(assign(nb, nb.bind(c.defaultExpr as Node), c, -1)) : undefined;
              const w = new TableWriter(t, []);
              for (const r of rows) {
                const row = [...r.row, f ? f([], ctx) : null];
                if (c.notNull && row[c.attnum - 1] === null) throw new DbError('23502', `column "${name}" of relation "${t.name}" contains null values`, { schema: t.schema, table: t.name, column: name });
                w.put(ts, r.key, row);
              }
            }
            if (pk) {
              c.notNull = true;
              nullChecked.push(c);
              addKey(t, { cols: [name], primary: true });
            }
            if (unique) addKey(t, { cols: [name], primary: false });
            if (pk || unique) needRewrite = true;
            break;
          }
          case 'AT_DropColumn': {
            const c = findColumn(t, cmd.name ?? '');
            if (!c) {
              if (cmd.missing_ok) {
                ts.notice({ severity: 'NOTICE', code: '00000', message: `column "${cmd.name}" of relation "${t.name}" does not exist, skipping` });
                continue;
              }
              throw new DbError('42703', `column "${cmd.name}" of relation "${t.name}" does not exist`);
            }
            await dropColumnKeys(ts, t, c, cmd.behavior === 'DROP_CASCADE');
            c.dropped = true;
            c.name = `........pg.dropped.${c.attnum}........`;
            delete c.defaultExpr;
            c.notNull = false;
            if (t.primaryKey?.attnums.includes(c.attnum)) {
              delete t.primaryKey;
              needRewrite = true;
            }
            const keep = t.uniques.filter((u) => !u.attnums.includes(c.attnum));
            if (keep.length !== t.uniques.length) {
              t.uniques = keep;
              needRewrite = true;
            }
            t.checks = t.checks.filter((ch) => !JSON.stringify(ch.expr).includes(`"sval":"${cmd.name}"`));
            if (t.foreignKeys) t.foreignKeys = t.foreignKeys.filter((f) => !f.attnums.includes(c.attnum));
            break;
          }
          case 'AT_ColumnDefault': {
            const c = col(cmd.name);
            if (cmd.def) rejectInConstraint(cmd.def, 'default');
            if (cmd.def) c.defaultExpr = stripLocations(cmd.def);
            else delete c.defaultExpr;
            break;
          }
          case 'AT_SetNotNull': {
            const c = col(cmd.name);
            if (allRows(ts, before).some((r) => r.row[c.attnum - 1] === null)) {
              throw new DbError('23502', `column "${c.name}" of relation "${t.name}" contains null values`, { schema: t.schema, table: t.name, column: c.name });
            }
            c.notNull = true;
            break;
          }
          case 'AT_DropNotNull': {
            const c = col(cmd.name);
            if (t.primaryKey?.attnums.includes(c.attnum)) throw new DbError('42P16', `column "${c.name}" is in a primary key`);
            c.notNull = false;
            break;
          }
          case 'AT_AddConstraint': {
            const k = cmd.def as unknown as ConstraintNode;
            const keys = strings(k.keys);
            if (k.contype === 'CONSTR_PRIMARY') {
              if (t.primaryKey) throw new DbError('42P16', `multiple primary keys for table "${t.name}" are not allowed`);
              for (const n of keys) {
                const c = col(n);
                if (!c.notNull) nullChecked.push(c);
                c.notNull = true;
              }
              addKey(t, { cols: keys, primary: true, ...(k.conname ? { name: k.conname } : {}) });
              needRewrite = true;
            } else if (k.contype === 'CONSTR_UNIQUE') {
              keys.forEach(col);
              addKey(t, { cols: keys, primary: false, ...(k.conname ? { name: k.conname } : {}) });
              needRewrite = true;
            } else if (k.contype === 'CONSTR_CHECK') {
              rejectInConstraint(k.raw_expr, 'check');
              const ch = addCheck(b, t, k);
              if (ch) rowChecked.push(ch);
            } else if (k.contype === 'CONSTR_FOREIGN') {
              await addForeignKey(b, ts, t, k as unknown as FkConstraintNode, ctx);
            } else throw b.unsupported(`ADD CONSTRAINT ${k.contype.replace('CONSTR_', '')}`);
            break;
          }
          case 'AT_DropConstraint': {
            const name = cmd.name ?? '';
            if (t.primaryKey?.name === name) {
              checkKeyDrop(ts, t, t.primaryKey);
              delete t.primaryKey;
              needRewrite = true;
            } else if (t.uniques.some((u) => u.name === name)) {
              checkKeyDrop(ts, t, t.uniques.find((u) => u.name === name)!);
              t.uniques = t.uniques.filter((u) => u.name !== name);
              needRewrite = true;
            } else if (t.checks.some((c) => c.name === name)) t.checks = t.checks.filter((c) => c.name !== name);
            else if (t.foreignKeys?.some((f) => f.name === name)) t.foreignKeys = t.foreignKeys.filter((f) => f.name !== name);
            else if (cmd.missing_ok) ts.notice({ severity: 'NOTICE', code: '00000', message: `constraint "${name}" of relation "${t.name}" does not exist, skipping` });
            else throw new DbError('42704', `constraint "${name}" of relation "${t.name}" does not exist`);
            break;
          }
          case 'AT_ValidateConstraint': {
            const ch = await validateConstraint(ts, t, cmd.name ?? '', ctx);
            if (ch) rowChecked.push(ch);
            break;
          }
          case 'AT_AlterColumnType':
            conversions.push(alterColumnType(b, t, before, cmd));
            break;
          default:
            throw b.unsupported(`ALTER TABLE ${cmd.subtype.replace('AT_', '')}`);
        }
      }
      if (conversions.length > 0 || needRewrite) {
        for (const u of t.uniques) if (u.oid === 0) u.oid = await ts.catalog.allocOid();
        if (t.primaryKey && t.primaryKey.oid === 0) t.primaryKey.oid = await ts.catalog.allocOid();
      }
      // With conversions every row is checked against every validated CHECK as it is converted.
      if (conversions.length === 0) checkExistingRows(b, ts, t, rowChecked, ctx);
      if (conversions.length > 0) {
        // Values change type: every row is decoded, converted and written again (alter-type.ts).
        await rewriteConverted(b, ts, before, t, conversions, ctx, typesCompatible);
      } else if (needRewrite) {
        // Stored rows decode under the new layout (added columns read as missing, dropped as NULL).
        await rewrite(ts, { ...t, storageId: before.storageId, uniques: before.uniques }, t, ctx, nullChecked);
      }
      ts.catalog.putTable(ts.writer(), t);
      ts.noteDdl();
      return { rows: [], tag: 'ALTER TABLE' };
    },
  };
}

function addKey(t: TableDesc, k: { cols: string[]; primary: boolean; name?: string }): void {
  const attnums = k.cols.map((n) => {
    const c = findColumn(t, n);
    if (!c) throw new DbError('42703', `column "${n}" named in key does not exist`);
    keyTypeOf(c.typeOid, String(c.typeOid));
    return c.attnum;
  });
  const idx: IndexDesc = { name: k.name ?? (k.primary ? `${t.name}_pkey` : `${t.name}_${k.cols.join('_')}_key`), oid: 0, storageId: 0, attnums, primary: k.primary };
  if (k.primary) t.primaryKey = idx;
  else t.uniques.push(idx);
}

export { dropRelation };
