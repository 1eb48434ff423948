// LIMIT / OFFSET arguments as PostgreSQL 15's transformLimitClause takes them: an unknown literal
// is coerced straight to bigint (so '2' works and '2.2' is 22P02 for type bigint), other types
// need an assignment cast to bigint (42804 otherwise), set-returning functions are refused
// (0A000), with and without FROM. Expected values as PostgreSQL 15 answers (the conformance
// corpus t2_series/rw_generate_series.slt records the same).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const c = useClient();

describe('LIMIT and OFFSET arguments', () => {
  it('unknown literals are bigint input', async () => {
    expect((await c().query("SELECT * FROM generate_series(0, 3) v ORDER BY v LIMIT '2'")).text).toEqual([['0'], ['1']]);
    expect((await c().query("SELECT * FROM generate_series(0, 3) v ORDER BY v LIMIT 2 OFFSET '1'")).text).toEqual([['1'], ['2']]);
    expect((await c().query("SELECT 1 LIMIT '1'")).text).toEqual([['1']]);
    await expect(c().query("SELECT * FROM generate_series(0, 3) v LIMIT '2.2'")).rejects.toMatchObject({ code: '22P02', message: 'invalid input syntax for type bigint: "2.2"' });
    await expect(c().query("SELECT 1 LIMIT '2.2'")).rejects.toMatchObject({ code: '22P02', message: 'invalid input syntax for type bigint: "2.2"' });
    await expect(c().query("SELECT * FROM generate_series(0, 3) v LIMIT '-2'")).rejects.toMatchObject({ code: '2201W', message: 'LIMIT must not be negative' });
  });

  it('other types: numeric rounds, jsonb is 42804, NULL is no limit', async () => {
    expect((await c().query('SELECT * FROM generate_series(0, 3) v ORDER BY v LIMIT 2.1::numeric')).text).toEqual([['0'], ['1']]);
    await expect(c().query("SELECT * FROM generate_series(0, 3) v LIMIT '1'::jsonb")).rejects.toMatchObject({ code: '42804', message: 'argument of LIMIT must be type bigint, not type jsonb' });
    expect((await c().query('SELECT * FROM generate_series(0, 2) v ORDER BY v LIMIT NULL')).text).toEqual([['0'], ['1'], ['2']]);
  });

  it('set-returning functions are refused', async () => {
    await expect(c().query('SELECT 1 LIMIT generate_series(1, 2)')).rejects.toMatchObject({ code: '0A000', message: 'set-returning functions are not allowed in LIMIT' });
    await expect(c().query('SELECT * FROM generate_series(0, 3) v LIMIT generate_series(1, 2)')).rejects.toMatchObject({ code: '0A000', message: 'set-returning functions are not allowed in LIMIT' });
    await expect(c().query('SELECT * FROM generate_series(0, 3) v OFFSET generate_series(1, 2)')).rejects.toMatchObject({ code: '0A000', message: 'set-returning functions are not allowed in OFFSET' });
  });
});
