// The rows a SELECT collects for the client are a buffer like any blocking operator's: at most
// ROWS_IN_MEMORY_MAX, then 53200 out of memory (PostgreSQL would stream them; Pyralog collects a
// relational result before sending it, and an unbounded collection would take the server's heap).
// The session stays usable afterwards.
import { describe, expect, it } from 'vitest';
import { ROWS_IN_MEMORY_MAX } from '../../../planner/rel/ops.js';
import { useClient } from '../../sql/harness.js';

const c = useClient();

describe('collected SELECT results are bounded', () => {
  it('a result one row past the bound is 53200', async () => {
    const half = ROWS_IN_MEMORY_MAX / 2;
    await expect(c().query(`SELECT a FROM generate_series(1, ${half}) a, (VALUES (1), (2), (3)) v(k) WHERE k < 3 OR a = 1`)).rejects.toMatchObject({ code: '53200' });
    expect((await c().query('SELECT 1')).text).toEqual([['1']]);
  }, 120_000);
});
