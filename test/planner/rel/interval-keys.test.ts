// DISTINCT, GROUP BY and set operations treat equal intervals as one key: PostgreSQL compares
// intervals by their normalised span ('1 mon' = '30 days' = '720:00:00'); the first row seen
// is the one kept (expected texts from PostgreSQL 15.20).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient();

describe('interval keys', () => {
  it('equal spans are one key, in DISTINCT, GROUP BY and UNION', async () => {
    expect((await client().query("select distinct * from (values (interval '1' month), (interval '30' day)) as t")).text).toEqual([['1 mon']]);
    expect((await client().query("select distinct * from (values (interval '720' hour), (interval '1' month)) as t")).text).toEqual([['720:00:00']]);
    await client().query('create table iv (i interval, n int)');
    await client().query("insert into iv values ('1 mon', 1), ('30 days', 2), ('1 day', 3), ('24:00:00', 4), ('1 mon 1 day', 5)");
    expect((await client().query('select count(*), sum(n) from iv group by i order by 2')).text).toEqual([['2', '3'], ['1', '5'], ['2', '7']]);
    expect((await client().query("select count(*) from (select i from iv union select interval '31 days') u")).text).toEqual([['3']]);
  });
});
