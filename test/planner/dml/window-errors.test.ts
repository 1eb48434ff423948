// Window functions where DML does not allow them: PostgreSQL 15's 42P20 wording per clause
// (checked with psql against PostgreSQL 15.20).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';
import type { DbError } from '../../../catalog/index.js';

const client = useClient(['CREATE TABLE w (a int)']);

const msg = (sql: string): Promise<string> => client().query(sql).then(() => 'ok', (e: DbError) => `${e.code} ${e.message}`);

describe('window functions in DML', () => {
  it('are refused per clause as PostgreSQL words it', async () => {
    expect(await msg('UPDATE w SET a = row_number() OVER ()')).toBe('42P20 window functions are not allowed in UPDATE');
    expect(await msg('INSERT INTO w VALUES (row_number() OVER ())')).toBe('42P20 window functions are not allowed in VALUES');
    expect(await msg('INSERT INTO w SELECT 1 RETURNING row_number() OVER ()')).toBe('42P20 window functions are not allowed in RETURNING');
    expect(await msg('DELETE FROM w WHERE row_number() OVER () > 1')).toBe('42P20 window functions are not allowed in WHERE');
    expect(await msg('UPDATE w SET a = 1 WHERE row_number() OVER () > 1')).toBe('42P20 window functions are not allowed in WHERE');
    expect(await msg('DELETE FROM w RETURNING sum(a) OVER ()')).toBe('42P20 window functions are not allowed in RETURNING');
    // Inside a subquery a window function is fine.
    expect(await msg('UPDATE w SET a = (SELECT row_number() OVER ())')).toBe('ok');
    expect(await msg('INSERT INTO w SELECT row_number() OVER () FROM (VALUES (1), (2)) v(x)')).toBe('ok');
    expect((await client().query('SELECT a FROM w ORDER BY a')).text).toEqual([['1'], ['2']]);
  });
});
