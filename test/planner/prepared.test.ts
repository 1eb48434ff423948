// SQL-level PREPARE / EXECUTE / DEALLOCATE, replaying a transcript recorded on PostgreSQL 15.
import { describe, it } from 'vitest';
import { withEngine, openSession } from './helpers.js';
import { replay, type Step } from './transcript.js';

describe('PREPARE / EXECUTE / DEALLOCATE', () => {
  it('behave as on PostgreSQL 15', async () => {
    const steps: Step[] = [
      ["prepare p1 (int, text) as select $1 + 1, $2 || 'x'", 'PREPARE'],
      ["execute p1(1, 'a')", 'SELECT 1', [['2', 'ax']]],
      ["execute p1('5', 2)", 'SELECT 1', [['6', '2x']]],
      ['execute p1(1)', { code: '42601', message: 'wrong number of parameters for prepared statement "p1"', detail: 'Expected 2 parameters but got 1.' }],
      ["execute p1('a', 'b')", { code: '22P02', message: 'invalid input syntax for type integer: "a"' }],
      ['execute nosuch', { code: '26000', message: 'prepared statement "nosuch" does not exist' }],
      ['prepare p1 as select 1', { code: '42P05', message: 'prepared statement "p1" already exists' }],
      ['deallocate p1', 'DEALLOCATE'],
      ['deallocate p1', { code: '26000', message: 'prepared statement "p1" does not exist' }],
      ['prepare p2 as select $1::int * 2', 'PREPARE'],
      ['execute p2(21)', 'SELECT 1', [['42']]],
      ['deallocate all', 'DEALLOCATE ALL'],
      ['execute p2(1)', { code: '26000', message: 'prepared statement "p2" does not exist' }],
      ['prepare p3 as select $1', 'PREPARE'],
      ['execute p3(true)', 'SELECT 1', [['true']]],
      ['prepare p4 as select 1 as one', 'PREPARE'],
      ['discard all', 'DISCARD ALL'],
      ['execute p4', { code: '26000', message: 'prepared statement "p4" does not exist' }],
    ];
    await withEngine(async (engine) => replay(openSession(engine), steps));
  });
});
