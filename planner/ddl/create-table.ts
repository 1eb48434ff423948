// CREATE TABLE: columns with types and typmods, NOT NULL/NULL, DEFAULT (any expression,
// stored as a parse tree), PRIMARY KEY (column or table constraint, composite), UNIQUE,
// CHECK, serial/bigserial/smallserial and GENERATED ... AS IDENTITY (each creates its sequence),
// IF NOT EXISTS, WITH (storage options) accepted and kept. Runs inside the transaction: the
// catalog rows commit or roll back with it.

import { isAggregateCall } from '../rel/ast-walk.js';
import { DbError, TypeOid, SEQ_LOG_VALS, keyTypeOf, stripLocations, type CheckDesc, type ColumnDesc, type IndexDesc, type SequenceOptions, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { typeName } from '../bind/types.js';
import { strings, type Node, type TypeName } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TableSession } from '../rel/runtime.js';
import { assign, tableScope, type TablePlan } from '../dml/common.js';
import { creationTarget, registerOnCommit } from './temp.js';
import { checkName, defineForeignKey, type FkConstraintNode } from './fk.js';
import { checkDesc } from './validate.js';

interface ConstraintNode {
  kind: 'Constraint';
  contype: string;
  conname?: string;
  raw_expr?: Node;
  keys?: Node[];
  generated_when?: string;
  location?: number;
  options?: Node[];
  is_no_inherit?: boolean;
  skip_validation?: boolean;
}
interface ColumnDefNode { kind: 'ColumnDef'; colname?: string; typeName?: TypeName; constraints?: ConstraintNode[]; is_not_null?: boolean; location?: number; collClause?: unknown }
export interface CreateStmtNode {
  kind: 'CreateStmt';
  relation: { relname?: string; schemaname?: string; relpersistence?: string; location?: number };
  tableElts?: Array<ColumnDefNode | ConstraintNode>;
  if_not_exists?: boolean;
  options?: Node[];
  inhRelations?: Node[];
  partspec?: unknown;
  oncommit?: string;
}

const SERIALS: Record<string, { type: string; max: bigint }> = {
  serial: { type: 'int4', max: 2147483647n }, serial4: { type: 'int4', max: 2147483647n },
  bigserial: { type: 'int8', max: 9223372036854775807n }, serial8: { type: 'int8', max: 9223372036854775807n },
  smallserial: { type: 'int2', max: 32767n }, serial2: { type: 'int2', max: 32767n },
};
const TYPE_MAX: Record<number, bigint> = { 21: 32767n, 23: 2147483647n, 20: 9223372036854775807n };

export function planCreateTable(b: Binder, s: CreateStmtNode): TablePlan {
  if (s.inhRelations?.length) throw b.unsupported('INHERITS');
  if (s.partspec) throw b.unsupported('partitioned tables');
  return {
    columns: null,
    async run() {
      const ts = tablesOfBinder(b);
      const tag = await createTable(b, ts, s);
      return { rows: [], tag };
    },
  };
}

export function dbName(ts: TableSession): string {
  return ts.host.database;
}

interface TableLikeNode { kind: 'TableLikeClause'; relation: { relname?: string; schemaname?: string; location?: number }; options?: number }

// CREATE TABLE … (LIKE src [INCLUDING …]): PostgreSQL's bits of TableLikeOption.
const LIKE_COMMENTS = 1 << 0, LIKE_COMPRESSION = 1 << 1, LIKE_DEFAULTS = 1 << 3, LIKE_STATISTICS = 1 << 7, LIKE_STORAGE = 1 << 8;
/** Options with nothing to copy here (no comments, compression, statistics objects or storage settings exist). */
const LIKE_NOTHING_TO_COPY = LIKE_COMMENTS | LIKE_COMPRESSION | LIKE_STATISTICS | LIKE_STORAGE;

/**
 * The columns `LIKE src` copies: names, types and NOT NULL always; defaults with INCLUDING
 * DEFAULTS. Copying CHECK constraints, indexes, identity or generated columns is not built: 0A000
 * rather than a table that silently lacks them.
 */
