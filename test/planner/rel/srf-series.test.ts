// generate_series in FROM: overload resolution with unknown literals and NULLs, numeric
// NaN/infinity checks in PostgreSQL's order, and a lazily generated series (expected values
// recorded with psql against PostgreSQL 15.20, TimeZone UTC).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient(["set time zone 'UTC'"]);

const rows = async (sql: string): Promise<Array<Array<string | null>>> => (await client().query(sql)).text;
async function err(sql: string): Promise<[string, string]> {
  const e = await client().error(sql);
  return [e.code, e.message];
}

describe('generate_series overloads', () => {
  it('type unknown literals from the other arguments or the preferred type', async () => {
    expect(await rows(`select * from generate_series('2024-06-21 17:36:00'::timestamptz, '2024-06-21 19:36:00', '1 hour')`))
      .toEqual([['2024-06-21 17:36:00+00'], ['2024-06-21 18:36:00+00'], ['2024-06-21 19:36:00+00']]);
    expect(await rows(`select * from generate_series('2024-06-21 17:36:00', '2024-06-21 19:36:00', interval '1 hour')`))
      .toEqual([['2024-06-21 17:36:00+00'], ['2024-06-21 18:36:00+00'], ['2024-06-21 19:36:00+00']]);
    expect(await rows(`select * from generate_series(date '2020-01-01', '2020-01-02', '1 day')`)).toEqual([['2020-01-01 00:00:00+00'], ['2020-01-02 00:00:00+00']]);
    expect(await rows(`select * from generate_series(1, 3::int8) with ordinality`)).toEqual([['1', '1'], ['2', '2'], ['3', '3']]);
    expect(await rows(`select * from generate_series(1.5, 3)`)).toEqual([['1.5'], ['2.5']]);
  });
  it('take a NULL argument as the other arguments type and return no rows', async () => {
    expect(await rows(`SELECT COUNT(*) FROM generate_series(NULL, TIMESTAMP '1992-12-31 12:00:00', INTERVAL '1 MONTH') tbl(d)`)).toEqual([['0']]);
    expect(await rows(`select * from generate_series(NULL, 3)`)).toEqual([]);
    expect(await rows(`select * from generate_series(now(), NULL, NULL)`)).toEqual([]);
  });
  it('report ambiguous and missing overloads as PostgreSQL', async () => {
    expect(await err(`select * from generate_series('1','3')`)).toEqual(['42725', 'function generate_series(unknown, unknown) is not unique']);
    expect(await err(`select * from generate_series(NULL, NULL, NULL)`)).toEqual(['42725', 'function generate_series(unknown, unknown, unknown) is not unique']);
    expect(await err(`select * from generate_series(1::int2, 3::int2)`)).toEqual(['42725', 'function generate_series(smallint, smallint) is not unique']);
    expect(await err(`select * from generate_series(1::float8, 3)`)).toEqual(['42883', 'function generate_series(double precision, integer) does not exist']);
    expect(await err(`select * from generate_series(timestamp '2020-01-01', timestamp '2020-01-02')`))
      .toEqual(['42883', 'function generate_series(timestamp without time zone, timestamp without time zone) does not exist']);
    expect(await err(`select * from generate_series(1, 'x')`)).toEqual(['22P02', 'invalid input syntax for type integer: "x"']);
  });
});

describe('numeric series checks', () => {
  it('come in generate_series_step_numeric order', async () => {
    expect(await err(`SELECT * FROM generate_series(0::numeric,10::numeric,'nan'::numeric)`)).toEqual(['22023', 'step size cannot be NaN']);
    expect(await err(`SELECT * FROM generate_series('-infinity'::numeric,'infinity'::numeric,'nan'::numeric)`)).toEqual(['22023', 'start value cannot be infinity']);
    expect(await err(`SELECT * FROM generate_series('nan'::numeric,'infinity'::numeric,'nan'::numeric)`)).toEqual(['22023', 'start value cannot be NaN']);
    expect(await err(`SELECT * FROM generate_series(1::numeric,'nan'::numeric)`)).toEqual(['22023', 'stop value cannot be NaN']);
    expect(await err(`SELECT * FROM generate_series(1::numeric,'infinity'::numeric)`)).toEqual(['22023', 'stop value cannot be infinity']);
    expect(await err(`SELECT * FROM generate_series(1::numeric, 3::numeric, 'infinity'::numeric)`)).toEqual(['22023', 'step size cannot be infinity']);
    expect(await err(`SELECT * FROM generate_series(1::numeric, 3::numeric, 0)`)).toEqual(['22023', 'step size cannot equal zero']);
  });
});

describe('a long series', () => {
  it('is not materialized when only its first rows are read', async () => {
    // 100M rows would exceed the in-memory row limit (53200) if the scan built them first.
    expect(await rows(`select * from generate_series(1, 100000000) limit 3`)).toEqual([['1'], ['2'], ['3']]);
    expect(await rows(`select g, o from generate_series(1::int8, 100000000::int8) with ordinality s(g, o) limit 2`)).toEqual([['1', '1'], ['2', '2']]);
  });
  it('ends at the int4 limit without overflow', async () => {
    expect(await rows(`select * from generate_series(2147483600, 2147483647, 40)`)).toEqual([['2147483600'], ['2147483640']]);
  });
});
