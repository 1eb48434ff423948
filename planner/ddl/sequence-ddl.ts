// ALTER SEQUENCE [IF EXISTS] name option ... as PostgreSQL 15's AlterSequence/init_params:
// INCREMENT [BY], [NO] MINVALUE, [NO] MAXVALUE, START [WITH], RESTART [[WITH] n], [NO] CYCLE,
// CACHE (accepted, there is no per-session cache), OWNED BY table.column | NONE. The changed
// options are checked together (MINVALUE < MAXVALUE, START and RESTART within the bounds) with
// PostgreSQL's messages. The options live in the sequence's catalog row (transactional); RESTART
// sets the counter now (like setval, it is not rolled back). `AS type` is 0A000.

import { DbError, type SequenceOptions, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { strings, type Node } from '../parse/ast.js';
import { tablesOfBinder } from '../rel/from.js';
import type { TablePlan } from '../dml/common.js';

export interface AlterSeqStmtNode { kind: 'AlterSeqStmt'; sequence: { relname?: string; schemaname?: string; location?: number }; options?: Node[]; missing_ok?: boolean }
interface DefElemNode { kind: 'DefElem'; defname?: string; arg?: Node & { ival?: number; fval?: string; boolval?: boolean; items?: Node[] } }

const TYPE_MAX: Record<number, bigint> = { 21: 32767n, 23: 2147483647n, 20: 9223372036854775807n };

export function planAlterSequence(b: Binder, s: AlterSeqStmtNode): TablePlan {
  return {
    columns: null,
    async run() {
      const ts = tablesOfBinder(b);
      const db = ts.host.database;
      const rel = s.sequence;
      const found = ts.catalog.resolve(ts.reader(), db, ts.searchPath(), rel.relname ?? '', rel.schemaname);
      if (!found) {
        if (s.missing_ok) {
          ts.notice({ severity: 'NOTICE', code: '00000', message: `relation "${rel.relname}" does not exist, skipping` });
          return { rows: [], tag: 'ALTER SEQUENCE' };
        }
        throw b.err('42P01', `relation "${rel.schemaname ? `${rel.schemaname}.` : ''}${rel.relname}" does not exist`, rel.location ?? -1);
      }
      const seq = await ts.catalog.lockName(ts.writer(), db, found.schema, found.name, ts.statementLockWait());
      if (!seq) throw new DbError('42P01', `relation "${rel.relname}" does not exist`);
      if (seq.kind !== 'sequence' || !seq.sequence) throw new DbError('42809', `"${seq.name}" is not a sequence`);
      const o: SequenceOptions = { ...seq.sequence };
      const typeMax = TYPE_MAX[o.typeOid] ?? TYPE_MAX[20]!;
      let restart: bigint | undefined;
      let ownedBy: string | null | undefined;
      for (const d of (s.options ?? []) as DefElemNode[]) {
        if (d.kind !== 'DefElem') continue;
        const arg = d.arg;
        const num = (): string => {
          if (!arg) throw new DbError('42601', `${d.defname} requires a numeric value`);
          if (arg.kind === 'Integer') return String(arg.ival ?? 0);
          if (arg.kind === 'Float') return arg.fval ?? '0';
          throw new DbError('42601', `${d.defname} requires a numeric value`);
        };
        switch (d.defname) {
          case 'increment': o.increment = num(); break;
          case 'start': o.start = num(); break;
          case 'restart': restart = arg ? BigInt(num()) : BigInt(o.start); break;
          case 'minvalue': o.min = arg ? num() : ''; break;
          case 'maxvalue': o.max = arg ? num() : ''; break;
          case 'cycle': o.cycle = arg?.kind === 'Boolean' ? arg.boolval === true : arg?.kind === 'Integer' ? arg.ival === 1 : true; break;
          case 'cache': break;
          case 'owned_by': {
            const names = strings(arg?.kind === 'List' ? arg.items : (arg as unknown as Node[] | undefined) ?? []);
            if (names.length === 1 && names[0] === 'none') { ownedBy = null; break; }
            if (names.length < 2) throw new DbError('42601', 'invalid OWNED BY option', { hint: 'Specify OWNED BY table.column or OWNED BY NONE.' });
            ownedBy = ownerOf(ts, seq, names);
            break;
          }
          default: throw b.unsupported(`ALTER SEQUENCE option ${d.defname}`);
        }
      }
      const inc = BigInt(o.increment);
      if (inc === 0n) throw new DbError('22023', 'INCREMENT must not be zero');
      if (o.max === '') o.max = inc > 0n ? typeMax.toString() : '-1';
      if (o.min === '') o.min = inc > 0n ? '1' : (-typeMax - 1n).toString();
      const min = BigInt(o.min), max = BigInt(o.max), start = BigInt(o.start);
      if (min >= max) throw new DbError('22023', `MINVALUE (${min}) must be less than MAXVALUE (${max})`);
      if (start < min) throw new DbError('22023', `START value (${start}) cannot be less than MINVALUE (${min})`);
      if (start > max) throw new DbError('22023', `START value (${start}) cannot be greater than MAXVALUE (${max})`);
      if (restart !== undefined && restart < min) throw new DbError('22023', `RESTART value (${restart}) cannot be less than MINVALUE (${min})`);
      if (restart !== undefined && restart > max) throw new DbError('22023', `RESTART value (${restart}) cannot be greater than MAXVALUE (${max})`);
      if (ownedBy === null) delete o.ownedBy;
      else if (ownedBy !== undefined) o.ownedBy = ownedBy;
      const next: TableDesc = { ...seq, sequence: o };
      ts.catalog.putTable(ts.writer(), next);
      if (restart !== undefined) await ts.catalog.setval(next, restart, false);
      ts.noteDdl();
      return { rows: [], tag: 'ALTER SEQUENCE' };
    },
  };
}

/** OWNED BY [schema.]table.column: the table must exist, share the sequence's schema, have the column. */
function ownerOf(ts: ReturnType<typeof tablesOfBinder>, seq: TableDesc, names: string[]): string {
  const column = names[names.length - 1]!;
  const tableName = names[names.length - 2]!;
  const schema = names.length > 2 ? names[names.length - 3] : undefined;
  const t = ts.catalog.resolve(ts.reader(), ts.host.database, ts.searchPath(), tableName, schema);
  if (!t) throw new DbError('42P01', `relation "${schema ? `${schema}.` : ''}${tableName}" does not exist`);
  if (t.kind !== 'table' && t.kind !== 'view') throw new DbError('42809', `sequence cannot be owned by relation "${t.name}"`, { detail: `This operation is not supported for ${t.kind === 'index' ? 'indexes' : 'sequences'}.` });
  if (t.kind !== 'table') throw new DbError('42809', `sequence cannot be owned by relation "${t.name}"`, { detail: 'This operation is not supported for views.' });
  if (t.schema !== seq.schema) throw new DbError('55000', 'sequence must be in same schema as table it is linked to');
  if (!t.columns.some((c) => !c.dropped && c.name === column)) throw new DbError('42703', `column "${column}" of relation "${t.name}" does not exist`);
  return `${t.name}.${column}`;
}