function likeColumns(b: Binder, ts: TableSession, like: TableLikeNode): ColumnDesc[] {
  const rel = like.relation;
  const src = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), rel.relname ?? '', rel.schemaname);
  if (!src) throw b.err('42P01', `relation "${rel.schemaname ? `${rel.schemaname}.` : ''}${rel.relname}" does not exist`, rel.location ?? -1);
  const opts = like.options ?? 0;
  if ((opts & ~(LIKE_NOTHING_TO_COPY | LIKE_DEFAULTS)) !== 0) throw b.unsupported('LIKE … INCLUDING CONSTRAINTS, INDEXES, IDENTITY, GENERATED or ALL');
  return src.columns.map((c) => {
    const col: ColumnDesc = { name: c.name, attnum: 0, typeOid: c.typeOid, typmod: c.typmod, notNull: c.notNull };
    if (opts & LIKE_DEFAULTS && c.defaultExpr !== undefined && c.identity === undefined) col.defaultExpr = c.defaultExpr;
    return col;
  });
}

async function createTable(b: Binder, ts: TableSession, s: CreateStmtNode): Promise<string> {
  const name = s.relation.relname ?? '';
  const schema = await creationTarget(ts, s.relation.relpersistence, s.relation.schemaname, s.oncommit);
  if (!ts.catalog.schemaExists(ts.reader(), ts.host.database, schema)) throw new DbError('3F000', `schema "${schema}" does not exist`);
  const w = ts.writer();
  const existing = await ts.catalog.lockName(w, ts.host.database, schema, name, ts.statementLockWait());
  if (existing) {
    if (s.if_not_exists) {
      ts.notice({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
      return 'CREATE TABLE';
    }
    throw new DbError('42P07', `relation "${name}" already exists`);
  }
  const columns: ColumnDesc[] = [];
  const checks: CheckDesc[] = [];
  let pk: { cols: string[]; name?: string } | undefined;
  const uniques: Array<{ cols: string[]; name?: string }> = [];
  const serials: Array<{ col: ColumnDesc; max: bigint; identity: boolean }> = [];
  const fks: Array<{ c: FkConstraintNode; column?: string }> = [];
  const elts = s.tableElts ?? [];
  for (const e of elts) {
    if ((e as { kind: string }).kind === 'TableLikeClause') {
      for (const col of likeColumns(b, ts, e as unknown as TableLikeNode)) {
        if (columns.some((c) => c.name === col.name)) throw new DbError('42701', `column "${col.name}" specified more than once`);
        columns.push({ ...col, attnum: columns.length + 1 });
      }
      continue;
    }
    if (e.kind !== 'ColumnDef') continue;
    const cname = e.colname ?? '';
    if (columns.some((c) => c.name === cname)) throw new DbError('42701', `column "${cname}" specified more than once`);
    const tn = e.typeName!;
    const tnames = strings(tn.names);
    const serial = tnames.length === 1 ? SERIALS[tnames[0]!] : undefined;
    const ty = serial ? b.typeFromName({ ...tn, names: [{ kind: 'String', sval: 'pg_catalog' }, { kind: 'String', sval: serial.type }] }) : b.typeFromName(tn);
    checkColumnType(cname, ty.oid);
    const col: ColumnDesc = { name: cname, attnum: columns.length + 1, typeOid: ty.oid, typmod: ty.typmod, notNull: e.is_not_null === true };
    if (serial) {
      col.notNull = true;
      serials.push({ col, max: serial.max, identity: false });
    }
    rejectMisplacedAttrs(b, e.constraints ?? []);
    for (const c of e.constraints ?? []) {
      switch (c.contype) {
        case 'CONSTR_NOTNULL': col.notNull = true; break;
        case 'CONSTR_NULL': break;
        case 'CONSTR_DEFAULT':
          if (serial) throw new DbError('42601', `multiple default values specified for column "${cname}" of table "${name}"`);
          col.defaultExpr = stripLocations(c.raw_expr);
          break;
        case 'CONSTR_PRIMARY':
          if (pk) throw new DbError('42P16', `multiple primary keys for table "${name}" are not allowed`);
          pk = { cols: [cname], ...(c.conname ? { name: c.conname } : {}) };
          break;
        case 'CONSTR_UNIQUE':
          uniques.push({ cols: [cname], ...(c.conname ? { name: c.conname } : {}) });
          break;
        case 'CONSTR_CHECK':
          checks.push(checkDesc(c, c.conname ?? '', false));
          break;
        case 'CONSTR_IDENTITY': {
          const max = TYPE_MAX[ty.oid];
          if (max === undefined) throw new DbError('22023', `identity column type must be smallint, integer, or bigint`);
          col.identity = c.generated_when === 'a' ? 'always' : 'by default';
          col.notNull = true;
          serials.push({ col, max, identity: true });
          break;
        }
        case 'CONSTR_FOREIGN':
          fks.push({ c: c as FkConstraintNode, column: cname });
          break;
        case 'CONSTR_GENERATED':
          throw b.unsupported('generated columns', c.location ?? -1);
        default:
          throw b.unsupported(`constraint ${c.contype}`, c.location ?? -1);
      }
    }
    columns.push(col);
  }
  for (const e of elts) {
    if (e.kind !== 'Constraint') continue;
    const keys = strings(e.keys);
    switch (e.contype) {
      case 'CONSTR_PRIMARY':
        if (pk) throw new DbError('42P16', `multiple primary keys for table "${name}" are not allowed`);
        pk = { cols: keys, ...(e.conname ? { name: e.conname } : {}) };
        break;
      case 'CONSTR_UNIQUE':
        uniques.push({ cols: keys, ...(e.conname ? { name: e.conname } : {}) });
        break;
      case 'CONSTR_CHECK':
        checks.push(checkDesc(e, e.conname ?? '', false));
        break;
      case 'CONSTR_FOREIGN':
        fks.push({ c: e as FkConstraintNode });
        break;
      default:
        throw b.unsupported(`table constraint ${e.contype}`, e.location ?? -1);
    }
  }
  const oid = await ts.catalog.allocOid();
  const desc: TableDesc = { kind: 'table', oid, db: ts.host.database, schema, name, storageId: oid, columns, uniques: [], checks };
  if (s.options?.length) desc.options = Object.fromEntries(s.options.map((o) => [o.kind === 'DefElem' ? o.defname ?? '' : '', defValue(o)]));
  const attnumsOf = (cols: string[]): number[] => cols.map((c) => {
    const col = columns.find((x) => x.name === c);
    if (!col) throw new DbError('42703', `column "${c}" named in key does not exist`);
    keyTypeOf(col.typeOid, typeName({ oid: col.typeOid, typmod: -1 }));
    return col.attnum;
  });
  if (pk) {
    const attnums = attnumsOf(pk.cols);
    for (const a of attnums) columns[a - 1]!.notNull = true;
    desc.primaryKey = { name: pk.name ?? `${name}_pkey`, oid: await ts.catalog.allocOid(), storageId: oid, attnums, primary: true };
  }
  for (const u of uniques) {
    const attnums = attnumsOf(u.cols);
    if (desc.primaryKey && desc.primaryKey.attnums.join() === attnums.join()) continue;
    const ioid = await ts.catalog.allocOid();
    const idx: IndexDesc = { name: u.name ?? uniqueName(name, u.cols, desc), oid: ioid, storageId: ioid, attnums, primary: false };
    desc.uniques.push(idx);
  }
  // Sequences of serial/identity columns.
  for (const sc of serials) {
    const seqName = `${name}_${sc.col.name}_seq`;
    const seq = await createSequenceDesc(ts, schema, seqName, { start: '1', increment: '1', min: '1', max: sc.max.toString(), cycle: false, ownedBy: `${name}.${sc.col.name}`, typeOid: sc.col.typeOid });
    sc.col.defaultExpr = nextvalAst(schema === 'public' ? seqName : `${schema}.${seqName}`);
    void seq;
  }
  // Validate stored expressions now (type errors at CREATE, as PostgreSQL reports them).
  const nb = b.withScope(undefined);
  for (const c of columns) {
    if (c.defaultExpr && !serials.some((x) => x.col === c)) {
      rejectInConstraint(c.defaultExpr, 'default');
      if (containsColumnRef(c.defaultExpr)) throw new DbError('0A000', 'cannot use column reference in DEFAULT expression');
      assign(nb, nb.bind(c.defaultExpr as Node), c, -1);
    }
  }
  // Unnamed CHECKs are named like PostgreSQL's ChooseConstraintName, after the named ones.
  for (const ch of checks) if (ch.name === '') ch.name = checkName(desc, ch.expr);
  for (const f of fks) (desc.foreignKeys ??= []).push(await defineForeignKey(b, ts, desc, f.c, f.column));
  if (checks.length) {
    const sb = b.withScope(tableScope(b, desc));
    for (const ch of checks) {
      rejectInConstraint(ch.expr, 'check');
      sb.coerceToBool(sb.bind(ch.expr as Node), 'CHECK', -1);
    }
  }
  ts.catalog.putTable(w, desc);
  registerOnCommit(ts, desc, s.oncommit);
  ts.noteDdl();
  return 'CREATE TABLE';
}

export async function createSequenceDesc(ts: TableSession, schema: string, name: string, o: SequenceOptions): Promise<TableDesc> {
  const w = ts.writer();
  const existing = await ts.catalog.lockName(w, ts.host.database, schema, name, ts.statementLockWait());
  if (existing) throw new DbError('42P07', `relation "${name}" already exists`);
  const oid = await ts.catalog.allocOid();
  const desc: TableDesc = { kind: 'sequence', oid, db: ts.host.database, schema, name, storageId: oid, columns: [], uniques: [], checks: [], sequence: o };
  await ts.catalog.initSequence(oid, BigInt(o.start));
  ts.catalog.putTable(w, desc);
  ts.noteDdl();
  void SEQ_LOG_VALS;
  return desc;
}

function nextvalAst(seq: string): Node {
  return { kind: 'FuncCall', funcname: [{ kind: 'String', sval: 'nextval' }], args: [{ kind: 'A_Const', sval: { sval: seq } }] };
}

function uniqueName(table: string, cols: string[], desc: TableDesc): string {
  const base = `${table}_${cols.join('_')}_key`;
  let n = base;
  for (let i = 1; desc.uniques.some((u) => u.name === n); i++) n = `${table}_${cols.join('_')}_key${i}`;
  return n;
}

function defValue(o: Node): string {
  if (o.kind !== 'DefElem' || !o.arg) return '';
  const a = o.arg;
  if (a.kind === 'Integer') return String(a.ival ?? 0);
  if (a.kind === 'String') return a.sval ?? '';
  if (a.kind === 'Float') return a.fval ?? '';
  return '';
}

function firstColumnRef(n: unknown): string | undefined {
  if (Array.isArray(n)) {
    for (const x of n) { const r = firstColumnRef(x); if (r) return r; }
    return undefined;
  }
  if (n === null || typeof n !== 'object') return undefined;
  const o = n as Record<string, unknown>;
  if (o['kind'] === 'ColumnRef') {
    const f = strings(o['fields'] as Node[]);
    return f[f.length - 1];
  }
  for (const v of Object.values(o)) { const r = firstColumnRef(v); if (r) return r; }
  return undefined;
}

function containsColumnRef(n: unknown): boolean {
  return firstColumnRef(n) !== undefined;
}

/**
 * What parse_expr/parse_agg refuse in a CHECK constraint or a DEFAULT, found in tree order:
 * a subquery (0A000), an aggregate (42803), a window function (42P20), with PostgreSQL's words.
 */
export function rejectInConstraint(expr: unknown, where: 'check' | 'default'): void {
  let found: DbError | undefined;
  const visit = (n: unknown): void => {
    if (found || n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) { n.forEach(visit); return; }
    const o = n as Record<string, unknown> & { kind?: string };
    if (o.kind === 'SubLink') {
      found = new DbError('0A000', where === 'check' ? 'cannot use subquery in check constraint' : 'cannot use subquery in DEFAULT expression');
      return;
    }
    if (o.kind === 'FuncCall' && o.over !== undefined) {
      found = new DbError('42P20', where === 'check' ? 'window functions are not allowed in check constraints' : 'window functions are not allowed in DEFAULT expressions');
      return;
    }
    if (o.kind === 'FuncCall' && isAggregateCall(o as unknown as Node)) {
      found = new DbError('42803', where === 'check' ? 'aggregate functions are not allowed in check constraints' : 'aggregate functions are not allowed in DEFAULT expressions');
      return;
    }
    Object.values(o).forEach(visit);
  };
  visit(expr);
  if (found) throw found;
}

/** CheckAttributeType: a column cannot have a pseudo-type (record, void, unknown resolved elsewhere). */
export function checkColumnType(name: string, oid: number): void {
  if (oid === TypeOid.record || oid === TypeOid._record || oid === TypeOid.void) {
    throw new DbError('42P16', `column "${name}" has pseudo-type ${typeName(oid)}`);
  }
}

const ATTR_CLAUSE: Record<string, string> = {
  CONSTR_ATTR_DEFERRABLE: 'DEFERRABLE',
  CONSTR_ATTR_NOT_DEFERRABLE: 'NOT DEFERRABLE',
  CONSTR_ATTR_DEFERRED: 'INITIALLY DEFERRED',
  CONSTR_ATTR_IMMEDIATE: 'INITIALLY IMMEDIATE',
};

/**
 * PostgreSQL 15's transformConstraintAttrs: a column's DEFERRABLE / NOT DEFERRABLE / INITIALLY
 * … clause must follow a constraint that takes it (FOREIGN KEY, PRIMARY KEY, UNIQUE), at most
 * one of each kind, and INITIALLY DEFERRED needs DEFERRABLE; otherwise 42601 at the clause.
 * (Where the clauses are in place, the constraint's own handling decides: deferrable
 * constraints are not built.)
 */
export function rejectMisplacedAttrs(b: Binder, constraints: ReadonlyArray<{ contype?: string; location?: number }>): void {
  let last: string | undefined;
  let sawDeferrability = false, sawInitially = false, deferrable = false, initDeferred = false;
  for (const c of constraints) {
    const clause = ATTR_CLAUSE[c.contype ?? ''];
    if (clause === undefined) {
      last = c.contype;
      sawDeferrability = sawInitially = deferrable = initDeferred = false;
      continue;
    }
    const fail = (message: string): DbError => b.err('42601', message, c.location ?? -1);
    if (last !== 'CONSTR_FOREIGN' && last !== 'CONSTR_PRIMARY' && last !== 'CONSTR_UNIQUE' && last !== 'CONSTR_EXCLUSION') {
      throw fail(`misplaced ${clause} clause`);
    }
    const mustBeDeferrable = 'constraint declared INITIALLY DEFERRED must be DEFERRABLE';
    switch (c.contype) {
      case 'CONSTR_ATTR_DEFERRABLE':
      case 'CONSTR_ATTR_NOT_DEFERRABLE':
        if (sawDeferrability) throw fail('multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed');
        sawDeferrability = true;
        deferrable = c.contype === 'CONSTR_ATTR_DEFERRABLE';
        if (!deferrable && sawInitially && initDeferred) throw fail(mustBeDeferrable);
        break;
      default:
        if (sawInitially) throw fail('multiple INITIALLY IMMEDIATE/DEFERRED clauses not allowed');
        sawInitially = true;
        initDeferred = c.contype === 'CONSTR_ATTR_DEFERRED';
        if (initDeferred) {
          if (!sawDeferrability) deferrable = true;
          else if (!deferrable) throw fail(mustBeDeferrable);
        }
    }
  }
}
