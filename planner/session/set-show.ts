// SET / RESET / SHOW and the transaction-characteristics spellings (SET TRANSACTION ...,
// SET SESSION CHARACTERISTICS AS TRANSACTION ..., BEGIN ISOLATION LEVEL ...), turned into
// calls on SessionSettings and Transaction.

import { DbError, type Notice } from '../../catalog/index.js';
import type { Node, VariableSetStmt } from '../parse/ast.js';
import { fixedOffsetZoneName, findSetting, parseBoolText, type SessionSettings } from '../settings/index.js';
import type { Isolation, Transaction } from './tx.js';

const ISOLATIONS: Record<string, Isolation> = {
  'read uncommitted': 'read uncommitted',
  readuncommitted: 'read uncommitted',
  'read committed': 'read committed',
  readcommitted: 'read committed',
  'repeatable read': 'repeatable read',
  repeatableread: 'repeatable read',
  serializable: 'serializable',
};

export function parseIsolation(v: string): Isolation {
  const i = ISOLATIONS[v.trim().toLowerCase()];
  if (i === undefined) throw new DbError('22023', `invalid value for parameter "transaction_isolation": "${v}"`, { hint: 'Available values: serializable, repeatable read, read committed, read uncommitted.' });
  return i;
}

/** Text of one SET argument as PostgreSQL's flatten_set_variable_args sees it. */
function argText(n: Node, name: string): string {
  if (n.kind === 'A_Const') {
    // SET TIME ZONE -7 / 5.5: hours east of UTC, shown in PostgreSQL's "<-07>+07" form.
    if (name === 'timezone' && (n.ival !== undefined || n.fval !== undefined)) {
      const hours = n.ival !== undefined ? n.ival.ival ?? 0 : Number(n.fval!.fval);
      return fixedOffsetZoneName(Math.round(hours * 3600));
    }
    if (n.sval !== undefined) return n.sval.sval ?? '';
    if (n.ival !== undefined) return String(n.ival.ival ?? 0);
    if (n.fval !== undefined) return n.fval.fval ?? '0';
    if (n.boolval !== undefined) return n.boolval.boolval ? 'on' : 'off';
  }
  if (n.kind === 'TypeCast' && name === 'timezone' && n.arg.kind === 'A_Const') {
    // SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE
    const s = n.arg.sval?.sval ?? '';
    const m = /^\s*([+-])?(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?\s*$/.exec(s);
    if (!m) throw new DbError('22023', `invalid interval value for time zone: "${s}"`);
    const sec = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    return fixedOffsetZoneName(m[1] === '-' ? -sec : sec);
  }
  throw new DbError('42601', `syntax error in SET ${name}`);
}

function quoteListItem(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

export interface SetContext {
  settings: SessionSettings;
  tx: Transaction;
  notice(n: Notice): void;
}

/** Executes a VariableSetStmt; returns the command tag. */
export function executeSet(c: SetContext, stmt: VariableSetStmt): string {
  const name = (stmt.name ?? '').toLowerCase();
  switch (stmt.varKind) {
    case 'VAR_RESET_ALL':
      c.settings.resetAll();
      return 'RESET';
    case 'VAR_RESET':
      if (name === 'transaction_isolation' || name === 'transaction_read_only') return 'RESET';
      c.settings.reset(name);
      return 'RESET';
    case 'VAR_SET_MULTI':
      setMulti(c, stmt);
      return 'SET';
    case 'VAR_SET_CURRENT':
      throw new DbError('0A000', 'SET ... FROM CURRENT is not supported yet');
    case 'VAR_SET_DEFAULT':
    case 'VAR_SET_VALUE':
      break;
    default: {
      const never: never = stmt.varKind;
      throw new DbError('XX000', `unknown SET kind ${String(never)}`);
    }
  }
  if (stmt.is_local && !c.tx.inBlock()) {
    c.notice({ severity: 'WARNING', code: '25P01', message: 'SET LOCAL can only be used in transaction blocks' });
  }
  const args = stmt.varKind === 'VAR_SET_DEFAULT' ? undefined : (stmt.args ?? []).map((a) => argText(a, name));
  if (name === 'transaction_isolation' || name === 'transaction_read_only') {
    if (args === undefined) return 'SET';
    setTransactionOption(c, name, args[0]!);
    return 'SET';
  }
  if (name === 'session_authorization' || name === 'role') {
    if (args === undefined || args[0]?.toLowerCase() === 'none') return 'SET';
    throw new DbError('0A000', `SET ${name === 'role' ? 'ROLE' : 'SESSION AUTHORIZATION'} is not supported yet`);
  }
  let value: string | undefined;
  if (args !== undefined) {
    const def = findSetting(name);
    if (args.length > 1 && !def?.list) throw new DbError('22023', `SET ${def?.name ?? name} takes only one argument`);
    value = def?.list === 'quote' ? args.map(quoteListItem).join(', ') : args.join(', ');
  }
  c.settings.set(name, value, stmt.is_local === true);
  return 'SET';
}

function setTransactionOption(c: SetContext, name: string, value: string): void {
  const s = c.tx.state;
  if (s.kind !== 'block' && s.kind !== 'aborted') {
    c.notice({ severity: 'WARNING', code: '25P01', message: 'SET TRANSACTION can only be used in transaction blocks' });
    return;
  }
  if (name === 'transaction_isolation') {
    const iso = parseIsolation(value);
    if (s.info.snapshotTaken && iso !== s.info.isolation) {
      throw new DbError('25001', 'SET TRANSACTION ISOLATION LEVEL must be called before any query');
    }
    s.info.isolation = iso;
  } else {
    const b = parseBoolText(value);
    if (b === undefined) throw new DbError('22023', 'parameter "transaction_read_only" requires a Boolean value');
    s.info.readOnly = b;
  }
}

/** Options of BEGIN / SET TRANSACTION / SET SESSION CHARACTERISTICS (DefElem list). */
export function transactionOptions(opts: Node[] | undefined): { isolation?: Isolation; readOnly?: boolean } {
  const out: { isolation?: Isolation; readOnly?: boolean } = {};
  for (const o of opts ?? []) {
    if (o.kind !== 'DefElem' || !o.arg || o.arg.kind !== 'A_Const') continue;
    if (o.defname === 'transaction_isolation') out.isolation = parseIsolation(o.arg.sval?.sval ?? '');
    else if (o.defname === 'transaction_read_only') out.readOnly = (o.arg.ival?.ival ?? 0) !== 0;
    else if (o.defname === 'transaction_deferrable') continue;
  }
  return out;
}

function setMulti(c: SetContext, stmt: VariableSetStmt): void {
  const o = transactionOptions(stmt.args);
  if ((stmt.name ?? '').toUpperCase() === 'TRANSACTION') {
    if (o.isolation !== undefined) setTransactionOption(c, 'transaction_isolation', o.isolation);
    if (o.readOnly !== undefined) setTransactionOption(c, 'transaction_read_only', o.readOnly ? 'on' : 'off');
    return;
  }
  // SET SESSION CHARACTERISTICS AS TRANSACTION ...
  if (o.isolation !== undefined) c.settings.set('default_transaction_isolation', o.isolation, false);
  if (o.readOnly !== undefined) c.settings.set('default_transaction_read_only', o.readOnly ? 'on' : 'off', false);
}
