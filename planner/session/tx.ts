// The transaction state of one session, as PostgreSQL's xact.c sees it from the client's side:
//   idle      no transaction (ReadyForQuery 'I')
//   implicit  a statement (or a Query message's statements) running without BEGIN ('I')
//   block     inside BEGIN ... COMMIT ('T')
//   aborted   inside a block after an error: only ROLLBACK / COMMIT / ROLLBACK TO run ('E')
// Settings changed inside a transaction or after a savepoint are restored on rollback.
//
// Invariant: every transition goes through this class, so settings snapshots and the
// transaction timestamp can never disagree with the state.

import { DbError, type Notice } from '../../catalog/index.js';
import type { TxStatus } from '../api.js';
import type { SessionSettings, SettingsSnapshot } from '../settings/index.js';
import { nowMicros } from '../clock.js';

export type Isolation = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

export interface Savepoint {
  name: string;
  settings: SettingsSnapshot;
}

export interface BlockInfo {
  startMicros: bigint;
  isolation: Isolation;
  readOnly: boolean;
  savepoints: Savepoint[];
  /** A query has run: SET TRANSACTION ISOLATION LEVEL is no longer allowed. */
  snapshotTaken: boolean;
}

export type TxState =
  | { kind: 'idle' }
  /** `startMs`: performance.now() at the start; the timestamp is made only when asked for
   *  (now() in an autocommit statement), not per statement (microsAt). */
  | { kind: 'implicit'; startMs: number }
  | { kind: 'block'; info: BlockInfo }
  | { kind: 'aborted'; info: BlockInfo };

/** A savepoint stack deeper than this is refused (each level holds a settings snapshot). */
export const SAVEPOINTS_MAX = 10_000;

export class Transaction {
  state: TxState = { kind: 'idle' };

  constructor(
    private readonly settings: SessionSettings,
    private readonly notice: (n: Notice) => void,
  ) {}

  status(): TxStatus {
    switch (this.state.kind) {
      case 'idle':
      case 'implicit':
        return 'I';
      case 'block':
        return 'T';
      case 'aborted':
        return 'E';
      default: {
        const never: never = this.state;
        return never;
      }
    }
  }

  inBlock(): boolean {
    return this.state.kind === 'block' || this.state.kind === 'aborted';
  }

  startMicros(): bigint {
    const s = this.state;
    switch (s.kind) {
      case 'idle':
        return nowMicros();
      case 'implicit':
        return microsAt(s.startMs);
      case 'block':
      case 'aborted':
        return s.info.startMicros;
      default: {
        const never: never = s;
        return never;
      }
    }
  }

  /**
   * Called before each statement: opens the implicit transaction when idle. `nowMs`: the
   * statement's start (performance.now()); an implicit transaction starts then too, so now() =
   * statement_timestamp() in its first statement, as in PostgreSQL.
   */
  beforeStatement(nowMs = performance.now()): void {
    if (this.state.kind === 'idle') {
      this.state = { kind: 'implicit', startMs: nowMs };
      this.settings.beginTx();
    }
  }

  /** A query ran: the isolation level is now fixed. */
  markSnapshot(): void {
    if (this.state.kind === 'block') this.state.info.snapshotTaken = true;
  }

  begin(isolation: Isolation, readOnly: boolean): void {
    const s = this.state;
    if (s.kind === 'block' || s.kind === 'aborted') {
      this.notice({ severity: 'WARNING', code: '25001', message: 'there is already a transaction in progress' });
      return;
    }
    // BEGIN inside a multi-statement Query turns the implicit transaction into the block.
    const startMicros = s.kind === 'implicit' ? microsAt(s.startMs) : nowMicros();
    if (s.kind === 'idle') this.settings.beginTx();
    this.state = { kind: 'block', info: { startMicros, isolation, readOnly, savepoints: [], snapshotTaken: false } };
  }

  /** COMMIT/END: returns the tag ('COMMIT', or 'ROLLBACK' when the block had failed). */
  commit(): 'COMMIT' | 'ROLLBACK' {
    const s = this.state;
    if (s.kind === 'aborted') {
      this.finish(false);
      return 'ROLLBACK';
    }
    if (s.kind !== 'block') {
      this.notice({ severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' });
      return 'COMMIT';
    }
    this.finish(true);
    return 'COMMIT';
  }

  rollback(): void {
    if (!this.inBlock()) {
      this.notice({ severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' });
      return;
    }
    this.finish(false);
  }

  savepoint(name: string): void {
    const s = this.state;
    if (s.kind === 'aborted') throw abortedError();
    if (s.kind !== 'block') throw new DbError('25P01', 'SAVEPOINT can only be used in transaction blocks');
    if (s.info.savepoints.length >= SAVEPOINTS_MAX) throw new DbError('54000', `too many savepoints (limit ${SAVEPOINTS_MAX})`);
    s.info.savepoints.push({ name, settings: this.settings.snapshot() });
  }

  release(name: string): void {
    const s = this.state;
    if (s.kind === 'aborted') throw abortedError();
    if (s.kind !== 'block') throw new DbError('25P01', 'RELEASE SAVEPOINT can only be used in transaction blocks');
    const i = findSavepoint(s.info, name);
    s.info.savepoints.length = i;
  }

  rollbackTo(name: string): void {
    const s = this.state;
    if (s.kind !== 'block' && s.kind !== 'aborted') {
      throw new DbError('25P01', 'ROLLBACK TO SAVEPOINT can only be used in transaction blocks');
    }
    const i = findSavepoint(s.info, name);
    s.info.savepoints.length = i + 1;
    this.settings.restore(s.info.savepoints[i]!.settings);
    this.state = { kind: 'block', info: s.info };
  }

  /** A statement failed: a block becomes aborted; an implicit transaction waits for endImplicit. */
  failed(): void {
    if (this.state.kind === 'block') this.state = { kind: 'aborted', info: this.state.info };
  }

  /** End of a Query message / Sync. */
  endImplicit(failed: boolean): void {
    if (this.state.kind === 'implicit') this.finish(!failed);
  }

  /** Session end or DISCARD: roll back whatever is open. */
  abandon(): void {
    if (this.state.kind !== 'idle') this.finish(false);
  }

  /** issue 4: how the last transaction ended (the storage transaction follows it). */
  lastCommitted = false;

  private finish(commit: boolean): void {
    this.lastCommitted = commit;
    if (commit) this.settings.commitTx();
    else this.settings.rollbackTx();
    this.state = { kind: 'idle' };
  }
}

function findSavepoint(info: BlockInfo, name: string): number {
  for (let i = info.savepoints.length - 1; i >= 0; i--) if (info.savepoints[i]!.name === name) return i;
  throw new DbError('3B001', `savepoint "${name}" does not exist`);
}

export function abortedError(): DbError {
  return new DbError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
}

/**
 * The PostgreSQL timestamp (µs since 2000-01-01 UTC) of an earlier `performance.now()` reading:
 * planner/clock.ts nowMicros's formula at that instant. Statements record the cheap reading and
 * make the bigint only when a function asks for it.
 */
export function microsAt(perfMs: number): bigint {
  return BigInt(Math.round((performance.timeOrigin + perfMs - PG_EPOCH_UNIX_MS) * 1000));
}

/** 2000-01-01 00:00:00 UTC in Unix ms (planner/clock.ts's epoch). */
const PG_EPOCH_UNIX_MS = 946_684_800_000;
