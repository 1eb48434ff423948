// The transaction state machine as PostgreSQL 15 runs it (transcript recorded there), the
// ReadyForQuery status after each step, and transaction-stable clocks.
import { describe, expect, it } from 'vitest';
import { withEngine, openSession, query, scalar } from './helpers.js';
import { replay, type Step } from './transcript.js';

const W = (m: string, code = '25P01'): string => `WARNING ${code} ${m}`;
const ABORTED = { code: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block' };

describe('transactions', () => {
  it('follow PostgreSQL 15 (warnings, aborted state, savepoints)', async () => {
    const steps: Step[] = [
      ['commit', 'COMMIT', [], [W('there is no transaction in progress')]],
      ['rollback', 'ROLLBACK', [], [W('there is no transaction in progress')]],
      ['begin', 'BEGIN'],
      ['begin', 'BEGIN', [], [W('there is already a transaction in progress', '25001')]],
      ['select 1/0', { code: '22012', message: 'division by zero' }],
      ['select 1', ABORTED],
      ['savepoint a', ABORTED],
      ['rollback to a', { code: '3B001', message: 'savepoint "a" does not exist' }],
      ['commit', 'ROLLBACK'],
      ['savepoint x', { code: '25P01', message: 'SAVEPOINT can only be used in transaction blocks' }],
      ['release x', { code: '25P01', message: 'RELEASE SAVEPOINT can only be used in transaction blocks' }],
      ['rollback to x', { code: '25P01', message: 'ROLLBACK TO SAVEPOINT can only be used in transaction blocks' }],
      ['start transaction isolation level serializable, read only', 'START TRANSACTION'],
      ['show transaction_isolation', 'SHOW', [['serializable']]],
      ['show transaction_read_only', 'SHOW', [['on']]],
      ['savepoint s1', 'SAVEPOINT'],
      ['select 1/0', { code: '22012', message: 'division by zero' }],
      ['rollback to savepoint s1', 'ROLLBACK'],
      ['select 2', 'SELECT 1', [['2']]],
      ['release s1', 'RELEASE'],
      ['release s1', { code: '3B001', message: 'savepoint "s1" does not exist' }],
      ['abort', 'ROLLBACK'],
      ['show transaction_isolation', 'SHOW', [['read committed']]],
      ['begin; set transaction isolation level repeatable read', 'SET'],
      ['show transaction_isolation', 'SHOW', [['repeatable read']]],
      ['select 1', 'SELECT 1'],
      ['set transaction isolation level serializable', { code: '25001', message: 'SET TRANSACTION ISOLATION LEVEL must be called before any query' }],
      ['end', 'ROLLBACK'],
      ['begin', 'BEGIN'],
      ['create database inblock', { code: '25001', message: 'CREATE DATABASE cannot run inside a transaction block' }],
      ['rollback', 'ROLLBACK'],
    ];
    await withEngine(async (engine) => replay(openSession(engine), steps));
  });

  it('reports I/T/E and rolls back an aborted block on COMMIT', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      expect(s.txStatus()).toBe('I');
      await query(s, 'begin');
      expect(s.txStatus()).toBe('T');
      await expect(query(s, 'select 1/0')).rejects.toThrow();
      expect(s.txStatus()).toBe('E');
      const r = await query(s, 'commit');
      expect(r[0]!.tag).toBe('ROLLBACK');
      expect(s.txStatus()).toBe('I');
      // BEGIN inside a multi-statement Query leaves the block open after it.
      await query(s, 'select 1; begin; select 2');
      expect(s.txStatus()).toBe('T');
      await query(s, 'commit');
      // An error in an implicit transaction leaves the session idle.
      await expect(query(s, 'select 1; select 1/0')).rejects.toThrow();
      expect(s.txStatus()).toBe('I');
    });
  });

  it('now() is fixed for the transaction, clock_timestamp() is not', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      await query(s, 'begin');
      const a = await scalar(s, 'select now()');
      await new Promise((r) => setTimeout(r, 5));
      const b = await scalar(s, 'select now()');
      expect(b).toBe(a);
      expect(await scalar(s, 'select statement_timestamp() > now()')).toBe('t');
      expect(await scalar(s, 'select clock_timestamp() > now()')).toBe('t');
      expect(await scalar(s, 'select current_timestamp = now() and transaction_timestamp() = now()')).toBe('t');
      await query(s, 'commit');
      const c = await scalar(s, 'select now()');
      expect(c).not.toBe(a);
    });
  });

  it('pg_sleep waits and honours the cancel token', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const st = s.parse('select pg_sleep(0.05)')[0]!;
      const p = s.prepare(st, []);
      const t0 = Date.now();
      const ex = await s.execute(p, [], { reason: undefined });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
      expect(ex.kind).toBe('rows');
      s.endImplicit(false);
      const { DbError } = await import('../../catalog/index.js');
      const cancel = { reason: undefined as InstanceType<typeof DbError> | undefined };
      const slow = s.execute(s.prepare(s.parse('select pg_sleep(10)')[0]!, []), [], cancel);
      setTimeout(() => { cancel.reason = new DbError('57014', 'canceling statement due to user request'); }, 30);
      const t1 = Date.now();
      await expect(slow).rejects.toThrow('canceling statement due to user request');
      expect(Date.now() - t1).toBeLessThan(1000);
      s.endImplicit(true);
    });
  });
});
