// jsonb_agg / jsonb_object_agg: expected texts recorded from PostgreSQL 15.20 (psql -A -t, TimeZone
// UTC), as aggregates, grouped, with ORDER BY inside the call, and as window aggregates.
import { describe, expect, it } from 'vitest';
import { useClient } from '../sql/harness.js';
import type { DbError } from '../../catalog/index.js';

const client = useClient(["SET TIME ZONE 'UTC'", 'create table t(v1 boolean, v2 int, v3 varchar, v4 jsonb, v5 timestamp, v6 interval)', `insert into t values (null, null, null, null, null, null), (false, 1, 'ccc', 'null',  '2019-01-01 01:00:00', '1 day'),
    (true,  2, 'bbb', 'false', '2020-01-01 02:00:00', '2 days'), (true,  3, 'aaa', '{}',    '2021-01-01 03:00:00', '3 days')`]);

const one = async (sql: string): Promise<Array<Array<string | null>>> => (await client().query(sql)).text;

describe('jsonb aggregates', () => {
  it('give what PostgreSQL 15 gives', async () => {
    expect(await one('select jsonb_agg(v2 order by v2) from t')).toEqual([['[1, 2, 3, null]']]);
    expect(await one('select jsonb_agg(v5::timestamptz order by v5) from t')).toEqual([['["2019-01-01T01:00:00+00:00", "2020-01-01T02:00:00+00:00", "2021-01-01T03:00:00+00:00", null]']]);
    expect(await one('select jsonb_agg(v6 order by v6) from t')).toEqual([['["1 day", "2 days", "3 days", null]']]);
    expect(await one('select jsonb_agg(v2) from t where false')).toEqual([[null]]);
    expect(await one("select jsonb_object_agg(k, v) from (values ('a',1),('a',2),('bb',3)) x(k,v)")).toEqual([['{"a": 2, "bb": 3}']]);
    expect(await one("select jsonb_object_agg(k, v) from (values (1,'x'),(2,null)) x(k,v)")).toEqual([['{"1": "x", "2": null}']]);
    expect(await one('select jsonb_object_agg(k, v) from (values (true,1.50)) x(k,v)')).toEqual([['{"true": 1.50}']]);
    expect(await one('select v1, jsonb_agg(v3 order by v3) from t group by v1 order by v1')).toEqual([['f', '["ccc"]'], ['t', '["aaa", "bbb"]'], [null, '[null]']]);
    expect(await one('select jsonb_agg(v2) over (order by v2) from t order by v2')).toEqual([['[1]'], ['[1, 2]'], ['[1, 2, 3]'], ['[1, 2, 3, null]']]);
    expect(await one("select jsonb_agg(x) from (values (1.0::float8),('NaN'::float8)) v(x)")).toEqual([['[1, "NaN"]']]);
  });

  it('order jsonb as PostgreSQL 15 does; json has no ordering operator', async () => {
    expect(await one('select jsonb_agg(v4 order by v4) from t')).toEqual([['[null, false, {}, null]']]);
    const sorted = await one(`select x from (values ('null'::jsonb),('false'),('{}'),('[]'),('1'),('"a"'),('[1]'),('{"a":1}'),('true'),('2.5'),('"b"'),(NULL)) v(x) order by x`);
    expect(sorted.map((r) => r[0])).toEqual(['[]', 'null', '"a"', '"b"', '1', '2.5', 'false', 'true', '[1]', '{}', '{"a": 1}', null]);
    const e = await client().query(`select x from (values ('{}'::json)) v(x) order by x`).then(() => undefined, (x: DbError) => x);
    expect([e?.code, e?.message, e?.fields.hint]).toEqual(['42883', 'could not identify an ordering operator for type json', 'Use an explicit ordering operator or modify the query.']);
  });

  it('refuse NULL and non-scalar object keys with PostgreSQL 15 errors', async () => {
    const err = (sql: string): Promise<DbError> => client().query(sql).then(() => { throw new Error('expected an error'); }, (e: DbError) => e);
    expect((await err('select jsonb_object_agg(v3, v1) from t')).message).toBe('field name must not be null');
    const e = await err('select jsonb_object_agg(k, 1) from (values (ARRAY[1])) x(k)');
    expect([e.code, e.message]).toEqual(['22023', 'key value must be scalar, not array, composite, or json']);
  });
});
