// Set-returning functions where PostgreSQL 15 refuses them (check_srf_call_placement), with its
// wording and position (checked with psql against PostgreSQL 15.20).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';
import type { DbError } from '../../../catalog/index.js';

const client = useClient();

describe('set-returning functions in WHERE and HAVING', () => {
  it('are 0A000 naming the clause, at the call', async () => {
    const sql = 'select 1 from (values (1)) v(a) where generate_series(1,2) > 1';
    const e = await client().error(sql) as DbError;
    expect([e.code, e.message, e.fields.position]).toEqual(['0A000', 'set-returning functions are not allowed in WHERE', sql.indexOf('generate_series') + 1]);
    expect((await client().error('select 1 from (values (array[1])) v(a) where unnest(a) > 1')).message).toBe('set-returning functions are not allowed in WHERE');
    expect((await client().error('select count(*) from (values (1)) v(a) having generate_series(1,2) > 1')).message).toBe('set-returning functions are not allowed in HAVING');
    // In a subquery of WHERE they are allowed.
    expect((await client().query('select a from (values (1), (3)) v(a) where a in (select generate_series(1, 2))')).text).toEqual([['1']]);
  });
});
