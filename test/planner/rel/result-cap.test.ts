// The rows a statement collects (a materialized CTE body here; also COPY (SELECT …), INSERT …
// SELECT) are a buffer like any blocking operator's: at most ROWS_IN_MEMORY_MAX, then 53200 out of
// memory (an unbounded collection would take the server's heap). A SELECT's own result streams to
// the client instead (planner/rel/rel-cursor.ts, test/e2e/stream-rel.test.ts).
// The session stays usable afterwards.
import { describe, expect, it } from 'vitest';
import { ROWS_IN_MEMORY_MAX } from '../../../planner/rel/ops.js';
import { useClient } from '../../sql/harness.js';

const c = useClient();

describe('collected results are bounded', () => {
  it('a result one row past the bound is 53200', async () => {
    const half = ROWS_IN_MEMORY_MAX / 2;
    await expect(c().query(`WITH x AS MATERIALIZED (SELECT a FROM generate_series(1, ${half}) a, (VALUES (1), (2), (3)) v(k) WHERE k < 3 OR a = 1) SELECT count(*) FROM x`)).rejects.toMatchObject({ code: '53200' });
    expect((await c().query('SELECT 1')).text).toEqual([['1']]);
  }, 120_000);
});
